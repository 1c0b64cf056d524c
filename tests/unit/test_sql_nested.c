/*
 * test_sql_nested.c - nested types and values: interned type descriptors
 * (names, equality, assignability), deep copies, the parser's subscripts,
 * field accesses and constructors, the binder's resolution of r.f and
 * t.r.f, evaluation over a row holding ROW, ARRAY and MAP values, the
 * coercion of constructors into sink column types, and the order in which
 * the print sink shows a map (Java's HashMap order).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/print/java_map.h"
#include "core/batch.h"
#include "core/valueconv.h"
#include "sql/ast.h"
#include "sql/bind.h"
#include "sql/expr.h"
#include "sql/parser.h"

static struct hf_type parse_type(const char *text)
{
    struct hf_type t;
    struct hf_error err;
    hf_error_clear(&err);
    if (hf_sql_parse_type(text, &t, &err) != 0)
        fprintf(stderr, "%s: %s\n", text, err.msg);
    assert_int_equal(hf_sql_parse_type(text, &t, &err), 0);
    return t;
}

/* ------------------------------------------------------------ types */

static void test_type_interning(void **state)
{
    (void)state;
    struct hf_type a = parse_type("ROW<a INT, b ARRAY<STRING>>");
    struct hf_type b = parse_type("ROW(a INT, b STRING ARRAY)");
    struct hf_type c = parse_type("ROW<a INT, c ARRAY<STRING>>");
    struct hf_type d = parse_type("ROW<a INT NOT NULL, b ARRAY<STRING>>");
    /* the same type is one descriptor */
    assert_ptr_equal(a.nest, b.nest);
    assert_true(hf_type_equal(&a, &b));
    assert_false(hf_type_equal(&a, &c)); /* field names differ */
    assert_false(hf_type_equal(&a, &d)); /* nested nullability differs */
    assert_int_equal(hf_type_arity(&a), 2);
    assert_string_equal(hf_type_field_name(&a, 1), "b");
    assert_int_equal(hf_type_row_find(&a, "b"), 1);
    assert_int_equal(hf_type_row_find(&a, "B"), -1);
    const struct hf_type *bt = hf_type_child(&a, 1);
    assert_int_equal(bt->id, HF_ARRAY);
    assert_int_equal(bt->elem, HF_VARCHAR);
    assert_int_equal(hf_type_child(bt, 0)->id, HF_VARCHAR);

    struct hf_type m = parse_type("MAP<STRING, DECIMAL(10, 2)>");
    assert_int_equal(hf_type_child(&m, 1)->scale, 2);
    struct hf_type ms = parse_type("MULTISET<INT>");
    assert_int_equal(hf_type_arity(&ms), 1);
    assert_int_equal(hf_type_child(&ms, 1)->id, HF_INT); /* the count */
    assert_true(hf_type_child(&ms, 1)->not_null);

    /* ROW is assignable by position, names aside; children widen */
    struct hf_type wide = parse_type("ROW<x BIGINT, y ARRAY<STRING>>");
    assert_true(hf_type_assignable(&a, &wide));
    assert_false(hf_type_assignable(&wide, &a));
    struct hf_type three = parse_type("ROW<a INT, b ARRAY<STRING>, c INT>");
    assert_false(hf_type_assignable(&a, &three));

    char pg[64];
    assert_string_equal(hf_type_pg_name(&a, pg, sizeof pg), "jsonb");
    struct hf_type aa = parse_type("ARRAY<ARRAY<BIGINT>>");
    assert_string_equal(hf_type_pg_name(&aa, pg, sizeof pg), "int8[]");
    assert_true(hf_type_contains(&a, HF_VARCHAR));
    assert_false(hf_type_contains(&a, HF_MAP));

    /* a name too long for the buffer is cut, still terminated */
    char small[12];
    hf_type_name(&a, small, sizeof small);
    assert_string_equal(small, "ROW<`a` INT");
}

