/*
 * datagen.c - the 'datagen' source: rows of random or sequential values.
 *
 * Semantics follow Flink's datagen connector (reference section 5):
 *   - Every physical column gets a generator, 'random' (the default) or
 *     'sequence', configured by the pattern options fields.<col>.<what>.
 *   - random: integers uniform in [min, max] inclusive (default: the type's
 *     range); FLOAT/DOUBLE uniform in [min, max] (default: Java's MIN_VALUE
 *     .. MAX_VALUE, as Flink); DECIMAL uniform over its unscaled values
 *     (default 0 .. the largest value of the precision); BOOLEAN 50/50;
 *     CHAR/VARCHAR/STRING lowercase hex of `length` characters (CHAR(n) and
 *     VARCHAR(n) use n, STRING 100; var-len picks 1..length); BYTES random
 *     bytes likewise; DATE/TIME the current local date/time; TIMESTAMP the
 *     local wall clock and TIMESTAMP_LTZ the UTC instant, both minus a
 *     random 0..max-past; ARRAY `length` (default 3) random elements, the
 *     element configured with fields.<col>.element.<what>.
 *   - sequence (integers, FLOAT, DOUBLE, DECIMAL, CHAR, VARCHAR/STRING as
 *     decimal text): start, start+1, ..., end inclusive.
 *   - The table is bounded when number-of-rows is set or any column is a
 *     sequence; it ends at number-of-rows or when the first sequence is
 *     exhausted, whichever comes first.
 *   - null-rate gives the probability of NULL for a column (a sequence still
 *     advances on a NULL row).
 *   - rows-per-second is enforced with a token bucket on CLOCK_MONOTONIC
 *     (burst: one batch or one second of rows, whichever is smaller). read()
 *     waits until a batch or 100 ms worth of rows is allowed, sleeping in
 *     steps of at most 100 ms, and returns within ~150 ms with no rows when
 *     throttled, so stop and checkpoint requests are seen.
 *
 * Invariants: all option checks happen in one place (build_fields), used by
 * validate() at plan time and by open(), so a table that passed `holoflow
 * check` opens. Values are written into the batch arena: no malloc per
 * value. The PRNG (xoshiro256**) is per instance, seeded from the time, the
 * pid and the instance address.
 *
 * @locality an instance is used by the source's own thread only.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "connectors/connector.h"
#include "core/datetime.h"
#include "core/decimal.h"
#include "core/log.h"

/* ------------------------------------------------------------------ options */

static const struct hf_opt_def datagen_opts[] = {
    {.key = "rows-per-second",
     .type = HF_OPT_INT,
     .def = "10000",
     .min = 1,
     .max = INT64_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "Rows emitted per second (the source waits to keep this rate)."},
    {.key = "number-of-rows",
     .type = HF_OPT_INT,
     .min = 0,
     .max = INT64_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "Total rows to emit; makes the table bounded. Unset: unbounded."},
    {.key = "scan.parallelism",
     .type = HF_OPT_INT,
     .min = 1,
     .max = INT32_MAX,
     .flags = HF_OPTF_RANGE,
     .doc = "Accepted for Flink compatibility; holoflow generates the same "
            "rows with one instance."},
    {.key = "fields.#.kind",
     .type = HF_OPT_ENUM,
     .def = "random",
     .values = HF_VALUES("random", "sequence"),
     .flags = HF_OPTF_PATTERN,
     .doc = "Generator of column '#': random or sequence."},
    {.key = "fields.#.min",
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_PATTERN,
     .doc = "Smallest random value of numeric column '#' (default: the "
            "type's minimum)."},
    {.key = "fields.#.max",
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_PATTERN,
     .doc = "Largest random value of numeric column '#' (default: the "
            "type's maximum)."},
    {.key = "fields.#.max-past",
     .type = HF_OPT_DURATION,
     .def = "0",
     .flags = HF_OPTF_PATTERN,
     .doc = "Random timestamps of column '#' lie between now minus this and "
            "now."},
    {.key = "fields.#.length",
     .type = HF_OPT_INT,
     .min = 0,
     .max = INT32_MAX,
     .flags = HF_OPTF_PATTERN | HF_OPTF_RANGE,
     .doc = "Length of random strings/bytes (default 100, or n of "
            "VARCHAR(n)) or size of arrays (default 3) of column '#'."},
    {.key = "fields.#.var-len",
     .type = HF_OPT_BOOL,
     .def = "false",
     .flags = HF_OPTF_PATTERN,
     .doc = "Random strings/bytes of column '#' get a random length from 1 "
            "to length."},
    {.key = "fields.#.start",
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_PATTERN,
     .doc = "First value of the sequence of column '#' (required for "
            "sequence)."},
    {.key = "fields.#.end",
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_PATTERN,
     .doc = "Last value (inclusive) of the sequence of column '#' (required "
            "for sequence)."},
    {.key = "fields.#.null-rate",
     .type = HF_OPT_DOUBLE,
     .def = "0",
     .flags = HF_OPTF_PATTERN,
     .doc = "Probability (0 to 1) that column '#' is NULL."},
};

#define NOPTS (sizeof datagen_opts / sizeof datagen_opts[0])

#define DG_STRING_LEN_DEFAULT 100
#define DG_ARRAY_LEN_DEFAULT 3
#define DG_BATCH_DEFAULT 1024
#define DG_SLEEP_STEP_NS (100 * 1000 * 1000L)
#define DG_READ_BUDGET_NS (150 * 1000 * 1000L)

enum dg_kind { DG_RANDOM = 0, DG_SEQUENCE = 1 };

