/*
 * expr_regex.c - regular expressions: REGEXP, REGEXP_EXTRACT,
 * REGEXP_REPLACE (Java regular expressions) and SIMILAR TO (SQL's).
 *
 * Patterns go through PCRE2, whose syntax is close to java.util.regex for
 * what jobs write (classes, quantifiers, lazy and possessive forms,
 * groups, look-around, \d \w \s \b). A constant pattern is compiled once
 * at plan time and kept in the node (e->re); a pattern that comes from a
 * column is compiled for each row. SIMILAR TO patterns are translated to
 * an anchored PCRE2 pattern first (% and _ become .* and ., the other
 * regular-expression characters of SQL pass through, everything else is
 * literal). Match data lives in one buffer per thread, so evaluation
 * allocates only when a pattern has more groups than the buffer holds.
 * Errors follow Flink: an invalid pattern met at run time makes REGEXP
 * FALSE and the other functions NULL.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/valueconv.h"
#include "sql/expr_int.h"

/* ------------------------------------------------------------ compile */

/* A SIMILAR TO pattern as a PCRE2 pattern; false on a dangling escape. */
static bool similar_to_pcre(const char *p, size_t n, char esc,
                            struct hf_strbuf *out)
{
    hf_strbuf_puts(out, "^(?:");
    int bracket = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (esc && c == esc) {
            if (i + 1 >= n)
                return false;
            char l = p[++i];
            if (strchr("\\^$.|?*+()[]{}-", l))
                hf_strbuf_putc(out, '\\');
            hf_strbuf_putc(out, l);
            continue;
        }
        if (bracket) {
            if (c == ']')
                bracket = 0;
            if (c == '\\')
                hf_strbuf_putc(out, '\\');
            hf_strbuf_putc(out, c);
            continue;
        }
        switch (c) {
        case '%':
            hf_strbuf_puts(out, ".*");
            break;
        case '_':
            hf_strbuf_putc(out, '.');
            break;
        case '[':
            bracket = 1;
            hf_strbuf_putc(out, c);
            if (i + 1 < n && p[i + 1] == '^') {
                hf_strbuf_putc(out, '^');
                i++;
            }
            break;
        case '|':
        case '*':
        case '+':
        case '?':
        case '{':
        case '}':
        case '(':
        case ')':
            hf_strbuf_putc(out, c);
            break;
        case '\\':
        case '^':
        case '$':
        case '.':
        case ']':
            hf_strbuf_putc(out, '\\');
            hf_strbuf_putc(out, c);
            break;
        default:
            hf_strbuf_putc(out, c);
            break;
        }
    }
    hf_strbuf_puts(out, ")$");
    return true;
}

static pcre2_code *compile(const char *pat, size_t len, bool similar, char esc,
                           char *why, size_t n)
{
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 1 << 20);
    if (similar) {
        if (!similar_to_pcre(pat, len, esc, &sb)) {
            hf_strbuf_free(&sb);
            snprintf(why, n, "the pattern ends with the escape character");
            return NULL;
        }
        if (!hf_strbuf_ok(&sb)) {
            hf_strbuf_free(&sb);
            snprintf(why, n, "out of memory");
            return NULL;
        }
        pat = sb.data;
        len = sb.len;
    }
    int ec;
    PCRE2_SIZE off;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)pat, len, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                      &ec, &off, NULL);
    if (re == NULL) {
        PCRE2_UCHAR msg[200];
        pcre2_get_error_message(ec, msg, sizeof msg);
        snprintf(why, n, "%s at offset %zu", (const char *)msg, (size_t)off);
    }
    hf_strbuf_free(&sb);
    return re;
}

int hf_x_regex_compile(struct hf_expr *e, const char *pat, size_t len,
                       bool similar, char esc, char *why, size_t n)
{
    pcre2_code *re = compile(pat, len, similar, esc, why, n);
    if (re == NULL)
        return -1;
    hf_x_regex_free(e->re);
    e->re = re;
    return 0;
}

void hf_x_regex_free(void *re)
{
    pcre2_code_free((pcre2_code *)re);
}

/* ------------------------------------------------------------ matching */

#define MD_PAIRS 64

static pthread_key_t md_key;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_free(void *p)
{
    pcre2_match_data_free((pcre2_match_data *)p);
}

static void md_init(void)
{
    pthread_key_create(&md_key, md_free);
}

/* Match data for `re`: the thread's buffer, or a new one (*own set) when
 * re has more groups. */
static pcre2_match_data *match_data(const pcre2_code *re, bool *own)
{
    uint32_t groups = 0;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
    *own = false;
    if (groups + 1 > MD_PAIRS) {
        *own = true;
        return pcre2_match_data_create_from_pattern(re, NULL);
    }
    pthread_once(&md_once, md_init);
    pcre2_match_data *md = pthread_getspecific(md_key);
    if (md == NULL) {
        md = pcre2_match_data_create(MD_PAIRS, NULL);
        if (md && pthread_setspecific(md_key, md) != 0) {
            pcre2_match_data_free(md);
            md = NULL;
        }
    }
    return md;
}

static void set_null(struct hf_value *res)
{
    memset(res, 0, sizeof *res);
    res->null = true;
}

static void set_bool(struct hf_value *res, bool b)
{
    memset(res, 0, sizeof *res);
    res->v.b = b;
}

