/*
 * test_exchange.c - key groups and the keyed exchange (state/state.h,
 * runtime/exchange.h): Flink's murmur of an int and its
 * KeyGroupRangeAssignment arithmetic (the key group ranges of instances
 * cover every group once, and a group's instance owns it); an exchange
 * sends each row to the instance owning its key group, keeps the order of
 * each key's rows, sends a batch whose rows all go to one instance whole,
 * and puts barriers and end markers behind every row on every target.
 * Threaded: two producers route into two consumers' inboxes at once (run
 * under ThreadSanitizer by `make check`); every row arrives exactly once,
 * at its owner, in its producer's order, and each consumer sees every
 * producer's barrier after the rows sent before it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/rbuf.h"
#include "core/rowcodec.h"
#include "ops/op.h"
#include "runtime/exchange.h"
#include "state/state.h"

/* ------------------------------------------------------------ fixtures */

/* A keyed operator class of the test: routes by column 0. */
static void key0(const struct hf_node *n, const struct hf_schema *in,
                 uint32_t port, const struct hf_value *row,
                 struct hf_strbuf *out)
{
    (void)n;
    (void)port;
    uint32_t c = 0;
    hf_row_encode_schema_cols(in, &c, row, 1, out);
}

static const struct hf_op_class keyed_class = {.name = "keyed",
                                               .route_key = key0};

static struct hf_column cols[2];
static struct hf_schema schema = {.ncols = 2, .cols = cols};
static struct hf_node node = {.kind = HF_NODE_OP, .op = &keyed_class};

static void setup_schema(void)
{
    cols[0].name = "k";
    cols[0].type = hf_type_make(HF_BIGINT);
    cols[1].name = "seq";
    cols[1].type = hf_type_make(HF_BIGINT);
    node.schema = &schema;
}

/* The instance owning key k among n of max parallelism m, computed apart
 * from the exchange. */
static uint32_t owner(int64_t k, uint32_t m, uint32_t n)
{
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    struct hf_value v = {.v.i = k};
    hf_row_encode(&cols[0].type, &v, 1, &sb);
    uint32_t kg = hf_state_key_group(hf_key_hash(sb.data, sb.len), m);
    hf_strbuf_free(&sb);
    return hf_state_kg_operator(kg, m, n);
}

static void add(struct hf_batch *b, int64_t k, int64_t seq)
{
    struct hf_value *v = hf_batch_add_row(b, HF_ROW_INSERT, seq);
    assert_non_null(v);
    v[0].null = v[1].null = false;
    v[0].v.i = k;
    v[1].v.i = seq;
}

/* ------------------------------------------------------------ arithmetic */

static void test_murmur_and_ranges(void **state)
{
    (void)state;
    /* Flink's MathUtils.murmurHash(int), values computed apart */
    assert_int_equal(hf_state_murmur(0), 593689054u);
    assert_int_equal(hf_state_murmur(1), 68075478u);
    assert_int_equal(hf_state_murmur(42), 1134849565u);
    assert_int_equal(hf_state_murmur(-1), 1982413648u);
    assert_int_equal(hf_state_murmur(12345), 638799361u);
    /* Flink's ranges: 128 groups over 3 instances */
    uint32_t f, l;
    hf_state_kg_range(128, 3, 0, &f, &l);
    assert_int_equal(f, 0);
    assert_int_equal(l, 42);
    hf_state_kg_range(128, 3, 1, &f, &l);
    assert_int_equal(f, 43);
    assert_int_equal(l, 85);
    hf_state_kg_range(128, 3, 2, &f, &l);
    assert_int_equal(f, 86);
    assert_int_equal(l, 127);
    /* every (max, n): the ranges tile [0, max) and agree with the
     * operator index of each group */
    const uint32_t maxes[] = {1, 2, 7, 128, 300, 32768};
    for (size_t a = 0; a < sizeof maxes / sizeof *maxes; a++) {
        uint32_t m = maxes[a];
        for (uint32_t n = 1; n <= m && n <= 17; n++) {
            uint32_t next = 0;
            for (uint32_t i = 0; i < n; i++) {
                hf_state_kg_range(m, n, i, &f, &l);
                assert_int_equal(f, next);
                assert_true(l >= f);
                for (uint32_t kg = f; kg <= l; kg++)
                    assert_int_equal(hf_state_kg_operator(kg, m, n), i);
                next = l + 1;
            }
            assert_int_equal(next, m);
        }
    }
}

