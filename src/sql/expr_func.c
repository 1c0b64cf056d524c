/*
 * expr_func.c - built-in scalar functions and Java-style date patterns.
 *
 * Functions follow Flink's documented behaviour: string functions count
 * characters (UTF-8), not bytes; UPPER/LOWER change ASCII letters only
 * (other characters pass through unchanged); TO_TIMESTAMP and friends yield
 * NULL for text they cannot parse; the session time zone is UTC, so NOW()
 * and a TIMESTAMP_LTZ print as UTC wall-clock time.
 *
 * Date patterns use the letters of java.time's DateTimeFormatter that jobs
 * actually write: y M d H h m s S a, quoted 'text' and '' for a quote;
 * anything else that is a letter is rejected when the pattern is compiled
 * (at plan time, since patterns must be literals), so a typo never becomes
 * silent garbage.
 */
#include <ctype.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "core/datetime.h"
#include "core/decimal.h"
#include "core/valueconv.h"
#include "sql/expr_int.h"

#include <openssl/evp.h>

/* ------------------------------------------------------------ patterns */

enum dt_kind {
    DT_LIT,
    DT_YEAR,
    DT_MONTH,
    DT_DAY,
    DT_HOUR,
    DT_HOUR12,
    DT_MINUTE,
    DT_SECOND,
    DT_FRAC,
    DT_AMPM
};

struct dt_elem {
    enum dt_kind k;
    int count;
    uint32_t lit_off, lit_len; /* DT_LIT: text in fmt->text */
};

struct hf_dtfmt {
    uint32_t n;
    struct dt_elem *el;
    char *text;    /* literal parts */
    char *pattern; /* the pattern as written */
};

