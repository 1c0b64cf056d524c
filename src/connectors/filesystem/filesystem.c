/*
 * filesystem.c - the 'filesystem' source: rows from the records of local
 * files.
 *
 * As Flink's filesystem connector in batch reading: 'path' is a file or a
 * directory; a directory is read recursively (fs_scan.c: sorted, hidden
 * files skipped) and every file once, so the table is bounded. Each record
 * is decoded by the table's format (csv, json, debezium-json, ...). The
 * format says how records are framed (fs_reader.c, format.h): for most a
 * record is a line; a csv record goes on over a line break inside quotes
 * or after the escape character, as in Flink, whose csv reader parses the
 * file as one stream. Lines are decoded as they come, and a line that
 * fails is cut again by the format's framer before its error counts. Lines end
 * with "\n" or "\r\n", and the last one needs no newline; blank lines are
 * skipped. A record may be up to 'source.record.max-size' bytes (64 MiB by
 * default): a longer one, such as the rest of a file after a quote that is
 * never closed, fails the job naming the line it starts on, before more of the
 * file is read. Files whose name ends in ".gz" or ".gzip" are decompressed with
 * zlib, as Flink picks a decompressor by extension (bz2, xz and zst are
 * rejected with a clear message), through the checked reader of fs_gzip.c: a
 * truncated file, a bad trailer and trailing garbage are errors, concatenated
 * members are read in turn.
 *
 * Hive-style directories 'key=value' (values %XX-escaped) give the values of
 * the PARTITIONED BY columns, parsed as text of the column's type; the value
 * 'partition.default-name' (default __DEFAULT_PARTITION__) and a partition
 * missing from the path give NULL. Partition columns are not in the files:
 * the format reads the other physical columns. Metadata columns
 * 'file.path', 'file.name', 'file.size' and 'file.modification-time' are
 * filled as in Flink.
 *
 * A UTF-8 byte order mark (EF BB BF) at the very start of a file (of the
 * decompressed data for .gz) is dropped, as UTF-8 readers do, and as
 * Flink's csv format (Jackson's CSV bootstrapper, at the start of the
 * stream) and json formats (Jackson, at the start of every record) do; it
 * would otherwise become part of the first value or fail the first
 * record. A BOM anywhere else is data. The raw and avro formats take
 * records as bytes and keep it: Flink's raw format hands a line's bytes
 * over untouched.
 *
 * Partial input is never read silently. The scan fails on a directory
 * entry it cannot examine (fs_scan.c), and open() checks every listed file
 * before the first row is read: it must open, must not use an unsupported
 * compression, and a gzip file must decompress whole (it is decompressed
 * once more to read it, the price of knowing before the first row). So
 * these faults, even in the last file, fail the job before any row
 * reaches the sink. A file that changes between that check and its
 * reading fails when it is read, after the rows before the fault.
 *
 * Errors name the place: "dir/part-0.json:17: field 'price': ..." (the
 * format gives the part after the line number); for a record of several
 * lines, the line it starts on, its last line and the line of the error
 * ("a.csv:5: in the record on lines 5-9, at line 7: column 'price': ...").
 * Rows carry the line their record starts on. A record the format skips
 * (ignore-parse-errors) is counted in stats->skipped. Every batch holds rows
 * of one file only, so batch->src_name (borrowed from the file list, alive
 * until close) names it.
 *
 * @locality an instance is used by the source's own thread only.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "connectors/connector.h"
#include "conf/shard.h"
#include "connectors/filesystem/fs_int.h"
#include "core/log.h"
#include "core/valueconv.h"
#include "formats/format.h"

/* ------------------------------------------------------------------ options */

