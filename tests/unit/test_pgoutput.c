/*
 * test_pgoutput.c - the logical replication decoder (pgoutput.h) on
 * hand-built messages: the CopyData envelope ('w', 'k') and the standby
 * status update, LSN text, every pgoutput message the source handles
 * (Begin, Commit, Origin, Relation, Type, Insert, Update with and without
 * an old key / old row and with 'u' unchanged TOAST columns, Delete,
 * Truncate, Message), refusal of streamed and two-phase messages and of
 * truncated input at every length, and PostgreSQL's text output of values
 * (booleans, bytea, timestamptz offsets, arrays with quotes, escapes and
 * NULL). Also the binlog option resolution per generation (holo_cdc.h)
 * and the Hologres binlog SQL as text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/opt.h"
#include "connectors/hologres/holo_cdc.h"
#include "connectors/hologres/holo_config.h"
#include "connectors/hologres/pgoutput.h"
#include "core/strbuf.h"

/* ------------------------------------------------------------ builder */

struct msg {
    uint8_t b[4096];
    size_t n;
};

static void u8(struct msg *m, uint8_t v) { m->b[m->n++] = v; }
static void be(struct msg *m, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--)
        u8(m, (uint8_t)(v >> (8 * i)));
}
static void str(struct msg *m, const char *s)
{
    size_t l = strlen(s) + 1;
    memcpy(m->b + m->n, s, l);
    m->n += l;
}
/* Tuple columns: "t:text", "n", "u" */
static void tuple(struct msg *m, int n, const char *const *cols)
{
    be(m, (uint64_t)n, 2);
    for (int i = 0; i < n; i++) {
        if (cols[i][0] == 't') {
            u8(m, 't');
            const char *v = cols[i] + 2;
            be(m, strlen(v), 4);
            memcpy(m->b + m->n, v, strlen(v));
            m->n += strlen(v);
        } else {
            u8(m, (uint8_t)cols[i][0]);
        }
    }
}

static struct pgo_decoder dec;

static void decode_ok(const struct msg *m, struct pgo_msg *out)
{
    struct hf_error err;
    hf_error_clear(&err);
    int rc = pgo_decode(&dec, m->b, m->n, out, &err);
    if (rc != 0)
        fprintf(stderr, "decode: %s\n", err.msg);
    assert_int_equal(rc, 0);
}

/* Every proper prefix of a message is refused, never read past. */
static void truncations_refused(const struct msg *m)
{
    for (size_t k = 0; k < m->n; k++) {
        uint8_t *copy = malloc(k ? k : 1);
        memcpy(copy, m->b, k);
        struct pgo_msg out;
        struct hf_error err;
        hf_error_clear(&err);
        assert_int_equal(pgo_decode(&dec, copy, k, &out, &err), -1);
        free(copy);
    }
}

static bool col_is(const struct pgo_col *c, char kind, const char *text)
{
    if (c->kind != kind)
        return false;
    if (text == NULL)
        return true;
    return c->len == strlen(text) && memcmp(c->data, text, c->len) == 0;
}

/* ------------------------------------------------------------ envelope */

