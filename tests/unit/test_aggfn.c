/*
 * test_aggfn.c - the aggregate functions (ops/aggfn.h): result types, the
 * values after accumulate and retract sequences (Flink's rules in
 * flink-stateful-sql.md §1.3), DISTINCT, merge, and the round trip of an
 * accumulator through its saved bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/decimal.h"
#include "ops/aggfn.h"

static struct hf_value iv(int64_t i)
{
    struct hf_value v = {.v.i = i};
    return v;
}

static struct hf_value sv(const char *s)
{
    struct hf_value v = {.v.s = {s, (uint32_t)strlen(s)}};
    return v;
}

static struct hf_value nullv(void)
{
    struct hf_value v = {.null = true};
    return v;
}

static void mk(struct hf_aggfn *fn, enum hf_aggfn_kind k, enum hf_type_id t,
               bool distinct, bool retract)
{
    struct hf_type ty = hf_type_make(t);
    if (t == HF_VARCHAR)
        ty.length = HF_LEN_MAX;
    char why[200];
    assert_int_equal(hf_aggfn_init(fn, k, k == HF_AGG_COUNT_STAR ? NULL : &ty,
                                   distinct, retract, why, sizeof why),
                     0);
}

/* Apply ops "+5 +3 -5" (integers) and return the value. */
static struct hf_value run_int(const struct hf_aggfn *fn,
                               struct hf_agg_acc *a, const char *ops)
{
    struct hf_error err = {0};
    const char *p = ops;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        char sign = *p++;
        struct hf_value v;
        if (*p == 'n') {
            v = nullv();
            p++;
        } else {
            char *end;
            v = iv(strtoll(p, &end, 10));
            p = end;
        }
        int rc = sign == '+' ? hf_agg_acc_add(fn, a, &v, &err)
                             : hf_agg_acc_retract(fn, a, &v, &err);
        assert_int_equal(rc, 0);
    }
    struct hf_value out;
    hf_agg_acc_value(fn, a, &out);
    return out;
}

static int64_t run_i(enum hf_aggfn_kind k, bool distinct, bool retract,
                     const char *ops, bool *isnull)
{
    struct hf_aggfn fn;
    mk(&fn, k, HF_INT, distinct, retract);
    struct hf_agg_acc a;
    hf_agg_acc_init(&a);
    /* Through the saved bytes after the ops, to test the round trip. */
    struct hf_value v = run_int(&fn, &a, ops);
    struct hf_strbuf b;
    hf_strbuf_init(&b, 1 << 20);
    hf_agg_acc_save(&fn, &a, &b);
    struct hf_agg_acc c;
    hf_agg_acc_init(&c);
    struct hf_error err = {0};
    assert_int_equal(hf_agg_acc_load(&fn, &c, b.data, b.len, &err),
                     (long)b.len);
    struct hf_value w;
    hf_agg_acc_value(&fn, &c, &w);
    assert_true(hf_agg_value_eq(&fn.result, &v, &w));
    hf_strbuf_free(&b);
    hf_agg_acc_free(&c);
    hf_agg_acc_free(&a);
    *isnull = v.null;
    return v.v.i;
}

static void test_types(void **state)
{
    (void)state;
    struct hf_aggfn fn;
    char why[200];
    struct hf_type t = hf_type_make(HF_INT);
    assert_int_equal(hf_aggfn_init(&fn, HF_AGG_SUM, &t, false, false, why,
                                   sizeof why),
                     0);
    assert_int_equal(fn.result.id, HF_INT);
    assert_false(fn.result.not_null);
    assert_int_equal(hf_aggfn_init(&fn, HF_AGG_COUNT, &t, false, false, why,
                                   sizeof why),
                     0);
    assert_int_equal(fn.result.id, HF_BIGINT);
    assert_true(fn.result.not_null);
    struct hf_type d = hf_type_make(HF_DECIMAL);
    d.precision = 10;
    d.scale = 2;
    assert_int_equal(hf_aggfn_init(&fn, HF_AGG_SUM, &d, false, false, why,
                                   sizeof why),
                     0);
    assert_int_equal(fn.result.precision, 38);
    assert_int_equal(fn.result.scale, 2);
    assert_int_equal(hf_aggfn_init(&fn, HF_AGG_AVG, &d, false, false, why,
                                   sizeof why),
                     0);
    assert_int_equal(fn.result.precision, 38);
    assert_int_equal(fn.result.scale, 6);
    assert_int_equal(hf_aggfn_init(&fn, HF_AGG_STDDEV_POP, &d, false, false,
                                   why, sizeof why),
                     0);
    assert_int_equal(fn.result.id, HF_DECIMAL);
    assert_int_equal(fn.result.scale, 6);
    assert_int_equal(hf_aggfn_init(&fn, HF_AGG_VAR_SAMP, &t, false, false, why,
                                   sizeof why),
                     0);
    assert_int_equal(fn.result.id, HF_INT);
    struct hf_type s = hf_type_make(HF_VARCHAR);
    assert_int_equal(hf_aggfn_init(&fn, HF_AGG_SUM, &s, false, false, why,
                                   sizeof why),
                     -1);
    assert_non_null(strstr(why, "SUM needs a numeric argument"));
    enum hf_aggfn_kind k;
    assert_int_equal(hf_aggfn_lookup("listagg", &k), 0);
    assert_int_equal(k, HF_AGG_LISTAGG);
    assert_int_equal(hf_aggfn_lookup("upper", &k), -1);
}