/* How to generate one scalar (or array) value at random. */
struct dg_gen {
    struct hf_type type;
    double null_rate;
    int64_t imin, imax;  /* integer types */
    double fmin, fmax;   /* FLOAT, DOUBLE */
    __int128 dmin, dmax; /* DECIMAL, unscaled */
    int64_t max_past_us; /* TIMESTAMP, TIMESTAMP_LTZ */
    uint32_t length;     /* strings, bytes, arrays */
    bool var_len;
};

struct dg_field {
    uint32_t col;     /* schema column index */
    const char *name; /* borrowed from the schema */
    enum dg_kind kind;
    struct dg_gen g;
    struct dg_gen elem; /* ARRAY element (random) */
    /* Sequence state: integers and strings use inext/iend, FLOAT/DOUBLE
     * fnext/fend, DECIMAL dnext/dend/dstep (unscaled). */
    int64_t inext, iend;
    double fnext, fend;
    __int128 dnext, dend, dstep;
    bool exhausted;
};

struct dg_state {
    const struct hf_table_def *t;
    const atomic_int *stopping;
    struct hf_table_stats *stats;
    uint32_t batch_rows;
    struct dg_field *fields;
    uint32_t nfields;
    uint64_t rng[4];
    bool limited;      /* number-of-rows set */
    int64_t remaining; /* rows left when limited */
    int64_t emitted;
    bool done;
    /* Token bucket. */
    double rps, tokens, cap;
    struct timespec last;
    /* Clock values of the current batch. */
    int64_t now_utc_us, now_local_us;
};

/* ------------------------------------------------------------------ PRNG */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** step. */
static inline uint64_t rnd(struct dg_state *s)
{
    uint64_t *r = s->rng;
    uint64_t result = rotl(r[1] * 5, 7) * 9;
    uint64_t t = r[1] << 17;
    r[2] ^= r[0];
    r[3] ^= r[1];
    r[1] ^= r[2];
    r[0] ^= r[3];
    r[2] ^= t;
    r[3] = rotl(r[3], 45);
    return result;
}

