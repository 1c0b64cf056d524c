/*
 * options_doc.c - `holoflow options` and the generated option docs.
 *
 * Both come from the option tables alone: every connector's and format's
 * table, and the job table of SET keys. Connector pages get a leading
 * `connector` row (the planner reads that key itself); format pages show
 * keys with the format's prefix ("csv.field-delimiter"), as users write
 * them. The functions page (functions.md) comes from the function table
 * (sql/functions.h). tests/docs_drift.sh regenerates the pages and fails
 * when the committed docs differ.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "connectors/connector.h"
#include "formats/format.h"
#include "holoflow.h"
#include "runtime/plan.h"
#include "sql/functions.h"

#define MAX_DEFS 256

/* The connector's table with a synthetic first row for 'connector'. */
static size_t connector_defs(const struct hf_connector *c,
                             struct hf_opt_def *defs, char *doc, size_t docn)
{
    static const char *const legacy[] = {"connector.type", NULL};
    snprintf(doc, docn, "must be '%s'", c->name);
    defs[0] = (struct hf_opt_def){.key = "connector",
                                  .aliases = legacy,
                                  .type = HF_OPT_STRING,
                                  .flags = HF_OPTF_REQUIRED,
                                  .doc = doc};
    size_t n = c->nopts < MAX_DEFS - 1 ? c->nopts : MAX_DEFS - 1;
    for (size_t i = 0; i < n; i++)
        defs[i + 1] = c->opts[i];
    return n + 1;
}

static void render_connector(const struct hf_connector *c, int markdown,
                             struct hf_strbuf *sb)
{
    struct hf_opt_def defs[MAX_DEFS];
    char doc[128], title[128], summary[1024];
    size_t n = connector_defs(c, defs, doc, sizeof doc);
    snprintf(title, sizeof title, "Connector `%s`", c->name);
    size_t sl = strlen(c->summary);
    snprintf(summary, sizeof summary, "%s%s%s%s%s%s", c->summary,
             sl && c->summary[sl - 1] != '.' ? "." : "",
             (c->caps & HF_CONN_SOURCE) ? " Source." : "",
             (c->caps & HF_CONN_SINK) ? " Sink." : "",
             c->unavailable ? " Not available in this build: " : "",
             c->unavailable ? c->unavailable : "");
    if (markdown)
        hf_opt_doc_markdown(title, summary, "", defs, n, sb);
    else
        hf_opt_doc_text(title, summary, "", defs, n, sb);
}

static void render_format(const struct hf_format *f, int markdown,
                          struct hf_strbuf *sb)
{
    char title[128], prefix[96], summary[1024];
    snprintf(title, sizeof title, "Format `%s`", f->name);
    snprintf(prefix, sizeof prefix, "%s.", f->name);
    snprintf(summary, sizeof summary,
             "%s.%s Options are written with the prefix `%s` after "
             "'format'='%s' (`value.%s` / `key.%s` with 'value.format' / "
             "'key.format'; `format.` with the legacy 'format.type').%s%s",
             f->summary, f->changelog ? " Produces a changelog (+I, -U, +U, -D)."
                                      : "",
             prefix, f->name, prefix, prefix,
             f->unavailable ? " Not available in this build: " : "",
             f->unavailable ? f->unavailable : "");
    if (markdown)
        hf_opt_doc_markdown(title, summary, prefix, f->opts, f->nopts, sb);
    else
        hf_opt_doc_text(title, summary, prefix, f->opts, f->nopts, sb);
}

static void render_job(int markdown, struct hf_strbuf *sb)
{
    const char *title = "Job settings (`SET`)";
    const char *summary =
        "Keys accepted by `SET 'key' = 'value';` in a script and by "
        "`holoflow run --set key=value`.";
    if (markdown)
        hf_opt_doc_markdown(title, summary, "", hf_job_opt_defs,
                            hf_job_opt_ndefs, sb);
    else
        hf_opt_doc_text(title, summary, "", hf_job_opt_defs, hf_job_opt_ndefs,
                        sb);
}