/* ------------------------------------------------------------ routing */

static void test_split_order_broadcast(void **state)
{
    (void)state;
    setup_schema();
    enum { N = 3, ROWS = 200 };
    struct hf_chan ch[N];
    for (int i = 0; i < N; i++)
        assert_int_equal(hf_chan_init(&ch[i], 2, 8), 0);
    struct hf_exchange x;
    assert_int_equal(hf_exchange_init(&x, N, &node, &schema, 0, 128, 64, 8),
                     0);
    for (int i = 0; i < N; i++) {
        x.t[i].chan = &ch[i];
        x.t[i].input = 1; /* the producer is edge 1 of each inbox */
    }
    struct hf_rbuf_pool *src = hf_rbuf_pool_new(2, ROWS, 2);
    struct hf_rbuf *r = hf_rbuf_get(src, 0);
    for (int64_t s = 0; s < ROWS; s++)
        add(r->b, s % 17, s);
    assert_int_equal(hf_exchange_data(&x, r), 0);
    /* a batch of one key goes whole, as the same rbuf */
    struct hf_rbuf *one = hf_rbuf_get(src, 0);
    add(one->b, 5, ROWS);
    add(one->b, 5, ROWS + 1);
    assert_int_equal(hf_exchange_data(&x, one), 0);
    struct hf_msg bar = {.kind = HF_MSG_BARRIER, .ckpt_id = 7};
    assert_int_equal(hf_exchange_broadcast(&x, &bar), 0);
    struct hf_msg end = {.kind = HF_MSG_END};
    assert_int_equal(hf_exchange_broadcast(&x, &end), 0);
    hf_rbuf_release(r);
    hf_rbuf_release(one);
    assert_int_equal(x.batches_split, 1);

    int64_t last[17];
    for (int k = 0; k < 17; k++)
        last[k] = -1;
    int total = 0;
    for (int i = 0; i < N; i++) {
        bool barrier = false, ended = false;
        while (!ended) {
            struct hf_msg m;
            assert_true(hf_chan_pop(&ch[i], &m, 0, -1));
            assert_int_equal(m.input, 1);
            if (m.kind == HF_MSG_DATA) {
                assert_false(barrier); /* no row behind the barrier */
                const struct hf_batch *b = m.rows->b;
                if (b->nrows == 2 && hf_batch_row(b, 0)[1].v.i == ROWS)
                    assert_ptr_equal(m.rows, one);
                for (uint32_t j = 0; j < b->nrows; j++) {
                    const struct hf_value *v = hf_batch_row(b, j);
                    assert_int_equal(owner(v[0].v.i, 128, N), i);
                    assert_true(v[1].v.i > last[v[0].v.i]); /* key order */
                    last[v[0].v.i] = v[1].v.i;
                    assert_int_equal(b->origin[j], v[1].v.i);
                    total++;
                }
                hf_rbuf_release(m.rows);
                hf_chan_done(&ch[i], 1);
            } else if (m.kind == HF_MSG_BARRIER) {
                assert_int_equal(m.ckpt_id, 7);
                barrier = true;
            } else {
                assert_int_equal(m.kind, HF_MSG_END);
                assert_true(barrier);
                ended = true;
            }
        }
    }
    assert_int_equal(total, ROWS + 2);
    hf_exchange_destroy(&x);
    hf_rbuf_pool_destroy(src);
    for (int i = 0; i < N; i++)
        hf_chan_destroy(&ch[i]);
}

/* ------------------------------------------------------------ threads */

enum { P = 2, C = 2, KEYS = 50, BATCHES = 300, PER = 20, BARRIER_AT = 150 };

struct producer {
    int id;
    struct hf_chan *ch;
    int rc;
    /* freed by the test once the consumers released every batch */
    struct hf_exchange x;
    struct hf_rbuf_pool *pool;
};

