/*
 * pgoutput.c - decoding of the logical replication stream (pgoutput.h):
 * the CopyData envelope, pgoutput messages and PostgreSQL's text output
 * of values. Every read goes through a cursor that checks the remaining
 * length first; strings must be NUL-terminated inside the message.
 */
#include <stdlib.h>
#include <string.h>

#include "connectors/hologres/pgoutput.h"
#include "core/arena.h"
#include "core/valueconv.h"

/* ------------------------------------------------------------ cursor */

struct cur {
    const uint8_t *p, *end;
    int bad;
};

static uint64_t get_n(struct cur *c, size_t n)
{
    if (c->bad || (size_t)(c->end - c->p) < n) {
        c->bad = 1;
        return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | c->p[i];
    c->p += n;
    return v;
}

static uint8_t get8(struct cur *c) { return (uint8_t)get_n(c, 1); }
static uint16_t get16(struct cur *c) { return (uint16_t)get_n(c, 2); }
static uint32_t get32(struct cur *c) { return (uint32_t)get_n(c, 4); }
static uint64_t get64(struct cur *c) { return get_n(c, 8); }

static const char *get_str(struct cur *c)
{
    if (c->bad)
        return "";
    const uint8_t *z = memchr(c->p, 0, (size_t)(c->end - c->p));
    if (z == NULL) {
        c->bad = 1;
        return "";
    }
    const char *s = (const char *)c->p;
    c->p = z + 1;
    return s;
}

static const uint8_t *get_bytes(struct cur *c, size_t n)
{
    if (c->bad || (size_t)(c->end - c->p) < n) {
        c->bad = 1;
        return NULL;
    }
    const uint8_t *r = c->p;
    c->p += n;
    return r;
}

/* ------------------------------------------------------------ envelope */

int pgo_parse_copydata(const uint8_t *buf, size_t len, struct pgo_copydata *out,
                       struct hf_error *err)
{
    memset(out, 0, sizeof *out);
    struct cur c = {buf, buf + len, 0};
    char kind = (char)get8(&c);
    out->kind = kind;
    if (kind == 'w') {
        out->wal_start = get64(&c);
        out->wal_end = get64(&c);
        out->send_time = (int64_t)get64(&c);
        if (!c.bad) {
            out->payload = c.p;
            out->payload_len = (size_t)(c.end - c.p);
        }
    } else if (kind == 'k') {
        out->wal_end = get64(&c);
        out->send_time = (int64_t)get64(&c);
        out->reply_requested = get8(&c) != 0;
    } else {
        return hf_error_set(err, HF_ERR_DATA,
                            "replication stream: unknown CopyData message "
                            "'%c' (0x%02x)",
                            kind >= 32 && kind < 127 ? kind : '?',
                            (unsigned)(uint8_t)kind);
    }
    if (c.bad)
        return hf_error_set(err, HF_ERR_DATA,
                            "replication stream: '%c' message of %zu bytes is "
                            "too short",
                            kind, len);
    return 0;
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

size_t pgo_build_status(uint8_t out[PGO_STATUS_LEN], uint64_t written,
                        uint64_t flushed, uint64_t applied, int64_t now_pg,
                        int reply)
{
    out[0] = 'r';
    put64(out + 1, written);
    put64(out + 9, flushed);
    put64(out + 17, applied);
    put64(out + 25, (uint64_t)now_pg);
    out[33] = reply ? 1 : 0;
    return PGO_STATUS_LEN;
}

void pgo_lsn_format(uint64_t lsn, char *buf, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    char tmp[24];
    size_t k = 0;
    for (int half = 1; half >= 0; half--) {
        uint32_t v = (uint32_t)(lsn >> (32 * half));
        char d[8];
        int nd = 0;
        do {
            d[nd++] = hex[v & 0xf];
            v >>= 4;
        } while (v != 0);
        while (nd > 0)
            tmp[k++] = d[--nd];
        if (half == 1)
            tmp[k++] = '/';
    }
    tmp[k] = '\0';
    if (n > 0) {
        size_t m = k < n - 1 ? k : n - 1;
        memcpy(buf, tmp, m);
        buf[m] = '\0';
    }
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

int pgo_lsn_parse(const char *s, uint64_t *lsn)
{
    uint64_t parts[2] = {0, 0};
    for (int half = 0; half < 2; half++) {
        int nd = 0;
        while (*s && *s != '/') {
            int h = hexval(*s++);
            if (h < 0 || ++nd > 8)
                return -1;
            parts[half] = (parts[half] << 4) | (uint64_t)h;
        }
        if (nd == 0)
            return -1;
        if (half == 0) {
            if (*s != '/')
                return -1;
            s++;
        }
    }
    if (*s != '\0')
        return -1;
    *lsn = (parts[0] << 32) | parts[1];
    return 0;
}

/* ------------------------------------------------------------ messages */

static int reserve_cols(struct pgo_decoder *d, size_t n)
{
    if (n <= d->ncols_cap)
        return 0;
    size_t cap = d->ncols_cap ? d->ncols_cap : 16;
    while (cap < n)
        cap *= 2;
    struct pgo_col *c = realloc(d->cols, cap * sizeof *c);
    if (c == NULL)
        return -1;
    d->cols = c;
    d->ncols_cap = cap;
    return 0;
}

/* TupleData into storage starting at slot `at` (old and new tuples of one
 * Update share the decoder's array). */
static int read_tuple(struct pgo_decoder *d, struct cur *c, size_t at,
                      struct pgo_tuple *t, struct hf_error *err)
{
    uint16_t n = get16(c);
    if (c->bad)
        return 0;
    if (reserve_cols(d, at + n) != 0)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "out of memory decoding a tuple of %u columns",
                            (unsigned)n);
    t->ncols = n;
    t->cols = d->cols + at;
    for (uint16_t i = 0; i < n && !c->bad; i++) {
        struct pgo_col *col = &t->cols[i];
        col->kind = (char)get8(c);
        col->len = 0;
        col->data = NULL;
        switch (col->kind) {
        case 'n':
        case 'u':
            break;
        case 't':
        case 'b':
            col->len = get32(c);
            col->data = (const char *)get_bytes(c, col->len);
            break;
        default:
            return hf_error_set(err, HF_ERR_DATA,
                                "pgoutput: column %u has unknown kind 0x%02x",
                                (unsigned)i + 1,
                                (unsigned)(uint8_t)col->kind);
        }
    }
    return 0;
}

static int decode_relation(struct pgo_decoder *d, struct cur *c,
                           struct pgo_msg *m, struct hf_error *err)
{
    m->u.rel.oid = get32(c);
    m->u.rel.nspname = get_str(c);
    m->u.rel.relname = get_str(c);
    m->u.rel.ident = (char)get8(c);
    uint16_t n = get16(c);
    if (c->bad)
        return 0;
    if (n > d->nrcols_cap) {
        struct pgo_relcol *r = realloc(d->rcols, (size_t)n * sizeof *r);
        if (r == NULL)
            return hf_error_set(err, HF_ERR_NOMEM,
                                "out of memory decoding a relation of %u "
                                "columns",
                                (unsigned)n);
        d->rcols = r;
        d->nrcols_cap = n;
    }
    m->u.rel.ncols = n;
    m->u.rel.cols = d->rcols;
    for (uint16_t i = 0; i < n && !c->bad; i++) {
        struct pgo_relcol *rc = &d->rcols[i];
        rc->key = (get8(c) & 1) != 0;
        rc->name = get_str(c);
        rc->type_oid = get32(c);
        rc->typmod = (int32_t)get32(c);
    }
    return 0;
}

static int decode_change(struct pgo_decoder *d, struct cur *c,
                         struct pgo_msg *m, struct hf_error *err)
{
    memset(&m->u.change, 0, sizeof m->u.change);
    m->u.change.oid = get32(c);
    char k = (char)get8(c);
    if (c->bad)
        return 0;
    if (m->type == 'I') {
        if (k != 'N')
            return hf_error_set(err, HF_ERR_DATA,
                                "pgoutput: Insert without a new tuple ('%c')",
                                k);
        return read_tuple(d, c, 0, &m->u.change.newt, err);
    }
    if (k == 'K' || k == 'O') {
        m->u.change.old_kind = k;
        if (read_tuple(d, c, 0, &m->u.change.oldt, err) != 0)
            return -1;
        if (m->type == 'D')
            return 0;
        k = (char)get8(c);
        if (c->bad)
            return 0;
    } else if (m->type == 'D') {
        return hf_error_set(err, HF_ERR_DATA,
                            "pgoutput: Delete without an old tuple ('%c')", k);
    }
    if (k != 'N')
        return hf_error_set(err, HF_ERR_DATA,
                            "pgoutput: Update without a new tuple ('%c')", k);
    if (read_tuple(d, c, m->u.change.oldt.ncols, &m->u.change.newt, err) != 0)
        return -1;
    /* Reading the new tuple may have moved the storage. */
    m->u.change.oldt.cols = d->cols;
    m->u.change.newt.cols = d->cols + m->u.change.oldt.ncols;
    return 0;
}

int pgo_decode(struct pgo_decoder *d, const uint8_t *p, size_t n,
               struct pgo_msg *m, struct hf_error *err)
{
    memset(m, 0, sizeof *m);
    struct cur c = {p, p + n, 0};
    m->type = (char)get8(&c);
    int rc = 0;
    switch (m->type) {
    case 'B':
        m->u.begin.final_lsn = get64(&c);
        m->u.begin.commit_time = (int64_t)get64(&c);
        m->u.begin.xid = get32(&c);
        break;
    case 'C':
        m->u.commit.flags = get8(&c);
        m->u.commit.commit_lsn = get64(&c);
        m->u.commit.end_lsn = get64(&c);
        m->u.commit.commit_time = (int64_t)get64(&c);
        break;
    case 'O':
        m->u.origin.lsn = get64(&c);
        m->u.origin.name = get_str(&c);
        break;
    case 'R':
        rc = decode_relation(d, &c, m, err);
        break;
    case 'Y':
        m->u.type.oid = get32(&c);
        m->u.type.nspname = get_str(&c);
        m->u.type.name = get_str(&c);
        break;
    case 'I':
    case 'U':
    case 'D':
        rc = decode_change(d, &c, m, err);
        break;
    case 'T':
        m->u.trunc.nrels = get32(&c);
        m->u.trunc.flags = get8(&c);
        if (!c.bad && m->u.trunc.nrels > (size_t)(c.end - c.p) / 4)
            c.bad = 1;
        else
            m->u.trunc.oids = get_bytes(&c, (size_t)m->u.trunc.nrels * 4);
        break;
    case 'M':
        m->u.message.flags = get8(&c);
        m->u.message.lsn = get64(&c);
        m->u.message.prefix = get_str(&c);
        m->u.message.len = get32(&c);
        m->u.message.content = get_bytes(&c, m->u.message.len);
        break;
    case 'S':
    case 'E':
    case 'c':
    case 'A':
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "pgoutput: streamed transaction message '%c' "
                            "(replication was started with streaming off)",
                            m->type);
    case 'b':
    case 'P':
    case 'K':
    case 'r':
    case 'p':
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "pgoutput: two-phase message '%c' (replication "
                            "was started with two_phase off)",
                            m->type);
    default:
        return hf_error_set(err, HF_ERR_DATA,
                            "pgoutput: unknown message type 0x%02x",
                            (unsigned)(uint8_t)m->type);
    }
    if (rc != 0)
        return rc;
    if (c.bad)
        return hf_error_set(err, HF_ERR_DATA,
                            "pgoutput: '%c' message of %zu bytes is truncated",
                            m->type, n);
    return 0;
}

