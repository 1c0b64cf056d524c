/*
 * test_opt.c - the option-table engine: parsing, aliases, older
 * generations' names and defaults, errors, getters, redaction and docs;
 * Flink 1.9's indexed key/value pairs, index-only patterns and values
 * built from secrets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "conf/opt.h"
#include "core/log.h"

static const struct hf_opt_def defs[] = {
    {.key = "tablename", .aliases = HF_ALIASES("connector.table", "table"),
     .type = HF_OPT_STRING, .flags = HF_OPTF_REQUIRED, .doc = "target"},
    {.key = "password", .aliases = HF_ALIASES("connector.password"),
     .type = HF_OPT_STRING, .flags = HF_OPTF_SENSITIVE, .doc = "secret"},
    {.key = "connection.pool.size", .aliases = HF_ALIASES("connectionSize"),
     .type = HF_OPT_INT, .def = "3", .flags = HF_OPTF_RANGE, .min = 1,
     .max = 100, .doc = "connections"},
    {.key = "sink.on-conflict-action",
     .aliases = HF_ALIASES("mutatetype", "connector.upsert_type"),
     .type = HF_OPT_ENUM, .def = "INSERT_OR_UPDATE",
     .values = HF_VALUES("INSERT_OR_IGNORE", "INSERT_OR_UPDATE",
                         "INSERT_OR_REPLACE"),
     .doc = "conflict"},
    {.key = "ignoredelete", .type = HF_OPT_BOOL, .def = "false", .doc = "x"},
    {.key = "flush", .type = HF_OPT_DURATION, .def = "10s", .doc = "x"},
    {.key = "bytes", .type = HF_OPT_MEMSIZE, .def = "2mb", .doc = "x"},
    {.key = "delim", .type = HF_OPT_CHAR, .def = ",", .doc = "x"},
    {.key = "fields.#.kind", .type = HF_OPT_ENUM, .def = "random",
     .values = HF_VALUES("random", "sequence"), .flags = HF_OPTF_PATTERN,
     .doc = "x"},
    {.key = "properties.", .type = HF_OPT_STRING, .flags = HF_OPTF_PREFIX,
     .doc = "x"},
};
#define NDEFS (sizeof defs / sizeof defs[0])

#define KV(k, v) {.key = (char *)(k), .value = (char *)(v), .file = "job.sql", .line = 3, .col = 5}

static void test_aliases_and_getters(void **state)
{
    (void)state;
    struct hf_kv kvs[] = {
        KV("connector.table", "public.t"), KV("MUTATETYPE", "insertorignore"),
        KV("connectionSize", "7"), KV("flush", "500ms"), KV("bytes", "64 kb"),
        KV("delim", "\\t"), KV("fields.id.kind", "sequence"),
        KV("properties.group.id", "g1"), KV("password", "s3cret-pw"),
    };
    struct hf_opts o;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "connector 'x'", "", defs, NDEFS, kvs,
                                   sizeof kvs / sizeof kvs[0], &err),
                     0);
    assert_string_equal(hf_opts_str(&o, "tablename", NULL), "public.t");
    assert_int_equal(hf_opts_enum(&o, "sink.on-conflict-action", NULL), 0);
    assert_int_equal(hf_opts_int(&o, "connection.pool.size", NULL), 7);
    assert_int_equal(hf_opts_int(&o, "flush", NULL), 500);
    assert_int_equal(hf_opts_int(&o, "bytes", NULL), 65536);
    assert_int_equal(hf_opts_char(&o, "delim", NULL), '\t');
    assert_false(hf_opts_bool(&o, "ignoredelete", NULL));
    assert_int_equal(hf_opts_enum(&o, "fields.#.kind", "id"), 1);
    assert_int_equal(hf_opts_enum(&o, "fields.#.kind", "other"), 0);
    assert_true(hf_opts_isset(&o, "fields.#.kind", "id"));
    assert_string_equal(hf_opts_str(&o, "properties.", "group.id"), "g1");

    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_opts_describe(&o, 2, &sb);
    assert_non_null(strstr(sb.data, "password = '******'"));
    assert_null(strstr(sb.data, "s3cret-pw"));
    assert_non_null(strstr(sb.data, "connection.pool.size = '7'"));
    assert_non_null(strstr(sb.data, "flush = '500ms'"));
    hf_strbuf_free(&sb);

    /* The secret was registered with the scrubber. */
    char msg[128] = "FATAL: password s3cret-pw rejected";
    hf_scrub(msg, sizeof msg);
    assert_string_equal(msg, "FATAL: password ****** rejected");
    hf_opts_free(&o);
}

