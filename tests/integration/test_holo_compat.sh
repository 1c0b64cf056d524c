#!/usr/bin/env bash
# Compatibility sweep: realistic Flink SQL jobs as users write them (DDL
# with WATERMARK and PROCTIME, csv / debezium-json / datagen / VALUES
# sources, hologres sinks with the seeds' option spellings), each run with
# `holoflow check` and then for real into the private PostgreSQL; the sink
# table must equal what PostgreSQL computes for the same query over the
# same input (the csv files COPYed, the changelog's final state loaded).
# Covered: GROUP BY with HAVING, FILTER, DISTINCT aggregates and CASE
# inside aggregates; aggregates over a changelog; global aggregates;
# SELECT DISTINCT; dedup keep-first/last on proctime and rowtime; top-N
# with and without the row number; CTEs, nested subqueries and views;
# TUMBLE/HOP/CUMULATE TVFs and legacy GROUP BY TUMBLE; window top-N and
# window dedup; window joins; regular (LEFT) joins with retractions;
# interval joins; a statement set; the common string and time functions;
# a CDC source into a sink keyed otherwise (SinkUpsertMaterializer).
# Run as is, then again with three-row batches at parallelism 2.
# HF_COMPAT_ONLY=name runs one job; HF_COMPAT_SETTINGS (SET statements)
# goes before every job, @JOB@ in it replaced by the job's name.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../kafka/lib.sh"
set -e
: "${PGHOST:?run with the private PostgreSQL (make check)}"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
p=hf_compat_$$
export PGOPTIONS="-c client_min_messages=warning -c TimeZone=UTC"
trap 'kafka_cleanup; "${PSQL[@]}" -c "DROP SCHEMA IF EXISTS $p CASCADE" >/dev/null 2>&1; rm -rf "$T"' EXIT

# ------------------------------------------------------------ the input
python3 - "$T" <<'PY'
import csv, datetime, json, random, sys
out = sys.argv[1]
rnd = random.Random(7)
t = datetime.datetime(2024, 1, 1)
orders = []
for i in range(1, 121):
    t += datetime.timedelta(seconds=rnd.randrange(5, 60), milliseconds=rnd.randrange(1000))
    ts = t - datetime.timedelta(seconds=rnd.randrange(0, 8))  # disorder < the 10 s delay
    orders.append((i, 1000 + i, rnd.randrange(1, 9),
                   rnd.choice(["apple", "pear", "fig", "kiwi", "plum"]),
                   "%d.%02d" % (rnd.randrange(1, 500), i % 100),
                   rnd.choice(["paid", "paid", "paid", "cancelled", "pending"]), ts))
fmt = lambda ts: ts.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
with open(out + "/orders.csv", "w") as f:
    for o in orders:
        f.write("%d,%d,%d,%s,%s,%s,%s\n" % (o[:6] + (fmt(o[6]),)))
