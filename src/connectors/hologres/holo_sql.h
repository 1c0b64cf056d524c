/*
 * holo_sql.h - the text of every statement the hologres sink sends.
 *
 * Statements are set-based and parameterised by one array per column:
 * rows of a flush travel as arrays ($1::int8[], $2::text[], ...), so the
 * statement text depends only on the table, the written columns and the
 * options, and is prepared once per connection. Values never appear in the
 * text. Identifiers are always double-quoted (hf_strbuf_put_ident). Array
 * columns travel as text[] of array literals and are cast back.
 *
 * Dialects: PostgreSQL gets `SELECT ... FROM unnest($1::t1[], $2::t2[]) AS
 * u(c1, c2)`; Hologres gets the shape its fixed plan accepts, `SELECT
 * unnest($1::t1[]), unnest($2::t2[])`. Both are unit-tested as text.
 * Hologres specifics: `AS old` only when the statement refers to old
 * (ignore-null, check-and-put, conflict expressions); when a COALESCE
 * needs named values (set-returning functions are not allowed inside
 * COALESCE) the unnest calls move into a derived table `FROM (SELECT
 * unnest($1::t1[]) AS c1, ...) AS u`; deletes and nullifies match keys
 * with `WHERE ("a", "b") IN (SELECT unnest($1::t1[]), unnest($2::t2[]))`,
 * or join a derived table `d` when check-and-put needs old. The
 * integration test runs the Hologres texts on PostgreSQL too.
 *
 * Upsert (per on-conflict action):
 *   INSERT INTO "s"."t" AS old ("a", "b") SELECT ... FROM unnest(...)
 *     ON CONFLICT ("a") DO NOTHING                          -- INSERT_OR_IGNORE
 *     ON CONFLICT ("a") DO UPDATE SET "b" = excluded."b"    -- INSERT_OR_UPDATE
 *     ... SET "b" = excluded."b", "c" = DEFAULT             -- INSERT_OR_REPLACE
 *   with ignore-null-when-update: "b" = COALESCE(excluded."b", old."b");
 *   with check-and-put: ... WHERE excluded."v" > COALESCE(old."v", null-as);
 *   with conflict-update-set / conflict-where: the user's expressions;
 *   with default-for-not-null: a NOT NULL column's value is
 *   COALESCE(u.cN, <column default>) or the type's zero value;
 *   without a primary key: a plain INSERT (at-least-once).
 * Delete: DELETE FROM "s"."t" AS old USING unnest(...) AS d(k1, ...)
 *   WHERE old."a" = d.k1 ... [AND check-and-put condition].
 * Nullify (NON_PK_FIELD_TO_NULL): UPDATE "s"."t" AS old SET "b" = NULL ...
 *   FROM unnest(pk arrays) AS d(...) WHERE <pk match>.
 */
#ifndef HF_HOLO_SQL_H
#define HF_HOLO_SQL_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/hologres/holo_catalog.h"
#include "connectors/hologres/holo_config.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/types.h"

/* What a statement writes. All borrowed. */
struct holo_stmt_spec {
    const struct holo_table_meta *meta;
    const char *schema; /* the table written: the target or a partition child */
    const char *table;
    const struct hf_schema *job; /* the sink's Flink schema */
    const uint32_t *map;         /* job column -> meta column index */
    const uint32_t *cols;        /* job columns written, in parameter order */
    uint32_t ncols;
    const struct holo_config *cfg;
    bool hologres;               /* dialect */
    /* Upsert only, NULL = the unnest parameters: the rows come from this
     * relation instead (SQL text, already quoted, e.g. a COPY staging
     * table `pg_temp."hf_copy_stage"` whose columns are the written
     * columns in order), read as `FROM <it> AS u(c1, ..., cN)`; the
     * statement then takes no parameters. */
    const char *source_table;
};