static const struct hf_opt_def fs_opts[] = {
    {.key = "path",
     .aliases = HF_ALIASES("connector.path"),
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_REQUIRED,
     .doc = "File or directory to read (a local path or file:// URI); "
            "directories are read recursively, skipping names that start "
            "with '.' or '_'. An entry or file that cannot be read fails "
            "the job before any row is read."},
    {.key = "format",
     .aliases = HF_ALIASES("format.type"),
     .type = HF_OPT_STRING,
     .flags = HF_OPTF_REQUIRED,
     .doc = "Format of the records: csv, json, debezium-json, canal-json, "
            "maxwell-json, ..."},
    {.key = "source.monitor-interval",
     .type = HF_OPT_DURATION,
     .doc = "Flink's continuous directory monitoring; not supported "
            "(holoflow reads the files present at start once)."},
    {.key = "partition.default-name",
     .type = HF_OPT_STRING,
     .def = "__DEFAULT_PARTITION__",
     .doc = "Partition directory value that stands for NULL."},
    {.key = "source.path-regex",
     .type = HF_OPT_STRING,
     .doc = "holoflow: read only the files whose full path matches this "
            "POSIX extended regular expression (unanchored: use ^ and $), "
            "tested once per file when the files are listed instead of a "
            "WHERE on the file.path metadata column for every row (holoflow "
            "sync's path wildcards). Unset: every file."},
    {.key = "source.reader-threads",
     .type = HF_OPT_INT,
     .def = "1",
     .flags = HF_OPTF_RANGE,
     .min = 1,
     .max = 64,
     .doc = "holoflow: threads reading and decoding files at once (each "
            "takes the next unread file), feeding the one stream of the "
            "source; rows of a file keep their order, files interleave. 1 "
            "(and a table with a WATERMARK) reads the files in order on the "
            "source's thread (holoflow sync's channel for file readers)."},
    {.key = "source.shard",
     .type = HF_OPT_STRING,
     .doc = "holoflow: 'I/N' reads only every N-th file (file k when k mod "
            "N = I, files in the order they are read: entries sorted by "
            "name, depth-first), so N processes given 0/N .. N-1/N read "
            "each file once (holoflow sync --shard). Unset: every file."},
    {.key = HF_FS_RECORD_MAX_KEY,
     .type = HF_OPT_MEMSIZE,
     .def = "64mb",
     .flags = HF_OPTF_RANGE,
     .min = 1024,
     .max = INT64_C(1) << 30,
     .doc = "holoflow: the longest record read (a line; for csv, all the "
            "lines of a record with line breaks in quotes). A longer one "
            "fails the job naming the line it starts on, and the quote left "
            "open if that is why, instead of reading on to the end of the "
            "file. 1kb to 1gb."},
    {.key = "source.compression",
     .type = HF_OPT_ENUM,
     .def = "auto",
     .values = HF_VALUES("auto", "gzip"),
     .doc = "holoflow: auto decompresses files whose name ends in .gz or "
            ".gzip; gzip reads every file as gzip, whatever its name "
            "(DataX's compress: gzip)."},
    {.key = "source.encoding",
     .type = HF_OPT_STRING,
     .doc = "holoflow: the character set of the files (an iconv name: GBK, "
            "GB18030, BIG5, ISO-8859-1, ...), converted to UTF-8 as they are "
            "read; a byte sequence that is not valid in it fails the job "
            "naming the file and line (DataX's encoding). Unset: UTF-8."},
    {.key = "source.skip-first-lines",
     .type = HF_OPT_INT,
     .def = "0",
     .flags = HF_OPTF_RANGE,
     .min = 0,
     .max = 1000000,
     .doc = "holoflow: lines skipped at the start of every file, before "
            "any record is read (a header line: DataX's skipHeader)."},
};

#define FS_CHUNK (256u * 1024u)

/* Metadata keys this connector provides. */
enum fs_meta {
    FS_META_PATH,
    FS_META_NAME,
    FS_META_SIZE,
    FS_META_MTIME,
    FS_META__N
};
static const char *const fs_meta_keys[FS_META__N] = {
    "file.path", "file.name", "file.size", "file.modification-time"};

struct fs_state {
    const struct hf_table_def *t;
    const struct hf_format *fmt;
    void *dec;
    const atomic_int *stopping;
    struct hf_table_stats *stats;
    const struct hf_run_ctx *ctx; /* for the split calls (event time) */
    struct hf_fs_files files;
    size_t next_file; /* index of the next file to open */
    size_t cur_file;  /* index of the open file */
    bool open;
    struct hf_fs_reader *r; /* records of the open file */
    char owner[320];        /* "filesystem table 'x'", for the reader */
    const char *default_name;
    bool skip_bom; /* the format reads text: drop a UTF-8 BOM (see top) */
    int64_t skip_lines, skip_left; /* source.skip-first-lines, per file */
    bool gzip_all;                 /* source.compression gzip */
    /* Partition columns: schema index and, for the open file, its value
     * (strings point into pbatch's arena). */
    uint32_t npart;
    const uint32_t *part;
    struct hf_batch *pbatch; /* one row: the current file's partition values */
    /* The partition values as copied into the batch being filled (strings
     * in its arena, once a batch: its rows share them); pcache_ok says
     * they are there. */
    struct hf_value *pcache;
    bool pcache_ok;
    /* Metadata columns: schema index and key. */
    uint32_t nmeta;
    uint32_t meta_col[8];
    enum fs_meta meta_key[8];
    struct hf_bad_input_log badlog; /* ignore-parse-errors: skips, NULLs */
    /* source.reader-threads above 1: worker states (`child`: sharing the
     * parent's file list and taking files from its counter `next_shared`)
     * run by the pool `par` (fs_parallel.c). */
    bool child;
    atomic_size_t *next_shared;
    atomic_size_t next_atomic;
    struct fs_state **kids;
    uint32_t nkids;
    struct hf_fs_par *par;
    /* Rows and bytes read since the stats were last told: added to them
     * once a batch, not once a row (the counters are shared by every
     * reader thread). */
    uint64_t pend_rows, pend_bytes;
};

/* ------------------------------------------------------------------ checks */

