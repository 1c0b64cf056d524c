/*
 * types.h - Flink SQL types, typed values, schemas and RowKind.
 *
 * A `struct hf_type` is a Flink logical type (INT, DECIMAL(38,2),
 * TIMESTAMP_LTZ(3), ARRAY<BIGINT>, ...) with its PostgreSQL/Hologres
 * counterpart given by hf_type_pg_name(). A `struct hf_value` is one value of
 * such a type in a fixed 24-byte slot:
 *
 *   BOOLEAN                     v.b
 *   TINYINT SMALLINT INT BIGINT v.i   (int64, range of the type enforced on input)
 *   FLOAT                       v.f4
 *   DOUBLE                      v.f8
 *   DECIMAL(p,s)                v.d   (128-bit unscaled integer, scale = type's s;
 *                                      exact, never through double)
 *   CHAR VARCHAR STRING JSON    v.s   (UTF-8 bytes, not NUL-terminated, in the
 *   JSONB BYTES                        batch arena or other storage that outlives
 *                                      the batch)
 *   DATE                        v.i   (days since 1970-01-01)
 *   TIME(p)                     v.i   (microseconds since midnight)
 *   TIMESTAMP(p)                v.i   (microseconds since 1970-01-01 00:00:00,
 *                                      wall-clock, no zone)
 *   TIMESTAMP_LTZ(p)            v.i   (microseconds since the Unix epoch, UTC)
 *   ARRAY<T> MULTISET<T>        v.a   (struct hf_array in the arena; see
 *   MAP<K, V> ROW<...>                 there for the layout of each)
 *   INTERVAL YEAR TO MONTH      v.i   (months; expressions only)
 *   INTERVAL DAY TO SECOND(3)   v.i   (microseconds; expressions only)
 *
 * Precision above microseconds is accepted in DDL and truncated to
 * microseconds, the resolution of PostgreSQL. `null` marks SQL NULL; the
 * union is then meaningless.
 *
 * Nested types (ARRAY, MULTISET, MAP, ROW) keep their children in a
 * `struct hf_type_nest` that is interned: built once per distinct type,
 * never freed, shared by every copy of the type. So a `struct hf_type`
 * stays a small value that is copied freely (schemas, expression nodes,
 * options), and two nested types are equal exactly when their `nest`
 * pointers are (hf_type_equal).
 */
#ifndef HF_CORE_TYPES_H
#define HF_CORE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum hf_type_id {
    HF_BOOLEAN,
    HF_TINYINT,
    HF_SMALLINT,
    HF_INT,
    HF_BIGINT,
    HF_FLOAT,
    HF_DOUBLE,
    HF_DECIMAL,
    HF_CHAR,
    HF_VARCHAR, /* STRING is VARCHAR(HF_LEN_MAX) */
    HF_BYTES,   /* BYTES, VARBINARY(n), BINARY(n) */
    HF_DATE,
    HF_TIME,
    HF_TIMESTAMP,
    HF_TIMESTAMP_LTZ,
    HF_ARRAY,
    HF_JSON,
    HF_JSONB,
    HF_INTERVAL_YM, /* INTERVAL YEAR TO MONTH: v.i months */
    HF_INTERVAL_DT, /* INTERVAL DAY TO SECOND(3): v.i microseconds */
    HF_ROW,         /* ROW<name type, ...>: v.a, one item per field */
    HF_MAP,         /* MAP<K, V>: v.a, key and value items per entry */
    HF_MULTISET,    /* MULTISET<T>: v.a as MAP<T, INT NOT NULL> (counts) */
    HF_TYPE__COUNT
};

#define HF_LEN_MAX INT32_MAX
#define HF_DECIMAL_MAX_PRECISION 38

struct hf_type_nest;

struct hf_type {
    enum hf_type_id id;
    enum hf_type_id elem; /* ARRAY: the element's type id (its full type is
                             hf_type_child(t, 0)) */
    int32_t length;       /* CHAR/VARCHAR/BINARY length, HF_LEN_MAX = unbounded */
    uint8_t precision;    /* DECIMAL precision; TIME/TIMESTAMP fraction digits */
    uint8_t scale;        /* DECIMAL scale */
    bool not_null;        /* declared NOT NULL */
    /* ARRAY, MULTISET, MAP, ROW: the children (interned, immortal). An
     * ARRAY may have none: its element is then hf_type_make(elem). */
    const struct hf_type_nest *nest;
};

/* A child of a nested type: a ROW field (with its name), the element of
 * an ARRAY/MULTISET, the key and the value of a MAP (name NULL). */
