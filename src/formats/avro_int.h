/*
 * avro_int.h - what the Avro formats share: 'avro' (avro.c) and the
 * schema-registry formats 'avro-confluent' and 'debezium-avro-confluent'
 * (avro_confluent.c).
 *
 * The encoder is avro.c's: a codec built for the table's columns writes one
 * row as an Avro binary record of the schema Flink derives from the table
 * (the schema text is kept, to register it). Readers of records written
 * with another schema go through avro_resolve.h. The value rules both
 * sides apply (the range of DATE/TIME/TIMESTAMP values, decimals as
 * big-endian two's complement bytes) live here once.
 *
 * @locality a codec belongs to one thread; the functions are reentrant.
 */
#ifndef HF_FORMATS_AVRO_INT_H
#define HF_FORMATS_AVRO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/decimal.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"

struct hf_avro_codec;

/* A codec for columns `cols` (`ncols` of them) of `s`, whose schema is a
 * record named `name` (NULL: Flink's "record" in namespace
 * "org.apache.flink.avro.generated"; a nested record takes the enclosing
 * namespace). `legacy` is 'avro.timestamp_mapping.legacy'. Borrows `s` and
 * `cols` for the call only; returns the codec in `*out` (owned by the
 * caller, hf_avro_codec_free) or -1 with err. */
int hf_avro_codec_new(const struct hf_schema *s, const uint32_t *cols,
                      uint32_t ncols, bool legacy, const char *name,
                      struct hf_avro_codec **out, struct hf_error *err);

/* The codec's schema as JSON text (borrowed, lives as long as the codec). */
const char *hf_avro_codec_schema(const struct hf_avro_codec *c);

/* Append the Avro binary record of `row` (all the schema's columns,
 * borrowed) to `out`. 0 or -1 with err. */
int hf_avro_codec_encode(struct hf_avro_codec *c, const struct hf_value *row,
                         struct hf_strbuf *out, struct hf_error *err);

void hf_avro_codec_free(struct hf_avro_codec *c);

/* Number `n` read for a DATE/TIME/TIMESTAMP(_LTZ) column of type `t`, of
 * Avro logical type `logical` (named in messages), `ms` when `n` counts
 * milliseconds (else days for DATE, microseconds otherwise): the value in
 * holoflow's unit (days, microseconds) in `*out`, checked against the
 * type's range (years 0001-9999, a time of day). 0, or -1 with err. */
int hf_avro_temporal(const struct hf_type *t, const char *logical, bool ms,
                     int64_t n, int64_t *out, struct hf_error *err);

/* The unscaled value of `n` (1-16) big-endian two's complement bytes. 0, or
 * -1 when `n` is out of range. */
int hf_avro_dec_from_bytes(const unsigned char *p, size_t n, struct hf_dec *d);

#endif
