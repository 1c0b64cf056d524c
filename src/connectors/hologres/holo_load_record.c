/*
 * holo_load_record.c - the completion record a bulk load commits with its
 * rows (holo_load_record.h): the table's DDL and the upsert. Identifiers
 * are quoted, values go as parameters.
 */
#include "connectors/hologres/holo_load_record.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/strbuf.h"

static void put_table(struct hf_strbuf *q, const char *schema)
{
    hf_strbuf_put_ident(q, schema);
    hf_strbuf_putc(q, '.');
    hf_strbuf_put_ident(q, HOLO_LOAD_RECORD_TABLE);
}

/* Does the record table of `schema` exist? */
static bool exists(struct holo_conn *c, const char *schema)
{
    struct hf_strbuf q;
    hf_strbuf_init(&q, 0);
    put_table(&q, schema);
    bool yes = false;
    if (hf_strbuf_ok(&q)) {
        const char *vals[1] = {q.data};
        PGresult *r = PQexecParams(c->pg, "SELECT to_regclass($1) IS NOT NULL",
                                   1, NULL, vals, NULL, NULL, 0);
        yes = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
              PQgetvalue(r, 0, 0)[0] == 't';
        PQclear(r);
    }
    hf_strbuf_free(&q);
    return yes;
}

int holo_load_record_ensure(struct holo_conn *c, const char *schema,
                            struct hf_error *err)
{
    if (exists(c, schema))
        return 0;
    struct hf_strbuf q;
    hf_strbuf_init(&q, 0);
    hf_strbuf_puts(&q, "CREATE TABLE IF NOT EXISTS ");
    put_table(&q, schema);
    hf_strbuf_puts(&q, " (load_key text PRIMARY KEY, state text NOT NULL, "
                       "target text NOT NULL, rows_loaded bigint, "
                       "updated_at timestamptz NOT NULL DEFAULT now())");
    if (!hf_strbuf_ok(&q)) {
        hf_strbuf_free(&q);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    enum holo_err_class cls;
    struct hf_error e;
    hf_error_clear(&e);
    int rc = holo_conn_exec(c, q.data, &cls, &e);
    /* Created at the same moment by another load (a shard)? */
    if (rc != 0 && exists(c, schema))
        rc = 0;
    hf_strbuf_free(&q);
    if (rc != 0) {
        *err = e;
        hf_error_prefix(err, "creating the load record table \"%s\".\"%s\" "
                             "(sink.bulk-load.commit-record): ",
                        schema, HOLO_LOAD_RECORD_TABLE);
    }
    return rc;
}

int holo_load_record_write(struct holo_conn *c, const char *schema,
                           const char *target, const char *key,
                           uint64_t rows, enum holo_err_class *cls,
                           struct hf_error *err)
{
    struct hf_strbuf q;
    hf_strbuf_init(&q, 0);
    hf_strbuf_puts(&q, "INSERT INTO ");
    put_table(&q, schema);
    hf_strbuf_puts(&q, " AS r (load_key, state, target, rows_loaded, "
                       "updated_at) VALUES ($1, 'loaded', $2, $3, now()) "
                       "ON CONFLICT (load_key) DO UPDATE SET state = "
                       "'loaded', target = $2, rows_loaded = $3, "
                       "updated_at = now()");
    if (!hf_strbuf_ok(&q)) {
        hf_strbuf_free(&q);
        *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    char n[24];
    snprintf(n, sizeof n, "%" PRIu64, rows);
    const char *vals[3] = {key, target, n};
    PGresult *r = PQexecParams(c->pg, q.data, 3, NULL, vals, NULL, NULL, 0);
    int rc = 0;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        *cls = holo_conn_classify(c, r, err);
        hf_error_prefix(err, "writing the load record '%s' into \"%s\".\"%s\": ",
                        key, schema, HOLO_LOAD_RECORD_TABLE);
        rc = -1;
    }
    PQclear(r);
    hf_strbuf_free(&q);
    return rc;
}
