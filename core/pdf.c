/*
 * pdf.c - PDF documents over libharu 2.3.0: the document, its pages,
 * drawing, outlines and saving.  Fonts and the ToUnicode map are in
 * pdf_font.c, content streams (deflating, raw text, static content replay)
 * in pdf_stream.c; the three share struct ff_pdf and every libharu internal
 * through pdf_hpdf.h, the only header that includes libharu's private
 * headers (and stops the build on any libharu but 2.3.0).
 *
 * One ff_pdf owns one HPDF_Doc for its whole life.  The TrueType fonts are
 * loaded and parsed once, in ff_pdf_new: HPDF_NewDoc/HPDF_FreeDoc keep the
 * loaded font definitions (FreeDoc only resets their "glyph used" flags), so
 * each ff_pdf_begin merely creates fresh font objects for the new document.
 * The workload is thousands of small per-household documents per worker.
 * What libharu still redoes per document and font is its 65536-entry
 * CIDToGIDMap and /W array (about 4 ms a document, bench/typography.md);
 * fonts are therefore created lazily, only for the faces a document uses.
 *
 * Three places go past libharu's public API, all with symbols exported by
 * libhpdf.so 2.3.0 and structs from its installed headers (see
 * /work/shared/notes/thai-pdf-libharu.md for the measurements):
 *   - the page content stream, for the raw TJ runs written by text.c
 *     (pdf_stream.c);
 *   - the font's ToUnicode stream, which libharu fills with a CID CMap that
 *     poppler rejects ("Invalid 'begincidrange' operator") and which does not
 *     map the Thai presentation forms U+F700..U+F71F back to Thai
 *     (pdf_font.c);
 *   - the document's PDF version, and hex (UTF-16BE) strings for outline
 *     titles and the Title entry, which libharu would write as raw UTF-8
 *     (here).
 * And libharu's HPDF_MemCpy/HPDF_MemSet are replaced by faster ones of the
 * same behaviour (symbol interposition, see below).
 *
 * libharu reports errors through a handler; ours copies them into the
 * ff_err of the call in progress (p->err), so no setjmp is needed.  Void
 * drawing calls have no ff_err: their first error is kept in p->sticky and
 * returned by the next ff_pdf_save.
 */
#include "pdf.h"

#include "alloc.h"
#include "outfile.h"
#include "buf.h"
#include "pdf_hpdf.h"
#include "pdf_internal.h"
#include "utf8.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#ifndef FF_FONT_DIR
#define FF_FONT_DIR "/usr/share/fonts/truetype/tlwg"
#endif

/*
 * libharu copies and clears memory one byte at a time in HPDF_MemCpy and
 * HPDF_MemSet: every byte of every stream and document goes through them
 * at least twice, about 9% of `ffgen folders`.  libhpdf.so calls both
 * through its PLT, so these definitions in the executable are the ones it
 * uses (ELF symbol interposition; with a libharu built otherwise, its own
 * are used and only speed differs).  Same results, the end pointer
 * returned as libharu 2.3.0 does; memmove, because a forward byte loop
 * is also correct for an overlapping copy to a lower address.
 */
HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n)
{
    if (n)
        memmove(out, in, n);
    return out + n;
}

void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n)
{
    if (n)
        memset(s, c, n);
    return (HPDF_BYTE *)s + n;
}

/* Words for the libharu errors a caller can cause; the rest get the code. */
static const char *hpdf_error_text(HPDF_STATUS code)
{
    switch (code) {
    case HPDF_FAILD_TO_ALLOC_MEM:
        return "out of memory in libharu";
    case HPDF_FILE_OPEN_ERROR:
        return "cannot open file";
    case HPDF_FILE_IO_ERROR:
        return "file read or write failed";
    case HPDF_TTF_INVALID_FOMAT:
    case HPDF_TTF_MISSING_TABLE:
    case HPDF_TTF_INVALID_CMAP:
    case HPDF_INVALID_FONTDEF_DATA:
        return "not a usable TrueType font";
    case HPDF_TTF_CANNOT_EMBEDDING_FONT:
        return "the font's licence flags forbid embedding";
    case HPDF_PAGE_INVALID_SIZE:
        return "page size outside 3..14400 points";
    default:
        return NULL;
    }
}

static void HPDF_STDCALL on_error(HPDF_STATUS code, HPDF_STATUS detail,
                                  void *user)
{
    struct ff_pdf *p = user;
    struct ff_err *e = p->err ? p->err : &p->sticky;
    const char *text = hpdf_error_text(code);
    int kind = FF_EINTERNAL;

    if (code == HPDF_FAILD_TO_ALLOC_MEM || code == HPDF_FILE_IO_ERROR ||
        code == HPDF_FILE_OPEN_ERROR)
        kind = FF_ESYS;
    else if (text != NULL)
        kind = FF_EINPUT;
    /* After a failed allocation libharu often reports a follow-on error
     * instead; the allocation counter tells what really happened. */
    if (code == HPDF_FAILD_TO_ALLOC_MEM || ff_alloc_failures() != p->oom_mark)
        ff_err_set(e, FF_ESYS, p->err_file, 0, 0, "out of memory");
    else if (text != NULL)
        ff_err_set(e, kind, p->err_file, 0, 0, "%s (libharu error 0x%04X)",
                   text, (unsigned)code);
    else
        ff_err_set(e, kind, p->err_file, 0, 0,
                   "libharu error 0x%04X (detail %u)", (unsigned)code,
                   (unsigned)detail);
}

/*
 * Start a public call: errors of libharu go into e (or the sticky error),
 * and libharu's own error state is cleared so an earlier failure does not
 * poison this call.
 */
void ffp_enter(struct ff_pdf *p, struct ff_err *e, const char *file)
{
    p->err = e;
    p->err_file = file;
    p->oom_mark = ff_alloc_failures();
    HPDF_ResetError(p->doc);
}

