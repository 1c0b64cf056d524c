/*
 * test_secrets.c - the secret scrubber (every secret length at every
 * position of a full buffer, under ASan in `make check`), the rule that
 * names credential keys, error carets over WITH clauses that hold
 * passwords, and explain of a job full of secrets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/opt.h"
#include "connectors/connector.h"
#include "formats/format.h"
#include "core/log.h"
#include "holoflow.h"
#include "runtime/plan.h"
#include "sql/lexer.h"
#include "sql/planner.h"

/* Every length from 1 byte up is registered in these tests, to prove
 * the scrubber for any length (the library starts at 3: log.h). */
static int reset(void **state)
{
    (void)state;
    hf_secrets_reset(1);
    return 0;
}

/* No occurrence of `secret` and no tail of `s` that starts it. */
static void assert_clean(const char *s, const char *secret)
{
    assert_null(strstr(s, secret));
    size_t n = strlen(s), sl = strlen(secret);
    for (size_t k = 1; k < sl && k <= n; k++)
        if (memcmp(s + n - k, secret, k) == 0)
            fail_msg("'%s' ends with the start of secret '%s'", s, secret);
}

/* Every secret length 1..8 at every position of a full heap buffer (exact
 * size, so ASan sees a write past it), and the text around it kept. */
static void test_every_length_every_position(void **state)
{
    (void)state;
    const char letters[] = "abcdefgh";
    for (size_t cap = 1; cap <= 24; cap++) {
        for (size_t sl = 1; sl <= 8; sl++) {
            char secret[9];
            memcpy(secret, letters, sl);
            secret[sl] = '\0';
            for (size_t pos = 0; pos < cap; pos++) {
                hf_secrets_reset(1);
                hf_secret_register(secret);
                char *buf = malloc(cap);
                assert_non_null(buf);
                memset(buf, '.', cap - 1);
                buf[cap - 1] = '\0';
                /* The secret, cut by the buffer's end when it does not fit
                 * (as snprintf cuts a message). */
                size_t put = pos + sl <= cap - 1 ? sl : cap - 1 - pos;
                memcpy(buf + pos, secret, put);
                hf_scrub(buf, cap);
                assert_true(strlen(buf) < cap);
                if (sl > 1 || put == sl)
                    assert_clean(buf, secret);
                /* Text before the secret is untouched. */
                for (size_t i = 0; i < pos && i < strlen(buf); i++)
                    assert_int_equal(buf[i], '.');
                if (put == sl && pos + 6 <= cap - 1)
                    assert_memory_equal(buf + pos, "******", 6);
                free(buf);
            }
        }
    }
}

/* The reproducer of the overflow: a full buffer made of a 3-byte secret. */
static void test_full_buffer_of_secrets(void **state)
{
    (void)state;
    for (size_t sl = 1; sl <= 8; sl++) {
        char secret[9] = "xyzuvwqr";
        secret[sl] = '\0';
        hf_secrets_reset(1);
        hf_secret_register(secret);
        size_t cap = 1024;
        char *buf = malloc(cap);
        for (size_t i = 0; i < cap - 1; i++)
            buf[i] = secret[i % sl];
        buf[cap - 1] = '\0';
        hf_scrub(buf, cap);
        assert_clean(buf, secret);
        for (size_t i = 0; buf[i]; i++)
            assert_int_equal(buf[i], '*');
        free(buf);

        /* Unterminated input: the last byte is treated as cut off. */
        buf = malloc(16);
        memset(buf, 'x', 16);
        hf_scrub(buf, 16);
        assert_true(strlen(buf) < 16);
        free(buf);
    }
}

static void test_dup_grows(void **state)
{
    (void)state;
    hf_secret_register("k");
    char text[1001];
    memset(text, 'k', 1000);
    text[1000] = '\0';
    char *out = hf_scrub_dup(text);
    assert_non_null(out);
    assert_int_equal(strlen(out), 6000);
    assert_null(strchr(out, 'k'));
    free(out);
}

