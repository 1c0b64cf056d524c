/*
 * test_holo_opts.c - the hologres connector's options, configuration rules,
 * endpoint/tablename parsing, error classification and the catalog type
 * check (the parts that need no server).
 *
 * The three generations of option names (seeds 000_*, 001_*, 002_*) are
 * parsed from the seeds' own WITH clauses and must yield the same
 * configuration; every validation rule is triggered alone and its exact
 * message asserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/opt.h"
#include "connectors/hologres/holo_catalog.h"
#include "connectors/hologres/holo_config.h"
#include "connectors/hologres/holo_conn.h"
#include "core/log.h"

/* Option lists below are written one key/value pair per line, which
 * clang-format would reflow. */
/* clang-format off */

/* ------------------------------------------------------------ helpers */

#define MAXKV 48

/* Options parsed from (key, value, ..., NULL) as the planner would:
 * 'connector' and 'connector.type' belong to the planner. */
struct parsed {
    struct hf_kv kvs[MAXKV];
    size_t nkv;
    struct hf_opts opts;
    struct holo_config cfg;
    struct hf_error err;
    int rc; /* 0 ok, -1 parse failed, -2 unclaimed key, -3 from_opts failed */
};

static void parse(struct parsed *p, const char *const *kv)
{
    memset(p, 0, sizeof *p);
    hf_error_clear(&p->err);
    for (size_t i = 0; kv[i] && kv[i + 1]; i += 2) {
        p->kvs[p->nkv].key = (char *)kv[i];
        p->kvs[p->nkv].value = (char *)kv[i + 1];
        if (strcmp(kv[i], "connector") == 0 ||
            strcmp(kv[i], "connector.type") == 0)
            p->kvs[p->nkv].claimed = true;
        p->nkv++;
    }
    if (hf_opts_parse(&p->opts, "connector 'hologres'", "", hf_holo_opt_defs,
                      hf_holo_opt_ndefs, p->kvs, p->nkv, &p->err) != 0) {
        p->rc = -1;
        return;
    }
    const struct hf_opts *t[1] = {&p->opts};
    if (hf_opts_check_unclaimed(p->kvs, p->nkv, "connector 'hologres'", t, 1,
                                &p->err) != 0) {
        p->rc = -2;
        return;
    }
    if (holo_config_from_opts(&p->cfg, &p->opts, &p->err) != 0)
        p->rc = -3;
}

static void parsed_free(struct parsed *p)
{
    holo_config_free(&p->cfg);
    hf_opts_free(&p->opts);
}

static const char *const base_002[] = {
    "connector", "hologres",
    "endpoint", "hgprecn-cn-xxx-cn-hangzhou-internal.hologres.aliyuncs.com:80",
    "dbname", "my_db",
    "tablename", "public.events_processed",
    "username", "ALIYUN_AK_ID",
    "password", "s3cret-ak-value",
    NULL};

/* base_002 plus extra pairs. */
static void parse_with(struct parsed *p, const char *const *extra)
{
    const char *kv[2 * MAXKV + 1];
    size_t n = 0;
    for (size_t i = 0; base_002[i]; i++)
        kv[n++] = base_002[i];
    for (size_t i = 0; extra && extra[i]; i++)
        kv[n++] = extra[i];
    kv[n] = NULL;
    parse(p, kv);
}

/* Validate base_002 + extra against schema s; returns the rc and leaves
 * the message in p->err. */
static int validate_with(struct parsed *p, const char *const *extra,
                         const struct hf_schema *s)
{
    parse_with(p, extra);
    if (p->rc != 0)
        return p->rc;
    return holo_config_validate(&p->cfg, s, &p->err);
}

