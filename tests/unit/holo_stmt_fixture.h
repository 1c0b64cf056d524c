/*
 * holo_stmt_fixture.h - a hand-built target table and Flink job for the
 * hologres statement tests (test_holo_sql.c, test_holo_copy.c): table
 * metadata, job schema, column map and a statement spec, all in one struct
 * with fixed-size arrays, so a test describes a table in a few calls.
 * Header-only (static functions), included by test programs only.
 */
#ifndef HF_TEST_HOLO_STMT_FIXTURE_H
#define HF_TEST_HOLO_STMT_FIXTURE_H

#include <string.h>

#include "connectors/hologres/holo_sql.h"

#define MAXC 8

/* A table and a job with the same columns, written in table order. */
struct fx {
    struct holo_column mcols[MAXC];
    uint32_t pk[MAXC];
    struct holo_table_meta meta;
    struct hf_column jcols[MAXC];
    struct hf_schema job;
    uint32_t map[MAXC];
    uint32_t cols[MAXC];
    struct holo_config cfg;
    struct holo_stmt_spec spec;
    struct hf_strbuf sql;
    struct hf_error err;
};

static void fx_init(struct fx *f, const char *schema, const char *table)
{
    memset(f, 0, sizeof *f);
    f->meta.schema = (char *)schema;
    f->meta.table = (char *)table;
    f->meta.cols = f->mcols;
    f->meta.pk = f->pk;
    f->meta.part_col = -1;
    f->job.cols = f->jcols;
    f->cfg.on_conflict = HOLO_OC_UPDATE;
    f->cfg.delete_strategy = HOLO_DS_CHANGELOG_STANDARD;
    f->spec.meta = &f->meta;
    f->spec.schema = schema;
    f->spec.table = table;
    f->spec.job = &f->job;
    f->spec.map = f->map;
    f->spec.cols = f->cols;
    f->spec.cfg = &f->cfg;
    hf_strbuf_init(&f->sql, 0);
    hf_error_clear(&f->err);
}

/* Add a column to both table and job, written. */
static void fx_col(struct fx *f, const char *name, Oid oid,
                   const char *type_text, enum hf_type_id id, bool not_null,
                   const char *def)
{
    uint32_t i = f->meta.ncols++;
    f->mcols[i].name = (char *)name;
    f->mcols[i].type_oid = oid;
    f->mcols[i].typmod = -1;
    f->mcols[i].type_text = (char *)type_text;
    f->mcols[i].not_null = not_null;
    f->mcols[i].default_expr = (char *)def;
    f->jcols[i].name = (char *)name;
    f->jcols[i].type = hf_type_make(id);
    f->job.ncols++;
    f->map[i] = i;
    f->cols[f->spec.ncols++] = i;
}

static void fx_pk(struct fx *f, uint32_t mi)
{
    f->pk[f->meta.npk++] = mi;
    f->mcols[mi].not_null = true;
}

#endif