with open(out + "/clicks.csv", "w") as f:  # the orders' times as epoch ms
    for o in orders:
        ms = int(o[6].replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
        f.write("%d,%s,%d\n" % (o[1], o[3], ms))
with open(out + "/users.csv", "w") as f:  # users 7 and 8 have no row
    for u in range(1, 7):
        f.write("%d,user%d,%s\n" % (u, u, ["Paris", "Oslo", "Rome"][u % 3]))
ships = [(o[6] + datetime.timedelta(seconds=rnd.randrange(0, 1800)), o[1])
         for o in orders if rnd.random() < 0.8]
ships.sort()
with open(out + "/ships.csv", "w") as f:
    for ts, oid in ships:
        f.write("%d,%s,%s\n" % (oid, fmt(ts), rnd.choice(["dhl", "ups"])))
rows, nid = {}, 1
with open(out + "/accounts.json", "w") as f:
    for k in range(600):
        r = rnd.random()
        up = 1704067200000 + k * 1000
        if r < 0.45 or not rows:
            row = {"id": nid, "user_id": rnd.randrange(1, 9),
                   "balance": rnd.choice([None] + list(range(-100, 1000))),
                   "tier": rnd.choice(["gold", "silver", "bronze", None]), "updated": up}
            nid += 1
            rows[row["id"]] = row
            f.write(json.dumps({"before": None, "after": row, "op": "c"}) + "\n")
        elif r < 0.85:
            old = rows[rnd.choice(list(rows))]
            new = dict(old)
            if rnd.random() < 0.5:
                new["user_id"] = rnd.randrange(1, 9)
            if rnd.random() < 0.3:
                new["tier"] = rnd.choice(["gold", "silver", "bronze", None])
            new["balance"] = rnd.choice([None] + list(range(-100, 1000)))
            new["updated"] = up
            rows[old["id"]] = new
            f.write(json.dumps({"before": old, "after": new, "op": "u"}) + "\n")
        else:
            old = rows.pop(rnd.choice(list(rows)))
            f.write(json.dumps({"before": old, "after": None, "op": "d"}) + "\n")
# the same changes as upsert-kafka messages "key|value" (a tombstone: no value)
with open(out + "/accounts.json") as src, open(out + "/accounts_upsert.txt", "w") as f:
    for line in src:
        e = json.loads(line)
        row = e["after"] or e["before"]
        f.write(json.dumps({"id": row["id"]}) + "|" + (json.dumps(e["after"]) if e["after"] else "") + "\n")
with open(out + "/accounts_final.csv", "w") as f:
    for r in rows.values():
        f.write(",".join("" if r[c] is None else str(r[c])
                         for c in ("id", "user_id", "balance", "tier", "updated")) + "\n")
PY
"${PSQL[@]}" <<SQL
CREATE SCHEMA $p;
SET search_path = $p;
CREATE TABLE orders (seq int, order_id bigint, user_id int, product text,
  amount numeric(10,2), status text, ts timestamp(3));
CREATE TABLE users (user_id int, name text, city text);
CREATE TABLE ships (order_id bigint, ship_ts timestamp(3), carrier text);
CREATE TABLE accounts (id bigint, user_id int, balance int, tier text, updated bigint);
CREATE TABLE clicks (order_id bigint, product text, ms bigint);
\\copy clicks FROM '$T/clicks.csv' WITH (FORMAT csv)
\\copy orders FROM '$T/orders.csv' WITH (FORMAT csv)
\\copy users FROM '$T/users.csv' WITH (FORMAT csv)
\\copy ships FROM '$T/ships.csv' WITH (FORMAT csv)
\\copy accounts FROM '$T/accounts_final.csv' WITH (FORMAT csv)
SQL

# The accounts' changes on an upsert-kafka topic (one partition: the
# materializer's "last row added" then follows the file's order).
kafka_start_mock acc:1
"$KCAT" -b "$KAFKA_BOOTSTRAP" -P -t acc -K '|' -Z <"$T/accounts_upsert.txt"

SOURCES="${HF_COMPAT_SETTINGS:-}
SET 'table.local-time-zone' = 'UTC';
CREATE TABLE orders (seq INT, order_id BIGINT, user_id INT, product STRING,
  amount DECIMAL(10, 2), status STRING, ts TIMESTAMP(3), pt AS PROCTIME(),
  WATERMARK FOR ts AS ts - INTERVAL '10' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$T/orders.csv', 'format' = 'csv');
CREATE TABLE users (user_id INT, name STRING, city STRING)
WITH ('connector' = 'filesystem', 'path' = '$T/users.csv', 'format' = 'csv');
CREATE TABLE ships (order_id BIGINT, ship_ts TIMESTAMP(3), carrier STRING,
  WATERMARK FOR ship_ts AS ship_ts - INTERVAL '10' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$T/ships.csv', 'format' = 'csv');
CREATE TABLE clicks (order_id BIGINT, product STRING, ms BIGINT,
  ets AS TO_TIMESTAMP_LTZ(ms, 3), WATERMARK FOR ets AS ets - INTERVAL '10' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$T/clicks.csv', 'format' = 'csv');
CREATE TABLE clicks_s (order_id BIGINT, product STRING, ms BIGINT,
  sts AS TO_TIMESTAMP(FROM_UNIXTIME(ms / 1000)), WATERMARK FOR sts AS sts - INTERVAL '10' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$T/clicks.csv', 'format' = 'csv');
CREATE TABLE accounts (id BIGINT, user_id INT, balance INT, tier STRING,
  updated BIGINT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = '$T/accounts.json',
  'format' = 'debezium-json');
CREATE TABLE accounts_v (id BIGINT, user_id INT, balance INT, tier STRING,
  updated BIGINT, uts AS TO_TIMESTAMP_LTZ(updated, 3), PRIMARY KEY (user_id) NOT ENFORCED,
  WATERMARK FOR uts AS uts)
WITH ('connector' = 'filesystem', 'path' = '$T/accounts.json',
  'format' = 'debezium-json');
CREATE TABLE accounts_kafka (id BIGINT, user_id INT, balance INT, tier STRING,
  updated BIGINT, PRIMARY KEY (id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'acc',
  'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP', 'key.format' = 'json',
  'value.format' = 'json', 'scan.bounded.mode' = 'latest-offset');"

# sink NAME FLINK-COLUMNS [legacy]: a hologres sink over table $p.NAME,
# with the option names of seed 000 or (legacy) of seed 001 (whose
# default upsert_type, insertorignore, would keep each key's first row).
sink() {
    if [ "${3:-}" = legacy ]; then
        cat <<SQL
CREATE TABLE $1 ($2) WITH (
  'connector.type'='hologres',
  'connector.database'='$PGDATABASE',
  'connector.table'='$p.$1',
  'connector.username'='$PGUSER',
  'connector.password'='x',
  'connector.endpoint'='$PGHOST:$PGPORT',
  'connector.upsert_type'='insertorupdate');
SQL
    else
        cat <<SQL
CREATE TABLE $1 ($2) WITH (
  'connector'='hologres',
  'dbname' = '$PGDATABASE',
  'tablename' = '$p.$1',
  'username' = '$PGUSER',
  'password' = 'x',
  'endpoint' = '$PGHOST:$PGPORT'${3:-});
SQL
    fi
}

# job NAME PG-COLUMNS FLINK-COLUMNS FLINK-STATEMENTS PG-QUERY [legacy | , 'sink option' = 'value'...]
# The sink table NAME gets PG-COLUMNS in PostgreSQL, the expected rows of
# PG-QUERY (over the loaded input) go into a twin table of the same
# columns, and the two are compared row by row as text.
job() {
    local name=$1
    if [ -n "${HF_COMPAT_ONLY:-}" ] && [ "$HF_COMPAT_ONLY" != "$name" ]; then
        return 0
    fi
    "${PSQL[@]}" -c "SET search_path = $p; CREATE TABLE $name ($2);
      CREATE TABLE want_$name ($2); INSERT INTO want_$name $5" ||
        { fail "$name: PostgreSQL's query"; return 0; }
    { echo "${SOURCES//@JOB@/$name}"; sink "$name" "$3" "${6:-}"; echo "$4"; } >"$T/$name.sql"
    run_hf "$T/out" "$T/err" check "$T/$name.sql"
    if [ "$RC" -ne 0 ]; then
        fail "$name: check exit $RC: $(cat "$T/err")"
        return 0
    fi
    run_hf "$T/out" "$T/err" run "$T/$name.sql"
    if [ "$RC" -ne 0 ]; then
        fail "$name: run exit $RC: $(tail -5 "$T/err")"
        return 0
    fi
    local got want
    got=$("${PSQL[@]}" -c "SELECT t::text FROM $p.$name t ORDER BY 1")
    want=$("${PSQL[@]}" -c "SELECT t::text FROM $p.want_$name t ORDER BY 1")
    [ -n "$want" ] || fail "$name: PostgreSQL computes no rows"
    if [ "$got" != "$want" ]; then
        fail "$name: table differs from PostgreSQL's:
$(diff <(echo "$want") <(echo "$got") | head -20)"
    fi
}

# ------------------------------------------------------------ GROUP BY
job agg_having "product text PRIMARY KEY, cnt bigint, total numeric(12,2), buyers bigint,
  paid numeric(12,2), cancelled bigint, big bigint" \
"product STRING, cnt BIGINT, total DECIMAL(12, 2), buyers BIGINT, paid DECIMAL(12, 2),
  cancelled BIGINT, big BIGINT, PRIMARY KEY (product) NOT ENFORCED" \
"INSERT INTO agg_having
SELECT product, COUNT(*) AS cnt, SUM(amount) AS total, COUNT(DISTINCT user_id) AS buyers,
  SUM(CASE WHEN status = 'paid' THEN amount ELSE 0 END) AS paid,
  COUNT(*) FILTER (WHERE status = 'cancelled') AS cancelled,
  SUM(IF(amount > 250, 1, 0)) AS big
FROM orders
GROUP BY product
HAVING COUNT(*) > 20;" \
"SELECT product, count(*), sum(amount), count(DISTINCT user_id),
  sum(CASE WHEN status = 'paid' THEN amount ELSE 0 END),
  count(*) FILTER (WHERE status = 'cancelled'), sum(CASE WHEN amount > 250 THEN 1 ELSE 0 END)
FROM orders GROUP BY product HAVING count(*) > 20"

job cdc_agg "tier text PRIMARY KEY, cnt bigint, total bigint, lo int, hi int, users bigint, av int" \
"tier STRING, cnt BIGINT, total BIGINT, lo INT, hi INT, users BIGINT, av INT,
  PRIMARY KEY (tier) NOT ENFORCED" \
"INSERT INTO cdc_agg
SELECT COALESCE(tier, 'none'), COUNT(*), SUM(CAST(balance AS BIGINT)), MIN(balance),
  MAX(balance), COUNT(DISTINCT user_id), AVG(balance)
FROM accounts GROUP BY COALESCE(tier, 'none');" \
"SELECT coalesce(tier, 'none'), count(*), sum(balance), min(balance), max(balance),
  count(DISTINCT user_id), trunc(avg(balance))
FROM accounts GROUP BY 1"

job cdc_global "one int PRIMARY KEY, cnt bigint, total bigint, hi int, tiers bigint" \
"one INT, cnt BIGINT, total BIGINT, hi INT, tiers BIGINT, PRIMARY KEY (one) NOT ENFORCED" \
"INSERT INTO cdc_global SELECT 1, COUNT(*), SUM(CAST(balance AS BIGINT)), MAX(balance),
  COUNT(DISTINCT tier) FROM accounts;" \
"SELECT 1, count(*), sum(balance), max(balance), count(DISTINCT tier) FROM accounts" legacy

job sel_distinct "user_id int, product text, PRIMARY KEY (user_id, product)" \
"user_id INT, product STRING, PRIMARY KEY (user_id, product) NOT ENFORCED" \
"INSERT INTO sel_distinct SELECT DISTINCT user_id, product FROM orders WHERE status <> 'cancelled';" \
"SELECT DISTINCT user_id, product FROM orders WHERE status <> 'cancelled'"

# A CDC source (upsert key id) into a sink keyed by user_id: Flink's
# SinkUpsertMaterializer keeps each key's rows, the sink shows the last
# one added (the latest 'updated') among those still there.
job cdc_to_other_pk "user_id int PRIMARY KEY, id bigint, balance int" \
"user_id INT, id BIGINT, balance INT, PRIMARY KEY (user_id) NOT ENFORCED" \
"INSERT INTO cdc_to_other_pk SELECT user_id, id, balance FROM accounts;" \
"SELECT DISTINCT ON (user_id) user_id, id, balance FROM accounts ORDER BY user_id, updated DESC"

# The same into an INSERT_OR_IGNORE sink keyed by an expression of id:
# an update of an account is -D then +I (not one +U, which the sink would
# ignore), so each key shows the account's latest balance, as in Flink.
job cdc_ignore "k bigint PRIMARY KEY, id bigint, balance int" \
"k BIGINT, id BIGINT, balance INT, PRIMARY KEY (k) NOT ENFORCED" \
"INSERT INTO cdc_ignore SELECT id * 10, id, balance FROM accounts;" \
"SELECT id * 10, id, balance FROM accounts" \
", 'sink.on-conflict-action' = 'INSERT_OR_IGNORE'"

job cascade "bucket text PRIMARY KEY, users bigint, total numeric(14,2)" \
"bucket STRING, users BIGINT, total DECIMAL(14, 2), PRIMARY KEY (bucket) NOT ENFORCED" \
"INSERT INTO cascade
WITH paid AS (SELECT user_id, amount FROM orders WHERE status = 'paid'),
per_user AS (SELECT user_id, SUM(amount) AS spent FROM paid GROUP BY user_id)
SELECT bucket, COUNT(*), SUM(spent)
FROM (SELECT CASE WHEN spent >= 2500 THEN 'big' WHEN spent >= 1500 THEN 'mid' ELSE 'small' END AS bucket,
        spent FROM per_user) AS b
GROUP BY bucket;" \
"SELECT bucket, count(*), sum(spent) FROM (SELECT CASE WHEN spent >= 2500 THEN 'big'
  WHEN spent >= 1500 THEN 'mid' ELSE 'small' END AS bucket, spent
  FROM (SELECT user_id, sum(amount) spent FROM orders WHERE status = 'paid' GROUP BY user_id) u) b
GROUP BY bucket"

job views "city text PRIMARY KEY, orders bigint, total numeric(14,2)" \
"city STRING, orders BIGINT, total DECIMAL(14, 2), PRIMARY KEY (city) NOT ENFORCED" \
"CREATE VIEW enriched AS
  SELECT o.order_id, o.amount, COALESCE(u.city, 'unknown') AS city
  FROM orders AS o LEFT JOIN users AS u ON o.user_id = u.user_id;
CREATE TEMPORARY VIEW by_city AS
  SELECT city, COUNT(*) AS orders, SUM(amount) AS total FROM enriched GROUP BY city;
INSERT INTO views SELECT * FROM by_city;" \
"SELECT coalesce(u.city, 'unknown'), count(*), sum(o.amount)
FROM orders o LEFT JOIN users u ON o.user_id = u.user_id GROUP BY 1"

# ------------------------------------------------------------ dedup, top-N
job dedup_first_pt "user_id int PRIMARY KEY, order_id bigint, amount numeric(10,2)" \
"user_id INT, order_id BIGINT, amount DECIMAL(10, 2), PRIMARY KEY (user_id) NOT ENFORCED" \
"INSERT INTO dedup_first_pt SELECT user_id, order_id, amount FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY pt ASC) AS row_num FROM orders)
WHERE row_num = 1;" \
"SELECT DISTINCT ON (user_id) user_id, order_id, amount FROM orders ORDER BY user_id, seq"

job dedup_last_pt "user_id int PRIMARY KEY, order_id bigint, amount numeric(10,2)" \
"user_id INT, order_id BIGINT, amount DECIMAL(10, 2), PRIMARY KEY (user_id) NOT ENFORCED" \
"INSERT INTO dedup_last_pt SELECT user_id, order_id, amount FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY pt DESC) AS row_num FROM orders)
WHERE row_num = 1;" \
"SELECT DISTINCT ON (user_id) user_id, order_id, amount FROM orders ORDER BY user_id, seq DESC"

job dedup_first_rt "product text PRIMARY KEY, order_id bigint, ts timestamp(3)" \
"product STRING, order_id BIGINT, ts TIMESTAMP(3), PRIMARY KEY (product) NOT ENFORCED" \
"INSERT INTO dedup_first_rt SELECT product, order_id, ts FROM (
  SELECT product, order_id, ts, ROW_NUMBER() OVER (PARTITION BY product ORDER BY ts) AS rn FROM orders)
WHERE rn = 1;" \
"SELECT DISTINCT ON (product) product, order_id, ts FROM orders ORDER BY product, ts"

job dedup_last_rt "product text PRIMARY KEY, order_id bigint, ts timestamp(3)" \
"product STRING, order_id BIGINT, ts TIMESTAMP(3), PRIMARY KEY (product) NOT ENFORCED" \
"INSERT INTO dedup_last_rt SELECT product, order_id, ts FROM (
  SELECT product, order_id, ts, ROW_NUMBER() OVER (PARTITION BY product ORDER BY ts DESC) AS rn FROM orders)
WHERE rn = 1;" \
"SELECT DISTINCT ON (product) product, order_id, ts FROM orders ORDER BY product, ts DESC"

job topn_rn "product text, rn bigint, order_id bigint, amount numeric(10,2), PRIMARY KEY (product, rn)" \
"product STRING, rn BIGINT, order_id BIGINT, amount DECIMAL(10, 2), PRIMARY KEY (product, rn) NOT ENFORCED" \
"INSERT INTO topn_rn SELECT product, rn, order_id, amount FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY product ORDER BY amount DESC) AS rn FROM orders
  WHERE status = 'paid') WHERE rn <= 3;" \
"SELECT product, rn, order_id, amount FROM (SELECT *, row_number() OVER (PARTITION BY product
  ORDER BY amount DESC) rn FROM orders WHERE status = 'paid') x WHERE rn <= 3"

job topn_norn "product text, order_id bigint, amount numeric(10,2), PRIMARY KEY (product, order_id)" \
"product STRING, order_id BIGINT, amount DECIMAL(10, 2), PRIMARY KEY (product, order_id) NOT ENFORCED" \
"INSERT INTO topn_norn SELECT product, order_id, amount FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY product ORDER BY amount DESC) AS rn FROM orders)
WHERE rn <= 3;" \
"SELECT product, order_id, amount FROM (SELECT *, row_number() OVER (PARTITION BY product
  ORDER BY amount DESC) rn FROM orders) x WHERE rn <= 3"

job topn_cdc "tier text, rn bigint, id bigint, balance int, PRIMARY KEY (tier, rn)" \
"tier STRING, rn BIGINT, id BIGINT, balance INT, PRIMARY KEY (tier, rn) NOT ENFORCED" \
"INSERT INTO topn_cdc SELECT tier, rn, id, balance FROM (
  SELECT tier, id, balance, ROW_NUMBER() OVER (PARTITION BY tier ORDER BY balance DESC, id) AS rn
  FROM (SELECT COALESCE(tier, '-') AS tier, id, balance FROM accounts WHERE balance IS NOT NULL))
WHERE rn <= 2;" \
"SELECT tier, rn, id, balance FROM (SELECT coalesce(tier, '-') tier, id, balance,
  row_number() OVER (PARTITION BY coalesce(tier, '-') ORDER BY balance DESC, id) rn
  FROM accounts WHERE balance IS NOT NULL) x WHERE rn <= 2"

# Top-N without the row number over a GROUP BY (Flink's "top items per
# category"): its upsert key is the GROUP BY's (product, user_id), which
# the sink's key contains, so no SinkUpsertMaterializer (as Flink).
job topn_agg "product text, user_id int, total numeric(20,2), PRIMARY KEY (product, user_id)" \
"product STRING, user_id INT, total DECIMAL(20, 2), PRIMARY KEY (product, user_id) NOT ENFORCED" \
"INSERT INTO topn_agg SELECT product, user_id, total FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY product ORDER BY total DESC) AS rn
  FROM (SELECT product, user_id, SUM(amount) AS total FROM orders GROUP BY product, user_id))
WHERE rn <= 2;" \
"SELECT product, user_id, total FROM (SELECT *, row_number() OVER (PARTITION BY product
  ORDER BY total DESC) rn FROM (SELECT product, user_id, sum(amount) total FROM orders GROUP BY 1, 2) a) b
WHERE rn <= 2"
if [ -z "${HF_COMPAT_ONLY:-}" ]; then
    run_hf "$T/out" "$T/err" explain "$T/topn_agg.sql"
    grep -q " upsert-materialize: " "$T/out" && fail "topn_agg: a materializer: $(sed -n "/^graph/,\$p" "$T/out")"
    run_hf "$T/out" "$T/err" explain "$T/cdc_to_other_pk.sql"
    expect_grep "upsert-materialize: on user_id, upsert key id (SinkUpsertMaterializer for 'cdc_to_other_pk')" \
        "$T/out" "cdc_to_other_pk's materializer"
    run_hf "$T/out" "$T/err" explain "$T/cdc_ignore.sql"
    expect_grep "upsert-materialize: on k, upsert key id (SinkUpsertMaterializer for 'cdc_ignore')" \
        "$T/out" "cdc_ignore's materializer"
fi

# ------------------------------------------------------------ windows
job tumble_tvf "ws timestamp(3), we timestamp(3), product text, cnt bigint, total numeric(12,2),
  PRIMARY KEY (ws, product)" \
"ws TIMESTAMP(3), we TIMESTAMP(3), product STRING, cnt BIGINT, total DECIMAL(12, 2),
  PRIMARY KEY (ws, product) NOT ENFORCED" \
"INSERT INTO tumble_tvf
SELECT window_start, window_end, product, COUNT(*), SUM(amount)
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' MINUTES))
GROUP BY window_start, window_end, product;" \
"SELECT date_bin('10 min', ts, '2024-01-01'), date_bin('10 min', ts, '2024-01-01') + interval '10 min',
  product, count(*), sum(amount) FROM orders GROUP BY 1, 2, 3"

job hop_tvf "ws timestamp(3), we timestamp(3), cnt bigint, hi numeric(10,2), PRIMARY KEY (ws)" \
"ws TIMESTAMP(3), we TIMESTAMP(3), cnt BIGINT, hi DECIMAL(10, 2), PRIMARY KEY (ws) NOT ENFORCED" \
"INSERT INTO hop_tvf
SELECT window_start, window_end, COUNT(*), MAX(amount)
FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' MINUTES, INTERVAL '15' MINUTES))
GROUP BY window_start, window_end;" \
"SELECT ws, ws + interval '15 min', count(*), max(amount) FROM (
  SELECT date_bin('5 min', ts, '2024-01-01') - k * interval '5 min' ws, amount
  FROM orders, generate_series(0, 2) k) x GROUP BY ws"

job cumulate_tvf "ws timestamp(3), we timestamp(3), cnt bigint, total numeric(12,2), PRIMARY KEY (ws, we)" \
"ws TIMESTAMP(3), we TIMESTAMP(3), cnt BIGINT, total DECIMAL(12, 2), PRIMARY KEY (ws, we) NOT ENFORCED" \
"INSERT INTO cumulate_tvf
SELECT window_start, window_end, COUNT(*), SUM(amount)
FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' MINUTES, INTERVAL '20' MINUTES))
GROUP BY window_start, window_end;" \
"SELECT ws, we, count(*), sum(amount) FROM (
  SELECT date_bin('20 min', ts, '2024-01-01') ws,
         date_bin('20 min', ts, '2024-01-01') + j * interval '5 min' we, amount, ts
  FROM orders, generate_series(1, 4) j) x WHERE we > ts GROUP BY ws, we"

job legacy_tumble "ws timestamp(3), we timestamp(3), wt timestamp(3), status text, cnt bigint,
  users bigint, PRIMARY KEY (ws, status)" \
"ws TIMESTAMP(3), we TIMESTAMP(3), wt TIMESTAMP(3), status STRING, cnt BIGINT, users BIGINT,
  PRIMARY KEY (ws, status) NOT ENFORCED" \
"INSERT INTO legacy_tumble
SELECT TUMBLE_START(ts, INTERVAL '15' MINUTE), TUMBLE_END(ts, INTERVAL '15' MINUTE),
  TUMBLE_ROWTIME(ts, INTERVAL '15' MINUTE), status, COUNT(*), COUNT(DISTINCT user_id)
FROM orders
GROUP BY TUMBLE(ts, INTERVAL '15' MINUTE), status;" \
"SELECT date_bin('15 min', ts, '2024-01-01'), date_bin('15 min', ts, '2024-01-01') + interval '15 min',
  date_bin('15 min', ts, '2024-01-01') + interval '15 min' - interval '1 ms', status, count(*),
  count(DISTINCT user_id) FROM orders GROUP BY 1, 2, 3, 4"

job window_topn "ws timestamp(3), we timestamp(3), rn bigint, product text, total numeric(12,2),
  PRIMARY KEY (ws, rn)" \
"ws TIMESTAMP(3), we TIMESTAMP(3), rn BIGINT, product STRING, total DECIMAL(12, 2),
  PRIMARY KEY (ws, rn) NOT ENFORCED" \
"INSERT INTO window_topn
SELECT window_start, window_end, rownum, product, total FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY total DESC) AS rownum
  FROM (SELECT window_start, window_end, product, SUM(amount) AS total, COUNT(*) AS cnt
        FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' MINUTES))
        GROUP BY window_start, window_end, product))
