/*
 * sync_resume.c - `holoflow sync --resume`: the load record of a sync.
 *
 * A sync's load is one transaction (or staging tables and one final
 * transaction), and that transaction also upserts the sync's row into
 * holoflow_load_records in the target's schema (the sink option
 * sink.bulk-load.commit-record, holo_load_record.h): the row says
 * 'loaded' exactly when the rows are in. This file owns the rest of the
 * row's life, on its own connection to the writer's database:
 *
 *   - the key: a hash of the sync's SQL job as printed (password
 *     redacted), which holds everything that decides what is loaded
 *     where: the files or tables read, the -p values substituted, the
 *     shard, the target and its options. The same job file with the
 *     same -p values and --shard is the same key;
 *   - a run without --resume deletes the row first (a new load), then
 *     loads; after the load it writes 'loaded' when the sink did not
 *     (no row was read, so no transaction was opened), 'over-limit'
 *     when errorLimit.percentage fails it after the commit, and
 *     'finished' once postSql ran;
 *   - a run with --resume reads the row: 'finished', nothing to do;
 *     'loaded', the load committed (the process died after it): only
 *     postSql runs; 'over-limit', the load committed over
 *     errorLimit.percentage: the sync fails again, loading nothing; no
 *     row, the load did not commit: it runs whole.
 *
 * Invariant: 'loaded' is never written before the load committed; so
 * --resume never skips rows that are not in the table, and never loads
 * a committed load twice.
 */
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/hologres/holo_config.h"
#include "connectors/hologres/holo_load_record.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "sync/sync_int.h"

char *sync_load_key(const char *sql)
{
    /* Two FNV-1a passes with different offsets: 128 bits, so two
     * different jobs never share a record by accident. */
    uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL;
    bool bol = true, skip = false;
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++) {
        /* SET lines (the throttle) do not change what is loaded where */
        if (bol)
            skip = strncmp((const char *)p, "SET ", 4) == 0;
        bol = *p == '\n';
        if (skip)
            continue;
        h1 = (h1 ^ *p) * 0x100000001b3ULL;
        h2 = (h2 ^ *p) * 0x100000001b3ULL;
        h2 ^= h2 >> 29;
    }
    char *k = malloc(48);
    if (k)
        snprintf(k, 48, "sync-%016llx%016llx", (unsigned long long)h1,
                 (unsigned long long)h2);
    return k;
}

/* The record table of the writer's table, quoted ("schema"."holoflow_
 * load_records") into q. 0, or -1 with err. */
static int record_table(const struct sync_job *j, struct hf_strbuf *q,
                        struct hf_error *err)
{
    char *schema = NULL, *table = NULL;
    if (holo_split_tablename(j->w.conn.table, &schema, &table, err) != 0)
        return -1;
    hf_strbuf_put_ident(q, schema);
    hf_strbuf_putc(q, '.');
    hf_strbuf_put_ident(q, HOLO_LOAD_RECORD_TABLE);
    free(schema);
    free(table);
    return hf_strbuf_ok(q) ? 0 : hf_error_set(err, HF_ERR_NOMEM,
                                                "out of memory");
}

/* Run `what` (a statement with "%T" for the record table and $1 the key)
 * on the writer's database; a missing record table is no row. 1 a row
 * came back (its first column into out), 0 none, -1 error. */
static int record_exec(const struct sync_job *j, const char *key,
                       const char *stmt, char *out, size_t outn,
                       struct hf_error *err)
{
    struct hf_strbuf t, q;
    hf_strbuf_init(&t, 0);
    hf_strbuf_init(&q, 0);
    int rc = -1;
    if (record_table(j, &t, err) != 0)
        goto done;
    for (const char *p = stmt; *p; p++) {
        if (p[0] == '%' && p[1] == 'T') {
            hf_strbuf_puts(&q, t.data);
            p++;
        } else {
            hf_strbuf_putc(&q, *p);
        }
    }
    if (!hf_strbuf_ok(&q)) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto done;
    }
    PGconn *pg = sync_connect_writer(j, "load record", err);
    if (pg == NULL)
        goto done;
    const char *tv[1] = {t.data};
    PGresult *r = PQexecParams(pg, "SELECT to_regclass($1) IS NOT NULL", 1,
                               NULL, tv, NULL, NULL, 0);
    bool exists = PQresultStatus(r) == PGRES_TUPLES_OK &&
                  PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        hf_error_set(err, HF_ERR_SERVER, "load record %s: %s", t.data,
                     PQerrorMessage(pg));
        PQclear(r);
        PQfinish(pg);
        goto done;
    }
    PQclear(r);
    if (!exists) {
        rc = 0;
        PQfinish(pg);
        goto done;
    }
    const char *vals[1] = {key};
    r = PQexecParams(pg, q.data, 1, NULL, vals, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK) {
        rc = PQntuples(r) > 0;
        if (rc && out)
            snprintf(out, outn, "%s", PQgetvalue(r, 0, 0));
    } else if (st == PGRES_COMMAND_OK) {
        /* the rows affected, as digits: any but "0" (or "") is some */
        const char *n = PQcmdTuples(r);
        rc = n[0] != '\0' && strcmp(n, "0") != 0;
    } else {
        hf_error_set(err, HF_ERR_SERVER, "load record %s: %s", t.data,
                     PQerrorMessage(pg));
    }
    PQclear(r);
    PQfinish(pg);
done:
    hf_strbuf_free(&t);
    hf_strbuf_free(&q);
    return rc;
}

int sync_record_get(const struct sync_job *j, const char *key, char *state,
                    size_t n, struct hf_error *err)
{
    return record_exec(j, key,
                       "SELECT state || ' at ' || updated_at FROM %T "
                       "WHERE load_key = $1",
                       state, n, err);
}

int sync_record_forget(const struct sync_job *j, const char *key,
                       struct hf_error *err)
{
    return record_exec(j, key, "DELETE FROM %T WHERE load_key = $1", NULL, 0,
                       err) < 0
               ? -1
               : 0;
}

int sync_record_mark(const struct sync_job *j, const char *key,
                     const char *state, struct hf_error *err)
{
    /* 'loaded' only where the sink wrote none (nothing was loaded);
     * 'finished' and 'over-limit' over 'loaded'. */
    const char *stmt =
        strcmp(state, "loaded") == 0
            ? "INSERT INTO %T (load_key, state, target, rows_loaded) "
              "VALUES ($1, 'loaded', '', 0) ON CONFLICT (load_key) DO NOTHING"
        : strcmp(state, "finished") == 0
            ? "UPDATE %T SET state = 'finished', updated_at = now() WHERE "
              "load_key = $1"
            : "UPDATE %T SET state = 'over-limit', updated_at = now() WHERE "
              "load_key = $1";
    return record_exec(j, key, stmt, NULL, 0, err) < 0 ? -1 : 0;
}
