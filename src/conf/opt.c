/*
 * opt.c - parsing and reading options through their tables (see opt.h).
 *
 * hf_opts_parse() walks the user's key/value pairs once per table. A pair
 * belongs to a table when its key (case-insensitively, after the table's
 * prefix) equals a def's key or alias, starts with a PREFIX def's key, or
 * matches a PATTERN def with its '#'. Plain defs have one slot each
 * (vals[i] for defs[i]), filled with the default first; PREFIX and PATTERN
 * matches are appended after them. Every value is converted once here, so
 * the getters only read.
 */
#include "conf/opt.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"

/* ------------------------------------------------------------ value parsers */

static const char *skip_blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Parse a leading non-negative integer; *end after it. */
static int parse_count(const char *s, int64_t *v, const char **end)
{
    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    char *e;
    long long n = strtoll(s, &e, 10);
    if (errno != 0 || n < 0)
        return -1;
    *v = n;
    *end = e;
    return 0;
}

static bool unit_is(const char *u, const char *const *names)
{
    for (; *names; names++)
        if (strcasecmp(u, *names) == 0)
            return true;
    return false;
}

int hf_parse_duration_ms(const char *s, int64_t *ms)
{
    int64_t n;
    const char *e;
    s = skip_blank(s);
    if (parse_count(s, &n, &e) != 0)
        return -1;
    char unit[16];
    e = skip_blank(e);
    size_t ul = strlen(e);
    while (ul > 0 && (e[ul - 1] == ' ' || e[ul - 1] == '\t'))
        ul--;
    if (ul >= sizeof unit)
        return -1;
    memcpy(unit, e, ul);
    unit[ul] = '\0';

    static const char *const u_ns[] = {"ns", "nano", "nanos", "nanosecond",
                                       "nanoseconds", NULL};
    static const char *const u_us[] = {"us", "micro", "micros", "microsecond",
                                       "microseconds", NULL};
    static const char *const u_ms[] = {"", "ms", "milli", "millis",
                                       "millisecond", "milliseconds", NULL};
    static const char *const u_s[] = {"s", "sec", "secs", "second", "seconds",
                                      NULL};
    static const char *const u_m[] = {"m", "min", "mins", "minute", "minutes",
                                      NULL};
    static const char *const u_h[] = {"h", "hour", "hours", NULL};
    static const char *const u_d[] = {"d", "day", "days", NULL};
    int64_t mult;
    if (unit_is(unit, u_ns)) {
        *ms = n / 1000000;
        return 0;
    } else if (unit_is(unit, u_us)) {
        *ms = n / 1000;
        return 0;
    } else if (unit_is(unit, u_ms)) {
        mult = 1;
    } else if (unit_is(unit, u_s)) {
        mult = 1000;
    } else if (unit_is(unit, u_m)) {
        mult = 60 * 1000;
    } else if (unit_is(unit, u_h)) {
        mult = 3600 * 1000;
    } else if (unit_is(unit, u_d)) {
        mult = 86400 * 1000;
    } else {
        return -1;
    }
    if (n > INT64_MAX / mult)
        return -1;
    *ms = n * mult;
    return 0;
}

int hf_parse_memsize(const char *s, int64_t *bytes)
{
    int64_t n;
    const char *e;
    s = skip_blank(s);
    if (parse_count(s, &n, &e) != 0)
        return -1;
    e = skip_blank(e);
    char unit[16];
    size_t ul = strlen(e);
    while (ul > 0 && (e[ul - 1] == ' ' || e[ul - 1] == '\t'))
        ul--;
    if (ul >= sizeof unit)
        return -1;
    memcpy(unit, e, ul);
    unit[ul] = '\0';
    static const char *const u_b[] = {"", "b", "bytes", NULL};
    static const char *const u_k[] = {"k", "kb", "kib", "kibibytes", NULL};
    static const char *const u_m[] = {"m", "mb", "mib", "mebibytes", NULL};
    static const char *const u_g[] = {"g", "gb", "gib", "gibibytes", NULL};
    static const char *const u_t[] = {"t", "tb", "tib", "tebibytes", NULL};
    int shift;
    if (unit_is(unit, u_b))
        shift = 0;
    else if (unit_is(unit, u_k))
        shift = 10;
    else if (unit_is(unit, u_m))
        shift = 20;
    else if (unit_is(unit, u_g))
        shift = 30;
    else if (unit_is(unit, u_t))
        shift = 40;
    else
        return -1;
    if (n > (INT64_MAX >> shift))
        return -1;
    *bytes = n << shift;
    return 0;
}

int hf_parse_bool(const char *s, bool *b)
{
    if (strcasecmp(s, "true") == 0) {
        *b = true;
        return 0;
    }
    if (strcasecmp(s, "false") == 0) {
        *b = false;
        return 0;
    }
    return -1;
}

