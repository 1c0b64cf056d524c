/*
 * lexer.h - tokens of the Flink SQL subset, and error messages with carets.
 *
 * hf_sql_lex() turns a whole script into an array of tokens, ending with one
 * HF_TK_EOF token. Every token carries its byte span in the source and its
 * 1-based line and column (columns count UTF-8 characters, a tab is one
 * column). Keywords are recognised case-insensitively and kept as
 * identifiers with a keyword id, so that non-reserved words (KEY, COMMENT,
 * STRING, ...) may still name columns. Each token's `text` is NUL-terminated
 * and lives in the token array's arena: identifiers as written (backquoted
 * ones without the quotes, `` unescaped), string literals decoded ('' and
 * U&'\0001' escapes resolved), numbers as written.
 *
 * hf_sql_error_at() is the one way the SQL front end reports a problem at a
 * place in the script: "file:line:col: error: message", then the source line
 * and a caret under the column.
 */
#ifndef HF_SQL_LEXER_H
#define HF_SQL_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"

/* A script: its name for messages and its text (borrowed). */
struct hf_sql_src {
    const char *file; /* NULL prints as "<sql>" */
    const char *text;
    size_t len;
};

enum hf_tok {
    HF_TK_EOF,
    HF_TK_IDENT,   /* unquoted identifier or keyword (see kw) */
    HF_TK_QIDENT,  /* `backquoted` identifier (never a keyword) */
    HF_TK_STRING,  /* '...' or U&'...' */
    HF_TK_INTEGER, /* 123 */
    HF_TK_DECIMAL, /* 1.5 .5 1. */
    HF_TK_DOUBLE,  /* 1e5 1.5E-3 */
    HF_TK_EQ,      /* = */
    HF_TK_NE,      /* <> or != */
    HF_TK_LT,
    HF_TK_LE,
    HF_TK_GT,
    HF_TK_GE,
    HF_TK_PLUS,
    HF_TK_MINUS,
    HF_TK_STAR,
    HF_TK_SLASH,
    HF_TK_PERCENT,
    HF_TK_CONCAT, /* || */
    HF_TK_LPAREN,
    HF_TK_RPAREN,
    HF_TK_COMMA,
    HF_TK_SEMI,
    HF_TK_DOT,
    HF_TK_LBRACKET,
    HF_TK_RBRACKET,
    HF_TK_HINT_BEGIN, /* the opening of a SQL hint: slash, star, plus */
    HF_TK_HINT_END    /* the star-slash that closes a hint */
};

/* Keywords. RESERVED ones cannot be used as bare identifiers in queries
 * (backquote them); the others can. */
/* clang-format off */
#define HF_SQL_KEYWORDS(R, N)                                                  \
    R(ALL) R(ALTER) R(AND) N(ARRAY) R(AS) R(BEGIN) R(BETWEEN) R(BIGINT)        \
    R(BINARY) R(BOOLEAN) N(BOTH) R(BY) N(BYTES) R(CASE) R(CAST) N(CATALOG)     \
    R(CHAR) R(CHARACTER) N(COMMENT) R(CONSTRAINT) R(CREATE) R(CROSS)          \
    R(CURRENT_DATE) R(CURRENT_TIMESTAMP) N(DATABASE) R(DATE) R(DEC)           \
    R(DECIMAL) R(DISTINCT) R(DOUBLE) R(DROP) R(ELSE) R(END) N(ENFORCED)        \
    R(ESCAPE) R(EXECUTE) R(EXISTS) R(FALSE) R(FLOAT) R(FOR) R(FROM) R(FULL)    \
    N(FUNCTION) R(GROUP) R(HAVING) N(IF) R(IN) R(INNER) R(INSERT) R(INT)       \
    R(INTEGER) R(INTERSECT) R(INTERVAL) R(INTO) R(IS) R(JOIN) N(JSON)          \
    N(JSONB) N(KEY) N(LEADING) R(LEFT) R(LIKE) R(LIMIT) R(LOCAL)              \
    R(LOCALTIMESTAMP) N(MAP) N(METADATA) R(MINUS) N(MULTISET) R(NOT) R(NULL)   \
    R(NUMERIC) R(ON) R(OR) R(ORDER) R(OVERWRITE) R(PARTITION) N(PARTITIONED)   \
    N(PRECISION) R(PRIMARY) N(RAW) R(REAL) N(RESET) R(RIGHT) R(ROW) R(SELECT)  \
    R(SET) N(SHOW) R(SMALLINT) N(STATEMENT) N(STRING) R(TABLE) N(TEMPORARY)    \
    R(THEN) R(TIME) R(TIMESTAMP) N(TIMESTAMP_LTZ) R(TINYINT) N(TRAILING)       \
    R(TRUE) N(TRY_CAST) N(UESCAPE) R(UNION) R(UNKNOWN) R(USE) R(VALUES)        \
    R(VARBINARY) R(VARCHAR) N(VIEW) N(VIRTUAL) N(WATERMARK) R(WHEN) R(WHERE)   \
    R(WITH) N(WITHOUT) N(ZONE)
