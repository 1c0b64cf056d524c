/*
 * failpoint.h - named fault-injection points for tests.
 *
 * A failpoint is a place in the code where a test may make something go
 * wrong that a real server or network can do but not on cue: a connection
 * that breaks right after COMMIT was sent, say. Production code asks
 * hf_failpoint("name") at that place and, when it returns true, behaves as
 * if the fault had happened (the caller does the damage for real, e.g.
 * shuts the socket down), so everything after it runs the ordinary
 * recovery path against the real server.
 *
 * Failpoints are armed only by the environment variable HF_FAILPOINTS,
 * read once: a comma-separated list of NAME=N, each firing on the Nth time
 * its point is reached (counted per process) and never again; NAME alone
 * means NAME=1. Unarmed, a failpoint costs a pthread_once check and one
 * relaxed atomic load. The names in use are listed in docs/decisions.md
 * (section "Failpoints").
 *
 * @locality any thread; the counters are atomic.
 */
#ifndef HF_CORE_FAILPOINT_H
#define HF_CORE_FAILPOINT_H

#include <stdbool.h>

/* True exactly once: the Nth time the point `name` (a static string) is
 * reached, when HF_FAILPOINTS arms it with NAME=N. */
bool hf_failpoint(const char *name);

#endif
