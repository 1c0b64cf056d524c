/*
 * runtime.c - running the operator graph of a job: tasks (threads), edges,
 * aligned checkpoint barriers and the checkpoint coordinator.
 *
 * Tasks. Every node of the graph runs in exactly one task, one thread:
 *
 *   - every source node heads a source task, which reads its table;
 *   - a chainable operator (calc: one input, no state) runs in the task of
 *     its input, as a plain function call: after a source, in the
 *     source's thread, once per branch when the source feeds several;
 *   - every other operator (union, later joins) heads a task of its own,
 *     fed through edges;
 *   - a sink runs in the task of its input when that task is headed by an
 *     operator and nothing in it has a second consumer (union -> sink:
 *     the union runs in the sink's thread); otherwise it heads a task of
 *     its own. A sink never shares a thread with a source or another sink.
 *
 * So "source -> calc -> sink" is two threads, as before the graph: the
 * source reads and projects, the sink writes.
 *
 * Instances (parallelism.default = N > 1, docs/parallelism.md). A keyed
 * operator (op.h route_key) runs N instances, each the head of a task of
 * its own and owning Flink's range of key groups for its index; a
 * replicable chained operator (calc, window-tvf) after it runs once per
 * instance, in that instance's task; everything else runs once. Every
 * instance of a producer reaches every instance of a consumer across an
 * exchange (exchange.h): rows by key group when the consumer has several
 * instances, barriers, watermarks and end markers to all. So a task's
 * inbox has one edge (channel) per producer instance and port; alignment,
 * the watermark minimum and the end of a port count channels. A sink (one
 * instance) after parallel instances heads a task of its own.
 *
 * Edges. Where a node's consumer runs in another task, batches travel
 * through that task's inbox (chan.h): at most holoflow.queue.batches + 2
 * unprocessed batches per edge, so a slow sink blocks the sources upstream
 * of it (and with them the other branches they feed).
 *
 * Batch ownership (core/rbuf.h). A batch is written only by the thread
 * that took it from its pool, before it is first handed on; from then on
 * every holder only reads it, so two sinks may read one batch at once. A
 * call lends a batch (emit, process, sink_write borrow it); whatever keeps
 * it past the call holds a reference: an edge takes one per message,
 * dropped by the consumer once processed. A projected batch whose strings
 * point into its input holds a reference on the input (its parent); an
 * identity calc emits its input itself. The last release returns a batch
 * to its fixed pool (every source and copying operator owns one of
 * holoflow.queue.batches + 2 batches), the other bound on memory.
 *
 * Checkpoints (the contract of ARCHITECTURE.md, Flink's checkpoint and
 * notifyCheckpointComplete). The coordinator (the thread in
 * hf_runtime_run) raises the requested checkpoint id, every
 * execution.checkpointing.interval in streaming mode and at most one at a
 * time (the next only after the previous completed). Each source task,
 * between reads, snapshots its position (source_checkpoint) and puts a
 * barrier behind the rows it has emitted, on every edge it feeds. A task
 * with several inputs aligns: on barrier N from input i it sets aside what
 * input i sends next until barrier N came on every input that has not
 * ended (an ended input counts as aligned); then it snapshots its
 * operators, flushes its sink and forwards the barrier. Every task then
 * acknowledges N. When every task has acknowledged N (or finished), N is
 * complete and the sources commit their positions of N (source_commit):
 * a position is committed only after every sink has made durable every
 * row before it. checkpoint_now (a Kafka revoke) requests a checkpoint at
 * once from the source's thread and waits for it to complete.
 *
 * Event time (Flink's watermarks). A source whose table has a WATERMARK
 * evaluates its expression for every row and keeps, per split (Kafka
 * partition, file), the largest value seen; every
 * pipeline.auto-watermark-interval (0: after every batch) it emits the
 * minimum over its splits when that rose. A split that gave no row for
 * table.exec.source.idle-timeout is idle and left out; when all are, the
 * source sends "idle" (downstream stops waiting for it) until a row comes.
 * A bounded source emits the largest watermark (WM_MAX) at its end, which
 * fires every window. Watermarks travel like rows (in order with them,
 * chained as calls, through edges as messages taking a credit). A node's
 * watermark is the minimum over its inputs that are neither idle nor
 * ended (all idle: the largest of theirs, then idle itself); when it
 * rises, an operator with a watermark hook fires what it completes, then
 * the watermark goes on. Sinks ignore watermarks. In batch mode only the
 * final WM_MAX is sent. Splits that go idle at one tick are taken as going
 * idle one after the other, in the order of their last rows: the last
 * one's watermark goes out before the source turns idle (so an empty
 * partition idling with a quiet one does not keep that one's watermark in).
 *
 * Timers (processing time, op.h next_timer/on_timer). Before a task fed by
 * edges waits for its next message, it asks its operators for their
 * earliest timer and waits on its inbox at most until then (a timed wait,
 * at most a second before the clock is read again); a due timer fires
 * between messages, whether or not any came, on the task's thread, and
 * what it emits flows like any other output. A source task serves the
 * timers of the operators chained after it between reads (a Kafka read
 * waits for data at most about 100 ms, so such a timer is that late) and
 * while its throttle wait lasts (between the wait's slices); a read that
 * blocks longer (a Kafka rebalance's broker calls, a slow scan query)
 * delays them by as much.
 * Timers stop when the task's inputs have all ended (Flink fires no
 * processing-time timer after the end of input).
 *
 * Processing-time progress (op.h out->progress). An operator that stamps
 * processing time (a window TVF over PROCTIME(): proc_marks) sends marks
 * behind its rows and from its timer; they travel like watermarks (chained
 * as calls, through edges as messages behind the rows, broadcast by an
 * exchange), and a node's progress is the minimum over its input channels
 * that carry marks (a channel from a part of the graph without a stamping
 * operator is left out; an ended one too). Marks travel only the edges
 * that lead to an operator firing on them (op.h proc_progress), not on to
 * the sinks. A processing-time window
 * aggregate fires on that progress, not on its own clock, so rows held in
 * an edge (back-pressure) when the clock passed their window's end still
 * count: the mark that fires the window comes behind them.
 *
 * The end. A bounded source at its end, and every source on a stop
 * request, sends an end marker instead of rows; a node whose inputs have
 * all ended ends too (a sink flushes a last time) and its task finishes. A
 * source that has ended stays open until a checkpoint taken after its end
 * completes, then commits that final position and closes: the next
 * periodic one, or, once every sink has finished, a final one the
 * coordinator raises at once. In batch mode that final checkpoint is the
 * only one.
 *
 * Start: every sink (and operator) of the job opens before any source
 * opens, so a sink that refuses at open fails the whole job before
 * anything, in any table, is written. A failure in any task records the
 * first error, marks the job failed and aborts every inbox and pool,
 * which wakes and ends all tasks without a final flush or commit (a
 * restart replays from the last committed position).
 *
 * State (state/state.h, docs/state.md). The runtime opens the job's state
 * backend (state.backend.type, state.checkpoints.dir, ...) and restores
 * the newest complete checkpoint. Every node has a uid that is stable
 * across runs of the same job ("n4-group-aggregate", "n1-source-orders");
 * an operator opens its states through env->open_state, the runtime
 * snapshots them behind the operator's snapshot() at every aligned
 * barrier and closes them after close(). Each source's position is taken
 * with source_position after source_checkpoint; when the coordinator sees
 * checkpoint N complete it first makes the backend's checkpoint durable
 * (hf_state_backend_complete, with every source's position) and only then
 * publishes N as complete, so no source commits (Kafka offsets) before
 * the state and positions that go with it are on disk. Checkpoint ids
 * given to the backend continue after the restored one (restored id +
 * the run's own id). A source opens with the position stored for its uid
 * (ctx->restore_pos). In batch mode state is never checkpointed.
 */
#include "runtime/runtime.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/failpoint.h"
#include "core/log.h"
#include "core/rbuf.h"
#include "ops/lookup_join.h"
#include "metrics/ckpt_metrics.h"
#include "metrics/lag_parts.h"
#include "ops/op.h"
#include "runtime/chan.h"
#include "runtime/exchange.h"
#include "runtime/throttle.h"
#include "state/state.h"
#include "sql/expr.h"

struct task;

/* One consumer of a node instance: in the same task (a call to `to`'s
 * input `port`) or, x set, across the edges of an exchange to every
 * instance of the consumer (exchange.h). */
struct route {
    struct rnode *to; /* the consumer when chained */
    uint32_t port;    /* which input of `to` (chained: also its channel) */
    struct hf_exchange *x; /* NULL: chained (owned) */
    bool pt; /* processing-time progress travels it (pt_carry, pt_need) */
};

/* A node at run time. `out` comes first: operators emit through it. */
struct rnode {
    struct hf_op_out out;
    const struct hf_node *n;
    struct hf_runtime *rt;
    struct task *task;
    struct route *routes;
    uint32_t nroutes;
    uint32_t nconsumers; /* in the graph */
    uint32_t open_inputs; /* ports not yet ended */
    uint32_t subtask;     /* which instance of its graph node */
    /* Input channels: a chained node has one per port; a task's head one
     * per edge into its inbox (several per port when the producer runs in
     * parallel). in_port maps a channel to its port; port_open counts a
     * port's channels not yet ended. */
    uint32_t nin;
    uint32_t *in_port;
    uint32_t *port_open;
    void *state; /* connector or operator state; NULL when not open */
    bool opened;
    struct hf_rbuf_pool *pool;   /* sources: read batches; operators: output */
    struct hf_table_stats stats; /* sources and sinks */
    struct hf_run_ctx ctx;       /* sources and sinks */
    char uid[128];               /* stable across runs (state, positions) */
    struct hf_state **states;    /* operators: what open_state opened */
    uint32_t nstates;
    struct hf_strbuf pos; /* sources: the position of the last snapshot */
    bool has_pos;
    /* Event time: per input channel, its watermark and whether it is
     * idle or ended; the node's own watermark (the last forwarded) and
     * status. */
    int64_t *in_wm;
    uint8_t *in_status; /* WM_ACTIVE, WM_IDLE, WM_ENDED */
    int64_t wm;
    int64_t wm_sent; /* the largest watermark forwarded (not idle) */
    bool idle;
    /* Processing-time progress: per input channel its last mark and
     * whether it carries marks (PT_OPEN; PT_NONE: its producer never sends
     * any; PT_ENDED), the node's own progress (the last forwarded), and
     * whether the node makes its own marks (op.h proc_marks). */
    int64_t *in_pt;
    uint8_t *in_pt_st;
    int64_t pt;
    bool pt_src;
};

/* One split of a source with a WATERMARK (see "event time"). */
struct wsplit {
    int32_t id;
    int64_t max;       /* the largest watermark expression value; WM_NONE */
    int64_t last_usec; /* when it last gave a row (or was assigned) */
    bool idle;
    bool finished; /* read to its end or revoked: left out for good */
};

/* One input edge (channel) of a task, feeding port `port` of its head. */
struct tinput {
    uint32_t port;
    bool ended, blocked;
    struct hf_msg *pending; /* set aside while blocked (a ring) */
    uint32_t phead, pcount, pcap;
};

struct task {
    struct hf_runtime *rt;
    bool is_source;
    struct rnode *head;
    struct rnode **members; /* head first, then chained nodes in id order */
    uint32_t nmembers;
    bool has_sink;
    pthread_t th;
    bool started;
    /* Tasks fed by edges. */
    struct hf_chan inbox;
    struct tinput *inputs; /* one per input of the head */
    uint32_t ninputs, nopen, nblocked;
    uint64_t aligning; /* the barrier being aligned */
    int64_t done;      /* input of a processed data message whose credit
                          goes back with the next pop; -1 = none */
    /* Checkpoints: the last acknowledged id; finished = nothing more to
     * acknowledge (counts as every id). */
    atomic_uint_fast64_t acked;
    atomic_int finished;
    /* Source tasks: the last snapshot and the last commit. */
    uint64_t last_snap, committed;
    /* Source tasks of a table with a WATERMARK: its splits. */
    struct wsplit *splits;
    uint32_t nsplits, splitcap;
    int64_t wm_next_usec; /* the next periodic emission */
    /* Source tasks: the source's bytes_in already taken from the
     * throttle's bucket; for a source that does not count its bytes
     * (connector without HF_CONN_COUNTS_BYTES), DataX's byte size of the
     * rows it passed on, counted when the job wants bytes (rt->row_bytes). */
    uint64_t th_bytes;
    atomic_uint_fast64_t row_bytes;
    /* Source tasks: when the source reached its end (or stopped), 0
     * before; read after the task's thread was joined. */
    int64_t end_usec;
    struct hf_error err;
};

