"""holoflow.read_hologres: tables written with write_hologres (and
checked there with psql) read back equal to the DataFrame written, for
every dtype the module converts: integers of each width with and without
NULLs, floats with NaN, booleans, 38-digit decimals, tz-aware and naive
timestamps, dates, times, unicode, bytes, arrays with NULL elements;
columns, a pushed-down where (its constants parameters: a constant holding
SQL is only a value), 4 parallel readers over a partitioned parent, the
schema's declared types (checked by the engine), and the refusals."""

import datetime
import decimal

import numpy as np
import pandas as pd
import pytest

import holoflow


def _conn(pg, table):
    return dict(db_name=pg["db"], table_name=table, username=pg["user"],
                password="pw-not-shown")


def _write(pg, table, df, **kw):
    return holoflow.write_hologres(df, pg["endpoint"], **_conn(pg, table),
                                   **kw)


def _read(pg, table, **kw):
    out = holoflow.read_hologres(pg["endpoint"], **_conn(pg, table), **kw)
    assert isinstance(out, holoflow.DataFrame)
    return out.to_pandas()


def test_numbers_and_nulls_round_trip(pg, sql, table):
    sql("CREATE TABLE %s (k bigint PRIMARY KEY, i int, s smallint, "
        "ni bigint, r real, d double precision, flag boolean, nb boolean)"
        % table)
    df = pd.DataFrame({
        "k": np.array([-2**63, 0, 2**63 - 1], dtype=np.int64),
        "i": np.array([2147483647, -2147483648, 0], dtype=np.int32),
        "s": np.array([32767, -32768, 1], dtype=np.int16),
        "ni": pd.array([1, None, 3], dtype="Int64"),
        "r": np.array([1.5, np.nan, -0.25], dtype=np.float32),
        "d": [0.1, np.nan, 1e300],
        "flag": [True, False, True],
        "nb": pd.array([None, True, False], dtype="boolean"),
    })
    _write(pg, table, df)
    got = _read(pg, table, primary_key="k")
    pd.testing.assert_frame_equal(got, df)
    # 4 readers over one snapshot give the same.
    got = _read(pg, table, primary_key="k",
                extra_options={"source.scan.split-count": 4})
    pd.testing.assert_frame_equal(got, df)


def test_decimals_38_digits(pg, sql, table):
    sql("CREATE TABLE %s (k int PRIMARY KEY, a numeric(38,0), "
        "b numeric(38,10))" % table)
    big = "9" * 38
    df = pd.DataFrame({
        "k": np.array([1, 2, 3], dtype=np.int32),
        "a": [decimal.Decimal(big), decimal.Decimal("-" + big), None],
        "b": [decimal.Decimal("1234567890123456789012345678.0123456789"),
              None, decimal.Decimal("-0.0000000001")],
    })
    _write(pg, table, df)
    got = _read(pg, table, primary_key="k")
    pd.testing.assert_frame_equal(got, df)
    assert str(got["a"][0]) == big
    assert str(got["b"][0]) == "1234567890123456789012345678.0123456789"


def test_times_round_trip(pg, sql, table):
    sql("CREATE TABLE %s (k int PRIMARY KEY, tz timestamptz, ts timestamp, "
        "d date, t time)" % table)
    tz = pd.to_datetime(["2024-03-10 01:59:59.123456", None,
                         "1969-07-20 20:17:40"]).tz_localize("Asia/Shanghai")
    ts = pd.to_datetime(["2024-02-29 23:59:59.999999", "1900-01-01", None])
    df = pd.DataFrame({
        "k": np.array([1, 2, 3], dtype=np.int32),
        "tz": tz.astype("datetime64[ns, Asia/Shanghai]"),
        "ts": ts.astype("datetime64[ns]"),
        "d": [datetime.date(2024, 2, 29), None, datetime.date(1, 1, 1)],
        "t": [datetime.time(23, 59, 59, 999999), datetime.time(0, 0), None],
    })
    _write(pg, table, df)
    got = _read(pg, table, primary_key="k")
    # TIMESTAMP_LTZ comes back in UTC: the same instants.
    assert str(got["tz"].dtype) == "datetime64[ns, UTC]"
    want = df.copy()
    want["tz"] = want["tz"].dt.tz_convert("UTC")
    pd.testing.assert_frame_equal(got, want)


