/*
 * expr_int.h - inside the expression engine: the node layout shared by the
 * binder (expr.c), the evaluator (expr_eval.c), the functions
 * (expr_func.c) and the wide decimal arithmetic (expr_dec.c).
 *
 * Invariants of a bound tree:
 *   - every node has its final type; operands of comparisons, IN, BETWEEN,
 *     CASE results and COALESCE arguments have been cast to one common type
 *     by explicit HF_X_CAST nodes the binder inserted, except that integer
 *     and DECIMAL operands keep their own width/scale (the evaluator
 *     handles mixed scales exactly);
 *   - arithmetic nodes (ADD..MOD, NEG) have operands of the node's type
 *     family: integers (any width, computed in int64 and range-checked
 *     against the node's type), DECIMAL (each with its own scale), or
 *     FLOAT/DOUBLE (computed in double);
 *   - an untyped NULL literal exists only until it is cast (null_lit).
 * A node owns its children, its literal text and its compiled pattern.
 */
#ifndef HF_SQL_EXPR_INT_H
#define HF_SQL_EXPR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/batch.h"
#include "core/error.h"
#include "core/types.h"
#include "core/tz.h"
#include "sql/expr.h"

enum hf_xop {
    HF_X_COLUMN,   /* row[column] */
    HF_X_LITERAL,  /* lit */
    HF_X_PROCTIME, /* a PROCTIME column: the current time */
    HF_X_CAST,     /* args[0] to type; try_cast, explicit_cast */
    HF_X_NEG,
    HF_X_ADD,
    HF_X_SUB,
    HF_X_MUL,
    HF_X_DIV,
    HF_X_MOD,
    HF_X_CONCAT, /* args (any number), all strings */
    HF_X_EQ,
    HF_X_NE,
    HF_X_LT,
    HF_X_LE,
    HF_X_GT,
    HF_X_GE,
    HF_X_AND,
    HF_X_OR,
    HF_X_NOT,
    HF_X_IS_NULL,  /* negated: IS NOT NULL */
    HF_X_IS_TRUE,  /* negated: IS NOT TRUE */
    HF_X_IS_FALSE, /* negated: IS NOT FALSE */
    HF_X_BETWEEN,  /* args[0] BETWEEN args[1] AND args[2]; negated;
                      symmetric */
    HF_X_IN,       /* args[0] IN (args[1..]); negated */
    HF_X_LIKE,     /* args[0] LIKE args[1] [ESCAPE esc]; negated; similar:
                      SIMILAR TO (re holds the compiled constant pattern) */
    HF_X_DISTINCT, /* args[0] IS DISTINCT FROM args[1]; negated: NOT */
    HF_X_CASE,     /* when1 then1 ... [else]; has_else */
    HF_X_COALESCE,
    HF_X_FUNC /* fn */
};

