/*
 * test_jdbc.c - the jdbc connector's pure parts, without a server: the
 * PostgreSQL JDBC URL parser (host, port, IPv6, database, %-escapes,
 * parameters, pgjdbc's ssl=true meaning verify-full, inert and refused
 * parameters) and Flink's partition arithmetic, checked against the
 * ranges of Flink's own NumericBetweenParametersProvider tests (divisible,
 * not divisible, more splits than values) and FLINK-38046's large bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/jdbc/jdbc_int.h"

static void url_ok(const char *url, struct jdbc_url *u)
{
    struct hf_error err;
    hf_error_clear(&err);
    int rc = jdbc_url_parse(url, u, &err);
    if (rc != 0)
        fail_msg("%s: %s", url, err.msg);
}

static void url_bad(const char *url, const char *want)
{
    struct jdbc_url u;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(jdbc_url_parse(url, &u, &err), -1);
    if (strstr(err.msg, want) == NULL)
        fail_msg("%s: '%s' not in '%s'", url, want, err.msg);
}

static void test_url(void **state)
{
    (void)state;
    struct jdbc_url u;
    url_ok("jdbc:postgresql://db.example:6543/shop", &u);
    assert_string_equal(u.host, "db.example");
    assert_int_equal(u.port, 6543);
    assert_string_equal(u.dbname, "shop");
    assert_null(u.user);
    assert_int_equal(u.sslmode, -1);
    jdbc_url_free(&u);

    url_ok("jdbc:postgresql://[::1]:5433/my%20db?user=al%26ice&password=p%3Dw"
           "&ssl=true&currentSchema=%20sales%20,public&prepareThreshold=0",
           &u);
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 5433);
    assert_string_equal(u.dbname, "my db");
    assert_string_equal(u.user, "al&ice");
    assert_string_equal(u.password, "p=w");
    assert_int_equal(u.sslmode, HOLO_SSL_VERIFY_FULL);
    assert_string_equal(u.current_schema, "sales");
    assert_string_equal(u.inert, "prepareThreshold");
    jdbc_url_free(&u);

    url_ok("jdbc:postgresql://h/?sslmode=require&ssl=true", &u);
    assert_null(u.dbname);
    assert_int_equal(u.port, 5432);
    assert_int_equal(u.sslmode, HOLO_SSL_REQUIRE);
    jdbc_url_free(&u);

    url_ok("jdbc:postgresql:orders", &u);
    assert_string_equal(u.host, "localhost");
    assert_string_equal(u.dbname, "orders");
    jdbc_url_free(&u);
    url_ok("jdbc:postgresql:/", &u);
    assert_null(u.dbname);
    jdbc_url_free(&u);
    url_ok("jdbc:postgresql://h:1/d?sslmode=prefer", &u);
    assert_int_equal(u.sslmode, HOLO_SSL_PREFER);
    jdbc_url_free(&u);

    url_bad("jdbc:mysql://h:3306/d", "MySQL URLs are not supported");
    url_bad("jdbc:sqlserver://h;databaseName=d", "SQL Server URLs");
    url_bad("jdbc:PostgreSQL://h/d", "in lower case");
    url_bad("postgres://h/d", "this is a libpq URI");
    url_bad("jdbc:postgresql://h:0/d", "the port '0'");
    url_bad("jdbc:postgresql://h:x/d", "the port 'x'");
    url_bad("jdbc:postgresql://[::1/d", "without its ']'");
    url_bad("jdbc:postgresql://u:p@h/d", "user@host is not JDBC URL syntax");
    url_bad("jdbc:postgresql://h", "'/database' (or '/') must follow");
    url_bad("jdbc:postgresql://h/d?useSSL=false", "'useSSL' is a MySQL");
    url_bad("jdbc:postgresql://h/d?sslkey=k", "'sslkey' is not supported");
    url_bad("jdbc:postgresql://h/d?x=1", "unknown connection parameter 'x'");
    url_bad("jdbc:postgresql://h/d?user=%zz", "%-escape");
    url_bad("jdbc:postgresql://h/d?ssl=maybe", "ssl 'maybe'");
}

static void ranges(int64_t lower, int64_t upper, int64_t num,
                   const int64_t (*want)[2], uint32_t nwant)
{
    int64_t *lo, *hi;
    uint32_t n;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(
        jdbc_partition_ranges(lower, upper, num, &lo, &hi, &n, &err), 0);
    assert_int_equal(n, nwant);
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(lo[i], want[i][0]);
        assert_int_equal(hi[i], want[i][1]);
    }
    free(lo);
    free(hi);
}

static void test_partitions(void **state)
{
    (void)state;
    static const int64_t div[][2] = {
        {-5, -3}, {-2, 0}, {1, 3}, {4, 6}, {7, 9}};
    ranges(-5, 9, 5, div, 5);
    static const int64_t notdiv[][2] = {
        {-5, -2}, {-1, 2}, {3, 5}, {6, 8}, {9, 11}};
    ranges(-5, 11, 5, notdiv, 5);
    static const int64_t many[][2] = {{0, 0}, {1, 1}, {2, 2}};
    ranges(0, 2, 5, many, 3);
    static const int64_t one[][2] = {{7, 7}};
    ranges(7, 7, 1, one, 1);
    static const int64_t whole[][2] = {{1, 4000}};
    ranges(1, 4000, 1, whole, 1);
    static const int64_t big[][2] = {
        {2260418954055131340LL, 2798685988449068510LL},
        {2798685988449068511LL, 3336953022843005680LL},
        {3336953022843005681LL, 3875220057236942850LL}};
    ranges(2260418954055131340LL, 3875220057236942850LL, 3, big, 3);
    static const int64_t edge[][2] = {{INT64_MAX - 1, INT64_MAX - 1},
                                      {INT64_MAX, INT64_MAX}};
    ranges(INT64_MAX - 1, INT64_MAX, 4, edge, 2);

    int64_t *lo, *hi;
    uint32_t n;
    struct hf_error err;
    hf_error_clear(&err);
    assert_int_equal(
        jdbc_partition_ranges(INT64_MIN, INT64_MAX, 2, &lo, &hi, &n, &err), -1);
    assert_non_null(strstr(err.msg, "spans more than 2^63-1 values"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_partitions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