static void test_copydata_and_status(void **st)
{
    (void)st;
    struct msg m = {.n = 0};
    u8(&m, 'w');
    be(&m, 0x1122334455667788u, 8);
    be(&m, 0x0000000100000002u, 8);
    be(&m, 12345, 8);
    u8(&m, 'B');
    struct pgo_copydata cd;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(pgo_parse_copydata(m.b, m.n, &cd, &err), 0);
    assert_int_equal(cd.kind, 'w');
    assert_true(cd.wal_start == 0x1122334455667788u);
    assert_true(cd.wal_end == 0x0000000100000002u);
    assert_int_equal(cd.send_time, 12345);
    assert_int_equal(cd.payload_len, 1);
    assert_int_equal(cd.payload[0], 'B');

    struct msg k = {.n = 0};
    u8(&k, 'k');
    be(&k, 0xABCDu, 8);
    be(&k, 7, 8);
    u8(&k, 1);
    assert_int_equal(pgo_parse_copydata(k.b, k.n, &cd, &err), 0);
    assert_int_equal(cd.kind, 'k');
    assert_true(cd.wal_end == 0xABCDu);
    assert_int_equal(cd.reply_requested, 1);
    /* 17 bytes: one short */
    assert_int_equal(pgo_parse_copydata(k.b, k.n - 1, &cd, &err), -1);
    hf_error_clear(&err);
    uint8_t bad[1] = {'x'};
    assert_int_equal(pgo_parse_copydata(bad, 1, &cd, &err), -1);
    assert_non_null(strstr(err.msg, "unknown CopyData message 'x'"));

    uint8_t s[PGO_STATUS_LEN];
    assert_int_equal(pgo_build_status(s, 0x0102030405060708u, 0x10, 0x20,
                                      -2, 1),
                     34);
    const uint8_t want[34] = {'r', 1, 2, 3, 4, 5, 6, 7, 8,
                              0, 0, 0, 0, 0, 0, 0, 0x10,
                              0, 0, 0, 0, 0, 0, 0, 0x20,
                              0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
                              1};
    assert_memory_equal(s, want, 34);
}

static void test_lsn_text(void **st)
{
    (void)st;
    char buf[24];
    pgo_lsn_format(0x16B374D848u, buf, sizeof buf);
    assert_string_equal(buf, "16/B374D848");
    pgo_lsn_format(0, buf, sizeof buf);
    assert_string_equal(buf, "0/0");
    uint64_t l;
    assert_int_equal(pgo_lsn_parse("16/B374D848", &l), 0);
    assert_true(l == 0x16B374D848u);
    assert_int_equal(pgo_lsn_parse("FFFFFFFF/ffffffff", &l), 0);
    assert_true(l == UINT64_MAX);
    assert_int_equal(pgo_lsn_parse("16B374D848", &l), -1);
    assert_int_equal(pgo_lsn_parse("/1", &l), -1);
    assert_int_equal(pgo_lsn_parse("1/", &l), -1);
    assert_int_equal(pgo_lsn_parse("1/2x", &l), -1);
    assert_int_equal(pgo_lsn_parse("123456789/0", &l), -1);
}

/* ------------------------------------------------------------ messages */

static void test_begin_commit_origin_type(void **st)
{
    (void)st;
    struct pgo_msg m;
    struct msg b = {.n = 0};
    u8(&b, 'B');
    be(&b, 0x0000000100000010u, 8);
    be(&b, 777, 8);
    be(&b, 4242, 4);
    decode_ok(&b, &m);
    assert_int_equal(m.type, 'B');
    assert_true(m.u.begin.final_lsn == 0x0000000100000010u);
    assert_int_equal(m.u.begin.commit_time, 777);
    assert_int_equal(m.u.begin.xid, 4242);
    truncations_refused(&b);

    struct msg c = {.n = 0};
    u8(&c, 'C');
    u8(&c, 0);
    be(&c, 0x100, 8);
    be(&c, 0x180, 8);
    be(&c, 999, 8);
    decode_ok(&c, &m);
    assert_int_equal(m.type, 'C');
    assert_true(m.u.commit.commit_lsn == 0x100);
    assert_true(m.u.commit.end_lsn == 0x180);
    assert_int_equal(m.u.commit.commit_time, 999);
    truncations_refused(&c);

    struct msg o = {.n = 0};
    u8(&o, 'O');
    be(&o, 0x55, 8);
    str(&o, "origin_a");
    decode_ok(&o, &m);
    assert_string_equal(m.u.origin.name, "origin_a");
    truncations_refused(&o);

    struct msg y = {.n = 0};
    u8(&y, 'Y');
    be(&y, 16385, 4);
    str(&y, "public");
    str(&y, "mood");
    decode_ok(&y, &m);
    assert_int_equal(m.u.type.oid, 16385);
    assert_string_equal(m.u.type.nspname, "public");
    assert_string_equal(m.u.type.name, "mood");
    truncations_refused(&y);
}

