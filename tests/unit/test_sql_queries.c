/*
 * test_sql_queries.c - planning queries into the operator graph: views,
 * WITH, subqueries, UNION [ALL], VALUES, DISTINCT, LIMIT, OPTIONS hints,
 * computed columns, WATERMARK, CREATE TABLE ... LIKE and DROP, checked on
 * the graph as explain prints it, on the tables' schemas and options, and
 * on every planning error with its place in the script.
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

#include "conf/opt.h"
#include "core/strbuf.h"
#include "runtime/plan.h"
#include "sql/planner.h"

static struct hf_job *plan_ok(const char *text)
{
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    int rc = hf_sql_plan_text("job.sql", text, NULL, 0, &job, &err);
    if (rc != 0)
        fprintf(stderr, "unexpected error:\n%s\n", err.msg);
    assert_int_equal(rc, 0);
    return job;
}

static const char *plan_err(const char *text, hf_err_t *code)
{
    static struct hf_error err;
    struct hf_job *job = NULL;
    hf_error_clear(&err);
    assert_int_equal(hf_sql_plan_text("job.sql", text, NULL, 0, &job, &err),
                     -1);
    assert_null(job);
    if (code)
        *code = err.code;
    return err.msg;
}

static void assert_starts(const char *s, const char *prefix)
{
    if (strncmp(s, prefix, strlen(prefix)) != 0)
        fprintf(stderr, "got:\n%s\nwant prefix:\n%s\n", s, prefix);
    assert_true(strncmp(s, prefix, strlen(prefix)) == 0);
}

/* Plan `text` and compare the graph explain prints with `want`. */
static void graph_is(const char *text, const char *want)
{
    struct hf_job *job = plan_ok(text);
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_graph_explain(&job->graph, &sb);
    if (strcmp(sb.data, want) != 0)
        fprintf(stderr, "got:\n%s\nwant:\n%s\n", sb.data, want);
    assert_string_equal(sb.data, want);
    hf_strbuf_free(&sb);
    hf_job_free(job);
}

static const struct hf_table_def *table(const struct hf_job *job,
                                        const char *name, int nth)
{
    for (uint32_t i = 0; i < job->ntables; i++)
        if (strcmp(job->tables[i]->name, name) == 0 && nth-- == 0)
            return job->tables[i];
    fail_msg("no table %s", name);
    return NULL;
}

#define BATCH "SET 'execution.runtime-mode' = 'batch';\n"
#define SRC                                                                    \
    "CREATE TABLE s (id INT, name STRING, qty BIGINT) WITH ('connector' = "    \
    "'datagen', 'number-of-rows' = '10');\n"
#define OUT                                                                    \
    "CREATE TABLE o (id BIGINT, n STRING) WITH ('connector' = "                \
    "'blackhole');\n"

/* ------------------------------------------------------------ composing */

/* A view over a WITH query over a subquery over a table is one calc in
 * front of the sink; the filters keep their order. */
static void test_compose(void **state)
{
    (void)state;
    graph_is(SRC OUT
             "CREATE VIEW v AS SELECT id * 2 AS d, name FROM s WHERE qty > 0;\n"
             "INSERT INTO o WITH w AS (SELECT d, UPPER(name) AS u FROM v)\n"
             "SELECT d, u FROM (SELECT * FROM w WHERE d < 10) AS x;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: where ((qty > 0) IS TRUE AND ((id * 2) < 10)); "
             "id := CAST((id * 2) AS BIGINT), n := UPPER(name) <- n1\n"
             "  n3 sink: o [blackhole] (INSERT at line 4) <- n2\n");
    /* A plain projection stays one calc, which passes its input on. */
    graph_is(SRC OUT "INSERT INTO o SELECT qty, name FROM s;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: id := qty, n := name <- n1\n"
             "  n3 sink: o [blackhole] (INSERT at line 3) <- n2\n");
}

/* A view read by the two INSERTs of a statement set reads one source. */
static void test_view_shared_source(void **state)
{
    (void)state;
    graph_is(SRC OUT
             "CREATE TEMPORARY VIEW v (i, n) AS SELECT id, name FROM s;\n"
             "EXECUTE STATEMENT SET BEGIN\n"
             "INSERT INTO o SELECT i, n FROM v WHERE i > 1;\n"
             "INSERT INTO o SELECT i + 1, n FROM v;\n"
             "END;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: where (id > 1); id := CAST(id AS BIGINT), n := name "
             "<- n1\n"
             "  n3 sink: o [blackhole] (INSERT at line 5) <- n2\n"
             "  n4 calc: id := CAST((id + 1) AS BIGINT), n := name <- n1\n"
             "  n5 sink: o [blackhole] (INSERT at line 6) <- n4\n");
}

