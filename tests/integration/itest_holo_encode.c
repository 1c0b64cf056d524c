/*
 * itest_holo_encode.c - the hologres sink's binary encoders and statement
 * texts against a real PostgreSQL (PGHOST etc. from the environment, see
 * scripts/pg-private.sh).
 *
 * Part 1 sends binary array parameters of every wire type through
 * `SELECT x::text FROM unnest($1::T[])` and compares PostgreSQL's own
 * text of each element with hand-written expectations: this proves the
 * bytes are what the server's *_recv functions read (numerics with many
 * digits, dates before 1970 and BC, timestamps before 2000 and far in the
 * future, NaN and infinities, text with control characters and unicode,
 * array literals with every kind of quoting).
 *
 * Part 2 runs each statement kind holo_sql builds, in both dialects
 * (PostgreSQL accepts the Hologres shapes too), against real tables and
 * checks the table contents: upsert under each on-conflict action, no
 * primary key, ignore-null-when-update, default-for-not-null, check-and-put
 * with null-as, conflict-update-set/where, delete and nullify with a
 * composite key of quoted names, array columns.
 *
 * Every table lives in schemas this program drops and recreates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/hologres/holo_encode.h"
#include "connectors/hologres/holo_sql.h"
#include "core/datetime.h"
#include "core/decimal.h"

static PGconn *conn;

#define SCHEMA "holo_enc_it"
#define QSCHEMA "HoloEnc.Select" /* needs quoting: upper case and a dot */

/* ----------------------------------------------------------- db helpers */

static void exec_ok(const char *sql)
{
    PGresult *r = PQexec(conn, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK &&
        PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s\n-> %s", sql, PQerrorMessage(conn));
    PQclear(r);
}

/* The one text value a query returns ("" for NULL); caller frees. */
static char *query1(const char *sql)
{
    PGresult *r = PQexec(conn, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        fail_msg("%s\n-> %s", sql, PQerrorMessage(conn));
    char *s = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return s;
}

/* The rows of `table` as row texts, ordered by `order`. */
static void assert_table(const char *table, const char *order, const char *want)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT coalesce(string_agg(t::text, ' ' ORDER BY %s), '') "
             "FROM %s t",
             order, table);
    char *got = query1(sql);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "table %s:\n  got  %s\n  want %s\n", table, got, want);
    assert_string_equal(got, want);
    free(got);
}

static int setup(void **state)
{
    (void)state;
    if (getenv("PGHOST") == NULL) {
        fprintf(stderr, "itest_holo_encode: PGHOST is not set; start "
                        "scripts/pg-private.sh and export its env\n");
        return -1;
    }
    conn = PQconnectdb("");
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "itest_holo_encode: cannot connect: %s\n",
                PQerrorMessage(conn));
        return -1;
    }
    PGresult *r =
        PQexec(conn, "SET TimeZone = 'UTC'; SET client_encoding = "
                     "'UTF8'; SET client_min_messages = warning; "
                     "DROP SCHEMA IF EXISTS " SCHEMA " CASCADE; "
                     "DROP SCHEMA IF EXISTS \"" QSCHEMA "\" CASCADE; "
                     "CREATE SCHEMA " SCHEMA "; CREATE SCHEMA \"" QSCHEMA "\"");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "setup: %s\n", PQerrorMessage(conn));
    PQclear(r);
    return ok ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (conn != NULL) {
        PQclear(PQexec(conn, "DROP SCHEMA IF EXISTS " SCHEMA " CASCADE; "
                             "DROP SCHEMA IF EXISTS \"" QSCHEMA "\" CASCADE"));
        PQfinish(conn);
    }
    return 0;
}

/* -------------------------------------------------------------- values */

static struct hf_value I(int64_t i) {
    struct hf_value v = {.null = false};
    v.v.i = i;
    return v;
}

static struct hf_value
S(const char *s) {
    struct hf_value v = {.null = false};
    v.v.s.ptr = s;
    v.v.s.len = (uint32_t)strlen(s);
    return v;
}

static struct hf_value
F4(float f) {
    struct hf_value v = {.null = false};
    v.v.f4 = f;
    return v;
}

static struct hf_value
F8(double f) {
    struct hf_value v = {.null = false};
    v.v.f8 = f;
    return v;
}

static struct hf_value
B(bool b) {
    struct hf_value v = {.null = false};
    v.v.b = b;
    return v;
}

static struct hf_value
D(const char *text, int p, int s) {
    struct hf_value v = {.null = false};
    if (hf_dec_parse(text, strlen(text), p, s, &v.v.d) != 0)
        fail_msg("bad decimal %s", text);
    return v;
}

static const struct hf_value NUL = {.null = true};

static int64_t DAYS(int64_t y, unsigned m, unsigned d)
{
    return hf_days_from_civil(y, m, d);
}

static int64_t TS(int64_t y, unsigned m, unsigned d, int hh, int mi, int ss,
                  int64_t us)
{
    return DAYS(y, m, d) * HF_USEC_PER_DAY +
           ((int64_t)hh * 3600 + mi * 60 + ss) * HF_USEC_PER_SEC + us;
}

/* ----------------------------------------------------- part 1: round trip */

/* Send vals[0..n) of type t as one binary array and compare the server's
 * text of each element; want[i] NULL means SQL NULL. */
static void roundtrip(const struct hf_type *t, const struct hf_value *vals,
                      uint32_t n, const char *const *want)
{
    const struct hf_value *ptrs[64];
    assert_true(n <= 64);
    for (uint32_t i = 0; i < n; i++)
        ptrs[i] = &vals[i];
    struct hf_strbuf b;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&b, 0);
    if (holo_encode_array(&b, t, ptrs, n, &err) != 0)
        fail_msg("encode: %s", err.msg);
    struct hf_type at = hf_type_make(HF_ARRAY);
    at.elem = t->id;
    Oid oid = holo_wire_oid(&at);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT x::text FROM unnest($1::%s) WITH ORDINALITY AS a(x, n) "
             "ORDER BY n",
             holo_wire_name(&at));
    const char *pv[1] = {b.data};
    int pl[1] = {(int)b.len};
    int pf[1] = {1};
    PGresult *r = PQexecParams(conn, sql, 1, &oid, pv, pl, pf, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", holo_wire_name(t), PQerrorMessage(conn));
    assert_int_equal(PQntuples(r), n);
    for (uint32_t i = 0; i < n; i++) {
        if (want[i] == NULL) {
            assert_true(PQgetisnull(r, (int)i, 0));
            continue;
        }
        assert_false(PQgetisnull(r, (int)i, 0));
        const char *got = PQgetvalue(r, (int)i, 0);
        if (strcmp(got, want[i]) != 0)
            fprintf(stderr, "%s element %u: got '%s' want '%s'\n",
                    holo_wire_name(t), i, got, want[i]);
        assert_string_equal(got, want[i]);
    }
    PQclear(r);
    hf_strbuf_free(&b);
}