static void build_relation(struct msg *r, char ident)
{
    u8(r, 'R');
    be(r, 16400, 4);
    str(r, "public");
    str(r, "items");
    u8(r, (uint8_t)ident);
    be(r, 3, 2);
    u8(r, 1);
    str(r, "id");
    be(r, 20, 4);
    be(r, 0xffffffffu, 4);
    u8(r, ident == 'f' ? 1 : 0);
    str(r, "name");
    be(r, 25, 4);
    be(r, 0xffffffffu, 4);
    u8(r, ident == 'f' ? 1 : 0);
    str(r, "price");
    be(r, 1700, 4);
    be(r, (10 << 16 | 2) + 4, 4);
}

static void test_relation(void **st)
{
    (void)st;
    struct pgo_msg m;
    struct msg r = {.n = 0};
    build_relation(&r, 'd');
    decode_ok(&r, &m);
    assert_int_equal(m.type, 'R');
    assert_int_equal(m.u.rel.oid, 16400);
    assert_string_equal(m.u.rel.nspname, "public");
    assert_string_equal(m.u.rel.relname, "items");
    assert_int_equal(m.u.rel.ident, 'd');
    assert_int_equal(m.u.rel.ncols, 3);
    assert_string_equal(m.u.rel.cols[0].name, "id");
    assert_int_equal(m.u.rel.cols[0].key, 1);
    assert_int_equal(m.u.rel.cols[0].type_oid, 20);
    assert_int_equal(m.u.rel.cols[0].typmod, -1);
    assert_int_equal(m.u.rel.cols[1].key, 0);
    assert_string_equal(m.u.rel.cols[2].name, "price");
    assert_int_equal(m.u.rel.cols[2].type_oid, 1700);
    assert_int_equal(m.u.rel.cols[2].typmod, (10 << 16 | 2) + 4);
    truncations_refused(&r);
    /* FULL: every column is part of the identity */
    struct msg f = {.n = 0};
    build_relation(&f, 'f');
    decode_ok(&f, &m);
    assert_int_equal(m.u.rel.ident, 'f');
    assert_int_equal(m.u.rel.cols[2].key, 1);
}

