/*
 * functions.h - the table of Flink's built-in functions that holoflow
 * knows: the one place that says which names exist, how many arguments
 * each takes, what it returns, what it does and an example with its
 * result.
 *
 * The table drives the binder (name lookup, argument counts, the
 * did-you-mean of an unknown name), the refusal of functions holoflow
 * does not have (by name, with the reason), docs/functions.md (written by
 * `holoflow options --write-docs`, checked by tests/docs_drift.sh) and the
 * unit test that evaluates every example and requires a test case for
 * every function. Entries of kind SYNTAX are operators and special forms
 * (BETWEEN, CASE, CAST, INTERVAL ...): documented and tested like the
 * rest, but not callable by name.
 */
#ifndef HF_SQL_FUNCTIONS_H
#define HF_SQL_FUNCTIONS_H

#include <stddef.h>

#include "core/strbuf.h"

enum hf_fn_kind {
    HF_FNK_CALL,   /* NAME(args) */
    HF_FNK_SYNTAX, /* an operator or special form: documented only */
    HF_FNK_REFUSED /* a Flink name holoflow refuses; `doc` says why */
};

struct hf_fn_info {
    const char *name; /* upper-case, as called (or the operator) */
    int fn;           /* enum hf_xfn (expr_int.h) */
    int min, max;     /* argument counts; max -1 = any */
    enum hf_fn_kind kind;
    const char *group;   /* section of the docs */
    const char *syntax;  /* "ROUND(numeric [, int])" */
    const char *returns; /* the type rule */
    const char *doc;     /* one line: what it does, NULL handling */
    const char *example; /* a constant expression, or NULL */
    const char *result;  /* the example's result as text ("NULL" for
                            NULL); NULL when it is not deterministic */
};

extern const struct hf_fn_info hf_fn_table[];
extern const size_t hf_fn_count;

/* The CALL or REFUSED entry named `name` (upper-case), or NULL. Borrowed. */
const struct hf_fn_info *hf_fn_lookup(const char *name);

/* The callable name nearest to `name` (edit distance at most 2, case
 * ignored), or NULL. */
const char *hf_fn_suggest(const char *name);

/* Append docs/functions.md to `out`. */
void hf_fn_doc_markdown(struct hf_strbuf *out);

#endif
