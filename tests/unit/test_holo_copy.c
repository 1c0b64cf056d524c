/*
 * test_holo_copy.c - the COPY write modes' text and bytes: the COPY
 * statements for PostgreSQL and Hologres in every mode and format, the
 * staging table and its INSERT ... SELECT (both on-conflict actions and
 * the plain insert of a bulk load), the text format's escaping and NULLs,
 * text fields of every kind of value (arrays with NULL elements, strings
 * with tabs, newlines, backslashes and quotes, NaN, dates before year 1),
 * binary fields converted to the target column's type (INT into bigint,
 * FLOAT into double precision, STRING into jsonb, integers into numeric,
 * arrays into varchar[] / int8[] with the target's element OID), the
 * delimiter rules, the Hologres version parser, AUTO's resolution, and
 * the `holoflow check` / `explain` texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "connectors/hologres/holo_copy.h"
#include "connectors/hologres/holo_copy_sql.h"
#include "connectors/hologres/holo_encode.h"
#include "core/decimal.h"

#include "holo_stmt_fixture.h"

/* The COPY tests' defaults on top of the shared fixture. */
static void fx_init_copy(struct fx *f, const char *schema, const char *table)
{
    fx_init(f, schema, table);
    f->cfg.delete_strategy = HOLO_DS_IGNORE_DELETE;
    f->cfg.default_for_not_null = true;
    f->cfg.field_delimiter = '\x02';
}

/* The 000_* sink: user_id bigint PK, user_name text, price numeric(38,2),
 * sale_timestamp timestamp. */
static void fx_sales(struct fx *f, bool pk)
{
    fx_init_copy(f, "public", "sales");
    fx_col(f, "user_id", 20, "bigint", HF_BIGINT, false, NULL);
    fx_col(f, "user_name", 25, "text", HF_VARCHAR, false, NULL);
    fx_col(f, "price", 1700, "numeric(38,2)", HF_DECIMAL, false, NULL);
    f->jcols[2].type.precision = 38;
    f->jcols[2].type.scale = 2;
    fx_col(f, "sale_timestamp", 1114, "timestamp without time zone",
           HF_TIMESTAMP, false, NULL);
    if (pk)
        fx_pk(f, 0);
}

static void expect_copy(struct fx *f, enum holo_write_mode mode, bool hologres,
                        bool conflict, const char *want)
{
    f->spec.hologres = hologres;
    hf_strbuf_reset(&f->sql);
    hf_error_clear(&f->err);
    int rc = holo_copy_sql(&f->spec, mode, conflict, &f->sql, &f->err);
    if (rc != 0)
        fprintf(stderr, "error: %s\n", f->err.msg);
    assert_int_equal(rc, 0);
    assert_string_equal(f->sql.data, want);
}

/* ------------------------------------------------------------ statements */

static void test_copy_sql_postgres(void **state)
{
    (void)state;
    struct fx f;
    fx_sales(&f, true);
    const char *bin = "COPY \"public\".\"sales\" (\"user_id\", \"user_name\", "
                      "\"price\", \"sale_timestamp\") FROM STDIN WITH "
                      "(FORMAT binary)";
    /* PostgreSQL's COPY has no conflict option: the same in every mode. */
    expect_copy(&f, HOLO_WM_COPY_STREAM, false, true, bin);
    expect_copy(&f, HOLO_WM_COPY_BULK_LOAD, false, false, bin);
    expect_copy(&f, HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT, false, true, bin);

    f.cfg.copy_format = HOLO_COPY_TEXT;
    expect_copy(&f, HOLO_WM_COPY_STREAM, false, true,
                "COPY \"public\".\"sales\" (\"user_id\", \"user_name\", "
                "\"price\", \"sale_timestamp\") FROM STDIN WITH (FORMAT text, "
                "DELIMITER E'\\x02')");
    f.cfg.field_delimiter = '\t';
    expect_copy(&f, HOLO_WM_COPY_BULK_LOAD, false, false,
                "COPY \"public\".\"sales\" (\"user_id\", \"user_name\", "
                "\"price\", \"sale_timestamp\") FROM STDIN WITH (FORMAT text, "
                "DELIMITER E'\\x09')");
    f.cfg.field_delimiter = '|';
    expect_copy(&f, HOLO_WM_COPY_BULK_LOAD, false, false,
                "COPY \"public\".\"sales\" (\"user_id\", \"user_name\", "
                "\"price\", \"sale_timestamp\") FROM STDIN WITH (FORMAT text, "
                "DELIMITER '|')");
    f.cfg.field_delimiter = '\'';
    expect_copy(&f, HOLO_WM_COPY_BULK_LOAD, false, false,
                "COPY \"public\".\"sales\" (\"user_id\", \"user_name\", "
                "\"price\", \"sale_timestamp\") FROM STDIN WITH (FORMAT text, "
                "DELIMITER E'\\x27')");

    /* Into the staging table, and a quoted partition child; only the
     * written columns. */
    f.cfg.copy_format = HOLO_COPY_BINARY;
    f.spec.schema = "pg_temp";
    f.spec.table = HOLO_COPY_STAGE;
    f.spec.ncols = 2;
    expect_copy(&f, HOLO_WM_COPY_STREAM, false, true,
                "COPY \"pg_temp\".\"hf_copy_stage\" (\"user_id\", "
                "\"user_name\") FROM STDIN WITH (FORMAT binary)");
    f.spec.schema = "My Schema";
    f.spec.table = "sales_\"q\"";
    expect_copy(&f, HOLO_WM_COPY_STREAM, false, true,
                "COPY \"My Schema\".\"sales_\"\"q\"\"\" (\"user_id\", "
                "\"user_name\") FROM STDIN WITH (FORMAT binary)");
    hf_strbuf_free(&f.sql);
}

