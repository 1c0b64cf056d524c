/*
 * lexer.c - a hand-written tokenizer for the Flink SQL subset.
 *
 * One pass over the script with a character-class table deciding what a
 * byte can start. Whitespace and comments (-- to end of line, slash-star
 * blocks) are skipped. A SQL hint (slash-star-plus ... star-slash) is not a
 * comment: its opening and closing become tokens and what is between is
 * tokenized as usual, so the parser reads `OPTIONS('k' = 'v')` there or
 * says why it cannot; a hint is never skipped silently. Strings use '' for a
 * quote; U&'...' strings take \XXXX and \+XXXXXX code point escapes (and an
 * optional UESCAPE 'c' clause), as Calcite does, which is how Flink users
 * write control characters such as a csv delimiter. Decoded texts go into
 * the token array's arena so the parser can keep pointers to them.
 *
 * Invariant: the token array always ends with exactly one HF_TK_EOF token,
 * positioned at the end of the script.
 */
#include "sql/lexer.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ keywords */

#define HF_KW_NAME_(k) #k,
static const char *const kw_names[] = {
    NULL, HF_SQL_KEYWORDS(HF_KW_NAME_, HF_KW_NAME_)};
#undef HF_KW_NAME_

#define HF_KW_R_(k) true,
#define HF_KW_N_(k) false,
static const bool kw_is_reserved[] = {false,
                                      HF_SQL_KEYWORDS(HF_KW_R_, HF_KW_N_)};
#undef HF_KW_R_
#undef HF_KW_N_

const char *hf_kw_name(enum hf_kw kw)
{
    if (kw <= HF_KW_NONE || kw >= HF_KW__COUNT)
        return NULL;
    return kw_names[kw];
}

bool hf_kw_reserved(enum hf_kw kw)
{
    if (kw <= HF_KW_NONE || kw >= HF_KW__COUNT)
        return false;
    return kw_is_reserved[kw];
}

/* Binary search in the (alphabetical) keyword list. */
static enum hf_kw kw_lookup(const char *s, size_t len)
{
    char up[32];
    if (len == 0 || len >= sizeof up)
        return HF_KW_NONE;
    for (size_t i = 0; i < len; i++)
        up[i] = (char)toupper((unsigned char)s[i]);
    up[len] = '\0';
    int lo = 1, hi = HF_KW__COUNT - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(up, kw_names[mid]);
        if (c == 0)
            return (enum hf_kw)mid;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return HF_KW_NONE;
}

const char *hf_tok_kind_name(enum hf_tok kind)
{
    switch (kind) {
    case HF_TK_EOF:
        return "end of input";
    case HF_TK_IDENT:
        return "identifier";
    case HF_TK_QIDENT:
        return "identifier";
    case HF_TK_STRING:
        return "string literal";
    case HF_TK_INTEGER:
        return "integer";
    case HF_TK_DECIMAL:
        return "number";
    case HF_TK_DOUBLE:
        return "number";
    case HF_TK_EQ:
        return "'='";
    case HF_TK_NE:
        return "'<>'";
    case HF_TK_LT:
        return "'<'";
    case HF_TK_LE:
        return "'<='";
    case HF_TK_GT:
        return "'>'";
    case HF_TK_GE:
        return "'>='";
    case HF_TK_PLUS:
        return "'+'";
    case HF_TK_MINUS:
        return "'-'";
    case HF_TK_STAR:
        return "'*'";
    case HF_TK_SLASH:
        return "'/'";
    case HF_TK_PERCENT:
        return "'%'";
    case HF_TK_CONCAT:
        return "'||'";
    case HF_TK_LPAREN:
        return "'('";
    case HF_TK_RPAREN:
        return "')'";
    case HF_TK_COMMA:
        return "','";
    case HF_TK_SEMI:
        return "';'";
    case HF_TK_DOT:
        return "'.'";
    case HF_TK_LBRACKET:
        return "'['";
    case HF_TK_RBRACKET:
        return "']'";
    case HF_TK_HINT_BEGIN:
        return "'/*+'";
    case HF_TK_HINT_END:
        return "'*/'";
    }
    return "token";
}