/* One character, or an escape: \t \n \r \\ \' \uXXXX. */
static int parse_char(const char *s, char *c)
{
    size_t n = strlen(s);
    if (n == 1) {
        *c = s[0];
        return 0;
    }
    if (n == 2 && s[0] == '\\') {
        switch (s[1]) {
        case 't': *c = '\t'; return 0;
        case 'n': *c = '\n'; return 0;
        case 'r': *c = '\r'; return 0;
        case '\\': *c = '\\'; return 0;
        case '\'': *c = '\''; return 0;
        default: return -1;
        }
    }
    if (n == 6 && s[0] == '\\' && (s[1] == 'u' || s[1] == 'U')) {
        char *e;
        long v = strtol(s + 2, &e, 16);
        if (*e != '\0' || v < 0 || v > 0x7f)
            return -1;
        *c = (char)v;
        return 0;
    }
    return -1;
}

/* Enum spellings are equal ignoring case, '_' and '-'. */
static bool enum_eq(const char *a, const char *b)
{
    for (;;) {
        while (*a == '_' || *a == '-')
            a++;
        while (*b == '_' || *b == '-')
            b++;
        if (*a == '\0' || *b == '\0')
            return *a == *b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a++;
        b++;
    }
}

size_t hf_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 128 || lb > 128)
        return la > lb ? la : lb;
    size_t row[129];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) ==
                                  tolower((unsigned char)b[j - 1])
                              ? 0
                              : 1;
            size_t best = prev + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

/* ------------------------------------------------------------ key matching */

static const char *type_name(enum hf_opt_type t)
{
    switch (t) {
    case HF_OPT_STRING: return "string";
    case HF_OPT_INT: return "integer";
    case HF_OPT_BOOL: return "boolean";
    case HF_OPT_ENUM: return "enum";
    case HF_OPT_DURATION: return "duration";
    case HF_OPT_MEMSIZE: return "memory size";
    case HF_OPT_DOUBLE: return "double";
    case HF_OPT_CHAR: return "character";
    case HF_OPT_LIST: return "list";
    }
    return "?";
}

/* Does `key` (user's, after the prefix) match the pattern `pat` containing
 * one '#'? On a match the part standing for '#' is [*argp, *argp + *argl).
 * `index`: the part must be a decimal number. */
static bool pattern_match(const char *pat, const char *key, bool index,
                          const char **argp, size_t *argl)
{
    const char *hash = strchr(pat, '#');
    if (hash == NULL)
        return false;
    size_t head = (size_t)(hash - pat);
    size_t tail = strlen(hash + 1);
    size_t klen = strlen(key);
    if (klen <= head + tail)
        return false;
    if (strncasecmp(pat, key, head) != 0)
        return false;
    if (strcasecmp(hash + 1, key + klen - tail) != 0)
        return false;
    size_t al = klen - head - tail;
    if (index && strspn(key + head, "0123456789") < al)
        return false;
    *argp = key + head;
    *argl = al;
    return true;
}

/* Strip the table prefix; NULL when the key does not carry it. */
static const char *strip_prefix(const char *prefix, const char *key)
{
    size_t pl = prefix ? strlen(prefix) : 0;
    if (pl == 0)
        return key;
    if (strncasecmp(prefix, key, pl) != 0)
        return NULL;
    return key + pl;
}

static bool in_list(const char *const *l, const char *key)
{
    for (; l && *l; l++)
        if (strcasecmp(*l, key) == 0)
            return true;
    return false;
}

const char *hf_opt_key_gen(const struct hf_opt_def *d, const char *key,
                           bool *match)
{
    if (match)
        *match = true;
    if (strcasecmp(d->key, key) == 0 || in_list(d->aliases, key))
        return d->gen;
    for (const struct hf_opt_gen *g = d->gens; g && g->gen; g++)
        if (in_list(g->keys, key))
            return g->gen;
    if (match)
        *match = false;
    return NULL;
}

const char *hf_opt_gen_default(const struct hf_opt_def *d, const char *gen)
{
    for (const struct hf_opt_gen *g = d->gens; gen && g && g->gen; g++)
        if (strcmp(g->gen, gen) == 0 && g->def)
            return g->def;
    return d->def;
}

/* Which def does this key name? Returns the def index or -1; for PREFIX and
 * PATTERN defs sets the argument. Exact keys win over prefixes/patterns. */
static int match_def(const struct hf_opt_def *defs, size_t ndefs,
                     const char *key, const char **argp, size_t *argl)
{
    for (size_t i = 0; i < ndefs; i++) {
        if (defs[i].flags & (HF_OPTF_PREFIX | HF_OPTF_PATTERN | HF_OPTF_PAIRS))
            continue;
        bool match;
        hf_opt_key_gen(&defs[i], key, &match);
        if (match)
            return (int)i;
    }
    for (size_t i = 0; i < ndefs; i++) {
        if (defs[i].flags & HF_OPTF_PATTERN) {
            bool index = (defs[i].flags & HF_OPTF_INDEX) != 0;
            if (pattern_match(defs[i].key, key, index, argp, argl))
                return (int)i;
            for (const char *const *a = defs[i].aliases; a && *a; a++)
                if (pattern_match(*a, key, index, argp, argl))
                    return (int)i;
        } else if (defs[i].flags & HF_OPTF_PREFIX) {
            size_t pl = strlen(defs[i].key);
            if (strncasecmp(defs[i].key, key, pl) == 0 && key[pl] != '\0') {
                *argp = key + pl;
                *argl = strlen(key + pl);
                return (int)i;
            }
        }
    }
    return -1;
}

