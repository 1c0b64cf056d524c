/*
 * holo_nested.h - nested values (ROW, MAP, MULTISET, ARRAY) in the forms
 * PostgreSQL reads for the column they go to.
 *
 * What a value becomes depends on the target column, recursively:
 *   json, jsonb        the value as JSON, written as Flink's JSON format
 *                      writes it (ROW and MAP as objects, ARRAY as an
 *                      array, timestamps 'yyyy-MM-dd HH:mm:ss[.f]');
 *   a composite type   a ROW field by field, in order, each field in the
 *                      form of its attribute's type;
 *   an array U[]       an ARRAY element by element in the form of U (JSON
 *                      for json[]/jsonb[], records for an array of a
 *                      composite); ARRAY<ARRAY<T>> is a multidimensional
 *                      array, whose sub-arrays must all be there and of
 *                      one length (PostgreSQL has no ragged arrays).
 * Two encodings: the text input form (array and record literals with their
 * quoting), used by the INSERT mode's text[] parameters, the COPY text
 * format and key parameters; and the binary receive form (array_recv,
 * record_recv: element and attribute type OIDs in the data), used by the
 * binary COPY, whose data the server does not cast.
 *
 * ARRAY<scalar> into an array of scalars keeps its older, faster path
 * (holo_encode.c, holo_copy_sql.c); holo_nested_col() says which columns
 * come here.
 */
#ifndef HF_HOLO_NESTED_H
#define HF_HOLO_NESTED_H

#include <stdbool.h>

#include "connectors/hologres/holo_catalog.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"

/* Whether a job column of type t written into `col` is encoded here. */
bool holo_nested_col(const struct hf_type *t, const struct holo_column *col);

/* Append the text input form of non-NULL value v of type t for column
 * `col` (borrowed). 0, or -1 with err (HF_ERR_DATA: a ragged or NULL
 * sub-array, a NULL map key into JSON, a NUL byte in text). */
int holo_nested_text(struct hf_strbuf *out, const struct holo_column *col,
                     const struct hf_type *t, const struct hf_value *v,
                     struct hf_error *err);

/* Append one binary COPY field for value v (NULL allowed): the int32
 * length (-1 for NULL) and the bytes `col`'s receive function reads. 0, or
 * -1 with err as above. */
int holo_nested_binary(struct hf_strbuf *out, const struct holo_column *col,
                       const struct hf_type *t, const struct hf_value *v,
                       struct hf_error *err);

#endif
