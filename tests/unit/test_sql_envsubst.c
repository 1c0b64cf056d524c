/*
 * test_sql_envsubst.c - ${NAME} expansion of option values, and its use by
 * the planner (an unset variable is an error at the value's position).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_planner_uses_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
