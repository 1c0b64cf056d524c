/*
 * kafka_sink.c - the producer behind the 'kafka' and 'upsert-kafka' sinks.
 *
 * One idempotent producer per sink (acks=all, enable.idempotence=true, so
 * retries neither lose nor duplicate nor reorder messages of a partition).
 * Every row becomes one message:
 *
 *   kafka         key = the 'key.fields' columns in 'key.format' (no key
 *                 without them); value = the row in the value format. An
 *                 insert-only format takes only +I rows (-U/+U/-D fail the
 *                 job, and the planner rejects such jobs early); changelog
 *                 formats (debezium-json, ...) encode the row kind.
 *   upsert-kafka  key = the PRIMARY KEY columns in the key format (legacy
 *                 tables: 'format.type'); +I/+U -> the value (written as an
 *                 insert); -U/-D -> a tombstone (null value), or nothing
 *                 with 'connector.sink.ignore-retraction' = 'true'.
 *
 * With 'sink.buffer-flush.max-rows' and 'sink.buffer-flush.interval' both
 * set (> 0), upsert messages are reduced by key first, as Flink's
 * ReducingUpsertWriter: the buffer keeps the last message of each key
 * (value or tombstone) and is produced when it holds max-rows keys, when
 * the interval passed (checked as rows arrive) and at every checkpoint.
 *
 * Partitions are chosen by holoflow and given to librdkafka explicitly:
 * Kafka's default partitioner for keyed messages is murmur2 of the key
 * bytes modulo the partition count (exactly as the Java producer, so keys
 * land where a Java/Flink job would put them); 'fixed' is Flink's
 * FlinkFixedPartitioner with one sink instance: partition 0; round-robin
 * cycles. Unkeyed messages under the default partitioner are left to
 * librdkafka. The partition count is read when the sink opens.
 *
 * Durability: flush() produces what is buffered and returns only when
 * every message has its delivery report; any failed delivery fails the
 * job. The runtime acknowledges a checkpoint (and lets the source commit
 * its offsets) only after flush() returned 0, so a source offset is never
 * committed past a row whose message the brokers have not acknowledged.
 *
 * @locality the sink's own thread; delivery reports are served by
 * rd_kafka_poll/rd_kafka_flush on that thread.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/kafka/kafka_int.h"
#include "core/log.h"

#define META_TIMEOUT_MS 10000

struct hfk_sink {
    const struct hf_table_def *t;
    const struct hf_run_ctx *ctx;
    struct hfk_mode mode;
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt;
    const char **topics;
    const char *topic;
    struct hfk_layout lay;
    enum hfk_partitioner part;
    int32_t npart;
    uint32_t rr;
    bool ignore_retraction;
    bool append_only; /* insert-only format, or legacy update-mode append */
    int ts_col;       /* writable 'timestamp' metadata column, or -1 */
    int hdr_col;      /* writable 'headers' metadata column, or -1 */
    struct hf_strbuf kbuf, vbuf, hbuf; /* hbuf: a row's headers, packed */
    bool reduce;
    int64_t max_rows, interval_ms, last_flush;
    struct hfk_map buf; /* key -> 8-byte timestamp + value (no value: tombstone) */
    bool failed;
    char fail_msg[700];
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *tn(const struct hfk_sink *s)
{
    return hfk_tname(s->t);
}

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM, "kafka sink: out of memory");
}

