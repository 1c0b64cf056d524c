/*
 * avro_registry.h - a client of a Confluent Schema Registry (its REST
 * API: GET /schemas/ids/{id}, POST /subjects/{subject}/versions to
 * register, POST /subjects/{subject} to look a schema up), with a cache of
 * schemas by id, for the avro-confluent formats.
 *
 * Requests go over HTTP(S) through libcurl, one connection kept alive per
 * client. 'url' may list several registries separated by ','; a request
 * that cannot reach one tries the next. Retry policy: a request is tried at
 * most HF_SR_ATTEMPTS times in all, after 200 ms, then 800 ms, when the
 * registry cannot be reached (connect, resolve, send/receive, timeout) or
 * answers 5xx or 429; any other answer is final. Each attempt has a
 * connect limit of 10 s and a total limit of 30 s. Errors name the
 * registry (without credentials), the request, the status and the
 * registry's own error_code and message.
 *
 * Credentials: basic auth from 'user:password' (user info, or in the URL),
 * or a static bearer token. TLS: a CA bundle (PEM) to trust, a client
 * certificate and key (PEM file, or PKCS#12 with its password). Java
 * keystores (JKS) are refused with the command that converts them.
 *
 * @locality a client belongs to one thread (it holds a curl handle and
 * the cache); the schemas it returns live as long as the client.
 */
#ifndef HF_FORMATS_AVRO_REGISTRY_H
#define HF_FORMATS_AVRO_REGISTRY_H

#include <stdint.h>

#include "core/error.h"
#include "formats/avro_resolve.h"

#define HF_SR_ATTEMPTS 3

struct hf_sr_conf {
    const char *url;        /* required; "http://a:8081,http://b:8081" */
    const char *user_info;  /* "user:password", or NULL */
    const char *bearer;     /* static bearer token, or NULL */
    const char *truststore; /* CA bundle (PEM), or NULL */
    const char *keystore;   /* client certificate + key, or NULL */
    const char *keystore_password;
};

struct hf_sr;

/* A client for `conf` (copied; the strings are borrowed for the call
 * only). Connects nowhere yet: a missing file or a JKS store is an error
 * here. Returns the client in *out (hf_sr_free) or -1 with err. */
int hf_sr_new(const struct hf_sr_conf *conf, struct hf_sr **out,
              struct hf_error *err);
void hf_sr_free(struct hf_sr *sr);

/* The registry's first URL without credentials (borrowed), for messages. */
const char *hf_sr_url(const struct hf_sr *sr);

/* The schema of id `id`, from the cache or the registry: its text and its
 * parsed form (borrowed; they live as long as the client). 0, or -1 with
 * err (an unknown id: HF_ERR_DATA, hf_sr_last_status() 404). */
int hf_sr_schema(struct hf_sr *sr, int32_t id, const char **text,
                 const struct hf_avs_schema **schema, struct hf_error *err);

/* Register schema text `schema` under `subject` (a schema the subject
 * already has gives its id again). The id in *id; 0 or -1 with err. */
int hf_sr_register(struct hf_sr *sr, const char *subject, const char *schema,
                   int32_t *id, struct hf_error *err);

/* The id of `schema` already registered under `subject`, without
 * registering it. 0, or -1 with err (not registered, or the registry
 * cannot be asked). */
int hf_sr_lookup(struct hf_sr *sr, const char *subject, const char *schema,
                 int32_t *id, struct hf_error *err);

/* The HTTP status of the last answer (0: none came). */
long hf_sr_last_status(const struct hf_sr *sr);

#endif
