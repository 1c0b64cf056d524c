/*
 * kafka_source.c - the consumer behind the 'kafka' and 'upsert-kafka'
 * sources.
 *
 * Position and checkpoints. For every assigned partition the source knows
 * `next`, the offset after the last message it consumed (decoded into a
 * returned batch, or skipped and recorded as bad). source_checkpoint(id)
 * snapshots {partition: next} for all of them; source_commit(id) commits
 * that snapshot to the consumer group, synchronously. The runtime calls
 * commit only after every sink flushed every row read before the
 * checkpoint, so a committed offset never passes a row that is not durable.
 * librdkafka's own committing is off (enable.auto.commit=false,
 * enable.auto.offset.store=false).
 *
 * Where reading starts. The group's committed offsets are holoflow's
 * checkpoint: a partition with a committed offset resumes there (as Flink
 * resumes from its checkpoint). A partition without one starts per
 * 'scan.startup.mode': earliest-offset, latest-offset, group-offsets (then
 * 'properties.auto.offset.reset' decides; without it the job fails, as
 * Flink's default NONE), timestamp (offsets_for_times; past the end means
 * the end), specific-offsets (unlisted partitions, and offsets past the
 * end, start at the earliest).
 * 'scan.bounded.mode' stops the same way: timestamp at the first message at
 * or after it (the end when there is none), specific-offsets at the given
 * offsets (unlisted partitions at the earliest, so they read nothing),
 * group-offsets at the committed offsets (none committed: an error).
 * Every start is resolved to an absolute offset when the partition is
 * assigned, so `next` is always known. upsert-kafka always reads from the
 * earliest offset (as Flink) to rebuild its per-key state, and emits rows
 * only from the committed offset on (rows below it were emitted by an
 * earlier run and are durable).
 *
 * Checkpoint positions (state.checkpoints.dir, docs/state.md). The
 * position stored in the job's checkpoint (hfk_source_position) is
 * "hfk1\n" and one line "topic\tpartition\toffset\n" per assigned
 * partition, the offsets of the snapshot just taken, and the restored
 * offsets of partitions not assigned yet in this run (a checkpoint taken
 * before the group's assignment still holds them: the restored state
 * reflects them). When the job restores a checkpoint, a partition listed
 * there starts at its offset whatever the group committed since (the
 * state restored with it matches that offset and no other); an unlisted
 * partition starts as above.
 *
 * Assignment. With 'properties.group.id' and an unbounded read the source
 * subscribes, and the group coordinator spreads partitions over every
 * holoflow in the group. Without a group, or for a bounded read, it
 * assigns itself every partition of the topics. Rebalances are handled
 * between batches, never inside one: the rebalance callback only records
 * the event; the read loop stops filling the batch and returns it, and the
 * next read (with an empty batch) handles the event. Before partitions are
 * revoked it calls ctx->checkpoint_now, which flushes every row already
 * returned through the sinks and commits the offsets, so the next owner
 * starts exactly after them: nothing is lost or written twice. Then it
 * forgets the partitions and unassigns them (incrementally with the
 * cooperative protocol). Partitions lost without a revoke (session timeout)
 * cannot be committed; their rows may then be replayed by the new owner.
 *
 * Batches. Every batch holds rows of one partition (batch->src_name is the
 * topic, src_part the partition, each row's origin its offset); a message
 * of another partition waits for the next batch. A poll waits at most
 * 100 ms when the batch is empty and not at all when it has rows.
 *
 * Bad messages. A record the format cannot decode fails the job with
 * "topic 'T' partition P offset O: <reason>". With the format's
 * ignore-parse-errors (Flink's meaning) a field that cannot be parsed is
 * NULL and its row goes on, counted (stats->nulled); a record that cannot
 * be read at all is skipped and counted (stats->skipped), appended to
 * 'scan.dirty-data.path' when set (flushed and fsync'd before any
 * checkpoint that covers it), and only then consumed. The first of both
 * are logged as warnings with their position (hf_bad_input_log). A record
 * timestamp (milliseconds, set by any producer) beyond 9999-12-31 fails the job
 * the same way when a 'timestamp' metadata column would hold it: microseconds
 * would overflow or leave the range of TIMESTAMP_LTZ (core/datetime.h).
 *
 * @locality everything runs on the source's own thread; librdkafka calls
 * the callbacks from rd_kafka_consumer_poll on that thread.
 */
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "connectors/kafka/kafka_int.h"
#include "core/datetime.h"
#include "core/log.h"
#include "metrics/lag_parts.h"

#define META_TIMEOUT_MS 10000
#define POLL_IDLE_MS 100
#define MAX_PENDING 8

enum startup {
    START_EARLIEST,
    START_LATEST,
    START_GROUP,
    START_TIMESTAMP,
    START_SPECIFIC
};

enum bounded {
    BOUND_NONE,
    BOUND_LATEST,
    BOUND_GROUP,
    BOUND_TIMESTAMP,
    BOUND_SPECIFIC
};

struct src_part {
    const char *topic; /* interned in hfk_source.names */
    int32_t partition;
    int64_t next;      /* offset after the last consumed message */
    int64_t committed; /* last offset committed by this source, -1 none */
    int64_t stop;      /* bounded: exclusive end, -1 none */
    int64_t end0;      /* the end queried at assignment (the lag's end
                        * until a fetch answers), -1 none */
    bool done;         /* bounded: reached stop */
};

struct snapshot {
    uint64_t id;
    rd_kafka_topic_partition_list_t *offs;
};

struct pending {
    rd_kafka_resp_err_t kind; /* __ASSIGN_PARTITIONS / __REVOKE_PARTITIONS */
    rd_kafka_topic_partition_list_t *parts;
    bool lost;
};

/* A partition's offset in the restored checkpoint; seen once assigned. */
struct restored {
    char *topic;
    int32_t partition;
    int64_t offset;
    bool seen;
};

struct meta_col {
    uint32_t col;
    enum hfk_meta key;
};

struct hfk_source {
    const struct hf_table_def *t;
    const struct hf_run_ctx *ctx;
    struct hfk_mode mode;
    rd_kafka_t *rk;
    struct hfk_layout lay;
    bool except_key;
    const char *group; /* NULL: no consumer group */
    bool subscribed;
    bool closing;
    enum startup startup;
    int64_t startup_ts;
    int32_t *spec_parts;
    int64_t *spec_offs;
    size_t nspec;
    enum bounded bounded;
    int64_t bounded_ts;
    int32_t *bspec_parts;
    int64_t *bspec_offs;
    size_t nbspec;
    int auto_reset; /* -1 unset, 0 earliest, 1 latest */
    const char **topics; /* NULL with topic-pattern */
    size_t ntopics;
    const char *pattern;
    char **names; /* topic names seen (owned), alive until close: batches
                   * point at them */
    size_t nnames;
    struct src_part *parts;
    size_t nparts, cparts;
    size_t hint;
    rd_kafka_message_t *held;
    struct pending pend[MAX_PENDING];
    size_t npend;
    struct snapshot *snaps;
    size_t nsnaps, csnaps;
    struct meta_col *meta; /* the connector's metadata columns (owned) */
    uint32_t nmeta;
    uint32_t *vmeta_key, *vmeta_col; /* the value format's (owned) */
    uint32_t nvmeta;
    FILE *dirty;
    const char *dirty_path;
    bool dirty_unsynced; /* records appended since the last fsync */
    struct hf_strbuf dbuf;
    struct hf_bad_input_log badlog; /* skipped records, nulled fields */
    bool fatal;
    char fatal_msg[512];
    struct restored *rest; /* the restored checkpoint's offsets */
    size_t nrest;
    int64_t lag_at_ms; /* when the lag was last measured (0: never) */
    bool lag_stale;    /* rows read since then */
    bool lag_partial;  /* some partition's end was unknown then */
};

/* ------------------------------------------------------------ helpers */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *tn(const struct hfk_source *s)
{
    return hfk_tname(s->t);
}

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM, "kafka source: out of memory");
}

static struct src_part *find_part(struct hfk_source *s, const char *topic,
                                  int32_t partition)
{
    if (s->hint < s->nparts && s->parts[s->hint].partition == partition &&
        strcmp(s->parts[s->hint].topic, topic) == 0)
        return &s->parts[s->hint];
    for (size_t i = 0; i < s->nparts; i++) {
        if (s->parts[i].partition == partition &&
            strcmp(s->parts[i].topic, topic) == 0) {
            s->hint = i;
            return &s->parts[i];
        }
    }
    return NULL;
}

