/*
 * kafka_conf.c - librdkafka configuration and the option rules both Kafka
 * connectors share.
 *
 * Every librdkafka property comes from the table's options: holoflow's
 * defaults for the role first (enable.auto.commit=false for a consumer,
 * acks=all and enable.idempotence=true for a producer, ...), then each
 * 'properties.<name>' (or legacy 'connector.properties.<name>') with the
 * prefix stripped, exactly as Flink hands 'properties.*' to the Kafka
 * client. Flink 1.9's 'connector.properties.N.key' / '.value' pairs reach
 * here already turned into 'connector.properties.<key>' by the option
 * parser (HF_OPTF_PAIRS). librdkafka checks names and values itself; its
 * message is forwarded with the option that caused it, at its
 * file:line:col. The same configuration is built once at plan time
 * (hfk_validate_common) and thrown away, so `holoflow check` refuses every
 * property `holoflow run` would, without connecting. A property given
 * both as 'properties.X' and 'connector.properties.X' is an error; the few
 * that mean nothing to holoflow nor to Flink (zookeeper.connect, the Java
 * (de)serializers) are accepted with one warning and not passed on. Values
 * of properties whose name says password, secret or key material
 * (hf_opt_secret_name) are secrets: the option parser registers them with
 * the scrubber and explain shows them as ******.
 *
 * Also here: murmur2 (Kafka's Utils.murmur2, bit for bit: the Java
 * producer's default partitioner), the sink partitioner names, topic
 * lists, 'partition:N,offset:M;...' lists, and librdkafka's log lines
 * routed into holoflow's log.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/kafka/kafka_int.h"
#include "core/log.h"

/* ------------------------------------------------------------ murmur2 */

int32_t hf_kafka_murmur2(const void *data, size_t len)
{
    const unsigned char *d = data;
    const uint32_t seed = 0x9747b28cu;
    const uint32_t m = 0x5bd1e995u;
    const int r = 24;
    uint32_t h = seed ^ (uint32_t)len;
    size_t n4 = len / 4;
    for (size_t i = 0; i < n4; i++) {
        const unsigned char *p = d + i * 4;
        uint32_t k = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        k *= m;
        k ^= k >> r;
        k *= m;
        h *= m;
        h ^= k;
    }
    const unsigned char *tail = d + (len & ~(size_t)3);
    switch (len % 4) {
    case 3:
        h ^= (uint32_t)tail[2] << 16;
        /* fall through */
    case 2:
        h ^= (uint32_t)tail[1] << 8;
        /* fall through */
    case 1:
        h ^= (uint32_t)tail[0];
        h *= m;
        break;
    default:
        break;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return (int32_t)h;
}

int32_t hf_kafka_murmur2_partition(const void *key, size_t len,
                                   int32_t npart)
{
    uint32_t h = (uint32_t)hf_kafka_murmur2(key, len) & 0x7fffffffu;
    return (int32_t)(h % (uint32_t)npart);
}

/* ------------------------------------------------------------ options */

const char *hfk_tname(const struct hf_table_def *t)
{
    return t && t->name ? t->name : "?";
}

/* An option of the table if its table has that key (the two connectors'
 * tables differ), else NULL. */
static const struct hf_opt_val *opt_if(const struct hf_opts *o,
                                       const char *key)
{
    for (size_t i = 0; i < o->ndefs; i++)
        if (strcmp(o->defs[i].key, key) == 0)
            return hf_opts_get(o, key, NULL);
    return NULL;
}

bool hfk_is_legacy(const struct hf_table_def *t)
{
    const struct hf_opt_val *v =
        hf_opts_get(&t->opts, "properties.bootstrap.servers", NULL);
    return v && v->key_used && strncasecmp(v->key_used, "connector.", 10) == 0;
}

struct conf_walk {
    rd_kafka_conf_t *conf;
    const struct hf_table_def *t;
    struct hf_error *err;
    int rc;
    struct hfk_jaas jaas; /* from 'sasl.jaas.config', when given */
    const struct hf_opt_val *jaas_opt;
};

/* Properties holoflow manages itself: a user value would break the
 * checkpoint contract. */
static bool reserved_prop(const char *name)
{
    return strcasecmp(name, "enable.auto.commit") == 0 ||
           strcasecmp(name, "enable.auto.offset.store") == 0 ||
           strcasecmp(name, "group.id") == 0 ||
           strcasecmp(name, "bootstrap.servers") == 0;
}

/* Properties that mean nothing to holoflow, nor to Flink's own Kafka
 * clients (which override or ignore them), but that old jobs carry: taken
 * with one warning at plan time (hfk_validate_common), never given to
 * librdkafka. Returns why, or NULL for any other property. */
static const char *ignored_prop(const char *name)
{
    static const struct {
        const char *name, *why;
    } props[] = {
        {"zookeeper.connect",
         "only Kafka 0.8 clients found their brokers through ZooKeeper; "
         "holoflow talks to the brokers of 'properties.bootstrap.servers'"},
        {"key.deserializer", "messages are read as bytes and decoded by the "
                             "table's formats (Flink overrides it too)"},
        {"value.deserializer", "messages are read as bytes and decoded by "
                               "the table's formats (Flink overrides it too)"},
        {"key.serializer", "messages are written as bytes encoded by the "
                           "table's formats (Flink overrides it too)"},
        {"value.serializer", "messages are written as bytes encoded by the "
                             "table's formats (Flink overrides it too)"},
    };
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++)
        if (strcasecmp(props[i].name, name) == 0)
            return props[i].why;
    return NULL;
}