static const char *tname(const struct hf_table_def *t)
{
    return t->name ? t->name : "?";
}

static int meta_key_of(const struct hf_column *c)
{
    const char *key = c->meta_key ? c->meta_key : c->name;
    for (int i = 0; i < FS_META__N; i++) {
        if (strcmp(key, fs_meta_keys[i]) == 0)
            return i;
    }
    return -1;
}

static bool meta_type_ok(enum fs_meta m, const struct hf_type *t)
{
    switch (m) {
    case FS_META_PATH:
    case FS_META_NAME:
        return t->id == HF_VARCHAR || t->id == HF_CHAR;
    case FS_META_SIZE:
        return t->id == HF_BIGINT;
    default:
        return t->id == HF_TIMESTAMP_LTZ;
    }
}

static const char *const meta_type_names[FS_META__N] = {
    "STRING", "STRING", "BIGINT", "TIMESTAMP_LTZ(3)"};

static bool is_partition(const struct hf_schema *s, uint32_t col)
{
    for (uint32_t i = 0; i < s->npart; i++) {
        if (s->part[i] == col)
            return true;
    }
    return false;
}

static int fs_validate(const struct hf_table_def *t, struct hf_error *err)
{
    const char *path = hf_opts_str(&t->opts, "path", NULL);
    if (path == NULL || path[0] == '\0')
        return hf_error_set(err, HF_ERR_OPTION,
                            "filesystem table '%s': option 'path' is empty; "
                            "give a file or directory",
                            tname(t));
    if (hf_fs_local_path(path) == NULL)
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "filesystem table '%s': path '%s' is not a local "
                            "path; holoflow reads local files only (use a "
                            "plain path or file:///...)",
                            tname(t), path);
    if (hf_opts_isset(&t->opts, "source.monitor-interval", NULL))
        return hf_error_set(err, HF_ERR_UNSUPPORTED,
                            "filesystem table '%s': option "
                            "'source.monitor-interval' (continuous directory "
                            "monitoring) is not supported; holoflow reads the "
                            "files present at start once. Remove the option",
                            tname(t));
    const char *enc = hf_opts_str(&t->opts, "source.encoding", NULL);
    if (enc != NULL && !hf_fs_encoding_ok(enc))
        return hf_error_set(err, HF_ERR_OPTION,
                            "filesystem table '%s': option 'source.encoding' "
                            "= '%s' is not a character set iconv converts "
                            "to UTF-8",
                            tname(t), enc);
    const char *re = hf_opts_str(&t->opts, "source.path-regex", NULL);
    if (re != NULL) {
        regex_t rx;
        int rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[256];
            regerror(rc, &rx, msg, sizeof msg);
            return hf_error_set(err, HF_ERR_OPTION,
                                "filesystem table '%s': option "
                                "'source.path-regex' = '%s': %s",
                                tname(t), re, msg);
        }
        regfree(&rx);
    }
    uint32_t si, sn;
    const char *shard = hf_opts_str(&t->opts, "source.shard", NULL);
    if (hf_shard_parse(shard, &si, &sn) != 0)
        return hf_error_set(err, HF_ERR_OPTION,
                            "filesystem table '%s': option 'source.shard' = "
                            "'%s' is not I/N with 0 <= I < N <= %d",
                            tname(t), shard, HF_SHARD_MAX);
    if (t->format == NULL)
        return hf_error_set(err, HF_ERR_OPTION,
                            "filesystem table '%s' needs a format: add "
                            "'format' = 'csv' (or json, ...)",
                            tname(t));
    const struct hf_schema *s = &t->schema;
    for (uint32_t i = 0; i < s->npart; i++) {
        const struct hf_column *c = &s->cols[s->part[i]];
        if (hf_type_is_nested(c->type.id)) {
            char tb[128];
            return hf_error_set(err, HF_ERR_TYPE,
                                "filesystem table '%s': partition column '%s' "
                                "has type %s; partition values must be scalar",
                                tname(t), c->name,
                                hf_type_name(&c->type, tb, sizeof tb));
        }
    }
    uint32_t nmeta = 0;
    for (uint32_t i = 0; i < s->ncols; i++) {
        const struct hf_column *c = &s->cols[i];
        if (c->kind != HF_COL_METADATA)
            continue;
        int m = meta_key_of(c);
        if (m < 0)
            return hf_error_set(err, HF_ERR_OPTION,
                                "filesystem table '%s': column '%s' reads "
                                "metadata '%s', which the filesystem "
                                "connector does not have; valid keys: "
                                "file.path, file.name, file.size, "
                                "file.modification-time",
                                tname(t), c->name,
                                c->meta_key ? c->meta_key : c->name);
        if (!meta_type_ok((enum fs_meta)m, &c->type)) {
            char tb[64];
            return hf_error_set(err, HF_ERR_TYPE,
                                "filesystem table '%s': metadata column '%s' "
                                "('%s') is declared %s; declare it %s",
                                tname(t), c->name, fs_meta_keys[m],
                                hf_type_name(&c->type, tb, sizeof tb),
                                meta_type_names[m]);
        }
        if (++nmeta > 8)
            return hf_error_set(err, HF_ERR_OPTION,
                                "filesystem table '%s': too many metadata "
                                "columns (at most 8)",
                                tname(t));
    }
    return 0;
}

