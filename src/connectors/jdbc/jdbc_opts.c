/*
 * jdbc_opts.c - the jdbc connector's option table (the options of Flink's
 * JDBC SQL connector, with its defaults), its plan-time rules and the
 * hologres configuration a jdbc table maps onto.
 *
 * jdbc_validate() applies Flink's JdbcDynamicTableFactory rules in its
 * order and with its messages ("Either all or none of the following
 * options should be provided:", "'scan.partition.lower-bound'='9' must not
 * be larger than 'scan.partition.upper-bound'='1'.", ...), the partial
 * lookup cache's eviction rule (DefaultLookupCache), and holoflow's own:
 * a PostgreSQL URL (jdbc_url.c), the driver org.postgresql.Driver, a
 * partition column that is a numeric column of the table.
 *
 * jdbc_holo_config() turns the options into a struct holo_config through
 * the hologres option table itself (endpoint, dbname, tablename, username,
 * password and the write semantics are handed to hf_opts_parse as if the
 * user had written them, so the hologres defaults and parsing hold), then
 * sets what Flink's JDBC connector does differently: the key from the
 * job's PRIMARY KEY, flushes by sink.buffer-flush.*, sink.max-retries
 * retries one second apart per attempt, no statement or scan timeouts, a
 * NULL into a NOT NULL column and a NUL character failing the write as on
 * PostgreSQL rather than being repaired.
 *
 * The option table also takes Flink 1.10's legacy spellings
 * ('connector.type' = 'jdbc' with 'connector.url', 'connector.table',
 * 'connector.write.flush.max-rows', ...) as generation "1.10", whose sink
 * flushed every 5000 rows and had no flush timer by default.
 *
 * jdbc_partition_ranges() is Flink's JdbcNumericBetweenParametersProvider
 * .ofBatchNum arithmetic, with the ceiling computed exactly (Flink's double
 * gives the same below 2^53 values; FLINK-38046 fixes it beyond).
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "connectors/jdbc/jdbc_int.h"
#include "core/log.h"

/* Flink 1.10's legacy 'connector.type' = 'jdbc' names (the reference's
 * list): the same options, with that version's sink flush defaults. */
#define G110 "1.10"

static const struct hf_opt_gen g_num[] = {
    {G110, HF_ALIASES("connector.read.partition.num"), NULL},
    {NULL, NULL, NULL}};
static const struct hf_opt_gen g_fetch[] = {
    {G110, HF_ALIASES("connector.read.fetch-size"), NULL}, {NULL, NULL, NULL}};
static const struct hf_opt_gen g_lretries[] = {
    {G110, HF_ALIASES("connector.lookup.max-retries"), NULL},
    {NULL, NULL, NULL}};
static const struct hf_opt_gen g_flush_rows[] = {
    {G110, HF_ALIASES("connector.write.flush.max-rows"), "5000"},
    {NULL, NULL, NULL}};
static const struct hf_opt_gen g_sretries[] = {
    {G110, HF_ALIASES("connector.write.max-retries"), NULL},
    {NULL, NULL, NULL}};

static const char *const cache_names[] = {"NONE", "PARTIAL", "FULL", NULL};
static const char *const policy_names[] = {"always", "never", NULL};

/* An INT option in Java's Integer range; JINTG with older generations. */
#define JINTG(k, d, g, text)                                                   \
    {                                                                          \
        .key = (k), .gens = (g), .type = HF_OPT_INT, .def = (d),               \
        .min = INT32_MIN, .max = INT32_MAX, .flags = HF_OPTF_RANGE,            \
        .doc = (text)                                                          \
    }
#define JINT(k, d, text) JINTG(k, d, NULL, text)