/* The interned copy of a topic name, or NULL on out of memory. */
static const char *intern(struct hfk_source *s, const char *topic)
{
    for (size_t i = 0; i < s->nnames; i++)
        if (strcmp(s->names[i], topic) == 0)
            return s->names[i];
    char **nv = realloc(s->names, (s->nnames + 1) * sizeof *nv);
    if (nv == NULL)
        return NULL;
    s->names = nv;
    char *d = strdup(topic);
    if (d == NULL)
        return NULL;
    s->names[s->nnames++] = d;
    return d;
}

static struct src_part *add_part(struct hfk_source *s, const char *topic,
                                 int32_t partition)
{
    struct src_part *p = find_part(s, topic, partition);
    if (p)
        return p;
    const char *name = intern(s, topic);
    if (name == NULL)
        return NULL;
    if (s->nparts == s->cparts) {
        size_t nc = s->cparts ? s->cparts * 2 : 16;
        struct src_part *np = realloc(s->parts, nc * sizeof *np);
        if (np == NULL)
            return NULL;
        s->parts = np;
        s->cparts = nc;
    }
    p = &s->parts[s->nparts];
    memset(p, 0, sizeof *p);
    p->topic = name;
    p->partition = partition;
    p->next = -1;
    p->committed = -1;
    p->stop = -1;
    p->end0 = -1;
    s->nparts++;
    return p;
}

/* A bounded partition reached its end: it no longer holds the source's
 * watermark back (event time, connector.h). */
static void part_finished(struct hfk_source *s, const struct src_part *p)
{
    if (s->ctx && s->ctx->split_finished)
        s->ctx->split_finished(s->ctx, p->partition);
}

static void remove_part(struct hfk_source *s, const char *topic,
                        int32_t partition)
{
    for (size_t i = 0; i < s->nparts; i++) {
        if (s->parts[i].partition == partition &&
            strcmp(s->parts[i].topic, topic) == 0) {
            if (s->ctx && s->ctx->split_finished)
                s->ctx->split_finished(s->ctx, partition);
            s->parts[i] = s->parts[s->nparts - 1];
            s->nparts--;
            s->hint = 0;
            return;
        }
    }
}

static bool all_done(const struct hfk_source *s)
{
    for (size_t i = 0; i < s->nparts; i++)
        if (!s->parts[i].done)
            return false;
    return true;
}

/* Remove the partitions of `gone` from every pending snapshot. */
static void strip_snapshots(struct hfk_source *s,
                            const rd_kafka_topic_partition_list_t *gone)
{
    for (size_t k = 0; k < s->nsnaps; k++) {
        rd_kafka_topic_partition_list_t *l = s->snaps[k].offs;
        for (int i = 0; i < gone->cnt; i++)
            rd_kafka_topic_partition_list_del(l, gone->elems[i].topic,
                                              gone->elems[i].partition);
    }
}

/* ------------------------------------------------------------ callbacks */

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t kind,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    struct hfk_source *s = opaque;
    bool coop = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (s->closing || s->npend == MAX_PENDING) {
        /* Leaving the group (or far behind): apply it right away. */
        if (s->npend == MAX_PENDING && !s->closing) {
            s->fatal = true;
            snprintf(s->fatal_msg, sizeof s->fatal_msg,
                     "too many rebalance events before the source could "
                     "handle them");
        }
        if (kind == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS)
            coop ? (void)rd_kafka_incremental_assign(rk, parts)
                 : (void)rd_kafka_assign(rk, parts);
        else
            coop ? (void)rd_kafka_incremental_unassign(rk, parts)
                 : (void)rd_kafka_assign(rk, NULL);
        return;
    }
    struct pending *p = &s->pend[s->npend++];
    p->kind = kind;
    p->parts = rd_kafka_topic_partition_list_copy(parts);
    p->lost = rd_kafka_assignment_lost(rk) != 0;
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason,
                     void *opaque)
{
    struct hfk_source *s = opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[400];
        rd_kafka_fatal_error(rk, buf, sizeof buf);
        s->fatal = true;
        snprintf(s->fatal_msg, sizeof s->fatal_msg, "%s", buf);
        return;
    }
    hf_log_warn("kafka table '%s': %s: %s", tn(s),
                rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

/* ------------------------------------------------------------ start offsets */

static int watermarks(struct hfk_source *s, const char *topic, int32_t part,
                      int64_t *lo, int64_t *hi, struct hf_error *err)
{
    rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(
        s->rk, topic, part, lo, hi, META_TIMEOUT_MS);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
        return hf_error_set(err, HF_ERR_IO,
                            "kafka table '%s': cannot read the offsets of "
                            "topic '%s' partition %" PRId32 ": %s",
                            tn(s), topic, part, rd_kafka_err2str(e));
    return 0;
}

/* Offsets of the first message at or after `ts` for every partition of
 * `l` (a copy is queried); -1 past the end. */
static int offsets_for_ts(struct hfk_source *s,
                          const rd_kafka_topic_partition_list_t *l, int64_t ts,
                          int64_t *out, struct hf_error *err)
{
    rd_kafka_topic_partition_list_t *q = rd_kafka_topic_partition_list_copy(l);
    for (int i = 0; i < q->cnt; i++)
        q->elems[i].offset = ts;
    rd_kafka_resp_err_t e = rd_kafka_offsets_for_times(s->rk, q,
                                                       META_TIMEOUT_MS);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_topic_partition_list_destroy(q);
        return hf_error_set(err, HF_ERR_IO,
                            "kafka table '%s': cannot look up offsets for "
                            "timestamp %" PRId64 ": %s",
                            tn(s), ts, rd_kafka_err2str(e));
    }
    for (int i = 0; i < q->cnt; i++)
        out[i] = q->elems[i].err ? -1 : q->elems[i].offset;
    rd_kafka_topic_partition_list_destroy(q);
    return 0;
}

static int64_t specific(const int32_t *parts, const int64_t *offs, size_t n,
                        int32_t part)
{
    for (size_t i = 0; i < n; i++)
        if (parts[i] == part)
            return offs[i];
    return -1;
}

/* Resolve where every partition of `l` starts (and, bounded, stops), set
 * l's offsets to the absolute start, and record the partitions. */
/* Parse the restored checkpoint's position (ctx->restore_pos) into
 * s->rest. 0, or -1 on out of memory; a malformed position is an error. */
static int parse_restored(struct hfk_source *s, struct hf_error *err)
{
    const char *p = s->ctx->restore_pos;
    if (p == NULL)
        return 0;
    const char *end = p + s->ctx->restore_pos_len;
    if (s->ctx->restore_pos_len < 5 || memcmp(p, "hfk1\n", 5) != 0)
        return hf_error_set(err, HF_ERR_DATA,
                            "kafka table '%s': the position in the restored "
                            "checkpoint is not a kafka position",
                            tn(s));
    for (p += 5; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *tab = nl ? memchr(p, '\t', (size_t)(nl - p)) : NULL;
        char num[64];
        size_t nn = tab ? (size_t)(nl - tab - 1) : 0;
        long long part, off;
        if (!tab || nn >= sizeof num)
            goto bad;
        memcpy(num, tab + 1, nn);
        num[nn] = 0;
        if (sscanf(num, "%lld\t%lld", &part, &off) != 2 || part < 0 ||
            part > INT32_MAX || off < 0)
            goto bad;
        struct restored *r =
            realloc(s->rest, (s->nrest + 1) * sizeof *s->rest);
        if (r == NULL)
            return oom(err);
        s->rest = r;
        r = &s->rest[s->nrest];
        r->topic = strndup(p, (size_t)(tab - p));
        if (r->topic == NULL)
            return oom(err);
        r->partition = (int32_t)part;
        r->offset = off;
        r->seen = false;
        s->nrest++;
        p = nl + 1;
    }
    return 0;
bad:
    return hf_error_set(err, HF_ERR_DATA,
                        "kafka table '%s': the position in the restored "
                        "checkpoint is malformed",
                        tn(s));
}

/* The offset stored for topic/partition in the restored checkpoint, or
 * -1; the entry is then no longer carried into new checkpoints. */
static int64_t restored_offset(struct hfk_source *s, const char *topic,
                               int32_t partition)
{
    for (size_t i = 0; i < s->nrest; i++) {
        struct restored *r = &s->rest[i];
        if (r->partition == partition && strcmp(r->topic, topic) == 0) {
            r->seen = true;
            return r->offset;
        }
    }
    return -1;
}

