/*
 * test_sql_expr.c - binding and evaluating expressions: types by Flink's
 * rules, exact DECIMAL arithmetic, three-valued logic, casts, functions,
 * and the errors of binding and evaluation.
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

#include "core/datetime.h"
#include "core/decimal.h"
#include "core/valueconv.h"
#include "sql/bind.h"
#include "sql/expr.h"
#include "sql/parser.h"

/* The source table of every test: one row. */
enum {
    C_I,
    C_B,
    C_D,
    C_F,
    C_S,
    C_N,
    C_TS,
    C_DT,
    C_FLAG,
    C_NB,
    C_BIG,
    C_PT,
    C_COUNT
};

static struct hf_column cols[C_COUNT];
static struct hf_schema schema;
static struct hf_value row[C_COUNT];
static struct hf_batch *out;
static char last_type[64];

static struct hf_type ty(enum hf_type_id id, int p, int s)
{
    struct hf_type t = hf_type_make(id);
    if (id == HF_DECIMAL) {
        t.precision = (uint8_t)p;
        t.scale = (uint8_t)s;
    } else if (id == HF_TIMESTAMP || id == HF_TIMESTAMP_LTZ) {
        t.precision = (uint8_t)p;
    }
    return t;
}

static int setup(void **state)
{
    (void)state;
    static const char *names[C_COUNT] = {"i",  "b",  "d",    "f",  "s",   "n",
                                         "ts", "dt", "flag", "nb", "big", "pt"};
    struct hf_type types[C_COUNT] = {
        ty(HF_INT, 0, 0),       ty(HF_BIGINT, 0, 0),
        ty(HF_DECIMAL, 10, 2),  ty(HF_DOUBLE, 0, 0),
        ty(HF_VARCHAR, 0, 0),   ty(HF_VARCHAR, 0, 0),
        ty(HF_TIMESTAMP, 3, 0), ty(HF_DATE, 0, 0),
        ty(HF_BOOLEAN, 0, 0),   ty(HF_BOOLEAN, 0, 0),
        ty(HF_INT, 0, 0),       ty(HF_TIMESTAMP_LTZ, 3, 0)};
    for (int i = 0; i < C_COUNT; i++) {
        cols[i].name = (char *)names[i];
        cols[i].type = types[i];
        cols[i].kind = HF_COL_PHYSICAL;
    }
    cols[C_PT].kind = HF_COL_PROCTIME;
    schema.ncols = C_COUNT;
    schema.cols = cols;
    memset(row, 0, sizeof row);
    row[C_I].v.i = 7;
    row[C_B].v.i = 10000000000LL;
    hf_dec_parse("12.50", 5, 10, 2, &row[C_D].v.d);
    row[C_F].v.f8 = 2.5;
    row[C_S].v.s.ptr = "Hello";
    row[C_S].v.s.len = 5;
    row[C_N].null = true;
    hf_timestamp_parse("2024-01-31 12:34:56.789", 23, &row[C_TS].v.i);
    hf_date_parse("2024-02-29", 10, &row[C_DT].v.i);
    row[C_FLAG].v.b = true;
    row[C_NB].null = true;
    row[C_BIG].v.i = 2000000000;
    row[C_PT].null = true; /* the source leaves PROCTIME unset */
    out = hf_batch_new(1, 16);
    return out ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    hf_batch_destroy(out);
    return 0;
}

static struct hf_expr *bind_text(const char *text, struct hf_ast_script **ast,
                                 struct hf_error *err)
{
    static struct hf_sql_src src;
    src.file = "q.sql";
    src.text = text;
    src.len = strlen(text);
    struct hf_ast_expr *a;
    hf_error_clear(err);
    if (hf_sql_parse_expr(&src, ast, &a, err) != 0)
        return NULL;
    struct hf_bind_scope sc = {
        .src = &src, .schema = &schema, .table = "src", .alias = "s"};
    return hf_expr_bind(&sc, a, err);
}

