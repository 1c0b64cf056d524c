/*
 * ast.h - the syntax tree of a Flink SQL script, as the parser builds it.
 *
 * The tree says what the script wrote, not what it means: names are not
 * resolved, types of expressions are not known, options are uninterpreted
 * text. The planner (planner.c) and the expression binder (expr.c) give it
 * meaning. Every node carries the 1-based line and column where it starts,
 * so that later stages can point at the source in their messages.
 *
 * Memory: every node, array and string of a tree lives in the script's
 * arena or its token arena (struct hf_ast_script); nothing is freed on its
 * own, and hf_ast_script_free() releases all of it at once. Strings are
 * NUL-terminated.
 */
#ifndef HF_SQL_AST_H
#define HF_SQL_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/types.h"
#include "sql/lexer.h"

/* A name where it was written. */
struct hf_ast_ident {
    const char *name; /* NULL when absent */
    int line, col;
};

/* ------------------------------------------------------------ expressions */

enum hf_ast_kind {
    HF_AST_COLUMN,    /* [qual.]text; a.b may also be column a, field b
                         (the binder decides); more parts are FIELD nodes */
    HF_AST_INT,       /* integer literal; text as written, maybe with '-' */
    HF_AST_DECIMAL,   /* 1.50 */
    HF_AST_DOUBLE,    /* 1.5e3 */
    HF_AST_STRING,    /* 'text' (decoded) */
    HF_AST_BOOL,      /* TRUE / FALSE: b */
    HF_AST_NULL,      /* NULL */
    HF_AST_TYPED_LIT, /* DATE '...', TIME '...', TIMESTAMP '...': type, text */
    HF_AST_UNARY,     /* op (NEG, PLUS, NOT), args[0] */
    HF_AST_BINARY,    /* op, args[0], args[1] */
    HF_AST_IS, /* args[0] IS [NOT] (NULL|TRUE|FALSE|UNKNOWN): is, negated */
    HF_AST_BETWEEN, /* args[0] [NOT] BETWEEN args[1] AND args[2] */
    HF_AST_IN,      /* args[0] [NOT] IN (args[1..]) */
    HF_AST_LIKE,    /* args[0] [NOT] LIKE args[1] [ESCAPE args[2]] */
    HF_AST_CAST,    /* CAST / TRY_CAST (try_cast) (args[0] AS type) */
    HF_AST_CASE,    /* see has_operand / has_else */
    HF_AST_FUNC,    /* text(args...); also NOW, CURRENT_TIMESTAMP, TRIM */
    HF_AST_STAR,    /* '*' as a function argument: COUNT(*) */
    HF_AST_SYMBOL,  /* a keyword argument: the unit of EXTRACT(YEAR FROM x),
                       TIMESTAMPADD(DAY, ...), FLOOR(x TO HOUR), a JSON
                       clause (ERROR, ABSENT, ...); text upper-case */
    HF_AST_INTERVAL, /* INTERVAL 'text' qual: text the string, qual the
                        units upper-case ("DAY TO MINUTE"); negated for
                        INTERVAL -'...' */
    HF_AST_ITEM,  /* args[0][args[1]]: array element or map value */
    HF_AST_FIELD, /* args[0].text: a field of a ROW value */
    HF_AST_ROW,   /* ROW(args...) or (args[0], args[1], ...) */
    HF_AST_ARRAY, /* ARRAY[args...] */
    HF_AST_MAP    /* MAP[key1, value1, key2, value2, ...] */
};

enum hf_ast_op {
    HF_AOP_NONE,
    HF_AOP_ADD,
    HF_AOP_SUB,
    HF_AOP_MUL,
    HF_AOP_DIV,
    HF_AOP_MOD,
    HF_AOP_CONCAT,
    HF_AOP_EQ,
    HF_AOP_NE,
    HF_AOP_LT,
    HF_AOP_LE,
    HF_AOP_GT,
    HF_AOP_GE,
    HF_AOP_AND,
    HF_AOP_OR,
    HF_AOP_NOT,
    HF_AOP_NEG,
    HF_AOP_PLUS
};

