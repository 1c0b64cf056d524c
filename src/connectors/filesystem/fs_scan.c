/*
 * fs_scan.c - listing the input files of a filesystem table (see fs_int.h).
 *
 * Directories are read with opendir/readdir, their entries sorted with
 * strcmp (not the locale), and visited depth-first, so a tree is always
 * listed in the same order: a/x=1/f, a/x=2/f, b. Hidden entries ('.' or '_'
 * first) are skipped at every level below the root, without looking at
 * them (a dangling ".#lock" link is no error); the root itself is taken as
 * given.
 *
 * Nothing else is skipped quietly: an entry that stat() cannot resolve (a
 * dangling symbolic link, a link loop, a subdirectory that may be listed
 * but not searched, a file removed while the listing runs), a directory
 * that cannot be opened and a readdir() error all fail the scan, naming the
 * path and the errno text, as Flink's enumerator fails on the
 * FileNotFoundException of such an entry. Entries that are neither
 * directories nor regular files (FIFOs, sockets, devices) are not input
 * and are left out.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "connectors/filesystem/fs_int.h"

#define FS_MAX_DEPTH 64

const char *hf_fs_local_path(const char *path)
{
    if (strncasecmp(path, "file:", 5) == 0) {
        const char *p = path + 5;
        if (strncmp(p, "//", 2) == 0) {
            p += 2;
            /* file://host/path: only an empty host or localhost. */
            if (*p != '/') {
                if (strncasecmp(p, "localhost/", 10) == 0)
                    return p + 9;
                return NULL;
            }
        }
        return p;
    }
    /* Any other "scheme:" prefix (letters, digits, + - . then "://"). */
    const char *c = path;
    while ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
           (*c >= '0' && *c <= '9') || *c == '+' || *c == '-' || *c == '.')
        c++;
    if (c != path && strncmp(c, "://", 3) == 0)
        return NULL;
    return path;
}

static int add_file(struct hf_fs_files *out, const char *path, size_t rel_off,
                    const struct stat *st, struct hf_error *err)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 16;
        struct hf_fs_file *v = realloc(out->v, cap * sizeof *v);
        if (v == NULL)
            return hf_error_set(err, HF_ERR_NOMEM,
                                "filesystem: out of memory listing files");
        out->v = v;
        out->cap = cap;
    }
    char *p = strdup(path);
    if (p == NULL)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "filesystem: out of memory listing files");
    struct hf_fs_file *f = &out->v[out->n++];
    f->path = p;
    f->rel_off = rel_off;
    f->size = (int64_t)st->st_size;
    f->mtime_us =
        (int64_t)st->st_mtim.tv_sec * 1000000 + st->st_mtim.tv_nsec / 1000;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The error for an entry whose stat() failed with `e`: says whether it is a
 * symbolic link that cannot be followed. */
static int stat_error(const char *path, int e, struct hf_error *err)
{
    struct stat lst;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
        return hf_error_set(err, HF_ERR_IO,
                            "filesystem: cannot follow symbolic link '%s': "
                            "%s; remove the link or fix its target (names "
                            "starting with '.' or '_' are skipped)",
                            path, strerror(e));
    return hf_error_set(err, HF_ERR_IO, "filesystem: cannot read '%s': %s",
                        path, strerror(e));
}

static int walk(const char *dir, size_t rel_off, int depth,
                struct hf_fs_files *out, struct hf_error *err)
{
    if (depth > FS_MAX_DEPTH)
        return hf_error_set(err, HF_ERR_IO,
                            "filesystem: directory '%s' is nested more than "
                            "%d levels deep (a symbolic link loop?)",
                            dir, FS_MAX_DEPTH);
    DIR *d = opendir(dir);
    if (d == NULL)
        return hf_error_set(err, HF_ERR_IO,
                            "filesystem: cannot read directory '%s': %s", dir,
                            strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    for (;;) {
        errno = 0;
        e = readdir(d);
        if (e == NULL) {
            if (errno != 0)
                rc = hf_error_set(err, HF_ERR_IO,
                                  "filesystem: cannot list directory '%s': %s",
                                  dir, strerror(errno));
            break;
        }
        if (e->d_name[0] == '.' || e->d_name[0] == '_')
            continue; /* hidden, and "." / ".." */
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (nn == NULL) {
                rc =
                    hf_error_set(err, HF_ERR_NOMEM,
                                 "filesystem: out of memory listing '%s'", dir);
                goto out;
            }
            names = nn;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL) {
            rc = hf_error_set(err, HF_ERR_NOMEM,
                              "filesystem: out of memory listing '%s'", dir);
            goto out;
        }
        n++;
    }
    closedir(d);
    d = NULL;
    if (rc != 0)
        goto out;
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_names);

    size_t dlen = strlen(dir);
    bool slash = dlen > 0 && dir[dlen - 1] == '/';
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t len = dlen + 1 + strlen(names[i]) + 1;
        char *child = malloc(len);
        if (child == NULL) {
            rc = hf_error_set(err, HF_ERR_NOMEM,
                              "filesystem: out of memory listing '%s'", dir);
            break;
        }
        memcpy(child, dir, dlen);
        size_t o = dlen;
        if (!slash)
            child[o++] = '/';
        memcpy(child + o, names[i], strlen(names[i]) + 1);
        struct stat st;
        if (stat(child, &st) != 0) {
            rc = stat_error(child, errno, err);
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk(child, rel_off, depth + 1, out, err);
        } else if (S_ISREG(st.st_mode)) {
            rc = add_file(out, child, rel_off, &st, err);
        }
        free(child);
    }
out:
    if (d != NULL)
        closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

int hf_fs_scan(const char *root, struct hf_fs_files *out, struct hf_error *err)
{
    struct stat st;
    if (stat(root, &st) != 0)
        return hf_error_set(err, HF_ERR_IO, "filesystem: path '%s': %s", root,
                            strerror(errno));
    if (S_ISREG(st.st_mode)) {
        /* A single file: no partition directories below the root. */
        size_t len = strlen(root);
        return add_file(out, root, len, &st, err);
    }
    if (!S_ISDIR(st.st_mode))
        return hf_error_set(err, HF_ERR_IO,
                            "filesystem: path '%s' is neither a file nor a "
                            "directory",
                            root);
    size_t rel_off = strlen(root);
    if (rel_off > 0 && root[rel_off - 1] != '/')
        rel_off++; /* skip the '/' walk() adds */
    return walk(root, rel_off, 0, out, err);
}

void hf_fs_files_free(struct hf_fs_files *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i].path);
    free(f->v);
    f->v = NULL;
    f->n = f->cap = 0;
}