/* How a property option is named in messages: "'properties.x'", or for
 * Flink 1.9's pairs "'connector.properties.2.key' = 'x'". */
static void prop_name(const struct hf_opt_val *v, char *buf, size_t n)
{
    if (v->kv && v->kv->via)
        snprintf(buf, n, "'%s' = '%s'", v->kv->via, v->arg);
    else
        snprintf(buf, n, "'%s'", v->key_used ? v->key_used : v->arg);
}

/* The option with its value, as written: "'properties.x' = 'v'", or
 * "'connector.properties.2.key' = 'x' with 'connector.properties.2.value'
 * = 'v'"; a secret value as ******. */
static void prop_desc(const struct hf_opt_val *v, char *buf, size_t n)
{
    const char *val = v->secret ? "******" : v->text;
    const char *via = v->kv ? v->kv->via : NULL;
    size_t vl = via ? strlen(via) : 0;
    if (via && vl > 4)
        snprintf(buf, n, "'%s' = '%s' with '%.*s.value' = '%s'", via, v->arg,
                 (int)(vl - 4), via, val);
    else
        snprintf(buf, n, "'%s' = '%s'", v->key_used ? v->key_used : v->arg,
                 val);
}

static void set_one(const struct hf_opt_val *v, void *ctx)
{
    struct conf_walk *w = ctx;
    if (w->rc != 0 || v->arg == NULL || v->text == NULL)
        return;
    char where[512], name[700];
    hf_kv_where(v->kv, where, sizeof where);
    prop_desc(v, name, sizeof name);
    if (strcasecmp(v->arg, "enable.auto.commit") == 0 ||
        strcasecmp(v->arg, "enable.auto.offset.store") == 0) {
        bool b = false;
        if (hf_parse_bool(v->text, &b) == 0 && !b)
            return; /* what holoflow sets anyway */
        w->rc = hf_error_set(w->err, HF_ERR_OPTION,
                             "%skafka table '%s': option %s is not allowed: "
                             "holoflow commits offsets itself, only after "
                             "every sink acknowledged the rows before them; "
                             "remove the option",
                             where, hfk_tname(w->t), name);
        return;
    }
    if (reserved_prop(v->arg) || ignored_prop(v->arg))
        return; /* exact options set the first; the others warned at plan */
    if (strcasecmp(v->arg, "sasl.jaas.config") == 0) {
        /* Java's JAAS entry: librdkafka takes its user and password as
         * sasl.username and sasl.password (kafka_jaas.c, jaas_apply). */
        char why[400];
        hfk_jaas_free(&w->jaas);
        if (hfk_jaas_parse(v->text, &w->jaas, why, sizeof why) != 0) {
            w->rc = hf_error_set(w->err, HF_ERR_OPTION,
                                 "%skafka table '%s': option %s: %s", where,
                                 hfk_tname(w->t), name, why);
            return;
        }
        w->jaas_opt = v;
        return;
    }
    char errstr[512];
    if (rd_kafka_conf_set(w->conf, v->arg, v->text, errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
        w->rc = hf_error_set(w->err, HF_ERR_OPTION,
                             "%skafka table '%s': option %s: librdkafka says: "
                             "%s",
                             where, hfk_tname(w->t), name, errstr);
    }
}

/* The JAAS entry's username and password as sasl.username and
 * sasl.password, unless given as properties themselves (then they must
 * agree). */
static int jaas_apply(struct conf_walk *w)
{
    const struct hf_table_def *t = w->t;
    const char *props[2] = {"sasl.username", "sasl.password"};
    const char *vals[2] = {w->jaas.username, w->jaas.password};
    char where[512];
    hf_kv_where(w->jaas_opt->kv, where, sizeof where);
    for (int i = 0; i < 2; i++) {
        if (hfk_prop_isset(t, props[i])) {
            const char *given = hf_opts_str(&t->opts, "properties.", props[i]);
            if (given == NULL)
                given = hf_opts_str(&t->opts, "connector.properties.",
                                    props[i]);
            if (given && strcmp(given, vals[i]) != 0)
                return hf_error_set(w->err, HF_ERR_OPTION,
                                    "%skafka table '%s': 'sasl.jaas.config' "
                                    "and 'sasl.%s' give different %ss; give "
                                    "one of them",
                                    where, hfk_tname(t), props[i] + 5,
                                    props[i] + 5);
            continue;
        }
        char errstr[512];
        if (rd_kafka_conf_set(w->conf, props[i], vals[i], errstr,
                              sizeof errstr) != RD_KAFKA_CONF_OK)
            return hf_error_set(w->err, HF_ERR_OPTION,
                                "%skafka table '%s': %s from "
                                "'sasl.jaas.config': librdkafka says: %s",
                                where, hfk_tname(t), props[i], errstr);
    }
    return 0;
}

/* Set librdkafka property `name` for option `key` (at `kv`, or NULL). */
static int conf_set(rd_kafka_conf_t *conf, const struct hf_table_def *t,
                    const char *key, const struct hf_kv *kv, const char *name,
                    const char *value, struct hf_error *err)
{
    char errstr[512], where[512];
    if (rd_kafka_conf_set(conf, name, value, errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
        hf_kv_where(kv, where, sizeof where);
        return hf_error_set(err, HF_ERR_OPTION,
                            "%skafka table '%s': option '%s' = '%s': "
                            "librdkafka says: %s",
                            where, hfk_tname(t), key, value, errstr);
    }
    return 0;
}

/* librdkafka log lines into holoflow's log (syslog levels). */
static void log_cb(const rd_kafka_t *rk, int level, const char *fac,
                   const char *buf)
{
    const char *name = rk ? rd_kafka_name(rk) : "rdkafka";
    if (level <= 3)
        hf_log_error("librdkafka %s %s: %s", name, fac, buf);
    else if (level == 4)
        hf_log_warn("librdkafka %s %s: %s", name, fac, buf);
    else if (level <= 6)
        hf_log_info("librdkafka %s %s: %s", name, fac, buf);
    else
        hf_log_debug("librdkafka %s %s: %s", name, fac, buf);
}

bool hfk_prop_isset(const struct hf_table_def *t, const char *name)
{
    return hf_opts_isset(&t->opts, "properties.", name) ||
           hf_opts_isset(&t->opts, "connector.properties.", name);
}

rd_kafka_conf_t *hfk_conf_new(const struct hf_table_def *t,
                              const char *const *defaults,
                              struct hf_error *err)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (conf == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
        return NULL;
    }
    rd_kafka_conf_set_log_cb(conf, log_cb);
    for (size_t i = 0; defaults && defaults[i] && defaults[i + 1]; i += 2) {
        if (conf_set(conf, t, defaults[i], NULL, defaults[i],
                     defaults[i + 1], err) != 0)
            goto fail;
    }
    const struct hf_opt_val *bs =
        hf_opts_get(&t->opts, "properties.bootstrap.servers", NULL);
    if (bs && bs->text &&
        conf_set(conf, t, bs->kv ? hf_kv_shown(bs->kv) : bs->def->key,
                 bs->kv, "bootstrap.servers", bs->text, err) != 0)
        goto fail;
    struct conf_walk w = {.conf = conf, .t = t, .err = err};
    hf_opts_each(&t->opts, "properties.", set_one, &w);
    hf_opts_each(&t->opts, "connector.properties.", set_one, &w);
    if (w.rc == 0 && w.jaas_opt != NULL && jaas_apply(&w) != 0)
        w.rc = -1;
    hfk_jaas_free(&w.jaas);
    if (w.rc != 0)
        goto fail;
    const struct hf_opt_val *disc =
        opt_if(&t->opts, "scan.topic-partition-discovery.interval");
    if (disc && disc->set) {
        char ms[32];
        /* 0 disables discovery; librdkafka's minimum refresh is 10 ms. */
        int64_t v = disc->v.i;
        snprintf(ms, sizeof ms, "%" PRId64, v <= 0 ? (int64_t)-1 : v);
        if (conf_set(conf, t, "scan.topic-partition-discovery.interval",
                     disc->kv, "topic.metadata.refresh.interval.ms", ms,
                     err) != 0)
            goto fail;
    }
    return conf;
fail:
    rd_kafka_conf_destroy(conf);
    return NULL;
}

const char **hfk_topics(const struct hf_table_def *t, size_t *n,
                        struct hf_error *err)
{
    *n = 0;
    const char *text = hf_opts_str(&t->opts, "topic", NULL);
    if (text == NULL)
        return NULL;
    size_t max = 2;
    for (const char *p = text; *p; p++)
        max += *p == ';';
    /* One block: the pointer array, then a copy of the text. */
    size_t tl = strlen(text);
    char **v = malloc(max * sizeof *v + tl + 1);
    if (v == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
        return NULL;
    }
    char *copy = (char *)(v + max);
    memcpy(copy, text, tl + 1);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ";", &save); tok;
         tok = strtok_r(NULL, ";", &save)) {
        while (isspace((unsigned char)*tok))
            tok++;
        size_t l = strlen(tok);
        while (l > 0 && isspace((unsigned char)tok[l - 1]))
            tok[--l] = '\0';
        if (l > 0)
            v[(*n)++] = tok;
    }
    v[*n] = NULL;
    return (const char **)v;
}