static void test_errors(void **state)
{
    (void)state;
    struct hf_opts o;
    struct hf_error err;

    struct hf_kv twice[] = {KV("tablename", "a"), KV("connector.table", "b")};
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "connector 'x'", "", defs, NDEFS, twice,
                                   2, &err),
                     -1);
    assert_non_null(strstr(err.msg, "job.sql:3:5: option 'connector.table' of "
                                    "connector 'x' is set twice (also as "
                                    "'tablename')"));
    hf_opts_free(&o);

    struct hf_kv badenum[] = {KV("tablename", "a"), KV("mutatetype", "upsert")};
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "connector 'x'", "", defs, NDEFS,
                                   badenum, 2, &err),
                     -1);
    assert_non_null(strstr(err.msg, "invalid value 'upsert' for option "
                                    "'mutatetype'"));
    assert_non_null(strstr(err.msg, "INSERT_OR_IGNORE, INSERT_OR_UPDATE, "
                                    "INSERT_OR_REPLACE"));
    hf_opts_free(&o);

    struct hf_kv range[] = {KV("tablename", "a"), KV("connectionSize", "0")};
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "c", "", defs, NDEFS, range, 2, &err),
                     -1);
    assert_non_null(strstr(err.msg, "must be between 1 and 100"));
    hf_opts_free(&o);

    struct hf_kv missing[] = {KV("password", "abc")};
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "c", "", defs, NDEFS, missing, 1, &err),
                     -1);
    assert_non_null(strstr(err.msg, "missing required option 'tablename'"));
    hf_opts_free(&o);

    struct hf_kv unknown[] = {KV("tablename", "a"), KV("conection.pool.size", "2")};
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "connector 'x'", "", defs, NDEFS,
                                   unknown, 2, &err),
                     0);
    const struct hf_opts *tables[] = {&o};
    assert_int_equal(hf_opts_check_unclaimed(unknown, 2, "connector 'x'",
                                             tables, 1, &err),
                     -1);
    assert_non_null(strstr(err.msg, "job.sql:3:5: unknown option "
                                    "'conection.pool.size' for connector 'x'; "
                                    "did you mean 'connection.pool.size'?"));
    assert_non_null(strstr(err.msg, "valid options: tablename, password"));
    hf_opts_free(&o);
}

static void test_prefix_tables(void **state)
{
    (void)state;
    static const struct hf_opt_def fmt[] = {
        {.key = "ignore-parse-errors", .type = HF_OPT_BOOL, .def = "false",
         .doc = "x"},
    };
    struct hf_kv kvs[] = {KV("json.ignore-parse-errors", "true"),
                          KV("value.json.ignore-parse-errors", "true")};
    struct hf_opts o;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "format 'json'", "json.", fmt, 1, kvs,
                                   2, &err),
                     0);
    assert_true(hf_opts_bool(&o, "ignore-parse-errors", NULL));
    assert_true(kvs[0].claimed);
    assert_false(kvs[1].claimed);
    hf_opts_free(&o);
}

static void test_value_parsers(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(hf_parse_duration_ms("10s", &v), 0);
    assert_int_equal(v, 10000);
    assert_int_equal(hf_parse_duration_ms("1 min", &v), 0);
    assert_int_equal(v, 60000);
    assert_int_equal(hf_parse_duration_ms("250", &v), 0);
    assert_int_equal(v, 250);
    assert_int_equal(hf_parse_duration_ms("2h", &v), 0);
    assert_int_equal(v, 7200000);
    assert_int_equal(hf_parse_duration_ms("10 parsecs", &v), -1);
    assert_int_equal(hf_parse_duration_ms("-1s", &v), -1);
    assert_int_equal(hf_parse_memsize("2mb", &v), 0);
    assert_int_equal(v, 2097152);
    assert_int_equal(hf_parse_memsize("20 MiB", &v), 0);
    assert_int_equal(v, 20971520);
    assert_int_equal(hf_parse_memsize("lots", &v), -1);
    assert_int_equal(hf_edit_distance("rows-per-secnd", "rows-per-second"), 1);
}