static void test_value_copy(void **state)
{
    (void)state;
    struct hf_type t = parse_type("ROW<s STRING, m MAP<STRING, ARRAY<INT>>>");
    struct hf_batch *src = hf_batch_new(1, 1);
    struct hf_batch *dst = hf_batch_new(1, 1);
    struct hf_array *row = hf_array_new(&src->arena, &t, 2);
    assert_non_null(row);
    hf_value_set_str(src, &row->items[0], "abc", 3);
    const struct hf_type *mt = hf_type_child(&t, 1);
    struct hf_array *map = hf_array_new(&src->arena, mt, 1);
    hf_value_set_str(src, &map->items[0], "k", 1);
    struct hf_array *arr = hf_array_new(&src->arena, hf_type_child(mt, 1), 2);
    arr->items[0].null = false;
    arr->items[0].v.i = 42; /* items[1] stays NULL */
    map->items[1].null = false;
    map->items[1].v.a = arr;
    row->items[1].null = false;
    row->items[1].v.a = map;
    struct hf_value v = {.null = false}, c;
    v.v.a = row;
    assert_true(hf_value_copy(&dst->arena, &t, &c, &v, false) > 0);
    hf_batch_destroy(src); /* the copy must not point into it */
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_value_to_text(&t, &c, &sb);
    assert_string_equal(sb.data, "(abc, {k=[42, NULL]})");
    hf_strbuf_free(&sb);
    hf_batch_destroy(dst);
}

/* ------------------------------------------------------------ binding */

/* Source table "src": id INT, r ROW<a INT, b STRING, inner ROW<x INT>>,
 * arr ARRAY<INT>, m MAP<STRING, INT>, e ARRAY<INT> (empty), nr (a NULL
 * ROW<a INT>). */
enum { C_ID, C_R, C_ARR, C_M, C_E, C_NR, C_COUNT };
static struct hf_column cols[C_COUNT];
static struct hf_schema schema = {.ncols = C_COUNT, .cols = cols};
static struct hf_value row[C_COUNT];
static struct hf_batch *store, *out;

static int setup(void **state)
{
    (void)state;
    static const char *names[C_COUNT] = {"id", "r", "arr", "m", "e", "nr"};
    static const char *types[C_COUNT] = {
        "INT",        "ROW<a INT, b STRING, inner ROW<x INT>>",
        "ARRAY<INT>", "MAP<STRING, INT>",
        "ARRAY<INT>", "ROW<a INT>"};
    for (int k = 0; k < C_COUNT; k++) {
        cols[k].name = (char *)names[k];
        cols[k].type = parse_type(types[k]);
        cols[k].kind = HF_COL_PHYSICAL;
    }
    store = hf_batch_new(1, 1);
    out = hf_batch_new(1, 16);
    memset(row, 0, sizeof row);
    row[C_ID].v.i = 7;
    /* r = (1, 'one', (9)) */
    const struct hf_type *rt = &cols[C_R].type;
    struct hf_array *r = hf_array_new(&store->arena, rt, 3);
    r->items[0].null = false;
    r->items[0].v.i = 1;
    hf_value_set_str(store, &r->items[1], "one", 3);
    struct hf_array *in = hf_array_new(&store->arena, hf_type_child(rt, 2), 1);
    in->items[0].null = false;
    in->items[0].v.i = 9;
    r->items[2].null = false;
    r->items[2].v.a = in;
    row[C_R].v.a = r;
    /* arr = [10, NULL, 30] */
    struct hf_array *a = hf_array_new(&store->arena, &cols[C_ARR].type, 3);
    a->items[0].null = false;
    a->items[0].v.i = 10;
    a->items[2].null = false;
    a->items[2].v.i = 30;
    row[C_ARR].v.a = a;
    /* m = {x=1, y=NULL} */
    struct hf_array *m = hf_array_new(&store->arena, &cols[C_M].type, 2);
    hf_value_set_str(store, &m->items[0], "x", 1);
    m->items[1].null = false;
    m->items[1].v.i = 1;
    hf_value_set_str(store, &m->items[2], "y", 1);
    row[C_M].v.a = m;
    row[C_E].v.a = hf_array_new(&store->arena, &cols[C_E].type, 0);
    row[C_NR].null = true;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hf_batch_destroy(store);
    hf_batch_destroy(out);
    return 0;
}