/* The error code to return after a failed libharu call. */
int ffp_fail(struct ff_pdf *p, struct ff_err *e, const char *what)
{
    struct ff_err *t = e ? e : &p->sticky;

    if (t->code == FF_OK && ff_alloc_failures() != p->oom_mark)
        ff_err_set(t, FF_ESYS, p->err_file, 0, 0, "out of memory");
    else if (t->code == FF_OK)
        ff_err_set(t, FF_EINTERNAL, p->err_file, 0, 0, "%s failed", what);
    HPDF_ResetError(p->doc);
    return t->code;
}

int ffp_grow(void **arr, int *cap, int need, size_t elem)
{
    size_t c = (size_t)*cap;
    void *n;

    if (need <= *cap)
        return 0;
    n = ff_grow(*arr, &c, (size_t)need, elem, 16);
    if (n == NULL)
        return -1;
    *arr = n;
    *cap = c > INT_MAX ? INT_MAX : (int)c;     /* understated is safe */
    return 0;
}

struct ff_pdf *ff_pdf_new(const struct ff_pdf_opts *o, struct ff_err *e)
{
    static const struct ff_pdf_opts none;
    const char *dir, *file;
    struct ff_pdf *p;
    int i;

    if (o == NULL)
        o = &none;
    dir = o->font_dir;
    if (dir == NULL || *dir == '\0')
        dir = getenv("FFKIT_FONT_DIR");
    if (dir == NULL || *dir == '\0')
        dir = FF_FONT_DIR;
    p = ff_calloc(1, sizeof *p);
    if (p == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return NULL;
    }
    ff_err_clear(&p->sticky);
    ff_buf_init(&p->subset);
    ff_buf_init(&p->otitles);
    p->no_font_cache = o->no_font_cache;
    for (i = 0; i < NFACES; i++) {
        file = i == 0 ? o->regular : o->bold;
        if (file == NULL)
            file = i == 0 ? "Laksaman.ttf" : "Laksaman-Bold.ttf";
        if (ffp_face_read(&p->face[i], dir, file, e) != FF_OK)
            goto fail;
    }
    /*
     * libharu keeps the system allocator, outside ff_alloc_fail_after: its
     * out-of-memory paths are not robust (a failed allocation inside
     * HPDF_SaveToStream leaks half-built objects and can later crash in
     * HPDF_GetMem), so injecting failures there tests libharu, not us.  A
     * real allocation failure still reaches on_error as FF_ESYS.
     */
    p->doc = HPDF_NewEx(on_error, NULL, NULL, 0, p);
    if (p->doc == NULL) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        goto fail;
    }
    ffp_enter(p, e, NULL);
    if (HPDF_UseUTFEncodings(p->doc) != HPDF_OK) {
        ffp_fail(p, e, "loading the UTF-8 encoder");
        goto fail;
    }
    for (i = 0; i < NFACES; i++)
        if (ffp_face_load(p, &p->face[i], e) != FF_OK)
            goto fail;
    p->err = NULL;
    p->err_file = NULL;
    return p;
fail:
    ff_pdf_free(p);
    return NULL;
}

static void end_doc(struct ff_pdf *p);

void ff_pdf_free(struct ff_pdf *p)
{
    int i;

    if (p == NULL)
        return;
    if (p->text_free)
        p->text_free(p->text);
    if (p->doc) {
        p->err = NULL;
        end_doc(p);     /* removes a streamed document's partial file */
        HPDF_Free(p->doc);
    }
    for (i = 0; i < NFACES; i++)
        ffp_face_free(&p->face[i]);
    ffp_clips_free(p);
    libdeflate_free_compressor(p->zc);
    libdeflate_free_compressor(p->fzc);
    ff_buf_release(&p->subset);
    ff_free(p->zin);
    ff_free(p->zout);
    ff_free(p->pages);
    ff_free(p->page_ids);
    ff_free(p->ol);
    ff_buf_release(&p->otitles);
    ff_free(p->outlines);
    ff_free(p->rects);
    ff_free(p);
}

void *ff_pdf_text_ctx(const struct ff_pdf *p)
{
    return p->text;
}

void ff_pdf_set_text_ctx(struct ff_pdf *p, void *ctx, void (*free_fn)(void *))
{
    p->text = ctx;
    p->text_free = free_fn;
}

static void end_doc(struct ff_pdf *p)
{
    int i;

    if (p->ostream != NULL) {
        HPDF_Stream_Free(p->ostream);
        p->ostream = NULL;
    }
    if (p->streaming)
        ff_outfile_abort(&p->out);
    p->streaming = 0;
    p->nflushed = 0;
    /* Frees the document but keeps the parsed font definitions. */
    HPDF_FreeDoc(p->doc);
    if (p->ol_ref != NULL) {    /* in no xref: the catalog had a proxy */
        HPDF_Obj_ForceFree(p->doc->mmgr, p->ol_ref);
        p->ol_ref = NULL;
    }
    p->nol = 0;
    p->ol_first = p->ol_last = 0;
    ff_buf_reset(&p->otitles);
    p->open = 0;
    p->page = NULL;
    p->npages = 0;
    p->noutlines = 0;
    p->nrects = 0;
    p->grid = 0;
    p->recording = 0;
    for (i = 0; i < NFACES; i++) {
        p->face[i].font = NULL;
        p->face[i].foreign = 0;
    }
}

int ff_pdf_begin(struct ff_pdf *p, struct ff_err *e)
{
    int i;

    ffp_enter(p, e, NULL);
    end_doc(p);
    ff_err_clear(&p->sticky);
    if (HPDF_NewDoc(p->doc) != HPDF_OK)
        return ffp_fail(p, e, "creating a document");
    if (HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL) != HPDF_OK)
        return ffp_fail(p, e, "enabling compression");
    for (i = 0; i < NFACES; i++)
        memset(p->face[i].used, 0, NCODES / 8);
    p->open = 1;
    return FF_OK;
}

int ffp_need_doc(struct ff_pdf *p, struct ff_err *e)
{
    if (!p->open)
        return ff_err_set(e ? e : &p->sticky, FF_EINTERNAL, NULL, 0, 0,
                          "no document begun");
    return FF_OK;
}