static const char *const month_short[12] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
static const char *const month_long[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

void hf_dtfmt_free(struct hf_dtfmt *f)
{
    free(f);
}

const char *hf_dtfmt_pattern(const struct hf_dtfmt *f)
{
    return f->pattern;
}

struct hf_dtfmt *hf_dtfmt_compile(const char *pat, char *why, size_t n)
{
    size_t len = strlen(pat);
    size_t size = sizeof(struct hf_dtfmt) + (len + 1) * sizeof(struct dt_elem) +
                  2 * (len + 1);
    struct hf_dtfmt *f = calloc(1, size);
    if (f == NULL) {
        snprintf(why, n, "out of memory");
        return NULL;
    }
    f->el = (struct dt_elem *)(f + 1);
    f->text = (char *)(f->el + len + 1);
    f->pattern = f->text + len + 1;
    memcpy(f->pattern, pat, len + 1);
    uint32_t tl = 0;
    for (size_t i = 0; i < len;) {
        char c = pat[i];
        if (isalpha((unsigned char)c)) {
            size_t j = i;
            while (j < len && pat[j] == c)
                j++;
            int count = (int)(j - i);
            enum dt_kind k;
            switch (c) {
            case 'y':
            case 'u':
                k = DT_YEAR;
                break;
            case 'M':
            case 'L':
                k = DT_MONTH;
                break;
            case 'd':
                k = DT_DAY;
                break;
            case 'H':
                k = DT_HOUR;
                break;
            case 'h':
                k = DT_HOUR12;
                break;
            case 'm':
                k = DT_MINUTE;
                break;
            case 's':
                k = DT_SECOND;
                break;
            case 'S':
                k = DT_FRAC;
                break;
            case 'a':
                k = DT_AMPM;
                break;
            case 'z':
            case 'Z':
            case 'X':
            case 'x':
            case 'O':
            case 'V':
                snprintf(why, n,
                         "pattern letter '%c' (time zone) is not "
                         "supported; the session time zone is UTC",
                         c);
                free(f);
                return NULL;
            default:
                snprintf(why, n,
                         "pattern letter '%c' is not supported "
                         "(supported: y M d H h m s S a, and 'quoted text')",
                         c);
                free(f);
                return NULL;
            }
            if (count > 9 || (k == DT_AMPM && count != 1)) {
                snprintf(why, n, "too many '%c' in a row", c);
                free(f);
                return NULL;
            }
            struct dt_elem *el = &f->el[f->n++];
            el->k = k;
            el->count = count;
            i = j;
            continue;
        }
        /* Literal text: quoted or plain characters. */
        struct dt_elem *el = &f->el[f->n++];
        el->k = DT_LIT;
        el->lit_off = tl;
        if (c == '\'') {
            size_t j = i + 1;
            if (j < len && pat[j] == '\'') {
                f->text[tl++] = '\'';
                i = j + 1;
            } else {
                for (;;) {
                    if (j >= len) {
                        snprintf(why, n, "unterminated quote in the pattern");
                        free(f);
                        return NULL;
                    }
                    if (pat[j] == '\'') {
                        if (j + 1 < len && pat[j + 1] == '\'') {
                            f->text[tl++] = '\'';
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    f->text[tl++] = pat[j++];
                }
                i = j + 1;
            }
        } else {
            while (i < len && !isalpha((unsigned char)pat[i]) && pat[i] != '\'')
                f->text[tl++] = pat[i++];
        }
        el->lit_len = tl - el->lit_off;
    }
    return f;
}

static size_t put_num(char *buf, size_t n, size_t off, long long v, int width)
{
    if (off >= n)
        return off;
    int w = snprintf(buf + off, n - off, "%0*lld", width, v);
    if (w < 0)
        return off;
    off += (size_t)w;
    return off < n ? off : n - 1;
}

static size_t put_str(char *buf, size_t n, size_t off, const char *s, size_t l)
{
    if (off + l >= n)
        l = off < n - 1 ? n - 1 - off : 0;
    memcpy(buf + off, s, l);
    return off + l;
}

static int64_t floor_div64(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

size_t hf_dtfmt_format(const struct hf_dtfmt *f, int64_t usec, char *buf,
                       size_t n)
{
    int64_t days = floor_div64(usec, HF_USEC_PER_DAY);
    int64_t rem = usec - days * HF_USEC_PER_DAY;
    int64_t y;
    unsigned mo, d;
    hf_civil_from_days(days, &y, &mo, &d);
    int hour = (int)(rem / (3600 * HF_USEC_PER_SEC));
    int minute = (int)(rem / (60 * HF_USEC_PER_SEC) % 60);
    int sec = (int)(rem / HF_USEC_PER_SEC % 60);
    int64_t frac = rem % HF_USEC_PER_SEC;
    size_t off = 0;
    if (n == 0)
        return 0;
    for (uint32_t i = 0; i < f->n; i++) {
        const struct dt_elem *el = &f->el[i];
        switch (el->k) {
        case DT_LIT:
            off = put_str(buf, n, off, f->text + el->lit_off, el->lit_len);
            break;
        case DT_YEAR:
            if (el->count == 2)
                off = put_num(buf, n, off, (long long)(((y % 100) + 100) % 100),
                              2);
            else
                off = put_num(buf, n, off, (long long)y, el->count);
            break;
        case DT_MONTH:
            if (el->count == 3)
                off = put_str(buf, n, off, month_short[mo - 1], 3);
            else if (el->count >= 4)
                off = put_str(buf, n, off, month_long[mo - 1],
                              strlen(month_long[mo - 1]));
            else
                off = put_num(buf, n, off, mo, el->count);
            break;
        case DT_DAY:
            off = put_num(buf, n, off, d, el->count);
            break;
        case DT_HOUR:
            off = put_num(buf, n, off, hour, el->count);
            break;
        case DT_HOUR12:
            off = put_num(buf, n, off, hour % 12 == 0 ? 12 : hour % 12,
                          el->count);
            break;
        case DT_MINUTE:
            off = put_num(buf, n, off, minute, el->count);
            break;
        case DT_SECOND:
            off = put_num(buf, n, off, sec, el->count);
            break;
        case DT_FRAC: {
            char digits[16];
            snprintf(digits, sizeof digits, "%06lld000", (long long)frac);
            off = put_str(buf, n, off, digits, (size_t)el->count);
            break;
        }
        case DT_AMPM:
            off = put_str(buf, n, off, hour < 12 ? "AM" : "PM", 2);
            break;
        }
    }
    buf[off] = '\0';
    return off;
}

static bool numeric_elem(const struct dt_elem *el)
{
    return el->k != DT_LIT && el->k != DT_AMPM &&
           !(el->k == DT_MONTH && el->count >= 3);
}

int hf_dtfmt_parse(const struct hf_dtfmt *f, const char *s, size_t len,
                   int64_t *usec)
{
    int64_t y = 1970;
    int mo = 1, d = 1, hour = 0, minute = 0, sec = 0, pm = -1;
    int64_t frac = 0;
    size_t i = 0;
    for (uint32_t k = 0; k < f->n; k++) {
        const struct dt_elem *el = &f->el[k];
        if (el->k == DT_LIT) {
            if (i + el->lit_len > len ||
                memcmp(s + i, f->text + el->lit_off, el->lit_len) != 0)
                return -1;
            i += el->lit_len;
            continue;
        }
        if (el->k == DT_AMPM) {
            if (i + 2 > len)
                return -1;
            if (strncasecmp(s + i, "AM", 2) == 0)
                pm = 0;
            else if (strncasecmp(s + i, "PM", 2) == 0)
                pm = 1;
            else
                return -1;
            i += 2;
            continue;
        }
        if (el->k == DT_MONTH && el->count >= 3) {
            int found = -1;
            for (int m = 0; m < 12 && found < 0; m++) {
                size_t l = el->count == 3 ? 3 : strlen(month_long[m]);
                const char *name =
                    el->count == 3 ? month_short[m] : month_long[m];
                if (i + l <= len && strncasecmp(s + i, name, l) == 0) {
                    found = m;
                    i += l;
                }
            }
            if (found < 0)
                return -1;
            mo = found + 1;
            continue;
        }
        /* A number: exactly `count` digits when another number follows
         * directly (yyyyMMdd), else 1 up to the field's natural width. */
        bool fixed = k + 1 < f->n && numeric_elem(&f->el[k + 1]);
        int maxw = el->k == DT_YEAR   ? (el->count == 2 ? 2 : 9)
                   : el->k == DT_FRAC ? 9
                                      : (el->count > 2 ? el->count : 2);
        int minw = 1;
        if (fixed || (el->k == DT_YEAR && el->count == 2)) {
            minw = el->count;
            maxw = el->count;
        }
        int64_t v = 0;
        int w = 0;
        while (w < maxw && i < len && isdigit((unsigned char)s[i])) {
            v = v * 10 + (s[i] - '0');
            i++;
            w++;
        }
        if (w < minw)
            return -1;
        switch (el->k) {
        case DT_YEAR:
            y = el->count == 2 ? 2000 + v : v;
            break;
        case DT_MONTH:
            mo = (int)v;
            break;
        case DT_DAY:
            d = (int)v;
            break;
        case DT_HOUR:
            hour = (int)v;
            break;
        case DT_HOUR12:
            hour = (int)v;
            if (pm < 0)
                pm = -2;
            break;
        case DT_MINUTE:
            minute = (int)v;
            break;
        case DT_SECOND:
            sec = (int)v;
            break;
        case DT_FRAC: {
            /* v has w digits: scale to microseconds. */
            int64_t u = v;
            for (int z = w; z < 6; z++)
                u *= 10;
            for (int z = 6; z < w; z++)
                u /= 10;
            frac = u;
            break;
        }
        default:
            break;
        }
    }
    if (i != len)
        return -1;
    for (uint32_t k = 0; k < f->n; k++) {
        if (f->el[k].k == DT_HOUR12) {
            if (hour < 1 || hour > 12)
                return -1;
            hour %= 12;
            if (pm == 1)
                hour += 12;
        }
    }
    if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || hour > 23 ||
        minute > 59 || sec > 59)
        return -1;
    int64_t days = hf_days_from_civil(y, (unsigned)mo, (unsigned)d);
    int64_t y2;
    unsigned m2, d2;
    hf_civil_from_days(days, &y2, &m2, &d2);
    if (y2 != y || (int)m2 != mo || (int)d2 != d)
        return -1; /* e.g. February 30 */
    *usec = days * HF_USEC_PER_DAY +
            ((int64_t)hour * 3600 + minute * 60 + sec) * HF_USEC_PER_SEC + frac;
    return 0;
}

/* ------------------------------------------------------------ helpers */

static void set_null(struct hf_value *res)
{
    memset(res, 0, sizeof *res);
    res->null = true;
}

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM,
                        "out of memory evaluating a function");
}

static int set_str(struct hf_batch *out, struct hf_value *res, const char *p,
                   size_t len, struct hf_error *err)
{
    memset(res, 0, sizeof *res);
    if (hf_value_set_str(out, res, p, len) != 0)
        return oom(err);
    return 0;
}

static size_t u8len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1;
}

/* Is the character at s (of length cl) one of the characters of set? */
static bool in_set(const char *s, size_t cl, const char *set, size_t sl)
{
    for (size_t i = 0; i < sl;) {
        size_t l = u8len((unsigned char)set[i]);
        if (l == cl && memcmp(s, set + i, l) == 0)
            return true;
        i += l;
    }
    return false;
}

/* Length in bytes of the last UTF-8 character of [s, s+len). */
static size_t last_char_len(const char *s, size_t len)
{
    size_t i = len;
    while (i > 0) {
        i--;
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            break;
    }
    return len - i;
}