/* A printable preview of a key for messages. */
static void key_preview(const void *key, size_t len, char *buf, size_t n)
{
    const unsigned char *k = key;
    size_t o = 0;
    if (key == NULL) {
        snprintf(buf, n, "null");
        return;
    }
    for (size_t i = 0; i < len && o + 5 < n; i++) {
        if (k[i] >= 0x20 && k[i] < 0x7f)
            buf[o++] = (char)k[i];
        else
            o += (size_t)snprintf(buf + o, n - o, "\\x%02x", k[i]);
    }
    if (len > 0 && o + 5 >= n && o >= 3)
        memcpy(buf + o - 3, "...", 3);
    buf[o < n ? o : n - 1] = '\0';
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    struct hfk_sink *s = opaque;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (s->ctx && s->ctx->stats)
            atomic_fetch_add(&s->ctx->stats->rows_out, 1);
        return;
    }
    if (s->failed)
        return;
    char kp[120];
    key_preview(m->key, m->key_len, kp, sizeof kp);
    snprintf(s->fail_msg, sizeof s->fail_msg,
             "kafka table '%s': delivery of the message with key '%s' to "
             "topic '%s' partition %" PRId32 " failed: %s",
             tn(s), kp, s->topic, m->partition, rd_kafka_err2str(m->err));
    s->failed = true;
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason,
                     void *opaque)
{
    struct hfk_sink *s = opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[400];
        rd_kafka_fatal_error(rk, buf, sizeof buf);
        if (!s->failed)
            snprintf(s->fail_msg, sizeof s->fail_msg,
                     "kafka table '%s': fatal producer error: %s", tn(s), buf);
        s->failed = true;
        return;
    }
    hf_log_warn("kafka table '%s': %s: %s", tn(s),
                rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

static int failed(struct hfk_sink *s, struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_IO, "%s", s->fail_msg);
}

/* ------------------------------------------------------------ open */

static int read_partitions(struct hfk_sink *s, struct hf_error *err)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t e =
            rd_kafka_metadata(s->rk, 0, s->rkt, &md, META_TIMEOUT_MS);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
            return hf_error_set(err, HF_ERR_IO,
                                "kafka table '%s': cannot read the metadata "
                                "of topic '%s' from '%s': %s",
                                tn(s), s->topic,
                                hf_opts_str(&s->t->opts,
                                            "properties.bootstrap.servers",
                                            NULL),
                                rd_kafka_err2str(e));
        rd_kafka_resp_err_t te = md->topic_cnt > 0 ? md->topics[0].err
                                                   : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
        int n = md->topic_cnt > 0 ? md->topics[0].partition_cnt : 0;
        rd_kafka_metadata_destroy(md);
        if (te == RD_KAFKA_RESP_ERR_NO_ERROR && n > 0) {
            s->npart = n;
            return 0;
        }
        if (te != RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE &&
            te != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART &&
            te != RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC && te != 0)
            return hf_error_set(err, HF_ERR_IO,
                                "kafka table '%s': topic '%s': %s", tn(s),
                                s->topic, rd_kafka_err2str(te));
        struct timespec ts = {0, 250 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return hf_error_set(err, HF_ERR_IO,
                        "kafka table '%s': topic '%s' does not exist (and the "
                        "brokers did not create it); create it first",
                        tn(s), s->topic);
}

static int read_options(struct hfk_sink *s, struct hf_error *err)
{
    const struct hf_table_def *t = s->t;
    size_t n = 0;
    s->topics = hfk_topics(t, &n, err);
    if (s->topics == NULL || n != 1) {
        if (hf_error_is_set(err))
            return -1;
        return hf_error_set(err, HF_ERR_OPTION,
                            "kafka table '%s': a sink writes to exactly one "
                            "topic; set 'topic' to one name (not "
                            "'topic-pattern' or a list)",
                            tn(s));
    }
    s->topic = s->topics[0];
    if (hfk_partitioner_of(t, &s->part, err) != 0)
        return -1;
    const struct hf_schema *sc = &t->schema;
    s->ts_col = -1;
    s->hdr_col = -1;
    for (uint32_t i = 0; i < sc->ncols; i++) {
        const struct hf_column *c = &sc->cols[i];
        if (c->kind != HF_COL_METADATA || c->is_virtual)
            continue;
        const char *key = c->meta_key ? c->meta_key : c->name;
        if (strcmp(key, "timestamp") == 0)
            s->ts_col = (int)i;
        if (strcmp(key, "headers") == 0)
            s->hdr_col = (int)i;
    }
    if (s->mode.upsert) {
        s->ignore_retraction =
            hf_opts_bool(&t->opts, "connector.sink.ignore-retraction", NULL);
        s->append_only = hf_opts_isset(&t->opts, "update-mode", NULL) &&
                         hf_opts_enum(&t->opts, "update-mode", NULL) == 0;
        s->max_rows = hf_opts_int(&t->opts, "sink.buffer-flush.max-rows",
                                  NULL);
        s->interval_ms = hf_opts_int(&t->opts, "sink.buffer-flush.interval",
                                     NULL);
        s->reduce = s->max_rows > 0 && s->interval_ms > 0;
    } else {
        s->append_only = !t->format->changelog;
    }
    return 0;
}

