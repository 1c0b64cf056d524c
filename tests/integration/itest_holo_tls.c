/*
 * itest_holo_tls.c - connection.ssl.mode against a PostgreSQL with TLS.
 *
 * Run by tests/integration/test_holo_tls.sh, which makes a throwaway CA
 * and server certificate, starts a private cluster with ssl=on and passes:
 *   HF_TLS_PORT      the cluster's TCP port (127.0.0.1)
 *   HF_TLS_USER, HF_TLS_DB
 *   HF_TLS_CA        the CA that signed the server certificate
 *   HF_TLS_WRONG_CA  an unrelated CA
 *   HF_TLS_SAN_IP    1: the certificate names DNS:localhost and
 *                    IP:127.0.0.1; 0: DNS:localhost only
 * Without HF_TLS_CA (e.g. under run_c_itests.sh) it prints "skipped" and
 * exits 0.
 *
 * Each case builds the configuration from WITH-clause options exactly as a
 * job does (option table, holo_config_from_opts, holo_config_validate) and
 * then connects; a connected session reports through pg_stat_ssl whether
 * it is encrypted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/opt.h"
#include "connectors/hologres/holo_config.h"
#include "connectors/hologres/holo_conn.h"

/* Outcome of one attempt. */
struct outcome {
    int stage; /* 0 connected, 1 options, 2 validate, 3 connect */
    bool ssl;  /* connected: the session is encrypted */
    enum holo_err_class cls;
    char msg[HF_ERRMSG_MAX];
};

static void attempt(const char *host, const char *mode, const char *ca,
                    struct outcome *out)
{
    char endpoint[128];
    snprintf(endpoint, sizeof endpoint, "%s:%s", host, getenv("HF_TLS_PORT"));
    struct hf_kv kvs[8];
    size_t n = 0;
#define KV(k, v)                                                               \
    kvs[n++] = (struct hf_kv){.key = (char *)(k), .value = (char *)(v)}
    KV("endpoint", endpoint);
    KV("dbname", getenv("HF_TLS_DB"));
    KV("tablename", "t");
    KV("username", getenv("HF_TLS_USER"));
    KV("password", "");
    KV("connection.ssl.mode", mode);
    KV("retry-count", "1");
    if (ca)
        KV("connection.ssl.root-cert.location", ca);
#undef KV
    memset(out, 0, sizeof *out);
    struct hf_opts o;
    struct holo_config cfg;
    memset(&cfg, 0, sizeof cfg);
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_opts_parse(&o, "connector 'hologres'", "", hf_holo_opt_defs,
                      hf_holo_opt_ndefs, kvs, n, &err) != 0 ||
        holo_config_from_opts(&cfg, &o, &err) != 0) {
        out->stage = 1;
        goto done;
    }
    if (holo_config_validate(&cfg, NULL, &err) != 0) {
        out->stage = 2;
        goto done;
    }
    struct holo_conn c;
    memset(&c, 0, sizeof c);
    if (holo_conn_open(&c, &cfg, &out->cls, &err) != 0) {
        out->stage = 3;
        goto done;
    }
    PGresult *r = PQexec(c.pg, "SELECT ssl FROM pg_stat_ssl "
                               "WHERE pid = pg_backend_pid()");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    out->ssl = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    assert_int_equal(out->ssl, PQsslInUse(c.pg) ? true : false);
    PQclear(r);
    holo_conn_close(&c);
done:
    snprintf(out->msg, sizeof out->msg, "%s", err.msg);
    holo_config_free(&cfg);
    hf_opts_free(&o);
}

static void expect_connected(const char *host, const char *mode, const char *ca,
                             bool ssl)
{
    struct outcome o;
    attempt(host, mode, ca, &o);
    if (o.stage != 0)
        fail_msg("%s with sslmode %s: failed at stage %d: %s", host, mode,
                 o.stage, o.msg);
    if (o.ssl != ssl)
        fail_msg("%s with sslmode %s: ssl %d, expected %d", host, mode, o.ssl,
                 ssl);
}