WHERE rownum <= 2;" \
"SELECT ws, ws + interval '10 min', rn, product, total FROM (
  SELECT ws, product, total, row_number() OVER (PARTITION BY ws ORDER BY total DESC) rn FROM (
    SELECT date_bin('10 min', ts, '2024-01-01') ws, product, sum(amount) total
    FROM orders GROUP BY 1, 2) a) b WHERE rn <= 2"

job window_dedup "ws timestamp(3), we timestamp(3), user_id int, order_id bigint, ts timestamp(3),
  PRIMARY KEY (ws, user_id)" \
"ws TIMESTAMP(3), we TIMESTAMP(3), user_id INT, order_id BIGINT, ts TIMESTAMP(3),
  PRIMARY KEY (ws, user_id) NOT ENFORCED" \
"INSERT INTO window_dedup
SELECT window_start, window_end, user_id, order_id, ts FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, user_id ORDER BY ts DESC) AS rownum
  FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' MINUTES)))
WHERE rownum <= 1;" \
"SELECT DISTINCT ON (ws, user_id) ws, ws + interval '10 min', user_id, order_id, ts FROM (
  SELECT date_bin('10 min', ts, '2024-01-01') ws, * FROM orders) x ORDER BY ws, user_id, ts DESC"

job window_join "order_id bigint PRIMARY KEY, ws timestamp(3), amount numeric(10,2), carrier text" \
"order_id BIGINT, ws TIMESTAMP(3), amount DECIMAL(10, 2), carrier STRING,
  PRIMARY KEY (order_id) NOT ENFORCED" \
"INSERT INTO window_join
SELECT L.order_id, L.window_start, L.amount, R.carrier
FROM (SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' MINUTES))) L
JOIN (SELECT * FROM TABLE(TUMBLE(TABLE ships, DESCRIPTOR(ship_ts), INTERVAL '10' MINUTES))) R
ON L.order_id = R.order_id AND L.window_start = R.window_start AND L.window_end = R.window_end;" \
"SELECT o.order_id, date_bin('10 min', o.ts, '2024-01-01'), o.amount, s.carrier
FROM orders o JOIN ships s ON o.order_id = s.order_id
 AND date_bin('10 min', o.ts, '2024-01-01') = date_bin('10 min', s.ship_ts, '2024-01-01')"

# The rowtime a computed column of epoch milliseconds (TO_TIMESTAMP_LTZ,
# TO_TIMESTAMP(FROM_UNIXTIME(...))), in a window TVF, a legacy group
# window and an interval join.
job computed_tvf "ws timestamp(3), product text, cnt bigint, PRIMARY KEY (ws, product)" \
"ws TIMESTAMP(3), product STRING, cnt BIGINT, PRIMARY KEY (ws, product) NOT ENFORCED" \
"INSERT INTO computed_tvf SELECT CAST(window_start AS TIMESTAMP(3)), product, COUNT(*)
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ets), INTERVAL '10' MINUTES))
GROUP BY window_start, window_end, product;" \
"SELECT date_bin('10 min', to_timestamp(ms / 1000.0) AT TIME ZONE 'UTC', '2024-01-01'), product, count(*)
FROM clicks GROUP BY 1, 2"