#define RT(type, vals, want)                                                   \
    do {                                                                       \
        assert_int_equal(sizeof(vals) / sizeof(vals)[0],                       \
                         sizeof(want) / sizeof(want)[0]);                      \
        roundtrip(&(type), vals, sizeof(vals) / sizeof(vals)[0], want);        \
    } while (0)

static void test_rt_bool_ints(void **state)
{
    (void)state;
    struct hf_type t = hf_type_make(HF_BOOLEAN);
    struct hf_value bv[] = {B(true), B(false), NUL};
    const char *bw[] = {"true", "false", NULL};
    RT(t, bv, bw);

    t = hf_type_make(HF_TINYINT);
    struct hf_value tv[] = {I(-128), I(127), I(0)};
    const char *tw[] = {"-128", "127", "0"};
    RT(t, tv, tw);

    t = hf_type_make(HF_SMALLINT);
    struct hf_value sv[] = {I(-32768), I(32767), NUL, I(-1)};
    const char *sw[] = {"-32768", "32767", NULL, "-1"};
    RT(t, sv, sw);

    t = hf_type_make(HF_INT);
    struct hf_value iv[] = {I(INT32_MIN), I(INT32_MAX), I(42), NUL};
    const char *iw[] = {"-2147483648", "2147483647", "42", NULL};
    RT(t, iv, iw);

    t = hf_type_make(HF_BIGINT);
    struct hf_value lv[] = {I(INT64_MIN), I(INT64_MAX), I(-1), I(1)};
    const char *lw[] = {"-9223372036854775808", "9223372036854775807", "-1",
                        "1"};
    RT(t, lv, lw);
}

static void test_rt_floats(void **state)
{
    (void)state;
    struct hf_type t = hf_type_make(HF_FLOAT);
    struct hf_value fv[] = {F4(1.5f),          F4(0.1f),      F4(NAN),
                            F4(INFINITY),      F4(-INFINITY), F4(-0.0f),
                            F4(3.4028235e38f), F4(1e-45f),    NUL};
    const char *fw[] = {"1.5",           "0.1",       "NaN",
                        "Infinity",      "-Infinity", "-0",
                        "3.4028235e+38", "1e-45",     NULL};
    RT(t, fv, fw);

    t = hf_type_make(HF_DOUBLE);
    struct hf_value dv[] = {F8(0.1),      F8(1e300),         F8(NAN),
                            F8(INFINITY), F8(-INFINITY),     F8(-0.0),
                            F8(5e-324),   F8(123456789.125), F8(-2.5e-10)};
    const char *dw[] = {"0.1",      "1e+300",        "NaN",
                        "Infinity", "-Infinity",     "-0",
                        "5e-324",   "123456789.125", "-2.5e-10"};
    RT(t, dv, dw);
}

static void dec_rt(int p, int s, const char *const *texts, uint32_t n)
{
    struct hf_type t = hf_type_make(HF_DECIMAL);
    t.precision = (uint8_t)p;
    t.scale = (uint8_t)s;
    struct hf_value v[32];
    for (uint32_t i = 0; i < n; i++)
        v[i] = D(texts[i], p, s);
    roundtrip(&t, v, n, texts);
}

static void test_rt_numeric(void **state)
{
    (void)state;
    const char *s0[] = {"0",
                        "1",
                        "-1",
                        "10000",
                        "9999",
                        "100000000",
                        "-99999999999999999999999999999999999999",
                        "99999999999999999999999999999999999999",
                        "12345678901234567890"};
    dec_rt(38, 0, s0, sizeof s0 / sizeof s0[0]);
    const char *s2[] = {"0.00",
                        "-1.50",
                        "0.01",
                        "-0.01",
                        "123456.78",
                        "10000.00",
                        "99999999999999999999999999999999999.99"};
    dec_rt(38, 2, s2, sizeof s2 / sizeof s2[0]);
    const char *s4[] = {"0.0001", "-0.0001", "1.0000", "-12345.6789", "0.1000"};
    dec_rt(20, 4, s4, sizeof s4 / sizeof s4[0]);
    const char *s12[] = {"12345678901234567890123456.789012345678",
                         "-12345678901234567890123456.789012345678",
                         "0.000000000001", "-0.000000010000"};
    dec_rt(38, 12, s12, sizeof s12 / sizeof s12[0]);
    const char *s38[] = {"0.00000000000000000000000000000000000001",
                         "-0.12345678901234567890123456789012345678",
                         "0.99999999999999999999999999999999999999"};
    dec_rt(38, 38, s38, sizeof s38 / sizeof s38[0]);
    const char *s5[] = {"0.00001", "100000000.00000"};
    dec_rt(18, 5, s5, 2);
}

static void test_rt_text(void **state)
{
    (void)state;
    struct hf_type t = hf_type_make(HF_VARCHAR);
    struct hf_value v[] = {S("tab\there"),
                           S("new\nline\r\n"),
                           S("quote'\"q"),
                           S("back\\slash"),
                           S("\xe4\xb8\xad\xe6\x96\x87 \xe2\x9c\x93 "
                             "\xf0\x9f\x98\x80"),
                           S(""),
                           NUL,
                           S("{a,b}"),
                           S("NULL")};
    const char *w[] = {"tab\there",
                       "new\nline\r\n",
                       "quote'\"q",
                       "back\\slash",
                       "\xe4\xb8\xad\xe6\x96\x87 \xe2\x9c\x93 "
                       "\xf0\x9f\x98\x80",
                       "",
                       NULL,
                       "{a,b}",
                       "NULL"};
    RT(t, v, w);
    t = hf_type_make(HF_CHAR);
    RT(t, v, w);

    t = hf_type_make(HF_JSON);
    struct hf_value jv[] = {S("{\"a\": [1, 2],  \"b\":null}"), S("[]"),
                            S("\"x\\ty\"")};
    const char *jw[] = {"{\"a\": [1, 2],  \"b\":null}", "[]", "\"x\\ty\""};
    RT(t, jv, jw);

    t = hf_type_make(HF_JSONB);
    struct hf_value bv[] = {S("{\"b\":1,\"a\":[true,null]}"), S("3.50"),
                            S("\"\xe4\xb8\xad\"")};
    const char *bw[] = {"{\"a\": [true, null], \"b\": 1}", "3.50",
                        "\"\xe4\xb8\xad\""};
    RT(t, bv, bw);

    t = hf_type_make(HF_BYTES);
    struct hf_value yv[3] = {{.null = false}, {.null = false}, NUL};
    yv[0].v.s.ptr = "\x00\xff\x10";
    yv[0].v.s.len = 3;
    yv[1].v.s.ptr = "";
    yv[1].v.s.len = 0;
    const char *yw[] = {"\\x00ff10", "\\x", NULL};
    RT(t, yv, yw);
}

