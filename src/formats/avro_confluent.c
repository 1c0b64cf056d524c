/*
 * avro_confluent.c - the formats 'avro-confluent' and
 * 'debezium-avro-confluent': Avro records in Confluent's wire format,
 * their schemas kept in a schema registry, as Flink's
 * RegistryAvroFormatFactory and DebeziumAvroFormatFactory.
 *
 * Wire format (Confluent's documented framing): byte 0 is the magic byte
 * 0, bytes 1-4 the schema id (big-endian, signed 32 bits), the rest one
 * Avro binary record written with that schema.
 *
 * Writing: the schema is the one Flink derives from the table (avro.c;
 * for debezium-avro-confluent the envelope record {before, after, op}
 * around it), or the 'schema' option when it has the same shape. It is
 * registered under the subject (or, with 'auto.register.schemas' =
 * false, looked up) when the first row is written - not when the sink
 * opens, as Flink's serializer - and its id is kept. The subject is
 * 'subject', else '<topic>-value' / '<topic>-key' as Flink's Kafka sink
 * derives it (bind_topic); without either, writing fails, as in Flink.
 * debezium-avro-confluent writes +I/+U as {before: null, after: row, op:
 * "c"} and -U/-D as {before: row, after: null, op: "d"}, as Flink.
 *
 * Reading: the writer's schema is fetched by the record's id (cached by
 * id), and resolved against the table's columns (avro_resolve.h: fields
 * by name, Avro's promotions, null defaults); a plan is made once per id.
 * debezium-avro-confluent reads the envelope's "before", "after" and "op"
 * (other fields, e.g. "source", are skipped): c and r give +I(after), u
 * gives -U(before) and +U(after), d gives -D(before).
 *
 * @locality a codec belongs to one thread: it owns its registry client
 * and caches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "formats/avro_int.h"
#include "formats/avro_registry.h"
#include "formats/avro_resolve.h"
#include "formats/format.h"
#include "formats/format_int.h"

/* ------------------------------------------------------------ options */

static const struct hf_opt_def acf_opts[] = {
    {"url", HF_ALIASES("schema-registry.url"), HF_OPT_STRING, NULL, 0, 0, NULL,
     HF_OPTF_REQUIRED,
     "URL of the schema registry ('http://host:8081'; several separated by "
     "','); 'user:password@' in it with basic-auth.credentials-source = "
     "URL"},
    {"subject", HF_ALIASES("schema-registry.subject"), HF_OPT_STRING, NULL, 0,
     0, NULL, 0,
     "Subject the written schema is registered under; kafka and "
     "upsert-kafka default to '<topic>-value' / '<topic>-key'"},
    {"schema", HF_ALIASES("schema-registry.schema"), HF_OPT_STRING, NULL, 0, 0,
     NULL, 0,
     "Avro schema (JSON) to register instead of the one derived from the "
     "table; it must have the same fields and types"},
    {"auto.register.schemas", NULL, HF_OPT_BOOL, "true", 0, 0, NULL, 0,
     "true: register the schema when writing; false: it must be registered "
     "already (looked up under the subject)"},
    {"basic-auth.credentials-source", NULL, HF_OPT_ENUM, NULL, 0, 0,
     HF_VALUES("USER_INFO", "URL", "SASL_INHERIT"), 0,
     "Where basic auth credentials come from: USER_INFO "
     "(basic-auth.user-info) or URL; SASL_INHERIT is not supported"},
    {"basic-auth.user-info", NULL, HF_OPT_STRING, NULL, 0, 0, NULL,
     HF_OPTF_SENSITIVE, "Basic auth credentials 'user:password'"},
    {"bearer-auth.credentials-source", NULL, HF_OPT_ENUM, NULL, 0, 0,
     HF_VALUES("STATIC_TOKEN", "OAUTHBEARER", "SASL_OAUTHBEARER_INHERIT",
               "CUSTOM"),
     0, "Where the bearer token comes from; only STATIC_TOKEN is supported"},
    {"bearer-auth.token", NULL, HF_OPT_STRING, NULL, 0, 0, NULL,
     HF_OPTF_SENSITIVE, "Bearer token (STATIC_TOKEN)"},
    {"ssl.keystore.location", NULL, HF_OPT_STRING, NULL, 0, 0, NULL, 0,
     "Client certificate and key for TLS: a PEM file, or PKCS#12 (JKS is "
     "refused with the command converting it)"},
    {"ssl.keystore.password", NULL, HF_OPT_STRING, NULL, 0, 0, NULL,
     HF_OPTF_SENSITIVE, "Password of the PKCS#12 keystore or the PEM key"},
    {"ssl.truststore.location", NULL, HF_OPT_STRING, NULL, 0, 0, NULL, 0,
     "CA certificates to trust (PEM); default: the system's"},
    {"ssl.truststore.password", NULL, HF_OPT_STRING, NULL, 0, 0, NULL,
     HF_OPTF_SENSITIVE,
     "Password of the truststore (accepted; a PEM bundle needs none)"},
    {"properties.", NULL, HF_OPT_STRING, NULL, 0, 0, NULL, HF_OPTF_PREFIX,
     "Schema registry client properties (Confluent's names, e.g. "
     "'basic.auth.user.info'); the options above win; others are "
     "ignored with a warning"},
};

