/*
 * hf_kafka_mock.c - a Kafka "cluster" for tests: librdkafka's mock cluster
 * hosted in a small long-lived process.
 *
 *   hf_kafka_mock [-b BROKERS] [-T] [--stdin] [-s TOPIC:PARTITION:MS]
 *                 [-g GROUP] [TOPIC:PARTITIONS ...]
 *
 * Creates a mock cluster of BROKERS brokers (default 3), creates each
 * TOPIC with PARTITIONS partitions (replication factor min(3, BROKERS)),
 * prints the bootstrap address ("127.0.0.1:PORT,...") as one line on
 * stdout, and then lives until SIGTERM or SIGINT (or, with --stdin, until
 * its standard input reaches end of file). Messages and committed group
 * offsets live in this process's memory, so a test can kill -9 and restart
 * the holoflow under test while the "cluster" keeps its data; they vanish
 * when this process ends.
 *
 * A slow partition (-s): the partition's leader becomes the last broker,
 * which answers every request MS milliseconds late, and every other
 * partition of the created topics is led by broker 1; -g GROUP makes
 * broker 1 the group's coordinator (else it may be the slow one). Tests
 * use it for a consumer whose partitions answer their first fetches far
 * apart.
 *
 * Topics that are not created here are auto-created by the mock broker on
 * first use (4 partitions). Exit status: 0 after a signal or EOF, 2 on a
 * usage error, 1 when the cluster cannot be created.
 *
 *   hf_kafka_mock offsets BOOTSTRAP TOPIC [GROUP]
 *
 * Queries a running cluster instead: one line per partition
 * "PARTITION LOW HIGH COMMITTED" (COMMITTED -1 when the group has none,
 * or without GROUP), then "total HIGH_SUM COMMITTED_SUM" (a missing commit
 * counts as 0). Tests use it to wait until a consumer group has committed
 * everything. Exit status 1 when the cluster cannot be asked.
 *
 *   hf_kafka_mock produce BOOTSTRAP TOPIC RATE [PROPERTY=VALUE ...]
 *
 * Produces the lines of standard input ("KEY<TAB>VALUE", or just VALUE
 * for no key) to TOPIC at RATE messages per second (0: as fast as
 * possible), each with the current time as its timestamp and placed by
 * librdkafka's murmur2 partitioner (the Java one), waits for every
 * delivery report, and prints "produced N messages in S s (R msg/s)". The
 * PROPERTY=VALUE pairs go to librdkafka (compression.codec=lz4, ...).
 * bench/kafka.sh uses it to feed a job at a fixed rate. Exit status 1 when
 * a message could not be delivered.
 *
 * Note: librdkafka's mock broker keeps at most about 5 MB (or 100000
 * message sets) per partition and drops the oldest beyond that, so tests
 * that move many messages produce them in steps.
 *
 * Offsets for times (-T): the printed bootstrap address is a proxy in front
 * of the mock brokers that answers offsets-for-times lookups, which the
 * mock itself cannot (tests/kafka/hf_kafka_proxy.h).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "hf_kafka_proxy.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: hf_kafka_mock [-b BROKERS] [-T] [--stdin] [-s TOPIC:PART:MS]\n"
            "                     [-g GROUP] [TOPIC:PARTITIONS ...]\n"
            "  prints the bootstrap address, runs until SIGTERM/SIGINT\n"
            "  (or end of stdin with --stdin); -T: answer offsets-for-times\n"
            "  lookups (through a proxy in this process); -s: that partition's\n"
            "  leader answers MS ms late; -g: GROUP's coordinator is broker 1\n"
            "       hf_kafka_mock offsets BOOTSTRAP TOPIC [GROUP]\n"
            "  prints PARTITION LOW HIGH COMMITTED lines and\n"
            "  'total HIGH_SUM COMMITTED_SUM'\n"
            "       hf_kafka_mock produce BOOTSTRAP TOPIC RATE [PROP=VALUE ...]\n"
            "  produces stdin lines (KEY<TAB>VALUE) at RATE msg/s (0: max)\n");
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* -s TOPIC:PARTITION:MS and -g GROUP (see the header). `topics` are the
 * created TOPIC:PARTITIONS arguments (already checked). 0, or the exit
 * status after a message: 2 for a bad argument, 1 when the cluster
 * refused. */
