#!/usr/bin/env bash
# A debezium-json changelog (inserts, updates, deletes and re-inserts of the
# same keys, crossing batch boundaries) written by holoflow over 4
# connections leaves exactly the table that applying the events one by one
# leaves, for every on-conflict action and delete strategy. The reference
# is computed independently inside PostgreSQL by a PL/pgSQL loop over the
# same events.
. "$(dirname "$0")/../e2e/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)

# --- events: 6000 changes over 400 keys, deterministic.
awk -v seed=7 'BEGIN {
    srand(seed); n = 0
    for (i = 0; i < 6000; i++) {
        k = int(rand() * 400) + 1
        name = sprintf("n%d_%d", k, i); price = sprintf("%d.%02d", int(rand()*1000), int(rand()*100)); qty = int(rand()*50)
        after = sprintf("{\"id\":%d,\"name\":\"%s\",\"price\":\"%s\",\"qty\":%d}", k, name, price, qty)
        if (!(k in cur)) {
            printf "{\"before\":null,\"after\":%s,\"op\":\"c\"}\n", after
            printf "%d\t+I\t%d\t%s\t%s\t%d\n", ++n, k, name, price, qty > "/dev/stderr"
            cur[k] = after; cn[k] = name; cp[k] = price; cq[k] = qty
        } else if (rand() < 0.7) {
            printf "{\"before\":%s,\"after\":%s,\"op\":\"u\"}\n", cur[k], after
            printf "%d\t-U\t%d\t%s\t%s\t%d\n", ++n, k, cn[k], cp[k], cq[k] > "/dev/stderr"
            printf "%d\t+U\t%d\t%s\t%s\t%d\n", ++n, k, name, price, qty > "/dev/stderr"
            cur[k] = after; cn[k] = name; cp[k] = price; cq[k] = qty
        } else {
            printf "{\"before\":%s,\"after\":null,\"op\":\"d\"}\n", cur[k]
            printf "%d\t-D\t%d\t%s\t%s\t%d\n", ++n, k, cn[k], cp[k], cq[k] > "/dev/stderr"
            delete cur[k]
        }
    }
}' >"$T/events.json" 2>"$T/events.tsv"

"${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS hf_cl_ev, hf_cl_ref, hf_cl_t;
CREATE TABLE hf_cl_ev (seq int, op text, id bigint, name text, price numeric(12,2), qty int);
\copy hf_cl_ev FROM '$T/events.tsv'
CREATE TABLE hf_cl_ref (id bigint PRIMARY KEY, name text, price numeric(12,2), qty int, extra text DEFAULT 'dflt');
CREATE OR REPLACE FUNCTION hf_cl_apply(oc text, ds text) RETURNS void AS \$\$
DECLARE e record;
BEGIN
  TRUNCATE hf_cl_ref;
  INSERT INTO hf_cl_ref SELECT g, 'pre', 1.00, 1, 'pre' FROM generate_series(1, 400, 3) g;
  FOR e IN SELECT * FROM hf_cl_ev ORDER BY seq LOOP
    IF e.op IN ('+I', '+U') THEN
      IF oc = 'INSERT_OR_IGNORE' THEN
        INSERT INTO hf_cl_ref (id, name, price, qty) VALUES (e.id, e.name, e.price, e.qty) ON CONFLICT (id) DO NOTHING;
      ELSIF oc = 'INSERT_OR_UPDATE' THEN
        INSERT INTO hf_cl_ref (id, name, price, qty) VALUES (e.id, e.name, e.price, e.qty)
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, price = excluded.price, qty = excluded.qty;
      ELSE
        INSERT INTO hf_cl_ref (id, name, price, qty) VALUES (e.id, e.name, e.price, e.qty)
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, price = excluded.price, qty = excluded.qty, extra = DEFAULT;
      END IF;
    ELSIF e.op = '-D' THEN
      IF ds IN ('CHANGELOG_STANDARD', 'DELETE_ROW_ON_PK') THEN
        DELETE FROM hf_cl_ref WHERE id = e.id;
      ELSIF ds = 'NON_PK_FIELD_TO_NULL' THEN
        UPDATE hf_cl_ref SET name = NULL, price = NULL, qty = NULL WHERE id = e.id;
      END IF;
    END IF;
  END LOOP;
END \$\$ LANGUAGE plpgsql;
CREATE TABLE hf_cl_t (LIKE hf_cl_ref INCLUDING ALL);
SQL

endpoint="$PGHOST:$PGPORT"
for oc in INSERT_OR_IGNORE INSERT_OR_UPDATE INSERT_OR_REPLACE; do
    for ds in CHANGELOG_STANDARD IGNORE_DELETE NON_PK_FIELD_TO_NULL DELETE_ROW_ON_PK; do
        "${PSQL[@]}" -c "TRUNCATE hf_cl_t; INSERT INTO hf_cl_t SELECT g, 'pre', 1.00, 1, 'pre' FROM generate_series(1, 400, 3) g; SELECT hf_cl_apply('$oc', '$ds');" >/dev/null
        cat >"$T/job.sql" <<SQL
CREATE TABLE src (id BIGINT, name STRING, price DECIMAL(12, 2), qty INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/events.json', 'format' = 'debezium-json');
CREATE TABLE dst (id BIGINT, name STRING, price DECIMAL(12, 2), qty INT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'hologres', 'endpoint' = '$endpoint', 'dbname' = '$PGDATABASE',
      'tablename' = 'public.hf_cl_t', 'username' = '$PGUSER', 'password' = 'unused',
      'connection.pool.size' = '4', 'sink.insert.batch-size' = '7',
      'sink.on-conflict-action' = '$oc', 'sink.delete-strategy' = '$ds');
INSERT INTO dst SELECT * FROM src;
SQL
        run_hf "$T/out" "$T/err" run "$T/job.sql"
        if [ "$RC" -ne 0 ]; then
            fail "$oc/$ds: holoflow exited $RC"; tail -5 "$T/err" >&2; continue
        fi
        diff_rows=$("${PSQL[@]}" -c "SELECT count(*) FROM ((TABLE hf_cl_t EXCEPT ALL TABLE hf_cl_ref) UNION ALL (TABLE hf_cl_ref EXCEPT ALL TABLE hf_cl_t)) d")
        [ "$diff_rows" = 0 ] || fail "$oc/$ds: $diff_rows rows differ from the reference"
        n=$("${PSQL[@]}" -c "SELECT count(*) FROM hf_cl_t")
        echo "  $oc / $ds: $n rows, identical to the reference"
    done
done
"${PSQL[@]}" -c "DROP TABLE hf_cl_ev, hf_cl_ref, hf_cl_t; DROP FUNCTION hf_cl_apply(text, text);"
finish
