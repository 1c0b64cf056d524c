/*
 * holo_sql.c - the text of the hologres sink's statements (see holo_sql.h).
 *
 * Every statement takes one array parameter per column and is built once
 * per (table, written columns, options); no value ever appears in the
 * text. The only text that is not ours is (a) identifiers, always
 * double-quoted with embedded quotes doubled, (b) column default
 * expressions as the server printed them (pg_get_expr), and (c) the
 * user's `sink.insert.conflict-update-set` / `conflict-where` expressions,
 * which are SQL by design (Hologres' own connector splices them the same
 * way: they come from the job's DDL, written by whoever owns the job).
 * The check-and-put `null-as` value is data, so it travels as a text
 * parameter cast to the column's type.
 *
 * Wire vs target types: parameters have the wire type of the job column
 * (holo_encode.h). Where the target column's type differs, the value is
 * cast explicitly to the target's base type without its type modifier
 * (`u.c2::jsonb`, `u.c3::int4[]`, `u.c1::varchar`); the INSERT's
 * assignment then applies the modifier (length, numeric scale) so
 * overflow and over-long values stay data errors instead of being
 * truncated by an explicit cast to varchar(n). The explicit cast is
 * needed because text has no assignment cast to json/jsonb, array
 * literals travel as text, and COALESCE needs both arguments of one type.
 *
 * Invariants: builders append to `sql` and return 0, or -1 with err (a
 * column missing from the table, a delete without primary key, an
 * option combination no statement can express); they never read the
 * database.
 */
#include "connectors/hologres/holo_sql.h"

#include <stdio.h>
#include <string.h>

#include "connectors/hologres/holo_encode.h"

/* --------------------------------------------------------------- helpers */

/* Key parameters of a delete: at most PostgreSQL's INDEX_MAX_KEYS (32)
 * primary-key columns plus the check-and-put column. */
#define MAX_KEYS 33

static const char *const cap_ops[] = {
    [HOLO_CAP_GREATER] = ">",  [HOLO_CAP_GREATER_OR_EQUAL] = ">=",
    [HOLO_CAP_EQUAL] = "=",    [HOLO_CAP_NOT_EQUAL] = "<>",
    [HOLO_CAP_LESS] = "<",     [HOLO_CAP_LESS_OR_EQUAL] = "<=",
    [HOLO_CAP_IS_NULL] = NULL, [HOLO_CAP_IS_NOT_NULL] = NULL,
};

/* Built-in types by OID: the short name used in casts (no typmod), and
 * the zero value written into a NOT NULL column that gets a NULL when
 * sink.default-for-not-null-column.enabled is on and the column has no
 * default. The zero values are constants of holoflow, not user data. */
static const struct {
    Oid oid;
    const char *name;
    const char *zero;
} pg_types[] = {
    {16, "bool", "false"},
    {17, "bytea", "''"}, /* empty; no backslash, whatever the quoting GUCs */
    {20, "int8", "0"},
    {21, "int2", "0"},
    {23, "int4", "0"},
    {25, "text", "''"},
    {114, "json", "'{}'"},
    {700, "float4", "0"},
    {701, "float8", "0"},
    {1042, "bpchar", "''"},
    {1043, "varchar", "''"},
    {1082, "date", "'1970-01-01'"},
    {1083, "time", "'00:00:00'"},
    {1114, "timestamp", "'1970-01-01 00:00:00'"},
    {1184, "timestamptz", "'1970-01-01 00:00:00+00'"},
    {1700, "numeric", "0"},
    {3802, "jsonb", "'{}'"},
    {1000, "bool[]", "'{}'"},
    {1001, "bytea[]", "'{}'"},
    {1005, "int2[]", "'{}'"},
    {1007, "int4[]", "'{}'"},
    {1009, "text[]", "'{}'"},
    {1014, "bpchar[]", "'{}'"},
    {1015, "varchar[]", "'{}'"},
    {1016, "int8[]", "'{}'"},
    {1021, "float4[]", "'{}'"},
    {1022, "float8[]", "'{}'"},
    {1115, "timestamp[]", "'{}'"},
    {1182, "date[]", "'{}'"},
    {1183, "time[]", "'{}'"},
    {1185, "timestamptz[]", "'{}'"},
    {1231, "numeric[]", "'{}'"},
    {199, "json[]", "'{}'"},
    {3807, "jsonb[]", "'{}'"},
};

static int pg_type_index(Oid oid)
{
    for (size_t i = 0; i < sizeof pg_types / sizeof pg_types[0]; i++)
        if (pg_types[i].oid == oid)
            return (int)i;
    return -1;
}

/* Append the column's type without its modifier: a built-in's short name,
 * else the printed type with every parenthesised part outside double
 * quotes removed ("timestamp(3) without time zone" -> "timestamp without
 * time zone"). */