struct hf_field {
    const char *name;
    struct hf_type type;
};

struct hf_type_nest {
    uint32_t n;
    struct hf_field f[];
};

/* 128-bit two's complement integer, the unscaled value of a DECIMAL. */
struct hf_dec {
    uint64_t lo;
    int64_t hi;
};

struct hf_array;

struct hf_value {
    union {
        bool b;
        int64_t i;
        float f4;
        double f8;
        struct {
            const char *ptr;
            uint32_t len;
        } s;
        struct hf_dec d;
        const struct hf_array *a;
    } v;
    bool null;
};

/* A value of a nested type. Lives in an arena (a batch's, usually).
 *   ARRAY     n elements, items[0..n)
 *   ROW       n fields (the type's arity), items[0..n)
 *   MAP       n entries: the key of entry i in items[2i], its value in
 *             items[2i+1], in the order they were read or built (keys are
 *             unique)
 *   MULTISET  as MAP: the element, then its count (INT, never NULL)
 * `elem` is the element type id of an ARRAY (the type's `elem`). */
struct hf_array {
    enum hf_type_id elem;
    uint32_t n;
    struct hf_value *items;
};

/* ------------------------------------------------------------------ RowKind */

/* Flink's changelog kinds; the numbering is Flink's byte value. */
enum hf_rowkind {
    HF_ROW_INSERT = 0,        /* +I */
    HF_ROW_UPDATE_BEFORE = 1, /* -U */
    HF_ROW_UPDATE_AFTER = 2,  /* +U */
    HF_ROW_DELETE = 3         /* -D */
};

/* "+I", "-U", "+U", "-D" */
const char *hf_rowkind_short(enum hf_rowkind k);

/* ------------------------------------------------------------------ schema */

enum hf_column_kind {
    HF_COL_PHYSICAL, /* stored in the source/sink record */
    HF_COL_METADATA, /* `col TYPE METADATA [FROM 'key'] [VIRTUAL]` */
    HF_COL_PROCTIME, /* `col AS PROCTIME()` */
    HF_COL_COMPUTED  /* `col AS expr`: computed from the other columns */
};

struct hf_column {
    char *name;
    struct hf_type type;
    enum hf_column_kind kind;
    char *meta_key; /* METADATA FROM 'key', or NULL (= name) */
    bool is_virtual;
    char *comment; /* may be NULL */
    char *expr;    /* COMPUTED: the expression's SQL text; else NULL */
};

/* A table's columns, primary key and partition keys. Owns its strings. */
struct hf_schema {
    uint32_t ncols;
    struct hf_column *cols;
    uint32_t npk;
    uint32_t *pk; /* column indexes, in PRIMARY KEY order */
    uint32_t npart;
    uint32_t *part; /* PARTITIONED BY columns */
};

/* Index of the column named `name` (case-sensitive, as Flink), or -1. */
int hf_schema_find(const struct hf_schema *s, const char *name);
void hf_schema_free(struct hf_schema *s); /* frees the contents, not s */
/* Deep copy; returns 0 or -1 on out of memory. */
int hf_schema_copy(struct hf_schema *dst, const struct hf_schema *src);

/* ------------------------------------------------------------------ types */

/* Flink SQL spelling, e.g. "DECIMAL(38, 2)", "ARRAY<BIGINT>", "STRING",
 * "ROW<`a` INT, `b` STRING>", "MAP<STRING, INT NOT NULL>" (truncated to
 * fit n). Returns buf. */
const char *hf_type_name(const struct hf_type *t, char *buf, size_t n);
/* PostgreSQL/Hologres spelling, e.g. "numeric(38,2)", "int8[]", "timestamptz";
 * ROW, MAP and MULTISET are "jsonb" (an ARRAY of them "jsonb[]"), nested
 * arrays have their innermost element's name ("int4[]"). */
const char *hf_type_pg_name(const struct hf_type *t, char *buf, size_t n);
/* A scalar type with default parameters (STRING, DECIMAL(10,0), TIMESTAMP(6)). */
struct hf_type hf_type_make(enum hf_type_id id);
bool hf_type_is_integer(enum hf_type_id id); /* TINYINT..BIGINT */
bool hf_type_is_numeric(enum hf_type_id id); /* integers, FLOAT, DOUBLE, DECIMAL */
bool hf_type_is_string(enum hf_type_id id);  /* CHAR, VARCHAR, JSON, JSONB */
bool hf_type_is_nested(enum hf_type_id id);  /* ARRAY, MULTISET, MAP, ROW */