int hfk_sink_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                  struct hfk_mode mode, void **state, struct hf_error *err)
{
    struct hfk_sink *s = calloc(1, sizeof *s);
    if (s == NULL)
        return oom(err);
    s->t = t;
    s->ctx = ctx;
    s->mode = mode;
    hf_strbuf_init(&s->kbuf, 0);
    hf_strbuf_init(&s->vbuf, 0);
    hf_strbuf_init(&s->hbuf, 0);
    hfk_map_init(&s->buf);
    s->last_flush = now_ms();
    if (read_options(s, err) != 0)
        goto fail;
    if (hfk_layout_init(&s->lay, t, mode.upsert, false, true, err) != 0)
        goto fail;
    static const char *const defaults[] = {
        "acks", "all",
        "enable.idempotence", "true",
        "client.id", "holoflow",
        NULL, NULL};
    rd_kafka_conf_t *conf = hfk_conf_new(t, defaults, err);
    if (conf == NULL)
        goto fail;
    rd_kafka_conf_set_opaque(conf, s);
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);
    char errstr[512];
    s->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (s->rk == NULL) {
        hf_error_set(err, HF_ERR_OPTION,
                     "kafka table '%s': cannot create the producer: %s", tn(s),
                     errstr);
        goto fail;
    }
    s->rkt = rd_kafka_topic_new(s->rk, s->topic, NULL);
    if (s->rkt == NULL) {
        hf_error_set(err, HF_ERR_IO, "kafka table '%s': topic '%s': %s",
                     tn(s), s->topic, rd_kafka_err2str(rd_kafka_last_error()));
        goto fail;
    }
    if (read_partitions(s, err) != 0)
        goto fail;
    hf_log_info("kafka table '%s': producing to topic '%s' (%" PRId32
                " partitions)",
                tn(s), s->topic, s->npart);
    *state = s;
    return 0;
fail:
    hfk_sink_close(s);
    return -1;
}

/* ------------------------------------------------------------ producing */

static int32_t pick_partition(struct hfk_sink *s, const void *key, size_t klen)
{
    switch (s->part) {
    case HFK_PART_FIXED:
        return 0;
    case HFK_PART_ROUND_ROBIN:
        return (int32_t)(s->rr++ % (uint32_t)s->npart);
    default:
        if (key == NULL)
            return RD_KAFKA_PARTITION_UA;
        return hf_kafka_murmur2_partition(key, klen, s->npart);
    }
}

/* Pack the headers of `row` (its writable 'headers' MAP<STRING, BYTES>,
 * in entry order) into s->hbuf: a u32 count, then per header a u32 name
 * length, the name, an i32 value length (-1: no value) and the value. A
 * NULL map, or none, packs nothing. */