static bool fs_bounded(const struct hf_table_def *t)
{
    (void)t;
    return true;
}

/* ------------------------------------------------------------------ lines */

/* Formats whose records are bytes, not UTF-8 text: a file's first bytes
 * are data even when they look like a BOM. */
static bool keeps_bytes(const struct hf_format *f)
{
    return f != NULL &&
           (strcmp(f->name, "raw") == 0 || strcmp(f->name, "avro") == 0);
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcasecmp(s + n - m, suf) == 0;
}

/* The name of the unsupported compression `path` has by its extension, or
 * NULL. */
static const char *unsupported_compression(const char *path)
{
    static const char *const unsupported[] = {".bz2", ".xz", ".zst",
                                              ".deflate"};
    for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++) {
        if (has_suffix(path, unsupported[i]))
            return unsupported[i] + 1;
    }
    return NULL;
}

static int unsupported_error(const struct fs_state *s, const char *path,
                             const char *comp, struct hf_error *err)
{
    return hf_error_set(err, HF_ERR_UNSUPPORTED,
                        "filesystem table '%s': file '%s' is compressed with "
                        "%s, which holoflow cannot read; decompress it or use "
                        "gzip (.gz)",
                        tname(s->t), path, comp);
}

static bool is_gzip_name(const char *path)
{
    return has_suffix(path, ".gz") || has_suffix(path, ".gzip");
}

/* Read through gzip: by name, or every file (source.compression gzip). */
#define is_gzip(path) (s->gzip_all || is_gzip_name(path))

static int reader_open(struct fs_state *s, const char *path,
                       struct hf_error *err)
{
    const char *comp = unsupported_compression(path);
    if (comp != NULL)
        return unsupported_error(s, path, comp, err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hf_error_set(err, HF_ERR_IO,
                            "filesystem table '%s': cannot open '%s': %s",
                            tname(s->t), path, strerror(errno));
    return hf_fs_reader_open(s->r, fd, is_gzip(path), path, err);
}

static bool fs_stopping(const struct fs_state *s)
{
    return s->stopping != NULL && atomic_load(s->stopping) != 0;
}

/* Decompress the gzip file open on `fd` (taken) to its end into
 * `scratch` and throw the bytes away: 0 when it is whole (or when the job
 * is stopping: nothing will be read then). */
static int check_gzip(const struct fs_state *s, int fd, const char *path,
                      char *scratch, struct hf_error *err)
{
    struct hf_fs_gz *g = hf_fs_gz_new(fd, path, err);
    if (g == NULL)
        return -1;
    ssize_t n;
    do {
        n = hf_fs_gz_read(g, scratch, FS_CHUNK, err);
    } while (n > 0 && !fs_stopping(s));
    hf_fs_gz_destroy(g);
    return n < 0 ? -1 : 0;
}

/* Before the first row: every listed file must be one holoflow can read
 * whole, so that a fault late in the list fails the job before rows of the
 * earlier files reach the sink. */
static int check_files(struct fs_state *s, struct hf_error *err)
{
    char *scratch = NULL;
    int rc = 0;
    for (size_t i = 0; i < s->files.n && rc == 0 && !fs_stopping(s); i++) {
        const char *path = s->files.v[i].path;
        const char *comp = unsupported_compression(path);
        if (comp != NULL) {
            rc = unsupported_error(s, path, comp, err);
            break;
        }
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            rc = hf_error_set(err, HF_ERR_IO,
                              "filesystem table '%s': cannot open '%s': %s",
                              tname(s->t), path, strerror(errno));
            break;
        }
        if (!is_gzip(path)) {
            close(fd);
            continue;
        }
        if (scratch == NULL && (scratch = malloc(FS_CHUNK)) == NULL) {
            close(fd);
            rc = hf_error_set(err, HF_ERR_NOMEM, "filesystem: out of memory");
            break;
        }
        rc = check_gzip(s, fd, path, scratch, err);
        if (rc != 0)
            hf_error_prefix(err, "filesystem table '%s': ", tname(s->t));
    }
    free(scratch);
    return rc;
}

/* ------------------------------------------------------------------ partitions
 */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Hive's unescapePathName: "%3A" -> ':'. Writes at most n bytes to out and
 * returns the length. */
static size_t unescape(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
            hexval(s[i + 2]) >= 0) {
            out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    return o;
}