int ffp_need_page(struct ff_pdf *p, struct ff_err *e)
{
    if (ffp_need_doc(p, e))
        return e ? e->code : p->sticky.code;
    if (p->page == NULL)
        return ff_err_set(e ? e : &p->sticky, FF_EINTERNAL, NULL, 0, 0,
                          "no page added");
    return FF_OK;
}

/* s as UTF-16BE with a BOM, into a new buffer *out of *len bytes; the
 * caller frees it. */
static int utf16_bytes(const char *s, unsigned char **out, size_t *len,
                       struct ff_err *e)
{
    size_t n = strlen(s), i = 0, k = 2, used;
    unsigned char *u;
    uint32_t cp;

    if (ff_utf8_invalid_at(s, n) != n)
        return ff_err_set(e, FF_EINPUT, NULL, 0, 0, "invalid UTF-8 in '%s'",
                          s);
    u = ff_malloc(2 + 4 * n);
    if (u == NULL)
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    u[0] = 0xFE;
    u[1] = 0xFF;
    while (i < n) {
        used = ff_utf8_decode(s + i, n - i, &cp);
        i += used;
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000, hi = 0xD800 + (v >> 10),
                     lo = 0xDC00 + (v & 0x3FF);
            u[k++] = (unsigned char)(hi >> 8);
            u[k++] = (unsigned char)hi;
            u[k++] = (unsigned char)(lo >> 8);
            u[k++] = (unsigned char)lo;
        } else {
            u[k++] = (unsigned char)(cp >> 8);
            u[k++] = (unsigned char)cp;
        }
    }
    *out = u;
    *len = k;
    return FF_OK;
}

/* s as a PDF text string: <FEFF ...> hex UTF-16BE, as an HPDF_Binary. */
static HPDF_Binary utf16_binary(struct ff_pdf *p, const char *s,
                                struct ff_err *e)
{
    unsigned char *u;
    size_t k;
    HPDF_Binary bin;

    if (utf16_bytes(s, &u, &k, e) != FF_OK)
        return NULL;
    bin = HPDF_Binary_New(p->doc->mmgr, u, (HPDF_UINT)k);
    ff_free(u);
    if (bin == NULL)
        ffp_fail(p, e, "creating a string");
    return bin;
}

int ff_pdf_set_title(struct ff_pdf *p, const char *title, struct ff_err *e)
{
    HPDF_Binary bin;

    ffp_enter(p, e, NULL);
    if (ffp_need_doc(p, e))
        return e->code;
    /* SetInfoAttr creates the Info dictionary; the hex string replaces the
     * raw UTF-8 it would write. */
    if (HPDF_SetInfoAttr(p->doc, HPDF_INFO_TITLE, "-") != HPDF_OK)
        return ffp_fail(p, e, "setting the title");
    bin = utf16_binary(p, title, e);
    if (bin == NULL)
        return e->code;
    if (HPDF_Dict_Add(p->doc->info, "Title", bin) != HPDF_OK)
        return ffp_fail(p, e, "setting the title");
    return FF_OK;
}

/*
 * Writing a long document while it is made (ff_pdf_begin_file).  libharu
 * keeps every object of a document until HPDF_SaveToStream writes them all,
 * in object-number order, into one memory stream: for a district's packet
 * (12,000 pages) that was the whole file in memory twice over, each page's
 * dictionary, resources and content stream as libharu objects and then the
 * serialised bytes.  Here a page is written to the output file as soon as
 * the next page is added, and freed, and the save writes what is left
 * (catalog, page tree, outlines, fonts: objects that change until the end)
 * and the cross-reference table itself, from the offsets recorded in
 * libharu's xref entries.
 *
 * What is written early is exactly one page's three objects: the page
 * dictionary, its content stream and that stream's /Length, which refer to
 * nothing that is written later except by "N 0 R" (the page tree, fonts).
 * Writing the page first lets its before-write hook close an open text
 * object or q level into the content stream, as at a normal save.  What
 * stays of a written page is its bare dictionary (object number and class,
 * which the page tree's /Count and outline destinations read) and its attr
 * (HPDF_Page_CreateDestination checks it); everything else is freed.  An
 * entry's byte_offset is 0 until its object is written (the header sits at
 * offset 0, so no object can), which is how the save skips written ones.
 */
static HPDF_STATUS out_write(HPDF_Stream s, const HPDF_BYTE *ptr, HPDF_UINT n)
{
    struct ff_pdf *p = s->attr;

    if (n > 0 && fwrite(ptr, 1, n, p->out.fp) != n) {
        if (p->out_errno == 0)
            p->out_errno = errno ? errno : EIO;
        return HPDF_FILE_IO_ERROR;
    }
    return HPDF_OK;
}

/* The write failed: say why, the output's errno first. */
static int out_fail(struct ff_pdf *p, struct ff_err *e)
{
    if (p->out_errno != 0) {
        errno = p->out_errno;
        return ff_err_sys(e, p->out.path, "cannot write");
    }
    return ffp_fail(p, e, "writing the document");
}

