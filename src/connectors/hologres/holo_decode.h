/*
 * holo_decode.h - values from PostgreSQL's binary format: the sink's type
 * mapping (holo_encode.h, holo_nested.h) in reverse, for the hologres
 * source.
 *
 * At open, holo_dec_plan() pairs each column the scan reads with the Flink
 * column it fills and builds a decoder tree; a pair that does not fit is
 * refused there, naming the table, the column and both types. What fits
 * is what carries every value exactly:
 *   bool -> BOOLEAN; int2 -> SMALLINT/INT/BIGINT, int4 -> INT/BIGINT,
 *   int8 -> BIGINT, any of them -> DECIMAL with room for its digits;
 *   float4 -> FLOAT/DOUBLE, float8 -> DOUBLE; numeric(p', s') ->
 *   DECIMAL(p, s) with s' <= s and p' - s' <= p - s (an unconstrained
 *   numeric is checked value by value: a value that would round or
 *   overflow fails the scan, never rounds); text, varchar, char, json,
 *   jsonb -> CHAR/VARCHAR/STRING (jsonb as its text), json, jsonb, text,
 *   varchar -> JSON/JSONB; bytea -> BYTES; date -> DATE; time(q) ->
 *   TIME(p), timestamp(q) and timestamptz(q) -> TIMESTAMP(p) and
 *   TIMESTAMP_LTZ(p) with q <= p (the session runs in UTC: a timestamptz
 *   read as TIMESTAMP is its UTC wall clock, a timestamp read as
 *   TIMESTAMP_LTZ is taken as UTC, as the sink writes them); U[] ->
 *   ARRAY<T> when U -> T (U[] of n dimensions -> ARRAY nested n deep); a
 *   composite type -> ROW of as many fields, attribute by attribute; json
 *   and jsonb -> ROW, MAP, MULTISET, ARRAY (parsed as Flink's JSON format
 *   reads them); any array -> STRING as the legacy connector read it:
 *   the elements' text joined with field_delimiter (the scan selects the
 *   column as text[]; a NULL element is empty text).
 * Infinite dates and timestamps, and NaN or infinite numerics read into
 * DECIMAL, have no Flink value: the scan fails naming the column.
 *
 * @locality a decoder tree is used by one thread at a time (its JSON
 * codec keeps a tokener).
 */
#ifndef HF_HOLO_DECODE_H
#define HF_HOLO_DECODE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "connectors/hologres/holo_catalog.h"
#include "core/batch.h"
#include "core/error.h"
#include "core/types.h"

struct hf_json_codec;

enum holo_dk {
    HOLO_DK_BOOL,
    HOLO_DK_INT,     /* int2/int4/int8 -> an integer type */
    HOLO_DK_INT_DEC, /* int2/int4/int8 -> DECIMAL */
    HOLO_DK_F4,      /* float4 -> FLOAT */
    HOLO_DK_F4_F8,   /* float4 -> DOUBLE */
    HOLO_DK_F8,      /* float8 -> DOUBLE */
    HOLO_DK_NUMERIC, /* numeric -> DECIMAL */
    HOLO_DK_TEXT,    /* text/varchar/bpchar/json -> string types */
    HOLO_DK_CAST_TEXT, /* another type (inet, money, uuid, ...) -> string
                          types: selected as "col"::text */
    HOLO_DK_JSONB,   /* jsonb -> string types (version byte dropped) */
    HOLO_DK_BYTEA,
    HOLO_DK_DATE,
    HOLO_DK_TIME,
    HOLO_DK_TS,      /* timestamp/timestamptz -> TIMESTAMP(_LTZ) */
    HOLO_DK_ARRAY,   /* U[] -> ARRAY<...> (depth dimensions) */
    HOLO_DK_JOIN,    /* text[] -> STRING joined by delim */
    HOLO_DK_RECORD,  /* composite -> ROW */
    HOLO_DK_JSON     /* json/jsonb -> ROW/MAP/MULTISET/ARRAY */
};

struct holo_dec {
    enum holo_dk kind;
    struct hf_type t; /* the Flink type produced */
    Oid oid;          /* the wire type (arrays: the element's) */
    uint32_t depth;   /* ARRAY: dimensions */
    bool jsonb;       /* JSON: the data starts with a version byte */
    char delim;       /* JOIN */
    uint32_t nsub;
    struct holo_dec *sub; /* ARRAY: 1 (innermost element); RECORD: fields */
    struct hf_json_codec *json; /* JSON: borrowed from holo_dec_ctx */
};

/* What messages name and what JSON parsing needs; borrowed by decoders. */
struct holo_dec_ctx {
    const char *schema, *table; /* the PostgreSQL table */
    struct hf_json_codec *json; /* one decoder codec, for JSON kinds */
};

/* Build the decoder of column `col` (borrowed) for Flink type `t`. `delim`
 * is field_delimiter (arrays read into STRING). 0, or -1 with err naming
 * ctx's table, the column and both types. Free with holo_dec_free. */
int holo_dec_plan(struct holo_dec *d, const struct holo_column *col,
                  const struct hf_type *t, char delim,
                  const struct holo_dec_ctx *ctx, struct hf_error *err);
void holo_dec_free(struct holo_dec *d); /* its subtree; not d itself */

/* Whether the scan must select the column cast to text[] (HOLO_DK_JOIN). */
static inline bool holo_dec_as_text_array(const struct holo_dec *d)
{
    return d->kind == HOLO_DK_JOIN;
}

/* What follows the column's name in the scan's select list: "::text[]",
 * "::text" (HOLO_DK_CAST_TEXT) or nothing. */
static inline const char *holo_dec_select_cast(const struct holo_dec *d)
{
    return d->kind == HOLO_DK_JOIN        ? "::text[]"
           : d->kind == HOLO_DK_CAST_TEXT ? "::text"
                                          : "";
}

/* Decode one non-NULL field of `len` bytes at `p` into `v`; strings and
 * nested values go into `b`'s arena. `column` names the column in
 * messages. 0, or -1 with err (HF_ERR_DATA: malformed data, or a value
 * that has no exact Flink value). */
int holo_dec_value(const struct holo_dec *d, const uint8_t *p, uint32_t len,
                   struct hf_batch *b, struct hf_value *v, const char *column,
                   const struct holo_dec_ctx *ctx, struct hf_error *err);

#endif
