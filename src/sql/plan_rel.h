/*
 * plan_rel.h - inside the query planner: relations and scopes
 * (plan_query.c), shared with the files that plan one kind of query each
 * (plan_agg.c: GROUP BY, aggregates, streaming DISTINCT; plan_join.c:
 * joins, whose inputs and output are relations like any other).
 *
 * A relation is the rows of one graph node seen through projections and
 * filters that are not nodes yet; see plan_query.c's opening comment.
 * Memory: everything here lives in the planner's arena.
 */
#ifndef HF_SQL_PLAN_REL_H
#define HF_SQL_PLAN_REL_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/connector.h"
#include "core/strbuf.h"
#include "ops/window_agg.h"
#include "sql/ast.h"
#include "sql/bind.h"
#include "sql/planner_int.h"

struct scope;
struct jtab;
struct hf_group_agg_spec;
struct hf_ast_wtvf;
struct hf_rank_track;

/* Where a relation's rows are an updating result: the aggregate node
 * that makes them so (the last one, whose -U output its consumer
 * decides), named as Flink names it in messages. */
struct rupd {
    const char *node_text; /* "GroupAggregate(groupBy=[k], select=[...])" */
    uint32_t agg_node;     /* its graph node */
    struct hf_group_agg_spec *agg; /* its spec (owned by the graph) */
    uint32_t nkeys;        /* its output's first nkeys columns: the key */
    /* Or a ranking (plan_rank.c; agg NULL): its track, and the key's
     * columns of its output (keys[0..nkeys), not the first nkeys). */
    struct hf_rank_track *rank;
    const uint32_t *keys;
    bool no_key; /* the rows have no upsert key at all (Top-N without
                    the row number), unlike a global aggregate's {} */
};

/* How an output column of a relation is computed: the expression `ast`
 * bound in `scope`, or (ast NULL) the node's column `base`. */
struct rcol {
    const struct hf_ast_expr *ast;
    const struct scope *scope;
    uint32_t base;
    int line, col; /* where the query names it, for messages */
};

struct rfilter {
    const struct hf_ast_expr *ast;
    const struct scope *scope;
};

struct rel {
    uint32_t node;                /* the graph node whose rows these are */
    const struct hf_schema *base; /* its columns */
    struct hf_schema *out;        /* the relation's names and types */
    struct rcol *cols;            /* out->ncols */
    struct rfilter *filters;
    uint32_t nfilters;
    /* The first table read whose rows may be updates and deletes, and
     * whether its format (else its connector) says so; NULL if none. */
    const struct hf_table_def *clog;
    bool clog_format;
    /* An updating result (an aggregate below; plan_agg.c), or NULL. */
    const struct rupd *upd;
    /* Else (clog and upd NULL): the operator of the query that makes its
     * rows updates ("the LEFT JOIN at line 3, column 8"), or NULL. */
    const char *clog_op;
    /* The rows of a window table function (plan_window.c), or NULL. */
    const struct rwin *win;
    /* ROW_NUMBER() (plan_rank.h): the ranking below whose row number is
     * column rn_col (UINT32_MAX: no column is), or NULL. */
    struct hf_rank_track *rank;
    uint32_t rn_col;
};

/* What a window TVF relation's columns are. */
struct rwin {
    uint32_t start, end, time; /* columns window_start/_end/_time */
    bool proctime;             /* processing-time windows */
    struct hf_window_def def;
    uint32_t tvf_node; /* the window TVF node */
    /* SESSION TVF: its PARTITION BY columns (npart 0: none); legacy
     * GROUP BY SESSION: legacy is set, sessions are per group key. */
    const struct hf_ast_ident *part;
    uint32_t npart;
    bool legacy;
};

/* What expressions over relation `in` see. */
struct scope {
    struct hf_bind_scope bs;
    struct planner *p;
    const struct rel *in;
    /* A join's scope: the tables whose columns `in` holds (NULL: one
     * table, named by bs.table and bs.alias). */
    const struct jtab *tabs;
    uint32_t ntabs;
};