/* Nested types. Each copies what it is given (names too) into an interned
 * child list and sets *out (nullable, default parameters); returns 0, or -1
 * when out of memory. */
int hf_type_array(struct hf_type *out, const struct hf_type *elem);
int hf_type_multiset(struct hf_type *out, const struct hf_type *elem);
int hf_type_map(struct hf_type *out, const struct hf_type *key,
                const struct hf_type *value);
/* ROW of n fields named names[i]; names NULL gives Flink's names of a
 * ROW(...) constructor's fields: EXPR$0, EXPR$1, ... */
int hf_type_row(struct hf_type *out, uint32_t n, const char *const *names,
                const struct hf_type *types);
/* Number of children: ROW fields, 2 for MAP, 1 for ARRAY and MULTISET, 0
 * for the other types. */
uint32_t hf_type_arity(const struct hf_type *t);
/* Child i (< arity) of a nested type: borrowed, immortal. For MULTISET,
 * child 1 is its count type INT NOT NULL (so it reads as a MAP). */
const struct hf_type *hf_type_child(const struct hf_type *t, uint32_t i);
/* The element type of ARRAY (or MULTISET) t, by value: its child; for an
 * ARRAY made without children (only `elem` set), hf_type_make(elem) with
 * the array's own precision and scale passed to a DECIMAL/TIME/TIMESTAMP
 * element when set (the older convention some callers still use). */
struct hf_type hf_type_elem(const struct hf_type *t);
/* Name of ROW field i (borrowed, immortal); NULL for other types. */
const char *hf_type_field_name(const struct hf_type *t, uint32_t i);
/* Index of the ROW field named `name` (case-sensitive), or -1. */
int hf_type_row_find(const struct hf_type *t, const char *name);
/* Same type with the same parameters, nested nullability included;
 * the NOT NULL of a and b themselves is ignored. */
bool hf_type_equal(const struct hf_type *a, const struct hf_type *b);
/* True if any part of t (t itself or a child, recursively) has id `id`. */
bool hf_type_contains(const struct hf_type *t, enum hf_type_id id);
/* True if a value of type `from` can be written to a column of type `to`
 * without an explicit CAST (Flink's implicit widening plus same-family
 * string/numeric/time). */
bool hf_type_assignable(const struct hf_type *from, const struct hf_type *to);

struct hf_arena;

/* Whether s[0..n) holds a NUL byte: eight bytes at a time inline for the
 * short text of most fields (the last, partial word read as the eight
 * bytes ending at s + n, overlapping the previous one, or as two
 * overlapping four-byte words below eight bytes), memchr() for long
 * text. */
static inline bool hf_text_has_nul(const char *s, size_t n)
{
#define HF_HAS_ZERO_(w, one, high) ((((w) - (one)) & ~(w) & (high)) != 0)
    if (n >= 64)
        return memchr(s, 0, n) != NULL;
    if (n >= 8) {
        uint64_t w;
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            memcpy(&w, s + i, 8);
            if (HF_HAS_ZERO_(w, UINT64_C(0x0101010101010101),
                             UINT64_C(0x8080808080808080)))
                return true;
        }
        if (i == n)
            return false;
        memcpy(&w, s + n - 8, 8);
        return HF_HAS_ZERO_(w, UINT64_C(0x0101010101010101),
                            UINT64_C(0x8080808080808080));
    }
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        return HF_HAS_ZERO_(a, UINT32_C(0x01010101), UINT32_C(0x80808080)) ||
               HF_HAS_ZERO_(b, UINT32_C(0x01010101), UINT32_C(0x80808080));
    }
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0')
            return true;
    return false;
#undef HF_HAS_ZERO_
}

/* Deep copy of value `src` of type `t` into `dst`: strings, bytes and
 * nested values get their own storage in arena `a` (src may be freed after).
 * With strip_nul, NUL bytes of text values (CHAR, VARCHAR, JSON, JSONB)
 * are left out. Returns the bytes it accounts for the value, or -1 when
 * the arena is out of memory. */
long hf_value_copy(struct hf_arena *a, const struct hf_type *t,
                   struct hf_value *dst, const struct hf_value *src,
                   bool strip_nul);

/* A new nested value of type t in arena a with n elements (ARRAY), fields
 * (ROW) or entries (MAP, MULTISET: 2n items), every item NULL; NULL when
 * out of memory. */
struct hf_array *hf_array_new(struct hf_arena *a, const struct hf_type *t,
                              uint32_t n);
/* Number of items of nested value x of type t: n, or 2n for MAP and
 * MULTISET. */
uint32_t hf_array_nitems(const struct hf_type *t, const struct hf_array *x);

#endif