job computed_legacy "ws timestamp(3), cnt bigint, PRIMARY KEY (ws)" \
"ws TIMESTAMP(3), cnt BIGINT, PRIMARY KEY (ws) NOT ENFORCED" \
"INSERT INTO computed_legacy SELECT TUMBLE_START(sts, INTERVAL '10' MINUTE), COUNT(*)
FROM clicks_s GROUP BY TUMBLE(sts, INTERVAL '10' MINUTE);" \
"SELECT date_bin('10 min', to_timestamp(ms / 1000) AT TIME ZONE 'UTC', '2024-01-01'), count(*)
FROM clicks GROUP BY 1"

job computed_ijoin "order_id bigint PRIMARY KEY, carrier text" \
"order_id BIGINT, carrier STRING, PRIMARY KEY (order_id) NOT ENFORCED" \
"INSERT INTO computed_ijoin SELECT c.order_id, s.carrier FROM clicks_s c JOIN ships s
ON c.order_id = s.order_id AND s.ship_ts BETWEEN c.sts AND c.sts + INTERVAL '10' MINUTE;" \
"SELECT c.order_id, s.carrier FROM clicks c JOIN ships s ON c.order_id = s.order_id
  AND s.ship_ts BETWEEN (to_timestamp(c.ms / 1000) AT TIME ZONE 'UTC')
  AND (to_timestamp(c.ms / 1000) AT TIME ZONE 'UTC') + interval '10 min'"
