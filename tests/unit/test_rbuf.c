/*
 * test_rbuf.c - shared batches and their pools (core/rbuf.h) and a task's
 * inbox (runtime/chan.h): a batch goes back to its pool at its last
 * release and only then; a batch that borrows another keeps it out of its
 * pool until the borrower is released; an empty pool blocks and an abort
 * wakes it; an edge holds at most its credit of data messages, while
 * barriers and end markers always pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "core/rbuf.h"
#include "runtime/chan.h"

static void test_refs_and_parents(void **state)
{
    (void)state;
    struct hf_rbuf_pool *src = hf_rbuf_pool_new(2, 4, 1);
    struct hf_rbuf_pool *out = hf_rbuf_pool_new(1, 4, 2);
    assert_non_null(src);
    assert_non_null(out);
    struct hf_rbuf *a = hf_rbuf_get(src, 0);
    assert_non_null(a);
    assert_null(hf_rbuf_get(src, 0)); /* the only one is taken */
    struct hf_value *row = hf_batch_add_row(a->b, HF_ROW_INSERT, 7);
    assert_int_equal(hf_value_set_str(a->b, &row[0], "abc", 3), 0);

    /* Two branches borrow a's strings. */
    struct hf_rbuf *x = hf_rbuf_get(out, 0), *y = hf_rbuf_get(out, 0);
    assert_non_null(x);
    assert_non_null(y);
    hf_rbuf_set_parent(x, a);
    hf_rbuf_set_parent(y, a);
    hf_batch_add_row(x->b, HF_ROW_INSERT, 7)[0] = row[0];
    hf_rbuf_ref(x);     /* a consumer's reference */
    hf_rbuf_release(a); /* the source is done with it */
    hf_rbuf_release(x); /* x's producer is done */
    hf_rbuf_release(y);
    assert_null(hf_rbuf_get(src, 0)); /* x still borrows a */
    assert_memory_equal(hf_batch_row(x->b, 0)[0].v.s.ptr, "abc", 3);
    hf_rbuf_release(x); /* the consumer's: a goes home too */
    struct hf_rbuf *a2 = hf_rbuf_get(src, 0);
    assert_ptr_equal(a2, a);
    assert_int_equal(a2->b->nrows, 0); /* reset by the taker */
    assert_null(a2->parent);
    hf_rbuf_release(a2);
    hf_rbuf_release(NULL);
    hf_rbuf_pool_destroy(src);
    hf_rbuf_pool_destroy(out);
    hf_rbuf_pool_destroy(NULL);
}

static void *abort_later(void *arg)
{
    struct timespec ts = {0, 50000000};
    nanosleep(&ts, NULL);
    hf_rbuf_pool_abort(arg);
    return NULL;
}

static void test_pool_blocks_until_abort(void **state)
{
    (void)state;
    struct hf_rbuf_pool *p = hf_rbuf_pool_new(1, 1, 1);
    struct hf_rbuf *a = hf_rbuf_get(p, -1);
    assert_non_null(a);
    assert_null(hf_rbuf_get(p, 20)); /* times out */
    pthread_t th;
    pthread_create(&th, NULL, abort_later, p);
    assert_null(hf_rbuf_get(p, -1)); /* woken by the abort */
    pthread_join(th, NULL);
    hf_rbuf_release(a);             /* still goes home */
    assert_null(hf_rbuf_get(p, 0)); /* but the pool stays aborted */
    hf_rbuf_pool_destroy(p);
}

struct producer {
    struct hf_chan *c;
    atomic_int pushed;
};

static void *push_three(void *arg)
{
    struct producer *pr = arg;
    for (int i = 0; i < 3; i++) {
        struct hf_msg m = {.kind = HF_MSG_DATA, .input = 1};
        if (!hf_chan_push(pr->c, &m))
            break;
        atomic_fetch_add(&pr->pushed, 1);
    }
    return NULL;
}

static void test_chan_credit(void **state)
{
    (void)state;
    struct hf_chan c;
    assert_int_equal(hf_chan_init(&c, 2, 2), 0);
    struct producer pr = {.c = &c};
    pthread_t th;
    pthread_create(&th, NULL, push_three, &pr);
    struct timespec ts = {0, 50000000};
    nanosleep(&ts, NULL);
    assert_int_equal(atomic_load(&pr.pushed), 2); /* out of credit */
    /* Control messages pass, on that edge and the other. */
    struct hf_msg b = {.kind = HF_MSG_BARRIER, .input = 1, .ckpt_id = 4};
    struct hf_msg e = {.kind = HF_MSG_END, .input = 0};
    assert_true(hf_chan_push(&c, &b));
    assert_true(hf_chan_push(&c, &e));
    struct hf_msg m;
    assert_true(hf_chan_pop(&c, &m, 0, -1));
    assert_int_equal(m.kind, HF_MSG_DATA);
    nanosleep(&ts, NULL);
    assert_int_equal(atomic_load(&pr.pushed), 2); /* popped is not done */
    /* In arrival order; the first one's credit comes back with this pop. */
    assert_true(hf_chan_pop(&c, &m, 0, 1));
    assert_int_equal(m.kind, HF_MSG_DATA);
    pthread_join(th, NULL);
    assert_int_equal(atomic_load(&pr.pushed), 3);
    hf_chan_done(&c, 1);
    assert_true(hf_chan_pop(&c, &m, 0, -1));
    assert_int_equal(m.kind, HF_MSG_BARRIER);
    assert_int_equal(m.ckpt_id, 4);
    assert_true(hf_chan_pop(&c, &m, 0, -1));
    assert_int_equal(m.kind, HF_MSG_END);
    assert_int_equal(m.input, 0);
    assert_true(hf_chan_pop(&c, &m, 0, -1));
    assert_int_equal(m.kind, HF_MSG_DATA);
    assert_false(hf_chan_pop(&c, &m, 10, -1)); /* empty: times out */
    hf_chan_abort(&c);
    assert_false(hf_chan_push(&c, &e));
    assert_false(hf_chan_pop(&c, &m, -1, -1));
    hf_chan_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refs_and_parents),
        cmocka_unit_test(test_pool_blocks_until_abort),
        cmocka_unit_test(test_chan_credit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
