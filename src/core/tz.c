/*
 * tz.c - time zones: fixed offsets and tz database regions (see tz.h).
 *
 * A region is read from its TZif file (RFC 8536): the 64-bit transition
 * table of a version 2+ file, and the POSIX TZ rule of its footer for
 * instants after the last transition (slim files keep only a few
 * transitions and rely on the rule). Leap-second records are ignored, as
 * java.time does. Loaded zones go into a process-wide list guarded by a
 * mutex and are never freed: the list keeps them reachable, and every
 * pointer handed out stays valid until exit. Lookups of an offset do no
 * allocation and take no lock.
 */
#include "core/tz.h"

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/datetime.h"

/* ------------------------------------------------------------ layout */

/* A rule of a POSIX TZ string: when daylight time starts or ends. */
struct tz_rule {
    char kind;    /* 'M' month.week.day, 'J' Julian 1..365, 'N' 0..365 */
    int m, w, d;  /* 'M' */
    int n;        /* 'J', 'N' */
    int32_t time; /* seconds after local midnight */
};

struct hf_tz {
    struct hf_tz *next;
    char *id;
    bool fixed;
    int32_t fixed_off;
    /* Transitions: at trans[i] (UTC seconds) the offset becomes off[i]. */
    uint32_t ntrans;
    int64_t *trans;
    int32_t *off;
    int32_t initial_off; /* before the first transition */
    /* The footer rule, for instants after the last transition. */
    bool has_rule;
    bool rule_dst;
    int32_t std_off, dst_off; /* seconds east of UTC */
    struct tz_rule start, end;
};

static struct hf_tz utc_zone = {.id = "UTC", .fixed = true};
static struct hf_tz *loaded;
static pthread_mutex_t load_mu = PTHREAD_MUTEX_INITIALIZER;

const struct hf_tz *hf_tz_utc(void)
{
    return &utc_zone;
}

const char *hf_tz_id(const struct hf_tz *tz)
{
    return tz ? tz->id : "UTC";
}

/* ------------------------------------------------------------ rules */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since the epoch of the day a rule names in year y. */
static int64_t rule_day(const struct tz_rule *r, int64_t y)
{
    int64_t jan1 = hf_days_from_civil(y, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->n - 1 + (leap(y) && r->n >= 60 ? 1 : 0);
    if (r->kind == 'N')
        return jan1 + r->n;
    int64_t first = hf_days_from_civil(y, (unsigned)r->m, 1);
    int wd = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01: Thursday */
    int64_t day = first + (r->d - wd + 7) % 7 + 7 * (r->w - 1);
    int64_t next = r->m == 12 ? hf_days_from_civil(y + 1, 1, 1)
                              : hf_days_from_civil(y, (unsigned)r->m + 1, 1);
    while (day >= next)
        day -= 7;
    return day;
}

static int32_t rule_offset(const struct hf_tz *z, int64_t t)
{
    if (!z->rule_dst)
        return z->std_off;
    int64_t days = floor_div(t + z->std_off, 86400);
    int64_t y;
    unsigned m, d;
    hf_civil_from_days(days, &y, &m, &d);
    /* Start is given in standard time, end in daylight time. */
    int64_t s = rule_day(&z->start, y) * 86400 + z->start.time - z->std_off;
    int64_t e = rule_day(&z->end, y) * 86400 + z->end.time - z->dst_off;
    bool dst = s < e ? (t >= s && t < e) : !(t >= e && t < s);
    return dst ? z->dst_off : z->std_off;
}

/* ------------------------------------------------------------ POSIX TZ */

static const char *posix_name(const char *p)
{
    if (*p == '<') {
        while (*p && *p != '>')
            p++;
        return *p == '>' ? p + 1 : NULL;
    }
    const char *s = p;
    while (isalpha((unsigned char)*p))
        p++;
    return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] into seconds; NULL on a bad text. */
static const char *posix_time(const char *p, int32_t *out)
{
    int sign = 1;
    if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        p++;
    }
    if (!isdigit((unsigned char)*p))
        return NULL;
    int32_t parts[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        int32_t v = 0;
        int digits = 0;
        while (isdigit((unsigned char)*p) && digits < 3) {
            v = v * 10 + (*p++ - '0');
            digits++;
        }
        parts[k] = v;
        if (k < 2 && *p == ':' && isdigit((unsigned char)p[1]))
            p++;
        else
            break;
    }
    *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
    return p;
}