/* "  partition : 0 " -> value after the name, or NULL. */
static const char *kv_part(const char *s, const char *name, const char *end)
{
    while (s < end && isspace((unsigned char)*s))
        s++;
    size_t nl = strlen(name);
    if ((size_t)(end - s) < nl || strncasecmp(s, name, nl) != 0)
        return NULL;
    s += nl;
    while (s < end && isspace((unsigned char)*s))
        s++;
    if (s >= end || *s != ':')
        return NULL;
    return s + 1;
}

static int parse_i64(const char *s, const char *end, int64_t *out)
{
    char buf[32];
    while (s < end && isspace((unsigned char)*s))
        s++;
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    size_t l = (size_t)(end - s);
    if (l == 0 || l >= sizeof buf)
        return -1;
    memcpy(buf, s, l);
    buf[l] = '\0';
    char *e = NULL;
    errno = 0;
    long long v = strtoll(buf, &e, 10);
    if (errno != 0 || *e != '\0' || v < 0)
        return -1;
    *out = v;
    return 0;
}

int hfk_parse_specific_offsets(const char *key, const char *text,
                               int32_t **parts, int64_t **offsets, size_t *n,
                               struct hf_error *err)
{
    *parts = NULL;
    *offsets = NULL;
    *n = 0;
    size_t max = 1;
    for (const char *p = text; *p; p++)
        max += *p == ';';
    int32_t *pv = calloc(max, sizeof *pv);
    int64_t *ov = calloc(max, sizeof *ov);
    if (pv == NULL || ov == NULL) {
        free(pv);
        free(ov);
        return hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
    }
    const char *p = text;
    while (*p) {
        const char *semi = strchr(p, ';');
        const char *end = semi ? semi : p + strlen(p);
        const char *q = p;
        while (q < end && isspace((unsigned char)*q))
            q++;
        if (q < end) {
            const char *comma = memchr(p, ',', (size_t)(end - p));
            const char *pa = comma ? kv_part(p, "partition", comma) : NULL;
            const char *oa = comma ? kv_part(comma + 1, "offset", end) : NULL;
            int64_t part = 0, off = 0;
            if (pa == NULL || oa == NULL || parse_i64(pa, comma, &part) != 0 ||
                parse_i64(oa, end, &off) != 0 || part > INT32_MAX) {
                free(pv);
                free(ov);
                return hf_error_set(err, HF_ERR_OPTION,
                                    "option '%s': cannot read '%.*s'; write "
                                    "'partition:0,offset:42;partition:1,"
                                    "offset:300'",
                                    key, (int)(end - p), p);
            }
            for (size_t i = 0; i < *n; i++) {
                if (pv[i] == (int32_t)part) {
                    free(pv);
                    free(ov);
                    return hf_error_set(err, HF_ERR_OPTION,
                                        "option '%s': partition %" PRId64
                                        " is given twice",
                                        key, part);
                }
            }
            pv[*n] = (int32_t)part;
            ov[*n] = off;
            (*n)++;
        }
        p = semi ? semi + 1 : end;
    }
    *parts = pv;
    *offsets = ov;
    return 0;
}