static int slow_partition(rd_kafka_mock_cluster_t *mc, int brokers,
                          char **topics, int ntopics, const char *slow,
                          const char *group)
{
    if (group && rd_kafka_mock_coordinator_set(mc, "group", group, 1) !=
                     RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "hf_kafka_mock: cannot set group '%s''s "
                        "coordinator\n", group);
        return 1;
    }
    if (slow == NULL)
        return 0;
    char topic[256];
    const char *c2 = strrchr(slow, ':');
    const char *c1 = c2;
    while (c1 && c1 > slow && *--c1 != ':')
        ;
    if (c1 && *c1 != ':')
        c1 = NULL;
    long part = 0, ms = 0;
    if (c1 == NULL || c1 == slow || (size_t)(c1 - slow) >= sizeof topic ||
        brokers < 2) {
        fprintf(stderr, "hf_kafka_mock: -s wants TOPIC:PARTITION:MS and "
                        "2 or more brokers\n");
        return 2;
    }
    char num[32];
    size_t nl = (size_t)(c2 - c1 - 1);
    if (nl == 0 || nl >= sizeof num) {
        fprintf(stderr, "hf_kafka_mock: bad -s '%s'\n", slow);
        return 2;
    }
    memcpy(num, c1 + 1, nl);
    num[nl] = '\0';
    if (parse_int(num, 0, 10000, &part) != 0 ||
        parse_int(c2 + 1, 1, 60000, &ms) != 0) {
        fprintf(stderr, "hf_kafka_mock: bad -s '%s'\n", slow);
        return 2;
    }
    memcpy(topic, slow, (size_t)(c1 - slow));
    topic[c1 - slow] = '\0';
    for (int i = 0; i < ntopics; i++) {
        char name[256];
        const char *colon = strrchr(topics[i], ':');
        long parts = 1;
        size_t n = colon ? (size_t)(colon - topics[i]) : strlen(topics[i]);
        if (colon)
            parse_int(colon + 1, 1, 10000, &parts);
        memcpy(name, topics[i], n);
        name[n] = '\0';
        for (long p = 0; p < parts; p++)
            rd_kafka_mock_partition_set_leader(mc, name, (int32_t)p, 1);
    }
    if (rd_kafka_mock_partition_set_leader(mc, topic, (int32_t)part,
                                           brokers) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        rd_kafka_mock_broker_set_rtt(mc, brokers, (int)ms) !=
            RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "hf_kafka_mock: cannot make '%s' slow\n", slow);
        return 1;
    }
    return 0;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long delivery_failures;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    if (m->err) {
        if (delivery_failures++ == 0)
            fprintf(stderr, "hf_kafka_mock: delivery failed: %s\n",
                    rd_kafka_err2str(m->err));
    }
}

