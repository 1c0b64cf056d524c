/*
 * sync_pgexpr.c - a PostgreSQL expression of a DataX job (a database
 * reader's `where`, or a `column` entry that is not a column name, such
 * as the postgresqlreader doc's 'hello'::varchar or power(2,3)) as one
 * holoflow SQL expression.
 *
 * DataX splices these strings into the SELECT it sends to the source;
 * holoflow does not: the text is tokenized here with PostgreSQL's rules,
 * rewritten token by token into holoflow's dialect ("Name" -> `Name`,
 * unquoted identifiers folded to lower case, x::type -> CAST(x AS T) with
 * the PostgreSQL type's holoflow equivalent, interval '3 days' ->
 * INTERVAL '3' DAY, comments dropped) and then
 * parsed by holoflow's own expression parser, which accepts exactly one
 * expression. Anything else — a ';', a second statement, a closing
 * parenthesis that escapes the expression, LIMIT, an unterminated
 * comment or string — is refused with the JSON path and the reason. The
 * expression then becomes part of the sync's SELECT, evaluated by
 * holoflow or pushed down to the server with its constants as
 * parameters, as any WHERE of a holoflow job.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "sql/parser.h"
#include "sync/sync_int.h"

struct ptok {
    size_t out; /* offset of the token's text in the output */
    bool close; /* a ')' */
    size_t open; /* for a ')': index of its '(' token */
    bool ident;  /* an identifier (a function name before '(') */
};

/* PostgreSQL type spellings after '::' and their holoflow types. */
static const struct {
    const char *pg;
    const char *hf;
} pg_types[] = {
    {"smallint", "SMALLINT"},   {"int2", "SMALLINT"},
    {"integer", "INT"},         {"int", "INT"},
    {"int4", "INT"},            {"bigint", "BIGINT"},
    {"int8", "BIGINT"},         {"real", "FLOAT"},
    {"float4", "FLOAT"},        {"float8", "DOUBLE"},
    {"float", "DOUBLE"},        {"double precision", "DOUBLE"},
    {"text", "STRING"},         {"varchar", "STRING"},
    {"character varying", "STRING"}, {"char", "STRING"},
    {"character", "STRING"},    {"bpchar", "STRING"},
    {"name", "STRING"},         {"bool", "BOOLEAN"},
    {"boolean", "BOOLEAN"},     {"date", "DATE"},
    {"timestamp", "TIMESTAMP(6)"},
    {"timestamp without time zone", "TIMESTAMP(6)"},
    {"timestamptz", "TIMESTAMP_LTZ(6)"},
    {"timestamp with time zone", "TIMESTAMP_LTZ(6)"},
    {"time", "TIME"},           {"bytea", "BYTES"},
};