static int fn_trim(const struct hf_expr *e, const struct hf_value *v,
                   struct hf_value *res)
{
    const char *s = v[0].v.s.ptr;
    size_t len = v[0].v.s.len;
    const char *set = " ";
    size_t sl = 1;
    if (e->nargs > 1) {
        set = v[1].v.s.ptr;
        sl = v[1].v.s.len;
    }
    size_t a = 0, b = len;
    if (e->trim != 2) { /* BOTH or LEADING */
        while (a < b) {
            size_t cl = u8len((unsigned char)s[a]);
            if (a + cl > b || !in_set(s + a, cl, set, sl))
                break;
            a += cl;
        }
    }
    if (e->trim != 1) { /* BOTH or TRAILING */
        while (b > a) {
            size_t cl = last_char_len(s + a, b - a);
            if (!in_set(s + b - cl, cl, set, sl))
                break;
            b -= cl;
        }
    }
    memset(res, 0, sizeof *res);
    res->v.s.ptr = s + a;
    res->v.s.len = (uint32_t)(b - a);
    return 0;
}

static uint32_t char_count(const char *s, size_t len)
{
    uint32_t c = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

/* Byte offset of character index `ci` (0-based) in s. */
static size_t char_offset(const char *s, size_t len, int64_t ci)
{
    size_t i = 0;
    int64_t c = 0;
    while (i < len && c < ci) {
        i += u8len((unsigned char)s[i]);
        c++;
    }
    return i > len ? len : i;
}

static int fn_substring(const struct hf_expr *e, const struct hf_value *v,
                        struct hf_value *res)
{
    const char *s = v[0].v.s.ptr;
    size_t len = v[0].v.s.len;
    int64_t nchars = char_count(s, len);
    int64_t pos = v[1].v.i;
    int64_t start = pos > 0 ? pos - 1 : pos < 0 ? nchars + pos : 0;
    int64_t end = nchars;
    if (e->nargs > 2) {
        int64_t l = v[2].v.i;
        if (l < 0) {
            set_null(res); /* Flink: a negative length gives NULL */
            return 0;
        }
        end = start + l < nchars ? start + l : nchars;
        if (start + l < start) /* overflow */
            end = nchars;
    }
    if (start < 0)
        start = 0;
    memset(res, 0, sizeof *res);
    if (start >= end) {
        res->v.s.ptr = s;
        res->v.s.len = 0;
        return 0;
    }
    size_t a = char_offset(s, len, start);
    size_t b = char_offset(s, len, end);
    res->v.s.ptr = s + a;
    res->v.s.len = (uint32_t)(b - a);
    return 0;
}

static int fn_replace(const struct hf_value *v, struct hf_batch *out,
                      struct hf_value *res, struct hf_error *err)
{
    const char *s = v[0].v.s.ptr, *from = v[1].v.s.ptr, *to = v[2].v.s.ptr;
    size_t sl = v[0].v.s.len, fl = v[1].v.s.len, tl = v[2].v.s.len;
    if (fl == 0 || fl > sl) {
        *res = v[0];
        return 0;
    }
    size_t count = 0;
    for (size_t i = 0; i + fl <= sl;) {
        if (memcmp(s + i, from, fl) == 0) {
            count++;
            i += fl;
        } else {
            i++;
        }
    }
    if (count == 0) {
        *res = v[0];
        return 0;
    }
    size_t total = sl - count * fl + count * tl;
    char *buf = hf_arena_alloc(&out->arena, total ? total : 1);
    if (buf == NULL)
        return oom(err);
    size_t o = 0;
    for (size_t i = 0; i < sl;) {
        if (i + fl <= sl && memcmp(s + i, from, fl) == 0) {
            memcpy(buf + o, to, tl);
            o += tl;
            i += fl;
        } else {
            buf[o++] = s[i++];
        }
    }
    memset(res, 0, sizeof *res);
    res->v.s.ptr = buf;
    res->v.s.len = (uint32_t)total;
    return 0;
}

/* ------------------------------------------------------------ strings */

/* A string result of `len` bytes in the arena; NULL on out of memory. */
static char *str_alloc(struct hf_batch *out, struct hf_value *res, size_t len)
{
    char *p = hf_arena_alloc(&out->arena, len ? len : 1);
    memset(res, 0, sizeof *res);
    if (p) {
        res->v.s.ptr = p;
        res->v.s.len = (uint32_t)len;
    }
    return p;
}

static void set_int(struct hf_value *res, int64_t v)
{
    memset(res, 0, sizeof *res);
    res->v.i = v;
}

/* Byte offset of the first `needle` in s at or after byte `from`, or -1. */
static int64_t find_bytes(const char *s, size_t sl, const char *nd, size_t nl,
                          size_t from)
{
    if (nl == 0)
        return from <= sl ? (int64_t)from : -1;
    for (size_t i = from; i + nl <= sl; i++)
        if (memcmp(s + i, nd, nl) == 0)
            return (int64_t)i;
    return -1;
}

/* POSITION(needle IN hay [FROM n]) / LOCATE(needle, hay [, n]): 1-based
 * character position, 0 when absent. */
static int fn_position(const struct hf_expr *e, const struct hf_value *v,
                       struct hf_value *res)
{
    const char *hay = v[1].v.s.ptr;
    size_t hl = v[1].v.s.len;
    int64_t from = e->nargs > 2 ? v[2].v.i - 1 : 0;
    if (from < 0)
        from = 0;
    size_t bo = char_offset(hay, hl, from);
    if ((int64_t)char_count(hay, bo) < from) {
        set_int(res, 0);
        return 0;
    }
    int64_t at = find_bytes(hay, hl, v[0].v.s.ptr, v[0].v.s.len, bo);
    set_int(res, at < 0 ? 0 : (int64_t)char_count(hay, (size_t)at) + 1);
    return 0;
}

/* LPAD/RPAD(s, len, pad) in characters; NULL for a negative length or an
 * empty pad. */
static int fn_pad(const struct hf_expr *e, const struct hf_value *v,
                  struct hf_batch *out, struct hf_value *res,
                  struct hf_error *err)
{
    int64_t want = v[1].v.i;
    const char *s = v[0].v.s.ptr, *pad = v[2].v.s.ptr;
    size_t sl = v[0].v.s.len, pl = v[2].v.s.len;
    if (want < 0 || pl == 0) {
        set_null(res);
        return 0;
    }
    if (want > (int64_t)1 << 28)
        return hf_x_fail(e, err, HF_ERR_DATA, "padded length %lld too long",
                         (long long)want);
    int64_t have = char_count(s, sl);
    size_t keep = char_offset(s, sl, want < have ? want : have);
    int64_t need = want > have ? want - have : 0;
    /* Bytes of `need` pad characters, cycling through pad. */
    size_t padbytes = 0;
    int64_t pc = char_count(pad, pl);
    padbytes = (size_t)(need / pc) * pl + char_offset(pad, pl, need % pc);
    char *p = str_alloc(out, res, keep + padbytes);
    if (p == NULL)
        return oom(err);
    size_t o = 0;
    bool left = e->fn == HF_FN_LPAD;
    if (!left) {
        memcpy(p, s, keep);
        o = keep;
    }
    for (size_t k = 0; k < padbytes; k++)
        p[o++] = pad[k % pl];
    if (left)
        memcpy(p + o, s, keep);
    return 0;
}

static int fn_repeat(const struct hf_expr *e, const struct hf_value *v,
                     struct hf_batch *out, struct hf_value *res,
                     struct hf_error *err)
{
    int64_t n = v[1].v.i < 0 ? 0 : v[1].v.i;
    size_t sl = v[0].v.s.len;
    if (sl && (uint64_t)n > (UINT32_MAX / 2) / sl)
        return hf_x_fail(e, err, HF_ERR_DATA,
                         "REPEAT result too long (%lld times %zu bytes)",
                         (long long)n, sl);
    char *p = str_alloc(out, res, (size_t)n * sl);
    if (p == NULL)
        return oom(err);
    for (int64_t k = 0; k < n; k++)
        memcpy(p + (size_t)k * sl, v[0].v.s.ptr, sl);
    return 0;
}

static int fn_reverse(const struct hf_value *v, struct hf_batch *out,
                      struct hf_value *res, struct hf_error *err)
{
    const char *s = v[0].v.s.ptr;
    size_t sl = v[0].v.s.len;
    char *p = str_alloc(out, res, sl);
    if (p == NULL)
        return oom(err);
    for (size_t i = 0; i < sl;) {
        size_t cl = u8len((unsigned char)s[i]);
        if (i + cl > sl)
            cl = sl - i;
        memcpy(p + sl - i - cl, s + i, cl);
        i += cl;
    }
    return 0;
}

/* Words are runs of ASCII letters and digits: the first character of a
 * word upper case, the rest lower case. */
static int fn_initcap(const struct hf_value *v, struct hf_batch *out,
                      struct hf_value *res, struct hf_error *err)
{
    size_t sl = v[0].v.s.len;
    char *p = str_alloc(out, res, sl);
    if (p == NULL)
        return oom(err);
    bool start = true;
    for (size_t i = 0; i < sl; i++) {
        unsigned char c = (unsigned char)v[0].v.s.ptr[i];
        if (isalnum(c) && c < 0x80) {
            p[i] = (char)(start ? toupper(c) : tolower(c));
            start = false;
        } else {
            p[i] = (char)c;
            start = true;
        }
    }
    return 0;
}

static int fn_split_index(const struct hf_value *v, struct hf_value *res)
{
    const char *s = v[0].v.s.ptr, *sep = v[1].v.s.ptr;
    size_t sl = v[0].v.s.len, pl = v[1].v.s.len;
    int64_t want = v[2].v.i;
    if (want < 0) {
        set_null(res);
        return 0;
    }
    if (pl == 0) {
        /* commons-lang splits at whitespace runs then. */
        int64_t field = 0;
        size_t i = 0;
        while (i < sl) {
            while (i < sl && isspace((unsigned char)s[i]))
                i++;
            if (i >= sl)
                break;
            size_t st = i;
            while (i < sl && !isspace((unsigned char)s[i]))
                i++;
            if (field++ == want) {
                memset(res, 0, sizeof *res);
                res->v.s.ptr = s + st;
                res->v.s.len = (uint32_t)(i - st);
                return 0;
            }
        }
        set_null(res);
        return 0;
    }
    if (sl == 0) {
        set_null(res); /* an empty string has no fields */
        return 0;
    }
    size_t st = 0;
    for (int64_t field = 0;; field++) {
        int64_t at = find_bytes(s, sl, sep, pl, st);
        size_t en = at < 0 ? sl : (size_t)at;
        if (field == want) {
            memset(res, 0, sizeof *res);
            res->v.s.ptr = s + st;
            res->v.s.len = (uint32_t)(en - st);
            return 0;
        }
        if (at < 0)
            break;
        st = en + pl;
    }
    set_null(res);
    return 0;
}

/* The first code point of s (0 for an empty string). */
static int64_t first_code_point(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    unsigned char c = (unsigned char)s[0];
    size_t cl = u8len(c);
    if (cl == 1 || cl > len)
        return c;
    int64_t cp = c & (0x7F >> cl);
    for (size_t i = 1; i < cl; i++)
        cp = (cp << 6) | ((unsigned char)s[i] & 0x3F);
    return cp;
}

static size_t utf8_encode(uint32_t cp, char *buf)
{
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    buf[0] = (char)(0xE0 | (cp >> 12));
    buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

static const char hexdig[] = "0123456789ABCDEF";

static int fn_hex(const struct hf_expr *e, const struct hf_value *v,
                  struct hf_batch *out, struct hf_value *res,
                  struct hf_error *err)
{
    if (hf_type_is_integer(e->args[0]->type.id) || e->fn == HF_FN_BIN) {
        char buf[72];
        uint64_t x = (uint64_t)v[0].v.i;
        int bits = e->fn == HF_FN_BIN ? 1 : 4;
        size_t n = 0;
        do {
            buf[sizeof buf - 1 - n++] = hexdig[x & ((1u << bits) - 1)];
            x >>= bits;
        } while (x);
        return set_str(out, res, buf + sizeof buf - n, n, err);
    }
    size_t sl = v[0].v.s.len;
    char *p = str_alloc(out, res, 2 * sl);
    if (p == NULL)
        return oom(err);
    for (size_t i = 0; i < sl; i++) {
        unsigned char c = (unsigned char)v[0].v.s.ptr[i];
        p[2 * i] = hexdig[c >> 4];
        p[2 * i + 1] = hexdig[c & 15];
    }
    return 0;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int fn_to_base64(const struct hf_value *v, struct hf_batch *out,
                        struct hf_value *res, struct hf_error *err)
{
    const unsigned char *s = (const unsigned char *)v[0].v.s.ptr;
    size_t sl = v[0].v.s.len;
    char *p = str_alloc(out, res, (sl + 2) / 3 * 4);
    if (p == NULL)
        return oom(err);
    size_t o = 0;
    for (size_t i = 0; i < sl; i += 3) {
        uint32_t x = (uint32_t)s[i] << 16;
        if (i + 1 < sl)
            x |= (uint32_t)s[i + 1] << 8;
        if (i + 2 < sl)
            x |= s[i + 2];
        p[o++] = b64[x >> 18];
        p[o++] = b64[(x >> 12) & 63];
        p[o++] = i + 1 < sl ? b64[(x >> 6) & 63] : '=';
        p[o++] = i + 2 < sl ? b64[x & 63] : '=';
    }
    return 0;
}

/* Java's basic Base64 decoder: padding optional at the end, nothing else
 * outside the alphabet. */
static int fn_from_base64(const struct hf_expr *e, const struct hf_value *v,
                          struct hf_batch *out, struct hf_value *res,
                          struct hf_error *err)
{
    const char *s = v[0].v.s.ptr;
    size_t sl = v[0].v.s.len;
    char *p = str_alloc(out, res, sl / 4 * 3 + 3);
    if (p == NULL)
        return oom(err);
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0, i = 0;
    for (; i < sl && s[i] != '='; i++) {
        const char *k = memchr(b64, s[i], 64);
        if (k == NULL || s[i] == '\0')
            return hf_x_fail(e, err, HF_ERR_DATA,
                             "FROM_BASE64: illegal base64 character 0x%02x",
                             (unsigned char)s[i]);
        acc = (acc << 6) | (uint32_t)(k - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            p[o++] = (char)((acc >> bits) & 0xFF);
        }
    }
    size_t pads = sl - i;
    bool bad = pads > 2 || (i % 4 == 1);
    for (size_t k = i; k < sl; k++)
        bad = bad || s[k] != '=';
    if (pads && (i + pads) % 4 != 0)
        bad = true;
    if (bad)
        return hf_x_fail(e, err, HF_ERR_DATA,
                         "FROM_BASE64: input is not valid base64");
    res->v.s.len = (uint32_t)o;
    return 0;
}

static int fn_hash(const struct hf_expr *e, const struct hf_value *v,
                   struct hf_batch *out, struct hf_value *res,
                   struct hf_error *err)
{
    static const char *const algs[] = {NULL,     "MD5",    "SHA1",  "SHA224",
                                       "SHA256", "SHA384", "SHA512"};
    int alg = e->unit;
    if (alg == 0) { /* SHA2 with a length per row */
        int64_t bits = v[1].v.i;
        alg = bits == 224   ? 3
              : bits == 256 ? 4
              : bits == 384 ? 5
              : bits == 512 ? 6
                            : 0;
        if (alg == 0) {
            set_null(res);
            return 0;
        }
    }
    const EVP_MD *md = EVP_get_digestbyname(algs[alg]);
    unsigned char dig[EVP_MAX_MD_SIZE];
    unsigned int dl = 0;
    if (md == NULL ||
        EVP_Digest(v[0].v.s.ptr, v[0].v.s.len, dig, &dl, md, NULL) != 1)
        return hf_x_fail(e, err, HF_ERR_FAIL, "%s digest failed", algs[alg]);
    char *p = str_alloc(out, res, 2 * (size_t)dl);
    if (p == NULL)
        return oom(err);
    static const char lower[] = "0123456789abcdef";
    for (unsigned i = 0; i < dl; i++) {
        p[2 * i] = lower[dig[i] >> 4];
        p[2 * i + 1] = lower[dig[i] & 15];
    }
    return 0;
}

/* java.net.URL's parts of an absolute URL
 * protocol://[userinfo@]host[:port][/path][?query][#ref]. */
static int fn_parse_url(const struct hf_expr *e, const struct hf_value *v,
                        struct hf_value *res)
{
    const char *s = v[0].v.s.ptr, *end = s + v[0].v.s.len;
    const char *part = v[1].v.s.ptr;
    size_t partl = v[1].v.s.len;
    const char *colon = memchr(s, ':', (size_t)(end - s));
    set_null(res);
    if (colon == NULL || colon == s)
        return 0; /* not a URL: NULL, as Flink */
    for (const char *c = s; c < colon; c++)
        if (!isalnum((unsigned char)*c) && *c != '+' && *c != '-' && *c != '.')
            return 0;
    const char *q = colon + 1;
    const char *auth = NULL, *auth_end = NULL;
    if (end - q >= 2 && q[0] == '/' && q[1] == '/') {
        auth = q + 2;
        auth_end = auth;
        while (auth_end < end && *auth_end != '/' && *auth_end != '?' &&
               *auth_end != '#')
            auth_end++;
        q = auth_end;
    }
    const char *hash = memchr(q, '#', (size_t)(end - q));
    const char *fend = hash ? hash : end;
    const char *qm = memchr(q, '?', (size_t)(fend - q));
    const char *path_end = qm ? qm : fend;
#define PART(w) (partl == strlen(w) && memcmp(part, w, partl) == 0)
    const char *rs = NULL, *re = NULL;
    if (PART("PROTOCOL")) {
        rs = s;
        re = colon;
    } else if (PART("AUTHORITY")) {
        rs = auth;
        re = auth_end;
    } else if (PART("HOST") || PART("USERINFO")) {
        if (auth) {
            const char *at = NULL;
            for (const char *c = auth; c < auth_end; c++)
                if (*c == '@')
                    at = c;
            if (PART("USERINFO")) {
                if (at) {
                    rs = auth;
                    re = at;
                }
            } else {
                rs = at ? at + 1 : auth;
                re = rs;
                if (re < auth_end && *re == '[') {
                    while (re < auth_end && *re != ']')
                        re++;
                    if (re < auth_end)
                        re++;
                } else {
                    while (re < auth_end && *re != ':')
                        re++;
                }
            }
        } else if (PART("HOST")) {
            rs = re = q; /* java.net.URL gives "" */
        }
    } else if (PART("PATH")) {
        rs = q;
        re = path_end;
    } else if (PART("FILE")) {
        rs = q;
        re = fend;
    } else if (PART("QUERY")) {
        if (qm) {
            rs = qm + 1;
            re = fend;
        }
    } else if (PART("REF")) {
        if (hash) {
            rs = hash + 1;
            re = end;
        }
    }
#undef PART
    if (rs == NULL)
        return 0;
    if (e->nargs > 2) {
        if (partl != 5 || memcmp(part, "QUERY", 5) != 0)
            return 0;
        /* (&|^)key=([^&]*) */
        const char *k = v[2].v.s.ptr;
        size_t kl = v[2].v.s.len;
        for (const char *c = rs; c + kl < re || (c + kl == re && 0); c++) {
            if ((c == rs || c[-1] == '&') && (size_t)(re - c) > kl &&
                memcmp(c, k, kl) == 0 && c[kl] == '=') {
                const char *vs = c + kl + 1, *ve = vs;
                while (ve < re && *ve != '&')
                    ve++;
                memset(res, 0, sizeof *res);
                res->v.s.ptr = vs;
                res->v.s.len = (uint32_t)(ve - vs);
                return 0;
            }
        }
        return 0;
    }
    memset(res, 0, sizeof *res);
    res->v.s.ptr = rs;
    res->v.s.len = (uint32_t)(re - rs);
    return 0;
}

/* ------------------------------------------------------------ numbers */

static int fn_dmath(const struct hf_expr *e, const struct hf_value *v,
                    struct hf_value *res)
{
    double x = e->nargs > 0 ? v[0].v.f8 : 0, y = e->nargs > 1 ? v[1].v.f8 : 0;
    double r;
    switch (e->unit) {
    case 0:
        r = pow(x, y);
        break;
    case 1:
        r = sqrt(x);
        break;
    case 2:
        r = log(x);
        break;
    case 3:
        r = log10(x);
        break;
    case 4:
        r = log(x) / log(2.0);
        break;
    case 5:
        r = e->nargs == 1 ? log(x) : log(y) / log(x);
        break;
    case 6:
        r = exp(x);
        break;
    case 7:
        r = sin(x);
        break;
    case 8:
        r = cos(x);
        break;
    case 9:
        r = tan(x);
        break;
    case 10:
        r = 1.0 / tan(x);
        break;
    case 11:
        r = asin(x);
        break;
    case 12:
        r = acos(x);
        break;
    case 13:
        r = atan(x);
        break;
    case 14:
        r = atan2(x, y);
        break;
    case 15:
        r = sinh(x);
        break;
    case 16:
        r = cosh(x);
        break;
    case 17:
        r = tanh(x);
        break;
    case 18:
        r = x * (180.0 / M_PI);
        break;
    case 19:
        r = x / 180.0 * M_PI;
        break;
    case 20:
        r = M_PI;
        break;
    default:
        r = M_E;
        break;
    }
    memset(res, 0, sizeof *res);
    res->v.f8 = r;
    return 0;
}

static int64_t pow10_i64(int k)
{
    int64_t p = 1;
    while (k-- > 0)
        p *= 10;
    return p;
}

/* Round (or, truncating, cut) an integer to `digits` (<= 0 matters). */
static int round_int(const struct hf_expr *e, int64_t x, int digits,
                     bool truncate, struct hf_value *res, struct hf_error *err)
{
    if (digits >= 0) {
        set_int(res, x);
        return 0;
    }
    if (digits < -18) {
        set_int(res, 0);
        return 0;
    }
    int64_t p = pow10_i64(-digits);
    int64_t q = x / p, r = x % p;
    if (!truncate && (r >= p / 2 + p % 2 || r <= -(p / 2 + p % 2)))
        q += r > 0 ? 1 : -1;
    int64_t out;
    if (__builtin_mul_overflow(q, p, &out) || !hf_int_in_range(e->type.id, out))
        return hf_x_fail(e, err, HF_ERR_DATA, "numeric overflow in %s",
                         hf_x_fn_name(e));
    set_int(res, out);
    return 0;
}

/* HALF_UP rounding (or truncation) of a double to `digits` places, via
 * its shortest decimal text as Java's BigDecimal.valueOf does. */
static double round_double(double x, int digits, bool truncate)
{
    if (!isfinite(x))
        return x;
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", x);
    /* Use the shortest text that reads back as x. */
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    char *ep;
    long double v = strtold(buf, &ep);
    long double p = powl(10.0L, digits);
    long double y = v * p;
    long double r =
        truncate ? truncl(y) : (y >= 0 ? floorl(y + 0.5L) : -floorl(-y + 0.5L));
    return (double)(r / p);
}

typedef __int128 i128;

static i128 dec_i128(struct hf_dec d)
{
    return (i128)(((unsigned __int128)(uint64_t)d.hi << 64) | d.lo);
}

static struct hf_dec dec_of(i128 v)
{
    struct hf_dec d;
    d.lo = (uint64_t)(unsigned __int128)v;
    d.hi = (int64_t)(uint64_t)((unsigned __int128)v >> 64);
    return d;
}

/* u / 10^k: mode 0 HALF_UP, 1 toward zero, 2 floor, 3 ceiling. */
static i128 div_round(i128 u, int k, int mode)
{
    if (k <= 0)
        return u;
    if (k > 38)
        return 0;
    i128 p = 1;
    for (int i = 0; i < k; i++)
        p *= 10;
    i128 q = u / p, r = u % p;
    if (r == 0)
        return q;
    switch (mode) {
    case 0:
        if ((r < 0 ? -r : r) * 2 >= p)
            q += r < 0 ? -1 : 1;
        break;
    case 2:
        if (r < 0)
            q--;
        break;
    case 3:
        if (r > 0)
            q++;
        break;
    default:
        break;
    }
    return q;
}

static int fn_round(const struct hf_expr *e, const struct hf_value *v,
                    struct hf_value *res, struct hf_error *err)
{
    const struct hf_type *t = &e->args[0]->type;
    int digits = e->precision_arg;
    if (e->nargs > 1) {
        int64_t d = v[1].v.i;
        digits = (int)(d < -40 ? -40 : d > 40 ? 40 : d);
    }
    bool trunc = e->negated;
    memset(res, 0, sizeof *res);
    switch (t->id) {
    case HF_FLOAT:
        res->v.f4 = (float)round_double(v[0].v.f4, digits, trunc);
        return 0;
    case HF_DOUBLE:
        res->v.f8 = round_double(v[0].v.f8, digits, trunc);
        return 0;
    case HF_DECIMAL: {
        int s = t->scale;
        i128 u = dec_i128(v[0].v.d);
        int sc = s;
        if (digits < s) {
            u = div_round(u, s - digits, trunc ? 1 : 0);
            sc = digits;
            for (; sc < 0; sc++) {
                if (u > (i128)1 << 120 || u < -((i128)1 << 120))
                    return hf_x_fail(e, err, HF_ERR_DATA, "numeric overflow");
                u *= 10;
            }
        }
        if (hf_dec_rescale(dec_of(u), sc, e->type.precision, e->type.scale,
                           &res->v.d) != 0)
            return hf_x_fail(e, err, HF_ERR_DATA, "numeric overflow in %s",
                             hf_x_fn_name(e));
        return 0;
    }
    default:
        return round_int(e, v[0].v.i, digits, trunc, res, err);
    }
}

static int fn_floor(const struct hf_expr *e, const struct hf_value *v,
                    struct hf_value *res, struct hf_error *err)
{
    const struct hf_type *t = &e->args[0]->type;
    bool ceil_ = e->negated;
    memset(res, 0, sizeof *res);
    switch (t->id) {
    case HF_FLOAT:
        res->v.f4 = ceil_ ? ceilf(v[0].v.f4) : floorf(v[0].v.f4);
        return 0;
    case HF_DOUBLE:
        res->v.f8 = ceil_ ? ceil(v[0].v.f8) : floor(v[0].v.f8);
        return 0;
    case HF_DECIMAL: {
        i128 q = div_round(dec_i128(v[0].v.d), t->scale, ceil_ ? 3 : 2);
        if (hf_dec_rescale(dec_of(q), 0, e->type.precision, 0, &res->v.d) != 0)
            return hf_x_fail(e, err, HF_ERR_DATA, "numeric overflow");
        return 0;
    }
    default:
        *res = v[0];
        return 0;
    }
}

static int fn_sign(const struct hf_expr *e, const struct hf_value *v,
                   struct hf_value *res)
{
    const struct hf_type *t = &e->args[0]->type;
    memset(res, 0, sizeof *res);
    switch (t->id) {
    case HF_FLOAT:
        res->v.f4 = v[0].v.f4 > 0 ? 1.0f : v[0].v.f4 < 0 ? -1.0f : v[0].v.f4;
        return 0;
    case HF_DOUBLE:
        res->v.f8 = v[0].v.f8 > 0 ? 1.0 : v[0].v.f8 < 0 ? -1.0 : v[0].v.f8;
        return 0;
    case HF_DECIMAL: {
        bool neg = hf_dec_is_neg(v[0].v.d);
        bool zero = v[0].v.d.lo == 0 && v[0].v.d.hi == 0;
        hf_dec_rescale(hf_dec_from_i64(zero  ? 0
                                       : neg ? -1
                                             : 1),
                       0, 38, t->scale, &res->v.d);
        return 0;
    }
    default:
        res->v.i = v[0].v.i > 0 ? 1 : v[0].v.i < 0 ? -1 : 0;
        return 0;
    }
}

/* java.util.Random: 48-bit LCG, next(bits). The state is shared by the
 * rows of the expression, updated with compare-and-swap. */
static uint32_t rng_next(_Atomic uint64_t *st, int bits)
{
    uint64_t old = atomic_load(st), nx;
    do {
        nx = (old * UINT64_C(0x5DEECE66D) + 0xB) & ((UINT64_C(1) << 48) - 1);
    } while (!atomic_compare_exchange_weak(st, &old, nx));
    return (uint32_t)(nx >> (48 - bits));
}

static __thread uint64_t local_rng;

static _Atomic uint64_t *unseeded_state(void)
{
    static __thread _Atomic uint64_t st;
    if (local_rng == 0) {
        uint64_t s = 0;
        if (getrandom(&s, sizeof s, 0) != (ssize_t)sizeof s)
            s = (uint64_t)hf_now_usec() ^ (uint64_t)(uintptr_t)&s;
        local_rng = 1;
        atomic_store(&st,
                     (s ^ UINT64_C(0x5DEECE66D)) & ((UINT64_C(1) << 48) - 1));
    }
    return &st;
}

static double rng_double(_Atomic uint64_t *st)
{
    uint64_t hi = rng_next(st, 26), lo = rng_next(st, 27);
    return (double)((hi << 27) + lo) * 0x1.0p-53;
}

/* Random.nextInt(bound) */
static int32_t rng_int(_Atomic uint64_t *st, int32_t bound)
{
    int32_t r = (int32_t)rng_next(st, 31);
    int32_t m = bound - 1;
    if ((bound & m) == 0)
        return (int32_t)(((int64_t)bound * r) >> 31);
    for (int32_t u = r; u - (r = u % bound) + m < 0;
         u = (int32_t)rng_next(st, 31))
        ;
    return r;
}

static int fn_uuid(struct hf_batch *out, struct hf_value *res,
                   struct hf_error *err)
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
        return hf_error_set(err, HF_ERR_FAIL, "UUID(): no random bytes");
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    char *p = str_alloc(out, res, 36);
    if (p == NULL)
        return oom(err);
    static const char lower[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            p[o++] = '-';
        p[o++] = lower[b[i] >> 4];
        p[o++] = lower[b[i] & 15];
    }
    return 0;
}

/* ------------------------------------------------------------ dispatch */

/* Functions that look at NULL arguments themselves (or have none). */
static bool sees_nulls(enum hf_xfn fn)
{
    switch (fn) {
    case HF_FN_NOW:
    case HF_FN_LOCALTIMESTAMP:
    case HF_FN_CURRENT_DATE:
    case HF_FN_CURRENT_TIME:
    case HF_FN_CONCAT_WS:
    case HF_FN_RAND:
    case HF_FN_UUID:
    case HF_FN_NULLIF:
    case HF_FN_JSON_OBJECT:
    case HF_FN_JSON_ARRAY:
    case HF_FN_JSON_VALUE:
    case HF_FN_IS_JSON:
        return true;
    default:
        return false;
    }
}

int hf_x_eval_func(const struct hf_expr *e, const struct hf_value *row,
                   struct hf_batch *out, struct hf_value *res,
                   struct hf_error *err)
{
    struct hf_value v[e->nargs ? e->nargs : 1];
    bool any_null = false;
    /* JSON_VALUE evaluates its DEFAULTs only when it needs them. */
    uint32_t neval = e->fn == HF_FN_JSON_VALUE ? 1 : e->nargs;
    for (uint32_t i = 0; i < neval; i++) {
        if (hf_expr_eval(e->args[i], row, out, &v[i], err) != 0)
            return -1;
        any_null = any_null || v[i].null;
    }
    if (any_null && !sees_nulls(e->fn)) {
        set_null(res);
        return 0;
    }
    char buf[128];
    switch (e->fn) {
    case HF_FN_UPPER:
    case HF_FN_LOWER: {
        size_t len = v[0].v.s.len;
        char *p = str_alloc(out, res, len);
        if (p == NULL)
            return oom(err);
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)v[0].v.s.ptr[i];
            p[i] = (char)(e->fn == HF_FN_UPPER ? toupper(c) : tolower(c));
        }
        return 0;
    }
    case HF_FN_TRIM:
        return fn_trim(e, v, res);
    case HF_FN_CHAR_LENGTH:
        set_int(res, char_count(v[0].v.s.ptr, v[0].v.s.len));
        return 0;
    case HF_FN_SUBSTRING:
        return fn_substring(e, v, res);
    case HF_FN_REPLACE:
        return fn_replace(v, out, res, err);
    case HF_FN_CONCAT_WS: {
        if (v[0].null) {
            set_null(res);
            return 0;
        }
        size_t total = 0;
        uint32_t parts = 0;
        for (uint32_t i = 1; i < e->nargs; i++)
            if (!v[i].null) {
                total += v[i].v.s.len;
                parts++;
            }
        if (parts > 1)
            total += (size_t)(parts - 1) * v[0].v.s.len;
        char *p = str_alloc(out, res, total);
        if (p == NULL)
            return oom(err);
        size_t o = 0;
        uint32_t k = 0;
        for (uint32_t i = 1; i < e->nargs; i++) {
            if (v[i].null)
                continue;
            if (k++ > 0) {
                memcpy(p + o, v[0].v.s.ptr, v[0].v.s.len);
                o += v[0].v.s.len;
            }
            memcpy(p + o, v[i].v.s.ptr, v[i].v.s.len);
            o += v[i].v.s.len;
        }
        return 0;
    }
    case HF_FN_POSITION:
        return fn_position(e, v, res);
    case HF_FN_INSTR: {
        struct hf_value w[2] = {v[1], v[0]};
        struct hf_expr tmp = *e;
        tmp.nargs = 2;
        return fn_position(&tmp, w, res);
    }
    case HF_FN_LPAD:
    case HF_FN_RPAD:
        return fn_pad(e, v, out, res, err);
    case HF_FN_REPEAT:
        return fn_repeat(e, v, out, res, err);
    case HF_FN_REVERSE:
        return fn_reverse(v, out, res, err);
    case HF_FN_INITCAP:
        return fn_initcap(v, out, res, err);
    case HF_FN_SPLIT_INDEX:
        return fn_split_index(v, res);
    case HF_FN_ASCII:
        set_int(res, v[0].v.s.len ? (unsigned char)v[0].v.s.ptr[0] : 0);
        if (v[0].v.s.len && (unsigned char)v[0].v.s.ptr[0] >= 0x80)
            set_int(res, first_code_point(v[0].v.s.ptr, v[0].v.s.len));
        return 0;
    case HF_FN_CHR: {
        if (v[0].v.i < 0)
            return set_str(out, res, "", 0, err);
        size_t n = utf8_encode((uint32_t)(v[0].v.i & 0xFF), buf);
        return set_str(out, res, buf, n, err);
    }
    case HF_FN_HEX:
    case HF_FN_BIN:
        return fn_hex(e, v, out, res, err);
    case HF_FN_LEFT:
    case HF_FN_RIGHT: {
        int64_t n = v[1].v.i;
        const char *s = v[0].v.s.ptr;
        size_t sl = v[0].v.s.len;
        memset(res, 0, sizeof *res);
        res->v.s.ptr = s;
        if (n <= 0)
            return 0;
        int64_t have = char_count(s, sl);
        if (n > have)
            n = have;
        size_t st = e->fn == HF_FN_LEFT ? 0 : char_offset(s, sl, have - n);
        size_t en = e->fn == HF_FN_LEFT ? char_offset(s, sl, n) : sl;
        res->v.s.ptr = s + st;
        res->v.s.len = (uint32_t)(en - st);
        return 0;
    }
    case HF_FN_HASH:
        return fn_hash(e, v, out, res, err);
    case HF_FN_TO_BASE64:
        return fn_to_base64(v, out, res, err);
    case HF_FN_FROM_BASE64:
        return fn_from_base64(e, v, out, res, err);
    case HF_FN_PARSE_URL:
        return fn_parse_url(e, v, res);
    case HF_FN_REGEXP:
    case HF_FN_REGEXP_EXTRACT:
    case HF_FN_REGEXP_REPLACE:
        return hf_x_eval_regex(e, v, out, res, err);
    case HF_FN_ABS: {
        const struct hf_type *t = &e->type;
        *res = v[0];
        if (hf_type_is_integer(t->id)) {
            if (v[0].v.i < 0) {
                if (v[0].v.i == INT64_MIN || !hf_int_in_range(t->id, -v[0].v.i))
                    return hf_x_fail(e, err, HF_ERR_DATA,
                                     "numeric overflow: ABS(%lld) does not "
                                     "fit %s",
                                     (long long)v[0].v.i,
                                     hf_type_name(t, buf, sizeof buf));
                res->v.i = -v[0].v.i;
            }
        } else if (t->id == HF_FLOAT) {
            res->v.f4 = fabsf(v[0].v.f4);
        } else if (t->id == HF_DOUBLE) {
            res->v.f8 = fabs(v[0].v.f8);
        } else if (hf_dec_is_neg(v[0].v.d)) {
            struct hf_dec z = hf_dec_from_i64(0);
            if (hf_xdec_add(z, t->scale, v[0].v.d, t->scale, true, t->precision,
                            t->scale, &res->v.d) != 0)
                return hf_x_fail(e, err, HF_ERR_DATA, "numeric overflow");
        }
        return 0;
    }
    case HF_FN_DMATH:
        return fn_dmath(e, v, res);
    case HF_FN_ROUND:
        return fn_round(e, v, res, err);
    case HF_FN_FLOOR:
        return fn_floor(e, v, res, err);
    case HF_FN_SIGN:
        return fn_sign(e, v, res);
    case HF_FN_RAND: {
        _Atomic uint64_t *st =
            e->seeded ? (_Atomic uint64_t *)&e->rng : unseeded_state();
        memset(res, 0, sizeof *res);
        res->v.f8 = rng_double(st);
        return 0;
    }
    case HF_FN_RAND_INTEGER: {
        int64_t bound = v[0].v.i;
        if (bound <= 0 || bound > INT32_MAX)
            return hf_x_fail(e, err, HF_ERR_DATA,
                             "RAND_INTEGER needs a bound from 1 to %d, found "
                             "%lld",
                             INT32_MAX, (long long)bound);
        _Atomic uint64_t *st =
            e->seeded ? (_Atomic uint64_t *)&e->rng : unseeded_state();
        set_int(res, rng_int(st, (int32_t)bound));
        return 0;
    }
    case HF_FN_UUID:
        return fn_uuid(out, res, err);
    case HF_FN_NULLIF:
        if (v[0].null || v[1].null ||
            hf_x_compare(&e->args[0]->type, &v[0], &e->args[1]->type, &v[1]) !=
                0)
            *res = v[0];
        else
            set_null(res);
        return 0;
    case HF_FN_GREATEST: {
        uint32_t best = 0;
        for (uint32_t i = 1; i < e->nargs; i++) {
            int c = hf_x_compare(&e->args[i]->type, &v[i], &e->args[best]->type,
                                 &v[best]);
            if (e->negated ? c < 0 : c > 0)
                best = i;
        }
        *res = v[best];
        return 0;
    }
    case HF_FN_JSON_VALUE:
    case HF_FN_JSON_QUERY:
    case HF_FN_JSON_EXISTS:
    case HF_FN_JSON_STRING:
    case HF_FN_JSON_OBJECT:
    case HF_FN_JSON_ARRAY:
    case HF_FN_IS_JSON:
        return hf_x_eval_json(e, row, v, out, res, err);
    default:
        return hf_x_eval_time(e, v, out, res, err);
    }
}
