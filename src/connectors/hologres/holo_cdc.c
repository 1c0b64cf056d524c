/*
 * holo_cdc.c - the streaming (binlog/CDC) source of the hologres connector
 * (holo_cdc.h): option resolution, the PostgreSQL logical replication
 * source, and the Hologres binlog SQL.
 *
 * PostgreSQL, at open:
 *   1. a normal connection checks wal_level (= logical, else an error with
 *      the fix), finds the table (OID, replica identity, columns) and
 *      makes sure the publication exists and holds the table;
 *   2. slot `S` exists: resume from its confirmed_flush_lsn (no snapshot).
 *      Otherwise, startup INITIAL: a replication connection creates slot
 *      `S_init` with EXPORT_SNAPSHOT, a second connection imports that
 *      snapshot (REPEATABLE READ) and reads the table through a cursor;
 *      the rows go out as +I. At the end a checkpoint is taken
 *      (ctx->checkpoint_now) so the snapshot is durable in every sink,
 *      then `S_init` is copied to `S` (pg_copy_logical_replication_slot)
 *      and dropped. A run killed during the snapshot leaves only `S_init`:
 *      the next run keeps it, snapshots again from `S_snap`, and first
 *      replays `S_init`'s changes up to the new snapshot's point (phase
 *      CATCHUP), so what the killed snapshot wrote is corrected. Streaming then
 *      starts at the slot's consistent point: every transaction not in the
 *      snapshot commits after it (no gap), every one in it before (no
 *      overlap). EARLIEST_OFFSET / TIMESTAMP create `S` directly.
 *   3. START_REPLICATION with proto_version 1 and the publication; the
 *      changes decoded by pgoutput.c become rows (emit_* below).
 * Positions: `done_lsn` is the end LSN of the last transaction whose rows
 * were all returned by read(); source_checkpoint(id) records it,
 * source_commit(id) makes it the slot's flush_lsn (standby status update),
 * and nothing else ever moves flush_lsn. While no transaction is open, a
 * keepalive's WAL end may be confirmed too (idle tables would otherwise
 * pin WAL). Transactions whose commit LSN lies before the resume point
 * are skipped whole (the server may replay some after a crash).
 * A transaction cut by a full batch or a checkpoint replays whole after a
 * restart: rows are delivered at least once, exactly once into a sink
 * with a primary key (upserts are idempotent).
 * With state.checkpoints.dir (ctx->checkpointed) the job's checkpoints
 * also hold the position (holo_cdc_position) and a restored one is where
 * the stream resumes (ctx->restore_pos), whatever the slot confirmed, so
 * operator state and changes come from one checkpoint; checkpoints wait
 * while the snapshot runs (holo_cdc_defer_checkpoint), and a run with no
 * checkpoint yet snapshots again without the catch-up.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/hologres/holo_cdc.h"
#include "connectors/hologres/holo_config.h"
#include "connectors/hologres/holo_conn.h"
#include "connectors/hologres/pgoutput.h"
#include "core/datetime.h"
#include "core/log.h"

/* ------------------------------------------------------------ options */

static const char *key_used(const struct hf_opts *o, const char *key)
{
    const struct hf_opt_val *v = hf_opts_get(o, key, NULL);
    return (v && v->set && v->key_used) ? v->key_used : key;
}

static bool opt_set(const struct hf_opts *o, const char *key)
{
    return hf_opts_isset(o, key, NULL);
}

bool holo_cdc_enabled(const struct hf_opts *o)
{
    if (opt_set(o, "source.binlog"))
        return hf_opts_bool(o, "source.binlog", NULL);
    if (opt_set(o, "property-version") &&
        hf_opts_int(o, "property-version", NULL) == 1)
        return true;
    return hf_opts_bool(o, "source.binlog", NULL);
}

const char *holo_cdc_mode_name(enum holo_cdc_mode m)
{
    switch (m) {
    case HOLO_CDC_ALL:
        return "ALL";
    case HOLO_CDC_APPEND:
        return "ALL_AS_APPEND_ONLY";
    default:
        return "UPSERT";
    }
}

static bool ident_ok(const char *s)
{
    if (s == NULL || s[0] == '\0' || strlen(s) > 63)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return false;
    return true;
}

/* FNV-1a of schema.table, for default names that stay distinct when the
 * sanitised names collide or are cut. */
static uint32_t name_hash(const char *schema, const char *table)
{
    uint32_t h = 2166136261u;
    for (const char *p = schema; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    h = (h ^ '.') * 16777619u;
    for (const char *p = table; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    return h;
}

/* prefix + sanitised schema_table (cut) + _hash, at most 57 bytes so that
 * "_init" still fits the 63-byte limit. */
static void default_name(char *out, size_t n, const char *prefix,
                         const char *schema, const char *table)
{
    char body[64];
    size_t k = 0;
    const char *parts[2] = {schema, table};
    for (int i = 0; i < 2; i++) {
        for (const char *p = parts[i]; *p && k < 28; p++) {
            char ch = *p;
            if (ch >= 'A' && ch <= 'Z')
                ch = (char)(ch - 'A' + 'a');
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
                ch = '_';
            body[k++] = ch;
        }
        if (i == 0 && k < 28)
            body[k++] = '_';
    }
    body[k] = '\0';
    char hash[12];
    snprintf(hash, sizeof hash, "_%08x", (unsigned)name_hash(schema, table));
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    hf_strbuf_puts(&b, prefix);
    hf_strbuf_puts(&b, body);
    hf_strbuf_puts(&b, hash);
    size_t m = b.len < n - 1 ? b.len : n - 1;
    memcpy(out, b.data, m);
    out[m] = '\0';
    hf_strbuf_free(&b);
}

int holo_cdc_config_from_opts(struct holo_cdc_config *c,
                              const struct hf_opts *o, const char *schema,
                              const char *table, struct hf_error *err)
{
    memset(c, 0, sizeof *c);
    c->binlog = holo_cdc_enabled(o);
    c->key_binlog = key_used(o, "source.binlog");
    bool v8_mode = opt_set(o, "cdcMode") || opt_set(o, "upsertSource");
    if (v8_mode && opt_set(o, "source.binlog.change-log-mode"))
        return hf_error_set(err, HF_ERR_OPTION,
                            "'%s' (VVR 8) and "
                            "'source.binlog.change-log-mode' (VVR 11) both "
                            "set: use one generation's spelling",
                            opt_set(o, "cdcMode") ? "cdcMode"
                                                  : "upsertSource");
    if (v8_mode || (opt_set(o, "property-version") &&
                    !opt_set(o, "source.binlog.change-log-mode"))) {
        bool cdc = opt_set(o, "cdcMode")
                       ? hf_opts_bool(o, "cdcMode", NULL)
                       : hf_opts_int(o, "property-version", NULL) == 1;
        bool upsert = hf_opts_bool(o, "upsertSource", NULL);
        c->mode = !cdc ? HOLO_CDC_APPEND
                       : (upsert ? HOLO_CDC_UPSERT : HOLO_CDC_ALL);
        c->key_mode = opt_set(o, "cdcMode") ? key_used(o, "cdcMode")
                                             : "upsertSource";
        if (upsert && !cdc)
            hf_log_warn("'upsertSource' has effect only with 'cdcMode'=true");
    } else {
        static const enum holo_cdc_mode modes[] = {
            HOLO_CDC_UPSERT, HOLO_CDC_ALL, HOLO_CDC_APPEND};
        c->mode = modes[hf_opts_enum(o, "source.binlog.change-log-mode", NULL)];
        c->key_mode = "source.binlog.change-log-mode";
    }
    static const enum holo_cdc_startup starts[] = {
        HOLO_CDC_INITIAL, HOLO_CDC_EARLIEST, HOLO_CDC_TIMESTAMP};
    c->startup = starts[hf_opts_enum(o, "source.binlog.startup-mode", NULL)];
    const char *st = hf_opts_str(o, "startTime", NULL);
    if (st != NULL) {
        int64_t us;
        if (hf_timestamp_parse(st, strlen(st), &us) != 0)
            return hf_error_set(err, HF_ERR_OPTION,
                                "'startTime' = '%s' is not "
                                "'yyyy-MM-dd HH:mm:ss'",
                                st);
        c->start_time_us = us;
        c->startup = HOLO_CDC_TIMESTAMP;
    } else if (c->startup == HOLO_CDC_TIMESTAMP) {
        return hf_error_set(err, HF_ERR_OPTION,
                            "'%s' = TIMESTAMP needs 'startTime'",
                            key_used(o, "source.binlog.startup-mode"));
    }
    const char *slot = hf_opts_str(o, "slot.name", NULL);
    if (slot != NULL) {
        if (!ident_ok(slot) || strlen(slot) > 58)
            return hf_error_set(err, HF_ERR_OPTION,
                                "'%s' = '%s': a replication slot name is "
                                "lower-case letters, digits and '_', at most "
                                "58 bytes here (holoflow appends '_init' "
                                "during the initial snapshot)",
                                key_used(o, "slot.name"), slot);
        snprintf(c->slot, sizeof c->slot, "%s", slot);
    } else {
        default_name(c->slot, sizeof c->slot, "holoflow_", schema, table);
    }
    const char *pub = hf_opts_str(o, "publication.name", NULL);
    if (pub != NULL) {
        if (!ident_ok(pub))
            return hf_error_set(err, HF_ERR_OPTION,
                                "'publication.name' = '%s': use lower-case "
                                "letters, digits and '_' (at most 63 bytes)",
                                pub);
        snprintf(c->publication, sizeof c->publication, "%s", pub);
    } else {
        default_name(c->publication, sizeof c->publication, "holoflow_pub_",
                     schema, table);
    }
    c->batch_size = hf_opts_int(o, "source.binlog.batch-size", NULL);
    /* VVR 8 tables retry binlogMaxRetryTimes times, VVR 11 retry-count. */
    const struct hf_opt_val *bv = hf_opts_get(o, "source.binlog", NULL);
    bool g000 = bv && bv->gen && strcmp(bv->gen, HOLO_GEN_000) == 0;
    c->max_retries = opt_set(o, "binlogMaxRetryTimes") || g000
                         ? hf_opts_int(o, "binlogMaxRetryTimes", NULL)
                         : hf_opts_int(o, "retry-count", NULL);
    c->retry_interval_ms = hf_opts_int(o, "binlogRetryIntervalMs", NULL);
    c->request_timeout_ms =
        hf_opts_int(o, "source.binlog.request-timeout-ms", NULL);
    c->status_interval_ms =
        hf_opts_int(o, "source.binlog.status-interval", NULL);
    if (hf_opts_enum(o, "source.binlog.partition-binlog-mode", NULL) != 0)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "'%s' = %s is not supported: holoflow reads one "
                            "table (a partitioned PostgreSQL table through "
                            "its root); use DISABLE",
                            key_used(o, "source.binlog.partition-binlog-mode"),
                            hf_opts_str(o, "source.binlog.partition-binlog-mode",
                                        NULL));
    if (hf_opts_enum(o, "source.binlog.read-mode", NULL) == 2)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "'source.binlog.read-mode' = HOLOHUB is not "
                            "supported (retired since Hologres 2.1): use AUTO "
                            "or JDBC");
    return 0;
}

