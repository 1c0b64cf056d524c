/*
 * window_agg.h - the plan of a window aggregate node: the windows of a
 * window table function (TUMBLE, HOP, CUMULATE) or of a legacy group
 * window (GROUP BY TUMBLE(ts, ...)), the group key, and the aggregate
 * calls (ops/aggfn.h) computed per window and key (see window_agg.c).
 *
 * The planner (plan_window.c, plan_agg.c) puts a window TVF node, then a
 * calc computing the key expressions and the aggregate arguments as plain
 * columns, in front of it, so the spec names input columns only; a
 * relation behind it computes the SELECT list.
 *
 * Times are microseconds (the scale of TIMESTAMP values); sizes, slides,
 * steps and offsets are whole milliseconds, as Flink requires.
 *
 * Ownership: a spec owns keys, the calls (and their texts) and text;
 * `in` is borrowed from the graph (the input node's schema).
 */
#ifndef HF_OPS_WINDOW_AGG_H
#define HF_OPS_WINDOW_AGG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/types.h"
#include "ops/aggfn.h"
#include "ops/group_agg.h"
#include "ops/op.h"

struct hf_tz;

/* HF_WIN_SESSION: each row's own window is [ts, ts + gap) (size = gap);
 * the session window aggregate (session_agg.c) merges those that touch. */
enum hf_window_kind {
    HF_WIN_TUMBLE,
    HF_WIN_HOP,
    HF_WIN_CUMULATE,
    HF_WIN_SESSION
};

/* Which windows a row of time `ts` belongs to. */
struct hf_window_def {
    enum hf_window_kind kind;
    int64_t size;   /* TUMBLE, HOP: the window's length; CUMULATE: max */
    int64_t slide;  /* HOP: the slide; CUMULATE: the step; TUMBLE: size */
    int64_t offset; /* shifts the boundaries (0 by default) */
    /* The session time zone when the time attribute is TIMESTAMP_LTZ
     * (a rowtime on a TIMESTAMP_LTZ column, or PROCTIME()), else NULL:
     * windows are then aligned in local time (see hf_window_local). */
    const struct hf_tz *shift_tz;
};

/* Windows over a TIMESTAMP_LTZ time attribute are aligned in the session
 * time zone, as Flink's TimeWindowUtil (shiftTimeZone): a row's instant
 * is turned into local wall-clock time before hf_window_assign, so
 * window_start and window_end are local TIMESTAMP values (a 1-day TUMBLE
 * in Asia/Shanghai starts at local midnight). tz NULL: no shift.
 *   hf_window_local: the wall-clock time of instant ts (toUtcTimestampMills).
 *   hf_window_fire_time: the instant at which the window ending at local
 *     `end` fires, to compare with the watermark or the clock
 *     (toEpochMillsForTimer(end - 1 ms)): in a DST gap the instant the gap
 *     begins, in an overlap the later instant.
 *   hf_window_time: window_time, the instant of local end - 1 ms
 *     (toEpochMills: in a gap moved later, in an overlap the earlier). */
int64_t hf_window_local(const struct hf_tz *tz, int64_t ts);
int64_t hf_window_fire_time(const struct hf_tz *tz, int64_t end);
int64_t hf_window_time(const struct hf_tz *tz, int64_t end);

/* The windows of `ts`, written to starts[]/ends[] (at most `cap`, which
 * must be >= size / slide for HOP and CUMULATE); returns how many. Ends
 * are exclusive. */
uint32_t hf_window_assign(const struct hf_window_def *w, int64_t ts,
                          int64_t *starts, int64_t *ends, uint32_t cap);

/* The most windows one row belongs to under w. */
uint32_t hf_window_max_per_row(const struct hf_window_def *w);

/* The window aggregate reads rows whose windows are already assigned
 * (a window TVF node before it: window_start and window_end are columns),
 * grouped by the key columns. Its output row is the key columns in
 * order, window_start and window_end at their places among them, then one
 * column per call, then window_time (window_end - 1 ms). */
struct hf_window_agg_spec {
    const struct hf_schema *in;
    uint32_t *keys; /* input columns of the key, in output order */
    uint32_t nkeys;
    uint32_t start_key, end_key; /* positions in keys[] of window_start and
                                    window_end */
    struct hf_agg_call *calls;   /* ops/group_agg.h */
    uint32_t ncalls;
    bool proctime; /* processing-time windows: the clock fires them */
    const struct hf_tz *shift_tz; /* window_start/end are local time in
                                     this zone (hf_window_def), or NULL */
    bool retract_input; /* the input may retract (-U/-D rows subtract) */
    char *text; /* "WindowAggregate(window=[TUMBLE(...)], ...)" (owned) */
};

extern const struct hf_op_class hf_op_window_agg; /* window_agg.c */
/* The same spec over session windows: merges rows' windows per key. */
extern const struct hf_op_class hf_op_session_agg; /* session_agg.c */

/* A window table function without aggregation: every input row once per
 * window it belongs to, with window_start, window_end and window_time
 * after its columns (window_tvf.c). */
struct hf_window_tvf_spec {
    struct hf_window_def win;
    const struct hf_schema *in;
    int32_t time_col; /* as in hf_window_agg_spec; -1: processing time */
    char *text;       /* for explain (owned) */
    /* The planner's: a SESSION TVF is only valid under a window aggregate
     * (consumed), else refused at line:col. */
    bool consumed;
    int line, col;
};

extern const struct hf_op_class hf_op_window_tvf; /* window_tvf.c */

/* Free a spec (and what it owns). NULL is a no-op. */
void hf_window_agg_spec_free(struct hf_window_agg_spec *s);

#endif
