/*
 * op.h - the operator interface: what a node of the graph that is neither a
 * source nor a sink implements (calc.c, union.c, distinct.c, limit.c;
 * later aggregates, joins, lookup joins).
 *
 * An operator is a `const struct hf_op_class`: plan-time hooks (explain,
 * free its spec) and run-time callbacks. The runtime drives it by pushing:
 *
 *   open -> { process(input i, batch) | snapshot(id) | end_input(i) |
 *             watermark(wm) | on_timer(now) }* -> close
 *
 * - process() receives a batch of input i (borrowed for the call: to keep
 *   it, take a reference) and emits zero or more batches through `out`.
 *   An output batch comes from env->pool (hf_rbuf_get) and, when its
 *   values point into the input's arena, names the input as its parent
 *   (hf_rbuf_set_parent); emitting lends it to the consumers, who take
 *   their own references, so the operator releases its own after the
 *   emit. A pass-through operator may emit its input batch itself.
 * - snapshot(id) is called when checkpoint barrier `id` has arrived on
 *   every input that has not ended (the runtime aligns them), before the
 *   barrier is forwarded: a stateful operator makes its state for that
 *   checkpoint durable here, and may emit rows that must precede the
 *   barrier. A checkpoint counts only when every snapshot returned 0.
 * - end_input(i) says input i has ended (bounded input or a stop); when
 *   the last input ends the operator emits whatever it still holds (a
 *   batch-mode aggregate its results) before the runtime forwards the end.
 * - on_timer(now): processing-time timers (Flink's ProcessingTimeService).
 *   Before it waits for input, the runtime asks next_timer() when the
 *   operator next needs the clock; when the wall clock reaches that time
 *   it calls on_timer() whether or not any input came (the task waits on
 *   its inbox with a timeout; a chained operator in a source's task
 *   between reads), so an operator acts at a time even when its input has
 *   stopped. Timers are not served after the last input ended (Flink
 *   fires none after the end of input).
 * - Processing-time progress (proc_marks / out->progress / proc_progress).
 *   An operator that stamps processing time on its rows (a window TVF
 *   over PROCTIME()) sends, behind the rows it stamped, progress marks:
 *   "every row stamped from now on is later than t". The runtime carries
 *   them as it carries watermarks (in order with the rows, through edges,
 *   the minimum over the input channels that carry them), and an operator
 *   that fires on processing time (a processing-time window aggregate)
 *   fires on them instead of its own clock, so a row still queued behind
 *   back-pressure when the clock passed its window's end is not late.
 * Every call of one operator instance is on one thread (its task's, see
 * runtime.c); a callback that returns -1 fails the job with `err`.
 * A keyed operator (route_key set) may run as several instances, one per
 * thread, each owning a range of key groups (env->kg_first..kg_last) and
 * getting only the rows whose keys fall there; every instance sees every
 * barrier, watermark and end of input.
 *
 * Threads: a HF_OP_CHAINABLE operator (one input, no state) runs in its
 * producer's thread, as a function call; any other operator is the head
 * of a task of its own, fed through bounded edges, and the sink it feeds
 * (when it feeds exactly one) runs in that task too. A two-input stateful
 * operator (a join) is such a head.
 */
#ifndef HF_OPS_OP_H
#define HF_OPS_OP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/rbuf.h"
#include "core/strbuf.h"
#include "runtime/graph.h"

/* Where an operator's output goes; implemented by the runtime. */
struct hf_op_out {
    /* Lend `rows` to every consumer of the node (each takes its own
     * reference). 0, or -1 when the job is failing (err set if the
     * failure is this call's). */
    int (*emit)(struct hf_op_out *out, struct hf_rbuf *rows,
                struct hf_error *err);
    /* Processing-time progress, sent at any time by an operator whose
     * class says it stamps processing time (proc_marks): every row it
     * emits from now on is stamped later than `t` (microseconds since the
     * epoch, whole milliseconds). The mark goes behind every row emitted
     * so far; marks that do not rise are dropped. 0 or -1 as emit. NULL
     * outside a runtime (unit tests). */
    int (*progress)(struct hf_op_out *out, int64_t t, struct hf_error *err);
};

/* What an operator instance learns at open. */
struct hf_state;
struct hf_op_env {
    const struct hf_node *node; /* its node (spec, inputs, schema) */
    /* Stable across runs of the same job ("n4-group-aggregate"): names
     * the operator's states in checkpoints and in errors. */
    const char *uid;
    /* Keyed operators: this instance is `subtask` of `parallelism` and
     * owns key groups [kg_first, kg_last] (state/state.h). */
    uint32_t subtask, parallelism, kg_first, kg_last, max_parallelism;
    /* Stateful operators: open this instance's state `name` (see
     * state/state.h); the runtime snapshots it behind every aligned
     * barrier, after the operator's snapshot(), and closes it after
     * close(). 0 or -1. Call from open() only. */
    int (*open_state)(const struct hf_op_env *env, const char *name,
                      struct hf_state **out, struct hf_error *err);
    void *rt; /* the runtime's, for open_state */
    bool batch_mode;            /* execution.runtime-mode = batch */
    bool drop_null_violations;  /* table.exec.sink.not-null-enforcer=DROP */
    struct hf_rbuf_pool *pool;  /* output batches of node->schema's width;
                                   NULL for HF_OP_PASSTHROUGH */
};