/* ------------------------------------------------------------ validation */

struct prop_check {
    const struct hf_table_def *t;
    const char *conn;
    struct hf_error *err;
    int rc;
};

/* A 'connector.properties.*' entry (written so, or made from a pair) whose
 * property is also a 'properties.*' entry is set twice. */
static void check_twice(const struct hf_opt_val *v, void *ctx)
{
    struct prop_check *c = ctx;
    if (c->rc != 0 || v->arg == NULL)
        return;
    const struct hf_opt_val *o = hf_opts_get(&c->t->opts, "properties.", v->arg);
    if (o == NULL || !o->set)
        return;
    /* Name the one written later, at its position. */
    const struct hf_opt_val *later = v, *first = o;
    if (o->kv && v->kv && (o->kv->line > v->kv->line ||
                           (o->kv->line == v->kv->line &&
                            o->kv->col > v->kv->col))) {
        later = o;
        first = v;
    }
    char where[512], a[300], b[300];
    hf_kv_where(later->kv, where, sizeof where);
    prop_name(later, a, sizeof a);
    prop_name(first, b, sizeof b);
    c->rc = hf_error_set(c->err, HF_ERR_OPTION,
                         "%s%s table '%s': Kafka property '%s' is set twice: "
                         "option %s and option %s; keep one",
                         where, c->conn, hfk_tname(c->t), v->arg, a, b);
}