static void test_many_secrets_longest_first(void **state)
{
    (void)state;
    char s[32];
    for (int i = 0; i < 300; i++) {
        snprintf(s, sizeof s, "pw-%03d-z", i);
        hf_secret_register(s);
    }
    hf_secret_register("abc");
    hf_secret_register("abcdef");
    hf_secret_register("abcdef"); /* twice: kept once */
    char buf[128] = "a pw-000-z b pw-299-z c abcdefg abcx";
    hf_scrub(buf, sizeof buf);
    assert_string_equal(buf, "a ****** b ****** c ******g ******x");
}

/* A long log line is scrubbed whole, also a secret past 4 KiB. */
static void test_log_long_line(void **state)
{
    (void)state;
    hf_secret_register("tiger");
    char tmpl[] = "/tmp/hf-log-XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    char *big = malloc(10000);
    memset(big, 'a', 9999);
    big[9999] = '\0';
    memcpy(big + 4090, "tiger", 5);
    memcpy(big + 9990, "tiger", 5);
    hf_log_configure(HF_LOG_INFO, 1);
    hf_log_info("%s", big);
    hf_log_configure(HF_LOG_INFO, 0);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    free(big);
    FILE *f = fdopen(fd, "r");
    fseek(f, 0, SEEK_SET);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    assert_true(n > 9999);
    assert_null(strstr(line, "tiger"));
    assert_non_null(strstr(line, "a******a"));
    free(line);
    fclose(f);
    unlink(tmpl);
}

static void test_secret_names(void **state)
{
    (void)state;
    static const char *const yes[] = {
        "password",
        "PASSWORD",
        "connection.password",
        "properties.sasl.password",
        "properties.sasl.jaas.config",
        "properties.ssl.key.password",
        "properties.ssl.keystore.password",
        "properties.ssl.key.pem",
        "properties.ssl_key",
        "properties.sasl.oauthbearer.config",
        "properties.sasl.oauthbearer.client.secret",
        "avro-confluent.basic-auth.user-info",
        "value.avro-confluent.basic-auth.user-info",
        "properties.basic.auth.user.info",
        "avro-confluent.bearer-auth.token",
        "accessKey",
        "access_key",
        "access-key-secret",
        "secretKey",
        "api.key",
        "private.key",
        "pwd",
        "connection.credentials",
    };
    static const char *const no[] = {
        "key.format",
        "key.fields",
        "key.fields-prefix",
        "sink.key-fields",
        "properties.ssl.key.location",
        "properties.ssl.keystore.location",
        "properties.ssl.certificate.pem",
        "access.key.id",
        "username",
        "properties.sasl.username",
        "properties.sasl.mechanism",
        "connector",
        "path",
        "primary.key",
        "endpoint",
        /* where credentials come from, not a credential */
        "avro-confluent.basic-auth.credentials-source",
        "avro-confluent.bearer-auth.credentials-source",
        "properties.basic.auth.credentials.source",
    };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!hf_opt_secret_name(yes[i]))
            fail_msg("'%s' should name a secret", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (hf_opt_secret_name(no[i]))
            fail_msg("'%s' should not name a secret", no[i]);
}

static void caret_of(const char *text, int line, int col, char *buf, size_t n)
{
    struct hf_sql_src src = {.file = "t.sql", .text = text, .len = strlen(text)};
    hf_sql_caret(&src, line, col, buf, n);
}