/* Evaluate `text` over the row; the result as text ("NULL" for NULL). */
static const char *ev(const char *text)
{
    static char buf[512];
    struct hf_ast_script *ast = NULL;
    struct hf_error err;
    struct hf_expr *e = bind_text(text, &ast, &err);
    if (e == NULL)
        fprintf(stderr, "%s: %s\n", text, err.msg);
    assert_non_null(e);
    hf_type_name(hf_expr_type(e), last_type, sizeof last_type);
    struct hf_value v;
    int rc = hf_expr_eval(e, row, out, &v, &err);
    if (rc != 0)
        fprintf(stderr, "%s: %s\n", text, err.msg);
    assert_int_equal(rc, 0);
    if (v.null) {
        snprintf(buf, sizeof buf, "NULL");
    } else {
        struct hf_strbuf sb;
        hf_strbuf_init(&sb, 0);
        hf_value_to_text(hf_expr_type(e), &v, &sb);
        snprintf(buf, sizeof buf, "%s", sb.data ? sb.data : "");
        hf_strbuf_free(&sb);
    }
    hf_expr_free(e);
    hf_ast_script_free(ast);
    return buf;
}

static void check(const char *text, const char *want, const char *want_type)
{
    const char *got = ev(text);
    if (strcmp(got, want) != 0 ||
        (want_type && strcmp(last_type, want_type) != 0))
        fprintf(stderr, "%s => %s : %s (want %s : %s)\n", text, got, last_type,
                want, want_type ? want_type : "-");
    assert_string_equal(got, want);
    if (want_type)
        assert_string_equal(last_type, want_type);
}

static const char *bind_error(const char *text)
{
    static struct hf_error err;
    struct hf_ast_script *ast = NULL;
    struct hf_expr *e = bind_text(text, &ast, &err);
    assert_null(e);
    hf_ast_script_free(ast);
    return err.msg;
}

static const char *eval_error(const char *text)
{
    static struct hf_error err;
    struct hf_ast_script *ast = NULL;
    struct hf_expr *e = bind_text(text, &ast, &err);
    if (e == NULL)
        fprintf(stderr, "%s: %s\n", text, err.msg);
    assert_non_null(e);
    struct hf_value v;
    assert_int_equal(hf_expr_eval(e, row, out, &v, &err), -1);
    hf_expr_free(e);
    hf_ast_script_free(ast);
    return err.msg;
}

static void assert_starts(const char *s, const char *prefix)
{
    if (strncmp(s, prefix, strlen(prefix)) != 0)
        fprintf(stderr, "got: %s\nwant prefix: %s\n", s, prefix);
    assert_true(strncmp(s, prefix, strlen(prefix)) == 0);
}

/* ------------------------------------------------------------ tests */

static void test_literals(void **state)
{
    (void)state;
    check("42", "42", "INT");
    check("-2147483648", "-2147483648", "INT");
    check("2147483648", "2147483648", "BIGINT");
    check("12345678901234567890", "12345678901234567890", "DECIMAL(20, 0)");
    check("1.50", "1.50", "DECIMAL(3, 2)");
    check("0.1", "0.1", "DECIMAL(1, 1)");
    check("1.5e3", "1500.0", "DOUBLE");
    check("'abc'", "abc", "CHAR(3)");
    check("'it''s'", "it's", "CHAR(4)");
    check("TRUE", "TRUE", "BOOLEAN");
    check("NULL", "NULL", NULL);
    check("DATE '2024-01-31'", "2024-01-31", "DATE");
    check("TIMESTAMP '2024-01-31 10:00:00.5'", "2024-01-31 10:00:00.5",
          "TIMESTAMP(1)");
}

