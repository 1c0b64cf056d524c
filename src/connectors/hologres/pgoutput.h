/*
 * pgoutput.h - decoding of PostgreSQL's logical replication stream: the
 * CopyData envelope of START_REPLICATION (XLogData 'w', primary keepalive
 * 'k'), the standby status update we send back ('r'), and the messages of
 * the built-in `pgoutput` plugin (Begin, Commit, Origin, Relation, Type,
 * Insert, Update, Delete, Truncate, Message), plus the PostgreSQL text
 * output of column values (what pgoutput's 't' tuple data and a plain
 * SELECT return) into holoflow values.
 *
 * Pure functions over byte buffers, no libpq: the CDC source (holo_cdc.c)
 * feeds it what PQgetCopyData returned; the unit tests feed it hand-built
 * messages. Layouts follow the protocol documentation (integers
 * big-endian, strings NUL-terminated); every length is checked against the
 * buffer, so a truncated or malformed message is an error, never a read
 * past the end. Streamed in-progress transactions and two-phase messages
 * are refused: the source starts replication with streaming and two_phase
 * off, so whole committed transactions arrive between Begin and Commit.
 *
 * @locality one decoder per replication connection; not thread-safe.
 */
#ifndef HF_HOLO_PGOUTPUT_H
#define HF_HOLO_PGOUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "core/batch.h"
#include "core/error.h"
#include "core/types.h"

/* PostgreSQL epoch (2000-01-01) minus Unix epoch, in microseconds. */
#define PGO_EPOCH_OFFSET_US INT64_C(946684800000000)

/* One CopyData message of the replication stream. */
struct pgo_copydata {
    char kind; /* 'w' XLogData, 'k' keepalive */
    uint64_t wal_start; /* 'w': LSN of the payload */
    uint64_t wal_end;   /* server's current end of WAL */
    int64_t send_time;  /* µs since 2000-01-01 */
    int reply_requested; /* 'k': 1 = answer now */
    const uint8_t *payload; /* 'w': the pgoutput message (borrowed) */
    size_t payload_len;
};

/* 0, or -1 with err (unknown kind, short message). `out` borrows `buf`. */
int pgo_parse_copydata(const uint8_t *buf, size_t len, struct pgo_copydata *out,
                       struct hf_error *err);

/* A standby status update ('r', 34 bytes) into out: written, flushed and
 * applied positions, the client clock (µs since 2000-01-01) and whether
 * the server should reply at once. Returns the length (34). */
#define PGO_STATUS_LEN 34
size_t pgo_build_status(uint8_t out[PGO_STATUS_LEN], uint64_t written,
                        uint64_t flushed, uint64_t applied, int64_t now_pg,
                        int reply);

/* LSN as PostgreSQL writes it ("16/B374D848") into buf (>= 20 bytes), and
 * back: 0, or -1 when `s` is not of that form. */
void pgo_lsn_format(uint64_t lsn, char *buf, size_t n);
int pgo_lsn_parse(const char *s, uint64_t *lsn);

/* One column of a tuple: kind 'n' NULL, 'u' unchanged TOASTed value (no
 * data), 't' text, 'b' binary; data borrows the message. */
struct pgo_col {
    char kind;
    uint32_t len;
    const char *data;
};

struct pgo_tuple {
    uint16_t ncols;
    struct pgo_col *cols; /* the decoder's storage, valid until next decode */
};

/* A column of a Relation message; name borrows the message. */
struct pgo_relcol {
    const char *name;
    uint32_t type_oid;
    int32_t typmod;
    int key; /* part of the replica identity */
};

struct pgo_msg {
    char type; /* 'B' 'C' 'O' 'R' 'Y' 'I' 'U' 'D' 'T' 'M' */
    union {
        struct {
            uint64_t final_lsn;
            int64_t commit_time; /* µs since 2000-01-01 */
            uint32_t xid;
        } begin;
        struct {
            uint8_t flags;
            uint64_t commit_lsn;
            uint64_t end_lsn; /* the resume point after this transaction */
            int64_t commit_time;
        } commit;
        struct {
            uint64_t lsn;
            const char *name;
        } origin;
        struct {
            uint32_t oid;
            const char *nspname; /* "" means pg_catalog */
            const char *relname;
            char ident; /* 'd' default, 'n' nothing, 'f' full, 'i' index */
            uint16_t ncols;
            struct pgo_relcol *cols; /* decoder storage */
        } rel;
        struct {
            uint32_t oid;
            const char *nspname;
            const char *name;
        } type;
        struct {
            uint32_t oid;
            char old_kind; /* 0 none, 'K' key only, 'O' whole old row */
            struct pgo_tuple oldt;
            struct pgo_tuple newt; /* Delete: none (ncols 0) */
        } change; /* 'I' 'U' 'D' */
        struct {
            uint32_t nrels;
            uint8_t flags; /* 1 CASCADE, 2 RESTART IDENTITY */
            const uint8_t *oids; /* nrels big-endian uint32 (borrowed) */
        } trunc;
        struct {
            uint8_t flags;
            uint64_t lsn;
            const char *prefix;
            uint32_t len;
            const uint8_t *content;
        } message;
    } u;
};

/* Decoder storage for tuples and relation columns, grown as messages need
 * (never per value). Zero-initialise; pgo_decoder_free releases. */
struct pgo_decoder {
    struct pgo_col *cols;
    size_t ncols_cap;
    struct pgo_relcol *rcols;
    size_t nrcols_cap;
};

/* Decode one pgoutput message (the payload of 'w'). `m` borrows `p` and
 * the decoder's storage until the next call. 0, or -1 with err. */
int pgo_decode(struct pgo_decoder *d, const uint8_t *p, size_t n,
               struct pgo_msg *m, struct hf_error *err);
void pgo_decoder_free(struct pgo_decoder *d);

/* Truncate: the i-th relation OID. */
uint32_t pgo_trunc_oid(const struct pgo_msg *m, uint32_t i);

/* A value in PostgreSQL's text output format (pgoutput 't' data, a text
 * SELECT result) as a value of type `t`: booleans 't'/'f', bytea in hex
 * ("\x0a0b") or escape form, timestamptz with its zone offset, arrays as
 * "{1,2,NULL,"a b"}" (nested for ROW/multi-dimensional is refused),
 * everything else as holoflow's own text parse (hf_value_from_text).
 * Strings go into `b`'s arena. 0, or -1 with err naming the type. */
int pgo_text_to_value(const struct hf_type *t, const char *s, size_t len,
                      struct hf_batch *b, struct hf_value *out,
                      struct hf_error *err);

#endif
