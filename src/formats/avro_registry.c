/*
 * avro_registry.c - the schema-registry client of the avro-confluent
 * formats: HTTP through libcurl, answers parsed with json-c, schemas
 * cached by id (the contract and the retry policy are in avro_registry.h).
 *
 * Invariants: a cached id never changes its schema (the registry's ids are
 * immutable), so the cache is never invalidated; a URL shown in a message
 * has its user info removed; an answer body is read up to
 * SR_MAX_BODY bytes, the rest is an error.
 */
#include <curl/curl.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/strbuf.h"
#include "formats/avro_registry.h"

#define SR_MAX_BODY (16u << 20)
#define SR_MAX_URLS 8

struct sr_entry {
    int32_t id;
    char *text;
    struct hf_avs_schema *schema;
};

struct hf_sr {
    CURL *curl;
    struct curl_slist *headers;
    char *urls[SR_MAX_URLS];  /* without a trailing '/' */
    char *shown[SR_MAX_URLS]; /* the same without user info */
    int nurls, cur;
    char *user, *password, *bearer;
    char *truststore, *keystore, *keystore_password;
    bool p12;
    long status;
    struct hf_strbuf body;
    char curl_err[CURL_ERROR_SIZE];
    struct sr_entry *cache;
    size_t ncache, ccache;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ------------------------------------------------------------ setup */

/* `url` without "user:password@" (malloc'ed). */
static char *strip_user_info(const char *url)
{
    const char *s = strstr(url, "://");
    const char *host = s ? s + 3 : url;
    const char *end = host + strcspn(host, "/?#");
    const char *at = NULL;
    for (const char *q = host; q < end; q++)
        if (*q == '@')
            at = q;
    if (at == NULL)
        return strdup(url);
    size_t pre = (size_t)(host - url);
    char *out = malloc(strlen(url) + 1);
    if (out == NULL)
        return NULL;
    memcpy(out, url, pre);
    memcpy(out + pre, at + 1, strlen(at + 1) + 1);
    return out;
}

/* Register the password of "scheme://user:password@host" with the
 * scrubber: it must not reach a log. */
static void hide_url_password(const char *url)
{
    const char *s = strstr(url, "://");
    const char *host = s ? s + 3 : url;
    const char *end = host + strcspn(host, "/?#");
    const char *at = NULL;
    for (const char *q = host; q < end; q++)
        if (*q == '@')
            at = q;
    if (at == NULL)
        return;
    const char *colon = memchr(host, ':', (size_t)(at - host));
    if (colon == NULL || colon + 1 == at)
        return;
    char *pw = strndup(colon + 1, (size_t)(at - colon - 1));
    if (pw) {
        hf_secret_register(pw);
        free(pw);
    }
}

static int check_file(const char *what, const char *path, bool *p12,
                      struct hf_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return hf_error_set(err, HF_ERR_OPTION,
                            "schema registry: cannot open the %s '%s'", what,
                            path);
    unsigned char head[16] = {0};
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n >= 4 && head[0] == 0xfe && head[1] == 0xed && head[2] == 0xfe &&
        head[3] == 0xed)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "schema registry: the %s '%s' is a Java keystore "
                            "(JKS), which holoflow cannot read; convert it "
                            "with: keytool -importkeystore -srckeystore '%s' "
                            "-destkeystore store.p12 -deststoretype PKCS12%s",
                            what, path, path,
                            p12 == NULL ? ", then: openssl pkcs12 -in "
                                          "store.p12 -nokeys -out ca.pem"
                                        : "");
    bool pem = n >= 5 && memcmp(head, "-----", 5) == 0;
    if (p12 != NULL) {
        *p12 = !pem;
        return 0;
    }
    if (!pem)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "schema registry: the %s '%s' is not PEM; give a "
                            "PEM bundle of CA certificates (from PKCS#12: "
                            "openssl pkcs12 -in '%s' -nokeys -out ca.pem)",
                            what, path, path);
    return 0;
}

