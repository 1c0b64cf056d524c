/*
 * test_holo_sql.c - the exact text of the hologres sink's statements for
 * both dialects: upsert under every on-conflict action, tables without a
 * primary key, ignore-null-when-update, default-for-not-null with and
 * without column defaults, check-and-put with every operator and null-as,
 * conflict-update-set/where, delete and nullify with composite keys and
 * check-and-put, quoted identifiers, array columns, casts where wire and
 * column types differ, the partition helpers, and the errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "connectors/hologres/holo_sql.h"

#include "holo_stmt_fixture.h"

/* Leave table column mi out of the job's written columns. */
static void fx_unwrite(struct fx *f, uint32_t mi)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->spec.ncols; i++)
        if (f->cols[i] != mi)
            f->cols[n++] = f->cols[i];
    f->spec.ncols = n;
}

static void fx_done(struct fx *f)
{
    hf_strbuf_free(&f->sql);
}

typedef int (*builder_fn)(const struct holo_stmt_spec *, struct hf_strbuf *,
                          struct hf_error *);

static void expect(struct fx *f, builder_fn fn, bool hologres, const char *want)
{
    f->spec.hologres = hologres;
    hf_strbuf_reset(&f->sql);
    hf_error_clear(&f->err);
    int rc = fn(&f->spec, &f->sql, &f->err);
    if (rc != 0)
        fprintf(stderr, "error: %s\n", f->err.msg);
    assert_int_equal(rc, 0);
    assert_string_equal(f->sql.data, want);
}

static void expect_error(struct fx *f, builder_fn fn, const char *part)
{
    hf_strbuf_reset(&f->sql);
    hf_error_clear(&f->err);
    assert_int_equal(fn(&f->spec, &f->sql, &f->err), -1);
    if (strstr(f->err.msg, part) == NULL)
        fprintf(stderr, "message: %s\n", f->err.msg);
    assert_non_null(strstr(f->err.msg, part));
}

/* public.t (id int8 PK, name text, price numeric(38,2)) */
static void simple(struct fx *f)
{
    fx_init(f, "public", "t");
    fx_col(f, "id", 20, "bigint", HF_BIGINT, true, NULL);
    fx_col(f, "name", 25, "text", HF_VARCHAR, false, NULL);
    fx_col(f, "price", 1700, "numeric(38,2)", HF_DECIMAL, false, NULL);
    f->jcols[2].type.precision = 38;
    f->jcols[2].type.scale = 2;
    fx_pk(f, 0);
}

/* ---------------------------------------------------------------- upsert */

static void test_upsert_actions(void **state)
{
    (void)state;
    struct fx f;
    simple(&f);
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"t\" AS old (\"id\", \"name\", \"price\") "
           "SELECT u.c1, u.c2, u.c3 FROM unnest($1::int8[], $2::text[], "
           "$3::numeric[]) AS u(c1, c2, c3) ON CONFLICT (\"id\") DO UPDATE "
           "SET \"name\" = excluded.\"name\", \"price\" = excluded.\"price\"");
    expect(&f, holo_sql_upsert, true,
           "INSERT INTO \"public\".\"t\" (\"id\", \"name\", \"price\") SELECT "
           "unnest($1::int8[]), unnest($2::text[]), unnest($3::numeric[]) ON "
           "CONFLICT (\"id\") DO UPDATE SET \"name\" = excluded.\"name\", "
           "\"price\" = excluded.\"price\"");

    f.cfg.on_conflict = HOLO_OC_IGNORE;
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"t\" AS old (\"id\", \"name\", \"price\") "
           "SELECT u.c1, u.c2, u.c3 FROM unnest($1::int8[], $2::text[], "
           "$3::numeric[]) AS u(c1, c2, c3) ON CONFLICT (\"id\") DO NOTHING");
    expect(&f, holo_sql_upsert, true,
           "INSERT INTO \"public\".\"t\" (\"id\", \"name\", \"price\") SELECT "
           "unnest($1::int8[]), unnest($2::text[]), unnest($3::numeric[]) ON "
           "CONFLICT (\"id\") DO NOTHING");

    /* INSERT_OR_REPLACE: unwritten non-key columns become DEFAULT */
    f.cfg.on_conflict = HOLO_OC_REPLACE;
    fx_unwrite(&f, 2);
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"t\" AS old (\"id\", \"name\") SELECT "
           "u.c1, u.c2 FROM unnest($1::int8[], $2::text[]) AS u(c1, c2) ON "
           "CONFLICT (\"id\") DO UPDATE SET \"name\" = excluded.\"name\", "
           "\"price\" = DEFAULT");
    expect(&f, holo_sql_upsert, true,
           "INSERT INTO \"public\".\"t\" (\"id\", \"name\") SELECT "
           "unnest($1::int8[]), unnest($2::text[]) ON CONFLICT (\"id\") DO "
           "UPDATE SET \"name\" = excluded.\"name\", \"price\" = DEFAULT");

    /* INSERT_OR_UPDATE: only the written columns */
    f.cfg.on_conflict = HOLO_OC_UPDATE;
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"t\" AS old (\"id\", \"name\") SELECT "
           "u.c1, u.c2 FROM unnest($1::int8[], $2::text[]) AS u(c1, c2) ON "
           "CONFLICT (\"id\") DO UPDATE SET \"name\" = excluded.\"name\"");
    fx_done(&f);
}