static void test_rt_dates_times(void **state)
{
    (void)state;
    struct hf_type t = hf_type_make(HF_DATE);
    struct hf_value dv[] = {I(0),
                            I(-1),
                            I(DAYS(2000, 1, 1)),
                            I(DAYS(1900, 2, 28)),
                            I(DAYS(1, 1, 1)),
                            I(DAYS(0, 12, 31)),
                            I(DAYS(9999, 12, 31)),
                            I(DAYS(2024, 2, 29)),
                            I(DAYS(12000, 6, 1))};
    const char *dw[] = {"1970-01-01", "1969-12-31", "2000-01-01",
                        "1900-02-28", "0001-01-01", "0001-12-31 BC",
                        "9999-12-31", "2024-02-29", "12000-06-01"};
    RT(t, dv, dw);

    t = hf_type_make(HF_TIME);
    struct hf_value tv[] = {I(0), I(1500000), I(HF_USEC_PER_DAY - 1),
                            I(HF_USEC_PER_DAY), I(HF_USEC_PER_SEC * 45296)};
    const char *tw[] = {"00:00:00", "00:00:01.5", "23:59:59.999999", "24:00:00",
                        "12:34:56"};
    RT(t, tv, tw);

    t = hf_type_make(HF_TIMESTAMP);
    struct hf_value sv[] = {I(0),
                            I(TS(1999, 12, 31, 23, 59, 59, 999999)),
                            I(TS(2000, 1, 1, 0, 0, 0, 0)),
                            I(TS(1900, 1, 1, 0, 0, 0, 1)),
                            I(TS(1, 1, 1, 0, 0, 0, 0)),
                            I(TS(0, 6, 15, 12, 0, 0, 0)),
                            I(TS(9999, 12, 31, 23, 59, 59, 999999)),
                            I(TS(2262, 4, 11, 23, 47, 16, 854775)),
                            I(TS(1969, 12, 31, 23, 59, 59, 500000))};
    const char *sw[] = {
        "1970-01-01 00:00:00",        "1999-12-31 23:59:59.999999",
        "2000-01-01 00:00:00",        "1900-01-01 00:00:00.000001",
        "0001-01-01 00:00:00",        "0001-06-15 12:00:00 BC",
        "9999-12-31 23:59:59.999999", "2262-04-11 23:47:16.854775",
        "1969-12-31 23:59:59.5"};
    RT(t, sv, sw);

    t = hf_type_make(HF_TIMESTAMP_LTZ);
    struct hf_value zv[] = {I(0), I(TS(1999, 12, 31, 23, 59, 59, 500000)),
                            I(TS(2100, 3, 1, 12, 0, 0, 0)),
                            I(TS(1850, 7, 4, 6, 30, 0, 0)), NUL};
    const char *zw[] = {"1970-01-01 00:00:00+00", "1999-12-31 23:59:59.5+00",
                        "2100-03-01 12:00:00+00", "1850-07-04 06:30:00+00",
                        NULL};
    RT(t, zv, zw);
}

/* One array value, binary (holo_encode_value) and as a literal through
 * text[] (holo_encode_array_literal) cast back: both must print `want`. */