const struct hf_opt_def hf_jdbc_opt_defs[JDBC_NOPTS] = {
    {.key = "url",
     .gens = HF_GENS({G110, HF_ALIASES("connector.url"), NULL}),
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_REQUIRED,
     .doc = "The JDBC URL: 'jdbc:postgresql://host:port/database' with "
            "optional '?param=value&...' (user, password, ssl, sslmode, "
            "sslrootcert, currentSchema; the Java driver's tuning parameters "
            "are accepted without effect). Only PostgreSQL (and Hologres) "
            "URLs: other databases' are refused by name."},
    {.key = "table-name",
     .gens = HF_GENS({G110, HF_ALIASES("connector.table"), NULL}),
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_REQUIRED,
     .doc = "The table, 'table' or 'schema.table' (unquoted names are "
            "lower-cased as PostgreSQL does; the schema defaults to the URL's "
            "currentSchema, else public)."},
    {.key = "driver",
     .gens = HF_GENS({G110, HF_ALIASES("connector.driver"), NULL}),
     .type = HF_OPT_STRING,
     .doc = "The JDBC driver class; only 'org.postgresql.Driver' (the one "
            "derived from the URL) is accepted."},
    {.key = "compatible-mode",
     .type = HF_OPT_STRING,
     .doc = "The database's compatible mode (OceanBase's 'mysql'/'oracle'); "
            "only 'postgresql' is accepted."},
    {.key = "username",
     .gens = HF_GENS({G110, HF_ALIASES("connector.username"), NULL}),
     .type = HF_OPT_STRING,
     .doc = "The user name; with 'password', both or neither (the URL's "
            "user parameter, else the operating-system user, otherwise)."},
    {.key = "password",
     .gens = HF_GENS({G110, HF_ALIASES("connector.password"), NULL}),
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_SENSITIVE,
     .doc = "The password; never printed or logged."},
    {.key = "connection.max-retry-timeout",
     .type = HF_OPT_DURATION,
     .def = "60s",
     .doc = "Maximum timeout between retries; at least 1 s. Accepted; "
            "holoflow retries as sink.max-retries says and connects within "
            "its own connect timeout."},
    {.key = "scan.partition.column",
     .gens =
         HF_GENS({G110, HF_ALIASES("connector.read.partition.column"), NULL}),
     .type = HF_OPT_STRING,
     .doc = "The numeric column that splits the scan into "
            "scan.partition.num ranges of [lower-bound, upper-bound], each "
            "read as 'column BETWEEN lo AND hi'; all four scan.partition "
            "options or none. Rows whose column is NULL or out of the bounds "
            "are not read, as in Flink."},
    JINTG("scan.partition.num", NULL, g_num,
          "The number of ranges (Flink's split arithmetic; at most "
          "upper - lower + 1)."),
    {.key = "scan.partition.lower-bound",
     .gens = HF_GENS(
         {G110, HF_ALIASES("connector.read.partition.lower-bound"), NULL}),
     .type = HF_OPT_INT,
     .doc = "The smallest value of the first range."},
    {.key = "scan.partition.upper-bound",
     .gens = HF_GENS(
         {G110, HF_ALIASES("connector.read.partition.upper-bound"), NULL}),
     .type = HF_OPT_INT,
     .doc = "The largest value of the last range."},
    JINTG("scan.fetch-size", "0", g_fetch,
          "Rows per round trip when a pushed-down filter makes the scan use a "
          "cursor (0: holoflow's 512); the plain scan streams by COPY."),
    {.key = "scan.auto-commit",
     .type = HF_OPT_BOOL,
     .def = "true",
     .doc = "Accepted without effect: holoflow reads in one read-only "
            "transaction and streams, which is what 'false' buys in Flink."},
    {.key = "filter.handling.policy",
     .type = HF_OPT_ENUM,
     .def = "always",
     .values = policy_names,
     .doc = "Filter push-down: always (conjuncts holoflow can send go to "
            "the server as a WHERE with parameters) or never."},
    {.key = "lookup.cache",
     .type = HF_OPT_ENUM,
     .def = "NONE",
     .values = cache_names,
     .doc = "Lookup cache: NONE, PARTIAL (an LRU of answers; needs a "
            "max-rows or an expiry; overrides the deprecated "
            "lookup.cache.max-rows/.ttl pair), FULL (accepted and run "
            "uncached, as Flink's JDBC connector does)."},
    JINT("lookup.partial-cache.max-rows", NULL,
         "PARTIAL cache: the most rows kept."),
    {.key = "lookup.partial-cache.expire-after-write",
     .type = HF_OPT_DURATION,
     .doc = "PARTIAL cache: a row expires this long after it was cached."},
    {.key = "lookup.partial-cache.expire-after-access",
     .type = HF_OPT_DURATION,
     .doc = "PARTIAL cache: a row expires this long after its last use."},
    {.key = "lookup.partial-cache.cache-missing-key",
     .type = HF_OPT_BOOL,
     .def = "true",
     .doc = "PARTIAL cache: also cache keys with no row."},
    JINTG("lookup.max-retries", "3", g_lretries,
          "Retries of a failed lookup query (after a reconnect; attempt n "
          "waits n seconds); not negative."),
    {.key = "lookup.cache.max-rows",
     .gens =
         HF_GENS({G110, HF_ALIASES("connector.lookup.cache.max-rows"), NULL}),
     .type = HF_OPT_INT,
     .def = "-1",
     .doc = "Deprecated cache: the most rows; with lookup.cache.ttl, both "
            "or neither; the cache is on when both are positive (a PARTIAL "
            "lookup.cache replaces it)."},
    {.key = "lookup.cache.ttl",
     .gens = HF_GENS({G110, HF_ALIASES("connector.lookup.cache.ttl"), NULL}),
     .type = HF_OPT_DURATION,
     .def = "10s",
     .doc = "Deprecated cache: expiry after write."},
    {.key = "lookup.cache.caching-missing-key",
     .type = HF_OPT_BOOL,
     .def = "true",
     .doc = "Deprecated cache: also cache keys with no row."},
    /* ---- sink */
    JINTG("sink.buffer-flush.max-rows", "100", g_flush_rows,
          "A buffer is written when it holds this many rows (changes to one "
          "key fold into one); 0 disables this trigger."),
    {.key = "sink.buffer-flush.interval",
     .gens =
         HF_GENS({G110, HF_ALIASES("connector.write.flush.interval"), "0s"}),
     .type = HF_OPT_DURATION,
     .def = "1s",
     .doc = "A buffer is written when its oldest row has waited this long; "
            "0 disables this trigger (buffers are then written at "
            "checkpoints and at the end)."},
    JINTG("sink.max-retries", "3", g_sretries,
          "Retries of a failed write (after a reconnect; attempt n waits n "
          "seconds); not negative."),
    JINT("sink.parallelism", NULL,
         "Connections the sink writes over (rows spread by primary key, so "
         "a key's changes stay in order); 1 when unset."),
};