static HPDF_XrefEntry xref_entry(struct ff_pdf *p, void *obj)
{
    HPDF_UINT id = ((HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFF;

    return HPDF_List_ItemAt(p->doc->xref->entries, id);
}

/* Write the indirect object of entry id ("id gen obj ... endobj"). */
static int put_obj(struct ff_pdf *p, HPDF_UINT id, HPDF_XrefEntry ent)
{
    char head[40];

    snprintf(head, sizeof head, "%u %u obj\012", (unsigned)id,
             (unsigned)ent->gen_no);
    ent->byte_offset = p->ostream->size;
    if (HPDF_Stream_WriteStr(p->ostream, head) != HPDF_OK ||
        HPDF_Obj_WriteValue(ent->obj, p->ostream, NULL) != HPDF_OK ||
        HPDF_Stream_WriteStr(p->ostream, "\012endobj\012") != HPDF_OK)
        return -1;
    return 0;
}

/* Write page and its content stream, then free all but the page's shell. */
static int flush_page(struct ff_pdf *p, HPDF_Page page, struct ff_err *e)
{
    HPDF_PageAttr a = ffp_page_attr(page);
    HPDF_Dict c = a->contents;
    HPDF_Number len;
    HPDF_XrefEntry pe, ce, le;
    HPDF_MMgr mm = page->mmgr;
    HPDF_Array kids;

    len = c ? HPDF_Dict_GetItem(c, "Length", HPDF_OCLASS_NUMBER) : NULL;
    if (len == NULL || !(len->header.obj_id & HPDF_OTYPE_INDIRECT))
        return ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                          "a page's content stream has no /Length object");
    pe = xref_entry(p, page);
    ce = xref_entry(p, c);
    le = xref_entry(p, len);
    if (pe == NULL || ce == NULL || le == NULL || pe->obj != page ||
        ce->obj != c || le->obj != len)
        return ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                          "a page's objects are not in the xref");
    /* The /Length gets its value when the stream is written. */
    if (put_obj(p, page->header.obj_id & 0x00FFFFFF, pe) ||
        put_obj(p, c->header.obj_id & 0x00FFFFFF, ce) ||
        put_obj(p, len->header.obj_id & 0x00FFFFFF, le))
        return out_fail(p, e);
    /* Nothing refers to the three any more but the page tree's /Kids (the
     * save writes the tree from p->page_ids), libharu's page list (read
     * only by calls ffkit does not make) and its current page. */
    kids = HPDF_Dict_GetItem(p->doc->root_pages, "Kids", HPDF_OCLASS_ARRAY);
    if (kids == NULL)
        return ffp_fail(p, e, "writing the document");
    HPDF_Array_Clear(kids);
    HPDF_List_Clear(p->doc->page_list);
    p->doc->cur_page = NULL;
    pe->obj = ce->obj = le->obj = NULL;
    HPDF_Obj_ForceFree(mm, c);
    HPDF_Obj_ForceFree(mm, len);
    HPDF_Obj_ForceFree(mm, page);   /* its attr, gstate, resources */
    return FF_OK;
}

/* Write out pages [nflushed, upto) of a streamed document. */
static int flush_pages(struct ff_pdf *p, int upto, struct ff_err *e)
{
    while (p->nflushed < upto) {
        int rc = flush_page(p, p->pages[p->nflushed], e);

        if (rc != FF_OK)
            return rc;
        if (p->page == p->pages[p->nflushed])
            p->page = NULL;
        /* A clip recorded into it ends on a later page (a table that went
         * on): ff_pdf_clip_end must not take that page for this one, which
         * it compares by address, and the freed page's address is often
         * the next page's. */
        if (p->rec_page == p->pages[p->nflushed])
            p->rec_page = NULL;
        p->pages[p->nflushed++] = NULL;
    }
    return FF_OK;
}

int ff_pdf_begin_file(struct ff_pdf *p, const char *path, struct ff_err *e)
{
    int rc;

    if ((rc = ff_pdf_begin(p, e)) != FF_OK)
        return rc;
    if ((rc = ff_outfile_open(&p->out, path, 0644, e)) != FF_OK) {
        end_doc(p);
        return rc;
    }
    p->streaming = 1;
    p->out_errno = 0;
    p->ostream = HPDF_CallbackWriter_New(p->doc->mmgr, out_write, p);
    if (p->ostream == NULL) {
        end_doc(p);
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    }
    /* serialise() sets version 1.5; libharu's header for it. */
    if (HPDF_Stream_WriteStr(p->ostream, "%PDF-1.5\012%\267\276\255\252\012") !=
        HPDF_OK) {
        rc = out_fail(p, e);
        end_doc(p);
        return rc;
    }
    return FF_OK;
}

static int put_page_tree(struct ff_pdf *p, HPDF_UINT id);
static int put_outlines(struct ff_pdf *p, HPDF_UINT n);

/*
 * The rest of a streamed document: every object not yet written, in
 * object-number order as libharu writes them (a stream before its
 * /Length), then the cross-reference table and the trailer in libharu's
 * form (entries "0000000123 00000 n\r\n").
 */
static int finish_file(struct ff_pdf *p, struct ff_err *e)
{
    HPDF_Xref x = p->doc->xref;
    HPDF_Stream s = p->ostream;
    HPDF_UINT i, n, addr;
    char buf[64];

    if (p->doc->xref->prev != NULL || x->start_offset != 0)
        return ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                          "unexpected cross-reference sections");
    if (p->doc->cur_pages != p->doc->root_pages)
        return ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                          "a streamed document's page tree has levels");
    if (HPDF_Dict_Add(p->doc->trailer, "Root", p->doc->catalog) != HPDF_OK ||
        HPDF_Dict_Add(p->doc->trailer, "Info", p->doc->info) != HPDF_OK)
        return ffp_fail(p, e, "writing the document");
    n = x->entries->count;
    /* The outlines take the numbers after libharu's objects. */
    if (p->nol > 0) {
        p->ol_ref = HPDF_Null_New(p->doc->mmgr);
        if (p->ol_ref == NULL)
            return ffp_fail(p, e, "writing the outline");
        p->ol_ref->header.obj_id = n | HPDF_OTYPE_INDIRECT;
        if (HPDF_Dict_Add(p->doc->catalog, "Outlines", p->ol_ref) !=
            HPDF_OK)
            return ffp_fail(p, e, "writing the outline");
    }
    for (i = 1; i < n; i++) {
        HPDF_XrefEntry ent = HPDF_List_ItemAt(x->entries, i);

        if (ent->byte_offset != 0)
            continue;
        if (ent->obj == NULL)
            return ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                              "object %u was freed but not written",
                              (unsigned)i);
        if (ent->obj == p->doc->root_pages) {
            ent->byte_offset = s->size;
            if (put_page_tree(p, i) != FF_OK)
                return out_fail(p, e);
        } else if (put_obj(p, i, ent))
            return out_fail(p, e);
    }
    if (x->entries->count != n)
        return ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                          "objects were added while the document was "
                          "written");
    if (p->nol > 0 && put_outlines(p, n) != FF_OK)
        return out_fail(p, e);
    addr = s->size;
    snprintf(buf, sizeof buf, "xref\0120 %u\012",
             (unsigned)(n + (p->nol > 0 ? 1 + 2 * (HPDF_UINT)p->nol : 0)));
    if (HPDF_Stream_WriteStr(s, buf) != HPDF_OK)
        return out_fail(p, e);
    for (i = 0; i < n; i++) {
        HPDF_XrefEntry ent = HPDF_List_ItemAt(x->entries, i);

        snprintf(buf, sizeof buf, "%010u %05u %c\015\012",
                 (unsigned)ent->byte_offset, (unsigned)ent->gen_no,
                 ent->entry_typ);
        if (HPDF_Stream_WriteStr(s, buf) != HPDF_OK)
            return out_fail(p, e);
    }
    for (i = 0; p->nol > 0 && i < 1 + 2 * (HPDF_UINT)p->nol; i++) {
        const struct olent *o = &p->ol[i ? (i - 1) / 2 : 0];

        snprintf(buf, sizeof buf, "%010u 00000 n\015\012",
                 (unsigned)(i == 0 ? p->ol_root_off
                                   : i & 1 ? o->off : o->dest_off));
        if (HPDF_Stream_WriteStr(s, buf) != HPDF_OK)
            return out_fail(p, e);
    }
    if (p->nol > 0)
        n += 1 + 2 * (HPDF_UINT)p->nol;
    if (HPDF_Dict_AddNumber(x->trailer, "Size", (HPDF_INT32)n) != HPDF_OK)
        return ffp_fail(p, e, "writing the document");
    snprintf(buf, sizeof buf, "\012startxref\012%u\012%%%%EOF\012",
             (unsigned)addr);
    if (HPDF_Stream_WriteStr(s, "trailer\012") != HPDF_OK ||
        HPDF_Dict_Write(x->trailer, s, NULL) != HPDF_OK ||
        HPDF_Stream_WriteStr(s, buf) != HPDF_OK)
        return out_fail(p, e);
    return FF_OK;
}

