/*
 * kafka_jaas.c - Kafka's Java 'sasl.jaas.config' turned into librdkafka's
 * SASL settings.
 *
 * Flink jobs configure SASL the Java client's way:
 *
 *   'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.plain.
 *       PlainLoginModule required username="alice" password="s3cret";'
 *
 * librdkafka has no JAAS; it takes sasl.username and sasl.password. For
 * the two login modules that carry exactly those (PlainLoginModule for
 * PLAIN, ScramLoginModule for SCRAM-SHA-256/512, also under Flink's shaded
 * package names) the entry is read and its username and password become
 * those two properties. Any other module (OAuth bearer, Kerberos) is
 * refused by name with the librdkafka properties that replace it.
 *
 * The text is one JAAS entry: a class name, a control flag (required,
 * requisite, sufficient, optional), then name=value options, where a
 * value is a double-quoted string (backslash escapes the next character)
 * or a bare word, and a closing ';'. Both values are secrets: the option
 * parser registered the whole text, and the pieces are registered here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/kafka/kafka_int.h"
#include "core/log.h"

static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    return s;
}

/* A bare word: up to space, '=', ';' or the end. Returns its end. */
static const char *word_end(const char *s)
{
    while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' &&
           *s != '=' && *s != ';')
        s++;
    return s;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* A value at *sp into a new string; NULL with `why` on a syntax error or
 * when memory runs out. */
static char *read_value(const char **sp, char *why, size_t n)
{
    const char *s = *sp;
    if (*s != '"') {
        const char *e = word_end(s);
        if (e == s) {
            snprintf(why, n, "an option has no value");
            return NULL;
        }
        *sp = e;
        char *v = strndup(s, (size_t)(e - s));
        if (v == NULL)
            snprintf(why, n, "out of memory");
        return v;
    }
    s++;
    char *v = malloc(strlen(s) + 1);
    if (v == NULL) {
        snprintf(why, n, "out of memory");
        return NULL;
    }
    size_t o = 0;
    while (*s && *s != '"') {
        if (*s == '\\' && s[1])
            s++;
        v[o++] = *s++;
    }
    if (*s != '"') {
        free(v);
        snprintf(why, n, "a quoted value has no closing '\"'");
        return NULL;
    }
    v[o] = '\0';
    *sp = s + 1;
    return v;
}

void hfk_jaas_free(struct hfk_jaas *j)
{
    free(j->username);
    free(j->password);
    memset(j, 0, sizeof *j);
}

int hfk_jaas_parse(const char *text, struct hfk_jaas *out, char *why,
                   size_t n)
{
    memset(out, 0, sizeof *out);
    const char *s = skip_space(text);
    const char *ce = word_end(s);
    size_t cl = (size_t)(ce - s);
    if (cl == 0) {
        snprintf(why, n, "it names no login module");
        return -1;
    }
    if (ends_with(s, cl, ".PlainLoginModule") ||
        ends_with(s, cl, ".ScramLoginModule")) {
        /* the two modules librdkafka's sasl.username/password cover */
    } else if (ends_with(s, cl, ".OAuthBearerLoginModule")) {
        snprintf(why, n,
                 "login module OAuthBearerLoginModule has no librdkafka "
                 "equivalent here; set 'properties.sasl.mechanism' = "
                 "'OAUTHBEARER' and the 'properties.sasl.oauthbearer.*' "
                 "properties instead");
        return -1;
    } else if (ends_with(s, cl, ".Krb5LoginModule")) {
        snprintf(why, n,
                 "login module Krb5LoginModule has no librdkafka "
                 "equivalent here; set 'properties.sasl.mechanism' = "
                 "'GSSAPI' and the 'properties.sasl.kerberos.*' properties "
                 "instead");
        return -1;
    } else {
        snprintf(why, n,
                 "login module '%.*s' is not supported: only PlainLoginModule "
                 "and ScramLoginModule translate to librdkafka's "
                 "sasl.username and sasl.password",
                 (int)(cl > 200 ? 200 : cl), s);
        return -1;
    }
    s = skip_space(ce);
    const char *fe = word_end(s);
    static const char *const flags[] = {"required", "requisite", "sufficient",
                                        "optional"};
    bool flag_ok = false;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if ((size_t)(fe - s) == strlen(flags[i]) &&
            strncasecmp(s, flags[i], (size_t)(fe - s)) == 0)
            flag_ok = true;
    if (!flag_ok) {
        snprintf(why, n,
                 "the login module must be followed by a control flag "
                 "(required, requisite, sufficient or optional)");
        return -1;
    }
    s = skip_space(fe);
    while (*s && *s != ';') {
        const char *ne = word_end(s);
        if (ne == s || *skip_space(ne) != '=') {
            snprintf(why, n, "expected name=\"value\" options");
            hfk_jaas_free(out);
            return -1;
        }
        size_t nl = (size_t)(ne - s);
        const char *name = s;
        s = skip_space(skip_space(ne) + 1);
        char *v = read_value(&s, why, n);
        if (v == NULL) {
            hfk_jaas_free(out);
            return -1;
        }
        char **slot = NULL;
        if (nl == 8 && strncmp(name, "username", 8) == 0)
            slot = &out->username;
        else if (nl == 8 && strncmp(name, "password", 8) == 0)
            slot = &out->password;
        if (slot) {
            free(*slot);
            *slot = v;
        } else {
            free(v); /* other options (e.g. SCRAM's tokenauth) do not map */
        }
        s = skip_space(s);
    }
    if (*s != ';') {
        snprintf(why, n, "the entry does not end with ';'");
        hfk_jaas_free(out);
        return -1;
    }
    s = skip_space(s + 1);
    if (*s != '\0') {
        snprintf(why, n,
                 "only one login module entry is supported (text follows "
                 "the first ';')");
        hfk_jaas_free(out);
        return -1;
    }
    if (out->username == NULL || out->password == NULL) {
        snprintf(why, n, "the entry has no %s",
                 out->username == NULL ? "username" : "password");
        hfk_jaas_free(out);
        return -1;
    }
    hf_secret_register(out->password);
    return 0;
}