/* Names: alias, column name, EXPR$<position>, a repeat numbered (a, a0);
 * they show as the columns of the node made for a LIMIT. */
static void test_column_names(void **state)
{
    (void)state;
    graph_is(BATCH SRC
             "CREATE TABLE o4 (a INT, b INT, c INT, d STRING) WITH "
             "('connector' = 'blackhole');\n"
             "INSERT INTO o4 SELECT id, id, id + 1, s.name AS d FROM s LIMIT "
             "3;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: id := id, id0 := id, EXPR$2 := (id + 1), d := name "
             "<- n1\n"
             "  n3 limit: first 3 rows <- n2\n"
             "  n4 calc: a := id, b := id0, c := `EXPR$2`, d := d <- n3\n"
             "  n5 sink: o4 [blackhole] (INSERT at line 4) <- n4\n");
}

/* A random value is drawn once per row, not once per use. */
static void test_random_not_composed(void **state)
{
    (void)state;
    graph_is(SRC OUT "INSERT INTO o SELECT r, CAST(r AS STRING) FROM (SELECT "
                     "RAND_INTEGER(10) AS r FROM s) AS t;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: r := RAND_INTEGER(10) <- n1\n"
             "  n3 calc: id := CAST(r AS BIGINT), n := CAST(r AS STRING) <- "
             "n2\n"
             "  n4 sink: o [blackhole] (INSERT at line 3) <- n3\n");
}

/* ------------------------------------------------------------ UNION, VALUES */

static void test_union_all(void **state)
{
    (void)state;
    graph_is(SRC OUT
             "CREATE TABLE s2 (k BIGINT, v VARCHAR(3)) WITH ('connector' = "
             "'datagen', 'number-of-rows' = '2');\n"
             "INSERT INTO o SELECT id, name FROM s WHERE id > 0\n"
             "UNION ALL SELECT k, v FROM s2 UNION ALL SELECT qty, 'x' FROM s;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 source: s2 [datagen]\n"
             "  n3 calc: where (id > 0); id := CAST(id AS BIGINT), name := "
             "name <- n1\n"
             "  n4 calc: k := k, v := CAST(v AS STRING) <- n2\n"
             "  n5 calc: qty := qty, EXPR$1 := 'x' <- n1\n"
             "  n6 union: all of 3 inputs <- n3, n4, n5\n"
             "  n7 calc: id := id, n := name <- n6\n"
             "  n8 sink: o [blackhole] (INSERT at line 4) <- n7\n");
    /* Branches already of the common types feed the union directly. */
    graph_is(SRC
             "CREATE TABLE o3 (id INT, name STRING, qty BIGINT) WITH "
             "('connector' = 'blackhole');\n"
             "INSERT INTO o3 SELECT * FROM s UNION ALL SELECT id, name, qty "
             "FROM s;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 union: all of 2 inputs <- n1, n1\n"
             "  n3 calc: id := id, name := name, qty := qty <- n2\n"
             "  n4 sink: o3 [blackhole] (INSERT at line 3) <- n3\n");
}

static void test_values(void **state)
{
    (void)state;
    /* Under INSERT, VALUES take the types of the columns they fill. */
    graph_is(OUT "INSERT INTO o VALUES (1, 'a'), (NULL, 'bc');",
             "graph:\n"
             "  n1 source: VALUES at 2:15 [values]\n"
             "  n2 calc: id := `EXPR$0`, n := `EXPR$1` <- n1\n"
             "  n3 sink: o [blackhole] (INSERT at line 2) <- n2\n");
    struct hf_job *job =
        plan_ok(OUT "INSERT INTO o SELECT x, y FROM (VALUES (1, 'a'), (2, "
                    "'bc')) AS t (x, y);\n"
                    "INSERT INTO o SELECT 7, 'seven';");
    const struct hf_table_def *v = job->tables[1];
    char tn[64];
    assert_string_equal(v->name, "VALUES at 2:33");
    assert_string_equal(v->connector->name, "values");
    assert_string_equal(v->schema.cols[0].name, "EXPR$0");
    assert_string_equal(hf_type_name(&v->schema.cols[0].type, tn, sizeof tn),
                        "INT");
    assert_true(v->schema.cols[0].type.not_null);
    /* CHAR(1) and CHAR(2) meet as VARCHAR(2), as in Flink. */
    assert_string_equal(hf_type_name(&v->schema.cols[1].type, tn, sizeof tn),
                        "VARCHAR(2)");
    assert_int_equal(job->ntables, 3); /* SELECT without FROM: one row */
    hf_job_free(job);
}