#define NOPTS (sizeof acf_opts / sizeof acf_opts[0])

/* Confluent client properties holoflow maps onto the options above. */
static const char *const known_props[][2] = {
    {"basic.auth.credentials.source", "basic-auth.credentials-source"},
    {"basic.auth.user.info", "basic-auth.user-info"},
    {"bearer.auth.credentials.source", "bearer-auth.credentials-source"},
    {"bearer.auth.token", "bearer-auth.token"},
    {"schema.registry.ssl.keystore.location", "ssl.keystore.location"},
    {"schema.registry.ssl.keystore.password", "ssl.keystore.password"},
    {"schema.registry.ssl.truststore.location", "ssl.truststore.location"},
    {"schema.registry.ssl.truststore.password", "ssl.truststore.password"},
    {"auto.register.schemas", "auto.register.schemas"},
};

/* Keyword values as the option parser matches them: case, '_' and '-'
 * ignored. */
static bool kw_eq(const char *a, const char *b)
{
    for (;;) {
        while (*a == '_' || *a == '-')
            a++;
        while (*b == '_' || *b == '-')
            b++;
        if (*a == '\0' || *b == '\0')
            return *a == *b;
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return false;
        a++;
        b++;
    }
}

struct prop_find {
    const char *name;
    const char *value;
};

static void find_prop(const struct hf_opt_val *v, void *ctx)
{
    struct prop_find *f = ctx;
    if (v->arg && strcasecmp(v->arg, f->name) == 0)
        f->value = v->text;
}

/* Option `key`, else its Confluent property under 'properties.'. */
static const char *opt_or_prop(const struct hf_opts *o, const char *key)
{
    if (hf_opts_isset(o, key, NULL))
        return hf_opts_str(o, key, NULL);
    for (size_t i = 0; i < sizeof known_props / sizeof known_props[0]; i++)
        if (strcmp(known_props[i][1], key) == 0) {
            struct prop_find f = {known_props[i][0], NULL};
            hf_opts_each(o, "properties.", find_prop, &f);
            if (f.value)
                return f.value;
        }
    return NULL;
}

static void warn_prop(const struct hf_opt_val *v, void *ctx)
{
    const struct hf_opts *o = ctx;
    for (size_t i = 0; i < sizeof known_props / sizeof known_props[0]; i++)
        if (v->arg && strcasecmp(v->arg, known_props[i][0]) == 0)
            return;
    hf_log_warn("%s: '%sproperties.%s' is not a schema registry client "
                "property holoflow knows; it has no effect",
                o->owner, o->prefix, v->arg ? v->arg : "");
}

/* The registry client's settings from the options (strings borrowed from
 * `o`). 0 or -1 with err. */
static int sr_conf(const struct hf_opts *o, struct hf_sr_conf *c,
                   struct hf_error *err)
{
    memset(c, 0, sizeof *c);
    c->url = hf_opts_str(o, "url", NULL);
    const char *bsrc = opt_or_prop(o, "basic-auth.credentials-source");
    const char *info = opt_or_prop(o, "basic-auth.user-info");
    const char *tsrc = opt_or_prop(o, "bearer-auth.credentials-source");
    const char *token = opt_or_prop(o, "bearer-auth.token");
    if (bsrc && kw_eq(bsrc, "SASL_INHERIT"))
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "'%sbasic-auth.credentials-source' = "
                            "'SASL_INHERIT' is not supported: give "
                            "'%sbasic-auth.user-info'",
                            o->prefix, o->prefix);
    if (bsrc && !kw_eq(bsrc, "USER_INFO") && !kw_eq(bsrc, "URL"))
        return hf_error_set(err, HF_ERR_OPTION,
                            "'%sbasic-auth.credentials-source' = '%s': "
                            "holoflow knows USER_INFO and URL",
                            o->prefix, bsrc);
    bool from_url = bsrc && kw_eq(bsrc, "URL");
    if (!from_url && bsrc && info == NULL)
        return hf_error_set(err, HF_ERR_OPTION,
                            "'%sbasic-auth.credentials-source' = "
                            "'USER_INFO' needs '%sbasic-auth.user-info' "
                            "('user:password')",
                            o->prefix, o->prefix);
    if (!from_url)
        c->user_info = info;
    if (tsrc && !kw_eq(tsrc, "STATIC_TOKEN"))
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "'%sbearer-auth.credentials-source' = '%s' is not "
                            "supported: use STATIC_TOKEN with "
                            "'%sbearer-auth.token'",
                            o->prefix, tsrc, o->prefix);
    if (tsrc && token == NULL)
        return hf_error_set(err, HF_ERR_OPTION,
                            "'%sbearer-auth.credentials-source' = "
                            "'STATIC_TOKEN' needs '%sbearer-auth.token'",
                            o->prefix, o->prefix);
    c->bearer = token;
    if (c->user_info && c->bearer)
        return hf_error_set(err, HF_ERR_OPTION,
                            "both basic auth ('%sbasic-auth.user-info') and "
                            "a bearer token ('%sbearer-auth.token') are set; "
                            "give one",
                            o->prefix, o->prefix);
    c->truststore = opt_or_prop(o, "ssl.truststore.location");
    c->keystore = opt_or_prop(o, "ssl.keystore.location");
    c->keystore_password = opt_or_prop(o, "ssl.keystore.password");
    return 0;
}