enum hf_xfn {
    HF_FN_NONE,
    /* strings (expr_func.c) */
    HF_FN_UPPER,
    HF_FN_LOWER,
    HF_FN_TRIM, /* trim mode in `trim`; args[1] = characters (opt.) */
    HF_FN_CHAR_LENGTH,
    HF_FN_SUBSTRING, /* s, start [, len] */
    HF_FN_REPLACE,
    HF_FN_CONCAT_WS, /* sep, args... (NULL args skipped) */
    HF_FN_POSITION,  /* needle, haystack [, from]: POSITION and LOCATE */
    HF_FN_INSTR,     /* haystack, needle */
    HF_FN_LPAD,
    HF_FN_RPAD,
    HF_FN_REPEAT,
    HF_FN_REVERSE,
    HF_FN_INITCAP,
    HF_FN_SPLIT_INDEX,
    HF_FN_ASCII,
    HF_FN_CHR,
    HF_FN_HEX,
    HF_FN_BIN,
    HF_FN_LEFT,
    HF_FN_RIGHT,
    HF_FN_HASH, /* MD5, SHA1, SHA224 ... SHA512, SHA2: algorithm in `unit` */
    HF_FN_TO_BASE64,
    HF_FN_FROM_BASE64,
    HF_FN_PARSE_URL,
    HF_FN_REGEXP,         /* (expr_regex.c) */
    HF_FN_REGEXP_EXTRACT, /* s, re [, group] */
    HF_FN_REGEXP_REPLACE, /* s, re, replacement (literal) */
    /* numbers (expr_func.c) */
    HF_FN_ABS,
    HF_FN_DMATH, /* DOUBLE f(DOUBLE [, DOUBLE]): which in `unit` */
    HF_FN_ROUND, /* x [, digits]; TRUNCATE: negated */
    HF_FN_FLOOR, /* FLOOR / CEIL (negated) of a number */
    HF_FN_SIGN,
    HF_FN_RAND,         /* [seed] */
    HF_FN_RAND_INTEGER, /* [seed,] bound */
    HF_FN_UUID,
    /* conditional */
    HF_FN_NULLIF,
    HF_FN_GREATEST, /* LEAST: negated */
    /* time (expr_time.c and expr_func.c) */
    HF_FN_NOW,            /* TIMESTAMP_LTZ(3) */
    HF_FN_LOCALTIMESTAMP, /* TIMESTAMP(3), wall clock of the session zone */
    HF_FN_CURRENT_DATE,
    HF_FN_CURRENT_TIME, /* TIME(0), wall clock of the session zone */
    HF_FN_TO_TIMESTAMP, /* s [, fmt] -> TIMESTAMP(3); NULL when unparsable */
    HF_FN_TO_DATE,      /* s [, fmt] -> DATE */
    HF_FN_TO_TIMESTAMP_LTZ, /* numeric, precision (0|3) */
    HF_FN_FROM_UNIXTIME,    /* seconds [, fmt] -> STRING */
    HF_FN_DATE_FORMAT,      /* ts, fmt -> STRING */
    HF_FN_UNIX_TIMESTAMP,   /* () | (s [, fmt]) -> BIGINT */
    HF_FN_EXTRACT,          /* unit in `unit`; x */
    HF_FN_TIMESTAMPADD,     /* unit; n, t */
    HF_FN_TIMESTAMPDIFF,    /* unit; t1, t2 */
    HF_FN_FLOOR_TIME,       /* unit; t; CEIL: negated */
    HF_FN_CONVERT_TZ,       /* s, from, to */
    HF_FN_PLUS_INTERVAL,    /* t, interval; negated: minus */
    HF_FN_INTERVAL_MUL,     /* interval, number */
    /* JSON (expr_json.c) */
    HF_FN_JSON_VALUE,  /* j, path, empty default, error default; beh[] */
    HF_FN_JSON_QUERY,  /* j, path; beh[] */
    HF_FN_JSON_EXISTS, /* j, path; beh[1] */
    HF_FN_JSON_STRING,
    HF_FN_JSON_OBJECT, /* k1, v1, ...; beh[0] = absent on null */
    HF_FN_JSON_ARRAY,  /* v...; beh[0] = absent on null */
    HF_FN_IS_JSON,     /* x; kind in `unit`; negated */
    HF_FN__COUNT
};

/* Units of EXTRACT, TIMESTAMPADD/DIFF, FLOOR/CEIL TO, intervals. */
enum hf_tunit {
    HF_TU_NONE,
    HF_TU_MILLENNIUM,
    HF_TU_CENTURY,
    HF_TU_DECADE,
    HF_TU_YEAR,
    HF_TU_QUARTER,
    HF_TU_MONTH,
    HF_TU_WEEK,
    HF_TU_DAY,
    HF_TU_HOUR,
    HF_TU_MINUTE,
    HF_TU_SECOND,
    HF_TU_MILLISECOND,
    HF_TU_MICROSECOND,
    HF_TU_NANOSECOND,
    HF_TU_DOW,
    HF_TU_DOY,
    HF_TU_ISODOW,
    HF_TU_ISOYEAR,
    HF_TU_EPOCH
};

struct hf_dtfmt; /* a compiled date/time pattern (expr_func.c) */

