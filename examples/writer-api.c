/*
 * writer-api.c - an example of the public writer API (holoflow.h only).
 *
 * Writes changelog rows into one PostgreSQL/Hologres table through the
 * hologres sink, exactly as `INSERT INTO` that table in a holoflow job
 * would: rows of every kind (+I insert, +U update, -D delete) are put into
 * a writer, flushed, and the writer's counters printed before it is closed.
 *
 *   writer-api [-c COLUMNS] [-o KEY=VALUE]... [-r FILE] TABLE
 *
 * TABLE is the target ('table' or 'schema.table'). COLUMNS is a Flink
 * column list (default: the seed's user_id BIGINT, user_name STRING,
 * price DECIMAL(38, 2), sale_timestamp TIMESTAMP_LTZ(3), key user_id).
 * The connection comes from libpq's environment variables PGHOST (host or
 * Unix socket directory), PGPORT, PGDATABASE, PGUSER and PGPASSWORD; each
 * -o adds or overrides one sink option (e.g. -o connection.pool.size=2).
 *
 * Without -r, a fixed set of rows for the default columns is written: keys
 * 1..4 inserted, 2 and 1 updated, 3 deleted, leaving rows 1, 2 and 4. With
 * -r FILE ('-' is stdin) each line is one row: the kind (+I, +U, -U, -D),
 * then the column values, all separated by tabs, `\N` for NULL, the values
 * spelled as Flink's CAST(... AS STRING) spells them. A line that is empty
 * or starts with '#' is skipped; a line "FLUSH" flushes the writer there.
 *
 * A value that does not parse is reported with its error code and message
 * (which names the row and column) and the row is left out; the other rows
 * are still written, and the exit status is then 2. Any other error ends
 * the program with status 1. On success it prints the counters and exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holoflow.h"

#define MAX_OPTIONS 64
#define MAX_COLUMNS 256

static const char default_columns[] =
    "user_id BIGINT, user_name STRING, price DECIMAL(38, 2), "
    "sale_timestamp TIMESTAMP_LTZ(3), PRIMARY KEY (user_id) NOT ENFORCED";

/* The built-in rows (for default_columns): kind, then four values; a NULL
 * kind string marks a flush. */
struct sample_row {
    const char *kind;
    const char *values[4];
};

static const struct sample_row sample_rows[] = {
    {"+I", {"1", "alice", "10.50", "2024-01-01 10:00:00"}},
    {"+I", {"2", "bob", "20.00", "2024-01-01 10:01:00"}},
    {"+I", {"3", "carol", "30.25", "2024-01-01 10:02:00"}},
    {"+U", {"2", "bob", "22.00", "2024-01-01 10:03:00"}},
    {NULL, {NULL, NULL, NULL, NULL}},
    {"-D", {"3", "carol", "30.25", "2024-01-01 10:02:00"}},
    {"+I", {"4", "dave", NULL, "2024-01-01 10:04:00"}},
    {"+U", {"1", "alice", "11.75", "2024-01-01 10:05:00"}},
};

/* The symbolic name of an error code, for messages. */
static const char *err_name(hf_err_t e)
{
    switch (e) {
    case HF_OK:
        return "HF_OK";
    case HF_ERR_FAIL:
        return "HF_ERR_FAIL";
    case HF_ERR_USAGE:
        return "HF_ERR_USAGE";
    case HF_ERR_SQL:
        return "HF_ERR_SQL";
    case HF_ERR_OPTION:
        return "HF_ERR_OPTION";
    case HF_ERR_TYPE:
        return "HF_ERR_TYPE";
    case HF_ERR_IO:
        return "HF_ERR_IO";
    case HF_ERR_DATA:
        return "HF_ERR_DATA";
    case HF_ERR_CONNECT:
        return "HF_ERR_CONNECT";
    case HF_ERR_SERVER:
        return "HF_ERR_SERVER";
    case HF_ERR_NOMEM:
        return "HF_ERR_NOMEM";
    case HF_ERR_UNSUPPORTED:
        return "HF_ERR_UNSUPPORTED";
    case HF_ERR_INTERRUPTED:
        return "HF_ERR_INTERRUPTED";
    case HF_ERR_STATE:
        return "HF_ERR_STATE";
    default:
        return "HF_ERR_?";
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: writer-api [-c COLUMNS] [-o KEY=VALUE]... "
                    "[-r FILE] TABLE\n");
    exit(1);
}