static void test_disable_and_require(void **state)
{
    (void)state;
    expect_connected("127.0.0.1", "disable", NULL, false);
    expect_connected("127.0.0.1", "require", NULL, true);
    expect_connected("localhost", "require", NULL, true);
}

static void test_verify_ca(void **state)
{
    (void)state;
    const char *ca = getenv("HF_TLS_CA");
    /* verify-ca checks the chain only, whatever the host name. */
    expect_connected("127.0.0.1", "verify-ca", ca, true);
    expect_connected("localhost", "verify-ca", ca, true);

    struct outcome o;
    attempt("127.0.0.1", "verify-ca", getenv("HF_TLS_WRONG_CA"), &o);
    assert_int_equal(o.stage, 3);
    assert_int_equal(o.cls, HOLO_ERR_FATAL);
    if (strstr(o.msg, "certificate verify failed") == NULL)
        fail_msg("unexpected message: %s", o.msg);
    char want[256];
    snprintf(want, sizeof want,
             "cannot connect to '127.0.0.1:%s' (database '%s', user '%s', "
             "sslmode verify-ca): ",
             getenv("HF_TLS_PORT"), getenv("HF_TLS_DB"), getenv("HF_TLS_USER"));
    assert_memory_equal(o.msg, want, strlen(want));

    /* Without a root certificate: a configuration error before any
     * connection attempt. */
    attempt("127.0.0.1", "verify-ca", NULL, &o);
    assert_int_equal(o.stage, 2);
    assert_string_equal(o.msg,
                        "option 'connection.ssl.mode' = 'verify-ca' needs "
                        "'connection.ssl.root-cert.location' (the file of the "
                        "CA certificate that signed the server's "
                        "certificate)");
    attempt("127.0.0.1", "verify-full", NULL, &o);
    assert_int_equal(o.stage, 2);
}

static void test_verify_full(void **state)
{
    (void)state;
    const char *ca = getenv("HF_TLS_CA");
    bool san_ip = strcmp(getenv("HF_TLS_SAN_IP"), "1") == 0;
    expect_connected("localhost", "verify-full", ca, true);
    if (san_ip) {
        expect_connected("127.0.0.1", "verify-full", ca, true);
    } else {
        struct outcome o;
        attempt("127.0.0.1", "verify-full", ca, &o);
        assert_int_equal(o.stage, 3);
        assert_int_equal(o.cls, HOLO_ERR_FATAL);
        /* libpq: 'server certificate for "localhost" (and 1 other name)
         * does not match host name "127.0.0.1"' (CN and SAN both count). */
        if (strstr(o.msg, "server certificate for \"localhost\"") == NULL ||
            strstr(o.msg, "does not match host name \"127.0.0.1\"") == NULL)
            fail_msg("unexpected message: %s", o.msg);
    }
    struct outcome o;
    attempt("localhost", "verify-full", getenv("HF_TLS_WRONG_CA"), &o);
    assert_int_equal(o.stage, 3);
    assert_int_equal(o.cls, HOLO_ERR_FATAL);
}

int main(void)
{
    if (getenv("HF_TLS_CA") == NULL || getenv("HF_TLS_PORT") == NULL ||
        getenv("HF_TLS_WRONG_CA") == NULL || getenv("HF_TLS_SAN_IP") == NULL ||
        getenv("HF_TLS_USER") == NULL || getenv("HF_TLS_DB") == NULL) {
        printf("itest_holo_tls: skipped (run tests/integration/"
               "test_holo_tls.sh)\n");
        return 0;
    }
    /* PG* settings of the caller must not change what is tested. */
    unsetenv("PGSSLMODE");
    unsetenv("PGSSLROOTCERT");
    unsetenv("PGHOSTADDR");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disable_and_require),
        cmocka_unit_test(test_verify_ca),
        cmocka_unit_test(test_verify_full),
    };
    return cmocka_run_group_tests_name("itest_holo_tls", tests, NULL, NULL);
}