/* IS kinds; DISTINCT is `args[0] IS [NOT] DISTINCT FROM args[1]`. */
enum hf_ast_is {
    HF_AIS_NULL,
    HF_AIS_TRUE,
    HF_AIS_FALSE,
    HF_AIS_UNKNOWN,
    HF_AIS_DISTINCT
};

/* TRIM modes (HF_AST_FUNC "TRIM": args[0] the string, args[1] the
 * characters when given). */
enum hf_ast_trim { HF_ATRIM_BOTH, HF_ATRIM_LEADING, HF_ATRIM_TRAILING };

struct hf_ast_expr {
    enum hf_ast_kind kind;
    int line, col;
    uint32_t off, end;   /* byte span [off, end) in the script */
    enum hf_ast_op op;   /* UNARY, BINARY */
    enum hf_ast_is is;   /* IS */
    int trim;            /* enum hf_ast_trim, FUNC "TRIM" */
    bool negated;        /* IS NOT, NOT BETWEEN/IN/LIKE */
    bool try_cast;       /* CAST: TRY_CAST */
    bool b;              /* BOOL; BETWEEN: SYMMETRIC */
    bool distinct;       /* FUNC(DISTINCT ...): aggregates only */
    bool has_operand;    /* CASE x WHEN ...: args[0] is x */
    bool has_else;       /* CASE ... ELSE: the last arg */
    const char *text;    /* literal text, column name, function name;
                            LIKE: "SIMILAR" for SIMILAR TO */
    const char *qual;    /* COLUMN: table name or alias, or NULL */
    struct hf_type type; /* CAST target, TYPED_LIT type, JSON_VALUE's
                            RETURNING type (STRING when absent) */
    /* CASE: [operand] when1 then1 when2 then2 ... [else] */
    struct hf_ast_expr **args;
    uint32_t nargs;
    uint32_t depth; /* height of the tree below and including this node */
    /* FUNC: agg(...) FILTER (WHERE filter), or NULL */
    struct hf_ast_expr *filter;
    /* FUNC in a SELECT item's expression: f(...) OVER window, or NULL (a
     * whole item `f(...) OVER ...` has it in the item instead). */
    struct hf_ast_over *over;
};

/* ------------------------------------------------------------ statements */

struct hf_ast_column {
    struct hf_ast_ident name;
    struct hf_type type; /* PROCTIME: TIMESTAMP_LTZ(3) NOT NULL; COMPUTED:
                            unknown until the planner binds `expr` */
    int type_line, type_col;
    enum hf_column_kind kind;
    const char *meta_key; /* METADATA FROM 'key', or NULL */
    bool is_virtual;
    const char *comment;      /* or NULL */
    bool primary_key;         /* inline `PRIMARY KEY NOT ENFORCED` */
    struct hf_ast_expr *expr; /* COMPUTED: `name AS expr` */
};

struct hf_ast_option {
    struct hf_ast_ident key; /* position of the key literal */
    const char *value;
    int vline, vcol;
};

/* `WATERMARK FOR rowtime AS expr` */
struct hf_ast_watermark {
    struct hf_ast_ident rowtime;
    struct hf_ast_expr *expr;
    int line, col; /* of WATERMARK */
};

/* One option of `LIKE base (...)`: INCLUDING/EXCLUDING/OVERWRITING a
 * feature. */
enum hf_like_strategy {
    HF_LIKE_INCLUDING,
    HF_LIKE_EXCLUDING,
    HF_LIKE_OVERWRITING
};
enum hf_like_feature {
    HF_LIKE_ALL,
    HF_LIKE_CONSTRAINTS,
    HF_LIKE_GENERATED,
    HF_LIKE_OPTIONS,
    HF_LIKE_PARTITIONS,
    HF_LIKE_WATERMARKS,
    HF_LIKE_METADATA
};

struct hf_ast_like_option {
    enum hf_like_strategy strategy;
    enum hf_like_feature feature;
    int line, col;
};

