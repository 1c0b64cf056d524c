/*
 * test_sql_lexer.c - tokens, positions, literals and lexical errors of the
 * SQL front end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* clang-format off: cmocka needs the headers above first */
#include <cmocka.h>
/* clang-format on */

#include <string.h>

#include "sql/lexer.h"

static int lex(const char *text, struct hf_tokens *t, struct hf_error *err)
{
    struct hf_sql_src src = {
        .file = "t.sql", .text = text, .len = strlen(text)};
    hf_error_clear(err);
    /* The tokens keep a copy of src (whose text is borrowed). */
    return hf_sql_lex(&src, t, err);
}

static void test_positions(void **state)
{
    (void)state;
    struct hf_tokens t;
    struct hf_error err;
    const char *s = "CREATE table `my``t` (\n  a INT, -- note\n  b STRING\n);";
    assert_int_equal(lex(s, &t, &err), 0);
    struct {
        enum hf_tok kind;
        enum hf_kw kw;
        const char *text;
        int line, col;
    } want[] = {
        {HF_TK_IDENT, HF_KW_CREATE, "CREATE", 1, 1},
        {HF_TK_IDENT, HF_KW_TABLE, "table", 1, 8},
        {HF_TK_QIDENT, HF_KW_NONE, "my`t", 1, 14},
        {HF_TK_LPAREN, HF_KW_NONE, "(", 1, 22},
        {HF_TK_IDENT, HF_KW_NONE, "a", 2, 3},
        {HF_TK_IDENT, HF_KW_INT, "INT", 2, 5},
        {HF_TK_COMMA, HF_KW_NONE, ",", 2, 8},
        {HF_TK_IDENT, HF_KW_NONE, "b", 3, 3},
        {HF_TK_IDENT, HF_KW_STRING, "STRING", 3, 5},
        {HF_TK_RPAREN, HF_KW_NONE, ")", 4, 1},
        {HF_TK_SEMI, HF_KW_NONE, ";", 4, 2},
        {HF_TK_EOF, HF_KW_NONE, "", 4, 3},
    };
    assert_int_equal(t.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < t.n; i++) {
        assert_int_equal(t.toks[i].kind, want[i].kind);
        assert_int_equal(t.toks[i].kw, want[i].kw);
        assert_string_equal(t.toks[i].text, want[i].text);
        assert_int_equal(t.toks[i].line, want[i].line);
        assert_int_equal(t.toks[i].col, want[i].col);
    }
    /* Spans cover the source spelling. */
    assert_int_equal(t.toks[2].off, 13);
    assert_int_equal(t.toks[2].len, 7);
    hf_tokens_free(&t);
}

static void test_keywords_case_insensitive(void **state)
{
    (void)state;
    struct hf_tokens t;
    struct hf_error err;
    assert_int_equal(
        lex("select SeLeCt SELECT selected timestamp_ltz", &t, &err), 0);
    assert_int_equal(t.toks[0].kw, HF_KW_SELECT);
    assert_int_equal(t.toks[1].kw, HF_KW_SELECT);
    assert_int_equal(t.toks[2].kw, HF_KW_SELECT);
    assert_int_equal(t.toks[3].kw, HF_KW_NONE);
    assert_int_equal(t.toks[4].kw, HF_KW_TIMESTAMP_LTZ);
    assert_string_equal(t.toks[1].text, "SeLeCt"); /* spelling kept */
    hf_tokens_free(&t);
    assert_true(hf_kw_reserved(HF_KW_SELECT));
    assert_false(hf_kw_reserved(HF_KW_KEY));
    assert_string_equal(hf_kw_name(HF_KW_WATERMARK), "WATERMARK");
}

static void test_keyword_table_sorted(void **state)
{
    (void)state;
    for (int k = 1; k + 1 < HF_KW__COUNT; k++)
        assert_true(strcmp(hf_kw_name((enum hf_kw)k),
                           hf_kw_name((enum hf_kw)(k + 1))) < 0);
}