/* Parses "+I", "-U", "+U" or "-D" into *kind; returns 0, or -1. */
static int parse_kind(const char *s, hf_rowkind_t *kind)
{
    static const char *const names[] = {"+I", "-U", "+U", "-D"};
    for (int k = 0; k < 4; k++) {
        if (strcmp(s, names[k]) == 0) {
            *kind = (hf_rowkind_t)k; /* Flink's byte values, in order */
            return 0;
        }
    }
    return -1;
}

/* Puts one row; returns 0 when added, 1 for a rejected value (HF_ERR_DATA,
 * reported), -1 for an error that ends the program (reported). */
static int put_row(hf_writer_t *w, hf_rowkind_t kind, const char *const *values,
                   const char *where)
{
    char errstr[512];
    hf_err_t e = hf_writer_put(w, kind, values, errstr, sizeof errstr);
    if (e == HF_OK)
        return 0;
    fprintf(stderr, "writer-api: %s: hf_writer_put: %s (%d, %s): %s\n", where,
            err_name(e), (int)e, hf_err2str(e), errstr);
    return e == HF_ERR_DATA ? 1 : -1;
}

static int flush(hf_writer_t *w)
{
    char errstr[512];
    hf_err_t e = hf_writer_flush(w, errstr, sizeof errstr);
    if (e == HF_OK)
        return 0;
    fprintf(stderr, "writer-api: hf_writer_flush: %s (%d): %s\n", err_name(e),
            (int)e, errstr);
    return -1;
}

/* Writes the built-in rows. Returns the number rejected, or -1. */
static int put_samples(hf_writer_t *w)
{
    int rejected = 0;
    for (size_t i = 0; i < sizeof sample_rows / sizeof sample_rows[0]; i++) {
        const struct sample_row *r = &sample_rows[i];
        if (r->kind == NULL) {
            if (flush(w) != 0)
                return -1;
            continue;
        }
        hf_rowkind_t kind = HF_ROWKIND_INSERT;
        (void)parse_kind(r->kind, &kind);
        char where[32];
        snprintf(where, sizeof where, "sample row %zu", i + 1);
        int rc = put_row(w, kind, r->values, where);
        if (rc < 0)
            return -1;
        rejected += rc;
    }
    return rejected;
}

/* Writes the rows of `path` ('-': stdin). Returns the number rejected, or
 * -1. */
