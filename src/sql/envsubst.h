/*
 * envsubst.h - ${NAME} and ${secret_values.NAME} in WITH option values.
 *
 * Job files can then name endpoints and secrets without containing them:
 * 'password' = '${PGPASSWORD}'. Only option values are expanded (never a
 * query), `$${` stands for a literal `${`, and an unset variable is an
 * error rather than an empty string, so a typo cannot connect somewhere
 * unintended.
 *
 * ${secret_values.NAME} is Ververica Platform's spelling of a secret,
 * which jobs written for it carry. holoflow reads it from the environment
 * variable NAME; when NAME is not a name a shell can export (Ververica
 * allows '-' and '.'), from NAME with every character other than a letter,
 * digit or '_' written as '_' (${secret_values.holo-pw} reads holo-pw, else
 * holo_pw). The value is registered with the secret scrubber
 * (hf_secret_register) as soon as it is read, and the option value built
 * from it is marked secret, so neither appears in any log line, error or
 * explain output, whatever the option.
 */
#ifndef HF_SQL_ENVSUBST_H
#define HF_SQL_ENVSUBST_H

#include <stdbool.h>
#include <stddef.h>

/* Returns a new string (caller frees) with every ${NAME} and
 * ${secret_values.NAME} replaced, or NULL with the reason in `why` (unset
 * variable or secret, unterminated ${, bad name, out of memory). When
 * `secret` is not NULL it is set to whether a secret went into the
 * result. */
char *hf_env_expand_ex(const char *in, bool *secret, char *why, size_t whylen);

/* hf_env_expand_ex without telling whether a secret was used. */
char *hf_env_expand(const char *in, char *why, size_t whylen);

#endif
