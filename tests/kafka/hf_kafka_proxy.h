/*
 * hf_kafka_proxy.h - a Kafka protocol proxy in front of librdkafka's mock
 * brokers, for `hf_kafka_mock -T`.
 *
 * librdkafka's mock broker (2.0) answers every ListOffsets query by
 * timestamp with "no such message" (-1), so a client's offsets_for_times
 * always says "past the end". With -T the printed bootstrap address is a
 * proxy in the mock's process, one listening port per mock broker, which
 * passes every request and response through unchanged except:
 *   - Metadata and FindCoordinator responses: each broker's port is
 *     replaced by its proxy port, so clients keep talking through the
 *     proxy;
 *   - ListOffsets requests that ask for a timestamp T >= 0: answered here,
 *     per partition, as a Kafka broker does: the earliest offset whose
 *     message timestamp is >= T and that timestamp, or -1/-1 when there is
 *     none. The proxy finds it by reading the partition from its first
 *     offset with a consumer of its own (tests keep topics small).
 * Those three APIs are capped at versions without tagged fields so the
 * proxy can parse them. The local answer may overtake responses still in
 * flight on the same connection; librdkafka matches responses by
 * correlation id, so that is fine for librdkafka clients (holoflow, kcat).
 *
 * @locality one thread: the caller of hf_kproxy_serve().
 */
#ifndef HF_KAFKA_PROXY_H
#define HF_KAFKA_PROXY_H

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

struct hf_kproxy;

/* Listen in front of every broker of `mc` (borrowed; it must outlive the
 * proxy). Returns the proxy (owned by the caller: hf_kproxy_stop), or NULL
 * when a port cannot be opened. */
struct hf_kproxy *hf_kproxy_start(rd_kafka_mock_cluster_t *mc);

/* The proxy's bootstrap address ("127.0.0.1:PORT,..."), borrowed. */
const char *hf_kproxy_bootstraps(const struct hf_kproxy *px);

/* Serve connections for up to `ms` milliseconds; with `in_fd` >= 0 also
 * watch it. Returns 1 when `in_fd` reached its end, else 0. */
int hf_kproxy_serve(struct hf_kproxy *px, int ms, int in_fd);

/* Close every connection and free the proxy; NULL is a no-op. */
void hf_kproxy_stop(struct hf_kproxy *px);

#endif
