/*
 * union.c - the union operator (UNION ALL): every batch of every input is
 * emitted as it is, in the order the inputs deliver them.
 *
 * Its inputs have the node's columns, in the same order and of the same
 * types (the planner casts each branch before the union). It keeps no
 * state and copies nothing: the input batch itself is passed on
 * (HF_OP_PASSTHROUGH). Having several inputs it heads a task of its own,
 * where the runtime aligns checkpoint barriers across the inputs; when it
 * feeds one sink, that sink runs in the same task (runtime.c).
 */
#include <stdlib.h>

#include "ops/op.h"

static void union_explain(const struct hf_node *n, struct hf_strbuf *out)
{
    hf_strbuf_printf(out, "all of %u inputs", n->ninputs);
}

static void union_free_spec(void *spec)
{
    (void)spec; /* none */
}

static int union_open(const struct hf_op_env *env, void **state,
                      struct hf_error *err)
{
    (void)env, (void)err;
    *state = NULL;
    return 0;
}

static int union_process(void *state, uint32_t input, struct hf_rbuf *in,
                         struct hf_op_out *out, struct hf_error *err)
{
    (void)state, (void)input;
    return out->emit(out, in, err);
}

static void union_close(void *state)
{
    (void)state;
}

const struct hf_op_class hf_op_union = {
    .name = "union",
    .flags = HF_OP_PASSTHROUGH,
    .explain = union_explain,
    .free_spec = union_free_spec,
    .open = union_open,
    .process = union_process,
    .close = union_close,
};