static void test_caret_masks_values(void **state)
{
    (void)state;
    char buf[400];
    /* Value after the caret. */
    caret_of("WITH ('connector' = 'x', 'password' = 'hunter2', 'a' = 'b' 'c')",
             1, 60, buf, sizeof buf);
    assert_null(strstr(buf, "hunter2"));
    assert_non_null(strstr(buf, "'password' = '******', 'a' = 'b' 'c')"));
    /* The caret stays under the column it named ('c', byte 59 -> 58). */
    const char *nl = strchr(buf, '\n');
    assert_non_null(nl);
    const char *caret = strchr(nl, '^');
    assert_int_equal(caret - (nl + 1), strstr(buf, "'c'") - buf);

    /* Caret inside the value: points at the mask. */
    caret_of("  'password'='hunter2' x", 1, 17, buf, sizeof buf);
    assert_null(strstr(buf, "hunter"));
    nl = strchr(buf, '\n');
    assert_int_equal(strchr(nl, '^') - (nl + 1), strstr(buf, "******") - buf);

    /* Unterminated value, value on the next line, escaped quotes, legacy
     * and Kafka keys, a comment between key and value. */
    caret_of("'password' = 'hun''ter2", 1, 14, buf, sizeof buf);
    assert_null(strstr(buf, "hun"));
    caret_of("'properties.sasl.jaas.config' =\n  'org.x required "
             "password=\"s3\";' oops",
             2, 40, buf, sizeof buf);
    assert_null(strstr(buf, "s3"));
    assert_non_null(strstr(buf, "******' oops"));
    caret_of("'password' /* c */ = -- x\n 'hunter2', 'user' = 'bob'", 2, 2,
             buf, sizeof buf);
    assert_null(strstr(buf, "hunter2"));
    assert_non_null(strstr(buf, "'bob'"));
    /* A key that is not a secret keeps its value. */
    caret_of("'key.fields' = 'id', 'path' = '/d'", 1, 1, buf, sizeof buf);
    assert_non_null(strstr(buf, "'id'"));

    /* A registered secret elsewhere in a long line is masked before the
     * window cuts the line: no half secret at either edge. */
    char line[400];
    memset(line, 'a', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    memcpy(line + 3, "swordfish", 9);
    memcpy(line + 190, "swordfish", 9);
    hf_secret_register("swordfish");
    for (int col = 1; col < 390; col += 7) {
        caret_of(line, 1, col, buf, sizeof buf);
        assert_null(strstr(buf, "sword"));
        assert_null(strstr(buf, "fish"));
    }
}

/* Parse errors inside WITH show the line without the literal password. */
static void test_parse_errors_hide_password(void **state)
{
    (void)state;
    static const char *const scripts[] = {
        "CREATE TABLE t (a INT) WITH ('connector' = 'print', 'password' = "
        "'zebra-pass' 'oops');",
        "CREATE TABLE t (a INT) WITH ('connector' = 'hologres', 'password' = "
        "'zebra-pass', 'password' = 'zebra-pass');",
        "CREATE TABLE t (a INT) WITH ('connector' = 'jdbc', 'password' = "
        "'zebra-pass');",
        "CREATE TABLE t (a INT) WITH ('connector' = 'kafka', "
        "'properties.sasl.password' = 'zebra-pass', 'topic' = 1);",
        "CREATE TABLE t (a INT) WITH ('connector' = 'print', 'password' = "
        "'zebra-pass",
    };
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
        hf_secrets_reset(1);
        struct hf_job *job = NULL;
        struct hf_error err;
        hf_error_clear(&err);
        assert_int_equal(hf_sql_plan_text("t.sql", scripts[i], NULL, 0, &job,
                                          &err),
                         -1);
        hf_scrub(err.msg, sizeof err.msg);
        if (strstr(err.msg, "zebra") != NULL)
            fail_msg("script %zu shows the password:\n%s", i, err.msg);
        if (strstr(err.msg, "t.sql:1:") == NULL)
            fail_msg("script %zu: %s", i, err.msg);
    }
}