static void put_base_type(struct hf_strbuf *sql, const struct holo_column *c)
{
    int k = pg_type_index(c->type_oid);
    if (k >= 0) {
        hf_strbuf_puts(sql, pg_types[k].name);
        return;
    }
    const char *p = c->type_text ? c->type_text : "text";
    bool quoted = false;
    int depth = 0;
    for (; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        if (!quoted && *p == '(') {
            depth++;
            continue;
        }
        if (!quoted && *p == ')' && depth > 0) {
            depth--;
            continue;
        }
        if (depth == 0)
            hf_strbuf_putc(sql, *p);
    }
}

/* The zero value of the column's type, or NULL when there is none. */
static const char *zero_value(const struct holo_column *c)
{
    int k = pg_type_index(c->type_oid);
    if (k >= 0)
        return pg_types[k].zero;
    if (c->elem_oid != 0)
        return "'{}'";
    return NULL;
}

static void put_table(struct hf_strbuf *sql, const struct holo_stmt_spec *s)
{
    hf_strbuf_put_ident(sql, s->schema);
    hf_strbuf_putc(sql, '.');
    hf_strbuf_put_ident(sql, s->table);
}

static const struct hf_type *jtype(const struct holo_stmt_spec *s, uint32_t j)
{
    return &s->job->cols[j].type;
}

static const struct holo_column *mcol(const struct holo_stmt_spec *s,
                                      uint32_t j)
{
    return &s->meta->cols[s->map[j]];
}

static bool is_pk(const struct holo_stmt_spec *s, uint32_t mi)
{
    for (uint32_t k = 0; k < s->meta->npk; k++)
        if (s->meta->pk[k] == mi)
            return true;
    return false;
}

static bool has_text(const char *t)
{
    return t != NULL && t[0] != '\0';
}

/* Job column j as an array parameter type: "int8[]", or "text[]" for
 * nested columns (ARRAY, ROW, MAP, MULTISET: their elements are the
 * values' text input forms, holo_nested.h). */
static void put_param_type(struct hf_strbuf *sql,
                           const struct holo_stmt_spec *s, uint32_t j)
{
    const struct hf_type *t = jtype(s, j);
    if (hf_type_is_nested(t->id)) {
        hf_strbuf_puts(sql, "text[]");
    } else {
        hf_strbuf_puts(sql, holo_wire_name(t));
        hf_strbuf_puts(sql, "[]");
    }
}

/* Whether job column j's wire value must be cast to its column's type:
 * nested values' text always, others when the wire type differs. */
static bool needs_cast(const struct holo_stmt_spec *s, uint32_t j)
{
    const struct hf_type *t = jtype(s, j);
    return hf_type_is_nested(t->id) || holo_wire_oid(t) != mcol(s, j)->type_oid;
}

static void put_cast(struct hf_strbuf *sql, const struct holo_stmt_spec *s,
                     uint32_t j)
{
    if (needs_cast(s, j)) {
        hf_strbuf_puts(sql, "::");
        put_base_type(sql, mcol(s, j));
    }
}

/* `unnest($n::T[])` */
static void put_unnest1(struct hf_strbuf *sql, const struct holo_stmt_spec *s,
                        uint32_t param, uint32_t j)
{
    hf_strbuf_printf(sql, "unnest($%u::", param);
    put_param_type(sql, s, j);
    hf_strbuf_putc(sql, ')');
}

/* `unnest($1::T1[], $2::T2[]) AS alias(p1, p2)` (PostgreSQL) over the
 * job columns js[0..n); the last column is named `last` when non-NULL. */
static void put_unnest_multi(struct hf_strbuf *sql,
                             const struct holo_stmt_spec *s, const uint32_t *js,
                             uint32_t n, const char *alias, const char *prefix,
                             const char *last)
{
    hf_strbuf_puts(sql, "unnest(");
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0)
            hf_strbuf_puts(sql, ", ");
        hf_strbuf_printf(sql, "$%u::", i + 1);
        put_param_type(sql, s, js[i]);
    }
    hf_strbuf_printf(sql, ") AS %s(", alias);
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0)
            hf_strbuf_puts(sql, ", ");
        if (last != NULL && i + 1 == n)
            hf_strbuf_puts(sql, last);
        else
            hf_strbuf_printf(sql, "%s%u", prefix, i + 1);
    }
    hf_strbuf_putc(sql, ')');
}

/* `(SELECT unnest($1::T1[]) AS p1, ...) AS alias` (Hologres: one unnest
 * per column, in a derived table when the outer query needs names). */
static void put_unnest_subquery(struct hf_strbuf *sql,
                                const struct holo_stmt_spec *s,
                                const uint32_t *js, uint32_t n,
                                const char *alias, const char *prefix,
                                const char *last)
{
    hf_strbuf_puts(sql, "(SELECT ");
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0)
            hf_strbuf_puts(sql, ", ");
        put_unnest1(sql, s, i + 1, js[i]);
        if (last != NULL && i + 1 == n)
            hf_strbuf_printf(sql, " AS %s", last);
        else
            hf_strbuf_printf(sql, " AS %s%u", prefix, i + 1);
    }
    hf_strbuf_printf(sql, ") AS %s", alias);
}

