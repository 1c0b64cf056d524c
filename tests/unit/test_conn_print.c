/*
 * test_conn_print.c - the print sink writes exactly Flink's lines
 * (RowKind[f1, f2, ...], Java toString of each value, 'null' for NULL, the
 * 'identifier> ' prefix), to stdout or stderr; and the blackhole sink
 * counts and discards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "conn_test.h"
#include "core/datetime.h"
#include "core/decimal.h"

static const struct hf_connector *pr(void)
{
    const struct hf_connector *c = hf_connector_find("print");
    assert_non_null(c);
    return c;
}

/* Capture everything written to `fd` (1 or 2) between begin and end. */
struct capture {
    int fd, saved;
    char path[64];
};

static void capture_begin(struct capture *c, int fd)
{
    fflush(stdout);
    fflush(stderr);
    c->fd = fd;
    snprintf(c->path, sizeof c->path, "/tmp/hf_conn_print_XXXXXX");
    int tmp = mkstemp(c->path);
    assert_true(tmp >= 0);
    c->saved = dup(fd);
    assert_true(dup2(tmp, fd) >= 0);
    close(tmp);
}

/* Returns the captured text (malloc'd). */
static char *capture_end(struct capture *c)
{
    fflush(stdout);
    fflush(stderr);
    dup2(c->saved, c->fd);
    close(c->saved);
    FILE *f = fopen(c->path, "rb");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(c->path);
    return strdup(buf);
}

static struct ct_col cols[] = {
    {"i", {.id = HF_INT}},
    {"s", {.id = HF_VARCHAR}},
    {"d", {.id = HF_DECIMAL}},
    {"n", {.id = HF_BIGINT}},
    {"b", {.id = HF_BOOLEAN}},
    {"x", {.id = HF_DOUBLE}},
    {"f", {.id = HF_FLOAT}},
    {"dt", {.id = HF_DATE}},
    {"tm", {.id = HF_TIME}},
    {"ts", {.id = HF_TIMESTAMP}},
    {"ltz", {.id = HF_TIMESTAMP_LTZ}},
    {"by", {.id = HF_BYTES}},
    {"arr", {.id = HF_ARRAY}},
    {"small", {.id = HF_DECIMAL}},
};
#define NCOLS (sizeof cols / sizeof cols[0])

static void init_cols(void)
{
    cols[0].type = ct_type(HF_INT);
    cols[1].type = ct_type(HF_VARCHAR);
    cols[2].type = ct_decimal(5, 2);
    cols[3].type = ct_type(HF_BIGINT);
    cols[4].type = ct_type(HF_BOOLEAN);
    cols[5].type = ct_type(HF_DOUBLE);
    cols[6].type = ct_type(HF_FLOAT);
    cols[7].type = ct_type(HF_DATE);
    cols[8].type = ct_prec(HF_TIME, 3);
    cols[9].type = ct_prec(HF_TIMESTAMP, 6);
    cols[10].type = ct_prec(HF_TIMESTAMP_LTZ, 3);
    cols[11].type = ct_type(HF_BYTES);
    cols[12].type = ct_array(HF_INT);
    cols[13].type = ct_decimal(10, 8);
}

static struct hf_dec dec(int64_t v)
{
    return hf_dec_from_i64(v);
}

/* Two rows covering every type, then NULLs everywhere. */
static struct hf_batch *sample_batch(void)
{
    struct hf_batch *b = hf_batch_new(NCOLS, 8);
    int64_t day = hf_days_from_civil(2024, 1, 15);

    struct hf_value *r = hf_batch_add_row(b, HF_ROW_INSERT, 1);
    r[0] = (struct hf_value){.v.i = 1};
    hf_value_set_str(b, &r[1], "abc", 3);
    r[2] = (struct hf_value){.v.d = dec(250)}; /* 2.50 */
    r[3].null = true;
    r[4] = (struct hf_value){.v.b = true};
    r[5] = (struct hf_value){.v.f8 = 1e10};
    r[6] = (struct hf_value){.v.f4 = 1.5f};
    r[7] = (struct hf_value){.v.i = day};
    r[8] = (struct hf_value){.v.i = (10 * 3600 + 30 * 60) * HF_USEC_PER_SEC};
    r[9] = (struct hf_value){
        .v.i = day * HF_USEC_PER_DAY +
               (10 * 3600 + 30 * 60 + 5) * HF_USEC_PER_SEC + 123000};
    r[10] = (struct hf_value){.v.i = day * HF_USEC_PER_DAY +
                                     (10 * 3600 + 30 * 60) * HF_USEC_PER_SEC};
    hf_value_set_str(b, &r[11], "h\xff", 2);
    struct hf_array *a = hf_arena_alloc(&b->arena, sizeof *a);
    struct hf_value *items = hf_arena_alloc(&b->arena, 3 * sizeof *items);
    items[0] = (struct hf_value){.v.i = 1};
    items[1] = (struct hf_value){.null = true};
    items[2] = (struct hf_value){.v.i = 3};
    a->elem = HF_INT;
    a->n = 3;
    a->items = items;
    r[12] = (struct hf_value){.v.a = a};
    r[13] = (struct hf_value){.v.d = dec(10)}; /* 0.00000010 */