static struct hf_sql_src src;

static struct hf_expr *bind_as(const char *text, const char *alias,
                               struct hf_ast_script **ast, struct hf_error *err)
{
    src.file = "q.sql";
    src.text = text;
    src.len = strlen(text);
    struct hf_ast_expr *a;
    hf_error_clear(err);
    *ast = NULL;
    if (hf_sql_parse_expr(&src, ast, &a, err) != 0)
        return NULL;
    struct hf_bind_scope sc = {
        .src = &src, .schema = &schema, .table = "src", .alias = alias};
    return hf_expr_bind(&sc, a, err);
}

/* `text` evaluated over the row: its value as text and its type. */
static void check_as(const char *text, const char *alias, const char *want,
                     const char *want_type)
{
    struct hf_error err;
    struct hf_ast_script *ast;
    struct hf_expr *e = bind_as(text, alias, &ast, &err);
    if (e == NULL)
        fprintf(stderr, "%s: %s\n", text, err.msg);
    assert_non_null(e);
    struct hf_value v;
    if (hf_expr_eval(e, row, out, &v, &err) != 0)
        fprintf(stderr, "%s: %s\n", text, err.msg);
    char got[256], tn[128];
    if (v.null) {
        snprintf(got, sizeof got, "NULL");
    } else {
        struct hf_strbuf sb;
        hf_strbuf_init(&sb, 0);
        hf_value_to_text(hf_expr_type(e), &v, &sb);
        snprintf(got, sizeof got, "%s", sb.data ? sb.data : "");
        hf_strbuf_free(&sb);
    }
    hf_type_name(hf_expr_type(e), tn, sizeof tn);
    if (strcmp(got, want) != 0 || strcmp(tn, want_type) != 0)
        fprintf(stderr, "%s => %s : %s (want %s : %s)\n", text, got, tn, want,
                want_type);
    assert_string_equal(got, want);
    assert_string_equal(tn, want_type);
    hf_expr_free(e);
    hf_ast_script_free(ast);
}

static void check(const char *text, const char *want, const char *want_type)
{
    check_as(text, NULL, want, want_type);
}

static void check_err(const char *text, const char *alias, const char *part)
{
    struct hf_error err;
    struct hf_ast_script *ast;
    struct hf_expr *e = bind_as(text, alias, &ast, &err);
    if (e != NULL) {
        struct hf_value v;
        int rc = hf_expr_eval(e, row, out, &v, &err);
        hf_expr_free(e);
        assert_int_equal(rc, -1);
    }
    hf_ast_script_free(ast);
    if (strstr(err.msg, part) == NULL)
        fprintf(stderr, "%s: %s\n(want '%s')\n", text, err.msg, part);
    assert_non_null(strstr(err.msg, part));
}