static bool auto_register(const struct hf_opts *o)
{
    if (hf_opts_isset(o, "auto.register.schemas", NULL))
        return hf_opts_bool(o, "auto.register.schemas", NULL);
    const char *p = opt_or_prop(o, "auto.register.schemas");
    return p == NULL || !kw_eq(p, "false");
}

/* The password in "scheme://user:password@host" must not reach a log or
 * explain's output: it is registered with the scrubber as soon as the
 * options are read. */
static void hide_url_credentials(const char *url)
{
    if (url == NULL)
        return;
    const char *s = strstr(url, "://");
    const char *host = s ? s + 3 : url;
    size_t hl = strcspn(host, "/?#,");
    const char *at = NULL;
    for (size_t i = 0; i < hl; i++)
        if (host[i] == '@')
            at = host + i;
    if (at == NULL)
        return;
    const char *colon = memchr(host, ':', (size_t)(at - host));
    if (colon == NULL || colon + 1 >= at)
        return;
    char pw[256];
    size_t n = (size_t)(at - colon - 1);
    if (n >= sizeof pw)
        n = sizeof pw - 1;
    memcpy(pw, colon + 1, n);
    pw[n] = '\0';
    hf_secret_register(pw);
    if (strchr(at + 1, ','))
        hide_url_credentials(strchr(at + 1, ',') + 1);
}

static int acf_validate(const struct hf_opts *o, const struct hf_schema *s,
                        struct hf_error *err)
{
    (void)s;
    hide_url_credentials(hf_opts_str(o, "url", NULL));
    struct hf_sr_conf c;
    if (sr_conf(o, &c, err) != 0)
        return -1;
    const char *schema = hf_opts_str(o, "schema", NULL);
    if (schema != NULL) {
        struct hf_avs_schema *sc = NULL;
        if (hf_avs_parse(schema, strlen(schema), &sc, err) != 0) {
            hf_error_prefix(err, "'%sschema': ", o->prefix);
            return -1;
        }
        bool rec = hf_avs_root(sc)->kind == HF_AVS_RECORD;
        hf_avs_free(sc);
        if (!rec)
            return hf_error_set(err, HF_ERR_OPTION,
                                "'%sschema' must be an Avro record", o->prefix);
    }
    return 0;
}

/* ------------------------------------------------------------ codec */

/* One schema id's way of reading: the writer's schema (borrowed from the
 * registry client's cache) and the plans over it. */
struct acf_plan {
    int32_t id;
    struct hf_avr_plan *row; /* avro-confluent: the record */
    /* debezium-avro-confluent: the envelope's fields */
    int32_t f_before, f_after, f_op;
    struct hf_avr_plan *before, *after;
    const struct hf_avs_node *root, *tbefore, *tafter, *top;
};

struct acf_codec {
    bool debezium;
    const struct hf_opts *o; /* borrowed: the table's options */
    char *owner;
    struct hf_sr_conf conf;
    struct hf_sr *sr;
    /* reading */
    struct hf_avr_target *t;
    uint32_t nt, ncols_all;
    struct acf_plan *plans;
    size_t nplans, cplans;
    struct hf_value *scratch; /* debezium: before and after rows */
    /* writing */
    struct hf_avro_codec *enc;
    char *schema_text; /* the schema registered */
    char *subject;
    bool registered, auto_reg;
    int32_t id;
};

static void acf_free(void *p)
{
    struct acf_codec *c = p;
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->nplans; i++) {
        hf_avr_plan_free(c->plans[i].row);
        hf_avr_plan_free(c->plans[i].before);
        hf_avr_plan_free(c->plans[i].after);
    }
    free(c->plans);
    hf_sr_free(c->sr);
    hf_avro_codec_free(c->enc);
    free(c->schema_text);
    free(c->subject);
    free(c->t);
    free(c->scratch);
    free(c->owner);
    free(c);
}

static struct acf_codec *codec_new(const struct hf_opts *o, bool debezium,
                                   struct hf_error *err)
{
    struct acf_codec *c = calloc(1, sizeof *c);
    if (c == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "avro-confluent: out of memory");
        return NULL;
    }
    c->debezium = debezium;
    c->o = o;
    c->owner = strdup(debezium ? "debezium-avro-confluent" : "avro-confluent");
    if (c->owner == NULL || sr_conf(o, &c->conf, err) != 0) {
        if (c->owner == NULL)
            hf_error_set(err, HF_ERR_NOMEM, "avro-confluent: out of memory");
        acf_free(c);
        return NULL;
    }
    hf_opts_each(o, "properties.", warn_prop, (void *)o);
    return c;
}