static void test_sum_avg_count(void **state)
{
    (void)state;
    bool n;
    assert_int_equal(run_i(HF_AGG_SUM, false, true, "+5 +7 -7", &n), 5);
    assert_false(n);
    run_i(HF_AGG_SUM, false, true, "+5 -5", &n);
    assert_true(n); /* count 0: NULL */
    run_i(HF_AGG_SUM, false, false, "+n", &n);
    assert_true(n);
    /* retract on empty starts from 0 - x */
    assert_int_equal(run_i(HF_AGG_SUM, false, true, "-4 +n", &n), 0);
    assert_true(n); /* count -1: NULL */
    assert_int_equal(run_i(HF_AGG_AVG, false, false, "+1 +2", &n), 1);
    assert_int_equal(run_i(HF_AGG_AVG, false, false, "+-1 +-2", &n), -1);
    assert_int_equal(run_i(HF_AGG_COUNT, false, true, "+1 +n +2 -1", &n), 1);
    assert_int_equal(run_i(HF_AGG_COUNT_STAR, false, true, "+1 +n +2 -1", &n),
                     2);
    /* INT sum wraps as Java's int does */
    assert_int_equal(run_i(HF_AGG_SUM, false, false, "+2147483647 +1", &n),
                     -2147483648LL);
}

static void test_min_max(void **state)
{
    (void)state;
    bool n;
    /* Example C of the reference: MAX falls back to the next value */
    assert_int_equal(run_i(HF_AGG_MAX, false, true, "+5 +7 -7", &n), 5);
    assert_int_equal(run_i(HF_AGG_MIN, false, true, "+5 +3 +3 -3", &n), 3);
    assert_int_equal(run_i(HF_AGG_MIN, false, true, "+5 +3 +3 -3 -3", &n), 5);
    run_i(HF_AGG_MAX, false, true, "+5 -5", &n);
    assert_true(n);
    /* unseen retraction: a negative count that does not count */
    assert_int_equal(run_i(HF_AGG_MAX, false, true, "-9 +4", &n), 4);
    run_i(HF_AGG_MAX, false, true, "-9 +9", &n);
    assert_true(n); /* +9 cancels the -9 entry */
    assert_int_equal(run_i(HF_AGG_MAX, false, false, "+5 +3 +n +7", &n), 7);
    assert_int_equal(run_i(HF_AGG_MIN, false, false, "+5 +3 +n +7", &n), 3);
}

static void test_first_last(void **state)
{
    (void)state;
    bool n;
    assert_int_equal(run_i(HF_AGG_FIRST_VALUE, false, false, "+n +5 +3", &n),
                     5);
    assert_int_equal(run_i(HF_AGG_LAST_VALUE, false, false, "+5 +3 +n", &n), 3);
    assert_int_equal(run_i(HF_AGG_FIRST_VALUE, false, true, "+5 +3 +5 -5", &n),
                     3);
    assert_int_equal(run_i(HF_AGG_LAST_VALUE, false, true, "+5 +3 +5 -5", &n),
                     5);
    assert_int_equal(run_i(HF_AGG_LAST_VALUE, false, true, "+5 +3 -3", &n), 5);
}

static void test_distinct(void **state)
{
    (void)state;
    bool n;
    /* Example E: COUNT(DISTINCT u) */
    assert_int_equal(run_i(HF_AGG_COUNT, true, true, "+1 +1", &n), 1);
    assert_int_equal(run_i(HF_AGG_COUNT, true, true, "+1 +1 +2", &n), 2);
    assert_int_equal(run_i(HF_AGG_COUNT, true, true, "+1 +1 +2 -1", &n), 2);
    assert_int_equal(run_i(HF_AGG_COUNT, true, true, "+1 +1 +2 -1 -1", &n), 1);
    assert_int_equal(run_i(HF_AGG_SUM, true, true, "+3 +3 +4", &n), 7);
}