static int check_spec(const struct holo_stmt_spec *s, struct hf_error *err)
{
    if (s == NULL || s->meta == NULL || s->job == NULL || s->map == NULL ||
        s->cfg == NULL || s->schema == NULL || s->table == NULL ||
        (s->ncols > 0 && s->cols == NULL))
        return hf_error_set(err, HF_ERR_USAGE,
                            "hologres statement builder: incomplete spec");
    for (uint32_t i = 0; i < s->ncols; i++) {
        uint32_t j = s->cols[i];
        if (j >= s->job->ncols || s->map[j] >= s->meta->ncols)
            return hf_error_set(err, HF_ERR_USAGE,
                                "hologres statement builder: written column "
                                "%u of table \"%s\".\"%s\" has no table column",
                                j, s->schema, s->table);
    }
    return 0;
}

/* ---------------------------------------------------------- check-and-put */

struct cap {
    bool on;
    int mi;         /* table column index */
    int j;          /* job column index, -1 when the job does not have it */
    bool written;   /* j is among the written columns */
    const char *op; /* comparison, NULL for IS [NOT] NULL */
    bool null_as;   /* op compares and null-as is set */
};

static int resolve_cap(const struct holo_stmt_spec *s, struct cap *c,
                       struct hf_error *err)
{
    memset(c, 0, sizeof *c);
    c->mi = c->j = -1;
    if (!has_text(s->cfg->cap_column))
        return 0;
    c->on = true;
    const char *name = s->cfg->cap_column;
    c->j = hf_schema_find(s->job, name);
    if (c->j >= 0) {
        for (uint32_t i = 0; i < s->ncols; i++)
            if (s->cols[i] == (uint32_t)c->j)
                c->written = true;
        if (c->written)
            c->mi = (int)s->map[c->j];
    }
    for (uint32_t i = 0; c->mi < 0 && i < s->meta->ncols; i++)
        if (strcmp(s->meta->cols[i].name, name) == 0)
            c->mi = (int)i;
    if (c->mi < 0)
        return hf_error_set(err, HF_ERR_OPTION,
                            "sink.check-and-put.column '%s' is not a column of "
                            "table \"%s\".\"%s\"",
                            name, s->schema, s->table);
    if ((unsigned)s->cfg->cap_op >= sizeof cap_ops / sizeof cap_ops[0])
        return hf_error_set(err, HF_ERR_OPTION,
                            "unknown sink.check-and-put.operator %d",
                            (int)s->cfg->cap_op);
    c->op = cap_ops[s->cfg->cap_op];
    c->null_as = c->op != NULL && s->cfg->cap_null_as != NULL;
    return 0;
}

/* The check-and-put condition: `<new> <op> old."v"` or, with null-as,
 * `<new> <op> COALESCE(old."v", $n::text::T)`; `old."v" IS [NOT] NULL`
 * for those operators. The new value is `excluded."v"` in an upsert
 * (already of the column's type) and the key parameter `d.cap` in a
 * delete or nullify. */
static void put_cap_cond(struct hf_strbuf *sql, const struct holo_stmt_spec *s,
                         const struct cap *c, bool upsert,
                         uint32_t null_as_param)
{
    const struct holo_column *col = &s->meta->cols[c->mi];
    if (c->op == NULL) {
        hf_strbuf_puts(sql, "old.");
        hf_strbuf_put_ident(sql, col->name);
        hf_strbuf_puts(sql, s->cfg->cap_op == HOLO_CAP_IS_NULL
                                ? " IS NULL"
                                : " IS NOT NULL");
        return;
    }
    if (upsert) {
        hf_strbuf_puts(sql, "excluded.");
        hf_strbuf_put_ident(sql, col->name);
    } else {
        hf_strbuf_puts(sql, "d.cap");
        put_cast(sql, s, (uint32_t)c->j);
    }
    hf_strbuf_printf(sql, " %s ", c->op);
    if (c->null_as) {
        hf_strbuf_puts(sql, "COALESCE(old.");
        hf_strbuf_put_ident(sql, col->name);
        hf_strbuf_printf(sql, ", $%u::text::", null_as_param);
        put_base_type(sql, col);
        hf_strbuf_putc(sql, ')');
    } else {
        hf_strbuf_puts(sql, "old.");
        hf_strbuf_put_ident(sql, col->name);
    }
}

/* ----------------------------------------------------------------- upsert */

/* What the upsert's ON CONFLICT clause does. */
struct upsert_shape {
    bool on_conflict; /* the table has a primary key */
    bool do_update;   /* DO UPDATE (else DO NOTHING) */
    bool needs_old;   /* the text refers to old."c" */
    struct cap cap;
};

/* The SET items of the default update list (written non-key columns, and
 * for INSERT_OR_REPLACE every other non-key column). */
