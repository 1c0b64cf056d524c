/*
 * envsubst.c - ${NAME} expansion of option values (see envsubst.h).
 */
#include "sql/envsubst.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

char *hf_env_expand(const char *in, char *why, size_t whylen)
{
    struct hf_strbuf out;
    hf_strbuf_init(&out, 0);
    hf_strbuf_puts(&out, ""); /* never NULL data */
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
        bool ok = n > 0 && n < 256 &&
                  (isalpha((unsigned char)name[0]) || name[0] == '_');
        for (size_t i = 0; ok && i < n; i++)
            ok = isalnum((unsigned char)name[i]) || name[i] == '_';
        if (!ok) {
            snprintf(why, whylen, "'${%.*s}' is not a variable name",
                     (int)(n < 64 ? n : 64), name);
            hf_strbuf_free(&out);
            return NULL;
        }
        char var[256];
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