struct hf_expr {
    enum hf_xop op;
    enum hf_xfn fn;
    struct hf_type type;
    bool negated;
    bool try_cast;      /* CAST: NULL instead of failing */
    bool explicit_cast; /* CAST written by the user: CHAR/VARCHAR lengths apply
                         */
    bool null_lit;      /* untyped NULL literal */
    bool has_else;      /* CASE: the last arg is ELSE */
    bool has_operand;   /* CASE x WHEN v ...: args[0] is x */
    int trim;           /* TRIM mode (enum hf_ast_trim) */
    int precision_arg;  /* TO_TIMESTAMP_LTZ: 0 or 3 */
    uint32_t column;    /* COLUMN */
    char *name;         /* COLUMN: column name; FUNC: function name */
    struct hf_value lit;
    char *lit_buf;          /* LITERAL string storage */
    struct hf_dtfmt *fmt;   /* compiled constant pattern, or NULL */
    char esc;               /* LIKE escape character, 0 = none */
    bool similar;           /* LIKE: SIMILAR TO */
    bool symmetric;         /* BETWEEN SYMMETRIC */
    int unit;               /* enum hf_tunit, or a function's variant */
    int8_t beh[3];          /* JSON ON EMPTY / ON ERROR / wrapper choices */
    const struct hf_tz *tz; /* the session time zone (NULL: UTC) */
    void *re;               /* compiled regular expression (expr_regex.c) */
    void *jpath;            /* compiled JSON path (expr_json.c) */
    _Atomic uint64_t rng;   /* RAND(seed) / RAND_INTEGER(seed, n) state */
    bool seeded;
    struct hf_expr **args;
    uint32_t nargs;
    char *src;        /* the expression as written, for messages */
    const char *file; /* script name (borrowed; outlives the tree) */
    int line, col;
};

/* ---- construction (expr.c) */

/* The name of a function node, as written in SQL. */
const char *hf_x_fn_name(const struct hf_expr *e);
/* Name of a time unit ("DAY"). */
const char *hf_x_unit_name(int unit);

/* A node with `nargs` NULL child slots; NULL on out of memory. */
struct hf_expr *hf_x_new(enum hf_xop op, uint32_t nargs);

/* Compare two non-NULL values of comparable types (numeric with numeric,
 * strings, BYTES, BOOLEAN, DATE/TIMESTAMP/TIMESTAMP_LTZ among themselves,
 * TIME): -1, 0 or 1. (expr_eval.c) */
int hf_x_compare(const struct hf_type *ta, const struct hf_value *a,
                 const struct hf_type *tb, const struct hf_value *b);
/* Whether hf_x_compare accepts the pair. */
bool hf_x_comparable(const struct hf_type *a, const struct hf_type *b);

/* ---- evaluation (expr_eval.c) */

/* Cast `in` (of type `from`) to `to`. On failure returns -1 and writes the
 * reason into why[0..n) (the caller decides: error or NULL for TRY_CAST).
 * `explicit_cast` applies CHAR/VARCHAR length rules; `tz` is the session
 * time zone of TIMESTAMP_LTZ conversions (NULL: UTC). */
int hf_x_cast_value(const struct hf_type *from, const struct hf_type *to,
                    bool explicit_cast, const struct hf_value *in,
                    struct hf_batch *out, struct hf_value *res, char *why,
                    size_t n, const struct hf_tz *tz);
/* Whether hf_x_cast_value can convert values of `from` to `to` at all. */
bool hf_x_cast_supported(const struct hf_type *from, const struct hf_type *to);

