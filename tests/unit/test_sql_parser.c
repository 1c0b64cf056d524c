/*
 * test_sql_parser.c - every statement form of the SQL subset, the seeds'
 * DDL, data types, expression precedence and syntax error messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <string.h>

#include "sql/parser.h"

static struct hf_sql_src src_of(const char *text)
{
    struct hf_sql_src s = {
        .file = "job.sql", .text = text, .len = strlen(text)};
    return s;
}

static struct hf_ast_script *parse_ok(const char *text)
{
    struct hf_sql_src s = src_of(text);
    struct hf_ast_script *ast = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    int rc = hf_sql_parse(&s, &ast, &err);
    if (rc != 0)
        fprintf(stderr, "unexpected error: %s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_non_null(ast);
    return ast;
}

/* Parse `text`, expect failure, return the message (static buffer). */
static const char *parse_err(const char *text, hf_err_t *code)
{
    static struct hf_error err;
    struct hf_sql_src s = src_of(text);
    struct hf_ast_script *ast = NULL;
    hf_error_clear(&err);
    assert_int_equal(hf_sql_parse(&s, &ast, &err), -1);
    assert_null(ast);
    if (code)
        *code = err.code;
    return err.msg;
}

static void assert_prefix(const char *s, const char *prefix)
{
    if (strncmp(s, prefix, strlen(prefix)) != 0)
        fprintf(stderr, "got: %s\nwant prefix: %s\n", s, prefix);
    assert_true(strncmp(s, prefix, strlen(prefix)) == 0);
}

static void type_is(const char *text, const char *name, bool not_null)
{
    struct hf_type t;
    struct hf_error err;
    hf_error_clear(&err);
    int rc = hf_sql_parse_type(text, &t, &err);
    if (rc != 0)
        fprintf(stderr, "%s: %s\n", text, err.msg);
    assert_int_equal(rc, 0);
    char buf[64];
    assert_string_equal(hf_type_name(&t, buf, sizeof buf), name);
    assert_int_equal(t.not_null, not_null);
}

static void type_err(const char *text, const char *part)
{
    struct hf_type t;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_sql_parse_type(text, &t, &err), -1);
    if (strstr(err.msg, part) == NULL)
        fprintf(stderr, "got: %s\nwant: %s\n", err.msg, part);
    assert_non_null(strstr(err.msg, part));
}

/* ------------------------------------------------------------ SET */

static void test_set(void **state)
{
    (void)state;
    struct hf_ast_script *a =
        parse_ok("SET 'execution.runtime-mode' = 'batch';\n"
                 "set execution.checkpointing.interval = 10s;\n"
                 "SET pipeline.name = 'my job'");
    assert_int_equal(a->nstmts, 3);
    assert_int_equal(a->stmts[0].kind, HF_STMT_SET);
    assert_string_equal(a->stmts[0].u.set.key, "execution.runtime-mode");
    assert_string_equal(a->stmts[0].u.set.value, "batch");
    assert_int_equal(a->stmts[0].u.set.line, 1);
    assert_int_equal(a->stmts[0].u.set.col, 5);
    assert_string_equal(a->stmts[1].u.set.key,
                        "execution.checkpointing.interval");
    assert_string_equal(a->stmts[1].u.set.value, "10s");
    assert_int_equal(a->stmts[1].u.set.line, 2);
    assert_string_equal(a->stmts[2].u.set.key, "pipeline.name");
    assert_string_equal(a->stmts[2].u.set.value, "my job");
    hf_ast_script_free(a);

    assert_prefix(parse_err("SET;", NULL),
                  "job.sql:1:1: error: SET needs a key and a value");
    assert_prefix(parse_err("SET 'a' 'b';", NULL),
                  "job.sql:1:12: error: expected '=' after the SET key, found "
                  "';'");
}

/* ------------------------------------------------------------ CREATE TABLE */

static void test_create_full(void **state)
{
    (void)state;
    struct hf_ast_script *a =
        parse_ok("CREATE TEMPORARY TABLE IF NOT EXISTS cat.db.orders (\n"
                 "  id BIGINT NOT NULL COMMENT 'the id',\n"
                 "  `user name` VARCHAR(20),\n"
                 "  price DECIMAL(38, 2),\n"
                 "  tags ARRAY<STRING>,\n"
                 "  part STRING METADATA FROM 'partition' VIRTUAL,\n"
                 "  ts TIMESTAMP(3) METADATA,\n"
                 "  pt AS PROCTIME(),\n"
                 "  dt STRING,\n"
                 "  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,\n"
                 "  CONSTRAINT pk PRIMARY KEY (id, dt) NOT ENFORCED\n"
                 ") COMMENT 'orders' PARTITIONED BY (dt) WITH (\n"
                 "  'connector' = 'filesystem',\n"
                 "  'path' = '/tmp/x',\n"
                 "  'csv.field-delimiter' = U&'\\0001'\n"
                 ");");
    assert_int_equal(a->nstmts, 1);
    const struct hf_ast_create_table *ct = &a->stmts[0].u.create;
    assert_true(ct->temporary);
    assert_true(ct->if_not_exists);
    assert_string_equal(ct->name.name, "orders");
    assert_string_equal(ct->full_name, "cat.db.orders");
    assert_int_equal(ct->ncols, 8);
    char buf[64];
    assert_string_equal(ct->cols[0].name.name, "id");
    assert_true(ct->cols[0].type.not_null);
    assert_string_equal(ct->cols[0].comment, "the id");
    assert_string_equal(ct->cols[1].name.name, "user name");
    assert_string_equal(hf_type_name(&ct->cols[1].type, buf, sizeof buf),
                        "VARCHAR(20)");
    assert_string_equal(hf_type_name(&ct->cols[2].type, buf, sizeof buf),
                        "DECIMAL(38, 2)");
    assert_string_equal(hf_type_name(&ct->cols[3].type, buf, sizeof buf),
                        "ARRAY<STRING>");
    assert_int_equal(ct->cols[4].kind, HF_COL_METADATA);
    assert_string_equal(ct->cols[4].meta_key, "partition");
    assert_true(ct->cols[4].is_virtual);
    assert_int_equal(ct->cols[5].kind, HF_COL_METADATA);
    assert_null(ct->cols[5].meta_key);
    assert_false(ct->cols[5].is_virtual);
    assert_int_equal(ct->cols[6].kind, HF_COL_PROCTIME);
    assert_string_equal(hf_type_name(&ct->cols[6].type, buf, sizeof buf),
                        "TIMESTAMP_LTZ(3)");
    assert_int_equal(ct->npk, 2);
    assert_string_equal(ct->pk[0].name, "id");
    assert_string_equal(ct->pk[1].name, "dt");
    assert_int_equal(ct->pk_line, 11);
    assert_int_equal(ct->npart, 1);
    assert_string_equal(ct->part[0].name, "dt");
    assert_string_equal(ct->comment, "orders");
    assert_true(ct->has_with);
    assert_int_equal(ct->nopts, 3);
    assert_string_equal(ct->opts[0].key.name, "connector");
    assert_string_equal(ct->opts[0].value, "filesystem");
    assert_int_equal(ct->opts[0].key.line, 13);
    assert_int_equal(ct->opts[0].key.col, 3);
    assert_int_equal(ct->opts[0].vline, 13);
    assert_int_equal(ct->opts[0].vcol, 17);
    assert_string_equal(ct->opts[2].value, "\x01");
    hf_ast_script_free(a);
}

