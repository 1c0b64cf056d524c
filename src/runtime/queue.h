/*
 * queue.h - a bounded blocking queue of pointers between two threads.
 *
 * The pipe between a source thread and its sink thread, and the free list
 * that returns batches to the source. Capacity is fixed at creation, so a
 * slow consumer blocks its producer (back-pressure) instead of letting memory
 * grow. hf_queue_abort() wakes every waiter and makes all later calls fail,
 * which is how a failing thread stops its peer.
 *
 * @locality any thread; one mutex per queue.
 */
#ifndef HF_RUNTIME_QUEUE_H
#define HF_RUNTIME_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct hf_queue {
    pthread_mutex_t lock;
    pthread_cond_t not_empty;
    pthread_cond_t not_full;
    void **items;
    size_t cap, head, count;
    bool aborted;
};

int hf_queue_init(struct hf_queue *q, size_t cap);
void hf_queue_destroy(struct hf_queue *q);
/* Block until there is room; false if aborted. */
bool hf_queue_push(struct hf_queue *q, void *item);
/* Block until an item arrives or `timeout_ms` passes (-1 = forever). Returns
 * the item, or NULL on timeout or abort (check hf_queue_aborted). */
void *hf_queue_pop(struct hf_queue *q, int timeout_ms);
void hf_queue_abort(struct hf_queue *q);
bool hf_queue_aborted(struct hf_queue *q);

#endif
