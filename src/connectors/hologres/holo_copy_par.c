/*
 * holo_copy_par.c - the staging tables and the final transaction of a bulk
 * load over several connections (see holo_copy_par.h for the mechanism and
 * its guarantee). Identifiers are quoted by the server (format %I) or by
 * hf_strbuf_put_ident; partition values go as parameters, and into DDL only
 * through format %L.
 */
#include "connectors/hologres/holo_copy_par.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/hologres/holo_sql.h"
#include "core/failpoint.h"
#include "core/log.h"

/* The advisory lock class of live runs (the second key is the run id). */
#define RUN_LOCK "hashtext('holoflow.bulk-load-stage')"

struct par_stage {
    char *value; /* the partition value as text */
    char *name;  /* the staging table, in the parent's schema */
    const struct holo_conn *owner; /* the connection that created it */
    uint32_t seq;                  /* its creation number in the run */
};

struct holo_par {
    pthread_mutex_t lock;
    struct par_stage *st;
    uint32_t n, cap;
    uint32_t seq;
    int run;         /* backend pid of the first connection */
    char prefix[64]; /* hf_stage_<parent oid>_ */
    char tag[32];    /* <run>_<start time, hex>: unique per run */
};

static int exec_params(struct holo_conn *c, const char *sql, int n,
                       const char *const *params, PGresult **out,
                       enum holo_err_class *cls, struct hf_error *err)
{
    PGresult *r = PQexecParams(c->pg, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (out)
            *out = r;
        else
            PQclear(r);
        return 0;
    }
    *cls = holo_conn_classify(c, r, err);
    PQclear(r);
    return -1;
}

/* Run the one-cell result of a format() query as a statement. */
static int exec_formatted(struct holo_conn *c, const char *fmt_query, int n,
                          const char *const *params, enum holo_err_class *cls,
                          struct hf_error *err)
{
    PGresult *r = NULL;
    if (exec_params(c, fmt_query, n, params, &r, cls, err) != 0)
        return -1;
    if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0)) {
        PQclear(r);
        *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_SERVER, "no statement formatted");
    }
    char *sql = strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (sql == NULL) {
        *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    int rc = holo_conn_exec(c, sql, cls, err);
    free(sql);
    return rc;
}

/* Drop the stages of runs that are gone (killed): their run lock is free.
 * Our own run id (a reused backend pid) is ours to clean too. Only tables
 * named exactly as a stage (prefix, parent oid, run, start time, sequence
 * number) are considered, of any parent and in any schema, when the
 * loading user owns them: a killed load of another table leaves nothing
 * behind for good either. A stage that cannot be dropped is logged and
 * left. */
static int drop_dead_stages(struct holo_par *p, struct holo_writer *w,
                            struct holo_conn *c, struct hf_error *err)
{
    enum holo_err_class cls;
    char run[16];
    snprintf(run, sizeof run, "%d", p->run);
    PGresult *r = NULL;
    if (exec_params(c,
                    "SELECT c.relname, split_part(c.relname, '_', 4), "
                    "n.nspname "
                    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace "
                    "n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'r' AND c.relname ~ "
                    "'^hf_stage_[0-9]{1,10}_[0-9]{1,9}_[0-9a-f]{1,16}_"
                    "[0-9]{1,10}$' AND NOT c.relispartition AND "
                    "c.relpersistence = 'p' AND "
                    "pg_catalog.pg_has_role(c.relowner, 'USAGE') "
                    "ORDER BY 3, 1",
                    0, NULL, &r, &cls, err) != 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
        const char *name = PQgetvalue(r, i, 0);
        const char *owner = PQgetvalue(r, i, 1);
        bool mine = strcmp(owner, run) == 0;
        if (!mine) {
            const char *lp[1] = {owner};
            PGresult *l = NULL;
            if (exec_params(c,
                            "SELECT pg_catalog.pg_try_advisory_lock(" RUN_LOCK
                            ", $1::int4)",
                            1, lp, &l, &cls, err) != 0) {
                rc = -1;
                break;
            }
            bool free_run = strcmp(PQgetvalue(l, 0, 0), "t") == 0;
            PQclear(l);
            if (!free_run)
                continue; /* a live run's stage */
        }
        const char *nsp = PQgetvalue(r, i, 2);
        const char *dp[2] = {nsp, name};
        hf_log_warn("hologres sink \"%s\".\"%s\": dropping the staging table "
                    "\"%s\".\"%s\" left by an earlier load that did not "
                    "finish",
                    w->meta.schema, w->meta.table, nsp, name);
        struct hf_error e;
        hf_error_clear(&e);
        if (exec_formatted(c,
                           "SELECT format('DROP TABLE IF EXISTS %I.%I', "
                           "$1::text, $2::text)",
                           2, dp, &cls, &e) != 0) {
            if (PQstatus(c->pg) != CONNECTION_OK) {
                *err = e;
                rc = -1;
            } else {
                hf_log_warn("hologres sink \"%s\".\"%s\": could not drop "
                            "the staging table \"%s\".\"%s\" (left as it "
                            "is): %s",
                            w->meta.schema, w->meta.table, nsp, name, e.msg);
                if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
                    PQclear(PQexec(c->pg, "ROLLBACK"));
            }
        }
        if (!mine && PQstatus(c->pg) == CONNECTION_OK) {
            const char *lp[1] = {owner};
            PGresult *u = NULL;
            if (exec_params(c,
                            "SELECT pg_catalog.pg_advisory_unlock(" RUN_LOCK
                            ", $1::int4)",
                            1, lp, &u, &cls, &e) == 0)
                PQclear(u);
        }
    }
    PQclear(r);
    return rc;
}

/* Why the target cannot be loaded over several connections with exactly
 * the result of one ("" when it can): the stages would bypass or change
 * what an INSERT into the parent does, or the user may not do what the
 * final transaction does. $1 schema, $2 table. */