/* Uniform double in [0, 1). */
static inline double rnd_unit(struct dg_state *s)
{
    return (double)(rnd(s) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, bound] inclusive. */
static inline uint64_t rnd_upto(struct dg_state *s, uint64_t bound)
{
    if (bound == UINT64_MAX)
        return rnd(s);
    unsigned __int128 m = (unsigned __int128)rnd(s) * (bound + 1);
    return (uint64_t)(m >> 64);
}

static inline int64_t rnd_range(struct dg_state *s, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    return (int64_t)((uint64_t)lo + rnd_upto(s, span));
}

static __int128 rnd_range128(struct dg_state *s, __int128 lo, __int128 hi)
{
    unsigned __int128 span = (unsigned __int128)hi - (unsigned __int128)lo;
    unsigned __int128 r = ((unsigned __int128)rnd(s) << 64) | rnd(s);
    if (span != ~(unsigned __int128)0)
        r %= span + 1;
    return (__int128)((unsigned __int128)lo + r);
}

static void seed_rng(struct dg_state *s)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x =
        (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
    x ^= (uint64_t)getpid() << 32;
    x ^= (uint64_t)(uintptr_t)s;
    for (int i = 0; i < 4; i++)
        s->rng[i] = splitmix64(&x);
}

/* ------------------------------------------------------------------ helpers */

static __int128 dec_to_i128(struct hf_dec d)
{
    return (__int128)(((unsigned __int128)(uint64_t)d.hi << 64) | d.lo);
}

static struct hf_dec i128_to_dec(__int128 v)
{
    struct hf_dec d;
    d.lo = (uint64_t)v;
    d.hi = (int64_t)(v >> 64);
    return d;
}

static __int128 pow10_128(int n)
{
    __int128 p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

static void int_type_range(enum hf_type_id id, int64_t *lo, int64_t *hi)
{
    switch (id) {
    case HF_TINYINT:
        *lo = INT8_MIN;
        *hi = INT8_MAX;
        break;
    case HF_SMALLINT:
        *lo = INT16_MIN;
        *hi = INT16_MAX;
        break;
    case HF_INT:
        *lo = INT32_MIN;
        *hi = INT32_MAX;
        break;
    default:
        *lo = INT64_MIN;
        *hi = INT64_MAX;
    }
}

static bool is_var_string(const struct hf_type *t)
{
    return t->id == HF_VARCHAR || t->id == HF_BYTES;
}

/* Context of the option checks of one table. */
struct dg_check {
    const struct hf_table_def *t;
    const struct hf_opts *o;
    struct hf_error *err;
    bool failed;
};

static const char *tname(const struct dg_check *c)
{
    return c->t->name ? c->t->name : "?";
}

static const char *type_str(const struct hf_type *t, char *buf, size_t n)
{
    return hf_type_name(t, buf, n);
}

/* The user's text of a pattern option for `arg`, or NULL when not set. */
static const char *opt_text(const struct hf_opts *o, const char *key,
                            const char *arg)
{
    if (!hf_opts_isset(o, key, arg))
        return NULL;
    return hf_opts_str(o, key, arg);
}

/* "fields.<arg>.<what>" for messages. */
static const char *fkey(char *buf, size_t n, const char *arg, const char *what)
{
    snprintf(buf, n, "fields.%s.%s", arg, what);
    return buf;
}

/* Parse `text` as a value of the integer type `id`. */
static int parse_int_opt(struct dg_check *c, const char *arg, const char *what,
                         const char *text, const struct hf_type *type,
                         int64_t *out)
{
    char k[256], tb[64];
    int64_t lo, hi;
    int_type_range(type->id, &lo, &hi);
    if (hf_type_is_string(type->id)) { /* string sequences count in BIGINT */
        lo = INT64_MIN;
        hi = INT64_MAX;
    }
    errno = 0;
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    while (end && *end == ' ')
        end++;
    if (text[0] == '\0' || end == text || *end != '\0')
        return hf_error_set(c->err, HF_ERR_OPTION,
                            "datagen option '%s' = '%s' of table '%s': not an "
                            "integer (column '%s' is %s)",
                            fkey(k, sizeof k, arg, what), text, tname(c), arg,
                            type_str(type, tb, sizeof tb));
    if (errno == ERANGE || v < lo || v > hi)
        return hf_error_set(c->err, HF_ERR_OPTION,
                            "datagen option '%s' = '%s' of table '%s': out of "
                            "range [%" PRId64 ", %" PRId64 "] of %s",
                            fkey(k, sizeof k, arg, what), text, tname(c), lo,
                            hi, type_str(type, tb, sizeof tb));
    *out = v;
    return 0;
}

static int parse_double_opt(struct dg_check *c, const char *arg,
                            const char *what, const char *text,
                            const struct hf_type *type, double *out)
{
    char k[256], tb[64];
    errno = 0;
    char *end = NULL;
    double v = strtod(text, &end);
    while (end && *end == ' ')
        end++;
    if (text[0] == '\0' || end == text || *end != '\0' || !isfinite(v) ||
        (type->id == HF_FLOAT && fabs(v) > 3.4028234663852886e38))
        return hf_error_set(c->err, HF_ERR_OPTION,
                            "datagen option '%s' = '%s' of table '%s': not a "
                            "finite %s number",
                            fkey(k, sizeof k, arg, what), text, tname(c),
                            type_str(type, tb, sizeof tb));
    *out = v;
    return 0;
}

static int parse_dec_opt(struct dg_check *c, const char *arg, const char *what,
                         const char *text, const struct hf_type *type,
                         __int128 *out)
{
    char k[256], tb[64];
    struct hf_dec d;
    int rc = hf_dec_parse(text, strlen(text), type->precision, type->scale, &d);
    if (rc != 0)
        return hf_error_set(c->err, HF_ERR_OPTION,
                            "datagen option '%s' = '%s' of table '%s': %s %s",
                            fkey(k, sizeof k, arg, what), text, tname(c),
                            rc == -2 ? "does not fit" : "is not a valid",
                            type_str(type, tb, sizeof tb));
    *out = dec_to_i128(d);
    return 0;
}

/* An option that does not apply to this column (Flink rejects it as an
 * unsupported option). */
static int reject_opt(struct dg_check *c, const char *arg, const char *what,
                      const struct hf_type *type, const char *why)
{
    char k[256], tb[64];
    return hf_error_set(c->err, HF_ERR_OPTION,
                        "datagen option '%s' of table '%s' does not apply to "
                        "column '%s' of type %s: %s",
                        fkey(k, sizeof k, arg, what), tname(c), arg,
                        type_str(type, tb, sizeof tb), why);
}

static bool has(struct dg_check *c, const char *what, const char *arg)
{
    char key[64];
    snprintf(key, sizeof key, "fields.#.%s", what);
    return hf_opts_isset(c->o, key, arg);
}

static int check_null_rate(struct dg_check *c, const char *arg, double *rate)
{
    *rate = 0;
    if (!hf_opts_isset(c->o, "fields.#.null-rate", arg))
        return 0;
    double r = hf_opts_double(c->o, "fields.#.null-rate", arg);
    if (!(r >= 0.0 && r <= 1.0)) {
        char k[256];
        return hf_error_set(c->err, HF_ERR_OPTION,
                            "datagen option '%s' of table '%s' is %g; it must "
                            "be between 0 and 1",
                            fkey(k, sizeof k, arg, "null-rate"), tname(c), r);
    }
    *rate = r;
    return 0;
}

/* Length of random strings/bytes: option, or the type's bounded length, or
 * 100. */
static int string_length(struct dg_check *c, const char *arg,
                         const struct hf_type *type, uint32_t *len)
{
    char k[256], tb[64];
    bool bounded = type->length > 0 && type->length != HF_LEN_MAX;
    if (type->id == HF_CHAR) {
        if (has(c, "length", arg))
            return reject_opt(c, arg, "length", type,
                              "CHAR(n) always has n characters");
        if (has(c, "var-len", arg) &&
            hf_opts_bool(c->o, "fields.#.var-len", arg))
            return reject_opt(c, arg, "var-len", type,
                              "only VARCHAR, STRING and BYTES have a variable "
                              "length");
        *len = (uint32_t)type->length;
        return 0;
    }
    if (has(c, "length", arg)) {
        int64_t l = hf_opts_int(c->o, "fields.#.length", arg);
        if (bounded && l > type->length)
            return hf_error_set(c->err, HF_ERR_OPTION,
                                "datagen option '%s' = %" PRId64 " of table "
                                "'%s' is longer than column '%s' of type %s",
                                fkey(k, sizeof k, arg, "length"), l, tname(c),
                                arg, type_str(type, tb, sizeof tb));
        *len = (uint32_t)l;
    } else {
        *len = bounded ? (uint32_t)type->length : DG_STRING_LEN_DEFAULT;
    }
    return 0;
}

/* Fill `g` for a random generator of `type` from the options under `arg`
 * (a column name, or "<array column>.element"). */
static int build_random(struct dg_check *c, const char *arg,
                        const struct hf_type *type, struct dg_gen *g)
{
    memset(g, 0, sizeof *g);
    g->type = *type;
    if (check_null_rate(c, arg, &g->null_rate) != 0)
        return -1;

    bool numeric = hf_type_is_numeric(type->id);
    bool timestamp = type->id == HF_TIMESTAMP || type->id == HF_TIMESTAMP_LTZ;
    bool sized = hf_type_is_string(type->id) || type->id == HF_BYTES ||
                 type->id == HF_ARRAY;

    if (type->id == HF_ROW || type->id == HF_MAP || type->id == HF_MULTISET) {
        char tb[128];
        return hf_error_set(c->err, HF_ERR_UNSUPPORTED,
                            "datagen cannot generate column '%s' of type %s "
                            "in table '%s' (holoflow's datagen generates "
                            "scalar and ARRAY columns); build the value in "
                            "the query, e.g. ROW(a, b) or MAP['k', v]",
                            arg, type_str(type, tb, sizeof tb), tname(c));
    }
    if (type->id == HF_JSON || type->id == HF_JSONB) {
        char tb[64];
        return hf_error_set(c->err, HF_ERR_OPTION,
                            "datagen cannot generate column '%s' of type %s "
                            "in table '%s'; declare it STRING",
                            arg, type_str(type, tb, sizeof tb), tname(c));
    }
    if (!numeric && (has(c, "min", arg) || has(c, "max", arg)))
        return reject_opt(c, arg, has(c, "min", arg) ? "min" : "max", type,
                          "min and max apply to numeric columns");
    if (!timestamp && has(c, "max-past", arg))
        return reject_opt(c, arg, "max-past", type,
                          "max-past applies to TIMESTAMP and TIMESTAMP_LTZ "
                          "columns");
    if (!sized && has(c, "length", arg))
        return reject_opt(c, arg, "length", type,
                          "length applies to string, bytes and array columns");
    if (!is_var_string(type) && type->id != HF_CHAR && has(c, "var-len", arg))
        return reject_opt(c, arg, "var-len", type,
                          "only VARCHAR, STRING and BYTES have a variable "
                          "length");
    if (has(c, "start", arg) || has(c, "end", arg))
        return reject_opt(c, arg, has(c, "start", arg) ? "start" : "end", type,
                          "start and end need 'kind' = 'sequence'");

    const char *tmin = opt_text(c->o, "fields.#.min", arg);
    const char *tmax = opt_text(c->o, "fields.#.max", arg);
    char k[256];

    switch (type->id) {
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
        int_type_range(type->id, &g->imin, &g->imax);
        if (tmin && parse_int_opt(c, arg, "min", tmin, type, &g->imin) != 0)
            return -1;
        if (tmax && parse_int_opt(c, arg, "max", tmax, type, &g->imax) != 0)
            return -1;
        if (g->imin > g->imax)
            goto min_gt_max;
        break;
    case HF_FLOAT:
    case HF_DOUBLE:
        /* Flink's defaults: Float/Double.MIN_VALUE .. MAX_VALUE. */
        g->fmin = type->id == HF_FLOAT ? 1.40129846e-45 : 4.9e-324;
        g->fmax = type->id == HF_FLOAT ? 3.4028234663852886e38
                                       : 1.7976931348623157e308;
        if (tmin && parse_double_opt(c, arg, "min", tmin, type, &g->fmin) != 0)
            return -1;
        if (tmax && parse_double_opt(c, arg, "max", tmax, type, &g->fmax) != 0)
            return -1;
        if (g->fmin > g->fmax)
            goto min_gt_max;
        break;
    case HF_DECIMAL:
        g->dmin = 0;
        g->dmax = pow10_128(type->precision) - 1;
        if (tmin && parse_dec_opt(c, arg, "min", tmin, type, &g->dmin) != 0)
            return -1;
        if (tmax && parse_dec_opt(c, arg, "max", tmax, type, &g->dmax) != 0)
            return -1;
        if (g->dmin > g->dmax)
            goto min_gt_max;
        break;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES:
        if (string_length(c, arg, type, &g->length) != 0)
            return -1;
        g->var_len = has(c, "var-len", arg) &&
                     hf_opts_bool(c->o, "fields.#.var-len", arg);
        break;
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ:
        if (has(c, "max-past", arg))
            g->max_past_us = hf_opts_int(c->o, "fields.#.max-past", arg) * 1000;
        if (g->max_past_us < 0)
            g->max_past_us = 0;
        break;
    case HF_ARRAY:
        g->length = DG_ARRAY_LEN_DEFAULT;
        if (has(c, "length", arg))
            g->length = (uint32_t)hf_opts_int(c->o, "fields.#.length", arg);
        break;
    default:
        break;
    }
    return 0;

min_gt_max:
    return hf_error_set(
        c->err, HF_ERR_OPTION,
        "datagen option '%s' = '%s' of table '%s' is greater "
        "than 'fields.%s.max' = '%s'%s",
        fkey(k, sizeof k, arg, "min"), tmin ? tmin : "(default)", tname(c), arg,
        tmax ? tmax : "(default)",
        tmin == NULL && (type->id == HF_FLOAT || type->id == HF_DOUBLE ||
                         type->id == HF_DECIMAL)
            ? "; the default min of FLOAT, DOUBLE and DECIMAL "
              "is the smallest positive value (as in Flink), "
              "so set 'min' too"
            : "");
}

static bool sequence_supported(enum hf_type_id id)
{
    return hf_type_is_integer(id) || id == HF_FLOAT || id == HF_DOUBLE ||
           id == HF_DECIMAL || id == HF_CHAR || id == HF_VARCHAR;
}

static int build_sequence(struct dg_check *c, struct dg_field *f,
                          const struct hf_type *type)
{
    const char *arg = f->name;
    char k[256], k2[256], tb[256];

    memset(&f->g, 0, sizeof f->g);
    f->g.type = *type;
    if (check_null_rate(c, arg, &f->g.null_rate) != 0)
        return -1;
    if (!sequence_supported(type->id))
        return hf_error_set(c->err, HF_ERR_OPTION,
                            "datagen option '%s' of table '%s': Unsupported "
                            "generator kind 'sequence' for column '%s' of type "
                            "%s (sequence works for integer, FLOAT, DOUBLE, "
                            "DECIMAL, CHAR and VARCHAR/STRING columns)",
                            fkey(k, sizeof k, arg, "kind"), tname(c), arg,
                            type_str(type, tb, sizeof tb));
    static const char *const random_only[] = {"min", "max", "max-past",
                                              "length", "var-len"};
    for (size_t i = 0; i < sizeof random_only / sizeof random_only[0]; i++) {
        if (has(c, random_only[i], arg))
            return reject_opt(c, arg, random_only[i], type,
                              "it applies to 'kind' = 'random' only");
    }
    const char *ts = opt_text(c->o, "fields.#.start", arg);
    const char *te = opt_text(c->o, "fields.#.end", arg);
    if (ts == NULL || te == NULL)
        return hf_error_set(
            c->err, HF_ERR_OPTION,
            "datagen option '%s' = 'sequence' of table '%s' "
            "needs '%s' and 'fields.%s.end'; '%s' is missing",
            fkey(k, sizeof k, arg, "kind"), tname(c),
            fkey(k2, sizeof k2, arg, "start"), arg,
            fkey(tb, sizeof tb, arg, ts == NULL ? "start" : "end"));

    bool bad_order = false;
    switch (type->id) {
    case HF_FLOAT:
    case HF_DOUBLE:
        if (parse_double_opt(c, arg, "start", ts, type, &f->fnext) != 0 ||
            parse_double_opt(c, arg, "end", te, type, &f->fend) != 0)
            return -1;
        bad_order = f->fend < f->fnext;
        break;
    case HF_DECIMAL:
        if (parse_dec_opt(c, arg, "start", ts, type, &f->dnext) != 0 ||
            parse_dec_opt(c, arg, "end", te, type, &f->dend) != 0)
            return -1;
        f->dstep = pow10_128(type->scale);
        bad_order = f->dend < f->dnext;
        break;
    default: /* integers and strings */
        if (parse_int_opt(c, arg, "start", ts, type, &f->inext) != 0 ||
            parse_int_opt(c, arg, "end", te, type, &f->iend) != 0)
            return -1;
        bad_order = f->iend < f->inext;
        break;
    }
    if (bad_order)
        return hf_error_set(c->err, HF_ERR_OPTION,
                            "datagen option '%s' = '%s' of table '%s' is less "
                            "than 'fields.%s.start' = '%s'; the sequence must "
                            "not end before it starts",
                            fkey(k, sizeof k, arg, "end"), te, tname(c), arg,
                            ts);
    return 0;
}

/* Check that the '#' of every user pattern option names a column: a
 * physical column, or "<array column>.element". */
static void check_pattern_arg(const struct hf_opt_val *v, void *ctx)
{
    struct dg_check *c = ctx;
    if (c->failed || v->arg == NULL)
        return;
    const struct hf_schema *s = &c->t->schema;
    int idx = hf_schema_find(s, v->arg);
    const char *key = v->key_used ? v->key_used : v->def->key;
    if (idx < 0) {
        size_t n = strlen(v->arg);
        static const char suffix[] = ".element";
        size_t sl = sizeof suffix - 1;
        if (n > sl && strcmp(v->arg + n - sl, suffix) == 0) {
            char base[256];
            if (n - sl < sizeof base) {
                memcpy(base, v->arg, n - sl);
                base[n - sl] = '\0';
                int bi = hf_schema_find(s, base);
                if (bi >= 0 && s->cols[bi].type.id == HF_ARRAY &&
                    s->cols[bi].kind == HF_COL_PHYSICAL)
                    return;
            }
        }
        hf_error_set(c->err, HF_ERR_OPTION,
                     "datagen option '%s': table '%s' has no column '%s'", key,
                     tname(c), v->arg);
        c->failed = true;
        return;
    }
    if (s->cols[idx].kind != HF_COL_PHYSICAL) {
        hf_error_set(c->err, HF_ERR_OPTION,
                     "datagen option '%s': column '%s' of table '%s' is "
                     "computed or metadata, datagen only generates physical "
                     "columns",
                     key, v->arg, tname(c));
        c->failed = true;
    }
}

static void free_fields(struct dg_field *f)
{
    free(f);
}

/* Build the generator of every physical column; all option checks. Returns
 * 0 with *out (caller frees with free_fields) or -1 with err. */
static int build_fields(const struct hf_table_def *t, struct dg_field **out,
                        uint32_t *nout, struct hf_error *err)
{
    struct dg_check c = {.t = t, .o = &t->opts, .err = err};
    const struct hf_schema *s = &t->schema;

    for (size_t i = 0; i < NOPTS; i++) {
        if (datagen_opts[i].flags & HF_OPTF_PATTERN)
            hf_opts_each(&t->opts, datagen_opts[i].key, check_pattern_arg, &c);
        if (c.failed)
            return -1;
    }
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (s->cols[i].kind == HF_COL_METADATA)
            return hf_error_set(err, HF_ERR_OPTION,
                                "table '%s': column '%s' is declared METADATA, "
                                "but connector 'datagen' has no metadata; "
                                "remove the column or make it a physical one",
                                tname(&c), s->cols[i].name);
    }

    struct dg_field *f = calloc(s->ncols ? s->ncols : 1, sizeof *f);
    if (f == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "datagen: out of memory");
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->ncols; i++) {
        const struct hf_column *col = &s->cols[i];
        if (col->kind != HF_COL_PHYSICAL)
            continue;
        struct dg_field *fd = &f[n++];
        fd->col = i;
        fd->name = col->name;
        fd->kind = DG_RANDOM;
        if (hf_opts_isset(&t->opts, "fields.#.kind", col->name))
            fd->kind = hf_opts_enum(&t->opts, "fields.#.kind", col->name) == 1
                           ? DG_SEQUENCE
                           : DG_RANDOM;
        int rc;
        if (fd->kind == DG_SEQUENCE) {
            rc = build_sequence(&c, fd, &col->type);
        } else {
            rc = build_random(&c, col->name, &col->type, &fd->g);
            if (rc == 0 && col->type.id == HF_ARRAY) {
                char earg[300];
                snprintf(earg, sizeof earg, "%s.element", col->name);
                struct hf_type et = hf_type_elem(&col->type);
                if (hf_opts_isset(&t->opts, "fields.#.kind", earg) &&
                    hf_opts_enum(&t->opts, "fields.#.kind", earg) == 1) {
                    char tb[64];
                    rc = hf_error_set(err, HF_ERR_OPTION,
                                      "datagen option 'fields.%s.kind' of "
                                      "table '%s': Unsupported generator kind "
                                      "'sequence' for array elements of "
                                      "column '%s' (%s)",
                                      earg, tname(&c), col->name,
                                      type_str(&col->type, tb, sizeof tb));
                } else if (hf_type_is_nested(et.id)) {
                    char tb[128];
                    rc = hf_error_set(err, HF_ERR_UNSUPPORTED,
                                      "datagen cannot generate column '%s' "
                                      "of type %s in table '%s' (array "
                                      "elements must be scalars)",
                                      col->name,
                                      type_str(&col->type, tb, sizeof tb),
                                      tname(&c));
                } else {
                    rc = build_random(&c, earg, &et, &fd->elem);
                }
            }
        }
        if (rc != 0) {
            free(f);
            return -1;
        }
    }
    *out = f;
    *nout = n;
    return 0;
}