static void test_access(void **state)
{
    (void)state;
    check("r.a", "1", "INT");
    check("r.b", "one", "STRING");
    check("src.r.b", "one", "STRING");
    check("r.inner.x", "9", "INT");
    check("src.r.inner.x + id", "16", "INT");
    check_as("t.r.a", "t", "1", "INT");
    check("`r`.`b`", "one", "STRING");
    check("nr.a", "NULL", "INT");
    check("arr[1]", "10", "INT");
    check("arr[2]", "NULL", "INT");
    check("arr[3]", "30", "INT");
    check("arr[4]", "NULL", "INT");
    check("arr[0]", "NULL", "INT");
    check("arr[id - 6]", "10", "INT");
    check("m['x']", "1", "INT");
    check("m['y']", "NULL", "INT");
    check("m['z']", "NULL", "INT");
    check("CARDINALITY(arr)", "3", "INT");
    check("CARDINALITY(m)", "2", "INT");
    check("CARDINALITY(e)", "0", "INT");
    check("ELEMENT(e)", "NULL", "INT");
    check("r", "(1, one, (9))",
          "ROW<`a` INT, `b` STRING, `inner` ROW<`x` INT>>");
    check("ROW(r.a, arr, m)", "(1, [10, NULL, 30], {x=1, y=NULL})",
          "ROW<`EXPR$0` INT, `EXPR$1` ARRAY<INT>, `EXPR$2` MAP<STRING, INT>>");
    check("(r.b, id)", "(one, 7)", "ROW<`EXPR$0` STRING, `EXPR$1` INT>");
    check("ARRAY[r.a, id, NULL]", "[1, 7, NULL]", "ARRAY<INT>");
    check("MAP[r.b, arr]", "{one=[10, NULL, 30]}", "MAP<STRING, ARRAY<INT>>");
    check("CAST(r AS STRING)", "(1, one, (9))", "STRING");
    check("CAST(arr AS ARRAY<BIGINT>)[3]", "30", "BIGINT");
    check("COALESCE(nr, CAST(ROW(5) AS ROW<a INT>)).a", "5", "INT");
    check("CASE WHEN id > 0 THEN arr ELSE CAST(arr AS ARRAY<BIGINT>) END",
          "[10, NULL, 30]", "ARRAY<BIGINT>");
    check("JSON_OBJECT('k' VALUE r, 'm' VALUE m, 'a' VALUE arr)",
          "{\"k\":{\"a\":1,\"b\":\"one\",\"inner\":{\"x\":9}},"
          "\"m\":{\"x\":1,\"y\":null},\"a\":[10,null,30]}",
          "STRING");
    check("r IS NULL", "FALSE", "BOOLEAN");
    check("r = r", "TRUE", "BOOLEAN");
    check("arr = ARRAY[10, NULL, 30]", "TRUE", "BOOLEAN");
    check("arr <> CAST(ARRAY[10, NULL, 31] AS ARRAY<BIGINT>)", "TRUE",
          "BOOLEAN");
    check("m = MAP['y', CAST(NULL AS INT), 'x', 1]", "TRUE", "BOOLEAN");
    check("nr = CAST(ROW(1) AS ROW<a INT>)", "NULL", "BOOLEAN");
    check("nr IS NOT DISTINCT FROM CAST(NULL AS ROW<a INT>)", "TRUE",
          "BOOLEAN");
    check("nr IS NULL", "TRUE", "BOOLEAN");

    check_err("r.c", NULL,
              "q.sql:1:3: error: unknown field 'c' of ROW<`a` INT, `b` STRING, "
              "`inner` ROW<`x` INT>>; its fields are: a, b, inner");
    check_err("r.A", NULL, "unknown field 'A'");
    check_err("id.a", NULL, "unknown table 'id'");
    check_err("arr.a", NULL, "unknown table 'arr'");
    check_err("r.a.b", NULL, "'.b' needs a ROW value, found INT");
    check_err("t.r.a", NULL, "unknown table 't'");
    check_err("m[1]", NULL, "a key of MAP<STRING, INT> cannot be INT");
    check_err("ELEMENT(arr)", NULL, "ELEMENT of an array with 3 elements");
    check_err("r < r", NULL, "values compare only with = and <>, not <");
    check_err("arr = m", NULL,
              "cannot compare ARRAY<INT> with MAP<STRING, "
              "INT>");
}