    r = hf_batch_add_row(b, HF_ROW_UPDATE_BEFORE, 2);
    r[0] = (struct hf_value){.v.i = -7};
    hf_value_set_str(b, &r[1], "", 0);
    r[2] = (struct hf_value){.v.d = dec(-5)}; /* -0.05 */
    r[3] = (struct hf_value){.v.i = INT64_MIN};
    r[4] = (struct hf_value){.v.b = false};
    r[5] = (struct hf_value){.v.f8 = 0.1};
    r[6] = (struct hf_value){.v.f4 = -2.0f};
    r[7] = (struct hf_value){.v.i = 0};
    r[8] = (struct hf_value){.v.i = 5 * HF_USEC_PER_SEC + 250};
    r[9] = (struct hf_value){.v.i = day * HF_USEC_PER_DAY};
    r[10] = (struct hf_value){.v.i = 1500}; /* 1970-01-01T00:00:00.001500Z */
    hf_value_set_str(b, &r[11], "", 0);
    struct hf_array *e = hf_arena_alloc(&b->arena, sizeof *e);
    e->elem = HF_INT;
    e->n = 0;
    e->items = NULL;
    r[12] = (struct hf_value){.v.a = e};
    r[13] = (struct hf_value){.v.d = dec(12345678)}; /* 0.12345678 */

    r = hf_batch_add_row(b, HF_ROW_DELETE, 3); /* all NULL */
    (void)r;
    return b;
}

static const char expect_plain[] =
    "+I[1, abc, 2.50, null, true, 1.0E10, 1.5, 2024-01-15, 10:30, "
    "2024-01-15T10:30:05.123, 2024-01-15T10:30:00Z, [104, -1], [1, null, 3], "
    "1.0E-7]\n"
    "-U[-7, , -0.05, -9223372036854775808, false, 0.1, -2.0, 1970-01-01, "
    "00:00:05.000250, 2024-01-15T00:00, 1970-01-01T00:00:00.001500Z, [], [], "
    "0.12345678]\n"
    "-D[null, null, null, null, null, null, null, null, null, null, null, "
    "null, null, null]\n";

static char *print_batch(const char *const *kv, int fd, uint64_t *rows_out)
{
    struct ct_table t;
    struct hf_error err;
    if (ct_table_init(&t, "sink", pr(), cols, NCOLS, NULL, kv, NULL, &err) != 0)
        fail_msg("options: %s", err.msg);
    struct hf_table_stats stats;
    memset(&stats, 0, sizeof stats);
    struct hf_run_ctx ctx = {.stats = &stats, .batch_rows = 8};
    void *st = NULL;
    assert_int_equal(pr()->sink_open(&t.def, &ctx, &st, &err), 0);
    struct hf_batch *b = sample_batch();
    struct capture c;
    capture_begin(&c, fd);
    int rc = pr()->sink_write(st, b, &err);
    int rc2 = pr()->sink_flush(st, &err);
    pr()->sink_close(st);
    char *out = capture_end(&c);
    assert_int_equal(rc, 0);
    assert_int_equal(rc2, 0);
    *rows_out = atomic_load(&stats.rows_out);
    hf_batch_destroy(b);
    ct_table_free(&t);
    return out;
}

static void test_print_plain(void **state)
{
    (void)state;
    uint64_t n = 0;
    char *out = print_batch(NULL, 1, &n);
    assert_string_equal(out, expect_plain);
    assert_int_equal(n, 3);
    free(out);
}