static void test_insert_update_delete(void **st)
{
    (void)st;
    struct pgo_msg m;
    /* Insert */
    struct msg i = {.n = 0};
    u8(&i, 'I');
    be(&i, 16400, 4);
    u8(&i, 'N');
    tuple(&i, 3, (const char *[]){"t:1", "n", "t:9.50"});
    decode_ok(&i, &m);
    assert_int_equal(m.type, 'I');
    assert_int_equal(m.u.change.oid, 16400);
    assert_int_equal(m.u.change.old_kind, 0);
    assert_int_equal(m.u.change.newt.ncols, 3);
    assert_true(col_is(&m.u.change.newt.cols[0], 't', "1"));
    assert_true(col_is(&m.u.change.newt.cols[1], 'n', NULL));
    assert_true(col_is(&m.u.change.newt.cols[2], 't', "9.50"));
    truncations_refused(&i);

    /* Update, no old part (DEFAULT identity, key unchanged), 'u' TOAST */
    struct msg u = {.n = 0};
    u8(&u, 'U');
    be(&u, 16400, 4);
    u8(&u, 'N');
    tuple(&u, 3, (const char *[]){"t:1", "u", "t:10.00"});
    decode_ok(&u, &m);
    assert_int_equal(m.type, 'U');
    assert_int_equal(m.u.change.old_kind, 0);
    assert_int_equal(m.u.change.oldt.ncols, 0);
    assert_true(col_is(&m.u.change.newt.cols[1], 'u', NULL));
    truncations_refused(&u);

    /* Update with the old key (key changed) */
    struct msg k = {.n = 0};
    u8(&k, 'U');
    be(&k, 16400, 4);
    u8(&k, 'K');
    tuple(&k, 3, (const char *[]){"t:1", "n", "n"});
    u8(&k, 'N');
    tuple(&k, 3, (const char *[]){"t:2", "t:x", "t:1.00"});
    decode_ok(&k, &m);
    assert_int_equal(m.u.change.old_kind, 'K');
    assert_true(col_is(&m.u.change.oldt.cols[0], 't', "1"));
    assert_true(col_is(&m.u.change.oldt.cols[1], 'n', NULL));
    assert_true(col_is(&m.u.change.newt.cols[0], 't', "2"));
    assert_true(col_is(&m.u.change.newt.cols[1], 't', "x"));
    truncations_refused(&k);

    /* Update with the whole old row (FULL), wide enough that the tuple
     * storage grows between the old and the new tuple. */
    struct msg o = {.n = 0};
    const char *wide_old[40], *wide_new[40];
    char vals[40][12];
    for (int c = 0; c < 40; c++) {
        snprintf(vals[c], sizeof vals[c], "t:%d", c);
        wide_old[c] = vals[c];
        wide_new[c] = c == 7 ? "u" : vals[c];
    }
    u8(&o, 'U');
    be(&o, 16400, 4);
    u8(&o, 'O');
    tuple(&o, 40, wide_old);
    u8(&o, 'N');
    tuple(&o, 40, wide_new);
    pgo_decoder_free(&dec); /* start from empty storage */
    decode_ok(&o, &m);
    assert_int_equal(m.u.change.old_kind, 'O');
    assert_int_equal(m.u.change.oldt.ncols, 40);
    assert_int_equal(m.u.change.newt.ncols, 40);
    assert_true(col_is(&m.u.change.oldt.cols[7], 't', "7"));
    assert_true(col_is(&m.u.change.oldt.cols[39], 't', "39"));
    assert_true(col_is(&m.u.change.newt.cols[7], 'u', NULL));
    assert_true(col_is(&m.u.change.newt.cols[39], 't', "39"));

    /* Delete with the key, and with the old row */
    struct msg d = {.n = 0};
    u8(&d, 'D');
    be(&d, 16400, 4);
    u8(&d, 'K');
    tuple(&d, 3, (const char *[]){"t:5", "n", "n"});
    decode_ok(&d, &m);
    assert_int_equal(m.type, 'D');
    assert_int_equal(m.u.change.old_kind, 'K');
    assert_true(col_is(&m.u.change.oldt.cols[0], 't', "5"));
    assert_int_equal(m.u.change.newt.ncols, 0);
    truncations_refused(&d);
    struct msg d2 = {.n = 0};
    u8(&d2, 'D');
    be(&d2, 16400, 4);
    u8(&d2, 'N'); /* a delete has no new tuple */
    tuple(&d2, 1, (const char *[]){"t:5"});
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(pgo_decode(&dec, d2.b, d2.n, &m, &err), -1);
    assert_non_null(strstr(err.msg, "Delete without an old tuple"));

    /* An unknown column kind */
    struct msg x = {.n = 0};
    u8(&x, 'I');
    be(&x, 1, 4);
    u8(&x, 'N');
    be(&x, 1, 2);
    u8(&x, 'z');
    hf_error_clear(&err);
    assert_int_equal(pgo_decode(&dec, x.b, x.n, &m, &err), -1);
    assert_non_null(strstr(err.msg, "unknown kind"));
}

