/*
 * test_plan_upsert_keys.c - the planner's reading of upsert keys and time
 * attributes, checked on `holoflow explain`'s graph: where Flink's
 * SinkUpsertMaterializer goes under table.exec.sink.upsert-materialize
 * AUTO for a CDC source (read straight, through a lookup join whose keys
 * are the dimension's PRIMARY KEY or not, through UNION ALL), Top-N's
 * upsert key (partition + row number), ROW_NUMBER()'s expressions as
 * hidden columns, and a computed rowtime recognised by its expression
 * (renamed: still the rowtime; another expression under its name: not).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "runtime/graph.h"
#include "runtime/plan.h"
#include "sql/planner.h"

#define CDC                                                                   \
    "CREATE TABLE a (id BIGINT, user_id INT, balance INT, tier STRING,"       \
    " proc AS PROCTIME(), PRIMARY KEY (id) NOT ENFORCED) WITH ("              \
    "'connector' = 'filesystem', 'path' = '/nonexistent.json',"               \
    " 'format' = 'debezium-json');\n"                                         \
    "CREATE TABLE dim (user_id INT, city STRING, PRIMARY KEY (user_id) NOT "  \
    "ENFORCED) WITH ('connector' = 'jdbc', 'url' = "                          \
    "'jdbc:postgresql://127.0.0.1:1/x', 'table-name' = 'd');\n"               \
    "CREATE TABLE dim2 (user_id INT, city STRING) WITH ('connector' = "       \
    "'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:1/x', 'table-name' = "      \
    "'d');\n"                                                                 \
    "CREATE TABLE o (user_id INT, id BIGINT, city STRING, PRIMARY KEY "       \
    "(user_id) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = "            \
    "'jdbc:postgresql://127.0.0.1:1/x', 'table-name' = 'o');\n"               \
    "CREATE TABLE oi (id BIGINT, user_id INT, city STRING, PRIMARY KEY "      \
    "(id) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = "                 \
    "'jdbc:postgresql://127.0.0.1:1/x', 'table-name' = 'oi');\n"

/* The explain graph of `text` (planned ok), malloc'd. */
static char *graph_of(const char *text)
{
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    int rc = hf_sql_plan_text("job.sql", text, NULL, 0, &job, &err);
    if (rc != 0)
        fprintf(stderr, "unexpected error:\n%s\n", err.msg);
    assert_int_equal(rc, 0);
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_graph_explain(&job->graph, &sb);
    char *s = strdup(sb.data);
    hf_strbuf_free(&sb);
    hf_job_free(job);
    return s;
}

static void has(const char *text, const char *want)
{
    char *g = graph_of(text);
    if (strstr(g, want) == NULL)
        fprintf(stderr, "got:\n%s\nwant a line with:\n%s\n", g, want);
    assert_non_null(strstr(g, want));
    free(g);
}

static void lacks(const char *text, const char *what)
{
    char *g = graph_of(text);
    if (strstr(g, what) != NULL)
        fprintf(stderr, "got:\n%s\nwant no:\n%s\n", g, what);
    assert_null(strstr(g, what));
    free(g);
}

static const char *plan_err(const char *text)
{
    static struct hf_error err;
    struct hf_job *job = NULL;
    hf_error_clear(&err);
    assert_int_equal(hf_sql_plan_text("job.sql", text, NULL, 0, &job, &err),
                     -1);
    return err.msg;
}

static void test_cdc_sink_mat(void **state)
{
    (void)state;
    /* read straight into a sink keyed otherwise: upsert key id */
    has(CDC "INSERT INTO o SELECT user_id, id, tier FROM a;",
        "upsert-materialize: on user_id, upsert key id "
        "(SinkUpsertMaterializer for 'o')");
    /* the sink keyed by the source's key: none */
    lacks(CDC "INSERT INTO oi SELECT id, user_id, tier FROM a;",
          "upsert-materialize");
    /* a lookup join on the dimension's key keeps the input's key */
    has(CDC "INSERT INTO o SELECT a.user_id, a.id, d.city FROM a JOIN dim "
            "FOR SYSTEM_TIME AS OF a.proc AS d ON a.user_id = d.user_id;",
        "upsert-materialize: on user_id, upsert key id "
        "(SinkUpsertMaterializer for 'o')");
    lacks(CDC "INSERT INTO oi SELECT a.id, a.user_id, d.city FROM a LEFT JOIN "
              "dim FOR SYSTEM_TIME AS OF a.proc AS d ON a.user_id = "
              "d.user_id;",
          "upsert-materialize");
    /* a lookup join's condition that is not BOOLEAN: refused (its type
     * was named after the bound expression holding it was freed) */
    {
        const char *m = plan_err(
            CDC "INSERT INTO o SELECT a.user_id, a.id, d.city FROM a JOIN dim "
                "FOR SYSTEM_TIME AS OF a.proc AS d ON a.user_id = d.user_id "
                "AND a.id;");
        if (strstr(m, "the join condition needs BOOLEAN conditions, found "
                      "BIGINT") == NULL)
            fprintf(stderr, "got: %s\n", m);
        assert_non_null(strstr(m, "the join condition needs BOOLEAN "
                                  "conditions, found BIGINT"));
    }
    /* one-to-many: no upsert key, so materialized even into oi */
    has(CDC "INSERT INTO oi SELECT a.id, a.user_id, d.city FROM a JOIN dim2 "
            "FOR SYSTEM_TIME AS OF a.proc AS d ON a.user_id = d.user_id;",
        "upsert-materialize: on id (SinkUpsertMaterializer for 'oi')");
    /* UNION ALL: no upsert key */
    has(CDC "INSERT INTO oi SELECT id, user_id, tier FROM a UNION ALL "
            "SELECT id, user_id, 'x' FROM a;",
        "upsert-materialize: on id (SinkUpsertMaterializer for 'oi')");
    /* a source without a PRIMARY KEY: none (a deviation from Flink, whose
     * materializer state a restart without a checkpoint would lose,
     * docs/aggregation.md); FORCE still adds it */
    lacks(CDC "CREATE TABLE b (id BIGINT, user_id INT) WITH ('connector' = "
              "'filesystem', 'path' = '/nonexistent.json', 'format' = "
              "'debezium-json');\n"
              "INSERT INTO oi SELECT id, user_id, 'x' FROM b;",
          "upsert-materialize");
    has("SET 'table.exec.sink.upsert-materialize' = 'FORCE';\n" CDC
        "CREATE TABLE b (id BIGINT, user_id INT) WITH ('connector' = "
        "'filesystem', 'path' = '/nonexistent.json', 'format' = "
        "'debezium-json');\n"
        "INSERT INTO oi SELECT id, user_id, 'x' FROM b;",
        "upsert-materialize: on id (SinkUpsertMaterializer for 'oi')");
    /* NONE: never */
    lacks("SET 'table.exec.sink.upsert-materialize' = 'NONE';\n" CDC
          "INSERT INTO o SELECT user_id, id, tier FROM a;",
          "upsert-materialize");
}

