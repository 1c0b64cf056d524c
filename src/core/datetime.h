/*
 * datetime.h - calendar conversions for DATE, TIME and TIMESTAMP values.
 *
 * Representations follow types.h: DATE = days since 1970-01-01, TIME =
 * microseconds since midnight, TIMESTAMP = wall-clock microseconds since
 * 1970-01-01 00:00:00, TIMESTAMP_LTZ = UTC microseconds since the epoch. The
 * proleptic Gregorian calendar is used for every year (as java.time does),
 * years 0001-9999 in text.
 *
 * Parsers accept the spellings Flink's formats produce and read:
 *   date       yyyy-MM-dd
 *   time       HH:mm[:ss[.fffffffff]]
 *   timestamp  yyyy-MM-dd[ T]HH:mm[:ss[.fffffffff]]
 *   ltz        the same, optionally followed by Z or +HH[:mm]/-HH[:mm]; with no
 *              zone the text is taken as UTC
 * Fractions beyond microseconds are truncated. Each returns 0 or -1.
 */
#ifndef HF_CORE_DATETIME_H
#define HF_CORE_DATETIME_H

#include <stddef.h>
#include <stdint.h>

#define HF_USEC_PER_SEC INT64_C(1000000)
#define HF_USEC_PER_DAY INT64_C(86400000000)

/* The range of DATE, TIMESTAMP and TIMESTAMP_LTZ values: 0001-01-01 to
 * 9999-12-31 (23:59:59.999999), the years the text forms have. The parsers
 * read only such years (a TIMESTAMP_LTZ text with a zone offset may land up
 * to 18 hours beyond either end); a decoder that takes a number from its
 * input (Avro's date and timestamp-millis, Kafka's record timestamp) must
 * refuse a number outside the range, and must check the scaling to
 * microseconds for overflow before it compares. Code that multiplies a DATE
 * by HF_USEC_PER_DAY relies on it. */
#define HF_DATE_MIN_DAYS INT64_C(-719162) /* 0001-01-01 */
#define HF_DATE_MAX_DAYS INT64_C(2932896) /* 9999-12-31 */
#define HF_TIMESTAMP_MIN_USEC (HF_DATE_MIN_DAYS * HF_USEC_PER_DAY)
#define HF_TIMESTAMP_MAX_USEC ((HF_DATE_MAX_DAYS + 1) * HF_USEC_PER_DAY - 1)

int hf_date_parse(const char *s, size_t len, int64_t *days);
int hf_time_parse(const char *s, size_t len, int64_t *usec);
int hf_timestamp_parse(const char *s, size_t len, int64_t *usec);
int hf_timestamp_ltz_parse(const char *s, size_t len, int64_t *usec);

/* Days since 1970-01-01 <-> civil date. */
int64_t hf_days_from_civil(int64_t y, unsigned m, unsigned d);
void hf_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* Formatting. `precision` is the number of fraction digits to print (0-6);
 * -1 prints the minimal number of digits (none when the fraction is zero),
 * as Flink's JSON writer does. `sep` is ' ' (SQL) or 'T' (ISO-8601).
 * Each returns the length written; buffers of 40 bytes always suffice. */
size_t hf_date_format(int64_t days, char *buf, size_t n);
size_t hf_time_format(int64_t usec, int precision, char *buf, size_t n);
size_t hf_timestamp_format(int64_t usec, int precision, char sep, char *buf,
                           size_t n);

/* An interval as Flink prints it: months "+2-10" (years-months), or
 * microseconds "+1 02:03:04.000" (days hh:mm:ss.fff). Returns the length
 * written. */
size_t hf_interval_ym_format(int64_t months, char *buf, size_t n);
size_t hf_interval_dt_format(int64_t usec, char *buf, size_t n);

/* Current time, microseconds since the epoch (CLOCK_REALTIME). */
int64_t hf_now_usec(void);

#endif
