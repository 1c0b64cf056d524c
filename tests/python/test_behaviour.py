"""Result object, error classes, secrets, logging and interruption.

KeyboardInterrupt: a bulk load interrupted before its commit leaves the
table unchanged, whether the interrupt comes from the caller's own code
(a generator of DataFrames) or as SIGINT while the engine is blocked
inside a write. For the latter the test makes the engine block for sure:
another session holds a SHARE lock on the table (COPY needs ROW
EXCLUSIVE), the test waits until pg_locks shows the writer waiting, then
sends SIGINT, then releases the lock."""

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

import holoflow

SECRET = "Sup3r-Secret-Pw-4711"


def _write(pg, table, df, **kw):
    return holoflow.write_hologres(
        df, pg["endpoint"], db_name=pg["db"], table_name=table,
        username=pg["user"], password=SECRET, **kw)


def test_result_counts(pg, sql, table):
    sql("CREATE TABLE %s (id int PRIMARY KEY, v text)" % table)
    r = _write(pg, table, pd.DataFrame({"id": [1, 2, 3], "v": "x"}),
               primary_key="id", write_mode="INSERT")
    assert (r.rows_written, r.dirty_rows, r.rows_in) == (3, 0, 3)
    assert r.elapsed > 0
    assert "rows_written=3" in repr(r)


def test_dirty_rows_counted(pg, sql, table):
    sql("CREATE TABLE %s (id int PRIMARY KEY, v int CHECK (v > 0))" % table)
    df = pd.DataFrame({"id": [1, 2, 3], "v": [1, -1, 3]})
    r = _write(pg, table, df, primary_key="id", write_mode="INSERT",
               extra_options={"sink.insert.dirty-data-strategy": "SKIP"})
    assert (r.rows_written, r.dirty_rows) == (2, 1)
    assert sql("SELECT id FROM %s ORDER BY id" % table) == [["1"], ["3"]]


def test_server_rejection_is_an_error(pg, sql, table):
    sql("CREATE TABLE %s (id int PRIMARY KEY, v int CHECK (v > 0))" % table)
    df = pd.DataFrame({"id": [1, 2], "v": [1, -1]})
    with pytest.raises(holoflow.Error) as info:
        _write(pg, table, df, primary_key="id", write_mode="INSERT")
    assert "check constraint" in str(info.value)
    assert SECRET not in str(info.value)


def test_connection_error(pg):
    df = pd.DataFrame({"id": [1]})
    with pytest.raises(holoflow.ConnectionError) as info:
        holoflow.write_hologres(df, "127.0.0.1:1", db_name="x",
                                table_name="t", username="u",
                                password=SECRET, retry_count=0)
    assert isinstance(info.value, ConnectionError)  # the built-in too
    assert info.value.code == "CONNECT"
    assert SECRET not in str(info.value)


def test_missing_table_is_configuration_error(pg):
    with pytest.raises(holoflow.Error) as info:
        _write(pg, "no_such_table_here", pd.DataFrame({"id": [1]}))
    assert "no_such_table_here" in str(info.value)


def test_secret_never_in_messages_or_logs(pg, sql, table, caplog):
    sql("CREATE TABLE %s (id int, v text)" % table)
    caplog.set_level(logging.DEBUG, logger="holoflow")
    # the secret appears as data too: a value is not scrubbed by
    # accident either way, but no message may carry it
    _write(pg, table, pd.DataFrame({"id": [1], "v": ["plain"]}))
    with pytest.raises(holoflow.Error) as info:
        _write(pg, table, pd.DataFrame({"id": [1], "v": ["x"]}),
               extra_options={"sink.insert.batch-size": SECRET})
    text = str(info.value) + "\n".join(r.getMessage()
                                       for r in caplog.records)
    assert SECRET not in text
    assert any(r.name == "holoflow" for r in caplog.records)


def test_logging_goes_to_holoflow_logger(pg, sql, table, caplog):
    sql("CREATE TABLE %s (id int)" % table)
    caplog.set_level(logging.INFO, logger="holoflow")
    _write(pg, table, pd.DataFrame({"id": [1]}), write_mode="COPY_STREAM")
    msgs = [r.getMessage() for r in caplog.records if r.name == "holoflow"]
    assert any("COPY_STREAM" in m for m in msgs), msgs
    caplog.clear()
    caplog.set_level(logging.WARNING, logger="holoflow")
    _write(pg, table, pd.DataFrame({"id": [2]}), write_mode="COPY_STREAM")
    assert not [r for r in caplog.records
                if r.name == "holoflow" and r.levelno < logging.WARNING]


def test_interrupt_from_generator_rolls_back_bulk_load(pg, sql, table):
    sql("CREATE TABLE %s (id bigint PRIMARY KEY, v text)" % table)
    sql("INSERT INTO %s VALUES (-1, 'kept')" % table)

    def frames():
        for part in range(3):
            ids = np.arange(part * 50000, (part + 1) * 50000)
            yield pd.DataFrame({"id": ids, "v": "x"})
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        _write(pg, table, frames(), primary_key="id",
               write_mode="COPY_BULK_LOAD_ON_CONFLICT")
    assert sql("SELECT id, v FROM %s" % table) == [["-1", "kept"]]
    # the same data without the interrupt is written completely
    r = _write(pg, table, pd.DataFrame({"id": np.arange(50000), "v": "y"}),
               primary_key="id", write_mode="COPY_BULK_LOAD_ON_CONFLICT")
    assert r.rows_written == 50000


CHILD = textwrap.dedent("""
    import logging, sys, numpy as np, pandas as pd, holoflow
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    endpoint, db, user, table = sys.argv[1:5]
    df = pd.DataFrame({"id": np.arange(200000), "v": "x"})
    try:
        holoflow.write_hologres(df, endpoint, db_name=db, table_name=table,
                                username=user, password="pw",
                                primary_key="id", write_mode="COPY_BULK_LOAD")
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(3)
    print("finished", flush=True)
""")


def test_sigint_while_blocked_rolls_back(pg, sql, table):
    sql("CREATE TABLE %s (id bigint PRIMARY KEY, v text)" % table)
    env = dict(os.environ, PGTZ="UTC")
    # a session holding SHARE on the table until its stdin closes
    locker = subprocess.Popen(
        ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    locker.stdin.write("BEGIN; LOCK TABLE %s IN SHARE MODE; "
                       "SELECT 'locked';\n" % table)
    locker.stdin.flush()
    assert locker.stdout.readline().strip() == "locked"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, pg["endpoint"], pg["db"], pg["user"],
         table], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # wait (bounded) until the writer's COPY waits for the lock
        for _ in range(600):
            waiting = sql("SELECT count(*) FROM pg_locks l JOIN pg_class c "
                          "ON c.oid = l.relation WHERE c.relname = '%s' "
                          "AND NOT l.granted" % table)
            if waiting != [["0"]] or child.poll() is not None:
                break
            time.sleep(0.1)
        assert waiting == [["1"]], child.communicate()
        child.send_signal(signal.SIGINT)
        # the module logs when it has seen the signal and stopped the
        # writer, which is still blocked
        for line in child.stderr:
            if "interrupted: stopping the writer" in line:
                break
    finally:
        locker.stdin.write("COMMIT;\n")
        locker.stdin.close()
        locker.wait()
    out, err = child.communicate(timeout=300)
    assert child.returncode == 3, (out, err)
    assert out.strip() == "interrupted"
    assert sql("SELECT count(*) FROM %s" % table) == [["0"]]