static int oom(struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_NOMEM,
                        "out of memory evaluating a regular expression");
}

/* Length of the UTF-8 character at s[i] (1 for a stray byte). */
static size_t char_len(const char *s, size_t n, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    size_t l = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 1;
    return i + l <= n ? l : n - i;
}

static int replace_all(const struct hf_expr *e, const pcre2_code *re,
                       pcre2_match_data *md, const struct hf_value *v,
                       struct hf_batch *out, struct hf_value *res,
                       struct hf_error *err)
{
    const char *s = v[0].v.s.ptr, *rep = v[2].v.s.ptr;
    size_t sn = v[0].v.s.len, rn = v[2].v.s.len;
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, (size_t)UINT32_MAX / 2);
    size_t pos = 0, last = 0;
    while (pos <= sn) {
        int rc = pcre2_match(re, (PCRE2_SPTR)s, sn, pos, 0, md, NULL);
        if (rc < 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t ms = ov[0], me = ov[1];
        hf_strbuf_append(&sb, s + last, ms - last);
        hf_strbuf_append(&sb, rep, rn);
        if (me == ms) {
            /* An empty match: keep the next character and move on. */
            if (ms >= sn) {
                last = sn;
                break;
            }
            size_t cl = char_len(s, sn, ms);
            hf_strbuf_append(&sb, s + ms, cl);
            pos = last = ms + cl;
        } else {
            pos = last = me;
        }
    }
    if (last < sn)
        hf_strbuf_append(&sb, s + last, sn - last);
    if (!hf_strbuf_ok(&sb)) {
        hf_strbuf_free(&sb);
        return hf_x_fail(e, err, HF_ERR_DATA, "REGEXP_REPLACE result too long");
    }
    memset(res, 0, sizeof *res);
    int rc = hf_value_set_str(out, res, sb.data ? sb.data : "", sb.len);
    hf_strbuf_free(&sb);
    return rc == 0 ? 0 : oom(err);
}

int hf_x_eval_regex(const struct hf_expr *e, const struct hf_value *v,
                    struct hf_batch *out, struct hf_value *res,
                    struct hf_error *err)
{
    const pcre2_code *re = e->re;
    pcre2_code *tmp = NULL;
    if (e->fn == HF_FN_REGEXP && v[1].v.s.len == 0) {
        set_bool(res, false); /* Flink: an empty pattern matches nothing */
        return 0;
    }
    if (re == NULL) {
        char why[200];
        tmp = compile(v[1].v.s.ptr, v[1].v.s.len, false, 0, why, sizeof why);
        if (tmp == NULL) {
            if (e->fn == HF_FN_REGEXP)
                set_bool(res, false);
            else
                set_null(res);
            return 0;
        }
        re = tmp;
    }
    bool own;
    pcre2_match_data *md = match_data(re, &own);
    if (md == NULL) {
        pcre2_code_free(tmp);
        return oom(err);
    }
    int rc = 0;
    const char *s = v[0].v.s.ptr;
    size_t sn = v[0].v.s.len;
    switch (e->fn) {
    case HF_FN_REGEXP: {
        int m = pcre2_match(re, (PCRE2_SPTR)s, sn, 0, 0, md, NULL);
        set_bool(res, m >= 0);
        break;
    }
    case HF_FN_REGEXP_EXTRACT: {
        int64_t g = e->nargs > 2 ? v[2].v.i : 0;
        uint32_t groups = 0;
        pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
        int m = pcre2_match(re, (PCRE2_SPTR)s, sn, 0, 0, md, NULL);
        if (m < 0 || g < 0 || g > (int64_t)groups) {
            set_null(res);
            break;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        if (g >= m || ov[2 * g] == PCRE2_UNSET) {
            set_null(res); /* the group took no part in the match */
            break;
        }
        memset(res, 0, sizeof *res);
        res->v.s.ptr = s + ov[2 * g];
        res->v.s.len = (uint32_t)(ov[2 * g + 1] - ov[2 * g]);
        break;
    }
    default:
        rc = replace_all(e, re, md, v, out, res, err);
        break;
    }
    if (own)
        pcre2_match_data_free(md);
    pcre2_code_free(tmp);
    return rc;
}

int hf_x_similar(const struct hf_expr *e, const struct hf_value *s,
                 const struct hf_value *p, struct hf_error *err)
{
    const pcre2_code *re = e->re;
    pcre2_code *tmp = NULL;
    if (re == NULL) {
        char why[200];
        tmp = compile(p->v.s.ptr, p->v.s.len, true, e->esc, why, sizeof why);
        if (tmp == NULL)
            return hf_x_fail(
                e, err, HF_ERR_DATA, "invalid SIMILAR TO pattern '%.*s': %s",
                (int)(p->v.s.len > 60 ? 60 : p->v.s.len), p->v.s.ptr, why);
        re = tmp;
    }
    bool own;
    pcre2_match_data *md = match_data(re, &own);
    if (md == NULL) {
        pcre2_code_free(tmp);
        return oom(err);
    }
    int m = pcre2_match(re, (PCRE2_SPTR)s->v.s.ptr, s->v.s.len, 0, 0, md, NULL);
    if (own)
        pcre2_match_data_free(md);
    pcre2_code_free(tmp);
    return m >= 0 ? 1 : 0;
}
