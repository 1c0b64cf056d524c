/*
 * main.c - the holoflow command: run | check | explain | sync | options.
 *
 * Exit codes: 0 success; 1 the job failed at run time; 2 usage, SQL or
 * option error (nothing ran); 130/143 stopped by SIGINT/SIGTERM after a
 * clean flush. Logs go to stderr (text, or JSON lines with
 * --log-format json); rows printed by the print connector go to stdout.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "holoflow.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

static const char usage_main[] =
    "usage: holoflow <command> [arguments]\n"
    "\n"
    "Runs Flink SQL connector jobs (CREATE TABLE ... WITH (...), INSERT INTO\n"
    "... SELECT ...) without a Flink cluster.\n"
    "\n"
    "commands:\n"
    "  run JOB.sql       run a job until its sources end or it is stopped\n"
    "  check JOB.sql     parse and validate a job (options, types); connects "
    "nowhere\n"
    "  explain JOB.sql   print the plan with resolved options (secrets "
    "redacted)\n"
    "  sync JOB.json     run a DataX / DataWorks batch-sync job file\n"
    "  options [NAME]    list connectors and formats, or one's options\n"
    "\n"
    "global options:\n"
    "  --log-format text|json   log line format on stderr (default text)\n"
    "  --log-level error|warn|info|debug   (default info)\n"
    "  --version, -V            print the version\n"
    "  --help, -h               this help; 'holoflow help COMMAND' for more\n"
    "\n"
    "exit codes: 0 ok, 1 job failed, 2 usage/SQL/option error, 130/143 "
    "stopped by SIGINT/SIGTERM\n";

static const char usage_run[] =
    "usage: holoflow run JOB.sql [--set KEY=VALUE]... [--metrics-port PORT]\n"
    "                    [--progress-interval SECONDS] [--summary-json FILE]\n"
    "\n"
    "Plans and runs the job. --set applies a configuration key after the\n"
    "script's own SET statements (e.g. --set execution.runtime-mode=batch).\n"
    "SIGINT/SIGTERM stop it cleanly: sinks flush, then exit 130/143.\n"
    "--metrics-port PORT (or a range 9250-9260) serves /metrics\n"
    "(Prometheus), the REST API (/jobs/overview) and a dashboard at /\n"
    "(the same as --set metrics.reporter.prom.port=PORT).\n"
    "Progress: on a terminal one line updates in place (rows, rows/s,\n"
    "bytes read, percent and ETA when known, dirty rows); otherwise a line\n"
    "is logged every --progress-interval SECONDS (default 10; batch jobs,\n"
    "or any job when given; 0 = none). --summary-json FILE writes the\n"
    "final summary as JSON.\n"
    "A summary (rows per table, skipped and dirty rows, rows/s) goes to "
    "stderr.\n";

static const char usage_check[] =
    "usage: holoflow check JOB.sql [--set KEY=VALUE]...\n"
    "\n"
    "Parses the script, resolves every option against its table and checks\n"
    "column types of each INSERT. Connects nowhere. Exit 0 when valid,\n"
    "2 with file:line:col otherwise.\n";

static const char usage_explain[] =
    "usage: holoflow explain JOB.sql [--set KEY=VALUE]...\n"
    "\n"
    "Prints the plan: tables with their connectors, formats and resolved\n"
    "options (defaults marked, secrets as ******), and for each INSERT its\n"
    "source, filter, projections and sink.\n";

static const char usage_sync[] =
    "usage: holoflow sync JOB.json [-p NAME=VALUE]... [--print-sql]\n"
    "                     [--report-json FILE] [--progress-interval SECONDS]\n"
    "                     [--shard I/N] [--log-level LEVEL]\n"
    "       holoflow sync --create-table [--apply] JOB.json [-p ...]\n"
    "       holoflow sync --preview [--preview-rows N] JOB.json [-p ...]\n"
    "\n"
    "Runs a DataX job file (job.setting, job.content[].reader/writer) or a\n"
    "DataWorks version 2.0 script (steps, setting) on the engine of\n"
    "'holoflow run': file readers (txtfilereader, hdfsreader, ossreader on\n"
    "local paths), postgresqlreader, holo, streamreader; writers\n"
    "hologresjdbcwriter, holo, postgresqlwriter. The load is all or\n"
    "nothing (one transaction; into a partitioned table over several\n"
    "connections, staging tables attached in one final transaction): a\n"
    "failed, stopped or killed sync leaves the table as it was, and\n"
    "--resume runs it again unless it already committed (docs/sync.md).\n"
    "\n"
    "  -p NAME=VALUE       value of ${NAME} in the job file (DataX -p\"-D..\")\n"
    "  --print-sql         print the equivalent 'holoflow run' SQL job and\n"
    "                      exit (reads the target's columns, writes nothing)\n"
    "  --report-json FILE  also write the end-of-job report as JSON\n"
    "  --create-table      print the CREATE TABLE of the writer's table from\n"
    "                      the reader's columns and exit; with --apply also\n"
    "                      run it on the writer's database\n"
    "  --preview           print the first rows (--preview-rows N, default\n"
    "                      10) as the writer would get them; writes nothing\n"
    "  --progress-interval SECONDS  without a terminal, log a progress line\n"
    "                      this often (default 10; 0 = none); on a terminal\n"
    "                      one line is updated in place\n"
    "  --resume            skip the load when it already committed (its\n"
    "                      record in holoflow_load_records is committed with\n"
    "                      the rows), else run it whole: after a failure,\n"
    "                      stop or kill -9 it never writes a row twice\n"
    "  --shard I/N         this process takes every N-th split (files, a\n"
    "                      table's children or page ranges), I from 0: run\n"
    "                      N processes 0/N .. N-1/N for the whole job; each\n"
    "                      shard is its own transaction (truncate, preSql\n"
    "                      and postSql are refused)\n";

static const char usage_options[] =
    "usage: holoflow options [NAME] [--markdown]\n"
    "       holoflow options --write-docs DIR\n"
    "\n"
    "Without NAME lists every connector and format. With NAME (a connector,\n"
    "a format, or 'job' for SET keys) lists its options with type, default,\n"
    "allowed values, aliases and a description. --write-docs regenerates\n"
    "DIR/connectors/*.md and DIR/formats/*.md from the option tables.\n";

struct args {
    const char *cmd;
    const char *file;
    const char *sets[256];
    size_t nsets;
    const char *name;
    const char *write_docs;
    const char *params[256];
    size_t nparams;
    const char *report_json;
    const char *shard; /* sync --shard I/N */
    int print_sql;
    int resume;
    int create_table;
    int apply;
    int preview;
    long preview_rows;
    int markdown;
    int help;
};

