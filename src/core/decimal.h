/*
 * decimal.h - exact DECIMAL(p,s) arithmetic on 128-bit unscaled integers.
 *
 * A DECIMAL value is an unscaled integer u and the scale s of its type:
 * value = u / 10^s. Precision is at most 38 digits, which fits in 128 bits.
 * Text is parsed and printed exactly, rescaling rounds HALF_UP (as Flink's
 * DecimalData does), and a value that does not fit the precision is an
 * overflow (the caller decides: Flink yields NULL on CAST, a format reports a
 * parse error). Nothing here goes through double unless the function name
 * says so.
 */
#ifndef HF_CORE_DECIMAL_H
#define HF_CORE_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/types.h"

/* Parse decimal text ("-12.345", "1e3", "  7 " is not allowed: no spaces) into
 * the unscaled value for (precision, scale). Returns 0, or -1 if the text is
 * not a number, or -2 if it overflows the precision. Rounds HALF_UP when the
 * text has more fraction digits than `scale`. */
int hf_dec_parse(const char *s, size_t len, int precision, int scale,
                 struct hf_dec *out);

/* Print with exactly `scale` fraction digits ("12.30", "-0.05", "7").
 * Returns the length written (buffer of at least 42 bytes). */
size_t hf_dec_format(struct hf_dec d, int scale, char *buf, size_t n);

/* Change scale from `from_scale` to `to_scale` (HALF_UP) and check it fits
 * `to_precision`. Returns 0 or -2 on overflow. */
int hf_dec_rescale(struct hf_dec d, int from_scale, int to_precision,
                   int to_scale, struct hf_dec *out);

struct hf_dec hf_dec_from_i64(int64_t v);
/* Value of the integer part, truncated toward zero; -2 on overflow of int64. */
int hf_dec_to_i64(struct hf_dec d, int scale, int64_t *out);
/* Inexact conversions, for CAST to/from FLOAT/DOUBLE only. */
double hf_dec_to_double(struct hf_dec d, int scale);
int hf_dec_from_double(double v, int precision, int scale, struct hf_dec *out);

int hf_dec_cmp(struct hf_dec a, struct hf_dec b); /* same scale assumed */
bool hf_dec_is_neg(struct hf_dec d);
/* Number of decimal digits of |d| (0 has 1 digit). */
int hf_dec_digits(struct hf_dec d);

#endif