static void warn_ignored(const struct hf_opt_val *v, void *ctx)
{
    struct prop_check *c = ctx;
    const char *why = v->arg ? ignored_prop(v->arg) : NULL;
    if (why == NULL)
        return;
    char where[512], name[300];
    hf_kv_where(v->kv, where, sizeof where);
    prop_name(v, name, sizeof name);
    hf_log_warn("%swarning: %s table '%s': option %s is ignored: %s", where,
                c->conn, hfk_tname(c->t), name, why);
}

/* The librdkafka properties, checked at plan time exactly as the source
 * and the sink will set them (hfk_conf_new), so that `holoflow check`
 * rejects what `holoflow run` would; nothing connects. */
static int check_props(const struct hf_table_def *t, const char *conn,
                       struct hf_error *err)
{
    struct prop_check c = {t, conn, err, 0};
    const struct hf_opt_val *pv = opt_if(&t->opts, "connector.property-version");
    if (pv && pv->set) {
        char where[512];
        hf_kv_where(pv->kv, where, sizeof where);
        hf_log_warn("%swarning: %s table '%s': option '%s' is ignored: it "
                    "stamps the version of Flink's property descriptor and "
                    "means nothing to holoflow",
                    where, conn, hfk_tname(t), hf_kv_shown(pv->kv));
    }
    hf_opts_each(&t->opts, "connector.properties.", check_twice, &c);
    if (c.rc != 0)
        return -1;
    hf_opts_each(&t->opts, "properties.", warn_ignored, &c);
    hf_opts_each(&t->opts, "connector.properties.", warn_ignored, &c);
    rd_kafka_conf_t *conf = hfk_conf_new(t, NULL, err);
    if (conf == NULL)
        return -1;
    rd_kafka_conf_destroy(conf);
    return 0;
}