if [ -z "${HF_COMPAT_ONLY:-}" ]; then
    run_hf "$T/out" "$T/err" explain "$T/computed_ijoin.sql"
    expect_grep "interval-join: INNER" "$T/out" "computed_ijoin is an interval join"
fi

# TUMBLE with an offset.
job tumble_offset "ws timestamp(3), cnt bigint, PRIMARY KEY (ws)" \
"ws TIMESTAMP(3), cnt BIGINT, PRIMARY KEY (ws) NOT ENFORCED" \
"INSERT INTO tumble_offset SELECT window_start, COUNT(*)
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '20' MINUTES, INTERVAL '7' MINUTES))
GROUP BY window_start, window_end;" \
"SELECT date_bin('20 min', ts, '2024-01-01 00:07'), count(*) FROM orders GROUP BY 1"

# ------------------------------------------------------------ joins
job left_join "order_id bigint PRIMARY KEY, name text, city text, amount numeric(10,2)" \
"order_id BIGINT, name STRING, city STRING, amount DECIMAL(10, 2), PRIMARY KEY (order_id) NOT ENFORCED" \
"INSERT INTO left_join SELECT o.order_id, u.name, COALESCE(u.city, 'n/a'), o.amount
FROM orders o LEFT JOIN users u ON o.user_id = u.user_id;" \
"SELECT o.order_id, u.name, coalesce(u.city, 'n/a'), o.amount FROM orders o LEFT JOIN users u ON o.user_id = u.user_id"

