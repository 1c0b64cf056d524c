/*
 * window_emit.h - what the two window aggregates (window_agg.c for TUMBLE,
 * HOP and CUMULATE, session_agg.c for sessions) share: the layout of the
 * group key, building their output rows (group key, window_start,
 * window_end, the calls' results, window_time = window_end - 1 ms) into
 * batches, counting and logging late rows, their state when the runtime
 * offers none, and the operator callbacks that decide when windows fire
 * (watermark, processing-time progress, end of input), which call back
 * the operator's own fire_until (see window_emit.c). An operator's state
 * struct begins with its struct hf_win_emit, so those callbacks take the
 * operator's state as theirs.
 *
 * Ownership: a struct hf_win_emit is embedded in the operator's state and
 * owns its arrays, its accumulators and the batch being filled; the spec
 * and the pool are borrowed (the graph's and the runtime's).
 * @locality the operator's thread only.
 */
#ifndef HF_OPS_WINDOW_EMIT_H
#define HF_OPS_WINDOW_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ops/window_agg.h"

#define HF_WIN_MS 1000 /* one millisecond in microseconds */

struct hf_win_emit {
    const struct hf_window_agg_spec *s;
    struct hf_rbuf_pool *pool; /* output batches (env's; env is not kept) */
    const char *what;          /* "window aggregate", for messages */
    const char *late_why;      /* why a late row was dropped, for the log */
    const char *uid;           /* env's, or uidbuf */
    char uidbuf[48];
    /* The group key: the key columns other than window_start/end. */
    struct hf_type *ktypes;
    uint32_t *gkeys;
    uint32_t ngkeys;
    struct hf_value *kv;     /* a decoded group key */
    struct hf_agg_acc *accs; /* one per call, for loading saved ones */
    struct hf_rbuf *out;     /* the batch being filled */
    uint64_t late;           /* rows dropped as late */
    uint64_t late_logged;
    int64_t late_log_usec;
    /* When the runtime offers no state (unit tests): a hashmap of ours. */
    struct hf_state_backend *own_be;
    /* The operator's (set after hf_win_emit_init): fire, emit and forget
     * every window whose end - 1 ms is at or before t (state = the
     * operator's). */
    int (*fire_until)(void *state, int64_t t, struct hf_op_out *out,
                      struct hf_error *err);
    int64_t wm; /* event time: the current watermark */
    int64_t pt; /* processing time: the progress (op.h proc_progress) */
};

/* Set up e for the operator opened with env: `kind` names it in the
 * default uid ("window-aggregate": "n4-window-aggregate"), `what` in
 * messages, `late_why` ends the late-row warning. 0, or -1 (err set; e
 * is then still for hf_win_emit_free). */
int hf_win_emit_init(struct hf_win_emit *e, const struct hf_op_env *env,
                     const char *kind, const char *what, const char *late_why,
                     struct hf_error *err);
/* Log the final late count, release the batch being filled, free what e
 * owns (e itself is the caller's). Call after closing a state opened with
 * hf_win_open_state. */
void hf_win_emit_free(struct hf_win_emit *e);

/* Open the operator's state `name` through env->open_state, or in a
 * hashmap backend of e's own when the runtime offers none. 0 or -1. */
int hf_win_open_state(struct hf_win_emit *e, const struct hf_op_env *env,
                      const char *name, struct hf_state **st,
                      struct hf_error *err);
/* Close a state of e's own backend (one of the runtime's is closed by
 * the runtime); NULL is a no-op. */
void hf_win_close_state(struct hf_win_emit *e, struct hf_state *st);

/* "out of memory" in e's name; returns -1. */
int hf_win_oom(const struct hf_win_emit *e, struct hf_error *err);

/* Load the calls' accumulators saved one after the other at p (len bytes,
 * as hf_agg_acc_save wrote them) into accs[] (one per call). 0 or -1. */
int hf_win_load_accs(const struct hf_win_emit *e, struct hf_agg_acc *accs,
                     const void *p, size_t len, struct hf_error *err);

/* Append one +I row for window [start, end) of the group key encoded at
 * gkey (gklen bytes, core/rowcodec.h) with the accumulators saved at acc
 * (acclen bytes) to the batch being filled, emitting a full batch first.
 * 0, or -1 (err set, or the job is failing). */
int hf_win_emit_row(struct hf_win_emit *e, const void *gkey, size_t gklen,
                    int64_t start, int64_t end, const void *acc, size_t acclen,
                    struct hf_op_out *out, struct hf_error *err);
/* Emit the batch being filled, if any rows. 0 or -1. */
int hf_win_emit_flush(struct hf_win_emit *e, struct hf_op_out *out,
                      struct hf_error *err);

/* Late rows: the operator adds them to e->late; this logs the count when
 * it grew, at most once a second unless `final` (hf_win_emit_free logs
 * it a last time). */
void hf_win_late_log(struct hf_win_emit *e, bool final);

/* The time a row's window must end after (end - 1 ms > progress) not to
 * be late: the watermark, or in processing time the progress (a row is
 * never behind the mark that covers it, so it is never late there). */
int64_t hf_win_progress(const struct hf_win_emit *e);

/* The op.h callbacks both operators use as they are; `state` is the
 * operator's, which begins with its struct hf_win_emit. watermark: event
 * time fires up to the watermark (processing time ignores it);
 * proc_progress: processing time fires up to the progress (event time
 * ignores it); end_input: processing time fires up to the last progress
 * (the TVF's clock at its end: what the clock completed; Flink fires no
 * processing-time timer after the end of input), event time only flushes
 * (the final watermark fired the rest). */
int hf_win_op_watermark(void *state, int64_t wm, struct hf_op_out *out,
                        struct hf_error *err);
int hf_win_op_proc_progress(void *state, int64_t t, struct hf_op_out *out,
                            struct hf_error *err);
int hf_win_op_end_input(void *state, uint32_t input, struct hf_op_out *out,
                        struct hf_error *err);
void hf_win_op_explain(const struct hf_node *n, struct hf_strbuf *out);
void hf_win_op_free_spec(void *spec);

#endif