static void pack_headers(struct hfk_sink *s, const struct hf_value *row)
{
    hf_strbuf_reset(&s->hbuf);
    if (s->hdr_col < 0 || row[s->hdr_col].null || row[s->hdr_col].v.a == NULL)
        return;
    const struct hf_array *a = row[s->hdr_col].v.a;
    uint32_t n = 0;
    for (uint32_t i = 0; i < a->n; i++)
        n += !a->items[2 * i].null; /* a NULL name is not a header */
    hf_strbuf_append(&s->hbuf, &n, sizeof n);
    for (uint32_t i = 0; i < a->n; i++) {
        const struct hf_value *k = &a->items[2 * i], *v = &a->items[2 * i + 1];
        if (k->null)
            continue;
        uint32_t kl = k->v.s.len;
        int32_t vl = v->null ? -1 : (int32_t)v->v.s.len;
        hf_strbuf_append(&s->hbuf, &kl, sizeof kl);
        hf_strbuf_append(&s->hbuf, k->v.s.ptr, kl);
        hf_strbuf_append(&s->hbuf, &vl, sizeof vl);
        if (vl > 0)
            hf_strbuf_append(&s->hbuf, v->v.s.ptr, (size_t)vl);
    }
}

/* librdkafka headers from packed bytes (NULL when there are none). */
static rd_kafka_headers_t *unpack_headers(const char *p, size_t n)
{
    uint32_t count;
    if (n < sizeof count)
        return NULL;
    memcpy(&count, p, sizeof count);
    size_t off = sizeof count;
    rd_kafka_headers_t *h = rd_kafka_headers_new(count);
    for (uint32_t i = 0; h && i < count; i++) {
        uint32_t kl;
        int32_t vl;
        memcpy(&kl, p + off, sizeof kl);
        off += sizeof kl;
        const char *name = p + off;
        off += kl;
        memcpy(&vl, p + off, sizeof vl);
        off += sizeof vl;
        rd_kafka_header_add(h, name, (ssize_t)kl, vl < 0 ? NULL : p + off,
                            vl < 0 ? 0 : (ssize_t)vl);
        if (vl > 0)
            off += (size_t)vl;
    }
    return h;
}

/* Produce one message; `value` NULL is a tombstone. `ts` 0 = now. `hdr`
 * (hlen bytes) are packed headers, or NULL. */
static int produce(struct hfk_sink *s, const void *key, size_t klen,
                   const void *value, size_t vlen, int64_t ts, const char *hdr,
                   size_t hlen, struct hf_error *err)
{
    int32_t p = pick_partition(s, key, klen);
    for (;;) {
        if (s->failed)
            return failed(s, err);
        rd_kafka_headers_t *h = hdr ? unpack_headers(hdr, hlen) : NULL;
        rd_kafka_resp_err_t e =
            h ? rd_kafka_producev(
                    s->rk, RD_KAFKA_V_RKT(s->rkt), RD_KAFKA_V_PARTITION(p),
                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                    RD_KAFKA_V_KEY((void *)key, key ? klen : 0),
                    RD_KAFKA_V_VALUE((void *)value, value ? vlen : 0),
                    RD_KAFKA_V_TIMESTAMP(ts), RD_KAFKA_V_HEADERS(h),
                    RD_KAFKA_V_END)
              : rd_kafka_producev(
                    s->rk, RD_KAFKA_V_RKT(s->rkt), RD_KAFKA_V_PARTITION(p),
                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                    RD_KAFKA_V_KEY((void *)key, key ? klen : 0),
                    RD_KAFKA_V_VALUE((void *)value, value ? vlen : 0),
                    RD_KAFKA_V_TIMESTAMP(ts), RD_KAFKA_V_END);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR && h != NULL)
            rd_kafka_headers_destroy(h); /* kept by librdkafka on success */
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
            return 0;
        if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(s->rk, 50); /* wait for delivery reports */
            continue;
        }
        char kp[120];
        key_preview(key, klen, kp, sizeof kp);
        return hf_error_set(err, HF_ERR_IO,
                            "kafka table '%s': cannot produce the message "
                            "with key '%s' to topic '%s' partition %" PRId32
                            ": %s",
                            tn(s), kp, s->topic, p, rd_kafka_err2str(e));
    }
}

/* Produce the reduce buffer's messages and empty it. An entry's value is
 * the record timestamp (8 bytes), a flag (1: value, 0: tombstone), the
 * length of the packed headers (4 bytes) and the headers, then the value
 * bytes. */