void hf_sr_free(struct hf_sr *sr)
{
    if (sr == NULL)
        return;
    if (sr->curl)
        curl_easy_cleanup(sr->curl);
    curl_slist_free_all(sr->headers);
    for (int i = 0; i < sr->nurls; i++) {
        free(sr->urls[i]);
        free(sr->shown[i]);
    }
    free(sr->user);
    free(sr->password);
    free(sr->bearer);
    free(sr->truststore);
    free(sr->keystore);
    free(sr->keystore_password);
    hf_strbuf_free(&sr->body);
    for (size_t i = 0; i < sr->ncache; i++) {
        free(sr->cache[i].text);
        hf_avs_free(sr->cache[i].schema);
    }
    free(sr->cache);
    free(sr);
}

static char *dup_or_null(const char *s, bool *oom)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        *oom = true;
    return d;
}

int hf_sr_new(const struct hf_sr_conf *conf, struct hf_sr **out,
              struct hf_error *err)
{
    pthread_once(&curl_once, curl_init);
    struct hf_sr *sr = calloc(1, sizeof *sr);
    if (sr == NULL)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "schema registry: out of memory");
    hf_strbuf_init(&sr->body, SR_MAX_BODY);
    bool oom = false;
    const char *u = conf->url ? conf->url : "";
    while (*u) {
        size_t len = strcspn(u, ",");
        size_t b = 0, e = len;
        while (b < e && (u[b] == ' ' || u[b] == '\t'))
            b++;
        while (e > b &&
               (u[e - 1] == ' ' || u[e - 1] == '\t' || u[e - 1] == '/'))
            e--;
        if (e > b) {
            if (sr->nurls == SR_MAX_URLS) {
                hf_sr_free(sr);
                return hf_error_set(err, HF_ERR_OPTION,
                                    "schema registry: more than %d URLs",
                                    SR_MAX_URLS);
            }
            char *one = strndup(u + b, e - b);
            if (one == NULL) {
                oom = true;
                break;
            }
            hide_url_password(one);
            sr->urls[sr->nurls] = one;
            sr->shown[sr->nurls] = strip_user_info(one);
            if (sr->shown[sr->nurls++] == NULL) {
                oom = true;
                break;
            }
            if (strncmp(one, "http://", 7) != 0 &&
                strncmp(one, "https://", 8) != 0) {
                hf_error_set(err, HF_ERR_OPTION,
                             "schema registry URL '%s' must start with "
                             "http:// or https://",
                             sr->shown[sr->nurls - 1]);
                hf_sr_free(sr);
                return -1;
            }
        }
        u += len;
        if (*u == ',')
            u++;
    }
    if (!oom && sr->nurls == 0) {
        hf_sr_free(sr);
        return hf_error_set(err, HF_ERR_OPTION,
                            "schema registry: no URL given");
    }
    if (conf->user_info && !oom) {
        const char *colon = strchr(conf->user_info, ':');
        sr->user =
            colon ? strndup(conf->user_info, (size_t)(colon - conf->user_info))
                  : strdup(conf->user_info);
        sr->password = strdup(colon ? colon + 1 : "");
        oom = sr->user == NULL || sr->password == NULL;
    }
    sr->bearer = dup_or_null(conf->bearer, &oom);
    sr->truststore = dup_or_null(conf->truststore, &oom);
    sr->keystore = dup_or_null(conf->keystore, &oom);
    sr->keystore_password = dup_or_null(conf->keystore_password, &oom);
    if (oom) {
        hf_sr_free(sr);
        return hf_error_set(err, HF_ERR_NOMEM,
                            "schema registry: out of memory");
    }
    if ((sr->truststore &&
         check_file("truststore", sr->truststore, NULL, err) != 0) ||
        (sr->keystore &&
         check_file("keystore", sr->keystore, &sr->p12, err) != 0)) {
        hf_sr_free(sr);
        return -1;
    }
    sr->curl = curl_easy_init();
    sr->headers = curl_slist_append(
        NULL, "Content-Type: application/vnd.schemaregistry.v1+json");
    struct curl_slist *h =
        sr->headers ? curl_slist_append(
                          sr->headers,
                          "Accept: application/vnd.schemaregistry.v1+json, "
                          "application/vnd.schemaregistry+json; qs=0.9, "
                          "application/json; qs=0.5")
                    : NULL;
    if (sr->curl == NULL || h == NULL) {
        hf_sr_free(sr);
        return hf_error_set(err, HF_ERR_NOMEM,
                            "schema registry: out of memory");
    }
    sr->headers = h;
    *out = sr;
    return 0;
}

