/*
 * unavailable.c - connectors that are known by name but not in this build.
 *
 * Each is a connector struct with no options, no callbacks and an
 * `unavailable` reason; the planner rejects a table using one with
 * "connector 'X' is not available in this build: <reason>". When a connector
 * lands, its definition moves to its own folder and its entry here goes away
 * (registry.c keeps the same line).
 */
#include "connectors/connector.h"