static void array_rt(enum hf_type_id elem, struct hf_value *items, uint32_t n,
                     const char *want, const char *want_literal)
{
    struct hf_type t = hf_type_make(HF_ARRAY);
    t.elem = elem;
    struct hf_array arr = {.elem = elem, .n = n, .items = items};
    struct hf_value v = {.null = false};
    v.v.a = &arr;
    struct hf_error err;
    hf_error_clear(&err);

    /* binary */
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    assert_int_equal(holo_encode_value(&b, &t, &v, &err), 0);
    Oid oid = holo_wire_oid(&t);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT $1::%s::text", holo_wire_name(&t));
    const char *pv[1] = {b.data};
    int pl[1] = {(int)b.len};
    int pf[1] = {1};
    PGresult *r = PQexecParams(conn, sql, 1, &oid, pv, pl, pf, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("binary %s: %s", holo_wire_name(&t), PQerrorMessage(conn));
    assert_string_equal(PQgetvalue(r, 0, 0), want);
    PQclear(r);

    /* literal as one element of a binary text[], cast back */
    struct hf_strbuf lit;
    hf_strbuf_init(&lit, 0);
    assert_int_equal(holo_encode_array_literal(&lit, &t, &v, &err), 0);
    if (want_literal != NULL)
        assert_string_equal(lit.data, want_literal);
    struct hf_value lv = {.null = false};
    lv.v.s.ptr = lit.data;
    lv.v.s.len = (uint32_t)lit.len;
    const struct hf_value *lp[2] = {&lv, &NUL};
    struct hf_type st = hf_type_make(HF_VARCHAR);
    hf_strbuf_reset(&b);
    assert_int_equal(holo_encode_array(&b, &st, lp, 2, &err), 0);
    Oid toid = 1009;
    snprintf(sql, sizeof sql,
             "SELECT x::%s::text FROM unnest($1::text[]) WITH ORDINALITY AS "
             "a(x, n) ORDER BY n",
             holo_wire_name(&t));
    pv[0] = b.data;
    pl[0] = (int)b.len;
    r = PQexecParams(conn, sql, 1, &toid, pv, pl, pf, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("literal %s: %s", lit.data, PQerrorMessage(conn));
    assert_int_equal(PQntuples(r), 2);
    assert_string_equal(PQgetvalue(r, 0, 0), want);
    assert_true(PQgetisnull(r, 1, 0));
    PQclear(r);
    hf_strbuf_free(&lit);
    hf_strbuf_free(&b);
}

static void test_rt_arrays(void **state)
{
    (void)state;
    struct hf_value ints[] = {I(1), NUL, I(-3)};
    array_rt(HF_INT, ints, 3, "{1,NULL,-3}", "{1,NULL,-3}");
    array_rt(HF_INT, ints, 0, "{}", "{}");
    struct hf_value longs[] = {I(INT64_MIN), I(7)};
    array_rt(HF_BIGINT, longs, 2, "{-9223372036854775808,7}", NULL);
    struct hf_value strs[] = {
        S("a b"),          S("c\"d"),        S(""),    NUL,      S("NULL"),
        S("plain"),        S("back\\slash"), S("x,y"), S("{z}"), S("tab\there"),
        S("\xe4\xb8\xad"), S("nul")};
    /* PostgreSQL's array_out quotes exactly as holoflow does */
    const char *sw = "{\"a b\",\"c\\\"d\",\"\",NULL,\"NULL\",plain,"
                     "\"back\\\\slash\",\"x,y\",\"{z}\",\"tab\there\","
                     "\xe4\xb8\xad,nul}";
    array_rt(HF_VARCHAR, strs, 12, sw, sw);
    struct hf_value dbl[] = {F8(1.5),  F8(NAN), F8(-INFINITY),
                             F8(1e20), NUL,     F8(0.1)};
    array_rt(HF_DOUBLE, dbl, 6, "{1.5,NaN,-Infinity,1e+20,NULL,0.1}",
             "{1.5,NaN,-Infinity,1.0E20,NULL,0.1}");
    struct hf_value flt[] = {F4(0.1f), F4(INFINITY)};
    array_rt(HF_FLOAT, flt, 2, "{0.1,Infinity}", NULL);
    struct hf_value bools[] = {B(true), NUL, B(false)};
    array_rt(HF_BOOLEAN, bools, 3, "{t,NULL,f}", "{t,NULL,f}");
}

static void test_rt_array_more_types(void **state)
{
    (void)state;
    /* element types the SQL front end does not offer yet still encode */
    struct hf_value dates[] = {I(DAYS(0, 1, 1)), I(0)};
    array_rt(HF_DATE, dates, 2, "{\"0001-01-01 BC\",1970-01-01}", NULL);
    struct hf_value ts[] = {I(TS(1999, 1, 2, 3, 4, 5, 600000)),
                            I(TS(0, 1, 1, 0, 0, 0, 0))};
    array_rt(HF_TIMESTAMP, ts, 2,
             "{\"1999-01-02 03:04:05.6\",\"0001-01-01 00:00:00 BC\"}", NULL);
    array_rt(HF_TIMESTAMP_LTZ, ts, 1, "{\"1999-01-02 03:04:05.6+00\"}", NULL);
    struct hf_value by[2] = {{.null = false}, {.null = false}};
    by[0].v.s.ptr = "\x01\x02";
    by[0].v.s.len = 2;
    by[1].v.s.ptr = "";
    by[1].v.s.len = 0;
    array_rt(HF_BYTES, by, 2, "{\"\\\\x0102\",\"\\\\x\"}", NULL);
    struct hf_value tm[] = {I(HF_USEC_PER_DAY), I(5)};
    array_rt(HF_TIME, tm, 2, "{24:00:00,00:00:00.000005}", NULL);
    struct hf_value js[] = {S("{\"a\": 1}"), S("[1,2]")};
    array_rt(HF_JSONB, js, 2, "{\"{\\\"a\\\": 1}\",\"[1, 2]\"}", NULL);
}

/* ------------------------------------------------- part 2: statements */

#define MAXC 16

/* A hand-built table description matching a CREATE TABLE below, a job
 * schema with the same columns, and the statement spec. */
struct fx {
    struct holo_column mcols[MAXC];
    uint32_t pk[MAXC];
    struct holo_table_meta meta;
    struct hf_column jcols[MAXC];
    struct hf_schema job;
    uint32_t map[MAXC];
    uint32_t cols[MAXC];
    struct holo_config cfg;
    struct holo_stmt_spec spec;
    char qname[128]; /* "schema"."table" */
};

static void fx_init(struct fx *f, const char *schema, const char *table)
{
    memset(f, 0, sizeof *f);
    f->meta.schema = (char *)schema;
    f->meta.table = (char *)table;
    f->meta.cols = f->mcols;
    f->meta.pk = f->pk;
    f->meta.part_col = -1;
    f->job.cols = f->jcols;
    f->cfg.on_conflict = HOLO_OC_UPDATE;
    f->spec.meta = &f->meta;
    f->spec.schema = schema;
    f->spec.table = table;
    f->spec.job = &f->job;
    f->spec.map = f->map;
    f->spec.cols = f->cols;
    f->spec.cfg = &f->cfg;
    struct hf_strbuf b;
    hf_strbuf_init(&b, sizeof f->qname);
    hf_strbuf_put_ident(&b, schema);
    hf_strbuf_putc(&b, '.');
    hf_strbuf_put_ident(&b, table);
    snprintf(f->qname, sizeof f->qname, "%s", b.data);
    hf_strbuf_free(&b);
}

static struct hf_type *fx_col(struct fx *f, const char *name, Oid oid,
                              const char *type_text, enum hf_type_id id,
                              bool not_null, const char *def)
{
    uint32_t i = f->meta.ncols++;
    f->mcols[i].name = (char *)name;
    f->mcols[i].type_oid = oid;
    f->mcols[i].typmod = -1;
    f->mcols[i].type_text = (char *)type_text;
    f->mcols[i].not_null = not_null;
    f->mcols[i].default_expr = (char *)def;
    f->jcols[i].name = (char *)name;
    f->jcols[i].type = hf_type_make(id);
    f->job.ncols++;
    f->map[i] = i;
    f->cols[f->spec.ncols++] = i;
    return &f->jcols[i].type;
}

static void fx_pk(struct fx *f, uint32_t mi)
{
    f->pk[f->meta.npk++] = mi;
}

static void fx_write(struct fx *f, const uint32_t *cols, uint32_t n)
{
    memcpy(f->cols, cols, n * sizeof *cols);
    f->spec.ncols = n;
}

/* rows[r][j]: the value of job column j in row r. */
typedef struct hf_value rowv[MAXC];

/* Encode the parameters for job columns js[0..np) of rows[0..nrows) (array
 * columns as literals in a text[]), plus null-as when asked, and run sql.
 * Returns the result status; on failure *sqlstate gets the SQLSTATE. */
static ExecStatusType run_stmt(const struct fx *f, const char *sql,
                               const uint32_t *js, uint32_t np,
                               const rowv *rows, uint32_t nrows, bool null_as,
                               char *sqlstate, size_t sqlstate_size)
{
    struct hf_strbuf bufs[MAXC + 1];
    const char *pv[MAXC + 1];
    int pl[MAXC + 1], pf[MAXC + 1];
    Oid pt[MAXC + 1];
    struct hf_strbuf lits[8 * MAXC];
    uint32_t nlits = 0;
    struct hf_error err;
    hf_error_clear(&err);
    assert_true(np <= MAXC && nrows <= 8);
    for (uint32_t k = 0; k < np; k++) {
        uint32_t j = js[k];
        const struct hf_type *t = &f->jcols[j].type;
        hf_strbuf_init(&bufs[k], 0);
        struct hf_value tmp[8];
        const struct hf_value *ptrs[8];
        struct hf_type et = *t;
        for (uint32_t r = 0; r < nrows; r++) {
            if (t->id == HF_ARRAY && !rows[r][j].null) {
                struct hf_strbuf *lb = &lits[nlits++];
                hf_strbuf_init(lb, 0);
                if (holo_encode_array_literal(lb, t, &rows[r][j], &err) != 0)
                    fail_msg("literal: %s", err.msg);
                tmp[r].null = false;
                tmp[r].v.s.ptr = lb->data;
                tmp[r].v.s.len = (uint32_t)lb->len;
                ptrs[r] = &tmp[r];
            } else {
                ptrs[r] = &rows[r][j];
            }
        }
        if (t->id == HF_ARRAY) {
            et = hf_type_make(HF_VARCHAR);
            pt[k] = 1009;
        } else {
            struct hf_type at = hf_type_make(HF_ARRAY);
            at.elem = t->id;
            pt[k] = holo_wire_oid(&at);
        }
        if (holo_encode_array(&bufs[k], &et, ptrs, nrows, &err) != 0)
            fail_msg("encode column %s: %s", f->jcols[j].name, err.msg);
        pv[k] = bufs[k].data;
        pl[k] = (int)bufs[k].len;
        pf[k] = 1;
    }
    uint32_t n = np;
    if (null_as) {
        pv[n] = f->cfg.cap_null_as;
        pl[n] = 0;
        pf[n] = 0;
        pt[n] = 25;
        n++;
    }
    PGresult *r = PQexecParams(conn, sql, (int)n, pt, pv, pl, pf, 0);
    ExecStatusType st = PQresultStatus(r);
    if (sqlstate != NULL) {
        const char *ss = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        snprintf(sqlstate, sqlstate_size, "%s", ss ? ss : "");
    }
    if (st != PGRES_COMMAND_OK && sqlstate == NULL)
        fail_msg("%s\n-> %s", sql, PQerrorMessage(conn));
    PQclear(r);
    for (uint32_t k = 0; k < np; k++)
        hf_strbuf_free(&bufs[k]);
    for (uint32_t i = 0; i < nlits; i++)
        hf_strbuf_free(&lits[i]);
    return st;
}

/* Build the upsert for f in `dialect` and run it over rows. */
static void upsert(struct fx *f, bool hologres, const rowv *rows,
                   uint32_t nrows)
{
    struct hf_strbuf sql;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&sql, 0);
    f->spec.hologres = hologres;
    if (holo_sql_upsert(&f->spec, &sql, &err) != 0)
        fail_msg("upsert sql: %s", err.msg);
    run_stmt(f, sql.data, f->cols, f->spec.ncols, rows, nrows,
             holo_sql_upsert_has_null_as(&f->spec), NULL, 0);
    hf_strbuf_free(&sql);
}

/* The same, expecting the server to fail with `state`. */
static void upsert_fails(struct fx *f, bool hologres, const rowv *rows,
                         uint32_t nrows, const char *state)
{
    struct hf_strbuf sql;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&sql, 0);
    f->spec.hologres = hologres;
    assert_int_equal(holo_sql_upsert(&f->spec, &sql, &err), 0);
    char ss[8];
    ExecStatusType st =
        run_stmt(f, sql.data, f->cols, f->spec.ncols, rows, nrows,
                 holo_sql_upsert_has_null_as(&f->spec), ss, sizeof ss);
    assert_int_equal(st, PGRES_FATAL_ERROR);
    assert_string_equal(ss, state);
    hf_strbuf_free(&sql);
}