/* ------------------------------------------------------------ SQL text */

static void quote_ident(struct hf_strbuf *out, const char *s)
{
    hf_strbuf_puts(out, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            hf_strbuf_puts(out, "\"\"");
        else
            hf_strbuf_append(out, p, 1);
    }
    hf_strbuf_puts(out, "\"");
}

/* A replication option value: a single-quoted literal. */
static void quote_lit(struct hf_strbuf *out, const char *s)
{
    hf_strbuf_puts(out, "'");
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            hf_strbuf_puts(out, "''");
        else
            hf_strbuf_append(out, p, 1);
    }
    hf_strbuf_puts(out, "'");
}

void holo_cdc_sql_shard_count(struct hf_strbuf *out)
{
    hf_strbuf_puts(out,
                   "SELECT g.property_value::int FROM "
                   "hologres.hg_table_properties t JOIN "
                   "hologres.hg_table_group_properties g ON g.tablegroup_name "
                   "= t.property_value WHERE t.table_namespace || '.' || "
                   "t.table_name = $1 AND t.property_key = 'table_group' AND "
                   "g.property_key = 'shard_count'");
}

void holo_cdc_sql_binlog_level(struct hf_strbuf *out)
{
    hf_strbuf_puts(out, "SELECT property_value FROM "
                        "hologres.hg_table_properties WHERE table_namespace "
                        "= $1 AND table_name = $2 AND property_key = "
                        "'binlog.level'");
}

void holo_cdc_sql_shard_read(struct hf_strbuf *out, const char *schema,
                             const char *table, const char *const *cols,
                             uint32_t ncols)
{
    hf_strbuf_puts(out, "SELECT hg_binlog_lsn, hg_binlog_event_type, "
                        "hg_binlog_timestamp_us");
    for (uint32_t i = 0; i < ncols; i++) {
        hf_strbuf_puts(out, ", ");
        quote_ident(out, cols[i]);
    }
    hf_strbuf_puts(out, " FROM ");
    quote_ident(out, schema);
    hf_strbuf_puts(out, ".");
    quote_ident(out, table);
    hf_strbuf_puts(out, " WHERE hg_shard_id = $1 AND hg_binlog_lsn > $2 "
                        "ORDER BY hg_binlog_lsn LIMIT $3");
}

void holo_cdc_sql_latest_cursor(struct hf_strbuf *out)
{
    hf_strbuf_puts(out, "SELECT hg_binlog_lsn FROM hg_get_binlog_cursor($1, "
                        "'LATEST', $2)");
}

void holo_cdc_sql_shard_start(struct hf_strbuf *out, const char *slot,
                              const char *schema, const char *table,
                              int shard, int64_t batch_size, int64_t start_lsn,
                              const char *start_time)
{
    char num[32];
    struct hf_strbuf tn;
    hf_strbuf_init(&tn, 0);
    hf_strbuf_puts(&tn, schema);
    hf_strbuf_puts(&tn, ".");
    hf_strbuf_puts(&tn, table);
    hf_strbuf_puts(out, "START_REPLICATION SLOT ");
    quote_ident(out, slot ? slot : "hg_table_name_slot");
    hf_strbuf_puts(out, " LOGICAL 0/0 (\"parallel_index\" ");
    snprintf(num, sizeof num, "%d", shard);
    quote_lit(out, num);
    hf_strbuf_puts(out, ", \"batch_size\" ");
    snprintf(num, sizeof num, "%" PRId64, batch_size);
    quote_lit(out, num);
    if (slot == NULL) {
        hf_strbuf_puts(out, ", \"table_name\" ");
        quote_lit(out, tn.data);
    }
    if (start_lsn >= 0) {
        hf_strbuf_puts(out, ", \"start_lsn\" ");
        snprintf(num, sizeof num, "%" PRId64, start_lsn);
        quote_lit(out, num);
    } else if (start_time != NULL) {
        hf_strbuf_puts(out, ", \"start_time\" ");
        quote_lit(out, start_time);
    }
    hf_strbuf_puts(out, ")");
    hf_strbuf_free(&tn);
}

void holo_cdc_sql_hg_create_slot(struct hf_strbuf *out, const char *slot,
                                 const char *publication, const char *schema,
                                 const char *table)
{
    hf_strbuf_puts(out, "CREATE PUBLICATION ");
    quote_ident(out, publication);
    hf_strbuf_puts(out, " FOR TABLE ");
    quote_ident(out, schema);
    hf_strbuf_puts(out, ".");
    quote_ident(out, table);
    hf_strbuf_puts(out, ";\nCALL hg_create_logical_replication_slot(");
    quote_lit(out, slot);
    hf_strbuf_puts(out, ", 'hgoutput', ");
    quote_lit(out, publication);
    hf_strbuf_puts(out, ")");
}

void holo_cdc_sql_hg_drop_slot(struct hf_strbuf *out, const char *slot)
{
    hf_strbuf_puts(out, "CALL hg_drop_logical_replication_slot(");
    quote_lit(out, slot);
    hf_strbuf_puts(out, ");\nDELETE FROM hologres.hg_replication_progress "
                        "WHERE slot_name = ");
    quote_lit(out, slot);
}

/* ------------------------------------------------------------ the source */

enum col_src {
    COL_NONE,   /* not filled (computed, proctime) */
    COL_TABLE,  /* a column of the table */
    COL_LSN,    /* hg_binlog_lsn */
    COL_EVENT,  /* hg_binlog_event_type */
    COL_TS,     /* hg_binlog_timestamp_us */
    COL_SHARD,  /* hg_shard_id: 0 */
    COL_TNAME,  /* table_name */
    COL_DBNAME, /* db_name */
    COL_SNAME   /* schema_name */
};

#define MAX_PENDING 64

/* PH_CATCHUP: after a run killed during its snapshot, the changes between
 * that snapshot's point and the new one's, from `<slot>_init`. */
enum phase { PH_STREAM, PH_SNAPSHOT, PH_CATCHUP };

