/*
 * fuzz_avro_resolve.c - libFuzzer target for the Avro reader of the
 * schema-registry formats (src/formats/avro_resolve.c): schemas as a
 * registry would hand them over, and records written with them.
 *
 * Input layout: byte 0 is a selector, the rest its payload.
 *   bit 0 clear: the payload is a record written with the schema Flink
 *     derives from the table below (the one avro-confluent registers); a
 *     record that reads is written again by avro.c's encoder and read
 *     again: both readings must give the same text, and the second one
 *     must use every byte the encoder wrote.
 *   bit 0 set: the payload is "schema JSON", a NUL byte, then a record:
 *     the schema is parsed (any JSON), and when it is a record a plan over
 *     the table's columns is made and the record read with it.
 * Outcomes are checked: a failure sets a message; a success reads no byte
 * past the record and fills the NOT NULL column. HF_FUZZ_VERBOSE in the
 * environment prints each reading, to check that seeds read as meant.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/batch.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"
#include "core/valueconv.h"
#include "formats/avro_int.h"
#include "formats/avro_resolve.h"
#include "fuzz_common.h"

#define NCOLS 9

static struct hf_schema table;
static struct hf_avro_codec *codec;
static struct hf_avs_schema *derived;
static struct hf_avr_target targets[NCOLS];

static void col(uint32_t i, const char *name, enum hf_type_id id, int p, int s,
                bool not_null)
{
    struct hf_column *c = &table.cols[i];
    c->name = (char *)name;
    c->type = hf_type_make(id);
    c->type.precision = (uint8_t)p;
    c->type.scale = (uint8_t)s;
    c->type.not_null = not_null;
    c->kind = HF_COL_PHYSICAL;
    targets[i].name = name;
    targets[i].type = c->type;
    targets[i].col = i;
    targets[i].def = NULL;
}

static void setup(void)
{
    if (codec != NULL)
        return;
    static struct hf_column cols[NCOLS];
    table.cols = cols;
    table.ncols = NCOLS;
    col(0, "id", HF_BIGINT, 0, 0, true);
    col(1, "name", HF_VARCHAR, 0, 0, false);
    col(2, "price", HF_DECIMAL, 10, 2, false);
    col(3, "ts", HF_TIMESTAMP, 3, 0, false);
    col(4, "i", HF_INT, 0, 0, false);
    col(5, "d", HF_DOUBLE, 0, 0, false);
    col(6, "b", HF_BYTES, 0, 0, false);
    col(7, "dt", HF_DATE, 0, 0, false);
    col(8, "arr", HF_ARRAY, 0, 0, false);
    cols[8].type.elem = HF_BIGINT;
    targets[8].type = cols[8].type;
    uint32_t idx[NCOLS];
    for (uint32_t i = 0; i < NCOLS; i++)
        idx[i] = i;
    struct hf_error err;
    hf_error_clear(&err);
    HF_FUZZ_CHECK(
        hf_avro_codec_new(&table, idx, NCOLS, true, NULL, &codec, &err) == 0);
    const char *js = hf_avro_codec_schema(codec);
    HF_FUZZ_CHECK(hf_avs_parse(js, strlen(js), &derived, &err) == 0);
}

static void row_text(const struct hf_value *row, struct hf_strbuf *out)
{
    for (uint32_t c = 0; c < NCOLS; c++) {
        if (c)
            hf_strbuf_puts(out, ", ");
        if (row[c].null)
            hf_strbuf_puts(out, "NULL");
        else
            hf_value_to_text(&table.cols[c].type, &row[c], out);
    }
}

/* Read `n` bytes of `p` with `plan`: 0 and the row's text in `txt`, or -1
 * (with a message). `*used` is the number of bytes read. */
static int read_one(const struct hf_avr_plan *plan, const unsigned char *p,
                    size_t n, struct hf_batch *b, struct hf_strbuf *txt,
                    size_t *used)
{
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_value *row = hf_batch_add_row(b, HF_ROW_INSERT, 0);
    HF_FUZZ_CHECK(row != NULL);
    struct hf_avs_cursor cur = {p, n, 0};
    if (hf_avr_read(plan, &cur, b, row, &err) != 0) {
        HF_FUZZ_CHECK(hf_error_is_set(&err) && err.msg[0] != '\0');
        if (getenv("HF_FUZZ_VERBOSE"))
            fprintf(stderr, "error: %s\n", err.msg);
        return -1;
    }
    HF_FUZZ_CHECK(cur.i <= n);
    HF_FUZZ_CHECK(!row[0].null); /* id is NOT NULL */
    *used = cur.i;
    row_text(row, txt);
    if (getenv("HF_FUZZ_VERBOSE"))
        fprintf(stderr, "row: %.*s\n", (int)txt->len, txt->data);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_fuzz_init();
    setup();
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    const unsigned char *p = data + 1;
    size_t n = size - 1;
    struct hf_error err;
    hf_error_clear(&err);
    struct hf_batch *b = hf_batch_new(NCOLS, 4);
    HF_FUZZ_CHECK(b != NULL);
    struct hf_strbuf t1, t2, enc;
    hf_strbuf_init(&t1, 0);
    hf_strbuf_init(&t2, 0);
    hf_strbuf_init(&enc, 0);
    if (sel & 1) {
        const unsigned char *nul = memchr(p, 0, n);
        size_t sl = nul ? (size_t)(nul - p) : n;
        struct hf_avs_schema *ws = NULL;
        if (hf_avs_parse((const char *)p, sl, &ws, &err) == 0) {
            struct hf_avr_plan *plan = NULL;
            hf_error_clear(&err);
            if (hf_avr_plan_new(hf_avs_root(ws), targets, NCOLS, &plan, &err) ==
                0) {
                size_t used = 0;
                const unsigned char *rec = nul ? nul + 1 : p + n;
                read_one(plan, rec, n - (size_t)(rec - p), b, &t1, &used);
                hf_avr_plan_free(plan);
            } else {
                HF_FUZZ_CHECK(err.msg[0] != '\0');
            }
            char buf[160];
            hf_avs_describe(hf_avs_root(ws), buf, sizeof buf);
            hf_avs_free(ws);
        } else {
            HF_FUZZ_CHECK(err.msg[0] != '\0');
        }
    } else {
        struct hf_avr_plan *plan = NULL;
        HF_FUZZ_CHECK(hf_avr_plan_new(hf_avs_root(derived), targets, NCOLS,
                                      &plan, &err) == 0);
        size_t used = 0;
        if (read_one(plan, p, n, b, &t1, &used) == 0) {
            /* Written again by avro.c: the same bytes, read the same. */
            const struct hf_value *row = hf_batch_row(b, 0);
            hf_error_clear(&err);
            if (hf_avro_codec_encode(codec, row, &enc, &err) == 0) {
                size_t used2 = 0;
                HF_FUZZ_CHECK(read_one(plan, (const unsigned char *)enc.data,
                                       enc.len, b, &t2, &used2) == 0);
                HF_FUZZ_CHECK(used2 == enc.len);
                HF_FUZZ_CHECK(t1.len == t2.len &&
                              memcmp(t1.data, t2.data, t1.len) == 0);
            }
        }
        hf_avr_plan_free(plan);
    }
    hf_strbuf_free(&t1);
    hf_strbuf_free(&t2);
    hf_strbuf_free(&enc);
    hf_batch_destroy(b);
    return 0;
}
