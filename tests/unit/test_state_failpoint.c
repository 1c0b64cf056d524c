/*
 * test_state_failpoint.c - a checkpoint whose completion fails after its
 * _metadata was written and fsynced but before chk-<id>.tmp was renamed
 * (failpoint state.before-rename, armed for the 2nd completion) does not
 * count: the completion fails, and the next open removes the .tmp
 * directory and restores the checkpoint before it, with its entries and
 * source positions; the ids that follow start after it.
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
#include <sys/stat.h>

#include "state/state.h"

static bool exists(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    return stat(p, &st) == 0;
}

static struct hf_state_backend *open_dir(const char *dir)
{
    struct hf_state_config c = {0};
    c.checkpoints_dir = dir;
    c.num_retained = 3;
    c.max_parallelism = 128;
    struct hf_state_backend *b = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_state_backend_open(&c, &b, &err), 0);
    return b;
}

static void test_fail_before_rename(void **state)
{
    (void)state;
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/hf-test-stfp-XXXXXX");
    assert_non_null(mkdtemp(dir));
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_state_backend *b = open_dir(dir);
    struct hf_state *s;
    assert_int_equal(hf_state_open(b, "n2-x", "acc", 0, 127, &s, &err), 0);
    assert_int_equal(hf_state_put(s, "k", 1, "one", 3, &err), 0);
    assert_int_equal(hf_state_snapshot(s, 1, &err), 0);
    struct hf_state_position p1 = {"n1-src", "at-1", 4};
    assert_int_equal(hf_state_backend_complete(b, 1, &p1, 1, &err), 0);
    assert_int_equal(hf_state_put(s, "k", 1, "two", 3, &err), 0);
    assert_int_equal(hf_state_snapshot(s, 2, &err), 0);
    struct hf_state_position p2 = {"n1-src", "at-2", 4};
    assert_int_equal(hf_state_backend_complete(b, 2, &p2, 1, &err), -1);
    assert_non_null(strstr(err.msg, "state.before-rename"));
    assert_true(exists(dir, "chk-2.tmp/_metadata"));
    assert_false(exists(dir, "chk-2"));
    hf_state_close(s);
    hf_state_backend_close(b);

    b = open_dir(dir);
    assert_false(exists(dir, "chk-2.tmp"));
    assert_int_equal(hf_state_backend_restored_id(b), 1);
    const void *p;
    size_t len;
    assert_int_equal(hf_state_backend_position(b, "n1-src", &p, &len), 1);
    assert_int_equal(len, 4);
    assert_memory_equal(p, "at-1", 4);
    hf_error_clear(&err);
    assert_int_equal(hf_state_open(b, "n2-x", "acc", 0, 127, &s, &err), 0);
    const void *v;
    size_t vl;
    assert_int_equal(hf_state_get(s, "k", 1, &v, &vl, &err), 1);
    assert_int_equal(vl, 3);
    assert_memory_equal(v, "one", 3);
    hf_state_close(s);
    hf_state_backend_close(b);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    /* read once, at the first failpoint check */
    setenv("HF_FAILPOINTS", "state.before-rename=2", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fail_before_rename),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
