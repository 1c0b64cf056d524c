/*
 * plan_rank.h - planning ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...)
 * into deduplication or Top-N (plan_rank.c); plan_query.c calls these
 * from the queries that hold or read the ranking.
 *
 * The SELECT that holds `ROW_NUMBER() OVER (...) AS rn` creates the
 * operator node at once (hf_plan_rank_new) over its FROM relation after
 * its WHERE, with a "track" that follows the rn column up through the
 * queries that read it. The query that reads it must filter it
 * (hf_plan_rank_range: rn = 1, rn <= N, rn < N, BETWEEN 1 AND N); what
 * else reads rn decides whether the row number is output (Flink prunes
 * an unused rn). When the relation is made a node or reaches an INSERT,
 * hf_plan_rank_finish picks the operator as Flink does: deduplication for
 * rn = 1, ORDER BY one time attribute and rn unused, else Top-N.
 */
#ifndef HF_SQL_PLAN_RANK_H
#define HF_SQL_PLAN_RANK_H

#include <stdbool.h>
#include <stdint.h>

#include "sql/ast.h"
#include "sql/planner_int.h"

struct hf_rank_track;

/* What the ORDER BY's first column is. */
enum hf_rank_time { HF_RANK_NOT_TIME, HF_RANK_PROCTIME, HF_RANK_ROWTIME };

/* Plan the ranking of select item `it` (its expr the function, it->over
 * the window) over node `in_node` with columns `in` (borrowed from the
 * graph): part[npart] and order[norder] are column indexes of `in`;
 * `time` says what order[0] is; `updating` whether the input retracts.
 * `rn_name` (borrowed) names the row number column. Adds the node
 * (*node_out) whose output is in's columns then rn, and returns its track
 * (in the planner's arena), or NULL with the error set. */
struct hf_rank_track *hf_plan_rank_new(struct planner *p, uint32_t in_node,
                                       const struct hf_schema *in,
                                       const uint32_t *part, uint32_t npart,
                                       const uint32_t *order, uint32_t norder,
                                       enum hf_rank_time time, bool updating,
                                       const struct hf_ast_select_item *it,
                                       uint32_t *node_out);

/* Has the query reading the ranking given its range yet? */
bool hf_plan_rank_ranged(const struct hf_rank_track *t);

/* Take the range of rn from `where` (a query over the relation whose
 * column `rn_name` is the row number; `qual` the relation's alias or
 * name): the top-level AND terms comparing rn with an integer literal
 * are taken; the others are returned in rest[0..*nrest) (arena array,
 * borrowed ASTs). 0, or -1 with the error at the term that cannot be
 * taken (or at `line`:`col` when no term bounds rn). */
int hf_plan_rank_range(struct planner *p, struct hf_rank_track *t,
                       const struct hf_ast_expr *where, const char *rn_name,
                       const char *qual, int line, int col,
                       const struct hf_ast_expr ***rest, uint32_t *nrest);

/* A query's `ORDER BY ... LIMIT n` (no row number): the range 1..n. */
void hf_plan_rank_top(struct hf_rank_track *t, int64_t n);

/* Something reads rn as a value (an expression, a second column). */
void hf_plan_rank_use(struct hf_rank_track *t);

/* Decide the operator (rn_out: the row number is still a column of the
 * relation being made a node or written). Idempotent. 0 or -1. */
int hf_plan_rank_finish(struct planner *p, struct hf_rank_track *t,
                        bool rn_out);

/* After finish: does the operator emit updates (everything but proctime
 * keep-first deduplication)? */
bool hf_plan_rank_updating(const struct hf_rank_track *t);

/* The updating-result record (plan_rel.h) of the ranking's output: its
 * node text, upsert key and -U choice are filled by hf_plan_rank_finish
 * and hf_plan_rank_ub (borrowed; arena). */
struct rupd;
void hf_plan_rank_bind(struct hf_rank_track *t, struct rupd *u);

/* The consumer of the ranking's output wants -U (forced: a filter, an
 * aggregate) or only +U (an upsert sink keyed exactly by the upsert key,
 * flink-stateful-sql.md section 1.2): `need` true forces -U for good. */
void hf_plan_rank_ub(struct hf_rank_track *t, bool need);

/* The end of a statement: every ranking it planned is settled (one no
 * query settled is taken as reading rn; one never given its range is an
 * error). 0 or -1. hf_plan_rank_forget: the end of a CREATE VIEW's check
 * (its scratch nodes are gone), nothing settled. */
int hf_plan_rank_check(struct planner *p);
void hf_plan_rank_forget(struct planner *p);

/* Does `a` read a column named `name` (qualified by nothing or `qual`)? */
bool hf_plan_ast_reads(const struct hf_ast_expr *a, const char *name,
                       const char *qual);

#endif