struct cdc {
    const struct hf_table_def *t;
    const struct hf_run_ctx *ctx;
    struct holo_config cfg;
    struct holo_cdc_config cc;
    struct holo_conn meta;  /* normal connection */
    struct holo_conn repl;  /* replication=database */
    struct holo_conn snap;  /* the snapshot reader */
    uint32_t ncols;
    enum col_src *src;      /* per schema column */
    char **tcol;            /* per schema column: table column name or NULL */
    uint32_t oid;           /* the table's OID */
    char ident;             /* relreplident */
    /* per Relation column: schema column index or -1 */
    int32_t *relmap;
    uint32_t nrel;
    bool have_rel;
    enum phase phase;
    uint64_t start_lsn;     /* where streaming starts / resumes */
    char stream_slot[80];   /* the slot being streamed */
    char snap_slot[80];     /* the slot whose snapshot is read */
    uint64_t snap_lsn;      /* its consistent point */
    bool catchup_done;
    bool snap_done;         /* snapshot read whole; its checkpoint runs */
    uint64_t pos_lsn;       /* the last checkpoint's position */
    int64_t next_ping_ms;
    char snapshot_name[64];
    uint32_t snap_ncols;    /* columns in the snapshot SELECT */
    int32_t *snap_to_col;   /* SELECT column -> schema column */
    /* stream */
    struct pgo_decoder dec;
    bool in_txn, skip_txn;
    uint64_t txn_lsn;       /* commit LSN (Begin) */
    int64_t txn_time_us;    /* commit time, Unix µs */
    uint64_t done_lsn;      /* end of the last transaction fully returned */
    uint64_t idle_lsn;      /* keepalive WAL end seen with no txn open */
    uint64_t received_lsn;
    uint64_t confirmed_lsn; /* flush_lsn we sent */
    int64_t next_status_ms;
    int64_t last_msg_ms;
    bool want_status;
    struct {
        uint64_t id, lsn;
    } pending[MAX_PENDING];
    uint32_t npending;
    bool warned_toast, warned_trunc;
    int retries;
    /* Reply-requested keepalives in a row with no data between (a server
     * shutting down asks again after every reply), and since when. */
    int pings;
    int64_t pings_since_ms;
    uint64_t pings_end;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t now_pg_us(void)
{
    return hf_now_usec() - PGO_EPOCH_OFFSET_US;
}

/* Run a parameterised query on the normal connection; the result (TUPLES
 * or COMMAND ok) or NULL with err. */
static PGresult *q(struct cdc *s, const char *sql, int n,
                   const char *const *params, struct hf_error *err)
{
    PGresult *r = PQexecParams(s->meta.pg, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return r;
    holo_conn_classify(&s->meta, r, err);
    PQclear(r);
    return NULL;
}

/* A command on the replication connection (simple protocol only). */
static PGresult *rq(struct cdc *s, const char *sql, ExecStatusType want,
                    struct hf_error *err)
{
    PGresult *r = PQexec(s->repl.pg, sql);
    if (r && PQresultStatus(r) == want)
        return r;
    holo_conn_classify(&s->repl, r, err);
    hf_error_prefix(err, "%s: ", sql);
    PQclear(r);
    return NULL;
}

static int check_wal_level(struct cdc *s, struct hf_error *err)
{
    PGresult *r = q(s, "SELECT current_setting('wal_level')", 0, NULL, err);
    if (r == NULL)
        return -1;
    const char *lvl = PQgetvalue(r, 0, 0);
    int rc = 0;
    if (strcmp(lvl, "logical") != 0)
        rc = hf_error_set(err, HF_ERR_SERVER,
                          "the binlog source needs logical decoding, but the "
                          "server runs with wal_level = '%s'; fix: run "
                          "ALTER SYSTEM SET wal_level = logical; and restart "
                          "PostgreSQL (also check max_replication_slots and "
                          "max_wal_senders > 0), or read the table once with "
                          "'%s' = 'false'",
                          lvl, s->cc.key_binlog);
    PQclear(r);
    if (rc != 0)
        err->fatal = true;
    return rc;
}

static bool name_eq(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static bool name_eq_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return *a == *b;
}

/* Metadata (or legacy physical hg_binlog_*) column kinds by name/key. */
static enum col_src meta_src(const char *name)
{
    static const struct {
        const char *n;
        enum col_src s;
    } m[] = {{"hg_binlog_lsn", COL_LSN},
             {"hg_binlog_event_type", COL_EVENT},
             {"hg_binlog_timestamp_us", COL_TS},
             {"hg_shard_id", COL_SHARD},
             {"table_name", COL_TNAME},
             {"db_name", COL_DBNAME},
             {"database_name", COL_DBNAME},
             {"schema_name", COL_SNAME}};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (name_eq_nocase(name, m[i].n))
            return m[i].s;
    return COL_NONE;
}

/* Table OID, replica identity, and the job's columns against the
 * table's. */
static int load_table(struct cdc *s, struct hf_error *err)
{
    const char *p[2] = {s->cfg.schema, s->cfg.table};
    PGresult *r = q(s,
                    "SELECT c.oid, c.relreplident, c.relkind FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
                    "n.nspname = $1 AND c.relname = $2",
                    2, p, err);
    if (r == NULL)
        return -1;
    if (PQntuples(r) != 1) {
        PQclear(r);
        err->fatal = true;
        return hf_error_set(err, HF_ERR_SERVER, "table %s.%s does not exist",
                            s->cfg.schema, s->cfg.table);
    }
    s->oid = (uint32_t)strtoul(PQgetvalue(r, 0, 0), NULL, 10);
    s->ident = PQgetvalue(r, 0, 1)[0];
    PQclear(r);
    char oid[16];
    snprintf(oid, sizeof oid, "%u", s->oid);
    const char *p1[1] = {oid};
    r = q(s,
          "SELECT attname FROM pg_attribute WHERE attrelid = $1 AND attnum > "
          "0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
          1, p1, err);
    if (r == NULL)
        return -1;
    int nt = PQntuples(r);
    const struct hf_schema *sc = &s->t->schema;
    int rc = 0;
    for (uint32_t i = 0; i < sc->ncols && rc == 0; i++) {
        const struct hf_column *col = &sc->cols[i];
        const char *name = col->kind == HF_COL_METADATA && col->meta_key
                               ? col->meta_key
                               : col->name;
        if (col->kind != HF_COL_PHYSICAL && col->kind != HF_COL_METADATA)
            continue;
        int found = -1;
        if (col->kind == HF_COL_PHYSICAL) {
            for (int k = 0; k < nt && found < 0; k++)
                if (name_eq(PQgetvalue(r, k, 0), name))
                    found = k;
            for (int k = 0; k < nt && found < 0; k++)
                if (name_eq_nocase(PQgetvalue(r, k, 0), name))
                    found = k;
        }
        if (found >= 0) {
            s->src[i] = COL_TABLE;
            s->tcol[i] = strdup(PQgetvalue(r, found, 0));
            if (s->tcol[i] == NULL)
                rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            continue;
        }
        s->src[i] = meta_src(name);
        if (s->src[i] == COL_NONE) {
            err->fatal = true;
            rc = hf_error_set(err, HF_ERR_SERVER,
                              "column '%s' of table '%s' is neither a column "
                              "of %s.%s nor binlog metadata (hg_binlog_lsn, "
                              "hg_binlog_event_type, hg_binlog_timestamp_us, "
                              "hg_shard_id, table_name, db_name)",
                              name, s->t->name, s->cfg.schema, s->cfg.table);
        }
    }
    PQclear(r);
    return rc;
}

static int ensure_publication(struct cdc *s, struct hf_error *err)
{
    const char *p[1] = {s->cc.publication};
    PGresult *r = q(s, "SELECT 1 FROM pg_publication WHERE pubname = $1", 1,
                    p, err);
    if (r == NULL)
        return -1;
    bool exists = PQntuples(r) > 0;
    PQclear(r);
    struct hf_strbuf sql;
    hf_strbuf_init(&sql, 0);
    if (!exists) {
        hf_strbuf_puts(&sql, "CREATE PUBLICATION ");
        quote_ident(&sql, s->cc.publication);
        hf_strbuf_puts(&sql, " FOR TABLE ");
    } else {
        const char *p3[3] = {s->cc.publication, s->cfg.schema, s->cfg.table};
        r = q(s,
              "SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND "
              "schemaname = $2 AND tablename = $3",
              3, p3, err);
        if (r == NULL) {
            hf_strbuf_free(&sql);
            return -1;
        }
        bool has = PQntuples(r) > 0;
        PQclear(r);
        if (has) {
            hf_strbuf_free(&sql);
            return 0;
        }
        hf_strbuf_puts(&sql, "ALTER PUBLICATION ");
        quote_ident(&sql, s->cc.publication);
        hf_strbuf_puts(&sql, " ADD TABLE ");
    }
    quote_ident(&sql, s->cfg.schema);
    hf_strbuf_puts(&sql, ".");
    quote_ident(&sql, s->cfg.table);
    if (!exists && s->meta.server_version >= 130000)
        hf_strbuf_puts(&sql, " WITH (publish_via_partition_root = true)");
    int rc = holo_conn_exec(&s->meta, sql.data, NULL, err);
    if (rc != 0)
        hf_error_prefix(err, "%s: ", sql.data);
    else
        hf_log_info("table '%s': %s", s->t->name, sql.data);
    hf_strbuf_free(&sql);
    return rc;
}

/* Slot state: 0 missing, 1 present (lsn set), -1 error. */
static int slot_state(struct cdc *s, const char *slot, uint64_t *lsn,
                      struct hf_error *err)
{
    const char *p[1] = {slot};
    PGresult *r = q(s,
                    "SELECT plugin, database, active_pid, "
                    "confirmed_flush_lsn::text, current_database() FROM "
                    "pg_replication_slots WHERE slot_name = $1",
                    1, p, err);
    if (r == NULL)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    int rc = 1;
    if (strcmp(PQgetvalue(r, 0, 0), "pgoutput") != 0 ||
        strcmp(PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 4)) != 0)
        rc = hf_error_set(err, HF_ERR_SERVER,
                          "replication slot '%s' exists but is not a pgoutput "
                          "slot of database '%s' (plugin '%s', database "
                          "'%s'): choose another 'slot.name'",
                          slot, PQgetvalue(r, 0, 4), PQgetvalue(r, 0, 0),
                          PQgetvalue(r, 0, 1));
    else if (!PQgetisnull(r, 0, 2))
        rc = hf_error_set(err, HF_ERR_SERVER,
                          "replication slot '%s' is in use by process %s "
                          "(another job or a previous run still "
                          "connected); a slot has one reader: give this "
                          "job its own 'slot.name'",
                          slot, PQgetvalue(r, 0, 2));
    else if (PQgetisnull(r, 0, 3) ||
             pgo_lsn_parse(PQgetvalue(r, 0, 3), lsn) != 0)
        *lsn = 0;
    PQclear(r);
    return rc;
}

/* slot_state, waiting up to 30 s while the slot is in use: a previous
 * run killed a moment ago holds it until its walsender notices. */
static int slot_state_wait(struct cdc *s, const char *slot, uint64_t *lsn,
                           struct hf_error *err)
{
    int st;
    for (int wait = 0;; wait++) {
        st = slot_state(s, slot, lsn, err);
        if (st >= 0 || wait >= 150 || strstr(err->msg, "is in use") == NULL)
            return st;
        if (wait == 0)
            hf_log_info("table '%s': replication slot '%s' still in use; "
                        "waiting up to 30 s for it",
                        s->t->name, slot);
        hf_error_clear(err);
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static int drop_slot(struct cdc *s, const char *slot, struct hf_error *err)
{
    const char *p[1] = {slot};
    PGresult *r = q(s, "SELECT pg_drop_replication_slot($1)", 1, p, err);
    if (r == NULL)
        return -1;
    PQclear(r);
    return 0;
}

/* CREATE_REPLICATION_SLOT on the replication connection: consistent point
 * into *lsn, the exported snapshot's name when `export`. */
static int create_slot(struct cdc *s, const char *slot, bool export,
                       uint64_t *lsn, struct hf_error *err)
{
    struct hf_strbuf sql;
    hf_strbuf_init(&sql, 0);
    hf_strbuf_puts(&sql, "CREATE_REPLICATION_SLOT ");
    quote_ident(&sql, slot);
    hf_strbuf_puts(&sql, export ? " LOGICAL pgoutput EXPORT_SNAPSHOT"
                                : " LOGICAL pgoutput NOEXPORT_SNAPSHOT");
    PGresult *r = rq(s, sql.data, PGRES_TUPLES_OK, err);
    hf_strbuf_free(&sql);
    if (r == NULL)
        return -1;
    int rc = 0;
    if (PQntuples(r) != 1 || pgo_lsn_parse(PQgetvalue(r, 0, 1), lsn) != 0)
        rc = hf_error_set(err, HF_ERR_SERVER,
                          "CREATE_REPLICATION_SLOT returned no consistent "
                          "point");
    if (rc == 0 && export) {
        const char *sn = PQgetvalue(r, 0, 2);
        if (PQgetisnull(r, 0, 2) || strlen(sn) >= sizeof s->snapshot_name)
            rc = hf_error_set(err, HF_ERR_SERVER,
                              "CREATE_REPLICATION_SLOT exported no snapshot");
        else
            snprintf(s->snapshot_name, sizeof s->snapshot_name, "%s", sn);
        for (const char *c = s->snapshot_name; rc == 0 && *c; c++)
            if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'F') ||
                  *c == '-'))
                rc = hf_error_set(err, HF_ERR_SERVER,
                                  "unexpected snapshot name '%s'",
                                  s->snapshot_name);
    }
    PQclear(r);
    return rc;
}

