/*
 * plan_lookup_hint.c - Flink's LOOKUP query hint (Flink 1.16+, "Lookup
 * Join hint" in Flink's SQL hints page), for the lookup joins of one
 * SELECT:
 *
 *   SELECT /-*+ LOOKUP('table' = 'Customers', 'async' = 'true',
 *       'output-mode' = 'allow_unordered', 'capacity' = '100',
 *       'timeout' = '180s', 'retry-predicate' = 'lookup_miss',
 *       'retry-strategy' = 'fixed_delay', 'fixed-delay' = '10s',
 *       'max-attempts' = '3') *-/ ...
 *
 * (written here with dashes so the comment stays one). 'table' is
 * required and names the lookup table by its alias when it has one (as
 * Flink since FLINK-28850), or as FROM names it;
 * the others are optional and override, for that join only, the table's
 * and the job's settings: 'async' chooses pipelined requests or one at a
 * time, 'capacity' bounds the keys in flight (requests of
 * lookup.read.batch-size keys, at most 64), 'timeout' the wait for a
 * row's lookup from its first request through its retries,
 * 'output-mode' whether rows may overtake one waiting to be asked again
 * (ops/lookup_join.c, "async retries"). The four retry options go
 * together: a key asked of the server that has no row is asked again
 * after 'fixed-delay', up to 'max-attempts' more times (Flink: "if set to
 * '1', then a single lookup process for a specific lookup key will
 * actually execute up to 2 lookup requests"); with a FULL cache there is
 * no retry, as in Flink. Unknown options and bad values are refused at
 * their place, as is a hint that names no lookup table of its SELECT
 * (Flink: "The options of following hints cannot match the name of input
 * tables or views").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/opt.h"
#include "ops/lookup_join.h"
#include "sql/plan_rel.h"

#define MAX_HINTS 32

static const char *const hint_keys[] = {
    "table",          "async",       "output-mode",
    "capacity",       "timeout",     "retry-predicate",
    "retry-strategy", "fixed-delay", "max-attempts"};
#define NKEYS (sizeof hint_keys / sizeof *hint_keys)

static const struct hf_ast_option *opt(const struct hf_ast_lookup_hint *h,
                                       const char *key)
{
    for (uint32_t i = 0; i < h->nopts; i++)
        if (strcmp(h->opts[i].key.name, key) == 0)
            return &h->opts[i];
    return NULL;
}

static int bad(struct planner *p, const struct hf_ast_option *o,
               const char *want)
{
    return hf_plan_err_at(p, HF_ERR_SQL, o->vline, o->vcol,
                          "LOOKUP hint: '%s' = '%s' is not valid; %s",
                          o->key.name, o->value, want);
}

static int positive_int(struct planner *p, const struct hf_ast_option *o,
                        int64_t *out)
{
    char *end = NULL;
    long long v = strtoll(o->value, &end, 10);
    if (end == o->value || *end != '\0' || v <= 0 || v > INT32_MAX)
        return bad(p, o, "expected a positive integer");
    *out = v;
    return 0;
}

static int duration(struct planner *p, const struct hf_ast_option *o,
                    int64_t *ms)
{
    if (hf_parse_duration_ms(o->value, ms) != 0 || *ms < 0)
        return bad(p, o, "expected a duration such as '10s' or '500ms'");
    return 0;
}

static int check_one(struct planner *p, const struct hf_ast_lookup_hint *h)
{
    for (uint32_t i = 0; i < h->nopts; i++) {
        const struct hf_ast_option *o = &h->opts[i];
        bool known = false;
        for (size_t k = 0; k < NKEYS; k++)
            known |= strcmp(o->key.name, hint_keys[k]) == 0;
        if (!known)
            return hf_plan_err_at(
                p, HF_ERR_SQL, o->key.line, o->key.col,
                "LOOKUP hint: unknown option '%s'; the options are 'table', "
                "'async', 'output-mode', 'capacity', 'timeout', "
                "'retry-predicate', 'retry-strategy', 'fixed-delay' and "
                "'max-attempts'",
                o->key.name);
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(h->opts[j].key.name, o->key.name) == 0)
                return hf_plan_err_at(p, HF_ERR_SQL, o->key.line, o->key.col,
                                      "LOOKUP hint: option '%s' is given "
                                      "twice",
                                      o->key.name);
    }
    const struct hf_ast_option *o;
    int64_t n;
    if ((o = opt(h, "table")) == NULL)
        return hf_plan_err_at(p, HF_ERR_SQL, h->line, h->col,
                              "LOOKUP hint: 'table' is required (the lookup "
                              "table's name as FROM names it): "
                              "LOOKUP('table' = 'dim', ...)");
    if (o->value[0] == '\0')
        return bad(p, o, "expected a table name");
    if ((o = opt(h, "async")) && strcasecmp(o->value, "true") != 0 &&
        strcasecmp(o->value, "false") != 0)
        return bad(p, o, "expected 'true' or 'false'");
    if ((o = opt(h, "output-mode")) && strcasecmp(o->value, "ordered") != 0 &&
        strcasecmp(o->value, "allow_unordered") != 0)
        return bad(p, o, "expected 'ordered' or 'allow_unordered'");
    if ((o = opt(h, "capacity")) && positive_int(p, o, &n) != 0)
        return -1;
    if ((o = opt(h, "timeout")) && duration(p, o, &n) != 0)
        return -1;
    if ((o = opt(h, "timeout")) && n == 0)
        return bad(p, o, "expected a positive duration");
    static const char *const retry[] = {"retry-predicate", "retry-strategy",
                                        "fixed-delay", "max-attempts"};
    int given = 0;
    for (int k = 0; k < 4; k++)
        given += opt(h, retry[k]) != NULL;
    if (given > 0 && given < 4) {
        for (int k = 0; k < 4; k++)
            if (opt(h, retry[k]) == NULL)
                return hf_plan_err_at(
                    p, HF_ERR_SQL, h->line, h->col,
                    "LOOKUP hint: '%s' is missing; a retry needs all of "
                    "'retry-predicate' = 'lookup_miss', 'retry-strategy' = "
                    "'fixed_delay', 'fixed-delay' and 'max-attempts'",
                    retry[k]);
    }
    if ((o = opt(h, "retry-predicate")) &&
        strcasecmp(o->value, "lookup_miss") != 0)
        return bad(p, o, "the only retry predicate is 'lookup_miss'");
    if ((o = opt(h, "retry-strategy")) &&
        strcasecmp(o->value, "fixed_delay") != 0)
        return bad(p, o, "the only retry strategy is 'fixed_delay'");
    if ((o = opt(h, "fixed-delay")) && duration(p, o, &n) != 0)
        return -1;
    if ((o = opt(h, "max-attempts")) && positive_int(p, o, &n) != 0)
        return -1;
    return 0;
}

int hf_plan_lookup_hints_check(struct planner *p, const struct hf_ast_query *q)
{
    if (q->nlookup_hints > MAX_HINTS)
        return hf_plan_err_at(p, HF_ERR_SQL, q->lookup_hints[MAX_HINTS].line,
                              q->lookup_hints[MAX_HINTS].col,
                              "at most %d LOOKUP hints in one SELECT",
                              MAX_HINTS);
    for (uint32_t i = 0; i < q->nlookup_hints; i++)
        if (check_one(p, &q->lookup_hints[i]) != 0)
            return -1;
    return 0;
}

/* The first hint of q naming `name`, marked used; NULL if none. */
static const struct hf_ast_lookup_hint *take_hint(struct qstate *qs,
                                                  const struct hf_ast_query *q,
                                                  const char *name)
{
    for (uint32_t i = 0; name && i < q->nlookup_hints && i < MAX_HINTS; i++)
        if (strcmp(opt(&q->lookup_hints[i], "table")->value, name) == 0) {
            qs->hints_used |= 1u << i;
            return &q->lookup_hints[i];
        }
    return NULL;
}