typedef int (*key_builder)(const struct holo_stmt_spec *, struct hf_strbuf *,
                           struct hf_error *);

static void by_key(struct fx *f, key_builder fn, bool hologres,
                   const rowv *rows, uint32_t nrows)
{
    struct hf_strbuf sql;
    struct hf_error err;
    hf_error_clear(&err);
    hf_strbuf_init(&sql, 0);
    f->spec.hologres = hologres;
    if (fn(&f->spec, &sql, &err) != 0)
        fail_msg("key sql: %s", err.msg);
    uint32_t keys[MAXC + 1];
    uint32_t nk = holo_sql_key_params(&f->spec, keys);
    run_stmt(f, sql.data, keys, nk, rows, nrows,
             holo_sql_key_has_null_as(&f->spec), NULL, 0);
    hf_strbuf_free(&sql);
}

/* up(id int8 PK, name text, price numeric(38,2), extra text DEFAULT 'x') */
static void up_table(struct fx *f)
{
    exec_ok("DROP TABLE IF EXISTS " SCHEMA ".up; CREATE TABLE " SCHEMA
            ".up (id int8 PRIMARY KEY, name text, price numeric(38,2), "
            "extra text DEFAULT 'x'); INSERT INTO " SCHEMA ".up VALUES "
            "(1, 'a', 1.00, 'keep'), (2, 'b', 2.00, 'keep2')");
    fx_init(f, SCHEMA, "up");
    fx_col(f, "id", 20, "bigint", HF_BIGINT, true, NULL);
    fx_col(f, "name", 25, "text", HF_VARCHAR, false, NULL);
    struct hf_type *t =
        fx_col(f, "price", 1700, "numeric(38,2)", HF_DECIMAL, false, NULL);
    t->precision = 38;
    t->scale = 2;
    fx_col(f, "extra", 25, "text", HF_VARCHAR, false, "'x'::text");
    fx_pk(f, 0);
    static const uint32_t w[] = {0, 1, 2};
    fx_write(f, w, 3);
}

static void test_upsert_actions(void **state)
{
    (void)state;
    for (int h = 0; h < 2; h++) {
        struct fx f;
        rowv rows[2] = {{I(1), S("A"), D("9.99", 38, 2)}, {I(3), S("C"), NUL}};

        up_table(&f);
        f.cfg.on_conflict = HOLO_OC_UPDATE;
        upsert(&f, h, rows, 2);
        assert_table(SCHEMA ".up", "id",
                     "(1,A,9.99,keep) (2,b,2.00,keep2) (3,C,,x)");

        up_table(&f);
        f.cfg.on_conflict = HOLO_OC_IGNORE;
        upsert(&f, h, rows, 2);
        assert_table(SCHEMA ".up", "id",
                     "(1,a,1.00,keep) (2,b,2.00,keep2) (3,C,,x)");

        up_table(&f);
        f.cfg.on_conflict = HOLO_OC_REPLACE;
        upsert(&f, h, rows, 2);
        assert_table(SCHEMA ".up", "id",
                     "(1,A,9.99,x) (2,b,2.00,keep2) (3,C,,x)");

        /* only key columns written: existing rows untouched */
        up_table(&f);
        f.cfg.on_conflict = HOLO_OC_UPDATE;
        static const uint32_t k[] = {0};
        fx_write(&f, k, 1);
        upsert(&f, h, rows, 2);
        assert_table(SCHEMA ".up", "id",
                     "(1,a,1.00,keep) (2,b,2.00,keep2) (3,,,x)");
    }
}

static void test_upsert_no_pk(void **state)
{
    (void)state;
    for (int h = 0; h < 2; h++) {
        exec_ok("DROP TABLE IF EXISTS " SCHEMA ".log; CREATE TABLE " SCHEMA
                ".log (id int8, msg text)");
        struct fx f;
        fx_init(&f, SCHEMA, "log");
        fx_col(&f, "id", 20, "bigint", HF_BIGINT, false, NULL);
        fx_col(&f, "msg", 25, "text", HF_VARCHAR, false, NULL);
        rowv rows[2] = {{I(1), S("x")}, {I(1), S("y")}};
        upsert(&f, h, rows, 2);
        upsert(&f, h, rows, 1);
        assert_table(SCHEMA ".log", "t::text", "(1,x) (1,x) (1,y)");
    }
}

static void test_upsert_ignore_null(void **state)
{
    (void)state;
    for (int h = 0; h < 2; h++) {
        struct fx f;
        up_table(&f);
        f.cfg.ignore_null_when_update = true;
        rowv rows[2] = {{I(1), NUL, D("5", 38, 2)}, {I(2), S("B"), NUL}};
        upsert(&f, h, rows, 2);
        assert_table(SCHEMA ".up", "id", "(1,a,5.00,keep) (2,B,2.00,keep2)");
    }
}