/* The registry client, made on first use. */
static int client(struct acf_codec *c, struct hf_error *err)
{
    if (c->sr != NULL)
        return 0;
    return hf_sr_new(&c->conf, &c->sr, err);
}

/* ------------------------------------------------------------ decode */

static int acf_decoder_new(const struct hf_schema *s, const uint32_t *cols,
                           uint32_t ncols, const struct hf_opts *o, void **dec,
                           bool debezium, struct hf_error *err)
{
    struct acf_codec *c = codec_new(o, debezium, err);
    if (c == NULL)
        return -1;
    c->t = calloc(ncols ? ncols : 1, sizeof *c->t);
    c->scratch = debezium
                     ? calloc(2 * (s->ncols ? s->ncols : 1), sizeof *c->scratch)
                     : NULL;
    if (c->t == NULL || (debezium && c->scratch == NULL)) {
        acf_free(c);
        return hf_error_set(err, HF_ERR_NOMEM, "avro-confluent: out of memory");
    }
    c->nt = ncols;
    c->ncols_all = s->ncols;
    /* The reader's defaults: a given 'schema' (its record's fields, or
     * with debezium its "after" record's), else null for nullable
     * columns as in the derived schema. */
    struct hf_avs_schema *rs = NULL;
    const struct hf_avs_node *rrec = NULL;
    const char *text = hf_opts_str(o, "schema", NULL);
    if (text != NULL) {
        if (hf_avs_parse(text, strlen(text), &rs, err) != 0) {
            acf_free(c);
            return -1;
        }
        rrec = hf_avs_root(rs);
        if (debezium && rrec->kind == HF_AVS_RECORD) {
            const struct hf_avs_node *a = NULL;
            for (uint32_t i = 0; i < rrec->n; i++)
                if (strcmp(rrec->names[i], "after") == 0)
                    a = hf_avs_nonnull(rrec->sub[i]);
            rrec = a;
        }
        if (rrec == NULL || rrec->kind != HF_AVS_RECORD) {
            hf_avs_free(rs);
            acf_free(c);
            return hf_error_set(
                err, HF_ERR_OPTION, "'%sschema' must be a record%s", o->prefix,
                debezium ? " with a record field \"after\"" : "");
        }
    }
    for (uint32_t i = 0; i < ncols; i++) {
        const struct hf_column *col = &s->cols[cols[i]];
        c->t[i].name = col->name;
        c->t[i].type = col->type;
        c->t[i].col = cols[i];
        c->t[i].def = NULL;
        if (rrec != NULL) {
            uint32_t k = 0;
            while (k < rrec->n && strcmp(rrec->names[k], col->name) != 0)
                k++;
            if (k == rrec->n) {
                hf_avs_free(rs);
                acf_free(c);
                return hf_error_set(err, HF_ERR_OPTION,
                                    "'%sschema' has no field for column '%s'",
                                    o->prefix, col->name);
            }
            /* Only null defaults are used (avro_resolve.h); "" says the
             * reader's field has none. */
            if (rrec->defaults[k] != NULL &&
                strcmp(rrec->defaults[k], "null") != 0) {
                hf_error_set(err, HF_ERR_UNSUPPORTED,
                             "'%sschema': field '%s' has default %s; "
                             "holoflow supports null defaults only",
                             o->prefix, col->name, rrec->defaults[k]);
                hf_avs_free(rs);
                acf_free(c);
                return -1;
            }
            c->t[i].def = rrec->defaults[k] ? "null" : "";
        }
    }
    hf_avs_free(rs);
    *dec = c;
    return 0;
}

static int acf_dec_new(const struct hf_schema *s, const uint32_t *cols,
                       uint32_t ncols, const struct hf_opts *o, void **dec,
                       struct hf_error *err)
{
    return acf_decoder_new(s, cols, ncols, o, dec, false, err);
}

static int dbz_dec_new(const struct hf_schema *s, const uint32_t *cols,
                       uint32_t ncols, const struct hf_opts *o, void **dec,
                       struct hf_error *err)
{
    return acf_decoder_new(s, cols, ncols, o, dec, true, err);
}

