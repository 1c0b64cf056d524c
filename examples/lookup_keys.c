/*
 * lookup_keys.c - an example of the public lookup API (holoflow.h only).
 *
 * Looks keys up in one PostgreSQL/Hologres table through the hologres
 * connector, exactly as a lookup join with that dimension table in a
 * holoflow job would: keys are read from stdin, one per line (the values
 * of the key columns separated by tabs, `\N` for NULL), handed to
 * hf_lookup_get in groups of -n (default 1000) keys, which the library
 * sends to the server in batched requests (pipelined with
 * -o lookup.async=true) through the configured cache; every match is
 * printed as one line: the key's line number, then the row's columns,
 * tab-separated (`\N` for NULL); a key without match prints its line
 * number and `-`. At the end the lookup's counters go to stderr.
 *
 *   lookup_keys -c COLUMNS -k KEYS [-n N] [-o KEY=VALUE]... TABLE
 *
 * COLUMNS is a Flink column list ("k INT, name STRING"), KEYS the key
 * column names ("k" or "a,b"), TABLE the table ('t' or 'schema.t'). The
 * connection comes from libpq's environment variables PGHOST (host or
 * Unix socket directory), PGPORT, PGDATABASE, PGUSER and PGPASSWORD; each
 * -o adds or overrides one option (e.g. -o lookup.cache=PARTIAL).
 *
 * Exit status: 0; 2 when a key did not parse (reported, its group
 * skipped); 1 on any other error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "holoflow.h"

#define MAX_OPTIONS 64
#define MAX_KEYCOLS 16

static void usage(void)
{
    fprintf(stderr, "usage: lookup_keys -c COLUMNS -k KEYS [-n N] "
                    "[-o KEY=VALUE]... TABLE < keys\n");
    exit(1);
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

static void add_opt(char **opts, size_t *n, const char *k, const char *v)
{
    if (*n == MAX_OPTIONS) {
        fprintf(stderr, "lookup_keys: too many options\n");
        exit(1);
    }
    size_t len = strlen(k) + strlen(v) + 2;
    opts[*n] = malloc(len);
    if (opts[*n] == NULL)
        exit(1);
    snprintf(opts[*n], len, "%s=%s", k, v);
    (*n)++;
}

static size_t count_keys(const char *keys)
{
    size_t n = 1;
    for (const char *p = keys; *p; p++)
        n += *p == ',';
    return n;
}

/* Print the matches of the group's keys; lines[i] is key i's line. */
static void print_group(hf_lookup_t *l, size_t nkeys, const long *lines,
                        size_t ncols)
{
    for (size_t i = 0; i < nkeys; i++) {
        size_t n = hf_lookup_count(l, i);
        if (n == 0)
            printf("%ld\t-\n", lines[i]);
        for (size_t r = 0; r < n; r++) {
            printf("%ld", lines[i]);
            for (size_t c = 0; c < ncols; c++) {
                const char *v = hf_lookup_value(l, i, r, c);
                printf("\t%s", v ? v : "\\N");
            }
            putchar('\n');
        }
    }
}

int main(int argc, char **argv)
{
    const char *columns = NULL, *keys = NULL, *table = NULL;
    size_t group = 1000, ncols = 0;
    char *opts[MAX_OPTIONS];
    size_t nopts = 0;
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
        } else if (strcmp(argv[i], "-k") == 0 && i + 1 < argc) {
            keys = argv[++i];
        } else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            group = strtoul(argv[++i], NULL, 10);
            if (group == 0)
                usage();
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            const char *kv = argv[++i];
            const char *eq = strchr(kv, '=');
            if (eq == NULL || eq == kv)
                usage();
            char k[256];
            snprintf(k, sizeof k, "%.*s", (int)(eq - kv), kv);
            add_opt(opts, &nopts, k, eq + 1);
        } else if (argv[i][0] != '-' && table == NULL) {
            table = argv[i];
        } else {
            usage();
        }
    }
    if (columns == NULL || keys == NULL || table == NULL)
        usage();
    add_opt(opts, &nopts, "tablename", table);
    /* The number of columns: commas outside parentheses, PRIMARY KEY
     * clause left out. */
    int depth = 0;
    ncols = 1;
    for (const char *p = columns; *p; p++) {
        depth += *p == '(' || *p == '<';
        depth -= *p == ')' || *p == '>';
        ncols += *p == ',' && depth == 0;
    }
    if (strstr(columns, "PRIMARY KEY") || strstr(columns, "primary key"))
        ncols--;

    char err[1024];
    hf_lookup_t *l = hf_lookup_open(columns, (const char *const *)opts, nopts,
                                    keys, err, sizeof err);
    for (size_t i = 0; i < nopts; i++)
        free(opts[i]);
    if (l == NULL) {
        fprintf(stderr, "lookup_keys: %s\n", err);
        return 1;
    }
    size_t nk = count_keys(keys);
    if (nk > MAX_KEYCOLS) {
        fprintf(stderr, "lookup_keys: at most %d key columns\n", MAX_KEYCOLS);
        hf_lookup_close(l);
        return 1;
    }
    char **vals = calloc(group * nk, sizeof *vals);
    long *lines = calloc(group, sizeof *lines);
    if (vals == NULL || lines == NULL)
        return 1;
    int status = 0;
    size_t n = 0;
    long lineno = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    for (;;) {
        len = getline(&line, &cap, stdin);
        if (len >= 0) {
            lineno++;
            if (len > 0 && line[len - 1] == '\n')
                line[--len] = '\0';
            char *p = line;
            for (size_t k = 0; k < nk; k++) {
                char *tab = strchr(p, '\t');
                if (tab)
                    *tab = '\0';
                vals[n * nk + k] = strcmp(p, "\\N") == 0 ? NULL : strdup(p);
                p = tab ? tab + 1 : p + strlen(p);
            }
            lines[n++] = lineno;
        }
        if (n > 0 && (n == group || len < 0)) {
            hf_err_t rc = hf_lookup_get(l, n, (const char *const *)vals, err,
                                        sizeof err);
            if (rc == HF_ERR_DATA) {
                fprintf(stderr, "lookup_keys: %s: %s\n", hf_err2str(rc), err);
                status = 2;
            } else if (rc != HF_OK) {
                fprintf(stderr, "lookup_keys: %s: %s\n", hf_err2str(rc), err);
                status = 1;
            } else {
                print_group(l, n, lines, ncols);
            }
            for (size_t i = 0; i < n * nk; i++) {
                free(vals[i]);
                vals[i] = NULL;
            }
            n = 0;
            if (status == 1)
                break;
        }
        if (len < 0)
            break;
    }
    free(line);
    free(vals);
    free(lines);
    hf_lookup_stats_t st;
    hf_lookup_stats(l, &st);
    fprintf(stderr,
            "lookup_keys: %llu keys, %llu asked in %llu requests; cache %llu "
            "hits, %llu misses, %llu evictions, %llu keys held\n",
            (unsigned long long)st.keys, (unsigned long long)st.keys_asked,
            (unsigned long long)st.requests, (unsigned long long)st.hits,
            (unsigned long long)st.misses, (unsigned long long)st.evictions,
            (unsigned long long)st.cached_keys);
    hf_lookup_close(l);
    return status;
}