/* Parse the partition values of file `f` into row 0 of s->pbatch. */
static int load_partitions(struct fs_state *s, const struct hf_fs_file *f,
                           struct hf_error *err)
{
    if (s->npart == 0)
        return 0;
    const struct hf_schema *sc = &s->t->schema;
    s->pcache_ok = false;
    hf_batch_reset(s->pbatch);
    struct hf_value *row = hf_batch_add_row(s->pbatch, HF_ROW_INSERT, -1);
    if (row == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "filesystem: out of memory");

    /* Directory components of the path below the root. */
    const char *rel = f->path + f->rel_off;
    const char *slash_last = strrchr(rel, '/');
    if (slash_last == NULL)
        return 0; /* file directly in the root: every partition is NULL */
    const char *p = rel;
    while (p < slash_last) {
        const char *end = memchr(p, '/', (size_t)(slash_last - p));
        if (end == NULL)
            end = slash_last;
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (eq != NULL && eq > p) {
            char key[256], val[1024];
            size_t kl = (size_t)(eq - p), vl = (size_t)(end - eq - 1);
            if (kl < sizeof key && vl < sizeof val) {
                kl = unescape(p, kl, key);
                key[kl] = '\0';
                vl = unescape(eq + 1, vl, val);
                val[vl] = '\0';
                for (uint32_t i = 0; i < s->npart; i++) {
                    const struct hf_column *c = &sc->cols[s->part[i]];
                    if (strcasecmp(c->name, key) != 0)
                        continue;
                    struct hf_value *v = &row[i];
                    if (strcmp(val, s->default_name) == 0) {
                        v->null = true;
                        continue;
                    }
                    if (hf_value_from_text(&c->type, val, vl, ';', s->pbatch, v,
                                           err) != 0) {
                        hf_error_prefix(
                            err, "%.*s: partition column '%s' = '%s': ",
                            (int)(end - f->path), f->path, c->name, val);
                        return -1;
                    }
                }
            }
        }
        p = end + 1;
    }
    return 0;
}

/* The partition values of the open file for the rows of `out`: strings
 * copied into its arena the first time for this batch (s->pcache_ok is
 * cleared for each batch and each file), shared by its rows after. NULL
 * on out of memory. */
static const struct hf_value *part_values(struct fs_state *s,
                                          struct hf_batch *out)
{
    if (s->pcache_ok)
        return s->pcache;
    const struct hf_value *pv = hf_batch_row(s->pbatch, 0);
    for (uint32_t i = 0; i < s->npart; i++) {
        const struct hf_value *v = &pv[i];
        struct hf_value *dst = &s->pcache[i];
        enum hf_type_id id = s->t->schema.cols[s->part[i]].type.id;
        *dst = *v;
        if (!v->null && (hf_type_is_string(id) || id == HF_BYTES) &&
            hf_value_set_str(out, dst, v->v.s.ptr, v->v.s.len) != 0)
            return NULL;
    }
    s->pcache_ok = true;
    return s->pcache;
}

/* Copy the partition values and metadata into rows [from, to) of `out`. */
static int fill_extra(struct fs_state *s, struct hf_batch *out, uint32_t from,
                      uint32_t to, struct hf_error *err)
{
    const struct hf_fs_file *f = &s->files.v[s->cur_file];
    const struct hf_value *pv = NULL;
    if (s->npart > 0 && (pv = part_values(s, out)) == NULL)
        goto nomem;
    const char *base = NULL;
    for (uint32_t r = from; r < to; r++) {
        struct hf_value *row = hf_batch_row(out, r);
        for (uint32_t i = 0; i < s->npart; i++)
            row[s->part[i]] = pv[i];
        for (uint32_t i = 0; i < s->nmeta; i++) {
            struct hf_value *dst = &row[s->meta_col[i]];
            switch (s->meta_key[i]) {
            case FS_META_PATH:
                if (hf_value_set_str(out, dst, f->path, strlen(f->path)) != 0)
                    goto nomem;
                break;
            case FS_META_NAME:
                if (base == NULL) {
                    base = strrchr(f->path, '/');
                    base = base ? base + 1 : f->path;
                }
                if (hf_value_set_str(out, dst, base, strlen(base)) != 0)
                    goto nomem;
                break;
            case FS_META_SIZE:
                dst->null = false;
                dst->v.i = f->size;
                break;
            default:
                dst->null = false;
                dst->v.i = f->mtime_us - f->mtime_us % 1000; /* precision 3 */
                break;
            }
        }
    }
    return 0;
nomem:
    return hf_error_set(err, HF_ERR_NOMEM, "filesystem: out of memory");
}

/* Log a record the format skipped (ignore-parse-errors) with its line. */
static void log_skipped(struct fs_state *s, const char *path, int64_t line,
                        const char *why)
{
    char where[1100];
    snprintf(where, sizeof where, "%s:%" PRId64, path, line);
    hf_bad_input_log(&s->badlog, tname(s->t), where, "record skipped", why);
}

/* Count and log the fields the format set to NULL in the record whose rows
 * are [from, out->nrows) (ignore-parse-errors, format.h); the record's line
 * is its first row's origin. */
