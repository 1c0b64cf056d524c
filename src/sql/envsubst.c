/*
 * envsubst.c - ${NAME} and ${secret_values.NAME} expansion of option values
 * (see envsubst.h).
 *
 * One pass over the text; a reference is resolved when it is met, so the
 * expansion of one reference is never scanned again (a value containing
 * "${" stays as it is). Secrets are registered with the scrubber before
 * they are copied anywhere.
 */
#include "sql/envsubst.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/strbuf.h"

#define SECRET_PREFIX "secret_values."
#define NAME_MAX_LEN 255

static bool env_name_ok(const char *name, size_t n)
{
    bool ok = n > 0 && n <= NAME_MAX_LEN &&
              (isalpha((unsigned char)name[0]) || name[0] == '_');
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)name[i]) || name[i] == '_';
    return ok;
}

/* Ververica's secret names: letters, digits, '_', '-' and '.'. */
static bool secret_name_ok(const char *name, size_t n)
{
    bool ok = n > 0 && n <= NAME_MAX_LEN;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)name[i]) || name[i] == '_' ||
             name[i] == '-' || name[i] == '.';
    return ok;
}

/* The value of secret `name`: the variable of that name, else the one with
 * every other character than [A-Za-z0-9_] as '_'. */
static const char *secret_value(const char *name, char *alt, size_t altlen)
{
    const char *v = getenv(name);
    alt[0] = '\0';
    if (v != NULL)
        return v;
    size_t n = strlen(name);
    if (n >= altlen)
        return NULL;
    bool changed = false;
    for (size_t i = 0; i < n; i++) {
        bool keep = isalnum((unsigned char)name[i]) || name[i] == '_';
        alt[i] = keep ? name[i] : '_';
        changed |= !keep;
    }
    alt[n] = '\0';
    if (!changed) {
        alt[0] = '\0';
        return NULL;
    }
    return getenv(alt);
}

char *hf_env_expand_ex(const char *in, bool *secret, char *why, size_t whylen)
{
    struct hf_strbuf out;
    hf_strbuf_init(&out, 0);
    hf_strbuf_puts(&out, ""); /* never NULL data */
    if (secret)
        *secret = false;
    for (const char *p = in; *p;) {
        if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
            hf_strbuf_puts(&out, "${");
            p += 3;
            continue;
        }
        if (p[0] != '$' || p[1] != '{') {
            hf_strbuf_putc(&out, *p++);
            continue;
        }
        const char *name = p + 2;
        const char *end = strchr(name, '}');
        if (end == NULL) {
            snprintf(why, whylen, "unterminated ${ (write $${ for a literal)");
            hf_strbuf_free(&out);
            return NULL;
        }
        size_t n = (size_t)(end - name);
        size_t pl = strlen(SECRET_PREFIX);
        if (n >= pl && strncmp(name, SECRET_PREFIX, pl) == 0) {
            const char *sn = name + pl;
            size_t sl = n - pl;
            if (!secret_name_ok(sn, sl)) {
                snprintf(why, whylen,
                         "'${%.*s}' does not name a secret: write "
                         "${secret_values.NAME} with NAME of letters, digits, "
                         "'_', '-' or '.'",
                         (int)(n < 64 ? n : 64), name);
                hf_strbuf_free(&out);
                return NULL;
            }
            char var[NAME_MAX_LEN + 1], alt[NAME_MAX_LEN + 1];
            memcpy(var, sn, sl);
            var[sl] = '\0';
            const char *val = secret_value(var, alt, sizeof alt);
            if (val == NULL) {
                if (alt[0])
                    snprintf(why, whylen,
                             "secret '%s' (${secret_values.%s}) is not "
                             "defined: set the environment variable %s (or "
                             "%s)",
                             var, var, var, alt);
                else
                    snprintf(why, whylen,
                             "secret '%s' (${secret_values.%s}) is not "
                             "defined: set the environment variable %s",
                             var, var, var);
                hf_strbuf_free(&out);
                return NULL;
            }
            hf_secret_register(val);
            if (secret)
                *secret = true;
            hf_strbuf_puts(&out, val);
            p = end + 1;
            continue;
        }
        if (!env_name_ok(name, n)) {
            snprintf(why, whylen, "'${%.*s}' is not a variable name",
                     (int)(n < 64 ? n : 64), name);
            hf_strbuf_free(&out);
            return NULL;
        }
        char var[NAME_MAX_LEN + 1];
        memcpy(var, name, n);
        var[n] = '\0';
        const char *val = getenv(var);
        if (val == NULL) {
            snprintf(why, whylen, "environment variable %s is not set", var);
            hf_strbuf_free(&out);
            return NULL;
        }
        hf_strbuf_puts(&out, val);
        p = end + 1;
    }
    if (!hf_strbuf_ok(&out)) {
        snprintf(why, whylen, "out of memory");
        hf_strbuf_free(&out);
        return NULL;
    }
    return out.data;
}

char *hf_env_expand(const char *in, char *why, size_t whylen)
{
    return hf_env_expand_ex(in, NULL, why, whylen);
}