static void test_truncate_message_refusals(void **st)
{
    (void)st;
    struct pgo_msg m;
    struct msg t = {.n = 0};
    u8(&t, 'T');
    be(&t, 2, 4);
    u8(&t, 1);
    be(&t, 16400, 4);
    be(&t, 16500, 4);
    decode_ok(&t, &m);
    assert_int_equal(m.u.trunc.nrels, 2);
    assert_int_equal(m.u.trunc.flags, 1);
    assert_int_equal(pgo_trunc_oid(&m, 0), 16400);
    assert_int_equal(pgo_trunc_oid(&m, 1), 16500);
    truncations_refused(&t);
    /* a relation count the message cannot hold */
    struct msg t2 = {.n = 0};
    u8(&t2, 'T');
    be(&t2, 0x40000000u, 4);
    u8(&t2, 0);
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(pgo_decode(&dec, t2.b, t2.n, &m, &err), -1);

    struct msg mm = {.n = 0};
    u8(&mm, 'M');
    u8(&mm, 1);
    be(&mm, 0x77, 8);
    str(&mm, "holoflow");
    be(&mm, 3, 4);
    memcpy(mm.b + mm.n, "abc", 3);
    mm.n += 3;
    decode_ok(&mm, &m);
    assert_string_equal(m.u.message.prefix, "holoflow");
    assert_int_equal(m.u.message.len, 3);
    assert_memory_equal(m.u.message.content, "abc", 3);
    truncations_refused(&mm);

    const char refused[] = {'S', 'E', 'c', 'A', 'b', 'P', 'K', 'r', 'p'};
    for (size_t i = 0; i < sizeof refused; i++) {
        uint8_t one[1] = {(uint8_t)refused[i]};
        hf_error_clear(&err);
        assert_int_equal(pgo_decode(&dec, one, 1, &m, &err), -1);
        assert_int_equal(err.code, HF_ERR_UNSUPPORTED);
    }
    uint8_t unknown[1] = {'Q'};
    hf_error_clear(&err);
    assert_int_equal(pgo_decode(&dec, unknown, 1, &m, &err), -1);
    assert_non_null(strstr(err.msg, "unknown message type 0x51"));
    hf_error_clear(&err);
    assert_int_equal(pgo_decode(&dec, unknown, 0, &m, &err), -1);
}

/* ------------------------------------------------------------ values */

static struct hf_batch *batch;

static struct hf_value val(const struct hf_type *t, const char *text, int ok)
{
    struct hf_value v;
    struct hf_error err;
    hf_error_clear(&err);
    int rc = pgo_text_to_value(t, text, strlen(text), batch, &v, &err);
    if (rc != (ok ? 0 : -1))
        fprintf(stderr, "'%s': rc %d %s\n", text, rc, err.msg);
    assert_int_equal(rc, ok ? 0 : -1);
    return v;
}

