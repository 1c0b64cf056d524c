/*
 * redact.c - the source line of an error caret, with credentials masked.
 *
 * An error in a WITH clause shows the line it is on, and that line may hold
 * 'password' = '...' before any option table has seen it: the parser
 * stopped, or the connector is one holoflow refuses. So the caret display
 * does not trust the secret list alone. It scans the script up to the end
 * of the shown line (comments, quoted strings with '' escapes, quoted
 * identifiers) and masks the value of every "key = 'value'" pair whose key
 * names a credential by hf_opt_secret_name() - also a value that starts on
 * an earlier line, and an unterminated one, which runs to the end of the
 * script. Registered secrets (log.h) in the rest of the line are masked as
 * well, before the line is cut to a window: a cut must not show half a
 * secret. The caret's byte offset moves with the masks; a caret inside a
 * masked value points at its mask.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/opt.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "sql/lexer.h"

#define MASK "******"

struct span {
    size_t from, to; /* the value's bytes, quotes excluded */
};

struct spans {
    struct span *v;
    size_t n, cap;
    bool oom;
};

static void add_span(struct spans *s, size_t from, size_t to)
{
    if (from >= to)
        return;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 8;
        struct span *v = realloc(s->v, nc * sizeof *v);
        if (v == NULL) {
            s->oom = true;
            return;
        }
        s->v = v;
        s->cap = nc;
    }
    s->v[s->n].from = from;
    s->v[s->n].to = to;
    s->n++;
}

/* Is t[from..to) (a key; `quote` doubled inside it is one quote) a
 * credential's name? */
static bool secret_key(const char *t, size_t from, size_t to, char quote)
{
    char name[256];
    size_t n = 0;
    for (size_t i = from; i < to && n + 1 < sizeof name; i++) {
        name[n++] = t[i];
        if (quote && t[i] == quote && i + 1 < to && t[i + 1] == quote)
            i++;
    }
    name[n] = '\0';
    return hf_opt_secret_name(name);
}

static bool word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c >= 0x80;
}

/* End of a quoted run that starts at t[i] == q (doubled q escapes), at the
 * closing quote, or n when unterminated. */
static size_t quoted_end(const char *t, size_t n, size_t i, char q)
{
    size_t j = i + 1;
    while (j < n) {
        if (t[j] == q) {
            if (j + 1 < n && t[j + 1] == q) {
                j += 2;
                continue;
            }
            return j;
        }
        j++;
    }
    return n;
}

/* The values of credential keys in t[0..n) that end after `after`. */
static void find_secret_values(const char *t, size_t n, size_t upto,
                               size_t after, struct spans *out)
{
    /* 0: nothing, 1: a credential's key, 2: its key and '='. */
    int state = 0;
    size_t i = 0;
    while (i < n && i < upto) {
        unsigned char c = (unsigned char)t[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            i++;
        } else if (c == '-' && i + 1 < n && t[i + 1] == '-') {
            while (i < n && t[i] != '\n')
                i++;
        } else if (c == '/' && i + 1 < n && t[i + 1] == '*') {
            const char *e = NULL;
            for (size_t j = i + 2; j + 1 < n; j++)
                if (t[j] == '*' && t[j + 1] == '/') {
                    e = t + j;
                    break;
                }
            i = e ? (size_t)(e - t) + 2 : n;
        } else if (c == '\'' || c == '"' || c == '`') {
            size_t e = quoted_end(t, n, i, (char)c);
            if (state == 2 && c == '\'') {
                if (e > after)
                    add_span(out, i + 1, e);
                state = 0;
            } else {
                state = secret_key(t, i + 1, e, (char)c) ? 1 : 0;
            }
            i = e < n ? e + 1 : n;
        } else if (c == '=') {
            state = state == 1 ? 2 : 0;
            i++;
        } else if (word_byte(c)) {
            size_t j = i;
            while (j < n && word_byte((unsigned char)t[j]))
                j++;
            state = secret_key(t, i, j, 0) ? 1 : 0;
            i = j;
        } else {
            state = 0;
            i++;
        }
    }
}

char *hf_sql_masked_line(const struct hf_sql_src *src, size_t ls, size_t le,
                         size_t *at, size_t *outlen)
{
    struct spans sp = {0};
    find_secret_values(src->text, src->len, le, ls, &sp);
    struct hf_strbuf out;
    hf_strbuf_init(&out, 0);
    size_t new_at = SIZE_MAX, si = 0, pos = ls;
    while (pos < le) {
        while (si < sp.n && sp.v[si].to <= pos)
            si++;
        size_t skip = 0;
        if (si < sp.n && sp.v[si].from <= pos)
            skip = (sp.v[si].to < le ? sp.v[si].to : le) - pos;
        else
            skip = hf_secret_match(src->text + pos, le - pos);
        if (skip > 0) {
            if (*at >= pos && *at < pos + skip)
                new_at = out.len;
            hf_strbuf_puts(&out, MASK);
            pos += skip;
            continue;
        }
        if (*at == pos)
            new_at = out.len;
        hf_strbuf_putc(&out, src->text[pos]);
        pos++;
    }
    if (new_at == SIZE_MAX)
        new_at = out.len;
    free(sp.v);
    if (sp.oom || !hf_strbuf_ok(&out)) {
        hf_strbuf_free(&out);
        return NULL;
    }
    if (out.data == NULL) {
        out.data = calloc(1, 1);
        if (out.data == NULL)
            return NULL;
    }
    *at = new_at;
    *outlen = out.len;
    return out.data;
}