int ff_pdf_add_page(struct ff_pdf *p, double w, double h, struct ff_err *e)
{
    HPDF_Page page;

    ffp_enter(p, e, NULL);
    if (ffp_need_doc(p, e))
        return e->code;
    if (ffp_grow((void **)&p->pages, &p->cap_pages, p->npages + 1,
             sizeof *p->pages))
        return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
    if (p->streaming) {
        unsigned *ids = ff_grow(p->page_ids, &p->cap_page_ids,
                                (size_t)p->npages + 1, sizeof *ids, 64);

        if (ids == NULL)
            return ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        p->page_ids = ids;
    }
    if (p->page != NULL && ffp_finish_page(p) != HPDF_OK)
        return ffp_fail(p, e, "writing content");
    if (p->streaming && flush_pages(p, p->npages, e) != FF_OK)
        return e->code;
    page = HPDF_AddPage(p->doc);
    if (page == NULL || HPDF_Page_SetWidth(page, (HPDF_REAL)w) != HPDF_OK ||
        HPDF_Page_SetHeight(page, (HPDF_REAL)h) != HPDF_OK)
        return ffp_fail(p, e, "adding a page");
    if (p->streaming)
        p->page_ids[p->npages] = page->header.obj_id & 0x00FFFFFF;
    p->pages[p->npages++] = page;
    p->page = page;
    p->page_h = h;
    if (!p->no_font_cache)
        ffp_hook_contents(p, ffp_page_attr(page)->contents);
    p->nrects = 0;
    p->grid = 0;
    return FF_OK;
}

int ff_pdf_page_count(const struct ff_pdf *p)
{
    return p->npages;
}

/*
 * Serialise the document into libharu's memory stream, or, for one begun
 * with ff_pdf_begin_file, write the rest of it to its file.
 */
static int serialise(struct ff_pdf *p, struct ff_err *e)
{
    if (ffp_need_doc(p, e))
        return e->code;
    if (p->sticky.code != FF_OK) {
        ff_err_set(e, p->sticky.code, p->sticky.file, 0, 0, "%s",
                   p->sticky.msg);
        return e->code;
    }
    /* NewDoc resets the version to 1.3; the header is written from this. */
    p->doc->pdf_version = HPDF_VER_15;
    if (ffp_use_cached_fonts(p, e) != FF_OK)
        return e->code;
    if (p->streaming)
        return finish_file(p, e);
    if (HPDF_SaveToStream(p->doc) != HPDF_OK)
        return ffp_fail(p, e, "writing the document");
    return FF_OK;
}

/* Copy the serialised document to buf (size bytes, from the start). */
static int read_stream(struct ff_pdf *p, unsigned char *buf, size_t size,
                       struct ff_err *e)
{
    HPDF_UINT32 got = (HPDF_UINT32)size;
    HPDF_STATUS st;

    HPDF_ResetStream(p->doc);
    st = HPDF_ReadFromStream(p->doc, buf, &got);
    if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || got != size)
        return ffp_fail(p, e, "reading the document back");
    return FF_OK;
}

int ff_pdf_save_mem(struct ff_pdf *p, char **data, size_t *len,
                    struct ff_err *e)
{
    size_t size;
    unsigned char *buf;
    int rc;

    *data = NULL;
    *len = 0;
    ffp_enter(p, e, NULL);
    if (p->streaming) {
        rc = ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                        "a document begun on a file saved to memory");
        goto out;
    }
    if ((rc = serialise(p, e)) != FF_OK)
        goto out;
    size = HPDF_GetStreamSize(p->doc);
    buf = ff_malloc(size + 1);
    if (buf == NULL) {
        rc = ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        goto out;
    }
    if ((rc = read_stream(p, buf, size, e)) != FF_OK) {
        ff_free(buf);
        goto out;
    }
    buf[size] = '\0';
    *data = (char *)buf;
    *len = size;
out:
    end_doc(p);
    return rc;
}

int ff_pdf_save(struct ff_pdf *p, const char *path, struct ff_err *e)
{
    return ff_pdf_save_to(p, path, NULL, e);
}