static void test_text_values(void **st)
{
    (void)st;
    batch = hf_batch_new(1, 4);
    struct hf_type tb = hf_type_make(HF_BOOLEAN);
    assert_true(val(&tb, "t", 1).v.b);
    assert_false(val(&tb, "f", 1).v.b);
    val(&tb, "x", 0);

    struct hf_type ty = hf_type_make(HF_BYTES);
    struct hf_value v = val(&ty, "\\x0aff00", 1);
    assert_int_equal(v.v.s.len, 3);
    assert_memory_equal(v.v.s.ptr, "\x0a\xff\x00", 3);
    v = val(&ty, "a\\\\b\\001", 1);
    assert_int_equal(v.v.s.len, 4);
    assert_memory_equal(v.v.s.ptr, "a\\b\x01", 4);
    val(&ty, "\\x0", 0);
    val(&ty, "\\xzz", 0);
    val(&ty, "\\q", 0);

    struct hf_type tz = hf_type_make(HF_TIMESTAMP_LTZ);
    struct hf_value a = val(&tz, "2024-01-01 10:00:00+02", 1);
    struct hf_value b = val(&tz, "2024-01-01 08:00:00+00:00", 1);
    assert_false(a.null);
    assert_true(a.v.i == b.v.i);
    struct hf_value c = val(&tz, "2024-01-01 05:30:00.25-02:30", 1);
    assert_true(c.v.i == b.v.i + 250000);

    struct hf_type ts = hf_type_make(HF_TIMESTAMP);
    assert_false(val(&ts, "2024-01-01 10:00:00.5", 1).null);
    struct hf_type td = hf_type_make(HF_DECIMAL);
    td.precision = 10;
    td.scale = 2;
    assert_false(val(&td, "12.50", 1).null);
    struct hf_type ts2 = hf_type_make(HF_VARCHAR);
    v = val(&ts2, "", 1);
    assert_false(v.null);
    assert_int_equal(v.v.s.len, 0);

    /* arrays */
    struct hf_type ti = hf_type_make(HF_ARRAY);
    ti.elem = HF_INT;
    v = val(&ti, "{1,2,NULL,-4}", 1);
    assert_int_equal(v.v.a->n, 4);
    assert_int_equal(v.v.a->items[0].v.i, 1);
    assert_true(v.v.a->items[2].null);
    assert_int_equal(v.v.a->items[3].v.i, -4);
    v = val(&ti, "{}", 1);
    assert_int_equal(v.v.a->n, 0);
    v = val(&ti, "[0:1]={7,8}", 1);
    assert_int_equal(v.v.a->n, 2);
    assert_int_equal(v.v.a->items[1].v.i, 8);
    val(&ti, "{{1,2},{3,4}}", 0);
    val(&ti, "1,2", 0);
    val(&ti, "{1,x}", 0);

    struct hf_type tsa = hf_type_make(HF_ARRAY);
    tsa.elem = HF_VARCHAR;
    v = val(&tsa, "{plain,\"a b\",\"q\\\"x\",\"NULL\",NULL,\"\",\"c,d\",\"\\\\\"}",
            1);
    assert_int_equal(v.v.a->n, 8);
    const char *want[] = {"plain", "a b", "q\"x", "NULL", NULL, "", "c,d",
                          "\\"};
    for (int i = 0; i < 8; i++) {
        if (want[i] == NULL) {
            assert_true(v.v.a->items[i].null);
            continue;
        }
        assert_false(v.v.a->items[i].null);
        assert_int_equal(v.v.a->items[i].v.s.len, strlen(want[i]));
        assert_memory_equal(v.v.a->items[i].v.s.ptr, want[i], strlen(want[i]));
    }
    val(&tsa, "{\"open}", 0);

    struct hf_type tba = hf_type_make(HF_ARRAY);
    tba.elem = HF_BOOLEAN;
    v = val(&tba, "{t,f,NULL}", 1);
    assert_true(v.v.a->items[0].v.b);
    assert_false(v.v.a->items[1].v.b);
    assert_true(v.v.a->items[2].null);

    struct hf_type trow = hf_type_make(HF_INTERVAL_DT);
    val(&trow, "1 day", 0);
    hf_batch_destroy(batch);
}

/* ------------------------------------------------------------ options */

static int cfg_of(const char *const *kv, struct holo_cdc_config *cc,
                  struct hf_error *err)
{
    struct hf_kv kvs[24];
    size_t n = 0;
    const char *base[] = {"endpoint", "h:1", "dbname", "d", "tablename",
                          "s.t", "username", "u", "password", "p"};
    for (size_t i = 0; i < 10; i += 2, n++)
        kvs[n] = (struct hf_kv){.key = (char *)base[i],
                                .value = (char *)base[i + 1]};
    for (size_t i = 0; kv[i]; i += 2, n++)
        kvs[n] = (struct hf_kv){.key = (char *)kv[i],
                                .value = (char *)kv[i + 1]};
    struct hf_opts o;
    hf_error_clear(err);
    int rc = hf_opts_parse(&o, "connector 'hologres'", "", hf_holo_opt_defs,
                           hf_holo_opt_ndefs, kvs, n, err);
    assert_int_equal(rc, 0);
    rc = holo_cdc_config_from_opts(cc, &o, "s", "t", err);
    hf_opts_free(&o);
    return rc;
}