/* The DDL of the seeds, verbatim (000 as its Java string builds it). */
static void test_seed_ddl(void **state)
{
    (void)state;
    struct hf_ast_script *a = parse_ok(
        "create table sink(  user_id bigint,  user_name string,  price "
        "decimal(38,2),  sale_timestamp timestamp) with (  "
        "'connector'='hologres',  'dbname' = 'db',  'tablename' = 't',  "
        "'username' = 'u',  'password' = 'p',  'endpoint' = 'h:80')");
    const struct hf_ast_create_table *ct = &a->stmts[0].u.create;
    char buf[64];
    assert_string_equal(ct->name.name, "sink");
    assert_int_equal(ct->ncols, 4);
    assert_string_equal(hf_type_name(&ct->cols[0].type, buf, sizeof buf),
                        "BIGINT");
    assert_string_equal(hf_type_name(&ct->cols[1].type, buf, sizeof buf),
                        "STRING");
    assert_string_equal(hf_type_name(&ct->cols[2].type, buf, sizeof buf),
                        "DECIMAL(38, 2)");
    assert_string_equal(hf_type_name(&ct->cols[3].type, buf, sizeof buf),
                        "TIMESTAMP(6)");
    assert_int_equal(ct->nopts, 6);
    assert_string_equal(ct->opts[5].key.name, "endpoint");
    hf_ast_script_free(a);

    /* 001 (its '//' annotations removed; see test_seed_001_comment). */
    a = parse_ok("CREATE TABLE mysource(\n"
                 "  name varchar,\n"
                 "  age BIGINT,\n"
                 "  birthday BIGINT\n"
                 ") WITH (\n"
                 "  'connector.type'='hologres',\n"
                 "  'connector.database'='Name of the Hologres database',\n"
                 "  'connector.table'='Name of the Hologres table',\n"
                 "  'connector.username'='AccessKey ID',\n"
                 "  'connector.password'='AccessKey secret',\n"
                 "  'connector.endpoint'='<ip>:<port>'\n"
                 ");");
    ct = &a->stmts[0].u.create;
    assert_string_equal(hf_type_name(&ct->cols[0].type, buf, sizeof buf),
                        "STRING");
    assert_string_equal(ct->opts[0].key.name, "connector.type");
    assert_int_equal(ct->nopts, 6);
    hf_ast_script_free(a);

    /* 004 */
    a = parse_ok("   create table upsertKafkaSink(\n"
                 "     car_id STRING,\n"
                 "     car_owner STRING,\n"
                 "     car_brand STRING,\n"
                 "     car_speed INT,\n"
                 "     primary key (car_id) not enforced\n"
                 "   )\n"
                 "   with (\n"
                 "     'connector.type' = 'upsert-kafka',\n"
                 "     'connector.version' = '0.11',\n"
                 "     'connector.topic' = 'test-topic',\n"
                 "     'connector.properties.bootstrap.servers' = "
                 "'xx.xx.xx.xx:9092',\n"
                 "     'format.type' = 'csv'\n"
                 "   );");
    ct = &a->stmts[0].u.create;
    assert_string_equal(ct->name.name, "upsertKafkaSink");
    assert_int_equal(ct->ncols, 4);
    assert_int_equal(ct->npk, 1);
    assert_string_equal(ct->pk[0].name, "car_id");
    assert_string_equal(ct->opts[4].key.name, "format.type");
    hf_ast_script_free(a);
}

static void test_seed_001_comment(void **state)
{
    (void)state;
    const char *m = parse_err(
        "CREATE TABLE mysource(name varchar) WITH (\n"
        "  'connector.endpoint'='<ip>:<port>'// The endpoint and port.\n"
        ");",
        NULL);
    assert_string_equal(m,
                        "job.sql:2:37: error: '//' does not start a comment "
                        "in SQL; use '-- comment' or '/* comment */'\n"
                        "  'connector.endpoint'='<ip>:<port>'// The endpoint "
                        "and port.\n"
                        "                                    ^");
    /* 001's partitioned example ends its WITH list with a comma. */
    m = parse_err("CREATE TABLE t(a INT) WITH (\n"
                  "  'connector.partitionRouter'='true',\n"
                  ");",
                  NULL);
    assert_prefix(m, "job.sql:3:1: error: expected an option key after ',', "
                     "found ')'; remove the trailing comma");
}

