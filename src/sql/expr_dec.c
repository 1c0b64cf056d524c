/*
 * expr_dec.c - exact DECIMAL arithmetic for expressions.
 *
 * DECIMAL values are 128-bit unscaled integers (at most 38 digits), but the
 * intermediate results of + - * / % and comparisons between different
 * scales need more: 38 digits times 38 digits is 76 digits. Intermediates
 * therefore use a 256-bit unsigned magnitude (four 64-bit limbs) plus a
 * sign. Rounding is HALF_UP (away from zero at .5), as Flink's DecimalData.
 * A result that does not fit the result precision is reported as -2; the
 * caller turns it into an error naming the expression. Nothing here goes
 * through floating point.
 */
#include <string.h>

#include "sql/expr_int.h"

typedef unsigned __int128 u128;
typedef __int128 i128;

struct w256 {
    uint64_t l[4]; /* little-endian limbs */
};

static const uint64_t P10_19 = UINT64_C(10000000000000000000);

static i128 dec_i128(struct hf_dec d)
{
    return (i128)(((u128)(uint64_t)d.hi << 64) | d.lo);
}

static struct hf_dec dec_from_i128(i128 v)
{
    struct hf_dec d;
    d.lo = (uint64_t)(u128)v;
    d.hi = (int64_t)(uint64_t)((u128)v >> 64);
    return d;
}

static u128 mag(i128 v)
{
    return v < 0 ? (u128)0 - (u128)v : (u128)v;
}

static u128 pow10_128(int n)
{
    u128 p = 1;
    for (int k = 0; k < n; k++)
        p *= 10;
    return p;
}

static struct w256 w_from(u128 v)
{
    struct w256 w = {{(uint64_t)v, (uint64_t)(v >> 64), 0, 0}};
    return w;
}

static bool w_is_zero(const struct w256 *a)
{
    return (a->l[0] | a->l[1] | a->l[2] | a->l[3]) == 0;
}

static bool w_to_u128(const struct w256 *a, u128 *out)
{
    if (a->l[2] || a->l[3])
        return false;
    *out = ((u128)a->l[1] << 64) | a->l[0];
    return true;
}

static int w_cmp(const struct w256 *a, const struct w256 *b)
{
    for (int i = 3; i >= 0; i--) {
        if (a->l[i] != b->l[i])
            return a->l[i] < b->l[i] ? -1 : 1;
    }
    return 0;
}

/* a += b; false on overflow. */
static bool w_add(struct w256 *a, const struct w256 *b)
{
    u128 carry = 0;
    for (int i = 0; i < 4; i++) {
        u128 s = (u128)a->l[i] + b->l[i] + carry;
        a->l[i] = (uint64_t)s;
        carry = s >> 64;
    }
    return carry == 0;
}

/* a -= b, with a >= b. */
static void w_sub(struct w256 *a, const struct w256 *b)
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t x = a->l[i], y = b->l[i];
        uint64_t d = x - y - borrow;
        borrow = (x < y || (x == y && borrow)) ? 1 : 0;
        a->l[i] = d;
    }
}

static bool w_mul_u64(struct w256 *a, uint64_t m)
{
    u128 carry = 0;
    for (int i = 0; i < 4; i++) {
        u128 p = (u128)a->l[i] * m + carry;
        a->l[i] = (uint64_t)p;
        carry = p >> 64;
    }
    return carry == 0;
}

/* a /= d; returns the remainder. */
static uint64_t w_div_u64(struct w256 *a, uint64_t d)
{
    u128 rem = 0;
    for (int i = 3; i >= 0; i--) {
        u128 cur = (rem << 64) | a->l[i];
        a->l[i] = (uint64_t)(cur / d);
        rem = cur % d;
    }
    return (uint64_t)rem;
}

static bool w_mul_pow10(struct w256 *a, int k)
{
    while (k >= 19) {
        if (!w_mul_u64(a, P10_19))
            return false;
        k -= 19;
    }
    uint64_t m = 1;
    while (k-- > 0)
        m *= 10;
    return w_mul_u64(a, m);
}

/* a = round_half_up(a / 10^k). */
static void w_div_pow10_round(struct w256 *a, int k)
{
    if (k <= 0)
        return;
    int rest = k - 1;
    while (rest >= 19) {
        w_div_u64(a, P10_19);
        rest -= 19;
    }
    uint64_t d = 1;
    while (rest-- > 0)
        d *= 10;
    if (d > 1)
        w_div_u64(a, d);
    uint64_t last = w_div_u64(a, 10);
    if (last >= 5) {
        struct w256 one = w_from(1);
        w_add(a, &one);
    }
}

static struct w256 w_mul128(u128 a, u128 b)
{
    uint64_t x[2] = {(uint64_t)a, (uint64_t)(a >> 64)};
    uint64_t y[2] = {(uint64_t)b, (uint64_t)(b >> 64)};
    struct w256 r = {{0, 0, 0, 0}};
    for (int i = 0; i < 2; i++) {
        u128 carry = 0;
        for (int j = 0; j < 2; j++) {
            u128 cur = (u128)x[i] * y[j] + r.l[i + j] + carry;
            r.l[i + j] = (uint64_t)cur;
            carry = cur >> 64;
        }
        r.l[i + 2] = (uint64_t)carry;
    }
    return r;
}

static void w_shl1(struct w256 *a, int bit)
{
    for (int i = 3; i > 0; i--)
        a->l[i] = (a->l[i] << 1) | (a->l[i - 1] >> 63);
    a->l[0] = (a->l[0] << 1) | (uint64_t)bit;
}