/* Constructors take a sink column's type by coercing each value. */
static void test_coerce(void **state)
{
    (void)state;
    struct {
        const char *expr, *to, *want;
    } ok[] = {
        {"ROW(id, NULL)", "ROW<a BIGINT, b STRING>", "(7, NULL)"},
        {"ROW(1, 'x')", "ROW<a DECIMAL(5, 2), b VARCHAR(3)>", "(1.00, x)"},
        {"ARRAY[1, 2]", "ARRAY<BIGINT>", "[1, 2]"},
        {"ARRAY[NULL, 1]", "ARRAY<SMALLINT>", "[NULL, 1]"},
        {"MAP['a', 1]", "MAP<STRING, DOUBLE>", "{a=1.0}"},
        {"ROW(ARRAY[ROW(1)])", "ROW<l ARRAY<ROW<x BIGINT>>>", "([(1)])"},
        {"r", "ROW<p BIGINT, q STRING, s ROW<y BIGINT>>", "(1, one, (9))"},
    };
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        struct hf_error err;
        struct hf_ast_script *ast;
        struct hf_expr *e = bind_as(ok[k].expr, NULL, &ast, &err);
        assert_non_null(e);
        struct hf_type to = parse_type(ok[k].to);
        char why[256];
        int rc = hf_expr_coerce(&e, &to, why, sizeof why);
        if (rc != 0)
            fprintf(stderr, "%s -> %s: %s\n", ok[k].expr, ok[k].to, why);
        assert_int_equal(rc, 0);
        assert_true(hf_type_equal(hf_expr_type(e), &to));
        struct hf_value v;
        assert_int_equal(hf_expr_eval(e, row, out, &v, &err), 0);
        struct hf_strbuf sb;
        hf_strbuf_init(&sb, 0);
        hf_value_to_text(&to, &v, &sb);
        assert_string_equal(sb.data, ok[k].want);
        hf_strbuf_free(&sb);
        hf_expr_free(e);
        hf_ast_script_free(ast);
    }
    const char *bad[][2] = {
        {"ROW(1, 2)", "ROW<a INT>"},
        {"ARRAY['a']", "ARRAY<INT>"},
        {"r", "ROW<a INT, b STRING>"},
        {"arr", "MAP<STRING, INT>"},
        {"ROW(id, NULL)", "ROW<a INT, b INT NOT NULL>"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        struct hf_error err;
        struct hf_ast_script *ast;
        struct hf_expr *e = bind_as(bad[k][0], NULL, &ast, &err);
        assert_non_null(e);
        struct hf_type to = parse_type(bad[k][1]);
        char why[256];
        assert_int_equal(hf_expr_coerce(&e, &to, why, sizeof why), -1);
        hf_expr_free(e);
        hf_ast_script_free(ast);
    }
}

/* The parser: subscripts and fields chain, constructors nest, and what
 * stays unsupported is named. */
