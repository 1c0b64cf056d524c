/*
 * print.c - the 'print' sink: one line of text per row on stdout or stderr.
 *
 * The output is byte-for-byte what Flink's print connector writes. Flink
 * converts each row to its external Java objects and prints Row.toString():
 *
 *     [identifier> ]+I[1, abc, 2.50, null, 2024-01-15T10:30, [1, 2]]
 *
 * that is the RowKind short string, then the fields in '[...]' joined by
 * ", ". Each field is the Java toString() of its external class, which is
 * NOT the same as CAST(x AS STRING):
 *   NULL            null
 *   BOOLEAN         true / false                     (Boolean)
 *   FLOAT, DOUBLE   1.0, 1.0E10, NaN, Infinity       (Float/Double)
 *   DECIMAL         2.50, 1E-7 (scientific when the adjusted exponent is
 *                   below -6)                        (BigDecimal)
 *   DATE            2024-01-15                       (LocalDate)
 *   TIME            10:30, 10:30:05, 10:30:05.123    (LocalTime: seconds
 *                   only when non-zero, fraction in groups of 3 digits)
 *   TIMESTAMP       2024-01-15T10:30, ...T10:30:05.123456 (LocalDateTime)
 *   TIMESTAMP_LTZ   2024-01-15T10:30:00Z, seconds always (Instant, UTC)
 *   BYTES           [104, -1] signed bytes           (byte[])
 *   ARRAY           [1, null, 3]                     (Object[])
 *   ROW             +I[1, abc]                       (Row: its own
 *                   RowKind, always +I for a nested row)
 *   MAP, MULTISET   {k1=v1, k2=v2}                   (HashMap: entries in
 *                   the order of Java's hash table, java_map.h)
 *   strings, JSON   the text itself
 * Only the table's physical columns are printed, as Flink's print sink
 * consumes the physical row: computed (and PROCTIME) columns are not
 * written to a sink, and print has no metadata.
 * The prefix is "identifier> " when 'print-identifier' is set and not empty
 * (holoflow runs one print instance, so Flink's ":taskId" part never
 * appears).
 *
 * Rows are formatted into one growable buffer per write() call and handed
 * to the stream with a single fwrite and fflush, so streaming output shows
 * up promptly and a pipe sees whole lines.
 *
 * @locality the sink's own thread.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/connector.h"
#include "core/datetime.h"
#include "core/decimal.h"
#include "core/valueconv.h"
#include "connectors/print/java_map.h"

/* ------------------------------------------------------------------ options */

static const struct hf_opt_def print_opts[] = {
    {.key = "print-identifier",
     .type = HF_OPT_STRING,
     .doc = "Text put before every printed row, followed by '> '."},
    {.key = "standard-error",
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "Print to standard error instead of standard output."},
    {.key = "sink.parallelism",
     .type = HF_OPT_INT,
     .min = 1,
     .max = INT32_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "Accepted for Flink compatibility; holoflow prints from one "
            "instance."},
};

/* Flush the buffer to the stream once it holds this much. */
#define PRINT_CHUNK (256u * 1024u)

struct print_state {
    FILE *out;               /* stdout or stderr, borrowed */
    const char *stream_name; /* "stdout" / "stderr", for messages */
    char *prefix;            /* "id> " or "" (owned) */
    size_t prefix_len;
    const struct hf_schema *schema; /* borrowed from the table */
    struct hf_strbuf buf;
    struct hf_table_stats *stats; /* borrowed, may be NULL */
};

/* ------------------------------------------------------------------ values */

static void put_date(struct hf_strbuf *b, int64_t days)
{
    int64_t y;
    unsigned m, d;
    hf_civil_from_days(days, &y, &m, &d);
    /* java.time.LocalDate: 4 digits, '+' above 9999, '-' below 0. */
    if (y > 9999)
        hf_strbuf_printf(b, "+%" PRId64 "-%02u-%02u", y, m, d);
    else if (y < 0)
        hf_strbuf_printf(b, "-%04" PRId64 "-%02u-%02u", -y, m, d);
    else
        hf_strbuf_printf(b, "%04" PRId64 "-%02u-%02u", y, m, d);
}

/* Microseconds within a second as Java prints nanoseconds: nothing when 0,
 * else 3 digits when whole milliseconds, else 6 digits. */
static void put_fraction(struct hf_strbuf *b, int64_t us)
{
    if (us == 0)
        return;
    if (us % 1000 == 0)
        hf_strbuf_printf(b, ".%03d", (int)(us / 1000));
    else
        hf_strbuf_printf(b, ".%06d", (int)us);
}

/* `us` is microseconds since midnight. `always_seconds`: Instant style. */
static void put_time(struct hf_strbuf *b, int64_t us, bool always_seconds)
{
    int64_t secs = us / HF_USEC_PER_SEC;
    int64_t frac = us % HF_USEC_PER_SEC;
    int h = (int)(secs / 3600), m = (int)(secs / 60 % 60), s = (int)(secs % 60);
    hf_strbuf_printf(b, "%02d:%02d", h, m);
    if (always_seconds || s != 0 || frac != 0)
        hf_strbuf_printf(b, ":%02d", s);
    put_fraction(b, frac);
}