static void test_copy_sql_hologres(void **state)
{
    (void)state;
    struct fx f;
    fx_sales(&f, true);
    const char *cols = "COPY \"public\".\"sales\" (\"user_id\", \"user_name\", "
                       "\"price\", \"sale_timestamp\") FROM STDIN WITH (";
    char want[512];
    snprintf(want, sizeof want,
             "%sstream_mode true, format binary, on_conflict update)", cols);
    expect_copy(&f, HOLO_WM_COPY_STREAM, true, true, want);
    f.cfg.on_conflict = HOLO_OC_REPLACE; /* COPY knows update and ignore */
    expect_copy(&f, HOLO_WM_COPY_STREAM, true, true, want);
    f.cfg.on_conflict = HOLO_OC_IGNORE;
    snprintf(want, sizeof want,
             "%sstream_mode true, format binary, on_conflict ignore)", cols);
    expect_copy(&f, HOLO_WM_COPY_STREAM, true, true, want);
    snprintf(want, sizeof want, "%sformat binary, on_conflict ignore)", cols);
    expect_copy(&f, HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT, true, true, want);
    /* A plain bulk load never resolves conflicts. */
    snprintf(want, sizeof want, "%sformat binary)", cols);
    expect_copy(&f, HOLO_WM_COPY_BULK_LOAD, true, true, want);
    f.cfg.copy_format = HOLO_COPY_TEXT;
    f.cfg.on_conflict = HOLO_OC_UPDATE;
    snprintf(want, sizeof want,
             "%sformat text, DELIMITER E'\\x02', on_conflict update)", cols);
    expect_copy(&f, HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT, true, true, want);
    hf_strbuf_free(&f.sql);

    /* Without a primary key there is nothing to resolve. */
    fx_sales(&f, false);
    snprintf(want, sizeof want, "%sstream_mode true, format binary)", cols);
    expect_copy(&f, HOLO_WM_COPY_STREAM, true, true, want);
    hf_strbuf_free(&f.sql);

    size_t n;
    const char *const *set =
        holo_copy_session_sql(true, HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT, &n);
    assert_int_equal(n, 2);
    assert_string_equal(set[0],
                        "SET hg_experimental_copy_enable_on_conflict = on");
    assert_string_equal(
        set[1], "SET hg_experimental_affect_row_multiple_times_keep_last = on");
    holo_copy_session_sql(true, HOLO_WM_COPY_STREAM, &n);
    assert_int_equal(n, 0);
    holo_copy_session_sql(false, HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT, &n);
    assert_int_equal(n, 0);
}