/* ------------------------------------------------------------------ plan */

static int datagen_validate(const struct hf_table_def *t, struct hf_error *err)
{
    struct dg_field *f = NULL;
    uint32_t n = 0;
    if (build_fields(t, &f, &n, err) != 0)
        return -1;
    free_fields(f);
    if (hf_opts_isset(&t->opts, "scan.parallelism", NULL) &&
        hf_opts_int(&t->opts, "scan.parallelism", NULL) > 1)
        hf_log_warn("table '%s': datagen 'scan.parallelism' = %" PRId64
                    " is accepted, but holoflow generates with one instance "
                    "(the same rows, at the same total rate)",
                    t->name ? t->name : "?",
                    hf_opts_int(&t->opts, "scan.parallelism", NULL));
    return 0;
}

static bool datagen_bounded(const struct hf_table_def *t)
{
    if (hf_opts_isset(&t->opts, "number-of-rows", NULL))
        return true;
    for (uint32_t i = 0; i < t->schema.ncols; i++) {
        const char *name = t->schema.cols[i].name;
        if (t->schema.cols[i].kind == HF_COL_PHYSICAL &&
            hf_opts_isset(&t->opts, "fields.#.kind", name) &&
            hf_opts_enum(&t->opts, "fields.#.kind", name) == 1)
            return true;
    }
    return false;
}