static void put_timestamp(struct hf_strbuf *b, int64_t us, bool instant)
{
    int64_t days = us / HF_USEC_PER_DAY;
    int64_t rem = us % HF_USEC_PER_DAY;
    if (rem < 0) {
        rem += HF_USEC_PER_DAY;
        days--;
    }
    put_date(b, days);
    hf_strbuf_putc(b, 'T');
    put_time(b, rem, instant);
    if (instant)
        hf_strbuf_putc(b, 'Z');
}

/* java.math.BigDecimal.toString() of unscaled `d` with `scale`. */
static void put_decimal(struct hf_strbuf *b, struct hf_dec d, int scale)
{
    char digits[64];
    size_t n = hf_dec_format(d, scale, digits, sizeof digits);
    if (scale <= 0) {
        hf_strbuf_append(b, digits, n);
        return;
    }
    int adjusted = hf_dec_digits(d) - 1 - scale;
    if (adjusted >= -6) {
        hf_strbuf_append(b, digits, n);
        return;
    }
    /* Scientific: unscaled digits as d.ddd, then E-x. */
    char u[64];
    size_t un = hf_dec_format(d, 0, u, sizeof u);
    size_t i = 0;
    if (u[0] == '-') {
        hf_strbuf_putc(b, '-');
        i = 1;
    }
    hf_strbuf_putc(b, u[i]);
    if (un - i > 1) {
        hf_strbuf_putc(b, '.');
        hf_strbuf_append(b, u + i + 1, un - i - 1);
    }
    hf_strbuf_printf(b, "E%d", adjusted);
}

static void put_bytes(struct hf_strbuf *b, const char *p, uint32_t len)
{
    hf_strbuf_putc(b, '[');
    for (uint32_t i = 0; i < len; i++) {
        if (i > 0)
            hf_strbuf_append(b, ", ", 2);
        hf_strbuf_printf(b, "%d", (int)(int8_t)(uint8_t)p[i]);
    }
    hf_strbuf_putc(b, ']');
}

static void put_value(struct hf_strbuf *b, const struct hf_type *t,
                      const struct hf_value *v)
{
    char tmp[64];
    size_t n;

    if (v->null) {
        hf_strbuf_append(b, "null", 4);
        return;
    }
    switch (t->id) {
    case HF_BOOLEAN:
        hf_strbuf_puts(b, v->v.b ? "true" : "false");
        break;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
        hf_strbuf_printf(b, "%" PRId64, v->v.i);
        break;
    case HF_FLOAT:
        n = hf_float_to_text(v->v.f4, tmp, sizeof tmp);
        hf_strbuf_append(b, tmp, n);
        break;
    case HF_DOUBLE:
        n = hf_double_to_text(v->v.f8, tmp, sizeof tmp);
        hf_strbuf_append(b, tmp, n);
        break;
    case HF_DECIMAL:
        put_decimal(b, v->v.d, t->scale);
        break;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_JSON:
    case HF_JSONB:
        hf_strbuf_append(b, v->v.s.ptr, v->v.s.len);
        break;
    case HF_BYTES:
        put_bytes(b, v->v.s.ptr, v->v.s.len);
        break;
    case HF_DATE:
        put_date(b, v->v.i);
        break;
    case HF_TIME:
        put_time(b, v->v.i, false);
        break;
    case HF_TIMESTAMP:
        put_timestamp(b, v->v.i, false);
        break;
    case HF_TIMESTAMP_LTZ:
        put_timestamp(b, v->v.i, true);
        break;
    case HF_ARRAY: {
        struct hf_type et = hf_type_elem(t);
        const struct hf_array *a = v->v.a;
        hf_strbuf_putc(b, '[');
        for (uint32_t i = 0; a != NULL && i < a->n; i++) {
            if (i > 0)
                hf_strbuf_append(b, ", ", 2);
            put_value(b, &et, &a->items[i]);
        }
        hf_strbuf_putc(b, ']');
        break;
    }
    case HF_ROW: {
        const struct hf_array *a = v->v.a;
        hf_strbuf_append(b, "+I[", 3);
        for (uint32_t i = 0; a != NULL && i < a->n; i++) {
            if (i > 0)
                hf_strbuf_append(b, ", ", 2);
            put_value(b, hf_type_child(t, i), &a->items[i]);
        }
        hf_strbuf_putc(b, ']');
        break;
    }
    case HF_MAP:
    case HF_MULTISET: {
        const struct hf_array *a = v->v.a;
        uint32_t ne = a ? a->n : 0;
        uint32_t small[16];
        uint32_t *order =
            ne <= 16 ? small : malloc((size_t)ne * sizeof *order);
        hf_strbuf_putc(b, '{');
        if (order == NULL) {
            b->broken = true;
            break;
        }
        if (ne > 0)
            hf_java_hashmap_order(hf_type_child(t, 0), a, order);
        for (uint32_t i = 0; i < ne; i++) {
            if (i > 0)
                hf_strbuf_append(b, ", ", 2);
            put_value(b, hf_type_child(t, 0), &a->items[2 * order[i]]);
            hf_strbuf_putc(b, '=');
            put_value(b, hf_type_child(t, 1), &a->items[2 * order[i] + 1]);
        }
        hf_strbuf_putc(b, '}');
        if (order != small)
            free(order);
        break;
    }
    default:
        hf_strbuf_puts(b, "?");
    }
}