static void test_docs(void **state)
{
    (void)state;
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_opt_doc_markdown("x", "A test connector.", "", defs, NDEFS, &sb);
    assert_non_null(strstr(sb.data, "| `connection.pool.size` | connectionSize "
                                    "| integer | `3` | 1 .. 100 | no | "
                                    "connections |"));
    assert_non_null(strstr(sb.data, "| `password` | connector.password | "
                                    "string (secret) | (none) |"));
    hf_strbuf_free(&sb);
}

/* A table renamed over two older generations: "001" (dotted old names)
 * and "000" (camel case), with defaults that differed. */
static const struct hf_opt_def gdefs[] = {
    {.key = "pool.size",
     .type = HF_OPT_INT,
     .def = "5",
     .doc = "pool",
     .gens = HF_GENS({"000", HF_ALIASES("poolSize"), "3"},
                     {"001", HF_ALIASES("connector.pool"), NULL})},
    {.key = "mode",
     .type = HF_OPT_ENUM,
     .def = "AUTO",
     .values = HF_VALUES("AUTO", "INSERT"),
     .doc = "mode",
     .gens = HF_GENS({"000", NULL, "INSERT"}, {"001", NULL, "INSERT"})},
    {.key = "oldSwitch",
     .gen = "000",
     .aliases = HF_ALIASES("old_switch"),
     .type = HF_OPT_BOOL,
     .def = "false",
     .doc = "legacy"},
    {.key = "timeout",
     .type = HF_OPT_INT,
     .def = "10",
     .doc = "t",
     .gens = HF_GENS({"001", HF_ALIASES("connector.timeout"), "20"})},
};
#define NGDEFS (sizeof gdefs / sizeof gdefs[0])