static void test_conflict_expressions(void **state)
{
    (void)state;
    for (int h = 0; h < 2; h++) {
        struct fx f;
        up_table(&f);
        exec_ok("UPDATE " SCHEMA ".up SET name = 'frozen' WHERE id = 2");
        f.cfg.conflict_update_set =
            "price = old.price + excluded.price, name = excluded.name";
        f.cfg.conflict_where = "old.name <> 'frozen'";
        rowv rows[3] = {{I(1), S("A"), D("0.50", 38, 2)},
                        {I(2), S("B"), D("100", 38, 2)},
                        {I(5), S("E"), D("5", 38, 2)}};
        upsert(&f, h, rows, 3);
        assert_table(SCHEMA ".up", "id",
                     "(1,A,1.50,keep) (2,frozen,2.00,keep2) (5,E,5.00,x)");
    }
}

/* v(id int8 PK, val text, ver int4) */
static void v_table(struct fx *f)
{
    exec_ok("DROP TABLE IF EXISTS " SCHEMA ".v; CREATE TABLE " SCHEMA
            ".v (id int8 PRIMARY KEY, val text, ver int4); INSERT INTO " SCHEMA
            ".v VALUES (1, 'old', 5), (2, 'old', NULL), (3, 'old', 5)");
    fx_init(f, SCHEMA, "v");
    fx_col(f, "id", 20, "bigint", HF_BIGINT, true, NULL);
    fx_col(f, "val", 25, "text", HF_VARCHAR, false, NULL);
    fx_col(f, "ver", 23, "integer", HF_BIGINT, false, NULL); /* cast */
    fx_pk(f, 0);
    f->cfg.cap_column = "ver";
}

static void test_check_and_put(void **state)
{
    (void)state;
    for (int h = 0; h < 2; h++) {
        struct fx f;
        v_table(&f);
        f.cfg.cap_op = HOLO_CAP_GREATER;
        f.cfg.cap_null_as = "-1";
        rowv rows[4] = {{I(1), S("new"), I(6)},
                        {I(2), S("new"), I(0)},
                        {I(3), S("new"), I(4)},
                        {I(4), S("new"), I(1)}};
        upsert(&f, h, rows, 4);
        assert_table(SCHEMA ".v", "id",
                     "(1,new,6) (2,new,0) (3,old,5) (4,new,1)");

        /* without null-as a NULL version never compares true */
        v_table(&f);
        f.cfg.cap_null_as = NULL;
        upsert(&f, h, rows, 4);
        assert_table(SCHEMA ".v", "id",
                     "(1,new,6) (2,old,) (3,old,5) (4,new,1)");

        /* IS_NULL: only rows whose version is NULL change */
        v_table(&f);
        f.cfg.cap_op = HOLO_CAP_IS_NULL;
        upsert(&f, h, rows, 4);
        assert_table(SCHEMA ".v", "id",
                     "(1,old,5) (2,new,0) (3,old,5) (4,new,1)");

        /* delete with check-and-put GREATER and null-as: (1, 7) goes,
         * (3, 5) stays, (2, 0) goes since 0 > -1 */
        v_table(&f);
        f.cfg.cap_op = HOLO_CAP_GREATER;
        f.cfg.cap_null_as = "-1";
        rowv del[3] = {{I(1), NUL, I(7)}, {I(3), NUL, I(5)}, {I(2), NUL, I(0)}};
        by_key(&f, holo_sql_delete, h, del, 3);
        assert_table(SCHEMA ".v", "id", "(3,old,5)");

        /* nullify with LESS_OR_EQUAL: (1, 5) nullified, (3, 6) not */
        v_table(&f);
        f.cfg.cap_op = HOLO_CAP_LESS_OR_EQUAL;
        f.cfg.cap_null_as = NULL;
        rowv nul[2] = {{I(1), NUL, I(5)}, {I(3), NUL, I(6)}};
        by_key(&f, holo_sql_nullify, h, nul, 2);
        assert_table(SCHEMA ".v", "id", "(1,,) (2,old,) (3,old,5)");
    }
}

/* "HoloEnc.Select"."Order" ("Id" int8, "select" text, "Amount"
 * numeric(10,2), "x""y" varchar(20), PK ("select", "Id")) */
static void order_table(struct fx *f)
{
    exec_ok("DROP TABLE IF EXISTS \"" QSCHEMA
            "\".\"Order\"; CREATE TABLE \"" QSCHEMA
            "\".\"Order\" (\"Id\" int8, \"select\" text, \"Amount\" "
            "numeric(10,2), \"x\"\"y\" varchar(20), PRIMARY KEY (\"select\", "
            "\"Id\")); INSERT INTO \"" QSCHEMA "\".\"Order\" VALUES "
            "(1, 'a', 1, 'p'), (2, 'b', 2, 'q'), (3, 'c', 3, 'r'), "
            "(1, 'b', 4, 's')");
    fx_init(f, QSCHEMA, "Order");
    fx_col(f, "Id", 20, "bigint", HF_BIGINT, true, NULL);
    fx_col(f, "select", 25, "text", HF_VARCHAR, true, NULL);
    struct hf_type *t =
        fx_col(f, "Amount", 1700, "numeric(10,2)", HF_DECIMAL, false, NULL);
    t->precision = 10;
    t->scale = 2;
    fx_col(f, "x\"y", 1043, "character varying(20)", HF_VARCHAR, false, NULL);
    fx_pk(f, 1);
    fx_pk(f, 0);
}

static void test_delete_nullify_quoted(void **state)
{
    (void)state;
    const char *tbl = "\"" QSCHEMA "\".\"Order\"";
    for (int h = 0; h < 2; h++) {
        struct fx f;
        order_table(&f);
        rowv del[3] = {{I(1), S("a")}, {I(2), S("b")}, {I(9), S("zz")}};
        by_key(&f, holo_sql_delete, h, del, 3);
        assert_table(tbl, "\"select\", \"Id\"", "(1,b,4.00,s) (3,c,3.00,r)");

        order_table(&f);
        rowv nul[2] = {{I(3), S("c")}, {I(1), S("b")}};
        by_key(&f, holo_sql_nullify, h, nul, 2);
        assert_table(tbl, "\"select\", \"Id\"",
                     "(1,a,1.00,p) (1,b,,) (2,b,2.00,q) (3,c,,)");

        order_table(&f);
        rowv up[2] = {{I(1), S("a"), D("7.5", 10, 2), S("x y")},
                      {I(5), S("e"), D("-1", 10, 2), S("\"q\"")}};
        upsert(&f, h, up, 2);
        assert_table(tbl, "\"select\", \"Id\"",
                     "(1,a,7.50,\"x y\") (1,b,4.00,s) (2,b,2.00,q) "
                     "(3,c,3.00,r) (5,e,-1.00,\"\"\"q\"\"\")");
        /* varchar(20) is enforced, not truncated */
        rowv lng[1] = {{I(6), S("f"), NUL, S("0123456789012345678901")}};
        upsert_fails(&f, h, lng, 1, "22001");
    }
}