static const char *posix_rule(const char *p, struct tz_rule *r)
{
    r->time = 7200;
    if (*p == 'M') {
        r->kind = 'M';
        if (sscanf(p + 1, "%d.%d.%d", &r->m, &r->w, &r->d) != 3 || r->m < 1 ||
            r->m > 12 || r->w < 1 || r->w > 5 || r->d < 0 || r->d > 6)
            return NULL;
        p++;
        while (isdigit((unsigned char)*p) || *p == '.')
            p++;
    } else {
        r->kind = 'N';
        if (*p == 'J') {
            r->kind = 'J';
            p++;
        }
        if (!isdigit((unsigned char)*p))
            return NULL;
        r->n = 0;
        while (isdigit((unsigned char)*p))
            r->n = r->n * 10 + (*p++ - '0');
    }
    if (*p == '/') {
        p = posix_time(p + 1, &r->time);
        if (p == NULL)
            return NULL;
    }
    return p;
}

static bool parse_posix(struct hf_tz *z, const char *p)
{
    int32_t v;
    p = posix_name(p);
    if (p == NULL || (p = posix_time(p, &v)) == NULL)
        return false;
    z->std_off = -v;
    z->dst_off = z->std_off + 3600;
    z->has_rule = true;
    if (*p == '\0')
        return true;
    p = posix_name(p);
    if (p == NULL)
        return false;
    z->rule_dst = true;
    if (*p != ',' && *p != '\0') {
        p = posix_time(p, &v);
        if (p == NULL)
            return false;
        z->dst_off = -v;
    }
    if (*p != ',') {
        /* No rule: the US rules, as POSIX suggests. */
        z->start = (struct tz_rule){.kind = 'M', .m = 3, .w = 2, .time = 7200};
        z->end = (struct tz_rule){.kind = 'M', .m = 11, .w = 1, .time = 7200};
        return true;
    }
    p = posix_rule(p + 1, &z->start);
    if (p == NULL || *p != ',')
        return false;
    p = posix_rule(p + 1, &z->end);
    return p != NULL && *p == '\0';
}

/* ------------------------------------------------------------ TZif */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
    uint32_t isut, isstd, leap, time, type, chars;
};

static bool tzif_header(const unsigned char *p, size_t n, struct tzif_counts *c)
{
    if (n < 44 || memcmp(p, "TZif", 4) != 0)
        return false;
    c->isut = be32(p + 20);
    c->isstd = be32(p + 24);
    c->leap = be32(p + 28);
    c->time = be32(p + 32);
    c->type = be32(p + 36);
    c->chars = be32(p + 40);
    return c->type > 0 && c->type < 256 && c->time < 100000 &&
           c->leap < 100000 && c->chars < 100000;
}

static size_t tzif_body(const struct tzif_counts *c, size_t tsize)
{
    return (size_t)c->time * tsize + c->time + (size_t)c->type * 6 + c->chars +
           (size_t)c->leap * (tsize + 4) + c->isstd + c->isut;
}

static bool parse_tzif(struct hf_tz *z, const unsigned char *p, size_t n)
{
    struct tzif_counts c;
    if (!tzif_header(p, n, &c))
        return false;
    size_t tsize = 4;
    const unsigned char *d = p + 44;
    size_t left = n - 44;
    if (p[4] >= '2') {
        size_t skip = tzif_body(&c, 4);
        if (skip > left)
            return false;
        d += skip;
        left -= skip;
        if (!tzif_header(d, left, &c))
            return false;
        d += 44;
        left -= 44;
        tsize = 8;
    }
    size_t body = tzif_body(&c, tsize);
    if (body > left)
        return false;
    z->trans = calloc(c.time ? c.time : 1, sizeof *z->trans);
    z->off = calloc(c.time ? c.time : 1, sizeof *z->off);
    if (z->trans == NULL || z->off == NULL)
        return false;
    const unsigned char *times = d, *idx = d + (size_t)c.time * tsize;
    const unsigned char *types = idx + c.time;
    for (uint32_t i = 0; i < c.time; i++) {
        z->trans[i] = tsize == 8
                          ? be64(times + 8 * (size_t)i)
                          : (int64_t)(int32_t)be32(times + 4 * (size_t)i);
        if (idx[i] >= c.type)
            return false;
        z->off[i] = (int32_t)be32(types + 6 * (size_t)idx[i]);
    }
    z->ntrans = c.time;
    z->initial_off = (int32_t)be32(types);
    if (tsize == 8) {
        const unsigned char *f = d + body;
        size_t fl = left - body;
        if (fl >= 2 && f[0] == '\n') {
            const unsigned char *e = memchr(f + 1, '\n', fl - 1);
            if (e && e > f + 1) {
                char rule[128];
                size_t rl = (size_t)(e - f - 1);
                if (rl < sizeof rule) {
                    memcpy(rule, f + 1, rl);
                    rule[rl] = '\0';
                    if (!parse_posix(z, rule))
                        z->has_rule = false;
                }
            }
        }
    }
    return true;
}