static int flush_buffer(struct hfk_sink *s, struct hf_error *err)
{
    const size_t head = sizeof(int64_t) + 1 + sizeof(uint32_t);
    for (size_t i = 0; i < s->buf.ne; i++) {
        const struct hfk_map_entry *e = &s->buf.e[i];
        if (!e->live || e->vlen < head)
            continue;
        int64_t ts = 0;
        uint32_t hl = 0;
        const char *d = e->data + e->klen;
        memcpy(&ts, d, sizeof ts);
        bool has_val = d[sizeof ts] != 0;
        memcpy(&hl, d + sizeof ts + 1, sizeof hl);
        if (head + hl > e->vlen)
            continue;
        const char *v = has_val ? d + head + hl : NULL;
        size_t vl = has_val ? e->vlen - head - hl : 0;
        if (produce(s, e->data, e->klen, v, vl, ts, hl ? d + head : NULL, hl,
                    err) != 0)
            return -1;
    }
    hfk_map_clear(&s->buf);
    s->last_flush = now_ms();
    return 0;
}

static int64_t row_ts(const struct hfk_sink *s, const struct hf_value *row)
{
    if (s->ts_col < 0 || row[s->ts_col].null)
        return 0;
    return row[s->ts_col].v.i / 1000;
}

static int write_upsert(struct hfk_sink *s, const struct hf_value *row,
                        enum hf_rowkind kind, int64_t origin,
                        struct hf_error *err)
{
    bool retract = kind == HF_ROW_UPDATE_BEFORE || kind == HF_ROW_DELETE;
    if (retract && s->ignore_retraction)
        return 0;
    if (retract && s->append_only)
        return hf_error_set(err, HF_ERR_DATA,
                            "upsert-kafka table '%s' has 'update-mode' = "
                            "'append' but received a %s row (origin %" PRId64
                            "); use 'retract' or 'upsert'",
                            tn(s), hf_rowkind_short(kind), origin);
    hf_strbuf_reset(&s->kbuf);
    hf_strbuf_reset(&s->vbuf);
    if (hfk_key_encode(&s->lay, row, &s->kbuf, err) != 0)
        return -1;
    if (!retract &&
        hfk_value_encode(&s->lay, row, HF_ROW_INSERT, &s->vbuf, err) != 0)
        return -1;
    if (!hf_strbuf_ok(&s->kbuf) || !hf_strbuf_ok(&s->vbuf))
        return oom(err);
    int64_t ts = row_ts(s, row);
    const char *key = s->kbuf.data ? s->kbuf.data : "";
    pack_headers(s, row);
    if (!hf_strbuf_ok(&s->hbuf))
        return oom(err);
    if (!s->reduce)
        return produce(s, key, s->kbuf.len,
                       retract ? NULL : (s->vbuf.data ? s->vbuf.data : ""),
                       s->vbuf.len, ts, s->hbuf.len ? s->hbuf.data : NULL,
                       s->hbuf.len, err);
    /* Reduce by key: timestamp, flag, headers' length, headers, value. */
    uint32_t hl = (uint32_t)s->hbuf.len;
    size_t hn = 9 + sizeof hl + hl;
    struct hf_strbuf *v = &s->vbuf;
    char *room = hf_strbuf_reserve(v, hn);
    if (room == NULL)
        return oom(err);
    memmove(v->data + hn, v->data, v->len);
    memcpy(v->data, &ts, sizeof ts);
    v->data[8] = retract ? 0 : 1;
    memcpy(v->data + 9, &hl, sizeof hl);
    if (hl)
        memcpy(v->data + 9 + sizeof hl, s->hbuf.data, hl);
    hf_strbuf_commit(v, hn);
    if (hfk_map_put(&s->buf, key, s->kbuf.len, v->data, v->len, true) != 0)
        return oom(err);
    if ((int64_t)s->buf.live >= s->max_rows)
        return flush_buffer(s, err);
    return 0;
}

