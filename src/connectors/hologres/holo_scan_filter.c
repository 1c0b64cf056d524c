/*
 * holo_scan_filter.c - pushed-down filter conjuncts as SQL with
 * parameters (see holo_scan_filter.h).
 */
#include <stdlib.h>
#include <string.h>

#include "connectors/hologres/holo_scan.h"
#include "connectors/hologres/holo_scan_filter.h"

bool holo_scan_pushable(const struct hf_table_def *t,
                        const struct hf_expr *conjunct)
{
    (void)t;
    (void)conjunct;
    return false;
}

int holo_scan_filter_build(struct holo_scan_filter *f,
                           const struct hf_table_def *t,
                           const struct holo_table_meta *m,
                           struct hf_expr *const *conj, uint32_t n,
                           struct hf_error *err)
{
    (void)t;
    (void)m;
    (void)conj;
    (void)n;
    (void)err;
    memset(f, 0, sizeof *f);
    return 0;
}

void holo_scan_filter_free(struct holo_scan_filter *f)
{
    for (uint32_t i = 0; i < f->nparams; i++)
        free(f->values[i]);
    free(f->values);
    for (uint32_t i = 0; i < f->nprune; i++)
        free(f->prune[i]);
    free(f->prune);
    free(f->where);
    memset(f, 0, sizeof *f);
}

bool holo_scan_filter_keeps(const struct holo_scan_filter *f,
                            const struct holo_table_meta *m, const char *value)
{
    (void)m;
    if (f->nprune == 0)
        return true;
    for (uint32_t i = 0; i < f->nprune; i++)
        if (value && f->prune[i] && strcmp(value, f->prune[i]) == 0)
            return true;
    return false;
}