struct hf_runtime {
    struct hf_job *job;
    bool batch_mode;
    int64_t ckpt_interval_ms;
    uint32_t batch_rows;
    uint32_t credit; /* batches per edge and per pool */
    bool drop_null_violations;
    int64_t wm_interval_usec; /* pipeline.auto-watermark-interval */
    int64_t idle_usec;        /* table.exec.source.idle-timeout; 0 = off */
    struct rnode *nodes;      /* every instance of every graph node */
    uint32_t nnodes;          /* instances */
    /* Per graph node: its instances nodes[first[id] .. first[id] +
     * par[id]); parallelism.default for keyed operators (op.h route_key),
     * the parallelism of its input for a replicable chained operator, else
     * 1. */
    uint32_t *first, *par;
    /* Per graph node: its output carries processing-time progress (it, or
     * a node before it, stamps processing time: op.h proc_marks, and a
     * node after it uses it); its inputs take progress (it fires on it,
     * op.h proc_progress, or passes it on to a node after it that does). */
    bool *pt_carry, *pt_need;
    uint32_t parallelism;
    struct task **tasks;
    uint32_t ntasks, nconsumer_tasks;
    /* The coordinator's state, under ck_lock; ck_cond is broadcast on
     * every change (a raise, an acknowledgement, a task finishing, a
     * failure). requested and completed are also read without the lock. */
    pthread_mutex_t ck_lock;
    pthread_cond_t ck_cond;
    atomic_uint_fast64_t requested;
    atomic_uint_fast64_t completed;
    uint32_t nopened; /* tasks fed by edges whose nodes are open */
    pthread_mutex_t err_lock;
    struct hf_error err;
    atomic_int failed;
    int64_t started_usec;
    int64_t ended_usec;
    /* Keyed state and checkpoints; ids given to the backend are
     * ckpt_base + the run's id. */
    struct hf_state_backend *state;
    bool durable; /* state.checkpoints.dir set: checkpoints are kept */
    uint64_t ckpt_base;
    uint32_t max_parallelism;
    struct hf_error ck_err; /* the backend's completion failed */
    bool ck_failed;
    struct hf_ckpt_metrics ckm; /* for metrics/ (hf_runtime_ckpt_metrics) */
    /* holoflow.throttle.*: the bucket every source task takes from; NULL
     * when no limit is set (the source loop then never looks). */
    struct hf_throttle *throttle;
    /* Count the rows' byte size for sources that do not count their bytes
     * (a byte limit, or hf_job.count_row_bytes: holoflow sync's report). */
    bool row_bytes;
    /* When every task fed by edges (every sink) had finished, its final
     * flush (a bulk load's COMMIT) done; 0 until then. */
    int64_t sinks_done_usec;
};

/* ------------------------------------------------------------ helpers */

/* Failpoint source.stall: how long the source read stalls (ms). */
#define SOURCE_STALL_MS 2500

static int64_t mono_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static bool job_failed(const struct hf_runtime *rt)
{
    return atomic_load(&rt->failed) != 0;
}

static void wake_all(struct hf_runtime *rt)
{
    pthread_mutex_lock(&rt->ck_lock);
    pthread_cond_broadcast(&rt->ck_cond);
    pthread_mutex_unlock(&rt->ck_lock);
}

/* Record the first failure of the job and stop every task. */
static void fail(struct hf_runtime *rt, const struct hf_error *err)
{
    pthread_mutex_lock(&rt->err_lock);
    if (!hf_error_is_set(&rt->err))
        rt->err = *err;
    pthread_mutex_unlock(&rt->err_lock);
    atomic_store(&rt->failed, 1);
    for (uint32_t i = 0; i < rt->ntasks; i++)
        if (!rt->tasks[i]->is_source)
            hf_chan_abort(&rt->tasks[i]->inbox);
    for (uint32_t i = 0; i < rt->nnodes; i++) {
        if (rt->nodes[i].pool)
            hf_rbuf_pool_abort(rt->nodes[i].pool);
        for (uint32_t k = 0; k < rt->nodes[i].nroutes; k++)
            if (rt->nodes[i].routes[k].x)
                hf_exchange_abort(rt->nodes[i].routes[k].x);
    }
    wake_all(rt);
}

/* A task's own failure: its error (if it has one; a task that only saw
 * the job abort has none) becomes the job's. */
static void task_fail(struct task *t)
{
    if (hf_error_is_set(&t->err))
        fail(t->rt, &t->err);
}

static void ack(struct task *t, uint64_t id)
{
    pthread_mutex_lock(&t->rt->ck_lock);
    atomic_store(&t->acked, id);
    pthread_cond_broadcast(&t->rt->ck_cond);
    pthread_mutex_unlock(&t->rt->ck_lock);
}

static void set_finished(struct task *t)
{
    pthread_mutex_lock(&t->rt->ck_lock);
    atomic_store(&t->finished, 1);
    pthread_cond_broadcast(&t->rt->ck_cond);
    pthread_mutex_unlock(&t->rt->ck_lock);
}

/* ------------------------------------------------------------ data path */

/* Event time (below): no watermark yet, the end of time, input status. */
#define WM_NONE INT64_MIN
#define WM_MAX INT64_MAX
enum { WM_ACTIVE, WM_IDLE, WM_ENDED };
enum { PT_NONE, PT_OPEN, PT_ENDED };
static int wm_update(struct rnode *n, struct hf_error *err);
static int pt_update(struct rnode *n, struct hf_error *err);

static int wm_release(struct rnode *n, struct hf_error *err);
static int deliver(struct rnode *n, uint32_t port, struct hf_rbuf *rows,
                   struct hf_error *err);

/* Lend `rows` to every consumer of `n`. */
static int emit_routes(struct rnode *n, struct hf_rbuf *rows,
                       struct hf_error *err)
{
    for (uint32_t i = 0; i < n->nroutes; i++) {
        struct route *r = &n->routes[i];
        if (r->x == NULL) {
            if (deliver(r->to, r->port, rows, err) != 0)
                return -1;
            continue;
        }
        if (hf_exchange_data(r->x, rows) != 0)
            return -1; /* aborted */
    }
    return 0;
}

static int op_emit(struct hf_op_out *out, struct hf_rbuf *rows,
                   struct hf_error *err)
{
    atomic_fetch_add(&((struct rnode *)out)->stats.rows_out, /* metrics/ */
                     rows->b->nrows);
    return emit_routes((struct rnode *)out, rows, err);
}

/* `n` consumes `rows` (borrowed) on input `port`. */
static int deliver(struct rnode *n, uint32_t port, struct hf_rbuf *rows,
                   struct hf_error *err)
{
    if (n->n->kind == HF_NODE_SINK) {
        const struct hf_table_def *t = n->n->table;
        atomic_fetch_add(&n->stats.rows_in, rows->b->nrows);
        if (t->connector->sink_write(n->state, rows->b, err) != 0) {
            hf_error_prefix(err, "sink '%s': ", t->name);
            return -1;
        }
        return 0;
    }
    atomic_fetch_add(&n->stats.rows_in, rows->b->nrows); /* metrics/ */
    if (n->n->op->process(n->state, port, rows, &n->out, err) != 0)
        return -1;
    return wm_release(n, err);
}

static int forward_barrier(struct rnode *n, uint64_t id, struct hf_error *err);

/* Barrier `id` reached node `n` (aligned, if it has several inputs):
 * snapshot or flush, then forward it. */
static int barrier_node(struct rnode *n, uint64_t id, struct hf_error *err)
{
    if (n->n->kind == HF_NODE_SINK) {
        const struct hf_table_def *t = n->n->table;
        if (t->connector->sink_flush &&
            t->connector->sink_flush(n->state, err) != 0) {
            hf_error_prefix(err, "sink '%s': ", t->name);
            return -1;
        }
    } else if (n->n->kind == HF_NODE_OP) {
        /* The pause a checkpoint costs this operator (its own snapshot and
         * writing its states), logged for bench/aggregate.sh. */
        int64_t t0 = n->nstates ? mono_usec() : 0;
        uint64_t entries = 0, bytes = 0;
        if (n->n->op->snapshot &&
            (n->n->op->snapshot(n->state, id, &n->out, err) != 0 ||
             wm_release(n, err) != 0))
            return -1;
        for (uint32_t i = 0; i < n->nstates; i++) {
            uint64_t e, sz;
            if (hf_state_snapshot(n->states[i], n->rt->ckpt_base + id, err) !=
                0)
                return -1;
            /* after the snapshot: a rocksdb state takes the counts its
             * snapshot's scan made (no second scan) */
            hf_state_usage(n->states[i], &e, &sz);
            entries += e;
            bytes += sz;
        }
        if (n->nstates) { /* metrics/ */
            hf_gauge_set(&n->stats.state_entries, (int64_t)entries);
            hf_gauge_set(&n->stats.state_bytes, (int64_t)bytes);
            atomic_store(&n->stats.has_state, 1);
        }
        if (n->nstates)
            hf_log_debug("checkpoint %" PRIu64 ": %s paused %.3f ms to "
                         "snapshot %" PRIu64 " state entries",
                         n->rt->ckpt_base + id, n->uid,
                         (double)(mono_usec() - t0) / 1000.0, entries);
    }
    return forward_barrier(n, id, err);
}

/* Put barrier `id` behind every row n has emitted, on every consumer. */
static int forward_barrier(struct rnode *n, uint64_t id, struct hf_error *err)
{
    for (uint32_t i = 0; i < n->nroutes; i++) {
        struct route *r = &n->routes[i];
        if (r->x == NULL) {
            if (barrier_node(r->to, id, err) != 0)
                return -1;
            continue;
        }
        struct hf_msg m = {.kind = HF_MSG_BARRIER, .ckpt_id = id};
        if (hf_exchange_broadcast(r->x, &m) != 0)
            return -1;
    }
    return 0;
}

static int end_node(struct rnode *n, struct hf_error *err);

/* Input channel `ch` of `n` has ended; its port ends with its last
 * channel. */
static int end_input(struct rnode *n, uint32_t ch, struct hf_error *err)
{
    if (n->n->kind != HF_NODE_SINK && n->in_status[ch] != WM_ENDED) {
        /* An ended input no longer holds the watermark back. */
        n->in_status[ch] = WM_ENDED;
        if (n->nin > 1 && wm_update(n, err) != 0)
            return -1;
    }
    if (n->n->kind != HF_NODE_SINK && n->in_pt_st[ch] == PT_OPEN) {
        n->in_pt_st[ch] = PT_ENDED;
        if (n->nin > 1 && pt_update(n, err) != 0)
            return -1;
    }
    uint32_t port = n->in_port[ch];
    if (n->port_open[port] > 0 && --n->port_open[port] > 0)
        return 0;
    if (n->n->kind == HF_NODE_OP && n->n->op->end_input &&
        (n->n->op->end_input(n->state, port, &n->out, err) != 0 ||
         wm_release(n, err) != 0))
        return -1;
    if (n->open_inputs > 0 && --n->open_inputs == 0)
        return end_node(n, err);
    return 0;
}

/* Every input of `n` has ended (or `n` is a source at its end): a sink
 * flushes a last time; the end goes on to every consumer. */