static void test_print_identifier_stderr(void **state)
{
    (void)state;
    const char *kv[] = {"print-identifier",
                        "sink-1",
                        "standard-error",
                        "true",
                        "sink.parallelism",
                        "2",
                        NULL};
    uint64_t n = 0;
    char *out = print_batch(kv, 2, &n);
    /* Every line prefixed with "sink-1> ". */
    char want[sizeof expect_plain + 64];
    size_t o = 0;
    const char *p = expect_plain;
    while (*p) {
        const char *nl = strchr(p, '\n');
        o += (size_t)snprintf(want + o, sizeof want - o, "sink-1> %.*s\n",
                              (int)(nl - p), p);
        p = nl + 1;
    }
    assert_string_equal(out, want);
    assert_int_equal(n, 3);
    free(out);

    /* An empty identifier means no prefix, as in Flink. */
    const char *kv2[] = {"print-identifier", "", NULL};
    out = print_batch(kv2, 1, &n);
    assert_string_equal(out, expect_plain);
    free(out);
}

static void test_print_changelog_and_options(void **state)
{
    (void)state;
    struct ct_table t;
    struct hf_error err;
    assert_int_equal(
        ct_table_init(&t, "sink", pr(), cols, NCOLS, NULL, NULL, NULL, &err),
        0);
    assert_true(pr()->accepts_changelog(&t.def));
    assert_true(pr()->caps & HF_CONN_SINK);
    assert_false(pr()->caps & HF_CONN_SOURCE);
    ct_table_free(&t);

    const char *bad[] = {"print-identifer", "x", NULL};
    assert_int_equal(
        ct_table_init(&t, "sink", pr(), cols, NCOLS, NULL, bad, NULL, &err),
        -1);
    assert_non_null(strstr(err.msg, "print-identifier"));
    ct_table_free(&t);
}

static void test_blackhole(void **state)
{
    (void)state;
    const struct hf_connector *bh = hf_connector_find("blackhole");
    assert_non_null(bh);
    assert_int_equal(bh->nopts, 0);
    struct ct_table t;
    struct hf_error err;
    assert_int_equal(
        ct_table_init(&t, "bh", bh, cols, NCOLS, NULL, NULL, NULL, &err), 0);
    assert_true(bh->accepts_changelog(&t.def));
    struct hf_table_stats stats;
    memset(&stats, 0, sizeof stats);
    struct hf_run_ctx ctx = {.stats = &stats, .batch_rows = 8};
    void *st = NULL;
    assert_int_equal(bh->sink_open(&t.def, &ctx, &st, &err), 0);
    struct hf_batch *b = sample_batch();
    struct capture c;
    capture_begin(&c, 1);
    assert_int_equal(bh->sink_write(st, b, &err), 0);
    assert_int_equal(bh->sink_write(st, b, &err), 0);
    assert_int_equal(bh->sink_flush(st, &err), 0);
    bh->sink_close(st);
    char *out = capture_end(&c);
    assert_string_equal(out, ""); /* nothing printed */
    assert_int_equal(atomic_load(&stats.rows_out), 6);
    free(out);
    hf_batch_destroy(b);
    ct_table_free(&t);

    /* Any option is unknown to blackhole. */
    const char *kv[] = {"sink.parallelism", "1", NULL};
    assert_int_equal(
        ct_table_init(&t, "bh", bh, cols, NCOLS, NULL, kv, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "sink.parallelism"));
    ct_table_free(&t);
}

static void test_registry(void **state)
{
    (void)state;
    const char *avail[] = {"datagen", "print", "blackhole", "filesystem"};
    for (size_t i = 0; i < 4; i++) {
        const struct hf_connector *c = hf_connector_find(avail[i]);
        assert_non_null(c);
        assert_string_equal(c->name, avail[i]);
        assert_null(c->unavailable);
        /* No 'connector' row: the planner owns that key. */
        for (size_t k = 0; k < c->nopts; k++) {
            assert_true(strcmp(c->opts[k].key, "connector") != 0);
            assert_non_null(c->opts[k].doc);
        }
    }
    assert_ptr_equal(hf_connector_find("DataGen"),
                     hf_connector_find("datagen"));
    assert_null(hf_connector_find("kafka")->unavailable);
    assert_null(hf_connector_find("upsert-kafka")->unavailable);
    assert_null(hf_connector_find("jdbc")->unavailable);
    assert_true(hf_connector_find("jdbc")->nopts > 0);
    assert_null(hf_connector_find("hologres")->unavailable);
    assert_null(hf_connector_find("nosuch"));
    assert_null(hf_connector_find(NULL));
    size_t n = 0;
    for (const struct hf_connector *const *l = hf_connector_list(); *l; l++)
        n++;
    assert_int_equal(n, 8);
    assert_string_equal(hf_connector_find("filesystem")->value_format_key,
                        "format");
}

int main(void)
{
    init_cols();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_print_plain),
        cmocka_unit_test(test_print_identifier_stderr),
        cmocka_unit_test(test_print_changelog_and_options),
        cmocka_unit_test(test_blackhole),
        cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