void hf_plan_lookup_hint_apply(struct qstate *qs, const char *name,
                               const char *alias, struct hf_lookup_conf *c,
                               struct hf_strbuf *text)
{
    const struct hf_ast_query *q = qs->hint_q;
    if (q == NULL)
        return;
    /* Flink (FLINK-28850): a table with an alias is hinted by its alias;
     * holoflow also takes the table's name. */
    const struct hf_ast_lookup_hint *h = take_hint(qs, q, alias);
    if (h == NULL)
        h = take_hint(qs, q, name);
    if (h == NULL)
        return;
    const struct hf_ast_option *o;
    int64_t n;
    hf_strbuf_puts(text, ", LOOKUP hint (");
    size_t start = text->len;
    if ((o = opt(h, "async"))) {
        c->async = strcasecmp(o->value, "true") == 0;
        hf_strbuf_printf(text, "%s%s", text->len > start ? ", " : "",
                         c->async ? "async" : "sync");
    }
    if ((o = opt(h, "output-mode"))) {
        c->unordered = strcasecmp(o->value, "allow_unordered") == 0;
        hf_strbuf_printf(text, "%soutput %s", text->len > start ? ", " : "",
                         c->unordered ? "allow_unordered" : "ordered");
    }
    if ((o = opt(h, "capacity"))) {
        n = strtoll(o->value, NULL, 10);
        int64_t r = (n + c->batch_size - 1) / c->batch_size;
        c->queue_size =
            (uint32_t)(r < 1                        ? 1
                       : r > HF_LOOKUP_MAX_INFLIGHT ? HF_LOOKUP_MAX_INFLIGHT
                                                    : r);
        hf_strbuf_printf(text, "%scapacity %" PRId64 " (%u requests)",
                         text->len > start ? ", " : "", n, c->queue_size);
    }
    if ((o = opt(h, "timeout")) && hf_parse_duration_ms(o->value, &n) == 0) {
        c->timeout_ms = n;
        hf_strbuf_printf(text, "%stimeout %" PRId64 " ms",
                         text->len > start ? ", " : "", n);
    }
    if ((o = opt(h, "max-attempts"))) {
        int64_t d = 0;
        hf_parse_duration_ms(opt(h, "fixed-delay")->value, &d);
        n = strtoll(o->value, NULL, 10);
        if (c->cache == HF_LCACHE_FULL) {
            hf_strbuf_printf(text, "%sno retry (FULL cache)",
                             text->len > start ? ", " : "");
        } else {
            c->retry_attempts = (uint32_t)n;
            c->retry_delay_ms = d;
            hf_strbuf_printf(text,
                             "%sretry on lookup_miss every %" PRId64
                             " ms, %" PRId64 " more attempt%s",
                             text->len > start ? ", " : "", d, n,
                             n == 1 ? "" : "s");
        }
    }
    hf_strbuf_putc(text, ')');
}

int hf_plan_lookup_hints_unused(struct qstate *qs, const struct hf_ast_query *q)
{
    for (uint32_t i = 0; i < q->nlookup_hints && i < MAX_HINTS; i++)
        if (!(qs->hints_used & (1u << i)))
            return hf_plan_err_at(
                qs->p, HF_ERR_SQL, q->lookup_hints[i].line,
                q->lookup_hints[i].col,
                "LOOKUP hint: 'table' = '%s' names no lookup table of this "
                "SELECT (the hint names the table of a JOIN ... FOR "
                "SYSTEM_TIME AS OF by its alias, or as FROM names it)",
                opt(&q->lookup_hints[i], "table")->value);
    return 0;
}