/* ------------------------------------------------------------------ run */

static int datagen_open(const struct hf_table_def *t,
                        const struct hf_run_ctx *ctx, void **state,
                        struct hf_error *err)
{
    struct dg_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "datagen: out of memory");
    if (build_fields(t, &s->fields, &s->nfields, err) != 0) {
        free(s);
        return -1;
    }
    s->t = t;
    s->stopping = ctx ? ctx->stopping : NULL;
    s->stats = ctx ? ctx->stats : NULL;
    s->batch_rows = ctx && ctx->batch_rows ? ctx->batch_rows : DG_BATCH_DEFAULT;
    s->limited = hf_opts_isset(&t->opts, "number-of-rows", NULL);
    s->remaining =
        s->limited ? hf_opts_int(&t->opts, "number-of-rows", NULL) : 0;
    if (s->stats != NULL && s->limited) /* progress: percent, ETA */
        atomic_store(&s->stats->total_records, s->remaining);
    int64_t rps = hf_opts_isset(&t->opts, "rows-per-second", NULL)
                      ? hf_opts_int(&t->opts, "rows-per-second", NULL)
                      : 10000;
    s->rps = rps > 0 ? (double)rps : 1.0;
    s->cap = s->rps < (double)s->batch_rows ? s->rps : (double)s->batch_rows;
    if (s->cap < 1.0)
        s->cap = 1.0;
    s->tokens = s->cap;
    clock_gettime(CLOCK_MONOTONIC, &s->last);
    seed_rng(s);
    *state = s;
    return 0;
}

