/*
 * test_sync_pgexpr.c - the exact holoflow text of the PostgreSQL
 * expressions a DataX job puts in a database reader's `where` and
 * `column` (sync_pgexpr.c): quoted identifiers, case folding, '::' casts
 * (nested, of parenthesized values and function calls, multi-word and
 * modified types), interval literals, comments; and the refusals — a ';',
 * a ')' closing nothing, LIMIT, an unterminated comment or string, a cast
 * to a type holoflow does not evaluate, E'' strings — each naming the
 * JSON path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync_int.h"

static void ok(const char *in, const char *want)
{
    struct hf_error err = {0};
    char *out = NULL;
    int rc = sync_pg_expr(in, "w", &out, &err);
    if (rc != 0)
        fail_msg("%s: %s", in, err.msg);
    assert_string_equal(out, want);
    free(out);
}

static void refused(const char *in, const char *msg_part)
{
    struct hf_error err = {0};
    char *out = NULL;
    assert_int_equal(sync_pg_expr(in, "job.where", &out, &err), -1);
    assert_null(out);
    if (strstr(err.msg, msg_part) == NULL ||
        strncmp(err.msg, "job.where: ", 11) != 0)
        fail_msg("%s: got '%s', want it to contain '%s'", in, err.msg,
                 msg_part);
}

static void test_translation(void **state)
{
    (void)state;
    ok("id > 100 and d >= '2026-12-03'",
       "id > 100 and d >= '2026-12-03'");
    ok("\"Name\" = 'it''s'", "`Name` = 'it''s'");
    ok("\"a\"\"b`c\" is null", "`a\"b``c` is null");
    ok("ID In (1, 2)", "id in ( 1 , 2 )");
    ok("'hello'::varchar", "CAST('hello' AS STRING)");
    ok("2.5::real", "CAST(2.5 AS FLOAT)");
    ok("x::numeric(10,2) + 1", "CAST(x AS DECIMAL(10,2)) + 1");
    ok("x::numeric", "CAST(x AS DECIMAL(38, 18))");
    ok("a::timestamp with time zone > b::timestamp",
       "CAST(a AS TIMESTAMP_LTZ(6)) > CAST(b AS TIMESTAMP(6))");
    ok("x::double precision", "CAST(x AS DOUBLE)");
    ok("(a + b)::text::int", "CAST(CAST(( a + b ) AS STRING) AS INT)");
    ok("power(2,3)::int8", "CAST(power ( 2 , 3 ) AS BIGINT)");
    ok("-1::int", "- CAST(1 AS INT)");
    ok("ts > now() - interval '1 day'", "ts > now ( ) - interval '1' DAY");
    ok("d + INTERVAL '-3 days'", "d + interval '-3' DAY");
    ok("x /* a /* nested */ comment */ = 1 -- the rest",
       "x = 1");
    ok("1.5e3 <= y and z <> 2 or w != 3", "1.5e3 <= y and z <> 2 or w != 3");
}

static void test_refusals(void **state)
{
    (void)state;
    refused("id > 1; drop table t", "';' ends a statement");
    refused("id > 1) union all select 1 from t where (1 = 1",
            "')' closes nothing");
    refused("1 = 1 limit 10", "not one expression");
    refused("id > 0 /* open", "unterminated comment");
    refused("name = 'open", "unterminated string");
    refused("\"open = 1", "unterminated quoted identifier");
    refused("a::inet", "the cast '::inet' names a PostgreSQL type");
    refused("a::", "'::' without a type");
    refused("::int", "'::' without a value");
    refused("a = E'x\\n'", "E'...' escape strings");
    refused("   ", "empty");
    refused("interval '1 fortnight'", "not one expression");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_translation),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
