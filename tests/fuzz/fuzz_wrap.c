/* fuzz_wrap.c - the Thai text wrapper: random UTF-8 into a box whose
 * width comes from the first byte.  Invalid UTF-8 must be survived. */
#include <stdint.h>

#include "pdf.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fonts load once per process: the fuzzer calls this millions of times. */
static struct ff_pdf *pdf;

__attribute__((destructor)) static void release(void)
{
    ff_pdf_free(pdf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ff_text_style st = {FF_FONT_REGULAR, 14, 0, FF_ALIGN_LEFT, 0};
    struct ff_err e;

    ff_err_clear(&e);
    if (pdf == NULL && (pdf = ff_pdf_new(NULL, &e)) == NULL)
        return 0;
    if (size < 1)
        return 0;
    st.align = data[0] & 3;
    ff_text_count_lines(pdf, &st, 5 + (data[0] >> 2) * 4.0,
                        (const char *)data + 1, size - 1, &e);
    return 0;
}