struct hf_ast_create_table {
    struct hf_ast_ident name; /* the last part of a dotted name */
    const char *full_name;    /* cat.db.name as written */
    bool temporary;
    bool if_not_exists;
    struct hf_ast_column *cols;
    uint32_t ncols;
    struct hf_ast_ident *pk; /* table-level PRIMARY KEY (a, b) */
    uint32_t npk;
    int pk_line, pk_col;
    struct hf_ast_ident *part; /* PARTITIONED BY (c, ...) */
    uint32_t npart;
    int part_line, part_col;
    struct hf_ast_watermark *wms;
    uint32_t nwms;
    const char *comment;
    bool has_with;
    struct hf_ast_option *opts;
    uint32_t nopts;
    /* LIKE base (options): base.name NULL when there is no LIKE. */
    struct hf_ast_ident like;
    const char *like_full;
    struct hf_ast_like_option *like_opts;
    uint32_t nlike_opts;
};

/* One `expr [ASC|DESC] [NULLS FIRST|LAST]` of an OVER's ORDER BY. */
struct hf_ast_order_item {
    struct hf_ast_expr *expr;
    bool desc;
    int nulls; /* 0: not written, 1: NULLS FIRST, 2: NULLS LAST */
    int line, col;
};

/* `OVER ([PARTITION BY e, ...] [ORDER BY o, ...])` after a select item's
 * function call: ROW_NUMBER() for deduplication and Top-N (the planner,
 * plan_rank.c, decides what it supports). */
/* A window frame bound: UNBOUNDED PRECEDING, CURRENT ROW, or `n`
 * PRECEDING/FOLLOWING (n: a row count for ROWS, an interval for RANGE). */
enum hf_ast_bound_kind {
    HF_BOUND_UNBOUNDED_PRECEDING,
    HF_BOUND_PRECEDING,
    HF_BOUND_CURRENT_ROW,
    HF_BOUND_FOLLOWING,
    HF_BOUND_UNBOUNDED_FOLLOWING
};
struct hf_ast_bound {
    enum hf_ast_bound_kind kind;
    struct hf_ast_expr *n; /* PRECEDING/FOLLOWING: the offset */
    int line, col;
};
enum hf_ast_frame { HF_FRAME_NONE, HF_FRAME_ROWS, HF_FRAME_RANGE };

struct hf_ast_over {
    int line, col; /* of OVER */
    /* OVER w: the name of a window of the WINDOW clause (the parser
     * copies its definition in; ref_line/ref_col where it is named). */
    const char *ref;
    int ref_line, ref_col;
    struct hf_ast_expr **part;
    uint32_t npart;
    struct hf_ast_order_item *order;
    uint32_t norder;
    /* ROWS|RANGE [BETWEEN lo AND hi] (frame NONE: none written); a lone
     * bound is lo, with hi CURRENT ROW. */
    enum hf_ast_frame frame;
    int frame_line, frame_col;
    struct hf_ast_bound lo, hi;
};

/* WINDOW name AS (window) of a SELECT. */
struct hf_ast_named_window {
    const char *name;
    int line, col;
    struct hf_ast_over *def;
};

struct hf_ast_select_item {
    struct hf_ast_expr *expr;  /* NULL for '*' and 't.*' */
    struct hf_ast_over *over;  /* expr OVER (...), or NULL */
    const char *star_qual;     /* 't' of 't.*', or NULL */
    struct hf_ast_ident alias; /* name NULL when none */
    int line, col;
};

struct hf_ast_query;
struct hf_ast_wtvf;

/* What a SELECT reads: a table, view or WITH name, or a parenthesised
 * query, with an optional alias (and column aliases) and an optional
 * OPTIONS hint. */
enum hf_ast_join_kind {
    HF_JOIN_NONE,  /* not a join: a table, view, WITH query or subquery */
    HF_JOIN_INNER, /* [INNER] JOIN ... ON */
    HF_JOIN_LEFT,  /* LEFT [OUTER] JOIN ... ON */
    HF_JOIN_RIGHT, /* RIGHT [OUTER] JOIN ... ON */
    HF_JOIN_FULL,  /* FULL [OUTER] JOIN ... ON */
    HF_JOIN_COMMA  /* FROM a, b: an inner join whose condition is WHERE's */
};

