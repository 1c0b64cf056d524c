/*
 * opt.h - option tables: the one description of every connector's, format's
 * and job's options.
 *
 * Each connector and format declares a `const struct hf_opt_def[]`: canonical
 * key, aliases and older generations' names, type, default, range or allowed
 * values, flags (required, sensitive, prefix, pattern) and a one-line doc.
 * From that table alone come: parsing of a WITH (...) clause with clear
 * errors (unknown key with "did you mean", duplicate key, bad value with the
 * allowed values), typed getters, redaction of sensitive values, the
 * `holoflow options` listing and the generated docs/connectors/NAME.md. No
 * code reads a raw option string anywhere else.
 *
 * Keys match case-insensitively, as in Flink. Enum values match
 * case-insensitively and ignoring '_' and '-', so `insertorignore`,
 * `INSERT_OR_IGNORE` and `insert-or-ignore` are one value.
 *
 * Generations. A connector whose options were renamed over time keeps
 * every older spelling: `aliases` are other names of the same generation
 * as `key`; `gens` lists older generations, each with its spellings of
 * the option and, where it differed, its default. A def whose `key` is
 * itself an older generation's name (an option that has no current name)
 * says so in `gen`. The generation of a table's options is the one its
 * spellings belong to; when they mix older generations, the name that
 * sorts first ("000" before "001") decides, and a table written only with
 * current names is of the current generation. Options the table leaves
 * unset then take that generation's defaults, so a job keeps the
 * semantics it was written for; `hf_opts_describe` marks such defaults
 * and the docs list every generation's spellings and defaults.
 *
 * Special keys:
 *   HF_OPTF_PREFIX   the key ends with '.', and every user key starting with
 *                    it matches (`properties.` for properties.*); the rest of
 *                    the key is the entry's `arg`.
 *   HF_OPTF_PATTERN  the key contains '#', which stands for one name
 *                    (`fields.#.kind`); the name is the entry's `arg`.
 *   HF_OPTF_INDEX    with PATTERN: the '#' stands only for a decimal
 *                    index (`format.fields.0.name`), so
 *                    `format.fields.ssl.name` is not taken.
 *   HF_OPTF_PAIRS    Flink 1.9's indexed key/value pairs. The def's key is
 *                    `P#.key` (`connector.properties.#.key`): each user pair
 *                    `P<N>.key` = K with `P<N>.value` = V (N decimal) stands
 *                    for the option `P<K>` = V, which is then matched in the
 *                    same table like any key the user wrote (so it can land
 *                    on an exact option, an alias or a PREFIX entry, and
 *                    is "set twice" when the same option is also written
 *                    directly). A half without the other is an error naming
 *                    N. The def itself holds no value; the pair the user
 *                    wrote is kept in the resulting kv's `via`.
 */
#ifndef HF_CONF_OPT_H
#define HF_CONF_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/strbuf.h"

enum hf_opt_type {
    HF_OPT_STRING,
    HF_OPT_INT,      /* 64-bit integer */
    HF_OPT_BOOL,     /* true | false */
    HF_OPT_ENUM,     /* one of `values` */
    HF_OPT_DURATION, /* "10s", "500ms", "1 min", "2h"; plain number = ms */
    HF_OPT_MEMSIZE,  /* "2mb", "64 kb", "1gb"; plain number = bytes (x1024) */
    HF_OPT_DOUBLE,
    HF_OPT_CHAR,     /* exactly one character ("\t" and "\u0002" escapes too) */
    HF_OPT_LIST      /* ';'-separated list of strings */
};

#define HF_OPTF_REQUIRED 0x01u
#define HF_OPTF_SENSITIVE 0x02u
#define HF_OPTF_PREFIX 0x04u
#define HF_OPTF_PATTERN 0x08u
#define HF_OPTF_RANGE 0x10u /* enforce [min, max] for INT/DURATION/MEMSIZE */
#define HF_OPTF_INDEX 0x20u
#define HF_OPTF_PAIRS 0x40u
/* Besides the SENSITIVE flag, any option whose key (as the user wrote it)
 * names a credential by hf_opt_secret_name() is a secret: its value is
 * registered with the scrubber and shown as ******. That is how the
 * credentials among 'properties.*' are found. */