static const char q_par_refused[] =
    "WITH tree AS (SELECT relid FROM pg_catalog.pg_partition_tree(format("
    "'%%I.%%I', $1::text, $2::text)::regclass)) SELECT CASE "
    "WHEN NOT pg_catalog.pg_has_role(p.relowner, 'USAGE') "
    "THEN 'the loading user does not own the table' "
    "WHEN NOT pg_catalog.has_schema_privilege(p.relnamespace, 'CREATE') "
    "THEN 'the loading user may not create tables in its schema' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid IN "
    "(SELECT relid FROM tree) AND NOT t.tgisinternal AND t.tgenabled <> 'D' "
    "AND t.tgtype & 1 <> 0 AND t.tgtype & 4 <> 0) "
    "THEN 'the table or a partition has INSERT row triggers' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_publication b WHERE "
    "b.puballtables) OR EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel "
    "b WHERE b.prrelid IN (SELECT relid FROM tree UNION ALL SELECT relid "
    "FROM pg_catalog.pg_partition_ancestors(p.oid))) OR EXISTS (SELECT 1 "
    "FROM pg_catalog.pg_publication_tables b JOIN pg_catalog.pg_class x ON "
    "x.relname = b.tablename JOIN pg_catalog.pg_namespace n ON n.oid = "
    "x.relnamespace AND n.nspname = b.schemaname WHERE x.oid IN (SELECT "
    "relid FROM tree)) %s"
    "THEN 'the table is in a publication' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid "
    "= p.oid AND a.attnum > 0 AND NOT a.attisdropped AND (a.attidentity <> "
    "'' OR a.attgenerated <> '')) "
    "THEN 'the table has identity or generated columns' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.contype "
    "= 'f' AND (k.conrelid IN (SELECT relid FROM tree) OR k.confrelid IN "
    "(SELECT relid FROM tree))) "
    "THEN 'the table has foreign keys' "
    "ELSE '' END "
    "FROM pg_catalog.pg_class p "
    "WHERE p.oid = format('%%I.%%I', $1::text, $2::text)::regclass";

/* TABLES IN SCHEMA publications (PostgreSQL 15+) of the parent's or a
 * partition's schema. */
static const char q_par_refused_schema_pub[] =
    "OR EXISTS (SELECT 1 FROM pg_catalog.pg_publication_namespace b JOIN "
    "pg_catalog.pg_class x ON x.relnamespace = b.pnnspid WHERE x.oid IN "
    "(SELECT relid FROM tree)) ";