static int usage_error(const char *msg, const char *usage)
{
    fprintf(stderr, "holoflow: %s\n\n%s", msg, usage);
    return EXIT_USAGE;
}

static const char *usage_for(const char *cmd)
{
    if (cmd == NULL)
        return usage_main;
    if (strcmp(cmd, "run") == 0)
        return usage_run;
    if (strcmp(cmd, "check") == 0)
        return usage_check;
    if (strcmp(cmd, "explain") == 0)
        return usage_explain;
    if (strcmp(cmd, "options") == 0)
        return usage_options;
    if (strcmp(cmd, "sync") == 0)
        return usage_sync;
    return NULL;
}

/* Parse argv into `a`; returns 0, or an exit code. */
static int parse_args(int argc, char **argv, struct args *a)
{
    hf_log_level_t level = HF_LOG_INFO;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *val = NULL;
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            a->help = 1;
        } else if (strcmp(s, "--version") == 0 || strcmp(s, "-V") == 0) {
            printf("holoflow %s\n", hf_version());
            exit(0);
        } else if (strcmp(s, "--markdown") == 0) {
            a->markdown = 1;
        } else if (strcmp(s, "--print-sql") == 0) {
            a->print_sql = 1;
        } else if (strcmp(s, "--create-table") == 0) {
            a->create_table = 1;
        } else if (strcmp(s, "--apply") == 0) {
            a->apply = 1;
        } else if (strcmp(s, "--preview") == 0) {
            a->preview = 1;
        } else if (strcmp(s, "--preview-rows") == 0) {
            char *end = NULL;
            if (i + 1 >= argc)
                return usage_error("missing value after an option",
                                   usage_sync);
            a->preview_rows = strtol(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || a->preview_rows < 1 ||
                a->preview_rows > 1000000)
                return usage_error("--preview-rows takes a number from 1 to "
                                   "1000000",
                                   usage_sync);
        } else if (strcmp(s, "--resume") == 0) {
            a->resume = 1;
        } else if (strcmp(s, "--shard") == 0) {
            if (i + 1 >= argc)
                return usage_error("missing value after an option",
                                   usage_sync);
            a->shard = argv[++i];
        } else if (strcmp(s, "--report-json") == 0 || strcmp(s, "-p") == 0 ||
                   (strncmp(s, "-p", 2) == 0 && s[2] != '\0')) {
            if (strncmp(s, "-p", 2) == 0 && s[2] != '\0') {
                val = s + 2;
            } else {
                if (i + 1 >= argc)
                    return usage_error("missing value after an option",
                                       usage_sync);
                val = argv[++i];
            }
            if (strcmp(s, "--report-json") == 0) {
                a->report_json = val;
            } else {
                /* DataX spells it -p"-Dname=value", several in one
                 * argument separated by blanks: -p"-Da=1 -Db=2" */
                if (strncmp(val, "-D", 2) == 0) {
                    char *copy = strdup(val); /* kept for the run */
                    if (copy == NULL)
                        return usage_error("out of memory", usage_sync);
                    for (char *tok = strtok(copy, " \t"); tok;
                         tok = strtok(NULL, " \t")) {
                        if (strncmp(tok, "-D", 2) == 0)
                            tok += 2;
                        if (strchr(tok, '=') == NULL)
                            return usage_error("-p takes NAME=VALUE",
                                               usage_sync);
                        if (a->nparams ==
                            sizeof a->params / sizeof a->params[0])
                            return usage_error("too many -p options",
                                               usage_sync);
                        a->params[a->nparams++] = tok;
                    }
                    continue;
                }
                if (strchr(val, '=') == NULL)
                    return usage_error("-p takes NAME=VALUE", usage_sync);
                if (a->nparams == sizeof a->params / sizeof a->params[0])
                    return usage_error("too many -p options", usage_sync);
                a->params[a->nparams++] = val;
            }
        } else if (strcmp(s, "--set") == 0 || strcmp(s, "--log-format") == 0 ||
                   strcmp(s, "--log-level") == 0 ||
                   strcmp(s, "--write-docs") == 0 ||
                   strcmp(s, "--metrics-port") == 0 ||
                   strcmp(s, "--progress-interval") == 0 ||
                   strcmp(s, "--summary-json") == 0) {
            if (i + 1 >= argc)
                return usage_error("missing value after an option",
                                   usage_for(a->cmd) ? usage_for(a->cmd)
                                                     : usage_main);
            val = argv[++i];
            if (strcmp(s, "--metrics-port") == 0 ||
                strcmp(s, "--progress-interval") == 0 ||
                strcmp(s, "--summary-json") == 0) {
                /* shorthands of job options: --set KEY=VALUE */
                static char buf[3][4200];
                int k = s[2] == 'm' ? 0 : s[2] == 'p' ? 1 : 2;
                const char *key = k == 0   ? "metrics.reporter.prom.port"
                                  : k == 1 ? "holoflow.progress.interval"
                                           : "holoflow.summary.json";
                /* a bare number of seconds, as the help says */
                bool secs = k == 1 && val[0] != '\0' &&
                            strspn(val, "0123456789") == strlen(val);
                snprintf(buf[k], sizeof buf[k], "%s=%s%s", key, val,
                         secs ? " s" : "");
                if (a->nsets == sizeof a->sets / sizeof a->sets[0])
                    return usage_error("too many --set options", usage_run);
                a->sets[a->nsets++] = buf[k];
            } else if (strcmp(s, "--set") == 0) {
                if (strchr(val, '=') == NULL)
                    return usage_error("--set takes KEY=VALUE", usage_run);
                if (a->nsets == sizeof a->sets / sizeof a->sets[0])
                    return usage_error("too many --set options", usage_run);
                a->sets[a->nsets++] = val;
            } else if (strcmp(s, "--log-format") == 0) {
                if (strcmp(val, "json") == 0)
                    json = 1;
                else if (strcmp(val, "text") != 0)
                    return usage_error("--log-format is text or json",
                                       usage_main);
            } else if (strcmp(s, "--log-level") == 0) {
                static const char *const names[] = {"error", "warn", "info",
                                                    "debug"};
                int found = -1;
                for (int l = 0; l < 4; l++)
                    if (strcasecmp(val, names[l]) == 0)
                        found = l;
                if (found < 0)
                    return usage_error(
                        "--log-level is error, warn, info or debug",
                        usage_main);
                level = (hf_log_level_t)found;
            } else {
                a->write_docs = val;
            }
        } else if (s[0] == '-' && s[1] != '\0') {
            char msg[256];
            snprintf(msg, sizeof msg, "unknown option '%s'", s);
            return usage_error(msg, usage_for(a->cmd) ? usage_for(a->cmd)
                                                      : usage_main);
        } else if (a->cmd == NULL) {
            a->cmd = s;
        } else if (a->file == NULL && a->name == NULL) {
            if (strcmp(a->cmd, "options") == 0 || strcmp(a->cmd, "help") == 0)
                a->name = s;
            else
                a->file = s;
        } else {
            char msg[256];
            snprintf(msg, sizeof msg, "unexpected argument '%s'", s);
            return usage_error(msg, usage_for(a->cmd) ? usage_for(a->cmd)
                                                      : usage_main);
        }
    }
    hf_log_configure(level, json);
    return 0;
}

