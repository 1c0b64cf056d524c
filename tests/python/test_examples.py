"""Every write_hologres example of 002_*, as written there, with the
endpoint and credentials filled in and `df`/`events` a holoflow.DataFrame
(PyFlink's DataFrame in 002_*). The target tables are created first, as a
user of Hologres would have them; psql checks what the examples leave.

Example 1 reads `events` with read_hologres, as written, from a table
the test fills, and writes it on.
"""

import holoflow as pf  # the examples' own alias

import pandas as pd


def test_example1_streaming_upsert_write(pg, sql):
    sql("SET client_min_messages = warning;"
        "DROP TABLE IF EXISTS events, events_processed;"
        "CREATE TABLE events (event_id bigint PRIMARY KEY, \"user\" text, "
        "extra int);"
        "INSERT INTO events VALUES (3, 'cy', 0), (1, 'ann', 0), "
        "(2, 'bob', 0);"
        "CREATE TABLE events_processed (event_id bigint PRIMARY KEY, "
        "\"user\" text);"
        "INSERT INTO events_processed VALUES (2, 'old')")
    ALIYUN_AK_ID, ALIYUN_AK_SECRET = pg["user"], "secret-of-example-1"
    events = pf.read_hologres(
        pg["endpoint"],
        db_name=pg["db"],
        table_name="public.events",
        username=ALIYUN_AK_ID,
        password=ALIYUN_AK_SECRET,
        schema={
            "event_id": pf.DataType.bigint(),
            "user": pf.DataType.string(),
        },
        primary_key="event_id",
    )
    assert isinstance(events, pf.DataFrame)
    pd.testing.assert_frame_equal(events.to_pandas(), pd.DataFrame({
        "event_id": [1, 2, 3], "user": ["ann", "bob", "cy"]}))
    events.write_hologres(
        pg["endpoint"],
        db_name=pg["db"],
        table_name="public.events_processed",
        username=ALIYUN_AK_ID,
        password=ALIYUN_AK_SECRET,
        primary_key="event_id",
    )
    assert sql("SELECT event_id, \"user\" FROM events_processed "
               "ORDER BY 1") == [["1", "ann"], ["2", "bob"], ["3", "cy"]]


def test_example2_bulk_load(pg, sql):
    sql("SET client_min_messages = warning;"
        "DROP TABLE IF EXISTS daily_summary;"
        "CREATE TABLE daily_summary (day date, region text, "
        "total numeric(18,2))")
    ALIYUN_AK_ID, ALIYUN_AK_SECRET = pg["user"], "secret-of-example-2"
    df = pf.DataFrame(pd.DataFrame({
        "day": pd.to_datetime(["2024-05-01"] * 3 + ["2024-05-02"]),
        "region": ["east", "west", "north", "east"],
        "total": [10.5, 20.25, 0.1, 7.0]}))
    df.write_hologres(
        pg["endpoint"],
        db_name=pg["db"],
        table_name="public.daily_summary",
        username=ALIYUN_AK_ID,
        password=ALIYUN_AK_SECRET,
        write_mode="COPY_BULK_LOAD",
        copy_format="text",
        insert_batch_size=4096,
        insert_batch_byte_size=8 * 1024 * 1024,
    )
    assert sql("SELECT day, region, total FROM daily_summary "
               "ORDER BY 1, 2") == [
        ["2024-05-01", "east", "10.50"], ["2024-05-01", "north", "0.10"],
        ["2024-05-01", "west", "20.25"], ["2024-05-02", "east", "7.00"]]


def test_example3_check_and_put(pg, sql):
    sql("SET client_min_messages = warning;"
        "DROP TABLE IF EXISTS profiles;"
        "CREATE TABLE profiles (user_id bigint PRIMARY KEY, name text, "
        "version int);"
        "INSERT INTO profiles VALUES (1, 'stored-v5', 5), "
        "(2, 'stored-v5', 5), (3, 'stored-null', NULL)")
    ALIYUN_AK_ID, ALIYUN_AK_SECRET = pg["user"], "secret-of-example-3"
    df = pf.from_pandas(pd.DataFrame({
        "user_id": [1, 2, 3, 4],
        "name": ["new-v4", "new-v6", "new-v1", "new-v1"],
        "version": [4, 6, 1, 1]}))
    df.write_hologres(
        pg["endpoint"],
        db_name=pg["db"],
        table_name="public.profiles",
        username=ALIYUN_AK_ID,
        password=ALIYUN_AK_SECRET,
        primary_key="user_id",
        on_conflict_action="INSERT_OR_UPDATE",
        check_and_put_column="version",
        check_and_put_operator="GREATER",
        check_and_put_null_as="0",
    )
    # 1: 4 > 5 is false (kept); 2: 6 > 5 (updated); 3: 1 > NULL-as-0
    # (updated); 4: new row.
    assert sql("SELECT user_id, name, version FROM profiles ORDER BY 1") == [
        ["1", "stored-v5", "5"], ["2", "new-v6", "6"], ["3", "new-v1", "1"],
        ["4", "new-v1", "1"]]


def test_example4_partial_update(pg, sql):
    sql("SET client_min_messages = warning;"
        "DROP TABLE IF EXISTS user_state;"
        "CREATE TABLE user_state (user_id bigint PRIMARY KEY, state text, "
        "score int, note text);"
        "INSERT INTO user_state VALUES (1, 'old', 10, 'keep me'), "
        "(2, 'old', 20, 'keep me too')")
    ALIYUN_AK_ID, ALIYUN_AK_SECRET = pg["user"], "secret-of-example-4"
    df = pf.from_pandas(pd.DataFrame({
        "user_id": [1, 2, 3],
        "state": ["active", None, "new"],
        "score": pd.array([11, 21, None], dtype="Int32")}))
    df.write_hologres(
        pg["endpoint"],
        db_name=pg["db"],
        table_name="public.user_state",
        username=ALIYUN_AK_ID,
        password=ALIYUN_AK_SECRET,
        primary_key="user_id",
        partial_insert=True,
        insert_batch_size=1024,
        insert_flush_interval_ms=2000,
        ignore_null_when_update=True,
    )
    # note is not written (partial insert); state NULL keeps 'old'.
    assert sql("SELECT user_id, coalesce(state, 'NULL'), "
               "coalesce(score::text, 'NULL'), coalesce(note, 'NULL') "
               "FROM user_state ORDER BY 1") == [
        ["1", "active", "11", "keep me"], ["2", "old", "21", "keep me too"],
        ["3", "new", "NULL", "NULL"]]


def test_example5_extra_options(pg, sql):
    sql("SET client_min_messages = warning;"
        "DROP TABLE IF EXISTS events;"
        "CREATE TABLE events (event_id bigint PRIMARY KEY, \"user\" text)")
    ALIYUN_AK_ID, ALIYUN_AK_SECRET = pg["user"], "secret-of-example-5"
    df = pf.from_pandas(pd.DataFrame({
        "event_id": list(range(5000)),
        "user": ["u%d" % i for i in range(5000)]}))
    df.write_hologres(
        pg["endpoint"],
        db_name=pg["db"],
        table_name="public.events",
        username=ALIYUN_AK_ID,
        password=ALIYUN_AK_SECRET,
        extra_options={
            "hologres.server.version": "3.1",
            "sink.insert.batch-size": "2048",  # overrides default
        },
    )
    assert sql("SELECT count(*), min(event_id), max(event_id), "
               "count(DISTINCT \"user\") FROM events") == [
        ["5000", "0", "4999", "5000"]]