/* ------------------------------------------------------------ conversion */

static void list_values(const struct hf_opt_def *d, char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    for (const char *const *v = d->values; v && *v && off < n; v++) {
        int w = snprintf(buf + off, n - off, "%s%s", off ? ", " : "", *v);
        if (w < 0)
            break;
        off += (size_t)w;
    }
}

/* Convert `text` per the def's type into val->v. `where` names the key for
 * messages. */
static int convert(const struct hf_opt_def *d, const char *keyname,
                   const char *text, struct hf_opt_val *val,
                   const char *owner, const char *where, struct hf_error *err)
{
    const char *shown = val->secret || (d->flags & HF_OPTF_SENSITIVE) ||
                                hf_opt_secret_name(keyname)
                            ? "******"
                            : text;
    switch (d->type) {
    case HF_OPT_STRING:
    case HF_OPT_LIST:
        return 0;
    case HF_OPT_INT: {
        errno = 0;
        char *e;
        const char *s = skip_blank(text);
        long long n = strtoll(s, &e, 10);
        if (errno != 0 || e == s || *skip_blank(e) != '\0')
            return hf_error_set(err, HF_ERR_OPTION,
                                "%sinvalid value '%s' for option '%s' of %s: "
                                "expected an integer",
                                where, shown, keyname, owner);
        val->v.i = n;
        break;
    }
    case HF_OPT_BOOL:
        if (hf_parse_bool(text, &val->v.b) != 0)
            return hf_error_set(err, HF_ERR_OPTION,
                                "%sinvalid value '%s' for option '%s' of %s: "
                                "expected true or false",
                                where, shown, keyname, owner);
        return 0;
    case HF_OPT_ENUM: {
        int idx = -1;
        for (int i = 0; d->values && d->values[i]; i++)
            if (enum_eq(d->values[i], text)) {
                idx = i;
                break;
            }
        if (idx < 0) {
            char allowed[512];
            list_values(d, allowed, sizeof allowed);
            return hf_error_set(err, HF_ERR_OPTION,
                                "%sinvalid value '%s' for option '%s' of %s: "
                                "allowed values are %s",
                                where, shown, keyname, owner, allowed);
        }
        val->v.i = idx;
        return 0;
    }
    case HF_OPT_DURATION:
        if (hf_parse_duration_ms(text, &val->v.i) != 0)
            return hf_error_set(err, HF_ERR_OPTION,
                                "%sinvalid value '%s' for option '%s' of %s: "
                                "expected a duration such as 500ms, 10s, "
                                "1 min, 2h (a plain number is milliseconds)",
                                where, shown, keyname, owner);
        break;
    case HF_OPT_MEMSIZE:
        if (hf_parse_memsize(text, &val->v.i) != 0)
            return hf_error_set(err, HF_ERR_OPTION,
                                "%sinvalid value '%s' for option '%s' of %s: "
                                "expected a memory size such as 512kb, 2mb, "
                                "1gb (a plain number is bytes)",
                                where, shown, keyname, owner);
        break;
    case HF_OPT_DOUBLE: {
        errno = 0;
        char *e;
        const char *s = skip_blank(text);
        double x = strtod(s, &e);
        if (errno != 0 || e == s || *skip_blank(e) != '\0')
            return hf_error_set(err, HF_ERR_OPTION,
                                "%sinvalid value '%s' for option '%s' of %s: "
                                "expected a number",
                                where, shown, keyname, owner);
        val->v.d = x;
        if ((d->flags & HF_OPTF_RANGE) &&
            (x < (double)d->min || x > (double)d->max))
            return hf_error_set(err, HF_ERR_OPTION,
                                "%sinvalid value '%s' for option '%s' of %s: "
                                "must be between %" PRId64 " and %" PRId64,
                                where, shown, keyname, owner, d->min, d->max);
        return 0;
    }
    case HF_OPT_CHAR:
        if (parse_char(text, &val->v.c) != 0)
            return hf_error_set(err, HF_ERR_OPTION,
                                "%sinvalid value '%s' for option '%s' of %s: "
                                "expected a single character (or \\t, "
                                "\\uXXXX)",
                                where, shown, keyname, owner);
        return 0;
    }
    if ((d->flags & HF_OPTF_RANGE) &&
        (val->v.i < d->min || val->v.i > d->max))
        return hf_error_set(err, HF_ERR_OPTION,
                            "%sinvalid value '%s' for option '%s' of %s: must "
                            "be between %" PRId64 " and %" PRId64,
                            where, shown, keyname, owner, d->min, d->max);
    return 0;
}

/* ------------------------------------------------------------ parse */

void hf_kv_where(const struct hf_kv *kv, char *buf, size_t n)
{
    if (n == 0)
        return;
    if (kv && kv->file && kv->line > 0)
        snprintf(buf, n, "%s:%d:%d: ", kv->file, kv->line, kv->col);
    else
        buf[0] = '\0';
}

const char *hf_kv_shown(const struct hf_kv *kv)
{
    return kv->via ? kv->via : kv->key;
}

