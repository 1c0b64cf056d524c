/*
 * progress.h - the progress line of a running job (progress.c): on a
 * terminal one line updated in place, in logs a line every interval.
 *
 * @locality start/stop: the job's thread; the line is written from the
 * progress thread.
 */
#ifndef HF_METRICS_PROGRESS_H
#define HF_METRICS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/strbuf.h"

struct hf_job;
struct hf_runtime;
struct hf_progress;

/* Start showing progress of job/rt (borrowed; must outlive it) on out:
 * tty = rewrite one line twice a second, else log a line every
 * interval_ms. NULL when out of memory (the job runs without). */
struct hf_progress *hf_progress_start(struct hf_job *job, struct hf_runtime *rt,
                                      int64_t interval_ms, bool tty, FILE *out);
/* Stop and clear the terminal line; NULL is a no-op. */
void hf_progress_stop(struct hf_progress *p);

/* Appends the line's text ("N rows written, R rows/s, read X of Y, P%,
 * ETA h:mm:ss, splits S/T, D dirty rows"; parts only when known); rows_written (may
 * be NULL) gets the rows written by every sink. */
void hf_progress_line(struct hf_job *job, struct hf_runtime *rt,
                      double elapsed_s, double rate, struct hf_strbuf *out,
                      uint64_t *rows_written);

#endif