static int start_streaming(struct cdc *s, const char *slot,
                           struct hf_error *err)
{
    if (slot != s->stream_slot)
        snprintf(s->stream_slot, sizeof s->stream_slot, "%s", slot);
    char lsn[24];
    pgo_lsn_format(s->start_lsn, lsn, sizeof lsn);
    struct hf_strbuf sql;
    hf_strbuf_init(&sql, 0);
    hf_strbuf_puts(&sql, "START_REPLICATION SLOT ");
    quote_ident(&sql, s->stream_slot);
    hf_strbuf_printf(&sql,
                     " LOGICAL %s (\"proto_version\" '1', "
                     "\"publication_names\" '\"%s\"')",
                     lsn, s->cc.publication);
    PGresult *r = rq(s, sql.data, PGRES_COPY_BOTH, err);
    if (r == NULL) {
        hf_strbuf_free(&sql);
        return -1;
    }
    PQclear(r);
    hf_log_info("table '%s': %s changes of %s.%s from slot '%s' at %s "
                "(mode %s)",
                s->t->name,
                s->phase == PH_CATCHUP ? "replaying (catch-up)" : "streaming",
                s->cfg.schema, s->cfg.table, s->stream_slot, lsn,
                holo_cdc_mode_name(s->cc.mode));
    hf_strbuf_free(&sql);
    if (s->phase != PH_CATCHUP)
        s->phase = PH_STREAM;
    s->done_lsn = s->start_lsn;
    s->confirmed_lsn = s->start_lsn;
    s->in_txn = false;
    s->have_rel = false;
    s->next_status_ms = now_ms() + s->cc.status_interval_ms;
    s->last_msg_ms = now_ms();
    if (PQsetnonblocking(s->repl.pg, 1) != 0)
        return hf_error_set(err, HF_ERR_IO,
                            "cannot make the replication connection "
                            "non-blocking");
    return 0;
}

static int open_repl(struct cdc *s, struct hf_error *err)
{
    memset(&s->repl, 0, sizeof s->repl);
    s->repl.replication = "database";
    enum holo_err_class cls;
    return holo_conn_open(&s->repl, &s->cfg, &cls, err);
}

/* The snapshot reader: imports the exported snapshot and declares a cursor
 * over the job's columns of the table. */
