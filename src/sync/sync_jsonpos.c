/*
 * sync_jsonpos.c - where in a job file a JSON path is: FILE:LINE:COL for
 * the sync's job-file errors.
 *
 * json-c keeps no positions, so the job file's text is scanned again when
 * an error is reported: the path the error names
 * ("job.content[0].reader.parameter.column[2].type") is walked through
 * the text with a small scanner of its own (strings with escapes,
 * numbers, literals, and the comments json-c accepts), and the error gets
 * the line and column (1-based, in bytes) of that value — or of the
 * deepest part of the path that exists, so "parameter.path: required"
 * points at the parameter object. A file that is not valid JSON gets the
 * position where json-c's tokener stopped. Only reached on an error path.
 */
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync_int.h"

struct jscan {
    const char *s;
    size_t i, n;
};

static void skip_ws(struct jscan *p)
{
    while (p->i < p->n) {
        char c = p->s[p->i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            p->i++;
        } else if (c == '/' && p->i + 1 < p->n && p->s[p->i + 1] == '/') {
            while (p->i < p->n && p->s[p->i] != '\n')
                p->i++;
        } else if (c == '/' && p->i + 1 < p->n && p->s[p->i + 1] == '*') {
            const char *e = strstr(p->s + p->i + 2, "*/");
            p->i = e ? (size_t)(e - p->s) + 2 : p->n;
        } else {
            return;
        }
    }
}

/* A string at p->i (double or single quoted, as json-c accepts); its raw
 * content into key (cut at cap) when key is not NULL. 0, or -1. */
static int scan_string(struct jscan *p, char *key, size_t cap)
{
    char q = p->s[p->i];
    size_t k = 0;
    p->i++;
    while (p->i < p->n && p->s[p->i] != q) {
        if (p->s[p->i] == '\\')
            p->i++;
        else if (key && k + 1 < cap)
            key[k++] = p->s[p->i];
        p->i++;
    }
    if (key)
        key[k] = '\0';
    if (p->i >= p->n)
        return -1;
    p->i++;
    return 0;
}

static int skip_value(struct jscan *p, int depth)
{
    skip_ws(p);
    if (p->i >= p->n || depth > 200)
        return -1;
    char c = p->s[p->i];
    if (c == '"' || c == '\'')
        return scan_string(p, NULL, 0);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        p->i++;
        for (;;) {
            skip_ws(p);
            if (p->i >= p->n)
                return -1;
            if (p->s[p->i] == close) {
                p->i++;
                return 0;
            }
            if (p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (c == '{') {
                if (skip_value(p, depth + 1) != 0) /* the key */
                    return -1;
                skip_ws(p);
                if (p->i >= p->n || p->s[p->i] != ':')
                    return -1;
                p->i++;
            }
            if (skip_value(p, depth + 1) != 0)
                return -1;
        }
    }
    /* number, true, false, null */
    while (p->i < p->n && !strchr(",]} \t\r\n/", p->s[p->i]))
        p->i++;
    return 0;
}

/* Walk `path` from the value at p->i; p->i ends at the deepest value of
 * the path that exists. */
static void walk(struct jscan *p, const char *path)
{
    char seg[256];
    while (*path) {
        if (*path == '.')
            path++;
        skip_ws(p);
        if (p->i >= p->n)
            return;
        size_t at = p->i;
        if (*path == '[') {
            char *end;
            long want = strtol(path + 1, &end, 10);
            if (*end != ']' || p->s[p->i] != '[')
                return;
            path = end + 1;
            p->i++;
            for (long k = 0;; k++) {
                skip_ws(p);
                if (p->i >= p->n || p->s[p->i] == ']') {
                    p->i = at;
                    return;
                }
                if (k == want)
                    break;
                if (skip_value(p, 0) != 0) {
                    p->i = at;
                    return;
                }
                skip_ws(p);
                if (p->i < p->n && p->s[p->i] == ',')
                    p->i++;
            }
            continue;
        }
        size_t len = strcspn(path, ".[");
        if (len >= sizeof seg || p->s[p->i] != '{')
            return;
        memcpy(seg, path, len);
        seg[len] = '\0';
        path += len;
        p->i++;
        for (;;) {
            skip_ws(p);
            if (p->i >= p->n || p->s[p->i] == '}' ||
                (p->s[p->i] != '"' && p->s[p->i] != '\'')) {
                p->i = at;
                return;
            }
            char key[256];
            if (scan_string(p, key, sizeof key) != 0) {
                p->i = at;
                return;
            }
            skip_ws(p);
            if (p->i >= p->n || p->s[p->i] != ':') {
                p->i = at;
                return;
            }
            p->i++;
            skip_ws(p);
            if (strcmp(key, seg) == 0)
                break;
            if (skip_value(p, 0) != 0) {
                p->i = at;
                return;
            }
            skip_ws(p);
            if (p->i < p->n && p->s[p->i] == ',')
                p->i++;
        }
    }
    skip_ws(p);
}

static void line_col(const char *s, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && s[i]; i++) {
        if (s[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

int sync_json_locate(const char *text, size_t n, const char *path, int *line,
                     int *col)
{
    struct jscan p = {text, 0, n};
    skip_ws(&p);
    size_t root = p.i;
    walk(&p, path);
    int rc = p.i == root && path[0] ? -1 : 0; /* not even the first key */
    line_col(text, p.i, line, col);
    return rc;
}

json_object *sync_json_load(const char *file, const char *text, size_t n,
                           struct hf_error *err)
{
    const char *nul = memchr(text, '\0', n);
    if (nul != NULL) {
        int line, col;
        line_col(text, (size_t)(nul - text), &line, &col);
        hf_error_set(err, HF_ERR_USAGE,
                     "%s:%d:%d: a NUL byte; not a JSON job file", file, line,
                     col);
        return NULL;
    }
    if (n > INT_MAX) {
        hf_error_set(err, HF_ERR_USAGE,
                     "%s: %zu bytes; too large for a job file", file, n);
        return NULL;
    }
    json_tokener *tok = json_tokener_new();
    json_object *root = tok ? json_tokener_parse_ex(tok, text, (int)n)
                            : NULL;
    if (root == NULL) {
        enum json_tokener_error je =
            tok ? json_tokener_get_error(tok) : json_tokener_error_parse_eof;
        const char *why = je == json_tokener_continue
                              ? "the file ends inside the job (a missing "
                                "closing brace or bracket?)"
                              : json_tokener_error_desc(je);
        size_t off = tok ? json_tokener_get_parse_end(tok) : 0;
        /* where the tokener stopped: the offending character */
        int line, col;
        line_col(text, off, &line, &col);
        hf_error_set(err, HF_ERR_USAGE,
                     "%s:%d:%d: not valid JSON: %s", file, line, col,
                     why);
    } else if (tok && json_tokener_get_parse_end(tok) < n) {
        /* something after the value (json-c stops at its end) */
        struct jscan p = {text, json_tokener_get_parse_end(tok), n};
        skip_ws(&p);
        if (p.i < n && text[p.i] != '\0') {
            int line, col;
            line_col(text, p.i, &line, &col);
            hf_error_set(err, HF_ERR_USAGE,
                         "%s:%d:%d: not valid JSON: text after the job's "
                         "closing brace",
                         file, line, col);
            json_object_put(root);
            root = NULL;
        }
    }
    if (tok)
        json_tokener_free(tok);
    return root;
}