/* The "produce" subcommand. */
static int produce_main(int argc, char **argv)
{
    long rate = 0;
    if (argc < 5 || parse_int(argv[4], 0, 100000000, &rate) != 0) {
        usage();
        return 2;
    }
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const char *sets[][2] = {{"bootstrap.servers", argv[2]},
                             {"linger.ms", "5"},
                             {"log_level", "3"}};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        if (rd_kafka_conf_set(conf, sets[i][0], sets[i][1], errstr,
                              sizeof errstr) != RD_KAFKA_CONF_OK) {
            fprintf(stderr, "hf_kafka_mock: %s\n", errstr);
            rd_kafka_conf_destroy(conf);
            return 2;
        }
    }
    for (int i = 5; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (eq == NULL) {
            usage();
            rd_kafka_conf_destroy(conf);
            return 2;
        }
        *eq = '\0';
        if (rd_kafka_conf_set(conf, argv[i], eq + 1, errstr, sizeof errstr) !=
            RD_KAFKA_CONF_OK) {
            fprintf(stderr, "hf_kafka_mock: %s\n", errstr);
            rd_kafka_conf_destroy(conf);
            return 2;
        }
    }
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (rk == NULL) {
        fprintf(stderr, "hf_kafka_mock: %s\n", errstr);
        return 1;
    }
    rd_kafka_topic_conf_t *tc = rd_kafka_topic_conf_new();
    rd_kafka_topic_conf_set(tc, "partitioner", "murmur2_random", errstr,
                            sizeof errstr);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, argv[3], tc);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long count = 0;
    int64_t start = now_us();
    while ((n = getline(&line, &cap, stdin)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        char *tab = memchr(line, '\t', (size_t)n);
        char *key = tab ? line : NULL;
        size_t klen = tab ? (size_t)(tab - line) : 0;
        char *val = tab ? tab + 1 : line;
        size_t vlen = (size_t)n - (tab ? klen + 1 : 0);
        if (rate > 0) {
            int64_t due = start + (int64_t)((double)count * 1e6 / (double)rate);
            int64_t wait = due - now_us();
            if (wait > 200) {
                struct timespec ts = {wait / 1000000, (wait % 1000000) * 1000};
                nanosleep(&ts, NULL);
            }
        }
        for (;;) {
            rd_kafka_resp_err_t e = rd_kafka_producev(
                rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_KEY(key, klen), RD_KAFKA_V_VALUE(val, vlen),
                RD_KAFKA_V_END);
            if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                rd_kafka_poll(rk, 10);
                continue;
            }
            if (e) {
                fprintf(stderr, "hf_kafka_mock: produce: %s\n",
                        rd_kafka_err2str(e));
                delivery_failures++;
            }
            break;
        }
        count++;
        rd_kafka_poll(rk, 0);
    }
    free(line);
    while (rd_kafka_outq_len(rk) > 0)
        rd_kafka_flush(rk, 1000);
    double secs = (double)(now_us() - start) / 1e6;
    printf("produced %ld messages in %.3f s (%.0f msg/s)\n", count, secs,
           secs > 0 ? (double)count / secs : 0.0);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    return delivery_failures ? 1 : 0;
}