/* ------------------------------------------------------------------ sink */

static bool print_accepts_changelog(const struct hf_table_def *t)
{
    (void)t;
    return true;
}

static int print_emit(struct print_state *s, struct hf_error *err)
{
    if (!hf_strbuf_ok(&s->buf)) {
        hf_strbuf_reset(&s->buf);
        return hf_error_set(err, HF_ERR_NOMEM,
                            "print sink: out of memory formatting rows");
    }
    if (s->buf.len > 0 &&
        fwrite(s->buf.data, 1, s->buf.len, s->out) != s->buf.len) {
        int e = errno;
        hf_strbuf_reset(&s->buf);
        return hf_error_set(err, HF_ERR_IO,
                            "print sink: writing to %s failed: %s",
                            s->stream_name, strerror(e));
    }
    hf_strbuf_reset(&s->buf);
    if (fflush(s->out) != 0)
        return hf_error_set(err, HF_ERR_IO,
                            "print sink: flushing %s failed: %s",
                            s->stream_name, strerror(errno));
    return 0;
}

static int print_open(const struct hf_table_def *t,
                      const struct hf_run_ctx *ctx, void **state,
                      struct hf_error *err)
{
    struct print_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        goto nomem;
    bool to_err = hf_opts_bool(&t->opts, "standard-error", NULL);
    s->out = to_err ? stderr : stdout;
    s->stream_name = to_err ? "stderr" : "stdout";
    const char *id = hf_opts_str(&t->opts, "print-identifier", NULL);
    size_t idlen = id ? strlen(id) : 0;
    s->prefix = malloc(idlen + 3);
    if (s->prefix == NULL)
        goto nomem;
    if (idlen > 0) {
        memcpy(s->prefix, id, idlen);
        memcpy(s->prefix + idlen, "> ", 3);
        s->prefix_len = idlen + 2;
    } else {
        s->prefix[0] = '\0';
    }
    s->schema = &t->schema;
    s->stats = ctx ? ctx->stats : NULL;
    hf_strbuf_init(&s->buf, 0);
    *state = s;
    return 0;
nomem:
    free(s);
    return hf_error_set(err, HF_ERR_NOMEM, "print sink '%s': out of memory",
                        t->name ? t->name : "?");
}

static int print_write(void *state, const struct hf_batch *in,
                       struct hf_error *err)
{
    struct print_state *s = state;
    const struct hf_schema *sc = s->schema;
    uint32_t ncols = in->ncols < sc->ncols ? in->ncols : sc->ncols;

    for (uint32_t r = 0; r < in->nrows; r++) {
        const struct hf_value *row = hf_batch_row(in, r);
        hf_strbuf_append(&s->buf, s->prefix, s->prefix_len);
        hf_strbuf_puts(&s->buf,
                       hf_rowkind_short((enum hf_rowkind)in->kinds[r]));
        hf_strbuf_putc(&s->buf, '[');
        bool first = true;
        for (uint32_t c = 0; c < ncols; c++) {
            if (sc->cols[c].kind != HF_COL_PHYSICAL)
                continue;
            if (!first)
                hf_strbuf_append(&s->buf, ", ", 2);
            first = false;
            put_value(&s->buf, &sc->cols[c].type, &row[c]);
        }
        hf_strbuf_append(&s->buf, "]\n", 2);
        if (s->buf.len >= PRINT_CHUNK && print_emit(s, err) != 0)
            return -1;
    }
    if (print_emit(s, err) != 0)
        return -1;
    if (s->stats != NULL)
        atomic_fetch_add(&s->stats->rows_out, in->nrows);
    return 0;
}

static int print_flush(void *state, struct hf_error *err)
{
    return print_emit(state, err);
}

static void print_close(void *state)
{
    struct print_state *s = state;
    if (s == NULL)
        return;
    if (s->buf.len > 0 && hf_strbuf_ok(&s->buf))
        (void)fwrite(s->buf.data, 1, s->buf.len, s->out);
    fflush(s->out);
    hf_strbuf_free(&s->buf);
    free(s->prefix);
    free(s);
}

const struct hf_connector hf_connector_print = {
    .name = "print",
    .summary = "Prints every row to standard output or standard error, as "
               "Flink's print connector",
    .opts = print_opts,
    .nopts = sizeof print_opts / sizeof print_opts[0],
    .caps = HF_CONN_SINK,
    .accepts_changelog = print_accepts_changelog,
    .sink_open = print_open,
    .sink_write = print_write,
    .sink_flush = print_flush,
    .sink_close = print_close,
};