static void test_generations(void **st)
{
    (void)st;
    struct holo_cdc_config cc;
    struct hf_error err;
    /* VVR 11 spellings: binlog on, UPSERT, INITIAL */
    assert_int_equal(cfg_of((const char *[]){NULL}, &cc, &err), 0);
    assert_true(cc.binlog);
    assert_int_equal(cc.mode, HOLO_CDC_UPSERT);
    assert_int_equal(cc.startup, HOLO_CDC_INITIAL);
    assert_int_equal(cc.batch_size, 512);
    assert_string_equal(cc.slot, "holoflow_s_t_c3946c10");
    assert_string_equal(cc.publication, "holoflow_pub_s_t_c3946c10");
    /* VVR 8: binlog=true alone is append-only from the earliest offset */
    assert_int_equal(cfg_of((const char *[]){"binlog", "true", NULL}, &cc,
                            &err),
                     0);
    assert_true(cc.binlog);
    assert_int_equal(cc.mode, HOLO_CDC_APPEND);
    assert_int_equal(cc.startup, HOLO_CDC_EARLIEST);
    assert_int_equal(cc.batch_size, 100);
    assert_int_equal(cc.max_retries, 60);
    assert_int_equal(cc.retry_interval_ms, 2000);
    /* VVR 8 with a VVR 8-only key and no binlog: off */
    assert_int_equal(
        cfg_of((const char *[]){"jdbcBinlogSlotName", "myslot", NULL}, &cc,
               &err),
        0);
    assert_false(cc.binlog);
    assert_string_equal(cc.slot, "myslot");
    /* cdcMode / upsertSource */
    assert_int_equal(cfg_of((const char *[]){"binlog", "true", "cdcMode",
                                             "true", NULL},
                            &cc, &err),
                     0);
    assert_int_equal(cc.mode, HOLO_CDC_ALL);
    assert_int_equal(cfg_of((const char *[]){"binlog", "true", "cdcMode",
                                             "true", "upsertSource", "true",
                                             NULL},
                            &cc, &err),
                     0);
    assert_int_equal(cc.mode, HOLO_CDC_UPSERT);
    /* property-version=1 flips binlog and cdcMode */
    assert_int_equal(
        cfg_of((const char *[]){"property-version", "1", NULL}, &cc, &err), 0);
    assert_true(cc.binlog);
    assert_int_equal(cc.mode, HOLO_CDC_ALL);
    /* the connector.* generation has no binlog */
    assert_int_equal(
        cfg_of((const char *[]){"connector.bulkload", "false", NULL}, &cc,
               &err),
        0);
    assert_false(cc.binlog);
    /* mixing generations of the mode */
    assert_int_equal(cfg_of((const char *[]){"cdcMode", "true",
                                             "source.binlog.change-log-mode",
                                             "ALL", NULL},
                            &cc, &err),
                     -1);
    assert_non_null(strstr(err.msg, "use one generation's spelling"));
    /* startTime forces TIMESTAMP; TIMESTAMP needs it */
    assert_int_equal(cfg_of((const char *[]){"startTime",
                                             "2024-01-02 03:04:05", NULL},
                            &cc, &err),
                     0);
    assert_int_equal(cc.startup, HOLO_CDC_TIMESTAMP);
    assert_true(cc.start_time_us == INT64_C(1704164645000000));
    assert_int_equal(cfg_of((const char *[]){"source.binlog.startup-mode",
                                             "timestamp", NULL},
                            &cc, &err),
                     -1);
    assert_int_equal(cfg_of((const char *[]){"startTime", "yesterday", NULL},
                            &cc, &err),
                     -1);
    /* names */
    assert_int_equal(
        cfg_of((const char *[]){"slot.name", "Bad-Slot", NULL}, &cc, &err), -1);
    assert_non_null(strstr(err.msg, "lower-case letters"));
    assert_int_equal(cfg_of((const char *[]){"publication.name", "p\"x",
                                             NULL},
                            &cc, &err),
                     -1);
    assert_int_equal(cfg_of((const char *[]){"source.binlog.partition-binlog-"
                                             "mode",
                                             "DYNAMIC", NULL},
                            &cc, &err),
                     -1);
    assert_int_equal(cfg_of((const char *[]){"source.binlog.read-mode",
                                             "holohub", NULL},
                            &cc, &err),
                     -1);
}

