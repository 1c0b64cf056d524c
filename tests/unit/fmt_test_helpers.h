/*
 * fmt_test_helpers.h - shared scaffolding for the format tests
 * (test_format_csv.c, test_format_json.c, test_format_cdc.c).
 *
 * Builds a schema from (name, type) pairs, resolves a format's options from
 * "key", "value" pairs through hf_opts_parse() exactly as the planner does
 * (with the format's prefix), creates decoders/encoders over all columns,
 * and prints decoded rows as "+I(1, abc, NULL)" text (values through
 * hf_value_to_text) so tests can compare whole results with one string.
 * Everything is static: each test program includes it once.
 */
#ifndef FMT_TEST_HELPERS_H
#define FMT_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/opt.h"
#include "core/batch.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"
#include "core/valueconv.h"
#include "formats/format.h"

static inline struct hf_type ft_type(enum hf_type_id id)
{
    return hf_type_make(id);
}

static inline struct hf_type ft_dec(int p, int s)
{
    struct hf_type t = hf_type_make(HF_DECIMAL);
    t.precision = (uint8_t)p;
    t.scale = (uint8_t)s;
    return t;
}

static inline struct hf_type ft_ts(enum hf_type_id id, int precision)
{
    struct hf_type t = hf_type_make(id);
    t.precision = (uint8_t)precision;
    return t;
}

static inline struct hf_type ft_array(enum hf_type_id elem)
{
    struct hf_type t = hf_type_make(HF_ARRAY);
    t.elem = elem;
    return t;
}

/* Append a physical column to `s` (zero-initialised by the caller). */
static inline void ft_col(struct hf_schema *s, const char *name,
                          struct hf_type t)
{
    s->cols = realloc(s->cols, (s->ncols + 1) * sizeof *s->cols);
    assert_non_null(s->cols);
    struct hf_column *c = &s->cols[s->ncols++];
    memset(c, 0, sizeof *c);
    c->name = strdup(name);
    c->type = t;
    c->kind = HF_COL_PHYSICAL;
}

/* The products table of Flink's CDC format documentation. */
static inline void ft_products(struct hf_schema *s)
{
    memset(s, 0, sizeof *s);
    ft_col(s, "id", ft_type(HF_BIGINT));
    ft_col(s, "name", ft_type(HF_VARCHAR));
    ft_col(s, "description", ft_type(HF_VARCHAR));
    ft_col(s, "weight", ft_dec(10, 2));
}

/* A format instance under test: options, decoder or encoder, a batch. */
struct ft {
    const struct hf_format *f;
    struct hf_schema *s;
    struct hf_kv kvs[16];
    size_t nkv;
    struct hf_opts opts;
    void *dec;
    void *enc;
    struct hf_batch *b;
    struct hf_error err;
    struct hf_strbuf text;
    char prefix[64]; /* opts.prefix points here: it must outlive setup */
};

/* Resolve options ("key", "value", ..., NULL; keys with the prefix) for
 * format `name` under `prefix`, run validate(). Returns 0 or -1 with
 * t->err set. */
static inline int ft_setup_opts(struct ft *t, const char *name,
                                const char *prefix, struct hf_schema *s,
                                const char *const *kv)
{
    memset(t, 0, sizeof *t);
    hf_error_clear(&t->err);
    hf_strbuf_init(&t->text, 0);
    t->f = hf_format_find(name);
    assert_non_null(t->f);
    t->s = s;
    snprintf(t->prefix, sizeof t->prefix, "%s", prefix ? prefix : "");
    for (; kv && kv[0]; kv += 2) {
        assert_true(t->nkv < 16);
        t->kvs[t->nkv].key = (char *)kv[0];
        t->kvs[t->nkv].value = (char *)kv[1];
        t->nkv++;
    }
    if (hf_opts_parse(&t->opts, name, t->prefix, t->f->opts, t->f->nopts,
                      t->kvs, t->nkv, &t->err) != 0)
        return -1;
    const struct hf_opts *tables[] = {&t->opts};
    if (hf_opts_check_unclaimed(t->kvs, t->nkv, name, tables, 1, &t->err) !=
        0)
        return -1;
    return t->f->validate(&t->opts, s, &t->err);
}