static int resolve_starts(struct hfk_source *s,
                          rd_kafka_topic_partition_list_t *l,
                          struct hf_error *err)
{
    int n = l->cnt;
    int64_t *committed = calloc((size_t)n + 1, sizeof *committed);
    int64_t *ts_start = calloc((size_t)n + 1, sizeof *ts_start);
    int64_t *ts_stop = calloc((size_t)n + 1, sizeof *ts_stop);
    if (committed == NULL || ts_start == NULL || ts_stop == NULL) {
        free(committed);
        free(ts_start);
        free(ts_stop);
        return oom(err);
    }
    int rc = -1;
    for (int i = 0; i < n; i++)
        committed[i] = -1;
    if (s->group != NULL && n > 0) {
        rd_kafka_topic_partition_list_t *q =
            rd_kafka_topic_partition_list_copy(l);
        rd_kafka_resp_err_t e = rd_kafka_committed(s->rk, q, META_TIMEOUT_MS);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
            rd_kafka_topic_partition_list_destroy(q);
            hf_error_set(err, HF_ERR_IO,
                         "kafka table '%s': cannot read the committed offsets "
                         "of group '%s': %s",
                         tn(s), s->group, rd_kafka_err2str(e));
            goto out;
        }
        for (int i = 0; i < n; i++) {
            /* An error for one partition is not "nothing committed":
             * starting elsewhere could skip or repeat rows. */
            if (q->elems[i].err) {
                hf_error_set(err, HF_ERR_IO,
                             "kafka table '%s': cannot read the committed "
                             "offset of topic '%s' partition %" PRId32
                             " for group '%s': %s",
                             tn(s), q->elems[i].topic, q->elems[i].partition,
                             s->group, rd_kafka_err2str(q->elems[i].err));
                rd_kafka_topic_partition_list_destroy(q);
                goto out;
            }
            committed[i] = q->elems[i].offset;
        }
        rd_kafka_topic_partition_list_destroy(q);
    }
    if (!s->mode.upsert && s->startup == START_TIMESTAMP &&
        offsets_for_ts(s, l, s->startup_ts, ts_start, err) != 0)
        goto out;
    if (s->bounded == BOUND_TIMESTAMP &&
        offsets_for_ts(s, l, s->bounded_ts, ts_stop, err) != 0)
        goto out;

    for (int i = 0; i < n; i++) {
        rd_kafka_topic_partition_t *e = &l->elems[i];
        int64_t lo = 0, hi = 0, start;
        if (watermarks(s, e->topic, e->partition, &lo, &hi, err) != 0)
            goto out;
        int64_t c = committed[i];
        int64_t r = restored_offset(s, e->topic, e->partition);
        if (r >= 0)
            c = r;
        if (c >= 0 && (c < lo || c > hi)) {
            hf_log_warn("kafka table '%s': topic '%s' partition %" PRId32
                        ": committed offset %" PRId64
                        " is outside the partition's offsets %" PRId64
                        "..%" PRId64 "; reading from %" PRId64,
                        tn(s), e->topic, e->partition, c, lo, hi,
                        c < lo ? lo : hi);
            c = c < lo ? lo : hi;
        }
        /* A bounded read up to the group's offsets starts per the startup
         * mode: the committed offsets are where it stops. */
        bool resume = c >= 0 && (r >= 0 || s->bounded != BOUND_GROUP);
        if (s->mode.upsert) {
            /* As Flink's upsert-kafka: the earliest offset, or the
             * restored checkpoint's (whose state holds what came before;
             * a consumer group's committed offsets are not used). */
            start = r >= 0 ? c : lo;
        } else if (resume) {
            start = c;
        } else {
            switch (s->startup) {
            case START_EARLIEST:
                start = lo;
                break;
            case START_LATEST:
                start = hi;
                break;
            case START_TIMESTAMP:
                start = ts_start[i] >= 0 ? ts_start[i] : hi;
                break;
            case START_SPECIFIC:
                start = specific(s->spec_parts, s->spec_offs, s->nspec,
                                 e->partition);
                if (start < 0)
                    start = lo;
                break;
            default: /* group-offsets without a committed offset */
                if (s->auto_reset < 0) {
                    hf_error_set(err, HF_ERR_OPTION,
                                 "kafka table '%s': topic '%s' partition "
                                 "%" PRId32 " has no committed offset%s%s%s "
                                 "and 'properties.auto.offset.reset' is not "
                                 "set; with 'scan.startup.mode' = "
                                 "'group-offsets' set it to 'earliest' or "
                                 "'latest', or choose another startup mode",
                                 tn(s), e->topic, e->partition,
                                 s->group ? " for group '" : "",
                                 s->group ? s->group : "",
                                 s->group ? "'" : "");
                    goto out;
                }
                start = s->auto_reset == 0 ? lo : hi;
                break;
            }
        }
        /* Out of range: a specific offset past the end falls back to the
         * earliest, as Flink's consumer does (its reset strategy for
         * specific offsets is EARLIEST); anything else is clamped. */
        if (start > hi && s->startup == START_SPECIFIC && !resume &&
            !s->mode.upsert)
            start = lo;
        if (start < lo)
            start = lo;
        if (start > hi)
            start = hi;
        int64_t stop = -1;
        switch (s->bounded) {
        case BOUND_LATEST:
            stop = hi;
            break;
        case BOUND_GROUP:
            /* As Flink's OffsetsInitializer.committedOffsets() (reset
             * strategy NONE): no committed offset is an error. */
            if (committed[i] < 0) {
                hf_error_set(err, HF_ERR_OPTION,
                             "kafka table '%s': topic '%s' partition "
                             "%" PRId32 " has no committed offset%s%s%s to "
                             "stop at; 'scan.bounded.mode' = 'group-offsets' "
                             "needs one for every partition (or choose "
                             "another bounded mode)",
                             tn(s), e->topic, e->partition,
                             s->group ? " for group '" : "",
                             s->group ? s->group : "", s->group ? "'" : "");
                goto out;
            }
            stop = committed[i];
            break;
        case BOUND_TIMESTAMP:
            stop = ts_stop[i] >= 0 ? ts_stop[i] : hi;
            break;
        case BOUND_SPECIFIC:
            /* Unlisted partitions stop at their earliest offset, so read
             * nothing: Flink's OffsetsInitializer.offsets() resets them to
             * the earliest. */
            stop = specific(s->bspec_parts, s->bspec_offs, s->nbspec,
                            e->partition);
            if (stop < 0)
                stop = lo;
            break;
        default:
            break;
        }
        struct src_part *p = add_part(s, e->topic, e->partition);
        if (p == NULL) {
            oom(err);
            goto out;
        }
        p->next = start;
        p->committed = committed[i];
        p->stop = stop;
        p->end0 = hi;
        p->done = stop >= 0 && start >= stop;
        if (!p->done && s->ctx && s->ctx->split_assigned)
            s->ctx->split_assigned(s->ctx, e->partition);
        e->offset = start;
        hf_log_info("kafka table '%s': topic '%s' partition %" PRId32
                    " assigned, reading from offset %" PRId64 "%s%s",
                    tn(s), e->topic, e->partition, start,
                    r >= 0 ? " (restored checkpoint)"
                    : c >= 0 ? " (committed)"
                             : "",
                    p->done ? " (already at its end)" : "");
    }
    rc = 0;
out:
    free(committed);
    free(ts_start);
    free(ts_stop);
    return rc;
}

static int assign_err(struct hfk_source *s, const char *what,
                      rd_kafka_error_t *e, rd_kafka_resp_err_t code,
                      struct hf_error *err)
{
    const char *msg = e ? rd_kafka_error_string(e) : rd_kafka_err2str(code);
    hf_error_set(err, HF_ERR_IO, "kafka table '%s': cannot %s partitions: %s",
                 tn(s), what, msg);
    if (e)
        rd_kafka_error_destroy(e);
    return -1;
}

static bool cooperative(const struct hfk_source *s)
{
    return strcmp(rd_kafka_rebalance_protocol(s->rk), "COOPERATIVE") == 0;
}