static void test_types(void **state)
{
    (void)state;
    type_is("BOOLEAN", "BOOLEAN", false);
    type_is("tinyint", "TINYINT", false);
    type_is("SMALLINT", "SMALLINT", false);
    type_is("INT NOT NULL", "INT", true);
    type_is("INTEGER NULL", "INT", false);
    type_is("BIGINT", "BIGINT", false);
    type_is("FLOAT", "FLOAT", false);
    type_is("REAL", "FLOAT", false);
    type_is("DOUBLE", "DOUBLE", false);
    type_is("DOUBLE PRECISION", "DOUBLE", false);
    type_is("DECIMAL", "DECIMAL(10, 0)", false);
    type_is("DEC(5)", "DECIMAL(5, 0)", false);
    type_is("NUMERIC(38, 38)", "DECIMAL(38, 38)", false);
    type_is("CHAR", "CHAR(1)", false);
    type_is("CHAR(10)", "CHAR(10)", false);
    type_is("VARCHAR(255)", "VARCHAR(255)", false);
    type_is("VARCHAR", "STRING", false);
    type_is("STRING NOT NULL", "STRING", true);
    type_is("BYTES", "BYTES", false);
    type_is("BINARY(4)", "BYTES", false);
    type_is("VARBINARY(4)", "BYTES", false);
    type_is("DATE", "DATE", false);
    type_is("TIME", "TIME(0)", false);
    type_is("TIME(3)", "TIME(3)", false);
    type_is("TIMESTAMP", "TIMESTAMP(6)", false);
    type_is("TIMESTAMP(3)", "TIMESTAMP(3)", false);
    type_is("TIMESTAMP(9)", "TIMESTAMP(6)", false); /* kept to microseconds */
    type_is("TIMESTAMP(3) WITHOUT TIME ZONE", "TIMESTAMP(3)", false);
    type_is("TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ(3)", false);
    type_is("TIMESTAMP_LTZ", "TIMESTAMP_LTZ(6)", false);
    type_is("TIMESTAMP_LTZ(0)", "TIMESTAMP_LTZ(0)", false);
    type_is("ARRAY<INT>", "ARRAY<INT>", false);
    type_is("ARRAY<BIGINT> NOT NULL", "ARRAY<BIGINT>", true);
    type_is("ARRAY<FLOAT>", "ARRAY<FLOAT>", false);
    type_is("ARRAY<DOUBLE>", "ARRAY<DOUBLE>", false);
    type_is("ARRAY<BOOLEAN>", "ARRAY<BOOLEAN>", false);
    type_is("ARRAY<VARCHAR(10)>", "ARRAY<VARCHAR(10)>", false);
    type_is("ARRAY<STRING NOT NULL>", "ARRAY<STRING NOT NULL>", false);
    type_is("INT ARRAY", "ARRAY<INT>", false);
    /* nested types: every element type, Flink's spellings */
    type_is("ARRAY<TINYINT>", "ARRAY<TINYINT>", false);
    type_is("ARRAY<SMALLINT>", "ARRAY<SMALLINT>", false);
    type_is("ARRAY<DECIMAL(10, 2)>", "ARRAY<DECIMAL(10, 2)>", false);
    type_is("ARRAY<DATE>", "ARRAY<DATE>", false);
    type_is("ARRAY<TIMESTAMP(3)>", "ARRAY<TIMESTAMP(3)>", false);
    type_is("ARRAY<TIMESTAMP_LTZ(3)>", "ARRAY<TIMESTAMP_LTZ(3)>", false);
    type_is("ARRAY<BYTES>", "ARRAY<BYTES>", false);
    type_is("ARRAY<ARRAY<INT>>", "ARRAY<ARRAY<INT>>", false);
    type_is("INT NOT NULL ARRAY", "ARRAY<INT NOT NULL>", false);
    type_is("INT ARRAY ARRAY", "ARRAY<ARRAY<INT>>", false);
    type_is("ARRAY<ROW<a INT, b STRING>>", "ARRAY<ROW<`a` INT, `b` STRING>>",
            false);
    type_is("ROW<a INT, b STRING> NOT NULL", "ROW<`a` INT, `b` STRING>", true);
    type_is("ROW(a INT NOT NULL, `b c` STRING 'a comment')",
            "ROW<`a` INT NOT NULL, `b c` STRING>", false);
    type_is("ROW<>", "ROW<>", false);
    type_is("ROW<r ROW<x DOUBLE>, m MAP<STRING, ARRAY<INT>>>",
            "ROW<`r` ROW<`x` DOUBLE>, `m` MAP<STRING, ARRAY<INT>>>", false);
    type_is("MAP<STRING, INT>", "MAP<STRING, INT>", false);
    type_is("MAP<INT NOT NULL, BYTES>", "MAP<INT NOT NULL, BYTES>", false);
    type_is("MULTISET<STRING>", "MULTISET<STRING>", false);
    type_is("STRING MULTISET", "MULTISET<STRING>", false);
    type_is("JSON", "JSON", false);
    type_is("JSONB", "JSONB", false);

    type_err("DECIMAL(40, 2)", "DECIMAL precision must be between 1 and 38, "
                               "found 40");
    type_err("DECIMAL(5, 6)", "DECIMAL scale must be between 0 and the "
                              "precision (5), found 6");
    type_err("ARRAY<INT", "expected '>' after the ARRAY element type");
    type_err("ARRAY INT", "expected '<' after ARRAY");
    type_err("MAP<STRING>", "expected ',' after the MAP key type");
    type_err("ROW<a INT, a STRING>", "field 'a' appears twice in ROW");
    type_err("ROW<a>", "expected a data type");
    type_err("ROW a INT", "expected '<' or '(' after ROW");
    type_err("RAW('a', 'b')", "data type RAW is not supported");
    type_err("TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE is not "
                                         "supported");
    type_err("TEXT", "unknown data type 'TEXT'; use STRING");
    type_err("VARCHAR(0)", "VARCHAR length must be between 1 and 2147483647, "
                           "found 0");
    type_err("TIMESTAMP(10)", "precision must be between 0 and 9, found 10");
}

/* ------------------------------------------------------------ INSERT */

/* A SELECT that GROUPING SETS rewrote into a UNION ALL, followed by more
 * UNION ALL branches: a new UNION node holding it (its own inputs array is
 * sized exactly, so appending to it would write past its end). */
static void test_grouping_sets_then_union(void **state)
{
    (void)state;
    struct hf_ast_script *a = parse_ok(
        "INSERT INTO o SELECT a, b, COUNT(*) FROM t GROUP BY CUBE (a, b)\n"
        "UNION ALL SELECT a, b, 1 FROM t UNION ALL SELECT a, b, 2 FROM t;\n"
        "INSERT INTO o SELECT a, COUNT(*) FROM t GROUP BY ROLLUP (a, b, c, d)\n"
        "UNION ALL SELECT a, 1 FROM t;\n");
    const struct hf_ast_query *q = a->stmts[0].u.insert.query;
    assert_int_equal(q->kind, HF_QUERY_UNION);
    assert_int_equal(q->ninputs, 3);
    assert_int_equal(q->inputs[0]->kind, HF_QUERY_UNION);
    assert_int_equal(q->inputs[0]->ninputs, 4);
    assert_int_equal(q->inputs[1]->kind, HF_QUERY_SELECT);
    q = a->stmts[1].u.insert.query;
    assert_int_equal(q->kind, HF_QUERY_UNION);
    assert_int_equal(q->ninputs, 2);
    assert_int_equal(q->inputs[0]->ninputs, 5);
    hf_ast_script_free(a);
}

/* GROUP BY keys are the same when they are equal as the planner compares
 * them: identifiers are case-sensitive, spacing does not matter. */
static void test_group_by_same_key(void **state)
{
    (void)state;
    struct hf_ast_script *a = parse_ok(
        "INSERT INTO o SELECT a, A, COUNT(*) FROM t GROUP BY a, A;\n"
        "INSERT INTO o SELECT a + 1, COUNT(*) FROM t GROUP BY a + 1, a+1;\n"
        "INSERT INTO o SELECT a, A, COUNT(*) FROM t\n"
        "  GROUP BY GROUPING SETS ((a), (A), (a, A));\n");
    assert_int_equal(a->stmts[0].u.insert.query->ngroup, 2);
    assert_int_equal(a->stmts[1].u.insert.query->ngroup, 1);
    const struct hf_ast_query *q = a->stmts[2].u.insert.query;
    assert_int_equal(q->kind, HF_QUERY_UNION);
    assert_int_equal(q->ninputs, 3);
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(q->inputs[i]->ngroup, 2);
    /* in the set (a) A reads as NULL, a as itself */
    assert_int_equal(q->inputs[0]->items[0].expr->kind, HF_AST_COLUMN);
    assert_int_equal(q->inputs[0]->items[1].expr->kind, HF_AST_FUNC);
    assert_int_equal(q->inputs[1]->items[0].expr->kind, HF_AST_FUNC);
    assert_int_equal(q->inputs[1]->items[1].expr->kind, HF_AST_COLUMN);
    hf_ast_script_free(a);
}

