/*
 * test_failpoint.c - HF_FAILPOINTS arming: NAME=N fires on exactly the Nth
 * hit, NAME alone on the first, malformed entries (no digits, signs,
 * blanks, a name given twice: its first arming counts) are ignored and
 * never fire, unlisted names never fire. The variable is read once per process,
 * so one test sets it before the first hf_failpoint() call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "core/failpoint.h"

static int fired_at(const char *name, int hits)
{
    int at = 0;
    for (int i = 1; i <= hits; i++) {
        if (hf_failpoint(name)) {
            assert_int_equal(at, 0); /* never twice */
            at = i;
        }
    }
    return at;
}

static void test_arming(void **state)
{
    (void)state;
    setenv("HF_FAILPOINTS",
           "a.b=3,once,zero=0,junk=x1,neg=-1,sp= 2, blank,=2,,once=4,last=1",
           1);
    assert_int_equal(fired_at("a.b", 10), 3);
    assert_int_equal(fired_at("once", 5), 1);
    assert_int_equal(fired_at("zero", 5), 0);
    assert_int_equal(fired_at("junk", 5), 0);
    assert_int_equal(fired_at("neg", 5), 0);
    assert_int_equal(fired_at("sp", 5), 0);
    assert_int_equal(fired_at("blank", 5), 0);
    assert_int_equal(fired_at(" blank", 5), 0);
    assert_int_equal(fired_at("last", 5), 1);
    assert_int_equal(fired_at("unlisted", 5), 0);
    /* Changing the variable later changes nothing: it is read once. */
    setenv("HF_FAILPOINTS", "unlisted", 1);
    assert_int_equal(fired_at("unlisted", 5), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arming),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