static void assert_str_eq_or_null(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

/* Everything but the spelling-dependent fields. */
static void assert_same_config(const struct holo_config *a,
                               const struct holo_config *b)
{
    assert_str_eq_or_null(a->host, b->host);
    assert_int_equal(a->port, b->port);
    assert_str_eq_or_null(a->dbname, b->dbname);
    assert_str_eq_or_null(a->schema, b->schema);
    assert_str_eq_or_null(a->table, b->table);
    assert_str_eq_or_null(a->username, b->username);
    assert_str_eq_or_null(a->password, b->password);
    assert_int_equal(a->pool_size, b->pool_size);
    assert_str_eq_or_null(a->pool_name, b->pool_name);
    assert_int_equal(a->max_idle_ms, b->max_idle_ms);
    assert_int_equal(a->ssl_mode, b->ssl_mode);
    assert_str_eq_or_null(a->ssl_root_cert, b->ssl_root_cert);
    assert_int_equal(a->retry_count, b->retry_count);
    assert_int_equal(a->retry_sleep_step_ms, b->retry_sleep_step_ms);
    assert_int_equal(a->meta_cache_ttl_ms, b->meta_cache_ttl_ms);
    assert_int_equal(a->write_mode, b->write_mode);
    assert_int_equal(a->on_conflict, b->on_conflict);
    assert_int_equal(a->delete_strategy, b->delete_strategy);
    assert_int_equal(a->create_missing_partition, b->create_missing_partition);
    assert_int_equal(a->partition_router, b->partition_router);
    assert_int_equal(a->ignore_null_when_update, b->ignore_null_when_update);
    assert_int_equal(a->default_for_not_null, b->default_for_not_null);
    assert_int_equal(a->remove_u0000, b->remove_u0000);
    assert_int_equal(a->partial_insert, b->partial_insert);
    assert_int_equal(a->deduplication, b->deduplication);
    assert_int_equal(a->aggressive, b->aggressive);
    assert_str_eq_or_null(a->cap_column, b->cap_column);
    assert_int_equal(a->cap_op, b->cap_op);
    assert_str_eq_or_null(a->cap_null_as, b->cap_null_as);
    assert_int_equal(a->batch_size, b->batch_size);
    assert_int_equal(a->batch_byte_size, b->batch_byte_size);
    assert_int_equal(a->batch_total_byte_size, b->batch_total_byte_size);
    assert_int_equal(a->flush_interval_ms, b->flush_interval_ms);
    assert_str_eq_or_null(a->conflict_update_set, b->conflict_update_set);
    assert_str_eq_or_null(a->conflict_where, b->conflict_where);
    assert_int_equal(a->copy_format, b->copy_format);
    assert_int_equal(a->parallelism, b->parallelism);
    assert_int_equal(a->dirty_strategy, b->dirty_strategy);
    assert_str_eq_or_null(a->dirty_data_path, b->dirty_data_path);
    assert_int_equal(a->bulkload, b->bulkload);
    assert_int_equal(a->field_delimiter, b->field_delimiter);
    assert_int_equal(a->array_delimiter, b->array_delimiter);
    assert_int_equal(a->fixed, b->fixed);
    assert_int_equal(a->max_alive_ms, b->max_alive_ms);
    assert_int_equal(a->retry_sleep_init_ms, b->retry_sleep_init_ms);
    assert_int_equal(a->statement_timeout_ms, b->statement_timeout_ms);
    assert_int_equal(a->sdk_mode, b->sdk_mode);
    assert_int_equal(a->reshuffle, b->reshuffle);
    assert_str_eq_or_null(a->hg_server_version, b->hg_server_version);
}

/* A Flink schema: names with types; pk = indexes (or NULL). */
static void schema_make(struct hf_schema *s, const char *const *names,
                        const struct hf_type *types, uint32_t n,
                        const uint32_t *pk, uint32_t npk)
{
    memset(s, 0, sizeof *s);
    s->ncols = n;
    s->cols = calloc(n, sizeof *s->cols);
    for (uint32_t i = 0; i < n; i++) {
        s->cols[i].name = strdup(names[i]);
        s->cols[i].type = types[i];
        s->cols[i].kind = HF_COL_PHYSICAL;
    }
    if (npk) {
        s->pk = calloc(npk, sizeof *s->pk);
        memcpy(s->pk, pk, npk * sizeof *pk);
        s->npk = npk;
    }
}

/* The seed 000_* sink: user_id bigint, user_name string, price
 * decimal(38,2), sale_timestamp timestamp; PRIMARY KEY (user_id). */
static void seed_schema(struct hf_schema *s, bool with_pk)
{
    static const char *const names[] = {"user_id", "user_name", "price",
                                        "sale_timestamp"};
    struct hf_type types[4] = {hf_type_make(HF_BIGINT),
                               hf_type_make(HF_VARCHAR),
                               hf_type_make(HF_DECIMAL),
                               hf_type_make(HF_TIMESTAMP)};
    types[2].precision = 38;
    types[2].scale = 2;
    static const uint32_t pk[] = {0};
    schema_make(s, names, types, 4, pk, with_pk ? 1 : 0);
}

/* ------------------------------------------------------------ generations */

static void test_three_generations_same_config(void **state)
{
    (void)state;
    /* 000_*: Flink 1.11 names. */
    static const char *const g0[] = {
        "connector", "hologres",
        "dbname", "my_db",
        "tablename", "events",
        "username", "AK_ID",
        "password", "AK_SECRET_000",
        "endpoint", "10.0.0.1:80",
        "mutatetype", "insertorignore",
        "ignoredelete", "true",
        "partitionrouter", "true",
        "createparttable", "false",
        "connectionSize", "7",
        "jdbcWriteBatchSize", "256",
        "jdbcWriteFlushInterval", "2000",
        NULL};
    /* 001_*: connector.* names (the planner takes connector.type). */
    static const char *const g1[] = {
        "connector.type", "hologres",
        "connector.database", "my_db",
        "connector.table", "events",
        "connector.username", "AK_ID",
        "connector.password", "AK_SECRET_000",
        "connector.endpoint", "10.0.0.1:80",
        "connector.bulkload", "false",
        "connector.field_delimiter", "\\u0002",
        "connector.upsert_type", "insertorignore",
        "connector.partitionRouter", "true",
        "ignoredelete", "true",
        "createparttable", "false",
        "connectionSize", "7",
        "jdbcWriteBatchSize", "256",
        "jdbcWriteFlushInterval", "2000",
        NULL};
    /* 002_*: modern keys, with the defaults of the 000 names that g0 and
     * g1 (which mixes 001 and 000 names: 000 decides) leave unset written
     * out. partitionrouter has no modern name (routing is always on). */
    static const char *const g2[] = {
        "connector", "hologres",
        "endpoint", "10.0.0.1:80",
        "dbname", "my_db",
        "tablename", "public.events",
        "username", "AK_ID",
        "password", "AK_SECRET_000",
        "sink.on-conflict-action", "INSERT_OR_IGNORE",
        "sink.delete-strategy", "IGNORE_DELETE",
        "sink.create-missing-partition", "false",
        "connection.pool.size", "7",
        "sink.insert.batch-size", "256",
        "sink.insert.flush-interval-ms", "2000",
        "sink.write-mode", "INSERT",
        "retry-sleep-init-ms", "1000",
        "meta-cache-ttl-ms", "60000",
        "statement-timeout-seconds", "0",
        NULL};
    struct parsed p0, p1, p2;
    parse(&p0, g0);
    parse(&p1, g1);
    parse(&p2, g2);
    assert_int_equal(p0.rc, 0);
    assert_int_equal(p1.rc, 0);
    assert_int_equal(p2.rc, 0);
    assert_string_equal(p0.opts.gen, HOLO_GEN_000);
    assert_string_equal(p1.opts.gen, HOLO_GEN_000);
    assert_null(p2.opts.gen);
    assert_same_config(&p0.cfg, &p1.cfg);
    assert_false(p2.cfg.partition_router);
    p2.cfg.partition_router = true;
    assert_same_config(&p0.cfg, &p2.cfg);

    const struct holo_config *c = &p0.cfg;
    assert_string_equal(c->host, "10.0.0.1");
    assert_int_equal(c->port, 80);
    assert_string_equal(c->dbname, "my_db");
    assert_string_equal(c->schema, "public");
    assert_string_equal(c->table, "events");
    assert_string_equal(c->username, "AK_ID");
    assert_string_equal(c->password, "AK_SECRET_000");
    assert_int_equal(c->on_conflict, HOLO_OC_IGNORE);
    assert_int_equal(c->delete_strategy, HOLO_DS_IGNORE_DELETE);
    assert_true(c->partition_router);
    assert_false(c->create_missing_partition);
    assert_int_equal(c->pool_size, 7);
    assert_int_equal(c->batch_size, 256);
    assert_int_equal(c->flush_interval_ms, 2000);
    assert_int_equal(c->field_delimiter, '\x02');
    assert_false(c->bulkload);
    /* The spelling is kept for messages. */
    assert_string_equal(p0.cfg.key_on_conflict, "mutatetype");
    assert_string_equal(p1.cfg.key_on_conflict, "connector.upsert_type");
    assert_string_equal(p2.cfg.key_on_conflict, "sink.on-conflict-action");
    assert_string_equal(p0.cfg.key_batch_size, "jdbcWriteBatchSize");
    parsed_free(&p0);
    parsed_free(&p1);
    parsed_free(&p2);
}

/* The seeds' own minimal WITH clauses parse and validate. */
static void test_seed_with_clauses(void **state)
{
    (void)state;
    static const char *const s000[] = {
        "connector", "hologres",
        "dbname", "db", "tablename", "sink", "username", "u",
        "password", "pw-000", "endpoint", "127.0.0.1:5432", NULL};
    static const char *const s001[] = {
        "connector.type", "hologres",
        "connector.database", "db",
        "connector.table", "sink",
        "connector.username", "u",
        "connector.password", "pw-000",
        "connector.endpoint", "127.0.0.1:5432", NULL};
    struct parsed a, b;
    parse(&a, s000);
    parse(&b, s001);
    assert_int_equal(a.rc, 0);
    assert_int_equal(b.rc, 0);
    /* 000_*'s example uses only names 002_* shares: 002_*'s defaults.
     * 001_*'s connector.* names keep 001_*'s: INSERT_OR_IGNORE, streaming
     * (INSERT) writes, no partition created. Otherwise the same. */
    assert_null(a.opts.gen);
    assert_string_equal(b.opts.gen, HOLO_GEN_001);
    assert_int_equal(a.cfg.on_conflict, HOLO_OC_UPDATE);
    assert_int_equal(b.cfg.on_conflict, HOLO_OC_IGNORE);
    assert_int_equal(a.cfg.write_mode, HOLO_WM_AUTO);
    assert_int_equal(b.cfg.write_mode, HOLO_WM_INSERT);
    assert_true(a.cfg.create_missing_partition);
    assert_false(b.cfg.create_missing_partition);
    b.cfg.on_conflict = a.cfg.on_conflict;
    b.cfg.write_mode = a.cfg.write_mode;
    b.cfg.create_missing_partition = a.cfg.create_missing_partition;
    assert_same_config(&a.cfg, &b.cfg);
    struct hf_schema s;
    seed_schema(&s, true);
    assert_int_equal(holo_config_validate(&a.cfg, &s, &a.err), 0);
    assert_int_equal(holo_config_validate(&b.cfg, &s, &b.err), 0);
    hf_schema_free(&s);
    parsed_free(&a);
    parsed_free(&b);

    /* The 002_* examples, option by option. */
    static const char *const bulk[] = {
        "sink.write-mode", "COPY_BULK_LOAD", "sink.copy.format", "text",
        "sink.insert.batch-size", "4096",
        "sink.insert.batch-byte-size", "8388608", NULL};
    static const char *const cap[] = {
        "sink.on-conflict-action", "INSERT_OR_UPDATE",
        "sink.check-and-put.column", "price",
        "sink.check-and-put.operator", "GREATER",
        "sink.check-and-put.null-as", "0", NULL};
    static const char *const partial[] = {
        "sink.partial-insert.enabled", "true",
        "sink.insert.batch-size", "1024",
        "sink.insert.flush-interval-ms", "2000",
        "sink.ignore-null-when-update.enabled", "true", NULL};
    struct parsed p;
    seed_schema(&s, true);
    assert_int_equal(validate_with(&p, bulk, &s), 0);
    assert_int_equal(p.cfg.write_mode, HOLO_WM_COPY_BULK_LOAD);
    assert_int_equal(p.cfg.copy_format, HOLO_COPY_TEXT);
    assert_int_equal(p.cfg.batch_byte_size, 8388608);
    parsed_free(&p);
    assert_int_equal(validate_with(&p, cap, &s), 0);
    assert_string_equal(p.cfg.cap_column, "price");
    assert_string_equal(p.cfg.cap_null_as, "0");
    assert_int_equal(p.cfg.cap_op, HOLO_CAP_GREATER);
    parsed_free(&p);
    assert_int_equal(validate_with(&p, partial, &s), 0);
    assert_true(p.cfg.partial_insert);
    assert_true(p.cfg.ignore_null_when_update);
    assert_int_equal(p.cfg.batch_size, 1024);
    parsed_free(&p);
    hf_schema_free(&s);
}

static void test_defaults_of_002(void **state)
{
    (void)state;
    struct parsed p;
    parse_with(&p, NULL);
    assert_int_equal(p.rc, 0);
    const struct holo_config *c = &p.cfg;
    assert_string_equal(c->endpoint,
                        "hgprecn-cn-xxx-cn-hangzhou-internal.hologres.aliyuncs.com:80");
    assert_string_equal(c->host,
                        "hgprecn-cn-xxx-cn-hangzhou-internal.hologres.aliyuncs.com");
    assert_int_equal(c->port, 80);
    assert_string_equal(c->schema, "public");
    assert_string_equal(c->table, "events_processed");
    assert_int_equal(c->pool_size, 5);
    assert_string_equal(c->pool_name, "default");
    assert_int_equal(c->max_idle_ms, 60000);
    assert_int_equal(c->ssl_mode, HOLO_SSL_DISABLE);
    assert_null(c->ssl_root_cert);
    assert_int_equal(c->retry_count, 10);
    assert_int_equal(c->retry_sleep_step_ms, 5000);
    assert_int_equal(c->meta_cache_ttl_ms, 600000);
    assert_int_equal(c->write_mode, HOLO_WM_AUTO);
    assert_int_equal(c->on_conflict, HOLO_OC_UPDATE);
    assert_int_equal(c->delete_strategy, HOLO_DS_CHANGELOG_STANDARD);
    assert_true(c->create_missing_partition);
    assert_false(c->partition_router);
    assert_false(c->ignore_null_when_update);
    assert_true(c->default_for_not_null);
    assert_true(c->remove_u0000);
    assert_false(c->partial_insert);
    assert_true(c->deduplication);
    assert_false(c->aggressive);
    assert_null(c->cap_column);
    assert_int_equal(c->cap_op, HOLO_CAP_GREATER);
    assert_null(c->cap_null_as);
    assert_int_equal(c->batch_size, 512);
    assert_int_equal(c->batch_byte_size, 2097152);
    assert_int_equal(c->batch_total_byte_size, 20971520);
    assert_int_equal(c->flush_interval_ms, 10000);
    assert_null(c->conflict_update_set);
    assert_null(c->conflict_where);
    assert_int_equal(c->copy_format, HOLO_COPY_BINARY);
    assert_int_equal(c->parallelism, 0);
    assert_int_equal(c->dirty_strategy, HOLO_DIRTY_EXCEPTION);
    assert_null(c->dirty_data_path);
    assert_false(c->bulkload);
    assert_int_equal(c->field_delimiter, '\x02');
    assert_int_equal(c->array_delimiter, '\x02');
    assert_null(c->key_on_conflict);
    assert_null(c->key_batch_size);
    assert_false(c->fixed);
    assert_int_equal(c->max_alive_ms, 3600000);
    assert_int_equal(c->retry_sleep_init_ms, 0);
    assert_int_equal(c->statement_timeout_ms, 28800000);
    assert_int_equal(c->sdk_mode, HOLO_SDK_UNSET);
    assert_false(c->reshuffle);
    assert_null(c->hg_server_version);
    assert_null(p.opts.gen);
    struct hf_schema s;
    seed_schema(&s, true);
    assert_int_equal(holo_config_validate(c, &s, &p.err), 0);
    hf_schema_free(&s);
    parsed_free(&p);
}

static void test_enum_spellings(void **state)
{
    (void)state;
    static const struct {
        const char *key, *value;
        int want;
    } cases[] = {
        {"mutatetype", "insertorignore", HOLO_OC_IGNORE},
        {"mutatetype", "insertOrReplace", HOLO_OC_REPLACE},
        {"connector.upsert_type", "insertorupdate", HOLO_OC_UPDATE},
        {"sink.on-conflict-action", "insert-or-replace", HOLO_OC_REPLACE},
        {"SINK.ON-CONFLICT-ACTION", "INSERT_OR_IGNORE", HOLO_OC_IGNORE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *extra[] = {cases[i].key, cases[i].value, NULL};
        struct parsed p;
        parse_with(&p, extra);
        assert_int_equal(p.rc, 0);
        assert_int_equal(p.cfg.on_conflict, cases[i].want);
        parsed_free(&p);
    }
    const char *ssl[] = {"connection.ssl.mode", "VERIFY_FULL",
                         "connection.ssl.root-cert.location", "/dev/null",
                         NULL};
    struct parsed p;
    parse_with(&p, ssl);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.cfg.ssl_mode, HOLO_SSL_VERIFY_FULL);
    assert_string_equal(p.cfg.ssl_root_cert, "/dev/null");
    parsed_free(&p);

    const char *bad[] = {"mutatetype", "upsert", NULL};
    parse_with(&p, bad);
    assert_int_equal(p.rc, -1);
    assert_string_equal(p.err.msg,
                        "invalid value 'upsert' for option 'mutatetype' of "
                        "connector 'hologres': allowed values are "
                        "INSERT_OR_IGNORE, INSERT_OR_UPDATE, INSERT_OR_REPLACE");
    parsed_free(&p);

    /* Two spellings of one option are a duplicate. */
    const char *twice[] = {"mutatetype", "insertorignore",
                           "sink.on-conflict-action", "INSERT_OR_UPDATE",
                           NULL};
    parse_with(&p, twice);
    assert_int_equal(p.rc, -1);
    assert_string_equal(p.err.msg,
                        "option 'sink.on-conflict-action' of connector "
                        "'hologres' is set twice (also as 'mutatetype')");
    parsed_free(&p);

    /* Range of the pool. */
    const char *pool[] = {"connectionSize", "65", NULL};
    parse_with(&p, pool);
    assert_int_equal(p.rc, -1);
    assert_string_equal(p.err.msg,
                        "invalid value '65' for option 'connectionSize' of "
                        "connector 'hologres': must be between 1 and 64");
    parsed_free(&p);
    const char *zero[] = {"jdbcWriteBatchSize", "0", NULL};
    parse_with(&p, zero);
    assert_int_equal(p.rc, -1);
    assert_string_equal(p.err.msg,
                        "invalid value '0' for option 'jdbcWriteBatchSize' "
                        "of connector 'hologres': must be between 1 and "
                        "2147483647");
    parsed_free(&p);
}

/* ------------------------------------------------------------ parsing */

static void test_endpoint_parsing(void **state)
{
    (void)state;
    static const struct {
        const char *in, *host;
        int port;
    } ok[] = {
        {"10.1.2.3:80", "10.1.2.3", 80},
        {"db.example.com", "db.example.com", 0},
        {" localhost:5432 ", "localhost", 5432},
        {"/tmp/pg-holo-a", "/tmp/pg-holo-a", 0},
        {"/tmp/pg:5433", "/tmp/pg", 5433},
        {"/var/run/postgresql/", "/var/run/postgresql/", 0},
        {"/tmp/a:b/dir", "/tmp/a:b/dir", 0},
        {"[::1]:5432", "::1", 5432},
        {"[fe80::1]", "fe80::1", 0},
        {"::1", "::1", 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        const char *extra[] = {"connector.endpoint", ok[i].in, NULL};
        const char *kv[] = {"dbname", "d", "tablename", "t", "username", "u",
                            "password", "", extra[0], extra[1], NULL};
        struct parsed p;
        parse(&p, kv);
        if (p.rc != 0)
            fail_msg("endpoint '%s': %s", ok[i].in, p.err.msg);
        assert_string_equal(p.cfg.host, ok[i].host);
        assert_int_equal(p.cfg.port, ok[i].port);
        assert_string_equal(p.cfg.endpoint, ok[i].in);
        parsed_free(&p);
    }
    static const struct {
        const char *in, *msg;
    } bad[] = {
        {"host:0", "option 'endpoint' = 'host:0': invalid port '0' (expected "
                   "1 to 65535)"},
        {"host:99999", "option 'endpoint' = 'host:99999': invalid port "
                       "'99999' (expected 1 to 65535)"},
        {"host:http", "option 'endpoint' = 'host:http': invalid port 'http' "
                      "(expected 1 to 65535)"},
        {"host:", "option 'endpoint' = 'host:': invalid port '' (expected 1 "
                  "to 65535)"},
        {":5432", "option 'endpoint' = ':5432': the host is missing "
                  "(expected 'host:port')"},
        {"  ", "option 'endpoint' is empty: expected 'host:port' or a Unix "
               "socket directory"},
        {"[::1", "option 'endpoint' = '[::1': expected "
                 "'[ipv6-address]:port'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *kv[] = {"dbname", "d", "tablename", "t", "username", "u",
                            "password", "", "endpoint", bad[i].in, NULL};
        struct parsed p;
        parse(&p, kv);
        if (p.rc != -3)
            fail_msg("endpoint '%s' accepted (host '%s')", bad[i].in,
                     p.cfg.host ? p.cfg.host : "");
        assert_string_equal(p.err.msg, bad[i].msg);
        parsed_free(&p);
    }
}

static void test_tablename_parsing(void **state)
{
    (void)state;
    static const struct {
        const char *in, *schema, *table;
    } ok[] = {
        {"t", "public", "t"},
        {"MyTable", "public", "mytable"},
        {"Sales.Orders", "sales", "orders"},
        {"\"My Schema\".\"T\"", "My Schema", "T"},
        {"\"a.b\"", "public", "a.b"},
        {"s.\"we\"\"ird\"", "s", "we\"ird"},
        {" s . t ", "s", "t"},
        {"_x$1.t2", "_x$1", "t2"},
        {"\"select\"", "public", "select"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        const char *kv[] = {"dbname", "d", "connector.table", ok[i].in,
                            "username", "u", "password", "", "endpoint",
                            "h:1", NULL};
        struct parsed p;
        parse(&p, kv);
        if (p.rc != 0)
            fail_msg("tablename '%s': %s", ok[i].in, p.err.msg);
        assert_string_equal(p.cfg.schema, ok[i].schema);
        assert_string_equal(p.cfg.table, ok[i].table);
        parsed_free(&p);
    }
    static const struct {
        const char *in, *msg;
    } bad[] = {
        {"a.b.c", "option 'tablename' = 'a.b.c': expected 'table' or "
                  "'schema.table' (quote names that contain dots or spaces: "
                  "'\"my schema\".\"t\"')"},
        {"my table", "option 'tablename' = 'my table': expected 'table' or "
                     "'schema.table' (quote names that contain dots or "
                     "spaces: '\"my schema\".\"t\"')"},
        {"my-table", "option 'tablename' = 'my-table': 'my-table' is not a "
                     "plain name; write it in double quotes ('\"my-table\"') "
                     "to use it as is"},
        {"1t", "option 'tablename' = '1t': '1t' is not a plain name; write "
               "it in double quotes ('\"1t\"') to use it as is"},
        {"\"open", "option 'tablename' = '\"open': unterminated quoted name "
                   "(a '\"' inside a quoted name is written '\"\"')"},
        {"s.\"\"", "option 'tablename' = 's.\"\"': empty quoted name"},
        {"s.", "option 'tablename' = 's.': expected 'table' or "
               "'schema.table'"},
        {"", "option 'tablename' = '': expected 'table' or 'schema.table'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *kv[] = {"dbname", "d", "tablename", bad[i].in, "username",
                            "u", "password", "", "endpoint", "h:1", NULL};
        struct parsed p;
        parse(&p, kv);
        assert_int_equal(p.rc, -3);
        assert_string_equal(p.err.msg, bad[i].msg);
        parsed_free(&p);
    }
}

/* ------------------------------------------------------------ validation */

struct rule {
    const char *const *extra;
    bool pk;         /* schema with PRIMARY KEY (user_id) */
    const char *msg; /* exact message */
};

static void test_validation_rules(void **state)
{
    (void)state;
    static const char *const r_copyfmt[] = {"sink.copy.format", "text", NULL};
    static const char *const r_copyfmt_ins[] = {
        "sink.write-mode", "INSERT", "sink.copy.format", "binaryrow", NULL};
    static const char *const r_ssl_ca[] = {"connection.ssl.mode", "verify-ca",
                                           NULL};
    static const char *const r_ssl_full[] = {"connection.ssl.mode",
                                             "verify-full", NULL};
    static const char *const r_ssl_missing[] = {
        "connection.ssl.mode", "require",
        "connection.ssl.root-cert.location", "/nonexistent/ca.pem", NULL};
    static const char *const r_cap_ignore[] = {
        "mutatetype", "insertorignore", "sink.check-and-put.column", "price",
        NULL};
    static const char *const r_cap_where[] = {
        "sink.check-and-put.column", "price", "sink.insert.conflict-where",
        "old.price < excluded.price", NULL};
    static const char *const r_cap_set[] = {
        "sink.check-and-put.column", "price",
        "sink.insert.conflict-update-set", "price = excluded.price", NULL};
    static const char *const r_cap_copy[] = {
        "sink.write-mode", "COPY_STREAM", "sink.check-and-put.column", "price",
        NULL};
    static const char *const r_nullas_copy[] = {
        "sink.write-mode", "COPY_BULK_LOAD_ON_CONFLICT",
        "sink.check-and-put.column", "price", "sink.check-and-put.null-as",
        "0", NULL};
    static const char *const r_set_copy[] = {
        "sink.write-mode", "COPY_BULK_LOAD", "sink.insert.conflict-update-set",
        "price = excluded.price", NULL};
    static const char *const r_where_copy[] = {
        "sink.write-mode", "COPY_STREAM", "sink.insert.conflict-where",
        "old.price < excluded.price", NULL};
    static const char *const r_ignull_copy[] = {
        "sink.write-mode", "COPY_STREAM",
        "sink.ignore-null-when-update.enabled", "true", NULL};
    static const char *const r_ds_null[] = {"sink.delete-strategy",
                                            "NON_PK_FIELD_TO_NULL", NULL};
    static const char *const r_ds_row[] = {"sink.delete-strategy",
                                           "DELETE_ROW_ON_PK", NULL};
    static const char *const r_cap_col[] = {"sink.check-and-put.column",
                                            "version", NULL};
    static const char *const r_cap_nopk[] = {"sink.check-and-put.column",
                                             "price", NULL};
    static const char *const r_isnull[] = {
        "sink.check-and-put.column", "price", "sink.check-and-put.operator",
        "IS_NULL", "sink.check-and-put.null-as", "0", NULL};
    static const char *const r_nullas_only[] = {"sink.check-and-put.null-as",
                                                "0", NULL};
    static const char *const r_total[] = {
        "sink.insert.batch-byte-size", "4096",
        "sink.insert.batch-total-byte-size", "1000", NULL};
    static const char *const r_set_ignore[] = {
        "connector.upsert_type", "insertorignore",
        "sink.insert.conflict-update-set", "price = excluded.price", NULL};
    static const char *const r_where_ignore[] = {
        "sink.on-conflict-action", "INSERT_OR_IGNORE",
        "sink.insert.conflict-where", "old.price < excluded.price", NULL};
    static const char *const r_path[] = {"sink.dirty-data.path",
                                         "/tmp/dirty.txt", NULL};

    static const struct rule rules[] = {
        {r_copyfmt, true,
         "option 'sink.copy.format' = 'text' needs a COPY write mode: with "
         "'sink.write-mode' = 'AUTO' only 'binary' is allowed"},
        {r_copyfmt_ins, true,
         "option 'sink.copy.format' = 'binaryrow' needs a COPY write mode: "
         "with 'sink.write-mode' = 'INSERT' only 'binary' is allowed"},
        {r_ssl_ca, true,
         "option 'connection.ssl.mode' = 'verify-ca' needs "
         "'connection.ssl.root-cert.location' (the file of the CA "
         "certificate that signed the server's certificate)"},
        {r_ssl_full, true,
         "option 'connection.ssl.mode' = 'verify-full' needs "
         "'connection.ssl.root-cert.location' (the file of the CA "
         "certificate that signed the server's certificate)"},
        {r_ssl_missing, true,
         "option 'connection.ssl.root-cert.location': cannot read "
         "'/nonexistent/ca.pem': No such file or directory"},
        {r_cap_ignore, true,
         "option 'sink.check-and-put.column' needs 'mutatetype' to be "
         "INSERT_OR_UPDATE or INSERT_OR_REPLACE, not INSERT_OR_IGNORE (with "
         "IGNORE an existing row never changes)"},
        {r_cap_where, true,
         "options 'sink.check-and-put.column' and "
         "'sink.insert.conflict-where' cannot be combined: both decide "
         "whether a stored row is updated; keep one"},
        {r_cap_set, true,
         "options 'sink.check-and-put.column' and "
         "'sink.insert.conflict-update-set' cannot be combined: "
         "check-and-put updates the written columns itself; keep one"},
        {r_cap_copy, true,
         "option 'sink.check-and-put.column' works only with "
         "'sink.write-mode' = 'INSERT' (or AUTO), not 'COPY_STREAM'"},
        {r_nullas_copy, true,
         "option 'sink.check-and-put.column' works only with "
         "'sink.write-mode' = 'INSERT' (or AUTO), not "
         "'COPY_BULK_LOAD_ON_CONFLICT'"},
        {r_set_copy, true,
         "option 'sink.insert.conflict-update-set' works only with "
         "'sink.write-mode' = 'INSERT' (or AUTO), not 'COPY_BULK_LOAD'"},
        {r_where_copy, true,
         "option 'sink.insert.conflict-where' works only with "
         "'sink.write-mode' = 'INSERT' (or AUTO), not 'COPY_STREAM'"},
        {r_ignull_copy, true,
         "option 'sink.ignore-null-when-update.enabled' = 'true' works only "
         "with 'sink.write-mode' = 'INSERT' (or AUTO), not 'COPY_STREAM'"},
        {r_ds_null, false,
         "option 'sink.delete-strategy' = 'NON_PK_FIELD_TO_NULL' needs a "
         "primary key: declare PRIMARY KEY (...) NOT ENFORCED in the sink "
         "table"},
        {r_ds_row, false,
         "option 'sink.delete-strategy' = 'DELETE_ROW_ON_PK' needs a primary "
         "key: declare PRIMARY KEY (...) NOT ENFORCED in the sink table"},
        {r_cap_col, true,
         "option 'sink.check-and-put.column' = 'version' is not a column of "
         "the sink table (columns: user_id, user_name, price, "
         "sale_timestamp)"},
        {r_cap_nopk, false,
         "option 'sink.check-and-put.column' needs a primary key: declare "
         "PRIMARY KEY (...) NOT ENFORCED in the sink table"},
        {r_isnull, true,
         "option 'sink.check-and-put.null-as' has no effect with "
         "'sink.check-and-put.operator' = 'IS_NULL'; remove it"},
        {r_nullas_only, true,
         "option 'sink.check-and-put.null-as' needs "
         "'sink.check-and-put.column' (the column to compare)"},
        {r_total, true,
         "option 'sink.insert.batch-total-byte-size' (1000) must be at least "
         "'sink.insert.batch-byte-size' (4096): the total covers every "
         "connection's buffer"},
        {r_set_ignore, true,
         "option 'sink.insert.conflict-update-set' needs "
         "'connector.upsert_type' to be INSERT_OR_UPDATE or "
         "INSERT_OR_REPLACE, not INSERT_OR_IGNORE (with IGNORE a conflicting "
         "row is left alone)"},
        {r_where_ignore, true,
         "option 'sink.insert.conflict-where' needs 'sink.on-conflict-action' "
         "to be INSERT_OR_UPDATE or INSERT_OR_REPLACE, not INSERT_OR_IGNORE "
         "(with IGNORE a conflicting row is left alone)"},
        {r_path, true,
         "option 'sink.dirty-data.path' is used only with "
         "'sink.insert.dirty-data-strategy' = 'SKIP' (it is EXCEPTION: a "
         "rejected row fails the job)"},
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        struct hf_schema s;
        seed_schema(&s, rules[i].pk);
        struct parsed p;
        int rc = validate_with(&p, rules[i].extra, &s);
        if (rc != -1)
            fail_msg("rule %zu: expected a validation error, rc %d (%s)", i,
                     rc, p.err.msg);
        assert_int_equal(p.err.code, HF_ERR_OPTION);
        if (strcmp(p.err.msg, rules[i].msg) != 0)
            fail_msg("rule %zu:\n got  %s\n want %s", i, p.err.msg,
                     rules[i].msg);
        parsed_free(&p);
        hf_schema_free(&s);
    }

    /* The valid neighbours of those rules pass. */
    static const char *const ok_ssl[] = {
        "connection.ssl.mode", "verify-ca",
        "connection.ssl.root-cert.location", "/dev/null", NULL};
    static const char *const ok_cap[] = {
        "sink.on-conflict-action", "INSERT_OR_REPLACE",
        "sink.check-and-put.column", "price", "sink.check-and-put.operator",
        "IS_NOT_NULL", NULL};
    static const char *const ok_skip[] = {
        "sink.insert.dirty-data-strategy", "SKIP", "sink.dirty-data.path",
        "/tmp/dirty.txt", NULL};
    static const char *const ok_copy[] = {
        "sink.write-mode", "COPY_STREAM", "sink.copy.format", "binaryrow",
        NULL};
    static const char *const ok_ds[] = {"sink.delete-strategy",
                                        "DELETE_ROW_ON_PK", NULL};
    /* COPY modes isolate bad rows too (bulk sink issue). */
    static const char *const ok_skip_copy[] = {
        "sink.write-mode", "COPY_STREAM", "sink.insert.dirty-data-strategy",
        "SKIP", NULL};
    const char *const *oks[] = {ok_ssl, ok_cap,  ok_skip,
                                ok_copy, ok_ds, ok_skip_copy};
    for (size_t i = 0; i < sizeof oks / sizeof oks[0]; i++) {
        struct hf_schema s;
        seed_schema(&s, true);
        struct parsed p;
        if (validate_with(&p, oks[i], &s) != 0)
            fail_msg("valid set %zu rejected: %s", i, p.err.msg);
        parsed_free(&p);
        hf_schema_free(&s);
    }
}

static void test_ignoredelete_folding(void **state)
{
    (void)state;
    struct parsed p;
    const char *a[] = {"ignoredelete", "true", NULL};
    parse_with(&p, a);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.cfg.delete_strategy, HOLO_DS_IGNORE_DELETE);
    parsed_free(&p);

    const char *b[] = {"ignoredelete", "false", NULL};
    parse_with(&p, b);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.cfg.delete_strategy, HOLO_DS_CHANGELOG_STANDARD);
    parsed_free(&p);

    const char *c[] = {"ignoredelete", "true", "sink.delete-strategy",
                       "IGNORE_DELETE", NULL};
    parse_with(&p, c);
    assert_int_equal(p.rc, 0);
    assert_int_equal(p.cfg.delete_strategy, HOLO_DS_IGNORE_DELETE);
    parsed_free(&p);

    const char *d[] = {"IgnoreDelete", "true", "sink.delete-strategy",
                       "DELETE_ROW_ON_PK", NULL};
    parse_with(&p, d);
    assert_int_equal(p.rc, -3);
    assert_string_equal(p.err.msg,
                        "option 'IgnoreDelete' = 'true' contradicts "
                        "'sink.delete-strategy' = 'DELETE_ROW_ON_PK'; remove "
                        "'IgnoreDelete' (sink.delete-strategy IGNORE_DELETE "
                        "is its modern form)");
    parsed_free(&p);

    const char *e[] = {"ignoredelete", "false", "sink.delete-strategy",
                       "IGNORE_DELETE", NULL};
    parse_with(&p, e);
    assert_int_equal(p.rc, -3);
    assert_string_equal(p.err.msg,
                        "option 'ignoredelete' = 'false' contradicts "
                        "'sink.delete-strategy' = 'IGNORE_DELETE'; remove "
                        "'ignoredelete' (sink.delete-strategy IGNORE_DELETE "
                        "is its modern form)");
    parsed_free(&p);

    const char *f[] = {"sink.check-and-put.operator", "LESS", NULL};
    parse_with(&p, f);
    assert_int_equal(p.rc, -3);
    assert_string_equal(p.err.msg,
                        "option 'sink.check-and-put.operator' needs "
                        "'sink.check-and-put.column' (the column to compare)");
    parsed_free(&p);
}

static void test_unknown_key_suggests(void **state)
{
    (void)state;
    const char *kv[] = {"sink.insert.batch-sise", "10", NULL};
    struct parsed p;
    parse_with(&p, kv);
    assert_int_equal(p.rc, -2);
    assert_non_null(strstr(p.err.msg,
                           "unknown option 'sink.insert.batch-sise' for "
                           "connector 'hologres'; did you mean "
                           "'sink.insert.batch-size'?"));
    parsed_free(&p);
}

/* ------------------------------------------------------------ secrets */

static void test_password_never_shown(void **state)
{
    (void)state;
    const char *kv[] = {"dbname", "d", "tablename", "t", "username", "u",
                        "connector.password", "Very-Secret-42", "endpoint",
                        "127.0.0.1:1", "retry-count", "0", NULL};
    struct parsed p;
    parse(&p, kv);
    assert_int_equal(p.rc, 0);
    struct hf_strbuf out;
    hf_strbuf_init(&out, 0);
    hf_opts_describe(&p.opts, 2, &out);
    assert_non_null(strstr(out.data, "  password = '******'  (as "
                                     "'connector.password', generation "
                                     "001)\n"));
    assert_non_null(strstr(out.data, "  endpoint = '127.0.0.1:1'\n"));
    assert_null(strstr(out.data, "Very-Secret-42"));
    hf_strbuf_free(&out);

    /* A refused connection: the message names the endpoint, database and
     * user, never the password, and the failure is worth retrying. */
    struct holo_conn c;
    memset(&c, 0, sizeof c);
    enum holo_err_class cls = HOLO_OK;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(holo_conn_open(&c, &p.cfg, &cls, &err), -1);
    assert_int_equal(cls, HOLO_ERR_RETRY);
    assert_true(err.retriable);
    assert_int_equal(err.code, HF_ERR_CONNECT);
    assert_non_null(strstr(err.msg, "cannot connect to '127.0.0.1:1' "
                                    "(database 'd', user 'u', sslmode "
                                    "disable): "));
    assert_null(strstr(err.msg, "Very-Secret-42"));
    assert_null(strchr(err.msg, '\n'));
    assert_null(c.pg);
    holo_conn_close(&c);
    holo_conn_close(NULL);

    /* Reconnect gives up after retry-count (0 -> one attempt) with the
     * last reason. */
    hf_error_clear(&err);
    c.cfg = &p.cfg;
    assert_int_equal(holo_conn_reconnect(&c, &err), -1);
    assert_true(err.fatal);
    assert_non_null(strstr(err.msg, "lost the connection to '127.0.0.1:1' "
                                    "and could not reconnect (retry-count "
                                    "0): cannot connect to '127.0.0.1:1'"));
    assert_null(strstr(err.msg, "Very-Secret-42"));
    parsed_free(&p);
}

/* TLS needs TCP: libpq skips TLS over a Unix socket without a word, so
 * an ssl mode other than disable with a socket endpoint is refused, at
 * validation (holoflow check) and again by holo_conn_open, before any
 * connection attempt. */
static void test_tls_needs_tcp(void **state)
{
    (void)state;
    static const struct {
        const char *endpoint, *mode;
        bool refused;
    } cases[] = {
        {"/var/run/postgresql:5432", "require", true},
        {"/var/run/postgresql", "verify-ca", true},
        {"/var/run/postgresql", "verify-full", true},
        {"@pg-abstract", "require", true},
        {"/var/run/postgresql", "disable", false},
        {"127.0.0.1:5432", "require", false},
        {"db.example.com:5432", "verify-full", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *kv[] = {"dbname", "d", "tablename", "t", "username", "u",
                            "password", "", "endpoint", cases[i].endpoint,
                            "connection.ssl.mode", cases[i].mode,
                            "connection.ssl.root-cert.location", "/dev/null",
                            "retry-count", "0", NULL};
        struct parsed p;
        parse(&p, kv);
        assert_int_equal(p.rc, 0);
        struct hf_schema s;
        seed_schema(&s, true);
        int rc = holo_config_validate(&p.cfg, &s, &p.err);
        hf_schema_free(&s);
        if (!cases[i].refused) {
            if (rc != 0)
                fail_msg("case %zu refused: %s", i, p.err.msg);
            parsed_free(&p);
            continue;
        }
        char want[600];
        snprintf(want, sizeof want,
                 "option 'connection.ssl.mode' = '%s' cannot be honoured "
                 "with 'endpoint' = '%s': that is a Unix-domain socket, and "
                 "libpq never uses TLS over a Unix socket, so the connection "
                 "would be neither encrypted nor checked against a "
                 "certificate; connect over TCP ('host:port') to use TLS, or "
                 "set 'connection.ssl.mode' = 'disable' for the local socket",
                 cases[i].mode, cases[i].endpoint);
        assert_int_equal(rc, -1);
        assert_int_equal(p.err.code, HF_ERR_OPTION);
        if (strcmp(p.err.msg, want) != 0)
            fail_msg("case %zu:\n got  %s\n want %s", i, p.err.msg, want);

        /* Connecting refuses too, without trying. */
        struct holo_conn c;
        memset(&c, 0, sizeof c);
        enum holo_err_class cls = HOLO_OK;
        struct hf_error err;
        hf_error_clear(&err);
        assert_int_equal(holo_conn_open(&c, &p.cfg, &cls, &err), -1);
        assert_int_equal(cls, HOLO_ERR_FATAL);
        assert_true(err.fatal);
        assert_null(c.pg);
        assert_string_equal(err.msg, want);
        parsed_free(&p);
    }
}

/* ------------------------------------------------------------ classify */

static void test_classify_sqlstate(void **state)
{
    (void)state;
    static const struct {
        const char *st;
        enum holo_err_class cls;
    } cases[] = {
        {"08000", HOLO_ERR_RETRY}, {"08003", HOLO_ERR_RETRY},
        {"08006", HOLO_ERR_RETRY}, {"08001", HOLO_ERR_RETRY},
        {"57P01", HOLO_ERR_RETRY}, {"57P02", HOLO_ERR_RETRY},
        {"57P03", HOLO_ERR_RETRY}, {"53300", HOLO_ERR_RETRY},
        {"53100", HOLO_ERR_RETRY}, {"53200", HOLO_ERR_RETRY},
        {"40001", HOLO_ERR_RETRY}, {"40P01", HOLO_ERR_RETRY},
        {"25006", HOLO_ERR_RETRY}, {"55P03", HOLO_ERR_RETRY},
        {"22003", HOLO_ERR_DATA},  {"22001", HOLO_ERR_DATA},
        {"22P02", HOLO_ERR_DATA},  {"22021", HOLO_ERR_DATA},
        {"22008", HOLO_ERR_DATA},  {"22012", HOLO_ERR_DATA},
        {"23502", HOLO_ERR_DATA},  {"23514", HOLO_ERR_DATA},
        {"23505", HOLO_ERR_DATA},  {"23503", HOLO_ERR_DATA},
        {"28P01", HOLO_ERR_FATAL}, {"28000", HOLO_ERR_FATAL},
        {"42P01", HOLO_ERR_FATAL}, {"42501", HOLO_ERR_FATAL},
        {"42601", HOLO_ERR_FATAL}, {"57014", HOLO_ERR_FATAL},
        {"57P04", HOLO_ERR_FATAL}, {"XX000", HOLO_ERR_FATAL},
        {"", HOLO_ERR_FATAL},      {"0800", HOLO_ERR_FATAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (holo_classify_sqlstate(cases[i].st) != cases[i].cls)
            fail_msg("SQLSTATE '%s': got %d, want %d", cases[i].st,
                     holo_classify_sqlstate(cases[i].st), cases[i].cls);
    assert_int_equal(holo_classify_sqlstate(NULL), HOLO_ERR_FATAL);

    static const struct {
        const char *msg;
        enum holo_err_class cls;
    } conn[] = {
        {"connection to server at \"127.0.0.1\", port 1 failed: Connection "
         "refused Is the server running on that host and accepting TCP/IP "
         "connections?",
         HOLO_ERR_RETRY},
        {"connection to server on socket \"/tmp/.s.PGSQL.5432\" failed: FATAL: "
         "the database system is starting up",
         HOLO_ERR_RETRY},
        {"FATAL: sorry, too many clients already", HOLO_ERR_RETRY},
        {"timeout expired", HOLO_ERR_RETRY},
        {"FATAL: password authentication failed for user \"u\"",
         HOLO_ERR_FATAL},
        {"fe_sendauth: no password supplied", HOLO_ERR_FATAL},
        {"FATAL: database \"nope\" does not exist", HOLO_ERR_FATAL},
        {"FATAL: role \"nobody\" does not exist", HOLO_ERR_FATAL},
        {"FATAL: no pg_hba.conf entry for host \"10.0.0.1\"", HOLO_ERR_FATAL},
        {"SSL error: certificate verify failed", HOLO_ERR_FATAL},
        {"server certificate for \"localhost\" does not match host name "
         "\"127.0.0.1\"",
         HOLO_ERR_FATAL},
        {"server does not support SSL, but SSL was required", HOLO_ERR_FATAL},
    };
    for (size_t i = 0; i < sizeof conn / sizeof conn[0]; i++)
        if (holo_classify_connect_message(conn[i].msg) != conn[i].cls)
            fail_msg("message '%s': got %d, want %d", conn[i].msg,
                     holo_classify_connect_message(conn[i].msg), conn[i].cls);
}

static void test_session_sql_by_dialect(void **state)
{
    (void)state;
    size_t n;
    const char *const *pg = holo_conn_setup_sql(false, &n);
    assert_int_equal(n, 1);
    assert_string_equal(pg[0], "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, "
                               "MDY'; SET extra_float_digits = 3");
    const char *const *hg = holo_conn_setup_sql(true, &n);
    assert_int_equal(n, 8);
    assert_string_equal(hg[0], pg[0]);
    assert_string_equal(hg[1], "SET hg_experimental_enable_fixed_dispatcher = on");
    assert_string_equal(
        hg[6], "SET hg_experimental_enable_fixed_dispatcher_affected_rows = off");
    assert_string_equal(hg[7],
                        "SET hg_experimental_enable_fixed_plan_expression = on");
    for (size_t i = 1; i < n; i++)
        assert_non_null(strstr(hg[i], "SET hg_experimental_"));
}

/* ------------------------------------------------------------ catalog */

/* A hand-built table: "Order" int8 PK, "select" text NOT NULL, price
 * numeric(38,2), ts timestamptz, tags int8[], note varchar(20) NOT NULL
 * DEFAULT, id2 int4 identity NOT NULL, g int4 generated. */
static void meta_make(struct holo_table_meta *m)
{
    static const struct {
        const char *name, *text;
        Oid oid, elem;
        bool nn, ident, gen;
        const char *def;
    } c[] = {
        {"Order", "bigint", 20, 0, true, false, false, NULL},
        {"select", "text", 25, 0, true, false, false, NULL},
        {"price", "numeric(38,2)", 1700, 0, false, false, false, NULL},
        {"ts", "timestamp with time zone", 1184, 0, false, false, false, NULL},
        {"tags", "bigint[]", 1016, 20, false, false, false, NULL},
        {"note", "character varying(20)", 1043, 0, true, false, false,
         "'none'::character varying"},
        {"id2", "integer", 23, 0, true, true, false, NULL},
        {"g", "integer", 23, 0, false, false, true, NULL},
    };
    memset(m, 0, sizeof *m);
    m->schema = strdup("public");
    m->table = strdup("t");
    m->ncols = sizeof c / sizeof c[0];
    m->cols = calloc(m->ncols, sizeof *m->cols);
    for (uint32_t i = 0; i < m->ncols; i++) {
        m->cols[i].name = strdup(c[i].name);
        m->cols[i].type_text = strdup(c[i].text);
        m->cols[i].type_oid = c[i].oid;
        m->cols[i].elem_oid = c[i].elem;
        m->cols[i].typmod = -1;
        m->cols[i].not_null = c[i].nn;
        m->cols[i].identity = c[i].ident;
        m->cols[i].generated = c[i].gen;
        m->cols[i].default_expr = c[i].def ? strdup(c[i].def) : NULL;
    }
    m->npk = 1;
    m->pk = calloc(1, sizeof *m->pk);
    m->pk[0] = 0;
    m->part_col = -1;
}

static int check_job(const struct holo_table_meta *m, const char *const *names,
                     const struct hf_type *types, uint32_t n, uint32_t *map,
                     struct hf_error *err)
{
    struct hf_schema s;
    schema_make(&s, names, types, n, NULL, 0);
    hf_error_clear(err);
    int rc = holo_catalog_check(m, &s, NULL, map, err);
    hf_schema_free(&s);
    return rc;
}

static void test_catalog_check(void **state)
{
    (void)state;
    struct holo_table_meta m;
    meta_make(&m);
    struct hf_error err;
    uint32_t map[8];

    struct hf_type dec = hf_type_make(HF_DECIMAL);
    dec.precision = 38;
    dec.scale = 2;
    struct hf_type arr = hf_type_make(HF_ARRAY);
    arr.elem = HF_BIGINT;
    /* Exact and case-insensitive names, all accepted types. */
    const char *n1[] = {"ts", "order", "select", "price", "tags"};
    struct hf_type t1[] = {hf_type_make(HF_TIMESTAMP_LTZ),
                           hf_type_make(HF_BIGINT), hf_type_make(HF_VARCHAR),
                           dec, arr};
    assert_int_equal(check_job(&m, n1, t1, 5, map, &err), 0);
    assert_int_equal(map[0], 3);
    assert_int_equal(map[1], 0);
    assert_int_equal(map[2], 1);
    assert_int_equal(map[3], 2);
    assert_int_equal(map[4], 4);

    /* Widening: INT into bigint, TIMESTAMP into timestamptz. */
    const char *n2[] = {"Order", "select", "ts"};
    struct hf_type t2[] = {hf_type_make(HF_INT), hf_type_make(HF_JSON),
                           hf_type_make(HF_TIMESTAMP)};
    assert_int_equal(check_job(&m, n2, t2, 3, map, &err), 0);

    static const struct {
        const char *name;
        struct hf_type type;
        const char *msg;
    } bad[] = {
        {"nope", {.id = HF_INT},
         "column 'nope' of the job does not exist in table \"public\".\"t\" "
         "(columns: Order, select, price, ts, tags, note, id2, g)"},
        {"price", {.id = HF_DOUBLE},
         "column 'price' of the job has type DOUBLE, which does not fit "
         "column \"price\" of type numeric(38,2) in table \"public\".\"t\" "
         "(DOUBLE can be written to: double precision)"},
        {"ts", {.id = HF_DATE},
         "column 'ts' of the job has type DATE, which does not fit column "
         "\"ts\" of type timestamp with time zone in table \"public\".\"t\" "
         "(DATE can be written to: date)"},
        {"tags", {.id = HF_ARRAY, .elem = HF_VARCHAR, .length = HF_LEN_MAX},
         "column 'tags' of the job has type ARRAY<STRING>, which does not fit "
         "column \"tags\" of type bigint[] in table \"public\".\"t\" "
         "(ARRAY<STRING> can be written to: text[], character varying[], "
         "character[], json[], jsonb[], json, jsonb)"},
        {"select", {.id = HF_BIGINT},
         "column 'select' of the job has type BIGINT, which does not fit "
         "column \"select\" of type text in table \"public\".\"t\" (BIGINT "
         "can be written to: bigint, numeric)"},
        {"g", {.id = HF_INT},
         "column \"g\" of table \"public\".\"t\" is generated (GENERATED "
         "ALWAYS AS ... STORED) and cannot be written; remove 'g' from the "
         "job's columns"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *names[] = {"Order", "select", bad[i].name};
        struct hf_type types[] = {hf_type_make(HF_BIGINT),
                                  hf_type_make(HF_VARCHAR), bad[i].type};
        uint32_t n = 3;
        if (strcmp(bad[i].name, "select") == 0) {
            names[1] = "price";
            types[1] = dec;
        }
        assert_int_equal(check_job(&m, names, types, n, map, &err), -1);
        if (strcmp(err.msg, bad[i].msg) != 0)
            fail_msg("case %zu:\n got  %s\n want %s", i, err.msg, bad[i].msg);
    }

    /* A primary-key column, and a NOT NULL column without default, must be
     * written; one with a default or an identity need not. */
    const char *n3[] = {"select"};
    struct hf_type t3[] = {hf_type_make(HF_VARCHAR)};
    assert_int_equal(check_job(&m, n3, t3, 1, map, &err), -1);
    assert_string_equal(err.msg,
                        "primary-key column \"Order\" of table "
                        "\"public\".\"t\" is not a column of the job; the job "
                        "must write every primary-key column");
    const char *n4[] = {"Order"};
    struct hf_type t4[] = {hf_type_make(HF_BIGINT)};
    assert_int_equal(check_job(&m, n4, t4, 1, map, &err), -1);
    assert_string_equal(err.msg,
                        "column \"select\" of table \"public\".\"t\" is NOT "
                        "NULL without a default and the job does not write "
                        "it; add it to the job's columns");

    /* Two job columns onto one table column. */
    const char *n5[] = {"Order", "select", "SELECT"};
    struct hf_type t5[] = {hf_type_make(HF_BIGINT), hf_type_make(HF_VARCHAR),
                           hf_type_make(HF_VARCHAR)};
    assert_int_equal(check_job(&m, n5, t5, 3, map, &err), -1);
    assert_string_equal(err.msg,
                        "columns 'select' and 'SELECT' of the job both write "
                        "column \"select\" of table \"public\".\"t\"");

    /* Ambiguous case-insensitive match. */
    free(m.cols[7].name);
    m.cols[7].name = strdup("PRICE");
    const char *n6[] = {"Order", "select", "Price"};
    struct hf_type t6[] = {hf_type_make(HF_BIGINT), hf_type_make(HF_VARCHAR),
                           dec};
    assert_int_equal(check_job(&m, n6, t6, 3, map, &err), -1);
    assert_string_equal(err.msg,
                        "column 'Price' of the job matches several columns of "
                        "table \"public\".\"t\" that differ only in case; "
                        "name one of them exactly");

    /* A deep copy is equal and independent. */
    struct holo_table_meta cp;
    assert_int_equal(holo_catalog_copy(&cp, &m), 0);
    holo_catalog_free(&m);
    assert_int_equal(cp.ncols, 8);
    assert_string_equal(cp.cols[5].default_expr, "'none'::character varying");
    assert_string_equal(cp.cols[4].type_text, "bigint[]");
    assert_int_equal(cp.cols[4].elem_oid, 20);
    assert_true(cp.cols[6].identity);
    assert_int_equal(cp.npk, 1);
    holo_catalog_free(&cp);
    holo_catalog_free(NULL);
}

/* Precision: a column that would silently round what the job writes is
 * refused; one where too large a value fails loudly is not. `vt` (the
 * INSERT's bound, hf_expr_value_bound) narrows what is written below the
 * declared type. Columns: id int8 PK, then the typmod each case needs. */
static void test_catalog_precision(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text;
        Oid oid;
        int32_t typmod;
    } c[] = {
        {"id", "bigint", 20, -1},
        {"n102", "numeric(10,2)", 1700, (10 << 16 | 2) + 4},
        {"n50", "numeric(5,0)", 1700, (5 << 16) + 4},
        {"nneg", "numeric(3,-1)", 1700, (3 << 16 | (-1 & 0x7ff)) + 4},
        {"nfree", "numeric", 1700, -1},
        {"f8", "double precision", 701, -1},
        {"ts0", "timestamp(0) without time zone", 1114, 0},
        {"tz3", "timestamp(3) with time zone", 1184, 3},
        {"tm0", "time(0) without time zone", 1083, 0},
        {"vc5", "character varying(5)", 1043, 9},
        {"ch3", "character(3)", 1042, 7},
        {"tsd", "timestamp without time zone", 1114, -1},
    };
    struct holo_table_meta m;
    memset(&m, 0, sizeof m);
    m.schema = strdup("public");
    m.table = strdup("p");
    m.ncols = sizeof c / sizeof c[0];
    m.cols = calloc(m.ncols, sizeof *m.cols);
    for (uint32_t i = 0; i < m.ncols; i++) {
        m.cols[i].name = strdup(c[i].name);
        m.cols[i].type_text = strdup(c[i].text);
        m.cols[i].type_oid = c[i].oid;
        m.cols[i].typmod = c[i].typmod;
    }
    m.npk = 1;
    m.pk = calloc(1, sizeof *m.pk);
    m.part_col = -1;

#define DEC(p, s) {.id = HF_DECIMAL, .precision = (p), .scale = (s)}
#define TP(t, p) {.id = (t), .precision = (p)}
#define STR(t, n) {.id = (t), .length = (n)}
    static const struct {
        const char *col;
        struct hf_type decl, vt; /* vt.id 0 (BOOLEAN): none, the declared */
        bool ok;
        const char *msg; /* exact, or NULL: only refused */
    } cases[] = {
        {"n102", DEC(10, 4), {0}, false,
         "column 'n102' of the job has type DECIMAL(10, 4), but column "
         "\"n102\" of table \"public\".\"p\" is numeric(10,2): it keeps 2 "
         "digits after the decimal point and PostgreSQL would round the rest "
         "away; to narrow on purpose, CAST the value to DECIMAL(10, 2) in the "
         "INSERT's query or declare the job's column DECIMAL(10, 2); or widen "
         "the table's column"},
        {"n102", DEC(10, 4), DEC(8, 2), true, NULL},
        {"n102", DEC(12, 4), DEC(10, 3), false,
         "column 'n102' of the job has type DECIMAL(12, 4) (the INSERT's "
         "query gives it DECIMAL(10, 3)), but column \"n102\" of table "
         "\"public\".\"p\" is numeric(10,2): it keeps 2 digits after the "
         "decimal point and PostgreSQL would round the rest away; to narrow "
         "on purpose, CAST the value to DECIMAL(10, 2) in the INSERT's query "
         "or declare the job's column DECIMAL(10, 2); or widen the table's "
         "column"},
        {"n102", DEC(10, 2), {0}, true, NULL},
        {"n102", DEC(8, 1), {0}, true, NULL},
        /* More integer digits than the column holds: a value too large
         * fails loudly ("numeric field overflow", a dirty row), so not
         * refused here. */
        {"n102", DEC(38, 2), {0}, true, NULL},
        {"n102", {.id = HF_BIGINT}, {0}, true, NULL},
        {"n50", {.id = HF_INT}, {0}, true, NULL},
        {"n50", DEC(5, 0), {0}, true, NULL},
        {"n50", DEC(5, 1), {0}, false,
         "column 'n50' of the job has type DECIMAL(5, 1), but column \"n50\" "
         "of table \"public\".\"p\" is numeric(5,0): it keeps no digits "
         "after the decimal point and PostgreSQL would round the fraction "
         "away; to narrow on purpose, CAST the value to DECIMAL(5, 0) in the "
         "INSERT's query or declare the job's column DECIMAL(5, 0); or widen "
         "the table's column"},
        {"nneg", DEC(3, 0), {0}, false,
         "column 'nneg' of the job has type DECIMAL(3, 0), but column "
         "\"nneg\" of table \"public\".\"p\" is numeric(3,-1): its negative "
         "scale rounds every value to a multiple of 1e1; widen the table's "
         "column"},
        {"nneg", {.id = HF_INT}, {0}, false, NULL},
        {"nfree", DEC(38, 10), {0}, true, NULL},
        {"nfree", {.id = HF_BIGINT}, {0}, true, NULL},
        {"f8", DEC(15, 2), {0}, true, NULL},
        {"f8", DEC(16, 2), {0}, false,
         "column 'f8' of the job has type DECIMAL(16, 2), but column \"f8\" "
         "of table \"public\".\"p\" is double precision: double precision "
         "keeps 15 significant digits and PostgreSQL would round the rest "
         "away; declare the job's column DOUBLE to accept that, or widen the "
         "table's column"},
        {"f8", {.id = HF_DOUBLE}, {0}, true, NULL},
        {"f8", {.id = HF_FLOAT}, {0}, true, NULL},
        {"ts0", TP(HF_TIMESTAMP, 3), {0}, false,
         "column 'ts0' of the job has type TIMESTAMP(3), but column \"ts0\" "
         "of table \"public\".\"p\" is timestamp(0) without time zone: it "
         "keeps whole seconds and PostgreSQL would round the fraction "
         "(12:00:00.999 would become 12:00:01); to narrow on purpose, CAST "
         "the value to TIMESTAMP(0) in the INSERT's query or declare the "
         "job's column TIMESTAMP(0); or widen the table's column"},
        {"ts0", TP(HF_TIMESTAMP, 0), {0}, true, NULL},
        {"ts0", TP(HF_TIMESTAMP, 3), TP(HF_TIMESTAMP, 0), true, NULL},
        {"tz3", TP(HF_TIMESTAMP_LTZ, 6), {0}, false,
         "column 'tz3' of the job has type TIMESTAMP_LTZ(6), but column "
         "\"tz3\" of table \"public\".\"p\" is timestamp(3) with time zone: "
         "it keeps 3 fractional digits of a second and PostgreSQL would "
         "round the rest away; to narrow on purpose, CAST the value to "
         "TIMESTAMP_LTZ(3) in the INSERT's query or declare the job's column "
         "TIMESTAMP_LTZ(3); or widen the table's column"},
        {"tz3", TP(HF_TIMESTAMP_LTZ, 3), {0}, true, NULL},
        {"tz3", TP(HF_TIMESTAMP, 3), {0}, true, NULL},
        {"tm0", TP(HF_TIME, 3), {0}, false, NULL},
        {"tm0", TP(HF_TIME, 0), {0}, true, NULL},
        {"tsd", TP(HF_TIMESTAMP, 6), {0}, true, NULL},
        /* Strings: PostgreSQL refuses a too-long value (a dirty row) rather
         * than cut it, so declared lengths are not compared. */
        {"vc5", STR(HF_VARCHAR, 8), {0}, true, NULL},
        {"vc5", STR(HF_VARCHAR, HF_LEN_MAX), {0}, true, NULL},
        {"vc5", STR(HF_JSON, HF_LEN_MAX), {0}, true, NULL},
        {"ch3", STR(HF_CHAR, 5), {0}, true, NULL},
    };
#undef DEC
#undef TP
#undef STR
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *names[] = {"id", cases[i].col};
        struct hf_type types[] = {hf_type_make(HF_BIGINT), cases[i].decl};
        struct hf_type vts[] = {types[0], cases[i].vt};
        if (vts[1].id == HF_BOOLEAN)
            vts[1] = cases[i].decl;
        struct hf_schema s;
        schema_make(&s, names, types, 2, NULL, 0);
        struct hf_error err;
        hf_error_clear(&err);
        uint32_t map[2];
        int rc = holo_catalog_check(&m, &s, vts, map, &err);
        hf_schema_free(&s);
        if (cases[i].ok && rc != 0)
            fail_msg("case %zu refused: %s", i, err.msg);
        if (!cases[i].ok && rc == 0)
            fail_msg("case %zu (%s) accepted", i, cases[i].col);
        if (!cases[i].ok) {
            assert_int_equal(err.code, HF_ERR_TYPE);
            if (cases[i].msg && strcmp(err.msg, cases[i].msg) != 0)
                fail_msg("case %zu:\n got  %s\n want %s", i, err.msg,
                         cases[i].msg);
        }
    }
    holo_catalog_free(&m);
}

static void test_find_partition(void **state)
{
    (void)state;
    /* Sorted as load_partitions leaves them: NULL first, then bytewise. */
    static const char *const vals[] = {NULL, "2024-01-01", "2024-01-02",
                                       "beijing", "shanghai"};
    struct holo_table_meta m;
    memset(&m, 0, sizeof m);
    m.nparts = 5;
    m.parts = calloc(5, sizeof *m.parts);
    for (uint32_t i = 0; i < 5; i++) {
        m.parts[i].value = vals[i] ? strdup(vals[i]) : NULL;
        m.parts[i].schema = strdup("public");
        char name[32];
        snprintf(name, sizeof name, "p_%u", i);
        m.parts[i].table = strdup(name);
    }
    for (uint32_t i = 0; i < 5; i++) {
        const struct holo_partition *p = holo_catalog_find_partition(&m, vals[i]);
        assert_non_null(p);
        assert_ptr_equal(p, &m.parts[i]);
    }
    assert_null(holo_catalog_find_partition(&m, "2024-01-03"));
    assert_null(holo_catalog_find_partition(&m, "a"));
    assert_null(holo_catalog_find_partition(&m, "zzz"));
    holo_catalog_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_generations_same_config),
        cmocka_unit_test(test_seed_with_clauses),
        cmocka_unit_test(test_defaults_of_002),
        cmocka_unit_test(test_enum_spellings),
        cmocka_unit_test(test_endpoint_parsing),
        cmocka_unit_test(test_tablename_parsing),
        cmocka_unit_test(test_validation_rules),
        cmocka_unit_test(test_ignoredelete_folding),
        cmocka_unit_test(test_unknown_key_suggests),
        cmocka_unit_test(test_password_never_shown),
        cmocka_unit_test(test_tls_needs_tcp),
        cmocka_unit_test(test_classify_sqlstate),
        cmocka_unit_test(test_session_sql_by_dialect),
        cmocka_unit_test(test_catalog_check),
        cmocka_unit_test(test_catalog_precision),
        cmocka_unit_test(test_find_partition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* clang-format on */