static uint32_t set_items(const struct holo_stmt_spec *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->ncols; i++)
        if (!is_pk(s, s->map[s->cols[i]]))
            n++;
    if (s->cfg->on_conflict == HOLO_OC_REPLACE)
        for (uint32_t mi = 0; mi < s->meta->ncols; mi++) {
            bool written = false;
            for (uint32_t i = 0; i < s->ncols && !written; i++)
                written = s->map[s->cols[i]] == mi;
            if (!written && !is_pk(s, mi))
                n++;
        }
    return n;
}

static int upsert_shape(const struct holo_stmt_spec *s, struct upsert_shape *u,
                        struct hf_error *err)
{
    memset(u, 0, sizeof *u);
    if (resolve_cap(s, &u->cap, err) != 0)
        return -1;
    u->on_conflict = s->meta->npk > 0;
    if (!u->on_conflict)
        return 0;
    const struct holo_config *cfg = s->cfg;
    bool exprs =
        has_text(cfg->conflict_update_set) || has_text(cfg->conflict_where);
    if (cfg->on_conflict == HOLO_OC_IGNORE) {
        if (exprs)
            return hf_error_set(
                err, HF_ERR_OPTION,
                "sink.insert.conflict-update-set and conflict-where need "
                "sink.on-conflict-action INSERT_OR_UPDATE or "
                "INSERT_OR_REPLACE, not INSERT_OR_IGNORE");
        return 0;
    }
    u->do_update = has_text(cfg->conflict_update_set) || set_items(s) > 0;
    u->needs_old =
        u->do_update && (cfg->ignore_null_when_update || u->cap.on || exprs);
    return 0;
}

bool holo_sql_upsert_has_null_as(const struct holo_stmt_spec *s)
{
    struct upsert_shape u;
    struct hf_error e;
    hf_error_clear(&e);
    if (check_spec(s, &e) != 0 || upsert_shape(s, &u, &e) != 0)
        return false;
    return u.do_update && u.cap.null_as;
}

/* Whether written column j gets COALESCE(value, default) under
 * sink.default-for-not-null-column.enabled (key columns never do). */
static bool fills_default(const struct holo_stmt_spec *s, uint32_t j)
{
    const struct holo_column *c = mcol(s, j);
    return s->cfg->default_for_not_null && c->not_null && !is_pk(s, s->map[j]);
}

/* Whether table column mi, which the job does not write, gets the zero
 * value in the INSERT under sink.default-for-not-null-column.enabled:
 * PostgreSQL checks NOT NULL on the proposed row before it looks for a
 * conflict, so a partial write into a table with a NOT NULL column that
 * has no default would fail even for rows that exist. Existing rows keep
 * their value (INSERT_OR_UPDATE does not SET the column). */
static bool fills_unwritten(const struct holo_stmt_spec *s, uint32_t mi)
{
    const struct holo_column *c = &s->meta->cols[mi];
    if (!s->cfg->default_for_not_null || !c->not_null ||
        c->default_expr != NULL || is_pk(s, mi) || zero_value(c) == NULL)
        return false;
    for (uint32_t i = 0; i < s->ncols; i++)
        if (s->map[s->cols[i]] == mi)
            return false;
    return true;
}

/* The default or zero value of a NOT NULL column, or -1 with err. */
static int put_fill(struct hf_strbuf *sql, const struct holo_stmt_spec *s,
                    const struct holo_column *c, struct hf_error *err)
{
    if (c->default_expr != NULL) {
        hf_strbuf_puts(sql, c->default_expr);
        return 0;
    }
    const char *z = zero_value(c);
    if (z == NULL)
        return hf_error_set(err, HF_ERR_TYPE,
                            "column \"%s\" of table \"%s\".\"%s\" is NOT NULL "
                            "without a default, and holoflow has no zero "
                            "value for its type %s "
                            "(sink.default-for-not-null-column.enabled)",
                            c->name, s->schema, s->table,
                            c->type_text ? c->type_text : "?");
    hf_strbuf_puts(sql, z);
    return 0;
}

/* The select-list item for written column i: the named value `u.cN`
 * (`named`) or the bare `unnest($N::T[])`, cast to the column's type when
 * needed, wrapped in COALESCE when it fills defaults. */
static int put_select_item(struct hf_strbuf *sql,
                           const struct holo_stmt_spec *s, uint32_t i,
                           bool named, struct hf_error *err)
{
    uint32_t j = s->cols[i];
    bool fill = fills_default(s, j);
    if (fill)
        hf_strbuf_puts(sql, "COALESCE(");
    if (named)
        hf_strbuf_printf(sql, "u.c%u", i + 1);
    else
        put_unnest1(sql, s, i + 1, j);
    put_cast(sql, s, j);
    if (fill) {
        hf_strbuf_puts(sql, ", ");
        if (put_fill(sql, s, mcol(s, j), err) != 0)
            return -1;
        hf_strbuf_putc(sql, ')');
    }
    return 0;
}

