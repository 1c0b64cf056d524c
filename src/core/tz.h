/*
 * tz.h - time zones for the session time zone (table.local-time-zone) and
 * CONVERT_TZ: the offset from UTC at an instant, and the instant of a
 * wall-clock time.
 *
 * A zone is found by the ids java.time's ZoneId.of accepts: "UTC", "Z",
 * "GMT", "UT", fixed offsets ("+08:00", "-0530", "GMT+8", "UTC-03:30"),
 * region ids read from the system's tz database ("Asia/Shanghai",
 * "America/Los_Angeles", read from /usr/share/zoneinfo or $TZDIR), and
 * the old three-letter ids Java maps (PST, EST, CTT, ...). Zones are
 * loaded once per process and never freed, so a `const struct hf_tz *`
 * may be kept by anything for as long as the process runs.
 *
 * A wall-clock time that a zone skips (the gap of a spring-forward) or
 * repeats (the overlap of a fall-back) maps to an instant as java.time's
 * ZonedDateTime.ofLocal does: in a gap the time moves later by the length
 * of the gap, in an overlap the earlier instant is taken.
 *
 * @locality any thread; hf_tz_find may block briefly on the first load of
 * a zone (plan time).
 */
#ifndef HF_CORE_TZ_H
#define HF_CORE_TZ_H

#include <stddef.h>
#include <stdint.h>

struct hf_tz;

/* The zone named `id`, or NULL with why[0..n) saying why ("unknown time
 * zone 'Asia/Shanghia'"). The result is borrowed and lives until exit. */
const struct hf_tz *hf_tz_find(const char *id, char *why, size_t n);

/* The session time zone for table.local-time-zone: hf_tz_find, but, as
 * Flink, refusing ids that start with UTC+ / UTC- and the three-letter
 * ids; "default" is UTC (Flink: the JVM's zone). */
const struct hf_tz *hf_tz_find_session(const char *id, char *why, size_t n);

/* UTC (never NULL). */
const struct hf_tz *hf_tz_utc(void);

/* The id as given to hf_tz_find ("UTC" for hf_tz_utc()). */
const char *hf_tz_id(const struct hf_tz *tz);

/* Offset from UTC in seconds at the instant `utc_usec` (microseconds since
 * the epoch). NULL means UTC. */
int32_t hf_tz_offset(const struct hf_tz *tz, int64_t utc_usec);

/* Wall-clock microseconds of an instant, and the instant of a wall-clock
 * time (see the gap/overlap rule above). NULL means UTC. */
int64_t hf_tz_to_local(const struct hf_tz *tz, int64_t utc_usec);
int64_t hf_tz_to_utc(const struct hf_tz *tz, int64_t local_usec);

#endif