static int end_node(struct rnode *n, struct hf_error *err)
{
    if (n->n->kind == HF_NODE_SINK) {
        const struct hf_table_def *t = n->n->table;
        if (t->connector->sink_flush &&
            t->connector->sink_flush(n->state, err) != 0) {
            hf_error_prefix(err, "sink '%s': ", t->name);
            return -1;
        }
    }
    for (uint32_t i = 0; i < n->nroutes; i++) {
        struct route *r = &n->routes[i];
        if (r->x == NULL) {
            if (end_input(r->to, r->port, err) != 0)
                return -1;
            continue;
        }
        struct hf_msg m = {.kind = HF_MSG_END};
        if (hf_exchange_broadcast(r->x, &m) != 0)
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ event time */

static int wm_input(struct rnode *n, uint32_t port, int64_t wm, bool idle,
                    struct hf_error *err);

/* Send n's watermark `wm` (or its idle/active status) to its consumers. */
static int wm_forward(struct rnode *n, int64_t wm, bool idle,
                      struct hf_error *err)
{
    if (!idle && wm > n->wm_sent)
        n->wm_sent = wm;
    if (!idle) { /* metrics/ */
        atomic_store(&n->stats.watermark, wm);
        atomic_store(&n->stats.has_watermark, 1);
    }
    for (uint32_t i = 0; i < n->nroutes; i++) {
        struct route *r = &n->routes[i];
        if (r->x == NULL) {
            if (wm_input(r->to, r->port, wm, idle, err) != 0)
                return -1;
            continue;
        }
        struct hf_msg m = {.kind = HF_MSG_WATERMARK, .wm = wm, .idle = idle};
        if (hf_exchange_broadcast(r->x, &m) != 0)
            return -1;
    }
    return 0;
}

/* The watermark n forwards for its own `wm` (an operator may hold it
 * back: op.h's watermark_out). */
static int64_t wm_out(const struct rnode *n, int64_t wm)
{
    if (n->n->kind == HF_NODE_OP && n->n->op->watermark_out && wm != WM_NONE)
        return n->n->op->watermark_out(n->state, wm);
    return wm;
}

/* After n's operator emitted rows (process, on_timer, end_input, a
 * snapshot): the watermark it held back may go on now (a lookup join's
 * rows set aside went out), the final WM_MAX included, behind them. */
static int wm_release(struct rnode *n, struct hf_error *err)
{
    if (n->n->kind != HF_NODE_OP || n->n->op->watermark_out == NULL ||
        n->state == NULL || n->wm == WM_NONE)
        return 0;
    int64_t v = n->n->op->watermark_out(n->state, n->wm);
    if (v <= n->wm_sent)
        return 0;
    if (wm_forward(n, v, false, err) != 0)
        return -1;
    return n->idle ? wm_forward(n, v, true, err) : 0;
}

/* n's watermark rises to `wm`: its operator fires, then it goes on. */
static int wm_advance(struct rnode *n, int64_t wm, struct hf_error *err)
{
    n->wm = wm;
    if (n->n->kind == HF_NODE_OP && n->n->op->watermark &&
        n->n->op->watermark(n->state, wm, &n->out, err) != 0)
        return -1;
    return wm_forward(n, wm_out(n, wm), false, err);
}

/* Recompute n's watermark and status from its inputs'. */
static int wm_update(struct rnode *n, struct hf_error *err)
{
    int64_t low = WM_MAX, high = WM_NONE;
    bool active = false, open = false;
    for (uint32_t i = 0; i < n->nin; i++) {
        if (n->in_status[i] == WM_ENDED)
            continue;
        open = true;
        if (n->in_status[i] == WM_IDLE) {
            if (n->in_wm[i] > high)
                high = n->in_wm[i];
            continue;
        }
        active = true;
        if (n->in_wm[i] < low)
            low = n->in_wm[i];
    }
    if (!open)
        return 0; /* the end follows */
    if (!active) {
        /* Flink's valve: the largest watermark of the idle inputs, then
         * idle itself. */
        if (high > n->wm && wm_advance(n, high, err) != 0)
            return -1;
        if (!n->idle) {
            n->idle = true;
            return wm_forward(n, wm_out(n, n->wm), true, err);
        }
        return 0;
    }
    if (n->idle) {
        n->idle = false;
        if (wm_forward(n, wm_out(n, n->wm), false, err) != 0)
            return -1;
    }
    return low > n->wm && low != WM_NONE ? wm_advance(n, low, err) : 0;
}

/* Input channel `ch` of n got watermark `wm`, or went idle, or active
 * again. */
static int wm_input(struct rnode *n, uint32_t ch, int64_t wm, bool idle,
                    struct hf_error *err)
{
    if (n->n->kind == HF_NODE_SINK || n->in_status[ch] == WM_ENDED)
        return 0;
    if (idle) {
        n->in_status[ch] = WM_IDLE;
    } else {
        n->in_status[ch] = WM_ACTIVE;
        if (wm > n->in_wm[ch])
            n->in_wm[ch] = wm;
    }
    return wm_update(n, err);
}

/* ------------------------------------------------------- processing time */

static int pt_input(struct rnode *n, uint32_t ch, int64_t t,
                    struct hf_error *err);

/* Send n's processing-time progress `t` to its consumers. */
static int pt_forward(struct rnode *n, int64_t t, struct hf_error *err)
{
    for (uint32_t i = 0; i < n->nroutes; i++) {
        struct route *r = &n->routes[i];
        if (!r->pt)
            continue;
        if (r->x == NULL) {
            if (pt_input(r->to, r->port, t, err) != 0)
                return -1;
            continue;
        }
        struct hf_msg m = {.kind = HF_MSG_WATERMARK, .wm = t, .proc = true};
        if (hf_exchange_broadcast(r->x, &m) != 0)
            return -1;
    }
    return 0;
}

/* Recompute n's progress from its inputs' (a node that makes its own
 * marks ignores theirs): when it rises, the operator fires, then it goes
 * on. */
static int pt_update(struct rnode *n, struct hf_error *err)
{
    if (n->pt_src)
        return 0;
    int64_t low = WM_MAX;
    bool open = false;
    for (uint32_t i = 0; i < n->nin; i++) {
        if (n->in_pt_st[i] != PT_OPEN)
            continue;
        open = true;
        if (n->in_pt[i] < low)
            low = n->in_pt[i];
    }
    if (!open || low == WM_NONE || low <= n->pt)
        return 0;
    n->pt = low;
    if (n->n->kind == HF_NODE_OP && n->n->op->proc_progress &&
        n->n->op->proc_progress(n->state, low, &n->out, err) != 0)
        return -1;
    return pt_forward(n, low, err);
}

/* Input channel `ch` of n got processing-time progress `t`. */
static int pt_input(struct rnode *n, uint32_t ch, int64_t t,
                    struct hf_error *err)
{
    if (n->n->kind == HF_NODE_SINK || n->in_pt_st[ch] != PT_OPEN ||
        t <= n->in_pt[ch])
        return 0;
    n->in_pt[ch] = t;
    return pt_update(n, err);
}

/* out->progress: an operator that stamps processing time sends a mark. */
static int op_progress(struct hf_op_out *out, int64_t t, struct hf_error *err)
{
    struct rnode *n = (struct rnode *)out;
    if (!n->pt_src)
        return hf_error_set(err, HF_ERR_FAIL,
                            "internal: %s sent processing-time progress "
                            "without stamping processing time",
                            n->uid);
    if (t <= n->pt)
        return 0;
    n->pt = t;
    return pt_forward(n, t, err);
}

static struct wsplit *split_find(struct task *t, int32_t id, bool add)
{
    for (uint32_t i = 0; i < t->nsplits; i++)
        if (t->splits[i].id == id)
            return &t->splits[i];
    if (!add)
        return NULL;
    if (t->nsplits == t->splitcap) {
        uint32_t nc = t->splitcap ? t->splitcap * 2 : 8;
        struct wsplit *v = realloc(t->splits, nc * sizeof *v);
        if (v == NULL)
            return NULL;
        t->splits = v;
        t->splitcap = nc;
    }
    struct wsplit *w = &t->splits[t->nsplits++];
    w->id = id;
    w->max = WM_NONE;
    w->last_usec = mono_usec();
    w->idle = false;
    w->finished = false;
    return w;
}

static void split_assigned(const struct hf_run_ctx *ctx, int32_t split)
{
    struct task *t = ctx->runtime;
    struct wsplit *w = split_find(t, split, true);
    if (w) { /* out of memory: it counts from its first row */
        w->last_usec = mono_usec();
        w->finished = false;
    }
}

static void split_finished(const struct hf_run_ctx *ctx, int32_t split)
{
    struct task *t = ctx->runtime;
    /* Kept, marked: the source may return the split's last rows after
     * saying so, in the batch being filled. */
    struct wsplit *w = split_find(t, split, true);
    if (w)
        w->finished = true;
}

/* The rows of `b` (from one split) raise its watermark. The expression
 * is evaluated with b's arena (the batch is still the source's). */
static int wm_rows(struct task *t, struct hf_batch *b)
{
    const struct hf_table_def *tbl = t->head->n->table;
    const struct hf_watermark *w = tbl->watermark;
    struct wsplit *sp = split_find(t, b->src_part, true);
    if (sp == NULL)
        return hf_error_set(&t->err, HF_ERR_NOMEM, "out of memory");
    int64_t max = sp->max;
    for (uint32_t i = 0; i < b->nrows; i++) {
        struct hf_value v;
        if (hf_expr_eval(w->expr, hf_batch_row(b, i), b, &v, &t->err) != 0) {
            hf_error_prefix(&t->err,
                            "the WATERMARK of table '%s': ", tbl->name);
            return -1;
        }
        if (v.null)
            /* Flink's WatermarkAssignerOperator fails too. */
            return hf_error_set(
                &t->err, HF_ERR_DATA,
                "the WATERMARK expression '%s' of table '%s' is NULL for a "
                "row (%s%s%" PRId64 ", row at %" PRId64
                "): as in Flink, the rowtime column must not be NULL; "
                "filter or COALESCE it in a computed column",
                w->text, tbl->name, b->src_name ? b->src_name : "",
                b->src_name ? " split " : "split ", (int64_t)b->src_part,
                b->origin ? b->origin[i] : -1);
        if (v.v.i > max)
            max = v.v.i;
    }
    sp->max = max;
    sp->idle = false;
    sp->last_usec = mono_usec();
    return 0;
}

/* Flink's currentEmitEventTimeLag, for metrics/: the wall clock now minus
 * the rowtime (microseconds, read as UTC as Flink's internal timestamps)
 * of the last row of `b`, about to be emitted. */
static void emit_lag(struct rnode *src, const struct hf_batch *b)
{
    const struct hf_value *v =
        &hf_batch_row(b, b->nrows - 1)[src->n->table->watermark->rowtime];
    if (v->null)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    hf_gauge_set(&src->stats.emit_lag_ms, now_ms - v->v.i / 1000);
    atomic_store(&src->stats.has_emit_lag, 1);
}

/* Periodic emission (or after every batch with interval 0): the minimum
 * over the splits that are not idle. */
static int wm_tick(struct task *t, bool force)
{
    struct hf_runtime *rt = t->rt;
    struct rnode *src = t->head;
    int64_t now = mono_usec();
    if (!force && now < t->wm_next_usec)
        return 0;
    t->wm_next_usec = now + rt->wm_interval_usec;
    if (t->nsplits == 0)
        return 0;
    int64_t low = WM_MAX, fin = WM_NONE;
    bool active = false, idle = false;
    /* Of the splits that went idle at this tick, the last to do so (the
     * latest last row) and its watermark. */
    int64_t last_usec = INT64_MIN, last_wm = WM_NONE;
    for (uint32_t i = 0; i < t->nsplits; i++) {
        struct wsplit *w = &t->splits[i];
        if (w->finished) {
            if (w->max > fin)
                fin = w->max;
            continue;
        }
        if (!w->idle && rt->idle_usec > 0 &&
            now - w->last_usec >= rt->idle_usec) {
            w->idle = true;
            if (w->last_usec > last_usec ||
                (w->last_usec == last_usec && w->max < last_wm)) {
                last_usec = w->last_usec;
                last_wm = w->max;
            }
        }
        if (w->idle) {
            idle = true;
            continue;
        }
        active = true;
        if (w->max < low)
            low = w->max;
    }
    if (!active && !idle) {
        /* Every split finished (files read one after the other): the
         * last watermark each gave before it was released. */
        active = true;
        low = fin;
    }
    if (!active) {
        /* Splits that went idle at one tick went idle one after the other
         * (idle-timeout after their last rows): just before the last of
         * them did, it was the only active split, so the watermark was
         * its own. Without this, an empty partition going idle at the
         * same tick as one with rows would never let that one's
         * watermark out. */
        if (last_wm != WM_NONE && last_wm > src->wm) {
            if (src->idle) {
                src->idle = false;
                if (wm_forward(src, src->wm, false, &t->err) != 0)
                    return -1;
            }
            src->wm = last_wm;
            if (wm_forward(src, last_wm, false, &t->err) != 0)
                return -1;
        }
        if (!src->idle) {
            src->idle = true;
            hf_log_debug("source '%s': every split idle for %" PRId64
                         " ms: the source is idle",
                         src->n->table->name, rt->idle_usec / 1000);
            return wm_forward(src, src->wm, true, &t->err);
        }
        return 0;
    }
    if (src->idle) {
        src->idle = false;
        if (wm_forward(src, src->wm, false, &t->err) != 0)
            return -1;
    }
    if (low != WM_NONE && low > src->wm) {
        src->wm = low;
        hf_log_debug("source '%s': watermark %" PRId64, src->n->table->name,
                     low);
        return wm_forward(src, low, false, &t->err);
    }
    return 0;
}

/* ------------------------------------------------------------ open/close */

/* env->open_state: open state `name` of the operator instance. */
static int rt_open_state(const struct hf_op_env *env, const char *name,
                         struct hf_state **out, struct hf_error *err)
{
    struct rnode *n = env->rt;
    struct hf_state **v =
        realloc(n->states, (n->nstates + 1) * sizeof *n->states);
    if (v == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    n->states = v;
    if (hf_state_open(n->rt->state, env->uid, name, env->kg_first,
                      env->kg_last, out, err) != 0) {
        hf_error_prefix(err, "operator %s: ", env->uid);
        return -1;
    }
    n->states[n->nstates++] = *out;
    return 0;
}

static void close_states(struct rnode *n)
{
    if (n->states == NULL)
        return;
    for (uint32_t i = 0; i < n->nstates; i++)
        hf_state_close(n->states[i]);
    free(n->states);
    n->states = NULL;
    n->nstates = 0;
}

static int open_node(struct rnode *n, struct hf_error *err)
{
    const struct hf_node *g = n->n;
    if (g->kind == HF_NODE_SINK) {
        const struct hf_table_def *t = g->table;
        if (t->connector->sink_open(t, &n->ctx, &n->state, err) != 0) {
            hf_error_prefix(err, "sink '%s': ", t->name);
            return -1;
        }
    } else if (g->kind == HF_NODE_OP) {
        struct hf_op_env env = {.node = g,
                                .uid = n->uid,
                                .subtask = n->subtask,
                                .parallelism = n->rt->par[g->id],
                                .max_parallelism = n->rt->max_parallelism,
                                .open_state = rt_open_state,
                                .rt = n,
                                .batch_mode = n->rt->batch_mode,
                                .drop_null_violations =
                                    n->rt->drop_null_violations,
                                .pool = n->pool};
        hf_state_kg_range(n->rt->max_parallelism, env.parallelism,
                          n->subtask, &env.kg_first, &env.kg_last);
        if (g->op->open(&env, &n->state, err) != 0) {
            close_states(n);
            return -1;
        }
    } else {
        const struct hf_table_def *t = g->table;
        const void *p;
        size_t len;
        if (n->rt->state &&
            hf_state_backend_position(n->rt->state, n->uid, &p, &len)) {
            n->ctx.restore_pos = p;
            n->ctx.restore_pos_len = len;
            if (!t->connector->source_position)
                hf_log_info("source '%s': connector '%s' keeps no position "
                            "in checkpoints; it starts as its options say",
                            t->name, t->connector->name);
        }
        if (t->connector->source_open(t, &n->ctx, &n->state, err) != 0) {
            hf_error_prefix(err, "source '%s': ", t->name);
            return -1;
        }
    }
    n->opened = true;
    return 0;
}

/* Close `n`. keep_states: the node ended normally; its states stay open
 * (untouched from now on) so that the checkpoints completed after its end
 * still hold them (complete_backend snapshots them from the coordinator);
 * hf_runtime_destroy closes them. */
static void close_node(struct rnode *n, bool keep_states)
{
    if (!n->opened)
        return;
    const struct hf_node *g = n->n;
    if (g->kind == HF_NODE_SINK) {
        if (g->table->connector->sink_close)
            g->table->connector->sink_close(n->state);
    } else if (g->kind == HF_NODE_OP) {
        if (g->op->close)
            g->op->close(n->state);
        if (!keep_states)
            close_states(n);
    } else if (g->table->connector->source_close) {
        g->table->connector->source_close(n->state);
    }
    n->state = NULL;
    n->opened = false;
}

/* ------------------------------------------------------------ source tasks */

static const struct hf_connector *src_conn(const struct task *t)
{
    return t->head->n->table->connector;
}

/* Snapshot the position for checkpoint `id` and put the barrier behind
 * every row emitted so far (an ended source only snapshots: its edges
 * have ended, which every consumer counts as aligned). */
static int inject(struct task *t, uint64_t id, bool ended)
{
    const struct hf_connector *c = src_conn(t);
    if (c->source_checkpoint &&
        c->source_checkpoint(t->head->state, id, &t->err) != 0)
        return -1;
    if (t->rt->state && c->source_position) {
        /* read by the coordinator after the ack below, under ck_lock */
        hf_strbuf_reset(&t->head->pos);
        if (c->source_position(t->head->state, &t->head->pos, &t->err) != 0)
            return -1;
        if (!hf_strbuf_ok(&t->head->pos))
            return hf_error_set(&t->err, HF_ERR_NOMEM,
                                "out of memory for the source's position");
        t->head->has_pos = true;
    }
    t->last_snap = id;
    if (!ended && forward_barrier(t->head, id, &t->err) != 0)
        return -1;
    ack(t, id);
    return 0;
}

static int commit(struct task *t, uint64_t id)
{
    const struct hf_connector *c = src_conn(t);
    if (id <= t->committed)
        return 0;
    t->committed = id;
    if (c->source_commit && c->source_commit(t->head->state, id, &t->err) != 0)
        return -1;
    return 0;
}

/* Wait until checkpoint `id` is complete; false if the job failed. */
static bool wait_complete(struct hf_runtime *rt, uint64_t id)
{
    pthread_mutex_lock(&rt->ck_lock);
    while (atomic_load(&rt->completed) < id && !job_failed(rt))
        pthread_cond_wait(&rt->ck_cond, &rt->ck_lock);
    pthread_mutex_unlock(&rt->ck_lock);
    return !job_failed(rt);
}

/* checkpoint_now for sources (see connector.h): on the source's thread,
 * usually from inside source_read. */
static int checkpoint_now(const struct hf_run_ctx *ctx, struct hf_error *err)
{
    struct task *t = ctx->runtime;
    struct hf_runtime *rt = t->rt;
    /* At most one checkpoint in flight: let the previous one complete. */
    if (!wait_complete(rt, t->last_snap))
        return -1;
    pthread_mutex_lock(&rt->ck_lock);
    uint64_t id = atomic_load(&rt->requested);
    if (id <= t->last_snap) {
        id = t->last_snap + 1;
        atomic_store(&rt->requested, id);
        pthread_cond_broadcast(&rt->ck_cond);
    }
    pthread_mutex_unlock(&rt->ck_lock);
    hf_log_debug("checkpoint %" PRIu64 " requested by source '%s'", id,
                 t->head->n->table->name);
    if (inject(t, id, false) != 0 || !wait_complete(rt, id) ||
        commit(t, id) != 0) {
        if (err && hf_error_is_set(&t->err))
            *err = t->err;
        return -1;
    }
    return 0;
}

/* Every consumer task has its nodes open (or the job failed). */
static bool wait_consumers_open(struct hf_runtime *rt)
{
    pthread_mutex_lock(&rt->ck_lock);
    while (rt->nopened < rt->nconsumer_tasks && !job_failed(rt))
        pthread_cond_wait(&rt->ck_cond, &rt->ck_lock);
    pthread_mutex_unlock(&rt->ck_lock);
    return !job_failed(rt);
}

/* After the end: stay until a checkpoint taken after it completes, then
 * commit that final position. */
static int final_commit(struct task *t)
{
    struct hf_runtime *rt = t->rt;
    bool snapped = false;
    pthread_mutex_lock(&rt->ck_lock);
    for (;;) {
        if (job_failed(rt)) {
            pthread_mutex_unlock(&rt->ck_lock);
            return 0;
        }
        if (snapped && atomic_load(&rt->completed) >= t->last_snap)
            break;
        uint64_t want = atomic_load(&rt->requested);
        if (want > t->last_snap) {
            pthread_mutex_unlock(&rt->ck_lock);
            if (inject(t, want, true) != 0)
                return -1;
            snapped = true;
            pthread_mutex_lock(&rt->ck_lock);
            continue;
        }
        pthread_cond_wait(&rt->ck_cond, &rt->ck_lock);
    }
    pthread_mutex_unlock(&rt->ck_lock);
    return commit(t, t->last_snap);
}

static int64_t timer_due(const struct task *t);
static int run_timers(struct task *t, int64_t now);
static int64_t wall_usec(void);

/* Between the slices of a throttle wait (throttle.h hf_throttle_tick):
 * the due timers of the operators chained after the source, so a window
 * TVF over PROCTIME() sends its progress while the source waits. */
static int64_t source_tick(void *arg)
{
    struct task *t = arg;
    int64_t due = timer_due(t), now = wall_usec();
    if (due != INT64_MAX && now >= due) {
        if (run_timers(t, now) != 0)
            return -1;
        due = timer_due(t);
        now = wall_usec();
    }
    return due == INT64_MAX ? INT64_MAX : (due > now ? due - now : 0);
}

/* Take a batch's rows and bytes from the job's throttle (throttle.h):
 * the bytes the source counted since the last batch when its connector
 * counts them, else `row_bytes`, DataX's byte size of the rows. 1: taken; 0: the job stops or fails while waiting;
 * -1: a timer served meanwhile failed (t->err). */
static int throttle_batch(struct task *t, const struct hf_batch *b,
                          uint64_t row_bytes)
{
    struct hf_runtime *rt = t->rt;
    struct rnode *src = t->head;
    uint64_t bytes = 0;
    if (rt->throttle->bytes_per_sec > 0) {
        if (src->n->table->connector->caps & HF_CONN_COUNTS_BYTES) {
            /* what the source counted since the last take (a file
             * source's reader threads count ahead of the batches, and
             * its exact size at a file's end may be a little below the
             * running count: never taken twice, never negative) */
            uint64_t now = atomic_load(&src->stats.bytes_in);
            if (now > t->th_bytes) {
                bytes = now - t->th_bytes;
                t->th_bytes = now;
            }
        } else {
            bytes = row_bytes;
        }
    }
    if (hf_throttle_take(rt->throttle, b->nrows, bytes, &rt->job->stopping,
                         &rt->failed, source_tick, t))
        return 1;
    return hf_error_is_set(&t->err) ? -1 : 0;
}

static void *source_main(void *arg)
{
    struct task *t = arg;
    struct hf_runtime *rt = t->rt;
    struct rnode *src = t->head;
    const struct hf_table_def *tbl = src->n->table;
    const struct hf_connector *c = tbl->connector;
    bool eof = false;

    for (uint32_t i = 1; i < t->nmembers; i++)
        if (open_node(t->members[i], &t->err) != 0)
            goto failed;
    /* Nothing is read before every sink of the job is open: a sink that
     * refuses at open (the hologres sink checks the target table then)
     * fails the job before any table of it has been written. */
    if (!wait_consumers_open(rt))
        goto out;
    if (open_node(src, &t->err) != 0)
        goto failed;
    while (!eof && !job_failed(rt) && !atomic_load(&rt->job->stopping)) {
        /* Timers of the operators chained after the source (a window TVF
         * over PROCTIME() sends its progress from one), between reads. */
        int64_t due = timer_due(t), now;
        if (due != INT64_MAX && (now = wall_usec()) >= due &&
            run_timers(t, now) != 0)
            goto failed;
        /* Commit a completed checkpoint before taking the next one. */
        if (t->last_snap > t->committed &&
            atomic_load(&rt->completed) >= t->last_snap &&
            commit(t, t->last_snap) != 0)
            goto failed;
        uint64_t want = atomic_load(&rt->requested);
        if (want > t->last_snap &&
            !(rt->durable && c->source_defer_checkpoint &&
              c->source_defer_checkpoint(src->state)) &&
            inject(t, want, false) != 0)
            goto failed;
        struct hf_rbuf *r = hf_rbuf_get(src->pool, 100);
        if (r == NULL)
            continue;
        /* Failpoint source.stall: the read stalls SOURCE_STALL_MS (a
         * slow scan query, a stalled disk); a throttled job must not
         * make up more than 1 s of its limit afterwards. */
        if (hf_failpoint("source.stall")) {
            struct timespec d = {SOURCE_STALL_MS / 1000,
                                 (SOURCE_STALL_MS % 1000) * 1000000L};
            while (nanosleep(&d, &d) != 0)
                ;
        }
        int rc = c->source_read(src->state, r->b, &t->err);
        if (rc < 0) {
            hf_rbuf_release(r);
            goto failed;
        }
        if (rc == 0)
            eof = true;
        if (r->b->nrows > 0 && tbl->watermark && !rt->batch_mode &&
            wm_rows(t, r->b) != 0) {
            hf_rbuf_release(r);
            goto failed;
        }
        uint64_t row_bytes = 0;
        if (rt->row_bytes && r->b->nrows > 0 &&
            !(c->caps & HF_CONN_COUNTS_BYTES)) {
            row_bytes = hf_batch_byte_size(r->b, src->n->schema);
        }
        if (rt->throttle && r->b->nrows > 0) {
            int th = throttle_batch(t, r->b, row_bytes);
            if (th <= 0) {
                hf_rbuf_release(r);
                if (th < 0)
                    goto failed;
                break;
            }
        }
        if (r->b->nrows > 0) {
            atomic_fetch_add(&src->stats.rows_out, r->b->nrows);
            atomic_fetch_add(&t->row_bytes, row_bytes);
            if (tbl->watermark)
                emit_lag(src, r->b);
            if (emit_routes(src, r, &t->err) != 0) {
                hf_rbuf_release(r);
                goto failed;
            }
        }
        hf_rbuf_release(r);
        if (tbl->watermark && !rt->batch_mode &&
            wm_tick(t, rt->wm_interval_usec == 0) != 0)
            goto failed;
    }
    if (job_failed(rt))
        goto out;
    /* A bounded source's end: the largest watermark fires every window
     * (Flink emits Long.MAX_VALUE at the end of input; not on a stop). */
    if (eof && tbl->watermark && wm_forward(src, WM_MAX, false, &t->err) != 0)
        goto failed;
    /* The end marker goes behind every row emitted; the final position
     * is committed once a checkpoint after it completes. */
    t->end_usec = mono_usec();
    hf_log_debug("source '%s': %s after %.3f s", tbl->name,
                 eof ? "end of input" : "stopped",
                 (double)(t->end_usec - rt->started_usec) / 1e6);
    if (end_node(src, &t->err) != 0 || final_commit(t) != 0)
        goto failed;
    goto out;
failed:
    if (hf_error_is_set(&t->err) && t->err.code != HF_ERR_SQL &&
        strncmp(t->err.msg, "source '", 8) != 0)
        hf_error_prefix(&t->err, "source '%s': ", tbl->name);
    task_fail(t);
out:
    for (uint32_t i = t->nmembers; i-- > 0;)
        close_node(t->members[i], !job_failed(rt));
    set_finished(t);
    return NULL;
}

/* ------------------------------------------------------------ edge tasks */

static bool pending_push(struct tinput *in, const struct hf_msg *m)
{
    if (in->pcount == in->pcap)
        return false;
    in->pending[(in->phead + in->pcount) % in->pcap] = *m;
    in->pcount++;
    return true;
}

/* ------------------------------------------------------------ timers */

static int64_t wall_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The earliest processing-time timer of t's operators (op.h next_timer);
 * INT64_MAX: none. */
static int64_t timer_due(const struct task *t)
{
    int64_t due = INT64_MAX;
    for (uint32_t i = 0; i < t->nmembers; i++) {
        const struct rnode *n = t->members[i];
        if (n->n->kind != HF_NODE_OP || n->n->op->next_timer == NULL ||
            n->state == NULL)
            continue;
        int64_t d = n->n->op->next_timer(n->state);
        if (d < due)
            due = d;
    }
    return due;
}

/* The wall clock reached `now`: every operator of t whose timer is due
 * fires it. */
static int run_timers(struct task *t, int64_t now)
{
    for (uint32_t i = 0; i < t->nmembers; i++) {
        struct rnode *n = t->members[i];
        if (n->n->kind != HF_NODE_OP || n->n->op->next_timer == NULL ||
            n->state == NULL || n->n->op->next_timer(n->state) > now)
            continue;
        if (n->n->op->on_timer(n->state, now, &n->out, &t->err) != 0 ||
            wm_release(n, &t->err) != 0)
            return -1;
    }
    return 0;
}

/* The next message: one set aside on an input that is no longer blocked,
 * else the next from the inbox, waiting at most until the wall clock
 * reaches `due` (INT64_MAX: no limit). 1: *m is a message; 0: `due` came
 * first; -1: the inbox was aborted (the job failed). */
static int next_msg(struct task *t, struct hf_msg *m, int64_t due)
{
    for (uint32_t i = 0; i < t->ninputs; i++) {
        struct tinput *in = &t->inputs[i];
        if (in->pcount > 0 && !in->blocked) {
            if (t->done >= 0)
                hf_chan_done(&t->inbox, (uint32_t)t->done);
            t->done = -1;
            *m = in->pending[in->phead];
            in->phead = (in->phead + 1) % in->pcap;
            in->pcount--;
            return true;
        }
    }
    int64_t done = t->done;
    t->done = -1;
    int timeout_ms = -1;
    if (due != INT64_MAX) {
        /* Rounded up, at most a second (then the clock is read again). */
        int64_t wait = due - wall_usec();
        if (wait <= 0)
            timeout_ms = 0;
        else if (wait >= 1000000)
            timeout_ms = 1000;
        else
            timeout_ms = (int)((wait + 999) / 1000);
    }
    if (hf_chan_pop(&t->inbox, m, timeout_ms, done))
        return 1;
    return timeout_ms >= 0 && !hf_chan_aborted(&t->inbox) ? 0 : -1;
}

/* Barrier `aligning` came on every open input: snapshot, flush, forward,
 * acknowledge, and take the inputs again. */
static int aligned(struct task *t)
{
    uint64_t id = t->aligning;
    if (barrier_node(t->head, id, &t->err) != 0)
        return -1;
    for (uint32_t i = 0; i < t->ninputs; i++)
        t->inputs[i].blocked = false;
    t->nblocked = 0;
    ack(t, id);
    return 0;
}

/* Handle one message; *done once every input has ended. */
static int on_msg(struct task *t, const struct hf_msg *m, bool *done)
{
    struct tinput *in = &t->inputs[m->input];
    switch (m->kind) {
    case HF_MSG_DATA: {
        int rc = deliver(t->head, in->port, m->rows, &t->err);
        hf_rbuf_release(m->rows);
        t->done = m->input; /* the credit goes back with the next pop */
        return rc;
    }
    case HF_MSG_WATERMARK:
        t->done = m->input; /* it took a credit */
        if (m->proc)
            return pt_input(t->head, m->input, m->wm, &t->err);
        return wm_input(t->head, m->input, m->wm, m->idle, &t->err);
    case HF_MSG_BARRIER:
        if (t->nblocked > 0 && m->ckpt_id != t->aligning)
            return hf_error_set(&t->err, HF_ERR_FAIL,
                                "internal: barrier %" PRIu64
                                " while aligning %" PRIu64,
                                m->ckpt_id, t->aligning);
        t->aligning = m->ckpt_id;
        in->blocked = true;
        t->nblocked++;
        return t->nblocked == t->nopen ? aligned(t) : 0;
    case HF_MSG_END:
        in->ended = true;
        t->nopen--;
        if (end_input(t->head, m->input, &t->err) != 0)
            return -1;
        if (t->nopen == 0) {
            *done = true;
            return 0;
        }
        /* An ended input counts as aligned. */
        return t->nblocked > 0 && t->nblocked == t->nopen ? aligned(t) : 0;
    }
    return 0;
}

static void *edge_main(void *arg)
{
    struct task *t = arg;
    struct hf_runtime *rt = t->rt;
    bool done = false;

    for (uint32_t i = 0; i < t->nmembers; i++)
        if (open_node(t->members[i], &t->err) != 0)
            goto failed;
    pthread_mutex_lock(&rt->ck_lock);
    rt->nopened++;
    pthread_cond_broadcast(&rt->ck_cond);
    pthread_mutex_unlock(&rt->ck_lock);
    while (!done) {
        struct hf_msg m;
        /* Processing-time timers first: due ones fire between messages,
         * and the wait for the next message ends when the next is due. */
        int64_t due = timer_due(t), now;
        if (due != INT64_MAX && (now = wall_usec()) >= due) {
            if (run_timers(t, now) != 0)
                goto failed;
            continue;
        }
        int got = next_msg(t, &m, due);
        if (got < 0)
            break; /* aborted: the job failed */
        if (got == 0)
            continue; /* a timer is due */
        struct tinput *in = &t->inputs[m.input];
        if (in->blocked) {
            if (!pending_push(in, &m)) {
                hf_error_set(&t->err, HF_ERR_FAIL,
                             "internal: more messages set aside on one "
                             "edge than it has credit for");
                goto failed;
            }
            continue;
        }
        if (on_msg(t, &m, &done) != 0)
            goto failed;
    }
    if (done) {
        for (uint32_t i = t->nmembers; i-- > 0;)
            close_node(t->members[i], true);
        set_finished(t);
        return NULL;
    }
    goto out;
failed:
    task_fail(t);
out:
    /* Batches still queued or set aside go back to their pools. */
    for (uint32_t i = 0; i < t->ninputs; i++) {
        struct tinput *in = &t->inputs[i];
        for (; in->pcount > 0; in->pcount--) {
            struct hf_msg *pm = &in->pending[in->phead];
            if (pm->kind == HF_MSG_DATA)
                hf_rbuf_release(pm->rows);
            in->phead = (in->phead + 1) % in->pcap;
        }
    }
    for (uint32_t i = t->nmembers; i-- > 0;)
        close_node(t->members[i], false);
    return NULL;
}

/* ------------------------------------------------------------ setup */

static struct task *new_task(struct hf_runtime *rt, struct rnode *head,
                             bool is_source)
{
    struct task *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->rt = rt;
    t->head = head;
    t->is_source = is_source;
    t->done = -1;
    hf_error_clear(&t->err);
    t->members = calloc(rt->nnodes, sizeof *t->members);
    struct task **tasks =
        realloc(rt->tasks, (rt->ntasks + 1) * sizeof *rt->tasks);
    if (t->members == NULL || tasks == NULL) {
        free(t->members);
        free(t);
        if (tasks)
            rt->tasks = tasks;
        return NULL;
    }
    rt->tasks = tasks;
    rt->tasks[rt->ntasks++] = t;
    t->members[t->nmembers++] = head;
    head->task = t;
    if (!is_source) {
        /* one input edge per channel of the head (set_inputs) */
        rt->nconsumer_tasks++;
        t->ninputs = head->nin;
        t->nopen = t->ninputs;
        t->inputs = calloc(t->ninputs ? t->ninputs : 1, sizeof *t->inputs);
        if (t->inputs == NULL ||
            hf_chan_init(&t->inbox, t->ninputs, rt->credit) != 0)
            return NULL;
        for (uint32_t i = 0; i < t->ninputs; i++) {
            struct tinput *in = &t->inputs[i];
            in->port = head->in_port[i];
            in->pcap = rt->credit + 2;
            in->pending = calloc(in->pcap, sizeof *in->pending);
            if (in->pending == NULL)
                return NULL;
        }
    }
    return t;
}

static struct route *new_route(struct rnode *from)
{
    struct route *r =
        realloc(from->routes, (from->nroutes + 1) * sizeof *from->routes);
    if (r == NULL)
        return NULL;
    from->routes = r;
    r = &from->routes[from->nroutes++];
    memset(r, 0, sizeof *r);
    return r;
}

/* `from` feeds input `port` of `to`, in the same task. */
static int add_chained(struct rnode *from, struct rnode *to, uint32_t port)
{
    struct route *r = new_route(from);
    if (r == NULL)
        return -1;
    r->to = to;
    r->port = port;
    r->pt = from->rt->pt_carry[from->n->id] && from->rt->pt_need[to->n->id];
    return 0;
}

/* `from` feeds input `port` of every instance of graph node `id`, as
 * channel `ch` of each instance's task: an exchange, keyed when the node
 * runs several instances. */
static int add_exchange(struct hf_runtime *rt, struct rnode *from, uint32_t id,
                        uint32_t port, uint32_t ch)
{
    const struct hf_node *gn = &rt->job->graph.nodes[id];
    struct route *r = new_route(from);
    if (r == NULL)
        return -1;
    r->port = port;
    r->pt = rt->pt_carry[from->n->id] && rt->pt_need[id];
    r->x = calloc(1, sizeof *r->x);
    if (r->x == NULL)
        return -1;
    uint32_t np = rt->par[id];
    if (hf_exchange_init(r->x, np, np > 1 ? gn : NULL, from->n->schema, port,
                         rt->max_parallelism, rt->batch_rows,
                         rt->credit) != 0)
        return -1;
    for (uint32_t j = 0; j < np; j++) {
        r->x->t[j].chan = &rt->nodes[rt->first[id] + j].task->inbox;
        r->x->t[j].input = ch;
    }
    return 0;
}

/* Whether a sink fed by `x` may run in x's task (see the top). */
static bool sink_joins(const struct rnode *x)
{
    const struct task *t = x->task;
    if (t->is_source || t->has_sink)
        return false;
    for (uint32_t i = 0; i < t->nmembers; i++)
        if (t->members[i]->nconsumers != 1)
            return false;
    return true;
}

/* n's input channels: one per port when chained (or a source), else one
 * per instance of each input node, port after port. */
static int set_inputs(struct hf_runtime *rt, struct rnode *n, bool chained)
{
    const struct hf_node *gn = n->n;
    uint32_t nin = 0;
    for (uint32_t p = 0; p < gn->ninputs; p++)
        nin += chained ? 1 : rt->par[gn->inputs[p]];
    n->nin = nin;
    n->in_port = calloc(nin ? nin : 1, sizeof *n->in_port);
    n->port_open = calloc(gn->ninputs ? gn->ninputs : 1, sizeof *n->port_open);
    n->in_wm = malloc((nin ? nin : 1) * sizeof *n->in_wm);
    n->in_status = calloc(nin ? nin : 1, sizeof *n->in_status);
    n->in_pt = malloc((nin ? nin : 1) * sizeof *n->in_pt);
    n->in_pt_st = calloc(nin ? nin : 1, sizeof *n->in_pt_st);
    if (!n->in_port || !n->port_open || !n->in_wm || !n->in_status ||
        !n->in_pt || !n->in_pt_st)
        return -1;
    uint32_t c = 0;
    for (uint32_t p = 0; p < gn->ninputs; p++) {
        uint32_t k = chained ? 1 : rt->par[gn->inputs[p]];
        n->port_open[p] = k;
        for (uint32_t i = 0; i < k; i++) {
            n->in_pt_st[c] = rt->pt_carry[gn->inputs[p]] && rt->pt_need[gn->id]
                                 ? PT_OPEN
                                 : PT_NONE;
            n->in_port[c++] = p;
        }
    }
    for (uint32_t i = 0; i < nin; i++)
        n->in_wm[i] = n->in_pt[i] = WM_NONE;
    n->pt_src =
        gn->kind == HF_NODE_OP && gn->op->proc_marks && gn->op->proc_marks(gn);
    return 0;
}

/* Place every instance of every node in a task and connect it to its
 * inputs' instances. */
static int place(struct hf_runtime *rt, struct hf_error *err)
{
    const struct hf_graph *g = &rt->job->graph;
    for (uint32_t i = 0; i < g->nnodes; i++) {
        const struct hf_node *gn = &g->nodes[i];
        uint32_t np = rt->par[i];
        bool chain = false;
        if (gn->kind == HF_NODE_OP)
            chain = (gn->op->flags & HF_OP_CHAINABLE) && gn->ninputs == 1 &&
                    rt->par[gn->inputs[0]] == np;
        else if (gn->kind == HF_NODE_SINK)
            chain = gn->ninputs == 1 && rt->par[gn->inputs[0]] == 1 &&
                    sink_joins(&rt->nodes[rt->first[gn->inputs[0]]]);
        for (uint32_t k = 0; k < np; k++) {
            struct rnode *n = &rt->nodes[rt->first[i] + k];
            struct task *t = NULL;
            if (set_inputs(rt, n, chain || gn->kind == HF_NODE_SOURCE) != 0)
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            if (gn->kind == HF_NODE_SOURCE) {
                t = new_task(rt, n, true);
            } else if (chain) {
                t = rt->nodes[rt->first[gn->inputs[0]] + k].task;
                t->members[t->nmembers++] = n;
                n->task = t;
            } else {
                t = new_task(rt, n, false);
            }
            if (t == NULL)
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            if (gn->kind == HF_NODE_SINK)
                t->has_sink = true;
        }
        uint32_t ch = 0;
        for (uint32_t p = 0; p < gn->ninputs; p++) {
            uint32_t in = gn->inputs[p];
            for (uint32_t x = 0; x < rt->par[in]; x++) {
                struct rnode *from = &rt->nodes[rt->first[in] + x];
                int rc = chain ? add_chained(from,
                                             &rt->nodes[rt->first[i] + x], p)
                               : add_exchange(rt, from, i, p, ch + x);
                if (rc != 0)
                    return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            }
            ch += rt->par[in];
        }
    }
    return 0;
}

/* How many instances each graph node runs (see struct hf_runtime). */
static int plan_parallelism(struct hf_runtime *rt, struct hf_error *err)
{
    const struct hf_graph *g = &rt->job->graph;
    rt->first = calloc(g->nnodes ? g->nnodes : 1, sizeof *rt->first);
    rt->par = calloc(g->nnodes ? g->nnodes : 1, sizeof *rt->par);
    rt->pt_carry = calloc(g->nnodes ? g->nnodes : 1, sizeof *rt->pt_carry);
    rt->pt_need = calloc(g->nnodes ? g->nnodes : 1, sizeof *rt->pt_need);
    bool *used = calloc(g->nnodes ? g->nnodes : 1, sizeof *used);
    if (rt->first == NULL || rt->par == NULL || rt->pt_carry == NULL ||
        rt->pt_need == NULL || used == NULL) {
        free(used);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    /* Inputs come before their consumers in the graph. */
    for (uint32_t i = 0; i < g->nnodes; i++) {
        const struct hf_node *gn = &g->nodes[i];
        bool c = gn->kind == HF_NODE_OP && gn->op->proc_marks &&
                 gn->op->proc_marks(gn);
        for (uint32_t p = 0; p < gn->ninputs && !c; p++)
            c = gn->inputs[p] < i && rt->pt_carry[gn->inputs[p]];
        rt->pt_carry[i] = c;
    }
    /* Backward: marks travel only the edges that lead to an operator
     * firing on them (a window aggregate), not on to the sinks. */
    for (uint32_t i = g->nnodes; i-- > 0;) {
        const struct hf_node *gn = &g->nodes[i];
        bool own = gn->kind == HF_NODE_OP && gn->op->proc_marks &&
                   gn->op->proc_marks(gn);
        bool fires = gn->kind == HF_NODE_OP && gn->op->proc_progress != NULL;
        rt->pt_need[i] = fires || (used[i] && !own);
        for (uint32_t p = 0; p < gn->ninputs; p++)
            if (gn->inputs[p] < i && rt->pt_need[i])
                used[gn->inputs[p]] = true;
    }
    for (uint32_t i = 0; i < g->nnodes; i++)
        rt->pt_carry[i] = rt->pt_carry[i] && used[i];
    free(used);
    if (rt->parallelism > rt->max_parallelism)
        return hf_error_set(err, HF_ERR_OPTION,
                            "parallelism.default = %u is larger than "
                            "pipeline.max-parallelism = %u (the number of key "
                            "groups): raise pipeline.max-parallelism (a job "
                            "restored from a checkpoint must keep it)",
                            rt->parallelism, rt->max_parallelism);
    uint32_t total = 0;
    for (uint32_t i = 0; i < g->nnodes; i++) {
        const struct hf_node *gn = &g->nodes[i];
        uint32_t np = 1;
        if (gn->kind == HF_NODE_OP && gn->op->route_key && !gn->single)
            np = rt->parallelism;
        else if (gn->kind == HF_NODE_OP && gn->ninputs == 1 &&
                 (gn->op->flags & HF_OP_CHAINABLE) &&
                 (gn->op->flags & HF_OP_REPLICABLE))
            np = rt->par[gn->inputs[0]];
        if (gn->kind == HF_NODE_OP && gn->op->route_key && gn->single &&
            rt->parallelism > 1)
            hf_log_info("n%u %s runs as one instance: %s", gn->id + 1,
                        gn->op->name, gn->single);
        else if (np > 1 && gn->op->route_key)
            hf_log_info("n%u %s runs %u instances (key groups split by "
                        "pipeline.max-parallelism = %u)",
                        gn->id + 1, gn->op->name, np, rt->max_parallelism);
        rt->par[i] = np;
        rt->first[i] = total;
        total += np;
    }
    rt->nnodes = total;
    return 0;
}

static int init_node(struct hf_runtime *rt, struct rnode *n,
                     const struct hf_node *gn, uint32_t subtask,
                     struct hf_error *err)
{
    n->out.emit = op_emit;
    n->out.progress = op_progress;
    n->n = gn;
    n->rt = rt;
    n->subtask = subtask;
    n->open_inputs = gn->ninputs;
    n->wm = WM_NONE;
    n->pt = WM_NONE;
    n->wm_sent = WM_NONE;
    n->nconsumers = hf_graph_consumers(&rt->job->graph, gn->id);
    n->ctx.batch_mode = rt->batch_mode;
    n->ctx.stats = &n->stats;
    n->stats.budget = &rt->job->dirty_budget;
    n->ctx.batch_rows = rt->batch_rows;
    n->ctx.stopping = &rt->job->stopping;
    hf_strbuf_init(&n->pos, 0);
    if (gn->kind == HF_NODE_OP)
        snprintf(n->uid, sizeof n->uid, "n%u-%s", gn->id + 1, gn->op->name);
    else
        snprintf(n->uid, sizeof n->uid, "n%u-%s-%s", gn->id + 1,
                 gn->kind == HF_NODE_SOURCE ? "source" : "sink",
                 gn->table->name);
    for (char *c = n->uid; *c; c++)
        if (*c == ' ')
            *c = '-';
    if (gn->kind == HF_NODE_SOURCE)
        n->ctx.scan = gn->scan;
    if (gn->kind == HF_NODE_SINK) {
        n->ctx.written = gn->written;
        n->ctx.value_types = gn->value_types;
    }
    bool pooled =
        gn->kind == HF_NODE_SOURCE ||
        (gn->kind == HF_NODE_OP && !(gn->op->flags & HF_OP_PASSTHROUGH));
    if (pooled) {
        n->pool =
            hf_rbuf_pool_new(gn->schema->ncols, rt->batch_rows, rt->credit);
        if (n->pool == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    return 0;
}

static void free_task(struct task *t)
{
    if (t == NULL)
        return;
    if (!t->is_source)
        hf_chan_destroy(&t->inbox);
    for (uint32_t i = 0; t->inputs && i < t->ninputs; i++)
        free(t->inputs[i].pending);
    free(t->inputs);
    free(t->members);
    free(t->splits);
    free(t);
}

/* "file:///a/b" and "file:/a/b" are the local path "/a/b"; another
 * scheme is refused. */
static const char *local_dir(const char *dir, struct hf_error *err)
{
    if (strncmp(dir, "file://", 7) == 0) {
        dir += 7;
        if (strncmp(dir, "localhost/", 10) == 0)
            dir += 9;
        if (*dir != '/') {
            hf_error_set(err, HF_ERR_OPTION,
                         "state.checkpoints.dir: only local paths and "
                         "file:// URIs without a host are supported");
            return NULL;
        }
        return dir;
    }
    if (strncmp(dir, "file:", 5) == 0)
        return dir + 5;
    const char *colon = strstr(dir, "://");
    if (colon) {
        hf_error_set(err, HF_ERR_OPTION,
                     "state.checkpoints.dir '%s': holoflow writes "
                     "checkpoints to a local directory only (a path or "
                     "file:///path)",
                     dir);
        return NULL;
    }
    return dir;
}

/* The job's state backend, restoring the newest complete checkpoint. */
static int open_backend(struct hf_runtime *rt, struct hf_error *err)
{
    const struct hf_opts *s = &rt->job->settings;
    struct hf_state_config c = {0};
    c.type = hf_opts_enum(s, "state.backend.type", NULL) == 1
                 ? HF_STATE_ROCKSDB
                 : HF_STATE_HASHMAP;
    const char *dir = hf_opts_str(s, "state.checkpoints.dir", NULL);
    if (dir && *dir) {
        dir = local_dir(dir, err);
        if (dir == NULL)
            return -1;
    }
    if (dir && *dir && rt->batch_mode) {
        hf_log_info("state.checkpoints.dir is not used in batch mode (a "
                    "batch job is rerun from its start)");
        dir = NULL;
    }
    c.checkpoints_dir = dir && *dir ? dir : NULL;
    rt->durable = c.checkpoints_dir != NULL;
    c.num_retained =
        (uint32_t)hf_opts_int(s, "state.checkpoints.num-retained", NULL);
    c.incremental = hf_opts_bool(s, "state.backend.incremental", NULL);
    c.ttl_ms = hf_opts_int(s, "table.exec.state.ttl", NULL);
    int64_t lim = hf_opts_int(s, "state.backend.hashmap.memory-limit", NULL);
    c.memory_limit = lim > 0 ? (uint64_t)lim : 0;
    c.max_parallelism =
        (uint32_t)hf_opts_int(s, "pipeline.max-parallelism", NULL);
    rt->max_parallelism = c.max_parallelism;
    if (hf_state_backend_open(&c, &rt->state, err) != 0)
        return -1;
    rt->ckpt_base = hf_state_backend_restored_id(rt->state);
    return 0;
}

struct hf_runtime *hf_runtime_new(struct hf_job *job, struct hf_error *err)
{
    struct hf_runtime *rt = calloc(1, sizeof *rt);
    if (rt == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        return NULL;
    }
    rt->job = job;
    hf_ckpt_metrics_init(&rt->ckm);
    pthread_mutex_init(&rt->err_lock, NULL);
    pthread_mutex_init(&rt->ck_lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&rt->ck_cond, &attr);
    pthread_condattr_destroy(&attr);
    hf_error_clear(&rt->err);
    hf_error_clear(&rt->ck_err);
    const struct hf_opts *s = &job->settings;
    rt->batch_mode = hf_opts_enum(s, "execution.runtime-mode", NULL) == 1;
    rt->ckpt_interval_ms =
        hf_opts_int(s, "execution.checkpointing.interval", NULL);
    rt->batch_rows = (uint32_t)hf_opts_int(s, "holoflow.batch.rows", NULL);
    {
        int64_t rps =
            hf_opts_int(s, "holoflow.throttle.records-per-second", NULL);
        int64_t bps =
            hf_opts_int(s, "holoflow.throttle.bytes-per-second", NULL);
        bool nomem;
        rt->throttle = hf_throttle_new(rps, bps, &nomem);
        if (nomem) {
            hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            hf_runtime_destroy(rt);
            return NULL;
        }
        /* Batches of about 1/20 s of rows keep the waits short and the
         * flow even under a low record limit; under a byte limit, of at
         * most 1/20 s of bytes for rows of 16 bytes or more. */
        if (rps > 0 && (uint64_t)rps / 20 < rt->batch_rows)
            rt->batch_rows = rps / 20 > 0 ? (uint32_t)(rps / 20) : 1;
        if (bps > 0 && (uint64_t)bps / 320 < rt->batch_rows)
            rt->batch_rows = bps / 320 > 0 ? (uint32_t)(bps / 320) : 1;
        rt->row_bytes = bps > 0 || job->count_row_bytes;
    }
    rt->job->dirty_budget.max =
        hf_opts_int(s, "holoflow.dirty.max-records", NULL);
    atomic_store(&rt->job->dirty_budget.count, 0);
    /* holoflow.queue.batches queued, one being filled, one being written. */
    rt->credit = (uint32_t)hf_opts_int(s, "holoflow.queue.batches", NULL) + 2;
    rt->drop_null_violations =
        hf_opts_enum(s, "table.exec.sink.not-null-enforcer", NULL) == 1;
    if (open_backend(rt, err) != 0) {
        hf_runtime_destroy(rt);
        return NULL;
    }
    rt->wm_interval_usec =
        hf_opts_int(s, "pipeline.auto-watermark-interval", NULL) * 1000;
    rt->idle_usec =
        hf_opts_int(s, "table.exec.source.idle-timeout", NULL) * 1000;
    const struct hf_graph *g = &job->graph;
    rt->parallelism = (uint32_t)hf_opts_int(s, "parallelism.default", NULL);
    if (plan_parallelism(rt, err) != 0) {
        hf_runtime_destroy(rt);
        return NULL;
    }
    rt->nodes = calloc(rt->nnodes ? rt->nnodes : 1, sizeof *rt->nodes);
    if (rt->nodes == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        hf_runtime_destroy(rt);
        return NULL;
    }
    for (uint32_t i = 0; i < g->nnodes; i++) {
        for (uint32_t k = 0; k < rt->par[i]; k++) {
            if (init_node(rt, &rt->nodes[rt->first[i] + k], &g->nodes[i], k,
                          err) != 0) {
                hf_runtime_destroy(rt);
                return NULL;
            }
        }
    }
    if (place(rt, err) != 0) {
        hf_runtime_destroy(rt);
        return NULL;
    }
    for (uint32_t i = 0; i < rt->ntasks; i++) {
        struct task *t = rt->tasks[i];
        if (t->is_source) {
            t->head->ctx.checkpoint_now = checkpoint_now;
            t->head->ctx.runtime = t;
            t->head->ctx.checkpointed = rt->durable;
            if (t->head->n->table->watermark && !rt->batch_mode) {
                t->head->ctx.split_assigned = split_assigned;
                t->head->ctx.split_finished = split_finished;
            }
        }
    }
    return rt;
}

void hf_runtime_totals(const struct hf_runtime *rt, uint64_t *read,
                       uint64_t *skipped, uint64_t *written, uint64_t *dirty)
{
    *read = *skipped = *written = *dirty = 0;
    for (uint32_t i = 0; i < rt->nnodes; i++) {
        const struct rnode *r = &rt->nodes[i];
        if (r->n->kind == HF_NODE_SOURCE) {
            *read += atomic_load(&r->stats.rows_in);
            *skipped += atomic_load(&r->stats.skipped);
            *dirty += atomic_load(&r->stats.dirty);
        } else if (r->n->kind == HF_NODE_SINK) {
            *written += atomic_load(&r->stats.rows_out);
            *dirty += atomic_load(&r->stats.dirty);
        }
    }
}

void hf_runtime_transfer(const struct hf_runtime *rt, uint64_t *passed,
                         uint64_t *bytes, int64_t *usec, int64_t *read_usec)
{
    *passed = *bytes = 0;
    for (uint32_t i = 0; i < rt->nnodes; i++) {
        const struct rnode *r = &rt->nodes[i];
        if (r->n->kind != HF_NODE_SOURCE)
            continue;
        *passed += atomic_load(&r->stats.rows_out);
        if (r->n->table->connector->caps & HF_CONN_COUNTS_BYTES)
            *bytes += atomic_load(&r->stats.bytes_in);
    }
    int64_t read_end = 0;
    for (uint32_t i = 0; i < rt->ntasks; i++)
        if (rt->tasks[i]->is_source) {
            *bytes += atomic_load(&rt->tasks[i]->row_bytes);
            if (rt->tasks[i]->end_usec > read_end)
                read_end = rt->tasks[i]->end_usec;
        }
    int64_t end = rt->sinks_done_usec ? rt->sinks_done_usec : rt->ended_usec;
    *usec = end > rt->started_usec ? end - rt->started_usec : 0;
    *read_usec = read_end > rt->started_usec ? read_end - rt->started_usec : 0;
}

int hf_dirty_budget_add(struct hf_table_stats *st, const char *where,
                        struct hf_error *err)
{
    struct hf_dirty_budget *b = st ? st->budget : NULL;
    if (b == NULL)
        return 0;
    uint64_t n = atomic_fetch_add(&b->count, 1) + 1;
    if (b->max >= 0 && n > (uint64_t)b->max)
        return hf_error_set(err, HF_ERR_DATA,
                            "dirty-record limit exceeded: %" PRIu64
                            " dirty records, the job allows %" PRId64
                            " (holoflow.dirty.max-records / errorLimit."
                            "record); the last one: %s",
                            n, b->max, where);
    return 0;
}

void hf_runtime_destroy(struct hf_runtime *rt)
{
    if (rt == NULL)
        return;
    for (uint32_t i = 0; i < rt->ntasks; i++)
        free_task(rt->tasks[i]);
    free(rt->tasks);
    for (uint32_t i = 0; rt->nodes && i < rt->nnodes; i++) {
        hf_rbuf_pool_destroy(rt->nodes[i].pool);
        hf_lag_parts_destroy(atomic_load(&rt->nodes[i].stats.lag_parts));
        for (uint32_t k = 0; k < rt->nodes[i].nroutes; k++) {
            hf_exchange_destroy(rt->nodes[i].routes[k].x);
            free(rt->nodes[i].routes[k].x);
        }
        free(rt->nodes[i].routes);
        free(rt->nodes[i].in_port);
        free(rt->nodes[i].port_open);
        hf_strbuf_free(&rt->nodes[i].pos);
        close_states(&rt->nodes[i]);
        free(rt->nodes[i].in_wm);
        free(rt->nodes[i].in_status);
        free(rt->nodes[i].in_pt);
        free(rt->nodes[i].in_pt_st);
    }
    hf_state_backend_close(rt->state);
    hf_throttle_free(rt->throttle);
    free(rt->nodes);
    free(rt->first);
    free(rt->par);
    free(rt->pt_carry);
    free(rt->pt_need);
    pthread_mutex_destroy(&rt->err_lock);
    pthread_mutex_destroy(&rt->ck_lock);
    hf_ckpt_metrics_fini(&rt->ckm);
    pthread_cond_destroy(&rt->ck_cond);
    free(rt);
}

/* ------------------------------------------------------------ coordinator */

/* Under ck_lock: checkpoint `id` has been acknowledged by every task;
 * make the backend's checkpoint durable with every source's position. */
static int complete_backend(struct hf_runtime *rt, uint64_t id)
{
    struct hf_state_position *pos =
        calloc(rt->ntasks ? rt->ntasks : 1, sizeof *pos);
    if (pos == NULL)
        return hf_error_set(&rt->ck_err, HF_ERR_NOMEM, "out of memory");
    size_t n = 0;
    /* States of nodes that have ended are in every later checkpoint. */
    for (uint32_t i = 0; i < rt->nnodes; i++) {
        struct rnode *x = &rt->nodes[i];
        /* (one that acknowledged `id` before it ended has written it) */
        /* finished first: only then is nstates the ended task's to give */
        if (!x->task || !atomic_load(&x->task->finished) ||
            atomic_load(&x->task->acked) >= id || x->nstates == 0)
            continue;
        for (uint32_t k = 0; k < x->nstates; k++) {
            if (hf_state_snapshot(x->states[k], rt->ckpt_base + id,
                                  &rt->ck_err) != 0) {
                free(pos);
                return -1;
            }
        }
    }
    for (uint32_t i = 0; i < rt->ntasks; i++) {
        const struct rnode *h = rt->tasks[i]->head;
        if (!rt->tasks[i]->is_source || !h->has_pos)
            continue;
        pos[n].uid = h->uid;
        pos[n].data = h->pos.data ? h->pos.data : "";
        pos[n].len = h->pos.len;
        n++;
    }
    int rc = hf_state_backend_complete(rt->state, rt->ckpt_base + id, pos, n,
                                       &rt->ck_err);
    free(pos);
    if (rc != 0)
        hf_error_prefix(&rt->ck_err, "checkpoint %" PRIu64 ": ",
                        rt->ckpt_base + id);
    return rc;
}

/* Under ck_lock: publish the highest id every task has acknowledged. */
static void update_completed(struct hf_runtime *rt)
{
    uint64_t req = atomic_load(&rt->requested);
    uint64_t low = req;
    for (uint32_t i = 0; i < rt->ntasks; i++) {
        const struct task *t = rt->tasks[i];
        if (atomic_load(&t->finished))
            continue;
        uint64_t a = atomic_load(&t->acked);
        if (a < low)
            low = a;
    }
    if (low > atomic_load(&rt->completed)) {
        if (rt->state && !rt->ck_failed && complete_backend(rt, low) != 0) {
            rt->ck_failed = true;
            return;
        }
        atomic_store(&rt->completed, low);
        hf_ckpt_metrics_sized(&rt->ckm, low,
                              hf_state_backend_last_size(rt->state));
        hf_ckpt_metrics_completed(&rt->ckm, low);
        hf_log_debug("checkpoint %" PRIu64 " complete", low);
        pthread_cond_broadcast(&rt->ck_cond);
    }
}

static void raise_ckpt(struct hf_runtime *rt, const char *why)
{
    uint64_t id = atomic_load(&rt->requested) + 1;
    atomic_store(&rt->requested, id);
    hf_ckpt_metrics_started(&rt->ckm, id);
    hf_log_debug("checkpoint %" PRIu64 " requested (%s)", id, why);
    pthread_cond_broadcast(&rt->ck_cond);
}

int hf_runtime_run(struct hf_runtime *rt, struct hf_error *err)
{
    rt->started_usec = mono_usec();
    rt->sinks_done_usec = 0;
    /* The bucket starts empty now: the rate measured from the engine's
     * start never exceeds the limit (throttle.h). */
    if (rt->throttle)
        hf_throttle_start(rt->throttle, hf_throttle_now());
    /* Tasks fed by edges first: they open the sinks. */
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < rt->ntasks && !job_failed(rt); i++) {
            struct task *t = rt->tasks[i];
            if (t->is_source != (pass == 1))
                continue;
            if (pthread_create(&t->th, NULL,
                               t->is_source ? source_main : edge_main,
                               t) != 0) {
                hf_error_set(&t->err, HF_ERR_FAIL, "cannot start a thread");
                fail(rt, &t->err);
                break;
            }
            t->started = true;
        }
    }

    int64_t interval = rt->ckpt_interval_ms * 1000;
    int64_t next_ckpt = mono_usec() + interval;
    bool final_raised = false;
    pthread_mutex_lock(&rt->ck_lock);
    for (;;) {
        if (job_failed(rt))
            break;
        bool all = true, consumers = true;
        for (uint32_t i = 0; i < rt->ntasks; i++) {
            const struct task *t = rt->tasks[i];
            if (!atomic_load(&t->finished)) {
                all = false;
                consumers = consumers && t->is_source;
            }
        }
        if (consumers && rt->sinks_done_usec == 0) {
            rt->sinks_done_usec = mono_usec();
            hf_log_debug("every sink finished after %.3f s",
                         (double)(rt->sinks_done_usec - rt->started_usec) /
                             1e6);
        }
        if (all)
            break;
        update_completed(rt);
        if (rt->ck_failed) {
            pthread_mutex_unlock(&rt->ck_lock);
            fail(rt, &rt->ck_err);
            pthread_mutex_lock(&rt->ck_lock);
            break;
        }
        int64_t now = mono_usec();
        if (atomic_load(&rt->completed) == atomic_load(&rt->requested)) {
            if (consumers) {
                /* Every sink has finished: the ended sources' final
                 * checkpoint needs nobody else. */
                if (!final_raised)
                    raise_ckpt(rt, "final");
                final_raised = true;
            } else if (!rt->batch_mode && now >= next_ckpt) {
                raise_ckpt(rt, "interval");
                next_ckpt = now + interval;
            }
        }
        int64_t until = now + 100000;
        if (!rt->batch_mode && next_ckpt < until)
            until = next_ckpt;
        /* mono_usec() is CLOCK_MONOTONIC, the condition's clock. */
        struct timespec ts = {.tv_sec = until / 1000000,
                              .tv_nsec = (long)(until % 1000000) * 1000};
        pthread_cond_timedwait(&rt->ck_cond, &rt->ck_lock, &ts);
    }
    pthread_mutex_unlock(&rt->ck_lock);
    for (uint32_t i = 0; i < rt->ntasks; i++)
        if (rt->tasks[i]->started)
            pthread_join(rt->tasks[i]->th, NULL);
    rt->ended_usec = mono_usec();
    if (job_failed(rt)) {
        *err = rt->err;
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ summary */

/* The pipeline (1-based: the INSERT) whose summary first showed source
 * node `id`, or 0. */
static uint32_t shown_in(const struct hf_graph *g, uint32_t upto_sink,
                         uint32_t id, uint32_t *srcs)
{
    for (uint32_t s = 0; s < upto_sink; s++) {
        const struct hf_node *k = hf_graph_sink(g, s);
        uint32_t n = hf_graph_sources_of(g, k->id, srcs);
        for (uint32_t j = 0; j < n; j++)
            if (srcs[j] == id)
                return s + 1;
    }
    return 0;
}

void hf_runtime_summary(const struct hf_runtime *rt, FILE *out)
{
    double secs = (double)(rt->ended_usec - rt->started_usec) / 1e6;
    if (secs <= 0)
        secs = 1e-6;
    const struct hf_graph *g = &rt->job->graph;
    uint32_t *srcs = calloc(g->nnodes ? g->nnodes : 1, sizeof *srcs);
    uint32_t *seen = calloc(g->nnodes ? g->nnodes : 1, sizeof *seen);
    if (srcs == NULL || seen == NULL) {
        free(srcs);
        free(seen);
        return;
    }
    /* Built whole, then scrubbed: table names and paths are user text. */
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    const char *name = hf_opts_str(&rt->job->settings, "pipeline.name", NULL);
    hf_strbuf_printf(&sb, "holoflow summary: job '%s' %s after %.3f s\n",
                     name ? name : rt->job->path,
                     job_failed(rt)                       ? "FAILED"
                     : atomic_load(&rt->job->stop_signal) ? "STOPPED"
                                                          : "FINISHED",
                     secs);
    uint64_t total_out = 0;
    /* One pipeline per INSERT (sink node): its sources, then its sink. A
     * source shared by several INSERTs is read once: its counters are
     * shown under the first. */
    uint32_t nsinks = hf_graph_nsinks(g);
    for (uint32_t s = 0; s < nsinks; s++) {
        const struct hf_node *k = hf_graph_sink(g, s);
        uint32_t n = hf_graph_sources_of(g, k->id, seen);
        hf_strbuf_printf(&sb, "  pipeline %u: ", s + 1);
        for (uint32_t j = 0; j < n; j++)
            hf_strbuf_printf(&sb, "%s%s", j ? ", " : "",
                             g->nodes[seen[j]].table->name);
        hf_strbuf_printf(&sb, " -> %s\n", k->table->name);
        for (uint32_t j = 0; j < n; j++) {
            const struct rnode *r = &rt->nodes[rt->first[seen[j]]];
            const char *tn = r->n->table->name;
            uint32_t first = shown_in(g, s, seen[j], srcs);
            if (first) {
                hf_strbuf_printf(&sb,
                                 "    source '%s': read once, shown under "
                                 "pipeline %u\n",
                                 tn, first);
                continue;
            }
            hf_strbuf_printf(&sb,
                             "    source '%s': %" PRIu64
                             " records read, %" PRIu64
                             " rows passed on, %" PRIu64
                             " records skipped, %" PRIu64 " fields set to NULL",
                             tn, (uint64_t)atomic_load(&r->stats.rows_in),
                             (uint64_t)atomic_load(&r->stats.rows_out),
                             (uint64_t)atomic_load(&r->stats.skipped),
                             (uint64_t)atomic_load(&r->stats.nulled));
            uint64_t dirty = atomic_load(&r->stats.dirty);
            if (dirty)
                hf_strbuf_printf(&sb, ", %" PRIu64 " dirty rows", dirty);
            hf_strbuf_putc(&sb, '\n');
        }
        const struct rnode *r = &rt->nodes[rt->first[k->id]];
        uint64_t k_out = atomic_load(&r->stats.rows_out);
        total_out += k_out;
        hf_strbuf_printf(
            &sb,
            "    sink '%s': %" PRIu64 " rows received, %" PRIu64
            " rows written, %" PRIu64 " dirty rows",
            k->table->name, (uint64_t)atomic_load(&r->stats.rows_in), k_out,
            (uint64_t)atomic_load(&r->stats.dirty));
        uint64_t k_retries = atomic_load(&r->stats.retries);
        if (k_retries)
            hf_strbuf_printf(&sb, ", %" PRIu64 " retries", k_retries);
        hf_strbuf_printf(&sb, "\n    rate: %.0f rows/s\n", (double)k_out / secs);
    }
    /* Lookup joins: what they asked and what their caches did. */
    for (uint32_t i = 0; i < g->nnodes; i++) {
        const struct hf_node *n = &g->nodes[i];
        if (n->op != &hf_op_lookup_join)
            continue;
        const struct hf_lookup_spec *ls = n->spec;
        const struct hf_lookup_counters *st = &ls->stats;
        hf_strbuf_printf(
            &sb,
            "  lookup '%s': %" PRIu64 " rows in, %" PRIu64 " rows out, %" PRIu64
            " keys asked in %" PRIu64 " requests",
            ls->dim->name, (uint64_t)atomic_load(&st->rows_in),
            (uint64_t)atomic_load(&st->rows_out),
            (uint64_t)atomic_load(&st->keys_asked),
            (uint64_t)atomic_load(&st->requests));
        uint64_t l_retries = atomic_load(&st->retries);
        if (l_retries)
            hf_strbuf_printf(&sb, ", %" PRIu64 " retries", l_retries);
        if (ls->conf.cache != HF_LCACHE_NONE)
            hf_strbuf_printf(
                &sb,
                "; cache: %" PRIu64 " hits, %" PRIu64 " misses, %" PRIu64
                " evictions, %" PRIu64 " expired, %" PRIu64 " keys in %" PRIu64
                " bytes",
                (uint64_t)atomic_load(&st->hits),
                (uint64_t)atomic_load(&st->misses),
                (uint64_t)atomic_load(&st->evictions),
                (uint64_t)atomic_load(&st->expired),
                (uint64_t)atomic_load(&st->cached_keys),
                (uint64_t)atomic_load(&st->cached_bytes));
        hf_strbuf_putc(&sb, '\n');
    }
    hf_strbuf_printf(
        &sb, "  total: %" PRIu64 " rows written in %.3f s (%.0f rows/s)\n",
        total_out, secs, (double)total_out / secs);
    if (hf_strbuf_ok(&sb) && sb.data)
        hf_fputs_scrubbed(sb.data, out);
    hf_strbuf_free(&sb);
    free(srcs);
    free(seen);
}

/* ------------------------------------------------------------ metrics */

struct hf_table_stats *hf_runtime_node_stats(struct hf_runtime *rt,
                                             uint32_t i)
{
    return hf_runtime_instance_stats(rt, i, 0);
}

uint32_t hf_runtime_node_parallelism(struct hf_runtime *rt, uint32_t i)
{
    if (rt->par == NULL || i >= rt->job->graph.nnodes)
        return 0;
    return rt->par[i];
}

struct hf_table_stats *hf_runtime_instance_stats(struct hf_runtime *rt,
                                                 uint32_t i, uint32_t k)
{
    if (rt->nodes == NULL || k >= hf_runtime_node_parallelism(rt, i))
        return NULL;
    return &rt->nodes[rt->first[i] + k].stats;
}

struct hf_ckpt_metrics *hf_runtime_ckpt_metrics(struct hf_runtime *rt)
{
    return &rt->ckm;
}