job left_join_agg "user_id int PRIMARY KEY, name text, accounts bigint, total bigint" \
"user_id INT, name STRING, accounts BIGINT, total BIGINT, PRIMARY KEY (user_id) NOT ENFORCED" \
"INSERT INTO left_join_agg
SELECT u.user_id, u.name, COUNT(a.id), SUM(CAST(a.balance AS BIGINT))
FROM users u LEFT JOIN accounts a ON u.user_id = a.user_id
GROUP BY u.user_id, u.name;" \
"SELECT u.user_id, u.name, count(a.id), sum(a.balance) FROM users u
LEFT JOIN accounts a ON u.user_id = a.user_id GROUP BY u.user_id, u.name"

job cdc_join "id bigint PRIMARY KEY, city text, balance int" \
"id BIGINT, city STRING, balance INT, PRIMARY KEY (id) NOT ENFORCED" \
"INSERT INTO cdc_join SELECT a.id, u.city, a.balance FROM accounts a JOIN users u ON a.user_id = u.user_id;" \
"SELECT a.id, u.city, a.balance FROM accounts a JOIN users u ON a.user_id = u.user_id"

job interval_join "order_id bigint PRIMARY KEY, ts timestamp(3), ship_ts timestamp(3), carrier text" \
"order_id BIGINT, ts TIMESTAMP(3), ship_ts TIMESTAMP(3), carrier STRING, PRIMARY KEY (order_id) NOT ENFORCED" \
"INSERT INTO interval_join
SELECT o.order_id, o.ts, s.ship_ts, s.carrier
FROM orders o, ships s
WHERE o.order_id = s.order_id AND s.ship_ts BETWEEN o.ts AND o.ts + INTERVAL '15' MINUTE;" \
"SELECT o.order_id, o.ts, s.ship_ts, s.carrier FROM orders o JOIN ships s ON o.order_id = s.order_id
  AND s.ship_ts BETWEEN o.ts AND o.ts + interval '15 min'"

# ------------------------------------------------------------ functions, sets, other sources
job functions "order_id bigint PRIMARY KEY, minute text, label text, short text, st text, band text,
  state text, whole int, made text, sec timestamp(3), day int, hr bigint, epoch bigint" \
"order_id BIGINT, minute STRING, label STRING, short STRING, st STRING, band STRING, state STRING,
  whole INT, made STRING, sec TIMESTAMP(3), day INT, hr BIGINT, epoch BIGINT,
  PRIMARY KEY (order_id) NOT ENFORCED" \
"INSERT INTO functions SELECT order_id, DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm'),
  CONCAT_WS('-', product, status, CAST(user_id AS STRING)), SUBSTRING(product FROM 1 FOR 3),
  UPPER(SUBSTRING(status, 2)), IF(amount > 100, 'high', 'low'),
  COALESCE(NULLIF(status, 'pending'), 'open'), CAST(amount AS INT),
  FROM_UNIXTIME(1704067200 + seq * 61), TO_TIMESTAMP(DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss')),
  CAST(DATE_FORMAT(ts, 'yyyyMMdd') AS INT), HOUR(ts),
  UNIX_TIMESTAMP(DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss'))
FROM orders;" \
"SELECT order_id, to_char(ts, 'YYYY-MM-DD HH24:MI'), concat_ws('-', product, status, user_id),
  substring(product from 1 for 3), upper(substring(status from 2)),
  CASE WHEN amount > 100 THEN 'high' ELSE 'low' END, coalesce(nullif(status, 'pending'), 'open'),
  trunc(amount)::int, to_char(to_timestamp(1704067200 + seq * 61) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
  date_trunc('second', ts), to_char(ts, 'YYYYMMDD')::int, extract(hour from ts),
  extract(epoch from date_trunc('second', ts))::bigint FROM orders"

job stmt_set "kind text, product text, cnt bigint, PRIMARY KEY (kind, product)" \
"kind STRING, product STRING, cnt BIGINT, PRIMARY KEY (kind, product) NOT ENFORCED" \
"BEGIN STATEMENT SET;
INSERT INTO stmt_set SELECT 'all', product, COUNT(*) FROM orders GROUP BY product;
INSERT INTO stmt_set SELECT 'paid', product, COUNT(*) FROM orders WHERE status = 'paid' GROUP BY product;
INSERT INTO stmt_set SELECT 'user', CAST(user_id AS STRING), COUNT(*) FROM orders GROUP BY user_id;
END;" \
"SELECT 'all', product, count(*) FROM orders GROUP BY product UNION ALL
 SELECT 'paid', product, count(*) FROM orders WHERE status = 'paid' GROUP BY product UNION ALL
 SELECT 'user', user_id::text, count(*) FROM orders GROUP BY user_id"

job datagen_agg "r int PRIMARY KEY, cnt bigint, total bigint" \
"r INT, cnt BIGINT, total BIGINT, PRIMARY KEY (r) NOT ENFORCED" \
"CREATE TABLE gen (id BIGINT, v INT) WITH ('connector' = 'datagen',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '500',
  'fields.v.kind' = 'sequence', 'fields.v.start' = '1001', 'fields.v.end' = '1500');
INSERT INTO datagen_agg SELECT CAST(id % 7 AS INT), COUNT(*), SUM(CAST(v AS BIGINT)) FROM gen GROUP BY id % 7;" \
"SELECT i % 7, count(*), sum(i + 1000) FROM generate_series(1, 500) i GROUP BY 1"

job values_agg "k text PRIMARY KEY, n bigint, s int" \
"k STRING, n BIGINT, s INT, PRIMARY KEY (k) NOT ENFORCED" \
"INSERT INTO values_agg SELECT k, COUNT(*), SUM(v)
FROM (VALUES ('a', 1), ('b', 2), ('a', 3), ('c', CAST(NULL AS INT)), ('b', 5)) AS t(k, v) GROUP BY k;" \
"SELECT k, count(*), sum(v) FROM (VALUES ('a', 1), ('b', 2), ('a', 3), ('c', NULL::int), ('b', 5)) AS t(k, v) GROUP BY k"


# ------------------------------------------------------------ more shapes
job daily "day text, product text, cnt bigint, total numeric(14,2), firsts text, lasts text,
  statuses text, usum bigint, PRIMARY KEY (day, product)" \
"day STRING, product STRING, cnt BIGINT, total DECIMAL(14, 2), firsts STRING, lasts STRING,
  statuses STRING, usum BIGINT, PRIMARY KEY (day, product) NOT ENFORCED" \
"INSERT INTO daily SELECT DATE_FORMAT(ts, 'yyyy-MM-dd HH'), product, COUNT(1), SUM(amount),
  FIRST_VALUE(status), LAST_VALUE(status), LISTAGG(status), SUM(DISTINCT CAST(user_id AS BIGINT))
FROM orders GROUP BY DATE_FORMAT(ts, 'yyyy-MM-dd HH'), product;" \
"SELECT to_char(ts, 'YYYY-MM-DD HH24'), product, count(*), sum(amount),
  (array_agg(status ORDER BY seq))[1], (array_agg(status ORDER BY seq DESC))[1],
  string_agg(status, ',' ORDER BY seq), sum(DISTINCT user_id) FROM orders GROUP BY 1, 2"

job union_aggs "kind text, k text, cnt bigint, PRIMARY KEY (kind, k)" \
"kind STRING, k STRING, cnt BIGINT, PRIMARY KEY (kind, k) NOT ENFORCED" \
"INSERT INTO union_aggs
SELECT 'product', product, COUNT(*) FROM orders GROUP BY product
UNION ALL
SELECT 'tier', COALESCE(tier, '-'), COUNT(*) FROM accounts GROUP BY COALESCE(tier, '-');" \
"SELECT 'product', product, count(*) FROM orders GROUP BY product UNION ALL
 SELECT 'tier', coalesce(tier, '-'), count(*) FROM accounts GROUP BY 2"

job full_join "uid int PRIMARY KEY, orders bigint, city text" \
"uid INT, orders BIGINT, city STRING, PRIMARY KEY (uid) NOT ENFORCED" \
"INSERT INTO full_join SELECT COALESCE(o.user_id, u.user_id), o.cnt, u.city
FROM (SELECT user_id, COUNT(*) AS cnt FROM orders WHERE product = 'fig' GROUP BY user_id) o
FULL OUTER JOIN users u ON o.user_id = u.user_id;" \
"SELECT coalesce(o.user_id, u.user_id), o.cnt, u.city FROM (SELECT user_id, count(*) cnt FROM orders
  WHERE product = 'fig' GROUP BY user_id) o FULL JOIN users u ON o.user_id = u.user_id"

job right_join_cdc "uid int, aid bigint, balance int, PRIMARY KEY (uid, aid)" \
"uid INT, aid BIGINT, balance INT, PRIMARY KEY (uid, aid) NOT ENFORCED" \
"INSERT INTO right_join_cdc SELECT u.user_id, COALESCE(a.id, -1), a.balance
FROM accounts a RIGHT JOIN users u ON a.user_id = u.user_id;" \
"SELECT u.user_id, coalesce(a.id, -1), a.balance FROM accounts a RIGHT JOIN users u ON a.user_id = u.user_id"

job dedup_then_agg "status text PRIMARY KEY, users bigint, total numeric(14,2)" \
"status STRING, users BIGINT, total DECIMAL(14, 2), PRIMARY KEY (status) NOT ENFORCED" \
"INSERT INTO dedup_then_agg SELECT status, COUNT(*), SUM(amount) FROM (
  SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY ts DESC) AS rn FROM orders)
  WHERE rn = 1) GROUP BY status;" \
"SELECT status, count(*), sum(amount) FROM (SELECT DISTINCT ON (user_id) * FROM orders
  ORDER BY user_id, ts DESC) d GROUP BY status"