void hf_opts_free(struct hf_opts *o)
{
    if (o == NULL)
        return;
    for (size_t i = 0; i < o->nvals; i++) {
        free(o->vals[i].arg);
        free(o->vals[i].text);
    }
    free(o->vals);
    o->vals = NULL;
    o->nvals = 0;
    for (size_t i = 0; i < o->npairs; i++) {
        free(o->pairs[i].key);
        free(o->pairs[i].value);
    }
    free(o->pairs);
    o->pairs = NULL;
    o->npairs = 0;
}

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM, "out of memory parsing options");
}

/* "; 'connector.properties.2.key' (with its '.value') stands for
 * 'connector.properties.group.id'" for a made pair, else "". */
static void via_note(const struct hf_kv *kv, char *buf, size_t n)
{
    buf[0] = '\0';
    if (kv && kv->via)
        snprintf(buf, n, "; '%s' (with its '.value') stands for '%s'",
                 kv->via, kv->key);
}

/* ------------------------------------------------------------ pairs */

/* Is `key` (after the table prefix) a half of a pair of the PAIRS def `d`
 * ("connector.properties.2.value")? Sets which half and its index text. */
static bool pair_half(const struct hf_opt_def *d, const char *key,
                      bool *is_key, const char **np, size_t *nl)
{
    const char *hash = strchr(d->key, '#');
    size_t head = (size_t)(hash - d->key);
    if (strncasecmp(d->key, key, head) != 0)
        return false;
    const char *n = key + head;
    size_t digits = strspn(n, "0123456789");
    if (digits == 0)
        return false;
    if (strcasecmp(n + digits, ".key") == 0)
        *is_key = true;
    else if (strcasecmp(n + digits, ".value") == 0)
        *is_key = false;
    else
        return false;
    *np = n;
    *nl = digits;
    return true;
}

/* Turn every unclaimed pair `P<N>.key` = K, `P<N>.value` = V of the PAIRS
 * def `d` into a made pair `P<K>` = V in o->pairs (claiming both halves).
 * 0 or -1 (a half without the other, the same half twice, an empty K). */
static int expand_pairs(struct hf_opts *o, const struct hf_opt_def *d,
                        struct hf_kv *kvs, size_t nkv, const char *owner,
                        struct hf_error *err)
{
    char where[512];
    size_t head = (size_t)(strchr(d->key, '#') - d->key);
    for (size_t k = 0; k < nkv; k++) {
        struct hf_kv *kv = &kvs[k];
        const char *key = kv->claimed ? NULL : strip_prefix(o->prefix, kv->key);
        bool is_key;
        const char *n;
        size_t nl;
        if (key == NULL || !pair_half(d, key, &is_key, &n, &nl))
            continue;
        hf_kv_where(kv, where, sizeof where);
        struct hf_kv *other = NULL;
        for (size_t j = k + 1; j < nkv; j++) {
            const char *k2 =
                kvs[j].claimed ? NULL : strip_prefix(o->prefix, kvs[j].key);
            bool is_key2;
            const char *n2;
            size_t nl2;
            if (k2 == NULL || !pair_half(d, k2, &is_key2, &n2, &nl2) ||
                nl2 != nl || memcmp(n, n2, nl) != 0)
                continue;
            if (is_key2 == is_key) {
                hf_kv_where(&kvs[j], where, sizeof where);
                return hf_error_set(err, HF_ERR_OPTION,
                                    "%sduplicate option '%s' of %s (also "
                                    "'%s')",
                                    where, kvs[j].key, owner, kv->key);
            }
            if (other == NULL)
                other = &kvs[j];
        }
        if (other == NULL)
            return hf_error_set(err, HF_ERR_OPTION,
                                "%soption '%s' of %s has no '%s%.*s%.*s.%s': "
                                "pair %.*s of '%s%s' / '.value' needs both "
                                "halves (the property's name and its value)",
                                where, kv->key, owner, o->prefix, (int)head,
                                d->key, (int)nl, n, is_key ? "value" : "key",
                                (int)nl, n, o->prefix, d->key);
        struct hf_kv *kk = is_key ? kv : other;
        struct hf_kv *vk = is_key ? other : kv;
        if (kk->value[0] == '\0') {
            hf_kv_where(kk, where, sizeof where);
            return hf_error_set(err, HF_ERR_OPTION,
                                "%soption '%s' of %s names no property: "
                                "pair %.*s needs the property's name",
                                where, kk->key, owner, (int)nl, n);
        }
        struct hf_kv *m = &o->pairs[o->npairs];
        memset(m, 0, sizeof *m);
        size_t ml = strlen(o->prefix) + head + strlen(kk->value) + 1;
        m->key = malloc(ml);
        m->value = strdup(vk->value);
        if (m->key == NULL || m->value == NULL) {
            free(m->key);
            free(m->value);
            return oom(err);
        }
        snprintf(m->key, ml, "%s%.*s%s", o->prefix, (int)head, d->key,
                 kk->value);
        m->file = kk->file;
        m->line = kk->line;
        m->col = kk->col;
        m->secret = kk->secret || vk->secret;
        m->via = kk->key;
        o->npairs++;
        kk->claimed = true;
        vk->claimed = true;
    }
    return 0;
}