/* The WITH queries visible at a point: ctes[0..n), then those outside. */
struct env {
    const struct hf_ast_cte *ctes;
    uint32_t n;
    const struct env *up;
};

struct qstate {
    struct planner *p;
    int depth;     /* views and WITH queries being planned */
    int stmt_line; /* the statement, for source nodes */
    /* INSERT INTO t VALUES ...: the VALUES clause and the types of the
     * columns it fills, which its values take (as Calcite types them). */
    const struct hf_ast_query *values_q;
    const struct hf_type *values_types;
    /* The SELECT whose FROM is being planned, for its LOOKUP hints
     * (plan_lookup_hint.c), and which of them a lookup join took (bit i:
     * hint i). */
    const struct hf_ast_query *hint_q;
    uint32_t hints_used;
};

/* plan_lookup_hint.c: Flink's LOOKUP query hint. hf_plan_lookup_hints_check
 * refuses a malformed hint of `q` at its place (unknown option, bad value,
 * missing 'table', an incomplete retry strategy); at most 32 hints.
 * hf_plan_lookup_hint_apply applies the first hint of qs->hint_q naming
 * the table's `alias` (NULL: none), else naming it `name` (as FROM names
 * it), to `c` and describes it in `text`
 * (for explain); hf_plan_lookup_hints_unused refuses a hint of `q` that no
 * lookup join of its FROM took. 0 or -1. */
int hf_plan_lookup_hints_check(struct planner *p, const struct hf_ast_query *q);
void hf_plan_lookup_hint_apply(struct qstate *qs, const char *name,
                               const char *alias,
                               struct hf_lookup_conf *c, struct hf_strbuf *text);
int hf_plan_lookup_hints_unused(struct qstate *qs, const struct hf_ast_query *q);

/* A table (or view, WITH query, subquery) whose columns a join's
 * relation holds: columns [first, first + n) of the relation's output,
 * qualified by `qual` (the alias, else the name; NULL for a subquery
 * without alias, whose columns are reached unqualified only). */
struct jtab {
    const char *qual;
    uint32_t first, n;
};

/* plan_query.c's helpers, for plan_agg.c and plan_join.c. */
void *hf_plan_aalloc(struct planner *p, size_t size);
struct hf_schema *hf_plan_aschema(struct planner *p, uint32_t n);
struct rel *hf_plan_new_rel(struct planner *p, uint32_t n);
struct rel *hf_plan_node_rel(struct planner *p, uint32_t node,
                             const struct hf_schema *base, int line, int col);
struct scope *hf_plan_new_scope(struct planner *p, const struct rel *in,
                                const char *table, const char *alias);
int hf_plan_rel_node(struct planner *p, struct rel *r,
                     const struct hf_type *to, const char *what);
/* The column of `in` a PARTITION BY / ORDER BY term of `fn` (an OVER
 * window, ROW_NUMBER()) names, qualified names resolved through `s`; an
 * expression is refused by name. */
int hf_plan_window_col(struct planner *p, const struct rel *in,
                       const struct scope *s, const struct hf_ast_expr *a,
                       const char *what, const char *fn, uint32_t *idx);
struct hf_schema *hf_plan_own_schema(struct planner *p,
                                     const struct hf_schema *s);
const char *hf_plan_unique_name(struct planner *p, const struct hf_schema *s,
                                uint32_t n, const char *name);

/* One FROM item that is not a join (a table, view, WITH query or
 * subquery, aliases applied): its relation and the name its columns are
 * qualified by (*qual NULL for a subquery without alias) and the name
 * messages call it by (*table). */
int hf_plan_from_item(struct qstate *qs, const struct env *env,
                      const struct hf_ast_from *f, struct rel **out,
                      const char **qual, const char **table);