static bool is_ident_start(int c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

static bool is_ident_char(int c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* Skip blanks and comments from *pp; -1 on an unterminated comment. */
static int skip_blank(const char **pp)
{
    const char *p = *pp;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        if (p[0] == '/' && p[1] == '*') { /* PostgreSQL's nest */
            int depth = 1;
            p += 2;
            while (*p && depth) {
                if (p[0] == '/' && p[1] == '*')
                    depth++, p += 2;
                else if (p[0] == '*' && p[1] == '/')
                    depth--, p += 2;
                else
                    p++;
            }
            if (depth)
                return -1;
            continue;
        }
        break;
    }
    *pp = p;
    return 0;
}

/* The type name after '::' at *pp, mapped; its modifiers "(n)" or
 * "(p, s)" are kept for numeric / decimal, dropped for the others. */
static int read_type(const char **pp, const char *where, struct hf_strbuf *o,
                     struct hf_error *err)
{
    const char *p = *pp;
    char name[160] = "";
    size_t nl = 0;
    for (int words = 0; words < 4; words++) {
        if (skip_blank(&p) != 0)
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s: not one expression: unterminated "
                                "comment",
                                where);
        if (!is_ident_start((unsigned char)*p))
            break;
        const char *s = p;
        while (is_ident_char((unsigned char)*p))
            p++;
        char w[64];
        size_t wl = (size_t)(p - s) < sizeof w - 1 ? (size_t)(p - s)
                                                    : sizeof w - 1;
        for (size_t i = 0; i < wl; i++)
            w[i] = (char)tolower((unsigned char)s[i]);
        w[wl] = '\0';
        /* a second word only continues a known multi-word spelling */
        if (words > 0) {
            char cand[160];
            snprintf(cand, sizeof cand, "%.90s %.60s", name, w);
            bool prefix = false;
            for (size_t i = 0; i < sizeof pg_types / sizeof pg_types[0]; i++)
                prefix |= strncmp(pg_types[i].pg, cand, strlen(cand)) == 0;
            if (!prefix) {
                p = s;
                break;
            }
            snprintf(name, sizeof name, "%s", cand);
        } else {
            snprintf(name, sizeof name, "%s", w);
        }
        nl = strlen(name);
    }
    if (nl == 0)
        return hf_error_set(err, HF_ERR_USAGE,
                            "%s: not one expression: '::' without a type",
                            where);
    const char *hf = NULL;
    for (size_t i = 0; i < sizeof pg_types / sizeof pg_types[0]; i++)
        if (strcmp(pg_types[i].pg, name) == 0)
            hf = pg_types[i].hf;
    bool dec = strcmp(name, "numeric") == 0 || strcmp(name, "decimal") == 0;
    if (hf == NULL && !dec)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "%s: the cast '::%s' names a PostgreSQL type "
                            "holoflow does not evaluate (available: "
                            "smallint, integer, bigint, real, double "
                            "precision, numeric, text, varchar, boolean, "
                            "date, timestamp, timestamptz, time, bytea)",
                            where, name);
    const char *q = p;
    (void)skip_blank(&q);
    char mods[64] = "";
    if (*q == '(') {
        const char *e = strchr(q, ')');
        if (e == NULL || (size_t)(e - q) >= sizeof mods)
            return hf_error_set(err, HF_ERR_USAGE,
                                "%s: not one expression: bad type "
                                "modifier after '::%s'",
                                where, name);
        for (const char *c = q + 1; c < e; c++)
            if (!isdigit((unsigned char)*c) && *c != ',' &&
                !isspace((unsigned char)*c))
                return hf_error_set(err, HF_ERR_USAGE,
                                    "%s: not one expression: bad type "
                                    "modifier after '::%s'",
                                    where, name);
        memcpy(mods, q, (size_t)(e - q + 1));
        mods[e - q + 1] = '\0';
        p = e + 1;
    }
    if (dec)
        hf_strbuf_printf(o, " AS DECIMAL%s)", mods[0] ? mods : "(38, 18)");
    else
        hf_strbuf_printf(o, " AS %s)", hf);
    *pp = p;
    return 0;
}

/* PostgreSQL's interval '3 days' (one number, one unit) after the word
 * interval at *pp: written as holoflow's INTERVAL '3' DAY. false (and
 * nothing consumed) for any other shape, which the parser then judges. */
static bool pg_interval(const char **pp, struct hf_strbuf *o)
{
    static const struct {
        const char *pg;
        const char *hf;
    } units[] = {{"years", "YEAR"},     {"year", "YEAR"},
                 {"months", "MONTH"},   {"month", "MONTH"},
                 {"mons", "MONTH"},     {"mon", "MONTH"},
                 {"days", "DAY"},       {"day", "DAY"},
                 {"hours", "HOUR"},     {"hour", "HOUR"},
                 {"minutes", "MINUTE"}, {"minute", "MINUTE"},
                 {"mins", "MINUTE"},    {"min", "MINUTE"},
                 {"seconds", "SECOND"}, {"second", "SECOND"},
                 {"secs", "SECOND"},    {"sec", "SECOND"}};
    const char *p = *pp;
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '\'')
        return false;
    const char *q = p + 1;
    while (*q == ' ')
        q++;
    const char *n0 = q;
    if (*q == '-')
        q++;
    if (!isdigit((unsigned char)*q))
        return false;
    while (isdigit((unsigned char)*q))
        q++;
    size_t nl = (size_t)(q - n0);
    while (*q == ' ')
        q++;
    const char *u0 = q;
    while (isalpha((unsigned char)*q))
        q++;
    size_t ul = (size_t)(q - u0);
    while (*q == ' ')
        q++;
    if (*q != '\'' || ul == 0 || nl > 18)
        return false;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].pg) == ul &&
            strncasecmp(units[i].pg, u0, ul) == 0) {
            hf_strbuf_printf(o, " '%.*s' %s", (int)nl, n0, units[i].hf);
            *pp = q + 1;
            return true;
        }
    return false;
}