static int do_assign(struct hfk_source *s, rd_kafka_topic_partition_list_t *l,
                     struct hf_error *err)
{
    if (resolve_starts(s, l, err) != 0)
        return -1;
    if (s->subscribed && cooperative(s)) {
        rd_kafka_error_t *e = rd_kafka_incremental_assign(s->rk, l);
        if (e)
            return assign_err(s, "assign", e, 0, err);
    } else {
        rd_kafka_resp_err_t code = rd_kafka_assign(s->rk, l);
        if (code)
            return assign_err(s, "assign", NULL, code, err);
    }
    /* Bounded partitions that are already complete need no fetching. */
    for (int i = 0; i < l->cnt; i++) {
        struct src_part *p = find_part(s, l->elems[i].topic,
                                       l->elems[i].partition);
        if (p && p->done) {
            rd_kafka_topic_partition_list_t *one =
                rd_kafka_topic_partition_list_new(1);
            rd_kafka_topic_partition_list_add(one, p->topic, p->partition);
            rd_kafka_pause_partitions(s->rk, one);
            rd_kafka_topic_partition_list_destroy(one);
        }
    }
    return 0;
}

static int do_revoke(struct hfk_source *s, rd_kafka_topic_partition_list_t *l,
                     bool lost, struct hf_error *err)
{
    if (lost) {
        /* Their new owner already reads from the last commit; rows still
         * queued or buffered here would land after its newer ones. Fail,
         * so they are dropped, not flushed. */
        return hf_error_set(err, HF_ERR_IO,
                            "kafka table '%s': %d partition(s) were lost "
                            "(the group moved them on without a revoke, "
                            "e.g. after a session or max.poll.interval.ms "
                            "timeout while the sink was stalled); the job "
                            "stops so that rows read from them are not "
                            "written after their new owner's; restart it "
                            "(it resumes from the last commit)",
                            tn(s), l->cnt);
    } else if (s->ctx && s->ctx->checkpoint_now) {
        hf_log_info("kafka table '%s': %d partition(s) revoked; flushing and "
                    "committing first",
                    tn(s), l->cnt);
        if (s->ctx->checkpoint_now(s->ctx, err) != 0) {
            if (!hf_error_is_set(err))
                hf_error_set(err, HF_ERR_FAIL,
                             "kafka table '%s': the checkpoint before a "
                             "rebalance failed",
                             tn(s));
            return -1;
        }
    }
    strip_snapshots(s, l);
    for (int i = 0; i < l->cnt; i++)
        remove_part(s, l->elems[i].topic, l->elems[i].partition);
    if (s->held && find_part(s, rd_kafka_topic_name(s->held->rkt),
                             s->held->partition) == NULL) {
        rd_kafka_message_destroy(s->held);
        s->held = NULL;
    }
    if (cooperative(s)) {
        rd_kafka_error_t *e = rd_kafka_incremental_unassign(s->rk, l);
        if (e)
            return assign_err(s, "unassign", e, 0, err);
    } else {
        rd_kafka_resp_err_t code = rd_kafka_assign(s->rk, NULL);
        if (code)
            return assign_err(s, "unassign", NULL, code, err);
    }
    return 0;
}

/* Handle recorded rebalance events; the batch being filled is empty. */
static int handle_pending(struct hfk_source *s, struct hf_error *err)
{
    int rc = 0;
    size_t i = 0;
    for (; i < s->npend && rc == 0; i++) {
        struct pending *p = &s->pend[i];
        if (p->kind == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS)
            rc = do_assign(s, p->parts, err);
        else
            rc = do_revoke(s, p->parts, p->lost, err);
        rd_kafka_topic_partition_list_destroy(p->parts);
        p->parts = NULL;
    }
    for (; i < s->npend; i++) {
        rd_kafka_topic_partition_list_destroy(s->pend[i].parts);
        s->pend[i].parts = NULL;
    }
    s->npend = 0;
    return rc;
}

/* ------------------------------------------------------------ manual */

/* Compile 'topic-pattern' as a whole-name POSIX extended regex. */
static int compile_pattern(struct hfk_source *s, regex_t *re,
                           struct hf_error *err)
{
    size_t n = strlen(s->pattern) + 8;
    char *full = malloc(n);
    if (full == NULL)
        return oom(err);
    snprintf(full, n, "^(%s)$", s->pattern);
    int rc = regcomp(re, full, REG_EXTENDED | REG_NOSUB);
    free(full);
    if (rc != 0) {
        char msg[200];
        regerror(rc, re, msg, sizeof msg);
        return hf_error_set(err, HF_ERR_OPTION,
                            "kafka table '%s': 'topic-pattern' = '%s' is not "
                            "a valid regular expression: %s",
                            tn(s), s->pattern, msg);
    }
    return 0;
}

static bool wanted_topic(struct hfk_source *s, const char *name,
                         const regex_t *re)
{
    if (s->topics) {
        for (size_t i = 0; i < s->ntopics; i++)
            if (strcmp(s->topics[i], name) == 0)
                return true;
        return false;
    }
    return name[0] != '_' && regexec(re, name, 0, NULL, 0) == 0;
}

/* Assign every partition of the table's topics to this consumer. */
static int assign_all(struct hfk_source *s, struct hf_error *err)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e =
        rd_kafka_metadata(s->rk, 1, NULL, &md, META_TIMEOUT_MS);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
        return hf_error_set(err, HF_ERR_IO,
                            "kafka table '%s': cannot read the cluster's "
                            "metadata from '%s': %s",
                            tn(s),
                            hf_opts_str(&s->t->opts,
                                        "properties.bootstrap.servers", NULL),
                            rd_kafka_err2str(e));
    regex_t re;
    bool has_re = false;
    if (s->pattern) {
        if (compile_pattern(s, &re, err) != 0) {
            rd_kafka_metadata_destroy(md);
            return -1;
        }
        has_re = true;
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(16);
    for (size_t i = 0; s->topics && i < s->ntopics; i++) {
        bool found = false;
        for (int k = 0; k < md->topic_cnt; k++)
            found = found || strcmp(md->topics[k].topic, s->topics[i]) == 0;
        if (!found) {
            hf_error_set(err, HF_ERR_IO,
                         "kafka table '%s': topic '%s' does not exist",
                         tn(s), s->topics[i]);
            goto fail;
        }
    }
    for (int k = 0; k < md->topic_cnt; k++) {
        const struct rd_kafka_metadata_topic *mt = &md->topics[k];
        if (!wanted_topic(s, mt->topic, &re))
            continue;
        if (mt->err) {
            hf_error_set(err, HF_ERR_IO,
                         "kafka table '%s': topic '%s': %s", tn(s), mt->topic,
                         rd_kafka_err2str(mt->err));
            goto fail;
        }
        for (int p = 0; p < mt->partition_cnt; p++)
            rd_kafka_topic_partition_list_add(l, mt->topic,
                                              mt->partitions[p].id);
    }
    rd_kafka_metadata_destroy(md);
    md = NULL;
    if (has_re)
        regfree(&re);
    has_re = false;
    if (l->cnt == 0) {
        hf_error_set(err, HF_ERR_IO,
                     "kafka table '%s': no topic matches 'topic-pattern' "
                     "'%s'",
                     tn(s), s->pattern ? s->pattern : "");
        goto fail;
    }
    rd_kafka_topic_partition_list_sort(l, NULL, NULL);
    int rc = do_assign(s, l, err);
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
fail:
    if (md)
        rd_kafka_metadata_destroy(md);
    if (has_re)
        regfree(&re);
    rd_kafka_topic_partition_list_destroy(l);
    return -1;
}

/* ------------------------------------------------------------ open */