static void count_nulled(struct fs_state *s, const char *path,
                         const struct hf_batch *out, uint32_t from)
{
    const char *why;
    uint32_t n = hf_format_nulled(s->fmt, s->dec, &why);
    if (n == 0)
        return;
    if (s->stats != NULL)
        atomic_fetch_add(&s->stats->nulled, n);
    char where[1100], what[64];
    snprintf(where, sizeof where, "%s:%" PRId64, path,
             from < out->nrows ? out->origin[from] : (int64_t)-1);
    snprintf(what, sizeof what, "%" PRIu32 " field%s set to NULL", n,
             n == 1 ? "" : "s");
    hf_bad_input_log(&s->badlog, tname(s->t), where, what, why);
}

/* ------------------------------------------------------------------ source */

static void fs_close(void *state);
static int fs_read(void *state, struct hf_batch *out, struct hf_error *err);

/* Bytes of the first n files (for the progress line; bytes_in is exact
 * at each file's end), or 0 when one of them is compressed: its size says
 * nothing of the bytes its records make. */
static int64_t files_bytes(const struct fs_state *s, size_t n)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_gzip(s->files.v[i].path))
            return 0;
        sum += s->files.v[i].size;
    }
    return sum;
}

/* source.path-regex: keep the files whose path matches (validated). */
static void match_files(struct fs_state *s)
{
    const char *re = hf_opts_str(&s->t->opts, "source.path-regex", NULL);
    regex_t rx;
    if (re == NULL || regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
        return;
    size_t kept = 0;
    for (size_t k = 0; k < s->files.n; k++) {
        if (regexec(&rx, s->files.v[k].path, 0, NULL, 0) == 0)
            s->files.v[kept++] = s->files.v[k];
        else
            free(s->files.v[k].path);
    }
    regfree(&rx);
    s->files.n = kept;
}

/* source.shard I/N: keep the files k with k mod N = I (validated). */
static void shard_files(struct fs_state *s)
{
    uint32_t si, sn;
    if (hf_shard_parse(hf_opts_str(&s->t->opts, "source.shard", NULL), &si,
                       &sn) != 0 ||
        sn <= 1)
        return;
    size_t kept = 0;
    for (size_t k = 0; k < s->files.n; k++) {
        if (hf_shard_owns(k, si, sn))
            s->files.v[kept++] = s->files.v[k];
        else
            free(s->files.v[k].path);
    }
    hf_log_info("filesystem table '%s': shard %u/%u reads %zu of %zu files",
                tname(s->t), si, sn, kept, s->files.n);
    s->files.n = kept;
}

/* The reading state of `s` (decoder, record reader, partition and
 * metadata columns): everything but the file list. 0, or -1 with err. */
static int fs_init(struct fs_state *s, const struct hf_table_def *t,
                   const struct hf_run_ctx *ctx, struct hf_error *err)
{
    uint32_t *cols = NULL;
    s->t = t;
    s->fmt = t->format;
    s->skip_bom = !keeps_bytes(t->format);
    s->stopping = ctx ? ctx->stopping : NULL;
    s->stats = ctx ? ctx->stats : NULL;
    s->ctx = ctx;
    s->skip_lines = hf_opts_int(&t->opts, "source.skip-first-lines", NULL);
    {
        const char *comp = hf_opts_str(&t->opts, "source.compression", NULL);
        s->gzip_all = comp != NULL && strcmp(comp, "gzip") == 0;
    }
    s->default_name = hf_opts_str(&t->opts, "partition.default-name", NULL);
    if (s->default_name == NULL)
        s->default_name = "__DEFAULT_PARTITION__";

    const struct hf_schema *sc = &t->schema;
    s->npart = sc->npart;
    s->part = sc->part;
    if (s->npart > 0) {
        s->pbatch = hf_batch_new(s->npart, 1);
        s->pcache = calloc(s->npart, sizeof *s->pcache);
        if (s->pbatch == NULL || s->pcache == NULL)
            goto nomem;
    }
    for (uint32_t i = 0; i < sc->ncols; i++) {
        if (sc->cols[i].kind != HF_COL_METADATA)
            continue;
        s->meta_col[s->nmeta] = i;
        s->meta_key[s->nmeta] = (enum fs_meta)meta_key_of(&sc->cols[i]);
        s->nmeta++;
    }

    /* The format reads the physical columns that are not partitions. */
    cols = calloc(sc->ncols ? sc->ncols : 1, sizeof *cols);
    if (cols == NULL)
        goto nomem;
    uint32_t ncols = 0;
    for (uint32_t i = 0; i < sc->ncols; i++) {
        if (sc->cols[i].kind == HF_COL_PHYSICAL && !is_partition(sc, i))
            cols[ncols++] = i;
    }
    if (s->fmt->decoder_new(sc, cols, ncols, &t->format_opts, &s->dec, err) !=
        0) {
        hf_error_prefix(err, "filesystem table '%s': ", tname(t));
        goto fail;
    }
    free(cols);
    cols = NULL;
    snprintf(s->owner, sizeof s->owner, "filesystem table '%s'", tname(t));
    struct hf_fs_reader_conf rc = {
        .chunk = FS_CHUNK,
        .max_record = (size_t)hf_opts_int(&t->opts, HF_FS_RECORD_MAX_KEY, NULL),
        .skip_bom = s->skip_bom,
        .encoding = hf_opts_str(&t->opts, "source.encoding", NULL),
        .fmt = s->fmt,
        .dec = s->dec,
        .owner = s->owner};
    s->r = hf_fs_reader_new(&rc, err);
    if (s->r == NULL)
        return -1;
    return 0;

nomem:
    hf_error_set(err, HF_ERR_NOMEM, "filesystem: out of memory");
fail:
    free(cols);
    return -1;
}

/* source.reader-threads: worker states over the parent's list and the
 * pool that runs them. 0, or -1 with err. */
static int fs_start_parallel(struct fs_state *s, const struct hf_run_ctx *ctx,
                             struct hf_error *err)
{
    int64_t want = hf_opts_int(&s->t->opts, "source.reader-threads", NULL);
    if (want <= 1 || s->files.n <= 1 || s->t->watermark != NULL)
        return 0;
    uint32_t n = (uint32_t)(want < (int64_t)s->files.n ? want
                                                         : (int64_t)s->files.n);
    s->kids = calloc(n, sizeof *s->kids);
    if (s->kids == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "filesystem: out of memory");
    atomic_init(&s->next_atomic, 0);
    for (uint32_t k = 0; k < n; k++) {
        struct fs_state *c = calloc(1, sizeof *c);
        if (c == NULL)
            return hf_error_set(err, HF_ERR_NOMEM,
                                "filesystem: out of memory");
        s->kids[s->nkids++] = c;
        c->child = true;
        if (fs_init(c, s->t, ctx, err) != 0)
            return -1;
        c->ctx = NULL; /* no split calls: no WATERMARK here */
        c->files = s->files; /* shared, owned by the parent */
        c->next_shared = &s->next_atomic;
    }
    s->par = hf_fs_par_new(n, (void **)s->kids, fs_read, s->stopping);
    if (s->par == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "filesystem: out of memory");
    hf_log_info("filesystem table '%s': %u reader threads over %zu files",
                tname(s->t), n, s->files.n);
    return 0;
}

static int fs_open(const struct hf_table_def *t, const struct hf_run_ctx *ctx,
                   void **state, struct hf_error *err)
{
    if (fs_validate(t, err) != 0)
        return -1;
    struct fs_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "filesystem: out of memory");
    if (fs_init(s, t, ctx, err) != 0)
        goto fail;

    const char *path = hf_fs_local_path(hf_opts_str(&t->opts, "path", NULL));
    if (hf_fs_scan(path, &s->files, err) != 0) {
        hf_error_prefix(err, "table '%s': ", tname(t));
        goto fail;
    }
    match_files(s);
    shard_files(s);
    if (check_files(s, err) != 0)
        goto fail;
    if (s->stats != NULL) { /* progress: the sizes, unless compressed */
        atomic_store(&s->stats->total_bytes, files_bytes(s, s->files.n));
        atomic_store(&s->stats->splits_total, (int64_t)s->files.n);
    }
    if (fs_start_parallel(s, ctx, err) != 0)
        goto fail;
    *state = s;
    return 0;

fail:
    fs_close(s);
    return -1;
}

