/*
 * kafka_layout.c - which columns travel in a Kafka message's key and which
 * in its value, and the format codecs for both.
 *
 * The rules are Flink's (KafkaConnectorOptionsUtil):
 *   - key columns: upsert-kafka's PRIMARY KEY, in key order (required);
 *     kafka's 'key.fields' ('f1;f2', order matters), which needs
 *     'key.format' and vice versa;
 *   - 'key.fields-prefix': every key column's name starts with it, the key
 *     format sees the names without it, and it needs
 *     'value.fields-include' = 'EXCEPT_KEY' (otherwise the value would
 *     carry a field the key format calls differently);
 *   - value columns: every physical column (ALL) or every physical column
 *     that is not a key column (EXCEPT_KEY);
 *   - legacy upsert-kafka (one 'format.type', no 'key.format') serializes
 *     the key with the value's format and options.
 * The key codec works on a small schema of its own (the key columns,
 * renamed), so every format works for keys unchanged.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/kafka/kafka_int.h"

static bool is_key(const struct hfk_layout *l, uint32_t col)
{
    for (uint32_t i = 0; i < l->nkey; i++)
        if (l->key_cols[i] == col)
            return true;
    return false;
}

static bool value_format_is_legacy(const struct hf_table_def *t)
{
    const struct hf_opt_val *v = NULL;
    for (size_t i = 0; i < t->opts.ndefs; i++) {
        if (strcmp(t->opts.defs[i].key, "value.format") == 0 ||
            strcmp(t->opts.defs[i].key, "format") == 0) {
            v = hf_opts_get(&t->opts, t->opts.defs[i].key, NULL);
            break;
        }
    }
    return v && v->key_used && strcasecmp(v->key_used, "format.type") == 0;
}

/* Key columns of a kafka table from 'key.fields'. */
static int kafka_key_fields(struct hfk_layout *l, const struct hf_table_def *t,
                            struct hf_error *err)
{
    const char *tn = hfk_tname(t);
    const char *text = hf_opts_str(&t->opts, "key.fields", NULL);
    bool has_fields = text != NULL && text[0] != '\0';
    if (t->key_format && !has_fields)
        return hf_error_set(err, HF_ERR_OPTION,
                            "kafka table '%s': 'key.format' needs the key "
                            "columns in 'key.fields' ('f1;f2')",
                            tn);
    if (!t->key_format && has_fields)
        return hf_error_set(err, HF_ERR_OPTION,
                            "kafka table '%s': 'key.fields' can only be set "
                            "with a key format ('key.format')",
                            tn);
    if (!has_fields)
        return 0;
    const struct hf_schema *s = &t->schema;
    l->key_cols = calloc(s->ncols ? s->ncols : 1, sizeof *l->key_cols);
    if (l->key_cols == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
    const char *p = text;
    while (*p) {
        const char *semi = strchr(p, ';');
        size_t n = semi ? (size_t)(semi - p) : strlen(p);
        while (n > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            n--;
        }
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n > 0) {
            int idx = -1;
            for (uint32_t c = 0; c < s->ncols; c++) {
                if (strlen(s->cols[c].name) == n &&
                    memcmp(s->cols[c].name, p, n) == 0) {
                    idx = (int)c;
                    break;
                }
            }
            if (idx < 0 || s->cols[idx].kind != HF_COL_PHYSICAL)
                return hf_error_set(err, HF_ERR_OPTION,
                                    "kafka table '%s': 'key.fields' names "
                                    "'%.*s', which is not a physical column "
                                    "of the table",
                                    tn, (int)n, p);
            if (is_key(l, (uint32_t)idx))
                return hf_error_set(err, HF_ERR_OPTION,
                                    "kafka table '%s': 'key.fields' names "
                                    "'%.*s' twice",
                                    tn, (int)n, p);
            if (l->nkey < s->ncols)
                l->key_cols[l->nkey++] = (uint32_t)idx;
        }
        if (semi == NULL)
            break;
        p = semi + 1;
    }
    return 0;
}

/* Tell the encoders that want it (the schema-registry formats) the one
 * topic the table writes to, as Flink's Kafka sink derives the subject
 * '<topic>-key' / '<topic>-value' from it. */
static int bind_topic(struct hfk_layout *l, const struct hf_table_def *t,
                      struct hf_error *err)
{
    bool kb = l->kenc && l->kfmt->bind_topic;
    bool vb = l->venc && l->vfmt->bind_topic;
    if (!kb && !vb)
        return 0;
    size_t n = 0;
    const char **topics = hfk_topics(t, &n, err);
    if (topics == NULL && hf_error_is_set(err))
        return -1;
    int rc = 0;
    if (n == 1 && kb)
        rc = l->kfmt->bind_topic(l->kenc, topics[0], true, err);
    if (rc == 0 && n == 1 && vb)
        rc = l->vfmt->bind_topic(l->venc, topics[0], false, err);
    free(topics);
    return rc;
}