static int open_snapshot(struct cdc *s, struct hf_error *err)
{
    enum holo_err_class cls;
    memset(&s->snap, 0, sizeof s->snap);
    if (holo_conn_open(&s->snap, &s->cfg, &cls, err) != 0)
        return -1;
    char sql[160];
    if (holo_conn_exec(&s->snap,
                       "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                       NULL, err) != 0)
        return -1;
    snprintf(sql, sizeof sql, "SET TRANSACTION SNAPSHOT '%s'",
             s->snapshot_name);
    if (holo_conn_exec(&s->snap, sql, NULL, err) != 0)
        return -1;
    struct hf_strbuf q2;
    hf_strbuf_init(&q2, 0);
    hf_strbuf_puts(&q2, "DECLARE holoflow_cdc NO SCROLL CURSOR FOR SELECT ");
    s->snap_ncols = 0;
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (s->src[i] != COL_TABLE)
            continue;
        if (s->snap_ncols > 0)
            hf_strbuf_puts(&q2, ", ");
        quote_ident(&q2, s->tcol[i]);
        s->snap_to_col[s->snap_ncols++] = (int32_t)i;
    }
    if (s->snap_ncols == 0)
        hf_strbuf_puts(&q2, "1");
    hf_strbuf_puts(&q2, " FROM ");
    quote_ident(&q2, s->cfg.schema);
    hf_strbuf_puts(&q2, ".");
    quote_ident(&q2, s->cfg.table);
    int rc = holo_conn_exec(&s->snap, q2.data, NULL, err);
    hf_strbuf_free(&q2);
    return rc;
}

int holo_cdc_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                  void **state, struct hf_error *err)
{
    struct cdc *s = calloc(1, sizeof *s);
    if (s == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    s->t = t;
    s->ctx = ctx;
    s->phase = PH_STREAM;
    s->ncols = t->schema.ncols;
    s->src = calloc(s->ncols + 1, sizeof *s->src);
    s->tcol = calloc(s->ncols + 1, sizeof *s->tcol);
    s->snap_to_col = calloc(s->ncols + 1, sizeof *s->snap_to_col);
    if (s->src == NULL || s->tcol == NULL || s->snap_to_col == NULL) {
        holo_cdc_close(s);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    *state = s;
    if (holo_config_from_opts(&s->cfg, &t->opts, err) != 0 ||
        holo_cdc_config_from_opts(&s->cc, &t->opts, s->cfg.schema,
                                  s->cfg.table, err) != 0)
        goto fail;
    enum holo_err_class cls;
    if (holo_conn_open(&s->meta, &s->cfg, &cls, err) != 0)
        goto fail;
    if (s->meta.hologres) {
        struct hf_strbuf sql;
        hf_strbuf_init(&sql, 0);
        holo_cdc_sql_shard_start(&sql, NULL, s->cfg.schema, s->cfg.table, 0,
                                 s->cc.batch_size, -1, NULL);
        hf_error_set(err, HF_ERR_UNSUPPORTED,
                     "table '%s': reading the Hologres binlog needs its "
                     "hgoutput record decoder (Flink BinaryRow layout), which "
                     "this build lacks; the per-shard subscription would be: "
                     "%s. Read the table once with '%s' = 'false'",
                     t->name, sql.data, s->cc.key_binlog);
        hf_strbuf_free(&sql);
        err->fatal = true;
        goto fail;
    }
    if (check_wal_level(s, err) != 0 || load_table(s, err) != 0 ||
        ensure_publication(s, err) != 0)
        goto fail;
    if (s->cc.mode == HOLO_CDC_ALL && s->ident != 'f')
        hf_log_warn("table '%s': change-log mode ALL needs the old row of "
                    "every update, but %s.%s has REPLICA IDENTITY %s: the "
                    "first update will fail the job (as Flink's postgres-cdc "
                    "does). Fix: ALTER TABLE %s.%s REPLICA IDENTITY FULL, or "
                    "use UPSERT",
                    t->name, s->cfg.schema, s->cfg.table,
                    s->ident == 'd' ? "DEFAULT" : "not FULL", s->cfg.schema,
                    s->cfg.table);
    /* A checkpointed job restored from a checkpoint: resume at its
     * position, whatever the slot confirmed (docs/hologres-cdc.md). */
    bool restored = false;
    uint64_t rlsn = 0;
    if (ctx && ctx->restore_pos) {
        char pos[64];
        size_t pl = ctx->restore_pos_len < sizeof pos - 1
                        ? ctx->restore_pos_len
                        : sizeof pos - 1;
        memcpy(pos, ctx->restore_pos, pl);
        pos[pl] = '\0';
        unsigned long long v;
        char nl;
        if (strcmp(pos, "hcdc1 snapshot\n") == 0) {
            hf_error_set(err, HF_ERR_STATE,
                         "the restored checkpoint was taken while the "
                         "initial snapshot ran (the job was stopped then): "
                         "it holds part of the snapshot and cannot be "
                         "resumed exactly; remove 'state.checkpoints.dir' "
                         "and the slot '%s_init' to start over",
                         s->cc.slot);
            err->fatal = true;
            goto fail;
        }
        if (sscanf(pos, "hcdc1 stream %llu%c", &v, &nl) != 2 || nl != '\n') {
            hf_error_set(err, HF_ERR_DATA,
                         "the restored checkpoint holds no binlog position "
                         "of this source");
            err->fatal = true;
            goto fail;
        }
        restored = true;
        rlsn = (uint64_t)v;
    }
    char init[80];
    snprintf(init, sizeof init, "%s_init", s->cc.slot);
    uint64_t lsn = 0;
    int st = slot_state_wait(s, s->cc.slot, &lsn, err);
    if (st < 0)
        goto fail;
    uint64_t ilsn;
    int ist = slot_state_wait(s, init, &ilsn, err);
    if (ist < 0)
        goto fail;
    char snap[80];
    snprintf(snap, sizeof snap, "%s_snap", s->cc.slot);
    uint64_t slsn;
    int sst = slot_state_wait(s, snap, &slsn, err);
    if (sst < 0 || (sst == 1 && !restored && drop_slot(s, snap, err) != 0))
        goto fail;
    if (restored) {
        char l[24];
        pgo_lsn_format(rlsn, l, sizeof l);
        if (st == 0) {
            /* Killed after the snapshot's checkpoint, before its slot
             * became `<slot>`: finish that step now. */
            const char *from = sst == 1 ? snap : ist == 1 ? init : NULL;
            if (from == NULL) {
                hf_error_set(err, HF_ERR_STATE,
                             "the restored checkpoint resumes at %s, but "
                             "replication slot '%s' is gone (and no '%s' "
                             "left over): the changes since cannot be read",
                             l, s->cc.slot, init);
                err->fatal = true;
                goto fail;
            }
            const char *p[2] = {from, s->cc.slot};
            PGresult *r = q(s,
                            "SELECT pg_copy_logical_replication_slot($1, $2)",
                            2, p, err);
            if (r == NULL)
                goto fail;
            PQclear(r);
            if (drop_slot(s, from, err) != 0)
                goto fail;
            if (from == snap)
                sst = 0;
            else
                ist = 0;
        }
        if ((sst == 1 && drop_slot(s, snap, err) != 0) ||
            (ist == 1 && drop_slot(s, init, err) != 0))
            goto fail;
        hf_log_info("table '%s': resuming at %s, the restored checkpoint's "
                    "position (slot '%s')",
                    t->name, l, s->cc.slot);
        s->start_lsn = rlsn;
        if (open_repl(s, err) != 0 ||
            start_streaming(s, s->cc.slot, err) != 0)
            goto fail;
        return 0;
    }
    /* `<slot>_init` without `<slot>`: a run was killed during its initial
     * snapshot. Keep it for the catch-up (below) when a snapshot is
     * taken again; drop it otherwise. */
    bool catchup = ist == 1 && st == 0 && s->cc.startup == HOLO_CDC_INITIAL;
    /* A checkpointed job starting with empty state (no checkpoint yet):
     * what the killed snapshot wrote is not in any state, so no catch-up,
     * only a new snapshot (a replay into empty state would count twice). */
    if (catchup && ctx && ctx->checkpointed) {
        hf_log_warn("table '%s': the initial snapshot of a previous run did "
                    "not complete; the job has no checkpoint: snapshotting "
                    "again",
                    t->name);
        catchup = false;
    }
    if (ist == 1 && !catchup && drop_slot(s, init, err) != 0)
        goto fail;
    if (open_repl(s, err) != 0)
        goto fail;
    if (st == 1) {
        char l[24];
        pgo_lsn_format(lsn, l, sizeof l);
        hf_log_info("table '%s': replication slot '%s' exists: resuming at "
                    "its confirmed position %s%s",
                    t->name, s->cc.slot, l,
                    s->cc.startup == HOLO_CDC_INITIAL
                        ? " (no initial snapshot: the slot's snapshot was "
                          "taken by the run that created it)"
                        : "");
        s->start_lsn = lsn;
        if (start_streaming(s, s->cc.slot, err) != 0)
            goto fail;
        return 0;
    }
    if (s->cc.startup == HOLO_CDC_INITIAL) {
        /* A retry snapshots from `<slot>_snap`; the first from `_init`. */
        snprintf(s->snap_slot, sizeof s->snap_slot, "%s",
                 catchup ? snap : init);
        if (create_slot(s, s->snap_slot, true, &s->snap_lsn, err) != 0 ||
            open_snapshot(s, err) != 0)
            goto fail;
        char l[24];
        pgo_lsn_format(s->snap_lsn, l, sizeof l);
        hf_log_info("table '%s': initial snapshot of %s.%s at %s (slot '%s')",
                    t->name, s->cfg.schema, s->cfg.table, l, s->snap_slot);
        s->phase = PH_SNAPSHOT;
        if (catchup) {
            /* The killed run's snapshot may have written rows that changed
             * since: replay the changes from its point up to the new
             * snapshot's first, then the new snapshot overwrites. */
            char l1[24];
            pgo_lsn_format(ilsn, l1, sizeof l1);
            hf_log_warn("table '%s': the initial snapshot of a previous run "
                        "did not complete (slot '%s' left over): replaying "
                        "its changes from %s to %s, then a new snapshot",
                        t->name, init, l1, l);
            s->phase = PH_CATCHUP;
            s->start_lsn = ilsn;
            if (start_streaming(s, init, err) != 0)
                goto fail;
        }
        return 0;
    }
    if (create_slot(s, s->cc.slot, false, &s->start_lsn, err) != 0 ||
        start_streaming(s, s->cc.slot, err) != 0)
        goto fail;
    return 0;
fail:
    hf_error_prefix(err, "table '%s' (binlog source): ", t->name);
    holo_cdc_close(s);
    *state = NULL;
    return -1;
}

/* ------------------------------------------------------------ rows */

static int set_meta(struct cdc *s, struct hf_batch *b, struct hf_value *v,
                    enum col_src src, int ev, uint64_t lsn, int64_t ts,
                    struct hf_error *err)
{
    v->null = false;
    switch (src) {
    case COL_LSN:
        v->v.i = (int64_t)lsn;
        break;
    case COL_EVENT:
        v->v.i = ev;
        break;
    case COL_TS:
        v->v.i = ts;
        break;
    case COL_SHARD:
        v->v.i = 0;
        break;
    case COL_TNAME:
    case COL_DBNAME:
    case COL_SNAME: {
        const char *x = src == COL_TNAME    ? s->cfg.table
                        : src == COL_DBNAME ? s->cfg.dbname
                                            : s->cfg.schema;
        if (hf_value_set_str(b, v, x, strlen(x)) != 0)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        break;
    }
    default:
        v->null = true;
    }
    return 0;
}

/* The value of a metadata column of type `t` (INT for hg_shard_id...):
 * narrow integers keep their value. */
static int fill_meta(struct cdc *s, struct hf_batch *b, struct hf_value *row,
                     int ev, uint64_t lsn, int64_t ts, struct hf_error *err)
{
    for (uint32_t i = 0; i < s->ncols; i++)
        if (s->src[i] != COL_TABLE && s->src[i] != COL_NONE &&
            set_meta(s, b, &row[i], s->src[i], ev, lsn, ts, err) != 0)
            return -1;
    return 0;
}

static int col_value(struct cdc *s, struct hf_batch *b, uint32_t ci,
                     const struct pgo_col *c, const struct pgo_col *fill,
                     struct hf_value *v, struct hf_error *err)
{
    if (c->kind == 'u' && fill != NULL && fill->kind != 'u')
        c = fill;
    switch (c->kind) {
    case 'n':
        v->null = true;
        return 0;
    case 't':
        if (pgo_text_to_value(&s->t->schema.cols[ci].type, c->data, c->len, b,
                              v, err) != 0) {
            hf_error_prefix(err, "column '%s': ", s->t->schema.cols[ci].name);
            return -1;
        }
        return 0;
    case 'u':
        err->fatal = true;
        return hf_error_set(err, HF_ERR_DATA,
                            "column '%s': an update left this TOASTed value "
                            "unchanged and pgoutput sent no old row to take "
                            "it from (Flink's postgres-cdc would write a "
                            "placeholder into it); fix: ALTER TABLE %s.%s "
                            "REPLICA IDENTITY FULL",
                            s->t->schema.cols[ci].name, s->cfg.schema,
                            s->cfg.table);
    default:
        return hf_error_set(err, HF_ERR_DATA,
                            "column '%s': unexpected binary tuple data",
                            s->t->schema.cols[ci].name);
    }
}

/* One row from a tuple (with 'u' values taken from `fill` when given). */
static int put_tuple(struct cdc *s, struct hf_batch *b, enum hf_rowkind k,
                     const struct pgo_tuple *tp, const struct pgo_tuple *fill,
                     int ev, uint64_t lsn, struct hf_error *err)
{
    if (tp->ncols != s->nrel || (fill && fill->ncols != s->nrel))
        return hf_error_set(err, HF_ERR_DATA,
                            "pgoutput: a tuple of %u columns for a relation "
                            "of %u",
                            (unsigned)tp->ncols, (unsigned)s->nrel);
    struct hf_value *row = hf_batch_add_row(b, k, (int64_t)lsn);
    if (row == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t j = 0; j < s->nrel; j++) {
        int32_t ci = s->relmap[j];
        if (ci < 0)
            continue;
        if (col_value(s, b, (uint32_t)ci, &tp->cols[j],
                      fill ? &fill->cols[j] : NULL, &row[ci], err) != 0) {
            hf_batch_drop_last(b);
            return -1;
        }
    }
    if (fill_meta(s, b, row, ev, lsn, s->txn_time_us, err) != 0) {
        hf_batch_drop_last(b);
        return -1;
    }
    return 0;
}

/* Did an update change the key? (old 'K' tuple against the new one) */
static bool key_changed(const struct pgo_tuple *o, const struct pgo_tuple *n)
{
    for (uint16_t j = 0; j < o->ncols && j < n->ncols; j++) {
        const struct pgo_col *a = &o->cols[j], *b = &n->cols[j];
        if (a->kind == 'n')
            continue; /* not part of the key */
        if (a->kind != b->kind || a->len != b->len ||
            (a->len && memcmp(a->data, b->data, a->len) != 0))
            return true;
    }
    return false;
}

static int on_relation(struct cdc *s, const struct pgo_msg *m,
                       struct hf_error *err)
{
    if (m->u.rel.oid != s->oid)
        return 0;
    int32_t *map = realloc(s->relmap, ((size_t)m->u.rel.ncols + 1) *
                                          sizeof *map);
    if (map == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    s->relmap = map;
    s->nrel = m->u.rel.ncols;
    for (uint32_t j = 0; j < s->nrel; j++) {
        map[j] = -1;
        for (uint32_t i = 0; i < s->ncols; i++)
            if (s->src[i] == COL_TABLE &&
                strcmp(s->tcol[i], m->u.rel.cols[j].name) == 0)
                map[j] = (int32_t)i;
    }
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (s->src[i] != COL_TABLE)
            continue;
        bool found = false;
        for (uint32_t j = 0; j < s->nrel; j++)
            found = found || map[j] == (int32_t)i;
        if (!found) {
            err->fatal = true;
            return hf_error_set(err, HF_ERR_SERVER,
                                "column '%s' is no longer in %s.%s (the "
                                "table was altered while replicating)",
                                s->tcol[i], s->cfg.schema, s->cfg.table);
        }
    }
    s->ident = m->u.rel.ident;
    s->have_rel = true;
    return 0;
}

static int on_change(struct cdc *s, const struct pgo_msg *m, uint64_t lsn,
                     struct hf_batch *b, struct hf_error *err)
{
    if (m->u.change.oid != s->oid || s->skip_txn)
        return 0;
    if (!s->have_rel)
        return hf_error_set(err, HF_ERR_DATA,
                            "pgoutput: a change before its Relation message");
    const struct pgo_tuple *o = &m->u.change.oldt, *n = &m->u.change.newt;
    char ok = m->u.change.old_kind;
    bool append = s->cc.mode == HOLO_CDC_APPEND;
    enum hf_rowkind ins = HF_ROW_INSERT;
    switch (m->type) {
    case 'I':
        return put_tuple(s, b, ins, n, NULL, HOLO_EV_INSERT, lsn, err);
    case 'D':
        return put_tuple(s, b, append ? ins : HF_ROW_DELETE, o, NULL,
                         HOLO_EV_DELETE, lsn, err);
    default:
        break;
    }
    /* Update */
    if (ok == 'O') {
        if (append)
            return put_tuple(s, b, ins, o, NULL, HOLO_EV_BEFORE_UPDATE, lsn,
                             err) != 0 ||
                           put_tuple(s, b, ins, n, o, HOLO_EV_AFTER_UPDATE, lsn,
                                     err) != 0
                       ? -1
                       : 0;
        if (s->cc.mode == HOLO_CDC_ALL &&
            put_tuple(s, b, HF_ROW_UPDATE_BEFORE, o, NULL,
                      HOLO_EV_BEFORE_UPDATE, lsn, err) != 0)
            return -1;
        return put_tuple(s, b, HF_ROW_UPDATE_AFTER, n, o, HOLO_EV_AFTER_UPDATE,
                         lsn, err);
    }
    if (ok == 'K' && key_changed(o, n)) {
        /* The key moved: Debezium's delete + create. */
        if (put_tuple(s, b, append ? ins : HF_ROW_DELETE, o, NULL,
                      append ? HOLO_EV_BEFORE_UPDATE : HOLO_EV_DELETE, lsn,
                      err) != 0)
            return -1;
        return put_tuple(s, b, ins, n, NULL,
                         append ? HOLO_EV_AFTER_UPDATE : HOLO_EV_INSERT, lsn,
                         err);
    }
    if (s->cc.mode == HOLO_CDC_ALL) {
        err->fatal = true;
        return hf_error_set(err, HF_ERR_DATA,
                            "an UPDATE of %s.%s arrived without its old row "
                            "(the \"before\" image), which change-log mode "
                            "ALL needs for -U; Flink's postgres-cdc fails "
                            "here too. Fix: ALTER TABLE %s.%s REPLICA "
                            "IDENTITY FULL, or set '%s' to UPSERT",
                            s->cfg.schema, s->cfg.table, s->cfg.schema,
                            s->cfg.table,
                            strcmp(s->cc.key_mode, "cdcMode") == 0
                                ? "upsertSource' = 'true' ('source.binlog."
                                  "change-log-mode"
                                : s->cc.key_mode);
    }
    return put_tuple(s, b, append ? ins : HF_ROW_UPDATE_AFTER, n, NULL,
                     HOLO_EV_AFTER_UPDATE, lsn, err);
}

static int on_message(struct cdc *s, const uint8_t *p, size_t n, uint64_t lsn,
                      struct hf_batch *b, struct hf_error *err)
{
    struct pgo_msg m;
    if (pgo_decode(&s->dec, p, n, &m, err) != 0)
        return -1;
    switch (m.type) {
    case 'B':
        if (s->phase == PH_CATCHUP && m.u.begin.final_lsn >= s->snap_lsn) {
            s->catchup_done = true; /* in the new snapshot's stream */
            return 0;
        }
        s->in_txn = true;
        s->txn_lsn = m.u.begin.final_lsn;
        s->txn_time_us = m.u.begin.commit_time + PGO_EPOCH_OFFSET_US;
        /* Already confirmed (a server replaying after its crash), or
         * before the requested start time. */
        s->skip_txn = m.u.begin.final_lsn < s->start_lsn ||
                      (s->cc.startup == HOLO_CDC_TIMESTAMP &&
                       s->txn_time_us < s->cc.start_time_us);
        return 0;
    case 'C':
        s->in_txn = false;
        s->skip_txn = false;
        if (m.u.commit.end_lsn > s->done_lsn)
            s->done_lsn = m.u.commit.end_lsn;
        return 0;
    case 'R':
        return on_relation(s, &m, err);
    case 'I':
    case 'U':
    case 'D':
        return on_change(s, &m, lsn, b, err);
    case 'T':
        for (uint32_t i = 0; i < m.u.trunc.nrels; i++)
            if (pgo_trunc_oid(&m, i) == s->oid && !s->warned_trunc) {
                s->warned_trunc = true;
                hf_log_warn("table '%s': TRUNCATE of %s.%s is not a row "
                            "change and was not replicated (as Debezium's "
                            "default); the target keeps its rows",
                            s->t->name, s->cfg.schema, s->cfg.table);
            }
        return 0;
    default: /* Origin, Type, Message */
        return 0;
    }
}

static int send_status(struct cdc *s, bool reply, struct hf_error *err)
{
    uint8_t buf[PGO_STATUS_LEN];
    uint64_t w = s->received_lsn > s->confirmed_lsn ? s->received_lsn
                                                    : s->confirmed_lsn;
    pgo_build_status(buf, w, s->confirmed_lsn, s->confirmed_lsn, now_pg_us(),
                     reply);
    if (PQputCopyData(s->repl.pg, (const char *)buf, sizeof buf) != 1)
        return hf_error_set(err, HF_ERR_IO,
                            "sending a standby status update: %s",
                            PQerrorMessage(s->repl.pg));
    int64_t deadline = now_ms() + 10000;
    int f;
    while ((f = PQflush(s->repl.pg)) == 1 && now_ms() < deadline) {
        struct pollfd pf = {.fd = PQsocket(s->repl.pg), .events = POLLOUT};
        poll(&pf, 1, 100);
    }
    if (f != 0)
        return hf_error_set(err, HF_ERR_IO,
                            "sending a standby status update: %s",
                            PQerrorMessage(s->repl.pg));
    s->next_status_ms = now_ms() + s->cc.status_interval_ms;
    s->want_status = false;
    return 0;
}

/* Lost stream: reconnect and resume after the last transaction returned
 * whole (a cut one replays from its start). */
static int reconnect(struct cdc *s, struct hf_error *err)
{
    char why[HF_ERRMSG_MAX];
    snprintf(why, sizeof why, "%s", err->msg);
    while (s->retries < s->cc.max_retries) {
        if (s->ctx && s->ctx->stopping && atomic_load(s->ctx->stopping)) {
            holo_conn_close(&s->repl);
            hf_error_clear(err);
            return 0;
        }
        s->retries++;
        hf_log_warn("table '%s': replication connection lost (%s); "
                    "reconnecting (attempt %d of %" PRId64 ")",
                    s->t->name, why, s->retries, s->cc.max_retries);
        holo_conn_close(&s->repl);
        struct timespec ts = {s->cc.retry_interval_ms / 1000,
                              (s->cc.retry_interval_ms % 1000) * 1000000};
        nanosleep(&ts, NULL);
        hf_error_clear(err);
        s->start_lsn = s->done_lsn;
        if (open_repl(s, err) == 0 &&
            start_streaming(s, s->stream_slot, err) == 0)
            return 0;
        snprintf(why, sizeof why, "%s", err->msg);
    }
    return -1;
}

static int read_stream(struct cdc *s, struct hf_batch *out,
                       struct hf_error *err)
{
    if (s->repl.pg == NULL && reconnect(s, err) != 0)
        return -1;
    if (s->repl.pg == NULL)
        return 0; /* stopping */
    int64_t deadline = now_ms() + 100;
    uint32_t cap = out->cap < s->cc.batch_size ? out->cap
                                               : (uint32_t)s->cc.batch_size;
    while (out->nrows < cap) {
        if (s->want_status || now_ms() >= s->next_status_ms)
            if (send_status(s, false, err) != 0)
                return -1;
        char *buf = NULL;
        int n = PQgetCopyData(s->repl.pg, &buf, 1);
        if (n > 0) {
            struct pgo_copydata cd;
            int rc = pgo_parse_copydata((const uint8_t *)buf, (size_t)n, &cd,
                                        err);
            s->last_msg_ms = now_ms();
            if (rc == 0 && cd.kind == 'w') {
                if (cd.wal_start > s->received_lsn)
                    s->received_lsn = cd.wal_start;
                rc = on_message(s, cd.payload, cd.payload_len, cd.wal_start,
                                out, err);
            } else if (rc == 0) {
                if (!s->in_txn && cd.wal_end > s->idle_lsn)
                    s->idle_lsn = cd.wal_end;
                /* Nothing received is waiting for a checkpoint: the WAL
                 * up to the server's end holds nothing for us, confirm it
                 * now (an idle table must not pin WAL). */
                if (s->phase == PH_STREAM && !s->in_txn &&
                    s->confirmed_lsn >= s->done_lsn &&
                    s->npending == 0 && cd.wal_end > s->confirmed_lsn) {
                    s->confirmed_lsn = cd.wal_end;
                    s->done_lsn = cd.wal_end;
                    s->want_status = true;
                }
                if (cd.reply_requested) {
                    s->want_status = true;
                    if (s->pings == 0 || cd.wal_end != s->pings_end) {
                        s->pings = 0;
                        s->pings_since_ms = now_ms();
                        s->pings_end = cd.wal_end;
                    }
                    s->pings++;
                }
            }
            if (rc == 0 && cd.kind == 'w')
                s->pings = 0;
            if (rc == 0 && s->phase == PH_CATCHUP && cd.kind == 'k' &&
                !s->in_txn && cd.wal_end >= s->snap_lsn)
                s->catchup_done = true;
            PQfreemem(buf);
            if (rc != 0)
                return -1;
            s->retries = 0;
            if (s->catchup_done)
                return 0;
            /* A server shutting down waits until we confirm all it sent,
             * asking again after every reply; we confirm only what the
             * sinks committed, and they cannot reach a server that is
             * shutting down. Step aside: disconnect and come back. */
            if (s->pings >= 20 && s->confirmed_lsn < s->pings_end &&
                now_ms() - s->pings_since_ms < 5000) {
                s->pings = 0;
                hf_error_set(err, HF_ERR_IO,
                             "the server asks for confirmations faster than "
                             "checkpoints can give them (shutting down?)");
                if (s->want_status)
                    send_status(s, false, err);
                return reconnect(s, err);
            }
            continue;
        }
        if (n == 0) {
            /* Catch-up: ask for a keepalive, whose WAL end tells when
             * everything before the new snapshot has been sent. */
            if (s->phase == PH_CATCHUP && !s->in_txn &&
                now_ms() >= s->next_ping_ms) {
                if (send_status(s, true, err) != 0)
                    return -1;
                s->next_ping_ms = now_ms() + 100;
            }
            if (out->nrows > 0 && !s->in_txn)
                break;
            int64_t left = deadline - now_ms();
            if (left <= 0)
                break;
            struct pollfd pf = {.fd = PQsocket(s->repl.pg), .events = POLLIN};
            int pr = poll(&pf, 1, (int)left);
            if (pr < 0 && errno != EINTR)
                return hf_error_set(err, HF_ERR_IO, "poll: %s",
                                    strerror(errno));
            if (PQconsumeInput(s->repl.pg) != 1) {
                hf_error_set(err, HF_ERR_IO, "replication connection: %s",
                             PQerrorMessage(s->repl.pg));
                return reconnect(s, err);
            }
            if (now_ms() - s->last_msg_ms > s->cc.request_timeout_ms) {
                hf_error_set(err, HF_ERR_IO,
                             "no message from the server for %" PRId64 " ms",
                             s->cc.request_timeout_ms);
                return reconnect(s, err);
            }
            continue;
        }
        /* -1: the server ended the stream; -2: error */
        PGresult *r = PQgetResult(s->repl.pg);
        if (r && PQresultStatus(r) != PGRES_COMMAND_OK)
            holo_conn_classify(&s->repl, r, err);
        else
            hf_error_set(err, HF_ERR_IO, "the server ended replication: %s",
                         PQerrorMessage(s->repl.pg));
        PQclear(r);
        if (err->fatal)
            return -1;
        return reconnect(s, err);
    }
    return 0;
}

/* End of the snapshot: make it durable downstream, turn S_init into S,
 * start streaming at the snapshot's consistent point. */
static int finish_snapshot(struct cdc *s, struct hf_error *err)
{
    if (holo_conn_exec(&s->snap, "COMMIT", NULL, err) != 0)
        return -1;
    holo_conn_close(&s->snap);
    s->snap_done = true;
    if (s->ctx && s->ctx->checkpoint_now &&
        s->ctx->checkpoint_now(s->ctx, err) != 0)
        return -1;
    char init[80];
    snprintf(init, sizeof init, "%s_init", s->cc.slot);
    const char *p[2] = {s->snap_slot, s->cc.slot};
    PGresult *r = q(s, "SELECT pg_copy_logical_replication_slot($1, $2)", 2,
                    p, err);
    if (r == NULL)
        return -1;
    PQclear(r);
    if (drop_slot(s, s->snap_slot, err) != 0)
        return -1;
    if (strcmp(s->snap_slot, init) != 0 && drop_slot(s, init, err) != 0)
        return -1;
    hf_log_info("table '%s': initial snapshot done and committed; slot '%s' "
                "takes over",
                s->t->name, s->cc.slot);
    if (s->repl.pg == NULL && open_repl(s, err) != 0)
        return -1;
    s->start_lsn = s->snap_lsn;
    return start_streaming(s, s->cc.slot, err);
}

static int read_snapshot(struct cdc *s, struct hf_batch *out,
                         struct hf_error *err)
{
    char sql[64];
    uint32_t want = out->cap < s->cc.batch_size ? out->cap
                                                : (uint32_t)s->cc.batch_size;
    snprintf(sql, sizeof sql, "FETCH %u FROM holoflow_cdc", want ? want : 1);
    PGresult *r = PQexec(s->snap.pg, sql);
    if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
        holo_conn_classify(&s->snap, r, err);
        PQclear(r);
        hf_error_prefix(err, "initial snapshot: ");
        return -1;
    }
    int nt = PQntuples(r);
    for (int k = 0; k < nt; k++) {
        struct hf_value *row = hf_batch_add_row(out, HF_ROW_INSERT, -1);
        if (row == NULL) {
            PQclear(r);
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        }
        for (uint32_t j = 0; j < s->snap_ncols; j++) {
            uint32_t ci = (uint32_t)s->snap_to_col[j];
            struct pgo_col c = {.kind = 'n'};
            if (!PQgetisnull(r, k, (int)j)) {
                c.kind = 't';
                c.data = PQgetvalue(r, k, (int)j);
                c.len = (uint32_t)PQgetlength(r, k, (int)j);
            }
            if (col_value(s, out, ci, &c, NULL, &row[ci], err) != 0) {
                PQclear(r);
                return -1;
            }
        }
        s->txn_time_us = 0;
        if (fill_meta(s, out, row, HOLO_EV_INSERT, 0, 0, err) != 0) {
            PQclear(r);
            return -1;
        }
    }
    PQclear(r);
    if (nt == 0 && out->nrows == 0)
        return finish_snapshot(s, err);
    return 0;
}

int holo_cdc_read(void *state, struct hf_batch *out, struct hf_error *err)
{
    struct cdc *s = state;
    if (s->ctx && s->ctx->stopping && atomic_load(s->ctx->stopping))
        return 0;
    int rc = s->phase == PH_SNAPSHOT ? read_snapshot(s, out, err)
                                     : read_stream(s, out, err);
    if (rc != 0)
        return -1;
    if (s->phase == PH_CATCHUP && s->catchup_done) {
        /* Leave `<slot>_init` where it was (never confirmed past its
         * point): close the connection, read the new snapshot. */
        holo_conn_close(&s->repl);
        s->phase = PH_SNAPSHOT;
        s->in_txn = false;
        s->skip_txn = false;
        hf_log_info("table '%s': caught up to the new snapshot", s->t->name);
    }
    if (s->ctx && s->ctx->stats)
        atomic_fetch_add(&s->ctx->stats->rows_in, out->nrows);
    return 1;
}

int holo_cdc_checkpoint(void *state, uint64_t id, struct hf_error *err)
{
    struct cdc *s = state;
    (void)err;
    uint64_t lsn = 0;
    if (s->phase == PH_STREAM) {
        lsn = s->done_lsn;
        if (!s->in_txn && s->idle_lsn > lsn)
            lsn = s->idle_lsn;
    } else if (s->snap_done) {
        lsn = s->snap_lsn; /* streaming starts there */
    }
    s->pos_lsn = lsn;
    if (s->npending == MAX_PENDING) {
        memmove(&s->pending[0], &s->pending[1],
                (MAX_PENDING - 1) * sizeof s->pending[0]);
        s->npending--;
    }
    s->pending[s->npending].id = id;
    s->pending[s->npending].lsn = lsn;
    s->npending++;
    return 0;
}

int holo_cdc_position(void *state, struct hf_strbuf *out, struct hf_error *err)
{
    struct cdc *s = state;
    (void)err;
    /* Only a stop during the snapshot gets here with one running (the
     * runtime defers every other checkpoint then): such a position cannot
     * be resumed from, and open says so. */
    if (s->phase != PH_STREAM && !s->snap_done)
        hf_strbuf_puts(out, "hcdc1 snapshot\n");
    else
        hf_strbuf_printf(out, "hcdc1 stream %" PRIu64 "\n", s->pos_lsn);
    return 0;
}

bool holo_cdc_defer_checkpoint(void *state)
{
    struct cdc *s = state;
    return s->phase != PH_STREAM;
}

int holo_cdc_commit(void *state, uint64_t id, struct hf_error *err)
{
    struct cdc *s = state;
    uint64_t lsn = 0;
    uint32_t k = 0;
    while (k < s->npending && s->pending[k].id <= id) {
        if (s->pending[k].lsn > lsn)
            lsn = s->pending[k].lsn;
        k++;
    }
    memmove(&s->pending[0], &s->pending[k],
            (s->npending - k) * sizeof s->pending[0]);
    s->npending -= k;
    if (s->phase != PH_STREAM || lsn <= s->confirmed_lsn)
        return 0;
    s->confirmed_lsn = lsn;
    char l[24];
    pgo_lsn_format(lsn, l, sizeof l);
    hf_log_debug("table '%s': checkpoint %" PRIu64 " committed: slot '%s' "
                 "confirmed up to %s",
                 s->t->name, id, s->cc.slot, l);
    return send_status(s, false, err);
}

void holo_cdc_close(void *state)
{
    struct cdc *s = state;
    if (s == NULL)
        return;
    if (s->repl.pg) {
        if (s->phase == PH_STREAM) {
            struct hf_error e;
            hf_error_clear(&e);
            send_status(s, false, &e); /* the last committed position */
        }
        holo_conn_close(&s->repl);
    }
    if (s->snap.pg)
        holo_conn_close(&s->snap);
    if (s->meta.pg)
        holo_conn_close(&s->meta);
    pgo_decoder_free(&s->dec);
    for (uint32_t i = 0; s->tcol && i < s->ncols; i++)
        free(s->tcol[i]);
    free(s->tcol);
    free(s->src);
    free(s->snap_to_col);
    free(s->relmap);
    holo_config_free(&s->cfg);
    free(s);
}

void holo_cdc_describe(const struct hf_table_def *t,
                       const struct holo_config *cfg, struct hf_strbuf *out)
{
    struct holo_cdc_config cc;
    struct hf_error err;
    hf_error_clear(&err);
    if (holo_cdc_config_from_opts(&cc, &t->opts, cfg->schema, cfg->table,
                                  &err) != 0)
        return;
    static const char *const starts[] = {"INITIAL", "EARLIEST_OFFSET",
                                         "TIMESTAMP"};
    hf_strbuf_printf(out,
                     "  binlog: change-log mode %s, startup %s, replication "
                     "slot '%s', publication '%s' (PostgreSQL: logical "
                     "replication, pgoutput)\n",
                     holo_cdc_mode_name(cc.mode), starts[cc.startup], cc.slot,
                     cc.publication);
}
