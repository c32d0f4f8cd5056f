/*
 * summary.c - a load's summary as text (see summary.h).
 */
#include "summary.h"

#include "rules.h"

void intake_summary_file(struct ff_buf *b, const char *name,
                         const struct intake_load_file *f)
{
    if (f->prior_load > 0)
        ff_buf_addf(b, "%s: already loaded (load %ld); nothing changed\n",
                    name, f->prior_load);
    else if (f->prior_load < 0)
        ff_buf_addf(b, "%s: same bytes as an earlier file here; skipped\n",
                    name);
    else if (f->delimiter == 0)         /* a spreadsheet */
        ff_buf_addf(b, "%s: %s, %s: %ld records%s%s\n", name, f->dialect,
                    f->encoding, f->records,
                    f->date_order == INTAKE_ORDER_DMY   ? ", dates day/month"
                    : f->date_order == INTAKE_ORDER_MDY ? ", dates month/day"
                                                        : "",
                    f->hxl_row ? ", HXL tag row skipped" : "");
    else
        ff_buf_addf(b, "%s: %s, %s, '%c': %ld records%s%s\n", name,
                    f->dialect, f->encoding, f->delimiter, f->records,
                    f->date_order == INTAKE_ORDER_DMY   ? ", dates day/month"
                    : f->date_order == INTAKE_ORDER_MDY ? ", dates month/day"
                                                        : "",
                    f->hxl_row ? ", HXL tag row skipped" : "");
}

void intake_summary_load(struct ff_buf *b,
                         const struct intake_load_summary *s)
{
    int i;

    if (s->load_id == 0) {
        ff_buf_adds(b, "nothing new: the ledger is unchanged\n");
        return;
    }
    ff_buf_addf(b, "load %ld: %ld records: %ld accepted, %ld duplicate, %ld "
                   "superseded, %ld rejected; %ld late\n", s->load_id,
                s->records, s->accepted, s->duplicate, s->superseded,
                s->rejected, s->late);
    for (i = 1; i < INTAKE_NREASONS; i++) {
        const struct intake_reason_column *top =
            intake_load_top_column(s, i);

        if (s->by_reason[i] == 0)
            continue;
        /* The column most often at fault tells a clerk what to fix. */
        if (top && top->detail)
            ff_buf_addf(b, "  %s: %ld (column %s: %s)\n",
                        intake_reason_name(i), s->by_reason[i], top->column,
                        top->detail);
        else if (top)
            ff_buf_addf(b, "  %s: %ld (column %s)\n", intake_reason_name(i),
                        s->by_reason[i], top->column);
        else
            ff_buf_addf(b, "  %s: %ld\n", intake_reason_name(i),
                        s->by_reason[i]);
        if (i == INTAKE_R_NO_TIME)
            ff_buf_adds(b, "    the submission times lost their time of day "
                           "(Excel reformatted them as dates): export again "
                           "as CSV, or with dates as text, and load that "
                           "file\n");
    }
    if (s->edits)
        ff_buf_addf(b, "  edits replacing an earlier version: %ld\n",
                    s->edits);
    if (s->stale)
        ff_buf_addf(b, "  older versions arriving after their edit: %ld\n",
                    s->stale);
    if (s->withdrawn)
        ff_buf_addf(b, "  earlier reports now rejected by the reviewer: %ld\n",
                    s->withdrawn);
    if (s->flagged)
        ff_buf_addf(b, "  flagged by the reviewer (accepted, look at them): "
                       "%ld\n", s->flagged);
    if (s->superseded_earlier)
        ff_buf_addf(b, "  corrections of earlier loads: %ld\n",
                    s->superseded_earlier);
}
