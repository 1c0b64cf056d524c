/*
 * holo_lookup.h - the hologres connector as a lookup table
 * (holo_lookup.c): the callbacks hologres.c puts in its connector struct.
 */
#ifndef HF_HOLO_LOOKUP_H
#define HF_HOLO_LOOKUP_H

#include "connectors/connector.h"
#include "connectors/hologres/holo_config.h"

/* Requests in flight at most (HF_LOOKUP_MAX_INFLIGHT of the operator). */
#define HOLO_LOOKUP_RING 64

int holo_lookup_open(const struct hf_table_def *t,
                     const struct hf_lookup_open_args *a, void **state,
                     struct hf_error *err);
/* The same with a configuration made by the caller (the jdbc connector's
 * jdbc_holo_config): `cfg` is taken over (zeroed here), also on failure. */
int holo_lookup_open_cfg(const struct hf_table_def *t,
                         const struct hf_lookup_open_args *a,
                         struct holo_config *cfg, void **state,
                         struct hf_error *err);
int holo_lookup_send(void *state, const struct hf_value *keys, uint32_t n,
                     struct hf_error *err);
long holo_lookup_recv(void *state, struct hf_batch *out, struct hf_error *err);
int holo_lookup_scan(void *state,
                     int (*each)(void *arg, struct hf_batch *rows,
                                 struct hf_error *err),
                     void *arg, struct hf_error *err);
void holo_lookup_close(void *state);

#endif