static void test_listagg(void **state)
{
    (void)state;
    struct hf_aggfn fn;
    mk(&fn, HF_AGG_LISTAGG, HF_VARCHAR, false, true);
    struct hf_agg_acc a;
    hf_agg_acc_init(&a);
    struct hf_error err = {0};
    struct hf_value x = sv("x"), y = sv("y"), nv = nullv(), out;
    hf_agg_acc_value(&fn, &a, &out);
    assert_true(out.null);
    assert_int_equal(hf_agg_acc_add(&fn, &a, &x, &err), 0);
    assert_int_equal(hf_agg_acc_add(&fn, &a, &nv, &err), 0);
    assert_int_equal(hf_agg_acc_add(&fn, &a, &y, &err), 0);
    assert_int_equal(hf_agg_acc_add(&fn, &a, &x, &err), 0);
    hf_agg_acc_value(&fn, &a, &out);
    assert_int_equal(out.v.s.len, 5);
    assert_memory_equal(out.v.s.ptr, "x,y,x", 5);
    assert_int_equal(hf_agg_acc_retract(&fn, &a, &x, &err), 0);
    hf_agg_acc_value(&fn, &a, &out);
    assert_int_equal(out.v.s.len, 3);
    assert_memory_equal(out.v.s.ptr, "y,x", 3);
    memcpy(fn.sep, "; ", 2);
    fn.seplen = 2;
    hf_agg_acc_value(&fn, &a, &out);
    assert_int_equal(out.v.s.len, 4);
    assert_memory_equal(out.v.s.ptr, "y; x", 4);
    hf_agg_acc_free(&a);
}

static void test_stddev_decimal(void **state)
{
    (void)state;
    struct hf_aggfn fn;
    struct hf_agg_acc a;
    struct hf_error err = {0};
    struct hf_value out;
    mk(&fn, HF_AGG_VAR_POP, HF_DOUBLE, false, true);
    hf_agg_acc_init(&a);
    double xs[] = {2, 4, 4, 4, 5, 5, 7, 9};
    for (int i = 0; i < 8; i++) {
        struct hf_value v = {.v.f8 = xs[i]};
        assert_int_equal(hf_agg_acc_add(&fn, &a, &v, &err), 0);
    }
    hf_agg_acc_value(&fn, &a, &out);
    assert_true(out.v.f8 > 3.9999 && out.v.f8 < 4.0001);
    fn.kind = HF_AGG_STDDEV_POP;
    hf_agg_acc_value(&fn, &a, &out);
    assert_true(out.v.f8 > 1.9999 && out.v.f8 < 2.0001);
    fn.kind = HF_AGG_VAR_SAMP;
    hf_agg_acc_reset(&a);
    struct hf_value one = {.v.f8 = 1};
    assert_int_equal(hf_agg_acc_add(&fn, &a, &one, &err), 0);
    hf_agg_acc_value(&fn, &a, &out);
    assert_true(out.null); /* one value: no sample variance */
    hf_agg_acc_free(&a);

    /* AVG over DECIMAL(10,2): DECIMAL(38,6), HALF_UP */
    struct hf_type d = hf_type_make(HF_DECIMAL);
    d.precision = 10;
    d.scale = 2;
    char why[100];
    assert_int_equal(hf_aggfn_init(&fn, HF_AGG_AVG, &d, false, true, why,
                                   sizeof why),
                     0);
    hf_agg_acc_init(&a);
    const char *vals[] = {"1.00", "2.00", "2.00"};
    for (int i = 0; i < 3; i++) {
        struct hf_value v = {0};
        assert_int_equal(hf_dec_parse(vals[i], 4, 10, 2, &v.v.d), 0);
        assert_int_equal(hf_agg_acc_add(&fn, &a, &v, &err), 0);
    }
    hf_agg_acc_value(&fn, &a, &out);
    char buf[64];
    hf_dec_format(out.v.d, 6, buf, sizeof buf);
    assert_string_equal(buf, "1.666667");
    hf_agg_acc_free(&a);
}

static void test_merge(void **state)
{
    (void)state;
    struct hf_aggfn fn;
    mk(&fn, HF_AGG_MAX, HF_INT, false, true);
    struct hf_agg_acc a, b;
    hf_agg_acc_init(&a);
    hf_agg_acc_init(&b);
    run_int(&fn, &a, "+1 +2");
    run_int(&fn, &b, "+9 -2");
    struct hf_error err = {0};
    assert_int_equal(hf_agg_acc_merge(&fn, &a, &b, &err), 0);
    struct hf_value out;
    hf_agg_acc_value(&fn, &a, &out);
    assert_int_equal(out.v.i, 9);
    run_int(&fn, &a, "-9");
    hf_agg_acc_value(&fn, &a, &out);
    assert_int_equal(out.v.i, 1); /* 2 was retracted in b */
    hf_agg_acc_free(&a);
    hf_agg_acc_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_sum_avg_count),
        cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_first_last),
        cmocka_unit_test(test_distinct),
        cmocka_unit_test(test_listagg),
        cmocka_unit_test(test_stddev_decimal),
        cmocka_unit_test(test_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
