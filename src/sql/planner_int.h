/*
 * planner_int.h - inside the planner: the state its files share.
 *
 * planner.c runs the statements in script order (settings first) and owns
 * the catalog: the tables and views the script has created and not
 * dropped, looked up by name, a temporary one before a permanent one of
 * the same name (Flink's rule). plan_table.c builds a table from its
 * CREATE TABLE (columns, computed columns, watermark, connector and format
 * options) and merges CREATE TABLE ... LIKE; plan_query.c turns queries
 * (SELECT, VALUES, UNION, WITH, views, subqueries, hints) into graph nodes
 * and plans INSERTs.
 *
 * Memory: tables belong to the job (hf_job.tables) from the moment they
 * are built; scopes and relations of planning live in `arena` and die with
 * the planner; nothing of the AST is kept by the job.
 */
#ifndef HF_SQL_PLANNER_INT_H
#define HF_SQL_PLANNER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "runtime/plan.h"
#include "sql/ast.h"
#include "sql/lexer.h"

struct hf_tz;

/* A name the script created: a table or a view. */
struct cat_entry {
    bool view;
    bool temporary;
    bool dropped;
    const char *name; /* last part, as written (borrowed from the AST) */
    int line, col;    /* of its CREATE statement */
    struct hf_table_def *table;            /* table (owned by the job) */
    const struct hf_ast_create_table *ct;  /* table: its definition */
    const struct hf_ast_create_view *vdef; /* view: its definition */
};

/* A table with an OPTIONS hint applied, kept so that two references with
 * the same hint read one source. */
struct hinted {
    const struct hf_table_def *base;
    char *key; /* the hint's pairs, "k\1v\1..." (owned) */
    struct hf_table_def *table;
};

struct planner {
    struct hf_job *job;
    struct hf_sql_src src;
    struct hf_ast_script *ast;
    struct hf_error *err;
    uint32_t tcap;
    bool batch_mode;
    bool reuse_source;      /* table.optimizer.reuse-source-enabled */
    bool dynamic_options;   /* table.dynamic-table-options.enabled */
    const struct hf_tz *tz; /* table.local-time-zone */
    struct hf_graph *g;     /* where nodes go: the job's graph, or a
                               scratch one while CREATE VIEW is checked */
    struct cat_entry *cat;
    uint32_t ncat, catcap;
    /* Per job->tables[i]: the definition it was built from (NULL for
     * VALUES). */
    const struct hf_ast_create_table **tdefs;
    struct hinted *hints;
    uint32_t nhints, hintcap;
    /* VALUES clauses planned so far and their tables (a view read twice
     * reads one source). */
    const struct hf_ast_query **vq;
    struct hf_table_def **vt;
    uint32_t nvalues, vcap;
    struct hf_arena arena; /* scopes and relations of planning */
    /* plan_rank.c: the rankings of the statement being planned. */
    struct hf_rank_track *ranks;
};

/* The first column reference in `a` (a constant has none), or NULL: a
 * constant the planner evaluates without a row (a frame offset, a window
 * size) is checked with it first. */
const struct hf_ast_expr *hf_plan_ast_column(const struct hf_ast_expr *a);
/* Errors at file:line:col of the script (lexer.h format). -1. */
int hf_plan_err_at(struct planner *p, hf_err_t code, int line, int col,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int hf_plan_oom(struct planner *p);
/* Rewrite an error from another layer into the script's form, placed at
 * (line, col) with `what` in front when it names no place itself. -1. */
int hf_plan_relocate(struct planner *p, int line, int col, const char *what);

/* The table or view `name` names now, or NULL. */
struct cat_entry *hf_plan_lookup(struct planner *p, const char *name);
/* "unknown table 'x'; did you mean 'y'?" or "used before it is created"
 * at `id`. -1. `role` names the table's use ("lookup"); "lateral" is a
 * lookup table named in LATERAL TABLE(name(...)), which with no similar
 * table is taken for a table function and refused as one. */
int hf_plan_unknown(struct planner *p, const struct hf_ast_ident *id,
                    const char *full, const char *role);

/* Append `t` (owned from here on) to the job's tables, built from `ct`
 * (borrowed; NULL for planner-made tables). 0 or -1 (t freed). */
int hf_plan_add_table(struct planner *p, struct hf_table_def *t,
                      const struct hf_ast_create_table *ct);
/* Free a table of the job. NULL is a no-op. */
void hf_plan_free_table(struct hf_table_def *t);

/* plan_table.c: build the table `ct` defines (name, columns, computed
 * columns, watermark, connector, formats, options); `note` (copied, may be
 * NULL) says how the planner made it when no CREATE TABLE names it. The
 * table goes into the job's tables. 0 with *out, or -1. */
int hf_plan_table(struct planner *p, const struct hf_ast_create_table *ct,
                  int line, int col, const char *note,
                  struct hf_table_def **out);
/* plan_table.c: the definition CREATE TABLE ... LIKE gives: `ct` merged
 * with the definition of its LIKE table by Flink's rules, a new tree in
 * the script's arena. 0 with *out, or -1. */
int hf_plan_like(struct planner *p, const struct hf_ast_create_table *ct,
                 const struct hf_ast_create_table **out);

/* plan_query.c */
int hf_plan_insert(struct planner *p, const struct hf_ast_stmt *st);
/* plan_join.c: the join marked `single` (its updates move rows between
 * join keys) whose rows reach node `id` through calcs only, or
 * UINT32_MAX. */
uint32_t hf_plan_moving_join(const struct hf_graph *g, uint32_t id);
/* plan_join.c, after every INSERT: such a join runs in parallel after all
 * when every path from it reaches an upsert materializer or a keyed
 * operator (which takes its rows in any order), never a sink directly. */
void hf_plan_unsingle_joins(struct hf_graph *g);
/* Plan the view's query into a scratch graph: names, types, column list.
 * 0 or -1. */
int hf_plan_view_check(struct planner *p, const struct hf_ast_create_view *v);
/* Bind `a` over table `t`'s columns, a computed column standing for its
 * expression: an expression over the table's physical and metadata
 * columns (the watermark). Returns a new tree or NULL with the error. */
struct hf_expr *hf_plan_bind_over_table(struct planner *p,
                                        const struct hf_table_def *t,
                                        const struct hf_ast_create_table *ct,
                                        const struct hf_ast_expr *a);
/* Free what plan_query.c keeps in the planner. */
void hf_plan_query_free(struct planner *p);

/* Push-down over the finished graph (plan_pushdown.c): fills the source
 * nodes' hf_scan_hints and removes the conjuncts sources take over from
 * their calcs' filters. 0 or -1 (out of memory). */
int hf_plan_pushdown(struct hf_graph *g, struct hf_error *err);
/* plan_window.c. A SESSION window TVF of the job's graph that no window
 * aggregate consumes is refused at its line:col (its rows' windows are
 * merged into sessions only by the aggregate). 0 or -1. */
int hf_plan_window_check_sessions(struct planner *p);

#endif
