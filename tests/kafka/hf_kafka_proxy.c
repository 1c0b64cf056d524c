/*
 * hf_kafka_proxy.c - the offsets-for-times proxy of hf_kafka_mock -T (see
 * hf_kafka_proxy.h): Kafka frames passed between clients and the mock
 * brokers, a few of them parsed and rewritten or answered here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hf_kafka_proxy.h"

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#define PX_MAX_BROKERS 16
#define PX_MAX_PENDING 256
#define PX_MAX_FRAME (64 * 1024 * 1024)

/* Kafka API keys and the versions the proxy parses. */
#define API_LIST_OFFSETS 2
#define API_METADATA 3
#define API_FIND_COORDINATOR 10

/* Bytes read from one side and not yet a whole frame. */
struct px_buf {
    unsigned char *data;
    size_t len, cap;
};

struct px_pending {
    int32_t corr;
    int16_t key, ver;
};

/* One client connection and its connection to the mock broker. */
struct px_conn {
    int cfd, bfd;
    struct px_buf cin, bin;
    struct px_pending pend[PX_MAX_PENDING];
    int npend;
};

struct px_listener {
    int fd;
    int broker_port, proxy_port;
};

struct hf_kproxy {
    struct px_listener ls[PX_MAX_BROKERS];
    int nls;
    struct px_conn **conns;
    int nconns;
    char *mock_bootstraps; /* the mock brokers themselves */
    char bootstraps[PX_MAX_BROKERS * 24];
    rd_kafka_t *reader; /* consumer for timestamp lookups, made on first use */
};