/* ------------------------------------------------------------ helpers */

static const struct hf_opt_val *val(const struct hf_table_def *t,
                                    const char *key)
{
    return hf_opts_get(&t->opts, key, NULL);
}

static bool set(const struct hf_table_def *t, const char *key)
{
    const struct hf_opt_val *v = val(t, key);
    return v != NULL && v->set;
}

static int all_or_none(const struct hf_table_def *t, const char *const *keys,
                       size_t n, struct hf_error *err)
{
    size_t present = 0;
    for (size_t i = 0; i < n; i++)
        present += set(t, keys[i]);
    if (present == 0 || present == n)
        return 0;
    char list[512] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(list, "\n", sizeof list - strlen(list) - 1);
        strncat(list, keys[i], sizeof list - strlen(list) - 1);
    }
    return hf_error_set(err, HF_ERR_OPTION,
                        "Either all or none of the following options should "
                        "be provided:%s",
                        list);
}

static int not_negative(const struct hf_table_def *t, const char *key,
                        struct hf_error *err)
{
    int64_t v = hf_opts_int(&t->opts, key, NULL);
    if (v >= 0)
        return 0;
    return hf_error_set(err, HF_ERR_OPTION,
                        "The value of '%s' option shouldn't be negative, but "
                        "is %lld.",
                        key, (long long)v);
}

/* ------------------------------------------------------------ partitions */