/* ------------------------------------------------------------ Hologres */

static void test_hologres_sql(void **st)
{
    (void)st;
    struct hf_strbuf b;
    hf_strbuf_init(&b, 0);
    const char *cols[] = {"id", "Name\"x"};
    holo_cdc_sql_shard_read(&b, "public", "orders", cols, 2);
    assert_string_equal(b.data,
                        "SELECT hg_binlog_lsn, hg_binlog_event_type, "
                        "hg_binlog_timestamp_us, \"id\", \"Name\"\"x\" FROM "
                        "\"public\".\"orders\" WHERE hg_shard_id = $1 AND "
                        "hg_binlog_lsn > $2 ORDER BY hg_binlog_lsn LIMIT $3");
    hf_strbuf_reset(&b);
    holo_cdc_sql_shard_start(&b, NULL, "public", "orders", 3, 512, 1000, NULL);
    assert_string_equal(b.data,
                        "START_REPLICATION SLOT \"hg_table_name_slot\" LOGICAL "
                        "0/0 (\"parallel_index\" '3', \"batch_size\" '512', "
                        "\"table_name\" 'public.orders', \"start_lsn\" "
                        "'1000')");
    hf_strbuf_reset(&b);
    holo_cdc_sql_shard_start(&b, "s1", "public", "o'x", 0, 100, -1,
                             "2024-01-01 00:00:00");
    assert_string_equal(b.data,
                        "START_REPLICATION SLOT \"s1\" LOGICAL 0/0 "
                        "(\"parallel_index\" '0', \"batch_size\" '100', "
                        "\"start_time\" '2024-01-01 00:00:00')");
    hf_strbuf_reset(&b);
    holo_cdc_sql_hg_create_slot(&b, "s1", "p1", "public", "orders");
    assert_string_equal(b.data,
                        "CREATE PUBLICATION \"p1\" FOR TABLE "
                        "\"public\".\"orders\";\nCALL "
                        "hg_create_logical_replication_slot('s1', "
                        "'hgoutput', 'p1')");
    hf_strbuf_reset(&b);
    holo_cdc_sql_hg_drop_slot(&b, "s1");
    assert_string_equal(b.data,
                        "CALL hg_drop_logical_replication_slot('s1');\nDELETE "
                        "FROM hologres.hg_replication_progress WHERE slot_name "
                        "= 's1'");
    hf_strbuf_reset(&b);
    holo_cdc_sql_latest_cursor(&b);
    assert_string_equal(b.data, "SELECT hg_binlog_lsn FROM "
                                "hg_get_binlog_cursor($1, 'LATEST', $2)");
    hf_strbuf_reset(&b);
    holo_cdc_sql_binlog_level(&b);
    assert_non_null(strstr(b.data, "property_key = 'binlog.level'"));
    assert_non_null(strstr(b.data, "table_namespace = $1"));
    hf_strbuf_reset(&b);
    holo_cdc_sql_shard_count(&b);
    assert_non_null(strstr(b.data, "hologres.hg_table_group_properties"));
    assert_non_null(strstr(b.data, "'shard_count'"));
    assert_non_null(strstr(b.data, "= $1"));
    hf_strbuf_free(&b);
}

static int teardown(void **st)
{
    (void)st;
    pgo_decoder_free(&dec);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copydata_and_status),
        cmocka_unit_test(test_lsn_text),
        cmocka_unit_test(test_begin_commit_origin_type),
        cmocka_unit_test(test_relation),
        cmocka_unit_test(test_insert_update_delete),
        cmocka_unit_test(test_truncate_message_refusals),
        cmocka_unit_test(test_text_values),
        cmocka_unit_test(test_generations),
        cmocka_unit_test(test_hologres_sql),
    };
    int rc = cmocka_run_group_tests(tests, NULL, teardown);
    return rc;
}
