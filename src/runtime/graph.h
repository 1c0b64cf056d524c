/*
 * graph.h - the operator graph of a job: what the planner builds and the
 * runtime runs.
 *
 * A job is one directed acyclic graph. Source nodes read a table, operator
 * nodes (calc, union; later aggregates, joins, lookup joins) transform
 * rows, sink nodes write a table. Every node lists its inputs by node id,
 * in input order, and the ids are the nodes' positions in the graph, each
 * node after all of its inputs (the planner adds a node only once its
 * inputs exist), so the array order is a topological order.
 *
 * A table read by several INSERTs of one job is one source node with
 * several consumers (Flink's table.optimizer.reuse-source-enabled), so its
 * reader, its Kafka consumer group and its checkpoints exist once. Every
 * INSERT ends in its own sink node, which carries what the INSERT said
 * about the sink (its column list, the value types the query bounds).
 *
 * Ownership: the graph owns its nodes, their input arrays, the sink
 * nodes' per-column arrays and every operator's spec (freed through its
 * class); tables are borrowed from the job.
 *
 * @locality built by the planner on one thread, then read-only.
 */
#ifndef HF_RUNTIME_GRAPH_H
#define HF_RUNTIME_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include "connectors/connector.h"
#include "core/strbuf.h"
#include "core/types.h"

struct hf_op_class; /* ops/op.h */

enum hf_node_kind { HF_NODE_SOURCE, HF_NODE_OP, HF_NODE_SINK };

struct hf_node {
    uint32_t id; /* index in hf_graph.nodes; explain prints n<id+1> */
    enum hf_node_kind kind;
    uint32_t *inputs; /* ninputs node ids, in input order */
    uint32_t ninputs;
    /* The rows this node emits (sources: the table's columns; operators:
     * their output; sinks: the sink table's columns). Borrowed from a
     * table or the operator's spec; valid as long as the graph. */
    const struct hf_schema *schema;
    /* SOURCE and SINK: the table (borrowed from hf_job.tables). */
    struct hf_table_def *table;
    /* OP: the operator's class and its planned parameters (owned). */
    const struct hf_op_class *op;
    void *spec;
    /* The schema this node owns (an operator whose output columns are
     * neither a table's nor its spec's: a union, a query's projection);
     * `schema` then points to it. Freed with the graph. */
    struct hf_schema *own_schema;
    /* OP with route_key (a keyed operator): why it runs as one instance
     * whatever parallelism.default says (a static string), or NULL. */
    const char *single;
    /* The script line of the INSERT this sink ends, or of the first
     * INSERT reading this source; 0 for operators. */
    int line;
    /* SINK: what the INSERT said about the sink table. */
    bool *written;               /* INSERT INTO t (cols): the listed sink
                                    columns; NULL when there was no list */
    struct hf_type *value_types; /* per sink column, the type that bounds
                                    the values written there
                                    (hf_expr_value_bound) */
    /* SOURCE: what the planner pushed down into the source (owned: the
     * `used` array, the filter conjuncts and the struct), or NULL. */
    struct hf_scan_hints *scan;
};

struct hf_graph {
    struct hf_node *nodes;
    uint32_t nnodes, cap;
};

/* Append a node of `kind` whose inputs are the `ninputs` ids in `inputs`
 * (copied; each must be an existing node). Returns the new node (valid
 * until the next add) or NULL on out of memory. The caller fills the
 * kind's fields; the graph owns `spec` (and written/value_types) from the
 * moment they are set. */
struct hf_node *hf_graph_add(struct hf_graph *g, enum hf_node_kind kind,
                             const uint32_t *inputs, uint32_t ninputs);

/* The first source node reading `t`, or NULL. */
struct hf_node *hf_graph_find_source(struct hf_graph *g,
                                     const struct hf_table_def *t);

/* How many nodes take node `id` as an input (counting each input slot). */
uint32_t hf_graph_consumers(const struct hf_graph *g, uint32_t id);

/* Source nodes upstream of node `id`, in id order: `out` (room for
 * g->nnodes) receives their ids; returns how many. */
uint32_t hf_graph_sources_of(const struct hf_graph *g, uint32_t id,
                             uint32_t *out);

/* The sink nodes, counted and numbered in graph order (the INSERTs in
 * script order): the `i`-th sink node, or NULL. */
uint32_t hf_graph_nsinks(const struct hf_graph *g);
const struct hf_node *hf_graph_sink(const struct hf_graph *g, uint32_t i);

/* "graph:" and one line per node: "  n<id> <kind>: <details> <- <inputs>"
 * (details: a table and its connector and format, an operator's own text).
 * Appends to `out`. */
void hf_graph_explain(const struct hf_graph *g, struct hf_strbuf *out);

/* Free push-down hints and what they own (NULL: nothing). */
void hf_scan_hints_free(struct hf_scan_hints *h);

/* Free every node and what it owns. The graph may be reused after. */
void hf_graph_free(struct hf_graph *g);

#endif
