"""python_bench.py - the measuring half of bench/python.sh (run it through
that script, which builds holoflow and starts a private PostgreSQL).

One pandas DataFrame of N rows of the 000_* sale schema (user_id int64,
distinct, shuffled; user_name str; price float64 with two decimals;
sale_timestamp datetime64[ns] at whole seconds) goes into PostgreSQL table
`sale` (user_id bigint PRIMARY KEY, user_name text, price numeric(38,2),
sale_timestamp timestamp) by:

  load (empty table, reset before every run):
    hf_copy     holoflow.write_hologres(write_mode='COPY_STREAM')
    pg_copy     psycopg2 copy_expert of df.to_csv() (the usual fast path;
                the CSV is made inside the timed part, as it would be)
    to_sql      pandas DataFrame.to_sql(method='multi', chunksize=1000)
                through SQLAlchemy + psycopg2
  upsert (table holding the even keys with other values, reset before
  every run):
    hf_upsert   holoflow.write_hologres(write_mode='INSERT',
                primary_key='user_id'): INSERT ... ON CONFLICT DO UPDATE
    pg_upsert   psycopg2.extras.execute_values of INSERT ... ON CONFLICT
                (user_id) DO UPDATE, page_size=1000
  read (the table filled once with N rows of the same shape by SQL):
    hf_read     holoflow.read_hologres(...).to_pandas(), one reader
    hf_read2    the same with source.scan.split-count = 2 (parallel
                readers sharing one snapshot)
    read_sql    pandas.read_sql("SELECT * FROM sale") through SQLAlchemy +
                psycopg2

Each run is a separate process (so its peak RSS, ru_maxrss, is its own)
that builds the frame, then times only the write call; the frame's own
RSS is printed as the baseline. Methods run interleaved, BENCH_REPEAT
times (to_sql: BENCH_TOSQL_REPEAT, default 1: it is slow); the best time
counts and the median is shown. After every write run the table's row
count and md5 over the rows in key order must equal the expected ones (the
same for every method), and every read must give the same row count and
sums of the key, the prices and the timestamps, or the bench fails.

Usage: python_bench.py driver | python_bench.py run METHOD
Environment: PGHOST, PGPORT, PGUSER, PGDATABASE; BENCH_ROWS (1000000),
BENCH_REPEAT (3), BENCH_TOSQL_REPEAT (1), BENCH_STRICT (1: exit 1 when a
target ratio is missed).
"""

import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time

N = int(os.environ.get("BENCH_ROWS", "1000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
TOSQL_REPEAT = int(os.environ.get("BENCH_TOSQL_REPEAT", "1"))
STRICT = os.environ.get("BENCH_STRICT", "0") == "1"
TABLE = "sale"
READ_METHODS = ("hf_read", "hf_read2", "read_sql")


def frame():
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(20240601)
    ids = rng.permutation(N).astype(np.int64) + 1
    return pd.DataFrame({
        "user_id": ids,
        "user_name": ["user_%d" % i for i in ids],
        "price": np.round(rng.uniform(0, 10000, N), 2),
        "sale_timestamp": pd.Timestamp("2024-01-01")
        + pd.to_timedelta(rng.integers(0, 365 * 86400, N), unit="s"),
    })


def psql(sql):
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                           "-At", "-c", sql], check=True, text=True,
                          capture_output=True,
                          env=dict(os.environ, PGTZ="UTC")).stdout.strip()


def dsn():
    return "host=%s port=%s user=%s dbname=%s" % (
        os.environ["PGHOST"], os.environ["PGPORT"], os.environ["PGUSER"],
        os.environ["PGDATABASE"])


def endpoint():
    return "%s:%s" % (os.environ["PGHOST"], os.environ["PGPORT"])