int hfk_validate_common(const struct hf_table_def *t, bool upsert,
                        struct hf_error *err)
{
    const char *tn = hfk_tname(t);
    const char *conn = upsert ? "upsert-kafka" : "kafka";
    bool has_topic = hf_opts_isset(&t->opts, "topic", NULL);
    bool has_pattern = hf_opts_isset(&t->opts, "topic-pattern", NULL);
    if (has_topic == has_pattern)
        return hf_error_set(err, HF_ERR_OPTION,
                            "%s table '%s': set exactly one of 'topic' and "
                            "'topic-pattern'",
                            conn, tn);
    if (has_topic) {
        size_t n = 0;
        const char **v = hfk_topics(t, &n, err);
        free(v);
        if (n == 0)
            return hf_error_set(err, HF_ERR_OPTION,
                                "%s table '%s': option 'topic' names no topic",
                                conn, tn);
    }
    const char *bs = hf_opts_str(&t->opts, "properties.bootstrap.servers",
                                 NULL);
    if (bs == NULL || bs[0] == '\0')
        return hf_error_set(err, HF_ERR_OPTION,
                            "%s table '%s': 'properties.bootstrap.servers' is "
                            "empty; give the brokers as host:port[,...]",
                            conn, tn);
    if (check_props(t, conn, err) != 0)
        return -1;
    if (t->format == NULL)
        return hf_error_set(err, HF_ERR_OPTION,
                            "%s table '%s' needs a value format: add '%s' = "
                            "'json' (or csv, raw, avro%s)",
                            conn, tn, upsert ? "value.format" : "format",
                            upsert ? "" : ", debezium-json, ...");
    if (upsert && t->format->changelog)
        return hf_error_set(err, HF_ERR_OPTION,
                            "upsert-kafka table '%s': value format '%s' is a "
                            "changelog format; upsert-kafka needs an "
                            "insert-only format (json, csv, raw, avro)",
                            tn, t->format->name);
    if (t->key_format && t->key_format->changelog)
        return hf_error_set(err, HF_ERR_OPTION,
                            "%s table '%s': key format '%s' is a changelog "
                            "format; keys need an insert-only format (json, "
                            "csv, raw, avro)",
                            conn, tn, t->key_format->name);
    const struct hf_opt_val *dg =
        opt_if(&t->opts, "sink.delivery-guarantee");
    if (dg && dg->set && dg->v.i == 2)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "%s table '%s': 'sink.delivery-guarantee' = "
                            "'exactly-once' (Kafka transactions) is not "
                            "supported; use 'at-least-once' (with a key, "
                            "replays after a crash rewrite the same keys)",
                            conn, tn);
    /* Metadata columns. */
    const struct hf_schema *s = &t->schema;
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (s->cols[i].kind == HF_COL_METADATA &&
            hfk_meta_of(t, &s->cols[i], err) < 0)
            return -1;
    }
    /* Bounded reading. */
    const struct hf_opt_val *bm = opt_if(&t->opts, "scan.bounded.mode");
    if (bm) {
        if (bm->v.i == 4 &&
            !hf_opts_isset(&t->opts, "scan.bounded.specific-offsets", NULL))
            return hf_error_set(err, HF_ERR_OPTION,
                                "%s table '%s': 'scan.bounded.mode' = "
                                "'specific-offsets' needs "
                                "'scan.bounded.specific-offsets'",
                                conn, tn);
        if (bm->v.i == 3 &&
            !hf_opts_isset(&t->opts, "scan.bounded.timestamp-millis", NULL))
            return hf_error_set(err, HF_ERR_OPTION,
                                "%s table '%s': 'scan.bounded.mode' = "
                                "'timestamp' needs "
                                "'scan.bounded.timestamp-millis'",
                                conn, tn);
        if (bm->v.i == 2 &&
            !hf_opts_isset(&t->opts, "properties.group.id", NULL))
            return hf_error_set(err, HF_ERR_OPTION,
                                "%s table '%s': 'scan.bounded.mode' = "
                                "'group-offsets' needs 'properties.group.id'",
                                conn, tn);
        const char *so =
            hf_opts_str(&t->opts, "scan.bounded.specific-offsets", NULL);
        if (so) {
            int32_t *pv;
            int64_t *ov;
            size_t n;
            if (hfk_parse_specific_offsets("scan.bounded.specific-offsets", so,
                                           &pv, &ov, &n, err) != 0)
                return -1;
            free(pv);
            free(ov);
        }
    }
    /* Column layout (key/value columns, prefix rules), and the formats'
     * own checks of the columns they get (raw: exactly one), by making the
     * codecs once. */
    struct hfk_layout l;
    bool can_write = t->format->encoder_new != NULL &&
                     (t->key_format == NULL || t->key_format->encoder_new);
    int rc = hfk_layout_init(&l, t, upsert, true, can_write, err);
    hfk_layout_free(&l);
    return rc;
}