static void test_decimal_exact(void **state)
{
    (void)state;
    check("0.1 + 0.2", "0.3", "DECIMAL(2, 1)");
    check("0.1 + 0.2 = 0.3", "TRUE", "BOOLEAN");
    check("1.5 * 1.5", "2.25", "DECIMAL(5, 2)");
    check("d * 3", "37.50", "DECIMAL(21, 2)");
    check("d / 4", "3.1250000000000", "DECIMAL(21, 13)");
    check("1.0 / 3", "0.333333333333", "DECIMAL(13, 12)");
    check("2.0 / 3", "0.666666666667", "DECIMAL(13, 12)"); /* HALF_UP */
    check("d - 20", "-7.50", "DECIMAL(13, 2)");
    check("-d", "-12.50", "DECIMAL(10, 2)");
    check("MOD(d, 5)", "2.50", "DECIMAL(10, 2)");
    check("d % 5", "2.50", "DECIMAL(10, 2)");
    check("MOD(d, 0.3)", "0.20", "DECIMAL(2, 2)");
    check("ABS(0 - d)", "12.50", NULL);
    check("d > 12", "TRUE", NULL);
    check("d = 12.5", "TRUE", NULL);
    check("d = 12.500", "TRUE", NULL);
    check("d < 12.51", "TRUE", NULL);
    /* 38 digits: the full range stays exact. */
    check("CAST('99999999999999999999999999999999999.9' AS DECIMAL(38, 1)) "
          "+ 0.1",
          "100000000000000000000000000000000000.0", "DECIMAL(38, 1)");
    check("CAST('1234567890123456789.123' AS DECIMAL(22, 3)) * "
          "CAST('1000000000000000.5' AS DECIMAL(17, 1))",
          "1234567890123457406406945061728394.5615", "DECIMAL(38, 4)");
    assert_starts(eval_error("CAST('99999999999999999999999999999999999999' AS "
                             "DECIMAL(38, 0)) * i"),
                  "numeric overflow: the result does not fit DECIMAL(38, 0)");
    assert_starts(eval_error("d / (d - d)"), "division by zero in 'd / (d - "
                                             "d)' (q.sql:1:3)");
}

static void test_integer_arith(void **state)
{
    (void)state;
    check("i + 1", "8", "INT");
    check("i * b", "70000000000", "BIGINT");
    check("i / 2", "3", "INT");
    check("-i / 2", "-3", "INT");
    check("i % 4", "3", "INT");
    check("MOD(-7, 3)", "-1", "INT");
    check("i + 0.5", "7.5", "DECIMAL(12, 1)");
    check("i * f", "17.5", "DOUBLE");
    check("f / 0", "Infinity", "DOUBLE");
    check("i + NULL", "NULL", "INT");
    assert_string_equal(eval_error("big * 2"),
                        "numeric overflow: the result 4000000000 does not fit "
                        "INT (CAST an operand to a wider type) in 'big * 2' "
                        "(q.sql:1:5)");
    check("CAST(big AS BIGINT) * 2", "4000000000", "BIGINT");
    assert_string_equal(eval_error("i / 0"),
                        "division by zero in 'i / 0' (q.sql:1:3)");
    assert_starts(eval_error("i % 0"), "division by zero");
}

static void test_three_valued_logic(void **state)
{
    (void)state;
    check("nb AND FALSE", "FALSE", "BOOLEAN");
    check("FALSE AND nb", "FALSE", NULL);
    check("nb AND TRUE", "NULL", NULL);
    check("nb OR TRUE", "TRUE", NULL);
    check("nb OR FALSE", "NULL", NULL);
    check("NOT nb", "NULL", NULL);
    check("NOT flag", "FALSE", NULL);
    check("NULL AND FALSE", "FALSE", NULL);
    check("nb IS NULL", "TRUE", NULL);
    check("nb IS NOT NULL", "FALSE", NULL);
    check("nb IS TRUE", "FALSE", NULL);
    check("nb IS NOT TRUE", "TRUE", NULL);
    check("nb IS UNKNOWN", "TRUE", NULL);
    check("flag IS FALSE", "FALSE", NULL);
    check("n = 'x'", "NULL", NULL);
    check("i IN (1, 7)", "TRUE", NULL);
    check("i IN (1, NULL)", "NULL", NULL);
    check("i NOT IN (1, 2)", "TRUE", NULL);
    check("i NOT IN (1, NULL)", "NULL", NULL);
    check("i BETWEEN 1 AND 10", "TRUE", NULL);
    check("i NOT BETWEEN 1 AND 5", "TRUE", NULL);
    check("i BETWEEN NULL AND 5", "FALSE", NULL);
    check("i BETWEEN NULL AND 10", "NULL", NULL);
}