/* d: NOT NULL columns with and without defaults */
static void d_table(struct fx *f)
{
    exec_ok("DROP TABLE IF EXISTS " SCHEMA ".d; CREATE TABLE " SCHEMA ".d ("
            "id int8 PRIMARY KEY, a int4 NOT NULL DEFAULT 7, s text NOT NULL, "
            "ts timestamptz NOT NULL, b bool NOT NULL, j jsonb NOT NULL, "
            "arr int4[] NOT NULL, n text, vc varchar(5) NOT NULL, "
            "bt bytea NOT NULL, dt date NOT NULL, tm time NOT NULL, "
            "nm numeric(10,2) NOT NULL, f float8 NOT NULL, "
            "lts timestamp NOT NULL)");
    fx_init(f, SCHEMA, "d");
    fx_col(f, "id", 20, "bigint", HF_BIGINT, true, NULL);
    fx_col(f, "a", 23, "integer", HF_INT, true, "7");
    fx_col(f, "s", 25, "text", HF_VARCHAR, true, NULL);
    fx_col(f, "ts", 1184, "timestamp with time zone", HF_TIMESTAMP, true, NULL);
    fx_col(f, "b", 16, "boolean", HF_BOOLEAN, true, NULL);
    fx_col(f, "j", 3802, "jsonb", HF_VARCHAR, true, NULL);
    struct hf_type *t =
        fx_col(f, "arr", 1007, "integer[]", HF_ARRAY, true, NULL);
    t->elem = HF_INT;
    f->mcols[6].elem_oid = 23;
    fx_col(f, "n", 25, "text", HF_VARCHAR, false, NULL);
    fx_col(f, "vc", 1043, "character varying(5)", HF_VARCHAR, true, NULL);
    fx_col(f, "bt", 17, "bytea", HF_BYTES, true, NULL);
    fx_col(f, "dt", 1082, "date", HF_DATE, true, NULL);
    fx_col(f, "tm", 1083, "time without time zone", HF_TIME, true, NULL);
    t = fx_col(f, "nm", 1700, "numeric(10,2)", HF_DECIMAL, true, NULL);
    t->precision = 10;
    t->scale = 2;
    fx_col(f, "f", 701, "double precision", HF_DOUBLE, true, NULL);
    fx_col(f, "lts", 1114, "timestamp without time zone", HF_TIMESTAMP_LTZ,
           true, NULL);
    fx_pk(f, 0);
}

static void test_default_for_not_null(void **state)
{
    (void)state;
    for (int h = 0; h < 2; h++) {
        struct fx f;
        d_table(&f);
        struct hf_value items[] = {I(1), NUL, I(3)};
        struct hf_array arr = {.elem = HF_INT, .n = 3, .items = items};
        struct hf_value av = {.null = false};
        av.v.a = &arr;
        struct hf_value bt = {.null = false};
        bt.v.s.ptr = "\x01";
        bt.v.s.len = 1;
        rowv rows[2] = {{I(1), NUL, NUL, NUL, NUL, NUL, NUL, NUL, NUL, NUL, NUL,
                         NUL, NUL, NUL, NUL},
                        {I(2), I(5), S("s"), I(TS(1999, 12, 31, 23, 0, 0, 0)),
                         B(true), S("{\"k\": [1, \"v\"]}"), av, S("n"), S("vc"),
                         bt, I(DAYS(1960, 5, 6)), I(HF_USEC_PER_SEC * 3600),
                         D("3.14", 10, 2), F8(2.5),
                         I(TS(2001, 2, 3, 4, 5, 6, 0))}};

        /* off: a NULL into a NOT NULL column is the server's error */
        upsert_fails(&f, h, rows, 1, "23502");

        f.cfg.default_for_not_null = true;
        upsert(&f, h, rows, 2);
        const char *both =
            "(1,7,\"\",\"1970-01-01 00:00:00+00\",f,{},{},,\"\",\"\\\\x\","
            "1970-01-01,00:00:00,0.00,0,\"1970-01-01 00:00:00\") "
            "(2,5,s,\"1999-12-31 23:00:00+00\",t,\"{\"\"k\"\": [1, "
            "\"\"v\"\"]}\",\"{1,NULL,3}\",n,vc,\"\\\\x01\",1960-05-06,"
            "01:00:00,3.14,2.5,\"2001-02-03 04:05:06\")";
        assert_table(SCHEMA ".d", "id", both);

        /* nullify: DEFAULT or the zero value, NULL for nullable columns */
        by_key(&f, holo_sql_nullify, h, &rows[1], 1);
        assert_table(SCHEMA ".d", "id",
                     "(1,7,\"\",\"1970-01-01 00:00:00+00\",f,{},{},,\"\","
                     "\"\\\\x\",1970-01-01,00:00:00,0.00,0,\"1970-01-01 "
                     "00:00:00\") "
                     "(2,7,\"\",\"1970-01-01 00:00:00+00\",f,{},{},,\"\","
                     "\"\\\\x\",1970-01-01,00:00:00,0.00,0,\"1970-01-01 "
                     "00:00:00\")");

        /* too long for varchar(5): an error, not a truncation */
        rowv lng[1] = {{I(3), NUL, NUL, NUL, NUL, NUL, NUL, NUL, S("123456")}};
        upsert_fails(&f, h, lng, 1, "22001");
        /* and a numeric overflow of numeric(10,2) */
        rowv big[1] = {
            {I(3), NUL, NUL, NUL, NUL, NUL, NUL, NUL, NUL, NUL, NUL, NUL, NUL}};
        f.jcols[12].type.precision = 12;
        big[0][12] = D("123456789.5", 12, 2);
        upsert_fails(&f, h, big, 1, "22003");
    }
}

static void test_replace_resets_not_null(void **state)
{
    (void)state;
    for (int h = 0; h < 2; h++) {
        struct fx f;
        d_table(&f);
        f.cfg.default_for_not_null = true;
        rowv rows[1] = {{I(1), I(5), S("s"), I(0), B(true), S("[]"), NUL,
                         S("n"), S("v"), NUL, I(0), I(0), D("1", 10, 2), F8(1),
                         I(0)}};
        upsert(&f, h, rows, 1);
        f.cfg.on_conflict = HOLO_OC_REPLACE;
        static const uint32_t w[] = {0, 7};
        fx_write(&f, w, 2);
        rowv r2[1] = {{I(1), NUL, NUL, NUL, NUL, NUL, NUL, S("m")}};
        upsert(&f, h, r2, 1);
        assert_table(SCHEMA ".d", "id",
                     "(1,7,\"\",\"1970-01-01 00:00:00+00\",f,{},{},m,\"\","
                     "\"\\\\x\",1970-01-01,00:00:00,0.00,0,\"1970-01-01 "
                     "00:00:00\")");
    }
}