/* Add the rows and bytes counted while filling a batch to the stats. */
static void flush_counts(struct fs_state *s)
{
    if (s->stats != NULL) {
        if (s->pend_rows)
            atomic_fetch_add(&s->stats->rows_in, s->pend_rows);
        if (s->pend_bytes)
            atomic_fetch_add(&s->stats->bytes_in, s->pend_bytes);
    }
    s->pend_rows = 0;
    s->pend_bytes = 0;
}

static int fs_fill(struct fs_state *s, struct hf_batch *out,
                   struct hf_error *err);

static int fs_read(void *state, struct hf_batch *out, struct hf_error *err)
{
    struct fs_state *s = state;
    if (s->par != NULL)
        return hf_fs_par_read(s->par, out, err);
    s->pcache_ok = false; /* a new batch */
    int rc = fs_fill(s, out, err);
    flush_counts(s);
    return rc;
}

/* fs_read() without the pool: fill `out` from the files. */
static int fs_fill(struct fs_state *s, struct hf_batch *out,
                   struct hf_error *err)
{
    for (;;) {
        if (fs_stopping(s))
            return 0;
        if (!s->open) {
            if (s->next_shared != NULL) {
                size_t k = atomic_fetch_add(s->next_shared, 1);
                if (k >= s->files.n)
                    return 0;
                s->cur_file = k;
            } else {
                if (s->next_file >= s->files.n)
                    return 0;
                s->cur_file = s->next_file++;
            }
            const struct hf_fs_file *f = &s->files.v[s->cur_file];
            if (reader_open(s, f->path, err) != 0) {
                hf_fs_reader_close(s->r);
                return -1;
            }
            s->open = true;
            s->skip_left = s->skip_lines;
            if (load_partitions(s, f, err) != 0)
                return -1;
        }
        const char *path = s->files.v[s->cur_file].path;
        out->src_name = path;
        out->src_part = (int32_t)s->cur_file;

        while (!hf_batch_full(out)) {
            const char *line;
            size_t len;
            int rc = hf_fs_reader_next(s->r, &line, &len, err);
            if (rc < 0)
                return -1;
            if (rc == 0) {
                hf_fs_reader_close(s->r);
                s->open = false;
                if (s->stats != NULL && !s->child &&
                    files_bytes(s, s->cur_file + 1) > 0) {
                    /* exact: the bytes counted so far are in it */
                    s->pend_bytes = 0;
                    atomic_store(&s->stats->bytes_in,
                                 (uint64_t)files_bytes(s, s->cur_file + 1));
                }
                if (s->stats != NULL)
                    atomic_fetch_add(&s->stats->splits_done, 1);
                /* A read file no longer holds the watermark back. */
                if (s->ctx && s->ctx->split_finished)
                    s->ctx->split_finished(s->ctx, (int32_t)s->cur_file);
                break;
            }
            if (s->skip_left > 0) { /* a header line */
                s->skip_left--;
                continue;
            }
            if (len == 0)
                continue; /* blank line */
            uint32_t before = out->nrows;
            /* the line the record starts on: a record cut again starts
             * there too */
            int64_t first = hf_fs_reader_line(s->r);
            int n = s->fmt->decode(s->dec, line, len, first, out, err);
            if ((n < 0 || n == HF_DECODE_SKIP) && s->fmt->frame != NULL) {
                /* Maybe the line is only the start of a record that goes
                 * on (see fs_reader.c): cut it again, and decode the whole
                 * record if so; its error replaces the line's. */
                while (out->nrows > before)
                    hf_batch_drop_last(out);
                struct hf_error ferr;
                hf_error_clear(&ferr);
                int fr = hf_fs_reader_reframe(s->r, &line, &len, &ferr);
                if (fr < 0) {
                    hf_error_clear(err);
                    *err = ferr;
                    return -1;
                }
                if (fr > 0) {
                    hf_error_clear(err);
                    n = s->fmt->decode(s->dec, line, len, first, out, err);
                }
            }
            s->pend_rows++;
            s->pend_bytes += len + 1;
            if (n == HF_DECODE_SKIP) {
                while (out->nrows > before)
                    hf_batch_drop_last(out);
                if (s->stats != NULL)
                    atomic_fetch_add(&s->stats->skipped, 1);
                log_skipped(s, path, first, err->msg);
                char bw[1100];
                snprintf(bw, sizeof bw, "%s:%" PRId64 ": %s", path, first,
                         err->msg);
                hf_error_clear(err);
                if (s->stats != NULL &&
                    hf_dirty_budget_add(s->stats, bw, err) != 0)
                    return -1;
                continue;
            }
            if (n < 0) {
                while (out->nrows > before)
                    hf_batch_drop_last(out);
                hf_fs_reader_locate(s->r,
                                    s->fmt->error_offset != NULL
                                        ? s->fmt->error_offset(s->dec)
                                        : SIZE_MAX,
                                    err);
                return -1;
            }
            if (fill_extra(s, out, before, out->nrows, err) != 0)
                return -1;
            count_nulled(s, path, out, before);
        }
        if (out->nrows > 0)
            return 1;
    }
}

static void fs_close(void *state)
{
    struct fs_state *s = state;
    if (s == NULL)
        return;
    hf_fs_par_destroy(s->par); /* joins the workers first */
    for (uint32_t k = 0; k < s->nkids; k++)
        fs_close(s->kids[k]);
    free(s->kids);
    hf_fs_reader_destroy(s->r);
    if (s->dec != NULL && s->fmt != NULL)
        s->fmt->decoder_free(s->dec);
    hf_batch_destroy(s->pbatch);
    free(s->pcache);
    if (!s->child)
        hf_fs_files_free(&s->files);
    free(s);
}

const struct hf_connector hf_connector_filesystem = {
    .name = "filesystem",
    .summary = "Reads the records of local files (lines; csv records may "
               "span lines) through a format, optionally gzip, "
               "Hive-partitioned directories",
    .opts = fs_opts,
    .nopts = sizeof fs_opts / sizeof fs_opts[0],
    .caps = HF_CONN_SOURCE | HF_CONN_COUNTS_BYTES,
    .value_format_key = "format",
    .validate = fs_validate,
    .bounded = fs_bounded,
    .source_open = fs_open,
    .source_read = fs_read,
    .source_close = fs_close,
};