static void test_generations(void **state)
{
    (void)state;
    struct hf_opts o;
    struct hf_error err;
    hf_error_clear(&err);
    /* Current names only: current defaults, no generation. */
    struct hf_kv k0[] = {KV("pool.size", "4")};
    assert_int_equal(hf_opts_parse(&o, "c", "", gdefs, NGDEFS, k0, 1, &err), 0);
    assert_null(o.gen);
    assert_int_equal(hf_opts_enum(&o, "mode", NULL), 0);
    assert_int_equal(hf_opts_int(&o, "timeout", NULL), 10);
    hf_opts_free(&o);

    /* A 001 name: 001's defaults for what is unset; explain says so. */
    struct hf_kv k1[] = {KV("connector.pool", "4")};
    assert_int_equal(hf_opts_parse(&o, "c", "", gdefs, NGDEFS, k1, 1, &err), 0);
    assert_string_equal(o.gen, "001");
    assert_string_equal(o.gen_key, "connector.pool");
    assert_int_equal(hf_opts_int(&o, "pool.size", NULL), 4);
    assert_int_equal(hf_opts_enum(&o, "mode", NULL), 1);
    assert_int_equal(hf_opts_int(&o, "timeout", NULL), 20);
    assert_false(hf_opts_isset(&o, "timeout", NULL));
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_opts_describe(&o, 2, &sb);
    assert_string_equal(sb.data,
                        "  (option names of generation 001, as "
                        "'connector.pool': options left unset take that "
                        "generation's defaults)\n"
                        "  pool.size = '4'  (as 'connector.pool', generation "
                        "001)\n"
                        "  mode = 'INSERT'  (default of generation 001)\n"
                        "  oldSwitch = 'false'  (default)\n"
                        "  timeout = '20'  (default of generation 001)\n");
    hf_strbuf_free(&sb);
    hf_opts_free(&o);

    /* 000 and 001 names mixed: "000" sorts first and decides; a key that
     * is itself an old name (and its alias) counts. */
    struct hf_kv k2[] = {KV("connector.timeout", "7"),
                         KV("OLD_SWITCH", "true")};
    assert_int_equal(hf_opts_parse(&o, "c", "", gdefs, NGDEFS, k2, 2, &err), 0);
    assert_string_equal(o.gen, "000");
    assert_string_equal(o.gen_key, "OLD_SWITCH");
    assert_int_equal(hf_opts_int(&o, "pool.size", NULL), 3);
    assert_int_equal(hf_opts_int(&o, "timeout", NULL), 7);
    hf_opts_free(&o);

    /* Two generations' names of one option are one option set twice. */
    struct hf_kv k3[] = {KV("poolSize", "2"), KV("connector.pool", "3")};
    assert_int_equal(hf_opts_parse(&o, "c", "", gdefs, NGDEFS, k3, 2, &err),
                     -1);
    assert_string_equal(err.msg, "job.sql:3:5: option 'connector.pool' of c "
                                 "is set twice (also as 'poolSize')");
    hf_opts_free(&o);

    /* Old names are suggested too. */
    struct hf_kv k4[] = {KV("poolSise", "2")};
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "c", "", gdefs, NGDEFS, k4, 1, &err), 0);
    const struct hf_opts *t[1] = {&o};
    assert_int_equal(hf_opts_check_unclaimed(k4, 1, "c", t, 1, &err), -1);
    assert_non_null(strstr(err.msg, "did you mean 'poolSize'?"));
    hf_opts_free(&o);

    /* Docs name every generation's spellings and defaults. */
    hf_strbuf_init(&sb, 0);
    hf_opt_doc_text("x", "s", "", gdefs, NGDEFS, &sb);
    assert_non_null(strstr(sb.data, "  pool.size  (integer)\n"
                                    "      default: 5; generation 000: 3\n"
                                    "      aliases: poolSize (000), "
                                    "connector.pool (001)\n"));
    assert_non_null(strstr(sb.data, "  oldSwitch  (boolean, a name of "
                                    "generation 000)\n"
                                    "      default: false\n"
                                    "      aliases: old_switch (000)\n"));
    hf_strbuf_reset(&sb);
    hf_opt_doc_markdown("x", "s", "", gdefs, NGDEFS, &sb);
    assert_non_null(strstr(sb.data, "| `mode` |  | enum | `AUTO`; 000: "
                                    "`INSERT`; 001: `INSERT` |"));
    assert_non_null(strstr(sb.data, "| `oldSwitch` (000) | old_switch (000) "
                                    "| boolean |"));
    hf_strbuf_free(&sb);
    assert_string_equal(hf_opt_gen_default(&gdefs[0], "000"), "3");
    assert_string_equal(hf_opt_gen_default(&gdefs[0], "001"), "5");
    assert_string_equal(hf_opt_gen_default(&gdefs[0], NULL), "5");
    bool match;
    assert_string_equal(hf_opt_key_gen(&gdefs[0], "POOLSIZE", &match), "000");
    assert_true(match);
    assert_null(hf_opt_key_gen(&gdefs[0], "pool.size", &match));
    assert_true(match);
    assert_null(hf_opt_key_gen(&gdefs[0], "other", &match));
    assert_false(match);
}

/* ------------------------------------------------------------ pairs */

/* Flink 1.9's indexed pairs: 'p.N.key' = K with 'p.N.value' = V is the
 * option 'p.K' = V, matched like any key (an exact option, a prefix). */
static const struct hf_opt_def pdefs[] = {
    {.key = "properties.group.id",
     .aliases = HF_ALIASES("connector.properties.group.id"),
     .type = HF_OPT_STRING, .doc = "x"},
    {.key = "connector.properties.", .type = HF_OPT_STRING,
     .flags = HF_OPTF_PREFIX, .doc = "x"},
    {.key = "connector.properties.#.key", .type = HF_OPT_STRING,
     .flags = HF_OPTF_PAIRS, .doc = "x"},
    {.key = "fields.#.name", .type = HF_OPT_STRING,
     .flags = HF_OPTF_PATTERN | HF_OPTF_INDEX, .doc = "x"},
};
#define NPDEFS (sizeof pdefs / sizeof pdefs[0])

