/*
 * holo_catalog.h - what the target table looks like, from pg_catalog.
 *
 * holo_catalog_load() reads the table's columns (name, type OID, typmod,
 * printed type, NOT NULL, default expression), its primary key (in key
 * order) and, for a LIST-partitioned parent, the partition column and the
 * children with their values. Identifiers are matched exactly as stored
 * (the job's `tablename` is split into schema and table first; quoting is
 * never needed in queries because names travel as parameters).
 * holo_catalog_check() matches the job's columns to the table's by name
 * and type before anything is written and names the first column that
 * does not fit. A process-wide cache keyed by (endpoint, db, schema,
 * table) keeps loaded metadata for meta-cache-ttl-ms.
 */
#ifndef HF_HOLO_CATALOG_H
#define HF_HOLO_CATALOG_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "connectors/hologres/holo_conn.h"
#include "core/error.h"
#include "core/types.h"

struct holo_composite;

struct holo_column {
    char *name;
    Oid type_oid;      /* e.g. INT8OID 20, NUMERICOID 1700 */
    Oid elem_oid;      /* arrays: element type OID, else 0 */
    Oid decl_oid;      /* the declared type (a domain's own OID): what a
                          composite's binary form names for an attribute */
    /* A composite type (the column's, or its element's for an array of
     * composites): its attributes, owned; NULL for other types. */
    struct holo_composite *comp;
    int32_t typmod;    /* -1 when none */
    char *type_text;   /* format_type(): "numeric(38,2)", "character varying(20)" */
    bool not_null;
    char *default_expr; /* pg_get_expr(adbin), NULL when no default */
    bool identity;     /* GENERATED ... AS IDENTITY: the server fills it */
    bool generated;    /* GENERATED ALWAYS AS (expr) STORED: never written
                          (default_expr is NULL for it) */
};

/* The attributes of a composite type, in order (dropped ones skipped). */
struct holo_composite {
    Oid oid;
    char *name; /* format_type() of the composite */
    uint32_t n;
    struct holo_column *attrs;
};

struct holo_partition {
    char *value;       /* the LIST value as text */
    char *schema;
    char *table;       /* child table name */
};

struct holo_table_meta {
    char *schema;
    char *table;
    uint32_t ncols;
    struct holo_column *cols;   /* in attnum order, dropped columns skipped */
    uint32_t npk;
    uint32_t *pk;               /* indexes into cols, in key order */
    bool partitioned;           /* LIST-partitioned parent */
    int part_col;               /* index into cols, -1 when not partitioned */
    uint32_t nparts;
    struct holo_partition *parts;
    int64_t loaded_usec;        /* when read (CLOCK_MONOTONIC us) */
};

/* Read the metadata of schema.table. 0, or -1 with err ("table
 * \"public\".\"t\" does not exist" etc.) and *cls. */
int holo_catalog_load(struct holo_conn *c, const char *schema,
                      const char *table, struct holo_table_meta *out,
                      enum holo_err_class *cls, struct hf_error *err);
void holo_catalog_free(struct holo_table_meta *m);

/* The columns of the result of `query` (source.scan.query) as a table's
 * meta named schema.table (for messages): names, types and typmods from
 * the server's description of the prepared statement; no key, no
 * partitions; composite columns are refused. 0, or -1 with err. */
int holo_catalog_query(struct holo_conn *c, const char *query,
                       const char *schema, const char *table,
                       struct holo_table_meta *out, enum holo_err_class *cls,
                       struct hf_error *err);