/* An item of FROM, or (join != HF_JOIN_NONE) a join of two items: `left`
 * and `right` joined ON `on` (NULL for a comma join); a chain
 * `a JOIN b ... JOIN c` is left-deep. */
struct hf_ast_from {
    enum hf_ast_join_kind join;
    struct hf_ast_from *left, *right; /* join only */
    struct hf_ast_expr *on;           /* join only; NULL for a comma join */
    int join_line, join_col;          /* join only: of its first keyword */
    struct hf_ast_ident name;        /* last part; name NULL for a subquery */
    const char *full;                /* as written */
    struct hf_ast_query *sub;        /* ( query ), or NULL */
    struct hf_ast_ident alias;       /* [AS] alias; name NULL when none */
    struct hf_ast_ident *alias_cols; /* AS a (x, y) */
    uint32_t nalias_cols;
    bool has_hint;               /* an OPTIONS hint followed the name */
    struct hf_ast_option *hints; /* its 'k' = 'v' pairs */
    uint32_t nhints;
    int hint_line, hint_col; /* of OPTIONS */
    int line, col;
    /* TABLE(TUMBLE|HOP|CUMULATE(...)): the window table function (name
     * and sub NULL; it names what it reads), or NULL. */
    struct hf_ast_wtvf *tvf;
    /* `name FOR SYSTEM_TIME AS OF expr` (a lookup or temporal join's
     * right side): the time expression, or NULL. */
    struct hf_ast_expr *systime;
    int systime_line, systime_col;
    /* `LATERAL TABLE(name(arg, ...))`: a lookup table called as a table
     * function (seed 001); `name` is the table, args its key values. */
    bool lateral;
    struct hf_ast_expr **largs;
    uint32_t nlargs;
};

/* A window table function in FROM (Flink's window TVFs):
 *   TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset]))
 *   TABLE(HOP(TABLE t, DESCRIPTOR(ts), slide, size [, offset]))
 *   TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), step, size [, offset]))
 *   TABLE(SESSION(TABLE t [PARTITION BY k | PARTITION BY (k, ...)],
 *                 DESCRIPTOR(ts), gap))
 * `data` is `TABLE name` (name set) or a parenthesised query (sub set). */
struct hf_ast_wtvf {
    const char *fn; /* "TUMBLE", "HOP", "CUMULATE", "SESSION" */
    int line, col;  /* of the function name */
    struct hf_ast_from data;
    /* SESSION's PARTITION BY columns (the keys sessions are kept per) */
    struct hf_ast_ident *part;
    uint32_t npart;
    struct hf_ast_ident timecol; /* DESCRIPTOR(timecol) */
    struct hf_ast_expr *args[3]; /* the intervals, in order */
    uint32_t nargs;
};

/* `name [(cols)] AS (query)` of a WITH clause. */
struct hf_ast_cte {
    struct hf_ast_ident name;
    struct hf_ast_ident *cols;
    uint32_t ncols;
    struct hf_ast_query *query;
};

/* One row of VALUES. */
struct hf_ast_row {
    struct hf_ast_expr **v;
    uint32_t n;
    int line, col;
};

enum hf_ast_query_kind {
    HF_QUERY_SELECT, /* SELECT [DISTINCT] items FROM from [WHERE where] */
    HF_QUERY_VALUES, /* VALUES (...), (...) */
    HF_QUERY_UNION   /* inputs[0] UNION [ALL] inputs[1] ... */
};

/* A query: a SELECT, a VALUES list or a UNION of queries, with the WITH
 * clause written before it and the LIMIT written after it. */
/* One LOOKUP query hint: `LOOKUP('table' = 'd', ...)` in the hint
 * block right after SELECT (sql/plan_lookup_hint.c checks and applies
 * it). */
struct hf_ast_lookup_hint {
    int line, col; /* of LOOKUP */
    struct hf_ast_option *opts;
    uint32_t nopts;
};

