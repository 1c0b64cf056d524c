/*
 * envsubst.h - ${NAME} in WITH option values, from the environment.
 *
 * Job files can then name endpoints and secrets without containing them:
 * 'password' = '${PGPASSWORD}'. Only option values are expanded (never a
 * query), `$${` stands for a literal `${`, and an unset variable is an
 * error rather than an empty string, so a typo cannot connect somewhere
 * unintended.
 */
#ifndef HF_SQL_ENVSUBST_H
#define HF_SQL_ENVSUBST_H

#include <stddef.h>

/* Returns a new string (caller frees) with every ${NAME} replaced, or NULL
 * with the reason in `why` (unset variable, unterminated ${, bad name, out
 * of memory). */
char *hf_env_expand(const char *in, char *why, size_t whylen);

#endif