static hf_job_t *load(const struct args *a)
{
    char errstr[8192];
    hf_err_t code;
    hf_job_t *job = hf_job_load(a->file, a->sets, a->nsets, &code, errstr,
                                sizeof errstr);
    if (job == NULL)
        fprintf(stderr, "%s\n", errstr);
    return job;
}

static int cmd_run(const struct args *a)
{
    hf_job_t *job = load(a);
    if (job == NULL)
        return EXIT_USAGE;
    char errstr[8192];
    hf_err_t rc = hf_job_run(job, 1, errstr, sizeof errstr);
    int sig = hf_job_stop_signal(job);
    hf_job_destroy(job);
    if (rc == HF_ERR_INTERRUPTED)
        return 128 + sig;
    if (rc != HF_OK) {
        fprintf(stderr, "holoflow: job failed: %s\n", errstr);
        return EXIT_RUNTIME;
    }
    return 0;
}

static int cmd_sync(const struct args *a)
{
    char errstr[8192];
    hf_err_t code;
    if (a->print_sql + a->create_table + a->preview > 1)
        return usage_error("--print-sql, --create-table and --preview go "
                           "one at a time",
                           usage_sync);
    if (a->apply && !a->create_table)
        return usage_error("--apply goes with --create-table", usage_sync);
    if (a->preview_rows && !a->preview)
        return usage_error("--preview-rows goes with --preview", usage_sync);
    if (a->create_table) {
        char *sql = hf_sync_create_table(a->file, a->params, a->nparams,
                                         a->apply, &code, errstr,
                                         sizeof errstr);
        if (sql == NULL) {
            fprintf(stderr, "holoflow: %s\n", errstr);
            return code == HF_ERR_CONNECT || code == HF_ERR_SERVER
                       ? EXIT_RUNTIME
                       : EXIT_USAGE;
        }
        fputs(sql, stdout);
        free(sql);
        return 0;
    }
    unsigned si = 0, sn = 1;
    if (a->shard) {
        char *e1, *e2;
        unsigned long i = strtoul(a->shard, &e1, 10);
        unsigned long n = *e1 == '/' ? strtoul(e1 + 1, &e2, 10) : 0;
        if (e1 == a->shard || *e1 != '/' || e2 == e1 + 1 || *e2 != '\0' ||
            n < 1 || i >= n || n > 4096)
            return usage_error("--shard takes I/N with 0 <= I < N <= 4096 "
                               "(e.g. --shard 0/2)",
                               usage_sync);
        si = (unsigned)i;
        sn = (unsigned)n;
    }
    hf_sync_t *s = hf_sync_load_shard(a->file, a->params, a->nparams, si, sn,
                                      &code, errstr, sizeof errstr);
    if (s == NULL) {
        fprintf(stderr, "holoflow: %s\n", errstr);
        return code == HF_ERR_CONNECT || code == HF_ERR_SERVER ? EXIT_RUNTIME
                                                               : EXIT_USAGE;
    }
    if (a->print_sql) {
        fputs(hf_sync_sql(s), stdout);
        hf_sync_destroy(s);
        return 0;
    }
    if (a->preview) {
        hf_err_t prc = hf_sync_preview(
            s, a->preview_rows ? (size_t)a->preview_rows : 10, stdout, errstr,
            sizeof errstr);
        hf_sync_destroy(s);
        if (prc == HF_ERR_INTERRUPTED)
            return 130;
        if (prc != HF_OK) {
            fprintf(stderr, "holoflow: preview failed: %s\n", errstr);
            return EXIT_RUNTIME;
        }
        return 0;
    }
    hf_sync_set_options(s, a->sets, a->nsets);
    hf_sync_set_resume(s, a->resume);
    hf_err_t rc = hf_sync_run(s, a->report_json, errstr, sizeof errstr);
    hf_sync_destroy(s);
    if (rc == HF_ERR_INTERRUPTED)
        return 130;
    if (rc != HF_OK) {
        fprintf(stderr, "holoflow: sync failed: %s\n", errstr);
        return EXIT_RUNTIME;
    }
    return 0;
}