def test_text_bytes_arrays_round_trip(pg, sql, table):
    sql("CREATE TABLE %s (k int PRIMARY KEY, s text, v varchar(20), "
        "b bytea, ai bigint[], at text[], ad double precision[], "
        "an numeric(10,2)[])" % table)
    df = pd.DataFrame({
        "k": np.array([1, 2, 3], dtype=np.int32),
        "s": ["héllo wörld ✓ 😀", None, "tab\tand\nnewline, \"quotes\" \\"],
        "v": ["日本語", "", None],
        "b": [b"\x00\x01\xff", None, b""],
        "ai": [[1, None, -3], [], None],
        "at": [["a, b", None, "ü"], None, ["[x]"]],
        "ad": [[0.5, -1.25], None, []],
        "an": [[decimal.Decimal("1.25"), None], None,
               [decimal.Decimal("-99999999.99")]],
    })
    _write(pg, table, df)
    got = _read(pg, table, primary_key="k")
    pd.testing.assert_frame_equal(got, df)


def test_columns_where_parallel_partitioned(pg, sql, table):
    sql("CREATE TABLE %s (k bigint, region text, amount numeric(12,2), "
        "note text) PARTITION BY LIST (region)" % table)
    for r in ("eu", "us", "ap"):
        sql("CREATE TABLE %s_%s PARTITION OF %s FOR VALUES IN ('%s')"
            % (table, r, table, r))
    n = 30000
    k = np.arange(n, dtype=np.int64)
    df = pd.DataFrame({
        "k": k,
        "region": np.array(["eu", "us", "ap"], dtype=object)[k % 3],
        "amount": [decimal.Decimal(int(x)) / 100 for x in k],
        "note": [None if x % 7 == 0 else "n%d" % x for x in k],
    })
    _write(pg, table, df)
    got = _read(pg, table, primary_key="k",
                extra_options={"source.scan.split-count": 4})
    pd.testing.assert_frame_equal(got, df)
    got = _read(pg, table, columns=["note", "k"], primary_key="k",
                where="region IN ('eu', 'ap') AND k BETWEEN 100 AND 20000 "
                      "AND (note IS NULL OR amount >= 150)",
                extra_options={"source.scan.split-count": 2})
    sel = df[df.region.isin(["eu", "ap"]) & df.k.between(100, 20000)
             & (df.note.isna() | (df.amount >= 150))]
    want = sel[["note", "k"]].reset_index(drop=True)
    assert len(want) > 1000
    pd.testing.assert_frame_equal(got, want)


def test_where_constant_is_a_value(pg, sql, table):
    sql("CREATE TABLE %s (k int, s text)" % table)
    sql("INSERT INTO %s VALUES (1, 'x''; DROP TABLE %s; --'), (2, 'y')"
        % (table, table))
    got = _read(pg, table, where="s = 'x''; DROP TABLE %s; --'" % table)
    assert got["k"].tolist() == [1]
    assert sql("SELECT count(*) FROM %s" % table) == [["2"]]


def test_schema_types(pg, sql, table):
    sql("CREATE TABLE %s (k int, big bigint, s text)" % table)
    sql("INSERT INTO %s VALUES (1, 10, 'a'), (2, NULL, 'b')" % table)
    got = _read(pg, table, schema={"k": holoflow.DataType.bigint(),
                                   "s": holoflow.DataType.string()},
                primary_key="k")
    assert list(got.columns) == ["k", "s"]
    assert str(got["k"].dtype) == "int64"
    assert got["s"].tolist() == ["a", "b"]
    got = _read(pg, table, columns=["big"], primary_key="big")
    assert str(got["big"].dtype) == "Int64"
    with pytest.raises(holoflow.ConfigurationError,
                       match='"big" of type bigint cannot be read as INT'):
        _read(pg, table, schema={"big": holoflow.DataType.int()})