static void test_comparisons(void **state)
{
    (void)state;
    check("s = 'Hello'", "TRUE", NULL);
    check("s < 'Hi'", "TRUE", NULL);
    check("s <> 'hello'", "TRUE", NULL);
    check("1 = 1.0", "TRUE", NULL);
    check("i > 6.99", "TRUE", NULL);
    check("f >= 2.5", "TRUE", NULL);
    check("dt < ts", "FALSE", NULL);
    check("ts > '2024-01-01 00:00:00'", "TRUE", NULL);
    check("dt = '2024-02-29'", "TRUE", NULL);
    check("TRUE > FALSE", "TRUE", NULL);
    check("s LIKE 'H%o'", "TRUE", NULL);
    check("s LIKE 'h%'", "FALSE", NULL);
    check("s LIKE 'H_llo'", "TRUE", NULL);
    check("'50%' LIKE '50!%' ESCAPE '!'", "TRUE", NULL);
    check("'500' LIKE '50!%' ESCAPE '!'", "FALSE", NULL);
    check("s NOT LIKE '%z%'", "TRUE", NULL);
    assert_starts(bind_error("s = 1"),
                  "q.sql:1:3: error: cannot compare STRING with INT; add a "
                  "CAST");
    assert_starts(bind_error("ts > 'yesterday'"),
                  "q.sql:1:6: error: cannot compare TIMESTAMP(3) with the "
                  "string 'yesterday'");
}

static void test_casts(void **state)
{
    (void)state;
    check("CAST('42' AS INT)", "42", "INT");
    check("CAST(' 42 ' AS BIGINT)", "42", "BIGINT");
    check("CAST(3.7 AS INT)", "3", "INT");
    check("CAST(-3.7 AS INT)", "-3", "INT");
    check("CAST(f AS INT)", "2", "INT");
    check("CAST(1.005 AS DECIMAL(3, 2))", "1.01", "DECIMAL(3, 2)");
    check("CAST(f AS DECIMAL(10, 2))", "2.50", NULL);
    check("CAST(i AS STRING)", "7", "STRING");
    check("CAST(d AS STRING)", "12.50", NULL);
    check("CAST(f AS STRING)", "2.5", NULL);
    check("CAST(ts AS STRING)", "2024-01-31 12:34:56.789", NULL);
    check("CAST(ts AS DATE)", "2024-01-31", "DATE");
    check("CAST(ts AS TIME)", "12:34:56", "TIME(0)");
    check("CAST(dt AS TIMESTAMP(0))", "2024-02-29 00:00:00", NULL);
    check("CAST(ts AS TIMESTAMP_LTZ(3))", "2024-01-31 12:34:56.789",
          "TIMESTAMP_LTZ(3)");
    check("CAST(flag AS INT)", "1", NULL);
    check("CAST(i AS BOOLEAN)", "TRUE", NULL);
    check("CAST('true' AS BOOLEAN)", "TRUE", NULL);
    check("CAST(s AS VARCHAR(3))", "Hel", "VARCHAR(3)");
    check("CAST('ab' AS CHAR(4))", "ab  ", "CHAR(4)");
    check("CAST(NULL AS INT)", "NULL", "INT");
    check("CAST('2024-01-31' AS DATE)", "2024-01-31", NULL);
    check("TRY_CAST('abc' AS INT)", "NULL", "INT");
    check("TRY_CAST(s AS INT)", "NULL", "INT");
    check("TRY_CAST(s AS STRING)", "Hello", NULL);
    assert_starts(eval_error("CAST(s AS INT)"), "cannot CAST 'Hello' to INT:");
    assert_non_null(strstr(eval_error("CAST(s AS INT)"),
                           "in 'CAST(s AS INT)' (q.sql:1:1)"));
    assert_starts(bind_error("CAST('abc' AS INT)"),
                  "q.sql:1:1: error: cannot CAST 'abc' to INT:");
    assert_starts(bind_error("CAST(300 AS TINYINT)"),
                  "q.sql:1:1: error: value 300 is out of range for TINYINT");
    assert_starts(bind_error("CAST(flag AS DATE)"),
                  "q.sql:1:1: error: cannot CAST BOOLEAN to DATE");
    assert_non_null(strstr(bind_error("CAST(i AS TIMESTAMP(3))"),
                           "use TO_TIMESTAMP_LTZ(epoch, 3)"));
    assert_starts(eval_error("CAST(b AS INT)"),
                  "value 10000000000 is out of range for INT");
}