static int read_options(struct hfk_source *s, struct hf_error *err)
{
    const struct hf_table_def *t = s->t;
    s->group = hf_opts_str(&t->opts, "properties.group.id", NULL);
    if (s->group && s->group[0] == '\0')
        s->group = NULL;
    s->topics = hfk_topics(t, &s->ntopics, err);
    if (s->topics == NULL && hf_error_is_set(err))
        return -1;
    s->pattern = hf_opts_str(&t->opts, "topic-pattern", NULL);
    s->except_key = hf_opts_enum(&t->opts, "value.fields-include", NULL) == 1;
    s->dirty_path = hf_opts_str(&t->opts, "scan.dirty-data.path", NULL);
    s->bounded = (enum bounded)hf_opts_enum(&t->opts, "scan.bounded.mode",
                                            NULL);
    s->bounded_ts = hf_opts_int(&t->opts, "scan.bounded.timestamp-millis",
                                NULL);
    const char *bso =
        hf_opts_str(&t->opts, "scan.bounded.specific-offsets", NULL);
    if (bso && hfk_parse_specific_offsets("scan.bounded.specific-offsets", bso,
                                          &s->bspec_parts, &s->bspec_offs,
                                          &s->nbspec, err) != 0)
        return -1;
    s->auto_reset = -1;
    if (!s->mode.upsert) {
        s->startup = (enum startup)hf_opts_enum(&t->opts, "scan.startup.mode",
                                                NULL);
        s->startup_ts =
            hf_opts_int(&t->opts, "scan.startup.timestamp-millis", NULL);
        const char *so =
            hf_opts_str(&t->opts, "scan.startup.specific-offsets", NULL);
        if (so && hfk_parse_specific_offsets("scan.startup.specific-offsets",
                                             so, &s->spec_parts,
                                             &s->spec_offs, &s->nspec,
                                             err) != 0)
            return -1;
    }
    const char *reset = NULL;
    const struct hf_opt_val *rv =
        hf_opts_get(&t->opts, "properties.", "auto.offset.reset");
    if (rv == NULL)
        rv = hf_opts_get(&t->opts, "connector.properties.",
                         "auto.offset.reset");
    if (rv)
        reset = rv->text;
    if (reset) {
        if (strcasecmp(reset, "earliest") == 0 ||
            strcasecmp(reset, "smallest") == 0 ||
            strcasecmp(reset, "beginning") == 0)
            s->auto_reset = 0;
        else if (strcasecmp(reset, "latest") == 0 ||
                 strcasecmp(reset, "largest") == 0 ||
                 strcasecmp(reset, "end") == 0)
            s->auto_reset = 1;
    }
    const struct hf_schema *sc = &t->schema;
    size_t n = sc->ncols ? sc->ncols : 1;
    s->meta = calloc(n, sizeof *s->meta);
    s->vmeta_key = calloc(n, sizeof *s->vmeta_key);
    s->vmeta_col = calloc(n, sizeof *s->vmeta_col);
    if (s->meta == NULL || s->vmeta_key == NULL || s->vmeta_col == NULL)
        return oom(err);
    for (uint32_t i = 0; i < sc->ncols; i++) {
        if (sc->cols[i].kind != HF_COL_METADATA)
            continue;
        int m = hfk_meta_of(t, &sc->cols[i], err);
        if (m < 0)
            return -1;
        if (m >= HFK_META_VALUE) {
            /* read by the value format (format.h decoder_meta) */
            s->vmeta_key[s->nvmeta] = (uint32_t)(m - HFK_META_VALUE);
            s->vmeta_col[s->nvmeta++] = i;
            continue;
        }
        s->meta[s->nmeta].col = i;
        s->meta[s->nmeta].key = (enum hfk_meta)m;
        s->nmeta++;
    }
    return 0;
}

int hfk_source_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                    struct hfk_mode mode, void **state, struct hf_error *err)
{
    struct hfk_source *s = calloc(1, sizeof *s);
    if (s == NULL)
        return oom(err);
    s->t = t;
    s->ctx = ctx;
    s->mode = mode;
    hf_strbuf_init(&s->dbuf, 0);
    if (read_options(s, err) != 0 || parse_restored(s, err) != 0)
        goto fail;
    if (hfk_layout_init(&s->lay, t, mode.upsert, true, false, err) != 0)
        goto fail;
    if (s->nvmeta > 0 &&
        (s->lay.vfmt->decoder_meta == NULL ||
         s->lay.vfmt->decoder_meta(s->lay.vdec, s->vmeta_key, s->vmeta_col,
                                   s->nvmeta, err) != 0)) {
        if (!hf_error_is_set(err))
            hf_error_set(err, HF_ERR_USAGE, "format '%s' reads no metadata",
                         s->lay.vfmt->name);
        hf_error_prefix(err, "kafka table '%s': ", tn(s));
        goto fail;
    }
    if (s->dirty_path) {
        s->dirty = fopen(s->dirty_path, "a");
        if (s->dirty == NULL) {
            hf_error_set(err, HF_ERR_IO,
                         "kafka table '%s': cannot open "
                         "'scan.dirty-data.path' '%s': %s",
                         tn(s), s->dirty_path, strerror(errno));
            goto fail;
        }
    }

    static const char *const defaults[] = {
        "enable.auto.commit", "false",
        "enable.auto.offset.store", "false",
        "enable.partition.eof", "false",
        "client.id", "holoflow",
        "auto.offset.reset", "error",
        NULL, NULL};
    rd_kafka_conf_t *conf = hfk_conf_new(t, defaults, err);
    if (conf == NULL)
        goto fail;
    char errstr[512];
    /* librdkafka assigns partitions only to a consumer with a group id;
     * without the user's group, a private one that is never committed to. */
    char own_group[64];
    snprintf(own_group, sizeof own_group, "holoflow-nogroup-%ld-%lld",
             (long)getpid(), (long long)now_ms());
    if (rd_kafka_conf_set(conf, "group.id", s->group ? s->group : own_group,
                          errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        hf_error_set(err, HF_ERR_OPTION,
                     "kafka table '%s': 'properties.group.id': %s", tn(s),
                     errstr);
        rd_kafka_conf_destroy(conf);
        goto fail;
    }
    bool subscribe = s->group != NULL && s->bounded == BOUND_NONE;
    rd_kafka_conf_set_opaque(conf, s);
    rd_kafka_conf_set_error_cb(conf, error_cb);
    if (subscribe)
        rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
    s->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (s->rk == NULL) {
        hf_error_set(err, HF_ERR_OPTION,
                     "kafka table '%s': cannot create the consumer: %s", tn(s),
                     errstr);
        goto fail;
    }
    rd_kafka_poll_set_consumer(s->rk);

    if (subscribe) {
        size_t n = s->topics ? s->ntopics : 1;
        rd_kafka_topic_partition_list_t *l =
            rd_kafka_topic_partition_list_new((int)n);
        if (s->topics) {
            for (size_t i = 0; i < s->ntopics; i++)
                rd_kafka_topic_partition_list_add(l, s->topics[i],
                                                  RD_KAFKA_PARTITION_UA);
        } else {
            size_t pl = strlen(s->pattern) + 8;
            char *re = malloc(pl);
            if (re == NULL) {
                rd_kafka_topic_partition_list_destroy(l);
                oom(err);
                goto fail;
            }
            snprintf(re, pl, "^(%s)$", s->pattern);
            rd_kafka_topic_partition_list_add(l, re, RD_KAFKA_PARTITION_UA);
            free(re);
        }
        rd_kafka_resp_err_t e = rd_kafka_subscribe(s->rk, l);
        rd_kafka_topic_partition_list_destroy(l);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
            hf_error_set(err, HF_ERR_IO,
                         "kafka table '%s': cannot subscribe: %s", tn(s),
                         rd_kafka_err2str(e));
            goto fail;
        }
        s->subscribed = true;
        hf_log_info("kafka table '%s': joined consumer group '%s'", tn(s),
                    s->group);
    } else {
        if (assign_all(s, err) != 0)
            goto fail;
        if (s->group == NULL)
            hf_log_info("kafka table '%s': no 'properties.group.id': reading "
                        "every partition, committing no offsets",
                        tn(s));
    }
    *state = s;
    return 0;
fail:
    hfk_source_close(s);
    return -1;
}

/* ------------------------------------------------------------ reading */

static void json_text(struct hf_strbuf *b, const char *p, size_t n)
{
    hf_strbuf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"' || c == '\\') {
            hf_strbuf_putc(b, '\\');
            hf_strbuf_putc(b, (char)c);
        } else if (c < 0x20 || c == 0x7f) {
            hf_strbuf_printf(b, "\\u%04x", c);
        } else {
            hf_strbuf_putc(b, (char)c);
        }
    }
    hf_strbuf_putc(b, '"');
}

