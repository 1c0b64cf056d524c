/*
 * state_rocksdb.c - the on-disk state backend (state.backend.type =
 * rocksdb). Not built yet: opening it is refused by name.
 */
#include "state/state_int.h"

int hf_state_rocksdb_backend_open(struct hf_state_backend *b,
                                  struct hf_error *err)
{
    (void)b;
    return hf_error_set(err, HF_ERR_UNSUPPORTED,
                        "state.backend.type 'rocksdb' is not available in "
                        "this build; use 'hashmap'");
}

void hf_state_rocksdb_backend_close(struct hf_state_backend *b)
{
    (void)b;
}

int hf_state_rocksdb_init(struct hf_state *s, struct hf_error *err)
{
    (void)s;
    return hf_error_set(err, HF_ERR_UNSUPPORTED,
                        "state.backend.type 'rocksdb' is not available");
}