static bool load_region(struct hf_tz *z, const char *id)
{
    const char *dir = getenv("TZDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = "/usr/share/zoneinfo";
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, id);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    size_t cap = 1 << 17;
    unsigned char *buf = malloc(cap);
    if (buf == NULL) {
        fclose(f);
        return false;
    }
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    bool ok = n < cap && parse_tzif(z, buf, n);
    free(buf);
    return ok;
}

/* ------------------------------------------------------------ ids */

/* Java's ZoneOffset.of text after the sign: h, hh, hh:mm, hhmm, hh:mm:ss,
 * hhmmss. Seconds east of UTC, or false. */
static bool parse_offset(const char *s, int32_t *out)
{
    if (*s != '+' && *s != '-')
        return false;
    int sign = *s == '-' ? -1 : 1;
    s++;
    size_t l = strlen(s);
    for (size_t i = 0; i < l; i++)
        if (!isdigit((unsigned char)s[i]) && s[i] != ':')
            return false;
    int h = 0, m = 0, sec = 0;
    if (l == 1 || l == 2) {
        if (strchr(s, ':'))
            return false;
        h = l == 1 ? s[0] - '0' : (s[0] - '0') * 10 + (s[1] - '0');
    } else if (l == 4 && !strchr(s, ':')) {
        h = (s[0] - '0') * 10 + (s[1] - '0');
        m = (s[2] - '0') * 10 + (s[3] - '0');
    } else if (l == 5 && s[2] == ':') {
        h = (s[0] - '0') * 10 + (s[1] - '0');
        m = (s[3] - '0') * 10 + (s[4] - '0');
    } else if (l == 6 && !strchr(s, ':')) {
        h = (s[0] - '0') * 10 + (s[1] - '0');
        m = (s[2] - '0') * 10 + (s[3] - '0');
        sec = (s[4] - '0') * 10 + (s[5] - '0');
    } else if (l == 8 && s[2] == ':' && s[5] == ':') {
        h = (s[0] - '0') * 10 + (s[1] - '0');
        m = (s[3] - '0') * 10 + (s[4] - '0');
        sec = (s[6] - '0') * 10 + (s[7] - '0');
    } else {
        return false;
    }
    if (h > 18 || m > 59 || sec > 59 || (h == 18 && (m || sec)))
        return false;
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
}

/* The old three-letter ids and the zones Java maps them to. */
static const char *const short_ids[][2] = {
    {"ACT", "Australia/Darwin"},
    {"AET", "Australia/Sydney"},
    {"AGT", "America/Argentina/Buenos_Aires"},
    {"ART", "Africa/Cairo"},
    {"AST", "America/Anchorage"},
    {"BET", "America/Sao_Paulo"},
    {"BST", "Asia/Dhaka"},
    {"CAT", "Africa/Harare"},
    {"CNT", "America/St_Johns"},
    {"CST", "America/Chicago"},
    {"CTT", "Asia/Shanghai"},
    {"EAT", "Africa/Addis_Ababa"},
    {"ECT", "Europe/Paris"},
    {"EST", "-05:00"},
    {"HST", "-10:00"},
    {"IET", "America/Indiana/Indianapolis"},
    {"IST", "Asia/Kolkata"},
    {"JST", "Asia/Tokyo"},
    {"MIT", "Pacific/Apia"},
    {"MST", "-07:00"},
    {"NET", "Asia/Yerevan"},
    {"NST", "Pacific/Auckland"},
    {"PLT", "Asia/Karachi"},
    {"PNT", "America/Phoenix"},
    {"PRT", "America/Puerto_Rico"},
    {"PST", "America/Los_Angeles"},
    {"SST", "Pacific/Guadalcanal"},
    {"VST", "Asia/Ho_Chi_Minh"},
};

static bool region_id_ok(const char *id)
{
    if (!isalpha((unsigned char)id[0]) || strlen(id) > 200 || strstr(id, ".."))
        return false;
    for (const char *c = id; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("~/._+-", *c))
            return false;
    return true;
}

static struct hf_tz *new_zone(const char *id)
{
    struct hf_tz *z = calloc(1, sizeof *z);
    if (z == NULL)
        return NULL;
    z->id = strdup(id);
    if (z->id == NULL) {
        free(z);
        return NULL;
    }
    return z;
}

static void free_zone(struct hf_tz *z)
{
    if (z == NULL)
        return;
    free(z->trans);
    free(z->off);
    free(z->id);
    free(z);
}