static void test_distinct_limit(void **state)
{
    (void)state;
    graph_is(BATCH SRC OUT
             "INSERT INTO o SELECT DISTINCT qty, name FROM s WHERE id > 2;\n"
             "INSERT INTO o SELECT id, name FROM s UNION SELECT qty, name "
             "FROM s LIMIT 4 OFFSET 1;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: where (id > 2); qty := qty, name := name <- n1\n"
             "  n3 distinct: on qty, name <- n2\n"
             "  n4 calc: id := qty, n := name <- n3\n"
             "  n5 sink: o [blackhole] (INSERT at line 4) <- n4\n"
             "  n6 calc: id := CAST(id AS BIGINT), name := name <- n1\n"
             "  n7 calc: qty := qty, name := name <- n1\n"
             "  n8 union: all of 2 inputs <- n6, n7\n"
             "  n9 distinct: on id, name <- n8\n"
             "  n10 limit: first 4 rows after skipping 1 <- n9\n"
             "  n11 calc: id := id, n := name <- n10\n"
             "  n12 sink: o [blackhole] (INSERT at line 5) <- n11\n");
}

/* ------------------------------------------------------------ tables */

static void test_hints(void **state)
{
    (void)state;
    struct hf_job *job =
        plan_ok(SRC OUT "INSERT INTO o SELECT id, name FROM s /*+ "
                        "OPTIONS('number-of-rows' = '3') */;\n"
                        "INSERT INTO o SELECT id, name FROM s /*+ "
                        "OPTIONS('number-of-rows' = '3') */;\n"
                        "INSERT INTO o SELECT id, name FROM s;");
    assert_int_equal(job->ntables, 3); /* s, o, s with the hint (once) */
    const struct hf_table_def *h = table(job, "s", 1);
    assert_string_equal(h->note, "with the OPTIONS hint at line 3");
    assert_int_equal(hf_opts_int(&h->opts, "number-of-rows", NULL), 3);
    assert_int_equal(
        hf_opts_int(&table(job, "s", 0)->opts, "number-of-rows", NULL), 10);
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_graph_explain(&job->graph, &sb);
    assert_string_equal(
        sb.data, "graph:\n"
                 "  n1 source: s [datagen] (with the OPTIONS hint at line 3)\n"
                 "  n2 calc: id := CAST(id AS BIGINT), n := name <- n1\n"
                 "  n3 sink: o [blackhole] (INSERT at line 3) <- n2\n"
                 "  n4 calc: id := CAST(id AS BIGINT), n := name <- n1\n"
                 "  n5 sink: o [blackhole] (INSERT at line 4) <- n4\n"
                 "  n6 source: s [datagen]\n"
                 "  n7 calc: id := CAST(id AS BIGINT), n := name <- n6\n"
                 "  n8 sink: o [blackhole] (INSERT at line 5) <- n7\n");
    hf_strbuf_free(&sb);
    hf_job_free(job);

    const char *m = plan_err(SRC OUT "INSERT INTO o SELECT id, name FROM s "
                                     "/*+ OPTIONS('rows-per-secnd' = '1') */;",
                             NULL);
    assert_starts(m, "job.sql:3:50: error: unknown option 'rows-per-secnd' "
                     "for connector 'datagen'; did you mean "
                     "'rows-per-second'?");
    m = plan_err(
        "SET 'table.dynamic-table-options.enabled' = 'false';\n" SRC OUT
        "INSERT INTO o SELECT id, name FROM s /*+ "
        "OPTIONS('number-of-rows' = '3') */;",
        NULL);
    assert_starts(m, "job.sql:4:42: error: OPTIONS hints are off: "
                     "'table.dynamic-table-options.enabled' is 'false'");
    m = plan_err(SRC OUT "INSERT INTO o WITH w AS (SELECT id, name FROM s) "
                         "SELECT * FROM w /*+ OPTIONS('a' = 'b') */;",
                 NULL);
    assert_starts(m, "job.sql:3:70: error: 'w' is a WITH query; OPTIONS hints "
                     "apply to tables");
}