/* ------------------------------------------------------------ errors */

void hf_sql_position(const struct hf_sql_src *src, size_t off, int *line,
                     int *col)
{
    int l = 1;
    size_t ls = 0;
    if (off > src->len)
        off = src->len;
    for (size_t i = 0; i < off; i++) {
        if (src->text[i] == '\n') {
            l++;
            ls = i + 1;
        }
    }
    int c = 1;
    for (size_t i = ls; i < off; i++)
        if (((unsigned char)src->text[i] & 0xC0) != 0x80)
            c++;
    *line = l;
    *col = c;
}

/* Byte offset of the start of line `line` (1-based), or src->len. */
static size_t line_start(const struct hf_sql_src *src, int line)
{
    size_t off = 0;
    int l = 1;
    while (l < line && off < src->len) {
        if (src->text[off] == '\n')
            l++;
        off++;
    }
    return off;
}

/* The caret display: the source line (a window of it when long; values of
 * credentials masked, see redact.c) and a line of blanks ending in '^'
 * under the column. Tabs are copied into the caret line so that the caret
 * lines up in a terminal. */
void hf_sql_caret(const struct hf_sql_src *src, int line, int col, char *buf,
                  size_t n)
{
    enum { WINDOW = 120, BEFORE = 60 };
    if (n == 0)
        return;
    buf[0] = '\0';
    if (src == NULL || src->text == NULL || line < 1)
        return;
    size_t ls = line_start(src, line);
    size_t le = ls;
    while (le < src->len && src->text[le] != '\n')
        le++;
    if (le > ls && src->text[le - 1] == '\r')
        le--;
    /* Byte offset of the column. */
    size_t at = ls;
    for (int c = 1; c < col && at < le; c++) {
        at++;
        while (at < le && ((unsigned char)src->text[at] & 0xC0) == 0x80)
            at++;
    }
    /* From here on, offsets are into the masked copy of the line. */
    size_t len = 0;
    char *text = hf_sql_masked_line(src, ls, le, &at, &len);
    if (text == NULL)
        return; /* no memory: no source line rather than an unmasked one */
    size_t from = 0;
    bool cut_left = false, cut_right = false;
    if (at > BEFORE && len > WINDOW) {
        from = at - BEFORE;
        while (from < at && ((unsigned char)text[from] & 0xC0) == 0x80)
            from++;
        cut_left = true;
    }
    size_t to = len;
    if (to - from > WINDOW) {
        to = from + WINDOW;
        if (to < at + 1)
            to = at + 1;
        if (to > len)
            to = len;
        while (to < len && ((unsigned char)text[to] & 0xC0) == 0x80)
            to++;
        cut_right = to < len;
    }
    size_t off = 0;
    int w = snprintf(buf, n, "%s%.*s%s\n%s", cut_left ? "..." : "",
                     (int)(to - from), text + from, cut_right ? "..." : "",
                     cut_left ? "   " : "");
    if (w < 0 || (size_t)w >= n) {
        buf[0] = '\0'; /* never a line cut inside a mask's neighbour */
        free(text);
        return;
    }
    off = (size_t)w;
    for (size_t i = from; i < at && off + 2 < n; i++) {
        unsigned char ch = (unsigned char)text[i];
        if ((ch & 0xC0) == 0x80)
            continue;
        buf[off++] = ch == '\t' ? '\t' : ' ';
    }
    if (off + 2 <= n) {
        buf[off++] = '^';
        buf[off] = '\0';
    }
    free(text);
}

