/*
 * holo_part.c - the child table of a LIST-partitioned parent for a value
 * (see holo_part.h).
 *
 * Invariant: w->meta's partition list only grows while a writer runs; it
 * is read and refreshed under w->meta_lock, and the names handed out are
 * copies, so a refresh by another shard never invalidates them.
 */
#include "connectors/hologres/holo_part.h"

#include <stdlib.h>
#include <string.h>

#include "connectors/hologres/holo_sql.h"
#include "core/log.h"
#include "core/valueconv.h"

int holo_part_job_col(const struct holo_writer *w)
{
    for (uint32_t c = 0; c < w->schema->ncols; c++)
        if ((int)w->map[c] == w->meta.part_col)
            return (int)c;
    return -1;
}

/* Create the child for `value` on `c`; 0 or -1 with cls/err. */
static int create_child(struct holo_writer *w, struct holo_conn *c,
                        const char *value, enum holo_err_class *cls,
                        struct hf_error *err)
{
    struct hf_strbuf child;
    hf_strbuf_init(&child, 0);
    holo_sql_partition_child_name(w->meta.table, value, &child);
    if (!hf_strbuf_ok(&child)) {
        hf_strbuf_free(&child);
        *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    const char *params[5] = {w->meta.schema, child.data, w->meta.schema,
                             w->meta.table, value};
    PGresult *r = PQexecParams(c->pg, holo_sql_partition_ddl_query(), 5, NULL,
                               params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        *cls = holo_conn_classify(c, r, err);
        PQclear(r);
        hf_strbuf_free(&child);
        return -1;
    }
    char *ddl = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    hf_log_info("creating partition \"%s\".\"%s\" of \"%s\".\"%s\" for value "
                "'%s'",
                w->meta.schema, child.data, w->meta.schema, w->meta.table,
                value);
    hf_strbuf_free(&child);
    if (ddl == NULL) {
        *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    int rc = holo_conn_exec(c, ddl, cls, err);
    free(ddl);
    return rc;
}

int holo_part_child(struct holo_writer *w, struct holo_conn *c,
                    const char *value, struct hf_arena *names,
                    const char **schema, const char **table,
                    enum holo_err_class *cls, struct hf_error *err)
{
    pthread_mutex_lock(&w->meta_lock);
    const struct holo_partition *p =
        holo_catalog_find_partition(&w->meta, value);
    if (p == NULL) {
        /* Another process may have created it. */
        if (holo_catalog_load_partitions(c, &w->meta, cls, err) != 0)
            goto fail;
        p = holo_catalog_find_partition(&w->meta, value);
    }
    if (p == NULL && !w->cfg->create_missing_partition) {
        *cls = HOLO_ERR_FATAL;
        hf_error_set(err, HF_ERR_DATA,
                     "table \"%s\".\"%s\" has no partition for value '%s' of "
                     "column '%s', and sink.create-missing-partition is false",
                     w->meta.schema, w->meta.table, value,
                     w->meta.cols[w->meta.part_col].name);
        goto fail;
    }
    if (p == NULL) {
        struct hf_error derr;
        hf_error_clear(&derr);
        enum holo_err_class dcls = HOLO_OK;
        int rc = create_child(w, c, value, &dcls, &derr);
        /* A concurrent creator may have won the race: look again. */
        if (holo_catalog_load_partitions(c, &w->meta, cls, err) != 0)
            goto fail;
        p = holo_catalog_find_partition(&w->meta, value);
        if (p == NULL) {
            *cls = rc != 0 ? dcls : HOLO_ERR_FATAL;
            if (rc != 0)
                *err = derr;
            else
                hf_error_set(err, HF_ERR_SERVER,
                             "partition for '%s' was created but is not "
                             "visible",
                             value);
            goto fail;
        }
    }
    /* Copies: another shard may refresh the partition list meanwhile. */
    *schema = hf_arena_strndup(names, p->schema, strlen(p->schema));
    *table = hf_arena_strndup(names, p->table, strlen(p->table));
    pthread_mutex_unlock(&w->meta_lock);
    if (*schema == NULL || *table == NULL) {
        *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    return 0;
fail:
    pthread_mutex_unlock(&w->meta_lock);
    return -1;
}

int holo_part_group(struct holo_writer *w, struct holo_conn *c,
                    struct holo_entry **ents, uint32_t n,
                    struct holo_group *groups, uint32_t *ngroups,
                    struct holo_entry **scratch, struct hf_arena *names,
                    holo_part_null_fn on_null, void *ctx,
                    enum holo_err_class *cls, struct hf_error *err)
{
    if (!w->meta.partitioned) {
        groups[0] = (struct holo_group){w->meta.schema, w->meta.table, ents, n};
        *ngroups = 1;
        return 0;
    }
    *ngroups = 0;
    int pc = holo_part_job_col(w);
    if (pc < 0) {
        *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_TYPE,
                            "table \"%s\".\"%s\" is partitioned by '%s', which "
                            "the job does not write",
                            w->meta.schema, w->meta.table,
                            w->meta.cols[w->meta.part_col].name);
    }
    const struct hf_type *pt = &w->schema->cols[pc].type;
    const char **sch = calloc(n ? n : 1, sizeof *sch);
    const char **tab = calloc(n ? n : 1, sizeof *tab);
    struct hf_strbuf val;
    hf_strbuf_init(&val, 0);
    int rc = 0;
    if (sch == NULL || tab == NULL) {
        *cls = HOLO_ERR_FATAL;
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    /* The child of each distinct value, looked up once per run of equal
     * values (rows of one child tend to come together). */
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        const struct hf_value *v = &ents[i]->vals[pc];
        if (v->null) {
            char why[300];
            snprintf(why, sizeof why, "partition column '%s' is NULL",
                     w->schema->cols[pc].name);
            if (on_null == NULL) {
                *cls = HOLO_ERR_DATA;
                rc = hf_error_set(err, HF_ERR_DATA, "%s", why);
            } else {
                rc = on_null(ctx, ents[i], why, cls, err);
            }
            continue;
        }
        if (i > 0 && sch[i - 1] != NULL &&
            holo_value_eq(pt, v, &ents[i - 1]->vals[pc])) {
            sch[i] = sch[i - 1];
            tab[i] = tab[i - 1];
            continue;
        }
        hf_strbuf_reset(&val);
        hf_value_to_text(pt, v, &val);
        rc = holo_part_child(w, c, val.data ? val.data : "", names, &sch[i],
                             &tab[i], cls, err);
    }
    uint32_t ng = 0, used = 0;
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        if (sch[i] == NULL)
            continue;
        struct holo_group *g = &groups[ng++];
        g->schema = sch[i];
        g->table = tab[i];
        g->ents = scratch + used;
        g->n = 0;
        for (uint32_t j = i; j < n; j++) {
            if (sch[j] && strcmp(sch[j], g->schema) == 0 &&
                strcmp(tab[j], g->table) == 0) {
                g->ents[g->n++] = ents[j];
                sch[j] = NULL;
            }
        }
        used += g->n;
    }
    *ngroups = ng;
    free(sch);
    free(tab);
    hf_strbuf_free(&val);
    return rc;
}

uint32_t holo_group_pick(const struct holo_group *g, int a1, int a2,
                         struct holo_entry **out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < g->n; i++)
        if (g->ents[i]->action == a1 || g->ents[i]->action == a2)
            out[n++] = g->ents[i];
    return n;
}