/* The envelope's parts in writer record `env`. */
static int envelope_plan(struct acf_codec *c, const struct hf_avs_node *env,
                         struct acf_plan *p, struct hf_error *err)
{
    char wb[160];
    if (env->kind != HF_AVS_RECORD)
        return hf_error_set(err, HF_ERR_TYPE,
                            "the writer's schema is %s, not a Debezium "
                            "envelope record",
                            hf_avs_describe(env, wb, sizeof wb));
    p->f_before = p->f_after = p->f_op = -1;
    for (uint32_t i = 0; i < env->n; i++) {
        if (strcmp(env->names[i], "before") == 0)
            p->f_before = (int32_t)i;
        else if (strcmp(env->names[i], "after") == 0)
            p->f_after = (int32_t)i;
        else if (strcmp(env->names[i], "op") == 0)
            p->f_op = (int32_t)i;
    }
    if (p->f_before < 0 || p->f_after < 0 || p->f_op < 0)
        return hf_error_set(err, HF_ERR_TYPE,
                            "the writer's record %s is not a Debezium "
                            "envelope: it needs the fields \"before\", "
                            "\"after\" and \"op\"",
                            env->name ? env->name : "");
    p->top = env->sub[p->f_op];
    const struct hf_avs_node *op = hf_avs_nonnull(p->top);
    if (op == NULL || op->kind != HF_AVS_STRING)
        return hf_error_set(err, HF_ERR_TYPE,
                            "the envelope's \"op\" is %s, not a string",
                            hf_avs_describe(p->top, wb, sizeof wb));
    const struct hf_avs_node *parts[2] = {env->sub[p->f_before],
                                          env->sub[p->f_after]};
    struct hf_avr_plan **plans[2] = {&p->before, &p->after};
    const char *names[2] = {"before", "after"};
    for (int k = 0; k < 2; k++) {
        const struct hf_avs_node *r = hf_avs_nonnull(parts[k]);
        if (r == NULL || r->kind != HF_AVS_RECORD)
            return hf_error_set(err, HF_ERR_TYPE,
                                "the envelope's \"%s\" is %s, not a "
                                "(nullable) record",
                                names[k],
                                hf_avs_describe(parts[k], wb, sizeof wb));
        if (hf_avr_plan_new(r, c->t, c->nt, plans[k], err) != 0) {
            hf_error_prefix(err, "\"%s\": ", names[k]);
            return -1;
        }
    }
    p->tbefore = parts[0];
    p->tafter = parts[1];
    return 0;
}

/* The plan of schema id `id`, made on first use. */
static int plan_for(struct acf_codec *c, int32_t id, struct acf_plan **out,
                    struct hf_error *err)
{
    for (size_t i = 0; i < c->nplans; i++)
        if (c->plans[i].id == id) {
            *out = &c->plans[i];
            return 0;
        }
    const char *text;
    const struct hf_avs_schema *ws;
    if (client(c, err) != 0 || hf_sr_schema(c->sr, id, &text, &ws, err) != 0)
        return -1;
    if (c->nplans == c->cplans) {
        size_t nc = c->cplans ? c->cplans * 2 : 4;
        struct acf_plan *a = realloc(c->plans, nc * sizeof *a);
        if (a == NULL)
            return hf_error_set(err, HF_ERR_NOMEM,
                                "avro-confluent: out of memory");
        c->plans = a;
        c->cplans = nc;
    }
    struct acf_plan *p = &c->plans[c->nplans];
    memset(p, 0, sizeof *p);
    p->id = id;
    p->root = hf_avs_root(ws);
    int rc = c->debezium
                 ? envelope_plan(c, hf_avs_root(ws), p, err)
                 : hf_avr_plan_new(hf_avs_root(ws), c->t, c->nt, &p->row, err);
    if (rc != 0) {
        hf_avr_plan_free(p->before);
        hf_avr_plan_free(p->after);
        hf_error_prefix(err,
                        "the writer's schema id %d cannot be read into "
                        "the table: ",
                        (int)id);
        return -1;
    }
    c->nplans++;
    *out = p;
    return 0;
}

/* The header: magic byte and schema id. */
static int header(const char *rec, size_t len, const char *fmt, int32_t *id,
                  struct hf_error *err)
{
    const unsigned char *p = (const unsigned char *)rec;
    if (p[0] != 0)
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: the record starts with byte 0x%02x, not the "
                            "magic byte 0 of Confluent's wire format (is the "
                            "topic written by a schema-registry serializer?)",
                            fmt, p[0]);
    if (len < 5)
        return hf_error_set(err, HF_ERR_DATA,
                            "%s: the record has %zu byte%s, fewer than the "
                            "5 of the wire format's header",
                            fmt, len, len == 1 ? "" : "s");
    *id = (int32_t)((uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 |
                    (uint32_t)p[3] << 8 | p[4]);
    return 0;
}

static int acf_decode(void *dec, const char *rec, size_t len, int64_t origin,
                      struct hf_batch *out, struct hf_error *err)
{
    struct acf_codec *c = dec;
    if (len == 0)
        return 0; /* a tombstone: no row, as Flink */
    int32_t id;
    struct acf_plan *p;
    if (header(rec, len, "avro-confluent", &id, err) != 0)
        return -1;
    if (plan_for(c, id, &p, err) != 0)
        return -1;
    struct hf_avs_cursor cur = {(const unsigned char *)rec, len, 5};
    struct hf_value *row = hf_batch_add_row(out, HF_ROW_INSERT, origin);
    if (row == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "avro-confluent: out of memory");
    if (hf_avr_read(p->row, &cur, out, row, err) != 0) {
        hf_batch_drop_last(out);
        hf_error_prefix(err, "avro-confluent: schema id %d: ", (int)id);
        return -1;
    }
    return 1;
}