/* Build the zone for `id` (not cached yet); NULL when unknown. */
static struct hf_tz *make_zone(const char *id, const char *shown)
{
    struct hf_tz *z = new_zone(shown);
    if (z == NULL)
        return NULL;
    int32_t off;
    if (strcmp(id, "Z") == 0 || strcmp(id, "UTC") == 0 ||
        strcmp(id, "GMT") == 0 || strcmp(id, "UT") == 0) {
        z->fixed = true;
        return z;
    }
    if (parse_offset(id, &off)) {
        z->fixed = true;
        z->fixed_off = off;
        return z;
    }
    static const char *const prefixes[] = {"UTC", "GMT", "UT"};
    for (size_t k = 0; k < 3; k++) {
        size_t pl = strlen(prefixes[k]);
        if (strncmp(id, prefixes[k], pl) == 0 &&
            (id[pl] == '+' || id[pl] == '-')) {
            if (!parse_offset(id + pl, &off))
                break;
            z->fixed = true;
            z->fixed_off = off;
            return z;
        }
    }
    if (region_id_ok(id) && load_region(z, id))
        return z;
    free_zone(z);
    return NULL;
}

const struct hf_tz *hf_tz_find(const char *id, char *why, size_t n)
{
    if (id == NULL || strcmp(id, "UTC") == 0)
        return &utc_zone;
    pthread_mutex_lock(&load_mu);
    for (struct hf_tz *z = loaded; z; z = z->next)
        if (strcmp(z->id, id) == 0) {
            pthread_mutex_unlock(&load_mu);
            return z;
        }
    const char *real = id;
    for (size_t k = 0; k < sizeof short_ids / sizeof short_ids[0]; k++)
        if (strcmp(id, short_ids[k][0]) == 0)
            real = short_ids[k][1];
    struct hf_tz *z = make_zone(real, id);
    if (z) {
        z->next = loaded;
        loaded = z;
    }
    pthread_mutex_unlock(&load_mu);
    if (z == NULL)
        snprintf(why, n,
                 "unknown time zone '%s'; write a region such as "
                 "'Asia/Shanghai' or 'America/Los_Angeles', or an offset "
                 "such as 'GMT+08:00'",
                 id);
    return z;
}

const struct hf_tz *hf_tz_find_session(const char *id, char *why, size_t n)
{
    if (strcmp(id, "default") == 0)
        return &utc_zone;
    bool short_id = false;
    for (size_t k = 0; k < sizeof short_ids / sizeof short_ids[0]; k++)
        if (strcasecmp(id, short_ids[k][0]) == 0)
            short_id = true;
    if (strncasecmp(id, "UTC+", 4) == 0 || strncasecmp(id, "UTC-", 4) == 0 ||
        short_id) {
        snprintf(why, n,
                 "the supported zone id is either a full name such as "
                 "'America/Los_Angeles', or a custom id such as 'GMT-08:00', "
                 "but the configured zone id is '%s'",
                 id);
        return NULL;
    }
    return hf_tz_find(id, why, n);
}

/* ------------------------------------------------------------ offsets */

int32_t hf_tz_offset(const struct hf_tz *z, int64_t utc_usec)
{
    if (z == NULL || z->fixed)
        return z ? z->fixed_off : 0;
    int64_t t = floor_div(utc_usec, HF_USEC_PER_SEC);
    if (z->ntrans == 0 || t < z->trans[0])
        return z->ntrans == 0 && z->has_rule ? rule_offset(z, t)
                                             : z->initial_off;
    if (t >= z->trans[z->ntrans - 1] && z->has_rule)
        return rule_offset(z, t);
    uint32_t lo = 0, hi = z->ntrans; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->off[lo];
}

int64_t hf_tz_to_local(const struct hf_tz *z, int64_t utc_usec)
{
    return utc_usec + (int64_t)hf_tz_offset(z, utc_usec) * HF_USEC_PER_SEC;
}

int64_t hf_tz_to_utc(const struct hf_tz *z, int64_t local_usec)
{
    if (z == NULL || z->fixed)
        return local_usec - (int64_t)(z ? z->fixed_off : 0) * HF_USEC_PER_SEC;
    /* The offsets in force a day before and after; zones change at most
     * once in two days. */
    int64_t before = (int64_t)hf_tz_offset(z, local_usec - HF_USEC_PER_DAY) *
                     HF_USEC_PER_SEC;
    int64_t after = (int64_t)hf_tz_offset(z, local_usec + HF_USEC_PER_DAY) *
                    HF_USEC_PER_SEC;
    if (before == after)
        return local_usec - before;
    bool before_ok =
        (int64_t)hf_tz_offset(z, local_usec - before) * HF_USEC_PER_SEC ==
        before;
    bool after_ok =
        (int64_t)hf_tz_offset(z, local_usec - after) * HF_USEC_PER_SEC == after;
    /* Overlap: the earlier instant (the offset before the change). Gap:
     * the offset before the change too, which moves the time later. */
    if (after_ok && !before_ok)
        return local_usec - after;
    return local_usec - before;
}
