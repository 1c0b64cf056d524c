/*
 * fuzz_rowcodec.c - libFuzzer target for the row codec's decoder
 * (src/core/rowcodec.c): the bytes of state keys and values read back
 * from checkpoint files.
 *
 * Input layout: byte 0 picks a row type (selector % NLAYOUTS, below); the
 * rest is decoded as a row of it. A decoding either fails with a message
 * or uses at most the given bytes; a row that decodes is encoded again,
 * and that encoding must decode, use every byte, and encode to itself (the
 * canonical form is a fixed point: -0.0 and NaN payloads fold once).
 * HF_FUZZ_VERBOSE in the environment prints each decoding.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/rowcodec.h"
#include "core/strbuf.h"
#include "core/types.h"
#include "fuzz_common.h"

#define NLAYOUTS 4
#define MAXCOLS 8

static struct hf_type layouts[NLAYOUTS][MAXCOLS];
static uint32_t ncols[NLAYOUTS];

static void setup(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    struct hf_type it = hf_type_make(HF_INT), st = hf_type_make(HF_VARCHAR);
    struct hf_type d10 = hf_type_make(HF_DECIMAL), d38 = d10;
    d10.precision = 10;
    d10.scale = 2;
    d38.precision = 38;
    d38.scale = 6;
    /* 0: scalars of every width */
    enum hf_type_id ids[] = {HF_BOOLEAN, HF_TINYINT, HF_SMALLINT, HF_BIGINT,
                             HF_FLOAT,   HF_DOUBLE,  HF_BYTES};
    for (uint32_t i = 0; i < 7; i++)
        layouts[0][i] = hf_type_make(ids[i]);
    layouts[0][7] = d38;
    ncols[0] = 8;
    /* 1: a group key and accumulators */
    layouts[1][0] = st;
    layouts[1][1] = it;
    layouts[1][2] = d10;
    layouts[1][3] = hf_type_make(HF_TIMESTAMP_LTZ);
    ncols[1] = 4;
    /* 2: nested */
    struct hf_type arr, map, row, ms, arr_row;
    const char *names[] = {"a", "b"};
    struct hf_type rt[2] = {it, st};
    if (hf_type_array(&arr, &it) || hf_type_map(&map, &st, &it) ||
        hf_type_row(&row, 2, names, rt) || hf_type_multiset(&ms, &st) ||
        hf_type_array(&arr_row, &row))
        abort();
    layouts[2][0] = arr;
    layouts[2][1] = map;
    layouts[2][2] = row;
    layouts[2][3] = ms;
    layouts[2][4] = arr_row;
    ncols[2] = 5;
    /* 3: deeply nested arrays */
    struct hf_type a = it;
    for (int i = 0; i < 5; i++)
        if (hf_type_array(&a, &a))
            abort();
    layouts[3][0] = a;
    layouts[3][1] = st;
    ncols[3] = 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_fuzz_init();
    setup();
    if (size < 1)
        return 0;
    uint32_t l = data[0] % NLAYOUTS;
    const struct hf_type *t = layouts[l];
    struct hf_value v[MAXCOLS], w[MAXCOLS];
    struct hf_arena a, b;
    hf_arena_init(&a);
    hf_arena_init(&b);
    struct hf_error err;
    hf_error_clear(&err);
    long used = hf_row_decode(t, ncols[l], data + 1, size - 1, v, &a, &err);
    if (getenv("HF_FUZZ_VERBOSE"))
        fprintf(stderr, "layout %u: %ld of %zu bytes%s%s\n", l, used,
                size - 1, used < 0 ? ": " : "", used < 0 ? err.msg : "");
    if (used < 0) {
        HF_FUZZ_CHECK(err.msg[0] != 0);
    } else {
        HF_FUZZ_CHECK((size_t)used <= size - 1);
        struct hf_strbuf e1, e2;
        hf_strbuf_init(&e1, 0);
        hf_strbuf_init(&e2, 0);
        hf_row_encode(t, v, ncols[l], &e1);
        HF_FUZZ_CHECK(hf_strbuf_ok(&e1));
        long u2 = hf_row_decode(t, ncols[l], e1.data, e1.len, w, &b, &err);
        HF_FUZZ_CHECK(u2 == (long)e1.len);
        hf_row_encode(t, w, ncols[l], &e2);
        HF_FUZZ_CHECK(hf_strbuf_ok(&e2));
        HF_FUZZ_CHECK(e2.len == e1.len &&
                      memcmp(e1.data, e2.data, e1.len) == 0);
        /* equal bytes, equal hash */
        HF_FUZZ_CHECK(hf_key_hash(e1.data, e1.len) ==
                      hf_key_hash(e2.data, e2.len));
        hf_strbuf_free(&e1);
        hf_strbuf_free(&e2);
    }
    hf_arena_free(&a);
    hf_arena_free(&b);
    return 0;
}
