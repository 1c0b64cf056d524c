/*
 * holo_dist.c - the distribution key of a Hologres table, read from
 * hologres.hg_table_properties and mapped onto the job's columns (see
 * holo_dist.h). The property lists column names separated by commas;
 * names that need it are double-quoted with "" for a quote, as PostgreSQL
 * prints identifiers. Matching is exact, as the catalog stores names.
 */
#include "connectors/hologres/holo_dist.h"

#include <stdlib.h>
#include <string.h>

const char *holo_dist_query(void)
{
    return "SELECT property_value FROM hologres.hg_table_properties "
           "WHERE table_namespace = $1 AND table_name = $2 "
           "AND property_key = 'distribution_key'";
}

/* Next name of the list at *pp into buf (capacity n); advances past it
 * and its comma. 1 = a name, 0 = end, -1 = malformed. */
static int next_name(const char **pp, char *buf, size_t n)
{
    const char *p = *pp;
    while (*p == ' ')
        p++;
    if (*p == '\0')
        return 0;
    size_t len = 0;
    if (*p == '"') {
        for (p++;; p++) {
            if (*p == '\0')
                return -1;
            if (*p == '"') {
                if (p[1] != '"')
                    break;
                p++;
            }
            if (len + 1 >= n)
                return -1;
            buf[len++] = *p;
        }
        p++;
    } else {
        while (*p && *p != ',' && *p != ' ') {
            if (len + 1 >= n)
                return -1;
            buf[len++] = *p++;
        }
    }
    buf[len] = '\0';
    while (*p == ' ')
        p++;
    if (*p == ',')
        p++;
    else if (*p != '\0')
        return -1;
    *pp = p;
    return len > 0 ? 1 : -1;
}

int holo_dist_columns(const char *value, const struct holo_table_meta *m,
                      const uint32_t *map, uint32_t njob, uint32_t *out,
                      struct hf_error *err)
{
    const char *p = value ? value : "";
    char name[256];
    uint32_t n = 0;
    int r;
    while ((r = next_name(&p, name, sizeof name)) == 1) {
        int col = -1;
        for (uint32_t j = 0; j < m->ncols; j++)
            if (strcmp(m->cols[j].name, name) == 0)
                col = (int)j;
        if (col < 0)
            return hf_error_set(err, HF_ERR_TYPE,
                                "distribution key column \"%s\" of table "
                                "\"%s\".\"%s\" is not one of its columns",
                                name, m->schema, m->table);
        int jc = -1;
        for (uint32_t c = 0; c < njob; c++)
            if (map[c] == (uint32_t)col)
                jc = (int)c;
        if (jc < 0)
            return hf_error_set(err, HF_ERR_TYPE,
                                "distribution key column \"%s\" of table "
                                "\"%s\".\"%s\" is not written by the job",
                                name, m->schema, m->table);
        if (n >= njob)
            return hf_error_set(err, HF_ERR_TYPE,
                                "distribution key '%s' of table \"%s\".\"%s\" "
                                "names more columns than the job writes",
                                value, m->schema, m->table);
        out[n++] = (uint32_t)jc;
    }
    if (r < 0 || n == 0)
        return hf_error_set(err, HF_ERR_TYPE,
                            "cannot read the distribution key '%s' of table "
                            "\"%s\".\"%s\"",
                            value ? value : "", m->schema, m->table);
    return (int)n;
}