static void render_list(struct hf_strbuf *sb)
{
    hf_strbuf_puts(sb, "connectors:\n");
    for (const struct hf_connector *const *c = hf_connector_list(); *c; c++)
        hf_strbuf_printf(sb, "  %-14s %s%s%s\n", (*c)->name,
                         (*c)->unavailable ? "(not in this build) " : "",
                         (*c)->summary,
                         ((*c)->caps & (HF_CONN_SOURCE | HF_CONN_SINK)) ==
                                 (HF_CONN_SOURCE | HF_CONN_SINK)
                             ? " [source, sink]"
                         : (*c)->caps & HF_CONN_SOURCE ? " [source]"
                                                       : " [sink]");
    hf_strbuf_puts(sb, "formats:\n");
    for (const struct hf_format *const *f = hf_format_list(); *f; f++)
        hf_strbuf_printf(sb, "  %-14s %s%s\n", (*f)->name,
                         (*f)->unavailable ? "(not in this build) " : "",
                         (*f)->summary);
    hf_strbuf_puts(sb, "job settings:\n  job            keys for SET and "
                       "--set\n\n'holoflow options NAME' lists the options "
                       "of one.\n");
}

hf_err_t hf_options_print(const char *name, int markdown, void *outp)
{
    FILE *out = outp;
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    hf_err_t rc = HF_OK;
    const struct hf_connector *c = name ? hf_connector_find(name) : NULL;
    const struct hf_format *f = name ? hf_format_find(name) : NULL;
    if (name == NULL)
        render_list(&sb);
    else if (strcasecmp(name, "job") == 0)
        render_job(markdown, &sb);
    else if (c)
        render_connector(c, markdown, &sb);
    else if (f)
        render_format(f, markdown, &sb);
    else {
        hf_strbuf_printf(&sb, "holoflow: no connector or format named '%s'\n\n",
                         name);
        render_list(&sb);
        rc = HF_ERR_USAGE;
    }
    if (c && f) {
        hf_strbuf_puts(&sb, "\n");
        render_format(f, markdown, &sb);
    }
    fputs(hf_strbuf_ok(&sb) ? sb.data : "out of memory\n", out);
    hf_strbuf_free(&sb);
    return rc;
}

static int write_file(const char *dir, const char *sub, const char *name,
                      const struct hf_strbuf *sb)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return -1;
    snprintf(path, sizeof path, "%s/%s/%s.md", dir, sub, name);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    size_t w = fwrite(sb->data, 1, sb->len, f);
    return (fclose(f) == 0 && w == sb->len) ? 0 : -1;
}

hf_err_t hf_options_write_docs(const char *dir)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return HF_ERR_IO;
    struct hf_strbuf sb;
    hf_strbuf_init(&sb, 0);
    int rc = 0;
    for (const struct hf_connector *const *c = hf_connector_list(); *c; c++) {
        hf_strbuf_reset(&sb);
        render_connector(*c, 1, &sb);
        rc |= write_file(dir, "connectors", (*c)->name, &sb);
    }
    for (const struct hf_format *const *f = hf_format_list(); *f; f++) {
        hf_strbuf_reset(&sb);
        render_format(*f, 1, &sb);
        rc |= write_file(dir, "formats", (*f)->name, &sb);
    }
    hf_strbuf_reset(&sb);
    render_job(1, &sb);
    rc |= write_file(dir, "connectors", "job", &sb);
    /* The built-in functions: DIR/functions.md. */
    hf_strbuf_reset(&sb);
    hf_fn_doc_markdown(&sb);
    rc |= write_file(dir, ".", "functions", &sb);
    rc |= hf_strbuf_ok(&sb) ? 0 : -1;
    hf_strbuf_free(&sb);
    return rc == 0 ? HF_OK : HF_ERR_IO;
}