static int cmd_check(const struct args *a)
{
    hf_job_t *job = load(a);
    if (job == NULL)
        return EXIT_USAGE;
    hf_job_destroy(job);
    fprintf(stderr, "%s: ok\n", a->file);
    return 0;
}

static int cmd_explain(const struct args *a)
{
    hf_job_t *job = load(a);
    if (job == NULL)
        return EXIT_USAGE;
    hf_job_explain(job, stdout);
    hf_job_destroy(job);
    return 0;
}

int main(int argc, char **argv)
{
    struct args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc;
    if (a.cmd == NULL) {
        fputs(usage_main, a.help ? stdout : stderr);
        return a.help ? 0 : EXIT_USAGE;
    }
    if (strcmp(a.cmd, "help") == 0) {
        const char *u = usage_for(a.name);
        if (u == NULL)
            return usage_error("no such command", usage_main);
        fputs(u, stdout);
        return 0;
    }
    const char *u = usage_for(a.cmd);
    if (u == NULL) {
        char msg[256];
        snprintf(msg, sizeof msg, "unknown command '%s'", a.cmd);
        return usage_error(msg, usage_main);
    }
    if (a.help) {
        fputs(u, stdout);
        return 0;
    }
    if (strcmp(a.cmd, "options") == 0) {
        if (a.write_docs)
            return hf_options_write_docs(a.write_docs) == HF_OK ? 0
                                                                : EXIT_RUNTIME;
        return hf_options_print(a.name, a.markdown, stdout) == HF_OK
                   ? 0
                   : EXIT_USAGE;
    }
    if (a.file == NULL)
        return usage_error("missing JOB.sql", u);
    if (strcmp(a.cmd, "run") == 0)
        return cmd_run(&a);
    if (strcmp(a.cmd, "check") == 0)
        return cmd_check(&a);
    if (strcmp(a.cmd, "sync") == 0)
        return cmd_sync(&a);
    return cmd_explain(&a);
}
