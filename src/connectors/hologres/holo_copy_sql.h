/*
 * holo_copy_sql.h - the text of the COPY write modes' statements, and the
 * COPY data itself (binary and text rows).
 *
 * Statements (identifiers double-quoted, no values in the text):
 *   PostgreSQL
 *     COPY "s"."t" ("a", "b") FROM STDIN WITH (FORMAT binary)
 *     COPY "s"."t" ("a", "b") FROM STDIN WITH (FORMAT text, DELIMITER E'\x02')
 *     CREATE TEMP TABLE IF NOT EXISTS "hf_copy_stage" AS
 *       SELECT "a", "b" FROM "s"."t" WITH NO DATA      -- the staging table:
 *       the written columns with their exact types, no constraints
 *     COPY pg_temp."hf_copy_stage" ("a", "b") FROM STDIN WITH (...)
 *     INSERT INTO "s"."t" AS old ("a", "b") SELECT u.c1, u.c2
 *       FROM pg_temp."hf_copy_stage" AS u(c1, c2) ON CONFLICT ("a") DO ...
 *       (holo_sql_upsert with a source table: the same defaults, casts and
 *       on-conflict actions as INSERT mode)
 *     TRUNCATE pg_temp."hf_copy_stage"
 *   Hologres (native conflict handling, no staging)
 *     COPY_STREAM: ... FROM STDIN WITH (stream_mode true, format binary
 *       [, on_conflict update|ignore])
 *     COPY_BULK_LOAD: ... FROM STDIN WITH (format binary)
 *     COPY_BULK_LOAD_ON_CONFLICT: ... WITH (format binary, on_conflict
 *       update|ignore), after the session settings of holo_copy_session_sql
 *   INSERT_OR_REPLACE is sent as on_conflict update (Hologres' COPY knows
 *   update and ignore; every written column is replaced).
 *
 * Data. Binary rows are int16 field count then per field an int32 length
 * (-1 NULL) and the bytes the TARGET column's receive function reads: a
 * binary COPY does no casts, so each column has a plan (holo_copy_plan_col)
 * saying which PostgreSQL type to send and how to convert (INT into a
 * bigint column goes as int8, FLOAT into double precision as float8,
 * STRING into jsonb with the jsonb version byte, integers into numeric as
 * numeric, arrays with the target's element OID...). Text rows are the
 * values' text input forms (holo_encode_text) escaped per COPY's text
 * format -- backslash, newline, carriage return, tab and the delimiter get
 * a backslash (the delimiter as a 3-digit octal escape unless it is tab),
 * NULL is \N, fields are separated by the delimiter
 * (connector.field_delimiter, default U+0002) and rows end with \n -- and
 * go through the same conversions, so both formats store identical values.
 */
#ifndef HF_HOLO_COPY_SQL_H
#define HF_HOLO_COPY_SQL_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/hologres/holo_catalog.h"
#include "connectors/hologres/holo_config.h"
#include "connectors/hologres/holo_sql.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"

/* The staging table's name, and as a qualified relation. */
#define HOLO_COPY_STAGE "hf_copy_stage"
#define HOLO_COPY_STAGE_REL "pg_temp.\"hf_copy_stage\""

/* How a value is converted before it is encoded for its column. */
enum holo_copy_conv {
    HOLO_CONV_NONE,
    HOLO_CONV_F4_F8,       /* FLOAT into double precision */
    HOLO_CONV_INT_NUMERIC, /* an integer into numeric */
    HOLO_CONV_DEC_F8       /* DECIMAL into double precision (correctly
                              rounded, as the server's cast) */
};

/* The plan of one written column. */
struct holo_copy_col {
    uint32_t job_col;         /* index into the job's rows */
    struct hf_type type;      /* the job column's Flink type */
    bool array;               /* an ARRAY column */
    Oid elem_oid;             /* ARRAY: the target's element type OID,
                                 named in the array header */
    struct hf_type send;      /* the scalar type whose binary form the
                                 target column (ARRAY: its element type)
                                 reads */
    enum holo_copy_conv conv; /* applied to the value (elements) first */
    /* A nested value (holo_nested.h): encoded for `target`, the table
     * column (borrowed: the writer's metadata outlives its plans). */
    bool nested;
    const struct holo_column *target;
};

/* Plan job column `job_col` of Flink type `t` into table column `col`
 * (borrowed). 0, or -1 with err when the column's type has no binary form
 * holoflow can produce (the text format still works then). */