/* The new value of written column i in a SET list: `excluded."c"` in ON
 * CONFLICT DO UPDATE, or the unnested value `u.cN` (cast) in the UPDATE of
 * the two-step upsert (before any default is filled in). */
static void put_new_value(struct hf_strbuf *sql, const struct holo_stmt_spec *s,
                          uint32_t i, bool from_u)
{
    if (from_u) {
        hf_strbuf_printf(sql, "u.c%u", i + 1);
        put_cast(sql, s, s->cols[i]);
        return;
    }
    hf_strbuf_puts(sql, "excluded.");
    hf_strbuf_put_ident(sql, mcol(s, s->cols[i])->name);
}

static int put_set_list(struct hf_strbuf *sql, const struct holo_stmt_spec *s,
                        bool from_u, struct hf_error *err)
{
    bool first = true;
    for (uint32_t i = 0; i < s->ncols; i++) {
        const struct holo_column *c = mcol(s, s->cols[i]);
        if (is_pk(s, s->map[s->cols[i]]))
            continue;
        if (!first)
            hf_strbuf_puts(sql, ", ");
        first = false;
        hf_strbuf_put_ident(sql, c->name);
        if (s->cfg->ignore_null_when_update) {
            hf_strbuf_puts(sql, " = COALESCE(");
            put_new_value(sql, s, i, from_u);
            hf_strbuf_puts(sql, ", old.");
            hf_strbuf_put_ident(sql, c->name);
            hf_strbuf_putc(sql, ')');
        } else {
            hf_strbuf_puts(sql, " = ");
            put_new_value(sql, s, i, from_u);
        }
    }
    if (s->cfg->on_conflict != HOLO_OC_REPLACE)
        return 0;
    for (uint32_t mi = 0; mi < s->meta->ncols; mi++) {
        bool written = false;
        for (uint32_t i = 0; i < s->ncols && !written; i++)
            written = s->map[s->cols[i]] == mi;
        if (written || is_pk(s, mi))
            continue;
        const struct holo_column *c = &s->meta->cols[mi];
        if (!first)
            hf_strbuf_puts(sql, ", ");
        first = false;
        hf_strbuf_put_ident(sql, c->name);
        hf_strbuf_puts(sql, " = ");
        if (s->cfg->default_for_not_null && c->not_null &&
            c->default_expr == NULL) {
            if (put_fill(sql, s, c, err) != 0)
                return -1;
        } else {
            hf_strbuf_puts(sql, "DEFAULT");
        }
    }
    return 0;
}

static int finish(struct hf_strbuf *sql, struct hf_error *err)
{
    if (!hf_strbuf_ok(sql))
        return hf_error_set(err, HF_ERR_NOMEM,
                            "out of memory building a hologres statement");
    return 0;
}

/* Whether the upsert runs in two steps (PostgreSQL, INSERT mode): with
 * sink.ignore-null-when-update a NULL must keep the stored value, but a
 * NOT NULL column that default-for-not-null fills would reach ON CONFLICT
 * DO UPDATE already filled (excluded."c" is never NULL: the server checks
 * NOT NULL on the proposed row first). So existing keys are updated from
 * the raw values first, and only the other keys are inserted, filled. */
static bool two_step(const struct holo_stmt_spec *s,
                     const struct upsert_shape *u)
{
    if (s->hologres || s->source_table != NULL || !u->do_update ||
        !s->cfg->ignore_null_when_update || u->cap.on ||
        has_text(s->cfg->conflict_update_set) ||
        has_text(s->cfg->conflict_where))
        return false;
    for (uint32_t i = 0; i < s->ncols; i++)
        if (fills_default(s, s->cols[i]))
            return true;
    return false;
}

/* `old."k1" = u.cI AND ...` (`tbl` "old" or "upd") over the key. */
static void put_two_step_key(struct hf_strbuf *sql, const struct holo_stmt_spec *s,
                          const char *tbl)
{
    for (uint32_t k = 0; k < s->meta->npk; k++) {
        uint32_t mi = s->meta->pk[k];
        for (uint32_t i = 0; i < s->ncols; i++) {
            if (s->map[s->cols[i]] != mi)
                continue;
            if (k > 0)
                hf_strbuf_puts(sql, " AND ");
            hf_strbuf_printf(sql, "%s.", tbl);
            hf_strbuf_put_ident(sql, s->meta->cols[mi].name);
            hf_strbuf_printf(sql, " = u.c%u", i + 1);
            put_cast(sql, s, s->cols[i]);
        }
    }
}