static void test_staging(void **state)
{
    (void)state;
    struct fx f;
    fx_sales(&f, true);
    assert_int_equal(holo_copy_stage_sql(&f.spec, &f.sql, &f.err), 0);
    assert_string_equal(f.sql.data,
                        "CREATE TEMP TABLE IF NOT EXISTS \"hf_copy_stage\" AS "
                        "SELECT \"user_id\", \"user_name\", \"price\", "
                        "\"sale_timestamp\" FROM \"public\".\"sales\" WITH NO "
                        "DATA");

    /* The INSERT mode's upsert, reading the staging table. */
    f.spec.source_table = HOLO_COPY_STAGE_REL;
    hf_strbuf_reset(&f.sql);
    assert_int_equal(holo_sql_upsert(&f.spec, &f.sql, &f.err), 0);
    assert_string_equal(
        f.sql.data,
        "INSERT INTO \"public\".\"sales\" AS old (\"user_id\", \"user_name\", "
        "\"price\", \"sale_timestamp\") SELECT u.c1, u.c2, u.c3, u.c4 FROM "
        "pg_temp.\"hf_copy_stage\" AS u(c1, c2, c3, c4) ON CONFLICT "
        "(\"user_id\") DO UPDATE SET \"user_name\" = excluded.\"user_name\", "
        "\"price\" = excluded.\"price\", \"sale_timestamp\" = "
        "excluded.\"sale_timestamp\"");
    f.cfg.on_conflict = HOLO_OC_IGNORE;
    hf_strbuf_reset(&f.sql);
    assert_int_equal(holo_sql_upsert(&f.spec, &f.sql, &f.err), 0);
    assert_string_equal(
        f.sql.data,
        "INSERT INTO \"public\".\"sales\" AS old (\"user_id\", \"user_name\", "
        "\"price\", \"sale_timestamp\") SELECT u.c1, u.c2, u.c3, u.c4 FROM "
        "pg_temp.\"hf_copy_stage\" AS u(c1, c2, c3, c4) ON CONFLICT "
        "(\"user_id\") DO NOTHING");
    hf_strbuf_free(&f.sql);

    /* A NOT NULL column with a default, a jsonb column (cast), and the
     * plain INSERT of a bulk load (no key: no ON CONFLICT). */
    fx_init_copy(&f, "s", "t");
    fx_col(&f, "id", 20, "bigint", HF_BIGINT, false, NULL);
    fx_col(&f, "qty", 23, "integer", HF_INT, true, "7");
    fx_col(&f, "doc", 3802, "jsonb", HF_VARCHAR, false, NULL);
    f.spec.source_table = HOLO_COPY_STAGE_REL;
    assert_int_equal(holo_sql_upsert(&f.spec, &f.sql, &f.err), 0);
    assert_string_equal(f.sql.data,
                        "INSERT INTO \"s\".\"t\" AS old (\"id\", \"qty\", "
                        "\"doc\") SELECT u.c1, COALESCE(u.c2, 7), u.c3::jsonb "
                        "FROM pg_temp.\"hf_copy_stage\" AS u(c1, c2, c3)");
    hf_strbuf_free(&f.sql);
}

/* ------------------------------------------------------------ text */

static void expect_escape(const char *in, size_t n, char delim,
                          const char *want)
{
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    holo_copy_escape(&b, in, n, delim);
    assert_true(hf_strbuf_ok(&b));
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    hf_strbuf_free(&b);
}

static void test_escape(void **state)
{
    (void)state;
    expect_escape("plain 'quoted' \"too\"", 20, '\t', "plain 'quoted' \"too\"");
    expect_escape("a\tb\nc\rd\\e", 9, '\t', "a\\tb\\nc\\rd\\\\e");
    /* The delimiter as an octal escape; tab is still escaped as \t. */
    expect_escape("x\x02y\tz", 5, '\x02', "x\\002y\\tz");
    expect_escape("1,5|2", 5, '|', "1,5\\1742");
    expect_escape("\\N", 2, '\t', "\\\\N"); /* the text \N is not NULL */
    expect_escape("\\.", 2, '\t', "\\\\."); /* not the end marker */
    expect_escape("", 0, '\t', "");
    expect_escape("\x01\x7f\xc3\xa9", 4, '\t', "\x01\x7f\xc3\xa9");

    assert_true(holo_copy_delim_ok('\x02'));
    assert_true(holo_copy_delim_ok('\t'));
    assert_true(holo_copy_delim_ok(','));
    assert_true(holo_copy_delim_ok('|'));
    assert_true(holo_copy_delim_ok('X'));
    assert_false(holo_copy_delim_ok('a'));
    assert_false(holo_copy_delim_ok('7'));
    assert_false(holo_copy_delim_ok('.'));
    assert_false(holo_copy_delim_ok('N'));
    assert_false(holo_copy_delim_ok('\\'));
    assert_false(holo_copy_delim_ok('\n'));
    assert_false(holo_copy_delim_ok('\r'));
    assert_false(holo_copy_delim_ok('\0'));
    assert_false(holo_copy_delim_ok((char)0xc3));
}