int holo_copy_plan_col(uint32_t job_col, const struct hf_type *t,
                       const struct holo_column *col, struct holo_copy_col *out,
                       struct hf_error *err);

/* Append one binary COPY field (length word, then the bytes; -1 for NULL)
 * for value `v` of plan `c`. 0 or -1 (err HF_ERR_DATA: the value does not
 * fit the wire type, e.g. a text with a \0 byte). */
int holo_copy_put_binary(struct hf_strbuf *out, const struct holo_copy_col *c,
                         const struct hf_value *v, struct hf_error *err);

/* Append one binary COPY row: the field count `n`, then
 * holo_copy_put_binary's field for vals[plan[i].job_col] of each plan
 * `plan[i]`, the common types written inline. 0, or -1 with err and
 * *failed the index into `plan` of the value that could not be encoded. */
int holo_copy_put_row_binary(struct hf_strbuf *out,
                             const struct holo_copy_col *plan, uint32_t n,
                             const struct hf_value *vals, uint32_t *failed,
                             struct hf_error *err);

/* Append one text COPY field: \N for NULL, else the escaped text form.
 * `tmp` is scratch space (borrowed). 0 or -1 as above. */
int holo_copy_put_text(struct hf_strbuf *out, const struct holo_copy_col *c,
                       const struct hf_value *v, char delim,
                       struct hf_strbuf *tmp, struct hf_error *err);

/* Append s[0..n) escaped for COPY's text format with delimiter `delim`. */
void holo_copy_escape(struct hf_strbuf *out, const char *s, size_t n,
                      char delim);

/* Whether `delim` can be a text COPY delimiter: one ASCII byte that is
 * not NUL, newline, carriage return, backslash, '.', 'N', a lower-case
 * letter or a digit (PostgreSQL refuses those: they collide with escapes
 * and the NULL marker). */
bool holo_copy_delim_ok(char delim);

/* COPY of the written columns of spec `s` (its schema.table is the target:
 * the table, a partition child, or "pg_temp"/HOLO_COPY_STAGE) in `mode`
 * with the format and delimiter of s->cfg. `conflict`: the Hologres
 * statement resolves key conflicts (on_conflict by s->cfg->on_conflict);
 * ignored for PostgreSQL, whose COPY has no such option. Appends to `sql`.
 * 0 or -1. */
int holo_copy_sql(const struct holo_stmt_spec *s, enum holo_write_mode mode,
                  bool conflict, struct hf_strbuf *sql, struct hf_error *err);

/* CREATE TEMP TABLE IF NOT EXISTS for the staging table of spec `s`'s
 * written columns, shaped like s->schema.s->table. 0 or -1. */
int holo_copy_stage_sql(const struct holo_stmt_spec *s, struct hf_strbuf *sql,
                        struct hf_error *err);

/* Session settings a COPY mode needs on Hologres (static strings; *n set
 * to the count, 0 for PostgreSQL and for modes that need none). */
const char *const *holo_copy_session_sql(bool hologres,
                                         enum holo_write_mode mode, size_t *n);

/* The Hologres version "major.minor.patch" found in hg_version()'s text
 * as one number major*10000 + minor*100 + patch (patch capped at 99), or
 * -1 when there is none. */
long holo_copy_hg_version(const char *text);

/* What sink.write-mode AUTO becomes: INSERT for a streaming job; for a
 * bounded job (batch mode or connector.bulkload): COPY_BULK_LOAD into a
 * table without a primary key; with a key, COPY_BULK_LOAD_ON_CONFLICT
 * into an EMPTY PostgreSQL table (`empty`: it had no row at open), and
 * COPY_STREAM otherwise (into a PostgreSQL table that has rows, where the
 * upserts' server work dominates and COPY_STREAM's connections share it;
 * on Hologres, as its own connector does without reshuffling). Hologres
 * before 3.1 (version `hg`, as holo_copy_hg_version): INSERT. The numbers
 * behind the rule are in docs/hologres-sink.md (bench/sink-copy.sh).
 * Writes the reason to why[0..n). */
enum holo_write_mode holo_copy_resolve_auto(bool bounded, bool hologres,
                                            long hg, uint32_t npk, bool empty,
                                            char *why, size_t n);

/* "COPY_STREAM" etc. */
const char *holo_copy_mode_name(enum holo_write_mode m);

#endif