static void test_upsert_only_key_columns(void **state)
{
    (void)state;
    struct fx f;
    simple(&f);
    fx_unwrite(&f, 1);
    fx_unwrite(&f, 2);
    /* nothing to update: DO NOTHING */
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"t\" AS old (\"id\") SELECT u.c1 FROM "
           "unnest($1::int8[]) AS u(c1) ON CONFLICT (\"id\") DO NOTHING");
    assert_false(holo_sql_upsert_has_null_as(&f.spec));
    /* REPLACE still resets the other columns */
    f.cfg.on_conflict = HOLO_OC_REPLACE;
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"t\" AS old (\"id\") SELECT u.c1 FROM "
           "unnest($1::int8[]) AS u(c1) ON CONFLICT (\"id\") DO UPDATE SET "
           "\"name\" = DEFAULT, \"price\" = DEFAULT");
    fx_done(&f);

    /* a table of key columns only, under REPLACE: DO NOTHING */
    fx_init(&f, "public", "k");
    fx_col(&f, "a", 23, "integer", HF_INT, true, NULL);
    fx_col(&f, "b", 25, "text", HF_VARCHAR, true, NULL);
    fx_pk(&f, 0);
    fx_pk(&f, 1);
    f.cfg.on_conflict = HOLO_OC_REPLACE;
    expect(&f, holo_sql_upsert, true,
           "INSERT INTO \"public\".\"k\" (\"a\", \"b\") SELECT "
           "unnest($1::int4[]), unnest($2::text[]) ON CONFLICT (\"a\", \"b\") "
           "DO NOTHING");
    fx_done(&f);
}

static void test_upsert_no_primary_key(void **state)
{
    (void)state;
    struct fx f;
    simple(&f);
    f.meta.npk = 0;
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"t\" AS old (\"id\", \"name\", \"price\") "
           "SELECT u.c1, u.c2, u.c3 FROM unnest($1::int8[], $2::text[], "
           "$3::numeric[]) AS u(c1, c2, c3)");
    expect(&f, holo_sql_upsert, true,
           "INSERT INTO \"public\".\"t\" (\"id\", \"name\", \"price\") SELECT "
           "unnest($1::int8[]), unnest($2::text[]), unnest($3::numeric[])");
    /* check-and-put and ignore-null have nothing to act on */
    f.cfg.cap_column = "price";
    f.cfg.cap_null_as = "0";
    f.cfg.ignore_null_when_update = true;
    expect(&f, holo_sql_upsert, true,
           "INSERT INTO \"public\".\"t\" (\"id\", \"name\", \"price\") SELECT "
           "unnest($1::int8[]), unnest($2::text[]), unnest($3::numeric[])");
    assert_false(holo_sql_upsert_has_null_as(&f.spec));
    fx_done(&f);
}

static void test_upsert_ignore_null(void **state)
{
    (void)state;
    struct fx f;
    simple(&f);
    f.cfg.ignore_null_when_update = true;
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"t\" AS old (\"id\", \"name\", \"price\") "
           "SELECT u.c1, u.c2, u.c3 FROM unnest($1::int8[], $2::text[], "
           "$3::numeric[]) AS u(c1, c2, c3) ON CONFLICT (\"id\") DO UPDATE "
           "SET \"name\" = COALESCE(excluded.\"name\", old.\"name\"), "
           "\"price\" = COALESCE(excluded.\"price\", old.\"price\")");
    expect(&f, holo_sql_upsert, true,
           "INSERT INTO \"public\".\"t\" AS old (\"id\", \"name\", \"price\") "
           "SELECT unnest($1::int8[]), unnest($2::text[]), "
           "unnest($3::numeric[]) ON CONFLICT (\"id\") DO UPDATE SET "
           "\"name\" = COALESCE(excluded.\"name\", old.\"name\"), \"price\" = "
           "COALESCE(excluded.\"price\", old.\"price\")");
    /* with REPLACE the unwritten columns still reset */
    f.cfg.on_conflict = HOLO_OC_REPLACE;
    fx_unwrite(&f, 2);
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"t\" AS old (\"id\", \"name\") SELECT "
           "u.c1, u.c2 FROM unnest($1::int8[], $2::text[]) AS u(c1, c2) ON "
           "CONFLICT (\"id\") DO UPDATE SET \"name\" = COALESCE(excluded."
           "\"name\", old.\"name\"), \"price\" = DEFAULT");
    fx_done(&f);
}

/* ignore-null with a NOT NULL column that default-for-not-null fills: the
 * existing keys are updated from the raw values (a NULL keeps the stored
 * value), only the others are inserted, filled (PostgreSQL; Hologres keeps
 * the one statement). */
static void test_upsert_ignore_null_filled(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, "public", "n");
    fx_col(&f, "id", 20, "bigint", HF_BIGINT, true, NULL);
    fx_col(&f, "a", 25, "text", HF_VARCHAR, true, NULL);
    fx_col(&f, "c", 23, "integer", HF_INT, true, "42");
    fx_pk(&f, 0);
    f.cfg.ignore_null_when_update = true;
    f.cfg.default_for_not_null = true;
    expect(&f, holo_sql_upsert, false,
           "WITH u AS (SELECT * FROM unnest($1::int8[], $2::text[], "
           "$3::int4[]) AS u(c1, c2, c3)), upd AS (UPDATE \"public\".\"n\" "
           "AS old SET \"a\" = COALESCE(u.c2, old.\"a\"), \"c\" = "
           "COALESCE(u.c3, old.\"c\") FROM u WHERE old.\"id\" = u.c1 "
           "RETURNING old.\"id\") INSERT INTO \"public\".\"n\" AS old "
           "(\"id\", \"a\", \"c\") SELECT u.c1, COALESCE(u.c2, ''), "
           "COALESCE(u.c3, 42) FROM u WHERE NOT EXISTS (SELECT 1 FROM upd "
           "WHERE upd.\"id\" = u.c1) ON CONFLICT (\"id\") DO UPDATE SET "
           "\"a\" = COALESCE(excluded.\"a\", old.\"a\"), \"c\" = "
           "COALESCE(excluded.\"c\", old.\"c\")");
    fx_done(&f);
}

