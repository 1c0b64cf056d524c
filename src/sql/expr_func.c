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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/datetime.h"
#include "core/decimal.h"
#include "core/valueconv.h"
#include "sql/expr_int.h"

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

static int64_t trunc_ms(int64_t usec)
{
    int64_t q = usec / 1000;
    if (usec % 1000 != 0 && usec < 0)
        q--;
    return q * 1000;
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

/* Evaluate all arguments; *any_null when one is NULL. */
static int eval_args(const struct hf_expr *e, const struct hf_value *row,
                     struct hf_batch *out, struct hf_value *v, bool *any_null,
                     struct hf_error *err)
{
    *any_null = false;
    for (uint32_t i = 0; i < e->nargs; i++) {
        if (hf_expr_eval(e->args[i], row, out, &v[i], err) != 0)
            return -1;
        if (v[i].null)
            *any_null = true;
    }
    return 0;
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
        if (l < 0)
            l = 0;
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

/* Lenient timestamp text: 'yyyy-MM-dd HH:mm:ss[.fff]' or a date. */
static int parse_ts_default(const char *s, size_t len, int64_t *usec)
{
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    while (len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    if (hf_timestamp_parse(s, len, usec) == 0)
        return 0;
    int64_t days;
    if (hf_date_parse(s, len, &days) == 0) {
        *usec = days * HF_USEC_PER_DAY;
        return 0;
    }
    return -1;
}

/* ------------------------------------------------------------ dispatch */

int hf_x_eval_func(const struct hf_expr *e, const struct hf_value *row,
                   struct hf_batch *out, struct hf_value *res,
                   struct hf_error *err)
{
    struct hf_value v[e->nargs ? e->nargs : 1];
    bool any_null;
    if (eval_args(e, row, out, v, &any_null, err) != 0)
        return -1;
    char buf[128];
    switch (e->fn) {
    case HF_FN_NOW:
        memset(res, 0, sizeof *res);
        res->v.i = trunc_ms(hf_now_usec());
        return 0;
    case HF_FN_LOCALTIMESTAMP:
        memset(res, 0, sizeof *res);
        res->v.i = trunc_ms(hf_now_usec());
        return 0;
    case HF_FN_CURRENT_DATE:
        memset(res, 0, sizeof *res);
        res->v.i = floor_div64(hf_now_usec(), HF_USEC_PER_DAY);
        return 0;
    case HF_FN_UNIX_TIMESTAMP:
        if (e->nargs == 0) {
            memset(res, 0, sizeof *res);
            res->v.i = floor_div64(hf_now_usec(), HF_USEC_PER_SEC);
            return 0;
        }
        break;
    case HF_FN_CONCAT_WS:
        break;
    default:
        if (any_null) {
            set_null(res);
            return 0;
        }
        break;
    }

    switch (e->fn) {
    case HF_FN_UPPER:
    case HF_FN_LOWER: {
        size_t len = v[0].v.s.len;
        char *p = hf_arena_alloc(&out->arena, len ? len : 1);
        if (p == NULL)
            return oom(err);
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)v[0].v.s.ptr[i];
            p[i] = (char)(e->fn == HF_FN_UPPER ? toupper(c) : tolower(c));
        }
        memset(res, 0, sizeof *res);
        res->v.s.ptr = p;
        res->v.s.len = (uint32_t)len;
        return 0;
    }
    case HF_FN_TRIM:
        return fn_trim(e, v, res);
    case HF_FN_CHAR_LENGTH:
        memset(res, 0, sizeof *res);
        res->v.i = char_count(v[0].v.s.ptr, v[0].v.s.len);
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
        char *p = hf_arena_alloc(&out->arena, total ? total : 1);
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
        memset(res, 0, sizeof *res);
        res->v.s.ptr = p;
        res->v.s.len = (uint32_t)total;
        return 0;
    }
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
    case HF_FN_TO_TIMESTAMP:
    case HF_FN_TO_DATE:
    case HF_FN_UNIX_TIMESTAMP: {
        int64_t u;
        int rc = e->fmt ? hf_dtfmt_parse(e->fmt, v[0].v.s.ptr, v[0].v.s.len, &u)
                        : parse_ts_default(v[0].v.s.ptr, v[0].v.s.len, &u);
        if (rc != 0) {
            set_null(res);
            return 0;
        }
        memset(res, 0, sizeof *res);
        if (e->fn == HF_FN_TO_DATE)
            res->v.i = floor_div64(u, HF_USEC_PER_DAY);
        else if (e->fn == HF_FN_UNIX_TIMESTAMP)
            res->v.i = floor_div64(u, HF_USEC_PER_SEC);
        else
            res->v.i = trunc_ms(u);
        return 0;
    }
    case HF_FN_TO_TIMESTAMP_LTZ: {
        const struct hf_type *t = &e->args[0]->type;
        int64_t unit = e->precision_arg == 0 ? HF_USEC_PER_SEC : 1000;
        int64_t u;
        bool bad = false;
        if (hf_type_is_integer(t->id)) {
            bad = __builtin_mul_overflow(v[0].v.i, unit, &u);
        } else {
            double d = t->id == HF_FLOAT ? v[0].v.f4
                       : t->id == HF_DOUBLE
                           ? v[0].v.f8
                           : hf_dec_to_double(v[0].v.d, t->scale);
            double x = d * (double)unit;
            bad = !isfinite(x) || x >= 9.2e18 || x <= -9.2e18;
            u = bad ? 0 : (int64_t)llround(x);
        }
        /* Years 0001..9999. */
        if (bad || u < INT64_C(-62135596800000000) ||
            u > INT64_C(253402300799999999))
            return hf_x_fail(e, err, HF_ERR_DATA,
                             "epoch value out of the range of TIMESTAMP_LTZ");
        memset(res, 0, sizeof *res);
        res->v.i = trunc_ms(u);
        return 0;
    }
    case HF_FN_FROM_UNIXTIME: {
        int64_t u;
        if (__builtin_mul_overflow(v[0].v.i, HF_USEC_PER_SEC, &u) ||
            u < INT64_C(-62135596800000000) || u > INT64_C(253402300799999999))
            return hf_x_fail(e, err, HF_ERR_DATA,
                             "epoch seconds %lld out of range",
                             (long long)v[0].v.i);
        size_t n = hf_dtfmt_format(e->fmt, u, buf, sizeof buf);
        return set_str(out, res, buf, n, err);
    }
    case HF_FN_DATE_FORMAT: {
        const struct hf_type *t = &e->args[0]->type;
        int64_t u = t->id == HF_DATE ? v[0].v.i * HF_USEC_PER_DAY : v[0].v.i;
        size_t n = hf_dtfmt_format(e->fmt, u, buf, sizeof buf);
        return set_str(out, res, buf, n, err);
    }
    default:
        break;
    }
    return hf_x_fail(e, err, HF_ERR_FAIL, "function not implemented");
}