struct hf_ast_query {
    enum hf_ast_query_kind kind;
    int line, col;     /* of SELECT / VALUES / the first input */
    uint32_t off, end; /* its text, WITH and LIMIT included */
    struct hf_ast_cte *ctes;
    uint32_t nctes;
    /* SELECT */
    struct hf_ast_lookup_hint *lookup_hints; /* the query hints */
    uint32_t nlookup_hints;
    bool distinct;
    int distinct_line, distinct_col;
    struct hf_ast_select_item *items;
    uint32_t nitems;
    struct hf_ast_from from;
    struct hf_ast_expr *where; /* or NULL */
    /* GROUP BY exprs (ngroup 0: none), HAVING cond (or NULL) */
    bool has_group;
    struct hf_ast_expr **group;
    uint32_t ngroup;
    int group_line, group_col;
    /* GROUPING SETS / ROLLUP / CUBE: ngsets sets, set i is gsets[i]
     * (gset_len[i] exprs out of `group`); 0 for a plain GROUP BY. The
     * parser rewrites such a SELECT into a UNION ALL of one GROUP BY per
     * set (sql/grouping_sets.c). */
    struct hf_ast_expr ***gsets;
    uint32_t *gset_len;
    uint32_t ngsets;
    struct hf_ast_expr *having;
    int having_line, having_col;
    /* WINDOW w AS (...), ... */
    struct hf_ast_named_window *windows;
    uint32_t nwindows;
    /* VALUES */
    struct hf_ast_row *rows;
    uint32_t nrows;
    /* UNION: all inputs joined by the same UNION ALL (all) or UNION */
    struct hf_ast_query **inputs;
    uint32_t ninputs;
    bool all;
    int union_line, union_col; /* of the first UNION */
    /* ORDER BY items (norder 0: none), before any LIMIT */
    struct hf_ast_order_item *order;
    uint32_t norder;
    int order_line, order_col;
    /* LIMIT n [OFFSET m] */
    bool has_limit;
    int64_t limit, offset;
    int limit_line, limit_col;
};

struct hf_ast_insert {
    struct hf_ast_ident target; /* last part */
    const char *target_full;
    bool overwrite; /* INSERT OVERWRITE */
    int overwrite_line, overwrite_col;
    bool has_cols;
    struct hf_ast_ident *cols; /* INSERT INTO t (a, b) */
    uint32_t ncols;
    struct hf_ast_query *query;
    const char *select_text; /* the query as written */
    int select_line, select_col;
};

/* CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name [(cols)] [COMMENT c] AS
 * query */
struct hf_ast_create_view {
    struct hf_ast_ident name; /* last part */
    const char *full_name;
    bool temporary;
    bool if_not_exists;
    struct hf_ast_ident *cols;
    uint32_t ncols;
    const char *comment;
    struct hf_ast_query *query;
};

/* DROP [TEMPORARY] TABLE|VIEW [IF EXISTS] name */
struct hf_ast_drop {
    bool view;
    bool temporary;
    bool if_exists;
    struct hf_ast_ident name; /* last part */
    const char *full_name;
};

struct hf_ast_set {
    const char *key;
    const char *value;
    int line, col;   /* of the key */
    int vline, vcol; /* of the value */
};

enum hf_ast_stmt_kind {
    HF_STMT_SET,
    HF_STMT_CREATE_TABLE,
    HF_STMT_CREATE_VIEW,
    HF_STMT_DROP,
    HF_STMT_INSERT
};

struct hf_ast_stmt {
    enum hf_ast_stmt_kind kind;
    int line, col;
    bool in_statement_set; /* INSERT inside EXECUTE/BEGIN STATEMENT SET */
    union {
        struct hf_ast_set set;
        struct hf_ast_create_table create;
        struct hf_ast_create_view view;
        struct hf_ast_drop drop;
        struct hf_ast_insert insert;
    } u;
};

/* A parsed script. Owns its tokens and its arena; `src` is borrowed. */
struct hf_ast_script {
    struct hf_sql_src src;
    struct hf_tokens toks;
    struct hf_arena arena;
    struct hf_ast_stmt *stmts;
    uint32_t nstmts;
};

#endif
