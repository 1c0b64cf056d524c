/*
 * avro_resolve.h - reading Avro binary written with another schema: the
 * writer's schema (from a schema registry) resolved against the table's
 * columns, as Avro's schema resolution and Flink's Avro reader do it.
 *
 * A schema is parsed from its JSON text (json-c) into a tree that keeps
 * what libavro 1.11 does not: logical types (decimal precision and scale,
 * date, time-*, timestamp-*, local-timestamp-*) and field defaults. A
 * plan maps a writer record's fields to target columns by name (exactly,
 * as Avro does); writer fields no column names are skipped, columns the
 * writer lacks take the reader's default (NULL for a nullable column, as
 * Flink's derived schema gives every nullable field "default": null).
 * Records match by structure, not by name (Java Avro, which Flink uses,
 * does the same in unions and at the top level), so a Debezium envelope's
 * "Value" record fills a table whose derived record is "record_after".
 *
 * Type rules (writer type -> column type), checked when a plan is made
 * for a schema (once per schema id), each union branch when it is met:
 *   boolean -> BOOLEAN;  int -> TINYINT/SMALLINT/INT (range-checked);
 *   int, long -> BIGINT; int, long, float -> FLOAT; int, long, float,
 *   double -> DOUBLE (Avro's promotions); string, bytes, enum -> the
 *   string types; bytes, string, fixed -> BYTES; bytes/fixed with logical
 *   type decimal -> DECIMAL (the writer's scale at most the column's; a
 *   smaller one is scaled up exactly; no logical type: the column's
 *   scale, as Flink); int (date) -> DATE; int (time-millis), long
 *   (time-micros) -> TIME; long (timestamp-* or local-timestamp-*, in the
 *   unit the logical type says; plain long: millis up to precision 3, as
 *   the derived schema) -> TIMESTAMP and TIMESTAMP_LTZ; array -> ARRAY;
 *   null -> NULL of any column. Everything else is an error naming the
 *   field and both types. A map or a record is skipped when no column
 *   reads it.
 *
 * Decoding checks every length and count against the bytes left before it
 * uses them, and nests at most HF_AVS_MAX_DEPTH levels (schemas may be
 * recursive).
 *
 * @locality schemas and plans are immutable once made and may be shared;
 * decoding uses only the caller's cursor and batch.
 */
#ifndef HF_FORMATS_AVRO_RESOLVE_H
#define HF_FORMATS_AVRO_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/batch.h"
#include "core/error.h"
#include "core/types.h"

#define HF_AVS_MAX_DEPTH 64

enum hf_avs_kind {
    HF_AVS_NULL,
    HF_AVS_BOOLEAN,
    HF_AVS_INT,
    HF_AVS_LONG,
    HF_AVS_FLOAT,
    HF_AVS_DOUBLE,
    HF_AVS_BYTES,
    HF_AVS_STRING,
    HF_AVS_RECORD,
    HF_AVS_ENUM,
    HF_AVS_ARRAY,
    HF_AVS_MAP,
    HF_AVS_UNION,
    HF_AVS_FIXED
};

enum hf_avs_logical {
    HF_AVL_NONE,
    HF_AVL_DECIMAL,
    HF_AVL_DATE,
    HF_AVL_TIME_MILLIS,
    HF_AVL_TIME_MICROS,
    HF_AVL_TS_MILLIS,
    HF_AVL_TS_MICROS,
    HF_AVL_LTS_MILLIS,
    HF_AVL_LTS_MICROS
};

/* One type of a parsed schema. Named types referenced twice are one node. */
struct hf_avs_node {
    enum hf_avs_kind kind;
    enum hf_avs_logical logical; /* ignored when it does not fit `kind` */
    int precision, scale;        /* decimal */
    const char *name;            /* full name of a record, enum or fixed */
    uint32_t n;                  /* record fields, union branches, symbols */
    struct hf_avs_node **sub;    /* field types, branches; [0]: items/values */
    char **names;                /* field names, enum symbols */
    char **defaults;             /* record: each field's default as JSON
                                    text, or NULL when it has none */
    int64_t size;                /* fixed */
};

struct hf_avs_schema;

/* Parse schema JSON `json` (`len` bytes). Returns the schema in `*out`
 * (owned by the caller, hf_avs_free) or -1 with err saying what is wrong
 * and where (the field path). */
int hf_avs_parse(const char *json, size_t len, struct hf_avs_schema **out,
                 struct hf_error *err);
void hf_avs_free(struct hf_avs_schema *s);
/* The root type (borrowed from `s`). */
const struct hf_avs_node *hf_avs_root(const struct hf_avs_schema *s);
/* A type's name for messages ("long", "timestamp-millis", "record Value",
 * "union [null, string]"), into buf. */
const char *hf_avs_describe(const struct hf_avs_node *t, char *buf, size_t n);
/* The branch of union `t` that is not "null" when `t` is
 * union(null, X) or union(X, null), `t` itself when it is no union, or
 * NULL. */
const struct hf_avs_node *hf_avs_nonnull(const struct hf_avs_node *t);

/* A read position in one record. */
struct hf_avs_cursor {
    const unsigned char *p;
    size_t n, i;
};

/* Primitive reads: 0, or -1 with err when the record ends early or the
 * value is malformed. */
int hf_avs_read_long(struct hf_avs_cursor *c, int64_t *v, struct hf_error *err);
/* A string or bytes value: a length, then that many bytes (borrowed from
 * the record). */
int hf_avs_read_bytes(struct hf_avs_cursor *c, const unsigned char **p,
                      size_t *n, struct hf_error *err);
/* Skip one value of type `t`. */
int hf_avs_skip(struct hf_avs_cursor *c, const struct hf_avs_node *t,
                struct hf_error *err);

/* A column a plan fills: its name (as Avro names it), its type, its slot
 * in the row, and the reader's default as JSON text for when the writer
 * lacks the field: NULL as in the schema derived from the table (null for
 * a nullable column, none for NOT NULL), "" for none, "null" for null;
 * other defaults are not supported. */
struct hf_avr_target {
    const char *name;
    struct hf_type type;
    uint32_t col;
    const char *def;
};

struct hf_avr_plan;

/* A plan reading records of writer record type `rec` (borrowed: it must
 * outlive the plan) into targets `t` (copied). 0, or -1 with err naming the
 * field and both types when they cannot match, or a column without
 * writer field or default. */
int hf_avr_plan_new(const struct hf_avs_node *rec,
                    const struct hf_avr_target *t, uint32_t nt,
                    struct hf_avr_plan **out, struct hf_error *err);
void hf_avr_plan_free(struct hf_avr_plan *p);

/* Read one record at the cursor into `row` (its target slots; strings and
 * arrays in `b`'s arena). 0, or -1 with err ("field 'x': ..."). */
int hf_avr_read(const struct hf_avr_plan *p, struct hf_avs_cursor *c,
                struct hf_batch *b, struct hf_value *row, struct hf_error *err);

#endif