/* `WITH u AS (unnest ...), upd AS (UPDATE ... RETURNING key) ` */
static int put_two_step_head(struct hf_strbuf *sql,
                             const struct holo_stmt_spec *s,
                             struct hf_error *err)
{
    hf_strbuf_puts(sql, "WITH u AS (SELECT * FROM ");
    put_unnest_multi(sql, s, s->cols, s->ncols, "u", "c", NULL);
    hf_strbuf_puts(sql, "), upd AS (UPDATE ");
    put_table(sql, s);
    hf_strbuf_puts(sql, " AS old SET ");
    if (put_set_list(sql, s, true, err) != 0)
        return -1;
    hf_strbuf_puts(sql, " FROM u WHERE ");
    put_two_step_key(sql, s, "old");
    hf_strbuf_puts(sql, " RETURNING ");
    for (uint32_t k = 0; k < s->meta->npk; k++) {
        if (k > 0)
            hf_strbuf_puts(sql, ", ");
        hf_strbuf_puts(sql, "old.");
        hf_strbuf_put_ident(sql, s->meta->cols[s->meta->pk[k]].name);
    }
    hf_strbuf_puts(sql, ") ");
    return 0;
}

int holo_sql_upsert(const struct holo_stmt_spec *s, struct hf_strbuf *sql,
                    struct hf_error *err)
{
    if (check_spec(s, err) != 0)
        return -1;
    if (s->ncols == 0)
        return hf_error_set(err, HF_ERR_USAGE,
                            "nothing to write into \"%s\".\"%s\": no columns",
                            s->schema, s->table);
    struct upsert_shape u;
    if (upsert_shape(s, &u, err) != 0)
        return -1;

    /* Hologres reads bare unnest() calls unless a COALESCE needs names
     * (set-returning functions are not allowed inside COALESCE). */
    bool named = !s->hologres || s->source_table != NULL;
    for (uint32_t i = 0; i < s->ncols && !named; i++)
        named = fills_default(s, s->cols[i]);
    bool two = two_step(s, &u);
    if (two && put_two_step_head(sql, s, err) != 0)
        return -1;

    hf_strbuf_puts(sql, "INSERT INTO ");
    put_table(sql, s);
    if (!s->hologres || u.needs_old)
        hf_strbuf_puts(sql, " AS old");
    hf_strbuf_puts(sql, " (");
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (i > 0)
            hf_strbuf_puts(sql, ", ");
        hf_strbuf_put_ident(sql, mcol(s, s->cols[i])->name);
    }
    for (uint32_t mi = 0; mi < s->meta->ncols; mi++)
        if (fills_unwritten(s, mi)) {
            hf_strbuf_puts(sql, ", ");
            hf_strbuf_put_ident(sql, s->meta->cols[mi].name);
        }
    hf_strbuf_puts(sql, ") SELECT ");
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (i > 0)
            hf_strbuf_puts(sql, ", ");
        if (put_select_item(sql, s, i, named, err) != 0)
            return -1;
    }
    for (uint32_t mi = 0; mi < s->meta->ncols; mi++)
        if (fills_unwritten(s, mi)) {
            hf_strbuf_puts(sql, ", ");
            hf_strbuf_puts(sql, zero_value(&s->meta->cols[mi]));
        }
    if (two) {
        /* The keys the UPDATE did not find; ON CONFLICT stays for a row
         * another session inserts meanwhile. */
        hf_strbuf_puts(sql, " FROM u WHERE NOT EXISTS (SELECT 1 FROM upd "
                            "WHERE ");
        put_two_step_key(sql, s, "upd");
        hf_strbuf_putc(sql, ')');
    } else if (s->source_table != NULL) {
        hf_strbuf_printf(sql, " FROM %s AS u(", s->source_table);
        for (uint32_t i = 0; i < s->ncols; i++)
            hf_strbuf_printf(sql, "%sc%u", i ? ", " : "", i + 1);
        hf_strbuf_putc(sql, ')');
    } else if (!s->hologres) {
        hf_strbuf_puts(sql, " FROM ");
        put_unnest_multi(sql, s, s->cols, s->ncols, "u", "c", NULL);
    } else if (named) {
        hf_strbuf_puts(sql, " FROM ");
        put_unnest_subquery(sql, s, s->cols, s->ncols, "u", "c", NULL);
    }
    if (!u.on_conflict)
        return finish(sql, err);

    hf_strbuf_puts(sql, " ON CONFLICT (");
    for (uint32_t k = 0; k < s->meta->npk; k++) {
        if (k > 0)
            hf_strbuf_puts(sql, ", ");
        hf_strbuf_put_ident(sql, s->meta->cols[s->meta->pk[k]].name);
    }
    hf_strbuf_putc(sql, ')');
    if (!u.do_update) {
        hf_strbuf_puts(sql, " DO NOTHING");
        return finish(sql, err);
    }
    hf_strbuf_puts(sql, " DO UPDATE SET ");
    if (has_text(s->cfg->conflict_update_set))
        hf_strbuf_puts(sql, s->cfg->conflict_update_set);
    else if (put_set_list(sql, s, false, err) != 0)
        return -1;
    bool where = has_text(s->cfg->conflict_where);
    if (where || u.cap.on) {
        hf_strbuf_puts(sql, " WHERE ");
        if (where && u.cap.on)
            hf_strbuf_printf(sql, "(%s) AND ", s->cfg->conflict_where);
        else if (where)
            hf_strbuf_puts(sql, s->cfg->conflict_where);
        if (u.cap.on)
            put_cap_cond(sql, s, &u.cap, true, s->ncols + 1);
    }
    return finish(sql, err);
}

