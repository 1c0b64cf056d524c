/*
 * opt.h - option tables: the one description of every connector's, format's
 * and job's options.
 *
 * Each connector and format declares a `const struct hf_opt_def[]`: canonical
 * key, aliases (older generations of names), type, default, range or allowed
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
 * Special keys:
 *   HF_OPTF_PREFIX   the key ends with '.', and every user key starting with
 *                    it matches (`properties.` for properties.*); the rest of
 *                    the key is the entry's `arg`.
 *   HF_OPTF_PATTERN  the key contains '#', which stands for one name
 *                    (`fields.#.kind`); the name is the entry's `arg`.
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
/* Besides the SENSITIVE flag, any option whose key (as the user wrote it)
 * names a credential by hf_opt_secret_name() is a secret: its value is
 * registered with the scrubber and shown as ******. That is how the
 * credentials among 'properties.*' are found. */

struct hf_opt_def {
    const char *key;
    const char *const *aliases; /* NULL-terminated, or NULL */
    enum hf_opt_type type;
    const char *def;            /* default as text, NULL = none */
    int64_t min, max;           /* with HF_OPTF_RANGE (DURATION in ms) */
    const char *const *values;  /* ENUM: canonical spellings, NULL-terminated */
    unsigned flags;
    const char *doc;
};

/* Table-writing helpers: HF_ALIASES("a", "b"), HF_VALUES("x", "y"). */
#define HF_ALIASES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define HF_VALUES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* One key/value pair as the user wrote it, with where (for messages). The
 * parser sets `claimed` when a table takes the key. */
struct hf_kv {
    char *key;
    char *value;
    const char *file; /* borrowed */
    int line, col;
    bool claimed;
};

/* One resolved option. */
struct hf_opt_val {
    const struct hf_opt_def *def;
    const char *key_used; /* the key as the user wrote it (borrowed), or NULL */
    char *arg;            /* PREFIX/PATTERN: the matched part; else NULL */
    char *text;           /* the value's text (user's or default), or NULL */
    bool set;             /* given by the user */
    bool secret;          /* SENSITIVE, or a credential by its key's name */
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
 * that is set or has a default, indented by `indent` spaces. */
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