/* ------------------------------------------------------------ one pair */

/* Take `kv` into `o` when one of the defs names it. Sets *taken. 0 or -1. */
static int take_kv(struct hf_opts *o, struct hf_kv *kv, const char *owner,
                   bool *taken, struct hf_error *err)
{
    const struct hf_opt_def *defs = o->defs;
    size_t ndefs = o->ndefs;
    *taken = false;
    const char *key = strip_prefix(o->prefix, kv->key);
    if (key == NULL)
        return 0;
    const char *arg = NULL;
    size_t argl = 0;
    int di = match_def(defs, ndefs, key, &arg, &argl);
    if (di < 0)
        return 0;
    *taken = true;
    kv->claimed = true;
    const struct hf_opt_def *d = &defs[di];
    char where[512], note[600];
    hf_kv_where(kv, where, sizeof where);
    struct hf_opt_val *v;
    if (d->flags & (HF_OPTF_PREFIX | HF_OPTF_PATTERN)) {
        /* Duplicate check among earlier entries with the same arg. */
        for (size_t j = ndefs; j < o->nvals; j++) {
            if (o->vals[j].def == d && strlen(o->vals[j].arg) == argl &&
                strncasecmp(o->vals[j].arg, arg, argl) == 0) {
                via_note(kv->via ? kv : o->vals[j].kv, note, sizeof note);
                return hf_error_set(err, HF_ERR_OPTION,
                                    "%soption '%s' of %s is set twice (also "
                                    "as '%s')%s",
                                    where, hf_kv_shown(kv), owner,
                                    o->vals[j].kv
                                        ? hf_kv_shown(o->vals[j].kv)
                                        : o->vals[j].key_used,
                                    note);
            }
        }
        v = &o->vals[o->nvals++];
        v->def = d;
        v->arg = strndup(arg, argl);
        if (v->arg == NULL)
            return oom(err);
    } else {
        v = &o->vals[di];
        if (v->set && strcasecmp(v->key_used, kv->key) == 0 && !kv->via &&
            !(v->kv && v->kv->via))
            return hf_error_set(err, HF_ERR_OPTION,
                                "%sduplicate option '%s' of %s", where,
                                kv->key, owner);
        if (v->set) {
            via_note(kv->via ? kv : v->kv, note, sizeof note);
            return hf_error_set(err, HF_ERR_OPTION,
                                "%soption '%s' of %s is set twice (also "
                                "as '%s')%s",
                                where, hf_kv_shown(kv), owner,
                                v->kv ? hf_kv_shown(v->kv) : v->key_used,
                                note);
        }
        free(v->text);
        v->text = NULL;
    }
    v->key_used = kv->key;
    v->kv = kv;
    v->set = true;
    v->gen = hf_opt_key_gen(d, key, NULL);
    if (v->gen && (o->gen == NULL || strcmp(v->gen, o->gen) < 0)) {
        o->gen = v->gen;
        o->gen_key = kv->key;
    }
    v->text = strdup(kv->value);
    if (v->text == NULL)
        return oom(err);
    v->secret = (d->flags & HF_OPTF_SENSITIVE) ||
                hf_opt_secret_name(kv->key) || kv->secret;
    if (v->secret)
        hf_secret_register(kv->value);
    return convert(d, kv->key, v->text, v, owner, where, err);
}

int hf_opts_parse(struct hf_opts *o, const char *owner, const char *prefix,
                  const struct hf_opt_def *defs, size_t ndefs,
                  struct hf_kv *kvs, size_t nkv, struct hf_error *err)
{
    memset(o, 0, sizeof *o);
    o->owner = owner;
    o->prefix = prefix ? prefix : "";
    o->defs = defs;
    o->ndefs = ndefs;
    size_t cap = ndefs + nkv;
    o->vals = calloc(cap ? cap : 1, sizeof *o->vals);
    if (o->vals == NULL)
        return oom(err);
    o->nvals = ndefs;

    /* Defaults first. */
    for (size_t i = 0; i < ndefs; i++) {
        struct hf_opt_val *v = &o->vals[i];
        v->def = &defs[i];
        if (defs[i].def && !(defs[i].flags & (HF_OPTF_PATTERN | HF_OPTF_PREFIX))) {
            v->text = strdup(defs[i].def);
            if (v->text == NULL)
                return oom(err);
            if (convert(&defs[i], defs[i].key, v->text, v, owner,
                        "built-in default: ", err) != 0)
                return -1;
        }
    }

    /* Indexed pairs become the pairs they stand for (each takes two). */
    for (size_t i = 0; i < ndefs; i++) {
        if (!(defs[i].flags & HF_OPTF_PAIRS))
            continue;
        if (o->pairs == NULL) {
            o->pairs = calloc(nkv / 2 + 1, sizeof *o->pairs);
            if (o->pairs == NULL)
                return oom(err);
        }
        if (expand_pairs(o, &defs[i], kvs, nkv, owner, err) != 0)
            return -1;
    }