/* public.d: id PK, a int4 NOT NULL DEFAULT 7, s text NOT NULL, ts
 * timestamptz NOT NULL, b bool NOT NULL, j jsonb NOT NULL, arr int4[]
 * NOT NULL, n text (nullable). */
static void defaults_table(struct fx *f)
{
    fx_init(f, "public", "d");
    fx_col(f, "id", 20, "bigint", HF_BIGINT, true, NULL);
    fx_col(f, "a", 23, "integer", HF_INT, true, "7");
    fx_col(f, "s", 25, "text", HF_VARCHAR, true, NULL);
    fx_col(f, "ts", 1184, "timestamp with time zone", HF_TIMESTAMP_LTZ, true,
           NULL);
    fx_col(f, "b", 16, "boolean", HF_BOOLEAN, true, NULL);
    fx_col(f, "j", 3802, "jsonb", HF_VARCHAR, true, NULL);
    fx_col(f, "arr", 1007, "integer[]", HF_ARRAY, true, NULL);
    f->jcols[6].type.elem = HF_INT;
    f->mcols[6].elem_oid = 23;
    fx_col(f, "n", 25, "text", HF_VARCHAR, false, NULL);
    fx_pk(f, 0);
}

static void test_default_for_not_null(void **state)
{
    (void)state;
    struct fx f;
    defaults_table(&f);
    /* off: only the casts the types need */
    expect(
        &f, holo_sql_upsert, false,
        "INSERT INTO \"public\".\"d\" AS old (\"id\", \"a\", \"s\", \"ts\", "
        "\"b\", \"j\", \"arr\", \"n\") SELECT u.c1, u.c2, u.c3, u.c4, u.c5, "
        "u.c6::jsonb, u.c7::int4[], u.c8 FROM unnest($1::int8[], "
        "$2::int4[], $3::text[], $4::timestamptz[], $5::bool[], "
        "$6::text[], $7::text[], $8::text[]) AS u(c1, c2, c3, c4, c5, c6, "
        "c7, c8) ON CONFLICT (\"id\") DO UPDATE SET \"a\" = excluded.\"a\", "
        "\"s\" = excluded.\"s\", \"ts\" = excluded.\"ts\", \"b\" = "
        "excluded.\"b\", \"j\" = excluded.\"j\", \"arr\" = excluded.\"arr\", "
        "\"n\" = excluded.\"n\"");
    expect(&f, holo_sql_upsert, true,
           "INSERT INTO \"public\".\"d\" (\"id\", \"a\", \"s\", \"ts\", \"b\", "
           "\"j\", \"arr\", \"n\") SELECT unnest($1::int8[]), "
           "unnest($2::int4[]), unnest($3::text[]), unnest($4::timestamptz[]), "
           "unnest($5::bool[]), unnest($6::text[])::jsonb, "
           "unnest($7::text[])::int4[], unnest($8::text[]) ON CONFLICT "
           "(\"id\") DO UPDATE SET \"a\" = excluded.\"a\", \"s\" = "
           "excluded.\"s\", \"ts\" = excluded.\"ts\", \"b\" = excluded.\"b\", "
           "\"j\" = excluded.\"j\", \"arr\" = excluded.\"arr\", \"n\" = "
           "excluded.\"n\"");

    /* on: the column default, else the type's zero; keys and nullable
     * columns untouched */
    f.cfg.default_for_not_null = true;
    f.cfg.on_conflict = HOLO_OC_IGNORE;
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"d\" AS old (\"id\", \"a\", \"s\", \"ts\", "
           "\"b\", \"j\", \"arr\", \"n\") SELECT u.c1, COALESCE(u.c2, 7), "
           "COALESCE(u.c3, ''), COALESCE(u.c4, '1970-01-01 00:00:00+00'), "
           "COALESCE(u.c5, false), COALESCE(u.c6::jsonb, '{}'), "
           "COALESCE(u.c7::int4[], '{}'), u.c8 FROM unnest($1::int8[], "
           "$2::int4[], $3::text[], $4::timestamptz[], $5::bool[], "
           "$6::text[], $7::text[], $8::text[]) AS u(c1, c2, c3, c4, c5, c6, "
           "c7, c8) ON CONFLICT (\"id\") DO NOTHING");
    /* Hologres: names through a derived table (no SRF inside COALESCE) */
    expect(&f, holo_sql_upsert, true,
           "INSERT INTO \"public\".\"d\" (\"id\", \"a\", \"s\", \"ts\", \"b\", "
           "\"j\", \"arr\", \"n\") SELECT u.c1, COALESCE(u.c2, 7), "
           "COALESCE(u.c3, ''), COALESCE(u.c4, '1970-01-01 00:00:00+00'), "
           "COALESCE(u.c5, false), COALESCE(u.c6::jsonb, '{}'), "
           "COALESCE(u.c7::int4[], '{}'), u.c8 FROM (SELECT unnest($1::int8[]) "
           "AS c1, unnest($2::int4[]) AS c2, unnest($3::text[]) AS c3, "
           "unnest($4::timestamptz[]) AS c4, unnest($5::bool[]) AS c5, "
           "unnest($6::text[]) AS c6, unnest($7::text[]) AS c7, "
           "unnest($8::text[]) AS c8) AS u ON CONFLICT (\"id\") DO NOTHING");
    fx_done(&f);
}