static void test_strings(void **state)
{
    (void)state;
    struct hf_tokens t;
    struct hf_error err;
    assert_int_equal(lex("'it''s' '' U&'\\0001' u&'a\\+01F600b' "
                         "U&'x!0041y' UESCAPE '!' 'two\nlines'",
                         &t, &err),
                     0);
    assert_int_equal(t.n, 7);
    assert_int_equal(t.toks[0].kind, HF_TK_STRING);
    assert_string_equal(t.toks[0].text, "it's");
    assert_string_equal(t.toks[1].text, "");
    assert_int_equal(t.toks[2].text_len, 1);
    assert_int_equal(t.toks[2].text[0], 1);
    assert_string_equal(t.toks[3].text, "a\xF0\x9F\x98\x80"
                                        "b");
    assert_string_equal(t.toks[4].text, "xAy");
    assert_string_equal(t.toks[5].text, "two\nlines");
    assert_int_equal(t.toks[5].line, 1);
    assert_int_equal(t.toks[6].line, 2); /* EOF after the newline */
    hf_tokens_free(&t);
}

static void test_numbers_and_operators(void **state)
{
    (void)state;
    struct hf_tokens t;
    struct hf_error err;
    assert_int_equal(lex("123 1.5 .5 1e5 1.5E-3 7. = <> != < <= > >= + - * / "
                         "% || ( ) , ; . [ ]",
                         &t, &err),
                     0);
    enum hf_tok want[] = {
        HF_TK_INTEGER,  HF_TK_DECIMAL,  HF_TK_DECIMAL, HF_TK_DOUBLE,
        HF_TK_DOUBLE,   HF_TK_DECIMAL,  HF_TK_EQ,      HF_TK_NE,
        HF_TK_NE,       HF_TK_LT,       HF_TK_LE,      HF_TK_GT,
        HF_TK_GE,       HF_TK_PLUS,     HF_TK_MINUS,   HF_TK_STAR,
        HF_TK_SLASH,    HF_TK_PERCENT,  HF_TK_CONCAT,  HF_TK_LPAREN,
        HF_TK_RPAREN,   HF_TK_COMMA,    HF_TK_SEMI,    HF_TK_DOT,
        HF_TK_LBRACKET, HF_TK_RBRACKET, HF_TK_EOF};
    assert_int_equal(t.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < t.n; i++)
        assert_int_equal(t.toks[i].kind, want[i]);
    assert_string_equal(t.toks[4].text, "1.5E-3");
    hf_tokens_free(&t);

    /* a.b is three tokens; t.5 is not a number after a name. */
    assert_int_equal(lex("s.col x.5", &t, &err), 0);
    assert_int_equal(t.toks[1].kind, HF_TK_DOT);
    assert_int_equal(t.toks[4].kind, HF_TK_DOT);
    assert_int_equal(t.toks[5].kind, HF_TK_INTEGER);
    hf_tokens_free(&t);
}

/* After a statement-leading SET, unquoted words are taken whole, as the
 * Flink SQL client reads `SET key = value`. Elsewhere 10s is an error. */
static void test_set_words(void **state)
{
    (void)state;
    struct hf_tokens t;
    struct hf_error err;
    assert_int_equal(lex("SET execution.checkpointing.interval = 10s;\n"
                         "set 'a' = file:///x.jar -- note\n;\n"
                         "BEGIN STATEMENT SET;",
                         &t, &err),
                     0);
    assert_int_equal(t.toks[1].kind, HF_TK_IDENT);
    assert_string_equal(t.toks[1].text, "execution.checkpointing.interval");
    assert_int_equal(t.toks[2].kind, HF_TK_EQ);
    assert_string_equal(t.toks[3].text, "10s");
    assert_int_equal(t.toks[4].kind, HF_TK_SEMI);
    assert_int_equal(t.toks[6].kind, HF_TK_STRING);
    assert_string_equal(t.toks[8].text, "file:///x.jar");
    assert_int_equal(t.toks[9].kind, HF_TK_SEMI);
    assert_int_equal(t.toks[10].kw, HF_KW_BEGIN);
    assert_int_equal(t.toks[12].kw, HF_KW_SET);
    assert_int_equal(t.toks[13].kind, HF_TK_SEMI);
    hf_tokens_free(&t);

    assert_int_equal(lex("SELECT 10s", &t, &err), -1);
    assert_true(strstr(err.msg, "invalid number '10s'") != NULL);
    hf_tokens_free(&t);
}