const char *hf_sr_url(const struct hf_sr *sr)
{
    return sr->shown[0];
}

long hf_sr_last_status(const struct hf_sr *sr)
{
    return sr->status;
}

/* ------------------------------------------------------------ HTTP */

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct hf_sr *sr = ctx;
    hf_strbuf_append(&sr->body, p, size * n);
    return hf_strbuf_ok(&sr->body) ? size * n : 0;
}

static bool transient(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return true;
    default:
        return false;
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* The registry's {"error_code": N, "message": "..."}, when the body is one. */
static void registry_error(const struct hf_sr *sr, char *buf, size_t n)
{
    buf[0] = '\0';
    json_object *j =
        json_tokener_parse(sr->body.data && sr->body.len ? sr->body.data : "");
    json_object *code = NULL, *msg = NULL;
    if (j && json_object_object_get_ex(j, "error_code", &code) &&
        json_object_object_get_ex(j, "message", &msg))
        snprintf(buf, n, ": error_code %d, \"%s\"", json_object_get_int(code),
                 json_object_get_string(msg));
    else if (sr->body.len > 0)
        snprintf(buf, n, ": %.*s", sr->body.len > 200 ? 200 : (int)sr->body.len,
                 sr->body.data);
    if (j)
        json_object_put(j);
}

/* One request, retried as the header says. On 0, sr->status and sr->body
 * hold the answer (any status: the caller judges it). */
static int request(struct hf_sr *sr, const char *method, const char *path,
                   const char *body, struct hf_error *err)
{
    static const long backoff_ms[] = {200, 800};
    CURLcode rc = CURLE_OK;
    for (int attempt = 0; attempt < HF_SR_ATTEMPTS; attempt++) {
        if (attempt > 0) {
            sleep_ms(backoff_ms[attempt - 1 < 1 ? attempt - 1 : 1]);
            if (sr->nurls > 1)
                sr->cur = (sr->cur + 1) % sr->nurls;
        }
        char url[2048];
        snprintf(url, sizeof url, "%s%s", sr->urls[sr->cur], path);
        CURL *c = sr->curl;
        curl_easy_reset(c);
        hf_strbuf_reset(&sr->body);
        sr->curl_err[0] = '\0';
        sr->status = 0;
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, sr->headers);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, sr);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, sr->curl_err);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        if (body != NULL) {
            curl_easy_setopt(c, CURLOPT_POST, 1L);
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        }
        if (sr->user != NULL) {
            curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
            curl_easy_setopt(c, CURLOPT_USERNAME, sr->user);
            curl_easy_setopt(c, CURLOPT_PASSWORD, sr->password);
        } else if (sr->bearer != NULL) {
            curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
            curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, sr->bearer);
        }
        if (sr->truststore)
            curl_easy_setopt(c, CURLOPT_CAINFO, sr->truststore);
        if (sr->keystore) {
            curl_easy_setopt(c, CURLOPT_SSLCERT, sr->keystore);
            curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, sr->p12 ? "P12" : "PEM");
            if (!sr->p12)
                curl_easy_setopt(c, CURLOPT_SSLKEY, sr->keystore);
            if (sr->keystore_password)
                curl_easy_setopt(c, CURLOPT_KEYPASSWD, sr->keystore_password);
        }
        rc = curl_easy_perform(c);
        if (rc == CURLE_OK) {
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &sr->status);
            if ((sr->status >= 500 || sr->status == 429) &&
                attempt + 1 < HF_SR_ATTEMPTS) {
                hf_log_warn("schema registry %s: %s %s answered %ld; trying "
                            "again",
                            sr->shown[sr->cur], method, path, sr->status);
                continue;
            }
            (void)method;
            return 0;
        }
        if (rc == CURLE_WRITE_ERROR && !hf_strbuf_ok(&sr->body))
            return hf_error_set(err, HF_ERR_DATA,
                                "schema registry %s: %s %s: the answer is "
                                "larger than %u bytes",
                                sr->shown[sr->cur], method, path, SR_MAX_BODY);
        if (!transient(rc))
            break;
        if (attempt + 1 < HF_SR_ATTEMPTS)
            hf_log_warn("schema registry %s: %s %s: %s; trying again",
                        sr->shown[sr->cur], method, path,
                        sr->curl_err[0] ? sr->curl_err
                                        : curl_easy_strerror(rc));
    }
    int e = hf_error_set(
        err, HF_ERR_CONNECT,
        "schema registry %s: %s %s failed after %d attempt%s: "
        "%s; check the registry's URL ('url') and that it "
        "runs",
        sr->shown[sr->cur], method, path, transient(rc) ? HF_SR_ATTEMPTS : 1,
        transient(rc) ? "s" : "",
        sr->curl_err[0] ? sr->curl_err : curl_easy_strerror(rc));
    err->retriable = transient(rc);
    return e;
}