def frame_check(df):
    """Row count and sums that every reader must agree on."""
    import pandas as pd
    ts = pd.to_datetime(df["sale_timestamp"])
    if ts.dt.tz is not None:
        ts = ts.dt.tz_localize(None)
    # read_sql gives prices as float (coerce_float), read_hologres as
    # Decimal: compare whole cents.
    cents = (df["price"].astype("float64") * 100).round().astype("int64")
    return "%d %d %d %d" % (len(df), int(df["user_id"].sum()),
                            int(cents.sum()),
                            int(ts.astype("int64").sum() // 1000))


def run_read(method):
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if method.startswith("hf_"):
        import holoflow
        extra = {"source.scan.split-count": 2} if method == "hf_read2" \
            else None
        t0 = time.perf_counter()
        df = holoflow.read_hologres(
            endpoint(), db_name=os.environ["PGDATABASE"], table_name=TABLE,
            username=os.environ["PGUSER"], password="unused",
            extra_options=extra).to_pandas()
        elapsed = time.perf_counter() - t0
    else:
        import pandas as pd
        import sqlalchemy
        engine = sqlalchemy.create_engine(
            "postgresql+psycopg2://%s@/%s?host=%s&port=%s" % (
                os.environ["PGUSER"], os.environ["PGDATABASE"],
                os.environ["PGHOST"], os.environ["PGPORT"]))
        t0 = time.perf_counter()
        with engine.connect() as conn:
            df = pd.read_sql(sqlalchemy.text("SELECT * FROM %s" % TABLE),
                             conn)
        elapsed = time.perf_counter() - t0
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"elapsed": elapsed, "base_rss_kb": base_rss,
                      "peak_rss_kb": peak, "check": frame_check(df)}))


def run(method):
    if method in READ_METHODS:
        return run_read(method)
    df = frame()
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if method.startswith("hf_"):
        import holoflow
        kw = dict(db_name=os.environ["PGDATABASE"], table_name=TABLE,
                  username=os.environ["PGUSER"], password="unused")
        if method == "hf_copy":
            kw.update(write_mode="COPY_STREAM")
        else:
            kw.update(write_mode="INSERT", primary_key="user_id")
        t0 = time.perf_counter()
        r = holoflow.write_hologres(df, endpoint(), **kw)
        elapsed = time.perf_counter() - t0
        assert r.rows_written == N, r
    elif method == "pg_copy":
        import psycopg2
        conn = psycopg2.connect(dsn())
        t0 = time.perf_counter()
        buf = io.StringIO()
        df.to_csv(buf, index=False, header=False)
        buf.seek(0)
        with conn.cursor() as cur:
            cur.copy_expert("COPY %s (user_id, user_name, price, "
                            "sale_timestamp) FROM STDIN WITH (FORMAT csv)"
                            % TABLE, buf)
        conn.commit()
        elapsed = time.perf_counter() - t0
        conn.close()
    elif method == "pg_upsert":
        import psycopg2
        import psycopg2.extras
        conn = psycopg2.connect(dsn())
        t0 = time.perf_counter()
        rows = list(df.itertuples(index=False, name=None))
        with conn.cursor() as cur:
            psycopg2.extras.execute_values(
                cur, "INSERT INTO %s (user_id, user_name, price, "
                "sale_timestamp) VALUES %%s ON CONFLICT (user_id) DO UPDATE "
                "SET user_name = excluded.user_name, price = excluded.price, "
                "sale_timestamp = excluded.sale_timestamp" % TABLE, rows,
                page_size=1000)
        conn.commit()
        elapsed = time.perf_counter() - t0
        conn.close()
    elif method == "to_sql":
        import sqlalchemy
        engine = sqlalchemy.create_engine(
            "postgresql+psycopg2://%s@/%s?host=%s&port=%s" % (
                os.environ["PGUSER"], os.environ["PGDATABASE"],
                os.environ["PGHOST"], os.environ["PGPORT"]))
        t0 = time.perf_counter()
        df.to_sql(TABLE, engine, if_exists="append", index=False,
                  method="multi", chunksize=1000)
        elapsed = time.perf_counter() - t0
        engine.dispose()
    else:
        raise SystemExit("unknown method %s" % method)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"elapsed": elapsed, "base_rss_kb": base_rss,
                      "peak_rss_kb": peak}))


def reset(kind):
    psql("SET client_min_messages = warning; DROP TABLE IF EXISTS %s; "
         "CREATE TABLE %s (user_id bigint PRIMARY KEY, user_name text, "
         "price numeric(38,2), sale_timestamp timestamp)" % (TABLE, TABLE))
    if kind == "read":
        psql("INSERT INTO %s SELECT g, 'user_' || g, "
             "round((random() * 10000)::numeric, 2), timestamp '2024-01-01' "
             "+ (random() * 365 * 86400)::int * interval '1 s' "
             "FROM generate_series(1, %d) g" % (TABLE, N))
        psql("VACUUM ANALYZE %s" % TABLE)
    if kind == "upsert":
        psql("INSERT INTO %s SELECT g, 'stale', 0, '2000-01-01' FROM "
             "generate_series(2, %d, 2) g" % (TABLE, N))
    psql("CHECKPOINT")