static void test_comments_and_utf8_columns(void **state)
{
    (void)state;
    struct hf_tokens t;
    struct hf_error err;
    assert_int_equal(lex("/* block\n comment */ a -- to end\n'é' x", &t, &err),
                     0);
    assert_int_equal(t.n, 4);
    assert_string_equal(t.toks[0].text, "a");
    assert_int_equal(t.toks[0].line, 2);
    assert_int_equal(t.toks[0].col, 13);
    assert_int_equal(t.toks[2].line, 3);
    assert_int_equal(t.toks[2].col, 5); /* 'é' is 3 characters */
    hf_tokens_free(&t);
}

static void test_errors(void **state)
{
    (void)state;
    struct hf_tokens t;
    struct hf_error err;
    assert_int_equal(lex("SELECT 'abc", &t, &err), -1);
    assert_int_equal(err.code, HF_ERR_SQL);
    assert_string_equal(err.msg,
                        "t.sql:1:8: error: unterminated string literal; it "
                        "needs a closing '\n"
                        "SELECT 'abc\n"
                        "       ^");
    hf_tokens_free(&t);

    assert_int_equal(lex("a\n  'x'='y'// note", &t, &err), -1);
    assert_string_equal(err.msg,
                        "t.sql:2:10: error: '//' does not start a comment in "
                        "SQL; use '-- comment' or '/* comment */'\n"
                        "  'x'='y'// note\n"
                        "         ^");
    hf_tokens_free(&t);

    assert_int_equal(lex("x \"y\"", &t, &err), -1);
    assert_true(strstr(err.msg, "t.sql:1:3: error: double quotes are not "
                                "used in Flink SQL") == err.msg);
    hf_tokens_free(&t);

    /* A hint is two tokens around ordinary ones, never a comment. */
    assert_int_equal(lex("FROM t /*+ OPTIONS('a'='b') */ x", &t, &err), 0);
    assert_int_equal(t.n, 12);
    assert_int_equal(t.toks[2].kind, HF_TK_HINT_BEGIN);
    assert_int_equal(t.toks[2].col, 8);
    assert_string_equal(t.toks[3].text, "OPTIONS");
    assert_int_equal(t.toks[9].kind, HF_TK_HINT_END);
    assert_int_equal(t.toks[9].col, 29);
    assert_string_equal(t.toks[10].text, "x");
    hf_tokens_free(&t);
    /* Outside a hint, star-slash is a multiplication then a division. */
    assert_int_equal(lex("a */ b", &t, &err), 0);
    assert_int_equal(t.toks[1].kind, HF_TK_STAR);
    assert_int_equal(t.toks[2].kind, HF_TK_SLASH);
    hf_tokens_free(&t);

    assert_int_equal(lex("FROM t /*+ OPTIONS('a'='b')", &t, &err), -1);
    assert_true(strstr(err.msg, "t.sql:1:8: error: unterminated hint") ==
                err.msg);
    hf_tokens_free(&t);
    assert_int_equal(lex("/*+ a /*+ b */", &t, &err), -1);
    assert_true(strstr(err.msg, "t.sql:1:7: error: '/*+' inside a hint") ==
                err.msg);
    hf_tokens_free(&t);

    assert_int_equal(lex("a /* open", &t, &err), -1);
    assert_true(strstr(err.msg, "t.sql:1:3: error: unterminated comment") ==
                err.msg);
    hf_tokens_free(&t);

    assert_int_equal(lex("U&'\\00zz'", &t, &err), -1);
    assert_true(strstr(err.msg, "bad escape in unicode string") != NULL);
    hf_tokens_free(&t);

    assert_int_equal(lex("12abc", &t, &err), -1);
    assert_true(strstr(err.msg, "invalid number '12abc'") != NULL);
    hf_tokens_free(&t);

    /* Tabs in the source line are kept in the caret line. */
    assert_int_equal(lex("\tx ?", &t, &err), -1);
    assert_string_equal(err.msg, "t.sql:1:4: error: unexpected character "
                                 "'?'\n\tx ?\n\t  ^");
    hf_tokens_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_keywords_case_insensitive),
        cmocka_unit_test(test_keyword_table_sorted),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_numbers_and_operators),
        cmocka_unit_test(test_set_words),
        cmocka_unit_test(test_comments_and_utf8_columns),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