static void test_insert_forms(void **state)
{
    (void)state;
    struct hf_ast_script *a = parse_ok(
        "INSERT INTO db.sink (a, `b`)\n"
        "SELECT s.x AS a, UPPER(y) b FROM src AS s WHERE x > 1 AND y IS NOT "
        "NULL;\n"
        "insert into sink select * from src;\n"
        "INSERT INTO sink SELECT t.*, 1 FROM src t\n");
    assert_int_equal(a->nstmts, 3);
    const struct hf_ast_insert *in = &a->stmts[0].u.insert;
    assert_string_equal(in->target.name, "sink");
    assert_string_equal(in->target_full, "db.sink");
    assert_true(in->has_cols);
    assert_int_equal(in->ncols, 2);
    assert_string_equal(in->cols[1].name, "b");
    const struct hf_ast_query *q = in->query;
    assert_int_equal(q->kind, HF_QUERY_SELECT);
    assert_int_equal(q->nitems, 2);
    assert_int_equal(q->items[0].expr->kind, HF_AST_COLUMN);
    assert_string_equal(q->items[0].expr->qual, "s");
    assert_string_equal(q->items[0].expr->text, "x");
    assert_string_equal(q->items[0].alias.name, "a");
    assert_int_equal(q->items[1].expr->kind, HF_AST_FUNC);
    assert_string_equal(q->items[1].expr->text, "UPPER");
    assert_string_equal(q->items[1].alias.name, "b");
    assert_string_equal(q->from.name.name, "src");
    assert_string_equal(q->from.alias.name, "s");
    assert_non_null(q->where);
    assert_int_equal(q->where->kind, HF_AST_BINARY);
    assert_int_equal(q->where->op, HF_AOP_AND);
    assert_string_equal(in->select_text,
                        "SELECT s.x AS a, UPPER(y) b FROM src AS s WHERE x > 1 "
                        "AND y IS NOT NULL");
    assert_int_equal(in->select_line, 2);
    assert_int_equal(in->select_col, 1);

    in = &a->stmts[1].u.insert;
    assert_false(in->has_cols);
    assert_int_equal(in->query->nitems, 1);
    assert_null(in->query->items[0].expr);
    assert_null(in->query->items[0].star_qual);
    assert_null(in->query->where);
    assert_string_equal(in->select_text, "select * from src");

    in = &a->stmts[2].u.insert;
    assert_string_equal(in->query->items[0].star_qual, "t");
    assert_string_equal(in->query->from.alias.name, "t");
    hf_ast_script_free(a);
}

static void test_statement_sets(void **state)
{
    (void)state;
    struct hf_ast_script *a = parse_ok("EXECUTE STATEMENT SET BEGIN\n"
                                       "  INSERT INTO a SELECT * FROM s;\n"
                                       "  INSERT INTO b SELECT * FROM s;\n"
                                       "END;\n"
                                       "BEGIN STATEMENT SET;\n"
                                       "INSERT INTO c SELECT * FROM s;\n"
                                       "END;\n"
                                       "EXECUTE INSERT INTO d SELECT * FROM s");
    assert_int_equal(a->nstmts, 4);
    assert_true(a->stmts[0].in_statement_set);
    assert_true(a->stmts[1].in_statement_set);
    assert_string_equal(a->stmts[1].u.insert.target.name, "b");
    assert_int_equal(a->stmts[1].line, 3);
    assert_true(a->stmts[2].in_statement_set);
    assert_string_equal(a->stmts[2].u.insert.target.name, "c");
    assert_false(a->stmts[3].in_statement_set);
    assert_string_equal(a->stmts[3].u.insert.target.name, "d");
    hf_ast_script_free(a);

    /* END without a final ';' before it */
    a = parse_ok("EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT * FROM s "
                 "END");
    assert_int_equal(a->nstmts, 1);
    hf_ast_script_free(a);

    assert_prefix(parse_err("BEGIN STATEMENT SET;\nINSERT INTO a SELECT * "
                            "FROM s;\n",
                            NULL),
                  "job.sql:1:1: error: statement set is not closed: add END;");
    assert_prefix(
        parse_err("EXECUTE STATEMENT SET BEGIN SET 'a'='b'; END;", NULL),
        "job.sql:1:29: error: expected INSERT or END in a statement "
        "set, found 'SET'");
}

/* ------------------------------------------------------------ expressions */