static void test_computed_columns(void **state)
{
    (void)state;
    struct hf_job *job = plan_ok(
        "CREATE TABLE k (id INT, ms BIGINT, price DECIMAL(10, 2),\n"
        "  ts AS TO_TIMESTAMP_LTZ(ms, 3), cost AS price * 2, pt AS "
        "PROCTIME(),\n"
        "  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)\n"
        "WITH ('connector' = 'datagen');\n"
        "CREATE TABLE o (id INT, ts TIMESTAMP_LTZ(3), cost DECIMAL(12, 2), "
        "c2 AS id + 1) WITH ('connector' = 'blackhole');\n"
        "INSERT INTO o SELECT id, ts, cost FROM k WHERE cost > 1;");
    const struct hf_table_def *k = job->tables[0];
    char tn[64];
    assert_int_equal(k->schema.cols[3].kind, HF_COL_COMPUTED);
    assert_string_equal(hf_type_name(&k->schema.cols[3].type, tn, sizeof tn),
                        "TIMESTAMP_LTZ(3)");
    assert_string_equal(k->schema.cols[3].expr, "TO_TIMESTAMP_LTZ(ms, 3)");
    assert_string_equal(hf_type_name(&k->schema.cols[4].type, tn, sizeof tn),
                        "DECIMAL(21, 2)");
    assert_non_null(k->watermark);
    assert_int_equal(k->watermark->rowtime, 3);
    assert_string_equal(k->watermark->text,
                        "(TO_TIMESTAMP_LTZ(ms, 3) - CAST('+0 00:00:05.000' AS "
                        "INTERVAL DAY TO SECOND(3)))");
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_graph_explain(&job->graph, &sb);
    assert_string_equal(
        sb.data,
        "graph:\n"
        "  n1 source: k [datagen]\n"
        "  n2 calc: where ((price * CAST(2 AS DECIMAL(10, 0))) > 1); "
        "id := id, ts := TO_TIMESTAMP_LTZ(ms, 3), cost := "
        "CAST((price * CAST(2 AS DECIMAL(10, 0))) AS DECIMAL(12, 2)), c2 := "
        "CAST(NULL AS INT) <- n1\n"
        "  n3 sink: o [blackhole] (INSERT at line 6) <- n2\n");
    hf_strbuf_free(&sb);
    hf_job_free(job);

    const char *m = plan_err("CREATE TABLE t (a INT, b AS a + 1, c AS b * 2) "
                             "WITH ('connector' = 'datagen');",
                             NULL);
    assert_starts(m, "job.sql:1:41: error: computed column 'c' uses computed "
                     "column 'b'");
    m = plan_err("CREATE TABLE t (a INT, b AS UPPER(a)) WITH ('connector' = "
                 "'datagen');",
                 NULL);
    assert_starts(m, "job.sql:1:29: error:");
    m = plan_err("CREATE TABLE t (a INT, b AS a + 1) WITH ('connector' = "
                 "'blackhole');\n" SRC
                 "INSERT INTO t (a, b) SELECT id, id FROM s;",
                 NULL);
    assert_starts(m, "job.sql:3:19: error: column 'b' of table 't' is a "
                     "computed column and cannot be written");
    m = plan_err("CREATE TABLE t (a INT, b AS a + 1) WITH ('connector' = "
                 "'blackhole');\n" SRC "INSERT INTO t SELECT id, id FROM s;",
                 NULL);
    assert_starts(m, "job.sql:3:13: error: INSERT into 't' has 1 column but "
                     "the query produces 2");
    m = plan_err("CREATE TABLE t (a INT, ts TIMESTAMP(6), WATERMARK FOR ts AS "
                 "ts) WITH ('connector' = 'datagen');",
                 NULL);
    assert_starts(m, "job.sql:1:55: error: the WATERMARK column 'ts' is "
                     "TIMESTAMP(6); as in Flink it must be TIMESTAMP(p) or "
                     "TIMESTAMP_LTZ(p) with p from 0 to 3");
    m = plan_err("CREATE TABLE t (a INT, ts TIMESTAMP(3), WATERMARK FOR x AS "
                 "ts) WITH ('connector' = 'datagen');",
                 NULL);
    assert_starts(m, "job.sql:1:55: error: the WATERMARK column 'x' is not a "
                     "column of table 't'");
    m = plan_err("CREATE TABLE t (a INT, ts TIMESTAMP(3), WATERMARK FOR ts AS "
                 "a) WITH ('connector' = 'datagen');",
                 NULL);
    assert_starts(m, "job.sql:1:61: error: the WATERMARK expression gives INT "
                     "but the column 'ts' is TIMESTAMP(3)");
}