/* Fail evaluation of `e` with a reason: "<reason> in '<expr text>'". */
int hf_x_fail(const struct hf_expr *e, struct hf_error *err, hf_err_t code,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Text of a non-NULL scalar value into buf (no allocation); returns its
 * length, or (size_t)-1 if the type needs hf_value_to_text (BYTES, ARRAY,
 * strings: use the value itself). */
size_t hf_x_scalar_text(const struct hf_type *t, const struct hf_value *v,
                        char *buf, size_t n);

/* ---- functions (expr_func.c) */

int hf_x_eval_func(const struct hf_expr *e, const struct hf_value *row,
                   struct hf_batch *out, struct hf_value *res,
                   struct hf_error *err);
/* Compile a Java-style date pattern (yyyy-MM-dd HH:mm:ss.SSS). NULL with
 * why filled when it has letters holoflow does not know. */
struct hf_dtfmt *hf_dtfmt_compile(const char *pat, char *why, size_t n);
void hf_dtfmt_free(struct hf_dtfmt *f);
/* The pattern as written (borrowed from f). */
const char *hf_dtfmt_pattern(const struct hf_dtfmt *f);
/* Format a wall-clock timestamp (microseconds) with the pattern. */
size_t hf_dtfmt_format(const struct hf_dtfmt *f, int64_t usec, char *buf,
                       size_t n);
/* Parse text with the pattern into wall-clock microseconds; 0 or -1. */
int hf_dtfmt_parse(const struct hf_dtfmt *f, const char *s, size_t len,
                   int64_t *usec);

/* ---- time functions (expr_time.c), regular expressions
 * (expr_regex.c), JSON (expr_json.c): called by hf_x_eval_func with the
 * evaluated, non-NULL arguments (except where a function handles NULL). */
int hf_x_eval_time(const struct hf_expr *e, const struct hf_value *v,
                   struct hf_batch *out, struct hf_value *res,
                   struct hf_error *err);
int hf_x_eval_regex(const struct hf_expr *e, const struct hf_value *v,
                    struct hf_batch *out, struct hf_value *res,
                    struct hf_error *err);
int hf_x_eval_json(const struct hf_expr *e, const struct hf_value *row,
                   struct hf_value *v, struct hf_batch *out,
                   struct hf_value *res, struct hf_error *err);
/* SIMILAR TO: does s match the pattern (compiled in e->re, or compiled
 * now from p when not constant)? 0/1, or -1 with err set. */
int hf_x_similar(const struct hf_expr *e, const struct hf_value *s,
                 const struct hf_value *p, struct hf_error *err);
/* Compile a Java regular expression (or, with `similar`, a SQL SIMILAR TO
 * pattern with escape `esc`) for e->re. 0, or -1 with why. */
int hf_x_regex_compile(struct hf_expr *e, const char *pat, size_t len,
                       bool similar, char esc, char *why, size_t n);
void hf_x_regex_free(void *re);
/* Compile a JSON path for e->jpath; 0 or -1 with why. */
int hf_x_jpath_compile(struct hf_expr *e, const char *path, size_t len,
                       char *why, size_t n);
void hf_x_jpath_free(void *jp);
/* Text of an INTERVAL value as Flink prints it ("+1 02:03:04.000",
 * "+2-10"); returns its length. */
size_t hf_x_interval_text(const struct hf_type *t, int64_t v, char *buf,
                          size_t n);
/* Session time zone conversions of TIMESTAMP <-> TIMESTAMP_LTZ <-> DATE
 * used by casts. */
int64_t hf_x_ltz_to_local(const struct hf_expr *e, int64_t utc_usec);
int64_t hf_x_local_to_ltz(const struct hf_expr *e, int64_t local_usec);

/* ---- wide decimal arithmetic (expr_dec.c). Each returns 0, or -2 when
 * the result does not fit `prec`, or -1 on division by zero. */
int hf_xdec_add(struct hf_dec a, int sa, struct hf_dec b, int sb, bool sub,
                int prec, int scale, struct hf_dec *out);
int hf_xdec_mul(struct hf_dec a, int sa, struct hf_dec b, int sb, int prec,
                int scale, struct hf_dec *out);
int hf_xdec_div(struct hf_dec a, int sa, struct hf_dec b, int sb, int prec,
                int scale, struct hf_dec *out);
int hf_xdec_mod(struct hf_dec a, int sa, struct hf_dec b, int sb, int prec,
                int scale, struct hf_dec *out);
/* Compare a/10^sa with b/10^sb exactly: -1, 0, 1. */
int hf_xdec_cmp(struct hf_dec a, int sa, struct hf_dec b, int sb);

#endif