#define KVL(k, v, l) {.key = (char *)(k), .value = (char *)(v), .file = "job.sql", .line = (l), .col = 3}

/* Parse `kvs`; 0 or -1 with the message in err. */
static int pparse(struct hf_kv *kvs, size_t n, struct hf_opts *o,
                  struct hf_error *err)
{
    hf_error_clear(err);
    return hf_opts_parse(o, "table 't'", "", pdefs, NPDEFS, kvs, n, err);
}

static void test_pairs(void **state)
{
    (void)state;
    struct hf_kv kvs[] = {
        KVL("connector.properties.1.value", "g1", 4),
        KVL("connector.properties.0.key", "fetch.max.bytes", 5),
        KVL("connector.properties.0.value", "1000", 6),
        KVL("connector.properties.1.key", "group.id", 7),
        KVL("connector.properties.2.key", "sasl.password", 8),
        KVL("Connector.Properties.2.Value", "pw-of-pair", 9),
        KVL("connector.properties.ssl.key.location", "/k", 10),
        KVL("fields.0.name", "a", 11),
    };
    struct hf_opts o;
    struct hf_error err;
    assert_int_equal(pparse(kvs, 8, &o, &err), 0);
    for (size_t i = 0; i < 8; i++)
        assert_true(kvs[i].claimed);
    /* group.id landed on the exact option, remembering the pair. */
    const struct hf_opt_val *g = hf_opts_get(&o, "properties.group.id", NULL);
    assert_non_null(g);
    assert_string_equal(g->text, "g1");
    assert_string_equal(g->key_used, "connector.properties.group.id");
    assert_string_equal(hf_kv_shown(g->kv), "connector.properties.1.key");
    assert_int_equal(g->kv->line, 7); /* the '.key' half's position */
    assert_string_equal(
        hf_opts_str(&o, "connector.properties.", "fetch.max.bytes"), "1000");
    /* Not a pair: the index must be a number. */
    assert_string_equal(
        hf_opts_str(&o, "connector.properties.", "ssl.key.location"), "/k");
    /* A credential by the property's name is a secret. */
    const struct hf_opt_val *pw =
        hf_opts_get(&o, "connector.properties.", "sasl.password");
    assert_true(pw->secret);
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_opts_describe(&o, 0, &sb);
    assert_non_null(strstr(sb.data, "properties.group.id = 'g1'  (as "
                                    "'connector.properties.1.key')\n"));
    assert_non_null(strstr(sb.data, "connector.properties.sasl.password = "
                                    "'******'  (as "
                                    "'connector.properties.2.key')\n"));
    assert_null(strstr(sb.data, "pw-of-pair"));
    hf_strbuf_free(&sb);
    hf_opts_free(&o);
}

static void expect_perr(struct hf_kv *kvs, size_t n, const char *want)
{
    struct hf_opts o;
    struct hf_error err;
    int rc = pparse(kvs, n, &o, &err);
    hf_opts_free(&o);
    assert_int_equal(rc, -1);
    if (strstr(err.msg, want) == NULL)
        fail_msg("error\n  %s\ndoes not contain\n  %s", err.msg, want);
}