static void test_like(void **state)
{
    (void)state;
    struct hf_job *job = plan_ok(
        "CREATE TABLE b (id INT, ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ms, 3),\n"
        "  m STRING METADATA FROM 'file.path' VIRTUAL,\n"
        "  WATERMARK FOR ts AS ts, PRIMARY KEY (id) NOT ENFORCED)\n"
        "WITH ('connector' = 'filesystem', 'path' = '/a', 'format' = "
        "'csv');\n"
        "CREATE TABLE d1 (extra STRING) WITH ('path' = '/b') LIKE b;\n"
        "CREATE TABLE d2 (ts AS TO_TIMESTAMP_LTZ(ms + 1, 3)) WITH "
        "('connector' = 'blackhole')\n"
        "LIKE b (EXCLUDING OPTIONS OVERWRITING GENERATED EXCLUDING "
        "WATERMARKS EXCLUDING METADATA EXCLUDING CONSTRAINTS);");
    const struct hf_table_def *d1 = job->tables[1];
    assert_int_equal(d1->schema.ncols, 5);
    assert_string_equal(d1->schema.cols[2].name, "ts");
    assert_int_equal(d1->schema.cols[3].kind, HF_COL_METADATA);
    assert_string_equal(d1->schema.cols[4].name, "extra");
    assert_int_equal(d1->schema.npk, 1);
    assert_non_null(d1->watermark);
    assert_string_equal(d1->connector->name, "filesystem");
    assert_string_equal(hf_opts_str(&d1->opts, "path", NULL), "/b");
    assert_string_equal(hf_opts_str(&job->tables[0]->opts, "path", NULL), "/a");
    const struct hf_table_def *d2 = job->tables[2];
    assert_int_equal(d2->schema.ncols, 3);
    assert_string_equal(d2->schema.cols[2].expr,
                        "TO_TIMESTAMP_LTZ((ms + 1), 3)");
    assert_int_equal(d2->schema.npk, 0);
    assert_null(d2->watermark);
    assert_string_equal(d2->connector->name, "blackhole");
    hf_job_free(job);

#define BASE                                                                   \
    "CREATE TABLE b (id INT, c AS id + 1, PRIMARY KEY (id) NOT ENFORCED) "     \
    "PARTITIONED BY (id) WITH ('connector' = 'blackhole');\n"
    const char *m = plan_err(BASE "CREATE TABLE d (c AS id + 2) LIKE b;", NULL);
    assert_starts(m, "job.sql:2:17: error: a computed column named 'c' "
                     "already exists in the LIKE table 'b'; specify EXCLUDING "
                     "GENERATED or OVERWRITING GENERATED");
    m = plan_err(BASE "CREATE TABLE d (c INT) LIKE b;", NULL);
    assert_starts(m, "job.sql:2:17: error: a column named 'c' already exists "
                     "in the LIKE table 'b'");
    m = plan_err(BASE "CREATE TABLE d (PRIMARY KEY (id) NOT ENFORCED) LIKE b;",
                 NULL);
    assert_starts(m, "job.sql:2:30: error: the LIKE table 'b' already has a "
                     "primary key; specify EXCLUDING CONSTRAINTS");
    m = plan_err(BASE "CREATE TABLE d (x INT) PARTITIONED BY (x) LIKE b;",
                 NULL);
    assert_starts(m, "job.sql:2:24: error: the LIKE table 'b' already has "
                     "partitions; specify EXCLUDING PARTITIONS");
    m = plan_err(BASE "CREATE TABLE d WITH ('connector' = 'print') LIKE b "
                      "(INCLUDING OPTIONS);",
                 NULL);
    assert_starts(m, "job.sql:2:22: error: the LIKE table 'b' already has "
                     "option 'connector'; specify EXCLUDING OPTIONS or "
                     "OVERWRITING OPTIONS");
    m = plan_err("CREATE TABLE g (id INT) WITH ('connector' = 'datagen');\n"
                 "CREATE VIEW v AS SELECT id FROM g;\n"
                 "CREATE TABLE d LIKE v;",
                 NULL);
    assert_starts(m, "job.sql:3:21: error: 'v' is a view; LIKE needs a table");
    m = plan_err("CREATE TABLE d LIKE nope;", NULL);
    assert_starts(m, "job.sql:1:21: error: unknown LIKE table 'nope'");
}