/* snprintf through a va_list: truncation of test renderings is harmless. */
static void put(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void put(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

/* Render an AST expression as a fully parenthesised string. */
static void show(const struct hf_ast_expr *e, char *buf, size_t n)
{
    char a[256], b[256];
    static const char *const ops[] = {
        [HF_AOP_ADD] = "+",   [HF_AOP_SUB] = "-", [HF_AOP_MUL] = "*",
        [HF_AOP_DIV] = "/",   [HF_AOP_MOD] = "%", [HF_AOP_CONCAT] = "||",
        [HF_AOP_EQ] = "=",    [HF_AOP_NE] = "<>", [HF_AOP_LT] = "<",
        [HF_AOP_LE] = "<=",   [HF_AOP_GT] = ">",  [HF_AOP_GE] = ">=",
        [HF_AOP_AND] = "AND", [HF_AOP_OR] = "OR", [HF_AOP_NOT] = "NOT",
        [HF_AOP_NEG] = "-",   [HF_AOP_PLUS] = "+"};
    switch (e->kind) {
    case HF_AST_BINARY:
        show(e->args[0], a, sizeof a);
        show(e->args[1], b, sizeof b);
        put(buf, n, "(%s %s %s)", a, ops[e->op], b);
        return;
    case HF_AST_UNARY:
        show(e->args[0], a, sizeof a);
        put(buf, n, "(%s %s)", ops[e->op], a);
        return;
    case HF_AST_IS:
        show(e->args[0], a, sizeof a);
        put(buf, n, "(%s IS%s %d)", a, e->negated ? " NOT" : "", e->is);
        return;
    case HF_AST_FUNC:
    case HF_AST_CAST: {
        size_t off = (size_t)snprintf(buf, n, "%s(", e->text);
        for (uint32_t i = 0; i < e->nargs; i++) {
            show(e->args[i], a, sizeof a);
            off +=
                (size_t)snprintf(buf + off, n - off, "%s%s", i ? "," : "", a);
        }
        put(buf + off, n - off, ")");
        return;
    }
    case HF_AST_NULL:
        put(buf, n, "NULL");
        return;
    case HF_AST_BOOL:
        put(buf, n, "%s", e->b ? "TRUE" : "FALSE");
        return;
    default:
        put(buf, n, "%s%s%s", e->qual ? e->qual : "", e->qual ? "." : "",
            e->text ? e->text : "?");
        return;
    }
}

static void expr_is(const char *text, const char *want)
{
    struct hf_sql_src s = src_of(text);
    struct hf_ast_script *a;
    struct hf_ast_expr *e;
    struct hf_error err;
    hf_error_clear(&err);
    int rc = hf_sql_parse_expr(&s, &a, &e, &err);
    if (rc != 0)
        fprintf(stderr, "%s: %s\n", text, err.msg);
    assert_int_equal(rc, 0);
    char buf[512];
    show(e, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        fprintf(stderr, "%s => %s (want %s)\n", text, buf, want);
    assert_string_equal(buf, want);
    hf_ast_script_free(a);
}

static void test_expr_precedence(void **state)
{
    (void)state;
    expr_is("a + b * c", "(a + (b * c))");
    expr_is("a - b - c", "((a - b) - c)");
    expr_is("a * (b + c) % d", "((a * (b + c)) % d)");
    expr_is("-a * b", "((- a) * b)");
    expr_is("-5 * b", "(-5 * b)");
    expr_is("a || b + c", "(a || (b + c))");
    expr_is("a = 1 OR b = 2 AND NOT c", "((a = 1) OR ((b = 2) AND (NOT c)))");
    expr_is("NOT a = b", "(NOT (a = b))");
    expr_is("x IS NOT NULL AND y IS TRUE", "((x IS NOT 0) AND (y IS 1))");
    expr_is("CAST(a AS INT) + TRY_CAST(b AS STRING)",
            "(CAST(a) + TRY_CAST(b))");
    expr_is("coalesce(a, NULL, TRUE)", "COALESCE(a,NULL,TRUE)");
    expr_is("s.a <> t.b", "(s.a <> t.b)");
    expr_is("NOW()", "NOW()");
    expr_is("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP()");
    expr_is("TRIM(LEADING 'x' FROM s)", "TRIM(s,x)");

    /* Other predicate forms keep their operands. */
    struct hf_sql_src s = src_of("a NOT BETWEEN 1 AND 2");
    struct hf_ast_script *sc;
    struct hf_ast_expr *e;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_sql_parse_expr(&s, &sc, &e, &err), 0);
    assert_int_equal(e->kind, HF_AST_BETWEEN);
    assert_true(e->negated);
    assert_int_equal(e->nargs, 3);
    hf_ast_script_free(sc);

    s = src_of("CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' ELSE 'c' END");
    assert_int_equal(hf_sql_parse_expr(&s, &sc, &e, &err), 0);
    assert_int_equal(e->kind, HF_AST_CASE);
    assert_true(e->has_operand);
    assert_true(e->has_else);
    assert_int_equal(e->nargs, 6);
    assert_int_equal(e->off, 0);
    assert_int_equal(e->end, strlen("CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' "
                                    "ELSE 'c' END"));
    hf_ast_script_free(sc);

    s = src_of("name LIKE 'a%' ESCAPE '!'");
    assert_int_equal(hf_sql_parse_expr(&s, &sc, &e, &err), 0);
    assert_int_equal(e->kind, HF_AST_LIKE);
    assert_int_equal(e->nargs, 3);
    hf_ast_script_free(sc);

    s = src_of("x IN (1, 2, 3)");
    assert_int_equal(hf_sql_parse_expr(&s, &sc, &e, &err), 0);
    assert_int_equal(e->kind, HF_AST_IN);
    assert_int_equal(e->nargs, 4);
    hf_ast_script_free(sc);

    s = src_of("DATE '2024-01-31'");
    assert_int_equal(hf_sql_parse_expr(&s, &sc, &e, &err), 0);
    assert_int_equal(e->kind, HF_AST_TYPED_LIT);
    assert_int_equal(e->type.id, HF_DATE);
    assert_string_equal(e->text, "2024-01-31");
    hf_ast_script_free(sc);
}

/* ------------------------------------------------------------ errors */

static void test_syntax_errors(void **state)
{
    (void)state;
    hf_err_t code;
    const char *m = parse_err("CREATE TABLE t (\n"
                              "  a INT WITH ('connector' = 'x')",
                              &code);
    assert_int_equal(code, HF_ERR_SQL);
    assert_string_equal(m, "job.sql:2:9: error: expected ')' after column "
                           "list, found 'WITH'\n"
                           "  a INT WITH ('connector' = 'x')\n"
                           "        ^");

    assert_prefix(parse_err("CREATE TABLE t (a INT,) WITH ()", NULL),
                  "job.sql:1:23: error: expected a column definition after "
                  "',', found ')'; remove the trailing comma");
    assert_prefix(
        parse_err("CREATE TABLE t (a INT) WITH (connector = 'x')", NULL),
        "job.sql:1:30: error: option keys are string literals: "
        "write 'connector' = '...'");
    assert_prefix(parse_err("CREATE TABLE t (a INT) WITH ('rows' = 10)", NULL),
                  "job.sql:1:39: error: option values are string literals: "
                  "write 'rows' = '10'");
    assert_prefix(parse_err("CREATE TABLE t (a INT, PRIMARY KEY (a))", NULL),
                  "job.sql:1:39: error: PRIMARY KEY must be declared NOT "
                  "ENFORCED");
    assert_prefix(parse_err("INSERT INTO t SELECT * FROM a CROSS JOIN b",
                            &code),
                  "job.sql:1:31: error: CROSS JOIN is not supported");
    assert_int_equal(code, HF_ERR_UNSUPPORTED);
    assert_prefix(parse_err("SELECT * FROM s", NULL),
                  "job.sql:1:1: error: a query must be part of INSERT INTO");
    assert_prefix(parse_err("INSERT INTO t SELECT a FROM s\nINSERT INTO u "
                            "SELECT b FROM s",
                            NULL),
                  "job.sql:2:1: error: expected ';' after the statement, "
                  "found 'INSERT'");
    assert_prefix(parse_err("INSERT INTO t SELECT a +", NULL),
                  "job.sql:1:25: error: expected an expression, found end of "
                  "input");
    assert_prefix(parse_err("INSERT INTO t SELECT from FROM s", NULL),
                  "job.sql:1:22: error: expected an expression, found "
                  "reserved word 'from'; write `from` to use it as a column "
                  "name");
    assert_prefix(
        parse_err("INSERT INTO t SELECT a FROM s WHERE a = 1 = 2", NULL),
        "job.sql:1:43: error: comparisons cannot be chained");
    assert_prefix(parse_err("INSERT INTO t SELECT CAST(a INT) FROM s", NULL),
                  "job.sql:1:29: error: expected AS in CAST, found 'INT'");
    assert_prefix(parse_err("FOO TABLE t", NULL),
                  "job.sql:1:1: error: 'FOO' is not a supported statement; "
                  "holoflow runs SET, CREATE TABLE, CREATE VIEW, DROP TABLE, "
                  "DROP VIEW, INSERT and EXECUTE STATEMENT SET");
    assert_prefix(parse_err("CREATE TABLE t (a DECIMAL(39))", NULL),
                  "job.sql:1:27: error: DECIMAL precision must be between 1 "
                  "and 38, found 39");

    /* Limits that keep recursion bounded. */
    static char big[16384];
    size_t off = (size_t)snprintf(big, sizeof big, "INSERT INTO t SELECT a");
    for (int i = 0; i < 1200; i++)
        off += (size_t)snprintf(big + off, sizeof big - off, "+1");
    snprintf(big + off, sizeof big - off, " FROM s");
    assert_non_null(strstr(parse_err(big, NULL),
                           "error: expression too deeply nested (more than "
                           "1000 levels)"));
    off = (size_t)snprintf(big, sizeof big, "INSERT INTO t SELECT f(1");
    for (int i = 0; i < 300; i++)
        off += (size_t)snprintf(big + off, sizeof big - off, ",1");
    snprintf(big + off, sizeof big - off, ") FROM s");
    assert_non_null(strstr(parse_err(big, NULL),
                           "error: too many arguments for F (at most 256)"));
    off = (size_t)snprintf(big, sizeof big, "INSERT INTO t SELECT ");
    for (int i = 0; i < 300; i++)
        off += (size_t)snprintf(big + off, sizeof big - off, "(");
    assert_non_null(
        strstr(parse_err(big, NULL), "error: expression nested too deeply"));
}

/* ------------------------------------------------------------ queries */

/* Joins: the kinds, left-deep chains, comma joins, aliases. */
static void test_join_forms(void **state)
{
    (void)state;
    struct hf_ast_script *a = parse_ok(
        "INSERT INTO t SELECT * FROM a JOIN b ON a.k = b.k LEFT OUTER JOIN c "
        "AS x ON x.k = a.k;\n"
        "INSERT INTO t SELECT * FROM a, (SELECT k FROM b) q WHERE a.k = q.k;\n"
        "INSERT INTO t SELECT * FROM a RIGHT JOIN b ON a.k = b.k FULL JOIN c "
        "ON TRUE INNER JOIN d ON d.k = c.k");
    assert_int_equal(a->nstmts, 3);
    const struct hf_ast_from *f = &a->stmts[0].u.insert.query->from;
    assert_int_equal(f->join, HF_JOIN_LEFT);
    assert_int_equal(f->join_col, 51);
    assert_string_equal(f->right->alias.name, "x");
    assert_int_equal(f->left->join, HF_JOIN_INNER);
    assert_string_equal(f->left->left->name.name, "a");
    assert_string_equal(f->left->right->name.name, "b");
    assert_non_null(f->on);
    f = &a->stmts[1].u.insert.query->from;
    assert_int_equal(f->join, HF_JOIN_COMMA);
    assert_null(f->on);
    assert_non_null(f->right->sub);
    assert_string_equal(f->right->alias.name, "q");
    f = &a->stmts[2].u.insert.query->from;
    assert_int_equal(f->join, HF_JOIN_INNER);
    assert_int_equal(f->left->join, HF_JOIN_FULL);
    assert_int_equal(f->left->left->join, HF_JOIN_RIGHT);
    hf_ast_script_free(a);
}

static void test_query_forms(void **state)
{
    (void)state;
    struct hf_ast_script *a = parse_ok(
        "INSERT INTO t WITH x AS (SELECT a FROM s), y (c) AS (SELECT a FROM "
        "x)\n"
        "SELECT c FROM y UNION ALL SELECT a FROM s UNION ALL VALUES (1), (2);\n"
        "INSERT INTO t VALUES (1, 'a'), ROW(2, 'b');\n"
        "INSERT INTO t SELECT * FROM (SELECT a FROM s) AS q (b) LIMIT 5 "
        "OFFSET 2;\n"
        "INSERT INTO t SELECT a FROM s /*+ OPTIONS('k' = 'v', 'k2' = 'w') */ "
        "AS z;\n"
        "INSERT INTO t SELECT DISTINCT a FROM s UNION SELECT b FROM s;\n"
        "INSERT OVERWRITE t SELECT 1, 'x';\n"
        "INSERT INTO t (SELECT a FROM s) UNION ALL (SELECT a FROM s LIMIT 1);\n"
        "INSERT INTO t SELECT a FROM s OFFSET 1 ROWS FETCH FIRST 3 ROWS ONLY");
    assert_int_equal(a->nstmts, 8);
    const struct hf_ast_query *q = a->stmts[0].u.insert.query;
    assert_int_equal(q->kind, HF_QUERY_UNION);
    assert_true(q->all);
    assert_int_equal(q->ninputs, 3); /* one node for the chain */
    assert_int_equal(q->nctes, 2);
    assert_string_equal(q->ctes[0].name.name, "x");
    assert_string_equal(q->ctes[1].name.name, "y");
    assert_int_equal(q->ctes[1].ncols, 1);
    assert_int_equal(q->inputs[2]->kind, HF_QUERY_VALUES);
    assert_int_equal(q->inputs[2]->nrows, 2);
    assert_int_equal(q->union_line, 2);
    assert_int_equal(q->union_col, 17);

    q = a->stmts[1].u.insert.query;
    assert_int_equal(q->kind, HF_QUERY_VALUES);
    assert_int_equal(q->nrows, 2);
    assert_int_equal(q->rows[1].n, 2);
    assert_string_equal(q->rows[1].v[1]->text, "b");

    q = a->stmts[2].u.insert.query;
    assert_non_null(q->from.sub);
    assert_string_equal(q->from.alias.name, "q");
    assert_int_equal(q->from.nalias_cols, 1);
    assert_true(q->has_limit);
    assert_int_equal(q->limit, 5);
    assert_int_equal(q->offset, 2);

    q = a->stmts[3].u.insert.query;
    assert_true(q->from.has_hint);
    assert_int_equal(q->from.nhints, 2);
    assert_string_equal(q->from.hints[1].key.name, "k2");
    assert_string_equal(q->from.hints[1].value, "w");
    assert_string_equal(q->from.alias.name, "z");
    assert_int_equal(q->from.hint_col, 35);

    q = a->stmts[4].u.insert.query;
    assert_int_equal(q->kind, HF_QUERY_UNION);
    assert_false(q->all);
    assert_true(q->inputs[0]->distinct);

    assert_true(a->stmts[5].u.insert.overwrite);
    assert_null(a->stmts[5].u.insert.query->from.name.name);

    q = a->stmts[6].u.insert.query;
    assert_int_equal(q->kind, HF_QUERY_UNION);
    assert_int_equal(q->ninputs, 2);
    assert_true(q->inputs[1]->has_limit);
    assert_false(q->has_limit);

    q = a->stmts[7].u.insert.query;
    assert_true(q->has_limit);
    assert_int_equal(q->limit, 3);
    assert_int_equal(q->offset, 1);
    hf_ast_script_free(a);
}

static void test_views_and_drop(void **state)
{
    (void)state;
    struct hf_ast_script *a =
        parse_ok("CREATE TEMPORARY VIEW IF NOT EXISTS db.v (x COMMENT 'c', y) "
                 "COMMENT 'a view' AS SELECT a, b FROM s;\n"
                 "CREATE VIEW w AS WITH q AS (SELECT 1 AS n) SELECT n FROM q;\n"
                 "DROP TEMPORARY VIEW IF EXISTS v;\n"
                 "DROP TABLE cat.db.t");
    assert_int_equal(a->nstmts, 4);
    const struct hf_ast_create_view *v = &a->stmts[0].u.view;
    assert_int_equal(a->stmts[0].kind, HF_STMT_CREATE_VIEW);
    assert_true(v->temporary);
    assert_true(v->if_not_exists);
    assert_string_equal(v->name.name, "v");
    assert_string_equal(v->full_name, "db.v");
    assert_int_equal(v->ncols, 2);
    assert_string_equal(v->cols[1].name, "y");
    assert_string_equal(v->comment, "a view");
    assert_int_equal(v->query->nitems, 2);
    assert_int_equal(a->stmts[1].u.view.query->nctes, 1);
    const struct hf_ast_drop *d = &a->stmts[2].u.drop;
    assert_int_equal(a->stmts[2].kind, HF_STMT_DROP);
    assert_true(d->view && d->temporary && d->if_exists);
    d = &a->stmts[3].u.drop;
    assert_false(d->view || d->temporary || d->if_exists);
    assert_string_equal(d->full_name, "cat.db.t");
    hf_ast_script_free(a);
}

static void test_computed_like_watermark(void **state)
{
    (void)state;
    struct hf_ast_script *a = parse_ok(
        "CREATE TABLE t (a INT, b AS a + 1 COMMENT 'next', p AS PROCTIME(),\n"
        "  ts AS TO_TIMESTAMP(s), s STRING,\n"
        "  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('x' = 'y');\n"
        "CREATE TABLE u WITH ('k' = 'v') LIKE t (EXCLUDING ALL INCLUDING "
        "GENERATED OVERWRITING OPTIONS);\n"
        "CREATE TABLE w (c INT) LIKE db.t");
    const struct hf_ast_create_table *ct = &a->stmts[0].u.create;
    assert_int_equal(ct->ncols, 5);
    assert_int_equal(ct->cols[1].kind, HF_COL_COMPUTED);
    assert_int_equal(ct->cols[1].expr->kind, HF_AST_BINARY);
    assert_string_equal(ct->cols[1].comment, "next");
    assert_int_equal(ct->cols[2].kind, HF_COL_PROCTIME);
    assert_int_equal(ct->cols[3].kind, HF_COL_COMPUTED);
    assert_int_equal(ct->nwms, 1);
    assert_string_equal(ct->wms[0].rowtime.name, "ts");
    assert_int_equal(ct->wms[0].expr->kind, HF_AST_BINARY);
    assert_int_equal(ct->wms[0].line, 3);
    ct = &a->stmts[1].u.create;
    assert_int_equal(ct->ncols, 0);
    assert_string_equal(ct->like.name, "t");
    assert_int_equal(ct->nlike_opts, 3);
    assert_int_equal(ct->like_opts[0].strategy, HF_LIKE_EXCLUDING);
    assert_int_equal(ct->like_opts[0].feature, HF_LIKE_ALL);
    assert_int_equal(ct->like_opts[2].strategy, HF_LIKE_OVERWRITING);
    assert_int_equal(ct->like_opts[2].feature, HF_LIKE_OPTIONS);
    ct = &a->stmts[2].u.create;
    assert_int_equal(ct->ncols, 1);
    assert_string_equal(ct->like_full, "db.t");
    assert_int_equal(ct->nlike_opts, 0);
    hf_ast_script_free(a);

    assert_prefix(
        parse_err("CREATE TABLE u LIKE t (OVERWRITING CONSTRAINTS)", NULL),
        "job.sql:1:24: error: OVERWRITING is not a merging strategy "
        "for CONSTRAINTS");
    assert_prefix(parse_err("CREATE TABLE u LIKE t (INCLUDING OPTIONS "
                            "EXCLUDING OPTIONS)",
                            NULL),
                  "job.sql:1:52: error: LIKE option OPTIONS is given twice");
    assert_prefix(parse_err("CREATE TABLE u LIKE t (INCLUDING FOO)", NULL),
                  "job.sql:1:34: error: expected ALL, CONSTRAINTS, GENERATED, "
                  "OPTIONS, PARTITIONS, WATERMARKS or METADATA after "
                  "INCLUDING, found 'FOO'");
    assert_prefix(parse_err("CREATE TABLE u WITH ('a' = 'b')", NULL),
                  "job.sql:1:16: error: expected '(' after the table name, "
                  "found 'WITH'");
    assert_prefix(parse_err("CREATE TABLE u () WITH ('a' = 'b')", NULL),
                  "job.sql:1:16: error: table 'u' has no columns; declare "
                  "them, or derive them with LIKE another table");
}

/* Every construct Flink has and holoflow does not is named, with its
 * place. */
static void test_unsupported_named(void **state)
{
    (void)state;
    static const struct {
        const char *sql;
        const char *want;
    } cases[] = {
        {"INSERT INTO t SELECT a FROM s MATCH_RECOGNIZE (PATTERN (A))",
         "job.sql:1:31: error: MATCH_RECOGNIZE is not supported"},
        {"INSERT INTO t SELECT a FROM s AS x MATCH_RECOGNIZE (x)",
         "job.sql:1:36: error: MATCH_RECOGNIZE is not supported"},
        {"CREATE FUNCTION f AS 'a.B' USING JAR 'x.jar'",
         "job.sql:1:8: error: CREATE FUNCTION is not supported"},
        {"CREATE TEMPORARY SYSTEM FUNCTION f AS 'a.B'",
         "job.sql:1:18: error: CREATE FUNCTION is not supported"},
        {"DROP FUNCTION f", "job.sql:1:6: error: DROP FUNCTION is not "
                            "supported"},
        {"CREATE CATALOG c WITH ('type' = 'x')",
         "job.sql:1:8: error: CREATE CATALOG is not supported"},
        {"CREATE DATABASE d", "job.sql:1:8: error: CREATE DATABASE is not "
                              "supported"},
        {"CREATE TABLE t AS SELECT 1",
         "job.sql:1:16: error: CREATE TABLE ... AS SELECT is not supported"},
        {"INSERT INTO t SELECT a FROM s NATURAL JOIN u",
         "job.sql:1:31: error: NATURAL JOIN is not supported"},
        {"INSERT INTO t SELECT a FROM s JOIN u USING (a)",
         "job.sql:1:38: error: JOIN ... USING is not supported"},
        {"INSERT INTO t SELECT a FROM s JOIN u FOR SYSTEM_TIME AS s.pt "
         "ON s.a = u.a",
         "job.sql:1:57: error: expected OF in FOR SYSTEM_TIME AS OF"},
        {"INSERT INTO t SELECT a FROM s JOIN u FOR SYSTEM_TYME AS OF s.pt",
         "job.sql:1:42: error: expected SYSTEM_TIME AS OF after FOR"},
        {"INSERT INTO t SELECT a FROM s LEFT OUTER JOIN LATERAL (SELECT 1) "
         "ON TRUE",
         "job.sql:1:47: error: table functions (TABLE(...), LATERAL) are not "
         "supported"},
        {"INSERT INTO t SELECT a FROM s, LATERAL TABLE(f(a)",
         "job.sql:1:50: error: "},
        {"INSERT INTO t SELECT a FROM s ORDER a", "job.sql:1:37: error: "},
        {"INSERT INTO t SELECT a FROM s INTERSECT SELECT a FROM u",
         "job.sql:1:31: error: INTERSECT is not supported"},
        {"INSERT INTO t SELECT a FROM s EXCEPT SELECT a FROM u",
         "job.sql:1:31: error: EXCEPT is not supported"},
        {"INSERT INTO t SELECT a FROM s MINUS SELECT a FROM u",
         "job.sql:1:31: error: MINUS (EXCEPT) is not supported"},
        {"INSERT INTO t SELECT SUM(a) OVER (ORDER BY pt ROWS BETWEEN 2 AND "
         "CURRENT ROW) FROM s",
         "job.sql:1:62: error: expected PRECEDING or FOLLOWING after the "
         "frame offset"},
        {"INSERT INTO t SELECT SUM(a) OVER (ORDER BY pt ROWS UNBOUNDED) FROM s",
         "job.sql:1:61: error: expected PRECEDING or FOLLOWING after "
         "UNBOUNDED"},
        {"INSERT INTO t SELECT ROW_NUMBER() OVER (ORDER BY pt ROWS 2 "
         "PRECEDING) FROM s",
         "job.sql:1:53: error: a window frame (ROWS/RANGE) is not supported "
         "with ROW_NUMBER (Flink refuses it too)"},
        {"INSERT INTO t SELECT * FROM TABLE(HOP(TABLE s PARTITION BY k, "
         "DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '2' MINUTE))",
         "job.sql:1:47: error: PARTITION BY in the HOP window function is not "
         "supported (SESSION takes it)"},
        {"INSERT INTO t SELECT * FROM TABLE(TUMBLE(DATA => TABLE s, "
         "TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '1' MINUTE))",
         "job.sql:1:42: error: named arguments (DATA => ...) of window "
         "functions are not supported"},
        {"INSERT INTO t SELECT * FROM TABLE(f(1))",
         "job.sql:1:35: error: table functions are not supported except the "
         "window functions"},
        {"INSERT INTO t SELECT a FROM UNNEST(x)",
         "job.sql:1:29: error: UNNEST is not supported"},
        {"INSERT INTO t SELECT SUM(a) OVER v FROM s WINDOW w AS (ORDER BY a)",
         "job.sql:1:34: error: window 'v' is not defined"},
        {"INSERT INTO t SELECT SUM(a) OVER w FROM s WINDOW w AS (ORDER BY a), "
         "w AS (ORDER BY b)",
         "job.sql:1:69: error: window 'w' is defined twice"},
        {"INSERT INTO t WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r",
         "job.sql:1:20: error: WITH RECURSIVE is not supported"},
        {"INSERT INTO t SELECT /*+ STATE_TTL('s' = '1d') */ a FROM s",
         "job.sql:1:26: error: query hint STATE_TTL is not supported; "
         "holoflow knows the LOOKUP hint after SELECT"},
        {"INSERT INTO t SELECT a FROM s /*+ LOOKUP('table' = 's') */",
         "job.sql:1:35: error: table hint LOOKUP is not supported"},
        {"INSERT INTO t /*+ OPTIONS('a' = 'b') */ SELECT a FROM s",
         "job.sql:1:15: error: hints on the INSERT's target are not "
         "supported"},
        {"INSERT INTO t PARTITION (dt = '1') SELECT a FROM s",
         "job.sql:1:15: error: INSERT ... PARTITION (...) is not supported"},
        {"INSERT INTO t SELECT a FROM s WHERE a IN (SELECT b FROM u)",
         "job.sql:1:43: error: subqueries (IN (SELECT ...)) are not "
         "supported"},
        {"INSERT INTO t SELECT a FROM s WHERE EXISTS (SELECT b FROM u)",
         "job.sql:1:37: error: subqueries (EXISTS) are not supported"},
        {"CREATE TABLE t (a INT, UNIQUE (a)) WITH ('x' = 'y')",
         "job.sql:1:24: error: UNIQUE constraints are not supported"},
        {"ALTER TABLE t RENAME TO u",
         "job.sql:1:1: error: ALTER TABLE is not supported"},
        {"USE CATALOG c", "job.sql:1:1: error: USE is not supported"},
        {"SHOW TABLES", "job.sql:1:1: error: SHOW TABLES is not supported"},
        {"DESCRIBE t", "job.sql:1:1: error: DESCRIBE is not supported"},
        {"EXPLAIN PLAN FOR SELECT 1",
         "job.sql:1:1: error: EXPLAIN is not supported"},
        {"LOAD MODULE hive", "job.sql:1:1: error: LOAD MODULE is not "
                             "supported"},
        {"ADD JAR 'x.jar'", "job.sql:1:1: error: ADD JAR is not supported"},
        {"RESET 'a'", "job.sql:1:1: error: RESET is not supported"},
        {"VALUES (1)", "job.sql:1:1: error: a query must be part of INSERT"},
        {"WITH q AS (SELECT 1) SELECT * FROM q",
         "job.sql:1:1: error: a query must be part of INSERT"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hf_err_t code = HF_OK;
        const char *m = parse_err(cases[i].sql, &code);
        assert_prefix(m, cases[i].want);
        if (strstr(m, "not supported") && code != HF_ERR_UNSUPPORTED) {
            fprintf(stderr, "%s: code %d\n", cases[i].sql, (int)code);
            fail();
        }
    }
}

static void test_query_syntax_errors(void **state)
{
    (void)state;
    assert_prefix(parse_err("INSERT INTO t VALUES (1, 2), (3)", NULL),
                  "job.sql:1:30: error: row 2 of VALUES has 1 value but the "
                  "first row has 2");
    assert_prefix(parse_err("INSERT INTO t SELECT a FROM s LIMIT x", NULL),
                  "job.sql:1:37: error: expected a number LIMIT, found 'x'");
    assert_prefix(
        parse_err("INSERT INTO t SELECT a FROM s /*+ OPTIONS() */", NULL),
        "job.sql:1:35: error: OPTIONS needs at least one 'key' = "
        "'value'");
    assert_prefix(parse_err("INSERT INTO t SELECT a FROM s AS x /*+ "
                            "OPTIONS('a' = 'b') */",
                            NULL),
                  "job.sql:1:36: error: a table hint goes right after the "
                  "table name, before the alias");
    assert_prefix(parse_err("INSERT INTO t SELECT a FROM s /*+ OPTIONS('a' "
                            "= 'b')",
                            NULL),
                  "job.sql:1:31: error: unterminated hint");
    assert_prefix(
        parse_err("CREATE TABLE t (a INT) /*+ OPTIONS('a' = 'b') */", NULL),
        "job.sql:1:24: error: a hint here is not supported");
    assert_prefix(parse_err("INSERT INTO t SELECT a FROM s UNION ALL WITH q "
                            "AS (SELECT 1) SELECT 1",
                            NULL),
                  "job.sql:1:41: error: WITH must start the query; put this "
                  "query in parentheses");
    assert_prefix(parse_err("INSERT INTO t SELECT 1 WHERE TRUE", NULL),
                  "job.sql:1:24: error: WHERE needs a FROM clause");
    assert_prefix(parse_err("INSERT INTO t WITH q AS SELECT 1 SELECT 1", NULL),
                  "job.sql:1:25: error: expected '(' after AS, found 'SELECT'");
    assert_prefix(parse_err("CREATE VIEW v (a, b AS SELECT 1", NULL),
                  "job.sql:1:21: error: expected ')' after the view's column "
                  "list, found 'AS'");
    assert_prefix(parse_err("DROP INDEX i", NULL),
                  "job.sql:1:6: error: expected TABLE or VIEW after DROP, "
                  "found 'INDEX'");
    assert_prefix(parse_err("CREATE TABLE t (a INT, WATERMARK FOR a.b AS a) "
                            "WITH ('x' = 'y')",
                            NULL),
                  "job.sql:1:39: error: a WATERMARK on a nested field is not "
                  "supported");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_create_full),
        cmocka_unit_test(test_seed_ddl),
        cmocka_unit_test(test_seed_001_comment),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_insert_forms),
        cmocka_unit_test(test_statement_sets),
        cmocka_unit_test(test_expr_precedence),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_query_forms),
        cmocka_unit_test(test_join_forms),
        cmocka_unit_test(test_views_and_drop),
        cmocka_unit_test(test_computed_like_watermark),
        cmocka_unit_test(test_unsupported_named),
        cmocka_unit_test(test_query_syntax_errors),
        cmocka_unit_test(test_grouping_sets_then_union),
        cmocka_unit_test(test_group_by_same_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
