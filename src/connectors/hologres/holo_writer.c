/*
 * holo_writer.c - routing rows to shards, handing buffers to the shard
 * workers, flush triggers, back-pressure and the writer's life cycle, for
 * every write mode (see holo_writer.h); a mode's `struct holo_flush_ops`
 * (holo_writer_int.h) writes the buffers and ends a flush.
 *
 * Rows go to shards by the hash of their primary key, or on Hologres with
 * sink.reshuffle-by-holo-distribution-key.enabled by the table's
 * distribution key (holo_dist.h; a part of the key there, so a key's
 * changes stay in order). A STRING job column whose table column is an
 * array is split at field_delimiter into an array literal before it is
 * buffered (the legacy connector's arrays as text). Fixed connections
 * (Hologres) are asked for here; a connection idle for
 * connection.max-idle-ms or older than connection.max-alive-ms is replaced
 * before a flush that is a transaction of its own.
 *
 * Locks: `w->lock` is held by the caller for a whole batch (write) or a
 * whole flush, and by the timer thread while it checks buffer ages, so
 * the filling buffers have one owner at a time; it is never taken per
 * row. `s->lock` guards a shard's hand-off (busy flag, buffer swap) and is
 * the only lock a worker takes, once per flush. A shard's connection and
 * mode state are its worker's; the caller touches them (ops->finish) only
 * after wait_idle, the shard lock ordering the accesses.
 */
#include "connectors/hologres/holo_writer_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "connectors/hologres/holo_dist.h"
#include "connectors/hologres/holo_encode.h"
#include "core/log.h"

/* How far past batch-size a due buffer may grow while its connection is
 * busy (see put_row; HOLO_BATCH_BACKLOG). Measured in bench/sink-upsert.sh:
 * ~25% more upserts/s than blocking at batch-size, with no cost when the
 * sink keeps up. */
#define HOLO_BACKLOG_FACTOR 8

static int64_t mono_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------ errors */

static void record_failure(struct holo_writer *w, const struct hf_error *err)
{
    pthread_mutex_lock(&w->err_lock);
    if (!hf_error_is_set(&w->err))
        w->err = *err;
    pthread_mutex_unlock(&w->err_lock);
    atomic_store(&w->failed, 1);
}

static int failed(struct holo_writer *w, struct hf_error *err)
{
    pthread_mutex_lock(&w->err_lock);
    struct hf_error copy = w->err;
    pthread_mutex_unlock(&w->err_lock);
    if (err && !hf_error_is_set(err))
        *err = copy;
    return -1;
}

/* ------------------------------------------------------------ workers */

/* Before a flush that is a transaction of its own: a connection idle for
 * connection.max-idle-ms or older than connection.max-alive-ms is
 * replaced (a bulk load keeps its one transaction's connection). 0 or -1. */
static int refresh_conn(struct holo_shard *s, struct hf_error *err)
{
    const struct holo_config *cfg = s->w->cfg;
    int64_t now = mono_usec();
    if (s->conn_gen != s->conn.generation) {
        s->conn_gen = s->conn.generation;
        s->conn_opened = now;
        s->conn_used = now;
    }
    if (s->w->ops->commit_at_finish)
        return 0;
    bool idle =
        cfg->max_idle_ms > 0 && now - s->conn_used > cfg->max_idle_ms * 1000;
    bool old = cfg->max_alive_ms > 0 &&
               now - s->conn_opened > cfg->max_alive_ms * 1000;
    if (!idle && !old)
        return 0;
    hf_log_debug("hologres shard %u: connection %s; reconnecting", s->index,
                 idle ? "idle longer than connection.max-idle-ms"
                      : "older than connection.max-alive-ms");
    if (holo_conn_reconnect(&s->conn, err) != 0)
        return -1;
    s->conn_gen = s->conn.generation;
    s->conn_opened = s->conn_used = mono_usec();
    return 0;
}