/* ------------------------------------------------------------ names */

static void test_catalog(void **state)
{
    (void)state;
    /* A dropped name may be created again; a temporary view hides a
     * table of the same name. */
    graph_is(SRC OUT "CREATE VIEW v AS SELECT id, name FROM s;\n"
                     "DROP VIEW v;\n"
                     "CREATE VIEW v AS SELECT qty, name FROM s;\n"
                     "DROP TEMPORARY TABLE IF EXISTS nothing;\n"
                     "CREATE TEMPORARY VIEW o2 AS SELECT 1 AS one;\n"
                     "INSERT INTO o SELECT * FROM v;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: id := qty, n := name <- n1\n"
             "  n3 sink: o [blackhole] (INSERT at line 8) <- n2\n");
    graph_is(SRC OUT "CREATE TEMPORARY VIEW s AS SELECT 5 AS id, 'x' AS name;\n"
                     "INSERT INTO o SELECT id, name FROM s;\n"
                     "DROP TEMPORARY VIEW s;\n"
                     "INSERT INTO o SELECT id, name FROM s;",
             "graph:\n"
             "  n1 source: VALUES at 3:28 [values]\n"
             "  n2 calc: id := 5, n := 'x' <- n1\n"
             "  n3 sink: o [blackhole] (INSERT at line 4) <- n2\n"
             "  n4 source: s [datagen]\n"
             "  n5 calc: id := CAST(id AS BIGINT), n := name <- n4\n"
             "  n6 sink: o [blackhole] (INSERT at line 6) <- n5\n");

    const char *m = plan_err(SRC "DROP TABLE s;\nDROP TABLE s;", NULL);
    assert_starts(m, "job.sql:3:12: error: table 's' does not exist");
    m = plan_err(SRC "CREATE TEMPORARY VIEW s AS SELECT 1 AS a;\nDROP TABLE s;",
                 NULL);
    assert_starts(m, "job.sql:3:12: error: a temporary table 's' hides this "
                     "one");
    m = plan_err(SRC OUT "DROP TABLE s;\nINSERT INTO o SELECT id, name FROM s;",
                 NULL);
    assert_starts(m, "job.sql:4:36: error: table 's' was dropped before this "
                     "point");
    m = plan_err(SRC "CREATE VIEW s AS SELECT 1 AS a;", NULL);
    assert_starts(m, "job.sql:2:13: error: view 's' is already defined (as a "
                     "table at line 1)");
    m = plan_err(OUT "INSERT INTO o SELECT * FROM v;\n"
                     "CREATE VIEW v AS SELECT 1 AS a, 'b' AS b;",
                 NULL);
    assert_starts(m, "job.sql:2:29: error: view 'v' is used before it is "
                     "created (CREATE VIEW at line 3)");
    m = plan_err(SRC "CREATE VIEW v (a, b) AS SELECT id FROM s;", NULL);
    assert_starts(m, "job.sql:2:13: error: view 'v' names 2 columns but its "
                     "query gives 1");
    m = plan_err(SRC OUT "INSERT INTO o SELECT x.id, name FROM (SELECT id, "
                         "name FROM s);",
                 NULL);
    assert_starts(m,
                  "job.sql:3:24: error: unknown table 'x' in 'x.id'; the query "
                  "reads '(subquery)'");
    m = plan_err(SRC OUT "INSERT INTO o SELECT t.* FROM s AS u;", NULL);
    assert_starts(m, "job.sql:3:22: error: unknown table 't' in 't.*'; the "
                     "query reads 'u'");
    m = plan_err(OUT "INSERT INTO o SELECT *;", NULL);
    assert_starts(m, "job.sql:2:22: error: SELECT * needs a FROM clause");
}