static void test_default_zero_values(void **state)
{
    (void)state;
    static const struct {
        Oid oid;
        const char *text;
        enum hf_type_id id;
        const char *item;
    } cases[] = {
        {21, "smallint", HF_SMALLINT, "COALESCE(u.c2, 0)"},
        {700, "real", HF_FLOAT, "COALESCE(u.c2, 0)"},
        {701, "double precision", HF_DOUBLE, "COALESCE(u.c2, 0)"},
        {1700, "numeric(10,2)", HF_DECIMAL, "COALESCE(u.c2, 0)"},
        {1043, "character varying(5)", HF_VARCHAR,
         "COALESCE(u.c2::varchar, '')"},
        {1042, "character(3)", HF_CHAR, "COALESCE(u.c2::bpchar, '')"},
        {17, "bytea", HF_BYTES, "COALESCE(u.c2, '')"},
        {1082, "date", HF_DATE, "COALESCE(u.c2, '1970-01-01')"},
        {1114, "timestamp without time zone", HF_TIMESTAMP,
         "COALESCE(u.c2, '1970-01-01 00:00:00')"},
        {1184, "timestamp with time zone", HF_TIMESTAMP,
         "COALESCE(u.c2::timestamptz, '1970-01-01 00:00:00+00')"},
        {1083, "time without time zone", HF_TIME, "COALESCE(u.c2, '00:00:00')"},
        {114, "json", HF_JSON, "COALESCE(u.c2, '{}')"},
        {3802, "jsonb", HF_JSON, "COALESCE(u.c2::jsonb, '{}')"},
        {20, "bigint", HF_INT, "COALESCE(u.c2::int8, 0)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fx f;
        fx_init(&f, "public", "z");
        fx_col(&f, "id", 20, "bigint", HF_BIGINT, true, NULL);
        fx_col(&f, "v", cases[i].oid, cases[i].text, cases[i].id, true, NULL);
        fx_pk(&f, 0);
        f.cfg.default_for_not_null = true;
        f.cfg.on_conflict = HOLO_OC_IGNORE;
        f.spec.hologres = false;
        assert_int_equal(holo_sql_upsert(&f.spec, &f.sql, &f.err), 0);
        char want[256];
        snprintf(want, sizeof want, "SELECT u.c1, %s FROM", cases[i].item);
        if (strstr(f.sql.data, want) == NULL)
            fprintf(stderr, "case %zu: %s\n", i, f.sql.data);
        assert_non_null(strstr(f.sql.data, want));
        fx_done(&f);
    }

    /* a type without a zero value and without a default is refused */
    struct fx f;
    fx_init(&f, "public", "z");
    fx_col(&f, "id", 20, "bigint", HF_BIGINT, true, NULL);
    fx_col(&f, "v", 2950, "uuid", HF_VARCHAR, true, NULL);
    fx_pk(&f, 0);
    f.cfg.default_for_not_null = true;
    expect_error(&f, holo_sql_upsert,
                 "column \"v\" of table \"public\".\"z\" is NOT NULL without "
                 "a default, and holoflow has no zero value for its type uuid");
    /* with a default it is fine; the uuid cast comes from the printed
     * type */
    f.mcols[1].default_expr = "gen_random_uuid()";
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"z\" AS old (\"id\", \"v\") SELECT u.c1, "
           "COALESCE(u.c2::uuid, gen_random_uuid()) FROM unnest($1::int8[], "
           "$2::text[]) AS u(c1, c2) ON CONFLICT (\"id\") DO UPDATE SET \"v\" "
           "= excluded.\"v\"");
    fx_done(&f);
}

static void test_replace_with_not_null_unwritten(void **state)
{
    (void)state;
    struct fx f;
    defaults_table(&f);
    f.cfg.on_conflict = HOLO_OC_REPLACE;
    f.cfg.default_for_not_null = true;
    for (uint32_t mi = 1; mi < 8; mi++)
        if (mi != 7)
            fx_unwrite(&f, mi);
    /* the INSERT gives unwritten NOT NULL columns without default their
     * zero value too (PostgreSQL checks NOT NULL before the conflict) */
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"d\" AS old (\"id\", \"n\", \"s\", "
           "\"ts\", \"b\", \"j\", \"arr\") SELECT u.c1, u.c2, '', "
           "'1970-01-01 00:00:00+00', false, '{}', '{}' FROM "
           "unnest($1::int8[], $2::text[]) AS u(c1, c2) ON CONFLICT "
           "(\"id\") DO UPDATE SET \"n\" = excluded.\"n\", \"a\" = DEFAULT, "
           "\"s\" = '', \"ts\" = '1970-01-01 00:00:00+00', \"b\" = false, "
           "\"j\" = '{}', \"arr\" = '{}'");
    expect(&f, holo_sql_upsert, true,
           "INSERT INTO \"public\".\"d\" (\"id\", \"n\", \"s\", \"ts\", "
           "\"b\", \"j\", \"arr\") SELECT unnest($1::int8[]), "
           "unnest($2::text[]), '', '1970-01-01 00:00:00+00', false, '{}', "
           "'{}' ON CONFLICT (\"id\") DO UPDATE SET \"n\" = excluded.\"n\", "
           "\"a\" = DEFAULT, \"s\" = '', \"ts\" = '1970-01-01 00:00:00+00', "
           "\"b\" = false, \"j\" = '{}', \"arr\" = '{}'");
    /* INSERT_OR_UPDATE: filled on insert only, existing rows keep them */
    f.cfg.on_conflict = HOLO_OC_UPDATE;
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"d\" AS old (\"id\", \"n\", \"s\", "
           "\"ts\", \"b\", \"j\", \"arr\") SELECT u.c1, u.c2, '', "
           "'1970-01-01 00:00:00+00', false, '{}', '{}' FROM "
           "unnest($1::int8[], $2::text[]) AS u(c1, c2) ON CONFLICT "
           "(\"id\") DO UPDATE SET \"n\" = excluded.\"n\"");
    f.cfg.on_conflict = HOLO_OC_REPLACE;
    f.cfg.default_for_not_null = false;
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"d\" AS old (\"id\", \"n\") SELECT u.c1, "
           "u.c2 FROM unnest($1::int8[], $2::text[]) AS u(c1, c2) ON CONFLICT "
           "(\"id\") DO UPDATE SET \"n\" = excluded.\"n\", \"a\" = DEFAULT, "
           "\"s\" = DEFAULT, \"ts\" = DEFAULT, \"b\" = DEFAULT, \"j\" = "
           "DEFAULT, \"arr\" = DEFAULT");
    fx_done(&f);
}