/* plan_join.c: plan the join tree `f` into *out (a join node over its
 * inputs' nodes) and the tables whose columns it holds (*tabs, *ntabs, in
 * the arena). `pushed[0..npushed)`: WHERE's conjuncts, which inner joins
 * take when they span both of their sides (a comma join's condition);
 * a conjunct taken has its `taken` set. */
struct pushed_conj {
    const struct hf_ast_expr *ast;
    bool taken;
};
int hf_plan_join(struct qstate *qs, const struct env *env,
                 const struct hf_ast_from *f, struct pushed_conj *pushed,
                 uint32_t npushed, struct rel **out, struct jtab **tabs,
                 uint32_t *ntabs);
/* plan_join.c's pieces, for plan_lookup.c. One side of a join: its
 * relation and the tables whose columns it holds. */
struct jside {
    struct rel *rel;
    struct jtab *tabs;
    uint32_t ntabs;
};
int hf_plan_join_side(struct qstate *qs, const struct env *env,
                      const struct hf_ast_from *f, struct pushed_conj *pushed,
                      uint32_t npushed, struct jside *out);
/* Which sides expression `a` reads in join scope s (left = first nl
 * columns): bit 1 left, bit 2 right; -1 on a bad name. */
int hf_plan_sides_of(const struct scope *s, uint32_t nl,
                     const struct hf_ast_expr *a, struct hf_error *err);
void hf_plan_split_on(const struct hf_ast_expr *a, const struct hf_ast_expr **c,
                      uint32_t *n);
uint32_t hf_plan_count_on(const struct hf_ast_expr *a);
/* Side sd as a node with key expressions x (bound in sc) of types xt as
 * columns keys[]: hidden cast columns where needed. */
int hf_plan_side_node(struct planner *p, struct jside *sd,
                      const struct scope *sc, const struct hf_ast_expr **x,
                      const struct hf_type *xt, uint32_t nx, uint32_t *keys,
                      const char *what);
void hf_plan_cond_text(struct planner *p, const struct hf_ast_expr *a,
                       struct hf_strbuf *out);
/* plan_lookup.c: a join whose right side is `dim FOR SYSTEM_TIME AS OF`
 * or `LATERAL TABLE(dim(...))`: a lookup join node; as hf_plan_join. */
int hf_plan_lookup_join(struct qstate *qs, const struct env *env,
                        const struct hf_ast_from *f, struct pushed_conj *pushed,
                        uint32_t npushed, struct rel **out, struct jtab **tabs,
                        uint32_t *ntabs);
/* plan_query.c: the relation of lookup table `t` (its columns; no node),
 * for binding a lookup join's condition. */
struct rel *hf_plan_table_cols(struct planner *p, const struct hf_table_def *t,
                               int line, int col);
/* A scope over a join's relation r: names resolve among `tabs`. */
struct scope *hf_plan_join_scope(struct planner *p, const struct rel *r,
                                 const struct jtab *tabs, uint32_t ntabs);

/* plan_window.c. FROM TABLE(TUMBLE|HOP|CUMULATE(...)) over `data` (the
 * planned relation of its table, named `table`): the window TVF node and
 * the relation of its rows. 0 with *out, or -1. */
int hf_plan_window_tvf(struct planner *p, const struct hf_ast_wtvf *f,
                       const char *table, struct rel *data, struct rel **out);
/* plan_window.c. Is column `col` of node `id` of g a time attribute (a
 * WATERMARK's rowtime or a PROCTIME() column, read through calcs,
 * views and subqueries unchanged)? 1 rowtime, 2 proctime, 0 neither. */
int hf_plan_time_attr(const struct hf_graph *g, uint32_t id, uint32_t col);
/* plan_window.c. A legacy group window in q's GROUP BY: *qp, *inp, *sp
 * become the query rewritten over a window TVF relation (see there);
 * nothing changes without one. 0 or -1. */
