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

/* Inside a transaction on PostgreSQL (a bulk load), serialize the
 * creation of children of this parent with every other transaction doing
 * the same (another process loading another shard of a sync): a
 * transaction-scoped advisory lock keyed by the parent's oid, held until
 * this transaction ends. Without it two loads creating the same child
 * both run CREATE TABLE IF NOT EXISTS, the second fails on the catalog's
 * unique index once the first commits, and its transaction is lost. With
 * it the second waits for the first to end and then finds the child
 * (READ COMMITTED: the next catalog read sees it). One lock per parent,
 * so two loads never wait on each other in a cycle. A no-op outside a
 * transaction (the retry below handles a lost race there) and on
 * Hologres (its DDL does not run in the load's transaction). */
static int lock_parent(struct holo_writer *w, struct holo_conn *c,
                       enum holo_err_class *cls, struct hf_error *err)
{
    if (c->hologres || PQtransactionStatus(c->pg) != PQTRANS_INTRANS)
        return 0;
    const char *params[2] = {w->meta.schema, w->meta.table};
    PGresult *r = PQexecParams(
        c->pg,
        "SELECT pg_advisory_xact_lock(hashtext('holoflow.create-partition'), "
        "(format('%I.%I', $1::text, $2::text)::regclass::oid::int8 - "
        "2147483648)::int4)",
        2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        *cls = holo_conn_classify(c, r, err);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return 0;
}

/* The relation that the child name for a value resolves to on the
 * server: its name as stored ($2::name cuts it to NAMEDATALEN - 1 bytes
 * at a character boundary, as CREATE TABLE does), its relkind (NULL when
 * there is no such relation) and the table it is a partition of, if any. */
static const char q_child_rel[] =
    "SELECT $2::pg_catalog.name::text, c.relkind::text, pn.nspname, p.relname "
    "FROM (SELECT 1) AS one "
    "LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = $1 "
    "LEFT JOIN pg_catalog.pg_class c "
    "ON c.relnamespace = n.oid AND c.relname = $2::pg_catalog.name "
    "LEFT JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid "
    "LEFT JOIN pg_catalog.pg_class p ON p.oid = i.inhparent "
    "LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace";

/* After CREATE TABLE IF NOT EXISTS for `value` succeeded and the value
 * still has no child: the name was taken. Say by what: another value's
 * child (two values that map to one name, e.g. 'a b' and 'a_b', or long
 * values alike in the first 63 bytes), or a table that is not a partition
 * of the parent. Sets err (FATAL). Caller holds w->meta_lock. */
static void explain_missing(struct holo_writer *w, struct holo_conn *c,
                            const char *value, enum holo_err_class *cls,
                            struct hf_error *err)
{
    const char *col = w->meta.cols[w->meta.part_col].name;
    const char *sch = w->meta.schema, *par = w->meta.table;
    struct hf_strbuf child, vals;
    hf_strbuf_init(&child, 0);
    hf_strbuf_init(&vals, 0);
    holo_sql_partition_child_name(par, value, &child);
    *cls = HOLO_ERR_FATAL;
    err->fatal = true;
    PGresult *r = NULL;
    if (hf_strbuf_ok(&child)) {
        const char *params[2] = {sch, child.data};
        r = PQexecParams(c->pg, q_child_rel, 2, NULL, params, NULL, NULL, 0);
    }
    if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1 ||
        PQgetisnull(r, 0, 1)) {
        hf_error_set(err, HF_ERR_SERVER,
                     "the partition for value '%s' of column '%s' was "
                     "created but is not visible",
                     value, col);
        goto out;
    }
    const char *stored = PQgetvalue(r, 0, 0);
    char cut[256] = "";
    if (strcmp(stored, child.data) != 0)
        snprintf(cut, sizeof cut, " (the name \"%.120s\" cut to %zu bytes)",
                 child.data, strlen(stored));
    /* Values of the parent's child by that name. */
    uint32_t nv = 0;
    for (uint32_t i = 0; i < w->meta.nparts; i++) {
        const struct holo_partition *p = &w->meta.parts[i];
        if (strcmp(p->schema, sch) != 0 || strcmp(p->table, stored) != 0)
            continue;
        if (nv < 5)
            hf_strbuf_printf(&vals, "%s%s%s%s", nv ? ", " : "",
                             p->value ? "'" : "", p->value ? p->value : "NULL",
                             p->value ? "'" : "");
        nv++;
    }
    if (nv > 5)
        hf_strbuf_printf(&vals, " and %u more", nv - 5);
    if (nv > 0 && hf_strbuf_ok(&vals)) {
        hf_error_set(err, HF_ERR_SERVER,
                     "partition value '%s' of column '%s' maps to the child "
                     "table \"%s\".\"%s\"%s, which "
                     "already holds %s %s (a child is named after the parent "
                     "and the value, with every character other than a "
                     "letter, digit or '_' turned into '_', cut to the "
                     "server's identifier length); create the partition for "
                     "'%s' yourself under another name (CREATE TABLE ... "
                     "PARTITION OF \"%s\".\"%s\" FOR VALUES IN (...))",
                     value, col, sch, stored, cut, nv == 1 ? "value" : "values",
                     vals.data, value, sch, par);
    } else if (!PQgetisnull(r, 0, 3)) {
        hf_error_set(err, HF_ERR_SERVER,
                     "the child table for value '%s' of column '%s' would "
                     "be \"%s\".\"%s\"%s, which already exists as a "
                     "partition of \"%s\".\"%s\"; create the "
                     "partition for '%s' yourself under another name",
                     value, col, sch, stored, cut, PQgetvalue(r, 0, 2),
                     PQgetvalue(r, 0, 3), value);
    } else {
        hf_error_set(err, HF_ERR_SERVER,
                     "the child table for value '%s' of column '%s' would "
                     "be \"%s\".\"%s\"%s, which already exists and is not "
                     "a partition of \"%s\".\"%s\"; rename "
                     "it, or create the partition for '%s' yourself under "
                     "another name",
                     value, col, sch, stored, cut, sch, par, value);
    }
out:
    PQclear(r);
    hf_strbuf_free(&child);
    hf_strbuf_free(&vals);
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
        /* In a transaction: wait for any other creator of children of
         * this parent to end, then look again. */
        if (lock_parent(w, c, cls, err) != 0 ||
            holo_catalog_load_partitions(c, &w->meta, cls, err) != 0)
            goto fail;
        p = holo_catalog_find_partition(&w->meta, value);
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
                explain_missing(w, c, value, cls, err);
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
    /* gid[i]: the group of entry i (NO_GROUP: left out); known[]: the
     * values looked up so far (text at voff[k] in vtext) and their
     * groups, so a value is looked up once per call however its rows
     * interleave with others'. */
    enum { NO_GROUP = UINT32_MAX };
    uint32_t *gid = malloc((n ? n : 1) * sizeof *gid);
    uint32_t *known = malloc((n ? n : 1) * sizeof *known);
    size_t *voff = malloc((n ? n : 1) * 2 * sizeof *voff);
    uint32_t nknown = 0, ng = 0;
    struct hf_strbuf val, vtext;
    hf_strbuf_init(&val, 0);
    hf_strbuf_init(&vtext, 0);
    int rc = 0;
    if (gid == NULL || known == NULL || voff == NULL) {
        *cls = HOLO_ERR_FATAL;
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    /* The group of each distinct value, found once per run of equal
     * values (rows of one child tend to come together); groups are
     * numbered in the order their first entry comes. */
    for (uint32_t i = 0; i < n && rc == 0; i++) {
        const struct hf_value *v = &ents[i]->vals[pc];
        gid[i] = NO_GROUP;
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
        if (i > 0 && gid[i - 1] != NO_GROUP &&
            holo_value_eq(pt, v, &ents[i - 1]->vals[pc])) {
            gid[i] = gid[i - 1];
            continue;
        }
        hf_strbuf_reset(&val);
        hf_value_to_text(pt, v, &val);
        if (!hf_strbuf_ok(&val)) {
            *cls = HOLO_ERR_FATAL;
            rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            continue;
        }
        const char *text = val.data ? val.data : "";
        size_t tlen = val.len;
        uint32_t k = 0;
        while (k < nknown &&
               !(voff[2 * k + 1] == tlen &&
                 memcmp(vtext.data + voff[2 * k], text, tlen) == 0))
            k++;
        if (k == nknown) {
            const char *sch = NULL, *tab = NULL;
            rc = (w->part_target ? w->part_target : holo_part_child)(
                w, c, text, names, &sch, &tab, cls, err);
            if (rc != 0)
                continue;
            /* Several values may share a child: one group per child. */
            uint32_t g = 0;
            while (g < ng && !(strcmp(groups[g].schema, sch) == 0 &&
                               strcmp(groups[g].table, tab) == 0))
                g++;
            if (g == ng)
                groups[ng++] = (struct holo_group){sch, tab, NULL, 0};
            voff[2 * k] = vtext.len;
            voff[2 * k + 1] = tlen;
            hf_strbuf_append(&vtext, text, tlen);
            if (!hf_strbuf_ok(&vtext)) {
                *cls = HOLO_ERR_FATAL;
                rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
                continue;
            }
            known[nknown++] = g;
        }
        gid[i] = known[k];
    }
    if (rc == 0) {
        /* Each group's entries in their order, the groups one after the
         * other in scratch. */
        for (uint32_t i = 0; i < n; i++)
            if (gid[i] != NO_GROUP)
                groups[gid[i]].n++;
        uint32_t used = 0;
        for (uint32_t g = 0; g < ng; g++) {
            groups[g].ents = scratch + used;
            used += groups[g].n;
            groups[g].n = 0;
        }
        for (uint32_t i = 0; i < n; i++)
            if (gid[i] != NO_GROUP) {
                struct holo_group *g = &groups[gid[i]];
                g->ents[g->n++] = ents[i];
            }
        *ngroups = ng;
    }
    free(gid);
    free(known);
    free(voff);
    hf_strbuf_free(&val);
    hf_strbuf_free(&vtext);
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