/* ------------------------------------------------------- delete, nullify */

/* Key parameters: written PK columns in key order, then the check-and-put
 * column when the operator compares and the job writes it. Sets
 * *missing to the table index of a PK column the job does not write, or
 * -1. */
static uint32_t key_params(const struct holo_stmt_spec *s, const struct cap *c,
                           uint32_t *out, int *missing)
{
    uint32_t n = 0;
    *missing = -1;
    for (uint32_t k = 0; k < s->meta->npk; k++) {
        bool found = false;
        for (uint32_t i = 0; i < s->ncols && !found; i++)
            if (s->map[s->cols[i]] == s->meta->pk[k]) {
                out[n++] = s->cols[i];
                found = true;
            }
        if (!found && *missing < 0)
            *missing = (int)s->meta->pk[k];
    }
    if (c->on && c->op != NULL && c->written)
        out[n++] = (uint32_t)c->j;
    return n;
}

uint32_t holo_sql_key_params(const struct holo_stmt_spec *s, uint32_t *out)
{
    struct cap c;
    struct hf_error e;
    hf_error_clear(&e);
    if (check_spec(s, &e) != 0)
        return 0;
    if (resolve_cap(s, &c, &e) != 0)
        memset(&c, 0, sizeof c);
    int missing;
    return key_params(s, &c, out, &missing);
}

bool holo_sql_key_has_null_as(const struct holo_stmt_spec *s)
{
    struct cap c;
    struct hf_error e;
    hf_error_clear(&e);
    if (check_spec(s, &e) != 0 || resolve_cap(s, &c, &e) != 0)
        return false;
    return c.null_as && c.written;
}

/* Common prologue of delete and nullify: the key parameters, checked. */
static int key_setup(const struct holo_stmt_spec *s, const char *what,
                     struct cap *c, uint32_t *keys, uint32_t *nkeys,
                     struct hf_error *err)
{
    if (check_spec(s, err) != 0 || resolve_cap(s, c, err) != 0)
        return -1;
    if (s->meta->npk == 0)
        return hf_error_set(err, HF_ERR_USAGE,
                            "cannot %s rows of table \"%s\".\"%s\": it has no "
                            "primary key",
                            what, s->schema, s->table);
    int missing;
    *nkeys = key_params(s, c, keys, &missing);
    if (missing >= 0)
        return hf_error_set(err, HF_ERR_USAGE,
                            "cannot %s rows of table \"%s\".\"%s\": the job "
                            "does not write its primary-key column \"%s\"",
                            what, s->schema, s->table,
                            s->meta->cols[missing].name);
    if (c->on && c->op != NULL && !c->written)
        return hf_error_set(err, HF_ERR_OPTION,
                            "sink.check-and-put.column '%s' must be a column "
                            "the job writes to %s rows with operator %s",
                            s->cfg->cap_column, what, c->op);
    return 0;
}

/* WHERE part matching table rows to the key parameters named d.k1...
 * (and d.cap): `old."a" = d.k1 AND ... [AND cap]`. */
static void put_key_match(struct hf_strbuf *sql, const struct holo_stmt_spec *s,
                          const struct cap *c, const uint32_t *keys,
                          uint32_t nkeys)
{
    for (uint32_t k = 0; k < s->meta->npk; k++) {
        if (k > 0)
            hf_strbuf_puts(sql, " AND ");
        hf_strbuf_puts(sql, "old.");
        hf_strbuf_put_ident(sql, s->meta->cols[s->meta->pk[k]].name);
        hf_strbuf_printf(sql, " = d.k%u", k + 1);
        put_cast(sql, s, keys[k]);
    }
    if (c->on) {
        hf_strbuf_puts(sql, " AND ");
        put_cap_cond(sql, s, c, false, nkeys + 1);
    }
}

/* The source of the key rows plus the match: for PostgreSQL
 * `<kw> unnest(...) AS d(k1, cap) WHERE <match>`; for Hologres without
 * check-and-put ` WHERE ("a", "b") IN (SELECT unnest(..), unnest(..))`,
 * with it `<kw> (SELECT unnest(..) AS k1, ...) AS d WHERE <match>`. */
