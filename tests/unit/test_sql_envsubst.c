/*
 * test_sql_envsubst.c - ${NAME} and ${secret_values.NAME} expansion of
 * option values, and their use by the planner (an unset variable or
 * secret is an error at the value's position; a value built from a secret
 * is masked everywhere, whatever its option).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "sql/envsubst.h"
#include "sql/planner.h"

static void test_expand(void **state)
{
    (void)state;
    char why[256];
    setenv("HF_TEST_HOST", "db.example:5432", 1);
    setenv("HF_TEST_EMPTY", "", 1);
    unsetenv("HF_TEST_UNSET");
    char *s = hf_env_expand("tcp://${HF_TEST_HOST}/x${HF_TEST_EMPTY}", why,
                            sizeof why);
    assert_string_equal(s, "tcp://db.example:5432/x");
    free(s);
    s = hf_env_expand("price $$ and $${HF_TEST_HOST} stay", why, sizeof why);
    assert_string_equal(s, "price $$ and ${HF_TEST_HOST} stay");
    free(s);
    assert_null(hf_env_expand("${HF_TEST_UNSET}", why, sizeof why));
    assert_string_equal(why, "environment variable HF_TEST_UNSET is not set");
    assert_null(hf_env_expand("${HF_TEST_HOST", why, sizeof why));
    assert_null(hf_env_expand("${1abc}", why, sizeof why));
}

static void test_planner_uses_it(void **state)
{
    (void)state;
    setenv("HF_TEST_ROWS", "42", 1);
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    const char *sql =
        "CREATE TABLE g (id INT) WITH ('connector' = 'datagen',\n"
        "  'number-of-rows' = '${HF_TEST_ROWS}');\n";
    assert_int_equal(hf_sql_plan_text("j.sql", sql, NULL, 0, &job, &err), 0);
    assert_int_equal(hf_opts_int(&job->tables[0]->opts, "number-of-rows", NULL),
                     42);
    hf_job_free(job);

    const char *bad =
        "CREATE TABLE g (id INT) WITH ('connector' = 'datagen',\n"
        "  'number-of-rows' = '${HF_TEST_UNSET}');\n";
    job = NULL;
    hf_error_clear(&err);
    assert_int_equal(hf_sql_plan_text("j.sql", bad, NULL, 0, &job, &err), -1);
    assert_non_null(strstr(err.msg, "j.sql:2:22: error: option "
                                    "'number-of-rows': environment variable "
                                    "HF_TEST_UNSET is not set"));
}

static void test_secret_values(void **state)
{
    (void)state;
    char why[256];
    bool secret = false;
    setenv("hf_test_pw", "Vv8-pw-from-env", 1);
    setenv("hf_test_tok_en", "Tk7-mapped-token", 1); /* for hf-test.tok-en */
    unsetenv("hf-test.tok-en");
    unsetenv("hf_test_none");
    char *s = hf_env_expand_ex("u:${secret_values.hf_test_pw}@h", &secret, why,
                               sizeof why);
    assert_string_equal(s, "u:Vv8-pw-from-env@h");
    assert_true(secret);
    free(s);
    /* Registered with the scrubber as soon as it is read. */
    char line[128] = "connecting with Vv8-pw-from-env now";
    hf_scrub(line, sizeof line);
    assert_string_equal(line, "connecting with ****** now");
    /* A name a shell cannot export: '-' and '.' read as '_'. */
    s = hf_env_expand_ex("${secret_values.hf-test.tok-en}", &secret, why,
                         sizeof why);
    assert_string_equal(s, "Tk7-mapped-token");
    free(s);
    /* The exact name wins when it exists. */
    setenv("hf-test.tok-en", "Xx6-exact-name", 1);
    s = hf_env_expand_ex("${secret_values.hf-test.tok-en}", &secret, why,
                         sizeof why);
    assert_string_equal(s, "Xx6-exact-name");
    free(s);
    unsetenv("hf-test.tok-en");
    /* ${VAR} is not a secret; $${ stays literal. */
    setenv("HF_TEST_HOST", "db.example", 1);
    s = hf_env_expand_ex("${HF_TEST_HOST} $${secret_values.x}", &secret, why,
                         sizeof why);
    assert_string_equal(s, "db.example ${secret_values.x}");
    assert_false(secret);
    free(s);
    /* Undefined: named, with the variables looked for. */
    assert_null(hf_env_expand_ex("${secret_values.hf_test_none}", &secret,
                                 why, sizeof why));
    assert_string_equal(why, "secret 'hf_test_none' "
                             "(${secret_values.hf_test_none}) is not defined: "
                             "set the environment variable hf_test_none");
    assert_null(hf_env_expand("${secret_values.no-such.one}", why, sizeof why));
    assert_string_equal(why, "secret 'no-such.one' "
                             "(${secret_values.no-such.one}) is not defined: "
                             "set the environment variable no-such.one (or "
                             "no_such_one)");
    assert_null(hf_env_expand("${secret_values.}", why, sizeof why));
    assert_non_null(strstr(why, "does not name a secret"));
    assert_null(hf_env_expand("${secret_values.a b}", why, sizeof why));
    assert_non_null(strstr(why, "does not name a secret"));
}

static void test_planner_secret_values(void **state)
{
    (void)state;
    setenv("hf_rows_secret", "7", 1); /* short: not a free-text secret */
    setenv("hf_ident_secret", "Pq3-identifier", 1);
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    const char *sql =
        "CREATE TABLE g (id INT) WITH ('connector' = 'datagen',\n"
        "  'number-of-rows' = '${secret_values.hf_rows_secret}');\n"
        "CREATE TABLE p (id INT) WITH ('connector' = 'blackhole');\n"
        "INSERT INTO p SELECT * FROM g;\n";
    assert_int_equal(hf_sql_plan_text("j.sql", sql, NULL, 0, &job, &err), 0);
    const struct hf_opts *o = &job->tables[0]->opts;
    assert_int_equal(hf_opts_int(o, "number-of-rows", NULL), 7);
    /* Not a sensitive option, but built from a secret: masked. */
    assert_true(hf_opts_get(o, "number-of-rows", NULL)->secret);
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_opts_describe(o, 0, &sb);
    assert_non_null(strstr(sb.data, "number-of-rows = '******'\n"));
    hf_strbuf_free(&sb);
    hf_job_free(job);

    /* A bad value built from a secret: the error masks it too. */
    setenv("hf_rows_secret", "Zz5-not-a-number", 1);
    job = NULL;
    hf_error_clear(&err);
    assert_int_equal(hf_sql_plan_text("j.sql", sql, NULL, 0, &job, &err), -1);
    assert_non_null(strstr(err.msg, "invalid value '******' for option "
                                    "'number-of-rows'"));
    assert_null(strstr(err.msg, "Zz5-not-a-number"));

    const char *bad =
        "CREATE TABLE g (id INT) WITH ('connector' = 'datagen',\n"
        "  'number-of-rows' = '${secret_values.hf_test_none}');\n";
    job = NULL;
    hf_error_clear(&err);
    assert_int_equal(hf_sql_plan_text("j.sql", bad, NULL, 0, &job, &err), -1);
    assert_non_null(strstr(err.msg, "j.sql:2:22: error: option "
                                    "'number-of-rows': secret 'hf_test_none' "
                                    "(${secret_values.hf_test_none}) is not "
                                    "defined: set the environment variable "
                                    "hf_test_none"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_planner_uses_it),
        cmocka_unit_test(test_secret_values),
        cmocka_unit_test(test_planner_secret_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