/* The integer member `key` of the JSON answer, or -1 with err. */
static int answer_int(struct hf_sr *sr, const char *what, const char *key,
                      int32_t *v, struct hf_error *err)
{
    json_object *j = json_tokener_parse(sr->body.data ? sr->body.data : "");
    json_object *x = NULL;
    int rc = 0;
    if (j == NULL || !json_object_object_get_ex(j, key, &x) ||
        !json_object_is_type(x, json_type_int))
        rc = hf_error_set(err, HF_ERR_DATA,
                          "schema registry %s: %s: the answer has no integer "
                          "\"%s\": %.200s",
                          sr->shown[sr->cur], what, key,
                          sr->body.data ? sr->body.data : "");
    else
        *v = json_object_get_int(x);
    if (j)
        json_object_put(j);
    return rc;
}

/* {"schema": "<text>"} as a JSON string (malloc'ed). */
static char *schema_body(const char *schema)
{
    json_object *o = json_object_new_object();
    if (o == NULL)
        return NULL;
    json_object_object_add(o, "schema", json_object_new_string(schema));
    const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    char *d = s ? strdup(s) : NULL;
    json_object_put(o);
    return d;
}

/* A subject as a URL path segment (percent-encoded, malloc'ed). */
static char *escape_subject(struct hf_sr *sr, const char *subject)
{
    char *e = curl_easy_escape(sr->curl, subject, 0);
    char *d = e ? strdup(e) : NULL;
    curl_free(e);
    return d;
}

static int subject_call(struct hf_sr *sr, const char *subject,
                        const char *schema, bool reg, int32_t *id,
                        struct hf_error *err)
{
    char *esc = escape_subject(sr, subject);
    char *body = schema_body(schema);
    if (esc == NULL || body == NULL) {
        free(esc);
        free(body);
        return hf_error_set(err, HF_ERR_NOMEM,
                            "schema registry: out of memory");
    }
    size_t pl = strlen(esc) + 32;
    char *path = malloc(pl);
    if (path == NULL) {
        free(esc);
        free(body);
        return hf_error_set(err, HF_ERR_NOMEM,
                            "schema registry: out of memory");
    }
    snprintf(path, pl, "/subjects/%s%s", esc, reg ? "/versions" : "");
    int rc = request(sr, "POST", path, body, err);
    free(body);
    free(esc);
    if (rc == 0 && sr->status != 200) {
        char why[400];
        registry_error(sr, why, sizeof why);
        if (!reg && sr->status == 404)
            rc = hf_error_set(err, HF_ERR_DATA,
                              "schema registry %s: the schema is not "
                              "registered under subject '%s' (HTTP 404%s), "
                              "and 'auto.register.schemas' is false: "
                              "register it, or let holoflow register it",
                              sr->shown[sr->cur], subject, why);
        else
            rc = hf_error_set(err, HF_ERR_SERVER,
                              "schema registry %s: POST %s answered HTTP "
                              "%ld%s",
                              sr->shown[sr->cur], path, sr->status, why);
    }
    if (rc == 0)
        rc = answer_int(sr, path, "id", id, err);
    free(path);
    return rc;
}