    for (size_t k = 0; k < nkv + o->npairs; k++) {
        struct hf_kv *kv = k < nkv ? &kvs[k] : &o->pairs[k - nkv];
        if (kv->claimed)
            continue;
        bool taken;
        if (take_kv(o, kv, owner, &taken, err) != 0)
            return -1;
        if (!taken && kv->via) {
            char where[512];
            hf_kv_where(kv, where, sizeof where);
            return hf_error_set(err, HF_ERR_OPTION,
                                "%s'%s' (with its '.value') stands for '%s', "
                                "which is not an option of %s",
                                where, kv->via, kv->key, owner);
        }
    }

    /* An older generation's defaults for what the table leaves unset. */
    for (size_t i = 0; o->gen && i < ndefs; i++) {
        struct hf_opt_val *v = &o->vals[i];
        const char *gd = hf_opt_gen_default(&defs[i], o->gen);
        if (v->set || gd == defs[i].def ||
            (defs[i].flags & (HF_OPTF_PATTERN | HF_OPTF_PREFIX)))
            continue;
        free(v->text);
        v->text = strdup(gd);
        if (v->text == NULL)
            return oom(err);
        v->gen = o->gen;
        char what[64];
        snprintf(what, sizeof what, "default of generation %s: ", o->gen);
        if (convert(&defs[i], defs[i].key, v->text, v, owner, what, err) != 0)
            return -1;
    }

    for (size_t i = 0; i < ndefs; i++) {
        if ((defs[i].flags & HF_OPTF_REQUIRED) && !o->vals[i].set)
            return hf_error_set(err, HF_ERR_OPTION,
                                "missing required option '%s%s' for %s",
                                o->prefix, defs[i].key, owner);
    }
    return 0;
}

/* Full spelling of a def's key as the user must write it. */
static void full_key(const struct hf_opts *o, const char *key, char *buf,
                     size_t n)
{
    snprintf(buf, n, "%s%s", o->prefix ? o->prefix : "", key);
}

/* Keep `name` as the suggestion when it is closer to `key` than *best_d. */
static void suggest_closer(const struct hf_opts *o, const char *name,
                           const char *key, char *best, size_t n,
                           size_t *best_d)
{
    char fa[256];
    full_key(o, name, fa, sizeof fa);
    size_t da = hf_edit_distance(key, fa);
    if (da < *best_d) {
        *best_d = da;
        snprintf(best, n, "%s", fa);
    }
}