job cdc_distinct "tier text, user_id int, PRIMARY KEY (tier, user_id)" \
"tier STRING, user_id INT, PRIMARY KEY (tier, user_id) NOT ENFORCED" \
"INSERT INTO cdc_distinct SELECT DISTINCT COALESCE(tier, '-'), user_id FROM accounts;" \
"SELECT DISTINCT coalesce(tier, '-'), user_id FROM accounts"

job window_having "ws timestamp(3), product text, cnt bigint, PRIMARY KEY (ws, product)" \
"ws TIMESTAMP(3), product STRING, cnt BIGINT, PRIMARY KEY (ws, product) NOT ENFORCED" \
"INSERT INTO window_having SELECT window_start, product, COUNT(*)
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' MINUTES))
GROUP BY window_start, window_end, product HAVING SUM(amount) > 300;" \
"SELECT date_bin('10 min', ts, '2024-01-01'), product, count(*) FROM orders GROUP BY 1, 2
HAVING sum(amount) > 300"

job topn_cdc_norn "tier text, id bigint, balance int, PRIMARY KEY (tier, id)" \
"tier STRING, id BIGINT, balance INT, PRIMARY KEY (tier, id) NOT ENFORCED" \
"INSERT INTO topn_cdc_norn SELECT tier, id, balance FROM (
  SELECT tier, id, balance, ROW_NUMBER() OVER (PARTITION BY tier ORDER BY balance DESC, id) AS rn
  FROM (SELECT COALESCE(tier, '-') AS tier, id, balance FROM accounts WHERE balance IS NOT NULL))
WHERE rn <= 3;" \
"SELECT tier, id, balance FROM (SELECT coalesce(tier, '-') tier, id, balance,
  row_number() OVER (PARTITION BY coalesce(tier, '-') ORDER BY balance DESC, id) rn
  FROM accounts WHERE balance IS NOT NULL) x WHERE rn <= 3"

job numeric_aggs "product text PRIMARY KEY, av numeric(38,6), mx text, mn text, cds bigint, half numeric(12,2)" \
"product STRING, av DECIMAL(38, 6), mx STRING, mn STRING, cds BIGINT, half DECIMAL(12, 2),
  PRIMARY KEY (product) NOT ENFORCED" \
"INSERT INTO numeric_aggs SELECT product, AVG(amount), MAX(status), MIN(CONCAT(status, '#')),
  COUNT(DISTINCT status), CAST(SUM(amount) / 2 AS DECIMAL(12, 2))
FROM orders GROUP BY product;" \
"SELECT product, round(avg(amount), 6), max(status), min(status || '#'), count(DISTINCT status),
  round(sum(amount) / 2, 2) FROM orders GROUP BY product"

job cdc_strings "user_id int PRIMARY KEY, hi text, lo text, tiers bigint, av numeric(38,6)" \
"user_id INT, hi STRING, lo STRING, tiers BIGINT, av DECIMAL(38, 6), PRIMARY KEY (user_id) NOT ENFORCED" \
"INSERT INTO cdc_strings SELECT user_id, MAX(tier), MIN(tier), COUNT(DISTINCT tier),
  AVG(CAST(balance AS DECIMAL(10, 2))) FROM accounts GROUP BY user_id;" \
"SELECT user_id, max(tier), min(tier), count(DISTINCT tier), round(avg(balance::numeric(10,2)), 6)
FROM accounts GROUP BY user_id"