/* A record the format skipped: count it, record it when configured. */
static int skipped(struct hfk_source *s, const rd_kafka_message_t *m,
                   const char *topic, struct hf_error *err)
{
    if (s->ctx && s->ctx->stats)
        atomic_fetch_add(&s->ctx->stats->skipped, 1);
    char where[320];
    snprintf(where, sizeof where,
             "topic '%s' partition %" PRId32 " offset %" PRId64, topic,
             m->partition, m->offset);
    hf_bad_input_log(&s->badlog, tn(s), where, "record skipped", err->msg);
    if (s->dirty) {
        struct hf_strbuf *b = &s->dbuf;
        hf_strbuf_reset(b);
        hf_strbuf_puts(b, "{\"table\":");
        json_text(b, tn(s), strlen(tn(s)));
        hf_strbuf_puts(b, ",\"topic\":");
        json_text(b, topic, strlen(topic));
        hf_strbuf_printf(b, ",\"partition\":%" PRId32 ",\"offset\":%" PRId64
                            ",\"reason\":",
                         m->partition, m->offset);
        char *why = hf_scrub_dup(err->msg); /* a message: scrubbed */
        json_text(b, why ? why : "(out of memory)",
                  strlen(why ? why : "(out of memory)"));
        free(why);
        hf_strbuf_puts(b, ",\"key\":");
        if (m->key)
            json_text(b, m->key, m->key_len);
        else
            hf_strbuf_puts(b, "null");
        hf_strbuf_puts(b, ",\"value\":");
        if (m->payload)
            json_text(b, m->payload, m->len);
        else
            hf_strbuf_puts(b, "null");
        hf_strbuf_puts(b, "}\n");
        if (!hf_strbuf_ok(b) ||
            fwrite(b->data, 1, b->len, s->dirty) != b->len) {
            hf_error_clear(err);
            return hf_error_set(err, HF_ERR_IO,
                                "kafka table '%s': cannot record a skipped "
                                "record in '%s': %s",
                                tn(s), s->dirty_path, strerror(errno));
        }
        s->dirty_unsynced = true;
    }
    hf_error_clear(err);
    return 0;
}

/* The leader epoch of a message, from librdkafka 2.1 on
 * (rd_kafka_message_leader_epoch); Debian's 2.0 does not have it, so the
 * symbol is looked up weakly and 'leader-epoch' is NULL without it, as
 * Flink gives NULL for a record without one. */
int32_t rd_kafka_message_leader_epoch(const rd_kafka_message_t *rkmessage)
    __attribute__((weak));

static int32_t leader_epoch(const rd_kafka_message_t *m)
{
    return rd_kafka_message_leader_epoch ? rd_kafka_message_leader_epoch(m)
                                         : -1;
}

/* After a decode that returned rows: count and log the fields the format
 * (`f`, decoder `dec`) set to NULL. `part` names the key or the value. */
static void count_nulled(struct hfk_source *s, const struct hf_format *f,
                         void *dec, const rd_kafka_message_t *m,
                         const char *topic, const char *part)
{
    const char *why;
    uint32_t n = hf_format_nulled(f, dec, &why);
    if (n == 0)
        return;
    if (s->ctx && s->ctx->stats)
        atomic_fetch_add(&s->ctx->stats->nulled, n);
    char where[320], what[64];
    snprintf(where, sizeof where,
             "topic '%s' partition %" PRId32 " offset %" PRId64 " (%s)", topic,
             m->partition, m->offset, part);
    snprintf(what, sizeof what, "%" PRIu32 " field%s set to NULL", n,
             n == 1 ? "" : "s");
    hf_bad_input_log(&s->badlog, tn(s), where, what, why);
}

/* Fill the metadata columns of rows [from, nrows) from message `m`. 0, or
 * -1 with err when the record's timestamp does not fit a timestamp column
 * (the caller adds topic, partition and offset). */
static int fill_meta(struct hfk_source *s, const rd_kafka_message_t *m,
                     const char *topic, struct hf_batch *out, uint32_t from,
                     struct hf_error *err)
{
    rd_kafka_timestamp_type_t tst = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    int64_t ts = rd_kafka_message_timestamp(m, &tst);
    static const char *const tst_names[] = {"NoTimestampType", "CreateTime",
                                            "LogAppendTime"};
    int64_t ts_us = 0;
    bool ts_null = ts < 0 || tst == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    bool ts_bad = !ts_null && (__builtin_mul_overflow(ts, 1000, &ts_us) ||
                               ts_us > HF_TIMESTAMP_MAX_USEC);
    for (uint32_t i = 0; ts_bad && i < s->nmeta; i++) {
        if (s->meta[i].key != HFK_META_TIMESTAMP)
            continue;
        const struct hf_column *c = &s->t->schema.cols[s->meta[i].col];
        char tb[64];
        return hf_error_set(err, HF_ERR_DATA,
                            "metadata column '%s': the record's timestamp "
                            "%" PRId64 " ms is after 9999-12-31, outside the "
                            "range of %s",
                            c->name, ts, hf_type_name(&c->type, tb, sizeof tb));
    }
    /* The headers, once per message (Flink's MAP<STRING, BYTES>: a key
     * given twice keeps its first place and its last value, a header
     * without a value has a NULL one, no header is an empty map). */
    struct hf_value headers = {.null = true};
    for (uint32_t i = 0; i < s->nmeta && headers.null; i++) {
        if (s->meta[i].key != HFK_META_HEADERS)
            continue;
        rd_kafka_headers_t *hdrs = NULL;
        size_t nh = 0;
        if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR)
            nh = rd_kafka_header_cnt(hdrs);
        const struct hf_type *ht = &s->t->schema.cols[s->meta[i].col].type;
        struct hf_array *a = hf_array_new(&out->arena, ht, (uint32_t)nh);
        if (a == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
        uint32_t k = 0;
        for (size_t h = 0; h < nh; h++) {
            const char *name;
            const void *val;
            size_t size;
            if (rd_kafka_header_get_all(hdrs, h, &name, &val, &size) !=
                RD_KAFKA_RESP_ERR_NO_ERROR)
                continue;
            size_t nl = strlen(name);
            uint32_t j = 0;
            while (j < k && !(a->items[2 * j].v.s.len == nl &&
                              memcmp(a->items[2 * j].v.s.ptr, name, nl) == 0))
                j++;
            if (j == k) {
                if (hf_value_set_str(out, &a->items[2 * k], name, nl) != 0)
                    return hf_error_set(err, HF_ERR_NOMEM,
                                        "kafka: out of memory");
                k++;
            }
            struct hf_value *hv = &a->items[2 * j + 1];
            memset(hv, 0, sizeof *hv);
            hv->null = val == NULL;
            if (val != NULL &&
                hf_value_set_str(out, hv, (const char *)val, size) != 0)
                return hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
        }
        a->n = k;
        headers.null = false;
        headers.v.a = a;
    }
    for (uint32_t r = from; r < out->nrows; r++) {
        struct hf_value *row = hf_batch_row(out, r);
        for (uint32_t i = 0; i < s->nmeta; i++) {
            struct hf_value *v = &row[s->meta[i].col];
            v->null = false;
            switch (s->meta[i].key) {
            case HFK_META_TOPIC:
                if (hf_value_set_str(out, v, topic, strlen(topic)) != 0)
                    v->null = true;
                break;
            case HFK_META_PARTITION:
                v->v.i = m->partition;
                break;
            case HFK_META_OFFSET:
                v->v.i = m->offset;
                break;
            case HFK_META_LEADER_EPOCH:
                v->v.i = leader_epoch(m);
                v->null = v->v.i < 0;
                break;
            case HFK_META_TIMESTAMP:
                if (ts_null)
                    v->null = true;
                else
                    v->v.i = ts_us;
                break;
            case HFK_META_TIMESTAMP_TYPE: {
                const char *name = tst_names[tst >= 0 && tst <= 2 ? tst : 0];
                if (hf_value_set_str(out, v, name, strlen(name)) != 0)
                    v->null = true;
                break;
            }
            case HFK_META_HEADERS:
                *v = headers;
                break;
            default:
                v->null = true;
                break;
            }
        }
    }
    return 0;
}

static void drop_rows(struct hf_batch *out, uint32_t before)
{
    while (out->nrows > before)
        hf_batch_drop_last(out);
}

/* Decode one message into rows of `out`. 0 (rows added, or the message
 * skipped or filtered) or -1. */