int hf_plan_window_legacy(struct planner *p, const struct hf_ast_query **qp,
                          struct rel **inp, struct scope **sp,
                          const char *table);
/* plan_window.c. 1 when `in` is a window TVF relation and the keys name
 * its window_start and window_end (their positions into *start_key,
 * *end_key): a window aggregate. 0 otherwise. */
int hf_plan_window_keys(const struct rel *in,
                        const struct hf_ast_expr *const *keys, uint32_t nkeys,
                        uint32_t *start_key, uint32_t *end_key);
/* plan_window.c. For a window aggregate over a SESSION TVF: the group
 * keys other than window_start/window_end must be its PARTITION BY
 * columns (sessions are kept per partition). 0, or -1 with the error. */
int hf_plan_window_session_keys(struct planner *p, const struct rel *in,
                                const struct hf_ast_expr *const *keys,
                                uint32_t nkeys, uint32_t start_key,
                                uint32_t end_key);
/* plan_window.c. The window aggregate node over pre's node in place of
 * the group aggregate planned in g (taken and freed), output schema os
 * (owned from here): keys, calls, then window_time. 0 with *id, or -1. */
int hf_plan_window_agg_node(struct planner *p, const struct rel *in,
                            struct rel *pre, struct hf_group_agg_spec *g,
                            uint32_t start_key, uint32_t end_key,
                            struct hf_schema *os, const char *groupby,
                            uint32_t *id);

/* plan_query.c. r reads a source whose changelog needs completing (an
 * upsert stream, or CDC events that may repeat: see plan_query.c,
 * "normalize"): r then reads the ChangelogNormalize over that source (one
 * per source, added when missing), with -U when `update_before`; other
 * relations are left alone. A missing PRIMARY KEY is an error at
 * line:col. 0 or -1. */
int hf_plan_normalize(struct planner *p, struct rel *r, bool update_before,
                      int line, int col);

/* plan_agg.c. Does SELECT q aggregate (GROUP BY, HAVING, or an aggregate
 * call among its items)? */
bool hf_plan_agg_query(const struct hf_ast_query *q);
/* Plan SELECT q, which aggregates, over `in` (its FROM, scope s, named
 * `table`): WHERE, the pre-aggregation calc, the group aggregate node,
 * then the items and HAVING over its output. 0 with *out, or -1. */
int hf_plan_agg(struct planner *p, const struct hf_ast_query *q,
                struct rel *in, struct scope *s, const char *table,
                struct rel **out);
/* Streaming (or updating) DISTINCT over r: a group aggregate keyed by
 * every column, no calls. 0 or -1. */
int hf_plan_agg_distinct(struct planner *p, struct rel *r, const char *what,
                         int line, int col);
/* The aggregate of u must emit -U (its consumer filters or aggregates). */
void hf_plan_agg_force_ub(const struct rupd *u);
/* An INSERT of r into `sink` (the query's column i into sink column
 * targets[i]): the sink must take updates if r has them; decides whether
 * the last aggregate emits -U and whether a SinkUpsertMaterializer goes in
 * front of the sink (flink-stateful-sql.md §1.2, §1.8): then *mat is set
 * and *ukey (malloc'd, *nukey sink columns; NULL and 0 when the rows'
 * upsert key is not known there) the upsert key the materializer matches
 * rows on. 0 or -1 (the error at the INSERT's target). */
int hf_plan_agg_sink(struct planner *p, const struct rel *r,
                     const struct hf_table_def *sink, const uint32_t *targets,
                     const struct hf_ast_insert *ins, bool *mat,
                     uint32_t **ukey, uint32_t *nukey);
/* Whether `sink` is an upsert sink (takes +I/+U/-D by its PRIMARY KEY:
 * hologres, jdbc, upsert-kafka with one), where Flink may put a
 * SinkUpsertMaterializer; other sinks taking updates are retract sinks. */
bool hf_plan_upsert_sink(const struct hf_table_def *sink);

#endif