static void test_strings(void **state)
{
    (void)state;
    check("UPPER(s)", "HELLO", "STRING");
    check("LOWER(s)", "hello", NULL);
    check("TRIM('  x y  ')", "x y", NULL);
    check("TRIM(LEADING 'x' FROM 'xxaxx')", "axx", NULL);
    check("TRIM(TRAILING FROM '  a  ')", "  a", NULL);
    check("LTRIM('  a ')", "a ", NULL);
    check("RTRIM('  a ')", "  a", NULL);
    check("CHAR_LENGTH('h\xC3\xA9llo')", "5", "INT");
    check("CONCAT(s, ' ', 'world')", "Hello world", "STRING");
    check("CONCAT(s, n)", "NULL", NULL);
    check("CONCAT('n=', i)", "n=7", NULL);
    check("s || '!' || i", "Hello!7", NULL);
    check("CONCAT_WS('-', 'a', n, 'b')", "a-b", NULL);
    check("SUBSTRING(s, 2, 3)", "ell", NULL);
    check("SUBSTRING(s, 2)", "ello", NULL);
    check("SUBSTR(s, -3)", "llo", NULL);
    check("SUBSTRING(s, 0, 2)", "He", NULL);
    check("REPLACE(s, 'l', 'L')", "HeLLo", NULL);
    check("COALESCE(n, s)", "Hello", "STRING");
    check("COALESCE(n, NULL)", "NULL", NULL);
    check("COALESCE(NULL, i, 3)", "7", "INT");
    check("COALESCE(i, 2.5)", "7.0", "DECIMAL(11, 1)");
    check("IFNULL(n, 'none')", "none", NULL);
    check("IF(i > 5, 'big', 'small')", "big", "VARCHAR(5)");
    check("CASE WHEN i > 10 THEN 'a' WHEN i > 5 THEN 'bb' ELSE 'c' END", "bb",
          "VARCHAR(2)");
    check("CASE WHEN i > 10 THEN 'a' END", "NULL", NULL);
    check("CASE i WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END", "seven", NULL);
    check("CASE n WHEN 'x' THEN 1 ELSE 0 END", "0", "INT");
    check("CASE WHEN flag THEN d ELSE 0 END", "12.50", "DECIMAL(12, 2)");
}