int hfk_layout_init(struct hfk_layout *l, const struct hf_table_def *t,
                    bool upsert, bool decode, bool encode,
                    struct hf_error *err)
{
    memset(l, 0, sizeof *l);
    l->t = t;
    const char *tn = hfk_tname(t);
    const char *conn = upsert ? "upsert-kafka" : "kafka";
    const struct hf_schema *s = &t->schema;

    /* Key columns. */
    if (upsert) {
        if (s->npk == 0)
            return hf_error_set(err, HF_ERR_OPTION,
                                "upsert-kafka table '%s' needs a PRIMARY KEY: "
                                "'upsert-kafka' tables require to define a "
                                "PRIMARY KEY constraint; the key columns are "
                                "the Kafka message key and rows update or "
                                "delete by it. Add PRIMARY KEY (...) NOT "
                                "ENFORCED",
                                tn);
        l->key_cols = calloc(s->npk, sizeof *l->key_cols);
        if (l->key_cols == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
        for (uint32_t i = 0; i < s->npk; i++)
            l->key_cols[l->nkey++] = s->pk[i];
        if (t->key_format) {
            l->kfmt = t->key_format;
            l->kopts = &t->key_format_opts;
        } else if (value_format_is_legacy(t)) {
            l->kfmt = t->format;
            l->kopts = &t->format_opts;
        } else {
            return hf_error_set(err, HF_ERR_OPTION,
                                "upsert-kafka table '%s' needs 'key.format' "
                                "(the format of the message key: json, csv, "
                                "raw, avro)",
                                tn);
        }
    } else {
        if (kafka_key_fields(l, t, err) != 0)
            return -1;
        l->kfmt = t->key_format;
        l->kopts = &t->key_format_opts;
    }
    l->vfmt = t->format;
    l->vopts = &t->format_opts;

    /* Prefix and value columns. */
    bool except_key = hf_opts_enum(&t->opts, "value.fields-include", NULL) == 1;
    const char *prefix = hf_opts_str(&t->opts, "key.fields-prefix", NULL);
    size_t plen = prefix ? strlen(prefix) : 0;
    if (plen > 0 && !except_key)
        return hf_error_set(err, HF_ERR_OPTION,
                            "%s table '%s': 'key.fields-prefix' = '%s' needs "
                            "'value.fields-include' = 'EXCEPT_KEY' (with ALL "
                            "the value would carry the prefixed names too)",
                            conn, tn, prefix);
    for (uint32_t i = 0; i < l->nkey; i++) {
        const char *name = s->cols[l->key_cols[i]].name;
        if (plen > 0 && strncmp(name, prefix, plen) != 0)
            return hf_error_set(err, HF_ERR_OPTION,
                                "%s table '%s': key column '%s' does not "
                                "start with 'key.fields-prefix' '%s'; every "
                                "key column must be prefixed",
                                conn, tn, name, prefix);
        if (plen > 0 && name[plen] == '\0')
            return hf_error_set(err, HF_ERR_OPTION,
                                "%s table '%s': key column '%s' is only the "
                                "prefix '%s'; nothing remains as its name in "
                                "the key",
                                conn, tn, name, prefix);
    }
    l->val_cols = calloc(s->ncols ? s->ncols : 1, sizeof *l->val_cols);
    if (l->val_cols == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
    for (uint32_t c = 0; c < s->ncols; c++) {
        if (s->cols[c].kind != HF_COL_PHYSICAL)
            continue;
        if (except_key && is_key(l, c))
            continue;
        l->val_cols[l->nval++] = c;
    }

    /* The key's own schema. */
    if (l->nkey > 0) {
        l->key_schema.cols = calloc(l->nkey, sizeof *l->key_schema.cols);
        l->key_idx = calloc(l->nkey, sizeof *l->key_idx);
        if (l->key_schema.cols == NULL || l->key_idx == NULL)
            return hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
        for (uint32_t i = 0; i < l->nkey; i++) {
            const struct hf_column *c = &s->cols[l->key_cols[i]];
            struct hf_column *k = &l->key_schema.cols[i];
            k->name = strdup(c->name + plen);
            if (k->name == NULL)
                return hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
            k->type = c->type;
            k->kind = HF_COL_PHYSICAL;
            l->key_schema.ncols = i + 1;
            l->key_idx[i] = i;
        }
    }

    if (decode) {
        if (l->kfmt && l->nkey > 0) {
            if (l->kfmt->decoder_new(&l->key_schema, l->key_idx, l->nkey,
                                     l->kopts, &l->kdec, err) != 0) {
                hf_error_prefix(err, "%s table '%s', key format '%s': ", conn,
                                tn, l->kfmt->name);
                return -1;
            }
            l->kbatch = hf_batch_new(l->nkey, 4);
            if (l->kbatch == NULL)
                return hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
        }
        if (l->vfmt->decoder_new(s, l->val_cols, l->nval, l->vopts, &l->vdec,
                                 err) != 0) {
            hf_error_prefix(err, "%s table '%s', value format '%s': ", conn,
                            tn, l->vfmt->name);
            return -1;
        }
    }
    if (encode) {
        if (l->kfmt && l->nkey > 0) {
            if (l->kfmt->encoder_new == NULL)
                return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                    "%s table '%s': key format '%s' cannot "
                                    "write",
                                    conn, tn, l->kfmt->name);
            if (l->kfmt->encoder_new(&l->key_schema, l->key_idx, l->nkey,
                                     l->kopts, &l->kenc, err) != 0) {
                hf_error_prefix(err, "%s table '%s', key format '%s': ", conn,
                                tn, l->kfmt->name);
                return -1;
            }
            l->krow = calloc(l->nkey, sizeof *l->krow);
            if (l->krow == NULL)
                return hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
        }
        if (l->vfmt->encoder_new == NULL)
            return hf_error_set(err, HF_ERR_UNSUPPORTED,
                                "%s table '%s': value format '%s' cannot "
                                "write",
                                conn, tn, l->vfmt->name);
        if (l->vfmt->encoder_new(s, l->val_cols, l->nval, l->vopts, &l->venc,
                                 err) != 0) {
            hf_error_prefix(err, "%s table '%s', value format '%s': ", conn,
                            tn, l->vfmt->name);
            return -1;
        }
        if (bind_topic(l, t, err) != 0) {
            hf_error_prefix(err, "%s table '%s': ", conn, tn);
            return -1;
        }
    }
    return 0;
}

void hfk_layout_free(struct hfk_layout *l)
{
    if (l == NULL)
        return;
    if (l->kdec)
        l->kfmt->decoder_free(l->kdec);
    if (l->kenc)
        l->kfmt->encoder_free(l->kenc);
    if (l->vdec)
        l->vfmt->decoder_free(l->vdec);
    if (l->venc)
        l->vfmt->encoder_free(l->venc);
    hf_batch_destroy(l->kbatch);
    hf_schema_free(&l->key_schema);
    free(l->key_idx);
    free(l->key_cols);
    free(l->val_cols);
    free(l->krow);
    memset(l, 0, sizeof *l);
}

int hfk_key_decode(struct hfk_layout *l, const void *key, size_t len,
                   int64_t origin, struct hf_error *err)
{
    hf_batch_reset(l->kbatch);
    int n = 0;
    if (key != NULL && l->kdec != NULL) {
        n = l->kfmt->decode(l->kdec, key, len, origin, l->kbatch, err);
        if (n == HF_DECODE_SKIP || n < 0)
            return n;
    }
    if (n == 0 && hf_batch_add_row(l->kbatch, HF_ROW_INSERT, origin) == NULL)
        return hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
    if (n > 1)
        return hf_error_set(err, HF_ERR_DATA,
                            "the key decodes into %d rows; a key must be one "
                            "record",
                            n);
    return 1;
}

int hfk_key_copy(struct hfk_layout *l, struct hf_batch *out,
                 struct hf_value *row, struct hf_error *err)
{
    const struct hf_value *k = hf_batch_row(l->kbatch, 0);
    for (uint32_t i = 0; i < l->nkey; i++) {
        if (hfk_value_copy(out, &l->key_schema.cols[i].type,
                           &row[l->key_cols[i]], &k[i]) != 0)
            return hf_error_set(err, HF_ERR_NOMEM, "kafka: out of memory");
    }
    return 0;
}

int hfk_key_encode(struct hfk_layout *l, const struct hf_value *row,
                   struct hf_strbuf *out, struct hf_error *err)
{
    for (uint32_t i = 0; i < l->nkey; i++)
        l->krow[i] = row[l->key_cols[i]];
    return l->kfmt->encode(l->kenc, l->krow, HF_ROW_INSERT, out, err);
}

int hfk_value_encode(struct hfk_layout *l, const struct hf_value *row,
                     enum hf_rowkind kind, struct hf_strbuf *out,
                     struct hf_error *err)
{
    return l->vfmt->encode(l->venc, row, kind, out, err);
}

static bool has_bytes(enum hf_type_id id)
{
    return hf_type_is_string(id) || id == HF_BYTES;
}

int hfk_value_copy(struct hf_batch *b, const struct hf_type *t,
                   struct hf_value *dst, const struct hf_value *src)
{
    if (src->null) {
        memset(dst, 0, sizeof *dst);
        dst->null = true;
        return 0;
    }
    if (has_bytes(t->id))
        return hf_value_set_str(b, dst, src->v.s.ptr, src->v.s.len);
    if (t->id != HF_ARRAY) {
        *dst = *src;
        return 0;
    }
    const struct hf_array *a = src->v.a;
    struct hf_array *na = hf_arena_alloc(&b->arena, sizeof *na);
    if (na == NULL)
        return -1;
    na->elem = a->elem;
    na->n = a->n;
    na->items = NULL;
    if (a->n > 0) {
        na->items = hf_arena_alloc(&b->arena, a->n * sizeof *na->items);
        if (na->items == NULL)
            return -1;
        for (uint32_t i = 0; i < a->n; i++) {
            na->items[i] = a->items[i];
            if (!a->items[i].null && has_bytes(a->elem) &&
                hf_value_set_str(b, &na->items[i], a->items[i].v.s.ptr,
                                 a->items[i].v.s.len) != 0)
                return -1;
        }
    }
    memset(dst, 0, sizeof *dst);
    dst->v.a = na;
    return 0;
}