/* The text field of value `v` (type of column `id`) for target `oid`. */
static void expect_text(enum hf_type_id id, Oid oid, Oid elem,
                        const struct hf_value *v, const char *want)
{
    struct holo_column col = {.name = "c",
                              .type_oid = oid,
                              .elem_oid = elem,
                              .typmod = -1,
                              .type_text = "t"};
    struct hf_type t = hf_type_make(id);
    struct holo_copy_col plan;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(holo_copy_plan_col(0, &t, &col, &plan, &err), 0);
    struct hf_strbuf out, tmp;
    hf_strbuf_init(&out, 0);
    hf_strbuf_init(&tmp, 0);
    int rc = holo_copy_put_text(&out, &plan, v, '\t', &tmp, &err);
    if (rc != 0)
        fprintf(stderr, "error: %s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_string_equal(out.data, want);
    hf_strbuf_free(&out);
    hf_strbuf_free(&tmp);
}

static struct hf_value str(const char *s)
{
    struct hf_value v = {0};
    v.v.s.ptr = s;
    v.v.s.len = (uint32_t)strlen(s);
    return v;
}

static void test_text_fields(void **state)
{
    (void)state;
    struct hf_value null = {.null = true};
    expect_text(HF_BIGINT, 20, 0, &null, "\\N");
    expect_text(HF_VARCHAR, 25, 0, &null, "\\N");

    struct hf_value v = str("tab\there\nnew \"q\" 'a' back\\slash\rcr");
    expect_text(HF_VARCHAR, 25, 0, &v,
                "tab\\there\\nnew \"q\" 'a' back\\\\slash\\rcr");
    v = str("\\N");
    expect_text(HF_VARCHAR, 25, 0, &v, "\\\\N");

    struct hf_value d = {0};
    d.v.f8 = NAN;
    expect_text(HF_DOUBLE, 701, 0, &d, "NaN");
    d.v.f8 = -INFINITY;
    expect_text(HF_DOUBLE, 701, 0, &d, "-Infinity");
    d.v.f8 = 1e300;
    expect_text(HF_DOUBLE, 701, 0, &d, "1.0E300");
    /* FLOAT into double precision: widened first, like the binary form. */
    struct hf_value f4 = {0};
    f4.v.f4 = 0.1f;
    expect_text(HF_FLOAT, 701, 0, &f4, "0.10000000149011612");
    expect_text(HF_FLOAT, 700, 0, &f4, "0.1");

    struct hf_value i = {0};
    i.v.i = -42;
    expect_text(HF_INT, 1700, 0, &i, "-42");
    struct hf_value b = {0};
    b.v.b = true;
    expect_text(HF_BOOLEAN, 16, 0, &b, "t");
    struct hf_value by = str("\x00\xff\\");
    by.v.s.len = 3;
    expect_text(HF_BYTES, 17, 0, &by, "\\\\x00ff5c");

    /* Dates and timestamps before 2000, far in the future, BC. */
    struct hf_value dt = {0};
    dt.v.i = -719162; /* 0001-01-01 */
    expect_text(HF_DATE, 1082, 0, &dt, "0001-01-01");
    dt.v.i = -719163;
    expect_text(HF_DATE, 1082, 0, &dt, "0001-12-31 BC");
    struct hf_value ts = {0};
    ts.v.i = INT64_C(-2208988800000000) + 500000; /* 1900-01-01 00:00:00.5 */
    expect_text(HF_TIMESTAMP, 1114, 0, &ts, "1900-01-01 00:00:00.5");
    expect_text(HF_TIMESTAMP_LTZ, 1184, 0, &ts, "1900-01-01 00:00:00.5+00");
    ts.v.i = INT64_C(253402300799000000); /* 9999-12-31 23:59:59 */
    expect_text(HF_TIMESTAMP, 1184, 0, &ts, "9999-12-31 23:59:59");

    /* Arrays: NULL elements, quoting, then COPY's escaping. */
    struct hf_value items[4];
    memset(items, 0, sizeof items);
    items[0] = str("a b");
    items[1].null = true;
    items[2] = str("q\"uo\\te");
    items[3] = str("t\tn");
    struct hf_array arr = {.elem = HF_VARCHAR, .n = 4, .items = items};
    struct hf_value av = {0};
    av.v.a = &arr;
    struct holo_column col = {.name = "c",
                              .type_oid = 1009,
                              .elem_oid = 25,
                              .typmod = -1,
                              .type_text = "text[]"};
    struct hf_type at = hf_type_make(HF_ARRAY);
    at.elem = HF_VARCHAR;
    struct holo_copy_col plan;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(holo_copy_plan_col(0, &at, &col, &plan, &err), 0);
    struct hf_strbuf out, tmp;
    hf_strbuf_init(&out, 0);
    hf_strbuf_init(&tmp, 0);
    assert_int_equal(holo_copy_put_text(&out, &plan, &av, '\t', &tmp, &err), 0);
    assert_string_equal(out.data,
                        "{\"a b\",NULL,\"q\\\\\"uo\\\\\\\\te\",\"t\\tn\"}");
    hf_strbuf_free(&out);
    hf_strbuf_free(&tmp);
}

/* ------------------------------------------------------------ binary */

static void expect_binary(const struct hf_type *t, Oid oid, Oid elem,
                          const struct hf_value *v, const char *want, size_t n)
{
    struct holo_column col = {.name = "c",
                              .type_oid = oid,
                              .elem_oid = elem,
                              .typmod = -1,
                              .type_text = "t"};
    struct holo_copy_col plan;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(holo_copy_plan_col(0, t, &col, &plan, &err), 0);
    struct hf_strbuf out;
    hf_strbuf_init(&out, 0);
    int rc = holo_copy_put_binary(&out, &plan, v, &err);
    if (rc != 0)
        fprintf(stderr, "error: %s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_int_equal(out.len, n);
    assert_memory_equal(out.data, want, n);
    hf_strbuf_free(&out);
}

static void test_binary_fields(void **state)
{
    (void)state;
    struct hf_type ti = hf_type_make(HF_INT);
    struct hf_value i = {0};
    i.v.i = -2;
    /* INT into integer: 4 bytes; into bigint: 8 bytes. */
    expect_binary(&ti, 23, 0, &i, "\0\0\0\4\xff\xff\xff\xfe", 8);
    expect_binary(&ti, 20, 0, &i, "\0\0\0\x08\xff\xff\xff\xff\xff\xff\xff\xfe",
                  12);
    /* ... into numeric: ndigits 1, weight 0, sign negative, dscale 0, 2. */
    expect_binary(&ti, 1700, 0, &i, "\0\0\0\x0a\0\x01\0\0\x40\0\0\0\0\x02", 14);
    struct hf_value null = {.null = true};
    expect_binary(&ti, 20, 0, &null, "\xff\xff\xff\xff", 4);

    /* FLOAT 1.5 into double precision. */
    struct hf_type tf = hf_type_make(HF_FLOAT);
    struct hf_value f = {0};
    f.v.f4 = 1.5f;
    expect_binary(&tf, 701, 0, &f, "\0\0\0\x08\x3f\xf8\0\0\0\0\0\0", 12);
    expect_binary(&tf, 700, 0, &f, "\0\0\0\x04\x3f\xc0\0\0", 8);

    /* DECIMAL(5,2) 1.25 into double precision. */
    struct hf_type td = hf_type_make(HF_DECIMAL);
    td.precision = 5;
    td.scale = 2;
    struct hf_value dv = {0};
    dv.v.d = hf_dec_from_i64(125);
    expect_binary(&td, 701, 0, &dv, "\0\0\0\x08\x3f\xf4\0\0\0\0\0\0", 12);

    /* STRING into jsonb: version byte 1; into varchar: the bytes. */
    struct hf_type ts = hf_type_make(HF_VARCHAR);
    struct hf_value s = str("{}");
    expect_binary(&ts, 3802, 0, &s, "\0\0\0\x03\x01{}", 7);
    expect_binary(&ts, 1043, 0, &s, "\0\0\0\x02{}", 6);

    /* TIMESTAMP into timestamptz: microseconds since 2000-01-01. */
    struct hf_type tt = hf_type_make(HF_TIMESTAMP);
    struct hf_value t = {0};
    t.v.i = INT64_C(946684800000001);
    expect_binary(&tt, 1184, 0, &t, "\0\0\0\x08\0\0\0\0\0\0\0\x01", 12);

    /* ARRAY<INT> [7, NULL] into bigint[]: element OID 20, int8 elements. */
    struct hf_value items[2];
    memset(items, 0, sizeof items);
    items[0].v.i = 7;
    items[1].null = true;
    struct hf_array arr = {.elem = HF_INT, .n = 2, .items = items};
    struct hf_value av = {0};
    av.v.a = &arr;
    struct hf_type ta = hf_type_make(HF_ARRAY);
    ta.elem = HF_INT;
    expect_binary(&ta, 1016, 20, &av,
                  "\0\0\0\x24"           /* field length 36 */
                  "\0\0\0\x01"           /* ndim */
                  "\0\0\0\x01"           /* has NULLs */
                  "\0\0\0\x14"           /* element OID 20 */
                  "\0\0\0\x02\0\0\0\x01" /* 2 elements, lower bound 1 */
                  "\0\0\0\x08\0\0\0\0\0\0\0\x07"
                  "\xff\xff\xff\xff",
                  40);
    /* ARRAY<STRING> ["x"] into varchar[]: element OID 1043. */
    struct hf_value sitem = str("x");
    struct hf_array sarr = {.elem = HF_VARCHAR, .n = 1, .items = &sitem};
    av.v.a = &sarr;
    ta.elem = HF_VARCHAR;
    expect_binary(&ta, 1015, 1043, &av,
                  "\0\0\0\x19\0\0\0\x01\0\0\0\0\0\0\x04\x13"
                  "\0\0\0\x01\0\0\0\x01\0\0\0\x01x",
                  29);
    /* An empty array: no dimensions. */
    struct hf_array empty = {.elem = HF_VARCHAR, .n = 0, .items = NULL};
    av.v.a = &empty;
    expect_binary(&ta, 1009, 25, &av, "\0\0\0\x0c\0\0\0\0\0\0\0\0\0\0\0\x19",
                  16);

    /* A type the target cannot read. */
    struct holo_column col = {
        .name = "flag", .type_oid = 20, .typmod = -1, .type_text = "bigint"};
    struct hf_type tb = hf_type_make(HF_BOOLEAN);
    struct holo_copy_col plan;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(holo_copy_plan_col(0, &tb, &col, &plan, &err), -1);
    assert_string_equal(err.msg,
                        "column \"flag\" of type bigint cannot receive binary "
                        "COPY data from a value of type BOOLEAN; use "
                        "'sink.copy.format'='text' or the INSERT write mode");
}

/* The one-step numeric encoder (53-bit values) writes exactly what the
 * general one writes, for every scale and sign, zeros, powers of ten and
 * pseudo-random values. */
static void test_numeric_fast_path(void **state)
{
    (void)state;
    struct holo_column col = {
        .name = "n", .type_oid = 1700, .typmod = -1, .type_text = "numeric"};
    struct hf_strbuf a, b;
    hf_strbuf_init(&a, 0);
    hf_strbuf_init(&b, 0);
    uint64_t seed = 88172645463325252ULL;
    int checked = 0;
    for (int scale = 0; scale <= 12; scale++) {
        struct hf_type t = hf_type_make(HF_DECIMAL);
        t.precision = 38;
        t.scale = scale;
        struct holo_copy_col plan;
        struct hf_error err;
        hf_error_clear(&err);
        assert_int_equal(holo_copy_plan_col(0, &t, &col, &plan, &err), 0);
        for (int i = 0; i < 400; i++) {
            int64_t v;
            if (i < 40) {
                static const int64_t fixed[] = {0,  1,   -1,   9,     10,
                                                99, 100, 9999, 10000, 10001};
                v = fixed[i % 10];
                for (int k = 0; k < i / 10; k++)
                    v *= 1000;
            } else {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                v = (int64_t)(seed >> (11 + i % 40));
            }
            if (i % 2)
                v = -v;
            struct hf_value val = {0};
            val.v.d = hf_dec_from_i64(v);
            hf_strbuf_reset(&a);
            hf_strbuf_reset(&b);
            assert_int_equal(holo_copy_put_binary(&a, &plan, &val, &err), 0);
            assert_int_equal(holo_encode_field(&b, &t, &val, &err), 0);
            if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
                fail_msg("numeric %lld scale %d: fast and general encodings "
                         "differ",
                         (long long)v, scale);
            checked++;
        }
    }
    assert_int_equal(checked, 13 * 400);
    hf_strbuf_free(&a);
    hf_strbuf_free(&b);
}

/* ------------------------------------------------------------ AUTO */

static void test_auto(void **state)
{
    (void)state;
    assert_int_equal(holo_copy_hg_version("Hologres 3.1.2 (tag: r3.1.2)"),
                     30102);
    assert_int_equal(holo_copy_hg_version("hologres version 2.2.25"), 20225);
    assert_int_equal(holo_copy_hg_version("V4.0"), 40000);
    assert_int_equal(holo_copy_hg_version("build 12 of 3.0.41"), 30041);
    assert_int_equal(holo_copy_hg_version("none"), -1);
    assert_int_equal(holo_copy_hg_version(NULL), -1);

    char why[256];
    assert_int_equal(
        holo_copy_resolve_auto(false, false, -1, 1, true, why, sizeof why),
        HOLO_WM_INSERT);
    assert_string_equal(why, "a streaming job writes with INSERT");
    /* PostgreSQL, bounded: by key and emptiness. */
    assert_int_equal(
        holo_copy_resolve_auto(true, false, -1, 0, false, why, sizeof why),
        HOLO_WM_COPY_BULK_LOAD);
    assert_string_equal(why, "bounded job into a table without a primary "
                             "key: plain COPY in one transaction");
    assert_int_equal(
        holo_copy_resolve_auto(true, false, -1, 0, true, why, sizeof why),
        HOLO_WM_COPY_BULK_LOAD);
    assert_int_equal(
        holo_copy_resolve_auto(true, false, -1, 1, true, why, sizeof why),
        HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT);
    assert_string_equal(why, "bounded job into an empty table with a primary "
                             "key: COPY straight into it in one transaction, "
                             "conflicts within the input resolved by the "
                             "on-conflict action");
    assert_int_equal(
        holo_copy_resolve_auto(true, false, -1, 2, false, why, sizeof why),
        HOLO_WM_COPY_STREAM);
    assert_string_equal(why, "bounded job into a table with a primary key "
                             "that has rows: COPY over every connection, keys "
                             "resolved by the on-conflict action");
    /* Hologres: from 3.1 on; with a key COPY_STREAM, empty or not. */
    assert_int_equal(
        holo_copy_resolve_auto(true, true, 30100, 2, true, why, sizeof why),
        HOLO_WM_COPY_STREAM);
    assert_int_equal(
        holo_copy_resolve_auto(true, true, 40000, 0, false, why, sizeof why),
        HOLO_WM_COPY_BULK_LOAD);
    assert_int_equal(
        holo_copy_resolve_auto(true, true, 30099, 2, true, why, sizeof why),
        HOLO_WM_INSERT);
    assert_string_equal(why, "bounded job, but Hologres before 3.1: INSERT");
    assert_int_equal(
        holo_copy_resolve_auto(true, true, -1, 0, true, why, sizeof why),
        HOLO_WM_INSERT);

    struct holo_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.write_mode = HOLO_WM_AUTO;
    assert_false(holo_copy_wanted(&cfg, false));
    assert_true(holo_copy_wanted(&cfg, true));
    cfg.bulkload = true;
    assert_true(holo_copy_wanted(&cfg, false));
    cfg.write_mode = HOLO_WM_INSERT;
    assert_false(holo_copy_wanted(&cfg, true));
    cfg.write_mode = HOLO_WM_COPY_STREAM;
    cfg.bulkload = false;
    assert_true(holo_copy_wanted(&cfg, false));
}

static void expect_describe(struct holo_config *cfg, bool batch,
                            const char *want)
{
    struct hf_strbuf out;
    hf_strbuf_init(&out, 0);
    holo_copy_describe(cfg, batch, &out);
    assert_string_equal(out.data, want);
    hf_strbuf_free(&out);
}

static void test_validate_describe(void **state)
{
    (void)state;
    struct holo_config cfg;
    memset(&cfg, 0, sizeof cfg);
    struct hf_error err;
    hf_error_clear(&err);
    cfg.write_mode = HOLO_WM_COPY_STREAM;
    cfg.copy_format = HOLO_COPY_TEXT;
    cfg.field_delimiter = '\x02';
    cfg.pool_size = 5;
    assert_int_equal(holo_copy_validate(&cfg, &err), 0);
    cfg.field_delimiter = 'a';
    assert_int_equal(holo_copy_validate(&cfg, &err), -1);
    assert_int_equal(err.code, HF_ERR_OPTION);
    assert_string_equal(err.msg,
                        "option 'connector.field_delimiter' = U+0061 cannot "
                        "separate the fields of a text COPY: use one ASCII "
                        "character that is not a lower-case letter, a digit, "
                        "'.', 'N', a backslash, a newline or a carriage "
                        "return");
    cfg.copy_format = HOLO_COPY_BINARY; /* the delimiter is unused */
    hf_error_clear(&err);
    assert_int_equal(holo_copy_validate(&cfg, &err), 0);
    cfg.copy_format = HOLO_COPY_BINARYROW;
    assert_int_equal(holo_copy_validate(&cfg, &err), -1);
    assert_int_equal(err.code, HF_ERR_UNSUPPORTED);

    /* COPY_BULK_LOAD resolves no conflict: an action set for it is an
     * error (the default is not). */
    cfg.write_mode = HOLO_WM_COPY_BULK_LOAD;
    cfg.copy_format = HOLO_COPY_BINARY;
    hf_error_clear(&err);
    assert_int_equal(holo_copy_validate(&cfg, &err), 0);
    cfg.key_on_conflict = "mutatetype";
    assert_int_equal(holo_copy_validate(&cfg, &err), -1);
    assert_string_equal(err.msg,
                        "option 'mutatetype' has no effect with "
                        "'sink.write-mode' = 'COPY_BULK_LOAD', where an "
                        "existing key fails the load; use "
                        "COPY_BULK_LOAD_ON_CONFLICT to resolve conflicts");
    cfg.write_mode = HOLO_WM_COPY_BULK_LOAD_ON_CONFLICT;
    hf_error_clear(&err);
    assert_int_equal(holo_copy_validate(&cfg, &err), 0);
    cfg.key_on_conflict = NULL;
    cfg.write_mode = HOLO_WM_COPY_STREAM;

    cfg.copy_format = HOLO_COPY_BINARY;
    expect_describe(&cfg, false,
                    "  write mode: COPY_STREAM (binary COPY over 5 "
                    "connection(s), a transaction per flush)\n");
    cfg.write_mode = HOLO_WM_COPY_BULK_LOAD;
    cfg.copy_format = HOLO_COPY_TEXT;
    expect_describe(&cfg, true,
                    "  write mode: COPY_BULK_LOAD (text COPY, one transaction "
                    "committed at the end)\n");
    cfg.bulk_conns = 4; /* sink.bulk-load.connections */
    expect_describe(&cfg, true,
                    "  write mode: COPY_BULK_LOAD (text COPY, all or nothing: "
                    "into a LIST-partitioned parent on PostgreSQL over 4 "
                    "connections loading staging tables that one final "
                    "transaction attaches; else one transaction)\n");
    cfg.bulk_conns = 1;
    cfg.write_mode = HOLO_WM_AUTO;
    expect_describe(&cfg, false,
                    "  write mode: AUTO -> INSERT (streaming "
                    "job)\n");
    expect_describe(&cfg, true,
                    "  write mode: AUTO -> a COPY mode (batch job), decided "
                    "at open: COPY_BULK_LOAD into a table without a primary "
                    "key; with one, COPY_BULK_LOAD_ON_CONFLICT into an empty "
                    "table, else COPY_STREAM (INSERT on Hologres before "
                    "3.1)\n");
    cfg.write_mode = HOLO_WM_INSERT;
    expect_describe(&cfg, true, "  write mode: INSERT\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_sql_postgres),
        cmocka_unit_test(test_copy_sql_hologres),
        cmocka_unit_test(test_staging),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_text_fields),
        cmocka_unit_test(test_binary_fields),
        cmocka_unit_test(test_numeric_fast_path),
        cmocka_unit_test(test_auto),
        cmocka_unit_test(test_validate_describe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