int ff_pdf_save_to(struct ff_pdf *p, const char *path, struct ff_outgroup *g,
                   struct ff_err *e)
{
    struct ff_outfile o;
    HPDF_UINT i, n, len;
    int rc;

    ffp_enter(p, e, NULL);
    if (p->streaming && strcmp(path, p->out.path) != 0) {
        rc = ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                        "document begun on '%s' saved as '%s'", p->out.path,
                        path);
        goto out;
    }
    if ((rc = serialise(p, e)) != FF_OK)
        goto out;
    if (p->streaming) {
        p->streaming = 0;   /* the outfile is committed or removed here */
        rc = g ? ff_outgroup_add(g, &p->out, e)
               : ff_outfile_commit(&p->out, e);
        goto out;
    }
    /* Write libharu's memory stream buffer by buffer: reading it back
     * into one block first (ff_pdf_save_mem) copied every byte twice more
     * through HPDF_MemCpy.  outfile.c: temporary name, fsync, rename
     * (now or with the group). */
    if ((rc = ff_outfile_open(&o, path, 0644, e)) != FF_OK)
        goto out;
    n = HPDF_MemStream_GetBufCount(p->doc->stream);
    for (i = 0; i < n; i++) {
        HPDF_BYTE *b = HPDF_MemStream_GetBufPtr(p->doc->stream, i, &len);

        if (b == NULL || (len && fwrite(b, 1, len, o.fp) != len)) {
            ff_outfile_abort(&o);
            rc = b == NULL ? ffp_fail(p, e, "reading the document back")
                           : ff_err_sys(e, path, "cannot write");
            goto out;
        }
    }
    rc = g ? ff_outgroup_add(g, &o, e) : ff_outfile_commit(&o, e);
out:
    if (rc != FF_OK && e && e->file[0] == '\0')
        snprintf(e->file, sizeof e->file, "%s", path);
    end_doc(p);
    return rc;
}

static void set_stroke(HPDF_Page page, double width, unsigned rgb)
{
    HPDF_Page_SetLineWidth(page, (HPDF_REAL)width);
    HPDF_Page_SetRGBStroke(page, (HPDF_REAL)((rgb >> 16) & 0xFF) / 255.0f,
                           (HPDF_REAL)((rgb >> 8) & 0xFF) / 255.0f,
                           (HPDF_REAL)(rgb & 0xFF) / 255.0f);
}

void ffp_set_fill(HPDF_Page page, unsigned rgb)
{
    HPDF_Page_SetRGBFill(page, (HPDF_REAL)((rgb >> 16) & 0xFF) / 255.0f,
                         (HPDF_REAL)((rgb >> 8) & 0xFF) / 255.0f,
                         (HPDF_REAL)(rgb & 0xFF) / 255.0f);
}

/* Drawing calls without an ff_err: errors go to p->sticky. */
static int draw_enter(struct ff_pdf *p)
{
    ffp_enter(p, NULL, NULL);
    return ffp_need_page(p, NULL) == FF_OK && p->sticky.code == FF_OK;
}

static void line(struct ff_pdf *p, double x1, double y1, double x2,
                 double y2, double width, unsigned rgb, int dashed)
{
    static const HPDF_UINT16 dash[] = {3, 2};

    if (!draw_enter(p))
        return;
    HPDF_Page_GSave(p->page);
    set_stroke(p->page, width, rgb);
    if (dashed)
        HPDF_Page_SetDash(p->page, dash, 2, 0);
    HPDF_Page_MoveTo(p->page, (HPDF_REAL)x1, (HPDF_REAL)(p->page_h - y1));
    HPDF_Page_LineTo(p->page, (HPDF_REAL)x2, (HPDF_REAL)(p->page_h - y2));
    HPDF_Page_Stroke(p->page);
    HPDF_Page_GRestore(p->page);
}

void ff_pdf_line(struct ff_pdf *p, double x1, double y1, double x2, double y2,
                 double width, unsigned rgb)
{
    line(p, x1, y1, x2, y2, width, rgb, 0);
}

void ff_pdf_dashed_line(struct ff_pdf *p, double x1, double y1, double x2,
                        double y2, double width, unsigned rgb)
{
    line(p, x1, y1, x2, y2, width, rgb, 1);
}

void ff_pdf_rect(struct ff_pdf *p, double x, double y, double w, double h,
                 double width, unsigned rgb)
{
    if (!draw_enter(p))
        return;
    HPDF_Page_GSave(p->page);
    set_stroke(p->page, width, rgb);
    HPDF_Page_Rectangle(p->page, (HPDF_REAL)x, (HPDF_REAL)(p->page_h - y - h),
                        (HPDF_REAL)w, (HPDF_REAL)h);
    HPDF_Page_Stroke(p->page);
    HPDF_Page_GRestore(p->page);
}

void ff_pdf_fill_rect(struct ff_pdf *p, double x, double y, double w,
                      double h, unsigned rgb)
{
    if (!draw_enter(p))
        return;
    HPDF_Page_GSave(p->page);
    ffp_set_fill(p->page, rgb);
    HPDF_Page_Rectangle(p->page, (HPDF_REAL)x, (HPDF_REAL)(p->page_h - y - h),
                        (HPDF_REAL)w, (HPDF_REAL)h);
    HPDF_Page_Fill(p->page);
    HPDF_Page_GRestore(p->page);
}

/*
 * The rectangles are kept until ff_pdf_path_fill because PDF forbids setting
 * the colour once a path is under construction, and the colour is only
 * known at the fill.
 */
void ff_pdf_path_rect(struct ff_pdf *p, double x, double y, double w,
                      double h)
{
    double *r;

    if (!draw_enter(p))
        return;
    r = ff_grow(p->rects, &p->cap_rects, p->nrects + 4, sizeof *r, 256);
    if (r == NULL) {
        ff_err_set(&p->sticky, FF_ESYS, NULL, 0, 0, "out of memory");
        return;
    }
    p->rects = r;
    r = p->rects + p->nrects;
    r[0] = x;
    r[1] = y;
    r[2] = w;
    r[3] = h;
    p->nrects += 4;
}