uint32_t pgo_trunc_oid(const struct pgo_msg *m, uint32_t i)
{
    const uint8_t *q = m->u.trunc.oids + (size_t)i * 4;
    return ((uint32_t)q[0] << 24) | ((uint32_t)q[1] << 16) |
           ((uint32_t)q[2] << 8) | q[3];
}

void pgo_decoder_free(struct pgo_decoder *d)
{
    free(d->cols);
    free(d->rcols);
    memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------ text values */

#define QUOTE_MAX 40

static int bad(struct hf_error *err, const struct hf_type *t, const char *s,
               size_t len, const char *why)
{
    char tn[64];
    return hf_error_set(err, HF_ERR_DATA, "cannot read '%.*s%s' as %s: %s",
                        (int)(len > QUOTE_MAX ? QUOTE_MAX : len), s,
                        len > QUOTE_MAX ? "..." : "",
                        hf_type_name(t, tn, sizeof tn), why);
}

/* bytea: hex "\x0a0b" (PostgreSQL 9.0+ default) or the escape form. */
static int bytea_from_text(const struct hf_type *t, const char *s, size_t len,
                           struct hf_batch *b, struct hf_value *out,
                           struct hf_error *err)
{
    char *buf = hf_arena_alloc(&b->arena, len + 1);
    if (buf == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    size_t k = 0;
    if (len >= 2 && s[0] == '\\' && s[1] == 'x') {
        if ((len - 2) % 2 != 0)
            return bad(err, t, s, len, "odd number of hex digits");
        for (size_t i = 2; i < len; i += 2) {
            int hi = hexval(s[i]), lo = hexval(s[i + 1]);
            if (hi < 0 || lo < 0)
                return bad(err, t, s, len, "not a hex digit");
            buf[k++] = (char)(hi << 4 | lo);
        }
    } else {
        for (size_t i = 0; i < len; i++) {
            if (s[i] != '\\') {
                buf[k++] = s[i];
            } else if (i + 1 < len && s[i + 1] == '\\') {
                buf[k++] = '\\';
                i++;
            } else if (i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3') {
                int v = 0;
                for (int j = 1; j <= 3; j++) {
                    if (s[i + j] < '0' || s[i + j] > '7')
                        return bad(err, t, s, len, "bad octal escape");
                    v = v * 8 + (s[i + j] - '0');
                }
                buf[k++] = (char)v;
                i += 3;
            } else {
                return bad(err, t, s, len, "bad escape");
            }
        }
    }
    out->v.s.ptr = buf;
    out->v.s.len = (uint32_t)k;
    out->null = false;
    return 0;
}

/* timestamptz text "2024-05-01 10:00:00.5+02" (zone offset without
 * minutes): completed to "+02:00" for holoflow's parser. */
static int ltz_from_text(const struct hf_type *t, const char *s, size_t len,
                         struct hf_batch *b, struct hf_value *out,
                         struct hf_error *err)
{
    char tmp[64];
    if (len + 3 < sizeof tmp && len >= 3 &&
        (s[len - 3] == '+' || s[len - 3] == '-') &&
        s[len - 2] >= '0' && s[len - 2] <= '9' && s[len - 1] >= '0' &&
        s[len - 1] <= '9') {
        memcpy(tmp, s, len);
        memcpy(tmp + len, ":00", 3);
        return hf_value_from_text(t, tmp, len + 3, 0, b, out, err);
    }
    return hf_value_from_text(t, s, len, 0, b, out, err);
}

static int scalar_from_text(const struct hf_type *t, const char *s, size_t len,
                            struct hf_batch *b, struct hf_value *out,
                            struct hf_error *err)
{
    memset(out, 0, sizeof *out);
    out->null = true;
    switch (t->id) {
    case HF_BOOLEAN:
        if (len == 1 && (s[0] == 't' || s[0] == 'f')) {
            out->v.b = s[0] == 't';
            out->null = false;
            return 0;
        }
        break;
    case HF_BYTES:
        return bytea_from_text(t, s, len, b, out, err);
    case HF_TIMESTAMP_LTZ:
        return ltz_from_text(t, s, len, b, out, err);
    case HF_ROW:
    case HF_MAP:
    case HF_MULTISET:
    case HF_INTERVAL_YM:
    case HF_INTERVAL_DT: {
        char tn[64];
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "the CDC source cannot read PostgreSQL text into "
                            "%s",
                            hf_type_name(t, tn, sizeof tn));
    }
    default:
        break;
    }
    return hf_value_from_text(t, s, len, 0, b, out, err);
}

/* One-dimensional array literal "{a,"b c",NULL}" (elements unquoted and
 * unescaped into the arena first). */
static int array_from_pg(const struct hf_type *t, const char *s, size_t len,
                         struct hf_batch *b, struct hf_value *out,
                         struct hf_error *err)
{
    /* "[1:3]={...}" carries explicit bounds: skip to '='. */
    if (len > 0 && s[0] == '[') {
        const char *eq = memchr(s, '=', len);
        if (eq == NULL)
            return bad(err, t, s, len, "bad array bounds");
        len -= (size_t)(eq + 1 - s);
        s = eq + 1;
    }
    if (len < 2 || s[0] != '{' || s[len - 1] != '}')
        return bad(err, t, s, len, "not an array literal");
    struct hf_type et = hf_type_elem(t);
    const char *p = s + 1, *end = s + len - 1;
    uint32_t n = 0;
    if (p < end) {
        /* count elements: commas outside quotes */
        int q = 0;
        n = 1;
        for (const char *x = p; x < end; x++) {
            if (*x == '\\' && q) {
                x++;
                continue;
            }
            if (*x == '"')
                q = !q;
            else if (!q && *x == '{')
                return bad(err, t, s, len,
                           "multi-dimensional arrays are not supported");
            else if (!q && *x == ',')
                n++;
        }
    }
    struct hf_array *a = hf_arena_alloc(
        &b->arena, sizeof *a + (size_t)n * sizeof(struct hf_value));
    char *scratch = hf_arena_alloc(&b->arena, len + 1);
    if (a == NULL || scratch == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    a->elem = et.id;
    a->n = n;
    a->items = (struct hf_value *)(a + 1);
    for (uint32_t k = 0; k < n; k++) {
        size_t m = 0;
        int quoted = 0;
        while (p < end && *p == ' ')
            p++;
        if (p < end && *p == '"') {
            quoted = 1;
            p++;
            while (p < end && *p != '"') {
                if (*p == '\\' && p + 1 < end)
                    p++;
                scratch[m++] = *p++;
            }
            if (p >= end)
                return bad(err, t, s, len, "unterminated quote");
            p++;
        } else {
            while (p < end && *p != ',')
                scratch[m++] = *p++;
            while (m > 0 && scratch[m - 1] == ' ')
                m--;
        }
        while (p < end && *p == ' ')
            p++;
        if (p < end) {
            if (*p != ',')
                return bad(err, t, s, len, "junk after a quoted element");
            p++;
        }
        struct hf_value *item = &a->items[k];
        if (!quoted && m == 4 && memcmp(scratch, "NULL", 4) == 0) {
            memset(item, 0, sizeof *item);
            item->null = true;
            continue;
        }
        if (scalar_from_text(&et, scratch, m, b, item, err) != 0)
            return -1;
        if (item->null && hf_type_is_string(et.id)) {
            /* an empty string element */
            if (hf_value_set_str(b, item, "", 0) != 0)
                return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        }
    }
    out->v.a = a;
    out->null = false;
    return 0;
}

int pgo_text_to_value(const struct hf_type *t, const char *s, size_t len,
                      struct hf_batch *b, struct hf_value *out,
                      struct hf_error *err)
{
    if (t->id == HF_ARRAY) {
        memset(out, 0, sizeof *out);
        out->null = true;
        return array_from_pg(t, s, len, b, out, err);
    }
    return scalar_from_text(t, s, len, b, out, err);
}