# PARTITION BY expressions (computed below the ranking, as Flink projects
# them): an hourly dedup and a top-N over COALESCE on a changelog.
job dedup_hourly "user_id int, hr text, order_id bigint, PRIMARY KEY (user_id, hr)" \
"user_id INT, hr STRING, order_id BIGINT, PRIMARY KEY (user_id, hr) NOT ENFORCED" \
"INSERT INTO dedup_hourly SELECT user_id, DATE_FORMAT(ts, 'HH'), order_id FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY user_id, DATE_FORMAT(ts, 'HH') ORDER BY pt) AS rn
  FROM orders) WHERE rn = 1;" \
"SELECT DISTINCT ON (user_id, to_char(ts, 'HH24')) user_id, to_char(ts, 'HH24'), order_id
FROM orders ORDER BY user_id, to_char(ts, 'HH24'), seq"

job topn_expr "tier text, rn bigint, id bigint, balance int, PRIMARY KEY (tier, rn)" \
"tier STRING, rn BIGINT, id BIGINT, balance INT, PRIMARY KEY (tier, rn) NOT ENFORCED" \
"INSERT INTO topn_expr SELECT COALESCE(tier, '-'), rn, id, balance FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY COALESCE(tier, '-') ORDER BY balance DESC, id) AS rn
  FROM accounts WHERE balance IS NOT NULL) WHERE rn <= 2;" \
"SELECT tier, rn, id, balance FROM (SELECT coalesce(tier, '-') tier, id, balance,
  row_number() OVER (PARTITION BY coalesce(tier, '-') ORDER BY balance DESC, id) rn
  FROM accounts WHERE balance IS NOT NULL) x WHERE rn <= 2"

job topn_order_expr "user_id int, rn bigint, id bigint, PRIMARY KEY (user_id, rn)" \
"user_id INT, rn BIGINT, id BIGINT, PRIMARY KEY (user_id, rn) NOT ENFORCED" \
"INSERT INTO topn_order_expr SELECT user_id, rn, id FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY COALESCE(balance, -1000) DESC, id) AS rn
  FROM accounts) WHERE rn <= 3;" \
"SELECT user_id, rn, id FROM (SELECT *, row_number() OVER (PARTITION BY user_id
  ORDER BY coalesce(balance, -1000) DESC, id) rn FROM accounts) x WHERE rn <= 3"

# ------------------------------------------------------------ upsert-kafka source
job kafka_agg "tier text PRIMARY KEY, cnt bigint, total bigint, hi int" \
"tier STRING, cnt BIGINT, total BIGINT, hi INT, PRIMARY KEY (tier) NOT ENFORCED" \
"INSERT INTO kafka_agg SELECT COALESCE(tier, 'none'), COUNT(*), SUM(CAST(balance AS BIGINT)),
  MAX(balance) FROM accounts_kafka GROUP BY COALESCE(tier, 'none');" \
"SELECT coalesce(tier, 'none'), count(*), sum(balance), max(balance) FROM accounts GROUP BY 1"

job kafka_copy "id bigint PRIMARY KEY, user_id int, balance int" \
"id BIGINT, user_id INT, balance INT, PRIMARY KEY (id) NOT ENFORCED" \
"INSERT INTO kafka_copy SELECT id, user_id, balance FROM accounts_kafka;" \
"SELECT id, user_id, balance FROM accounts"

job kafka_other_pk "user_id int PRIMARY KEY, id bigint, balance int" \
"user_id INT, id BIGINT, balance INT, PRIMARY KEY (user_id) NOT ENFORCED" \
"INSERT INTO kafka_other_pk SELECT user_id, id, balance FROM accounts_kafka;" \
"SELECT DISTINCT ON (user_id) user_id, id, balance FROM accounts ORDER BY user_id, updated DESC"

job kafka_topn "user_id int, rn bigint, id bigint, balance int, PRIMARY KEY (user_id, rn)" \
"user_id INT, rn BIGINT, id BIGINT, balance INT, PRIMARY KEY (user_id, rn) NOT ENFORCED" \
"INSERT INTO kafka_topn SELECT user_id, rn, id, balance FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY balance DESC, id) AS rn
  FROM accounts_kafka WHERE balance IS NOT NULL) WHERE rn <= 2;" \
"SELECT user_id, rn, id, balance FROM (SELECT *, row_number() OVER (PARTITION BY user_id
  ORDER BY balance DESC, id) rn FROM accounts WHERE balance IS NOT NULL) x WHERE rn <= 2"

# ------------------------------------------------------------ refused by name
# What holoflow does not run is refused by `check` at the construct's
# place (file:line:col), never misread. refused NAME STATEMENT TEXT
refused() {
    if [ -n "${HF_COMPAT_ONLY:-}" ] || [ -n "${HF_COMPAT_SETTINGS:-}" ]; then
        return 0
    fi
    { echo "$SOURCES"; sink out "k STRING, v BIGINT, PRIMARY KEY (k) NOT ENFORCED"; echo "$2"; } >"$T/$1.sql"
    run_hf "$T/out" "$T/err" check "$T/$1.sql"
    expect_rc 2 "$1 refused"
    expect_grep "$1.sql:" "$T/err" "$1: the place"
    expect_grep "$3" "$T/err" "$1: the reason"
}
refused r_temporal "INSERT INTO out SELECT o.product, CAST(a.balance AS BIGINT) FROM orders AS o
JOIN accounts_v FOR SYSTEM_TIME AS OF o.ts AS a ON o.user_id = a.user_id;" "event-time temporal join"
refused r_in_subquery "INSERT INTO out SELECT product, COUNT(*) FROM orders
WHERE user_id IN (SELECT user_id FROM users) GROUP BY product;" "subqueries (IN (SELECT ...)) are not supported"
# GROUPING SETS/ROLLUP/CUBE and ORDER BY ... LIMIT are supported now; their
# own checks against PostgreSQL: test_grouping_sets_differential.sh and
# test_holo_sort_limit.sh.

# Once more with three-row batches at parallelism 2 (keyed operators in two
# instances): expression results that borrow the input's strings must
# outlive the input batch (COALESCE(tier, '-') as a group key).
if [ -z "${HF_COMPAT_SETTINGS:-}" ]; then
    HF_COMPAT_SETTINGS="SET 'holoflow.batch.rows' = '3';
SET 'parallelism.default' = '2';" bash "$0" >"$T/again.out" 2>&1 ||
        fail "three-row batches, parallelism 2: $(tail -30 "$T/again.out")"
fi

finish