/* One older generation of an option's name (see "Generations" above). */
struct hf_opt_gen {
    const char *gen;         /* its name ("000"); NULL ends a list */
    const char *const *keys; /* its spellings, NULL-terminated, or NULL */
    const char *def;         /* its default as text; NULL = the current one */
};

struct hf_opt_def {
    const char *key;
    const char *const *aliases; /* NULL-terminated, or NULL */
    enum hf_opt_type type;
    const char *def;            /* default as text, NULL = none */
    int64_t min, max;           /* with HF_OPTF_RANGE (DURATION in ms) */
    const char *const *values;  /* ENUM: canonical spellings, NULL-terminated */
    unsigned flags;
    const char *doc;
    const char *gen;               /* `key` is this older generation's name */
    const struct hf_opt_gen *gens; /* older generations, or NULL */
};

/* Table-writing helpers: HF_ALIASES("a", "b"), HF_VALUES("x", "y"),
 * HF_GENS({"000", HF_ALIASES("oldName"), "3"}, {"001", ...}). */
#define HF_ALIASES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define HF_VALUES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define HF_GENS(...)                                                           \
    ((const struct hf_opt_gen[]){__VA_ARGS__, {NULL, NULL, NULL}})

/* One key/value pair as the user wrote it, with where (for messages). The
 * parser sets `claimed` when a table takes the key. `secret`: the value
 * was built from a secret (${secret_values.NAME}), so it is a secret
 * whatever its key. `via`: set only on a pair the parser made from an
 * HF_OPTF_PAIRS pair; the `.key` half's key as written
 * ("connector.properties.2.key"), for messages. */
struct hf_kv {
    char *key;
    char *value;
    const char *file; /* borrowed */
    int line, col;
    bool claimed;
    bool secret;
    const char *via;
};

/* One resolved option. */
struct hf_opt_val {
    const struct hf_opt_def *def;
    const char *key_used; /* the key as the user wrote it (borrowed), or NULL */
    char *arg;            /* PREFIX/PATTERN: the matched part; else NULL */
    char *text;           /* the value's text (user's or default), or NULL */
    bool set;             /* given by the user */
    bool secret;          /* SENSITIVE, a credential by its key's name, or
                             built from a secret (kv->secret) */
    const struct hf_kv *kv; /* set: the pair it came from (borrowed, with
                               its position), else NULL */
    const char *gen;      /* set: the generation of the spelling used;
                             unset: the older generation whose default
                             this is; NULL = current (static string) */
    union {
        int64_t i; /* INT, DURATION (ms), MEMSIZE (bytes), ENUM (index) */
        bool b;
        double d;
        char c;
    } v;
};

/* The resolved options of one connector or format instance. Owns its
 * values; the defs table and the kv keys are borrowed. */
struct hf_opts {
    const char *owner; /* "connector 'datagen'", for messages */
    const char *prefix; /* key prefix the table was parsed under ("json.") */
    const struct hf_opt_def *defs;
    size_t ndefs;
    struct hf_opt_val *vals; /* vals[0..ndefs) plain; then PREFIX/PATTERN entries */
    size_t nvals;
    /* The older generation the user's spellings belong to (its defaults
     * apply), NULL = current; and one key that shows it, as written. */
    const char *gen;
    const char *gen_key;
    /* Pairs made from HF_OPTF_PAIRS pairs (owned; keys and values too). */
    struct hf_kv *pairs;
    size_t npairs;
};

/* Resolve the pairs in `kvs` that belong to `defs` (each def key with
 * `prefix` prepended, e.g. "json." for a format) into `o`. Marks the pairs
 * it takes as claimed. Checks types, ranges, enum values, duplicates (also
 * two aliases of one option), required options; registers sensitive values
 * with the secret scrubber. Unknown keys are left unclaimed: see
 * hf_opts_check_unclaimed. Returns 0 or -1 with err (key, value, allowed
 * values, file:line:col). `o` must be released with hf_opts_free either way. */
int hf_opts_parse(struct hf_opts *o, const char *owner, const char *prefix,
                  const struct hf_opt_def *defs, size_t ndefs,
                  struct hf_kv *kvs, size_t nkv, struct hf_error *err);