static void test_pair_errors(void **state)
{
    (void)state;
    struct hf_kv no_value[] = {KVL("connector.properties.3.key", "x", 4)};
    expect_perr(no_value, 1,
                "job.sql:4:3: option 'connector.properties.3.key' of table "
                "'t' has no 'connector.properties.3.value': pair 3 of "
                "'connector.properties.#.key' / '.value' needs both halves");
    struct hf_kv no_key[] = {KVL("connector.properties.12.value", "x", 5)};
    expect_perr(no_key, 1,
                "job.sql:5:3: option 'connector.properties.12.value' of "
                "table 't' has no 'connector.properties.12.key'");
    struct hf_kv twice_half[] = {KVL("connector.properties.0.key", "a", 4),
                                 KVL("connector.properties.0.value", "1", 5),
                                 KVL("connector.properties.0.key", "b", 6)};
    expect_perr(twice_half, 3,
                "job.sql:6:3: duplicate option 'connector.properties.0.key'");
    struct hf_kv empty[] = {KVL("connector.properties.0.key", "", 4),
                            KVL("connector.properties.0.value", "1", 5)};
    expect_perr(empty, 2,
                "job.sql:4:3: option 'connector.properties.0.key' of table "
                "'t' names no property: pair 0 needs the property's name");
    /* The same property from a pair and written directly. */
    struct hf_kv exact[] = {KVL("properties.group.id", "a", 4),
                            KVL("connector.properties.7.key", "group.id", 5),
                            KVL("connector.properties.7.value", "b", 6)};
    expect_perr(exact, 3,
                "job.sql:5:3: option 'connector.properties.7.key' of table "
                "'t' is set twice (also as 'properties.group.id'); "
                "'connector.properties.7.key' (with its '.value') stands for "
                "'connector.properties.group.id'");
    struct hf_kv prefix[] = {KVL("connector.properties.fetch.max.bytes", "1", 4),
                             KVL("connector.properties.0.key",
                                 "fetch.max.bytes", 5),
                             KVL("connector.properties.0.value", "2", 6)};
    expect_perr(prefix, 3,
                "job.sql:5:3: option 'connector.properties.0.key' of table "
                "'t' is set twice (also as "
                "'connector.properties.fetch.max.bytes')");
    struct hf_kv two_pairs[] = {KVL("connector.properties.0.key", "acks", 4),
                                KVL("connector.properties.0.value", "1", 5),
                                KVL("connector.properties.1.key", "acks", 6),
                                KVL("connector.properties.1.value", "all", 7)};
    expect_perr(two_pairs, 4,
                "job.sql:6:3: option 'connector.properties.1.key' of table "
                "'t' is set twice (also as 'connector.properties.0.key')");
}

static void test_index_patterns(void **state)
{
    (void)state;
    struct hf_kv kvs[] = {KVL("fields.10.name", "a", 4),
                          KVL("fields.x.name", "b", 5)};
    struct hf_opts o;
    struct hf_error err;
    assert_int_equal(pparse(kvs, 2, &o, &err), 0);
    assert_true(kvs[0].claimed);
    assert_false(kvs[1].claimed); /* not an index: unknown option */
    assert_string_equal(hf_opts_str(&o, "fields.#.name", "10"), "a");
    hf_opts_free(&o);
}

/* A value built from a secret (${secret_values.*}) is a secret whatever
 * its key: masked in describe and in value errors. */
static void test_secret_kv(void **state)
{
    (void)state;
    struct hf_kv kvs[] = {KV("tablename", "db-built-from-secret"),
                          KV("connection.pool.size", "zz-secret-size")};
    kvs[0].secret = true;
    kvs[1].secret = true;
    struct hf_opts o;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(hf_opts_parse(&o, "c", "", defs, NDEFS, kvs, 2, &err), -1);
    assert_string_equal(err.msg, "job.sql:3:5: invalid value '******' for "
                                 "option 'connection.pool.size' of c: "
                                 "expected an integer");
    hf_opts_free(&o);
    kvs[0].claimed = false;
    assert_int_equal(hf_opts_parse(&o, "c", "", defs, NDEFS, kvs, 1, &err), 0);
    assert_true(hf_opts_get(&o, "tablename", NULL)->secret);
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_opts_describe(&o, 0, &sb);
    assert_non_null(strstr(sb.data, "tablename = '******'\n"));
    hf_strbuf_free(&sb);
    hf_opts_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aliases_and_getters),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_prefix_tables),
        cmocka_unit_test(test_value_parsers),
        cmocka_unit_test(test_docs),
        cmocka_unit_test(test_generations),
        cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_pair_errors),
        cmocka_unit_test(test_index_patterns),
        cmocka_unit_test(test_secret_kv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