static void put_key_source(struct hf_strbuf *sql,
                           const struct holo_stmt_spec *s, const struct cap *c,
                           const uint32_t *keys, uint32_t nkeys, const char *kw)
{
    const char *last = c->on && c->op != NULL ? "cap" : NULL;
    if (s->hologres && !c->on) {
        hf_strbuf_puts(sql, " WHERE ");
        if (s->meta->npk > 1)
            hf_strbuf_putc(sql, '(');
        for (uint32_t k = 0; k < s->meta->npk; k++) {
            if (k > 0)
                hf_strbuf_puts(sql, ", ");
            hf_strbuf_put_ident(sql, s->meta->cols[s->meta->pk[k]].name);
        }
        if (s->meta->npk > 1)
            hf_strbuf_putc(sql, ')');
        hf_strbuf_puts(sql, " IN (SELECT ");
        for (uint32_t k = 0; k < nkeys; k++) {
            if (k > 0)
                hf_strbuf_puts(sql, ", ");
            put_unnest1(sql, s, k + 1, keys[k]);
            put_cast(sql, s, keys[k]);
        }
        hf_strbuf_putc(sql, ')');
        return;
    }
    hf_strbuf_printf(sql, " %s ", kw);
    if (s->hologres)
        put_unnest_subquery(sql, s, keys, nkeys, "d", "k", last);
    else
        put_unnest_multi(sql, s, keys, nkeys, "d", "k", last);
    hf_strbuf_puts(sql, " WHERE ");
    put_key_match(sql, s, c, keys, nkeys);
}

int holo_sql_delete(const struct holo_stmt_spec *s, struct hf_strbuf *sql,
                    struct hf_error *err)
{
    struct cap c;
    uint32_t keys[MAX_KEYS];
    uint32_t nkeys;
    if (s != NULL && s->meta != NULL && s->meta->npk + 1 > MAX_KEYS)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "primary keys of more than %d columns are not "
                            "supported",
                            MAX_KEYS - 1);
    if (key_setup(s, "delete", &c, keys, &nkeys, err) != 0)
        return -1;
    hf_strbuf_puts(sql, "DELETE FROM ");
    put_table(sql, s);
    if (!s->hologres || c.on)
        hf_strbuf_puts(sql, " AS old");
    put_key_source(sql, s, &c, keys, nkeys, "USING");
    return finish(sql, err);
}

int holo_sql_nullify(const struct holo_stmt_spec *s, struct hf_strbuf *sql,
                     struct hf_error *err)
{
    struct cap c;
    uint32_t keys[MAX_KEYS];
    uint32_t nkeys;
    if (s != NULL && s->meta != NULL && s->meta->npk + 1 > MAX_KEYS)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "primary keys of more than %d columns are not "
                            "supported",
                            MAX_KEYS - 1);
    if (key_setup(s, "nullify", &c, keys, &nkeys, err) != 0)
        return -1;
    uint32_t nset = 0;
    for (uint32_t i = 0; i < s->ncols; i++)
        if (!is_pk(s, s->map[s->cols[i]]))
            nset++;
    if (nset == 0)
        return hf_error_set(err, HF_ERR_USAGE,
                            "cannot nullify rows of table \"%s\".\"%s\": the "
                            "job writes no column outside the primary key",
                            s->schema, s->table);
    hf_strbuf_puts(sql, "UPDATE ");
    put_table(sql, s);
    if (!s->hologres || c.on)
        hf_strbuf_puts(sql, " AS old");
    hf_strbuf_puts(sql, " SET ");
    bool first = true;
    for (uint32_t i = 0; i < s->ncols; i++) {
        uint32_t j = s->cols[i];
        if (is_pk(s, s->map[j]))
            continue;
        const struct holo_column *col = mcol(s, j);
        if (!first)
            hf_strbuf_puts(sql, ", ");
        first = false;
        hf_strbuf_put_ident(sql, col->name);
        hf_strbuf_puts(sql, " = ");
        if (!fills_default(s, j))
            hf_strbuf_puts(sql, "NULL");
        else if (col->default_expr != NULL)
            hf_strbuf_puts(sql, "DEFAULT");
        else if (put_fill(sql, s, col, err) != 0)
            return -1;
    }
    put_key_source(sql, s, &c, keys, nkeys, "FROM");
    return finish(sql, err);
}

/* ------------------------------------------------------------- partitions */

const char *holo_sql_partition_ddl_query(void)
{
    return "SELECT format('CREATE TABLE IF NOT EXISTS %I.%I PARTITION OF "
           "%I.%I FOR VALUES IN (%L)', $1::text, $2::text, $3::text, "
           "$4::text, $5::text)";
}

static bool is_date_text(const char *v)
{
    static const char shape[] = "dddd-dd-dd";
    for (size_t i = 0; i < sizeof shape - 1; i++) {
        if (v[i] == '\0')
            return false;
        if (shape[i] == 'd' ? !(v[i] >= '0' && v[i] <= '9') : v[i] != '-')
            return false;
    }
    return v[sizeof shape - 1] == '\0';
}

void holo_sql_partition_child_name(const char *parent, const char *value,
                                   struct hf_strbuf *out)
{
    hf_strbuf_puts(out, parent);
    hf_strbuf_putc(out, '_');
    bool date = is_date_text(value);
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || *p == '_')
            hf_strbuf_putc(out, (char)*p);
        else if (date && *p == '-')
            continue;
        else if ((*p & 0xC0) == 0x80)
            continue; /* a UTF-8 continuation byte: one '_' per character */
        else
            hf_strbuf_putc(out, '_');
    }
}
