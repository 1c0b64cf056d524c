/*
 * plan_rel.h - inside the query planner: relations and scopes
 * (plan_query.c), shared with the files that plan one kind of query each
 * (plan_agg.c: GROUP BY, aggregates, streaming DISTINCT).
 *
 * A relation is the rows of one graph node seen through projections and
 * filters that are not nodes yet; see plan_query.c's opening comment.
 * Memory: everything here lives in the planner's arena.
 */
#ifndef HF_SQL_PLAN_REL_H
#define HF_SQL_PLAN_REL_H

#include <stdbool.h>
#include <stdint.h>

#include "sql/ast.h"
#include "sql/bind.h"
#include "sql/planner_int.h"

struct scope;
struct hf_group_agg_spec;

/* Where a relation's rows are an updating result: the aggregate node
 * that makes them so (the last one, whose -U output its consumer
 * decides), named as Flink names it in messages. */
struct rupd {
    const char *node_text; /* "GroupAggregate(groupBy=[k], select=[...])" */
    uint32_t agg_node;     /* its graph node */
    struct hf_group_agg_spec *agg; /* its spec (owned by the graph) */
    uint32_t nkeys;        /* its output's first nkeys columns: the key */
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
};

/* What expressions over relation `in` see. */
struct scope {
    struct hf_bind_scope bs;
    struct planner *p;
    const struct rel *in;
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
};

/* plan_query.c's helpers, for plan_agg.c. */
void *hf_plan_aalloc(struct planner *p, size_t size);
struct hf_schema *hf_plan_aschema(struct planner *p, uint32_t n);
struct rel *hf_plan_new_rel(struct planner *p, uint32_t n);
struct rel *hf_plan_node_rel(struct planner *p, uint32_t node,
                             const struct hf_schema *base, int line, int col);
struct scope *hf_plan_new_scope(struct planner *p, const struct rel *in,
                                const char *table, const char *alias);
int hf_plan_rel_node(struct planner *p, struct rel *r,
                     const struct hf_type *to, const char *what);
struct hf_schema *hf_plan_own_schema(struct planner *p,
                                     const struct hf_schema *s);
const char *hf_plan_unique_name(struct planner *p, const struct hf_schema *s,
                                uint32_t n, const char *name);

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
 * the last aggregate emits -U (flink-stateful-sql.md §1.2, §1.8). 0 or -1
 * (the error at the INSERT's target). */
int hf_plan_agg_sink(struct planner *p, const struct rel *r,
                     const struct hf_table_def *sink, const uint32_t *targets,
                     const struct hf_ast_insert *ins);

#endif