/* The "offsets" subcommand. */
static int offsets_main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        usage();
        return 2;
    }
    const char *bootstrap = argv[2], *topic = argv[3];
    const char *group = argc == 5 ? argv[4] : NULL;
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr,
                          sizeof errstr) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "group.id", group ? group : "hf-mock-query",
                          errstr, sizeof errstr) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr) !=
            RD_KAFKA_CONF_OK) {
        fprintf(stderr, "hf_kafka_mock: %s\n", errstr);
        rd_kafka_conf_destroy(conf);
        return 1;
    }
    rd_kafka_t *rk =
        rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (rk == NULL) {
        fprintf(stderr, "hf_kafka_mock: %s\n", errstr);
        return 1;
    }
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 ||
        md->topics[0].err) {
        fprintf(stderr, "hf_kafka_mock: topic '%s': %s\n", topic,
                rd_kafka_err2str(e ? e : md->topics[0].err));
        if (md)
            rd_kafka_metadata_destroy(md);
        rd_kafka_topic_destroy(rkt);
        rd_kafka_destroy(rk);
        return 1;
    }
    int n = md->topics[0].partition_cnt;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(n);
    for (int i = 0; i < n; i++)
        rd_kafka_topic_partition_list_add(l, topic,
                                          md->topics[0].partitions[i].id);
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_partition_list_sort(l, NULL, NULL);
    if (group && (e = rd_kafka_committed(rk, l, 10000)) != 0) {
        fprintf(stderr, "hf_kafka_mock: committed offsets of '%s': %s\n",
                group, rd_kafka_err2str(e));
        rd_kafka_topic_partition_list_destroy(l);
        rd_kafka_topic_destroy(rkt);
        rd_kafka_destroy(rk);
        return 1;
    }
    long long hsum = 0, csum = 0;
    int rc = 0;
    for (int i = 0; i < l->cnt; i++) {
        int64_t lo = 0, hi = 0;
        e = rd_kafka_query_watermark_offsets(rk, topic, l->elems[i].partition,
                                             &lo, &hi, 10000);
        if (e) {
            fprintf(stderr, "hf_kafka_mock: watermarks: %s\n",
                    rd_kafka_err2str(e));
            rc = 1;
            break;
        }
        int64_t c = group && l->elems[i].offset >= 0 ? l->elems[i].offset
                                                      : -1;
        printf("%d %lld %lld %lld\n", (int)l->elems[i].partition,
               (long long)lo, (long long)hi, (long long)c);
        hsum += hi;
        csum += c > 0 ? c : 0;
    }
    if (rc == 0)
        printf("total %lld %lld\n", hsum, csum);
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "offsets") == 0)
        return offsets_main(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "produce") == 0)
        return produce_main(argc, argv);
    long brokers = 3;
    int watch_stdin = 0;
    int time_index = 0;
    int first_topic = argc;
    const char *slow = NULL, *group = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-b") == 0 && i + 1 < argc) {
            if (parse_int(argv[++i], 1, 16, &brokers) != 0) {
                fprintf(stderr, "hf_kafka_mock: -b wants 1..16 brokers, got "
                                "'%s'\n",
                        argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
            slow = argv[++i];
        } else if (strcmp(argv[i], "-g") == 0 && i + 1 < argc) {
            group = argv[++i];
        } else if (strcmp(argv[i], "--stdin") == 0) {
            watch_stdin = 1;
        } else if (strcmp(argv[i], "-T") == 0) {
            time_index = 1;
        } else if (strcmp(argv[i], "-h") == 0 ||
                   strcmp(argv[i], "--help") == 0) {
            usage();
            return 0;
        } else if (argv[i][0] == '-') {
            usage();
            return 2;
        } else {
            first_topic = i;
            break;
        }
    }

    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* The hosting handle never talks to the cluster; keep it quiet. */
    if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
        fprintf(stderr, "hf_kafka_mock: %s\n", errstr);
        return 1;
    }
    rd_kafka_t *rk =
        rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (rk == NULL) {
        fprintf(stderr, "hf_kafka_mock: cannot create a handle: %s\n",
                errstr);
        return 1;
    }
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, (int)brokers);
    if (mc == NULL) {
        fprintf(stderr, "hf_kafka_mock: cannot create the mock cluster\n");
        rd_kafka_destroy(rk);
        return 1;
    }
    int rf = brokers < 3 ? (int)brokers : 3;
    for (int i = first_topic; i < argc; i++) {
        char name[256];
        const char *colon = strrchr(argv[i], ':');
        long parts = 1;
        size_t nl = colon ? (size_t)(colon - argv[i]) : strlen(argv[i]);
        if (nl == 0 || nl >= sizeof name ||
            (colon && parse_int(colon + 1, 1, 10000, &parts) != 0)) {
            fprintf(stderr, "hf_kafka_mock: bad topic '%s' (want "
                            "NAME:PARTITIONS)\n",
                    argv[i]);
            rd_kafka_mock_cluster_destroy(mc);
            rd_kafka_destroy(rk);
            return 2;
        }
        memcpy(name, argv[i], nl);
        name[nl] = '\0';
        rd_kafka_resp_err_t e =
            rd_kafka_mock_topic_create(mc, name, (int)parts, rf);
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
            fprintf(stderr, "hf_kafka_mock: cannot create topic '%s': %s\n",
                    name, rd_kafka_err2str(e));
            rd_kafka_mock_cluster_destroy(mc);
            rd_kafka_destroy(rk);
            return 1;
        }
    }

    int src = slow || group ? slow_partition(mc, (int)brokers,
                                             argv + first_topic,
                                             argc - first_topic, slow, group)
                            : 0;
    if (src != 0) {
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return src;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (time_index) {
        struct hf_kproxy *px = hf_kproxy_start(mc);
        if (px == NULL) {
            fprintf(stderr, "hf_kafka_mock: cannot start the -T proxy in "
                            "front of %s\n",
                    rd_kafka_mock_cluster_bootstraps(mc));
            rd_kafka_mock_cluster_destroy(mc);
            rd_kafka_destroy(rk);
            return 1;
        }
        printf("%s\n", hf_kproxy_bootstraps(px));
        fflush(stdout);
        while (!stop_requested &&
               !hf_kproxy_serve(px, 200, watch_stdin ? 0 : -1))
            ;
        hf_kproxy_stop(px);
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
    }

    printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
    fflush(stdout);

    while (!stop_requested) {
        if (watch_stdin) {
            struct pollfd p = {.fd = 0, .events = POLLIN};
            int n = poll(&p, 1, 200);
            if (n > 0) {
                char buf[256];
                ssize_t got = read(0, buf, sizeof buf);
                if (got == 0 || (got < 0 && errno != EINTR))
                    break;
            }
        } else {
            usleep(200 * 1000);
        }
    }
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    return 0;
}