static void test_explain_masks_kafka_credentials(void **state)
{
    (void)state;
    const char *sql =
        "CREATE TABLE k (a INT) WITH ('connector' = 'kafka', 'topic' = 't',\n"
        " 'properties.bootstrap.servers' = 'localhost:9092',\n"
        " 'properties.security.protocol' = 'SASL_SSL',\n"
        " 'properties.sasl.mechanism' = 'PLAIN',\n"
        " 'properties.sasl.username' = 'alice',\n"
        " 'properties.sasl.password' = 'kp-one',\n"
        " 'properties.ssl.key.password' = 'kp-two',\n"
        " 'properties.ssl.key.pem' = 'kp-three',\n"
        " 'format' = 'json');\n"
        "CREATE TABLE h (a INT) WITH ('connector' = 'hologres',\n"
        " 'endpoint' = 'localhost:5432', 'dbname' = 'd', 'tablename' = 't',\n"
        " 'username' = 'u', 'password' = 'es]');\n"
        "INSERT INTO h SELECT a FROM k;\n";
    struct hf_job *job = NULL;
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_sql_plan_text("j.sql", sql, NULL, 0, &job, &err) != 0)
        fail_msg("%s", err.msg);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    hf_job_explain(job, f);
    fclose(f);
    hf_job_free(job);
    assert_null(strstr(text, "kp-"));
    assert_null(strstr(text, "es]"));
    assert_non_null(strstr(text, "properties.sasl.password = '******'"));
    assert_non_null(strstr(text, "properties.sasl.username = 'alice'"));
    /* The plan is whole: "[hologres]" became "[hologr******" but the
     * graph's last line is there. */
    assert_non_null(
        strstr(text, "sink: h [hologr****** (INSERT at line 13) <- n2\n"));
    free(text);
}

/* The secrets inventory: in every option table (connectors, formats, job
 * settings), an option is marked SENSITIVE exactly when its key or one of
 * its aliases names a credential, so the generated docs say "secret" for
 * each of them; and the pass-through prefixes ('properties.') are the only
 * unmarked keys whose entries can be credentials. */
static void check_table(const char *owner, const char *prefix,
                        const struct hf_opt_def *defs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct hf_opt_def *d = &defs[i];
        if (d->flags & (HF_OPTF_PREFIX | HF_OPTF_PATTERN))
            continue;
        char key[256];
        snprintf(key, sizeof key, "%s%s", prefix, d->key);
        bool named = hf_opt_secret_name(key);
        for (const char *const *a = d->aliases; a && *a; a++) {
            snprintf(key, sizeof key, "%s%s", prefix, *a);
            named |= hf_opt_secret_name(key);
        }
        bool marked = (d->flags & HF_OPTF_SENSITIVE) != 0;
        if (named != marked)
            fail_msg("%s option '%s%s' is %s but its name %s a credential",
                     owner, prefix, d->key, marked ? "secret" : "not secret",
                     named ? "names" : "does not name");
    }
}

static void test_inventory(void **state)
{
    (void)state;
    size_t nsensitive = 0;
    for (const struct hf_connector *const *c = hf_connector_list(); *c; c++) {
        check_table((*c)->name, "", (*c)->opts, (*c)->nopts);
        for (size_t i = 0; i < (*c)->nopts; i++)
            nsensitive += ((*c)->opts[i].flags & HF_OPTF_SENSITIVE) != 0;
    }
    for (const struct hf_format *const *f = hf_format_list(); *f; f++) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s.", (*f)->name);
        check_table((*f)->name, prefix, (*f)->opts, (*f)->nopts);
    }
    check_table("job", "", hf_job_opt_defs, hf_job_opt_ndefs);
    assert_true(nsensitive >= 1); /* hologres 'password' at least */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_every_length_every_position, reset),
        cmocka_unit_test_setup(test_full_buffer_of_secrets, reset),
        cmocka_unit_test_setup(test_dup_grows, reset),
        cmocka_unit_test_setup(test_many_secrets_longest_first, reset),
        cmocka_unit_test_setup(test_log_long_line, reset),
        cmocka_unit_test_setup(test_secret_names, reset),
        cmocka_unit_test_setup(test_caret_masks_values, reset),
        cmocka_unit_test_setup(test_parse_errors_hide_password, reset),
        cmocka_unit_test_setup(test_explain_masks_kafka_credentials, reset),
        cmocka_unit_test(test_inventory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
