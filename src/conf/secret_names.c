/*
 * secret_names.c - which option keys carry credentials, by their name.
 *
 * Option tables mark their own secrets (HF_OPTF_SENSITIVE). Keys that no
 * table spells out need a rule by name: every librdkafka or Kafka client
 * property passed through 'properties.*' ('properties.sasl.password',
 * 'properties.sasl.jaas.config', 'properties.ssl.key.pem'), the options of
 * a connector holoflow refuses by name, and a WITH clause the parser has
 * not finished reading when it shows an error caret. The rule looks at the
 * key's words (split at '.', '-', '_' and blanks, compared without case):
 *
 *   - a word containing password, passwd, secret, credential, jaas or
 *     token, or the word pwd - except credential(s) followed by the word
 *     source, which says where credentials come from
 *     ('basic-auth.credentials-source' = 'USER_INFO'): its value is a
 *     keyword that must not be masked everywhere;
 *   - user info ('basic.auth.user.info', 'basic-auth.user-info',
 *     'userinfo': "user:password" for a schema registry);
 *   - a key: the word key after access, api, private, secret, ssl,
 *     keystore or sasl, or the words accesskey, apikey, privatekey,
 *     secretkey - unless the next word says it names a file or an id
 *     (location, file, path, id, type, ...): 'ssl.key.location' is a path,
 *     'access.key.id' an account name, while 'ssl.key.pem' is the key;
 *   - 'sasl.oauthbearer.config' (its text may hold client secrets).
 *
 * Words like 'key.format' or 'sink.key-fields' are not secrets: the word
 * 'key' alone says nothing.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "conf/opt.h"

#define MAX_WORDS 32
#define WORD_MAX 64

static bool word_is(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0)
            return true;
    return false;
}

bool hf_opt_secret_name(const char *key)
{
    if (key == NULL)
        return false;
    char words[MAX_WORDS][WORD_MAX];
    size_t nw = 0, wl = 0;
    for (const char *s = key;; s++) {
        char c = *s;
        bool sep = c == '\0' || c == '.' || c == '-' || c == '_' || c == ' ';
        if (!sep) {
            if (nw < MAX_WORDS && wl + 1 < WORD_MAX) {
                words[nw][wl++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
                words[nw][wl] = '\0';
            }
            if (c == '\0')
                break;
            continue;
        }
        if (wl > 0 && nw < MAX_WORDS)
            nw++;
        wl = 0;
        if (c == '\0')
            break;
    }

    static const char *const inside[] = {"password", "passwd", "secret",
                                         "credential", "jaas", "token"};
    static const char *const key_before[] = {"access", "api",      "private",
                                             "secret", "ssl",      "keystore",
                                             "sasl",   NULL};
    static const char *const key_words[] = {"accesskey", "apikey",
                                            "privatekey", "secretkey", NULL};
    static const char *const not_a_key[] = {
        "location", "file", "path",   "id",     "type",        "format",
        "fields",   "name", "alias",  "length", "serializer", "deserializer",
        "algorithm", "size", NULL};
    for (size_t i = 0; i < nw; i++) {
        const char *w = words[i];
        bool source = strstr(w, "credential") != NULL && i + 1 < nw &&
                      strcmp(words[i + 1], "source") == 0;
        for (size_t k = 0; k < sizeof inside / sizeof inside[0]; k++)
            if (strstr(w, inside[k]) != NULL && !source)
                return true;
        if (strcmp(w, "pwd") == 0 || strcmp(w, "userinfo") == 0)
            return true;
        if (strcmp(w, "user") == 0 && i + 1 < nw &&
            strcmp(words[i + 1], "info") == 0)
            return true;
        if (strcmp(w, "oauthbearer") == 0 && i + 1 < nw &&
            strcmp(words[i + 1], "config") == 0)
            return true;
        bool is_key = word_is(w, key_words) ||
                      (strcmp(w, "key") == 0 && i > 0 &&
                       word_is(words[i - 1], key_before));
        if (is_key && !(i + 1 < nw && word_is(words[i + 1], not_a_key)))
            return true;
    }
    return false;
}