static void test_time_functions(void **state)
{
    (void)state;
    check("DATE_FORMAT(ts, 'yyyy/MM/dd HH:mm:ss.SSS')",
          "2024/01/31 12:34:56.789", "STRING");
    check("DATE_FORMAT(ts, 'yyyyMMdd''T''HH')", "20240131T12", NULL);
    check("DATE_FORMAT(dt, 'dd MMM yy')", "29 Feb 24", NULL);
    check("DATE_FORMAT('2024-03-01 08:00:00', 'h a')", "8 AM", NULL);
    check("TO_TIMESTAMP('2024-01-31 12:34:56')", "2024-01-31 12:34:56.000",
          "TIMESTAMP(3)");
    check("TO_TIMESTAMP('2024-01-31 12:34:56.123456')",
          "2024-01-31 12:34:56.123", NULL);
    check("TO_TIMESTAMP('31/01/2024 07:08', 'dd/MM/yyyy HH:mm')",
          "2024-01-31 07:08:00.000", NULL);
    check("TO_TIMESTAMP('20240131', 'yyyyMMdd')", "2024-01-31 00:00:00.000",
          NULL);
    check("TO_TIMESTAMP('2024-02-30', 'yyyy-MM-dd')", "NULL", NULL);
    check("TO_TIMESTAMP('garbage')", "NULL", NULL);
    check("TO_DATE('2024-01-31')", "2024-01-31", "DATE");
    check("TO_TIMESTAMP_LTZ(1700000000000, 3)", "2023-11-14 22:13:20.000",
          "TIMESTAMP_LTZ(3)");
    check("TO_TIMESTAMP_LTZ(1700000000, 0)", "2023-11-14 22:13:20.000", NULL);
    check("FROM_UNIXTIME(0)", "1970-01-01 00:00:00", "STRING");
    check("FROM_UNIXTIME(86400 + 3661, 'yyyy-MM-dd HH:mm')", "1970-01-02 01:01",
          NULL);
    check("UNIX_TIMESTAMP('1970-01-02 00:00:00')", "86400", "BIGINT");
    check("UNIX_TIMESTAMP('02.01.1970', 'dd.MM.yyyy')", "86400", NULL);

    /* The clock: NOW() and PROCTIME columns are within a second of now. */
    struct hf_ast_script *ast;
    struct hf_error err;
    const char *clocks[] = {"NOW()", "CURRENT_TIMESTAMP", "pt"};
    for (size_t k = 0; k < 3; k++) {
        struct hf_expr *e = bind_text(clocks[k], &ast, &err);
        assert_non_null(e);
        assert_int_equal(hf_expr_type(e)->id, HF_TIMESTAMP_LTZ);
        assert_int_equal(hf_expr_type(e)->precision, 3);
        struct hf_value v;
        int64_t before = hf_now_usec();
        assert_int_equal(hf_expr_eval(e, row, out, &v, &err), 0);
        assert_false(v.null);
        assert_true(v.v.i <= before + 1000000 && v.v.i >= before - 1000000);
        assert_int_equal(v.v.i % 1000, 0);
        assert_false(hf_expr_column(e, NULL));
        hf_expr_free(e);
        hf_ast_script_free(ast);
    }

    assert_starts(bind_error("DATE_FORMAT(ts, 'yyyy-MM-dd Q')"),
                  "q.sql:1:17: error: bad format 'yyyy-MM-dd Q' for "
                  "DATE_FORMAT: pattern letter 'Q' is not supported");
    assert_starts(bind_error("DATE_FORMAT(ts, s)"),
                  "q.sql:1:17: error: the format argument of DATE_FORMAT must "
                  "be a string literal");
    assert_starts(bind_error("TO_TIMESTAMP_LTZ(b, 6)"),
                  "q.sql:1:21: error: the precision of TO_TIMESTAMP_LTZ must "
                  "be 0 (seconds) or 3 (milliseconds)");
}

static void test_bind_errors(void **state)
{
    (void)state;
    assert_string_equal(bind_error("nme"),
                        "q.sql:1:1: error: unknown column 'nme' in table "
                        "'src'; did you mean 'n'? (column names are "
                        "case-sensitive)\nnme\n^");
    assert_starts(bind_error("S"),
                  "q.sql:1:1: error: unknown column 'S' in table 'src'; did "
                  "you mean 's'?");
    assert_starts(bind_error("zzzzzz + 1"),
                  "q.sql:1:1: error: unknown column 'zzzzzz' in table 'src'; "
                  "its columns are: i, b, d, f, s, n, ts, dt, flag, nb, big, "
                  "pt");
    assert_starts(bind_error("x.i"),
                  "q.sql:1:3: error: unknown table 'x' in 'x.i'; the query "
                  "reads 'src' as 's'");
    assert_starts(bind_error("UPPPER(s)"),
                  "q.sql:1:1: error: unknown function 'UPPPER'; did you mean "
                  "'UPPER'?");
    assert_starts(bind_error("FOO(s)"), "q.sql:1:1: error: unknown function "
                                        "'FOO'");
    assert_starts(bind_error("COUNT(*)"),
                  "q.sql:1:1: error: aggregate function COUNT is not allowed "
                  "here");
    assert_starts(bind_error("s + 1"),
                  "q.sql:1:3: error: cannot apply '+' to STRING and INT; "
                  "arithmetic needs numeric operands (add a CAST)");
    assert_starts(bind_error("i AND flag"),
                  "q.sql:1:3: error: AND needs BOOLEAN operands, found INT");
    assert_starts(bind_error("UPPER(s, s)"),
                  "q.sql:1:1: error: UPPER takes 1 argument, found 2");
    assert_starts(bind_error("CASE WHEN i THEN 1 END"),
                  "q.sql:1:11: error: WHEN needs a BOOLEAN condition, found "
                  "INT");
    assert_starts(bind_error("CASE WHEN flag THEN 1 ELSE 'x' END"),
                  "q.sql:1:1: error: values of types INT and CHAR(1) cannot "
                  "be combined here; add a CAST");
}