/* A union(null, X) or X value of the envelope: whether it is null. */
static int envelope_branch(struct hf_avs_cursor *cur,
                           const struct hf_avs_node *t, bool *is_null,
                           const struct hf_avs_node **branch,
                           struct hf_error *err)
{
    *is_null = false;
    *branch = t;
    if (t->kind != HF_AVS_UNION)
        return 0;
    int64_t b;
    if (hf_avs_read_long(cur, &b, err) != 0)
        return -1;
    if (b < 0 || b >= t->n)
        return hf_error_set(err, HF_ERR_DATA,
                            "union branch %lld does not exist (the union has "
                            "%u)",
                            (long long)b, t->n);
    *branch = t->sub[b];
    *is_null = t->sub[b]->kind == HF_AVS_NULL;
    return 0;
}

static int dbz_decode(void *dec, const char *rec, size_t len, int64_t origin,
                      struct hf_batch *out, struct hf_error *err)
{
    struct acf_codec *c = dec;
    if (len == 0)
        return 0; /* a tombstone (Debezium writes one after a delete) */
    int32_t id;
    struct acf_plan *p;
    if (header(rec, len, "debezium-avro-confluent", &id, err) != 0)
        return -1;
    if (plan_for(c, id, &p, err) != 0)
        return -1;
    struct hf_avs_cursor cur = {(const unsigned char *)rec, len, 5};
    struct hf_value *before = c->scratch, *after = c->scratch + c->ncols_all;
    bool has_before = false, has_after = false;
    const unsigned char *op = NULL;
    size_t oplen = 0;
    const struct hf_avs_node *root = p->root;
    for (uint32_t i = 0; i < root->n; i++) {
        int rc = 0;
        bool is_null;
        const struct hf_avs_node *br;
        if ((int32_t)i == p->f_before || (int32_t)i == p->f_after) {
            bool b = (int32_t)i == p->f_before;
            rc = envelope_branch(&cur, root->sub[i], &is_null, &br, err);
            if (rc == 0 && !is_null) {
                rc = hf_avr_read(b ? p->before : p->after, &cur, out,
                                 b ? before : after, err);
                if (b)
                    has_before = true;
                else
                    has_after = true;
            }
        } else if ((int32_t)i == p->f_op) {
            rc = envelope_branch(&cur, root->sub[i], &is_null, &br, err);
            if (rc == 0 && !is_null)
                rc = hf_avs_read_bytes(&cur, &op, &oplen, err);
        } else {
            rc = hf_avs_skip(&cur, root->sub[i], err);
        }
        if (rc != 0) {
            hf_error_prefix(err,
                            "debezium-avro-confluent: schema id %d: field "
                            "'%s': ",
                            (int)id, root->names[i]);
            return -1;
        }
    }
    char ops[8] = "";
    if (op != NULL && oplen < sizeof ops) {
        memcpy(ops, op, oplen);
        ops[oplen] = '\0';
    }
    static const char *const replica =
        "with Debezium's PostgreSQL connector, set REPLICA IDENTITY FULL on "
        "the source table (ALTER TABLE ... REPLICA IDENTITY FULL)";
    struct {
        struct hf_value *v;
        enum hf_rowkind k;
    } rows[2];
    int n = 0;
    if (strcmp(ops, "c") == 0 || strcmp(ops, "r") == 0) {
        if (!has_after)
            return hf_error_set(err, HF_ERR_DATA,
                                "debezium-avro-confluent: the \"after\" field "
                                "of a \"%s\" message is null",
                                ops);
        rows[n].v = after;
        rows[n++].k = HF_ROW_INSERT;
    } else if (strcmp(ops, "u") == 0) {
        if (!has_before)
            return hf_error_set(err, HF_ERR_DATA,
                                "debezium-avro-confluent: the \"before\" "
                                "field of an UPDATE (\"op\": \"u\") message "
                                "is null; %s",
                                replica);
        if (!has_after)
            return hf_error_set(err, HF_ERR_DATA,
                                "debezium-avro-confluent: the \"after\" field "
                                "of an UPDATE (\"op\": \"u\") message is "
                                "null");
        rows[n].v = before;
        rows[n++].k = HF_ROW_UPDATE_BEFORE;
        rows[n].v = after;
        rows[n++].k = HF_ROW_UPDATE_AFTER;
    } else if (strcmp(ops, "d") == 0) {
        if (!has_before)
            return hf_error_set(err, HF_ERR_DATA,
                                "debezium-avro-confluent: the \"before\" "
                                "field of a DELETE (\"op\": \"d\") message "
                                "is null; %s",
                                replica);
        rows[n].v = before;
        rows[n++].k = HF_ROW_DELETE;
    } else {
        return hf_error_set(err, HF_ERR_DATA,
                            "debezium-avro-confluent: unknown \"op\" value "
                            "\"%.*s\" (c, r, u and d are known)",
                            op ? (int)(oplen > 32 ? 32 : oplen) : 4,
                            op ? (const char *)op : "null");
    }
    for (int k = 0; k < n; k++) {
        struct hf_value *row = hf_batch_add_row(out, rows[k].k, origin);
        if (row == NULL) {
            while (k-- > 0)
                hf_batch_drop_last(out);
            return hf_error_set(err, HF_ERR_NOMEM,
                                "avro-confluent: out of memory");
        }
        for (uint32_t t = 0; t < c->nt; t++)
            row[c->t[t].col] = rows[k].v[c->t[t].col];
    }
    return n;
}