/* clang-format on */

#define HF_KW_ENUM_(k) HF_KW_##k,
enum hf_kw {
    HF_KW_NONE = 0,
    HF_SQL_KEYWORDS(HF_KW_ENUM_, HF_KW_ENUM_) HF_KW__COUNT
};
#undef HF_KW_ENUM_

struct hf_token {
    enum hf_tok kind;
    enum hf_kw kw; /* HF_TK_IDENT only; HF_KW_NONE when not a keyword */
    uint32_t off;  /* byte span in the source */
    uint32_t len;
    int line, col;
    const char *text; /* NUL-terminated, in the arena (see top) */
    uint32_t text_len;
};

/* The tokens of one script. Owns the array and the arena; `src` is
 * borrowed. */
struct hf_tokens {
    struct hf_sql_src src;
    struct hf_token *toks;
    uint32_t n; /* including the final HF_TK_EOF */
    struct hf_arena arena;
};

/* Tokenise `src` (borrowed; must outlive `out`). Returns 0, or -1 with an
 * HF_ERR_SQL message pointing at the bad character. `out` must be released
 * with hf_tokens_free either way. */
int hf_sql_lex(const struct hf_sql_src *src, struct hf_tokens *out,
               struct hf_error *err);
void hf_tokens_free(struct hf_tokens *t); /* NULL is a no-op */

/* "')'", "identifier", "string literal", ... for "expected X" messages. */
const char *hf_tok_kind_name(enum hf_tok kind);
/* Upper-case spelling of a keyword ("SELECT"), or NULL for HF_KW_NONE. */
const char *hf_kw_name(enum hf_kw kw);
bool hf_kw_reserved(enum hf_kw kw);

/* Set `err` (code `code`) to "file:line:col: error: <message>" followed by
 * the source line and a caret line pointing at the column. Returns -1. */
int hf_sql_error_at(struct hf_error *err, hf_err_t code,
                    const struct hf_sql_src *src, int line, int col,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Append the source line `line` and the caret line for `col` (each ending
 * in '\n' except the last) to buf (NUL-terminated, capacity n). */
void hf_sql_caret(const struct hf_sql_src *src, int line, int col, char *buf,
                  size_t n);

/* A copy of the line src->text[ls..le) with the values of credential
 * options and every registered secret replaced by "******" (redact.c);
 * *at, a byte offset into the source inside [ls, le], becomes the matching
 * offset into the copy. Returns the copy (malloc'd, its length in *outlen)
 * or NULL when memory runs out. */
char *hf_sql_masked_line(const struct hf_sql_src *src, size_t ls, size_t le,
                         size_t *at, size_t *outlen);

/* Line and column (1-based) of byte offset `off` in `src`. */
void hf_sql_position(const struct hf_sql_src *src, size_t off, int *line,
                     int *col);

#endif