/* Options + decoder + encoder over the columns `cols` (NULL: all). */
static inline void ft_open_cols(struct ft *t, const char *name,
                                const char *prefix, struct hf_schema *s,
                                const char *const *kv, const uint32_t *cols,
                                uint32_t ncols)
{
    assert_int_equal(ft_setup_opts(t, name, prefix, s, kv), 0);
    uint32_t all[64];
    if (cols == NULL) {
        for (uint32_t i = 0; i < s->ncols; i++)
            all[i] = i;
        cols = all;
        ncols = s->ncols;
    }
    assert_int_equal(
        t->f->decoder_new(s, cols, ncols, &t->opts, &t->dec, &t->err), 0);
    assert_int_equal(
        t->f->encoder_new(s, cols, ncols, &t->opts, &t->enc, &t->err), 0);
    t->b = hf_batch_new(s->ncols, 16);
    assert_non_null(t->b);
}

static inline void ft_open(struct ft *t, const char *name, struct hf_schema *s,
                           const char *const *kv)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s.", name);
    ft_open_cols(t, name, prefix, s, kv, NULL, 0);
}

static inline void ft_close(struct ft *t)
{
    if (t->dec)
        t->f->decoder_free(t->dec);
    if (t->enc)
        t->f->encoder_free(t->enc);
    hf_batch_destroy(t->b);
    hf_opts_free(&t->opts);
    hf_strbuf_free(&t->text);
    hf_schema_free(t->s);
}

/* Decode one record (a C string), with the error cleared first. */
static inline int ft_decode(struct ft *t, const char *rec)
{
    hf_error_clear(&t->err);
    return t->f->decode(t->dec, rec, strlen(rec), 7, t->b, &t->err);
}

/* All rows of the batch as "+I(a, b)\n" lines; resets the batch. */
static inline const char *ft_rows(struct ft *t)
{
    hf_strbuf_reset(&t->text);
    for (uint32_t r = 0; r < t->b->nrows; r++) {
        const struct hf_value *row = hf_batch_row(t->b, r);
        hf_strbuf_printf(&t->text, "%s(",
                         hf_rowkind_short((enum hf_rowkind)t->b->kinds[r]));
        for (uint32_t c = 0; c < t->s->ncols; c++) {
            if (c > 0)
                hf_strbuf_puts(&t->text, ", ");
            if (row[c].null)
                hf_strbuf_puts(&t->text, "NULL");
            else
                hf_value_to_text(&t->s->cols[c].type, &row[c], &t->text);
        }
        hf_strbuf_puts(&t->text, ")\n");
    }
    hf_batch_reset(t->b);
    return t->text.data ? t->text.data : "";
}

/* Encode the batch's row `r` (appended by the test) with kind `k`. */
static inline const char *ft_encode(struct ft *t, const struct hf_value *row,
                                    enum hf_rowkind k)
{
    hf_strbuf_reset(&t->text);
    hf_error_clear(&t->err);
    assert_int_equal(t->f->encode(t->enc, row, k, &t->text, &t->err), 0);
    return t->text.data ? t->text.data : "";
}

/* Parse `text` as a value of column `c` into row slot `v` (test input). */
static inline void ft_set(struct ft *t, struct hf_value *row, uint32_t c,
                          const char *text)
{
    struct hf_error e;
    hf_error_clear(&e);
    if (text == NULL) {
        row[c].null = true;
        return;
    }
    assert_int_equal(hf_value_from_text(&t->s->cols[c].type, text,
                                        strlen(text), ';', t->b, &row[c], &e),
                     0);
}

#endif