/* ----------------------------------------------------------- check-and-put */

/* public.v (id int8 PK, val text, ver int8) */
static void versioned(struct fx *f)
{
    fx_init(f, "public", "v");
    fx_col(f, "id", 20, "bigint", HF_BIGINT, true, NULL);
    fx_col(f, "val", 25, "text", HF_VARCHAR, false, NULL);
    fx_col(f, "ver", 23, "integer", HF_BIGINT, false, NULL);
    fx_pk(f, 0);
    f->cfg.cap_column = "ver";
}

static void test_check_and_put_operators(void **state)
{
    (void)state;
    static const struct {
        enum holo_cap_op op;
        const char *cond;
    } cases[] = {
        {HOLO_CAP_GREATER, "excluded.\"ver\" > old.\"ver\""},
        {HOLO_CAP_GREATER_OR_EQUAL, "excluded.\"ver\" >= old.\"ver\""},
        {HOLO_CAP_EQUAL, "excluded.\"ver\" = old.\"ver\""},
        {HOLO_CAP_NOT_EQUAL, "excluded.\"ver\" <> old.\"ver\""},
        {HOLO_CAP_LESS, "excluded.\"ver\" < old.\"ver\""},
        {HOLO_CAP_LESS_OR_EQUAL, "excluded.\"ver\" <= old.\"ver\""},
        {HOLO_CAP_IS_NULL, "old.\"ver\" IS NULL"},
        {HOLO_CAP_IS_NOT_NULL, "old.\"ver\" IS NOT NULL"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fx f;
        versioned(&f);
        f.cfg.cap_op = cases[i].op;
        char want[1024];
        snprintf(want, sizeof want,
                 "INSERT INTO \"public\".\"v\" AS old (\"id\", \"val\", "
                 "\"ver\") SELECT u.c1, u.c2, u.c3::int4 FROM "
                 "unnest($1::int8[], $2::text[], $3::int8[]) AS u(c1, c2, c3) "
                 "ON CONFLICT (\"id\") DO UPDATE SET \"val\" = "
                 "excluded.\"val\", \"ver\" = excluded.\"ver\" WHERE %s",
                 cases[i].cond);
        expect(&f, holo_sql_upsert, false, want);
        snprintf(want, sizeof want,
                 "INSERT INTO \"public\".\"v\" AS old (\"id\", \"val\", "
                 "\"ver\") SELECT unnest($1::int8[]), unnest($2::text[]), "
                 "unnest($3::int8[])::int4 ON CONFLICT (\"id\") DO UPDATE SET "
                 "\"val\" = excluded.\"val\", \"ver\" = excluded.\"ver\" WHERE "
                 "%s",
                 cases[i].cond);
        expect(&f, holo_sql_upsert, true, want);
        assert_false(holo_sql_upsert_has_null_as(&f.spec));
        fx_done(&f);
    }
}

static void test_check_and_put_null_as(void **state)
{
    (void)state;
    struct fx f;
    versioned(&f);
    f.cfg.cap_op = HOLO_CAP_GREATER;
    f.cfg.cap_null_as = "0";
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"v\" AS old (\"id\", \"val\", \"ver\") "
           "SELECT u.c1, u.c2, u.c3::int4 FROM unnest($1::int8[], $2::text[], "
           "$3::int8[]) AS u(c1, c2, c3) ON CONFLICT (\"id\") DO UPDATE SET "
           "\"val\" = excluded.\"val\", \"ver\" = excluded.\"ver\" WHERE "
           "excluded.\"ver\" > COALESCE(old.\"ver\", $4::text::int4)");
    assert_true(holo_sql_upsert_has_null_as(&f.spec));
    /* IS NULL does not compare: no parameter */
    f.cfg.cap_op = HOLO_CAP_IS_NULL;
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"v\" AS old (\"id\", \"val\", \"ver\") "
           "SELECT u.c1, u.c2, u.c3::int4 FROM unnest($1::int8[], $2::text[], "
           "$3::int8[]) AS u(c1, c2, c3) ON CONFLICT (\"id\") DO UPDATE SET "
           "\"val\" = excluded.\"val\", \"ver\" = excluded.\"ver\" WHERE "
           "old.\"ver\" IS NULL");
    assert_false(holo_sql_upsert_has_null_as(&f.spec));
    /* INSERT_OR_IGNORE has no update to guard */
    f.cfg.cap_op = HOLO_CAP_LESS;
    f.cfg.on_conflict = HOLO_OC_IGNORE;
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"v\" AS old (\"id\", \"val\", \"ver\") "
           "SELECT u.c1, u.c2, u.c3::int4 FROM unnest($1::int8[], $2::text[], "
           "$3::int8[]) AS u(c1, c2, c3) ON CONFLICT (\"id\") DO NOTHING");
    assert_false(holo_sql_upsert_has_null_as(&f.spec));
    /* a check column the table lacks */
    f.cfg.on_conflict = HOLO_OC_UPDATE;
    f.cfg.cap_column = "nope";
    expect_error(&f, holo_sql_upsert,
                 "sink.check-and-put.column 'nope' is not a column of table "
                 "\"public\".\"v\"");
    fx_done(&f);
}