int hf_sql_error_at(struct hf_error *err, hf_err_t code,
                    const struct hf_sql_src *src, int line, int col,
                    const char *fmt, ...)
{
    char msg[HF_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char caret[400];
    hf_sql_caret(src, line, col, caret, sizeof caret);
    const char *file = src && src->file ? src->file : "<sql>";
    /* The caret goes under the first line; further lines (lists of valid
     * names, hints) follow it. */
    const char *nl = strchr(msg, '\n');
    int first = nl ? (int)(nl - msg) : (int)strlen(msg);
    if (caret[0])
        return hf_error_set(err, code, "%s:%d:%d: error: %.*s\n%s%s", file,
                            line, col, first, msg, caret, nl ? nl : "");
    return hf_error_set(err, code, "%s:%d:%d: error: %s", file, line, col, msg);
}

/* ------------------------------------------------------------ scanning */

enum cc {
    CC_OTHER = 0, /* not valid outside strings */
    CC_SPACE,
    CC_NEWLINE,
    CC_IDSTART, /* letters, '_', UTF-8 bytes */
    CC_DIGIT,
    CC_QUOTE,     /* ' */
    CC_BACKQUOTE, /* ` */
    CC_DQUOTE,    /* " */
    CC_DOT,
    CC_PUNCT /* operators and parentheses */
};

/* What each byte can be (GNU range designators; bytes >= 0x80 are parts
 * of UTF-8 characters and may appear in identifiers). */
static const unsigned char cclass[256] = {
    [' '] = CC_SPACE,
    ['\t'] = CC_SPACE,
    ['\r'] = CC_SPACE,
    ['\f'] = CC_SPACE,
    ['\v'] = CC_SPACE,
    ['\n'] = CC_NEWLINE,
    ['a' ... 'z'] = CC_IDSTART,
    ['A' ... 'Z'] = CC_IDSTART,
    ['_'] = CC_IDSTART,
    [0x80 ... 0xFF] = CC_IDSTART,
    ['0' ... '9'] = CC_DIGIT,
    ['\''] = CC_QUOTE,
    ['`'] = CC_BACKQUOTE,
    ['"'] = CC_DQUOTE,
    ['.'] = CC_DOT,
    ['='] = CC_PUNCT,
    ['<'] = CC_PUNCT,
    ['>'] = CC_PUNCT,
    ['!'] = CC_PUNCT,
    ['+'] = CC_PUNCT,
    ['-'] = CC_PUNCT,
    ['*'] = CC_PUNCT,
    ['/'] = CC_PUNCT,
    ['%'] = CC_PUNCT,
    ['|'] = CC_PUNCT,
    ['('] = CC_PUNCT,
    [')'] = CC_PUNCT,
    [','] = CC_PUNCT,
    [';'] = CC_PUNCT,
    ['['] = CC_PUNCT,
    [']'] = CC_PUNCT,
};

static bool is_idchar(unsigned char c)
{
    return cclass[c] == CC_IDSTART || cclass[c] == CC_DIGIT || c == '$';
}

struct lexer {
    const struct hf_sql_src *src;
    struct hf_tokens *out;
    uint32_t cap;
    size_t pos;
    struct hf_error *err;
    /* Position cache: tokens are pushed in source order, so line/column of
     * the next token are found by scanning forward from the previous one. */
    size_t at_off, at_line_start;
    int at_line;
    /* Inside `SET ...;` at the start of a statement: unquoted words are
     * taken whole (SET execution.checkpointing.interval = 10s), as the
     * Flink SQL client reads them. */
    bool set_mode;
    /* Inside a hint: the next star-slash closes it. */
    bool in_hint;
    size_t hint_off;
};

static void position_of(struct lexer *lx, size_t off, int *line, int *col)
{
    const char *t = lx->src->text;
    for (size_t i = lx->at_off; i < off; i++) {
        if (t[i] == '\n') {
            lx->at_line++;
            lx->at_line_start = i + 1;
        }
    }
    lx->at_off = off;
    int c = 1;
    for (size_t i = lx->at_line_start; i < off; i++)
        if (((unsigned char)t[i] & 0xC0) != 0x80)
            c++;
    *line = lx->at_line;
    *col = c;
}

static int lex_error(struct lexer *lx, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int lex_error(struct lexer *lx, size_t off, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line, col;
    hf_sql_position(lx->src, off, &line, &col);
    return hf_sql_error_at(lx->err, HF_ERR_SQL, lx->src, line, col, "%s", msg);
}

static int oom(struct lexer *lx)
{
    return hf_error_set(lx->err, HF_ERR_NOMEM,
                        "out of memory while reading the SQL script");
}

/* Append a token spanning [off, off+len) with decoded text `text`. */
static int push(struct lexer *lx, enum hf_tok kind, size_t off, size_t len,
                const char *text, size_t text_len)
{
    struct hf_tokens *o = lx->out;
    if (o->n == lx->cap) {
        uint32_t ncap = lx->cap ? lx->cap * 2 : 256;
        struct hf_token *t = realloc(o->toks, ncap * sizeof *t);
        if (t == NULL)
            return oom(lx);
        o->toks = t;
        lx->cap = ncap;
    }
    if (off > UINT32_MAX || len > UINT32_MAX || text_len > UINT32_MAX)
        return hf_error_set(lx->err, HF_ERR_SQL, "SQL script too large");
    char *copy = hf_arena_strndup(&o->arena, text, text_len);
    if (copy == NULL)
        return oom(lx);
    struct hf_token *t = &o->toks[o->n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->off = (uint32_t)off;
    t->len = (uint32_t)len;
    t->text = copy;
    t->text_len = (uint32_t)text_len;
    position_of(lx, off, &t->line, &t->col);
    if (kind == HF_TK_IDENT)
        t->kw = kw_lookup(text, text_len);
    return 0;
}

/* A growable scratch buffer for decoding quoted text. */
struct scratch {
    char *p;
    size_t len, cap;
};

static int scratch_put(struct scratch *s, const char *b, size_t n)
{
    if (s->len + n + 1 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 128;
        while (nc < s->len + n + 1)
            nc *= 2;
        char *p = realloc(s->p, nc);
        if (p == NULL)
            return -1;
        s->p = p;
        s->cap = nc;
    }
    memcpy(s->p + s->len, b, n);
    s->len += n;
    s->p[s->len] = '\0';
    return 0;
}

/* Scan a quoted run starting at the opening quote `q` at lx->pos; doubled
 * quotes stand for one. On success lx->pos is after the closing quote and
 * the content is in `s`. */
static int scan_quoted(struct lexer *lx, char q, const char *what,
                       struct scratch *s)
{
    const char *t = lx->src->text;
    size_t start = lx->pos;
    size_t i = start + 1;
    for (;;) {
        if (i >= lx->src->len)
            return lex_error(lx, start,
                             "unterminated %s; it needs a closing "
                             "%c",
                             what, q);
        if (t[i] == q) {
            if (i + 1 < lx->src->len && t[i + 1] == q) {
                if (scratch_put(s, &q, 1) != 0)
                    return oom(lx);
                i += 2;
                continue;
            }
            break;
        }
        size_t j = i;
        while (j < lx->src->len && t[j] != q)
            j++;
        if (scratch_put(s, t + i, j - i) != 0)
            return oom(lx);
        i = j;
    }
    lx->pos = i + 1;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static size_t utf8_encode(uint32_t cp, char *b)
{
    if (cp < 0x80) {
        b[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Resolve the escapes of a U&'...' body (raw, quotes already undoubled)
 * with escape character `esc`. `body_off` locates the body for messages. */
static int unicode_unescape(struct lexer *lx, size_t body_off, const char *in,
                            size_t n, char esc, struct scratch *out)
{
    for (size_t i = 0; i < n;) {
        if (in[i] != esc) {
            if (scratch_put(out, in + i, 1) != 0)
                return oom(lx);
            i++;
            continue;
        }
        if (i + 1 < n && in[i + 1] == esc) {
            if (scratch_put(out, &esc, 1) != 0)
                return oom(lx);
            i += 2;
            continue;
        }
        size_t digits = 4, at = i + 1;
        if (i + 1 < n && in[i + 1] == '+') {
            digits = 6;
            at = i + 2;
        }
        uint32_t cp = 0;
        bool ok = at + digits <= n;
        for (size_t k = 0; ok && k < digits; k++) {
            int h = hexval(in[at + k]);
            if (h < 0)
                ok = false;
            else
                cp = cp * 16 + (uint32_t)h;
        }
        if (!ok)
            return lex_error(lx, body_off,
                             "bad escape in unicode string: "
                             "'%c' must be followed by 4 hex digits (or '+' "
                             "and 6), e.g. U&'\\0001'",
                             esc);
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return lex_error(lx, body_off,
                             "unicode escape U+%04X is not a "
                             "valid character here",
                             (unsigned)cp);
        char enc[4];
        size_t el = utf8_encode(cp, enc);
        if (scratch_put(out, enc, el) != 0)
            return oom(lx);
        i = at + digits;
    }
    return 0;
}

static size_t skip_space_comments(struct lexer *lx, size_t i)
{
    const char *t = lx->src->text;
    size_t n = lx->src->len;
    for (;;) {
        while (i < n && (cclass[(unsigned char)t[i]] == CC_SPACE ||
                         cclass[(unsigned char)t[i]] == CC_NEWLINE))
            i++;
        if (i + 1 < n && t[i] == '-' && t[i + 1] == '-') {
            while (i < n && t[i] != '\n')
                i++;
            continue;
        }
        if (i + 2 < n && t[i] == '/' && t[i + 1] == '*' && t[i + 2] != '+') {
            const char *end = NULL;
            for (size_t j = i + 2; j + 1 < n; j++)
                if (t[j] == '*' && t[j + 1] == '/') {
                    end = t + j;
                    break;
                }
            if (end == NULL)
                return i; /* reported by the caller */
            i = (size_t)(end - t) + 2;
            continue;
        }
        return i;
    }
}

static int scan_string(struct lexer *lx, bool unicode)
{
    size_t start = lx->pos;
    if (unicode)
        lx->pos += 2; /* U& */
    struct scratch raw = {0}, dec = {0};
    size_t body = lx->pos + 1;
    int rc = scan_quoted(lx, '\'', "string literal", &raw);
    if (rc == 0 && unicode) {
        char esc = '\\';
        /* Optional UESCAPE 'c'. */
        size_t j = skip_space_comments(lx, lx->pos);
        if (j + 7 <= lx->src->len &&
            strncasecmp(lx->src->text + j, "UESCAPE", 7) == 0 &&
            (j + 7 == lx->src->len ||
             !is_idchar((unsigned char)lx->src->text[j + 7]))) {
            size_t k = skip_space_comments(lx, j + 7);
            const char *t = lx->src->text;
            if (k + 3 <= lx->src->len && t[k] == '\'' && t[k + 2] == '\'' &&
                t[k + 1] != '\'' && t[k + 1] != '+' && hexval(t[k + 1]) < 0 &&
                t[k + 1] != ' ' && t[k + 1] != '"') {
                esc = t[k + 1];
                lx->pos = k + 3;
            } else {
                rc = lex_error(lx, k,
                               "UESCAPE needs one character in quotes "
                               "(not a hex digit, '+', quote or blank), e.g. "
                               "UESCAPE '!'");
            }
        }
        if (rc == 0)
            rc = unicode_unescape(lx, body, raw.p ? raw.p : "", raw.len, esc,
                                  &dec);
        if (rc == 0)
            rc = push(lx, HF_TK_STRING, start, lx->pos - start,
                      dec.p ? dec.p : "", dec.len);
    } else if (rc == 0) {
        rc = push(lx, HF_TK_STRING, start, lx->pos - start, raw.p ? raw.p : "",
                  raw.len);
    }
    free(raw.p);
    free(dec.p);
    return rc;
}

static int scan_number(struct lexer *lx)
{
    const char *t = lx->src->text;
    size_t n = lx->src->len;
    size_t i = lx->pos;
    enum hf_tok kind = HF_TK_INTEGER;
    while (i < n && cclass[(unsigned char)t[i]] == CC_DIGIT)
        i++;
    if (i < n && t[i] == '.') {
        kind = HF_TK_DECIMAL;
        i++;
        while (i < n && cclass[(unsigned char)t[i]] == CC_DIGIT)
            i++;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (t[j] == '+' || t[j] == '-'))
            j++;
        if (j < n && cclass[(unsigned char)t[j]] == CC_DIGIT) {
            while (j < n && cclass[(unsigned char)t[j]] == CC_DIGIT)
                j++;
            kind = HF_TK_DOUBLE;
            i = j;
        } else {
            return lex_error(lx, lx->pos,
                             "invalid number '%.*s': the "
                             "exponent needs digits",
                             (int)(j - lx->pos), t + lx->pos);
        }
    }
    if (i < n && is_idchar((unsigned char)t[i])) {
        size_t j = i;
        while (j < n && is_idchar((unsigned char)t[j]))
            j++;
        return lex_error(lx, lx->pos, "invalid number '%.*s'",
                         (int)(j - lx->pos), t + lx->pos);
    }
    int rc = push(lx, kind, lx->pos, i - lx->pos, t + lx->pos, i - lx->pos);
    lx->pos = i;
    return rc;
}

static int scan_punct(struct lexer *lx)
{
    const char *t = lx->src->text;
    size_t n = lx->src->len;
    size_t i = lx->pos;
    char c = t[i], d = i + 1 < n ? t[i + 1] : '\0';
    enum hf_tok k;
    size_t len = 1;
    switch (c) {
    case '=':
        k = HF_TK_EQ;
        break;
    case '<':
        if (d == '>') {
            k = HF_TK_NE;
            len = 2;
        } else if (d == '=') {
            k = HF_TK_LE;
            len = 2;
        } else {
            k = HF_TK_LT;
        }
        break;
    case '>':
        if (d == '=') {
            k = HF_TK_GE;
            len = 2;
        } else {
            k = HF_TK_GT;
        }
        break;
    case '!':
        if (d != '=')
            return lex_error(lx, i,
                             "unexpected character '!'; did you "
                             "mean '!=' or NOT?");
        k = HF_TK_NE;
        len = 2;
        break;
    case '|':
        if (d != '|')
            return lex_error(lx, i,
                             "unexpected character '|'; string "
                             "concatenation is '||'");
        k = HF_TK_CONCAT;
        len = 2;
        break;
    case '+':
        k = HF_TK_PLUS;
        break;
    case '-':
        k = HF_TK_MINUS;
        break;
    case '*':
        k = HF_TK_STAR;
        break;
    case '/':
        if (d == '/')
            return lex_error(lx, i,
                             "'//' does not start a comment in SQL; "
                             "use '-- comment' or '/* comment */'");
        k = HF_TK_SLASH;
        break;
    case '%':
        k = HF_TK_PERCENT;
        break;
    case '(':
        k = HF_TK_LPAREN;
        break;
    case ')':
        k = HF_TK_RPAREN;
        break;
    case ',':
        k = HF_TK_COMMA;
        break;
    case ';':
        k = HF_TK_SEMI;
        break;
    case '[':
        k = HF_TK_LBRACKET;
        break;
    case ']':
        k = HF_TK_RBRACKET;
        break;
    default:
        return lex_error(lx, i, "unexpected character '%c'", c);
    }
    int rc = push(lx, k, i, len, t + i, len);
    lx->pos = i + len;
    return rc;
}

int hf_sql_lex(const struct hf_sql_src *src, struct hf_tokens *out,
               struct hf_error *err)
{
    memset(out, 0, sizeof *out);
    out->src = *src;
    hf_arena_init(&out->arena);
    struct lexer lx = {.src = &out->src, .out = out, .err = err, .at_line = 1};
    const char *t = src->text;
    size_t n = src->len;
    /* A UTF-8 byte order mark is not part of the script. */
    if (n >= 3 && (unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB &&
        (unsigned char)t[2] == 0xBF)
        lx.pos = 3;

    for (;;) {
        lx.pos = skip_space_comments(&lx, lx.pos);
        if (lx.pos >= n)
            break;
        size_t i = lx.pos;
        unsigned char c = (unsigned char)t[i];
        if (c == '/' && i + 1 < n && t[i + 1] == '*') {
            if (i + 2 < n && t[i + 2] == '+') {
                if (lx.in_hint)
                    return lex_error(&lx, i,
                                     "'/*+' inside a hint; close "
                                     "the first hint with '*/'");
                if (push(&lx, HF_TK_HINT_BEGIN, i, 3, "/*+", 3) != 0)
                    return -1;
                lx.in_hint = true;
                lx.hint_off = i;
                lx.pos = i + 3;
                continue;
            }
            return lex_error(&lx, i,
                             "unterminated comment: '/*' without "
                             "'*/'");
        }
        if (lx.in_hint && c == '*' && i + 1 < n && t[i + 1] == '/') {
            if (push(&lx, HF_TK_HINT_END, i, 2, "*/", 2) != 0)
                return -1;
            lx.in_hint = false;
            lx.pos = i + 2;
            continue;
        }
        int rc;
        if (lx.set_mode && c != '\'' && c != '=' && c != ';' &&
            !(c == '-' && i + 1 < n && t[i + 1] == '-') &&
            !(c == '/' && i + 1 < n && t[i + 1] == '*') &&
            !((c == 'U' || c == 'u') && i + 2 < n && t[i + 1] == '&' &&
              t[i + 2] == '\'')) {
            size_t j = i;
            while (j < n && cclass[(unsigned char)t[j]] != CC_SPACE &&
                   cclass[(unsigned char)t[j]] != CC_NEWLINE && t[j] != '=' &&
                   t[j] != ';' && t[j] != '\'')
                j++;
            if (push(&lx, HF_TK_IDENT, i, j - i, t + i, j - i) != 0)
                return -1;
            lx.pos = j;
            continue;
        }
        switch (cclass[c]) {
        case CC_IDSTART:
            if ((c == 'U' || c == 'u') && i + 2 < n && t[i + 1] == '&' &&
                t[i + 2] == '\'') {
                rc = scan_string(&lx, true);
                break;
            }
            {
                size_t j = i;
                while (j < n && is_idchar((unsigned char)t[j]))
                    j++;
                rc = push(&lx, HF_TK_IDENT, i, j - i, t + i, j - i);
                lx.pos = j;
            }
            break;
        case CC_DIGIT:
            rc = scan_number(&lx);
            break;
        case CC_DOT: {
            bool after_name =
                out->n > 0 &&
                (out->toks[out->n - 1].kind == HF_TK_IDENT ||
                 out->toks[out->n - 1].kind == HF_TK_QIDENT ||
                 out->toks[out->n - 1].kind == HF_TK_RPAREN) &&
                out->toks[out->n - 1].off + out->toks[out->n - 1].len == i;
            if (!after_name && i + 1 < n &&
                cclass[(unsigned char)t[i + 1]] == CC_DIGIT) {
                rc = scan_number(&lx);
            } else {
                rc = push(&lx, HF_TK_DOT, i, 1, ".", 1);
                lx.pos = i + 1;
            }
            break;
        }
        case CC_QUOTE:
            rc = scan_string(&lx, false);
            break;
        case CC_BACKQUOTE: {
            struct scratch s = {0};
            rc = scan_quoted(&lx, '`', "quoted identifier", &s);
            if (rc == 0 && s.len == 0)
                rc = lex_error(&lx, i, "empty quoted identifier ``");
            if (rc == 0)
                rc = push(&lx, HF_TK_QIDENT, i, lx.pos - i, s.p, s.len);
            free(s.p);
            break;
        }
        case CC_DQUOTE:
            return lex_error(&lx, i,
                             "double quotes are not used in Flink "
                             "SQL: write strings as 'text' and quote "
                             "identifiers as `name`");
        case CC_PUNCT:
            rc = scan_punct(&lx);
            break;
        default:
            if (c < 0x20 || c == 0x7F)
                return lex_error(&lx, i,
                                 "unexpected control character "
                                 "0x%02X",
                                 c);
            return lex_error(&lx, i, "unexpected character '%c'", c);
        }
        if (rc != 0)
            return -1;
        const struct hf_token *last = &out->toks[out->n - 1];
        if (last->kind == HF_TK_SEMI)
            lx.set_mode = false;
        else if (last->kind == HF_TK_IDENT && last->kw == HF_KW_SET &&
                 (out->n == 1 || out->toks[out->n - 2].kind == HF_TK_SEMI))
            lx.set_mode = true;
    }
    if (lx.in_hint)
        return lex_error(&lx, lx.hint_off,
                         "unterminated hint: '/*+' without '*/'");
    return push(&lx, HF_TK_EOF, n, 0, "", 0);
}

void hf_tokens_free(struct hf_tokens *t)
{
    if (t == NULL)
        return;
    free(t->toks);
    t->toks = NULL;
    t->n = 0;
    hf_arena_free(&t->arena);
}