static int64_t ts_diff_ns(const struct timespec *a, const struct timespec *b)
{
    return (int64_t)(a->tv_sec - b->tv_sec) * 1000000000L +
           (a->tv_nsec - b->tv_nsec);
}

static void refill(struct dg_state *s)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double dt = (double)ts_diff_ns(&now, &s->last) / 1e9;
    s->last = now;
    if (dt > 0) {
        s->tokens += dt * s->rps;
        if (s->tokens > s->cap)
            s->tokens = s->cap;
    }
}

static bool stopping(const struct dg_state *s)
{
    return s->stopping != NULL && atomic_load(s->stopping) != 0;
}

/* Truncate microseconds to `precision` fraction digits (floor). */
static int64_t truncate_us(int64_t us, int precision)
{
    if (precision >= 6)
        return us;
    int64_t unit = 1;
    for (int i = precision; i < 6; i++)
        unit *= 10;
    int64_t r = us % unit;
    if (r < 0)
        r += unit;
    return us - r;
}

static void take_clock(struct dg_state *s)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    s->now_utc_us = (int64_t)ts.tv_sec * HF_USEC_PER_SEC + ts.tv_nsec / 1000;
    time_t secs = ts.tv_sec;
    struct tm tm;
    long off = 0;
    if (localtime_r(&secs, &tm) != NULL)
        off = tm.tm_gmtoff;
    s->now_local_us = s->now_utc_us + (int64_t)off * HF_USEC_PER_SEC;
}