static void test_conflict_expressions(void **state)
{
    (void)state;
    struct fx f;
    simple(&f);
    f.cfg.conflict_update_set = "price = old.price + excluded.price";
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"t\" AS old (\"id\", \"name\", \"price\") "
           "SELECT u.c1, u.c2, u.c3 FROM unnest($1::int8[], $2::text[], "
           "$3::numeric[]) AS u(c1, c2, c3) ON CONFLICT (\"id\") DO UPDATE "
           "SET price = old.price + excluded.price");
    f.cfg.conflict_where = "excluded.name <> 'x'";
    expect(&f, holo_sql_upsert, true,
           "INSERT INTO \"public\".\"t\" AS old (\"id\", \"name\", \"price\") "
           "SELECT unnest($1::int8[]), unnest($2::text[]), "
           "unnest($3::numeric[]) ON CONFLICT (\"id\") DO UPDATE SET price = "
           "old.price + excluded.price WHERE excluded.name <> 'x'");
    /* where alone keeps the generated SET list */
    f.cfg.conflict_update_set = NULL;
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"t\" AS old (\"id\", \"name\", \"price\") "
           "SELECT u.c1, u.c2, u.c3 FROM unnest($1::int8[], $2::text[], "
           "$3::numeric[]) AS u(c1, c2, c3) ON CONFLICT (\"id\") DO UPDATE "
           "SET \"name\" = excluded.\"name\", \"price\" = excluded.\"price\" "
           "WHERE excluded.name <> 'x'");
    /* with check-and-put as well, both must hold */
    f.cfg.cap_column = "price";
    f.cfg.cap_op = HOLO_CAP_GREATER_OR_EQUAL;
    f.cfg.cap_null_as = "-1";
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"t\" AS old (\"id\", \"name\", \"price\") "
           "SELECT u.c1, u.c2, u.c3 FROM unnest($1::int8[], $2::text[], "
           "$3::numeric[]) AS u(c1, c2, c3) ON CONFLICT (\"id\") DO UPDATE "
           "SET \"name\" = excluded.\"name\", \"price\" = excluded.\"price\" "
           "WHERE (excluded.name <> 'x') AND excluded.\"price\" >= "
           "COALESCE(old.\"price\", $4::text::numeric)");
    /* expressions and INSERT_OR_IGNORE do not mix */
    f.cfg.on_conflict = HOLO_OC_IGNORE;
    expect_error(&f, holo_sql_upsert,
                 "sink.insert.conflict-update-set and conflict-where need "
                 "sink.on-conflict-action INSERT_OR_UPDATE or "
                 "INSERT_OR_REPLACE");
    fx_done(&f);
}

/* ------------------------------------------------------- delete, nullify */

/* "select"."Order" ("Id" int8, "select" text, "Amount" numeric, "x""y" text,
 * PK ("select", "Id")) - key order differs from column order. */
static void quoted(struct fx *f)
{
    fx_init(f, "select", "Order");
    fx_col(f, "Id", 20, "bigint", HF_BIGINT, true, NULL);
    fx_col(f, "select", 25, "text", HF_VARCHAR, true, NULL);
    fx_col(f, "Amount", 1700, "numeric(10,2)", HF_DECIMAL, false, NULL);
    fx_col(f, "x\"y", 1043, "character varying(20)", HF_VARCHAR, false, NULL);
    fx_pk(f, 1);
    fx_pk(f, 0);
}

static void test_quoted_identifiers(void **state)
{
    (void)state;
    struct fx f;
    quoted(&f);
    expect(
        &f, holo_sql_upsert, false,
        "INSERT INTO \"select\".\"Order\" AS old (\"Id\", \"select\", "
        "\"Amount\", \"x\"\"y\") SELECT u.c1, u.c2, u.c3, u.c4::varchar "
        "FROM unnest($1::int8[], $2::text[], $3::numeric[], $4::text[]) AS "
        "u(c1, c2, c3, c4) ON CONFLICT (\"select\", \"Id\") DO UPDATE SET "
        "\"Amount\" = excluded.\"Amount\", \"x\"\"y\" = excluded.\"x\"\"y\"");
    fx_done(&f);
}

static void test_delete(void **state)
{
    (void)state;
    struct fx f;
    quoted(&f);
    uint32_t keys[MAXC + 1];
    assert_int_equal(holo_sql_key_params(&f.spec, keys), 2);
    assert_int_equal(keys[0], 1);
    assert_int_equal(keys[1], 0);
    expect(
        &f, holo_sql_delete, false,
        "DELETE FROM \"select\".\"Order\" AS old USING unnest($1::text[], "
        "$2::int8[]) AS d(k1, k2) WHERE old.\"select\" = d.k1 AND old.\"Id\" "
        "= d.k2");
    expect(&f, holo_sql_delete, true,
           "DELETE FROM \"select\".\"Order\" WHERE (\"select\", \"Id\") IN "
           "(SELECT unnest($1::text[]), unnest($2::int8[]))");
    assert_false(holo_sql_key_has_null_as(&f.spec));
    fx_done(&f);

    simple(&f);
    expect(&f, holo_sql_delete, false,
           "DELETE FROM \"public\".\"t\" AS old USING unnest($1::int8[]) AS "
           "d(k1) WHERE old.\"id\" = d.k1");
    expect(&f, holo_sql_delete, true,
           "DELETE FROM \"public\".\"t\" WHERE \"id\" IN (SELECT "
           "unnest($1::int8[]))");
    fx_done(&f);
}

static void test_delete_key_casts(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, "public", "c");
    fx_col(&f, "k", 1042, "character(4)", HF_VARCHAR, true, NULL);
    fx_col(&f, "i", 23, "integer", HF_INT, true, NULL);
    fx_pk(&f, 0);
    fx_pk(&f, 1);
    expect(&f, holo_sql_delete, false,
           "DELETE FROM \"public\".\"c\" AS old USING unnest($1::text[], "
           "$2::int4[]) AS d(k1, k2) WHERE old.\"k\" = d.k1::bpchar AND "
           "old.\"i\" = d.k2");
    expect(&f, holo_sql_delete, true,
           "DELETE FROM \"public\".\"c\" WHERE (\"k\", \"i\") IN (SELECT "
           "unnest($1::text[])::bpchar, unnest($2::int4[]))");
    fx_done(&f);
}