void ff_pdf_path_grid(struct ff_pdf *p, double x, double y, double cell)
{
    if (!draw_enter(p))
        return;
    p->nrects = 0;
    p->grid = 1;
    p->grid_x = x;
    p->grid_y = y;
    p->grid_cell = cell;
}

/* n in PDF number syntax: an integer when it is one, else 4 decimals.
 * Integers (every QR cell) are converted by hand: printf was 7 % of a
 * packet's time, all of it here. */
static int add_num(struct ff_buf *b, double n)
{
    long i = (long)n;
    char digits[24], *d = digits + sizeof digits;
    unsigned long u;

    if ((double)i != n)
        return ff_buf_addf(b, "%.4f", n);
    u = i < 0 ? 0UL - (unsigned long)i : (unsigned long)i;
    do {
        *--d = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (i < 0)
        *--d = '-';
    return ff_buf_add(b, d, (size_t)(digits + sizeof digits - d));
}

/*
 * Grid cells as one path under one cm that maps cell units to points (y
 * flipped), so each rectangle is a few small integers: for a QR code about
 * a third of the bytes of the same rectangles in points, and no float
 * formatting per rectangle.
 */
static void grid_fill(struct ff_pdf *p, unsigned rgb)
{
    HPDF_PageAttr attr = ffp_page_attr(p->page);
    struct ff_buf b;
    size_t i;
    int bad;

    ff_buf_init(&b);
    bad = ff_buf_addf(&b, "%.5f 0 0 %.5f %.5f %.5f cm\n", p->grid_cell,
                      -p->grid_cell, p->grid_x, p->page_h - p->grid_y);
    for (i = 0; i < p->nrects && !bad; i += 4) {
        double *r = p->rects + i;

        bad = add_num(&b, r[0]) || ff_buf_adds(&b, " ") ||
              add_num(&b, r[1]) || ff_buf_adds(&b, " ") ||
              add_num(&b, r[2]) || ff_buf_adds(&b, " ") ||
              add_num(&b, r[3]) || ff_buf_adds(&b, " re\n");
    }
    if (!bad)
        bad = ff_buf_adds(&b, "f\n");
    if (bad) {
        ff_err_set(&p->sticky, FF_ESYS, NULL, 0, 0, "out of memory");
    } else {
        HPDF_Page_GSave(p->page);
        ffp_set_fill(p->page, rgb);
        if (HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)b.data,
                              (HPDF_UINT)b.len) != HPDF_OK)
            ffp_fail(p, NULL, "writing a path");
        HPDF_Page_GRestore(p->page);
    }
    ff_buf_release(&b);
}

void ff_pdf_path_fill(struct ff_pdf *p, unsigned rgb)
{
    size_t i;

    if (!draw_enter(p))
        return;
    if (p->nrects == 0) {
        p->grid = 0;
        return;
    }
    if (p->grid) {
        grid_fill(p, rgb);
        p->grid = 0;
        p->nrects = 0;
        return;
    }
    HPDF_Page_GSave(p->page);
    ffp_set_fill(p->page, rgb);
    for (i = 0; i < p->nrects; i += 4) {
        double *r = p->rects + i;

        HPDF_Page_Rectangle(p->page, (HPDF_REAL)r[0],
                            (HPDF_REAL)(p->page_h - r[1] - r[3]),
                            (HPDF_REAL)r[2], (HPDF_REAL)r[3]);
    }
    HPDF_Page_Fill(p->page);
    HPDF_Page_GRestore(p->page);
    p->nrects = 0;
}


/* Write b to the output and empty it. */
static int put_buf(struct ff_pdf *p, struct ff_buf *b)
{
    int rc = 0;

    if (b->len > 0 && HPDF_Stream_Write(p->ostream, (HPDF_BYTE *)b->data,
                                        (HPDF_UINT)b->len) != HPDF_OK)
        rc = -1;
    ff_buf_reset(b);
    return rc;
}

/*
 * The page tree of a streamed document, object id: one /Pages node whose
 * /Kids are every page (libharu's own /Kids array lost them as they were
 * written), as libharu writes it without HPDF_SetPagesConfiguration.
 */
static int put_page_tree(struct ff_pdf *p, HPDF_UINT id)
{
    struct ff_buf b;
    int i, rc = 0;

    ff_buf_init(&b);
    if (ff_buf_addf(&b, "%u 0 obj\012<<\012/Type /Pages\012/Kids [",
                    (unsigned)id))
        rc = -1;
    for (i = 0; rc == 0 && i < p->npages; i++) {
        if (ff_buf_addf(&b, "%u 0 R ", p->page_ids[i]))
            rc = -1;
        else if (b.len >= 4096)
            rc = put_buf(p, &b);
    }
    if (rc == 0 &&
        ff_buf_addf(&b, "]\012/Count %d\012>>\012endobj\012", p->npages))
        rc = -1;
    if (rc == 0)
        rc = put_buf(p, &b);
    ff_buf_release(&b);
    return rc;
}

/*
 * The outline of a streamed document, as libharu's HPDF_CreateOutline
 * entries would have been written: the root numbered n, entry k (1-based)
 * n + 2k - 1 and its destination [page /Fit] n + 2k; /Count as libharu
 * counts it (the entries below that are visible: each child, and an open
 * child's own count; negative for a closed entry; absent for none).
 */
