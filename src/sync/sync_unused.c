/*
 * sync_unused.c - warnings for the keys of a job file's reader and writer
 * parameters that holoflow does not read.
 *
 * DataX and DataWorks ignore keys they do not know, and so does holoflow
 * (a job file written for them must run as written), but a misspelt key
 * ("truncat") or one holoflow has no use for should not pass unnoticed:
 * while a job file is parsed, every value the parser looks up is noted
 * (sync_json_note_read, from sync_job.c's one lookup function), and once
 * the job is parsed each key of a parameter object that was never looked
 * up gets one warning naming FILE:LINE:COL, its JSON path and the reader
 * or writer (at most MAX_WARNINGS per job file). Keys docs/sync.md lists
 * as accepted and ignored count as looked up (sync_job.c
 * accept_documented). Objects inside a parameter whose keys the parser
 * never looks up one by one (csvReaderConfig, read as a whole) are not
 * searched. The noted values live in a per-thread list for the parse.
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "sync/sync_int.h"

struct read_set {
    const void **v;
    size_t n, cap;
    unsigned warned; /* warnings given for this job file */
    bool sorted, failed;
};

static _Thread_local struct read_set *g_read;

void sync_json_note_begin(void)
{
    static _Thread_local struct read_set set;
    free(set.v);
    memset(&set, 0, sizeof set);
    g_read = &set;
}

void sync_json_note_read(const struct json_object *v)
{
    struct read_set *s = g_read;
    if (s == NULL || v == NULL || s->failed)
        return;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        const void **nv = realloc(s->v, nc * sizeof *nv);
        if (nv == NULL) {
            s->failed = true; /* then no warnings: never a false one */
            return;
        }
        s->v = nv;
        s->cap = nc;
    }
    s->v[s->n++] = v;
    s->sorted = false;
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(const void *const *)a;
    uintptr_t y = (uintptr_t)*(const void *const *)b;
    return x < y ? -1 : x > y;
}

static bool was_read(struct read_set *s, const json_object *v)
{
    if (!s->sorted) {
        qsort(s->v, s->n, sizeof *s->v, cmp_ptr);
        s->sorted = true;
    }
    const void *key = v;
    return bsearch(&key, s->v, s->n, sizeof *s->v, cmp_ptr) != NULL;
}

/* Whether the parser looked up any key of object o one by one. */
static bool keys_read(struct read_set *s, json_object *o)
{
    json_object_object_foreach(o, k, v)
    {
        (void)k;
        if (v && was_read(s, v))
            return true;
    }
    return false;
}

struct walk {
    struct read_set *s;
    const char *file, *text, *what;
    size_t len;
};

#define MAX_WARNINGS 20

static void walk_value(struct walk *w, json_object *v, const char *path);

static void walk_keys(struct walk *w, json_object *o, const char *path)
{
    json_object_object_foreach(o, k, v)
    {
        char sub[512];
        int n = snprintf(sub, sizeof sub, "%s.%s", path, k);
        if (v == NULL || n < 0 || (size_t)n >= sizeof sub)
            continue; /* null: as if absent; a path too long to name */
        if (was_read(w->s, v)) {
            walk_value(w, v, sub);
            continue;
        }
        if (w->s->warned++ >= MAX_WARNINGS)
            continue;
        int line, col;
        if (sync_json_locate(w->text, w->len, sub, &line, &col) == 0)
            hf_log_warn("%s:%d:%d: %s: ignored (holoflow's %s does not "
                        "use this key)",
                        w->file, line, col, sub, w->what);
        else
            hf_log_warn("%s: %s: ignored (holoflow's %s does not use this "
                        "key)",
                        w->file, sub, w->what);
    }
}

/* An object inside a parameter: searched when the parser looked up some
 * of its keys one by one. */
static void walk_object(struct walk *w, json_object *o, const char *path)
{
    if (keys_read(w->s, o))
        walk_keys(w, o, path);
}

static void walk_value(struct walk *w, json_object *v, const char *path)
{
    if (json_object_is_type(v, json_type_object)) {
        walk_object(w, v, path);
    } else if (json_object_is_type(v, json_type_array)) {
        size_t n = json_object_array_length(v);
        for (size_t i = 0; i < n; i++) {
            json_object *e = json_object_array_get_idx(v, i);
            char sub[512];
            int m = snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            if (m > 0 && (size_t)m < sizeof sub && e &&
                json_object_is_type(e, json_type_object))
                walk_object(w, e, sub);
        }
    }
}

void sync_json_warn_unread(struct json_object *par, const char *path,
                           const char *what, const char *file,
                           const char *text, size_t len)
{
    struct read_set *s = g_read;
    if (s == NULL || s->failed || par == NULL ||
        !json_object_is_type(par, json_type_object))
        return;
    struct walk w = {.s = s, .file = file, .text = text, .what = what,
                     .len = len};
    walk_keys(&w, par, path);
}

void sync_json_note_end(void)
{
    if (g_read && g_read->warned > MAX_WARNINGS)
        hf_log_warn("%u more keys of the job file ignored (holoflow does "
                    "not use them)",
                    g_read->warned - MAX_WARNINGS);
    if (g_read) {
        free(g_read->v);
        memset(g_read, 0, sizeof *g_read);
        g_read = NULL;
    }
}
