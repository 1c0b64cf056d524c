/*
 * format_int.h - what the files of src/formats/ share with each other.
 *
 * The format descriptors each format file defines (registry.c lists them),
 * base64, which JSON and CSV both use for BYTES values (Flink writes binary
 * as base64 in both formats), and the type rules they share with
 * core/valueconv.c. Not part of any public contract: code outside
 * src/formats/ goes through format.h.
 */
#ifndef HF_FORMATS_FORMAT_INT_H
#define HF_FORMATS_FORMAT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "core/types.h"
#include "formats/format.h"

extern const struct hf_format hf_format_csv;
extern const struct hf_format hf_format_json;
extern const struct hf_format hf_format_debezium_json;
extern const struct hf_format hf_format_canal_json;
extern const struct hf_format hf_format_maxwell_json;

/* The element type of ARRAY type `t` (hf_type_elem). */
struct hf_type hf_format_elem_type(const struct hf_type *t);

/* Round a TIME/TIMESTAMP value in microseconds down to `precision` fraction
 * digits (0-6), as core/valueconv.c does for text. */
int64_t hf_format_truncate_usec(int64_t usec, int precision);

/* Append the standard base64 spelling (RFC 4648, with '=' padding) of `len`
 * bytes of `p` to `out`. Borrows both. */
void hf_base64_encode(const void *p, size_t len, struct hf_strbuf *out);

/* Decode `len` characters of base64 text `s` into `dst`, which must hold at
 * least hf_base64_max_decoded(len) bytes. Padding is optional; any other
 * character than the alphabet and trailing '=' is an error. Returns the
 * number of bytes written, or -1 when the text is not base64. */
long hf_base64_decode(const char *s, size_t len, unsigned char *dst);

static inline size_t hf_base64_max_decoded(size_t len)
{
    return (len + 3) / 4 * 3;
}

#endif