int hf_opts_check_unclaimed(const struct hf_kv *kvs, size_t nkv,
                            const char *owner,
                            const struct hf_opts *const *tables,
                            size_t ntables, struct hf_error *err)
{
    for (size_t k = 0; k < nkv; k++) {
        if (kvs[k].claimed)
            continue;
        const char *key = kvs[k].key;
        char best[256] = "";
        size_t best_d = SIZE_MAX;
        struct hf_strbuf list;
        hf_strbuf_init(&list, 8192);
        for (size_t t = 0; t < ntables; t++) {
            const struct hf_opts *o = tables[t];
            if (o == NULL || o->defs == NULL)
                continue;
            for (size_t i = 0; i < o->ndefs; i++) {
                char fk[256];
                full_key(o, o->defs[i].key, fk, sizeof fk);
                hf_strbuf_printf(&list, "%s%s", list.len ? ", " : "", fk);
                size_t d = hf_edit_distance(key, fk);
                if (d < best_d) {
                    best_d = d;
                    snprintf(best, sizeof best, "%s", fk);
                }
                for (const char *const *a = o->defs[i].aliases; a && *a; a++)
                    suggest_closer(o, *a, key, best, sizeof best, &best_d);
                for (const struct hf_opt_gen *g = o->defs[i].gens; g && g->gen;
                     g++)
                    for (const char *const *a = g->keys; a && *a; a++)
                        suggest_closer(o, *a, key, best, sizeof best, &best_d);
            }
        }
        char where[512];
        hf_kv_where(&kvs[k], where, sizeof where);
        size_t klen = strlen(key);
        bool close = best_d <= 3 || (best_d <= klen / 3);
        char suggest[300] = "";
        if (close && best[0])
            snprintf(suggest, sizeof suggest, "; did you mean '%s'?", best);
        hf_error_set(err, HF_ERR_OPTION,
                     "%sunknown option '%s' for %s%s\nvalid options: %s",
                     where, key, owner, suggest,
                     list.data ? list.data : "(none)");
        hf_strbuf_free(&list);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ getters */

static int def_index(const struct hf_opts *o, const char *key)
{
    for (size_t i = 0; i < o->ndefs; i++)
        if (strcmp(o->defs[i].key, key) == 0)
            return (int)i;
    fprintf(stderr, "holoflow: internal error: option '%s' is not in the "
                    "table of %s\n",
            key, o->owner ? o->owner : "?");
    abort();
}

/* A static entry holding a PATTERN def's default, per call. */
static _Thread_local struct hf_opt_val pattern_default;

const struct hf_opt_val *hf_opts_get(const struct hf_opts *o, const char *key,
                                     const char *arg)
{
    int di = def_index(o, key);
    const struct hf_opt_def *d = &o->defs[di];
    if (d->flags & (HF_OPTF_PATTERN | HF_OPTF_PREFIX)) {
        for (size_t j = o->ndefs; j < o->nvals; j++)
            if (o->vals[j].def == d && arg &&
                strcasecmp(o->vals[j].arg, arg) == 0)
                return &o->vals[j];
        if (d->def == NULL)
            return NULL;
        /* Pattern default: convert on demand (cannot fail: checked by the
         * option-table test). */
        struct hf_error e;
        hf_error_clear(&e);
        memset(&pattern_default, 0, sizeof pattern_default);
        pattern_default.def = d;
        pattern_default.text = (char *)d->def;
        convert(d, d->key, d->def, &pattern_default, "", "", &e);
        return &pattern_default;
    }
    const struct hf_opt_val *v = &o->vals[di];
    return (v->set || v->text) ? v : NULL;
}

bool hf_opts_isset(const struct hf_opts *o, const char *key, const char *arg)
{
    const struct hf_opt_val *v = hf_opts_get(o, key, arg);
    return v && v->set;
}

const char *hf_opts_str(const struct hf_opts *o, const char *key,
                        const char *arg)
{
    const struct hf_opt_val *v = hf_opts_get(o, key, arg);
    return v ? v->text : NULL;
}

int64_t hf_opts_int(const struct hf_opts *o, const char *key, const char *arg)
{
    const struct hf_opt_val *v = hf_opts_get(o, key, arg);
    return v ? v->v.i : 0;
}

bool hf_opts_bool(const struct hf_opts *o, const char *key, const char *arg)
{
    const struct hf_opt_val *v = hf_opts_get(o, key, arg);
    return v ? v->v.b : false;
}

double hf_opts_double(const struct hf_opts *o, const char *key,
                      const char *arg)
{
    const struct hf_opt_val *v = hf_opts_get(o, key, arg);
    return v ? v->v.d : 0.0;
}

char hf_opts_char(const struct hf_opts *o, const char *key, const char *arg)
{
    const struct hf_opt_val *v = hf_opts_get(o, key, arg);
    return v ? v->v.c : '\0';
}

int hf_opts_enum(const struct hf_opts *o, const char *key, const char *arg)
{
    const struct hf_opt_val *v = hf_opts_get(o, key, arg);
    return v ? (int)v->v.i : -1;
}

void hf_opts_each(const struct hf_opts *o, const char *key,
                  void (*fn)(const struct hf_opt_val *v, void *ctx), void *ctx)
{
    int di = def_index(o, key);
    for (size_t j = o->ndefs; j < o->nvals; j++)
        if (o->vals[j].def == &o->defs[di])
            fn(&o->vals[j], ctx);
}

/* ------------------------------------------------------------ describe */

static void describe_one(const struct hf_opts *o, const struct hf_opt_val *v,
                         int indent, struct hf_strbuf *out)
{
    char key[256];
    if (v->arg && (v->def->flags & HF_OPTF_PREFIX))
        snprintf(key, sizeof key, "%s%s%s", o->prefix, v->def->key, v->arg);
    else if (v->arg) {
        const char *hash = strchr(v->def->key, '#');
        snprintf(key, sizeof key, "%s%.*s%s%s", o->prefix,
                 (int)(hash - v->def->key), v->def->key, v->arg, hash + 1);
    } else
        snprintf(key, sizeof key, "%s%s", o->prefix, v->def->key);
    const char *text = v->secret || (v->def->flags & HF_OPTF_SENSITIVE)
                           ? "******"
                           : v->text;
    char note[300] = "";
    if (!v->set)
        snprintf(note, sizeof note, "  (default%s%s)",
                 v->gen ? " of generation " : "", v->gen ? v->gen : "");
    else if ((v->kv && v->kv->via) ||
             (v->key_used && !v->arg && strcasecmp(v->key_used, v->def->key)))
        snprintf(note, sizeof note, "  (as '%s'%s%s)",
                 v->kv ? hf_kv_shown(v->kv) : v->key_used,
                 v->gen ? ", generation " : "", v->gen ? v->gen : "");
    hf_strbuf_printf(out, "%*s%s = '%s'%s\n", indent, "", key, text, note);
}

void hf_opts_describe(const struct hf_opts *o, int indent,
                      struct hf_strbuf *out)
{
    if (o->gen)
        hf_strbuf_printf(out,
                         "%*s(option names of generation %s, as '%s': "
                         "options left unset take that generation's "
                         "defaults)\n",
                         indent, "", o->gen, o->gen_key ? o->gen_key : "?");
    for (size_t i = 0; i < o->nvals; i++) {
        const struct hf_opt_val *v = &o->vals[i];
        if (v->text == NULL)
            continue;
        describe_one(o, v, indent, out);
    }
}

/* ------------------------------------------------------------ docs */

static void default_text(const struct hf_opt_def *d, char *buf, size_t n)
{
    if (d->def == NULL)
        snprintf(buf, n, "(none)");
    else if (d->def[0] == '\0')
        snprintf(buf, n, "(empty)");
    else
        snprintf(buf, n, "%s", d->def);
}

static void values_text(const struct hf_opt_def *d, char *buf, size_t n)
{
    buf[0] = '\0';
    if (d->type == HF_OPT_ENUM) {
        list_values(d, buf, n);
    } else if (d->flags & HF_OPTF_RANGE) {
        snprintf(buf, n, "%" PRId64 " .. %" PRId64 "%s", d->min, d->max,
                 d->type == HF_OPT_DURATION ? " ms" : "");
    }
}

/* "a, b, oldName (000), connector.old (001)": the aliases, then every
 * older generation's spellings with the generation. */
static void aliases_text(const struct hf_opt_def *d, const char *prefix,
                         char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    for (const char *const *a = d->aliases; a && *a && off < n; a++) {
        int w = snprintf(buf + off, n - off, "%s%s%s%s%s%s", off ? ", " : "",
                         prefix, *a, d->gen ? " (" : "", d->gen ? d->gen : "",
                         d->gen ? ")" : "");
        if (w < 0)
            break;
        off += (size_t)w;
    }
    for (const struct hf_opt_gen *g = d->gens; g && g->gen; g++)
        for (const char *const *a = g->keys; a && *a && off < n; a++) {
            int w = snprintf(buf + off, n - off, "%s%s%s (%s)", off ? ", " : "",
                             prefix, *a, g->gen);
            if (w < 0)
                break;
            off += (size_t)w;
        }
    if (off >= n && n > 4)
        memcpy(buf + n - 4, "...", 4);
}

/* "; 000: 3; 001: 3" (with backquotes around values in markdown): the
 * defaults of older generations that differ from the current one. */
static void gen_defaults_text(const struct hf_opt_def *d, bool markdown,
                              char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    const char *q = markdown ? "`" : "";
    for (const struct hf_opt_gen *g = d->gens; g && g->gen && off < n; g++) {
        if (g->def == NULL)
            continue;
        int w = snprintf(buf + off, n - off, "; %s%s: %s%s%s",
                         markdown ? "" : "generation ", g->gen, q,
                         g->def[0] ? g->def : "(empty)", q);
        if (w < 0)
            break;
        off += (size_t)w;
    }
}

void hf_opt_doc_markdown(const char *title, const char *summary,
                         const char *prefix, const struct hf_opt_def *defs,
                         size_t ndefs, struct hf_strbuf *out)
{
    if (prefix == NULL)
        prefix = "";
    hf_strbuf_printf(out,
                     "<!-- Generated by `holoflow options --write-docs`; do "
                     "not edit. -->\n# %s\n\n%s\n\n",
                     title, summary);
    hf_strbuf_puts(out, "| Option | Aliases | Type | Default | Values | "
                        "Required | Description |\n");
    hf_strbuf_puts(out, "|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < ndefs; i++) {
        const struct hf_opt_def *d = &defs[i];
        char def[128], vals[512], al[1024], gd[256];
        default_text(d, def, sizeof def);
        values_text(d, vals, sizeof vals);
        aliases_text(d, prefix, al, sizeof al);
        gen_defaults_text(d, true, gd, sizeof gd);
        const char *star = (d->flags & HF_OPTF_PREFIX) ? "*" : "";
        hf_strbuf_printf(out,
                         "| `%s%s%s`%s%s%s | %s | %s%s | %s%s%s%s | %s | %s | "
                         "%s |\n",
                         prefix, d->key, star, d->gen ? " (" : "",
                         d->gen ? d->gen : "", d->gen ? ")" : "",
                         al[0] ? al : "", type_name(d->type),
                         (d->flags & HF_OPTF_SENSITIVE) ? " (secret)" : "",
                         d->def ? "`" : "", def, d->def ? "`" : "", gd, vals,
                         (d->flags & HF_OPTF_REQUIRED) ? "yes" : "no", d->doc);
    }
}

void hf_opt_doc_text(const char *title, const char *summary,
                     const char *prefix, const struct hf_opt_def *defs,
                     size_t ndefs, struct hf_strbuf *out)
{
    if (prefix == NULL)
        prefix = "";
    hf_strbuf_printf(out, "%s - %s\n\n", title, summary);
    for (size_t i = 0; i < ndefs; i++) {
        const struct hf_opt_def *d = &defs[i];
        char def[128], vals[512], al[1024], gd[256];
        default_text(d, def, sizeof def);
        values_text(d, vals, sizeof vals);
        aliases_text(d, prefix, al, sizeof al);
        gen_defaults_text(d, false, gd, sizeof gd);
        hf_strbuf_printf(
            out, "  %s%s%s  (%s%s%s%s%s)\n", prefix, d->key,
            (d->flags & HF_OPTF_PREFIX) ? "*" : "", type_name(d->type),
            (d->flags & HF_OPTF_REQUIRED) ? ", required" : "",
            (d->flags & HF_OPTF_SENSITIVE) ? ", secret" : "",
            d->gen ? ", a name of generation " : "", d->gen ? d->gen : "");
        hf_strbuf_printf(out, "      default: %s%s\n", def, gd);
        if (vals[0])
            hf_strbuf_printf(out, "      values: %s\n", vals);
        if (al[0])
            hf_strbuf_printf(out, "      aliases: %s\n", al);
        hf_strbuf_printf(out, "      %s\n", d->doc);
    }
}