static void test_delete_check_and_put(void **state)
{
    (void)state;
    struct fx f;
    versioned(&f);
    f.cfg.cap_op = HOLO_CAP_GREATER;
    uint32_t keys[MAXC + 1];
    assert_int_equal(holo_sql_key_params(&f.spec, keys), 2);
    assert_int_equal(keys[0], 0);
    assert_int_equal(keys[1], 2);
    expect(&f, holo_sql_delete, false,
           "DELETE FROM \"public\".\"v\" AS old USING unnest($1::int8[], "
           "$2::int8[]) AS d(k1, cap) WHERE old.\"id\" = d.k1 AND "
           "d.cap::int4 > old.\"ver\"");
    expect(&f, holo_sql_delete, true,
           "DELETE FROM \"public\".\"v\" AS old USING (SELECT "
           "unnest($1::int8[]) AS k1, unnest($2::int8[]) AS cap) AS d WHERE "
           "old.\"id\" = d.k1 AND d.cap::int4 > old.\"ver\"");
    f.cfg.cap_null_as = "5";
    assert_true(holo_sql_key_has_null_as(&f.spec));
    expect(&f, holo_sql_delete, false,
           "DELETE FROM \"public\".\"v\" AS old USING unnest($1::int8[], "
           "$2::int8[]) AS d(k1, cap) WHERE old.\"id\" = d.k1 AND "
           "d.cap::int4 > COALESCE(old.\"ver\", $3::text::int4)");
    /* IS NOT NULL: no check value travels */
    f.cfg.cap_op = HOLO_CAP_IS_NOT_NULL;
    assert_int_equal(holo_sql_key_params(&f.spec, keys), 1);
    assert_false(holo_sql_key_has_null_as(&f.spec));
    expect(&f, holo_sql_delete, false,
           "DELETE FROM \"public\".\"v\" AS old USING unnest($1::int8[]) AS "
           "d(k1) WHERE old.\"id\" = d.k1 AND old.\"ver\" IS NOT NULL");
    expect(&f, holo_sql_delete, true,
           "DELETE FROM \"public\".\"v\" AS old USING (SELECT "
           "unnest($1::int8[]) AS k1) AS d WHERE old.\"id\" = d.k1 AND "
           "old.\"ver\" IS NOT NULL");
    /* comparing needs the job to write the column */
    f.cfg.cap_op = HOLO_CAP_LESS;
    fx_unwrite(&f, 2);
    expect_error(&f, holo_sql_delete,
                 "sink.check-and-put.column 'ver' must be a column the job "
                 "writes");
    fx_done(&f);
}

static void test_delete_errors(void **state)
{
    (void)state;
    struct fx f;
    simple(&f);
    f.meta.npk = 0;
    expect_error(&f, holo_sql_delete,
                 "cannot delete rows of table \"public\".\"t\": it has no "
                 "primary key");
    expect_error(&f, holo_sql_nullify,
                 "cannot nullify rows of table \"public\".\"t\": it has no "
                 "primary key");
    fx_done(&f);
    quoted(&f);
    fx_unwrite(&f, 0);
    expect_error(&f, holo_sql_delete,
                 "the job does not write its primary-key column \"Id\"");
    fx_done(&f);
}

static void test_nullify(void **state)
{
    (void)state;
    struct fx f;
    quoted(&f);
    expect(&f, holo_sql_nullify, false,
           "UPDATE \"select\".\"Order\" AS old SET \"Amount\" = NULL, "
           "\"x\"\"y\" = NULL FROM unnest($1::text[], $2::int8[]) AS d(k1, k2) "
           "WHERE old.\"select\" = d.k1 AND old.\"Id\" = d.k2");
    expect(&f, holo_sql_nullify, true,
           "UPDATE \"select\".\"Order\" SET \"Amount\" = NULL, \"x\"\"y\" = "
           "NULL WHERE (\"select\", \"Id\") IN (SELECT unnest($1::text[]), "
           "unnest($2::int8[]))");
    fx_unwrite(&f, 2);
    fx_unwrite(&f, 3);
    expect_error(&f, holo_sql_nullify,
                 "the job writes no column outside the primary key");
    fx_done(&f);

    /* default-for-not-null: DEFAULT or the zero value instead of NULL */
    defaults_table(&f);
    f.cfg.default_for_not_null = true;
    expect(&f, holo_sql_nullify, false,
           "UPDATE \"public\".\"d\" AS old SET \"a\" = DEFAULT, \"s\" = '', "
           "\"ts\" = '1970-01-01 00:00:00+00', \"b\" = false, \"j\" = '{}', "
           "\"arr\" = '{}', \"n\" = NULL FROM unnest($1::int8[]) AS d(k1) "
           "WHERE old.\"id\" = d.k1");
    fx_done(&f);

    /* check-and-put */
    versioned(&f);
    f.cfg.cap_op = HOLO_CAP_GREATER_OR_EQUAL;
    f.cfg.cap_null_as = "0";
    expect(&f, holo_sql_nullify, false,
           "UPDATE \"public\".\"v\" AS old SET \"val\" = NULL, \"ver\" = NULL "
           "FROM unnest($1::int8[], $2::int8[]) AS d(k1, cap) WHERE old.\"id\" "
           "= d.k1 AND d.cap::int4 >= COALESCE(old.\"ver\", $3::text::int4)");
    expect(&f, holo_sql_nullify, true,
           "UPDATE \"public\".\"v\" AS old SET \"val\" = NULL, \"ver\" = NULL "
           "FROM (SELECT unnest($1::int8[]) AS k1, unnest($2::int8[]) AS cap) "
           "AS d WHERE old.\"id\" = d.k1 AND d.cap::int4 >= "
           "COALESCE(old.\"ver\", $3::text::int4)");
    fx_done(&f);
}