static void test_partial_update_not_null(void **state)
{
    (void)state;
    for (int h = 0; h < 2; h++) {
        struct fx f;
        d_table(&f);
        f.cfg.default_for_not_null = true;
        rowv rows[1] = {{I(1), I(5), S("s"), I(0), B(true), S("[]"), NUL,
                         S("n"), S("v"), NUL, I(0), I(0), D("1", 10, 2), F8(1),
                         I(0)}};
        upsert(&f, h, rows, 1);
        /* write only id and n: row 1 keeps everything else, row 9 is new
         * and gets defaults and zero values */
        static const uint32_t w[] = {0, 7};
        fx_write(&f, w, 2);
        rowv r2[2] = {{I(1), NUL, NUL, NUL, NUL, NUL, NUL, S("m")},
                      {I(9), NUL, NUL, NUL, NUL, NUL, NUL, S("new")}};
        upsert(&f, h, r2, 2);
        assert_table(SCHEMA ".d", "id",
                     "(1,5,s,\"1970-01-01 00:00:00+00\",t,[],{},m,v,\"\\\\x\","
                     "1970-01-01,00:00:00,1.00,1,\"1970-01-01 00:00:00\") "
                     "(9,7,\"\",\"1970-01-01 00:00:00+00\",f,{},{},new,\"\","
                     "\"\\\\x\",1970-01-01,00:00:00,0.00,0,\"1970-01-01 "
                     "00:00:00\")");
        /* without the option the new row is the server's NOT NULL error */
        f.cfg.default_for_not_null = false;
        rowv r3[1] = {{I(10), NUL, NUL, NUL, NUL, NUL, NUL, S("x")}};
        upsert_fails(&f, h, r3, 1, "23502");
    }
}

static void test_array_columns(void **state)
{
    (void)state;
    for (int h = 0; h < 2; h++) {
        exec_ok("DROP TABLE IF EXISTS " SCHEMA ".arr; CREATE TABLE " SCHEMA
                ".arr (id int4 PRIMARY KEY, tags text[], nums int8[], "
                "vs varchar(3)[])");
        struct fx f;
        fx_init(&f, SCHEMA, "arr");
        fx_col(&f, "id", 23, "integer", HF_INT, true, NULL);
        fx_col(&f, "tags", 1009, "text[]", HF_ARRAY, false, NULL)->elem =
            HF_VARCHAR;
        fx_col(&f, "nums", 1016, "bigint[]", HF_ARRAY, false, NULL)->elem =
            HF_INT;
        fx_col(&f, "vs", 1015, "character varying(3)[]", HF_ARRAY, false, NULL)
            ->elem = HF_VARCHAR;
        fx_pk(&f, 0);
        struct hf_value t1[] = {S("a b"), NUL, S("\"q\""), S(""), S("x,y")};
        struct hf_value n1[] = {I(1), I(-2)};
        struct hf_value v1[] = {S("abc"), NUL};
        struct hf_array a1 = {HF_VARCHAR, 5, t1}, b1 = {HF_INT, 2, n1},
                        c1 = {HF_VARCHAR, 2, v1}, e = {HF_INT, 0, NULL};
        struct hf_value av = {.null = false}, bv = {.null = false},
                        cv = {.null = false}, ev = {.null = false};
        av.v.a = &a1;
        bv.v.a = &b1;
        cv.v.a = &c1;
        ev.v.a = &e;
        rowv rows[2] = {{I(1), av, bv, cv}, {I(2), NUL, ev, NUL}};
        upsert(&f, h, rows, 2);
        assert_table(
            SCHEMA ".arr", "id",
            "(1,\"{\"\"a b\"\",NULL,\"\"\\\\\"\"q\\\\\"\"\"\",\"\"\"\","
            "\"\"x,y\"\"}\",\"{1,-2}\",\"{abc,NULL}\") (2,,{},)");
        /* an element too long for varchar(3) is an error */
        struct hf_value v2[] = {S("abcd")};
        struct hf_array c2 = {HF_VARCHAR, 1, v2};
        struct hf_value cv2 = {.null = false};
        cv2.v.a = &c2;
        rowv bad[1] = {{I(3), NUL, NUL, cv2}};
        upsert_fails(&f, h, bad, 1, "22001");
    }
}

static void test_partition_ddl(void **state)
{
    (void)state;
    exec_ok("DROP TABLE IF EXISTS " SCHEMA ".sales; CREATE TABLE " SCHEMA
            ".sales (id int8, day date, region text) PARTITION BY LIST (day)");
    struct hf_strbuf child;
    hf_strbuf_init(&child, 0);
    holo_sql_partition_child_name("sales", "2024-01-31", &child);
    const char *pv[5] = {SCHEMA, child.data, SCHEMA, "sales", "2024-01-31"};
    PGresult *r = PQexecParams(conn, holo_sql_partition_ddl_query(), 5, NULL,
                               pv, NULL, NULL, 0);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    char ddl[512];
    snprintf(ddl, sizeof ddl, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    assert_string_equal(ddl, "CREATE TABLE IF NOT EXISTS holo_enc_it."
                             "sales_20240131 PARTITION OF holo_enc_it.sales "
                             "FOR VALUES IN ('2024-01-31')");
    exec_ok(ddl);
    exec_ok(ddl); /* IF NOT EXISTS */
    exec_ok("INSERT INTO " SCHEMA ".sales VALUES (1, '2024-01-31', 'x')");
    char *n = query1("SELECT count(*) FROM " SCHEMA ".sales_20240131");
    assert_string_equal(n, "1");
    free(n);
    /* a value with a quote is quoted by the server */
    exec_ok("DROP TABLE IF EXISTS " SCHEMA ".byreg; CREATE TABLE " SCHEMA
            ".byreg (id int8, region text) PARTITION BY LIST (region)");
    hf_strbuf_reset(&child);
    holo_sql_partition_child_name("byreg", "o'hare", &child);
    const char *pv2[5] = {SCHEMA, child.data, SCHEMA, "byreg", "o'hare"};
    r = PQexecParams(conn, holo_sql_partition_ddl_query(), 5, NULL, pv2, NULL,
                     NULL, 0);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    snprintf(ddl, sizeof ddl, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    assert_string_equal(ddl,
                        "CREATE TABLE IF NOT EXISTS holo_enc_it.byreg_o_hare "
                        "PARTITION OF holo_enc_it.byreg FOR VALUES IN "
                        "('o''hare')");
    exec_ok(ddl);
    exec_ok("INSERT INTO " SCHEMA ".byreg VALUES (1, 'o''hare')");
    n = query1("SELECT count(*) FROM " SCHEMA ".byreg_o_hare");
    assert_string_equal(n, "1");
    free(n);
    hf_strbuf_free(&child);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rt_bool_ints),
        cmocka_unit_test(test_rt_floats),
        cmocka_unit_test(test_rt_numeric),
        cmocka_unit_test(test_rt_text),
        cmocka_unit_test(test_rt_dates_times),
        cmocka_unit_test(test_rt_arrays),
        cmocka_unit_test(test_rt_array_more_types),
        cmocka_unit_test(test_upsert_actions),
        cmocka_unit_test(test_upsert_no_pk),
        cmocka_unit_test(test_upsert_ignore_null),
        cmocka_unit_test(test_conflict_expressions),
        cmocka_unit_test(test_check_and_put),
        cmocka_unit_test(test_delete_nullify_quoted),
        cmocka_unit_test(test_default_for_not_null),
        cmocka_unit_test(test_replace_resets_not_null),
        cmocka_unit_test(test_partial_update_not_null),
        cmocka_unit_test(test_array_columns),
        cmocka_unit_test(test_partition_ddl),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
