/*
 * valueconv.h - converting values to and from text.
 *
 * The one place that knows how each type is spelled as text: used by the csv
 * format, partition values of Hive-style paths, CAST(... AS STRING) and
 * CAST(string AS ...), datagen's sequence of strings, and the print sink.
 * The text form is Flink's CAST(x AS STRING):
 *   BOOLEAN TRUE/FALSE; integers decimal; FLOAT/DOUBLE shortest round-trip
 *   (Java's Float/Double.toString: "1.0", "1.0E10", "NaN", "Infinity");
 *   DECIMAL with exactly its scale; DATE yyyy-MM-dd; TIME HH:mm:ss[.fff];
 *   TIMESTAMP yyyy-MM-dd HH:mm:ss[.f] padded to the type's precision;
 *   TIMESTAMP_LTZ the same in UTC; BYTES as x'0a1b' ... printed as Flink's
 *   print sink does; ARRAY as [1, 2, NULL].
 */
#ifndef HF_CORE_VALUECONV_H
#define HF_CORE_VALUECONV_H

#include <stddef.h>

#include "core/batch.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"

/* Append the text of `v` (which must not be NULL) to `out`. */
void hf_value_to_text(const struct hf_type *t, const struct hf_value *v,
                      struct hf_strbuf *out);

/* Parse `len` bytes of `s` as a value of type `t` into `out`. Leading and
 * trailing blanks are trimmed for non-string types (Flink's csv does so).
 * Strings are copied into `b`'s arena. Returns 0, or -1 with a message in err
 * naming the expected type and the text (the caller adds where). An empty
 * text is NULL for non-string types. ARRAY text is elements separated by
 * `array_delim` (csv's ';'). */
int hf_value_from_text(const struct hf_type *t, const char *s, size_t len,
                       char array_delim, struct hf_batch *b,
                       struct hf_value *out, struct hf_error *err);

/* Check that an integer fits the range of TINYINT/SMALLINT/INT/BIGINT. */
int hf_int_in_range(enum hf_type_id id, int64_t v);

/* Decimal text of `i` written at the end of tmp[0..HF_INT_TEXT_MAX-1]
 * (no printf; two digits per step): returns where it starts; the text
 * ends at tmp + HF_INT_TEXT_MAX and is not NUL-terminated. */
#define HF_INT_TEXT_MAX 20
char *hf_int_text(int64_t i, char tmp[HF_INT_TEXT_MAX]);

/* Java-compatible shortest representation of a double / float. */
size_t hf_double_to_text(double d, char *buf, size_t n);
size_t hf_float_to_text(float f, char *buf, size_t n);

#endif