int jdbc_partition_ranges(int64_t lower, int64_t upper, int64_t num,
                          int64_t **lo, int64_t **hi, uint32_t *n,
                          struct hf_error *err)
{
    *lo = *hi = NULL;
    *n = 0;
    /* Java long arithmetic wraps: do it in uint64_t. */
    int64_t count = (int64_t)((uint64_t)upper - (uint64_t)lower + 1u);
    if (count <= 0)
        return hf_error_set(err, HF_ERR_OPTION,
                            "'scan.partition.lower-bound' = %lld to "
                            "'scan.partition.upper-bound' = %lld spans more "
                            "than 2^63-1 values; narrow the bounds",
                            (long long)lower, (long long)upper);
    if (num > count)
        num = count;
    /* ceil(count / num) exactly: Flink computes it in double, which is
     * the same below 2^53 values and uneven beyond (FLINK-38046). */
    int64_t batch = count / num + (count % num != 0);
    int64_t big =
        (int64_t)((uint64_t)count - (uint64_t)(batch - 1) * (uint64_t)num);
    *lo = calloc((size_t)num, sizeof **lo);
    *hi = calloc((size_t)num, sizeof **hi);
    if (*lo == NULL || *hi == NULL) {
        free(*lo);
        free(*hi);
        *lo = *hi = NULL;
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    int64_t start = lower;
    for (int64_t i = 0; i < num - 1; i++) {
        int64_t end = (int64_t)((uint64_t)start + (uint64_t)batch - 1u -
                                (i >= big ? 1u : 0u));
        (*lo)[i] = start;
        (*hi)[i] = end;
        start = (int64_t)((uint64_t)end + 1u);
    }
    (*lo)[num - 1] = start;
    (*hi)[num - 1] = upper;
    *n = (uint32_t)num;
    return 0;
}

/* ------------------------------------------------------------ validate */

static const char *const part_keys[] = {
    "scan.partition.column", "scan.partition.num", "scan.partition.lower-bound",
    "scan.partition.upper-bound"};

int jdbc_validate(const struct hf_table_def *t, struct hf_error *err)
{
    /* The dialect, from the URL (Flink: JdbcFactoryLoader.loadDialect). */
    struct jdbc_url u;
    if (jdbc_url_parse(hf_opts_str(&t->opts, "url", NULL), &u, err) != 0)
        return -1;
    jdbc_url_free(&u);

    static const char *const cred[] = {"username", "password"};
    if (all_or_none(t, cred, 2, err) != 0 ||
        all_or_none(t, part_keys, 4, err) != 0)
        return -1;
    if (set(t, "scan.partition.lower-bound") &&
        set(t, "scan.partition.upper-bound")) {
        int64_t lo = hf_opts_int(&t->opts, "scan.partition.lower-bound", NULL);
        int64_t hi = hf_opts_int(&t->opts, "scan.partition.upper-bound", NULL);
        if (lo > hi)
            return hf_error_set(err, HF_ERR_OPTION,
                                "'scan.partition.lower-bound'='%lld' must not "
                                "be larger than "
                                "'scan.partition.upper-bound'='%lld'.",
                                (long long)lo, (long long)hi);
    }
    static const char *const legacy[] = {"lookup.cache.max-rows",
                                         "lookup.cache.ttl"};
    if (all_or_none(t, legacy, 2, err) != 0 ||
        not_negative(t, "lookup.max-retries", err) != 0 ||
        not_negative(t, "sink.max-retries", err) != 0)
        return -1;
    const struct hf_opt_val *rt = val(t, "connection.max-retry-timeout");
    if (rt->v.i < 1000)
        return hf_error_set(err, HF_ERR_OPTION,
                            "The value of 'connection.max-retry-timeout' "
                            "option must be in second granularity and "
                            "shouldn't be smaller than 1 second, but is %s.",
                            rt->text);
    /* The partial lookup cache needs an eviction (DefaultLookupCache). */
    if (hf_opts_enum(&t->opts, "lookup.cache", NULL) == 1 &&
        !set(t, "lookup.partial-cache.expire-after-access") &&
        !set(t, "lookup.partial-cache.expire-after-write") &&
        !set(t, "lookup.partial-cache.max-rows"))
        return hf_error_set(err, HF_ERR_OPTION,
                            "Missing 'lookup.partial-cache.expire-after-"
                            "access', 'lookup.partial-cache.expire-after-"
                            "write' or 'lookup.partial-cache.max-rows' in the "
                            "configuration. The cache will not have evictions "
                            "under this configuration and could lead to "
                            "potential memory issues as the cache size may "
                            "grow indefinitely.");

    /* holoflow's own rules. */
    const char *drv = hf_opts_str(&t->opts, "driver", NULL);
    if (drv != NULL && strcmp(drv, "org.postgresql.Driver") != 0) {
        const char *what = "";
        if (strstr(drv, "mysql") || strstr(drv, "mariadb"))
            what = " (a MySQL/MariaDB driver)";
        else if (strstr(drv, "oracle"))
            what = " (an Oracle driver)";
        else if (strstr(drv, "sqlserver"))
            what = " (a SQL Server driver)";
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "option 'driver' = '%s'%s: holoflow's jdbc "
                            "connector speaks PostgreSQL only; use "
                            "'org.postgresql.Driver' or leave 'driver' out",
                            drv, what);
    }
    const char *cm = hf_opts_str(&t->opts, "compatible-mode", NULL);
    if (cm != NULL && strcasecmp(cm, "postgresql") != 0)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "option 'compatible-mode' = '%s': holoflow's jdbc "
                            "connector speaks PostgreSQL only (OceanBase's "
                            "'mysql' and 'oracle' modes are not supported)",
                            cm);
    if (set(t, "scan.partition.num") &&
        hf_opts_int(&t->opts, "scan.partition.num", NULL) <= 0)
        return hf_error_set(
            err, HF_ERR_OPTION,
            "option 'scan.partition.num' must be positive, "
            "not %lld",
            (long long)hf_opts_int(&t->opts, "scan.partition.num", NULL));
    if (set(t, "scan.fetch-size") &&
        hf_opts_int(&t->opts, "scan.fetch-size", NULL) < 0)
        return hf_error_set(
            err, HF_ERR_OPTION,
            "option 'scan.fetch-size' must not be negative, "
            "not %lld",
            (long long)hf_opts_int(&t->opts, "scan.fetch-size", NULL));
    if (set(t, "sink.parallelism")) {
        int64_t p = hf_opts_int(&t->opts, "sink.parallelism", NULL);
        if (p < 1 || p > 64)
            return hf_error_set(err, HF_ERR_OPTION,
                                "option 'sink.parallelism' must be from 1 to "
                                "64 (connections), not %lld",
                                (long long)p);
    }
    if (hf_opts_int(&t->opts, "sink.buffer-flush.max-rows", NULL) < 0)
        return hf_error_set(err, HF_ERR_OPTION,
                            "option 'sink.buffer-flush.max-rows' must not be "
                            "negative");
    const char *pc = hf_opts_str(&t->opts, "scan.partition.column", NULL);
    if (pc != NULL) {
        int k = hf_schema_find(&t->schema, pc);
        for (uint32_t i = 0; k < 0 && i < t->schema.ncols; i++)
            if (strcasecmp(t->schema.cols[i].name, pc) == 0)
                k = (int)i;
        if (k >= 0) {
            enum hf_type_id id = t->schema.cols[k].type.id;
            bool numeric = id == HF_TINYINT || id == HF_SMALLINT ||
                           id == HF_INT || id == HF_BIGINT ||
                           id == HF_DECIMAL || id == HF_FLOAT ||
                           id == HF_DOUBLE;
            char tn[64];
            if (!numeric)
                return hf_error_set(
                    err, HF_ERR_OPTION,
                    "option 'scan.partition.column' = '%s' is a %s column: "
                    "the bounds are numbers, which PostgreSQL cannot compare "
                    "with it (Flink's JDBC source fails there too); use a "
                    "numeric column",
                    pc, hf_type_name(&t->schema.cols[k].type, tn, sizeof tn));
        }
    }
    return 0;
}