static int process(struct hfk_source *s, struct src_part *p,
                   const rd_kafka_message_t *m, struct hf_batch *out,
                   struct hf_error *err)
{
    uint32_t before = out->nrows;
    int64_t off = m->offset;
    bool tombstone = m->payload == NULL;
    int n;
    if (s->ctx && s->ctx->stats) {
        atomic_fetch_add(&s->ctx->stats->rows_in, 1);
        atomic_fetch_add(&s->ctx->stats->bytes_in, m->len + m->key_len);
    }
    if (s->mode.upsert && tombstone) {
        if (hf_batch_add_row(out, HF_ROW_DELETE, off) == NULL)
            return oom(err);
        n = 1;
    } else {
        n = s->lay.vfmt->decode(s->lay.vdec, m->payload ? m->payload : "",
                                m->payload ? m->len : 0, off, out, err);
    }
    if (n == HF_DECODE_SKIP) {
        drop_rows(out, before);
        return skipped(s, m, p->topic, err);
    }
    if (n < 0) {
        drop_rows(out, before);
        hf_error_prefix(err, "topic '%s' partition %" PRId32 " offset %" PRId64
                             ": ",
                        p->topic, p->partition, off);
        return -1;
    }
    if (!(s->mode.upsert && tombstone))
        count_nulled(s, s->lay.vfmt, s->lay.vdec, m, p->topic, "value");
    if (out->nrows > before && s->lay.nkey > 0 &&
        (tombstone || s->except_key)) {
        int kr = hfk_key_decode(&s->lay, m->key, m->key ? m->key_len : 0, off,
                                err);
        if (kr == HF_DECODE_SKIP) {
            drop_rows(out, before);
            hf_error_prefix(err, "key: ");
            return skipped(s, m, p->topic, err);
        }
        if (kr < 0) {
            drop_rows(out, before);
            hf_error_prefix(err, "topic '%s' partition %" PRId32
                                 " offset %" PRId64 ": key: ",
                            p->topic, p->partition, off);
            return -1;
        }
        if (m->key != NULL)
            count_nulled(s, s->lay.kfmt, s->lay.kdec, m, p->topic, "key");
        for (uint32_t r = before; r < out->nrows; r++)
            if (hfk_key_copy(&s->lay, out, hf_batch_row(out, r), err) != 0)
                return -1;
    }
    if (s->nmeta > 0 && fill_meta(s, m, p->topic, out, before, err) != 0) {
        drop_rows(out, before);
        hf_error_prefix(err, "topic '%s' partition %" PRId32
                             " offset %" PRId64 ": ",
                        p->topic, p->partition, off);
        return -1;
    }
    return 0;
}

static int message_error(struct hfk_source *s, const rd_kafka_message_t *m,
                         struct hf_error *err)
{
    const char *topic = m->rkt ? rd_kafka_topic_name(m->rkt) : "?";
    switch (m->err) {
    case RD_KAFKA_RESP_ERR__PARTITION_EOF:
        return 0;
    case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
    case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
        return hf_error_set(err, HF_ERR_IO,
                            "kafka table '%s': topic '%s' partition %" PRId32
                            ": the offset to read is out of range (%s) and "
                            "'properties.auto.offset.reset' is not set; set "
                            "it to 'earliest' or 'latest'",
                            tn(s), topic, m->partition,
                            rd_kafka_message_errstr(m));
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
        if (s->pattern)
            return 0;
        return hf_error_set(err, HF_ERR_IO,
                            "kafka table '%s': topic '%s' does not exist: %s",
                            tn(s), topic, rd_kafka_message_errstr(m));
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
        return hf_error_set(err, HF_ERR_IO, "kafka table '%s': topic '%s': %s",
                            tn(s), topic, rd_kafka_message_errstr(m));
    default:
        break;
    }
    char buf[300];
    if (rd_kafka_fatal_error(s->rk, buf, sizeof buf))
        return hf_error_set(err, HF_ERR_IO,
                            "kafka table '%s': fatal consumer error: %s",
                            tn(s), buf);
    hf_log_warn("kafka table '%s': topic '%s' partition %" PRId32 ": %s",
                tn(s), topic, m->partition, rd_kafka_message_errstr(m));
    return 0;
}

static void pause_part(struct hfk_source *s, const struct src_part *p)
{
    rd_kafka_topic_partition_list_t *one = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(one, p->topic, p->partition);
    rd_kafka_pause_partitions(s->rk, one);
    rd_kafka_topic_partition_list_destroy(one);
}

/* A partition's end for the lag: the end the consumer last heard from
 * its fetches (librdkafka's cached high watermark: no request to the
 * broker) or the end queried when the partition was assigned, whichever
 * is later (until a fetch has answered only the latter is known, so a
 * source stalled by a slow sink before the partition's broker answered
 * still shows its lag; a cached value can be older than the assignment);
 * for a bounded read, at most where it stops (a partition done at its
 * assignment is never fetched). -1: unknown. */
static int64_t part_end(const struct hfk_source *s, const struct src_part *p,
                        int64_t *lo)
{
    int64_t hi = -1;
    *lo = -1;
    if (rd_kafka_get_watermark_offsets(s->rk, p->topic, p->partition, lo,
                                       &hi) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        hi < 0) {
        *lo = -1;
        hi = -1;
    }
    if (p->end0 > hi)
        hi = p->end0;
    if (hi >= 0 && p->stop >= 0 && p->stop < hi)
        hi = p->stop;
    return hi;
}

/* Consumer lag for the metrics: each assigned partition's end
 * (part_end) minus the read position; a partition whose end is not known
 * is left out, and measured at the next measure (*partial says so). True
 * when anything was measured (the table's mutex is taken only then). */
static bool measure_lag(struct hfk_source *s, bool *partial)
{
    *partial = false;
    if (s->ctx == NULL || s->ctx->stats == NULL)
        return true;
    int64_t max = 0, sum = 0;
    bool any = false;
    size_t i0 = 0; /* the first partition whose end is known */
    int64_t lo;
    while (i0 < s->nparts && part_end(s, &s->parts[i0], &lo) < 0)
        i0++;
    if (i0 == s->nparts)
        return false;
    struct hf_lag_parts *lp = hf_lag_parts_get(&s->ctx->stats->lag_parts);
    if (lp)
        hf_lag_parts_begin(lp);
    for (size_t i = i0; i < s->nparts; i++) {
        const struct src_part *p = &s->parts[i];
        int64_t hi = part_end(s, p, &lo);
        if (hi < 0) {
            *partial = true;
            continue;
        }
        int64_t from = p->next > lo ? p->next : lo;
        int64_t lag = hi > from ? hi - from : 0;
        max = lag > max ? lag : max;
        sum += lag;
        any = true;
        if (lp)
            hf_lag_parts_set(lp, p->topic, p->partition, lag);
    }
    if (lp)
        hf_lag_parts_end(lp);
    if (!any)
        return false;
    hf_gauge_set(&s->ctx->stats->lag_max, max);
    hf_gauge_set(&s->ctx->stats->pending, sum);
    atomic_store(&s->ctx->stats->has_lag, 1);
    return true;
}

static int source_read(struct hfk_source *s, struct hf_batch *out,
                       struct hf_error *err);

/* The lag is measured at most once per LAG_EVERY_MS per source (it takes
 * the table's mutex and a pass over the assigned partitions): on the
 * first read once partitions are assigned, then on the first read a
 * second or more after the last measure, and on the first read that
 * brings no rows after rows were read, so an idle or finished source
 * shows its lag after its last row. A source stalled by a slow sink
 * shows its lag as of at most a second of reading before it stopped.
 * Until every partition's end is known each read measures again (every
 * assigned partition has the end queried at its assignment, part_end, so
 * this is short). */
#define LAG_EVERY_MS 1000

int hfk_source_read(void *state, struct hf_batch *out, struct hf_error *err)
{
    struct hfk_source *s = state;
    int rc = source_read(s, out, err);
    if (rc < 0)
        return rc;
    if (out->nrows > 0)
        s->lag_stale = true;
    bool idle = rc == 0 || out->nrows == 0;
    int64_t now = now_ms();
    if (s->lag_at_ms == 0 || s->lag_partial || (idle && s->lag_stale) ||
        (rc > 0 && now - s->lag_at_ms >= LAG_EVERY_MS)) {
        /* until some partition's end is known nothing is measured: try
         * again at the next read */
        bool partial;
        if (measure_lag(s, &partial)) {
            s->lag_at_ms = now ? now : 1;
            s->lag_stale = false;
        }
        s->lag_partial = partial;
    }
    return rc;
}