static void test_refusals(void **state)
{
    (void)state;
    hf_err_t code;
    const char *m;
    m = plan_err(SRC OUT "INSERT INTO o SELECT id, name FROM s LIMIT 1;",
                 &code);
    assert_starts(m, "job.sql:3:38: error: LIMIT is not supported in "
                     "streaming mode");
    m = plan_err(SRC OUT "INSERT OVERWRITE o SELECT id, name FROM s;", &code);
    assert_starts(m, "job.sql:3:8: error: INSERT OVERWRITE is not supported "
                     "by table 'o': connector 'blackhole' cannot replace what "
                     "the table holds");
    assert_int_equal(code, HF_ERR_UNSUPPORTED);
    m = plan_err(SRC OUT "INSERT INTO o SELECT id, name FROM s UNION ALL "
                         "SELECT name, id FROM s;",
                 NULL);
    assert_starts(m, "job.sql:3:55: error: UNION ALL: column 1 ('id') is INT "
                     "in the first queries and STRING in query 2; add a CAST");
    m = plan_err(OUT "INSERT INTO o VALUES (1, 'a'), ('b', 'c');", NULL);
    assert_starts(m, "job.sql:2:33: error: VALUES: cannot cast CHAR(1) to "
                     "BIGINT");
    m = plan_err(OUT "INSERT INTO o SELECT a, b FROM (VALUES (NULL, 'a')) AS "
                     "t (a, b);",
                 NULL);
    assert_starts(m, "job.sql:2:41: error: VALUES: column 1 is NULL in every "
                     "row, so it has no type; write CAST(NULL AS <type>)");
    m = plan_err(SRC OUT "INSERT INTO o SELECT id, name FROM s WHERE id;",
                 NULL);
    assert_starts(m, "job.sql:3:44: error: WHERE needs a BOOLEAN condition, "
                     "found INT");
}

/* ------------------------------------------------------------ aggregation */

#define UPS(pk)                                                                \
    "CREATE TABLE u (id INT, c BIGINT, PRIMARY KEY (" pk ") NOT ENFORCED) "   \
    "WITH ('connector' = 'upsert-kafka', 'topic' = 't', "                     \
    "'properties.bootstrap.servers' = 'localhost:1', 'key.format' = "         \
    "'json', 'value.format' = 'json');\n"

static void test_aggregate_plans(void **state)
{
    (void)state;
    /* keys, calls, FILTER, HAVING: a calc, the aggregate, a calc */
    graph_is(SRC OUT "INSERT INTO o SELECT id, MAX(name) FROM s "
                     "WHERE qty > 0 GROUP BY id HAVING COUNT(*) "
                     "FILTER (WHERE qty > 5) > 1;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: where (qty > 0); $k0 := id, $a0 := name, $f1 := (qty > 5) <- n1\n"
             "  n3 group-aggregate: groupBy=[id], select=[id, MAX(name), COUNT(*) FILTER (WHERE qty > 5)]; emits -U/+U <- n2\n"
             "  n4 calc: where (`$agg1` > 1); id := CAST(id AS BIGINT), n := `$agg0` <- n3\n"
             "  n5 sink: o [blackhole] (INSERT at line 3) <- n4\n");
    /* streaming DISTINCT and UNION are aggregates */
    graph_is(SRC OUT "INSERT INTO o SELECT DISTINCT id, name FROM s;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: id := id, name := name <- n1\n"
             "  n3 group-aggregate: groupBy=[id, name], select=[id, name]; emits -U/+U <- n2\n"
             "  n4 calc: id := CAST(id AS BIGINT), n := name <- n3\n"
             "  n5 sink: o [blackhole] (INSERT at line 3) <- n4\n");
    /* an upsert sink keyed by the GROUP BY column gets +U only */
    graph_is(SRC UPS("id") "INSERT INTO u SELECT id, COUNT(*) FROM s "
                           "GROUP BY id;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: $k0 := id <- n1\n"
             "  n3 group-aggregate: groupBy=[id], select=[id, COUNT(*)]; emits +U only <- n2\n"
             "  n4 calc: id := id, c := `$agg0` <- n3\n"
             "  n5 sink: u [upsert-kafka, json] (INSERT at line 3) <- n4\n");
    /* a key strictly containing it gets -U too */
    graph_is(SRC UPS("id, c") "INSERT INTO u SELECT id, COUNT(*) FROM s "
                              "GROUP BY id;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: $k0 := id <- n1\n"
             "  n3 group-aggregate: groupBy=[id], select=[id, COUNT(*)]; emits -U/+U <- n2\n"
             "  n4 calc: id := id, c := `$agg0` <- n3\n"
             "  n5 sink: u [upsert-kafka, json] (INSERT at line 3) <- n4\n");
    /* a key not containing it: a SinkUpsertMaterializer matching on id */
    graph_is(SRC UPS("c") "INSERT INTO u SELECT id, COUNT(*) FROM s "
                          "GROUP BY id;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: $k0 := id <- n1\n"
             "  n3 group-aggregate: groupBy=[id], select=[id, COUNT(*)]; emits -U/+U <- n2\n"
             "  n4 calc: id := id, c := `$agg0` <- n3\n"
             "  n5 upsert-materialize: on c, upsert key id (SinkUpsertMaterializer for 'u') <- n4\n"
             "  n6 sink: u [upsert-kafka, json] (INSERT at line 3) <- n5\n");
    /* FORCE: one even for the key that is the upsert key (+U only) */
    graph_is("SET 'table.exec.sink.upsert-materialize' = 'FORCE';\n" SRC
                 UPS("id") "INSERT INTO u SELECT id, COUNT(*) FROM s "
                           "GROUP BY id;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: $k0 := id <- n1\n"
             "  n3 group-aggregate: groupBy=[id], select=[id, COUNT(*)]; emits +U only <- n2\n"
             "  n4 calc: id := id, c := `$agg0` <- n3\n"
             "  n5 upsert-materialize: on id, upsert key id (SinkUpsertMaterializer for 'u') <- n4\n"
             "  n6 sink: u [upsert-kafka, json] (INSERT at line 4) <- n5\n");
    /* NONE: the changes go to the sink as they come */
    graph_is("SET 'table.exec.sink.upsert-materialize' = 'NONE';\n" SRC
                 UPS("c") "INSERT INTO u SELECT id, COUNT(*) FROM s "
                          "GROUP BY id;",
             "graph:\n"
             "  n1 source: s [datagen]\n"
             "  n2 calc: $k0 := id <- n1\n"
             "  n3 group-aggregate: groupBy=[id], select=[id, COUNT(*)]; emits -U/+U <- n2\n"
             "  n4 calc: id := id, c := `$agg0` <- n3\n"
             "  n5 sink: u [upsert-kafka, json] (INSERT at line 4) <- n4\n");
}