def digest():
    return psql("SELECT count(*) || ' ' || md5(string_agg(user_id || ',' || "
                "user_name || ',' || price || ',' || sale_timestamp, ';' "
                "ORDER BY user_id)) FROM %s" % TABLE)


def driver():
    me = os.path.abspath(__file__)
    groups = {"load": ["hf_copy", "pg_copy", "to_sql"],
              "upsert": ["hf_upsert", "pg_upsert"],
              "read": list(READ_METHODS)}
    results = {}
    expected = {}
    ok = True
    print("python bench: %d rows of the 000_* sale schema, PostgreSQL 15 "
          "on this machine; best (median) of %d runs, to_sql %d run(s)"
          % (N, REPEAT, TOSQL_REPEAT), flush=True)
    only = os.environ.get("BENCH_ONLY")
    for kind, methods in groups.items():
        if only and kind not in only.split(","):
            continue
        if kind == "read":
            reset(kind)
        for rep in range(max(REPEAT, TOSQL_REPEAT)):
            for m in methods:
                if rep >= (TOSQL_REPEAT if m == "to_sql" else REPEAT):
                    continue
                if kind != "read":
                    reset(kind)
                out = subprocess.run([sys.executable, me, "run", m],
                                     check=True, capture_output=True,
                                     text=True).stdout
                res = json.loads(out.strip().splitlines()[-1])
                d = res["check"] if kind == "read" else digest()
                if kind not in expected:
                    expected[kind] = d
                if d != expected[kind]:
                    print("FAIL: %s left %s, expected %s" % (m, d,
                                                            expected[kind]))
                    ok = False
                results.setdefault(m, []).append(res)
                print("  %-10s run %d: %7.2f s, peak RSS %4d MiB (frame "
                      "alone %4d MiB)" % (m, rep + 1, res["elapsed"],
                                          res["peak_rss_kb"] // 1024,
                                          res["base_rss_kb"] // 1024),
                      flush=True)

    def best(m):
        return min(r["elapsed"] for r in results[m])

    print()
    print("%-10s %10s %10s %12s %10s %12s" % ("method", "best s", "median s",
                                              "rows/s", "peak MiB",
                                              "frame MiB"))
    for m in ["hf_copy", "pg_copy", "to_sql", "hf_upsert", "pg_upsert",
              "hf_read", "hf_read2", "read_sql"]:
        if m not in results:
            continue
        rs = results[m]
        print("%-10s %10.2f %10.2f %12.0f %10d %12d" % (
            m, best(m), statistics.median(r["elapsed"] for r in rs),
            N / best(m), max(r["peak_rss_kb"] for r in rs) // 1024,
            max(r["base_rss_kb"] for r in rs) // 1024))
    print()
    ratios = [
        ("COPY_STREAM vs psycopg2 copy_expert (target >= 1.0)",
         "pg_copy", "hf_copy", 1.0),
        ("INSERT upsert vs psycopg2 execute_values (target >= 1.5)",
         "pg_upsert", "hf_upsert", 1.5),
        ("COPY_STREAM vs pandas to_sql multi/1000 (target >= 10)",
         "to_sql", "hf_copy", 10.0),
        ("INSERT upsert vs pandas to_sql multi/1000 (target >= 10)",
         "to_sql", "hf_upsert", 10.0),
        ("read_hologres vs pandas read_sql", "read_sql", "hf_read", 0.0),
        ("read_hologres 2 readers vs pandas read_sql", "read_sql",
         "hf_read2", 0.0),
    ]
    missed = 0
    for what, slow, fast, target in ratios:
        if slow not in results or fast not in results:
            continue
        ratio = best(slow) / best(fast)
        flag = "" if ratio >= target else "   <- below target"
        missed += ratio < target
        print("ratio %-58s %6.2fx%s" % (what, ratio, flag))
    print("tables identical across methods: %s" % ("yes" if ok else "NO"))
    if not ok or (STRICT and missed):
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "run":
        run(sys.argv[2])
    elif len(sys.argv) == 2 and sys.argv[1] == "driver":
        driver()
    else:
        raise SystemExit(__doc__)