static const char hexdigits[] = "0123456789abcdef";

/* Random value of `g` into `v`; 0 or -1 (out of arena memory). */
static int gen_random(struct dg_state *s, struct hf_batch *b,
                      const struct dg_gen *g, const struct dg_gen *elem,
                      struct hf_value *v)
{
    if (g->null_rate > 0 &&
        (g->null_rate >= 1.0 || rnd_unit(s) < g->null_rate)) {
        v->null = true;
        return 0;
    }
    v->null = false;
    switch (g->type.id) {
    case HF_BOOLEAN:
        v->v.b = (rnd(s) >> 63) != 0;
        break;
    case HF_TINYINT:
    case HF_SMALLINT:
    case HF_INT:
    case HF_BIGINT:
        v->v.i = rnd_range(s, g->imin, g->imax);
        break;
    case HF_FLOAT: {
        double u = rnd_unit(s);
        v->v.f4 = (float)(g->fmin * (1.0 - u) + g->fmax * u);
        break;
    }
    case HF_DOUBLE: {
        double u = rnd_unit(s);
        v->v.f8 = g->fmin * (1.0 - u) + g->fmax * u;
        break;
    }
    case HF_DECIMAL:
        v->v.d = i128_to_dec(rnd_range128(s, g->dmin, g->dmax));
        break;
    case HF_CHAR:
    case HF_VARCHAR:
    case HF_BYTES: {
        uint32_t len = g->length;
        if (g->var_len && len > 1)
            len = 1 + (uint32_t)rnd_upto(s, len - 1);
        char *p = hf_arena_alloc(&b->arena, len ? len : 1);
        if (p == NULL)
            return -1;
        uint64_t bits = 0;
        int left = 0;
        if (g->type.id == HF_BYTES) {
            for (uint32_t i = 0; i < len; i++) {
                if (left == 0) {
                    bits = rnd(s);
                    left = 8;
                }
                p[i] = (char)(bits & 0xff);
                bits >>= 8;
                left--;
            }
        } else {
            for (uint32_t i = 0; i < len; i++) {
                if (left == 0) {
                    bits = rnd(s);
                    left = 16;
                }
                p[i] = hexdigits[bits & 0xf];
                bits >>= 4;
                left--;
            }
        }
        v->v.s.ptr = p;
        v->v.s.len = len;
        break;
    }
    case HF_DATE: {
        int64_t us = s->now_local_us;
        int64_t days = us / HF_USEC_PER_DAY;
        if (us % HF_USEC_PER_DAY < 0)
            days--;
        v->v.i = days;
        break;
    }
    case HF_TIME: {
        int64_t tod = s->now_local_us % HF_USEC_PER_DAY;
        if (tod < 0)
            tod += HF_USEC_PER_DAY;
        v->v.i = truncate_us(tod, g->type.precision);
        break;
    }
    case HF_TIMESTAMP:
    case HF_TIMESTAMP_LTZ: {
        int64_t base =
            g->type.id == HF_TIMESTAMP ? s->now_local_us : s->now_utc_us;
        int64_t past = g->max_past_us > 0 ? rnd_range(s, 0, g->max_past_us) : 0;
        v->v.i = truncate_us(base - past, g->type.precision);
        break;
    }
    case HF_ARRAY: {
        uint32_t n = g->length;
        struct hf_array *a = hf_arena_alloc(&b->arena, sizeof *a);
        struct hf_value *items =
            hf_arena_alloc(&b->arena, (n ? n : 1) * sizeof *items);
        if (a == NULL || items == NULL)
            return -1;
        a->elem = g->type.elem;
        a->n = n;
        a->items = items;
        for (uint32_t i = 0; i < n; i++) {
            memset(&items[i], 0, sizeof items[i]);
            if (gen_random(s, b, elem, NULL, &items[i]) != 0)
                return -1;
        }
        v->v.a = a;
        break;
    }
    default:
        v->null = true;
        break;
    }
    return 0;
}