/* ------------------------------------------------------------ encode */

/* Do two schemas encode the same way (kinds, logical types, fields in
 * order with the same names; names of types and docs may differ)? */
static bool same_shape(const struct hf_avs_node *a, const struct hf_avs_node *b,
                       int depth)
{
    if (depth > HF_AVS_MAX_DEPTH)
        return false;
    if (a->kind != b->kind || a->logical != b->logical || a->n != b->n)
        return false;
    if (a->logical == HF_AVL_DECIMAL &&
        (a->precision != b->precision || a->scale != b->scale))
        return false;
    switch (a->kind) {
    case HF_AVS_FIXED:
        return a->size == b->size;
    case HF_AVS_ENUM:
        for (uint32_t i = 0; i < a->n; i++)
            if (strcmp(a->names[i], b->names[i]) != 0)
                return false;
        return true;
    case HF_AVS_RECORD:
        for (uint32_t i = 0; i < a->n; i++)
            if (strcmp(a->names[i], b->names[i]) != 0)
                return false;
        /* fall through */
    case HF_AVS_UNION:
    case HF_AVS_ARRAY:
    case HF_AVS_MAP:
        for (uint32_t i = 0; i < a->n; i++)
            if (!same_shape(a->sub[i], b->sub[i], depth + 1))
                return false;
        return true;
    default:
        return true;
    }
}

static int acf_encoder_new(const struct hf_schema *s, const uint32_t *cols,
                           uint32_t ncols, const struct hf_opts *o, void **enc,
                           bool debezium, struct hf_error *err)
{
    struct acf_codec *c = codec_new(o, debezium, err);
    if (c == NULL)
        return -1;
    c->auto_reg = auto_register(o);
    const char *subject = hf_opts_str(o, "subject", NULL);
    if (subject && (c->subject = strdup(subject)) == NULL)
        goto nomem;
    struct hf_strbuf js;
    hf_strbuf_init(&js, 0);
    if (!debezium) {
        if (hf_avro_codec_new(s, cols, ncols, true, NULL, &c->enc, err) != 0)
            goto fail;
        hf_strbuf_puts(&js, hf_avro_codec_schema(c->enc));
    } else {
        /* Flink's envelope: record {before, after: union(null, row),
         * op: union(null, string)}, nested records named after their
         * field. */
        struct hf_avro_codec *after = NULL;
        if (hf_avro_codec_new(s, cols, ncols, true, "record_before", &c->enc,
                              err) != 0 ||
            hf_avro_codec_new(s, cols, ncols, true, "record_after", &after,
                              err) != 0)
            goto fail;
        hf_strbuf_printf(&js,
                         "{\"type\":\"record\",\"name\":\"record\","
                         "\"namespace\":\"org.apache.flink.avro.generated\","
                         "\"fields\":[{\"name\":\"before\",\"type\":[\"null\","
                         "%s],\"default\":null},{\"name\":\"after\","
                         "\"type\":[\"null\",%s],\"default\":null},"
                         "{\"name\":\"op\",\"type\":[\"null\",\"string\"],"
                         "\"default\":null}]}",
                         hf_avro_codec_schema(c->enc),
                         hf_avro_codec_schema(after));
        hf_avro_codec_free(after);
    }
    if (!hf_strbuf_ok(&js))
        goto nomem_js;
    const char *given = hf_opts_str(o, "schema", NULL);
    if (given != NULL) {
        struct hf_avs_schema *a = NULL, *b = NULL;
        int rc = hf_avs_parse(given, strlen(given), &a, err);
        if (rc == 0)
            rc = hf_avs_parse(js.data, js.len, &b, err);
        bool same = rc == 0 && same_shape(hf_avs_root(a), hf_avs_root(b), 0);
        hf_avs_free(a);
        hf_avs_free(b);
        if (rc != 0) {
            hf_strbuf_free(&js);
            goto fail;
        }
        if (!same) {
            hf_error_set(err, HF_ERR_OPTION,
                         "'%sschema' does not encode the table's columns as "
                         "holoflow writes them: it must have the fields and "
                         "types of the schema derived from the table (names "
                         "of records and docs may differ): %s",
                         o->prefix, js.data);
            hf_strbuf_free(&js);
            goto fail;
        }
        c->schema_text = strdup(given);
    } else {
        c->schema_text = strndup(js.data, js.len);
    }
    hf_strbuf_free(&js);
    if (c->schema_text == NULL)
        goto nomem;
    *enc = c;
    return 0;
nomem_js:
    hf_strbuf_free(&js);
nomem:
    hf_error_set(err, HF_ERR_NOMEM, "avro-confluent: out of memory");
fail:
    acf_free(c);
    return -1;
}