/* ------------------------------------------------------------ mapping */

static char *os_user(void)
{
    struct passwd *pw = getpwuid(geteuid());
    return strdup(pw && pw->pw_name ? pw->pw_name : "postgres");
}

/* "schema.table" with the URL's currentSchema when the name has none
 * (a quoted schema, as pgjdbc sets search_path to it verbatim). */
static char *qualified(const char *table, const char *cur)
{
    bool has_dot = false, q = false;
    for (const char *p = table; *p; p++) {
        if (*p == '"')
            q = !q;
        else if (*p == '.' && !q)
            has_dot = true;
    }
    if (has_dot || cur == NULL)
        return strdup(table);
    size_t n = strlen(cur) * 2 + strlen(table) + 4;
    char *out = malloc(n), *o = out;
    if (out == NULL)
        return NULL;
    *o++ = '"';
    for (const char *p = cur; *p; p++) {
        if (*p == '"')
            *o++ = '"';
        *o++ = *p;
    }
    *o++ = '"';
    *o++ = '.';
    memcpy(o, table, strlen(table) + 1); /* sized above */
    return out;
}

int jdbc_holo_config(const struct hf_table_def *t, struct holo_config *cfg,
                     struct hf_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    struct jdbc_url u;
    if (jdbc_url_parse(hf_opts_str(&t->opts, "url", NULL), &u, err) != 0)
        return -1;
    const char *user_opt = hf_opts_str(&t->opts, "username", NULL);
    const char *pass_opt = hf_opts_str(&t->opts, "password", NULL);
    int rc = -1;
    char *user = NULL, *endpoint = NULL, *table = NULL;
    if (user_opt && u.user && strcmp(user_opt, u.user) != 0) {
        hf_error_set(err, HF_ERR_OPTION,
                     "option 'username' = '%s' and the URL's user '%s' "
                     "differ; give the user once",
                     user_opt, u.user);
        goto out;
    }
    if (pass_opt && u.password && strcmp(pass_opt, u.password) != 0) {
        hf_error_set(err, HF_ERR_OPTION,
                     "option 'password' and the URL's password differ; give "
                     "the password once");
        goto out;
    }
    user = user_opt ? strdup(user_opt) : u.user ? strdup(u.user) : os_user();
    table =
        qualified(hf_opts_str(&t->opts, "table-name", NULL), u.current_schema);
    size_t en = strlen(u.host) + 16;
    endpoint = malloc(en);
    if (user == NULL || table == NULL || endpoint == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (strchr(u.host, ':'))
        snprintf(endpoint, en, "[%s]:%d", u.host, u.port);
    else
        snprintf(endpoint, en, "%s:%d", u.host, u.port);
    const char *pass = pass_opt ? pass_opt : u.password ? u.password : "";
    const char *db = u.dbname ? u.dbname : user;

    /* The hologres options as if written: its parser and defaults. The
     * position is the 'url' option's, for messages. */
    const struct hf_opt_val *uv = val(t, "url");
    const char *file = uv && uv->kv ? uv->kv->file : NULL;
    int line = uv && uv->kv ? uv->kv->line : 0,
        col = uv && uv->kv ? uv->kv->col : 0;
    struct hf_kv kvs[] = {
        {(char *)"endpoint", endpoint, file, line, col, false, false, NULL},
        {(char *)"dbname", (char *)db, file, line, col, false, false, NULL},
        {(char *)"tablename", table, file, line, col, false, false, NULL},
        {(char *)"username", user, file, line, col, false, false, NULL},
        {(char *)"password", (char *)pass, file, line, col, false, true, NULL},
        {(char *)"sink.write-mode", (char *)"INSERT", file, line, col, false,
         false, NULL},
        {(char *)"sink.on-conflict-action", (char *)"INSERT_OR_UPDATE", file,
         line, col, false, false, NULL},
        {(char *)"sink.delete-strategy", (char *)"CHANGELOG_STANDARD", file,
         line, col, false, false, NULL},
        {(char *)"sink.default-for-not-null-column.enabled", (char *)"false",
         file, line, col, false, false, NULL},
        {(char *)"sink.remove-u0000-in-text.enabled", (char *)"false", file,
         line, col, false, false, NULL},
        {(char *)"source.filter-push-down.enabled",
         hf_opts_enum(&t->opts, "filter.handling.policy", NULL) == 0
             ? (char *)"true"
             : (char *)"false",
         file, line, col, false, false, NULL},
    };
    struct hf_opts ho;
    memset(&ho, 0, sizeof ho);
    int prc = hf_opts_parse(&ho, t->name, "", hf_holo_opt_defs, HOLO_NOPTS, kvs,
                            sizeof kvs / sizeof *kvs, err);
    if (prc == 0)
        prc = holo_config_from_opts(cfg, &ho, err);
    hf_opts_free(&ho);
    if (prc != 0) {
        holo_config_free(cfg);
        goto out;
    }
    /* What Flink's JDBC connector does that hologres' defaults do not. */
    cfg->key_from_job = true;
    if (u.sslmode >= 0)
        cfg->ssl_mode = (enum holo_ssl_mode)u.sslmode;
    else
        cfg->ssl_mode = HOLO_SSL_PREFER; /* pgjdbc's default */
    if (u.sslrootcert && (cfg->ssl_root_cert = strdup(u.sslrootcert)) == NULL) {
        holo_config_free(cfg);
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto out;
    }
    int64_t rows = hf_opts_int(&t->opts, "sink.buffer-flush.max-rows", NULL);
    int64_t iv = hf_opts_int(&t->opts, "sink.buffer-flush.interval", NULL);
    cfg->batch_size = rows > 0 ? rows : INT32_MAX;
    /* 0 = no timer: a year stands for never. */
    cfg->flush_interval_ms = iv > 0 ? iv : 365LL * 86400 * 1000;
    cfg->retry_count = (int)hf_opts_int(&t->opts, "sink.max-retries", NULL);
    cfg->retry_sleep_init_ms = 0;
    cfg->retry_sleep_step_ms = 1000;
    cfg->pool_size = hf_opts_isset(&t->opts, "sink.parallelism", NULL)
                         ? (int)hf_opts_int(&t->opts, "sink.parallelism", NULL)
                         : 1;
    cfg->statement_timeout_ms = 0;
    int64_t fs = hf_opts_int(&t->opts, "scan.fetch-size", NULL);
    if (fs > 0)
        cfg->scan_fetch_size = fs;
    cfg->scan_timeout_s = 0;
    cfg->scan_idle_txn_s = 0;
    cfg->split_count = 1;
    rc = 0;
out:
    free(user);
    free(table);
    free(endpoint);
    jdbc_url_free(&u);
    return rc;
}

/* ------------------------------------------------------------ notes */

void jdbc_notes(const struct hf_table_def *t,
                void (*fn)(const char *text, void *ctx), void *ctx)
{
    char buf[600];
    struct jdbc_url u;
    struct hf_error e;
    hf_error_clear(&e);
    if (jdbc_url_parse(hf_opts_str(&t->opts, "url", NULL), &u, &e) == 0) {
        if (u.inert) {
            snprintf(buf, sizeof buf,
                     "URL parameters accepted without effect (they tune the "
                     "Java driver): %s",
                     u.inert);
            fn(buf, ctx);
        }
        jdbc_url_free(&u);
    }
    if (set(t, "scan.auto-commit")) {
        fn("option 'scan.auto-commit' is accepted without effect: the scan "
           "runs in one read-only transaction and streams its rows",
           ctx);
    }
    if (set(t, "connection.max-retry-timeout"))
        fn("option 'connection.max-retry-timeout' is accepted without "
           "effect: connections are retried as 'sink.max-retries' says",
           ctx);
    if (hf_opts_enum(&t->opts, "lookup.cache", NULL) == HF_LCACHE_FULL)
        fn("option 'lookup.cache' = 'FULL' is accepted and the lookups run "
           "without a cache, as in Flink's JDBC connector (use PARTIAL for "
           "a cache)",
           ctx);
}