/* "file:line:col: " of a pair, or "" when it has no position (--set,
 * writer API). For messages and warnings of validate hooks, with
 * hf_opt_val.kv. */
void hf_kv_where(const struct hf_kv *kv, char *buf, size_t n);

/* The key a pair shows in messages: the `.key` half of a made pair
 * ("connector.properties.2.key"), else the key as written. */
const char *hf_kv_shown(const struct hf_kv *kv);

/* Every pair still unclaimed is an error: "unknown option 'x' for <owner>;
 * did you mean 'y'? valid options: ...". `tables` are the option sets that
 * were offered the pairs (for suggestions). Returns 0 or -1. */
int hf_opts_check_unclaimed(const struct hf_kv *kvs, size_t nkv,
                            const char *owner,
                            const struct hf_opts *const *tables,
                            size_t ntables, struct hf_error *err);

void hf_opts_free(struct hf_opts *o);

/* Typed getters. `key` is a canonical key of the table (a programming error
 * otherwise: abort). Unset options without a default give 0/false/NULL. For
 * PATTERN keys pass the name as `arg`; plain keys take NULL. */
bool hf_opts_isset(const struct hf_opts *o, const char *key, const char *arg);
const char *hf_opts_str(const struct hf_opts *o, const char *key,
                        const char *arg);
int64_t hf_opts_int(const struct hf_opts *o, const char *key, const char *arg);
bool hf_opts_bool(const struct hf_opts *o, const char *key, const char *arg);
double hf_opts_double(const struct hf_opts *o, const char *key,
                      const char *arg);
char hf_opts_char(const struct hf_opts *o, const char *key, const char *arg);
/* ENUM: index into def->values. */
int hf_opts_enum(const struct hf_opts *o, const char *key, const char *arg);
/* The resolved entry, or NULL when neither set nor defaulted. */
const struct hf_opt_val *hf_opts_get(const struct hf_opts *o, const char *key,
                                     const char *arg);
/* Call fn for every user entry of a PREFIX or PATTERN key. */
void hf_opts_each(const struct hf_opts *o, const char *key,
                  void (*fn)(const struct hf_opt_val *v, void *ctx), void *ctx);

/* Append "key = value" lines (sensitive values as ******), one per option
 * that is set or has a default, indented by `indent` spaces. A value set
 * under another name says which ("(as 'oldName')"); a default says
 * "(default)", or "(default of generation 000)" when the table's older
 * generation supplied it, after a first line naming that generation. */
void hf_opts_describe(const struct hf_opts *o, int indent,
                      struct hf_strbuf *out);

/* Markdown reference page for a table (the generated docs). */
void hf_opt_doc_markdown(const char *title, const char *summary,
                         const char *prefix, const struct hf_opt_def *defs,
                         size_t ndefs, struct hf_strbuf *out);
/* Plain-text listing for `holoflow options NAME`. */
void hf_opt_doc_text(const char *title, const char *summary,
                     const char *prefix, const struct hf_opt_def *defs,
                     size_t ndefs, struct hf_strbuf *out);

/* The generation of spelling `key` of `d` ("000"), NULL for a current
 * name; `*match` (optional) is set to whether `key` names `d` at all. */
const char *hf_opt_key_gen(const struct hf_opt_def *d, const char *key,
                           bool *match);
/* The default of `d` in generation `gen` (NULL = current) as text, or
 * NULL when it has none. */
const char *hf_opt_gen_default(const struct hf_opt_def *d, const char *gen);

/* Value parsers, exposed for tests and for SET handling. 0 or -1. */
int hf_parse_duration_ms(const char *s, int64_t *ms);
int hf_parse_memsize(const char *s, int64_t *bytes);
int hf_parse_bool(const char *s, bool *b);
/* Whether an option key names a credential (password, secret, token, SASL
 * JAAS config, TLS private key, ...; the rule is in secret_names.c). Used
 * for keys no table spells out: 'properties.*', refused connectors, carets. */
bool hf_opt_secret_name(const char *key);
/* Levenshtein distance, case-insensitive (for suggestions). */
size_t hf_edit_distance(const char *a, const char *b);

#endif