static void test_parse(void **state)
{
    (void)state;
    struct hf_sql_src s = {.file = "q.sql"};
    struct hf_ast_script *ast;
    struct hf_ast_expr *a;
    struct hf_error err;
    const char *t1 = "t.r.f[2].g";
    s.text = t1;
    s.len = strlen(t1);
    assert_int_equal(hf_sql_parse_expr(&s, &ast, &a, &err), 0);
    assert_int_equal(a->kind, HF_AST_FIELD);
    assert_string_equal(a->text, "g");
    assert_int_equal(a->args[0]->kind, HF_AST_ITEM);
    assert_int_equal(a->args[0]->args[0]->kind, HF_AST_FIELD);
    assert_string_equal(a->args[0]->args[0]->text, "f");
    const struct hf_ast_expr *c = a->args[0]->args[0]->args[0];
    assert_int_equal(c->kind, HF_AST_COLUMN);
    assert_string_equal(c->qual, "t");
    assert_string_equal(c->text, "r");
    hf_ast_script_free(ast);

    const char *bad[][2] = {
        {"ARRAY[]", "ARRAY[...] needs at least 1 value"},
        {"MAP['a']", "MAP[...] needs at least 2 values"},
        {"MAP['a', 1, 'b']", "MAP[...] needs pairs of keys and values, found "
                             "3 values"},
        {"[1, 2]", "'[' starts no expression; write an array as ARRAY[1, 2]"},
        {"ARRAY(SELECT 1)", "ARRAY(subquery) is not supported"},
        {"a[1", "expected ']' after the subscript"},
        {"ROW(1, 2", "expected ')' after the values of ROW(...)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        s.text = bad[k][0];
        s.len = strlen(bad[k][0]);
        hf_error_clear(&err);
        assert_int_equal(hf_sql_parse_expr(&s, &ast, &a, &err), -1);
        if (strstr(err.msg, bad[k][1]) == NULL)
            fprintf(stderr, "%s: %s\n(want %s)\n", bad[k][0], err.msg,
                    bad[k][1]);
        assert_non_null(strstr(err.msg, bad[k][1]));
    }
}

/* ------------------------------------------------------------ print order */

/* Flink prints a MAP as java.util.HashMap's toString(): the orders below
 * are what Java prints for these puts (HashMap with default capacity). */
static void map_order(const char *type, const char *const *keys, uint32_t n,
                      const char *want)
{
    struct hf_type t = parse_type(type);
    struct hf_batch *b = hf_batch_new(1, 1);
    struct hf_array *m = hf_array_new(&b->arena, &t, n);
    struct hf_error err;
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(hf_value_from_text(hf_type_child(&t, 0), keys[i],
                                            strlen(keys[i]), ';', b,
                                            &m->items[2 * i], &err),
                         0);
    uint32_t order[64];
    hf_java_hashmap_order(hf_type_child(&t, 0), m, order);
    char got[512];
    size_t off = 0;
    for (uint32_t i = 0; i < n; i++)
        off += (size_t)snprintf(got + off, sizeof got - off, "%s%s",
                                i ? "," : "", keys[order[i]]);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "%s: got %s want %s\n", type, got, want);
    assert_string_equal(got, want);
    hf_batch_destroy(b);
}

static void test_java_map_order(void **state)
{
    (void)state;
    /* "one" 110182 -> bucket 7, "two" 115276 -> 13, "three" -> 13 */
    const char *k1[] = {"three", "two", "one"};
    map_order("MAP<STRING, INT>", k1, 3, "one,three,two");
    /* integers hash to themselves: bucket order, 16 then 32 buckets */
    const char *k2[] = {"17", "1", "33", "2"};
    map_order("MAP<INT, INT>", k2, 4, "17,1,33,2");
    const char *k3[] = {"20", "3", "19", "5",  "40", "6", "7",
                        "8",  "9", "10", "11", "12", "13"};
    /* 13 entries: the table grew to 32 buckets */
    map_order("MAP<INT, INT>", k3, 13, "3,5,6,7,40,8,9,10,11,12,13,19,20");
    /* Long.hashCode(-1) = 0, Boolean: true 1231 (bucket 15), false 1237
     * (bucket 5) */
    const char *k4[] = {"true", "false"};
    map_order("MAP<BOOLEAN, INT>", k4, 2, "false,true");
    const char *k5[] = {"-1", "1"};
    map_order("MAP<BIGINT, INT>", k5, 2, "-1,1");
    /* BYTES keys have identity hashes in Java: kept in entry order */
    const char *k6[] = {"b", "a"};
    map_order("MAP<BYTES, INT>", k6, 2, "b,a");
    /* BigDecimal 1.50: 31 * 150 + 2 = 4652 -> bucket 12; 2.00: 31 * 200 + 2
     * = 6202 -> bucket 10 */
    const char *k7[] = {"1.50", "2.00"};
    map_order("MAP<DECIMAL(5, 2), INT>", k7, 2, "2.00,1.50");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_interning),
        cmocka_unit_test(test_value_copy),
        cmocka_unit_test_setup_teardown(test_access, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coerce, setup, teardown),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_java_map_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