static void *worker_main(void *arg)
{
    struct holo_shard *s = arg;
    struct holo_writer *w = s->w;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (!s->busy && !s->stop)
            pthread_cond_wait(&s->cond, &s->lock);
        if (!s->busy)
            break; /* stop */
        struct holo_buffer *b = s->flushing;
        pthread_mutex_unlock(&s->lock);

        struct hf_error err;
        hf_error_clear(&err);
        size_t bytes = b->bytes;
        if (!atomic_load(&w->failed) && b->n > 0) {
            s->flush_dirty = 0;
            int64_t t0 = mono_usec();
            if (refresh_conn(s, &err) != 0 || w->ops->flush(s, b, &err) != 0) {
                record_failure(w, &err);
            } else {
                hf_hist_observe(&w->stats->flush_latency, mono_usec() - t0);
                atomic_fetch_add(&w->stats->flushes, 1);
                s->conn_used = mono_usec();
                uint64_t done = b->nchanges > s->flush_dirty
                                    ? b->nchanges - s->flush_dirty
                                    : 0;
                if (w->ops->commit_at_finish)
                    s->pending += done;
                else
                    atomic_fetch_add(&w->stats->rows_out, done);
            }
        }
        atomic_fetch_sub(&w->flushing_bytes, bytes);
        hf_gauge_add(&w->stats->buffered_bytes, -(int64_t)bytes);
        holo_buffer_reset(b);

        pthread_mutex_lock(&s->lock);
        s->busy = false;
        pthread_cond_broadcast(&s->cond);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* Give the shard's filling buffer to its worker. With `wait`, first waits
 * for the previous flush to finish; without, does nothing when the worker
 * is busy. Caller holds w->lock. 0, 1 (busy, not handed), or -1. */
static int hand_off(struct holo_writer *w, struct holo_shard *s, bool wait)
{
    if (s->filling->n == 0)
        return 0;
    pthread_mutex_lock(&s->lock);
    while (s->busy && wait && !atomic_load(&w->failed))
        pthread_cond_wait(&s->cond, &s->lock);
    if (atomic_load(&w->failed)) {
        pthread_mutex_unlock(&s->lock);
        return -1;
    }
    if (s->busy) {
        pthread_mutex_unlock(&s->lock);
        return 1;
    }
    struct holo_buffer *b = s->filling;
    s->filling = s->flushing;
    s->flushing = b;
    atomic_fetch_sub(&w->filling_bytes, b->bytes);
    atomic_fetch_add(&w->flushing_bytes, b->bytes);
    hf_gauge_add(&w->stats->buffered_bytes, (int64_t)b->bytes);
    s->busy = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    return 0;
}

static void wait_idle(struct holo_shard *s)
{
    pthread_mutex_lock(&s->lock);
    while (s->busy)
        pthread_cond_wait(&s->cond, &s->lock);
    pthread_mutex_unlock(&s->lock);
}

/* ------------------------------------------------------------ timer */

static void *timer_main(void *arg)
{
    struct holo_writer *w = arg;
    int64_t interval = w->cfg->flush_interval_ms * 1000;
    int64_t tick_ms = w->cfg->flush_interval_ms / 4;
    if (tick_ms > 100 || w->cfg->aggressive)
        tick_ms = w->cfg->aggressive ? 5 : 100;
    if (tick_ms < 1)
        tick_ms = 1;
    while (!atomic_load(&w->timer_stop)) {
        /* Sleep one tick, or until holo_writer_destroy signals the stop
         * (so closing a writer does not wait out a tick). */
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += tick_ms / 1000;
        until.tv_nsec += (long)(tick_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&w->timer_mu);
        int rc = 0;
        while (!atomic_load(&w->timer_stop) && rc == 0)
            rc = pthread_cond_timedwait(&w->timer_cond, &w->timer_mu, &until);
        pthread_mutex_unlock(&w->timer_mu);
        if (atomic_load(&w->timer_stop))
            break;
        if (pthread_mutex_trylock(&w->lock) != 0)
            continue; /* the caller is writing: it checks triggers itself */
        int64_t now = mono_usec();
        for (uint32_t i = 0; i < w->nshards; i++) {
            struct holo_shard *s = &w->shards[i];
            struct holo_buffer *b = s->filling;
            if (b->n == 0)
                continue;
            if (w->cfg->aggressive || (int64_t)b->n >= w->cfg->batch_size ||
                (interval > 0 && now - b->first_usec >= interval))
                hand_off(w, s, false);
        }
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

/* ------------------------------------------------------------ setup */

static int find_job_col(const struct holo_writer *w, uint32_t meta_col)
{
    for (uint32_t c = 0; c < w->schema->ncols; c++)
        if (w->map[c] == meta_col)
            return (int)c;
    return -1;
}

/* A plain bulk append (COPY_BULK_LOAD: no conflict action, no deletes)
 * that leaves out key columns the server fills — a serial or identity
 * key, or one with a default — as DataX's INSERT of the listed columns
 * does: the rows never conflict on that key, so the table is loaded as
 * a keyless one. Every left-out key column must be filled by the server;
 * otherwise holo_catalog_check refuses the job as before. */
static bool key_filled_by_server(const struct holo_writer *w,
                                 const struct hf_schema *s)
{
    if (w->cfg->write_mode != HOLO_WM_COPY_BULK_LOAD || w->meta.npk == 0)
        return false;
    bool missing = false;
    for (uint32_t k = 0; k < w->meta.npk; k++) {
        const struct holo_column *col = &w->meta.cols[w->meta.pk[k]];
        bool found = false;
        for (uint32_t c = 0; c < s->ncols && !found; c++)
            found = strcasecmp(s->cols[c].name, col->name) == 0;
        if (found)
            continue;
        if (col->default_expr == NULL && !col->identity)
            return false;
        missing = true;
    }
    return missing;
}

static int setup_columns(struct holo_writer *w, const bool *written,
                         const struct hf_type *vtypes, struct hf_error *err)
{
    const struct hf_schema *s = w->schema;
    uint32_t n = s->ncols ? s->ncols : 1;
    if (key_filled_by_server(w, s))
        w->meta.npk = 0;
    w->written = calloc(n, sizeof *w->written);
    w->cols = calloc(n, sizeof *w->cols);
    w->map = calloc(n, sizeof *w->map);
    w->pk = calloc(w->meta.npk ? w->meta.npk : 1, sizeof *w->pk);
    if (!w->written || !w->cols || !w->map || !w->pk)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (holo_catalog_check(&w->meta, s, vtypes, w->map, err) != 0)
        return -1;
    for (uint32_t c = 0; c < s->ncols; c++) {
        bool listed = written == NULL || written[c];
        w->written[c] = listed || !w->cfg->partial_insert;
    }
    /* Key columns are always written. */
    for (uint32_t k = 0; k < w->meta.npk; k++) {
        int jc = find_job_col(w, w->meta.pk[k]);
        if (jc < 0)
            return hf_error_set(
                err, HF_ERR_TYPE,
                "table \"%s\".\"%s\": primary key column '%s' is not a "
                "column of the job's table; the sink needs every key column",
                w->meta.schema, w->meta.table,
                w->meta.cols[w->meta.pk[k]].name);
        w->pk[k] = (uint32_t)jc;
        w->written[jc] = true;
    }
    w->npk = w->meta.npk;
    for (uint32_t c = 0; c < s->ncols; c++)
        if (w->written[c] && w->map[c] != UINT32_MAX)
            w->cols[w->ncols++] = c;
    /* A STRING into an array column is split at field_delimiter (the
     * catalog check lets it through for this). */
    w->split = calloc(n, sizeof *w->split);
    w->split_row = calloc(n, sizeof *w->split_row);
    if (!w->split || !w->split_row)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t c = 0; c < s->ncols; c++) {
        enum hf_type_id t = s->cols[c].type.id;
        if (w->map[c] != UINT32_MAX && (t == HF_VARCHAR || t == HF_CHAR) &&
            w->meta.cols[w->map[c]].elem_oid != 0) {
            w->split[c] = true;
            w->nsplit++;
        }
    }
    return 0;
}

/* sink.reshuffle-by-holo-distribution-key.enabled: on Hologres, read the
 * table's distribution key on `c` into w->dist; on PostgreSQL say that
 * rows go by primary key. 0 or -1. */
static int setup_dist(struct holo_writer *w, struct holo_conn *c,
                      struct hf_error *err)
{
    if (!w->cfg->reshuffle)
        return 0;
    if (!c->hologres) {
        hf_log_info("hologres sink \"%s\".\"%s\": PostgreSQL has no "
                    "distribution key; rows go to connections by primary key "
                    "(sink.reshuffle-by-holo-distribution-key.enabled)",
                    w->meta.schema, w->meta.table);
        return 0;
    }
    const char *params[2] = {w->meta.schema, w->meta.table};
    PGresult *r =
        PQexecParams(c->pg, holo_dist_query(), 2, NULL, params, NULL, NULL, 0);
    if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
        holo_conn_classify(c, r, err);
        hf_error_prefix(err, "reading the distribution key of \"%s\".\"%s\": ",
                        w->meta.schema, w->meta.table);
        PQclear(r);
        return -1;
    }
    int rc = 0;
    if (PQntuples(r) == 0 || PQgetisnull(r, 0, 0)) {
        hf_log_info("hologres sink \"%s\".\"%s\": the table has no "
                    "distribution key; rows go to connections by primary key",
                    w->meta.schema, w->meta.table);
    } else {
        uint32_t n = w->schema->ncols ? w->schema->ncols : 1;
        w->dist = calloc(n, sizeof *w->dist);
        int k = w->dist
                    ? holo_dist_columns(PQgetvalue(r, 0, 0), &w->meta, w->map,
                                        w->schema->ncols, w->dist, err)
                    : hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        if (k < 0) {
            rc = -1;
        } else {
            w->ndist = (uint32_t)k;
            hf_log_info("hologres sink \"%s\".\"%s\": rows go to "
                        "connections by the distribution key (%s)",
                        w->meta.schema, w->meta.table, PQgetvalue(r, 0, 0));
        }
    }
    PQclear(r);
    return rc;
}

bool holo_writer_idempotent(const struct holo_writer *w)
{
    return w->npk > 0 && w->cfg->conflict_update_set == NULL;
}

void holo_writer_what(const struct holo_writer *w, uint32_t shard, char *buf,
                      size_t n)
{
    snprintf(buf, n, "shard %u of \"%s\".\"%s\"", shard, w->meta.schema,
             w->meta.table);
}

void holo_writer_spec(const struct holo_writer *w, const struct holo_conn *c,
                      const char *schema, const char *table,
                      struct holo_stmt_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->meta = &w->meta;
    spec->schema = schema;
    spec->table = table;
    spec->job = w->schema;
    spec->map = w->map;
    spec->cols = w->cols;
    spec->ncols = w->ncols;
    spec->cfg = w->cfg;
    spec->hologres = c->hologres;
}

static int shard_init(struct holo_writer *w, struct holo_shard *s,
                      struct hf_error *err)
{
    uint32_t cap = (uint32_t)(w->cfg->batch_size < w->ops->buffer_cap
                                  ? w->cfg->batch_size
                                  : w->ops->buffer_cap);
    if (holo_buffer_init(&s->bufs[0], w->schema, w->pk, w->npk, w->cfg, cap) ||
        holo_buffer_init(&s->bufs[1], w->schema, w->pk, w->npk, w->cfg, cap))
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    s->filling = &s->bufs[0];
    s->flushing = &s->bufs[1];
    if (w->ops->shard_init(s, err) != 0)
        return -1;
    if (pthread_create(&s->th, NULL, worker_main, s) != 0)
        return hf_error_set(err, HF_ERR_FAIL, "cannot start a thread");
    s->started = true;
    return 0;
}

/* Connecting the other shards in parallel: one thread per connection. */
struct connect_job {
    struct holo_shard *s;
    const struct holo_config *cfg;
    struct hf_error err;
    int rc;
};

static void *connect_main(void *arg)
{
    struct connect_job *j = arg;
    enum holo_err_class cls;
    hf_error_clear(&j->err);
    j->rc = holo_conn_open(&j->s->conn, j->cfg, &cls, &j->err);
    j->s->connected = j->rc == 0;
    return NULL;
}

static int connect_all(struct holo_writer *w, struct hf_error *err)
{
    uint32_t n = w->nshards;
    struct connect_job *jobs = calloc(n, sizeof *jobs);
    pthread_t *th = calloc(n, sizeof *th);
    bool *started = calloc(n, sizeof *started);
    int rc = 0;
    if (jobs == NULL || th == NULL || started == NULL) {
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (w->shards[i].connected)
            continue;
        jobs[i].s = &w->shards[i];
        jobs[i].cfg = w->cfg;
        started[i] = pthread_create(&th[i], NULL, connect_main, &jobs[i]) == 0;
        if (!started[i])
            connect_main(&jobs[i]);
    }
    for (uint32_t i = 0; i < n; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        if (jobs[i].s != NULL && jobs[i].rc != 0 && rc == 0) {
            *err = jobs[i].err;
            rc = -1;
        }
    }
out:
    free(jobs);
    free(th);
    free(started);
    return rc;
}

struct holo_writer *holo_writer_alloc(const struct holo_config *cfg,
                                      const struct hf_schema *schema,
                                      struct hf_table_stats *stats,
                                      const struct holo_flush_ops *ops,
                                      struct hf_error *err)
{
    struct holo_writer *w = calloc(1, sizeof *w);
    if (w == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        return NULL;
    }
    w->cfg = cfg;
    w->schema = schema;
    w->ops = ops;
    w->stats = stats ? stats : &w->own_stats;
    hf_arena_init(&w->held_arena);
    pthread_mutex_init(&w->lock, NULL);
    pthread_mutex_init(&w->err_lock, NULL);
    pthread_mutex_init(&w->meta_lock, NULL);
    pthread_mutex_init(&w->dirty_lock, NULL);
    hf_arena_init(&w->split_arena);
    pthread_mutex_init(&w->timer_mu, NULL);
    pthread_condattr_t cattr;
    pthread_condattr_init(&cattr);
    pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
    pthread_cond_init(&w->timer_cond, &cattr);
    pthread_condattr_destroy(&cattr);
    hf_error_clear(&w->err);
    return w;
}

/* key_from_job (the jdbc connector): the key is the Flink table's PRIMARY
 * KEY, each column found in the target table by name (exactly, else
 * case-insensitively when unambiguous, as PostgreSQL folds unquoted
 * names); none means append. 0 or -1. */
static int key_from_job(struct holo_writer *w, struct hf_error *err)
{
    const struct hf_schema *s = w->schema;
    uint32_t *pk = calloc(s->npk ? s->npk : 1, sizeof *pk);
    if (pk == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    for (uint32_t k = 0; k < s->npk; k++) {
        const char *name = s->cols[s->pk[k]].name;
        int found = -1, ci = -1, nci = 0;
        for (uint32_t i = 0; i < w->meta.ncols && found < 0; i++) {
            if (strcmp(w->meta.cols[i].name, name) == 0)
                found = (int)i;
            else if (strcasecmp(w->meta.cols[i].name, name) == 0) {
                ci = (int)i;
                nci++;
            }
        }
        if (found < 0 && nci == 1)
            found = ci;
        if (found < 0) {
            free(pk);
            return hf_error_set(err, HF_ERR_TYPE,
                                "table \"%s\".\"%s\" has no column '%s' of "
                                "the PRIMARY KEY declared in the job",
                                w->meta.schema, w->meta.table, name);
        }
        pk[k] = (uint32_t)found;
    }
    free(w->meta.pk);
    w->meta.pk = pk;
    w->meta.npk = s->npk;
    return 0;
}

int holo_writer_open_table(struct holo_writer *w, const bool *written,
                           const struct hf_type *vtypes,
                           struct holo_conn *first, struct hf_error *err)
{
    const struct holo_config *cfg = w->cfg;
    enum holo_err_class cls;
    memset(first, 0, sizeof *first);
    if (holo_conn_open(first, cfg, &cls, err) != 0)
        return -1;
    if (holo_catalog_get(first, cfg->schema, cfg->table, cfg->meta_cache_ttl_ms,
                         &w->meta, &cls, err) != 0 ||
        (cfg->key_from_job && key_from_job(w, err) != 0) ||
        setup_columns(w, written, vtypes, err) != 0 ||
        setup_dist(w, first, err) != 0) {
        holo_conn_close(first);
        return -1;
    }
    return 0;
}

int holo_writer_start(struct holo_writer *w, uint32_t nshards,
                      struct holo_conn *first, struct hf_error *err)
{
    const struct holo_config *cfg = w->cfg;
    w->shards = calloc(nshards, sizeof *w->shards);
    if (w->shards == NULL) {
        holo_conn_close(first);
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    w->nshards = nshards;
    for (uint32_t i = 0; i < nshards; i++) {
        struct holo_shard *s = &w->shards[i];
        s->w = w;
        s->index = i;
        pthread_mutex_init(&s->lock, NULL);
        pthread_cond_init(&s->cond, NULL);
    }
    w->shards[0].conn = *first;
    w->shards[0].connected = true;
    /* Fixed connections (connection.fixed.enabled, sdkMode jdbc_fixed):
     * INSERT's write connections on Hologres ask for a fixed frontend, so
     * shard 0 reconnects that way too; elsewhere plain connections. */
    if (cfg->fixed && first->hologres && w->ops == &holo_insert_ops) {
        holo_conn_close(&w->shards[0].conn);
        w->shards[0].connected = false;
        for (uint32_t i = 0; i < nshards; i++)
            w->shards[i].conn.startup_options = "type=fixed";
        hf_log_info("hologres sink \"%s\".\"%s\": fixed connections "
                    "(startup option type=fixed)",
                    w->meta.schema, w->meta.table);
    } else if (cfg->fixed) {
        hf_log_info("hologres sink \"%s\".\"%s\": %s; plain connections",
                    w->meta.schema, w->meta.table,
                    first->hologres
                        ? "fixed connections serve INSERT, not COPY"
                        : "PostgreSQL has no fixed connections (a Hologres "
                          "frontend feature)");
    }
    if (cfg->dirty_strategy == HOLO_DIRTY_SKIP && cfg->dirty_data_path) {
        w->dirty = fopen(cfg->dirty_data_path, "a");
        if (w->dirty == NULL)
            return hf_error_set(err, HF_ERR_IO,
                                "cannot open the dirty-data file '%s' "
                                "(sink.dirty-data.path): %s",
                                cfg->dirty_data_path, strerror(errno));
    }
    if (connect_all(w, err) != 0)
        return -1;
    for (uint32_t i = 0; i < w->nshards; i++)
        if (shard_init(w, &w->shards[i], err) != 0)
            return -1;
    if (w->ops->timer) {
        if (pthread_create(&w->timer, NULL, timer_main, w) != 0)
            return hf_error_set(err, HF_ERR_FAIL, "cannot start a thread");
        w->timer_started = true;
    }
    return 0;
}

struct holo_writer *
holo_writer_new(const struct holo_config *cfg, const struct hf_schema *schema,
                const bool *written, const struct hf_type *vtypes,
                struct hf_table_stats *stats, struct hf_error *err)
{
    struct holo_writer *w =
        holo_writer_alloc(cfg, schema, stats, &holo_insert_ops, err);
    if (w == NULL)
        return NULL;
    /* The first connection reads the table. */
    struct holo_conn first;
    if (holo_writer_open_table(w, written, vtypes, &first, err) != 0 ||
        holo_writer_start(w, (uint32_t)cfg->pool_size, &first, err) != 0) {
        holo_writer_destroy(w);
        return NULL;
    }
    hf_log_info("hologres sink \"%s\".\"%s\": %s, %u connection(s), key (%u "
                "column(s)), %s",
                w->meta.schema, w->meta.table,
                w->shards[0].conn.hologres ? "Hologres" : "PostgreSQL",
                w->nshards, w->npk,
                w->meta.partitioned ? "partitioned parent" : "plain table");
    return w;
}

void holo_writer_destroy(struct holo_writer *w)
{
    if (w == NULL)
        return;
    if (w->timer_started) {
        pthread_mutex_lock(&w->timer_mu);
        atomic_store(&w->timer_stop, 1);
        pthread_cond_signal(&w->timer_cond);
        pthread_mutex_unlock(&w->timer_mu);
        pthread_join(w->timer, NULL);
    }
    for (uint32_t i = 0; w->shards && i < w->nshards; i++) {
        struct holo_shard *s = &w->shards[i];
        if (s->started) {
            pthread_mutex_lock(&s->lock);
            s->stop = true;
            pthread_cond_broadcast(&s->cond);
            pthread_mutex_unlock(&s->lock);
            pthread_join(s->th, NULL);
        }
        if (s->mode_state)
            w->ops->shard_free(s);
        if (s->connected)
            holo_conn_close(&s->conn);
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->cond);
        holo_buffer_free(&s->bufs[0]);
        holo_buffer_free(&s->bufs[1]);
    }
    free(w->shards);
    if (w->mode_state && w->ops->mode_free)
        w->ops->mode_free(w);
    if (w->dirty)
        fclose(w->dirty);
    holo_catalog_free(&w->meta);
    hf_arena_free(&w->held_arena);
    hf_arena_free(&w->split_arena);
    free(w->split);
    free(w->split_row);
    free(w->dist);
    free(w->route_hash);
    free(w->route_shard);
    free(w->route_last);
    free(w->written);
    free(w->cols);
    free(w->map);
    free(w->pk);
    pthread_mutex_destroy(&w->lock);
    pthread_mutex_destroy(&w->err_lock);
    pthread_mutex_destroy(&w->meta_lock);
    pthread_mutex_destroy(&w->dirty_lock);
    pthread_mutex_destroy(&w->timer_mu);
    pthread_cond_destroy(&w->timer_cond);
    free(w);
}
/* ------------------------------------------------------------ writing */

/* What a change becomes under the delete strategy; -1 = dropped. */
static int action_of(const struct holo_writer *w, enum hf_rowkind k)
{
    switch (k) {
    case HF_ROW_INSERT:
    case HF_ROW_UPDATE_AFTER:
        return HOLO_ACT_UPSERT;
    case HF_ROW_UPDATE_BEFORE:
        /* Only a -U that is not followed by the +U of its key gets here
         * (holo_writer_write): the update moved the row to another key,
         * so the old key goes as the delete strategy says; DELETE_ROW_ON_PK
         * deletes on -D only. */
        if (w->cfg->delete_strategy == HOLO_DS_DELETE_ROW_ON_PK)
            return -1;
        /* fall through */
    case HF_ROW_DELETE:
        switch (w->cfg->delete_strategy) {
        case HOLO_DS_IGNORE_DELETE:
            return -1;
        case HOLO_DS_NON_PK_FIELD_TO_NULL:
            return HOLO_ACT_NULLIFY;
        default:
            return HOLO_ACT_DELETE;
        }
    }
    return -1;
}

/* Client-side checks before a row is buffered: a NULL key, a NULL for a
 * NOT NULL column that gets no default. Returns NULL or the reason. */
static const char *precheck(const struct holo_writer *w,
                            const struct hf_value *row, int action, char *buf,
                            size_t n)
{
    for (uint32_t k = 0; k < w->npk; k++) {
        if (row[w->pk[k]].null) {
            snprintf(buf, n, "primary key column '%s' is NULL",
                     w->schema->cols[w->pk[k]].name);
            return buf;
        }
    }
    if (action != HOLO_ACT_UPSERT || w->cfg->default_for_not_null)
        return NULL;
    for (uint32_t i = 0; i < w->ncols; i++) {
        uint32_t c = w->cols[i];
        const struct holo_column *mc = &w->meta.cols[w->map[c]];
        if (row[c].null && mc->not_null) {
            snprintf(buf, n,
                     "column '%s' is NOT NULL in the table but the row has "
                     "NULL (sink.default-for-not-null-column.enabled is off)",
                     w->schema->cols[c].name);
            return buf;
        }
    }
    return NULL;
}

static int over_total(const struct holo_writer *w)
{
    return (int64_t)(atomic_load(&w->filling_bytes) +
                     atomic_load(&w->flushing_bytes)) >
           w->cfg->batch_total_byte_size;
}

/* Keep the total under sink.insert.batch-total-byte-size: hand off the
 * fullest buffers, then wait for workers. Caller holds w->lock. */
static int relieve_memory(struct holo_writer *w)
{
    while (over_total(w) && !atomic_load(&w->failed)) {
        struct holo_shard *big = NULL;
        for (uint32_t i = 0; i < w->nshards; i++) {
            struct holo_shard *s = &w->shards[i];
            if (s->filling->n &&
                (!big || s->filling->bytes > big->filling->bytes))
                big = s;
        }
        if (big) {
            if (hand_off(w, big, true) < 0)
                return -1;
            continue;
        }
        /* Only flushing buffers left: wait for one to finish. */
        for (uint32_t i = 0; i < w->nshards && over_total(w); i++)
            wait_idle(&w->shards[i]);
        break;
    }
    return atomic_load(&w->failed) ? -1 : 0;
}

/* `row` with every split column's STRING turned into an array literal
 * (holo_encode_split_literal), in w->split_row and w->split_arena, which
 * live until the next call. NULL when out of memory. */
static const struct hf_value *split_row(struct holo_writer *w,
                                        const struct hf_value *row)
{
    hf_arena_reset(&w->split_arena);
    struct hf_strbuf lit;
    hf_strbuf_init(&lit, 0);
    for (uint32_t c = 0; c < w->schema->ncols; c++) {
        w->split_row[c] = row[c];
        if (!w->split[c] || row[c].null)
            continue;
        hf_strbuf_reset(&lit);
        holo_encode_split_literal(&lit, row[c].v.s.ptr, row[c].v.s.len,
                                  w->cfg->array_delimiter);
        char *p = hf_strbuf_ok(&lit) && lit.len <= UINT32_MAX
                      ? hf_arena_strndup(&w->split_arena, lit.data, lit.len)
                      : NULL;
        if (p == NULL) {
            hf_strbuf_free(&lit);
            return NULL;
        }
        w->split_row[c].v.s.ptr = p;
        w->split_row[c].v.s.len = (uint32_t)lit.len;
    }
    hf_strbuf_free(&lit);
    return w->split_row;
}

/* The connection of a row's partition value (w->part_routed): the one it
 * was given when first seen; a new value takes the next connection in
 * turn, so values spread evenly. UINT32_MAX when out of memory. */
static uint32_t route_part(struct holo_writer *w, const struct hf_value *row)
{
    uint32_t col = w->part_route_col;
    const struct hf_value *v = &row[col];
    bool text = !v->null && hf_type_is_string(w->schema->cols[col].type.id);
    if (text && w->route_last_ok && v->v.s.len == w->route_last_len &&
        (v->v.s.len == 0 ||
         memcmp(v->v.s.ptr, w->route_last, v->v.s.len) == 0))
        return w->route_last_shard;
    uint64_t h = holo_key_hash(row, &col, 1, w->schema, w->cfg->remove_u0000);
    if (h == 0)
        h = 1; /* 0 marks a free slot */
    if (w->route_n * 2 >= w->route_cap) {
        uint32_t cap = w->route_cap ? w->route_cap * 2 : 64;
        uint64_t *nh = calloc(cap, sizeof *nh);
        uint32_t *ns = calloc(cap, sizeof *ns);
        if (nh == NULL || ns == NULL) {
            free(nh);
            free(ns);
            return UINT32_MAX;
        }
        for (uint32_t i = 0; i < w->route_cap; i++) {
            if (w->route_hash[i] == 0)
                continue;
            uint32_t j = (uint32_t)(w->route_hash[i] & (cap - 1));
            while (nh[j] != 0)
                j = (j + 1) & (cap - 1);
            nh[j] = w->route_hash[i];
            ns[j] = w->route_shard[i];
        }
        free(w->route_hash);
        free(w->route_shard);
        w->route_hash = nh;
        w->route_shard = ns;
        w->route_cap = cap;
    }
    uint32_t j = (uint32_t)(h & (w->route_cap - 1));
    while (w->route_hash[j] != 0 && w->route_hash[j] != h)
        j = (j + 1) & (w->route_cap - 1);
    if (w->route_hash[j] == 0) {
        w->route_hash[j] = h;
        w->route_shard[j] = w->route_next++ % w->nshards;
        w->route_n++;
    }
    /* Remember the value for the rows after it (the same bytes hash the
     * same, so the cache never changes a row's connection). */
    w->route_last_ok = false;
    if (text) {
        if (v->v.s.len > w->route_last_cap) {
            char *p = realloc(w->route_last, v->v.s.len);
            if (p == NULL)
                return w->route_shard[j]; /* uncached: still correct */
            w->route_last = p;
            w->route_last_cap = v->v.s.len;
        }
        if (v->v.s.len)
            memcpy(w->route_last, v->v.s.ptr, v->v.s.len);
        w->route_last_len = v->v.s.len;
        w->route_last_shard = w->route_shard[j];
        w->route_last_ok = true;
    }
    return w->route_shard[j];
}

static int put_row(struct holo_writer *w, const struct hf_value *row,
                   enum hf_rowkind kind, int64_t origin, const char *src_name,
                   struct hf_error *err)
{
    int action = action_of(w, kind);
    if (action < 0)
        return 0;
    if (w->nsplit > 0 && (row = split_row(w, row)) == NULL)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "out of memory splitting a string into an array");
    if (w->npk == 0 && action != HOLO_ACT_UPSERT)
        return hf_error_set(err, HF_ERR_DATA,
                            "table \"%s\".\"%s\" has no primary key, so the "
                            "%s change from %s:%" PRId64 " cannot be applied; "
                            "add a primary key or set "
                            "'sink.delete-strategy'='IGNORE_DELETE'",
                            w->meta.schema, w->meta.table,
                            hf_rowkind_short(kind),
                            src_name ? src_name : "?", origin);
    char why[512];
    const char *reason = precheck(w, row, action, why, sizeof why);
    if (reason)
        return holo_dirty_row(w, row, kind, origin, src_name, reason,
                              err);

    /* Without a key, INSERT spreads rows round robin; COPY fills one
     * shard's buffer at a time (the next shard after each hand-off), so
     * the first COPY starts after one buffer, not one per shard. */
    bool ramp = w->ops->batching == HOLO_BATCH_RAMP;
    uint64_t hash = w->npk ? holo_key_hash(row, w->pk, w->npk, w->schema,
                                           w->cfg->remove_u0000)
                    : ramp ? w->rr
                           : w->rr++;
    /* The buffer folds by the key's hash; the connection may be chosen by
     * the distribution key (a part of the key on Hologres). */
    uint64_t route = w->ndist ? holo_key_hash(row, w->dist, w->ndist, w->schema,
                                              w->cfg->remove_u0000)
                              : hash;
    uint32_t si = (uint32_t)(route % w->nshards);
    if (w->part_routed && w->nshards > 1 &&
        (si = route_part(w, row)) == UINT32_MAX)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory routing rows");
    struct holo_shard *s = &w->shards[si];
    for (int attempt = 0; attempt < 2; attempt++) {
        size_t before = s->filling->bytes;
        int rc = holo_buffer_put(s->filling, (enum holo_action)action, kind,
                                 row, hash, origin, src_name);
        if (rc < 0)
            return hf_error_set(err, HF_ERR_NOMEM,
                                "out of memory buffering "
                                "rows");
        if (rc == 0) {
            atomic_fetch_add(&w->filling_bytes, s->filling->bytes - before);
            break;
        }
        /* The key needs the buffer flushed first (order, or a repeated
         * key in COPY_BULK_LOAD, which does not fold). */
        if (hand_off(w, s, true) < 0)
            return failed(w, err);
    }
    struct holo_buffer *b = s->filling;
    if (ramp) {
        /* A shard's first buffer goes at an eighth of the size, so the
         * server starts working early instead of waiting for a full
         * buffer. */
        int64_t rows = w->cfg->batch_size, bytes = w->cfg->batch_byte_size;
        if (!s->warm) {
            rows = rows / 8 > 0 ? rows / 8 : 1;
            bytes = bytes / 8 > 0 ? bytes / 8 : 1;
        }
        if ((int64_t)b->n >= rows || (int64_t)b->bytes >= bytes) {
            s->warm = true;
            if (hand_off(w, s, true) < 0)
                return failed(w, err);
            if (w->npk == 0)
                w->rr = (w->rr + 1) % w->nshards;
        } else if (w->cfg->aggressive) {
            if (hand_off(w, s, false) < 0)
                return failed(w, err);
        }
    } else if ((int64_t)b->bytes >= w->cfg->batch_byte_size ||
               (int64_t)b->n >= w->cfg->batch_size * HOLO_BACKLOG_FACTOR) {
        /* A buffer at batch-size is due: it goes to its worker as soon as
         * the worker is free. While the worker is still busy the buffer
         * keeps absorbing rows (a backlog makes batches larger, which the
         * server commits more cheaply) until it reaches
         * HOLO_BACKLOG_FACTOR times batch-size or batch-byte-size, and
         * only then does the caller wait. */
        if (hand_off(w, s, true) < 0)
            return failed(w, err);
    } else if ((int64_t)b->n >= w->cfg->batch_size) {
        if ((b->n - (uint32_t)w->cfg->batch_size) % 32 == 0 &&
            hand_off(w, s, false) < 0)
            return failed(w, err);
    } else if (w->cfg->aggressive) {
        if (hand_off(w, s, false) < 0)
            return failed(w, err);
    }
    if (over_total(w) && relieve_memory(w) != 0)
        return failed(w, err);
    return 0;
}

/* Whether two rows have the same key. */
static bool same_key(const struct holo_writer *w, const struct hf_value *a,
                     const struct hf_value *b)
{
    for (uint32_t k = 0; k < w->npk; k++) {
        uint32_t c = w->pk[k];
        if (!holo_value_eq(&w->schema->cols[c].type, &a[c], &b[c]))
            return false;
    }
    return true;
}

/* Write the held -U as a retraction of its key and forget it. */
static int release_held(struct holo_writer *w, struct hf_error *err)
{
    if (!w->held)
        return 0;
    w->held = false;
    int rc = put_row(w, w->held_vals, w->held_kind, w->held_origin,
                     w->held_src, err);
    hf_arena_reset(&w->held_arena);
    return rc;
}

/* Keep a copy of -U `row` past the end of its batch. */
static int hold(struct holo_writer *w, const struct hf_value *row,
                enum hf_rowkind kind, int64_t origin, const char *src_name,
                struct hf_error *err)
{
    uint32_t n = w->schema->ncols;
    w->held_vals = hf_arena_alloc(&w->held_arena, n * sizeof *w->held_vals);
    bool ok = w->held_vals != NULL;
    for (uint32_t c = 0; ok && c < n; c++)
        ok = hf_value_copy(&w->held_arena, &w->schema->cols[c].type,
                           &w->held_vals[c], &row[c], false) >= 0;
    if (!ok)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory buffering rows");
    w->held = true;
    w->held_kind = kind;
    w->held_origin = origin;
    w->held_src = src_name;
    return 0;
}

/* An update arrives as -U (the row before) and +U (after). When both have
 * the sink's key, the -U is dropped: an upsert needs only the after-image
 * (and deleting first would wipe the columns the job does not write).
 * When the +U has another key (the sink's key is not the source's, and the
 * update changed it) or no +U follows, the -U retracts its key as the
 * delete strategy says, as Flink's upsert materializer would. A -U that
 * ends a batch is held until the next row (or the next flush). */
int holo_writer_write(struct holo_writer *w, const struct hf_batch *in,
                      struct hf_error *err)
{
    if (atomic_load(&w->failed))
        return failed(w, err);
    pthread_mutex_lock(&w->lock);
    int rc = 0;
    for (uint32_t i = 0; i < in->nrows && rc == 0; i++) {
        const struct hf_value *row = hf_batch_row(in, i);
        enum hf_rowkind kind = (enum hf_rowkind)in->kinds[i];
        if (w->held) {
            if (kind == HF_ROW_UPDATE_AFTER && same_key(w, w->held_vals, row)) {
                w->held = false;
                hf_arena_reset(&w->held_arena);
            } else if ((rc = release_held(w, err)) != 0) {
                break;
            }
        }
        if (kind == HF_ROW_UPDATE_BEFORE && w->npk > 0) {
            if (i + 1 == in->nrows) {
                rc = hold(w, row, kind, in->origin[i], in->src_name, err);
                continue;
            }
            if (in->kinds[i + 1] == HF_ROW_UPDATE_AFTER &&
                same_key(w, row, hf_batch_row(in, i + 1)))
                continue; /* the first half of an update of this key */
        } else if (kind == HF_ROW_UPDATE_BEFORE) {
            continue; /* no key: the table appends after-images */
        }
        rc = put_row(w, row, kind, in->origin[i], in->src_name, err);
    }
    pthread_mutex_unlock(&w->lock);
    return rc;
}

int holo_writer_flush(struct holo_writer *w, struct hf_error *err)
{
    pthread_mutex_lock(&w->lock);
    /* A -U still waiting for its +U goes now: a flush makes everything
     * received so far durable. */
    if (release_held(w, err) != 0) {
        pthread_mutex_unlock(&w->lock);
        return -1;
    }
    for (uint32_t i = 0; i < w->nshards; i++) {
        struct holo_shard *s = &w->shards[i];
        if (hand_off(w, s, true) < 0)
            break;
    }
    for (uint32_t i = 0; i < w->nshards; i++)
        wait_idle(&w->shards[i]);
    pthread_mutex_unlock(&w->lock);
    if (atomic_load(&w->failed))
        return failed(w, err);
    /* Every shard is idle: the mode ends its unit of work (a bulk load
     * commits). */
    if (w->ops->finish && w->ops->finish(w, err) != 0) {
        record_failure(w, err);
        return -1;
    }
    return 0;
}