#define HF_OP_CHAINABLE                                                        \
    0x1u                       /* one input, stateless: may run in the         \
                                  producer's thread */
#define HF_OP_PASSTHROUGH 0x2u /* emits its input batches; needs no pool */
#define HF_OP_REPLICABLE                                                       \
    0x4u /* stateless: after a parallel operator it runs once per instance,   \
            chained (calc, window-tvf); a chainable operator without it       \
            (distinct, limit) runs once */

struct hf_op_class {
    const char *name; /* "calc", "union"; explain's kind */
    unsigned flags;
    /* Plan time. The node's details for explain, on one line (no
     * newline), e.g. "where (qty > 0); id := id". */
    void (*explain)(const struct hf_node *n, struct hf_strbuf *out);
    void (*free_spec)(void *spec);
    /* Run time. open: 0 or -1; *state is passed to every other call. */
    int (*open)(const struct hf_op_env *env, void **state,
                struct hf_error *err);
    int (*process)(void *state, uint32_t input, struct hf_rbuf *in,
                   struct hf_op_out *out, struct hf_error *err);
    /* Optional (NULL: nothing to snapshot). */
    int (*snapshot)(void *state, uint64_t ckpt_id, struct hf_op_out *out,
                    struct hf_error *err);
    /* Optional (NULL: nothing held back). */
    int (*end_input)(void *state, uint32_t input, struct hf_op_out *out,
                     struct hf_error *err);
    /* Optional: event time. Called when the watermark, the minimum over
     * the inputs' watermarks (an ended or idle input does not hold it
     * back), rises to `wm` (microseconds, the rowtime's scale). The
     * operator fires what it completes (windows, interval-join rows),
     * emits their rows, and returns; the runtime then forwards `wm`
     * (Flink: a watermark follows every output of the timers it fired).
     * NULL: the runtime forwards watermarks unchanged. */
    int (*watermark)(void *state, int64_t wm, struct hf_op_out *out,
                     struct hf_error *err);
    /* Optional: the watermark to forward when the operator's rises to
     * `wm` (an interval join holds it back by its larger bound, as
     * Flink's KeyedCoProcessOperatorWithWatermarkDelay; a lookup join
     * behind rows it set aside). Asked for the final watermark (INT64_MAX)
     * too, and again, with the operator's current watermark, after
     * process, on_timer, end_input and snapshot: a larger answer than
     * the last forwarded goes on then. NULL: `wm`. */
    int64_t (*watermark_out)(void *state, int64_t wm);
    /* Optional: processing-time timers (see above). The wall-clock time
     * (microseconds since the epoch, CLOCK_REALTIME: PROCTIME()'s scale)
     * at which the operator next needs on_timer; INT64_MAX: none. Asked
     * before every wait for input, so a timer set by any call counts. */
    int64_t (*next_timer)(void *state);
    /* With next_timer: the wall clock reached the time next_timer gave
     * (`now`, microseconds). Fires what is due, emits its rows, and
     * returns 0 or -1. */
    int (*on_timer)(void *state, int64_t now, struct hf_op_out *out,
                    struct hf_error *err);
    /* Optional, plan time: whether node n stamps processing time on its
     * rows and sends processing-time progress through out->progress (a
     * window TVF over PROCTIME()). Such a node does not forward the
     * progress of its inputs; the nodes after it carry its marks up to
     * the operators that fire on them (proc_progress), not to the sinks.
     * NULL: never. */
    bool (*proc_marks)(const struct hf_node *n);
    /* Optional: the processing-time progress reaching the operator (the
     * minimum over its inputs that carry it) rose to `t`: no row stamped
     * at or before t is still to come. The operator fires what that
     * completes (processing-time windows: end - 1 ms <= t), emits it and
     * returns; the runtime then forwards the mark. NULL: forwarded
     * unchanged. */
    int (*proc_progress)(void *state, int64_t t, struct hf_op_out *out,
                         struct hf_error *err);
    void (*close)(void *state);
    /* Optional: a keyed operator, whose state is split by key group and
     * which runs parallelism.default instances (runtime/exchange.h).
     * Appends to `out` the routing key of `row`, a row of input `port`
     * whose columns are `in`: the bytes whose hf_key_hash gives the key
     * group of every state entry the row reads or writes (the state key,
     * or the part hf_state_set_key_prefix names). Every input's keys must
     * encode alike (a join's key columns have one type). Called on the
     * producers' threads: reads the node's spec only. NULL: the operator
     * runs as one instance. */
    void (*route_key)(const struct hf_node *n, const struct hf_schema *in,
                      uint32_t port, const struct hf_value *row,
                      struct hf_strbuf *out);
};

/* The operators (one file each). */
extern const struct hf_op_class hf_op_calc;     /* calc.c */
extern const struct hf_op_class hf_op_union;    /* union.c */
extern const struct hf_op_class hf_op_distinct; /* distinct.c */
extern const struct hf_op_class hf_op_limit;    /* limit.c */
extern const struct hf_op_class hf_op_join;     /* join.c (join.h) */
extern const struct hf_op_class hf_op_rank;     /* rank.c: Top-N */
extern const struct hf_op_class hf_op_deduplicate; /* deduplicate.c */
extern const struct hf_op_class hf_op_normalize;   /* normalize.c */

#endif