int holo_par_refused(struct holo_writer *w, struct holo_conn *c, char *why,
                     size_t n, struct hf_error *err)
{
    why[0] = '\0';
    if (w->cfg->dirty_strategy == HOLO_DIRTY_SKIP) {
        snprintf(why, n,
                 "dirty rows are skipped (a bad row would only fail "
                 "in the final transaction)");
        return 0;
    }
    if (PQserverVersion(c->pg) < 120000) {
        snprintf(why, n, "the server is older than PostgreSQL 12");
        return 0;
    }
    char q[sizeof q_par_refused + sizeof q_par_refused_schema_pub];
    snprintf(q, sizeof q, q_par_refused,
             PQserverVersion(c->pg) >= 150000 ? q_par_refused_schema_pub : "");
    enum holo_err_class cls;
    const char *params[2] = {w->meta.schema, w->meta.table};
    PGresult *r = NULL;
    if (exec_params(c, q, 2, params, &r, &cls, err) != 0)
        return -1;
    snprintf(why, n, "%s", PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return 0;
}

struct holo_par *holo_par_new(struct holo_writer *w, struct holo_conn *c,
                              struct hf_error *err)
{
    struct holo_par *p = calloc(1, sizeof *p);
    if (p == NULL) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    p->run = PQbackendPID(c->pg);
    snprintf(p->tag, sizeof p->tag, "%d_%" PRIx64, p->run,
             (uint64_t)time(NULL));
    enum holo_err_class cls;
    const char *params[2] = {w->meta.schema, w->meta.table};
    PGresult *r = NULL;
    if (exec_params(c,
                    "SELECT format('%I.%I', $1::text, $2::text)::regclass::oid",
                    2, params, &r, &cls, err) != 0)
        goto fail;
    snprintf(p->prefix, sizeof p->prefix, "hf_stage_%s_", PQgetvalue(r, 0, 0));
    PQclear(r);
    char run[16];
    snprintf(run, sizeof run, "%d", p->run);
    const char *lp[1] = {run};
    if (exec_params(
            c, "SELECT pg_catalog.pg_advisory_lock(" RUN_LOCK ", $1::int4)", 1,
            lp, NULL, &cls, err) != 0 ||
        drop_dead_stages(p, w, c, err) != 0)
        goto fail;
    return p;
fail:
    hf_error_prefix(err, "preparing the load's staging tables: ");
    holo_par_free(p);
    return NULL;
}

void holo_par_reset(struct holo_par *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    for (uint32_t i = 0; i < p->n; i++) {
        free(p->st[i].value);
        free(p->st[i].name);
    }
    p->n = 0;
    pthread_mutex_unlock(&p->lock);
}

void holo_par_free(struct holo_par *p)
{
    if (p == NULL)
        return;
    holo_par_reset(p);
    free(p->st);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

bool holo_par_any(const struct holo_par *p)
{
    return p != NULL && p->n > 0;
}

/* The stage of `value` created on `owner` (NULL: on any connection).
 * Rows are routed by value, so a value has one owner; two values that
 * differ but print alike (routed apart) each get a stage on their own
 * connection, and the final transaction handles the second like a
 * stage for an existing child. */
static const struct par_stage *find_stage(const struct holo_par *p,
                                          const char *value,
                                          const struct holo_conn *owner)
{
    for (uint32_t i = 0; i < p->n; i++)
        if (strcmp(p->st[i].value, value) == 0 &&
            (owner == NULL || p->st[i].owner == owner))
            return &p->st[i];
    return NULL;
}

/* CREATE TABLE stage (LIKE parent ..., CHECK (col = value)) [USING am]
 * [TABLESPACE ts], formatted by the server: $1 schema, $2 stage, $3 parent,
 * $4 column, $5 value. The parent's access method and tablespace, when it
 * has them, as CREATE TABLE ... PARTITION OF would take them. */
static const char q_create_stage[] =
    "SELECT format('CREATE TABLE %I.%I (LIKE %I.%I INCLUDING DEFAULTS "
    "INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING GENERATED INCLUDING "
    "STORAGE INCLUDING COMPRESSION, CONSTRAINT hf_stage_bound CHECK (%I IS "
    "NOT NULL AND %I = %L::%s))%s%s', $1::text, $2::text, $1::text, "
    "$3::text, $4::text, $4::text, $5::text, "
    "(SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM "
    "pg_catalog.pg_attribute a WHERE a.attrelid = p.oid AND a.attname = "
    "$4::text), "
    "coalesce((SELECT format(' USING %I', m.amname) FROM pg_catalog.pg_am m "
    "WHERE m.oid = p.relam), ''), "
    "coalesce((SELECT format(' TABLESPACE %I', t.spcname) FROM "
    "pg_catalog.pg_tablespace t WHERE t.oid = p.reltablespace), '')) "
    "FROM pg_catalog.pg_class p WHERE p.oid = format('%I.%I', $1::text, "
    "$3::text)::regclass";

int holo_par_target(struct holo_writer *w, struct holo_conn *c,
                    const char *value, struct hf_arena *names,
                    const char **schema, const char **table,
                    enum holo_err_class *cls, struct hf_error *err)
{
    struct holo_par *p = w->par;
    pthread_mutex_lock(&p->lock);
    const struct par_stage *st = find_stage(p, value, c);
    char name[128]; /* under 64 bytes: prefix <= 20, tag <= 28, seq */
    uint32_t seq = 0;
    if (st != NULL) {
        snprintf(name, sizeof name, "%s", st->name);
    } else {
        seq = ++p->seq;
        snprintf(name, sizeof name, "%s%s_%u", p->prefix, p->tag, seq);
    }
    pthread_mutex_unlock(&p->lock);
    if (st == NULL) {
        /* Only this connection's worker owns the value: create it here,
         * inside the connection's transaction. */
        const char *params[5] = {w->meta.schema, name, w->meta.table,
                                 w->meta.cols[w->meta.part_col].name, value};
        if (exec_formatted(c, q_create_stage, 5, params, cls, err) != 0) {
            hf_error_prefix(err,
                            "creating the staging table for partition "
                            "value '%s': ",
                            value);
            return -1;
        }
        pthread_mutex_lock(&p->lock);
        int rc = 0;
        if (p->n == p->cap) {
            uint32_t cap = p->cap ? p->cap * 2 : 16;
            struct par_stage *ns = realloc(p->st, cap * sizeof *ns);
            if (ns == NULL)
                rc = -1;
            else {
                p->st = ns;
                p->cap = cap;
            }
        }
        if (rc == 0) {
            p->st[p->n].value = strdup(value);
            p->st[p->n].name = strdup(name);
            p->st[p->n].owner = c;
            p->st[p->n].seq = seq;
            if (p->st[p->n].value == NULL || p->st[p->n].name == NULL) {
                free(p->st[p->n].value);
                free(p->st[p->n].name);
                rc = -1;
            } else {
                p->n++;
            }
        }
        pthread_mutex_unlock(&p->lock);
        if (rc != 0) {
            *cls = HOLO_ERR_FATAL;
            return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        }
        hf_log_debug("hologres sink \"%s\".\"%s\": partition value '%s' "
                     "staged in \"%s\" on connection pid %d",
                     w->meta.schema, w->meta.table, value, name,
                     PQbackendPID(c->pg));
    }
    *schema = hf_arena_strndup(names, w->meta.schema, strlen(w->meta.schema));
    *table = hf_arena_strndup(names, name, strlen(name));
    if (*schema == NULL || *table == NULL) {
        *cls = HOLO_ERR_FATAL;
        return hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    return 0;
}

void holo_par_abort(struct holo_writer *w, struct holo_conn *c)
{
    struct holo_par *p = w->par;
    if (p == NULL || c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK)
        return;
    if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        PGresult *r = PQexec(c->pg, "ROLLBACK");
        PQclear(r);
    }
    for (uint32_t i = 0; i < p->n; i++) {
        enum holo_err_class cls;
        struct hf_error e;
        hf_error_clear(&e);
        const char *dp[2] = {w->meta.schema, p->st[i].name};
        if (exec_formatted(c,
                           "SELECT format('DROP TABLE IF EXISTS %I.%I', "
                           "$1::text, $2::text)",
                           2, dp, &cls, &e) != 0)
            hf_log_warn("hologres sink \"%s\".\"%s\": could not drop the "
                        "staging table \"%s\" (the next load drops it): %s",
                        w->meta.schema, w->meta.table, p->st[i].name, e.msg);
    }
}

/* ------------------------------------------------------------ the end */

/* What a swap would lose: the reason the child cannot simply be replaced
 * by the stage, or "" when it can. Conservative: anything the child has
 * that the stage would not get (something of its own, a dependent object
 * whose DROP would fail or cascade, a comment, a column setting, another
 * tablespace, access method or owner) refuses the swap, and the rows are
 * copied instead. $1 child schema, $2 child, $3 parent schema, $4 parent. */
static const char q_swap_refused[] =
    "SELECT CASE "
    "WHEN c.relkind <> 'r' THEN 'it is not a plain table' "
    "WHEN c.relnamespace <> p.relnamespace THEN 'it is in another schema' "
    "WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles o WHERE o.oid = "
    "c.relowner AND o.rolname = current_user) "
    "THEN 'it is not owned by the loading user' "
    "WHEN c.relpersistence <> 'p' THEN 'it is unlogged' "
    "WHEN c.relacl IS NOT NULL THEN 'it has grants of its own' "
    "WHEN c.relrowsecurity OR c.relforcerowsecurity "
    "THEN 'it has row security' "
    "WHEN c.reloptions IS NOT NULL THEN 'it has storage options' "
    "WHEN c.relreplident <> 'd' THEN 'it has a replica identity' "
    "WHEN c.reltablespace <> p.reltablespace OR (p.reltablespace = 0 AND "
    "current_setting('default_tablespace') <> '') "
    "THEN 'it is in another tablespace' "
    "WHEN c.relam IS DISTINCT FROM coalesce(nullif(p.relam, 0), (SELECT "
    "m.oid FROM pg_catalog.pg_am m WHERE m.amname = "
    "current_setting('default_table_access_method'))) "
    "THEN 'it has another access method' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid = "
    "c.oid AND NOT t.tgisinternal AND t.tgparentid = 0) "
    "THEN 'it has triggers of its own' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = "
    "c.oid AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE "
    "h.inhrelid = i.indexrelid)) THEN 'it has indexes of its own' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid "
    "= c.oid AND k.conislocal AND k.coninhcount = 0 AND k.contype <> 'n') "
    "THEN 'it has constraints of its own' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.confrelid "
    "= c.oid) THEN 'foreign keys point at it' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite w WHERE w.ev_class = "
    "c.oid) THEN 'it has rules' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_policy o WHERE o.polrelid = "
    "c.oid) THEN 'it has policies' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_statistic_ext x WHERE "
    "x.stxrelid = c.oid) THEN 'it has statistics objects' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel b WHERE "
    "b.prrelid = c.oid) THEN 'it is in a publication' "
    /* Views, functions, sequences owned by a column, columns of its row
     * type...: whatever depends on it other than what it inherited. */
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE "
    "((d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = "
    "c.oid) OR (d.refclassid = 'pg_catalog.pg_type'::regclass AND "
    "d.refobjid IN (c.reltype, (SELECT y.typarray FROM pg_catalog.pg_type y "
    "WHERE y.oid = c.reltype)))) AND d.deptype IN ('n', 'a') AND NOT "
    "(d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid) "
    "AND d.classid NOT IN ('pg_catalog.pg_constraint'::regclass, "
    "'pg_catalog.pg_attrdef'::regclass, 'pg_catalog.pg_trigger'::regclass) "
    "AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND EXISTS "
    "(SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_inherits h ON "
    "h.inhrelid = i.indexrelid WHERE i.indexrelid = d.objid AND i.indrelid "
    "= c.oid))) THEN 'objects depend on it' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_description e WHERE "
    "(e.classoid = 'pg_catalog.pg_class'::regclass AND (e.objoid = c.oid OR "
    "e.objoid IN (SELECT i.indexrelid FROM pg_catalog.pg_index i WHERE "
    "i.indrelid = c.oid))) OR (e.classoid = "
    "'pg_catalog.pg_constraint'::regclass AND e.objoid IN (SELECT k.oid "
    "FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid)) OR "
    "(e.classoid = 'pg_catalog.pg_trigger'::regclass AND e.objoid IN "
    "(SELECT t.oid FROM pg_catalog.pg_trigger t WHERE t.tgrelid = c.oid))) "
    "OR EXISTS (SELECT 1 FROM pg_catalog.pg_seclabel e WHERE e.classoid = "
    "'pg_catalog.pg_class'::regclass AND e.objoid = c.oid) "
    "THEN 'it has comments or security labels' "
    "WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a JOIN "
    "pg_catalog.pg_attribute pa ON pa.attrelid = p.oid AND pa.attname = "
    "a.attname AND NOT pa.attisdropped WHERE a.attrelid = c.oid AND "
    "a.attnum > 0 AND NOT a.attisdropped AND (a.attoptions IS NOT NULL OR "
    "a.attacl IS NOT NULL OR coalesce(a.attstattarget, -1) <> -1 OR "
    "(a.attnotnull AND NOT pa.attnotnull) OR a.attstorage <> pa.attstorage "
    "%s OR pg_catalog.pg_get_expr((SELECT ad.adbin FROM "
    "pg_catalog.pg_attrdef ad WHERE ad.adrelid = c.oid AND ad.adnum = "
    "a.attnum), c.oid) IS DISTINCT FROM pg_catalog.pg_get_expr((SELECT "
    "ad.adbin FROM pg_catalog.pg_attrdef ad WHERE ad.adrelid = p.oid AND "
    "ad.adnum = pa.attnum), p.oid))) "
    "THEN 'it has column settings of its own' "
    "ELSE '' END "
    "FROM pg_catalog.pg_class c, pg_catalog.pg_class p "
    "WHERE c.oid = format('%%I.%%I', $1::text, $2::text)::regclass "
    "AND p.oid = format('%%I.%%I', $3::text, $4::text)::regclass";

/* q_swap_refused for many children in one statement, planned once (the
 * plan of that query costs tens of milliseconds, more than its run):
 * $1 and $2 are arrays of child schemas and names; one row per child, its
 * position (from 1) and the reason. The SELECT of q_swap_refused is
 * spliced in as a scalar subquery after the prefix, its child named by
 * k.s, k.t instead of $1, $2. */
static const char q_swap_refused_many_head[] =
    "SELECT k.i, (";
static const char q_swap_refused_many_tail[] =
    ") FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(s, t, i) "
    "ORDER BY k.i";

/* A column's compression (PostgreSQL 14+) differs from the parent's. */
static const char q_swap_refused_compression[] =
    "OR a.attcompression <> pa.attcompression";

/* The written columns of the stage as a subquery, for INSERT ... SELECT. */
static int stage_select(struct holo_writer *w, const char *stage,
                        struct hf_strbuf *out)
{
    hf_strbuf_puts(out, "(SELECT ");
    for (uint32_t i = 0; i < w->ncols; i++) {
        if (i > 0)
            hf_strbuf_puts(out, ", ");
        hf_strbuf_put_ident(out, w->meta.cols[w->map[w->cols[i]]].name);
    }
    hf_strbuf_puts(out, " FROM ");
    hf_strbuf_put_ident(out, w->meta.schema);
    hf_strbuf_putc(out, '.');
    hf_strbuf_put_ident(out, stage);
    hf_strbuf_putc(out, ')');
    return hf_strbuf_ok(out) ? 0 : -1;
}

/* Copy the stage's rows into the existing child (the second pass), then
 * drop the stage. */
static int copy_into(struct holo_writer *w, struct holo_conn *c,
                     const struct holo_partition *child, const char *stage,
                     bool on_conflict, const char *why,
                     enum holo_err_class *cls, struct hf_error *err)
{
    struct hf_strbuf src, sql;
    hf_strbuf_init(&src, 0);
    hf_strbuf_init(&sql, 0);
    int rc = stage_select(w, stage, &src);
    struct holo_stmt_spec spec;
    holo_writer_spec(w, c, child->schema, child->table, &spec);
    struct holo_table_meta nokey;
    if (!on_conflict) {
        nokey = w->meta;
        nokey.npk = 0;
        spec.meta = &nokey;
    }
    spec.source_table = src.data;
    if (rc == 0)
        rc = holo_sql_upsert(&spec, &sql, err);
    if (rc == 0 && !hf_strbuf_ok(&sql))
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    if (rc != 0)
        *cls = HOLO_ERR_FATAL;
    PGresult *r = NULL;
    if (rc == 0 &&
        (rc = exec_params(c, sql.data, 0, NULL, &r, cls, err)) == 0) {
        hf_log_info(
            "hologres sink \"%s\".\"%s\": partition '%s' (\"%s\".\"%s\", "
            "%s): %s row(s) copied from its staging table inside the "
            "final transaction (a second pass)",
            w->meta.schema, w->meta.table, child->value, child->schema,
            child->table, why, PQcmdTuples(r));
        PQclear(r);
        const char *dp[2] = {w->meta.schema, stage};
        rc = exec_formatted(c,
                            "SELECT format('DROP TABLE %I.%I', $1::text, "
                            "$2::text)",
                            2, dp, cls, err);
    }
    hf_strbuf_free(&src);
    hf_strbuf_free(&sql);
    return rc;
}

/* Rename the stage to `child` and attach it for `value`; its indexes take
 * the child's name in place of the stage's where that name is free; the
 * bound constraint goes. */
static int attach(struct holo_writer *w, struct holo_conn *c, const char *stage,
                  const char *child, const char *value,
                  enum holo_err_class *cls, struct hf_error *err)
{
    const char *sch = w->meta.schema;
    const char *rn[3] = {sch, stage, child};
    if (exec_formatted(c,
                       "SELECT format('ALTER TABLE %I.%I RENAME TO %I', "
                       "$1::text, $2::text, $3::text)",
                       3, rn, cls, err) != 0)
        return -1;
    /* The indexes LIKE made are named after the stage. */
    PGresult *r = NULL;
    const char *ip[3] = {sch, child, stage};
    if (exec_params(c,
                    "SELECT format('ALTER INDEX %I.%I RENAME TO %I', $1::text, "
                    "x.relname, n.cand) FROM pg_catalog.pg_index i "
                    "JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid, "
                    "LATERAL (SELECT ($2::text || substr(x.relname, "
                    "length($3::text) + 1))::pg_catalog.name::text AS cand) n "
                    "WHERE i.indrelid = format('%I.%I', $1::text, "
                    "$2::text)::regclass AND x.relname LIKE "
                    "replace($3::text, '_', '\\_') || '%' AND "
                    "to_regclass(format('%I.%I', $1::text, n.cand)) IS NULL",
                    3, ip, &r, cls, err) != 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(r) && rc == 0; i++)
        rc = holo_conn_exec(c, PQgetvalue(r, i, 0), cls, err);
    PQclear(r);
    if (rc != 0)
        return -1;
    const char *ap[4] = {sch, w->meta.table, child, value};
    if (exec_formatted(c,
                       "SELECT format('ALTER TABLE %I.%I ATTACH PARTITION "
                       "%I.%I FOR VALUES IN (%L)', $1::text, $2::text, "
                       "$1::text, $3::text, $4::text)",
                       4, ap, cls, err) != 0)
        return -1;
    const char *dp[2] = {sch, child};
    return exec_formatted(c,
                          "SELECT format('ALTER TABLE %I.%I DROP "
                          "CONSTRAINT hf_stage_bound', $1::text, $2::text)",
                          2, dp, cls, err);
}

/* The child name for a value is not taken (by another value's child, two
 * values mapping to one name, or any other relation). 0, or -1 with err. */
static int name_free(struct holo_conn *c, const char *sch, const char *name,
                     const char *value, const char *col, const char *par,
                     struct hf_error *err)
{
    enum holo_err_class cls;
    const char *np[2] = {sch, name};
    PGresult *r = NULL;
    if (exec_params(c,
                    "SELECT $2::pg_catalog.name::text, to_regclass(format("
                    "'%I.%I', $1::text, $2::text)) IS NOT NULL",
                    2, np, &r, &cls, err) != 0)
        return -1;
    int rc = 0;
    if (strcmp(PQgetvalue(r, 0, 1), "t") == 0)
        rc =
            hf_error_set(err, HF_ERR_SERVER,
                         "the child table for value '%s' of column '%s' "
                         "would be \"%s\".\"%s\", which already exists (a "
                         "child is named after the parent and the value, "
                         "with every character other than a letter, digit "
                         "or '_' turned into '_', cut to the server's "
                         "identifier length); create the partition for '%s' "
                         "yourself under another name (CREATE TABLE ... "
                         "PARTITION OF \"%s\".\"%s\" FOR VALUES IN (...))",
                         value, col, sch, PQgetvalue(r, 0, 0), value, sch, par);
    PQclear(r);
    return rc;
}

/* By value, then in creation order: the stages of one value are handled
 * one after the other, the same way on every run. */
static int cmp_stage(const void *a, const void *b)
{
    const struct par_stage *x = a, *y = b;
    int c = strcmp(x->value, y->value);
    if (c != 0)
        return c;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Append `v` as an element of a PostgreSQL array literal: in double
 * quotes, '"' and '\\' escaped by a backslash. */
static void put_array_elem(struct hf_strbuf *out, const char *v)
{
    hf_strbuf_putc(out, '"');
    for (const char *q = v; *q; q++) {
        if (*q == '"' || *q == '\\')
            hf_strbuf_putc(out, '\\');
        hf_strbuf_putc(out, *q);
    }
    hf_strbuf_putc(out, '"');
}

/* The swap checks made up front: why[i] for stage i (NULL when not
 * checked), with the child it was checked against (ck_schema[i],
 * ck_table[i]: copies, as the loop reloads w->meta); all malloc'ed. */
struct swap_checks {
    char **why;
    char **ck_schema, **ck_table;
};

static void swap_checks_free(struct swap_checks *k, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (k->why)
            free(k->why[i]);
        if (k->ck_schema)
            free(k->ck_schema[i]);
        if (k->ck_table)
            free(k->ck_table[i]);
    }
    free(k->why);
    free(k->ck_schema);
    free(k->ck_table);
}

/* The swap check (q_swap_refused) of every first stage of a value whose
 * child exists, in one statement before any swap, into `k`. No swap
 * changes what another child's check looks at (its own relation, indexes,
 * dependents, the parent), so checking up front gives what checking each
 * child just before its swap gave. 0, or -1 with err. */
static int swap_checks_run(struct holo_writer *w, struct holo_conn *c,
                           struct swap_checks *k, struct hf_error *err)
{
    struct holo_par *p = w->par;
    enum holo_err_class cls;
    uint32_t n = p->n ? p->n : 1;
    k->why = calloc(n, sizeof *k->why);
    k->ck_schema = calloc(n, sizeof *k->ck_schema);
    k->ck_table = calloc(n, sizeof *k->ck_table);
    uint32_t *idx = calloc(n, sizeof *idx);
    struct hf_strbuf sa, ta, q;
    hf_strbuf_init(&sa, 0);
    hf_strbuf_init(&ta, 0);
    hf_strbuf_init(&q, 0);
    int rc = 0;
    if (k->why == NULL || k->ck_schema == NULL || k->ck_table == NULL ||
        idx == NULL) {
        rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto out;
    }
    uint32_t m = 0;
    hf_strbuf_putc(&sa, '{');
    hf_strbuf_putc(&ta, '{');
    for (uint32_t i = 0; i < p->n; i++) {
        if (i > 0 && strcmp(p->st[i - 1].value, p->st[i].value) == 0)
            continue; /* a second stage: checked in the loop, if need be */
        const struct holo_partition *child =
            holo_catalog_find_partition(&w->meta, p->st[i].value);
        if (child == NULL)
            continue;
        if (m > 0) {
            hf_strbuf_putc(&sa, ',');
            hf_strbuf_putc(&ta, ',');
        }
        put_array_elem(&sa, child->schema);
        put_array_elem(&ta, child->table);
        k->ck_schema[i] = strdup(child->schema);
        k->ck_table[i] = strdup(child->table);
        if (k->ck_schema[i] == NULL || k->ck_table[i] == NULL) {
            rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            goto out;
        }
        idx[m++] = i;
    }
    hf_strbuf_putc(&sa, '}');
    hf_strbuf_putc(&ta, '}');
    if (m == 0)
        goto out;
    /* q_swap_refused's text up to " FROM ..." of the child, without
     * "SELECT ": the CASE, then the pg_class pair named by k.s, k.t */
    char one[sizeof q_swap_refused + sizeof q_swap_refused_compression];
    snprintf(one, sizeof one, q_swap_refused,
             PQserverVersion(c->pg) >= 140000 ? q_swap_refused_compression
                                              : "");
    const char *where = strstr(one, "WHERE c.oid = format(");
    hf_strbuf_puts(&q, q_swap_refused_many_head);
    hf_strbuf_append(&q, one, where ? (size_t)(where - one) : 0);
    hf_strbuf_puts(&q, "WHERE c.oid = format('%I.%I', k.s, k.t)::regclass "
                       "AND p.oid = format('%I.%I', $3::text, "
                       "$4::text)::regclass");
    hf_strbuf_puts(&q, q_swap_refused_many_tail);
    if (where == NULL || !hf_strbuf_ok(&q) || !hf_strbuf_ok(&sa) ||
        !hf_strbuf_ok(&ta)) {
        rc = hf_error_set(err, where ? HF_ERR_NOMEM : HF_ERR_FAIL,
                          where ? "out of memory"
                                : "the swap check has no WHERE clause");
        goto out;
    }
    const char *params[4] = {sa.data, ta.data, w->meta.schema, w->meta.table};
    PGresult *r = NULL;
    if (exec_params(c, q.data, 4, params, &r, &cls, err) != 0) {
        rc = -1;
        goto out;
    }
    for (int row = 0; row < PQntuples(r) && rc == 0; row++) {
        long pos = strtol(PQgetvalue(r, row, 0), NULL, 10);
        if (pos < 1 || (uint64_t)pos > m)
            continue;
        uint32_t i = idx[pos - 1];
        k->why[i] = strdup(PQgetisnull(r, row, 1) ? "not found"
                                                  : PQgetvalue(r, row, 1));
        if (k->why[i] == NULL)
            rc = hf_error_set(err, HF_ERR_NOMEM, "out of memory");
    }
    PQclear(r);
out:
    free(idx);
    hf_strbuf_free(&sa);
    hf_strbuf_free(&ta);
    hf_strbuf_free(&q);
    return rc;
}

static int par_final_loop(struct holo_writer *w, struct holo_conn *c,
                          const struct swap_checks *checks, bool on_conflict,
                          struct hf_error *err);

/* The final transaction's first statement: lock the parent, waiting at
 * most lock_timeout = half the server's deadlock_timeout (at least
 * 100 ms). A load that waited without limit could close a cycle the
 * server cannot see: our queued ACCESS EXCLUSIVE request stalls another
 * load's connection (e.g. in CREATE TABLE ... LIKE parent) while that
 * load's other connection, idle in its transaction until the stalled one
 * is done, holds the lock we wait for (docs/decisions.md). 0 locked; 1
 * busy (nothing done, the transaction aborted); -1 with err. */
static int lock_parent(struct holo_writer *w, struct holo_conn *c,
                       struct hf_error *err)
{
    enum holo_err_class cls;
    PGresult *r = NULL;
    if (exec_params(c, "SELECT pg_catalog.current_setting('lock_timeout')",
                    0, NULL, &r, &cls, err) != 0)
        return -1;
    char before[64];
    snprintf(before, sizeof before, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    if (holo_conn_exec(c,
                       "SELECT pg_catalog.set_config('lock_timeout', "
                       "greatest(100, (extract(epoch FROM "
                       "pg_catalog.current_setting('deadlock_timeout')::"
                       "interval) * 500)::int)::text, true)",
                       &cls, err) != 0)
        return -1;
    const char *pp[2] = {w->meta.schema, w->meta.table};
    if (exec_params(c,
                    "SELECT format('LOCK TABLE %I.%I IN ACCESS EXCLUSIVE "
                    "MODE', $1::text, $2::text)",
                    2, pp, &r, &cls, err) != 0)
        return -1;
    PGresult *l = PQexec(c->pg, PQgetvalue(r, 0, 0));
    PQclear(r);
    if (PQresultStatus(l) != PGRES_COMMAND_OK) {
        const char *st = PQresultErrorField(l, PG_DIAG_SQLSTATE);
        bool busy = PQstatus(c->pg) == CONNECTION_OK && st != NULL &&
                    (strcmp(st, "55P03") == 0 || strcmp(st, "40P01") == 0);
        if (!busy)
            holo_conn_classify(c, l, err);
        PQclear(l);
        return busy ? 1 : -1;
    }
    PQclear(l);
    /* The rest waits as the session would have: the parent is ours, and
     * no other load holds a lock on a child without one on the parent. */
    const char *bp[1] = {before};
    if (exec_params(c,
                    "SELECT pg_catalog.set_config('lock_timeout', $1, true)",
                    1, bp, NULL, &cls, err) != 0)
        return -1;
    return 0;
}

int holo_par_finish(struct holo_writer *w, struct holo_conn *c,
                    struct hf_error *err)
{
    struct holo_par *p = w->par;
    const struct holo_config *cfg = w->cfg;
    enum holo_err_class cls;
    const char *sch = w->meta.schema, *par = w->meta.table;
    qsort(p->st, p->n, sizeof *p->st, cmp_stage);
    bool on_conflict = w->npk > 0 && w->meta.npk > 0 &&
                       cfg->write_mode != HOLO_WM_COPY_BULK_LOAD;
    /* Every child of the parent is locked: swaps detach, truncate empties,
     * and an empty child must stay empty until it is swapped. */
    const char *pp[2] = {sch, par};
    int locked = lock_parent(w, c, err);
    if (locked != 0)
        return locked;
    if (cfg->bulk_truncate) {
        if (exec_formatted(c,
                           "SELECT format('TRUNCATE %I.%I', $1::text, "
                           "$2::text)",
                           2, pp, &cls, err) != 0)
            return -1;
        hf_log_info("hologres sink \"%s\".\"%s\": truncated inside the final "
                    "transaction",
                    sch, par);
    } else if (cfg->bulk_truncate_part &&
               find_stage(p, cfg->bulk_truncate_part, NULL) == NULL) {
        /* The partition to replace got no row: empty it all the same. */
        struct hf_strbuf q;
        hf_strbuf_init(&q, 0);
        hf_strbuf_puts(&q, "DELETE FROM ");
        hf_strbuf_put_ident(&q, sch);
        hf_strbuf_putc(&q, '.');
        hf_strbuf_put_ident(&q, par);
        hf_strbuf_puts(&q, " WHERE ");
        hf_strbuf_put_ident(&q, w->meta.cols[w->meta.part_col].name);
        hf_strbuf_puts(&q, " = $1");
        const char *vp[1] = {cfg->bulk_truncate_part};
        int rc = hf_strbuf_ok(&q)
                     ? exec_params(c, q.data, 1, vp, NULL, &cls, err)
                     : hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        hf_strbuf_free(&q);
        if (rc != 0)
            return -1;
    }
    pthread_mutex_lock(&w->meta_lock);
    int rc = holo_catalog_load_partitions(c, &w->meta, &cls, err);
    pthread_mutex_unlock(&w->meta_lock);
    if (rc != 0)
        return -1;
    struct swap_checks checks = {0};
    if (swap_checks_run(w, c, &checks, err) != 0) {
        swap_checks_free(&checks, p->n);
        return -1;
    }
    rc = par_final_loop(w, c, &checks, on_conflict, err);
    swap_checks_free(&checks, p->n);
    return rc;
}

/* holo_par_finish's pass over the stages, in order: attach, swap or copy
 * each. 0, or -1 with err. */
static int par_final_loop(struct holo_writer *w, struct holo_conn *c,
                          const struct swap_checks *checks, bool on_conflict,
                          struct hf_error *err)
{
    struct holo_par *p = w->par;
    const struct holo_config *cfg = w->cfg;
    enum holo_err_class cls;
    const char *sch = w->meta.schema, *par = w->meta.table;
    int rc = 0;
    uint32_t attached = 0, swapped = 0, copied = 0;
    for (uint32_t i = 0; i < p->n && rc == 0; i++) {
        const struct par_stage *st = &p->st[i];
        if (hf_failpoint("holo.copy.par-final-fail"))
            return hf_error_set(err, HF_ERR_SERVER,
                                "failpoint holo.copy.par-final-fail");
        if (i > 0 && strcmp(p->st[i - 1].value, st->value) == 0) {
            /* The previous stage may have become this value's child. */
            pthread_mutex_lock(&w->meta_lock);
            rc = holo_catalog_load_partitions(c, &w->meta, &cls, err);
            pthread_mutex_unlock(&w->meta_lock);
            if (rc != 0)
                return -1;
        }
        const struct holo_partition *child =
            holo_catalog_find_partition(&w->meta, st->value);
        if (child == NULL) {
            if (!cfg->create_missing_partition)
                return hf_error_set(err, HF_ERR_DATA,
                                    "table \"%s\".\"%s\" has no partition for "
                                    "value '%s' of column '%s', and "
                                    "sink.create-missing-partition is false",
                                    sch, par, st->value,
                                    w->meta.cols[w->meta.part_col].name);
            struct hf_strbuf name;
            hf_strbuf_init(&name, 0);
            holo_sql_partition_child_name(par, st->value, &name);
            rc = hf_strbuf_ok(&name)
                     ? name_free(c, sch, name.data, st->value,
                                 w->meta.cols[w->meta.part_col].name, par, err)
                     : hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            if (rc == 0)
                rc = attach(w, c, st->name, name.data, st->value, &cls, err);
            if (rc == 0)
                hf_log_info("creating partition \"%s\".\"%s\" of \"%s\".\"%s\" "
                            "for value '%s' (its staging table attached)",
                            sch, name.data, sch, par, st->value);
            hf_strbuf_free(&name);
            attached++;
            continue;
        }
        /* A second stage of one value (see find_stage) adds to what the
         * first one left. */
        bool again = i > 0 && strcmp(p->st[i - 1].value, st->value) == 0;
        bool replace =
            !again && (cfg->bulk_truncate ||
                       (cfg->bulk_truncate_part &&
                        strcmp(cfg->bulk_truncate_part, st->value) == 0));
        PGresult *r = NULL;
        char why[160];
        if (checks->why[i] != NULL &&
            strcmp(checks->ck_schema[i], child->schema) == 0 &&
            strcmp(checks->ck_table[i], child->table) == 0) {
            snprintf(why, sizeof why, "%s", checks->why[i]);
        } else {
            const char *cp[4] = {child->schema, child->table, sch, par};
            char qs[sizeof q_swap_refused + sizeof q_swap_refused_compression];
            snprintf(qs, sizeof qs, q_swap_refused,
                     PQserverVersion(c->pg) >= 140000
                         ? q_swap_refused_compression
                         : "");
            if (exec_params(c, qs, 4, cp, &r, &cls, err) != 0)
                return -1;
            snprintf(why, sizeof why, "%s",
                     PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "not found");
            PQclear(r);
        }
        if (why[0] == '\0') {
            /* A child holding several values keeps its bound. */
            uint32_t nv = 0;
            for (uint32_t k = 0; k < w->meta.nparts; k++)
                nv += strcmp(w->meta.parts[k].schema, child->schema) == 0 &&
                      strcmp(w->meta.parts[k].table, child->table) == 0;
            if (nv > 1)
                snprintf(why, sizeof why, "it holds %u values", nv);
        }
        bool empty = replace;
        if (!empty && why[0] == '\0') {
            struct hf_strbuf q;
            hf_strbuf_init(&q, 0);
            hf_strbuf_puts(&q, "SELECT 1 FROM ");
            hf_strbuf_put_ident(&q, child->schema);
            hf_strbuf_putc(&q, '.');
            hf_strbuf_put_ident(&q, child->table);
            hf_strbuf_puts(&q, " LIMIT 1");
            rc = hf_strbuf_ok(&q)
                     ? exec_params(c, q.data, 0, NULL, &r, &cls, err)
                     : hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            hf_strbuf_free(&q);
            if (rc != 0)
                return -1;
            empty = PQntuples(r) == 0;
            PQclear(r);
        }
        if (empty && why[0] == '\0') {
            const char *dp[4] = {sch, par, child->schema, child->table};
            rc = exec_formatted(c,
                                "SELECT format('ALTER TABLE %I.%I DETACH "
                                "PARTITION %I.%I', $1::text, $2::text, "
                                "$3::text, $4::text)",
                                4, dp, &cls, err);
            if (rc == 0)
                rc = exec_formatted(c,
                                    "SELECT format('DROP TABLE %I.%I', "
                                    "$1::text, $2::text)",
                                    2, dp + 2, &cls, err);
            if (rc == 0)
                rc = attach(w, c, st->name, child->table, st->value, &cls, err);
            if (rc == 0)
                hf_log_info("hologres sink \"%s\".\"%s\": partition '%s' "
                            "(\"%s\".\"%s\") swapped for its staging table",
                            sch, par, st->value, child->schema, child->table);
            swapped++;
            continue;
        }
        if (replace && !cfg->bulk_truncate) {
            struct hf_strbuf q;
            hf_strbuf_init(&q, 0);
            hf_strbuf_puts(&q, "DELETE FROM ");
            hf_strbuf_put_ident(&q, child->schema);
            hf_strbuf_putc(&q, '.');
            hf_strbuf_put_ident(&q, child->table);
            hf_strbuf_puts(&q, " WHERE ");
            hf_strbuf_put_ident(&q, w->meta.cols[w->meta.part_col].name);
            hf_strbuf_puts(&q, " = $1");
            const char *vp[1] = {st->value};
            rc = hf_strbuf_ok(&q)
                     ? exec_params(c, q.data, 1, vp, NULL, &cls, err)
                     : hf_error_set(err, HF_ERR_NOMEM, "out of memory");
            hf_strbuf_free(&q);
            if (rc != 0)
                return -1;
        }
        char reason[200];
        if (!empty)
            snprintf(reason, sizeof reason, "its rows are kept");
        else
            snprintf(reason, sizeof reason, "not swapped: %s", why);
        rc = copy_into(w, c, child, st->name, on_conflict, reason, &cls, err);
        copied++;
    }
    if (rc == 0)
        hf_log_info("hologres sink \"%s\".\"%s\": final transaction: %u "
                    "partition(s) attached, %u swapped, %u copied",
                    sch, par, attached, swapped, copied);
    return rc;
}
