/*
 * test_kafka_jaas.c - 'properties.sasl.jaas.config' (Java's JAAS entry)
 * read for librdkafka: PLAIN and SCRAM entries become sasl.username and
 * sasl.password (also under Flink's shaded class names, with escapes and
 * bare values), other modules and malformed entries are refused with the
 * reason, and through the planner the properties land in librdkafka's
 * configuration (read back with rd_kafka_conf_get).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <string.h>

#include "connectors/kafka/kafka_int.h"
#include "sql/planner.h"

static void test_parse(void **state)
{
    (void)state;
    struct hfk_jaas j;
    char why[400];
    static const struct {
        const char *text, *user, *pass;
    } ok[] = {
        {"org.apache.kafka.common.security.plain.PlainLoginModule required "
         "username=\"alice\" password=\"s3cret\";",
         "alice", "s3cret"},
        {"  org.apache.flink.kafka.shaded.org.apache.kafka.common.security."
         "scram.ScramLoginModule REQUIRED\n password=\"a\\\"b\\\\c\"\n"
         " username=bob ;  ",
         "bob", "a\"b\\c"},
        {"org.apache.kafka.common.security.scram.ScramLoginModule sufficient "
         "username=\"u\" password=\"p p\" tokenauth=\"true\";",
         "u", "p p"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (hfk_jaas_parse(ok[i].text, &j, why, sizeof why) != 0)
            fail_msg("case %zu: %s", i, why);
        assert_string_equal(j.username, ok[i].user);
        assert_string_equal(j.password, ok[i].pass);
        hfk_jaas_free(&j);
    }
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule "
         "required;",
         "OAuthBearerLoginModule has no librdkafka equivalent here; set "
         "'properties.sasl.mechanism' = 'OAUTHBEARER'"},
        {"com.sun.security.auth.module.Krb5LoginModule required "
         "useKeyTab=true;",
         "Krb5LoginModule has no librdkafka equivalent"},
        {"com.example.Custom required;", "login module 'com.example.Custom' "
                                         "is not supported"},
        {"x.PlainLoginModule username=\"a\" password=\"b\";",
         "control flag"},
        {"x.PlainLoginModule required username=\"a\" password=\"b\"",
         "does not end with ';'"},
        {"x.PlainLoginModule required username=\"a\" password=\"b;", "closing"},
        {"x.PlainLoginModule required username=\"a\";", "has no password"},
        {"x.PlainLoginModule required username=\"a\" password=\"b\"; "
         "y.PlainLoginModule required;",
         "only one login module entry"},
        {"", "names no login module"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(hfk_jaas_parse(bad[i].text, &j, why, sizeof why), -1);
        if (strstr(why, bad[i].why) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, why, bad[i].why);
        assert_null(j.username);
        assert_null(j.password);
    }
}

static const char *const table_fmt =
    "CREATE TABLE k (a INT) WITH ('connector' = 'kafka', 'topic' = 't',\n"
    " 'format' = 'json', 'properties.bootstrap.servers' = 'b:9092',\n"
    " 'properties.security.protocol' = 'SASL_PLAINTEXT',\n"
    " 'properties.sasl.mechanism' = 'PLAIN'%s,\n"
    " 'properties.sasl.jaas.config' = '%s');\n";

static int plan(const char *extra, const char *jaas, struct hf_job **job,
                struct hf_error *err)
{
    char sql[2048];
    snprintf(sql, sizeof sql, table_fmt, extra, jaas);
    hf_error_clear(err);
    *job = NULL;
    return hf_sql_plan_text("t.sql", sql, NULL, 0, job, err);
}

static void test_through_planner(void **state)
{
    (void)state;
    struct hf_job *job;
    struct hf_error err;
    const char *jaas = "org.apache.kafka.common.security.plain.PlainLoginModule"
                       " required username=\"alice\" "
                       "password=\"pw-xyz\";";
    if (plan("", jaas, &job, &err) != 0)
        fail_msg("%s", err.msg);
    rd_kafka_conf_t *conf = hfk_conf_new(job->tables[0], NULL, &err);
    assert_non_null(conf);
    char v[64];
    size_t n = sizeof v;
    assert_int_equal(rd_kafka_conf_get(conf, "sasl.username", v, &n),
                     RD_KAFKA_CONF_OK);
    assert_string_equal(v, "alice");
    n = sizeof v;
    assert_int_equal(rd_kafka_conf_get(conf, "sasl.password", v, &n),
                     RD_KAFKA_CONF_OK);
    assert_string_equal(v, "pw-xyz");
    rd_kafka_conf_destroy(conf);
    hf_job_free(job);

    /* Given twice, alike: fine; different: refused at check. */
    assert_int_equal(
        plan(", 'properties.sasl.username' = 'alice'", jaas, &job, &err), 0);
    hf_job_free(job);
    assert_int_equal(
        plan(", 'properties.sasl.password' = 'other'", jaas, &job, &err), -1);
    if (!strstr(err.msg, "kafka table 'k': ") || !strstr(err.msg, "t.sql:5:2:"))
        fail_msg("%s", err.msg);
    assert_non_null(strstr(err.msg, "kafka table 'k': "
                                    "'sasl.jaas.config' and 'sasl.password' "
                                    "give different passwords"));
    /* An unsupported module fails `check`, naming the option. */
    assert_int_equal(plan("", "x.OAuthBearerLoginModule required;", &job, &err),
                     -1);
    assert_non_null(strstr(err.msg, "option 'properties.sasl.jaas.config'"));
    assert_non_null(strstr(err.msg, "OAUTHBEARER"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_through_planner),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