#define SHOP                                                                  \
    "CREATE TABLE s (cat STRING, p STRING, sales BIGINT) WITH ("              \
    "'connector' = 'datagen', 'number-of-rows' = '5');\n"                     \
    "CREATE TABLE t (cat STRING, rn BIGINT, p STRING, sales BIGINT, PRIMARY " \
    "KEY (cat, rn) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = "        \
    "'jdbc:postgresql://127.0.0.1:1/x', 'table-name' = 't');\n"               \
    "CREATE TABLE tp (cat STRING, p STRING, sales BIGINT, PRIMARY KEY (p) "   \
    "NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = "                      \
    "'jdbc:postgresql://127.0.0.1:1/x', 'table-name' = 'tp');\n"

static void test_topn_keys(void **state)
{
    (void)state;
    /* Top-N with the row number: upsert key (cat, rn), the sink's */
    lacks(SHOP "INSERT INTO t SELECT cat, rn, p, sales FROM (SELECT *, "
               "ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales DESC) AS "
               "rn FROM s) WHERE rn <= 3;",
          "upsert-materialize");
    /* into a sink keyed otherwise: materialized */
    has(SHOP "INSERT INTO tp SELECT cat, p, sales FROM (SELECT *, "
             "ROW_NUMBER() OVER (PARTITION BY cat ORDER BY sales DESC) AS rn "
             "FROM s) WHERE rn <= 3;",
        "SinkUpsertMaterializer for 'tp'");
}

static void test_hidden_columns(void **state)
{
    (void)state;
    /* expressions of ROW_NUMBER() are computed below the ranking as
     * hidden columns (this was refused before) */
    has(SHOP "INSERT INTO tp SELECT cat, p, sales FROM (SELECT *, "
             "ROW_NUMBER() OVER (PARTITION BY cat ORDER BY UPPER(p)) AS rn "
             "FROM s) WHERE rn = 1;",
        "UPPER(p)");
    has(SHOP "INSERT INTO tp SELECT cat, p, sales FROM (SELECT *, "
             "ROW_NUMBER() OVER (PARTITION BY UPPER(cat) ORDER BY sales "
             "DESC) AS rn FROM s) WHERE rn = 1;",
        "UPPER(cat)");
}

#define MS                                                                    \
    "CREATE TABLE s (id INT, ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ms, 3),"       \
    " WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ("                   \
    "'connector' = 'datagen', 'number-of-rows' = '5');\n"                     \
    "CREATE TABLE o (ws TIMESTAMP(3), c BIGINT) WITH ('connector' = "         \
    "'blackhole');\n"
#define WIN(col)                                                              \
    "INSERT INTO o SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE v, " \
    "DESCRIPTOR(" col "), INTERVAL '10' MINUTES)) GROUP BY window_start, "    \
    "window_end;"

static void test_computed_rowtime(void **state)
{
    (void)state;
    has(MS "CREATE VIEW v AS SELECT id, ts AS t2 FROM s;\n" WIN("t2"),
        "window");
    has(MS "CREATE VIEW v AS SELECT id, ts FROM s;\n" WIN("ts"), "window");
    const char *m = plan_err(
        MS "CREATE VIEW v AS SELECT id, ts + INTERVAL '1' HOUR AS ts FROM "
           "s;\n" WIN("ts"));
    assert_non_null(strstr(m, "requires the time column to be a time "
                              "attribute"));
    m = plan_err(MS "CREATE VIEW v AS SELECT id, TO_TIMESTAMP_LTZ(ms, 3) AS "
                    "ts FROM s;\n" WIN("ts"));
    assert_non_null(strstr(m, "requires the time column to be a time "
                              "attribute"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cdc_sink_mat),
        cmocka_unit_test(test_topn_keys),
        cmocka_unit_test(test_hidden_columns),
        cmocka_unit_test(test_computed_rowtime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