/* r = a mod b (b != 0), by shift and subtract. */
static struct w256 w_mod(const struct w256 *a, const struct w256 *b)
{
    struct w256 r = {{0, 0, 0, 0}};
    for (int bit = 255; bit >= 0; bit--) {
        w_shl1(&r, (int)((a->l[bit / 64] >> (bit % 64)) & 1));
        if (w_cmp(&r, b) >= 0)
            w_sub(&r, b);
    }
    return r;
}

/* Signed wide value. */
struct sw {
    bool neg;
    struct w256 m;
};

/* |d| * 10^k with d's sign; false on overflow (cannot happen for k <= 38). */
static bool sw_scaled(struct hf_dec d, int k, struct sw *out)
{
    i128 v = dec_i128(d);
    out->neg = v < 0;
    out->m = w_from(mag(v));
    return w_mul_pow10(&out->m, k);
}

/* Round `v` (at scale `from`) to `scale` and check it fits `prec`. */
static int sw_finish(struct sw *v, int from, int prec, int scale,
                     struct hf_dec *out)
{
    if (scale < from)
        w_div_pow10_round(&v->m, from - scale);
    else if (scale > from && !w_mul_pow10(&v->m, scale - from))
        return -2;
    u128 m;
    if (!w_to_u128(&v->m, &m) || m >= pow10_128(prec))
        return -2;
    i128 r = v->neg && m != 0 ? -(i128)m : (i128)m;
    *out = dec_from_i128(r);
    return 0;
}

int hf_xdec_add(struct hf_dec a, int sa, struct hf_dec b, int sb, bool sub,
                int prec, int scale, struct hf_dec *out)
{
    int s = sa > sb ? sa : sb;
    struct sw x, y;
    if (!sw_scaled(a, s - sa, &x) || !sw_scaled(b, s - sb, &y))
        return -2;
    if (sub)
        y.neg = !y.neg;
    struct sw r;
    if (x.neg == y.neg) {
        r = x;
        if (!w_add(&r.m, &y.m))
            return -2;
    } else if (w_cmp(&x.m, &y.m) >= 0) {
        r = x;
        w_sub(&r.m, &y.m);
    } else {
        r = y;
        w_sub(&r.m, &x.m);
    }
    return sw_finish(&r, s, prec, scale, out);
}

int hf_xdec_mul(struct hf_dec a, int sa, struct hf_dec b, int sb, int prec,
                int scale, struct hf_dec *out)
{
    i128 x = dec_i128(a), y = dec_i128(b);
    struct sw r;
    r.neg = (x < 0) != (y < 0);
    r.m = w_mul128(mag(x), mag(y));
    return sw_finish(&r, sa + sb, prec, scale, out);
}

int hf_xdec_div(struct hf_dec a, int sa, struct hf_dec b, int sb, int prec,
                int scale, struct hf_dec *out)
{
    i128 x = dec_i128(a), y = dec_i128(b);
    if (y == 0)
        return -1;
    bool neg = (x < 0) != (y < 0);
    u128 A = mag(x), B = mag(y);
    /* result = A * 10^k / B at `scale`, k = scale + sb - sa. */
    int k = scale + sb - sa;
    u128 limit = pow10_128(prec);
    u128 q;
    if (k >= 0) {
        q = A / B;
        u128 r = A % B;
        if (q >= limit)
            return -2;
        struct w256 wr = w_from(r), wb = w_from(B);
        for (int i = 0; i <= k; i++) {
            /* next digit: floor(10 r / B), r < B */
            w_mul_u64(&wr, 10);
            unsigned digit = 0;
            while (w_cmp(&wr, &wb) >= 0) {
                w_sub(&wr, &wb);
                digit++;
            }
            if (i == k) {
                if (digit >= 5)
                    q++;
            } else {
                if (q > (limit - 1 - digit) / 10)
                    return -2;
                q = q * 10 + digit;
            }
        }
    } else {
        /* Divide by B * 10^-k, rounding HALF_UP. */
        struct w256 D = w_from(B);
        w_mul_pow10(&D, -k);
        u128 d;
        if (!w_to_u128(&D, &d) || d > A) {
            /* quotient 0; rounds to 1 when 2A >= D */
            struct w256 twoA = w_from(A);
            w_add(&twoA, &twoA);
            q = w_cmp(&twoA, &D) >= 0 ? 1 : 0;
        } else {
            q = A / d;
            u128 r = A % d;
            if (r >= d - r)
                q++;
        }
    }
    if (q >= limit)
        return -2;
    *out = dec_from_i128(neg && q ? -(i128)q : (i128)q);
    return 0;
}

int hf_xdec_mod(struct hf_dec a, int sa, struct hf_dec b, int sb, int prec,
                int scale, struct hf_dec *out)
{
    int s = sa > sb ? sa : sb;
    struct sw x, y;
    if (!sw_scaled(a, s - sa, &x) || !sw_scaled(b, s - sb, &y))
        return -2;
    if (w_is_zero(&y.m))
        return -1;
    struct sw r;
    r.neg = x.neg; /* the sign of the dividend, as SQL's MOD */
    r.m = w_mod(&x.m, &y.m);
    return sw_finish(&r, s, prec, scale, out);
}

int hf_xdec_cmp(struct hf_dec a, int sa, struct hf_dec b, int sb)
{
    int s = sa > sb ? sa : sb;
    struct sw x, y;
    sw_scaled(a, s - sa, &x);
    sw_scaled(b, s - sb, &y);
    if (w_is_zero(&x.m))
        x.neg = false;
    if (w_is_zero(&y.m))
        y.neg = false;
    if (x.neg != y.neg)
        return x.neg ? -1 : 1;
    int c = w_cmp(&x.m, &y.m);
    return x.neg ? -c : c;
}
