"""Conflict actions, partial insert, check-and-put and delete strategies
through DataFrames, with row kinds given in the change column `__op`
(+I, -U, +U, -D). Each test starts from stored rows and compares the
whole table afterwards (psql)."""

import pandas as pd
import pytest

import holoflow


def _setup(sql, table, rows="(1, 'a1', 10), (2, 'b1', 20)"):
    sql("CREATE TABLE %s (id bigint PRIMARY KEY, name text, score int)"
        % table)
    sql("INSERT INTO %s VALUES %s" % (table, rows))


def _rows(sql, table):
    return sql("SELECT id, coalesce(name, 'NULL'), "
               "coalesce(score::text, 'NULL') FROM %s ORDER BY id" % table)


def _write(pg, table, df, **kw):
    return holoflow.write_hologres(
        df, pg["endpoint"], db_name=pg["db"], table_name=table,
        username=pg["user"], password="pw", **kw)


NEW = pd.DataFrame({"id": [2, 3], "name": ["b2", "c2"], "score": [21, 31]})


@pytest.mark.parametrize("mode", ["INSERT", "COPY_STREAM",
                                  "COPY_BULK_LOAD_ON_CONFLICT", "AUTO"])
@pytest.mark.parametrize("action,expected", [
    ("INSERT_OR_UPDATE", [["1", "a1", "10"], ["2", "b2", "21"],
                          ["3", "c2", "31"]]),
    ("INSERT_OR_IGNORE", [["1", "a1", "10"], ["2", "b1", "20"],
                          ["3", "c2", "31"]]),
    ("INSERT_OR_REPLACE", [["1", "a1", "10"], ["2", "b2", "21"],
                           ["3", "c2", "31"]]),
])
def test_on_conflict_action(pg, sql, table, mode, action, expected):
    _setup(sql, table)
    r = _write(pg, table, NEW, primary_key="id", write_mode=mode,
               on_conflict_action=action)
    assert _rows(sql, table) == expected
    assert r.rows_in == 2 and r.dirty_rows == 0


def test_replace_versus_update_with_partial_columns(pg, sql, table):
    # Only id and name are written: UPDATE keeps score, REPLACE resets
    # the row (score NULL).
    _setup(sql, table)
    part = pd.DataFrame({"id": [1], "name": ["a-upd"]})
    _write(pg, table, part, primary_key="id", write_mode="INSERT",
           on_conflict_action="INSERT_OR_UPDATE", partial_insert=True)
    part = pd.DataFrame({"id": [2], "name": ["b-rep"]})
    _write(pg, table, part, primary_key="id", write_mode="INSERT",
           on_conflict_action="INSERT_OR_REPLACE")
    assert _rows(sql, table) == [["1", "a-upd", "10"], ["2", "b-rep", "NULL"]]


def test_copy_bulk_load_conflict_fails_whole_load(pg, sql, table):
    _setup(sql, table)
    with pytest.raises(holoflow.Error):
        _write(pg, table, NEW, write_mode="COPY_BULK_LOAD")
    # nothing of the load is visible, not even the new key 3
    assert _rows(sql, table) == [["1", "a1", "10"], ["2", "b1", "20"]]


CHANGES = pd.DataFrame({
    "__op": ["+I", "-U", "+U", "-D", "+I"],
    "id": [3, 1, 1, 2, 4],
    "name": ["c", "a1", "a2", "b1", "d"],
    "score": [30, 10, 11, 20, 40]})


@pytest.mark.parametrize("strategy,expected", [
    ("CHANGELOG_STANDARD", [["1", "a2", "11"], ["3", "c", "30"],
                            ["4", "d", "40"]]),
    ("DELETE_ROW_ON_PK", [["1", "a2", "11"], ["3", "c", "30"],
                          ["4", "d", "40"]]),
    ("IGNORE_DELETE", [["1", "a2", "11"], ["2", "b1", "20"],
                       ["3", "c", "30"], ["4", "d", "40"]]),
    ("NON_PK_FIELD_TO_NULL", [["1", "a2", "11"], ["2", "NULL", "NULL"],
                              ["3", "c", "30"], ["4", "d", "40"]]),
])
@pytest.mark.parametrize("mode", ["INSERT", "AUTO"])
def test_delete_strategy(pg, sql, table, strategy, expected, mode):
    _setup(sql, table)
    _write(pg, table, CHANGES, primary_key="id", delete_strategy=strategy,
           write_mode=mode)
    assert _rows(sql, table) == expected


def test_row_kinds_as_numbers_and_names(pg, sql, table):
    _setup(sql, table)
    df = pd.DataFrame({"id": [1, 2], "name": ["x", "y"], "score": [1, 2],
                       "__op": [3, 2]})  # DELETE 1, UPDATE_AFTER 2
    _write(pg, table, df, primary_key="id")
    df = pd.DataFrame({"id": [5], "name": ["z"], "score": [5],
                       "__op": ["INSERT"]})
    _write(pg, table, df, primary_key="id")
    assert _rows(sql, table) == [["2", "y", "2"], ["5", "z", "5"]]


def test_bad_row_kind_names_row(pg, sql, table):
    _setup(sql, table)
    df = pd.DataFrame({"id": [1, 2], "name": ["x", "y"], "score": [1, 2],
                       "__op": ["+I", "*"]})
    with pytest.raises(ValueError, match=r"__op.*row 1.*'\*'"):
        _write(pg, table, df, primary_key="id")
    assert _rows(sql, table) == [["1", "a1", "10"], ["2", "b1", "20"]]


@pytest.mark.parametrize("op,expected", [
    ("GREATER", [["1", "a1", "10"], ["2", "b2", "21"]]),
    ("LESS", [["1", "a2", "9"], ["2", "b1", "20"]]),
])
def test_check_and_put(pg, sql, table, op, expected):
    _setup(sql, table)
    df = pd.DataFrame({"id": [1, 2], "name": ["a2", "b2"], "score": [9, 21]})
    _write(pg, table, df, primary_key="id", check_and_put_column="score",
           check_and_put_operator=op)
    assert _rows(sql, table) == expected


def test_conflict_update_set(pg, sql, table):
    _setup(sql, table)
    df = pd.DataFrame({"id": [1, 3], "name": ["x", "y"], "score": [5, 7]})
    _write(pg, table, df, primary_key="id", write_mode="INSERT",
           insert_conflict_update_set="score = old.score + excluded.score")
    assert _rows(sql, table) == [["1", "a1", "15"], ["2", "b1", "20"],
                                 ["3", "y", "7"]]


def test_ignore_null_when_update(pg, sql, table):
    _setup(sql, table)
    df = pd.DataFrame({"id": [1], "name": [None], "score": [99]})
    _write(pg, table, df, primary_key="id", ignore_null_when_update=True)
    assert _rows(sql, table) == [["1", "a1", "99"], ["2", "b1", "20"]]


def test_deduplication_within_a_write(pg, sql, table):
    _setup(sql, table)
    df = pd.DataFrame({"id": [1, 1, 1], "name": ["p", "q", "r"],
                       "score": [1, 2, 3]})
    for dedup in (True, False):
        _write(pg, table, df, primary_key="id", write_mode="INSERT",
               deduplication=dedup)
        assert _rows(sql, table)[0] == ["1", "r", "3"]
