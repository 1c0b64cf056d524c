/*
 * test_sql_functions.c - Flink's built-in functions: every example of the
 * function table (src/sql/expr_fntab.c, docs/functions.md) evaluated, a
 * case list with Flink's documented examples, NULLs and edge cases per
 * function, the check that every function in the table has a case here,
 * errors at plan and run time, and the session time zone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "core/decimal.h"
#include "core/tz.h"
#include "core/valueconv.h"
#include "sql/bind.h"
#include "sql/expr.h"
#include "sql/functions.h"
#include "sql/parser.h"

/* The source row: a few typed columns, two of them NULL. */
enum { C_I, C_S, C_N, C_TS, C_LTZ, C_D, C_J, C_COUNT };

static struct hf_column cols[C_COUNT];
static struct hf_schema schema;
static struct hf_value row[C_COUNT];
static struct hf_batch *out;
static const struct hf_tz *zone; /* the session zone of the next bind */
static char last_type[64];

static int setup(void **state)
{
    (void)state;
    static const char *names[C_COUNT] = {"i", "s", "n", "ts", "ltz", "d", "j"};
    struct hf_type types[C_COUNT] = {
        hf_type_make(HF_INT),           hf_type_make(HF_VARCHAR),
        hf_type_make(HF_VARCHAR),       hf_type_make(HF_TIMESTAMP),
        hf_type_make(HF_TIMESTAMP_LTZ), hf_type_make(HF_DECIMAL),
        hf_type_make(HF_VARCHAR)};
    types[C_TS].precision = 3;
    types[C_LTZ].precision = 3;
    types[C_D].precision = 10;
    types[C_D].scale = 2;
    for (int k = 0; k < C_COUNT; k++) {
        cols[k].name = (char *)names[k];
        cols[k].type = types[k];
        cols[k].kind = HF_COL_PHYSICAL;
    }
    schema.ncols = C_COUNT;
    schema.cols = cols;
    memset(row, 0, sizeof row);
    row[C_I].v.i = 7;
    row[C_S].v.s.ptr = "Hello";
    row[C_S].v.s.len = 5;
    row[C_N].null = true;
    hf_timestamp_parse("2024-03-10 01:30:00.250", 23, &row[C_TS].v.i);
    /* 2024-03-10 10:30:00 UTC: 02:30 in Los Angeles would not exist. */
    hf_timestamp_parse("2024-03-10 10:30:00", 19, &row[C_LTZ].v.i);
    hf_dec_parse("-12.35", 6, 10, 2, &row[C_D].v.d);
    static const char json[] = "{\"a\":{\"b\":[1,2,{\"c\":\"x\"}]},\"n\":null}";
    row[C_J].v.s.ptr = json;
    row[C_J].v.s.len = sizeof json - 1;
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
    *ast = NULL;
    if (hf_sql_parse_expr(&src, ast, &a, err) != 0)
        return NULL;
    struct hf_bind_scope sc = {
        .src = &src, .schema = &schema, .table = "src", .tz = zone};
    return hf_expr_bind(&sc, a, err);
}