static void test_tree_utilities(void **state)
{
    (void)state;
    struct hf_ast_script *ast;
    struct hf_error err;
    struct hf_expr *e = bind_text("s.d", &ast, &err);
    uint32_t idx = 99;
    assert_true(hf_expr_column(e, &idx));
    assert_int_equal(idx, C_D);
    hf_expr_free(e);
    hf_ast_script_free(ast);

    e = bind_text("i + 0.5 > d AND s IS NOT NULL", &ast, &err);
    assert_false(hf_expr_column(e, &idx));
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_expr_to_text(e, &sb);
    assert_string_equal(sb.data, "(((CAST(i AS DECIMAL(10, 0)) + 0.5) > d) "
                                 "AND s IS NOT NULL)");
    hf_strbuf_free(&sb);
    hf_expr_free(e);
    hf_ast_script_free(ast);

    e = bind_text("DATE_FORMAT(ts, 'yyyy''T''HH') || FROM_UNIXTIME(b)", &ast,
                  &err);
    hf_strbuf_init(&sb, 0);
    hf_expr_to_text(e, &sb);
    assert_string_equal(sb.data, "(DATE_FORMAT(ts, 'yyyy''T''HH') || "
                                 "FROM_UNIXTIME(b, 'yyyy-MM-dd HH:mm:ss'))");
    hf_strbuf_free(&sb);
    hf_expr_free(e);
    hf_ast_script_free(ast);

    /* Coercion to a sink column type. */
    e = bind_text("i", &ast, &err);
    char why[200];
    struct hf_type bt = hf_type_make(HF_BIGINT);
    assert_int_equal(hf_expr_coerce(&e, &bt, why, sizeof why), 0);
    assert_int_equal(hf_expr_type(e)->id, HF_BIGINT);
    assert_false(hf_expr_column(e, NULL)); /* now a cast */
    struct hf_type dt = ty(HF_DATE, 0, 0);
    assert_int_equal(hf_expr_coerce(&e, &dt, why, sizeof why), -1);
    hf_expr_free(e);
    hf_ast_script_free(ast);

    e = bind_text("300", &ast, &err);
    struct hf_type tt = hf_type_make(HF_TINYINT);
    assert_int_equal(hf_expr_coerce(&e, &tt, why, sizeof why), -1);
    assert_string_equal(why, "value 300 is out of range for TINYINT");
    struct hf_type st = hf_type_make(HF_SMALLINT);
    assert_int_equal(hf_expr_coerce(&e, &st, why, sizeof why), 0);
    assert_int_equal(hf_expr_type(e)->id, HF_SMALLINT);
    hf_expr_free(e);
    hf_ast_script_free(ast);

    hf_expr_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_decimal_exact),
        cmocka_unit_test(test_integer_arith),
        cmocka_unit_test(test_three_valued_logic),
        cmocka_unit_test(test_comparisons),
        cmocka_unit_test(test_casts),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_time_functions),
        cmocka_unit_test(test_bind_errors),
        cmocka_unit_test(test_tree_utilities),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