/* ------------------------------------------------------------ partitioners */

/* Built-in partitioner by name or by the Java class it stands for. */
static int partitioner_by_name(const char *name, enum hfk_partitioner *out)
{
    static const struct {
        const char *name;
        enum hfk_partitioner p;
    } names[] = {
        {"murmur2", HFK_PART_MURMUR2},
        {"default", HFK_PART_DEFAULT},
        {"org.apache.kafka.clients.producer.internals.DefaultPartitioner",
         HFK_PART_MURMUR2},
        {"org.apache.kafka.clients.producer.internals."
         "BuiltInPartitioner",
         HFK_PART_MURMUR2},
        {"fixed", HFK_PART_FIXED},
        {"org.apache.flink.streaming.connectors.kafka.partitioner."
         "FlinkFixedPartitioner",
         HFK_PART_FIXED},
        {"round-robin", HFK_PART_ROUND_ROBIN},
        {"org.apache.kafka.clients.producer.RoundRobinPartitioner",
         HFK_PART_ROUND_ROBIN},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(names[i].name, name) == 0) {
            *out = names[i].p;
            return 0;
        }
    }
    return -1;
}

static int unknown_partitioner(const struct hf_table_def *t, const char *key,
                               const char *name, struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_UNSUPPORTED,
                        "kafka table '%s': option '%s' = '%s' is not one of "
                        "holoflow's built-in partitioners (holoflow cannot "
                        "load Java classes): murmur2 (Kafka's default "
                        "partitioner, also "
                        "org.apache.kafka.clients.producer.internals."
                        "DefaultPartitioner), fixed (Flink's "
                        "FlinkFixedPartitioner), round-robin "
                        "(org.apache.kafka.clients.producer."
                        "RoundRobinPartitioner)",
                        hfk_tname(t), key, name);
}

int hfk_partitioner_of(const struct hf_table_def *t,
                       enum hfk_partitioner *out, struct hf_error *err)
{
    const struct hf_opt_val *mode = opt_if(&t->opts, "sink.partitioner");
    if (mode == NULL)
        mode = opt_if(&t->opts, "connector.sink-partitioner");
    const struct hf_opt_val *cls =
        opt_if(&t->opts, "connector.sink-partitioner-class");
    const char *cls_name = cls && cls->set ? cls->text : NULL;
    bool legacy = hfk_is_legacy(t);
    *out = HFK_PART_DEFAULT;
    if (mode == NULL || !mode->set || mode->text == NULL) {
        /* Flink 1.10/1.11 legacy tables defaulted to FlinkFixedPartitioner;
         * the modern connectors use Kafka's partitioner. */
        if (legacy)
            *out = HFK_PART_FIXED;
        if (cls_name)
            return hf_error_set(err, HF_ERR_OPTION,
                                "kafka table '%s': "
                                "'connector.sink-partitioner-class' needs "
                                "'connector.sink-partitioner' = 'custom'",
                                hfk_tname(t));
        return 0;
    }
    const char *key = mode->key_used ? mode->key_used : mode->def->key;
    const char *v = mode->text;
    if (strcasecmp(v, "custom") == 0) {
        if (cls_name == NULL || cls_name[0] == '\0')
            return hf_error_set(err, HF_ERR_OPTION,
                                "kafka table '%s': '%s' = 'custom' needs "
                                "'connector.sink-partitioner-class' naming a "
                                "built-in partitioner (murmur2, fixed, "
                                "round-robin)",
                                hfk_tname(t), key);
        if (partitioner_by_name(cls_name, out) != 0 ||
            *out == HFK_PART_DEFAULT)
            return unknown_partitioner(t, "connector.sink-partitioner-class",
                                       cls_name, err);
        return 0;
    }
    if (cls_name)
        return hf_error_set(err, HF_ERR_OPTION,
                            "kafka table '%s': "
                            "'connector.sink-partitioner-class' is only read "
                            "with '%s' = 'custom'",
                            hfk_tname(t), key);
    if (strcasecmp(v, "round-robin") == 0) {
        /* Flink: no Flink partitioner, i.e. the Kafka producer's own, which
         * places keyed records by murmur2 and spreads unkeyed ones. */
        *out = HFK_PART_DEFAULT;
        return 0;
    }
    if (partitioner_by_name(v, out) != 0)
        return unknown_partitioner(t, key, v, err);
    return 0;
}