/* Evaluate `text`; the result as text ("NULL"), or NULL with *msg set. */
static const char *try_ev(const char *text, const char **msg)
{
    static char buf[1024];
    static struct hf_error err;
    struct hf_ast_script *ast = NULL;
    *msg = NULL;
    struct hf_expr *e = bind_text(text, &ast, &err);
    if (e == NULL) {
        hf_ast_script_free(ast);
        *msg = err.msg;
        return NULL;
    }
    hf_type_name(hf_expr_type(e), last_type, sizeof last_type);
    struct hf_value v;
    int rc = hf_expr_eval(e, row, out, &v, &err);
    if (rc != 0) {
        *msg = err.msg;
    } else if (v.null) {
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
    return rc == 0 ? buf : NULL;
}

static void check(const char *text, const char *want, const char *want_type)
{
    const char *msg;
    const char *got = try_ev(text, &msg);
    if (got == NULL)
        fprintf(stderr, "%s: %s\n", text, msg);
    assert_non_null(got);
    if (strcmp(got, want) != 0 ||
        (want_type && strcmp(last_type, want_type) != 0))
        fprintf(stderr, "%s => %s : %s (want %s : %s)\n", text, got, last_type,
                want, want_type ? want_type : "-");
    assert_string_equal(got, want);
    if (want_type)
        assert_string_equal(last_type, want_type);
}

/* An error at plan time (bind) or run time whose message contains part. */
static void check_error(const char *text, const char *part)
{
    const char *msg;
    const char *got = try_ev(text, &msg);
    if (got != NULL)
        fprintf(stderr, "%s => %s (want an error with '%s')\n", text, got,
                part);
    assert_null(got);
    if (strstr(msg, part) == NULL)
        fprintf(stderr, "%s: %s\n(want '%s')\n", text, msg, part);
    assert_non_null(strstr(msg, part));
}

/* ------------------------------------------------------------ cases */

/* One case: the function it is for (a name of the table), the
 * expression, its result as text and, when given, its type. Flink's
 * documented examples are marked "doc". */
struct fcase {
    const char *fn;
    const char *expr;
    const char *want;
    const char *type;
};

static const struct fcase cases[] = {
    /* comparison */
    {"=", "1 = 1", "TRUE", "BOOLEAN"},
    {"=", "i <> CAST(NULL AS INT)", "NULL", "BOOLEAN"},
    {"IS NULL", "n IS NULL", "TRUE", NULL},
    {"IS NULL", "s IS NOT NULL", "TRUE", NULL},
    {"IS DISTINCT FROM", "1 IS DISTINCT FROM NULL", "TRUE", NULL},     /* doc */
    {"IS DISTINCT FROM", "NULL IS DISTINCT FROM NULL", "FALSE", NULL}, /* doc */
    {"IS DISTINCT FROM", "1 IS NOT DISTINCT FROM NULL", "FALSE", NULL},
    {"IS DISTINCT FROM", "n IS NOT DISTINCT FROM n", "TRUE", "BOOLEAN"},
    {"IS DISTINCT FROM", "i IS DISTINCT FROM 7", "FALSE", NULL},
    {"BETWEEN", "12 BETWEEN 15 AND 12", "FALSE", NULL},            /* doc */
    {"BETWEEN", "12 BETWEEN SYMMETRIC 15 AND 12", "TRUE", NULL},   /* doc */
    {"BETWEEN", "12 BETWEEN 10 AND NULL", "NULL", NULL},           /* doc */
    {"BETWEEN", "12 BETWEEN NULL AND 10", "FALSE", NULL},          /* doc */
    {"BETWEEN", "12 BETWEEN SYMMETRIC NULL AND 12", "NULL", NULL}, /* doc */
    {"BETWEEN", "12 NOT BETWEEN 15 AND 12", "TRUE", NULL},         /* doc */
    {"BETWEEN", "12 NOT BETWEEN SYMMETRIC 15 AND 12", "FALSE", NULL},
    {"BETWEEN", "12 NOT BETWEEN NULL AND 15", "NULL", NULL}, /* doc */
    {"BETWEEN", "12 NOT BETWEEN 15 AND NULL", "TRUE", NULL}, /* doc */
    {"BETWEEN", "12 BETWEEN ASYMMETRIC 10 AND 12", "TRUE", NULL},
    {"IN", "4 IN (1, 2, 3)", "FALSE", NULL},        /* doc */
    {"IN", "1 IN (1, 2, NULL)", "TRUE", NULL},      /* doc */
    {"IN", "4 IN (1, 2, NULL)", "NULL", NULL},      /* doc */
    {"IN", "4 NOT IN (1, 2, 3)", "TRUE", NULL},     /* doc */
    {"IN", "1 NOT IN (1, 2, NULL)", "FALSE", NULL}, /* doc */
    {"IN", "4 NOT IN (1, 2, NULL)", "NULL", NULL},  /* doc */
    {"IN", "n IN ('a')", "NULL", NULL},
    {"LIKE", "'JoKn' LIKE 'Jo_n%'", "TRUE", NULL}, /* doc */
    {"LIKE", "'a_c' LIKE 'a!_c' ESCAPE '!'", "TRUE", NULL},
    {"LIKE", "'abc' LIKE 'a!_c' ESCAPE '!'", "FALSE", NULL},
    {"LIKE", "'100%' LIKE '100!%' ESCAPE '!'", "TRUE", NULL},
    {"LIKE", "s NOT LIKE 'H%'", "FALSE", NULL},
    {"LIKE", "n LIKE 'a'", "NULL", NULL},
    {"SIMILAR TO", "'A' SIMILAR TO 'A+'", "TRUE", NULL}, /* doc */
    {"SIMILAR TO", "'abc' SIMILAR TO 'a%'", "TRUE", NULL},
    {"SIMILAR TO", "'abc' SIMILAR TO 'b%'", "FALSE", NULL},
    {"SIMILAR TO", "'ab' SIMILAR TO '(a|b)*'", "TRUE", NULL},
    {"SIMILAR TO", "'a.c' SIMILAR TO 'a.c'", "TRUE", NULL},
    {"SIMILAR TO", "'abc' SIMILAR TO 'a.c'", "FALSE", NULL},
    {"SIMILAR TO", "'a%c' SIMILAR TO 'a#%c' ESCAPE '#'", "TRUE", NULL},
    {"SIMILAR TO", "'xyz' NOT SIMILAR TO '[x-z]{3}'", "FALSE", NULL},
    {"SIMILAR TO", "s SIMILAR TO 'H_llo'", "TRUE", NULL},
    {"SIMILAR TO", "n SIMILAR TO 'a'", "NULL", NULL},
    /* logical */
    {"AND", "TRUE OR CAST(NULL AS BOOLEAN)", "TRUE", NULL},  /* doc */
    {"AND", "TRUE AND CAST(NULL AS BOOLEAN)", "NULL", NULL}, /* doc */
    {"AND", "NOT CAST(NULL AS BOOLEAN)", "NULL", NULL},
    {"IS TRUE", "CAST(NULL AS BOOLEAN) IS NOT TRUE", "TRUE", NULL},
    {"IS TRUE", "CAST(NULL AS BOOLEAN) IS UNKNOWN", "TRUE", NULL},
    {"IS TRUE", "FALSE IS FALSE", "TRUE", NULL},
    /* arithmetic */
    {"+", "7 / 2", "3", "INT"},
    {"+", "i + 0.5", "7.5", NULL},
    {"+", "- i", "-7", NULL},
    {"MOD", "MOD(-7, 3)", "-1", "INT"},
    {"MOD", "-7 % 3", "-1", NULL},
    {"MOD", "MOD(7, -3)", "1", NULL},
    {"MOD", "MOD(i, CAST(NULL AS INT))", "NULL", NULL},
    {"ABS", "ABS(-2.5)", "2.5", "DECIMAL(2, 1)"},
    {"ABS", "ABS(-i)", "7", "INT"},
    {"ABS", "ABS(CAST(NULL AS DOUBLE))", "NULL", NULL},
    {"POWER", "POWER(2, 10)", "1024.0", "DOUBLE"},
    {"POWER", "POWER(2.0, -1)", "0.5", NULL},
    {"POWER", "POWER(CAST(NULL AS DOUBLE), 2)", "NULL", NULL},
    {"SQRT", "SQRT(16)", "4.0", NULL},
    {"SQRT", "SQRT(-1)", "NaN", NULL},
    {"LN", "LN(1)", "0.0", NULL},
    {"LN", "LN(0)", "-Infinity", NULL},
    {"LOG10", "LOG10(1000)", "3.0", NULL},
    {"LOG2", "LOG2(8)", "3.0", NULL},
    {"LOG", "LOG(2, 8)", "3.0", NULL},
    {"LOG", "LOG(1)", "0.0", NULL},
    {"EXP", "EXP(0)", "1.0", NULL},
    {"EXP", "EXP(1) = E()", "TRUE", NULL},
    {"SIN", "SIN(0)", "0.0", NULL},
    {"COS", "COS(0)", "1.0", NULL},
    {"TAN", "TAN(0)", "0.0", NULL},
    {"COT", "COT(1) > 0.642", "TRUE", NULL},
    {"ASIN", "ASIN(1) = PI() / 2", "TRUE", NULL},
    {"ACOS", "ACOS(1)", "0.0", NULL},
    {"ATAN", "ATAN(0)", "0.0", NULL},
    {"ATAN2", "ATAN2(1, 1) = PI() / 4", "TRUE", NULL},
    {"SINH", "SINH(0)", "0.0", NULL},
    {"COSH", "COSH(0)", "1.0", NULL},
    {"TANH", "TANH(0)", "0.0", NULL},
    {"DEGREES", "DEGREES(PI())", "180.0", NULL},
    {"RADIANS", "RADIANS(180) = PI()", "TRUE", NULL},
    {"PI", "PI()", "3.141592653589793", "DOUBLE"},
    {"E", "E()", "2.718281828459045", NULL},
    {"SIGN", "SIGN(-2.5)", "-1.0", NULL},
    {"SIGN", "SIGN(i)", "1", "INT"},
    {"SIGN", "SIGN(0)", "0", NULL},
    {"ROUND", "ROUND(1.2345, 2)", "1.23", "DECIMAL(4, 2)"},
    {"ROUND", "ROUND(1.235, 2)", "1.24", NULL},
    {"ROUND", "ROUND(-1.235, 2)", "-1.24", NULL},
    {"ROUND", "ROUND(d)", "-12", "DECIMAL(9, 0)"},
    {"ROUND", "ROUND(d, 1)", "-12.4", "DECIMAL(10, 1)"},
    {"ROUND", "ROUND(d, 5)", "-12.35", "DECIMAL(10, 2)"},
    {"ROUND", "ROUND(1234.5, -2)", "1200", "DECIMAL(5, 0)"},
    {"ROUND", "ROUND(1250, -2)", "1300", "INT"},
    {"ROUND", "ROUND(-1250, -2)", "-1300", NULL},
    {"ROUND", "ROUND(2.5E0)", "3.0", "DOUBLE"},
    {"ROUND", "ROUND(1.005E0, 2)", "1.01", NULL},
    {"ROUND", "ROUND(CAST(NULL AS DOUBLE), 1)", "NULL", NULL},
    {"TRUNCATE", "TRUNCATE(42.324, 2)", "42.32", NULL}, /* doc */
    {"TRUNCATE", "TRUNCATE(42.324)", "42", NULL},
    {"TRUNCATE", "TRUNCATE(-1.99)", "-1", NULL},
    {"TRUNCATE", "TRUNCATE(1259, -2)", "1200", "INT"},
    {"TRUNCATE", "TRUNCATE(2.7E0)", "2.0", NULL},
    {"FLOOR", "FLOOR(-1.5)", "-2", "DECIMAL(2, 0)"},
    {"FLOOR", "FLOOR(1.5E0)", "1.0", "DOUBLE"},
    {"FLOOR", "FLOOR(i)", "7", "INT"},
    {"FLOOR", "FLOOR(d)", "-13", NULL},
    {"FLOOR", "FLOOR(TIME '12:44:31' TO MINUTE)", "12:44:00", NULL}, /* doc */
    {"FLOOR", "FLOOR(TIMESTAMP '2024-05-17 10:11:12' TO MONTH)",
     "2024-05-01 00:00:00", NULL},
    {"FLOOR", "FLOOR(TIMESTAMP '2024-05-17 10:11:12' TO WEEK)",
     "2024-05-12 00:00:00", NULL},
    {"FLOOR", "FLOOR(TIMESTAMP '2024-05-17 10:11:12' TO QUARTER)",
     "2024-04-01 00:00:00", NULL},
    {"FLOOR", "FLOOR(ts TO HOUR)", "2024-03-10 01:00:00.000", "TIMESTAMP(3)"},
    {"FLOOR", "FLOOR(DATE '2024-05-17' TO YEAR)", "2024-01-01", "DATE"},
    {"CEIL", "CEIL(TIME '12:44:31' TO MINUTE)", "12:45:00", NULL}, /* doc */
    {"CEIL", "CEIL(1.2)", "2", NULL},
    {"CEIL", "CEIL(-1.5E0)", "-1.0", NULL},
    {"CEIL", "CEIL(TIMESTAMP '2024-05-17 10:11:12' TO DAY)",
     "2024-05-18 00:00:00", NULL},
    {"CEIL", "CEIL(TIMESTAMP '2024-05-01 00:00:00' TO MONTH)",
     "2024-05-01 00:00:00", NULL},
    {"CEILING", "CEILING(1.2)", "2", NULL},
    {"CEILING", "CEILING(ts TO SECOND)", "2024-03-10 01:30:01.000", NULL},
    {"RAND", "RAND(42)", "0.7275636800328681", "DOUBLE"},
    {"RAND", "RAND() >= 0 AND RAND() < 1", "TRUE", NULL},
    {"RAND_INTEGER", "RAND_INTEGER(10) BETWEEN 0 AND 9", "TRUE", NULL},
    {"RAND_INTEGER", "RAND_INTEGER(42, 10) BETWEEN 0 AND 9", "TRUE", "BOOLEAN"},
    {"RAND_INTEGER", "RAND_INTEGER(CAST(NULL AS INT))", "NULL", NULL},
    {"UUID", "CHAR_LENGTH(UUID())", "36", NULL},
    {"UUID",
     "UUID() SIMILAR TO "
     "'[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'",
     "TRUE", NULL},
    {"UUID", "UUID() <> UUID()", "TRUE", NULL},
    {"BIN", "BIN(4)", "100", NULL},   /* doc */
    {"BIN", "BIN(12)", "1100", NULL}, /* doc */
    {"BIN", "BIN(0)", "0", NULL},
    {"BIN", "CHAR_LENGTH(BIN(-1))", "64", NULL},
    {"HEX", "HEX(20)", "14", NULL},                                /* doc */
    {"HEX", "HEX(100)", "64", NULL},                               /* doc */
    {"HEX", "HEX('hello,world')", "68656C6C6F2C776F726C64", NULL}, /* doc */
    {"HEX", "HEX(-1)", "FFFFFFFFFFFFFFFF", NULL},
    {"HEX", "HEX(n)", "NULL", NULL},
    /* strings */
    {"||", "'a' || 'b'", "ab", NULL},
    {"||", "s || n", "NULL", NULL},
    {"CONCAT", "CONCAT('AA', 'BB', 'CC')", "AABBCC", NULL}, /* doc */
    {"CONCAT", "CONCAT(s, n)", "NULL", NULL},
    {"CONCAT_WS", "CONCAT_WS('~', 'AA', CAST(NULL AS STRING), 'BB', '', 'CC')",
     "AA~BB~~CC", NULL}, /* doc */
    {"CONCAT_WS", "CONCAT_WS(n, 'a', 'b')", "NULL", NULL},
    {"CHAR_LENGTH", "CHAR_LENGTH('h\xC3\xA9llo')", "5", "INT"},
    {"CHAR_LENGTH", "CHAR_LENGTH('')", "0", NULL},
    {"CHAR_LENGTH", "CHAR_LENGTH(n)", "NULL", "INT"},
    {"CHARACTER_LENGTH", "CHARACTER_LENGTH(s)", "5", NULL},
    {"UPPER", "UPPER(s)", "HELLO", NULL},
    {"UPPER", "UPPER(n)", "NULL", NULL},
    {"LOWER", "LOWER(s)", "hello", NULL},
    {"POSITION", "POSITION('b' IN 'abc')", "2", "INT"},
    {"POSITION", "POSITION('z' IN 'abc')", "0", NULL},
    {"POSITION", "POSITION('l' IN s)", "3", NULL},
    {"POSITION", "POSITION('\xC3\xA9' IN 'h\xC3\xA9llo')", "2", NULL},
    {"POSITION", "POSITION(n IN s)", "NULL", NULL},
    {"LOCATE", "LOCATE('a', 'banana', 3)", "4", NULL},
    {"LOCATE", "LOCATE('a', 'banana')", "2", NULL},
    {"LOCATE", "LOCATE('x', 'banana')", "0", NULL},
    {"LOCATE", "LOCATE('a', 'banana', 9)", "0", NULL},
    {"INSTR", "INSTR('banana', 'an')", "2", NULL},
    {"INSTR", "INSTR('banana', 'x')", "0", NULL},
    {"INSTR", "INSTR(n, 'x')", "NULL", NULL},
    {"TRIM", "TRIM('  x y  ')", "x y", NULL},
    {"TRIM", "TRIM(BOTH 'x' FROM 'xxaxx')", "a", NULL},
    {"TRIM", "TRIM(LEADING 'x' FROM 'xxaxx')", "axx", NULL},
    {"TRIM", "TRIM(TRAILING 'x' FROM 'xxaxx')", "xxa", NULL},
    {"TRIM", "TRIM(n)", "NULL", NULL},
    {"LTRIM", "LTRIM(' This is a test String.')", "This is a test String.",
     NULL}, /* doc */
    {"RTRIM", "RTRIM('This is a test String. ')", "This is a test String.",
     NULL},                                          /* doc */
    {"LPAD", "LPAD('hi', 4, '?\?')", "?\?hi", NULL}, /* doc */
    {"LPAD", "LPAD('hi', 1, '?\?')", "h", NULL},     /* doc */
    {"LPAD", "LPAD('hi', 7, 'ab')", "ababahi", NULL},
    {"LPAD", "LPAD('hi', -1, 'a')", "NULL", NULL},
    {"LPAD", "LPAD('hi', 5, '')", "NULL", NULL},
    {"LPAD", "LPAD('', 0, 'a')", "", NULL},
    {"RPAD", "RPAD('hi', 4, '?\?')", "hi?\?", NULL}, /* doc */
    {"RPAD", "RPAD('hi', 1, '?\?')", "h", NULL},     /* doc */
    {"RPAD", "RPAD('h\xC3\xA9', 4, '\xC3\xA9')", "h\xC3\xA9\xC3\xA9\xC3\xA9",
     NULL},
    {"REPEAT", "REPEAT('This is a test String.', 2)",
     "This is a test String.This is a test String.", NULL}, /* doc */
    {"REPEAT", "REPEAT('ab', 0)", "", NULL},
    {"REPEAT", "REPEAT('ab', -2)", "", NULL},
    {"REVERSE", "REVERSE('h\xC3\xA9llo')", "oll\xC3\xA9h", NULL},
    {"REVERSE", "REVERSE(n)", "NULL", NULL},
    {"REPLACE", "REPLACE('hello world', 'world', 'flink')", "hello flink",
     NULL},                                                     /* doc */
    {"REPLACE", "REPLACE('ababab', 'abab', 'z')", "zab", NULL}, /* doc */
    {"REPLACE", "REPLACE('abc', '', 'z')", "abc", NULL},
    {"SUBSTRING", "SUBSTRING('Hello' FROM 2 FOR 3)", "ell", NULL},
    {"SUBSTRING", "SUBSTRING(s, 2)", "ello", NULL},
    {"SUBSTRING", "SUBSTRING(s, 0, 2)", "He", NULL},
    {"SUBSTRING", "SUBSTRING(s, 9)", "", NULL},
    {"SUBSTRING", "SUBSTRING(s, 2, -1)", "NULL", NULL},
    {"SUBSTRING", "SUBSTRING(s FROM -2)", "lo", NULL},
    {"SUBSTR", "SUBSTR('Hello', -3)", "llo", NULL},
    {"SUBSTR", "SUBSTR(n, 1)", "NULL", NULL},
    {"LEFT", "LEFT('Hello', 2)", "He", NULL},
    {"LEFT", "LEFT('Hello', -1)", "", NULL},
    {"LEFT", "LEFT('Hello', 10)", "Hello", NULL},
    {"RIGHT", "RIGHT('Hello', 2)", "lo", NULL},
    {"RIGHT", "RIGHT('Hello', -1)", "", NULL},
    {"INITCAP", "INITCAP('hELLO wORLD')", "Hello World", NULL},
    {"INITCAP", "INITCAP('ab-cd 1x')", "Ab-Cd 1x", NULL},
    {"SPLIT_INDEX", "SPLIT_INDEX('a,b,c', ',', 1)", "b", NULL},
    {"SPLIT_INDEX", "SPLIT_INDEX('a,b,c', ',', 3)", "NULL", NULL},
    {"SPLIT_INDEX", "SPLIT_INDEX('a,b,c', ',', -1)", "NULL", NULL},
    {"SPLIT_INDEX", "SPLIT_INDEX('a,,c', ',', 1)", "", NULL},
    {"SPLIT_INDEX", "SPLIT_INDEX('a::b::c', '::', 2)", "c", NULL},
    {"SPLIT_INDEX", "SPLIT_INDEX(n, ',', 0)", "NULL", NULL},
    {"ASCII", "ASCII('abc')", "97", NULL},                   /* doc */
    {"ASCII", "ASCII(CAST(NULL AS VARCHAR))", "NULL", NULL}, /* doc */
    {"ASCII", "ASCII('')", "0", NULL},
    {"CHR", "CHR(97)", "a", NULL},  /* doc */
    {"CHR", "CHR(353)", "a", NULL}, /* doc */
    {"CHR", "CHR(-1)", "", NULL},
    {"CHR", "CHR(233)", "\xC3\xA9", NULL},
    {"TO_BASE64", "TO_BASE64('hello world')",
     "aGVsbG8gd29ybGQ=", NULL}, /* doc */
    {"TO_BASE64", "TO_BASE64('')", "", NULL},
    {"TO_BASE64", "TO_BASE64('ab')", "YWI=", NULL},
    {"FROM_BASE64", "FROM_BASE64('aGVsbG8gd29ybGQ=')", "hello world",
     NULL}, /* doc */
    {"FROM_BASE64", "FROM_BASE64('YWI')", "ab", NULL},
    {"FROM_BASE64", "FROM_BASE64(n)", "NULL", NULL},
    {"REGEXP", "REGEXP('abc123', '[0-9]+')", "TRUE", NULL},
    {"REGEXP", "REGEXP('abc', '^b')", "FALSE", NULL},
    {"REGEXP", "REGEXP('abc', '')", "FALSE", NULL},
    {"REGEXP", "REGEXP(s, n)", "NULL", NULL},
    {"REGEXP", "REGEXP('a1', s)", "FALSE", NULL},
    {"REGEXP_EXTRACT", "REGEXP_EXTRACT('foothebar', 'foo(.*?)(bar)', 2)", "bar",
     NULL}, /* doc */
    {"REGEXP_EXTRACT", "REGEXP_EXTRACT('foothebar', 'foo(.*?)(bar)', 1)", "the",
     NULL},
    {"REGEXP_EXTRACT", "REGEXP_EXTRACT('foothebar', 'foo(.*?)(bar)')",
     "foothebar", NULL},
    {"REGEXP_EXTRACT", "REGEXP_EXTRACT('foothebar', 'foo(.*?)(bar)', 3)",
     "NULL", NULL},
    {"REGEXP_EXTRACT", "REGEXP_EXTRACT('abc', 'x(y)')", "NULL", NULL},
    {"REGEXP_EXTRACT", "REGEXP_EXTRACT('k=v1', 'k=(\\w+)', 1)", "v1", NULL},
    {"REGEXP_REPLACE", "REGEXP_REPLACE('foobar', 'oo|ar', '')", "fb",
     NULL}, /* doc */
    {"REGEXP_REPLACE", "REGEXP_REPLACE('a1b22', '[0-9]+', '$1')", "a$1b$1",
     NULL},
    {"REGEXP_REPLACE", "REGEXP_REPLACE('abc', 'x*', '-')", "-a-b-c-", NULL},
    {"REGEXP_REPLACE", "REGEXP_REPLACE('abc', s, 'x')", "abc", NULL},
    {"REGEXP_REPLACE", "REGEXP_REPLACE('abc', 'b' || '(', 'x')", "NULL", NULL},
    {"PARSE_URL",
     "PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'HOST')",
     "facebook.com", NULL}, /* doc */
    {"PARSE_URL",
     "PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'QUERY', "
     "'k1')",
     "v1", NULL}, /* doc */
    {"PARSE_URL",
     "PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'PATH')",
     "/path1/p.php", NULL},
    {"PARSE_URL",
     "PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'QUERY')",
     "k1=v1&k2=v2", NULL},
    {"PARSE_URL",
     "PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'REF')",
     "Ref1", NULL},
    {"PARSE_URL",
     "PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', "
     "'PROTOCOL')",
     "http", NULL},
    {"PARSE_URL",
     "PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'FILE')",
     "/path1/p.php?k1=v1&k2=v2", NULL},
    {"PARSE_URL", "PARSE_URL('https://u:p@host.com:8080/x', 'AUTHORITY')",
     "u:p@host.com:8080", NULL},
    {"PARSE_URL", "PARSE_URL('https://u:p@host.com:8080/x', 'USERINFO')", "u:p",
     NULL},
    {"PARSE_URL", "PARSE_URL('https://u:p@host.com:8080/x', 'HOST')",
     "host.com", NULL},
    {"PARSE_URL", "PARSE_URL('http://a.com/p?k1=v1&k2=v2', 'QUERY', 'k3')",
     "NULL", NULL},
    {"PARSE_URL", "PARSE_URL('not a url', 'HOST')", "NULL", NULL},
    {"PARSE_URL", "PARSE_URL('http://a.com/', 'PORT')", "NULL", NULL},
    /* hash */
    {"MD5", "MD5('')", "d41d8cd98f00b204e9800998ecf8427e", NULL},
    {"MD5", "MD5('abc')", "900150983cd24fb0d6963f7d28e17f72", NULL},
    {"MD5", "MD5(n)", "NULL", NULL},
    {"SHA1", "SHA1('abc')", "a9993e364706816aba3e25717850c26c9cd0d89d", NULL},
    {"SHA224", "SHA224('abc')",
     "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7", NULL},
    {"SHA256", "SHA256('abc')",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", NULL},
    {"SHA384", "CHAR_LENGTH(SHA384('abc'))", "96", NULL},
    {"SHA512", "SUBSTRING(SHA512('abc'), 1, 16)", "ddaf35a193617aba", NULL},
    {"SHA2", "SHA2('abc', 224) = SHA224('abc')", "TRUE", NULL},
    {"SHA2", "SHA2('abc', i)", "NULL", NULL},
    /* temporal */
    {"DATE", "DATE '2024-02-29'", "2024-02-29", "DATE"},
    {"DATE", "TIME '12:30:00'", "12:30:00", NULL},
    {"INTERVAL", "INTERVAL '10 00:00:00.004' DAY TO SECOND", "+10 00:00:00.004",
     "INTERVAL DAY TO SECOND(3)"},                               /* doc */
    {"INTERVAL", "INTERVAL '10' DAY", "+10 00:00:00.000", NULL}, /* doc */
    {"INTERVAL", "INTERVAL '2-10' YEAR TO MONTH", "+2-10",
     "INTERVAL YEAR TO MONTH"}, /* doc */
    {"INTERVAL", "INTERVAL '-5' MINUTE", "-0 00:05:00.000", NULL},
    {"INTERVAL", "INTERVAL '100' DAY(3)", "+100 00:00:00.000", NULL},
    {"INTERVAL", "INTERVAL '1.5' SECOND", "+0 00:00:01.500", NULL},
    {"INTERVAL", "ts + INTERVAL '5' SECOND", "2024-03-10 01:30:05.250",
     "TIMESTAMP(3)"},
    {"INTERVAL", "ts - INTERVAL '1 01:00' DAY TO MINUTE",
     "2024-03-09 00:30:00.250", NULL},
    {"INTERVAL", "TIMESTAMP '2024-01-31 00:00:00' + INTERVAL '1' MONTH",
     "2024-02-29 00:00:00", NULL},
    {"INTERVAL", "DATE '2024-01-31' + INTERVAL '1' YEAR", "2025-01-31", NULL},
    {"INTERVAL", "DATE '2024-03-01' - INTERVAL '1' DAY", "2024-02-29", "DATE"},
    {"INTERVAL", "INTERVAL '1' HOUR + TIME '23:30:00'", "00:30:00", NULL},
    {"INTERVAL", "INTERVAL '1' HOUR * 3", "+0 03:00:00.000", NULL},
    {"INTERVAL", "-INTERVAL '1' HOUR", "-0 01:00:00.000", NULL},
    {"INTERVAL", "INTERVAL '1' HOUR + INTERVAL '30' MINUTE", "+0 01:30:00.000",
     NULL},
    {"INTERVAL", "CAST(INTERVAL '3' HOUR AS STRING)", "+0 03:00:00.000", NULL},
    {"INTERVAL", "n IS NULL OR ts + INTERVAL '1' DAY > ts", "TRUE", NULL},
    {"CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP IS NOT NULL", "TRUE", NULL},
    {"NOW", "NOW() = NOW() OR NOW() < NOW()", "TRUE", NULL},
    {"CURRENT_ROW_TIMESTAMP",
     "CURRENT_ROW_TIMESTAMP() > TIMESTAMP "
     "'2024-01-01 00:00:00'",
     "TRUE", NULL},
    {"PROCTIME", "YEAR(PROCTIME()) >= 2024", "TRUE", NULL},
    {"LOCALTIMESTAMP", "LOCALTIMESTAMP > TIMESTAMP '2024-01-01 00:00:00'",
     "TRUE", NULL},
    {"CURRENT_DATE", "CURRENT_DATE >= DATE '2024-01-01'", "TRUE", NULL},
    {"CURRENT_TIME", "CURRENT_TIME IS NOT NULL", "TRUE", NULL},
    {"LOCALTIME", "LOCALTIME <= TIME '23:59:59'", "TRUE", NULL},
    {"DATE_FORMAT", "DATE_FORMAT(ts, 'yyyy/MM/dd HH:mm:ss.SSS')",
     "2024/03/10 01:30:00.250", "STRING"},
    {"DATE_FORMAT", "DATE_FORMAT(DATE '2024-02-29', 'dd MMM yy')", "29 Feb 24",
     NULL},
    {"DATE_FORMAT", "DATE_FORMAT('2024-03-01 08:00:00', 'h a')", "8 AM", NULL},
    {"DATE_FORMAT", "DATE_FORMAT('2024-03-01 08:00:00.5', 'yyyyMMdd')",
     "20240301", NULL},
    {"DATE_FORMAT", "DATE_FORMAT('garbage', 'yyyy')", "NULL", NULL},
    {"DATE_FORMAT", "DATE_FORMAT(ltz, 'yyyy-MM-dd HH:mm')", "2024-03-10 10:30",
     NULL},
    {"DATE_FORMAT", "DATE_FORMAT(n, 'yyyy')", "NULL", NULL},
    {"TO_TIMESTAMP", "TO_TIMESTAMP('2024-01-31 12:34:56')",
     "2024-01-31 12:34:56.000", "TIMESTAMP(3)"},
    {"TO_TIMESTAMP", "TO_TIMESTAMP('31/01/2024 07:08', 'dd/MM/yyyy HH:mm')",
     "2024-01-31 07:08:00.000", NULL},
    {"TO_TIMESTAMP", "TO_TIMESTAMP('2024-02-30', 'yyyy-MM-dd')", "NULL", NULL},
    {"TO_TIMESTAMP", "TO_TIMESTAMP('1999-09-10', 'yyyy/MM/dd')",
     "1999-09-10 00:00:00.000", NULL},
    {"TO_TIMESTAMP", "TO_TIMESTAMP('garbage')", "NULL", NULL},
    {"TO_TIMESTAMP_LTZ", "TO_TIMESTAMP_LTZ(1700000000, 0)",
     "2023-11-14 22:13:20.000", "TIMESTAMP_LTZ(3)"},
    {"TO_TIMESTAMP_LTZ", "TO_TIMESTAMP_LTZ(1700000000123, 3)",
     "2023-11-14 22:13:20.123", NULL},
    {"TO_TIMESTAMP_LTZ", "TO_TIMESTAMP_LTZ(1700000000123)",
     "2023-11-14 22:13:20.123", NULL},
    {"TO_TIMESTAMP_LTZ", "TO_TIMESTAMP_LTZ(1.5E0, 0)",
     "1970-01-01 00:00:01.500", NULL},
    {"TO_TIMESTAMP_LTZ", "TO_TIMESTAMP_LTZ(253402300800, 0)", "NULL", NULL},
    {"TO_DATE", "TO_DATE('2024-01-31')", "2024-01-31", "DATE"},
    {"TO_DATE", "TO_DATE('31/01/2024', 'dd/MM/yyyy')", "2024-01-31", NULL},
    {"TO_DATE", "TO_DATE('nope')", "NULL", NULL},
    {"FROM_UNIXTIME", "FROM_UNIXTIME(44)", "1970-01-01 00:00:44",
     NULL}, /* doc */
    {"FROM_UNIXTIME", "FROM_UNIXTIME(86400 + 3661, 'yyyy-MM-dd HH:mm')",
     "1970-01-02 01:01", NULL},
    {"FROM_UNIXTIME", "FROM_UNIXTIME(CAST(NULL AS BIGINT))", "NULL", NULL},
    {"UNIX_TIMESTAMP", "UNIX_TIMESTAMP('1970-01-01 08:00:01')", "28801",
     "BIGINT"},
    {"UNIX_TIMESTAMP",
     "UNIX_TIMESTAMP('1970-01-01 08:00:01.001', 'yyyy-MM-dd HH:mm:ss.SSS')",
     "28801", NULL},
    {"UNIX_TIMESTAMP", "UNIX_TIMESTAMP('1970-01-01 08:00:01.001')", "28801",
     NULL},
    {"UNIX_TIMESTAMP", "UNIX_TIMESTAMP('garbage')", "-9223372036854775808",
     NULL},
    {"UNIX_TIMESTAMP", "UNIX_TIMESTAMP() > 1700000000", "TRUE", NULL},
    {"EXTRACT", "EXTRACT(DAY FROM DATE '2006-06-05')", "5", "BIGINT"}, /* doc */
    {"EXTRACT", "EXTRACT(YEAR FROM ts)", "2024", "BIGINT"},
    {"EXTRACT", "EXTRACT(MILLISECOND FROM ts)", "250", NULL},
    {"EXTRACT", "EXTRACT(SECOND FROM TIMESTAMP '2024-01-01 10:11:12.9')", "12",
     NULL},
    {"EXTRACT", "EXTRACT(MICROSECOND FROM TIMESTAMP '2024-01-01 10:11:12.5')",
     "12500000", NULL},
    {"EXTRACT", "EXTRACT(DOW FROM DATE '2024-03-10')", "1", NULL},
    {"EXTRACT", "EXTRACT(ISODOW FROM DATE '2024-03-10')", "7", NULL},
    {"EXTRACT", "EXTRACT(DOY FROM DATE '2024-12-31')", "366", NULL},
    {"EXTRACT", "EXTRACT(WEEK FROM DATE '2021-01-03')", "53", NULL},
    {"EXTRACT", "EXTRACT(ISOYEAR FROM DATE '2021-01-03')", "2020", NULL},
    {"EXTRACT", "EXTRACT(WEEK FROM DATE '2024-12-30')", "1", NULL},
    {"EXTRACT", "EXTRACT(CENTURY FROM DATE '2000-12-31')", "20", NULL},
    {"EXTRACT", "EXTRACT(MILLENNIUM FROM DATE '2001-01-01')", "3", NULL},
    {"EXTRACT", "EXTRACT(DECADE FROM DATE '2024-01-01')", "202", NULL},
    {"EXTRACT", "EXTRACT(EPOCH FROM TIMESTAMP '1970-01-02 00:00:00')", "86400",
     NULL},
    {"EXTRACT", "EXTRACT(HOUR FROM TIME '13:14:15')", "13", NULL},
    {"EXTRACT", "EXTRACT(DAY FROM INTERVAL '3 04:05' DAY TO MINUTE)", "3",
     NULL},
    {"EXTRACT", "EXTRACT(MONTH FROM INTERVAL '2-10' YEAR TO MONTH)", "10",
     NULL},
    {"EXTRACT", "EXTRACT(YEAR FROM CAST(NULL AS DATE))", "NULL", NULL},
    {"YEAR", "YEAR(DATE '1994-09-27')", "1994", NULL},           /* doc */
    {"QUARTER", "QUARTER(DATE '1994-09-27')", "3", NULL},        /* doc */
    {"MONTH", "MONTH(DATE '1994-09-27')", "9", NULL},            /* doc */
    {"WEEK", "WEEK(DATE '1994-09-27')", "39", NULL},             /* doc */
    {"DAYOFYEAR", "DAYOFYEAR(DATE '1994-09-27')", "270", NULL},  /* doc */
    {"DAYOFMONTH", "DAYOFMONTH(DATE '1994-09-27')", "27", NULL}, /* doc */
    {"DAYOFWEEK", "DAYOFWEEK(DATE '1994-09-27')", "3", NULL},    /* doc */
    {"HOUR", "HOUR(TIMESTAMP '1994-09-27 13:14:15')", "13", NULL},
    {"MINUTE", "MINUTE(TIMESTAMP '1994-09-27 13:14:15')", "14", NULL}, /* doc */
    {"SECOND", "SECOND(TIMESTAMP '1994-09-27 13:14:15')", "15", NULL}, /* doc */
    {"TIMESTAMPADD", "TIMESTAMPADD(WEEK, 1, DATE '2003-01-02')", "2003-01-09",
     "DATE"},
    {"TIMESTAMPADD", "TIMESTAMPADD(HOUR, 2, DATE '2003-01-02')",
     "2003-01-02 02:00:00", "TIMESTAMP(0)"},
    {"TIMESTAMPADD", "TIMESTAMPADD(MONTH, 1, TIMESTAMP '2024-01-31 10:00:00')",
     "2024-02-29 10:00:00", NULL},
    {"TIMESTAMPADD", "TIMESTAMPADD(QUARTER, -1, DATE '2024-05-31')",
     "2024-02-29", NULL},
    {"TIMESTAMPADD", "TIMESTAMPADD(SECOND, -90, ts)", "2024-03-10 01:28:30.250",
     "TIMESTAMP(3)"},
    {"TIMESTAMPADD", "TIMESTAMPADD(DAY, i, CAST(NULL AS DATE))", "NULL", NULL},
    {"TIMESTAMPADD", "TIMESTAMPADD(SQL_TSI_DAY, 1, DATE '2024-02-28')",
     "2024-02-29", NULL},
    {"TIMESTAMPDIFF",
     "TIMESTAMPDIFF(DAY, TIMESTAMP '2003-01-02 10:00:00', TIMESTAMP "
     "'2003-01-03 09:00:00')",
     "0", "INT"},
    {"TIMESTAMPDIFF",
     "TIMESTAMPDIFF(HOUR, TIMESTAMP '2003-01-02 10:00:00', TIMESTAMP "
     "'2003-01-01 09:00:00')",
     "-25", NULL},
    {"TIMESTAMPDIFF",
     "TIMESTAMPDIFF(MONTH, TIMESTAMP '2024-01-31 10:00:00', TIMESTAMP "
     "'2024-02-29 09:00:00')",
     "0", NULL},
    {"TIMESTAMPDIFF",
     "TIMESTAMPDIFF(MONTH, TIMESTAMP '2024-01-31 10:00:00', TIMESTAMP "
     "'2024-02-29 10:00:00')",
     "1", NULL},
    {"TIMESTAMPDIFF",
     "TIMESTAMPDIFF(YEAR, DATE '2020-02-29', DATE '2024-02-28')", "3", NULL},
    {"TIMESTAMPDIFF",
     "TIMESTAMPDIFF(WEEK, DATE '2024-01-01', DATE '2024-01-15')", "2", NULL},
    {"CONVERT_TZ",
     "CONVERT_TZ('1970-01-01 00:00:00', 'UTC', 'America/Los_Angeles')",
     "1969-12-31 16:00:00", NULL}, /* doc */
    {"CONVERT_TZ", "CONVERT_TZ('2024-07-01 12:00:00', 'Asia/Shanghai', 'UTC')",
     "2024-07-01 04:00:00", NULL},
    {"CONVERT_TZ",
     "CONVERT_TZ('2024-07-01 12:00:00', 'GMT+08:00', 'GMT-05:00')",
     "2024-06-30 23:00:00", NULL},
    {"CONVERT_TZ", "CONVERT_TZ('x', 'UTC', 'UTC')", "NULL", NULL},
    /* conditional */
    {"CASE", "CASE 2 WHEN 1 THEN 'a' WHEN 2 THEN 'b' END", "b", NULL},
    {"CASE", "CASE WHEN i > 10 THEN 'a' END", "NULL", NULL},
    {"COALESCE", "COALESCE(NULL, 'default')", "default", NULL}, /* doc */
    {"COALESCE", "COALESCE(n, s, 'x')", "Hello", NULL},
    {"COALESCE", "COALESCE(n, NULL)", "NULL", NULL},
    {"IFNULL", "IFNULL(CAST(NULL AS INT), 5)", "5", "INT"},
    {"IFNULL", "IFNULL(i, 5)", "7", NULL},
    {"IF", "IF(5 > 3, 5, 3)", "5", NULL}, /* doc */
    {"IF", "IF(CAST(NULL AS BOOLEAN), 1, 2)", "2", NULL},
    {"NULLIF", "NULLIF(5, 5)", "NULL", "INT"}, /* doc */
    {"NULLIF", "NULLIF(5, 0)", "5", NULL},     /* doc */
    {"NULLIF", "NULLIF(i, NULL)", "7", NULL},
    {"NULLIF", "NULLIF(n, 'x')", "NULL", NULL},
    {"GREATEST", "GREATEST(1, 3, 2)", "3", "INT"},
    {"GREATEST", "GREATEST(1, 2.5)", "2.5", NULL},
    {"GREATEST", "GREATEST(1, CAST(NULL AS INT))", "NULL", NULL},
    {"GREATEST", "GREATEST('a', 'b')", "b", NULL},
    {"LEAST", "LEAST(1, 3, 2)", "1", NULL},
    {"LEAST", "LEAST(DATE '2024-01-01', DATE '2023-01-01')", "2023-01-01",
     NULL},
    /* conversion */
    {"CAST", "CAST('42' AS INT)", "42", NULL},                   /* doc */
    {"CAST", "CAST(NULL AS STRING)", "NULL", NULL},              /* doc */
    {"TRY_CAST", "TRY_CAST('42' AS INT)", "42", NULL},           /* doc */
    {"TRY_CAST", "TRY_CAST('non-number' AS INT)", "NULL", NULL}, /* doc */
    {"TRY_CAST", "COALESCE(TRY_CAST('non-number' AS INT), 0)", "0",
     NULL}, /* doc */
    {"TRY_CAST", "TRY_CAST(s AS INT)", "NULL", "INT"},
    /* JSON */
    {"IS JSON", "'1' IS JSON", "TRUE", NULL},          /* doc */
    {"IS JSON", "'[]' IS JSON", "TRUE", NULL},         /* doc */
    {"IS JSON", "'{}' IS JSON", "TRUE", NULL},         /* doc */
    {"IS JSON", "'\"abc\"' IS JSON", "TRUE", NULL},    /* doc */
    {"IS JSON", "'abc' IS JSON", "FALSE", NULL},       /* doc */
    {"IS JSON", "NULL IS JSON", "FALSE", NULL},        /* doc */
    {"IS JSON", "'1' IS JSON SCALAR", "TRUE", NULL},   /* doc */
    {"IS JSON", "'1' IS JSON ARRAY", "FALSE", NULL},   /* doc */
    {"IS JSON", "'1' IS JSON OBJECT", "FALSE", NULL},  /* doc */
    {"IS JSON", "'{}' IS JSON SCALAR", "FALSE", NULL}, /* doc */
    {"IS JSON", "'{}' IS JSON ARRAY", "FALSE", NULL},  /* doc */
    {"IS JSON", "'{}' IS JSON OBJECT", "TRUE", NULL},  /* doc */
    {"IS JSON", "'{' IS NOT JSON", "TRUE", NULL},
    {"IS_JSON", "j IS JSON OBJECT", "TRUE", "BOOLEAN"},
    {"JSON_EXISTS", "JSON_EXISTS('{\"a\": true}', '$.a')", "TRUE",
     NULL}, /* doc */
    {"JSON_EXISTS", "JSON_EXISTS('{\"a\": true}', '$.b')", "FALSE",
     NULL}, /* doc */
    {"JSON_EXISTS", "JSON_EXISTS('{\"a\": [{ \"b\": 1 }]}', '$.a[0].b')",
     "TRUE", NULL}, /* doc */
    {"JSON_EXISTS", "JSON_EXISTS('{\"a\": true}', 'strict $.b' TRUE ON ERROR)",
     "TRUE", NULL}, /* doc */
    {"JSON_EXISTS", "JSON_EXISTS('{\"a\": true}', 'strict $.b' FALSE ON ERROR)",
     "FALSE", NULL}, /* doc */
    {"JSON_EXISTS",
     "JSON_EXISTS('{\"a\": true}', 'strict $.b' UNKNOWN ON "
     "ERROR)",
     "NULL", NULL},
    {"JSON_EXISTS", "JSON_EXISTS(n, '$')", "NULL", NULL},
    {"JSON_VALUE", "JSON_VALUE('{\"a\": true}', '$.a')", "true",
     "STRING"}, /* doc */
    {"JSON_VALUE", "JSON_VALUE('{\"a\": true}', '$.a' RETURNING BOOLEAN)",
     "TRUE", "BOOLEAN"}, /* doc */
    {"JSON_VALUE",
     "JSON_VALUE('{\"a\": true}', 'lax $.b' DEFAULT FALSE ON "
     "EMPTY)",
     "false", NULL}, /* doc */
    {"JSON_VALUE",
     "JSON_VALUE('{\"a\": true}', 'strict $.b' DEFAULT FALSE "
     "ON ERROR)",
     "false", NULL}, /* doc */
    {"JSON_VALUE",
     "JSON_VALUE('{\"a.b\": [0.998,0.996]}','$.[\"a.b\"][0]' "
     "RETURNING DOUBLE)",
     "0.998", "DOUBLE"}, /* doc */
    {"JSON_VALUE",
     "JSON_VALUE('{\"contains blank\": \"right\"}', 'strict "
     "$.[''contains blank'']' NULL ON EMPTY DEFAULT 'wrong' ON "
     "ERROR)",
     "right", NULL}, /* doc */
    {"JSON_VALUE", "JSON_VALUE(j, '$.a.b[2].c')", "x", NULL},
    {"JSON_VALUE", "JSON_VALUE(j, '$.a.b[1]' RETURNING INT) + 1", "3", NULL},
    {"JSON_VALUE", "JSON_VALUE(j, '$.a')", "NULL", NULL},
    {"JSON_VALUE", "JSON_VALUE(j, '$.n')", "NULL", NULL},
    {"JSON_VALUE", "JSON_VALUE('not json', '$.a')", "NULL", NULL},
    {"JSON_VALUE", "JSON_VALUE('not json', '$.a' DEFAULT 'bad' ON ERROR)",
     "bad", NULL},
    {"JSON_VALUE", "JSON_VALUE(n, '$.a')", "NULL", NULL},
    {"JSON_VALUE",
     "JSON_VALUE('{\"a\":\"x\"}', '$.a' RETURNING INT DEFAULT -1 "
     "ON ERROR)",
     "-1", "INT"},
    {"JSON_QUERY", "JSON_QUERY('{ \"a\": { \"b\": 1 } }', '$.a')", "{\"b\":1}",
     NULL},                                                     /* doc */
    {"JSON_QUERY", "JSON_QUERY('[1, 2]', '$')", "[1,2]", NULL}, /* doc */
    {"JSON_QUERY", "JSON_QUERY(CAST(NULL AS STRING), '$')", "NULL",
     NULL}, /* doc */
    {"JSON_QUERY",
     "JSON_QUERY('{\"a\":[{\"c\":\"c1\"},{\"c\":\"c2\"}]}', "
     "'lax $.a[*].c')",
     "[\"c1\",\"c2\"]", NULL}, /* doc */
    {"JSON_QUERY", "JSON_QUERY('{}', '$' WITH CONDITIONAL ARRAY WRAPPER)",
     "[{}]", NULL}, /* doc */
    {"JSON_QUERY", "JSON_QUERY('[1, 2]', '$' WITH CONDITIONAL ARRAY WRAPPER)",
     "[1,2]", NULL}, /* doc */
    {"JSON_QUERY",
     "JSON_QUERY('[1, 2]', '$' WITH UNCONDITIONAL ARRAY "
     "WRAPPER)",
     "[[1,2]]", NULL},                                    /* doc */
    {"JSON_QUERY", "JSON_QUERY('1', '$')", "NULL", NULL}, /* doc */
    {"JSON_QUERY", "JSON_QUERY('1', '$' WITH CONDITIONAL ARRAY WRAPPER)", "[1]",
     NULL}, /* doc */
    {"JSON_QUERY", "JSON_QUERY('{}', 'lax $.invalid' EMPTY OBJECT ON EMPTY)",
     "{}", NULL}, /* doc */
    {"JSON_QUERY", "JSON_QUERY('{}', 'strict $.invalid' EMPTY ARRAY ON ERROR)",
     "[]", NULL}, /* doc */
    {"JSON_QUERY", "JSON_QUERY(j, '$.a.b[2]')", "{\"c\":\"x\"}", NULL},
    {"JSON_QUERY", "JSON_QUERY('{\"u\":\"a/b\"}', '$')", "{\"u\":\"a/b\"}",
     NULL},
    {"JSON_STRING", "JSON_STRING(CAST(NULL AS INT))", "NULL", NULL}, /* doc */
    {"JSON_STRING", "JSON_STRING(1)", "1", NULL},                    /* doc */
    {"JSON_STRING", "JSON_STRING(TRUE)", "true", NULL},              /* doc */
    {"JSON_STRING", "JSON_STRING('Hello, World!')", "\"Hello, World!\"",
     NULL}, /* doc */
    {"JSON_STRING", "JSON_STRING('a\"b\\c')", "\"a\\\"b\\\\c\"", NULL},
    {"JSON_STRING", "JSON_STRING(d)", "-12.35", NULL},
    {"JSON_OBJECT", "JSON_OBJECT()", "{}", "STRING"}, /* doc */
    {"JSON_OBJECT", "JSON_OBJECT('K1' VALUE 'V1', 'K2' VALUE 'V2')",
     "{\"K1\":\"V1\",\"K2\":\"V2\"}", NULL}, /* doc */
    {"JSON_OBJECT",
     "JSON_OBJECT(KEY 'K1' VALUE CAST(NULL AS STRING) NULL ON "
     "NULL)",
     "{\"K1\":null}", NULL}, /* doc */
    {"JSON_OBJECT",
     "JSON_OBJECT(KEY 'K1' VALUE CAST(NULL AS STRING) ABSENT "
     "ON NULL)",
     "{}", NULL}, /* doc */
    {"JSON_OBJECT",
     "JSON_OBJECT(KEY 'K1' VALUE JSON_OBJECT(KEY 'K2' VALUE "
     "'V'))",
     "{\"K1\":{\"K2\":\"V\"}}", NULL}, /* doc */
    {"JSON_OBJECT", "JSON_OBJECT('i' VALUE i, 's' VALUE s, 'n' VALUE n)",
     "{\"i\":7,\"s\":\"Hello\",\"n\":null}", NULL},
    {"JSON_ARRAY", "JSON_ARRAY()", "[]", NULL},              /* doc */
    {"JSON_ARRAY", "JSON_ARRAY(1, '2')", "[1,\"2\"]", NULL}, /* doc */
    {"JSON_ARRAY", "JSON_ARRAY(CAST(NULL AS STRING) NULL ON NULL)", "[null]",
     NULL}, /* doc */
    {"JSON_ARRAY", "JSON_ARRAY(CAST(NULL AS STRING) ABSENT ON NULL)", "[]",
     NULL},                                                     /* doc */
    {"JSON_ARRAY", "JSON_ARRAY(JSON_ARRAY(1))", "[[1]]", NULL}, /* doc */
    {"JSON_ARRAY", "JSON_ARRAY(n, i)", "[7]", NULL},
    /* collections: CARDINALITY, ELEMENT, subscripts */
    {"CARDINALITY", "CARDINALITY(ARRAY[1, 2, 3])", "3", "INT"},
    {"CARDINALITY", "CARDINALITY(MAP['a', 1, 'b', 2])", "2", NULL},
    {"CARDINALITY", "CARDINALITY(CAST(NULL AS ARRAY<INT>))", "NULL", "INT"},
    {"CARDINALITY", "CARDINALITY(STR_TO_MAP(''))", "0", NULL},
    {"ELEMENT", "ELEMENT(ARRAY['x'])", "x", "CHAR(1)"},
    {"ELEMENT", "ELEMENT(ARRAY[i])", "7", "INT"},
    {"[]", "ARRAY[10, 20, 30][2]", "20", "INT"},
    {"[]", "ARRAY[10, 20, 30][0]", "NULL", NULL},
    {"[]", "ARRAY[10, 20, 30][4]", "NULL", NULL},
    {"[]", "ARRAY[10, 20, 30][-1]", "NULL", NULL},
    {"[]", "ARRAY[10, 20, 30][CAST(NULL AS INT)]", "NULL", NULL},
    {"[]", "ARRAY[ARRAY[1, 2], ARRAY[3]][1][2]", "2", "INT"},
    {"[]", "MAP['a', 1, 'b', 2]['b']", "2", "INT"},
    {"[]", "MAP['a', 1, 'b', 2]['c']", "NULL", NULL},
    {"[]", "MAP['k', ARRAY['x', 'y']]['k'][2]", "y", NULL},
    {"[]", "STR_TO_MAP('a=1,b=2')[s]", "NULL", "STRING"},
    /* value construction and access */
    {"ROW", "ROW(1, 'a', NULL)", "(1, a, NULL)", NULL},
    {"ROW", "(i, s)", "(7, Hello)",
     "ROW<`EXPR$0` INT, `EXPR$1` STRING>"},
    {"ROW", "ROW()", "()", "ROW<>"},
    {"ROW", "ROW(ROW(1, 2), ARRAY[3])", "((1, 2), [3])", NULL},
    {"ARRAY[]", "ARRAY[1, 2, NULL]", "[1, 2, NULL]", "ARRAY<INT>"},
    {"ARRAY[]", "ARRAY[1, 2.5]", "[1.0, 2.5]", "ARRAY<DECIMAL(11, 1) NOT NULL>"},
    {"ARRAY[]", "ARRAY[s, n]", "[Hello, NULL]", "ARRAY<STRING>"},
    {"ARRAY[]", "ARRAY[DATE '2024-01-31', NULL]", "[2024-01-31, NULL]", NULL},
    {"MAP[]", "MAP['a', 1, 'b', 2, 'a', 3]", "{a=3, b=2}", NULL},
    {"MAP[]", "MAP[1, 'x', 2, NULL]", "{1=x, 2=NULL}",
     "MAP<INT NOT NULL, CHAR(1)>"},
    {".", "CAST(ROW(1, 'x') AS ROW<a INT, b STRING>).b", "x", "STRING"},
    {".", "CAST(ROW(1, 'x') AS ROW<a INT, b STRING>).a + 1", "2", "INT"},
    {".", "CAST(NULL AS ROW<a INT>).a", "NULL", "INT"},
    {".", "CAST(ROW(ROW(5)) AS ROW<r ROW<x INT>>).r.x", "5", NULL},
    {"CAST", "CAST(ARRAY[1, 2] AS ARRAY<STRING>)", "[1, 2]", NULL},
    {"CAST", "CAST(ARRAY[1, 2] AS STRING)", "[1, 2]", "STRING"},
    {"CAST", "CAST(ROW(1, 'a') AS STRING)", "(1, a)", NULL},
    {"CAST", "CAST(MAP['a', 1] AS MAP<STRING, BIGINT>)", "{a=1}",
     "MAP<STRING, BIGINT>"},
    {"CAST", "CAST(ROW('1', 2) AS ROW<x INT, y DOUBLE>)", "(1, 2.0)", NULL},
    {"CAST", "TRY_CAST(ROW('x') AS ROW<x INT>)", "NULL", NULL},
    {"STR_TO_MAP", "STR_TO_MAP('a=1,b=2,c')", "{a=1, b=2, c=NULL}",
     "MAP<STRING, STRING>"},
    {"STR_TO_MAP", "STR_TO_MAP('k1:v1;k2:v2', ';', ':')", "{k1=v1, k2=v2}",
     NULL},
    {"STR_TO_MAP", "STR_TO_MAP('a=1=2,,a=3', ',', '=')", "{a=3, =NULL}", NULL},
    {"STR_TO_MAP", "STR_TO_MAP('a1b22c', '[0-9]+', 'x')", "{a=NULL, b=NULL, c=NULL}",
     NULL},
    {"STR_TO_MAP", "STR_TO_MAP('x=1,', ',', '=')", "{x=1}", NULL},
    {"STR_TO_MAP", "STR_TO_MAP(n)", "NULL", NULL},
};

static const size_t ncases = sizeof cases / sizeof cases[0];

static void test_cases(void **state)
{
    (void)state;
    zone = NULL;
    /* Report every failing case, then fail. */
    int failed = 0;
    for (size_t k = 0; k < ncases; k++) {
        const char *msg;
        const char *got = try_ev(cases[k].expr, &msg);
        if (got == NULL) {
            fprintf(stderr, "%s: %s\n", cases[k].expr, msg);
            failed++;
        } else if (strcmp(got, cases[k].want) != 0 ||
                   (cases[k].type && strcmp(last_type, cases[k].type) != 0)) {
            fprintf(stderr, "%s => %s : %s (want %s : %s)\n", cases[k].expr,
                    got, last_type, cases[k].want,
                    cases[k].type ? cases[k].type : "-");
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

/* Every example of the function table gives its documented result. */
static void test_table_examples(void **state)
{
    (void)state;
    zone = NULL;
    size_t checked = 0;
    for (size_t k = 0; k < hf_fn_count; k++) {
        const struct hf_fn_info *f = &hf_fn_table[k];
        if (f->example == NULL)
            continue;
        const char *msg;
        const char *got = try_ev(f->example, &msg);
        if (got == NULL)
            fprintf(stderr, "%s: example %s: %s\n", f->name, f->example, msg);
        assert_non_null(got);
        if (f->result) {
            if (strcmp(got, f->result) != 0)
                fprintf(stderr, "%s: %s => %s (docs say %s)\n", f->name,
                        f->example, got, f->result);
            assert_string_equal(got, f->result);
        }
        checked++;
    }
    assert_true(checked > 100);
}

/* Every function and operator in the table has a test case above; every
 * refused name is refused by name. */
static void test_table_covered(void **state)
{
    (void)state;
    zone = NULL;
    for (size_t k = 0; k < hf_fn_count; k++) {
        const struct hf_fn_info *f = &hf_fn_table[k];
        if (f->kind == HF_FNK_REFUSED) {
            char q[128];
            snprintf(q, sizeof q, "%s(1)", f->name);
            char want[128];
            snprintf(want, sizeof want,
                     "function %s is not supported: ", f->name);
            check_error(q, want);
            continue;
        }
        bool found = false;
        for (size_t c = 0; c < ncases && !found; c++)
            found = strcmp(cases[c].fn, f->name) == 0;
        if (!found)
            fprintf(stderr, "no test case for %s\n", f->name);
        assert_true(found);
    }
    /* And no case names a function the table does not have. */
    for (size_t c = 0; c < ncases; c++) {
        bool found = false;
        for (size_t k = 0; k < hf_fn_count && !found; k++)
            found = strcmp(cases[c].fn, hf_fn_table[k].name) == 0;
        if (!found)
            fprintf(stderr, "case for unknown function %s\n", cases[c].fn);
        assert_true(found);
    }
}

/* The generated page lists every documented function. */
static void test_docs_page(void **state)
{
    (void)state;
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_fn_doc_markdown(&sb);
    assert_true(hf_strbuf_ok(&sb));
    assert_non_null(strstr(sb.data, "# Built-in functions"));
    assert_non_null(strstr(sb.data, "| `ROUND(numeric [, int])` |"));
    assert_non_null(strstr(sb.data, "| `LPAD('hi', 4, '?\?')` | `?\?hi` |"));
    assert_non_null(strstr(sb.data, "| `STR_TO_MAP('a=1,b=2,c')` | "
                                    "`{a=1, b=2, c=NULL}` |"));
    assert_non_null(strstr(sb.data, "## Value construction"));
    hf_strbuf_free(&sb);
}

static void test_errors(void **state)
{
    (void)state;
    zone = NULL;
    check_error("ROUDN(1.5)",
                "q.sql:1:1: error: unknown function 'ROUDN'; did you mean "
                "'ROUND'?");
    check_error("date_add(DATE '2024-01-01', 1)",
                "function DATE_ADD is not supported: not a Flink SQL "
                "function");
    check_error("STR_TO_MAP('a=1', ',')", "STR_TO_MAP takes one argument, "
                                          "or three");
    check_error("STR_TO_MAP('a=1', '(', '=')", "bad list delimiter");
    check_error("CARDINALITY(1)", "CARDINALITY needs an ARRAY, MAP or "
                                  "MULTISET, found INT");
    check_error("ELEMENT(MAP['a', 1])", "ELEMENT needs an ARRAY");
    check_error("ELEMENT(ARRAY[1, 2])", "ELEMENT of an array with 2 elements");
    check_error("ARRAY[1, 2]['a']", "an array subscript must be an integer, "
                                    "found CHAR(1)");
    check_error("MAP['a', 1][1]", "a key of MAP<CHAR(1) NOT NULL, INT NOT "
                                  "NULL> cannot be INT");
    check_error("i[1]", "'[...]' needs an ARRAY or a MAP, found INT");
    check_error("ROW(1, 'x').b", "unknown field 'b' of ROW<`EXPR$0` INT NOT "
                                 "NULL, `EXPR$1` CHAR(1) NOT NULL>; its fields "
                                 "are: EXPR$0, EXPR$1");
    check_error("s.x", "unknown table 's'");
    check_error("ARRAY[1, 'a']", "values of types INT and CHAR(1) cannot be "
                                 "combined");
    check_error("CAST(ROW(1, 2) AS ROW<a INT>)", "cannot CAST");
    check_error("CAST('[1]' AS ARRAY<INT>)", "cannot CAST CHAR(3) to "
                                             "ARRAY<INT>");    check_error("ROUND(1, 2, 3)", "ROUND takes 1 to 2 arguments, found 3");
    check_error("LPAD('a', 2)", "LPAD takes 3 arguments, found 2");
    check_error("REGEXP('a', '(')", "bad regular expression '(' for REGEXP");
    check_error("'a' SIMILAR TO '(a'", "bad SIMILAR TO pattern");
    check_error("EXTRACT(FORTNIGHT FROM ts)",
                "FORTNIGHT is not a unit of EXTRACT");
    check_error("EXTRACT(HOUR FROM DATE '2024-01-01')",
                "cannot extract HOUR from a DATE");
    check_error("TIMESTAMPDIFF(DOW, ts, ts)", "DOW is not a unit of");
    check_error("FLOOR(DATE '2024-01-01' TO HOUR)",
                "cannot round a DATE to HOUR");
    check_error("INTERVAL '100' DAY",
                "exceeds precision of DAY(2) field; write DAY(3)");
    check_error("INTERVAL '1:2' DAY", "invalid interval '1:2' for DAY");
    check_error("INTERVAL '1' WEEK", "unsupported interval qualifier WEEK");
    /* an unknown TO unit was taken for none (DAY), and a name too long for
     * the binder's buffer was cut, to a unit (SQL_TSI_QUARTERLY) or to
     * nothing in the message */
    check_error("INTERVAL '3' DAY TO SECONDX",
                "unsupported interval qualifier DAY TO SECONDX;");
    check_error("INTERVAL '3' DAY TO SECONDSECONDSECONDSECOND",
                "unsupported interval qualifier DAY TO "
                "SECONDSECONDSECONDSECOND;");
    check_error("INTERVAL '1' DAY(19)",
                "the precision of an interval's leading field is 1 to 10");
    check_error("INTERVAL '3' SQL_TSI_QUARTERLY",
                "unsupported interval qualifier SQL_TSI_QUARTERLY;");
    check_error("INTERVAL '3' "
                "SECONDSECONDSECONDSECONDSECONDSECONDSECONDSECONDSECONDSECONDS"
                "ECONDSECOND",
                "unsupported interval qualifier "
                "SECONDSECONDSECONDSECONDSECONDSECONDSECONDSECONDSECONDSECONDS"
                "ECONDSECOND;");
    check_error("ts + INTERVAL '1' DAY * 1.5", "cannot apply '*'");
    check_error("JSON_VALUE(j, s)", "the path of JSON_VALUE must be a string "
                                    "literal");
    check_error("JSON_VALUE(j, 'a.b')", "bad JSON path 'a.b' for JSON_VALUE");
    check_error("JSON_VALUE(j, '$.a' ERROR ON EMPTY)",
                "JSON_VALUE: the path selects no value");
    check_error("JSON_QUERY('{}', 'strict $.x' ERROR ON ERROR)",
                "JSON_QUERY: the path does not apply");
    check_error("JSON_OBJECT(s VALUE 1)",
                "the keys of JSON_OBJECT must be string literals");
    check_error("SHA2('a', 100)", "SHA2 takes a length of 224, 256, 384 or "
                                  "512, found 100");
    check_error("ROUND(d, i)", "the digits of ROUND on a DECIMAL must be an "
                               "integer literal");
    check_error("RAND(i)", "the seed of RAND must be an integer literal");
    check_error("RAND_INTEGER(0)", "RAND_INTEGER needs a bound from 1");
    check_error("FROM_BASE64('a!')", "illegal base64 character 0x21");
    check_error("FROM_BASE64('abcde')", "input is not valid base64");
    check_error("ABS(CAST(-2147483648 AS INT))", "numeric overflow");
    check_error("ROUND(2147483647, -1)", "numeric overflow in ROUND");
    check_error("TIMESTAMPADD(YEAR, 9000, DATE '2024-01-01')",
                "outside years 0001-9999");
    check_error("CONVERT_TZ(s, 'Mars/Olympus', 'UTC')",
                "unknown time zone 'Mars/Olympus'");
    check_error("REPEAT('ab', 2000000000)", "REPEAT result too long");
    check_error("TIMESTAMPDIFF(SECOND, DATE '1900-01-01', DATE '2000-01-01')",
                "does not fit INT");
    check_error("DATE_FORMAT(ts, 'yyyy-MM-dd Q')",
                "pattern letter 'Q' is not supported");
    check_error("GREATEST(1, 'a')", "GREATEST cannot compare INT with "
                                    "CHAR(1)");
}

/* RAND(seed) gives java.util.Random's sequence, one value per row, the
 * same for every binding of the same seed. */
static void test_rand_sequence(void **state)
{
    (void)state;
    zone = NULL;
    struct hf_error err;
    struct hf_ast_script *a1, *a2;
    struct hf_expr *e1 = bind_text("RAND_INTEGER(7, 1000)", &a1, &err);
    struct hf_expr *e2 = bind_text("RAND_INTEGER(7, 1000)", &a2, &err);
    assert_non_null(e1);
    assert_non_null(e2);
    int64_t seen[8];
    bool varied = false;
    for (int k = 0; k < 8; k++) {
        struct hf_value v1, v2;
        assert_int_equal(hf_expr_eval(e1, row, out, &v1, &err), 0);
        assert_int_equal(hf_expr_eval(e2, row, out, &v2, &err), 0);
        assert_int_equal(v1.v.i, v2.v.i);
        assert_true(v1.v.i >= 0 && v1.v.i < 1000);
        seen[k] = v1.v.i;
        varied = varied || (k > 0 && seen[k] != seen[0]);
    }
    assert_true(varied);
    hf_expr_free(e1);
    hf_expr_free(e2);
    hf_ast_script_free(a1);
    hf_ast_script_free(a2);
    /* java.util.Random(42): nextDouble() = 0.7275636800328681, then
     * 0.6832234717598454. */
    struct hf_expr *r = bind_text("RAND(42)", &a1, &err);
    struct hf_value v;
    assert_int_equal(hf_expr_eval(r, row, out, &v, &err), 0);
    assert_true(v.v.f8 == 0.7275636800328681);
    assert_int_equal(hf_expr_eval(r, row, out, &v, &err), 0);
    assert_true(v.v.f8 == 0.6832234717598454);
    hf_expr_free(r);
    hf_ast_script_free(a1);
}

/* table.local-time-zone: the session zone applies where Flink applies it. */
static void test_session_time_zone(void **state)
{
    (void)state;
    char why[200];
    zone = hf_tz_find("Asia/Shanghai", why, sizeof why);
    assert_non_null(zone);
    check("FROM_UNIXTIME(44)", "1970-01-01 08:00:44", NULL);
    check("UNIX_TIMESTAMP('1970-01-01 08:00:01')", "1", NULL);
    check("CAST(ltz AS STRING)", "2024-03-10 18:30:00.000", NULL);
    check("CAST(ltz AS TIMESTAMP(3))", "2024-03-10 18:30:00.000", NULL);
    check("CAST(ltz AS DATE)", "2024-03-10", NULL);
    check("CAST(TIMESTAMP '2024-03-10 18:30:00' AS TIMESTAMP_LTZ(0)) = ltz",
          "TRUE", NULL);
    check("ltz = TIMESTAMP '2024-03-10 18:30:00'", "TRUE", NULL);
    check("CAST('2024-03-10 18:30:00' AS TIMESTAMP_LTZ(3)) = ltz", "TRUE",
          NULL);
    check("HOUR(ltz)", "18", NULL);
    check("DATE_FORMAT(ltz, 'HH:mm')", "18:30", NULL);
    check("FLOOR(ltz TO DAY) = CAST(TIMESTAMP '2024-03-10 00:00:00' AS "
          "TIMESTAMP_LTZ(3))",
          "TRUE", NULL);
    check("TO_TIMESTAMP('2024-01-01 00:00:00')", "2024-01-01 00:00:00.000",
          NULL); /* TIMESTAMP: no zone */
    check("EXTRACT(HOUR FROM ts)", "1", NULL);
    check("CAST(CURRENT_DATE AS TIMESTAMP_LTZ(3)) <= CURRENT_TIMESTAMP", "TRUE",
          NULL);

    /* America/Los_Angeles: 2024-03-10 02:00-03:00 does not exist (spring
     * forward); 2024-11-03 01:00-02:00 happens twice. */
    zone = hf_tz_find("America/Los_Angeles", why, sizeof why);
    assert_non_null(zone);
    check("CAST(ltz AS STRING)", "2024-03-10 03:30:00.000", NULL);
    /* 02:30 does not exist: 03:30 PDT, 10:30 UTC (printed in UTC). */
    check("CAST(TIMESTAMP '2024-03-10 02:30:00' AS TIMESTAMP_LTZ(0))",
          "2024-03-10 10:30:00", NULL);
    check("UNIX_TIMESTAMP('2024-11-03 01:30:00')", "1730622600", NULL);
    check("UNIX_TIMESTAMP('2024-07-01 00:00:00') - "
          "UNIX_TIMESTAMP('2024-01-01 00:00:00')",
          "15721200", NULL);
    check("FROM_UNIXTIME(1735689600)", "2024-12-31 16:00:00", NULL);
    check("TIMESTAMPADD(DAY, 1, ltz) = ltz + INTERVAL '1' DAY", "TRUE", NULL);
    zone = hf_tz_find("GMT+08:00", why, sizeof why);
    assert_non_null(zone);
    check("FROM_UNIXTIME(0)", "1970-01-01 08:00:00", NULL);
    zone = NULL;

    /* The session zone setting is validated as Flink does. */
    assert_null(hf_tz_find_session("UTC+8", why, sizeof why));
    assert_non_null(strstr(why, "but the configured zone id is 'UTC+8'"));
    assert_null(hf_tz_find_session("PST", why, sizeof why));
    assert_null(hf_tz_find_session("Asia/Shanghia", why, sizeof why));
    assert_non_null(strstr(why, "unknown time zone 'Asia/Shanghia'"));
    assert_non_null(hf_tz_find_session("default", why, sizeof why));
    assert_non_null(hf_tz_find_session("GMT-08:00", why, sizeof why));
    assert_null(hf_tz_find("GMT-8:00", why, sizeof why));
    assert_null(hf_tz_find("../etc/passwd", why, sizeof why));
    /* A zone past its transition table uses the POSIX rule. */
    const struct hf_tz *berlin = hf_tz_find("Europe/Berlin", why, sizeof why);
    int64_t summer, winter;
    hf_timestamp_parse("2300-07-01 00:00:00", 19, &summer);
    hf_timestamp_parse("2300-01-01 00:00:00", 19, &winter);
    assert_int_equal(hf_tz_offset(berlin, summer), 7200);
    assert_int_equal(hf_tz_offset(berlin, winter), 3600);
    /* A repeated hour maps to the earlier instant. */
    int64_t local, utc;
    hf_timestamp_parse("2024-10-27 02:30:00", 19, &local);
    hf_timestamp_parse("2024-10-27 00:30:00", 19, &utc);
    assert_true(hf_tz_to_utc(berlin, local) == utc);
}

static void test_text_forms(void **state)
{
    (void)state;
    zone = NULL;
    struct hf_error err;
    struct hf_ast_script *ast;
    static const char *const forms[][2] = {
        {"EXTRACT(YEAR FROM ts)", "EXTRACT(YEAR FROM ts)"},
        {"FLOOR(ts TO HOUR)", "FLOOR(ts TO HOUR)"},
        {"TIMESTAMPADD(DAY, 1, ts)", "TIMESTAMPADD(DAY, 1, ts)"},
        {"ts - INTERVAL '5' SECOND",
         "(ts - CAST('+0 00:00:05.000' AS INTERVAL DAY TO SECOND(3)))"},
        {"s IS NOT DISTINCT FROM n", "s IS NOT DISTINCT FROM n"},
        {"s NOT SIMILAR TO 'a%'", "s NOT SIMILAR TO 'a%'"},
        {"i BETWEEN SYMMETRIC 1 AND 2", "i BETWEEN SYMMETRIC 1 AND 2"},
        {"lpad(s, 3, 'x')", "LPAD(s, 3, 'x')"},
        {"j IS JSON OBJECT", "j IS JSON OBJECT"},
    };
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        struct hf_expr *e = bind_text(forms[k][0], &ast, &err);
        if (e == NULL)
            fprintf(stderr, "%s: %s\n", forms[k][0], err.msg);
        assert_non_null(e);
        struct hf_strbuf sb;
        hf_strbuf_init(&sb, 0);
        hf_expr_to_text(e, &sb);
        if (strcmp(sb.data, forms[k][1]) != 0)
            fprintf(stderr, "%s => %s\n", forms[k][0], sb.data);
        assert_string_equal(sb.data, forms[k][1]);
        hf_strbuf_free(&sb);
        hf_expr_free(e);
        hf_ast_script_free(ast);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_table_examples),
        cmocka_unit_test(test_table_covered),
        cmocka_unit_test(test_docs_page),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_rand_sequence),
        cmocka_unit_test(test_session_time_zone),
        cmocka_unit_test(test_text_forms),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
