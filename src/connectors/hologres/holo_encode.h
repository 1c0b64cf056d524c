/*
 * holo_encode.h - values in PostgreSQL's binary format.
 *
 * Every value is sent in the binary form the server's *_recv function
 * reads: big-endian integers and floats, numeric as base-10000 digits with
 * weight/sign/dscale (from the exact 128-bit DECIMAL, never through
 * double), date as days since 2000-01-01, timestamp/timestamptz as
 * microseconds since 2000-01-01, time as microseconds, text as UTF-8 bytes,
 * jsonb with its version byte, arrays with dimensions, a NULL flag and the
 * element OID. The same encoders produce binary COPY fields (issue: bulk
 * sink) and the one-array-per-column parameters of
 * `INSERT ... SELECT * FROM unnest($1::int8[], ...)`.
 *
 * The wire type of a job column is chosen from its Flink type (BIGINT ->
 * int8, DECIMAL -> numeric, STRING -> text, TIMESTAMP -> timestamp,
 * TIMESTAMP_LTZ -> timestamptz, ARRAY<INT> -> int4[] ...); the statement
 * casts to the target column's type where they differ, and the server
 * applies its own assignment rules (overflow is a data error there).
 */
#ifndef HF_HOLO_ENCODE_H
#define HF_HOLO_ENCODE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"

/* OID and name of the wire type for a Flink type ("int8", "numeric",
 * "text", "timestamptz", "_int4" for arrays' OID / "int4[]" name). */
Oid holo_wire_oid(const struct hf_type *t);
const char *holo_wire_name(const struct hf_type *t); /* "int8", "int4[]" */

/* Append the binary form of `v` (not NULL) of Flink type `t`, WITHOUT a
 * length word. Returns 0 or -1 (err: value not representable, e.g. a
 * string with \0 bytes for text). */
int holo_encode_value(struct hf_strbuf *out, const struct hf_type *t,
                      const struct hf_value *v, struct hf_error *err);

/* Append a length-prefixed field: int32 length then the value, or -1 for
 * NULL (the layout of binary COPY fields and array elements). */
int holo_encode_field(struct hf_strbuf *out, const struct hf_type *t,
                      const struct hf_value *v, struct hf_error *err);

/* Append a one-dimensional binary array whose elements are values[0..n)
 * of scalar Flink type `elem` (a column of a batch, gathered by the
 * caller as pointers). For a column of ARRAY type, use
 * holo_encode_value per row instead: unnest of 2-D arrays is not used. */
int holo_encode_array(struct hf_strbuf *out, const struct hf_type *elem,
                      const struct hf_value *const *values, uint32_t n,
                      struct hf_error *err);

/* Append the PostgreSQL text literal of an array value ("{1,2,NULL}",
 * "{\"a b\",\"c\\\"d\"}") of Flink type `t` (ARRAY). Array columns travel
 * as elements of a text[] parameter holding such literals, cast back to
 * the column's array type in the statement, because unnest() of a 2-D
 * array would flatten it. 0 or -1. */
int holo_encode_array_literal(struct hf_strbuf *out, const struct hf_type *t,
                              const struct hf_value *v, struct hf_error *err);

/* Append the array literal of a STRING written into an array column:
 * `s[0..n)` split at `delim` into elements, each quoted ("{\"a\",\"b\"}"),
 * as the legacy connector split such strings (field_delimiter, Java's
 * String.split: trailing empty elements are dropped, so "" and "a,," give
 * {} and {"a"}). The server's cast to the column's array type converts
 * the elements. */
void holo_encode_split_literal(struct hf_strbuf *out, const char *s, size_t n,
                               char delim);

/* Append the PostgreSQL text input form of `v` (not NULL) of Flink type
 * `t`, unescaped: what the column's input function reads ("t", "1.50",
 * "NaN", "2024-01-31 10:00:00.5+00", "0044-03-15 BC", "\\x00ff" for
 * bytea, an array literal for ARRAY). Used by the text COPY format, which
 * escapes it. 0 or -1 (a text value with a \0 byte). */
int holo_encode_text(struct hf_strbuf *out, const struct hf_type *t,
                     const struct hf_value *v, struct hf_error *err);

/* Binary COPY stream header and trailer. */
void holo_copy_header(struct hf_strbuf *out);
void holo_copy_trailer(struct hf_strbuf *out);

#endif
