/*
 * read_table.c - an example of the public reader API (holoflow.h only).
 *
 * Reads one PostgreSQL/Hologres table through the hologres source's
 * bounded scan, exactly as a batch job reading that table would (one
 * snapshot, binary COPY, `source.scan.split-count` parallel readers,
 * projection and filter push-down), and prints it.
 *
 *   read_table [-o KEY=VALUE]... [-c COLUMN]... [-w WHERE] [-H] [-v] TABLE
 *
 * TABLE is 'table' or 'schema.table'. The connection comes from libpq's
 * environment variables PGHOST, PGPORT, PGDATABASE, PGUSER and PGPASSWORD;
 * each -o adds or overrides one source option (-o
 * source.scan.split-count=4). Each -c names a column to read (default:
 * all), as NAME or NAME:TYPE to read it as that Flink type, -w gives a Flink
 * SQL filter ("id > 10 AND s IS NOT NULL"), -H prints a header line "# name
 * TYPE<TAB>..." first, -v logs at debug level (each reader's statement) to
 * stderr.
 *
 * Output: one line per row, values separated by tabs, NULL as \N, in the
 * text format of PostgreSQL's COPY (a backslash, tab, newline or carriage
 * return inside a value is written \\, \t, \n, \r). Integers, booleans
 * and floats go through the typed accessors (hf_reader_get_int64 /
 * _get_double), BYTES as \x and hex digits, everything else as
 * hf_reader_get_text gives it (Flink's CAST(... AS STRING)). Rows come in
 * the order the scan's splits deliver them. Exit status 0, or 1 with the
 * error on stderr.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holoflow.h"

#define MAX_OPTIONS 64
#define MAX_COLUMNS 1024

static void usage(void)
{
    fprintf(stderr, "usage: read_table [-o KEY=VALUE]... [-c COLUMN]... "
                    "[-w WHERE] [-H] [-v] TABLE\n");
    exit(1);
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

/* Add "key=value" (a later one with the same key replaces it). The
 * strings are owned by the array. */
static void add_opt(char **opts, size_t *n, const char *key, const char *val)
{
    size_t len = strlen(key) + strlen(val) + 2;
    char *s = malloc(len);
    if (s == NULL) {
        fprintf(stderr, "read_table: out of memory\n");
        exit(1);
    }
    snprintf(s, len, "%s=%s", key, val);
    size_t klen = strlen(key);
    for (size_t j = 0; j < *n; j++)
        if (strncmp(opts[j], s, klen + 1) == 0) {
            free(opts[j]);
            opts[j] = s;
            return;
        }
    if (*n == MAX_OPTIONS) {
        fprintf(stderr, "read_table: too many options\n");
        exit(1);
    }
    opts[(*n)++] = s;
}

/* Write `len` bytes in COPY text escaping. */
static void put_escaped(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '\\':
            fputs("\\\\", stdout);
            break;
        case '\t':
            fputs("\\t", stdout);
            break;
        case '\n':
            fputs("\\n", stdout);
            break;
        case '\r':
            fputs("\\r", stdout);
            break;
        default:
            putchar(s[i]);
        }
    }
}

static void put_value(hf_reader_t *r, size_t row, size_t col)
{
    if (hf_reader_is_null(r, row, col)) {
        fputs("\\N", stdout);
        return;
    }
    size_t len = 0;
    const char *s;
    switch (hf_reader_col_vec(r, col, NULL)) {
    case HF_VEC_BOOL:
        fputs(hf_reader_get_int64(r, row, col) ? "true" : "false", stdout);
        return;
    case HF_VEC_INT8:
    case HF_VEC_INT16:
    case HF_VEC_INT32:
    case HF_VEC_INT64:
        printf("%" PRId64, hf_reader_get_int64(r, row, col));
        return;
    case HF_VEC_FLOAT32:
        printf("%.9g", hf_reader_get_double(r, row, col));
        return;
    case HF_VEC_FLOAT64:
        printf("%.17g", hf_reader_get_double(r, row, col));
        return;
    case HF_VEC_BINARY:
        s = hf_reader_get_text(r, row, col, &len);
        fputs("\\\\x", stdout);
        for (size_t i = 0; i < len; i++)
            printf("%02x", (unsigned char)s[i]);
        return;
    default:
        s = hf_reader_get_text(r, row, col, &len);
        if (s == NULL) {
            fprintf(stderr, "read_table: out of memory\n");
            exit(1);
        }
        put_escaped(s, len);
    }
}

int main(int argc, char **argv)
{
    char *opts[MAX_OPTIONS];
    size_t nopts = 0;
    const char *cols[MAX_COLUMNS], *types[MAX_COLUMNS];
    size_t ncols = 0;
    const char *where = NULL, *table = NULL;
    int header = 0;

    char endpoint[512];
    snprintf(endpoint, sizeof endpoint, "%s:%s", env_or("PGHOST", "localhost"),
             env_or("PGPORT", "5432"));
    add_opt(opts, &nopts, "endpoint", endpoint);
    add_opt(opts, &nopts, "dbname", env_or("PGDATABASE", "postgres"));
    add_opt(opts, &nopts, "username", env_or("PGUSER", "postgres"));
    add_opt(opts, &nopts, "password", env_or("PGPASSWORD", ""));
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            char *kv = argv[++i], *eq = strchr(kv, '=');
            if (eq == NULL || eq == kv)
                usage();
            *eq = '\0';
            add_opt(opts, &nopts, kv, eq + 1);
        } else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            if (ncols == MAX_COLUMNS)
                usage();
            /* "name" or "name:TYPE" (a Flink type to read it as) */
            char *col = argv[++i], *colon = strchr(col, ':');
            types[ncols] = NULL;
            if (colon) {
                *colon = '\0';
                types[ncols] = colon + 1;
            }
            cols[ncols++] = col;
        } else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc) {
            where = argv[++i];
        } else if (strcmp(argv[i], "-v") == 0) {
            hf_log_configure(HF_LOG_DEBUG, 0);
        } else if (strcmp(argv[i], "-H") == 0) {
            header = 1;
        } else if (argv[i][0] == '-' || table != NULL) {
            usage();
        } else {
            table = argv[i];
        }
    }
    if (table == NULL)
        usage();
    add_opt(opts, &nopts, "tablename", table);

    char errstr[1024];
    hf_err_t e = HF_OK;
    hf_reader_t *r =
        hf_reader_open((const char *const *)opts, nopts, cols, types, ncols,
                       where, &e, errstr, sizeof errstr);
    for (size_t i = 0; i < nopts; i++)
        free(opts[i]);
    if (r == NULL) {
        fprintf(stderr, "read_table: %s: %s\n", hf_err2str(e), errstr);
        return 1;
    }
    size_t n = hf_reader_ncols(r);
    if (header) {
        fputs("#", stdout);
        for (size_t c = 0; c < n; c++)
            printf("%s%s %s", c ? "\t" : " ", hf_reader_col_name(r, c),
                   hf_reader_col_type(r, c));
        putchar('\n');
    }
    size_t nrows;
    while ((e = hf_reader_next(r, &nrows, errstr, sizeof errstr)) == HF_OK &&
           nrows > 0) {
        for (size_t row = 0; row < nrows; row++) {
            for (size_t c = 0; c < n; c++) {
                if (c)
                    putchar('\t');
                put_value(r, row, c);
            }
            putchar('\n');
        }
    }
    int rc = 0;
    if (e != HF_OK) {
        fprintf(stderr, "read_table: %s: %s\n", hf_err2str(e), errstr);
        rc = 1;
    }
    hf_reader_close(r);
    return rc;
}
