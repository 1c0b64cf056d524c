/*
 * limit.h - the limit operator's planned parameters: LIMIT n OFFSET m of a
 * query in batch mode (limit.c).
 */
#ifndef HF_OPS_LIMIT_H
#define HF_OPS_LIMIT_H

#include <stdint.h>

struct hf_limit_spec {
    int64_t offset; /* rows skipped first */
    int64_t limit;  /* rows passed on after them; INT64_MAX = no limit */
};

#endif