static void test_aggregate_errors(void **state)
{
    (void)state;
    hf_err_t code;
    const char *m;
    m = plan_err(SRC OUT "INSERT INTO o SELECT id, name FROM s GROUP BY id;",
                 &code);
    assert_starts(m, "job.sql:3:26: error: Expression 'name' is not being "
                     "grouped");
    m = plan_err(SRC OUT "INSERT INTO o SELECT id, SUM(name) FROM s "
                         "GROUP BY id;",
                 &code);
    assert_starts(m, "job.sql:3:26: error: SUM needs a numeric argument, "
                     "found STRING");
    m = plan_err(SRC OUT "INSERT INTO o SELECT id, SUM(MAX(qty)) FROM s "
                         "GROUP BY id;",
                 &code);
    assert_starts(m, "job.sql:3:30: error: aggregate function MAX cannot be "
                     "inside another aggregate function");
    m = plan_err(SRC OUT "INSERT INTO o SELECT id, 'x' FROM s WHERE "
                         "COUNT(*) > 1 GROUP BY id;",
                 &code);
    assert_starts(m, "job.sql:3:43: error: aggregate functions are not "
                     "allowed in WHERE");
    m = plan_err("SET 'table.exec.mini-batch.enabled' = 'true';\n" SRC OUT
                 "INSERT INTO o SELECT id, COUNT(*) FROM s GROUP BY id;",
                 &code);
    assert_starts(m, "job.sql:4:15: error: table.exec.mini-batch.enabled is "
                     "true: table.exec.mini-batch.allow-latency and "
                     "table.exec.mini-batch.size must both be set above 0");
    m = plan_err(SRC OUT "INSERT INTO o SELECT id, 'x' FROM s GROUP BY id "
                         "LIMIT 3;",
                 &code);
    assert_non_null(strstr(m, "error: LIMIT"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compose),
        cmocka_unit_test(test_view_shared_source),
        cmocka_unit_test(test_column_names),
        cmocka_unit_test(test_random_not_composed),
        cmocka_unit_test(test_union_all),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_distinct_limit),
        cmocka_unit_test(test_hints),
        cmocka_unit_test(test_computed_columns),
        cmocka_unit_test(test_like),
        cmocka_unit_test(test_catalog),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_aggregate_plans),
        cmocka_unit_test(test_aggregate_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