static void advance_int(struct dg_field *f)
{
    if (f->inext >= f->iend)
        f->exhausted = true;
    else
        f->inext++;
}

/* Next sequence value of `f` into `v`; marks the field exhausted after its
 * last value. 0 or -1 (out of arena memory). */
static int gen_sequence(struct dg_state *s, struct hf_batch *b,
                        struct dg_field *f, struct hf_value *v)
{
    bool null = f->g.null_rate > 0 &&
                (f->g.null_rate >= 1.0 || rnd_unit(s) < f->g.null_rate);
    v->null = null;
    switch (f->g.type.id) {
    case HF_FLOAT:
    case HF_DOUBLE:
        if (f->g.type.id == HF_FLOAT)
            v->v.f4 = (float)f->fnext;
        else
            v->v.f8 = f->fnext;
        if (f->fnext + 1.0 > f->fend || f->fnext + 1.0 == f->fnext)
            f->exhausted = true;
        else
            f->fnext += 1.0;
        break;
    case HF_DECIMAL:
        v->v.d = i128_to_dec(f->dnext);
        if (f->dend - f->dnext < f->dstep)
            f->exhausted = true;
        else
            f->dnext += f->dstep;
        break;
    case HF_CHAR:
    case HF_VARCHAR:
        if (!null) {
            char buf[24];
            int n = snprintf(buf, sizeof buf, "%" PRId64, f->inext);
            if (hf_value_set_str(b, v, buf, (size_t)n) != 0)
                return -1;
        }
        advance_int(f);
        break;
    default:
        v->v.i = f->inext;
        advance_int(f);
        break;
    }
    v->null = null;
    return 0;
}

static bool any_exhausted(const struct dg_state *s)
{
    for (uint32_t i = 0; i < s->nfields; i++) {
        if (s->fields[i].kind == DG_SEQUENCE && s->fields[i].exhausted)
            return true;
    }
    return false;
}

/* Append up to `n` rows; returns the number appended or -1. */
static int64_t generate(struct dg_state *s, struct hf_batch *out, int64_t n,
                        struct hf_error *err)
{
    take_clock(s);
    int64_t made = 0;
    while (made < n) {
        if (any_exhausted(s) || (s->limited && s->remaining <= 0)) {
            s->done = true;
            break;
        }
        struct hf_value *row =
            hf_batch_add_row(out, HF_ROW_INSERT, s->emitted + 1);
        if (row == NULL)
            goto nomem;
        for (uint32_t i = 0; i < s->nfields; i++) {
            struct dg_field *f = &s->fields[i];
            struct hf_value *v = &row[f->col];
            int rc = f->kind == DG_SEQUENCE
                         ? gen_sequence(s, out, f, v)
                         : gen_random(s, out, &f->g, &f->elem, v);
            if (rc != 0)
                goto nomem;
        }
        made++;
        s->emitted++;
        if (s->limited)
            s->remaining--;
    }
    if (!s->done && (any_exhausted(s) || (s->limited && s->remaining <= 0)))
        s->done = true;
    return made;
nomem:
    return hf_error_set(err, HF_ERR_NOMEM,
                        "datagen table '%s': out of memory filling a batch",
                        s->t->name ? s->t->name : "?");
}

static int datagen_read(void *state, struct hf_batch *out, struct hf_error *err)
{
    struct dg_state *s = state;
    if (s->done || stopping(s))
        return 0;

    /* Emit once a batch, or 100 ms worth of rows, is allowed: full batches
     * at high rates, one row at a time at very low ones. */
    double want = s->rps * 0.1;
    if (want > (double)s->batch_rows)
        want = (double)s->batch_rows;
    if (s->limited && want > (double)s->remaining)
        want = (double)s->remaining;
    if (want < 1.0)
        want = 1.0;

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        refill(s);
        if (s->tokens >= want)
            break;
        if (stopping(s))
            return 0;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t budget = DG_READ_BUDGET_NS - ts_diff_ns(&now, &start);
        if (budget <= 0)
            return 1; /* no rows yet; let the runtime look around */
        double need_ns = (want - s->tokens) / s->rps * 1e9;
        int64_t wait = need_ns < (double)DG_SLEEP_STEP_NS ? (int64_t)need_ns + 1
                                                          : DG_SLEEP_STEP_NS;
        if (wait > budget)
            wait = budget;
        struct timespec d = {.tv_sec = wait / 1000000000L,
                             .tv_nsec = wait % 1000000000L};
        nanosleep(&d, NULL);
    }

    int64_t n = (int64_t)s->tokens;
    if (n > (int64_t)s->batch_rows)
        n = s->batch_rows;
    if (s->limited && n > s->remaining)
        n = s->remaining;
    int64_t made = generate(s, out, n, err);
    if (made < 0)
        return -1;
    s->tokens -= (double)made;
    if (s->stats != NULL && made > 0)
        atomic_fetch_add(&s->stats->rows_in, (uint_fast64_t)made);
    if (made == 0 && s->done)
        return 0;
    return 1;
}

static void datagen_close(void *state)
{
    struct dg_state *s = state;
    if (s == NULL)
        return;
    free_fields(s->fields);
    free(s);
}

const struct hf_connector hf_connector_datagen = {
    .name = "datagen",
    .summary = "Generates random or sequential rows, as Flink's datagen "
               "connector",
    .opts = datagen_opts,
    .nopts = NOPTS,
    .caps = HF_CONN_SOURCE,
    .validate = datagen_validate,
    .bounded = datagen_bounded,
    .source_open = datagen_open,
    .source_read = datagen_read,
    .source_close = datagen_close,
};