int hf_sr_register(struct hf_sr *sr, const char *subject, const char *schema,
                   int32_t *id, struct hf_error *err)
{
    return subject_call(sr, subject, schema, true, id, err);
}

int hf_sr_lookup(struct hf_sr *sr, const char *subject, const char *schema,
                 int32_t *id, struct hf_error *err)
{
    return subject_call(sr, subject, schema, false, id, err);
}

int hf_sr_schema(struct hf_sr *sr, int32_t id, const char **text,
                 const struct hf_avs_schema **schema, struct hf_error *err)
{
    for (size_t i = 0; i < sr->ncache; i++)
        if (sr->cache[i].id == id) {
            *text = sr->cache[i].text;
            *schema = sr->cache[i].schema;
            return 0;
        }
    char path[64];
    snprintf(path, sizeof path, "/schemas/ids/%d", (int)id);
    if (request(sr, "GET", path, NULL, err) != 0)
        return -1;
    if (sr->status != 200) {
        char why[400];
        registry_error(sr, why, sizeof why);
        return hf_error_set(
            err, sr->status == 404 ? HF_ERR_DATA : HF_ERR_SERVER,
            "schema registry %s: %s schema id %d (GET %s "
            "answered HTTP %ld%s)",
            sr->shown[sr->cur], sr->status == 404 ? "unknown" : "cannot fetch",
            (int)id, path, sr->status, why);
    }
    json_object *j = json_tokener_parse(sr->body.data ? sr->body.data : "");
    json_object *s = NULL, *st = NULL;
    if (j == NULL || !json_object_object_get_ex(j, "schema", &s) ||
        !json_object_is_type(s, json_type_string)) {
        if (j)
            json_object_put(j);
        return hf_error_set(err, HF_ERR_DATA,
                            "schema registry %s: GET %s: the answer has no "
                            "string \"schema\": %.200s",
                            sr->shown[sr->cur], path,
                            sr->body.data ? sr->body.data : "");
    }
    if (json_object_object_get_ex(j, "schemaType", &st) &&
        strcmp(json_object_get_string(st), "AVRO") != 0) {
        int e = hf_error_set(err, HF_ERR_DATA,
                             "schema registry %s: schema id %d is a %s "
                             "schema, not Avro",
                             sr->shown[sr->cur], (int)id,
                             json_object_get_string(st));
        json_object_put(j);
        return e;
    }
    if (sr->ncache == sr->ccache) {
        size_t nc = sr->ccache ? sr->ccache * 2 : 4;
        struct sr_entry *a = realloc(sr->cache, nc * sizeof *a);
        if (a == NULL) {
            json_object_put(j);
            return hf_error_set(err, HF_ERR_NOMEM,
                                "schema registry: out of memory");
        }
        sr->cache = a;
        sr->ccache = nc;
    }
    struct sr_entry *e = &sr->cache[sr->ncache];
    e->id = id;
    e->text = strdup(json_object_get_string(s));
    json_object_put(j);
    if (e->text == NULL)
        return hf_error_set(err, HF_ERR_NOMEM,
                            "schema registry: out of memory");
    if (hf_avs_parse(e->text, strlen(e->text), &e->schema, err) != 0) {
        free(e->text);
        hf_error_prefix(err, "schema registry %s: schema id %d: ",
                        sr->shown[sr->cur], (int)id);
        return -1;
    }
    sr->ncache++;
    *text = e->text;
    *schema = e->schema;
    return 0;
}