static int put_outlines(struct ff_pdf *p, HPDF_UINT n)
{
    static const char hex[] = "0123456789ABCDEF";
    struct ff_buf b;
    int k, root_count = 0, rc = 0;
    size_t j;

#define OID(k) ((unsigned)(n + 2 * (HPDF_UINT)(k) - 1))
    for (k = 0; k < p->nol; k++)
        p->ol[k].count = 0;
    /* Children come after their parents: count from the end. */
    for (k = p->nol - 1; k >= 0; k--) {
        const struct olent *o = &p->ol[k];
        int add = 1 + (o->opened ? o->count : 0);

        if (o->parent > 0)
            p->ol[o->parent - 1].count += add;
        else
            root_count += add;
    }
    ff_buf_init(&b);
    p->ol_root_off = p->ostream->size;
    if (ff_buf_addf(&b, "%u 0 obj\012<<\012/Type /Outlines\012/First %u 0 R"
                    "\012/Last %u 0 R\012", (unsigned)n, OID(p->ol_first),
                    OID(p->ol_last)) ||
        (root_count && ff_buf_addf(&b, "/Count %d\012", root_count)) ||
        ff_buf_adds(&b, ">>\012endobj\012") || put_buf(p, &b))
        rc = -1;
    for (k = 0; rc == 0 && k < p->nol; k++) {
        struct olent *o = &p->ol[k];
        const unsigned char *t =
            (const unsigned char *)p->otitles.data + o->title_off;

        o->off = p->ostream->size;
        if (ff_buf_addf(&b, "%u 0 obj\012<<\012/Type /Outlines\012/Title <",
                        OID(k + 1)))
            rc = -1;
        for (j = 0; rc == 0 && j < o->title_len; j++)
            if (ff_buf_addc(&b, hex[t[j] >> 4]) ||
                ff_buf_addc(&b, hex[t[j] & 15]))
                rc = -1;
        if (rc == 0 &&
            (ff_buf_addf(&b, ">\012/Parent %u 0 R\012",
                         o->parent ? OID(o->parent) : (unsigned)n) ||
             (o->prev && ff_buf_addf(&b, "/Prev %u 0 R\012", OID(o->prev))) ||
             (o->next && ff_buf_addf(&b, "/Next %u 0 R\012", OID(o->next))) ||
             (o->first &&
              ff_buf_addf(&b, "/First %u 0 R\012", OID(o->first))) ||
             (o->last && ff_buf_addf(&b, "/Last %u 0 R\012", OID(o->last))) ||
             (o->count && ff_buf_addf(&b, "/Count %d\012",
                                      o->opened ? o->count : -o->count)) ||
             ff_buf_addf(&b, "/Dest %u 0 R\012>>\012endobj\012",
                         OID(k + 1) + 1) ||
             put_buf(p, &b)))
            rc = -1;
        o->dest_off = p->ostream->size;
        if (rc == 0 &&
            (ff_buf_addf(&b, "%u 0 obj\012[%u 0 R /Fit]\012endobj\012",
                         OID(k + 1) + 1, p->page_ids[o->page]) ||
             put_buf(p, &b)))
            rc = -1;
    }
#undef OID
    ff_buf_release(&b);
    return rc;
}

/* ff_pdf_outline_add for a streamed document: an entry to write at save. */
static int outline_add_later(struct ff_pdf *p, int parent, const char *title,
                             int page, struct ff_err *e)
{
    struct olent o;
    unsigned char *u;
    size_t len;
    int k;

    if (ffp_grow((void **)&p->ol, &p->cap_ol, p->nol + 1, sizeof *p->ol)) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return 0;
    }
    if (utf16_bytes(title, &u, &len, e) != FF_OK)
        return 0;
    memset(&o, 0, sizeof o);
    o.parent = parent;
    o.page = page;
    o.opened = parent == 0;
    o.title_off = p->otitles.len;
    o.title_len = len;
    k = ff_buf_add(&p->otitles, u, len);
    ff_free(u);
    if (k != 0) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return 0;
    }
    if (HPDF_SetPageMode(p->doc, HPDF_PAGE_MODE_USE_OUTLINE) != HPDF_OK) {
        ffp_fail(p, e, "creating an outline entry");
        return 0;
    }
    k = p->nol + 1;
    {
        int *first = parent ? &p->ol[parent - 1].first : &p->ol_first;
        int *last = parent ? &p->ol[parent - 1].last : &p->ol_last;

        if (*first == 0)
            *first = k;
        if (*last != 0) {
            p->ol[*last - 1].next = k;
            o.prev = *last;
        }
        *last = k;
    }
    p->ol[p->nol++] = o;
    return k;
}

int ff_pdf_outline_add(struct ff_pdf *p, int parent, const char *title,
                       int page, struct ff_err *e)
{
    HPDF_Outline o, par = NULL;
    HPDF_Destination dst;
    HPDF_Binary bin;

    ffp_enter(p, e, NULL);
    if (ffp_need_doc(p, e))
        return 0;
    if (parent < 0 || parent > (p->streaming ? p->nol : p->noutlines)) {
        ff_err_set(e, FF_EINTERNAL, NULL, 0, 0, "no outline entry %d",
                   parent);
        return 0;
    }
    if (page < 0 || page >= p->npages) {
        ff_err_set(e, FF_EINTERNAL, NULL, 0, 0,
                   "outline '%s' points to page %d of %d", title, page + 1,
                   p->npages);
        return 0;
    }
    if (p->streaming)
        return outline_add_later(p, parent, title, page, e);
    if (ffp_grow((void **)&p->outlines, &p->cap_outlines, p->noutlines + 1,
             sizeof *p->outlines)) {
        ff_err_set(e, FF_ESYS, NULL, 0, 0, "out of memory");
        return 0;
    }
    if (parent > 0)
        par = p->outlines[parent - 1];
    /* libharu writes titles as raw bytes, which viewers read as
     * PDFDocEncoding; the UTF-16BE hex string replaces it. */
    o = HPDF_CreateOutline(p->doc, par, "", NULL);
    if (o == NULL) {
        ffp_fail(p, e, "creating an outline entry");
        return 0;
    }
    bin = utf16_binary(p, title, e);
    if (bin == NULL)
        return 0;
    dst = HPDF_Page_CreateDestination(p->pages[page]);
    if (HPDF_Dict_Add(o, "Title", bin) != HPDF_OK || dst == NULL ||
        HPDF_Outline_SetDestination(o, dst) != HPDF_OK ||
        HPDF_Outline_SetOpened(o, parent == 0) != HPDF_OK ||
        HPDF_SetPageMode(p->doc, HPDF_PAGE_MODE_USE_OUTLINE) != HPDF_OK) {
        ffp_fail(p, e, "creating an outline entry");
        return 0;
    }
    p->outlines[p->noutlines++] = o;
    return p->noutlines;
}