/* Map each job column to a table column (map[i] = index into m->cols;
 * UINT32_MAX for a computed or metadata column, which is not written) and
 * check the types fit (Flink type -> PostgreSQL type, as in the table of
 * 001_*: BIGINT -> int8 (also int2/int4 targets are rejected unless the
 * Flink type is narrower), DECIMAL -> numeric, STRING -> text/varchar/char/
 * json/jsonb, TIMESTAMP/TIMESTAMP_LTZ -> timestamp/timestamptz, ARRAY<T> ->
 * T[] ...). Names match exactly, else case-insensitively when unambiguous.
 * Also: every primary-key column of the table must be written when the
 * table has a primary key and the job writes updates. Then precision:
 * a column that would silently round the values is refused (DECIMAL(10,4)
 * into numeric(10,2), DECIMAL(20,2) into double precision, TIMESTAMP(3)
 * into timestamp(0), TIME(3) into time(0)); one where a too-large value
 * fails loudly is not (DECIMAL(38,2) into numeric(10,2), VARCHAR(20) or
 * STRING into varchar(10): PostgreSQL refuses such a value, which makes
 * the row dirty). `vtypes` (borrowed, one per job column, or NULL for the
 * declared types) bounds the values the job writes: an INSERT whose query
 * CASTs to DECIMAL(10,2) writes DECIMAL(10,2) values into a column
 * declared DECIMAL(10,4). 0 or -1 with err naming the table, the column
 * and both types. */
int holo_catalog_check(const struct holo_table_meta *m,
                       const struct hf_schema *job,
                       const struct hf_type *vtypes, uint32_t *map,
                       struct hf_error *err);

/* The Flink SQL type that carries every value of `col` exactly, for the
 * writer API's hf_writer_describe_target: int4 is INT, numeric(p,s) is
 * DECIMAL(p,s) (precision capped at 38; an unconstrained numeric is
 * DECIMAL(38, 18)), text/varchar/char/json/jsonb are STRING, timestamptz(q)
 * is TIMESTAMP_LTZ(q), T[] is ARRAY<T>, ... Writes it to buf; 0, or -1
 * when no Flink type fits (uuid, inet, a negative-scale numeric, ...). */
int holo_catalog_flink_type(const struct holo_column *col, char *buf,
                            size_t n);

/* Refresh the partition list of a partitioned parent (after creating a
 * child or on a miss). 0 or -1. */
int holo_catalog_load_partitions(struct holo_conn *c,
                                 struct holo_table_meta *m,
                                 enum holo_err_class *cls,
                                 struct hf_error *err);

/* The child holding `value` (text, as PostgreSQL prints the partition
 * bound: '2024-01-01' for a date, '5' for an integer; NULL finds the
 * FOR VALUES IN (NULL) child), or NULL. Binary search: parts is sorted by
 * value. The result is borrowed from m. */
const struct holo_partition *holo_catalog_find_partition(
    const struct holo_table_meta *m, const char *value);

/* A deep copy of one column (its composite description included), or NULL
 * on out of memory; free with holo_column_free (NULL is a no-op). */
struct holo_column *holo_column_dup(const struct holo_column *c);
void holo_column_free(struct holo_column *c);

/* Deep copy (dst is overwritten; free it with holo_catalog_free). 0, or -1
 * on out of memory with dst left empty. */
int holo_catalog_copy(struct holo_table_meta *dst,
                      const struct holo_table_meta *src);

/* The process-wide metadata cache. holo_catalog_get() returns, in `out`
 * (owned by the caller, free with holo_catalog_free), a copy of the cached
 * metadata of schema.table on the server `c` is connected to (keyed by
 * host, port, database, schema, table) when it was loaded less than
 * `ttl_ms` ago, else loads it with holo_catalog_load() and caches a copy.
 * ttl_ms <= 0 always loads and caches nothing. No lock is held during I/O.
 * @locality any thread; one mutex guards the cache. */
int holo_catalog_get(struct holo_conn *c, const char *schema,
                     const char *table, int64_t ttl_ms,
                     struct holo_table_meta *out, enum holo_err_class *cls,
                     struct hf_error *err);
/* Forget the cached metadata of schema.table on c's server (after creating
 * a partition child or when the table changed). */
void holo_catalog_invalidate(struct holo_conn *c, const char *schema,
                             const char *table);
/* Empty the whole cache (tests, shutdown). */
void holo_catalog_cache_clear(void);

#endif