static void *produce(void *arg)
{
    struct producer *p = arg;
    struct hf_exchange *xp = &p->x;
    p->pool = hf_rbuf_pool_new(2, PER, 4);
    if (p->pool == NULL ||
        hf_exchange_init(xp, C, &node, &schema, 0, 128, PER, 4) != 0) {
        p->rc = -1;
        return NULL;
    }
    for (int i = 0; i < C; i++) {
        xp->t[i].chan = &p->ch[i];
        xp->t[i].input = (uint32_t)p->id;
    }
    int64_t seq = 0;
    for (int b = 0; b < BATCHES && p->rc == 0; b++) {
        if (b == BARRIER_AT) {
            struct hf_msg m = {.kind = HF_MSG_BARRIER, .ckpt_id = 1};
            p->rc |= hf_exchange_broadcast(xp, &m);
        }
        struct hf_rbuf *r = hf_rbuf_get(p->pool, -1);
        for (int j = 0; j < PER; j++, seq++)
            add(r->b, (seq * 7 + p->id) % KEYS, seq);
        p->rc |= hf_exchange_data(xp, r);
        hf_rbuf_release(r);
    }
    struct hf_msg end = {.kind = HF_MSG_END};
    p->rc |= hf_exchange_broadcast(xp, &end);
    return NULL;
}

struct consumer {
    int id;
    struct hf_chan *ch;
    int64_t last[P][KEYS];
    int64_t rows, rows_before_barrier[P];
    bool barrier[P];
    int errors;
};

static void *consume(void *arg)
{
    struct consumer *c = arg;
    int open = P;
    for (int p = 0; p < P; p++)
        for (int k = 0; k < KEYS; k++)
            c->last[p][k] = -1;
    while (open > 0) {
        struct hf_msg m;
        if (!hf_chan_pop(c->ch, &m, 10000, -1)) {
            c->errors++;
            return NULL;
        }
        if (m.kind == HF_MSG_DATA) {
            const struct hf_batch *b = m.rows->b;
            for (uint32_t j = 0; j < b->nrows; j++) {
                const struct hf_value *v = hf_batch_row(b, j);
                int64_t k = v[0].v.i, s = v[1].v.i;
                if (owner(k, 128, C) != (uint32_t)c->id ||
                    s <= c->last[m.input][k])
                    c->errors++;
                if (c->barrier[m.input] &&
                    s < (int64_t)BARRIER_AT * PER) /* sent before it */
                    c->errors++;
                if (!c->barrier[m.input] && s >= (int64_t)BARRIER_AT * PER)
                    c->errors++;
                c->last[m.input][k] = s;
                c->rows++;
            }
            hf_rbuf_release(m.rows);
            hf_chan_done(c->ch, m.input);
        } else if (m.kind == HF_MSG_BARRIER) {
            c->barrier[m.input] = true;
        } else if (m.kind == HF_MSG_END) {
            open--;
        }
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    setup_schema();
    struct hf_chan ch[C];
    for (int i = 0; i < C; i++)
        assert_int_equal(hf_chan_init(&ch[i], P, 4), 0);
    struct producer prod[P];
    struct consumer *cons = calloc(C, sizeof *cons);
    pthread_t tp[P], tc[C];
    for (int i = 0; i < C; i++) {
        cons[i].id = i;
        cons[i].ch = &ch[i];
        assert_int_equal(pthread_create(&tc[i], NULL, consume, &cons[i]), 0);
    }
    for (int i = 0; i < P; i++) {
        prod[i] = (struct producer){.id = i, .ch = ch};
        assert_int_equal(pthread_create(&tp[i], NULL, produce, &prod[i]), 0);
    }
    for (int i = 0; i < P; i++) {
        pthread_join(tp[i], NULL);
        assert_int_equal(prod[i].rc, 0);
    }
    int64_t total = 0;
    for (int i = 0; i < C; i++) {
        pthread_join(tc[i], NULL);
        assert_int_equal(cons[i].errors, 0);
        for (int p = 0; p < P; p++)
            assert_true(cons[i].barrier[p]);
        total += cons[i].rows;
    }
    assert_int_equal(total, (int64_t)P * BATCHES * PER);
    assert_true(cons[0].rows > 0 && cons[1].rows > 0);
    for (int i = 0; i < P; i++) {
        hf_exchange_destroy(&prod[i].x);
        hf_rbuf_pool_destroy(prod[i].pool);
    }
    for (int i = 0; i < C; i++)
        hf_chan_destroy(&ch[i]);
    free(cons);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_murmur_and_ranges),
        cmocka_unit_test(test_split_order_broadcast),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