/* Parameter i of every statement below is the array of job column
 * cols[i] (upsert), or of the primary-key columns in key order followed by
 * the check-and-put column when set (delete, nullify). Scalar columns
 * travel as binary arrays of their wire type (holo_encode_array, OID
 * holo_wire_oid's array type); ARRAY columns as a text[] (OID 1009) of
 * array literals (holo_encode_array_literal).
 *
 * Check-and-put `null-as` (cfg->cap_null_as) is a value, so it is one
 * more parameter after those: a single text value (OID 25), cast in the
 * statement to the column's type (`COALESCE(old."v", $N::text::int8)`).
 * holo_sql_upsert_has_null_as / holo_sql_key_has_null_as say whether a
 * statement takes it.
 *
 * Values whose wire type differs from the target column's are cast to the
 * column's type without its modifier (`u.c2::jsonb`, `u.c3::int4[]`); the
 * assignment then applies length/scale, so over-long values and overflow
 * stay data errors. `sink.insert.conflict-update-set` and
 * `conflict-where` are SQL from the job's DDL and are inserted verbatim
 * (`DO UPDATE SET <set> WHERE <where>`, referring to `old` and
 * `excluded`), as the Hologres connector does. Default-for-not-null
 * applies to written non-key columns (COALESCE in the select list), to
 * nullify (DEFAULT or the zero value instead of NULL), and to unwritten
 * NOT NULL columns without a default: the INSERT gives them the zero
 * value as a constant (PostgreSQL checks NOT NULL on the proposed row
 * before looking for a conflict, so a partial write would fail even for
 * existing rows), and INSERT_OR_REPLACE sets them to it on conflict. Zero
 * values: 0, false, '', '{}' (json, arrays), '1970-01-01', '00:00:00',
 * '1970-01-01 00:00:00[+00]', empty bytea.
 *
 * Each builder appends to `sql` (borrowed) and returns 0, or -1 with err:
 * a delete/nullify on a table without primary key or a job that does not
 * write every key column, a nullify with no non-key column to clear,
 * conflict expressions with INSERT_OR_IGNORE, a check-and-put column the
 * table lacks (or, for delete/nullify with a comparing operator, the job
 * does not write). */

int holo_sql_upsert(const struct holo_stmt_spec *s, struct hf_strbuf *sql,
                    struct hf_error *err);
int holo_sql_delete(const struct holo_stmt_spec *s, struct hf_strbuf *sql,
                    struct hf_error *err);
int holo_sql_nullify(const struct holo_stmt_spec *s, struct hf_strbuf *sql,
                     struct hf_error *err);

/* The job columns a delete/nullify statement takes as parameters, in
 * order (PK columns in key order, then the check-and-put column). Returns
 * the count written to `out` (capacity job->ncols + 1). */
uint32_t holo_sql_key_params(const struct holo_stmt_spec *s, uint32_t *out);

/* Whether the upsert built from `s` takes the null-as parameter
 * ($ncols+1): check-and-put with a comparing operator and null-as, on a
 * table with a primary key, when the statement has DO UPDATE. */
bool holo_sql_upsert_has_null_as(const struct holo_stmt_spec *s);
/* Whether delete/nullify built from `s` take the null-as parameter
 * ($nkeys+1, after holo_sql_key_params' columns). */
bool holo_sql_key_has_null_as(const struct holo_stmt_spec *s);

/* A query that returns, as its one text column, the CREATE TABLE statement
 * for a missing LIST partition child, formatted and quoted by the server:
 *   SELECT format('CREATE TABLE IF NOT EXISTS %I.%I PARTITION OF %I.%I
 *                  FOR VALUES IN (%L)', $1, $2, $3, $4, $5)
 * with parameters (child schema, child table, parent schema, parent table,
 * value) — so the partition value is never spliced by holoflow. */
const char *holo_sql_partition_ddl_query(void);
/* Name of the child for `value`: "<parent>_<value>" with characters other
 * than [A-Za-z0-9_] replaced by '_' (and date values without '-'). */
void holo_sql_partition_child_name(const char *parent, const char *value,
                                   struct hf_strbuf *out);

#endif