static uint16_t be16(const unsigned char *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)(((uint64_t)be32(p) << 32) | be32(p + 4));
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static int buf_add(struct px_buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (d == NULL)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static int buf_i16(struct px_buf *b, int16_t v)
{
    unsigned char x[2] = {(unsigned char)((uint16_t)v >> 8),
                          (unsigned char)v};
    return buf_add(b, x, 2);
}

static int buf_i32(struct px_buf *b, int32_t v)
{
    unsigned char x[4];
    put32(x, (uint32_t)v);
    return buf_add(b, x, 4);
}

static int buf_i64(struct px_buf *b, int64_t v)
{
    return buf_i32(b, (int32_t)((uint64_t)v >> 32)) ||
           buf_i32(b, (int32_t)(uint32_t)v);
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Send frame payload `f` (n bytes) with its length prefix. */
static int send_frame(int fd, const unsigned char *f, size_t n)
{
    unsigned char len[4];
    put32(len, (uint32_t)n);
    return write_all(fd, len, 4) || write_all(fd, f, n);
}

static int px_proxy_port(const struct hf_kproxy *px, int broker_port)
{
    for (int i = 0; i < px->nls; i++)
        if (px->ls[i].broker_port == broker_port)
            return px->ls[i].proxy_port;
    return -1;
}

/* Replace the port at f+off (a broker's) by its proxy port. */
static void rewrite_port(const struct hf_kproxy *px, unsigned char *f, size_t n,
                         size_t off)
{
    if (off + 4 > n)
        return;
    int pp = px_proxy_port(px, (int)be32(f + off));
    if (pp > 0)
        put32(f + off, (uint32_t)pp);
}

/* Skip a (nullable) string at *off; -1 when it runs past n. */
static int skip_str(const unsigned char *f, size_t n, size_t *off)
{
    if (*off + 2 > n)
        return -1;
    int16_t l = (int16_t)be16(f + *off);
    *off += 2 + (size_t)(l > 0 ? l : 0);
    return *off <= n ? 0 : -1;
}

/* Metadata response (v0..v8): the brokers' ports. */
static void rewrite_metadata(const struct hf_kproxy *px, unsigned char *f,
                             size_t n, int ver)
{
    size_t off = 4 + (ver >= 3 ? 4 : 0);
    if (off + 4 > n)
        return;
    int32_t nb = (int32_t)be32(f + off);
    off += 4;
    for (int32_t i = 0; i < nb; i++) {
        off += 4; /* node id */
        if (skip_str(f, n, &off) != 0)
            return;
        rewrite_port(px, f, n, off);
        off += 4;
        if (ver >= 1 && skip_str(f, n, &off) != 0) /* rack */
            return;
    }
}

/* FindCoordinator response (v0..v2): the coordinator's port. */
static void rewrite_coordinator(const struct hf_kproxy *px, unsigned char *f,
                                size_t n, int ver)
{
    size_t off = 4 + (ver >= 1 ? 4 : 0) + 2; /* throttle, error code */
    if (ver >= 1 && skip_str(f, n, &off) != 0) /* error message */
        return;
    off += 4; /* node id */
    if (skip_str(f, n, &off) != 0)
        return;
    rewrite_port(px, f, n, off);
}

static rd_kafka_t *px_reader(struct hf_kproxy *px)
{
    if (px->reader)
        return px->reader;
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const char *sets[][2] = {{"bootstrap.servers", px->mock_bootstraps},
                             {"group.id", "hf-kafka-mock-time-index"},
                             {"enable.auto.commit", "false"},
                             {"enable.partition.eof", "true"},
                             {"log_level", "3"}};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        if (rd_kafka_conf_set(conf, sets[i][0], sets[i][1], errstr,
                              sizeof errstr) != RD_KAFKA_CONF_OK) {
            fprintf(stderr, "hf_kafka_mock: %s\n", errstr);
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
    px->reader = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (px->reader == NULL)
        fprintf(stderr, "hf_kafka_mock: time index reader: %s\n", errstr);
    return px->reader;
}

/* The earliest offset of topic/partition whose message timestamp is >= ts
 * (and that timestamp), or -1/-1 when there is none. -1 on an error. */
static int px_offset_for_time(struct hf_kproxy *px, const char *topic,
                              int32_t part, int64_t ts, int64_t *out_ts,
                              int64_t *out_off)
{
    *out_ts = -1;
    *out_off = -1;
    rd_kafka_t *rk = px_reader(px);
    if (rk == NULL)
        return -1;
    int64_t lo = 0, hi = 0;
    if (rd_kafka_query_watermark_offsets(rk, topic, part, &lo, &hi, 10000))
        return -1;
    if (lo >= hi)
        return 0;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, topic, part)->offset = lo;
    rd_kafka_assign(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    int rc = -1;
    int64_t deadline = now_us() + 10 * 1000000;
    while (now_us() < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
        if (m == NULL)
            continue;
        bool last = false;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            rc = 0; /* read everything: none */
            last = true;
        } else if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR &&
                   m->partition == part) {
            int64_t t = rd_kafka_message_timestamp(m, NULL);
            if (t >= ts) {
                *out_ts = t;
                *out_off = m->offset;
                rc = 0;
                last = true;
            } else if (m->offset >= hi - 1) {
                rc = 0;
                last = true;
            }
        }
        rd_kafka_message_destroy(m);
        if (last)
            break;
    }
    rd_kafka_assign(rk, NULL);
    return rc;
}

/* Answer a ListOffsets request (v1, v2) that asks for timestamps. Returns
 * 1 when answered, 0 when it is to be forwarded, -1 when the client is
 * gone. */
static int px_list_offsets(struct hf_kproxy *px, struct px_conn *c,
                           const unsigned char *f, size_t n, int ver,
                           int32_t corr)
{
    if (ver < 1 || ver > 2)
        return 0;
    size_t off = 8;
    if (skip_str(f, n, &off) != 0) /* client id */
        return 0;
    off += 4 + (ver >= 2 ? 1 : 0); /* replica id, isolation level */
    size_t body = off;
    bool by_time = false;
    if (off + 4 > n)
        return 0;
    int32_t nt = (int32_t)be32(f + off);
    off += 4;
    for (int32_t i = 0; i < nt; i++) {
        if (skip_str(f, n, &off) != 0 || off + 4 > n)
            return 0;
        int32_t np = (int32_t)be32(f + off);
        off += 4;
        for (int32_t j = 0; j < np; j++, off += 12) {
            if (off + 12 > n)
                return 0;
            if (be64(f + off + 4) >= 0)
                by_time = true;
        }
    }
    if (!by_time)
        return 0;

    struct px_buf r = {0};
    int bad = buf_i32(&r, corr);
    if (ver >= 2)
        bad |= buf_i32(&r, 0); /* throttle time */
    off = body;
    bad |= buf_i32(&r, nt);
    off += 4;
    for (int32_t i = 0; i < nt; i++) {
        size_t name = off;
        skip_str(f, n, &off);
        char topic[256];
        size_t tl = off - name - 2;
        if (tl >= sizeof topic)
            tl = sizeof topic - 1;
        memcpy(topic, f + name + 2, tl);
        topic[tl] = '\0';
        bad |= buf_add(&r, f + name, off - name);
        int32_t np = (int32_t)be32(f + off);
        off += 4;
        bad |= buf_i32(&r, np);
        for (int32_t j = 0; j < np; j++, off += 12) {
            int32_t part = (int32_t)be32(f + off);
            int64_t ts = be64(f + off + 4);
            int64_t t = -1, o = -1;
            int16_t ec = 0;
            if (ts >= 0) {
                if (px_offset_for_time(px, topic, part, ts, &t, &o) != 0)
                    ec = -1; /* UNKNOWN_SERVER_ERROR */
            } else {
                int64_t lo = 0, hi = 0;
                rd_kafka_t *rk = px_reader(px);
                if (rk == NULL || rd_kafka_query_watermark_offsets(
                                      rk, topic, part, &lo, &hi, 10000))
                    ec = -1;
                else
                    o = ts == -2 ? lo : hi;
            }
            bad |= buf_i32(&r, part);
            bad |= buf_i16(&r, ec);
            bad |= buf_i64(&r, t);
            bad |= buf_i64(&r, o);
        }
    }
    int rc = 1;
    if (bad || send_frame(c->cfd, r.data, r.len) != 0)
        rc = -1;
    free(r.data);
    return rc;
}

/* A whole request frame from the client. 0, or -1 to drop the connection. */
static int px_client_frame(struct hf_kproxy *px, struct px_conn *c,
                           const unsigned char *f, size_t n)
{
    if (n >= 8) {
        int16_t key = (int16_t)be16(f), ver = (int16_t)be16(f + 2);
        int32_t corr = (int32_t)be32(f + 4);
        if (key == API_LIST_OFFSETS) {
            int a = px_list_offsets(px, c, f, n, ver, corr);
            if (a != 0)
                return a > 0 ? 0 : -1;
        }
        if ((key == API_METADATA || key == API_FIND_COORDINATOR) &&
            c->npend < PX_MAX_PENDING)
            c->pend[c->npend++] = (struct px_pending){corr, key, ver};
    }
    return send_frame(c->bfd, f, n);
}

/* A whole response frame from the broker. */
static int px_broker_frame(struct hf_kproxy *px, struct px_conn *c,
                           unsigned char *f, size_t n)
{
    if (n >= 4) {
        int32_t corr = (int32_t)be32(f);
        for (int i = 0; i < c->npend; i++) {
            if (c->pend[i].corr != corr)
                continue;
            if (c->pend[i].key == API_METADATA)
                rewrite_metadata(px, f, n, c->pend[i].ver);
            else
                rewrite_coordinator(px, f, n, c->pend[i].ver);
            c->pend[i] = c->pend[--c->npend];
            break;
        }
    }
    return send_frame(c->cfd, f, n);
}

/* Read what `fd` has into `in` and handle every whole frame. 0, or -1 when
 * the connection is to be closed. */
static int px_pump(struct hf_kproxy *px, struct px_conn *c, int fd,
                   struct px_buf *in, bool from_client)
{
    unsigned char tmp[65536];
    ssize_t got = read(fd, tmp, sizeof tmp);
    if (got < 0 && errno == EINTR)
        return 0;
    if (got <= 0 || buf_add(in, tmp, (size_t)got) != 0)
        return -1;
    size_t pos = 0;
    while (in->len - pos >= 4) {
        uint32_t fl = be32(in->data + pos);
        if (fl > PX_MAX_FRAME)
            return -1;
        if (in->len - pos - 4 < fl)
            break;
        unsigned char *f = in->data + pos + 4;
        int rc = from_client ? px_client_frame(px, c, f, fl)
                             : px_broker_frame(px, c, f, fl);
        if (rc != 0)
            return -1;
        pos += 4 + fl;
    }
    memmove(in->data, in->data + pos, in->len - pos);
    in->len -= pos;
    return 0;
}

static int listen_local(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static int connect_local(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Listen in front of every broker of `bootstraps` ("host:port,..."). */
static int px_start(struct hf_kproxy *px, rd_kafka_mock_cluster_t *mc,
                    const char *bootstraps)
{
    memset(px, 0, sizeof *px);
    px->mock_bootstraps = strdup(bootstraps);
    if (px->mock_bootstraps == NULL)
        return -1;
    /* Versions without tagged fields, which the proxy parses. */
    rd_kafka_mock_set_apiversion(mc, API_METADATA, 0, 8);
    rd_kafka_mock_set_apiversion(mc, API_FIND_COORDINATOR, 0, 2);
    rd_kafka_mock_set_apiversion(mc, API_LIST_OFFSETS, 0, 2);
    size_t o = 0;
    for (const char *p = bootstraps; *p && px->nls < PX_MAX_BROKERS;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *colon = memchr(p, ':', (size_t)(end - p));
        long port = 0;
        char num[16];
        size_t nl = colon ? (size_t)(end - colon - 1) : 0;
        if (colon == NULL || nl == 0 || nl >= sizeof num)
            return -1;
        memcpy(num, colon + 1, nl);
        num[nl] = '\0';
        char *endp = NULL;
        port = strtol(num, &endp, 10);
        if (*endp != '\0' || port < 1 || port > 65535)
            return -1;
        struct px_listener *l = &px->ls[px->nls];
        l->broker_port = (int)port;
        l->fd = listen_local(&l->proxy_port);
        if (l->fd < 0)
            return -1;
        o += (size_t)snprintf(px->bootstraps + o, sizeof px->bootstraps - o,
                              "%s127.0.0.1:%d", px->nls ? "," : "",
                              l->proxy_port);
        px->nls++;
        p = comma ? comma + 1 : end;
    }
    return px->nls > 0 ? 0 : -1;
}

static void px_close_conn(struct hf_kproxy *px, int i)
{
    struct px_conn *c = px->conns[i];
    close(c->cfd);
    close(c->bfd);
    free(c->cin.data);
    free(c->bin.data);
    free(c);
    px->conns[i] = px->conns[--px->nconns];
}

static void px_accept(struct hf_kproxy *px, const struct px_listener *l)
{
    int cfd = accept(l->fd, NULL, NULL);
    if (cfd < 0)
        return;
    int bfd = connect_local(l->broker_port);
    struct px_conn **cs =
        realloc(px->conns, (size_t)(px->nconns + 1) * sizeof *cs);
    struct px_conn *c = calloc(1, sizeof *c);
    if (bfd < 0 || cs == NULL || c == NULL) {
        close(cfd);
        if (bfd >= 0)
            close(bfd);
        free(c);
        if (cs)
            px->conns = cs;
        return;
    }
    int one = 1;
    setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->cfd = cfd;
    c->bfd = bfd;
    px->conns = cs;
    px->conns[px->nconns++] = c;
}

/* Serve the proxy for up to `ms` milliseconds (and stdin when `in_fd` >=
 * 0). Returns 1 when stdin reached its end, else 0. */
static int px_serve(struct hf_kproxy *px, int ms, int in_fd)
{
    size_t nfds = (size_t)px->nls + 2 * (size_t)px->nconns + 1;
    struct pollfd *pf = calloc(nfds, sizeof *pf);
    if (pf == NULL)
        return 0;
    size_t k = 0;
    for (int i = 0; i < px->nls; i++)
        pf[k++] = (struct pollfd){.fd = px->ls[i].fd, .events = POLLIN};
    for (int i = 0; i < px->nconns; i++) {
        pf[k++] = (struct pollfd){.fd = px->conns[i]->cfd, .events = POLLIN};
        pf[k++] = (struct pollfd){.fd = px->conns[i]->bfd, .events = POLLIN};
    }
    pf[k++] = (struct pollfd){.fd = in_fd, .events = POLLIN};
    int eof = 0;
    int nconns = px->nconns;
    if (poll(pf, k, ms) > 0) {
        if (in_fd >= 0 && pf[k - 1].revents) {
            char b[256];
            ssize_t got = read(in_fd, b, sizeof b);
            if (got == 0 || (got < 0 && errno != EINTR))
                eof = 1;
        }
        /* Connections first, from the last, so closing one (which moves
         * the last into its place) leaves the rest of pf matching. */
        for (int i = nconns - 1; i >= 0; i--) {
            struct px_conn *c = px->conns[i];
            size_t at = (size_t)px->nls + 2 * (size_t)i;
            int rc = 0;
            if (pf[at].revents)
                rc = px_pump(px, c, c->cfd, &c->cin, true);
            if (rc == 0 && pf[at + 1].revents)
                rc = px_pump(px, c, c->bfd, &c->bin, false);
            if (rc != 0)
                px_close_conn(px, i);
        }
        for (int i = 0; i < px->nls; i++)
            if (pf[i].revents)
                px_accept(px, &px->ls[i]);
    }
    free(pf);
    return eof;
}

static void px_stop(struct hf_kproxy *px)
{
    while (px->nconns > 0)
        px_close_conn(px, px->nconns - 1);
    free(px->conns);
    for (int i = 0; i < px->nls; i++)
        close(px->ls[i].fd);
    if (px->reader) {
        rd_kafka_consumer_close(px->reader);
        rd_kafka_destroy(px->reader);
    }
    free(px->mock_bootstraps);
}

struct hf_kproxy *hf_kproxy_start(rd_kafka_mock_cluster_t *mc)
{
    struct hf_kproxy *px = malloc(sizeof *px);
    if (px == NULL)
        return NULL;
    if (px_start(px, mc, rd_kafka_mock_cluster_bootstraps(mc)) != 0) {
        px_stop(px);
        free(px);
        return NULL;
    }
    return px;
}

const char *hf_kproxy_bootstraps(const struct hf_kproxy *px)
{
    return px->bootstraps;
}

int hf_kproxy_serve(struct hf_kproxy *px, int ms, int in_fd)
{
    return px_serve(px, ms, in_fd);
}

void hf_kproxy_stop(struct hf_kproxy *px)
{
    if (px == NULL)
        return;
    px_stop(px);
    free(px);
}