static int source_read(struct hfk_source *s, struct hf_batch *out,
                       struct hf_error *err)
{
    if (s->npend > 0 && handle_pending(s, err) != 0)
        return -1;
    if (s->bounded != BOUND_NONE && all_done(s))
        return 0;
    int64_t deadline = now_ms() + POLL_IDLE_MS;
    for (;;) {
        if (s->fatal)
            return hf_error_set(err, HF_ERR_IO,
                                "kafka table '%s': fatal consumer error: %s",
                                tn(s), s->fatal_msg);
        if (hf_batch_full(out))
            break;
        rd_kafka_message_t *m = s->held;
        s->held = NULL;
        if (m == NULL) {
            int64_t left = deadline - now_ms();
            int wait = out->nrows > 0 || left < 0 ? 0 : (int)left;
            m = rd_kafka_consumer_poll(s->rk, wait);
        }
        if (s->npend > 0) {
            /* A rebalance: hand the rows over first, then handle it with
             * an empty batch. */
            if (m)
                s->held = m;
            if (out->nrows > 0)
                return 1;
            if (handle_pending(s, err) != 0)
                return -1;
            continue;
        }
        if (m == NULL) {
            if (out->nrows > 0 || now_ms() >= deadline)
                break;
            continue;
        }
        if (m->err) {
            int rc = message_error(s, m, err);
            rd_kafka_message_destroy(m);
            if (rc != 0)
                return -1;
            continue;
        }
        const char *topic = rd_kafka_topic_name(m->rkt);
        struct src_part *p = find_part(s, topic, m->partition);
        if (p == NULL || p->done || m->offset < p->next) {
            /* Revoked, past a bounded end, or already consumed. */
            rd_kafka_message_destroy(m);
            continue;
        }
        if (p->stop >= 0 && m->offset >= p->stop) {
            p->done = true;
            part_finished(s, p);
            pause_part(s, p);
            rd_kafka_message_destroy(m);
            continue;
        }
        if (out->nrows > 0 && (out->src_part != p->partition ||
                               out->src_name != p->topic)) {
            s->held = m;
            break;
        }
        out->src_name = p->topic;
        out->src_part = p->partition;
        int rc = process(s, p, m, out, err);
        int64_t off = m->offset;
        rd_kafka_message_destroy(m);
        if (rc != 0)
            return -1;
        p->next = off + 1;
        if (p->stop >= 0 && p->next >= p->stop) {
            p->done = true;
            part_finished(s, p);
            pause_part(s, p);
        }
    }
    if (s->bounded != BOUND_NONE && out->nrows == 0 && all_done(s))
        return 0;
    return 1;
}

/* ------------------------------------------------------------ checkpoints */

int hfk_source_checkpoint(void *state, uint64_t id, struct hf_error *err)
{
    struct hfk_source *s = state;
    if (s->dirty && s->dirty_unsynced) {
        s->dirty_unsynced = false;
        if (fflush(s->dirty) != 0 || fsync(fileno(s->dirty)) != 0)
            return hf_error_set(err, HF_ERR_IO,
                                "kafka table '%s': cannot write "
                                "'scan.dirty-data.path' '%s': %s",
                                tn(s), s->dirty_path, strerror(errno));
    }
    if (s->group == NULL)
        return 0;
    if (s->nsnaps == s->csnaps) {
        size_t nc = s->csnaps ? s->csnaps * 2 : 4;
        struct snapshot *ns = realloc(s->snaps, nc * sizeof *ns);
        if (ns == NULL)
            return oom(err);
        s->snaps = ns;
        s->csnaps = nc;
    }
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new((int)s->nparts + 1);
    for (size_t i = 0; i < s->nparts; i++) {
        const struct src_part *p = &s->parts[i];
        int64_t off = p->next;
        if (off < 0)
            continue;
        rd_kafka_topic_partition_list_add(l, p->topic, p->partition)->offset =
            off;
    }
    s->snaps[s->nsnaps].id = id;
    s->snaps[s->nsnaps].offs = l;
    s->nsnaps++;
    return 0;
}

int hfk_source_position(void *state, struct hf_strbuf *out,
                        struct hf_error *err)
{
    (void)err;
    struct hfk_source *s = state;
    hf_strbuf_puts(out, "hfk1\n");
    for (size_t i = 0; i < s->nparts; i++) {
        const struct src_part *p = &s->parts[i];
        int64_t off = p->next;
        if (off < 0)
            continue;
        hf_strbuf_printf(out, "%s\t%" PRId32 "\t%" PRId64 "\n", p->topic,
                         p->partition, off);
    }
    /* Restored partitions not assigned yet in this run: the state restored
     * with them still reflects exactly their restored offsets. */
    for (size_t i = 0; i < s->nrest; i++) {
        const struct restored *r = &s->rest[i];
        if (!r->seen)
            hf_strbuf_printf(out, "%s\t%" PRId32 "\t%" PRId64 "\n",
                             r->topic, r->partition, r->offset);
    }
    return 0;
}

static void drop_snapshots_upto(struct hfk_source *s, uint64_t id)
{
    size_t w = 0;
    for (size_t i = 0; i < s->nsnaps; i++) {
        if (s->snaps[i].id <= id)
            rd_kafka_topic_partition_list_destroy(s->snaps[i].offs);
        else
            s->snaps[w++] = s->snaps[i];
    }
    s->nsnaps = w;
}

int hfk_source_commit(void *state, uint64_t id, struct hf_error *err)
{
    struct hfk_source *s = state;
    (void)err;
    rd_kafka_topic_partition_list_t *snap = NULL;
    for (size_t i = 0; i < s->nsnaps; i++)
        if (s->snaps[i].id == id)
            snap = s->snaps[i].offs;
    if (snap == NULL || s->group == NULL) {
        drop_snapshots_upto(s, id);
        return 0;
    }
    /* Only partitions still assigned whose offset moved. */
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new(snap->cnt + 1);
    for (int i = 0; i < snap->cnt; i++) {
        const rd_kafka_topic_partition_t *e = &snap->elems[i];
        struct src_part *p = find_part(s, e->topic, e->partition);
        if (p == NULL || p->committed == e->offset)
            continue;
        rd_kafka_topic_partition_list_add(l, e->topic, e->partition)->offset =
            e->offset;
    }
    if (l->cnt > 0) {
        rd_kafka_resp_err_t e = rd_kafka_commit(s->rk, l, 0);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
            char buf[300];
            if (rd_kafka_fatal_error(s->rk, buf, sizeof buf)) {
                rd_kafka_topic_partition_list_destroy(l);
                drop_snapshots_upto(s, id);
                return hf_error_set(err, HF_ERR_IO,
                                    "kafka table '%s': committing offsets "
                                    "failed: %s",
                                    tn(s), buf);
            }
            /* The rows are durable; a restart replays from the previous
             * commit, which keyed sinks absorb. */
            hf_log_warn("kafka table '%s': committing the offsets of "
                        "checkpoint %" PRIu64 " failed: %s; rows after the "
                        "previous commit may be read again after a restart",
                        tn(s), id, rd_kafka_err2str(e));
        } else {
            for (int i = 0; i < l->cnt; i++) {
                const rd_kafka_topic_partition_t *te = &l->elems[i];
                struct src_part *p = find_part(s, te->topic, te->partition);
                if (p && te->err == RD_KAFKA_RESP_ERR_NO_ERROR)
                    p->committed = te->offset;
            }
            hf_log_debug("kafka table '%s': checkpoint %" PRIu64
                         " committed (%d partition(s))",
                         tn(s), id, l->cnt);
        }
    }
    rd_kafka_topic_partition_list_destroy(l);
    drop_snapshots_upto(s, id);
    return 0;
}

void hfk_source_close(void *state)
{
    struct hfk_source *s = state;
    if (s == NULL)
        return;
    s->closing = true;
    if (s->held)
        rd_kafka_message_destroy(s->held);
    for (size_t i = 0; i < s->npend; i++)
        rd_kafka_topic_partition_list_destroy(s->pend[i].parts);
    s->npend = 0;
    if (s->rk) {
        rd_kafka_consumer_close(s->rk);
        rd_kafka_destroy(s->rk);
    }
    drop_snapshots_upto(s, UINT64_MAX);
    free(s->snaps);
    for (size_t i = 0; i < s->nrest; i++)
        free(s->rest[i].topic);
    free(s->rest);
    free(s->parts);
    for (size_t i = 0; i < s->nnames; i++)
        free(s->names[i]);
    free(s->names);
    hfk_layout_free(&s->lay);
    if (s->dirty)
        fclose(s->dirty);
    hf_strbuf_free(&s->dbuf);
    free(s->topics);
    free(s->spec_parts);
    free(s->spec_offs);
    free(s->meta);
    free(s->vmeta_key);
    free(s->vmeta_col);
    free(s->bspec_parts);
    free(s->bspec_offs);
    free(s);
}

bool hfk_bounded(const struct hf_table_def *t)
{
    return hf_opts_enum(&t->opts, "scan.bounded.mode", NULL) != 0;
}

const char *hfk_source_group(const struct hf_table_def *t)
{
    if (!hf_opts_isset(&t->opts, "properties.group.id", NULL))
        return NULL;
    return hf_opts_str(&t->opts, "properties.group.id", NULL);
}
