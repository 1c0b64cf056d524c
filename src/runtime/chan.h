/*
 * chan.h - a task's inbox: the receiving end of every edge into one task of
 * the graph, with a fixed credit per edge.
 *
 * Producers push messages tagged with the edge's input index; the task
 * pops them in arrival order. A data message takes one of its edge's
 * `credit` slots, given back by hf_chan_done() once the task has processed
 * it (not when it pops it: a message set aside while checkpoint barriers
 * are aligned still holds its slot). So each edge holds at most `credit`
 * batches, and a slow consumer blocks its producers (back-pressure) edge by
 * edge (a watermark counts as data). Barriers and end markers need no credit
 * and never block: the ring has room for two per edge beyond the credits, and
 * at most one checkpoint is in flight, so a producer can always put a barrier
 * behind its rows. hf_chan_abort() wakes everyone and makes every later call
 * fail, which is how a failing job stops the tasks.
 *
 * @locality any number of producer threads, one consumer thread; one mutex.
 */
#ifndef HF_RUNTIME_CHAN_H
#define HF_RUNTIME_CHAN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct hf_rbuf;

/* HF_MSG_WATERMARK carries event time (op.h): the producer's watermark
 * rose to `wm`, or (idle) the producer went idle, or (not idle, after an
 * idle one) it is active again. It takes a credit like data, so it never
 * overtakes rows and at most `credit` messages of any kind are queued or
 * set aside per edge. */
enum hf_msg_kind { HF_MSG_DATA, HF_MSG_BARRIER, HF_MSG_END, HF_MSG_WATERMARK };

struct hf_msg {
    enum hf_msg_kind kind;
    uint32_t input;       /* the edge's index in the receiving task */
    uint64_t ckpt_id;     /* HF_MSG_BARRIER */
    struct hf_rbuf *rows; /* HF_MSG_DATA: one reference, the receiver's */
    int64_t wm;           /* HF_MSG_WATERMARK: microseconds */
    bool idle;            /* HF_MSG_WATERMARK: the status is idle */
    bool proc;            /* HF_MSG_WATERMARK: processing-time progress
                             (op.h out->progress), not event time */
};

struct hf_chan {
    pthread_mutex_t lock;
    pthread_cond_t not_empty;
    pthread_cond_t space; /* a credit came back or the ring moved */
    struct hf_msg *ring;
    uint32_t cap, head, count;
    uint32_t ninputs, credit;
    uint32_t *inflight; /* per input: data messages not yet done */
    bool aborted;
};

/* An inbox for `ninputs` edges of `credit` batches each. 0, or -1 on out
 * of memory. */
int hf_chan_init(struct hf_chan *c, uint32_t ninputs, uint32_t credit);
void hf_chan_destroy(struct hf_chan *c);
/* Append `m` (copied); a data message first waits for a credit of its
 * edge. false if the inbox was aborted (the message was not taken). */
bool hf_chan_push(struct hf_chan *c, const struct hf_msg *m);
/* The oldest message into *m; waits up to `timeout_ms` (-1 = forever).
 * false on timeout or abort. With `done` >= 0, first does what
 * hf_chan_done(c, done) does, under the same lock (one lock per batch on
 * the consumer's side). */
bool hf_chan_pop(struct hf_chan *c, struct hf_msg *m, int timeout_ms,
                 int64_t done);
/* A data or watermark message of edge `input` is processed: its credit comes
 * back. */
void hf_chan_done(struct hf_chan *c, uint32_t input);
void hf_chan_abort(struct hf_chan *c);
/* Whether hf_chan_abort was called (tells a timeout of hf_chan_pop from
 * an abort). */
bool hf_chan_aborted(struct hf_chan *c);

#endif