static int acf_enc_new(const struct hf_schema *s, const uint32_t *cols,
                       uint32_t ncols, const struct hf_opts *o, void **enc,
                       struct hf_error *err)
{
    return acf_encoder_new(s, cols, ncols, o, enc, false, err);
}

static int dbz_enc_new(const struct hf_schema *s, const uint32_t *cols,
                       uint32_t ncols, const struct hf_opts *o, void **enc,
                       struct hf_error *err)
{
    return acf_encoder_new(s, cols, ncols, o, enc, true, err);
}

static int acf_bind_topic(void *enc, const char *topic, bool key,
                          struct hf_error *err)
{
    struct acf_codec *c = enc;
    if (c->subject != NULL)
        return 0;
    size_t n = strlen(topic) + 8;
    c->subject = malloc(n);
    if (c->subject == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "avro-confluent: out of memory");
    snprintf(c->subject, n, "%s%s", topic, key ? "-key" : "-value");
    return 0;
}

/* Register (or look up) the schema once: its id in c->id. */
static int schema_id(struct acf_codec *c, struct hf_error *err)
{
    if (c->registered)
        return 0;
    if (c->subject == NULL)
        return hf_error_set(err, HF_ERR_OPTION,
                            "%s: option '%ssubject' is required for "
                            "serialization (kafka and upsert-kafka tables "
                            "with one topic default it to '<topic>-value')",
                            c->owner, c->o->prefix);
    if (client(c, err) != 0)
        return -1;
    int rc =
        c->auto_reg
            ? hf_sr_register(c->sr, c->subject, c->schema_text, &c->id, err)
            : hf_sr_lookup(c->sr, c->subject, c->schema_text, &c->id, err);
    if (rc != 0)
        return -1;
    c->registered = true;
    hf_log_info("%s: schema id %d %s under subject '%s' at %s", c->owner,
                (int)c->id, c->auto_reg ? "registered" : "found", c->subject,
                hf_sr_url(c->sr));
    return 0;
}

static void put_header(struct hf_strbuf *out, int32_t id)
{
    unsigned char h[5] = {0, (unsigned char)((uint32_t)id >> 24),
                          (unsigned char)((uint32_t)id >> 16),
                          (unsigned char)((uint32_t)id >> 8),
                          (unsigned char)id};
    hf_strbuf_append(out, h, sizeof h);
}

static int acf_encode(void *enc, const struct hf_value *row,
                      enum hf_rowkind kind, struct hf_strbuf *out,
                      struct hf_error *err)
{
    (void)kind;
    struct acf_codec *c = enc;
    if (schema_id(c, err) != 0)
        return -1;
    put_header(out, c->id);
    return hf_avro_codec_encode(c->enc, row, out, err);
}

static int dbz_encode(void *enc, const struct hf_value *row,
                      enum hf_rowkind kind, struct hf_strbuf *out,
                      struct hf_error *err)
{
    struct acf_codec *c = enc;
    if (schema_id(c, err) != 0)
        return -1;
    put_header(out, c->id);
    /* Union branches: 0 is null, 1 the value (zig-zag: 0x00, 0x02). */
    bool insert = kind == HF_ROW_INSERT || kind == HF_ROW_UPDATE_AFTER;
    if (insert) {
        hf_strbuf_putc(out, 0x00); /* before: null */
        hf_strbuf_putc(out, 0x02);
    } else {
        hf_strbuf_putc(out, 0x02);
    }
    if (hf_avro_codec_encode(c->enc, row, out, err) != 0)
        return -1;
    if (!insert)
        hf_strbuf_putc(out, 0x00); /* after: null */
    /* op: branch 1, a string of 1 byte (length 1 -> 0x02) */
    hf_strbuf_append(out,
                     insert ? "\x02\x02"
                              "c"
                            : "\x02\x02"
                              "d",
                     3);
    return 0;
}

/* ------------------------------------------------------------ formats */

const struct hf_format hf_format_avro_confluent = {
    .name = "avro-confluent",
    .summary = "Avro records in Confluent's wire format (magic byte, schema "
               "id), schemas kept in a schema registry",
    .opts = acf_opts,
    .nopts = NOPTS,
    .changelog = false,
    .validate = acf_validate,
    .decoder_new = acf_dec_new,
    .decode = acf_decode,
    .decoder_free = acf_free,
    .encoder_new = acf_enc_new,
    .encode = acf_encode,
    .encoder_free = acf_free,
    .bind_topic = acf_bind_topic,
};

const struct hf_format hf_format_debezium_avro_confluent = {
    .name = "debezium-avro-confluent",
    .summary = "Debezium change events as Avro in Confluent's wire format, "
               "schemas kept in a schema registry",
    .opts = acf_opts,
    .nopts = NOPTS,
    .changelog = true,
    .validate = acf_validate,
    .decoder_new = dbz_dec_new,
    .decode = dbz_decode,
    .decoder_free = acf_free,
    .encoder_new = dbz_enc_new,
    .encode = dbz_encode,
    .encoder_free = acf_free,
    .bind_topic = acf_bind_topic,
};