def test_refusals(pg, sql, table):
    sql("CREATE TABLE %s (k int, s text)" % table)
    with pytest.raises(holoflow.ConfigurationError,
                       match="cannot apply all of the where clause"):
        _read(pg, table, where="UPPER(s) = 'A'")
    with pytest.raises(holoflow.ConfigurationError, match="nope"):
        _read(pg, table, columns=["nope"])
    with pytest.raises(holoflow.ConfigurationError, match="nope"):
        _read(pg, table, where="nope > 1")
    with pytest.raises(holoflow.ConfigurationError,
                       match="source.scan.split-count"):
        _read(pg, table, extra_options={"source.scan.split-count": "many"})
    with pytest.raises(holoflow.ConnectionError) as e:
        holoflow.read_hologres("127.0.0.1:1", **_conn(pg, table))
    assert "pw-not-shown" not in str(e.value)
    with pytest.raises(TypeError):
        _read(pg, table, where=5)


def test_nested_declared_in_schema(pg, sql, table):
    # The catalog does not tell an array's dimensions or a composite's
    # Flink type: schema declares them, and the engine reads them typed.
    sql("DROP TYPE IF EXISTS %s_t CASCADE; CREATE TYPE %s_t AS (x int, "
        "label text, amt numeric(10,2))" % (table, table))
    sql("CREATE TABLE %s (k int, m int[][], p %s_t, ps %s_t[])"
        % (table, table, table))
    sql("INSERT INTO %s VALUES (1, '{{1,2},{3,NULL}}', "
        "row(1, 'a\"b', 1.50), ARRAY[row(2, NULL, NULL)::%s_t]), "
        "(2, NULL, NULL, NULL)" % (table, table))
    row_t = "ROW<x INT, label STRING, amt DECIMAL(10, 2)>"
    got = _read(pg, table, primary_key="k",
                schema={"k": None, "m": "ARRAY<ARRAY<INT>>", "p": row_t,
                        "ps": "ARRAY<%s>" % row_t})
    assert got.to_dict("records") == [
        {"k": 1, "m": [[1, 2], [3, None]],
         "p": {"x": 1, "label": 'a"b', "amt": decimal.Decimal("1.50")},
         "ps": [{"x": 2, "label": None, "amt": None}]},
        {"k": 2, "m": None, "p": None, "ps": None}]
    with pytest.raises(holoflow.DataError, match="2-dimensional array"):
        _read(pg, table, columns=["m"])


READ_CHILD = r"""
import sys
import holoflow
endpoint, db, user, table = sys.argv[1:5]
try:
    holoflow.read_hologres(endpoint, db_name=db, table_name=table,
                           username=user, password="pw")
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(3)
print("finished", flush=True)
"""


def test_sigint_while_blocked_stops_the_scan(pg, sql, table):
    import os
    import signal
    import subprocess
    import sys
    import time
    sql("CREATE TABLE %s (id int)" % table)
    sql("INSERT INTO %s VALUES (1)" % table)
    locker = subprocess.Popen(
        ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env=dict(os.environ, PGTZ="UTC"))
    locker.stdin.write("BEGIN; LOCK TABLE %s IN ACCESS EXCLUSIVE MODE; "
                       "SELECT 'locked';\n" % table)
    locker.stdin.flush()
    assert locker.stdout.readline().strip() == "locked"
    child = subprocess.Popen(
        [sys.executable, "-c", READ_CHILD, pg["endpoint"], pg["db"],
         pg["user"], table], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        for _ in range(600):  # bounded: until the scan waits for the lock
            waiting = sql("SELECT count(*) FROM pg_locks l JOIN pg_class c "
                          "ON c.oid = l.relation WHERE c.relname = '%s' "
                          "AND NOT l.granted" % table)
            if waiting != [["0"]] or child.poll() is not None:
                break
            time.sleep(0.1)
        assert waiting == [["1"]], child.communicate()
        child.send_signal(signal.SIGINT)
        # The child ends while the lock is still held: the scan stopped.
        out, err = child.communicate(timeout=120)
    finally:
        locker.stdin.write("COMMIT;\n")
        locker.stdin.close()
        locker.wait()
    assert child.returncode == 3, (out, err)
    assert out.strip() == "interrupted"
    assert "interrupted: stopping the reader" in err