static int put_file(hf_writer_t *w, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int rejected = 0, rc = 0;
    const char *values[MAX_COLUMNS];
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        if (strcmp(line, "FLUSH") == 0) {
            if (flush(w) != 0) {
                rc = -1;
                break;
            }
            continue;
        }
        /* Split at tabs, in place. */
        char *fields[MAX_COLUMNS + 1];
        size_t n = 0;
        char *p = line;
        for (;;) {
            if (n == MAX_COLUMNS + 1)
                break;
            fields[n++] = p;
            char *tab = strchr(p, '\t');
            if (tab == NULL)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        hf_rowkind_t kind = HF_ROWKIND_INSERT;
        if (parse_kind(fields[0], &kind) != 0) {
            fprintf(stderr,
                    "writer-api: %s:%ld: '%s' is not a row kind "
                    "(+I, -U, +U, -D)\n",
                    path, lineno, fields[0]);
            rc = -1;
            break;
        }
        for (size_t i = 1; i < n; i++)
            values[i - 1] = strcmp(fields[i], "\\N") == 0 ? NULL : fields[i];
        /* Missing trailing values are NULL. The writer reads one value per
         * column of COLUMNS, so pad to the maximum. */
        for (size_t i = n - 1; i < MAX_COLUMNS; i++)
            values[i] = NULL;
        char where[64];
        snprintf(where, sizeof where, "line %ld", lineno);
        int r = put_row(w, kind, values, where);
        if (r < 0) {
            rc = -1;
            break;
        }
        rejected += r;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return rc < 0 ? -1 : rejected;
}

/* Appends a copy of "key=value" (`key` NULL: `val` is already key=value)
 * to opts, replacing an earlier option with the same key; exits on
 * overflow or allocation failure. */
static void add_opt(char **opts, size_t *n, const char *key, const char *val)
{
    size_t len = (key ? strlen(key) + 1 : 0) + strlen(val) + 1;
    char *s = malloc(len);
    if (s == NULL) {
        fprintf(stderr, "writer-api: out of memory\n");
        exit(1);
    }
    if (key)
        snprintf(s, len, "%s=%s", key, val);
    else
        snprintf(s, len, "%s", val);
    size_t klen = (size_t)(strchr(s, '=') - s);
    for (size_t j = 0; j < *n; j++) {
        if (strncmp(opts[j], s, klen + 1) == 0) {
            free(opts[j]);
            opts[j] = s;
            return;
        }
    }
    if (*n == MAX_OPTIONS) {
        fprintf(stderr, "writer-api: too many options\n");
        exit(1);
    }
    opts[(*n)++] = s;
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

int main(int argc, char **argv)
{
    const char *columns = default_columns;
    const char *rows_path = NULL;
    const char *table = NULL;
    char *opts[MAX_OPTIONS];
    size_t nopts = 0;

    /* Connection options from the environment first, so -o overrides. */
    char endpoint[512];
    snprintf(endpoint, sizeof endpoint, "%s:%s", env_or("PGHOST", "localhost"),
             env_or("PGPORT", "5432"));
    add_opt(opts, &nopts, "connector", "hologres");
    add_opt(opts, &nopts, "endpoint", endpoint);
    add_opt(opts, &nopts, "dbname", env_or("PGDATABASE", "postgres"));
    add_opt(opts, &nopts, "username", env_or("PGUSER", "postgres"));
    add_opt(opts, &nopts, "password", env_or("PGPASSWORD", ""));

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            columns = argv[++i];
        } else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
            rows_path = argv[++i];
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            const char *kv = argv[++i];
            if (strchr(kv, '=') == NULL || kv[0] == '=')
                usage();
            add_opt(opts, &nopts, NULL, kv);
        } else if (argv[i][0] == '-' || table != NULL) {
            usage();
        } else {
            table = argv[i];
        }
    }
    if (table == NULL)
        usage();
    add_opt(opts, &nopts, "tablename", table);

    char errstr[512];
    hf_writer_t *w = hf_writer_new(columns, (const char *const *)opts, nopts,
                                   errstr, sizeof errstr);
    for (size_t i = 0; i < nopts; i++)
        free(opts[i]); /* the writer copied them */
    if (w == NULL) {
        fprintf(stderr, "writer-api: hf_writer_new: %s\n", errstr);
        return 1;
    }

    int rejected = rows_path ? put_file(w, rows_path) : put_samples(w);
    int status = rejected < 0 ? 1 : rejected > 0 ? 2 : 0;
    if (rejected >= 0 && flush(w) != 0)
        status = 1;

    uint64_t written = 0, dirty = 0;
    hf_writer_counters(w, &written, &dirty);
    printf("written %llu rows, %llu dirty, %d rejected by hf_writer_put\n",
           (unsigned long long)written, (unsigned long long)dirty,
           rejected < 0 ? 0 : rejected);

    hf_err_t e = hf_writer_close(w, errstr, sizeof errstr);
    if (e != HF_OK) {
        fprintf(stderr, "writer-api: hf_writer_close: %s (%d): %s\n",
                err_name(e), (int)e, errstr);
        status = 1;
    }
    return status;
}