int sync_pg_expr(const char *text, const char *where, char **out,
                 struct hf_error *err)
{
    struct hf_strbuf o;
    hf_strbuf_init(&o, 0);
    struct ptok *toks = NULL;
    size_t nt = 0, cap = 0;
    size_t *stack = NULL; /* open '(' token indexes */
    size_t depth = 0;
    const char *p = text;
    int rc = -1;
    *out = NULL;
    for (;;) {
        if (skip_blank(&p) != 0) {
            hf_error_set(err, HF_ERR_USAGE,
                         "%s: not one expression: unterminated comment",
                         where);
            goto done;
        }
        if (*p == '\0')
            break;
        if (nt == cap) {
            cap = cap ? cap * 2 : 32;
            struct ptok *t = realloc(toks, cap * sizeof *t);
            size_t *s = realloc(stack, cap * sizeof *s);
            if (t == NULL || s == NULL) {
                free(t ? t : toks);
                free(s ? s : stack);
                toks = NULL, stack = NULL;
                hf_error_set(err, HF_ERR_NOMEM, "out of memory");
                goto done;
            }
            toks = t, stack = s;
        }
        if (p[0] == ':' && p[1] == ':') {
            /* x::type -> CAST(x AS T): x is the primary just before */
            if (nt == 0) {
                hf_error_set(err, HF_ERR_USAGE,
                             "%s: not one expression: '::' without a "
                             "value before it",
                             where);
                goto done;
            }
            size_t first = nt - 1;
            if (toks[first].close) {
                first = toks[first].open;
                if (first > 0 && toks[first - 1].ident)
                    first--; /* a function call */
            }
            const char *cast = "CAST(";
            size_t at = toks[first].out, cl = strlen(cast);
            size_t old = o.len;
            hf_strbuf_append(&o, cast, cl); /* grow, then shift */
            if (!hf_strbuf_ok(&o)) {
                hf_error_set(err, HF_ERR_NOMEM, "out of memory");
                goto done;
            }
            memmove(o.data + at + cl, o.data + at, old - at);
            memcpy(o.data + at, cast, cl);
            for (size_t i = first + 1; i < nt; i++)
                toks[i].out += cl;
            p += 2;
            if (read_type(&p, where, &o, err) != 0)
                goto done;
            /* the cast is one primary now, spanning first..: mark it so
             * a following '::' takes the whole of it */
            nt = first + 1;
            toks[first].close = true;
            toks[first].open = first;
            toks[first].ident = false;
            continue;
        }
        struct ptok *t = &toks[nt];
        memset(t, 0, sizeof *t);
        if (o.len)
            hf_strbuf_putc(&o, ' ');
        t->out = o.len;
        if (*p == ';') {
            hf_error_set(err, HF_ERR_USAGE,
                         "%s: not one expression: ';' ends a statement "
                         "(a where is one condition, as in DataX, and is "
                         "never run as SQL of its own)",
                         where);
            goto done;
        }
        if (*p == '\'') { /* 'string', '' inside */
            const char *s = p++;
            for (;;) {
                if (*p == '\0') {
                    hf_error_set(err, HF_ERR_USAGE,
                                 "%s: not one expression: unterminated "
                                 "string",
                                 where);
                    goto done;
                }
                if (*p == '\'' && p[1] == '\'') {
                    p += 2;
                    continue;
                }
                if (*p++ == '\'')
                    break;
            }
            hf_strbuf_append(&o, s, (size_t)(p - s));
        } else if (*p == '"') { /* "Ident", "" inside -> `Ident` */
            p++;
            hf_strbuf_putc(&o, '`');
            for (;;) {
                if (*p == '\0') {
                    hf_error_set(err, HF_ERR_USAGE,
                                 "%s: not one expression: unterminated "
                                 "quoted identifier",
                                 where);
                    goto done;
                }
                if (*p == '"' && p[1] == '"') {
                    hf_strbuf_putc(&o, '"');
                    p += 2;
                    continue;
                }
                if (*p == '"') {
                    p++;
                    break;
                }
                if (*p == '`')
                    hf_strbuf_putc(&o, '`');
                hf_strbuf_putc(&o, *p++);
            }
            hf_strbuf_putc(&o, '`');
        } else if (is_ident_start((unsigned char)*p)) {
            if ((p[0] == 'E' || p[0] == 'e') && p[1] == '\'') {
                hf_error_set(err, HF_ERR_UNSUPPORTED,
                             "%s: E'...' escape strings are not available; "
                             "write a standard '...' string",
                             where);
                goto done;
            }
            /* PostgreSQL folds unquoted names to lower case */
            size_t at = o.len;
            while (is_ident_char((unsigned char)*p))
                hf_strbuf_putc(&o, (char)tolower((unsigned char)*p++));
            t->ident = true;
            if (hf_strbuf_ok(&o) && o.len - at == 8 &&
                memcmp(o.data + at, "interval", 8) == 0 &&
                pg_interval(&p, &o))
                t->ident = false;
        } else if (isdigit((unsigned char)*p) ||
                   (*p == '.' && isdigit((unsigned char)p[1]))) {
            const char *s = p;
            while (isalnum((unsigned char)*p) || *p == '.' ||
                   ((*p == '+' || *p == '-') && (p[-1] == 'e' || p[-1] == 'E')))
                p++;
            hf_strbuf_append(&o, s, (size_t)(p - s));
        } else if (*p == '(') {
            stack[depth++] = nt;
            hf_strbuf_putc(&o, *p++);
        } else if (*p == ')') {
            if (depth == 0) {
                hf_error_set(err, HF_ERR_USAGE,
                             "%s: not one expression: ')' closes nothing "
                             "that was opened",
                             where);
                goto done;
            }
            t->close = true;
            t->open = stack[--depth];
            hf_strbuf_putc(&o, *p++);
        } else {
            /* operators and other punctuation, as written: the parser
             * decides */
            static const char *const two[] = {"<=", ">=", "<>", "!=", "||",
                                              NULL};
            bool done2 = false;
            for (int i = 0; two[i]; i++)
                if (strncmp(p, two[i], 2) == 0) {
                    hf_strbuf_append(&o, p, 2);
                    p += 2;
                    done2 = true;
                    break;
                }
            if (!done2)
                hf_strbuf_putc(&o, *p++);
        }
        nt++;
    }
    if (!hf_strbuf_ok(&o)) {
        hf_error_set(err, HF_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (o.len == 0) {
        hf_error_set(err, HF_ERR_USAGE, "%s: empty", where);
        goto done;
    }
    /* exactly one expression, by holoflow's own parser */
    struct hf_sql_src src = {.file = where, .text = o.data, .len = o.len};
    struct hf_ast_script *s = NULL;
    struct hf_ast_expr *e = NULL;
    struct hf_error perr = {0};
    if (hf_sql_parse_expr(&src, &s, &e, &perr) != 0) {
        /* the parser's message names the place in the rewritten text;
         * keep its first line */
        char *nl = strchr(perr.msg, '\n');
        if (nl)
            *nl = '\0';
        hf_error_set(err, HF_ERR_USAGE,
                     "%s: not one expression (as holoflow reads '%s': %s)",
                     where, text, perr.msg);
        goto done;
    }
    hf_ast_script_free(s);
    *out = o.data;
    o.data = NULL;
    rc = 0;
done:
    hf_strbuf_free(&o);
    free(toks);
    free(stack);
    return rc;
}
