/*
 * exchange.c - routing rows from one producer instance to the instances
 * of a consumer node by key group (exchange.h): the keyed split, the
 * broadcast of barriers, watermarks and end markers.
 */
#include "runtime/exchange.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/failpoint.h"
#include "core/rowcodec.h"
#include "ops/op.h"
#include "state/state.h"

#define KEY_MAX (64u << 20) /* a routing key longer than this: target 0 */

int hf_exchange_init(struct hf_exchange *x, uint32_t ntargets,
                     const struct hf_node *to, const struct hf_schema *in,
                     uint32_t port, uint32_t max_parallelism,
                     uint32_t batch_rows, uint32_t credit)
{
    memset(x, 0, sizeof *x);
    x->t = calloc(ntargets ? ntargets : 1, sizeof *x->t);
    if (x->t == NULL)
        return -1;
    x->ntargets = ntargets;
    x->to = ntargets > 1 ? to : NULL;
    x->in = in;
    x->port = port;
    x->max_parallelism = max_parallelism ? max_parallelism : 128;
    hf_strbuf_init(&x->key, KEY_MAX);
    if (x->to == NULL)
        return 0;
    for (uint32_t i = 0; i < ntargets; i++) {
        x->t[i].pool = hf_rbuf_pool_new(in->ncols, batch_rows, credit);
        if (x->t[i].pool == NULL)
            return -1;
    }
    return 0;
}

void hf_exchange_destroy(struct hf_exchange *x)
{
    if (x == NULL || x->t == NULL)
        return;
    for (uint32_t i = 0; i < x->ntargets; i++)
        hf_rbuf_pool_destroy(x->t[i].pool);
    free(x->t);
    free(x->dest);
    hf_strbuf_free(&x->key);
    memset(x, 0, sizeof *x);
}

void hf_exchange_abort(struct hf_exchange *x)
{
    for (uint32_t i = 0; x->t && i < x->ntargets; i++)
        if (x->t[i].pool)
            hf_rbuf_pool_abort(x->t[i].pool);
}

uint32_t hf_exchange_route(struct hf_exchange *x, const struct hf_value *row)
{
    if (x->to == NULL)
        return 0;
    hf_strbuf_reset(&x->key);
    x->to->op->route_key(x->to, x->in, x->port, row, &x->key);
    /* A key that does not encode (past KEY_MAX) fails in the operator;
     * any one instance will report it. */
    if (!hf_strbuf_ok(&x->key))
        return 0;
    uint32_t kg = hf_state_key_group(
        hf_key_hash(x->key.data ? x->key.data : "", x->key.len),
        x->max_parallelism);
    return hf_state_kg_operator(kg, x->max_parallelism, x->ntargets);
}

static int push(struct hf_exchange *x, uint32_t d, struct hf_rbuf *r)
{
    struct hf_msg m = {
        .kind = HF_MSG_DATA, .input = x->t[d].input, .rows = r};
    if (!hf_chan_push(x->t[d].chan, &m)) {
        hf_rbuf_release(r);
        return -1;
    }
    return 0;
}

/* The rows of `rows` bound for target d, in order, as a batch of the
 * target's pool pointing into `rows`. */
static int send_part(struct hf_exchange *x, struct hf_rbuf *rows, uint32_t d)
{
    const struct hf_batch *b = rows->b;
    struct hf_rbuf *r = hf_rbuf_get(x->t[d].pool, -1);
    if (r == NULL)
        return -1; /* aborted */
    r->b->src_name = b->src_name;
    r->b->src_part = b->src_part;
    for (uint32_t i = 0; i < b->nrows; i++) {
        if (x->dest[i] != d)
            continue;
        struct hf_value *v = hf_batch_add_row(
            r->b, (enum hf_rowkind)b->kinds[i], b->origin ? b->origin[i] : -1);
        if (v == NULL) {
            hf_rbuf_release(r);
            return -1;
        }
        memcpy(v, hf_batch_row(b, i), b->ncols * sizeof *v);
    }
    hf_rbuf_set_parent(r, rows);
    return push(x, d, r);
}

/* Failpoint exchange.delay: the batch waits EXCHANGE_DELAY_MS before it
 * goes on, as if its edge were full (back-pressure), with the producer
 * blocked behind it. */
#define EXCHANGE_DELAY_MS 2500

int hf_exchange_data(struct hf_exchange *x, struct hf_rbuf *rows)
{
    const struct hf_batch *b = rows->b;
    if (hf_failpoint("exchange.delay")) {
        struct timespec d = {EXCHANGE_DELAY_MS / 1000,
                             (EXCHANGE_DELAY_MS % 1000) * 1000000L};
        while (nanosleep(&d, &d) != 0)
            ;
    }
    uint32_t one = 0;
    bool split = false;
    if (x->to != NULL && b->nrows > 0) {
        if (b->nrows > x->destcap) {
            uint32_t *v = realloc(x->dest, b->nrows * sizeof *v);
            if (v == NULL)
                return -1;
            x->dest = v;
            x->destcap = b->nrows;
        }
        for (uint32_t i = 0; i < b->nrows; i++) {
            x->dest[i] = hf_exchange_route(x, hf_batch_row(b, i));
            if (i == 0)
                one = x->dest[0];
            else if (x->dest[i] != one)
                split = true;
        }
        x->rows_routed += b->nrows;
    }
    if (!split) {
        hf_rbuf_ref(rows);
        return push(x, one, rows);
    }
    x->batches_split++;
    for (uint32_t d = 0; d < x->ntargets; d++) {
        bool any = false;
        for (uint32_t i = 0; i < b->nrows && !any; i++)
            any = x->dest[i] == d;
        if (any && send_part(x, rows, d) != 0)
            return -1;
    }
    return 0;
}

int hf_exchange_broadcast(struct hf_exchange *x, const struct hf_msg *m)
{
    for (uint32_t d = 0; d < x->ntargets; d++) {
        struct hf_msg c = *m;
        c.input = x->t[d].input;
        if (!hf_chan_push(x->t[d].chan, &c))
            return -1;
    }
    return 0;
}