static void test_array_columns(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, "public", "arr");
    fx_col(&f, "id", 23, "integer", HF_INT, true, NULL);
    fx_col(&f, "tags", 1009, "text[]", HF_ARRAY, false, NULL);
    f.jcols[1].type.elem = HF_VARCHAR;
    fx_col(&f, "nums", 1016, "bigint[]", HF_ARRAY, false, NULL);
    f.jcols[2].type.elem = HF_INT; /* ARRAY<INT> into int8[] */
    fx_col(&f, "vs", 1015, "character varying(3)[]", HF_ARRAY, false, NULL);
    f.jcols[3].type.elem = HF_VARCHAR;
    fx_pk(&f, 0);
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"arr\" AS old (\"id\", \"tags\", \"nums\", "
           "\"vs\") SELECT u.c1, u.c2::text[], u.c3::int8[], u.c4::varchar[] "
           "FROM unnest($1::int4[], $2::text[], $3::text[], $4::text[]) AS "
           "u(c1, c2, c3, c4) ON CONFLICT (\"id\") DO UPDATE SET \"tags\" = "
           "excluded.\"tags\", \"nums\" = excluded.\"nums\", \"vs\" = "
           "excluded.\"vs\"");
    expect(&f, holo_sql_upsert, true,
           "INSERT INTO \"public\".\"arr\" (\"id\", \"tags\", \"nums\", "
           "\"vs\") SELECT unnest($1::int4[]), unnest($2::text[])::text[], "
           "unnest($3::text[])::int8[], unnest($4::text[])::varchar[] ON "
           "CONFLICT (\"id\") DO UPDATE SET \"tags\" = excluded.\"tags\", "
           "\"nums\" = excluded.\"nums\", \"vs\" = excluded.\"vs\"");
    fx_done(&f);
}

static void test_unknown_type_cast_strips_modifier(void **state)
{
    (void)state;
    struct fx f;
    fx_init(&f, "public", "o");
    fx_col(&f, "id", 20, "bigint", HF_BIGINT, true, NULL);
    fx_col(&f, "t", 1266, "time(3) with time zone", HF_VARCHAR, false, NULL);
    fx_col(&f, "q", 99999, "\"my(type)\"(5)", HF_VARCHAR, false, NULL);
    fx_pk(&f, 0);
    f.cfg.on_conflict = HOLO_OC_IGNORE;
    expect(&f, holo_sql_upsert, false,
           "INSERT INTO \"public\".\"o\" AS old (\"id\", \"t\", \"q\") SELECT "
           "u.c1, u.c2::time with time zone, u.c3::\"my(type)\" FROM "
           "unnest($1::int8[], $2::text[], $3::text[]) AS u(c1, c2, c3) ON "
           "CONFLICT (\"id\") DO NOTHING");
    fx_done(&f);
}

static void test_bad_spec(void **state)
{
    (void)state;
    struct fx f;
    simple(&f);
    f.map[2] = 9;
    expect_error(&f, holo_sql_upsert, "has no table column");
    f.map[2] = 2;
    f.spec.ncols = 0;
    expect_error(&f, holo_sql_upsert, "no columns");
    fx_done(&f);
}

/* ------------------------------------------------------------- partitions */

static void test_partitions(void **state)
{
    (void)state;
    assert_string_equal(holo_sql_partition_ddl_query(),
                        "SELECT format('CREATE TABLE IF NOT EXISTS %I.%I "
                        "PARTITION OF %I.%I FOR VALUES IN (%L)', $1::text, "
                        "$2::text, $3::text, $4::text, $5::text)");
    static const struct {
        const char *value, *want;
    } cases[] = {
        {"2024-01-31", "sales_20240131"},
        {"2024-1-31", "sales_2024_1_31"},
        {"cn-hangzhou", "sales_cn_hangzhou"},
        {"a b'c", "sales_a_b_c"},
        {"42", "sales_42"},
        {"-7", "sales__7"},
        {"\xe4\xb8\xad\xe6\x96\x87x", "sales___x"},
        {"", "sales_"},
        {"Mixed_Case9", "sales_Mixed_Case9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hf_strbuf b;
        hf_strbuf_init(&b, 0);
        holo_sql_partition_child_name("sales", cases[i].value, &b);
        assert_string_equal(b.data, cases[i].want);
        hf_strbuf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upsert_actions),
        cmocka_unit_test(test_upsert_only_key_columns),
        cmocka_unit_test(test_upsert_no_primary_key),
        cmocka_unit_test(test_upsert_ignore_null),
        cmocka_unit_test(test_upsert_ignore_null_filled),
        cmocka_unit_test(test_default_for_not_null),
        cmocka_unit_test(test_default_zero_values),
        cmocka_unit_test(test_replace_with_not_null_unwritten),
        cmocka_unit_test(test_check_and_put_operators),
        cmocka_unit_test(test_check_and_put_null_as),
        cmocka_unit_test(test_conflict_expressions),
        cmocka_unit_test(test_quoted_identifiers),
        cmocka_unit_test(test_delete),
        cmocka_unit_test(test_delete_key_casts),
        cmocka_unit_test(test_delete_check_and_put),
        cmocka_unit_test(test_delete_errors),
        cmocka_unit_test(test_nullify),
        cmocka_unit_test(test_array_columns),
        cmocka_unit_test(test_unknown_type_cast_strips_modifier),
        cmocka_unit_test(test_bad_spec),
        cmocka_unit_test(test_partitions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
