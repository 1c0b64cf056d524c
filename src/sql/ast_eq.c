/* hf_ast_eq: structural equality of parsed expressions (see ast_eq.h),
 * the one notion of "the same expression" for GROUP BY keys. */
#include "sql/ast_eq.h"

#include <string.h>
#include <strings.h>

#include "core/types.h"

static bool str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

bool hf_ast_eq(const struct hf_ast_expr *a, const struct hf_ast_expr *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (a == b)
        return true;
    if (a->kind != b->kind || a->op != b->op || a->is != b->is ||
        a->negated != b->negated || a->try_cast != b->try_cast ||
        a->b != b->b || a->distinct != b->distinct || a->trim != b->trim ||
        a->has_operand != b->has_operand || a->has_else != b->has_else ||
        a->nargs != b->nargs)
        return false;
    if (a->kind == HF_AST_FUNC || a->kind == HF_AST_SYMBOL) {
        if (a->text == NULL || b->text == NULL ||
            strcasecmp(a->text, b->text) != 0)
            return false;
    } else if (!str_eq(a->text, b->text)) {
        return false;
    }
    if ((a->kind == HF_AST_CAST || a->kind == HF_AST_TYPED_LIT) &&
        !hf_type_equal(&a->type, &b->type))
        return false;
    if (!hf_ast_eq(a->filter, b->filter))
        return false;
    for (uint32_t i = 0; i < a->nargs; i++)
        if (!hf_ast_eq(a->args[i], b->args[i]))
            return false;
    return true;
}