static int write_append(struct hfk_sink *s, const struct hf_value *row,
                        enum hf_rowkind kind, int64_t origin,
                        struct hf_error *err)
{
    if (kind != HF_ROW_INSERT && s->append_only)
        return hf_error_set(err, HF_ERR_DATA,
                            "kafka table '%s' received a %s row (origin "
                            "%" PRId64 ") but its format '%s' is insert-only; "
                            "write updates and deletes with 'upsert-kafka' or "
                            "a changelog format (debezium-json, canal-json, "
                            "maxwell-json)",
                            tn(s), hf_rowkind_short(kind), origin,
                            s->lay.vfmt->name);
    hf_strbuf_reset(&s->kbuf);
    hf_strbuf_reset(&s->vbuf);
    bool keyed = s->lay.nkey > 0 && s->lay.kenc != NULL;
    if (keyed && hfk_key_encode(&s->lay, row, &s->kbuf, err) != 0)
        return -1;
    if (hfk_value_encode(&s->lay, row, kind, &s->vbuf, err) != 0)
        return -1;
    if (!hf_strbuf_ok(&s->kbuf) || !hf_strbuf_ok(&s->vbuf))
        return oom(err);
    pack_headers(s, row);
    if (!hf_strbuf_ok(&s->hbuf))
        return oom(err);
    return produce(s, keyed ? (s->kbuf.data ? s->kbuf.data : "") : NULL,
                   s->kbuf.len, s->vbuf.data ? s->vbuf.data : "", s->vbuf.len,
                   row_ts(s, row), s->hbuf.len ? s->hbuf.data : NULL,
                   s->hbuf.len, err);
}

int hfk_sink_write(void *state, const struct hf_batch *in,
                   struct hf_error *err)
{
    struct hfk_sink *s = state;
    if (s->failed)
        return failed(s, err);
    if (s->reduce && s->buf.live > 0 &&
        now_ms() - s->last_flush >= s->interval_ms &&
        flush_buffer(s, err) != 0)
        return -1;
    for (uint32_t r = 0; r < in->nrows; r++) {
        const struct hf_value *row = hf_batch_row(in, r);
        enum hf_rowkind kind = (enum hf_rowkind)in->kinds[r];
        int rc = s->mode.upsert
                     ? write_upsert(s, row, kind, in->origin[r], err)
                     : write_append(s, row, kind, in->origin[r], err);
        if (rc != 0) {
            if (in->src_name && in->origin[r] >= 0 &&
                !strstr(err->msg, "origin"))
                hf_error_prefix(err, "row from %s:%" PRId64 ": ",
                                in->src_name, in->origin[r]);
            return -1;
        }
    }
    rd_kafka_poll(s->rk, 0);
    if (s->failed)
        return failed(s, err);
    return 0;
}

int hfk_sink_flush(void *state, struct hf_error *err)
{
    struct hfk_sink *s = state;
    if (s->reduce && s->buf.live > 0 && flush_buffer(s, err) != 0)
        return -1;
    while (rd_kafka_outq_len(s->rk) > 0) {
        if (s->failed)
            return failed(s, err);
        rd_kafka_flush(s->rk, 500);
    }
    rd_kafka_poll(s->rk, 0);
    if (s->failed)
        return failed(s, err);
    return 0;
}

void hfk_sink_close(void *state)
{
    struct hfk_sink *s = state;
    if (s == NULL)
        return;
    if (s->rk) {
        /* The runtime flushed before a normal close; after a failure
         * nothing more is waited for. */
        rd_kafka_purge(s->rk, RD_KAFKA_PURGE_F_QUEUE |
                                  RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_poll(s->rk, 0);
    }
    if (s->rkt)
        rd_kafka_topic_destroy(s->rkt);
    if (s->rk)
        rd_kafka_destroy(s->rk);
    hfk_layout_free(&s->lay);
    hfk_map_free(&s->buf);
    hf_strbuf_free(&s->kbuf);
    hf_strbuf_free(&s->vbuf);
    hf_strbuf_free(&s->hbuf);
    free(s->topics);
    free(s);
}
