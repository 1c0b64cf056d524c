"""Values of every pandas/numpy dtype the module converts, written and
read back with psql: NULLs in each form (None, NaN, NaT, pd.NA), integers
at their range limits, floats into numeric (HALF_UP on the shortest text),
38-digit Decimals, tz-aware and naive timestamps, dates, times, unicode,
bytes, lists into arrays, dicts into json/jsonb. Values that do not fit
raise holoflow.DataError naming the column, the row and the value."""

import datetime
import decimal

import numpy as np
import pandas as pd
import pytest

import holoflow


def _write(pg, table, df, **kw):
    return holoflow.write_hologres(
        df, pg["endpoint"], db_name=pg["db"], table_name=table,
        username=pg["user"], password="pw", **kw)


MODES = ["INSERT", "COPY_STREAM", "COPY_BULK_LOAD"]


@pytest.mark.parametrize("mode", MODES)
def test_numbers_and_nulls(pg, sql, table, mode):
    sql("CREATE TABLE %s (i int, s smallint, b bigint, r real, "
        "d double precision, n numeric(10,2), flag boolean, ni bigint, "
        "nb boolean)" % table)
    df = pd.DataFrame({
        "i": np.array([2147483647, -2147483648, 0], dtype=np.int64),
        "s": np.array([32767, -32768, 1], dtype=np.int16),
        "b": np.array([2**63 - 1, -2**63, 7], dtype=np.int64),
        "r": np.array([1.5, np.nan, -0.25], dtype=np.float32),
        "d": [0.1, np.nan, 1e300],
        "n": [1.005, 2.675, np.nan],  # HALF_UP of "1.005", "2.675"
        "flag": [True, False, True],
        "ni": pd.array([1, None, 3], dtype="Int64"),
        "nb": pd.array([None, True, False], dtype="boolean"),
    })
    _write(pg, table, df, write_mode=mode)
    got = sql("SELECT i, s, b, coalesce(r::text, 'NULL'), "
              "coalesce(d::text, 'NULL'), coalesce(n::text, 'NULL'), flag, "
              "coalesce(ni::text, 'NULL'), coalesce(nb::text, 'NULL') "
              "FROM %s ORDER BY s" % table)
    assert got == [
        ["-2147483648", "-32768", "-9223372036854775808", "NULL", "NULL",
         "2.68", "f", "NULL", "true"],
        ["0", "1", "7", "-0.25", "1e+300", "NULL", "t", "3", "false"],
        ["2147483647", "32767", "9223372036854775807", "1.5", "0.1", "1.01",
         "t", "1", "NULL"]]


@pytest.mark.parametrize("mode", MODES)
def test_decimals_38_digits(pg, sql, table, mode):
    sql("CREATE TABLE %s (k int, a numeric(38,0), b numeric(38,10), "
        "c numeric)" % table)
    big = "9" * 38
    df = pd.DataFrame({
        "k": [1, 2, 3],
        "a": [decimal.Decimal(big), decimal.Decimal("-" + big), None],
        "b": [decimal.Decimal("1234567890123456789012345678.0123456789"),
              decimal.Decimal("-0.0000000001"), decimal.Decimal("1E+5")],
        "c": [decimal.Decimal("3.141592653589793238462643383279"),
              None, decimal.Decimal("NaN")],
    })
    _write(pg, table, df, write_mode=mode)
    assert sql("SELECT k, coalesce(a::text, 'NULL'), b, "
               "coalesce(c::text, 'NULL') FROM %s ORDER BY k" % table) == [
        ["1", big, "1234567890123456789012345678.0123456789",
         "3.141592653589793238"],
        ["2", "-" + big, "-0.0000000001", "NULL"],
        ["3", "NULL", "100000.0000000000", "NULL"]]


@pytest.mark.parametrize("mode", MODES)
def test_timestamps(pg, sql, table, mode):
    sql("CREATE TABLE %s (k int, tz timestamptz, naive timestamp, "
        "tz_into_naive timestamp, naive_into_tz timestamptz, d date, "
        "t time, ms timestamp(3))" % table)
    aware = pd.to_datetime(["2024-01-01 08:00:00.123456", None,
                            "1969-12-31 23:59:59.999999"]).tz_localize(
        "Asia/Shanghai")
    naive = pd.to_datetime(["2024-01-01 08:00:00.5", "NaT",
                            "1900-01-01 00:00:00"])
    df = pd.DataFrame({
        "k": [1, 2, 3],
        "tz": aware,
        "naive": naive,
        "tz_into_naive": aware,
        "naive_into_tz": naive,
        "d": [datetime.date(2024, 2, 29), None, datetime.date(1, 1, 1)],
        "t": pd.to_timedelta(["10:20:30.5", None, "23:59:59.999999"]),
        "ms": pd.to_datetime(["2024-01-01 00:00:00.123999", None,
                              "2024-01-01 00:00:00.999"]),
    })
    _write(pg, table, df, write_mode=mode)
    assert sql("SELECT k, coalesce(tz::text, 'NULL'), "
               "coalesce(naive::text, 'NULL'), "
               "coalesce(tz_into_naive::text, 'NULL'), "
               "coalesce(naive_into_tz::text, 'NULL'), "
               "coalesce(d::text, 'NULL'), coalesce(t::text, 'NULL'), "
               "coalesce(ms::text, 'NULL') FROM %s ORDER BY k" % table) == [
        ["1", "2024-01-01 00:00:00.123456+00", "2024-01-01 08:00:00.5",
         "2024-01-01 08:00:00.123456", "2024-01-01 08:00:00.5+00",
         "2024-02-29", "10:20:30.5", "2024-01-01 00:00:00.123"],
        ["2", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"],
        ["3", "1969-12-31 15:59:59.999999+00", "1900-01-01 00:00:00",
         "1969-12-31 23:59:59.999999", "1900-01-01 00:00:00+00",
         "0001-01-01", "23:59:59.999999", "2024-01-01 00:00:00.999"]]


@pytest.mark.parametrize("mode", MODES)
def test_text_bytes_json_arrays(pg, sql, table, mode):
    sql("CREATE TABLE %s (k int, s text, v varchar(20), by bytea, "
        "j json, jb jsonb, ai int[], at text[], ad float8[], ab bool[], "
        "cat text, ss text)" % table)
    df = pd.DataFrame({
        "k": [1, 2, 3],
        "s": ["héllo wörld ✓ 中文 🎉", None, "nul\x00inside"],
        "v": ["short", np.nan, ""],
        "by": [b"\x00\xff\x10", None, bytearray(b"ab")],
        "j": [{"a": [1, 2], "é": None}, None, "[1, 2]"],
        "jb": [{"b": True}, [1, "x"], None],
        "ai": [[1, 2, None], None, []],
        "at": [["x", "y,z", "ü"], ["NULL", None], None],
        "ad": [[1.5, np.nan], [1, 2.5], None],  # NaN in a list: NULL
        "ab": [[True, False], None, [None]],
        "cat": pd.Categorical(["p", None, "q"]),
        "ss": pd.array(["a", None, "c"], dtype="string"),
    })
    _write(pg, table, df, write_mode=mode)
    got = sql("SELECT k, coalesce(s, 'NULL'), coalesce(v, 'NULL'), "
              "coalesce(encode(by, 'hex'), 'NULL'), coalesce(j::text, "
              "'NULL'), coalesce(jb::text, 'NULL'), coalesce(ai::text, "
              "'NULL'), coalesce(at::text, 'NULL'), coalesce(ad::text, "
              "'NULL'), coalesce(ab::text, 'NULL'), coalesce(cat, 'NULL'), "
              "coalesce(ss, 'NULL') FROM %s ORDER BY k" % table)
    assert got == [
        ["1", "héllo wörld ✓ 中文 🎉", "short", "00ff10",
         '{"a": [1, 2], "é": null}', '{"b": true}', "{1,2,NULL}",
         '{x,"y,z",ü}', "{1.5,NULL}", "{t,f}", "p", "a"],
        ["2", "NULL", "NULL", "NULL", "NULL", '[1, "x"]', "NULL",
         '{"NULL",NULL}', "{1,2.5}", "NULL", "NULL", "NULL"],
        ["3", "nulinside", "", "6162", "[1, 2]", "NULL", "{}", "NULL",
         "NULL", "{NULL}", "q", "c"]]


def test_iterable_of_tuples_and_dicts_with_schema(pg, sql, table):
    sql("CREATE TABLE %s (id bigint, name text, amount numeric(12,2))"
        % table)
    rows = [(1, "a", decimal.Decimal("1.10")), (2, None, None)]
    r = holoflow.write_hologres(
        iter(rows), pg["endpoint"], db_name=pg["db"], table_name=table,
        username=pg["user"], password="pw",
        schema={"id": holoflow.DataType.bigint(),
                "name": holoflow.DataType.string(),
                "amount": holoflow.DataType.decimal(12, 2)})
    assert r.rows_in == 2
    dicts = ({"id": i, "name": "n%d" % i, "amount": i / 4}
             for i in range(3, 70003))
    r = holoflow.write_hologres(
        dicts, pg["endpoint"], db_name=pg["db"], table_name=table,
        username=pg["user"], password="pw")
    assert r.rows_in == 70000 and r.rows_written == 70000
    assert sql("SELECT count(*), sum(amount), count(name) FROM %s"
               % table) == [["70002", "612543751.10", "70001"]]


def test_generator_of_dataframes(pg, sql, table):
    sql("CREATE TABLE %s (id bigint PRIMARY KEY, v double precision)"
        % table)

    def frames():
        for part in range(5):
            ids = np.arange(part * 30000, (part + 1) * 30000)
            yield pd.DataFrame({"id": ids, "v": ids * 0.5})
    r = _write(pg, table, frames(), primary_key="id")
    assert (r.rows_in, r.rows_written, r.dirty_rows) == (150000, 150000, 0)
    assert sql("SELECT count(*), sum(id), sum(v) FROM %s" % table) == [
        ["150000", "11249925000", "5624962500"]]


def test_schema_declares_type(pg, sql, table):
    # Declared types are the sink's columns, checked against the table as
    # a Flink job's would be: an INT column of the job fits bigint.
    sql("CREATE TABLE %s (id bigint, v text)" % table)
    df = pd.DataFrame({"id": [1], "v": [2.5]})
    holoflow.write_hologres(
        df, pg["endpoint"], db_name=pg["db"], table_name=table,
        username=pg["user"], password="pw",
        schema={"id": holoflow.DataType.int(), "v": None})
    assert sql("SELECT id, v FROM %s" % table) == [["1", "2.5"]]


@pytest.mark.parametrize("column,values,pgtype,message", [
    ("i", [1, 2**31], "int", r"column 'i', row 1, value 2147483648: out of "
     r"the range of INT"),
    ("i", [1.0, 2.5], "int", r"column 'i', row 1, value 2.5"),
    ("n", [decimal.Decimal("1"), decimal.Decimal("123456")],
     "numeric(5,2)", r"column 'n', row 1, value '123456': .*DECIMAL\(5, 2\)"),
    ("n", [1.0, float("inf")], "numeric(5,2)", r"column 'n', row 1"),
    ("d", pd.to_datetime(["2024-01-01", "2024-01-01 10:00"]), "date",
     r"column 'd', row 1.*whole days"),
    ("b", [True, "maybe"], "boolean", r"column 'b', row 1, value 'maybe'"),
    ("a", [[1], ["x"]], "int[]", r"column 'a', row 1.*element 1"),
])
def test_value_errors_name_column_row_value(pg, sql, table, column, values,
                                            pgtype, message):
    sql("CREATE TABLE %s (k int, %s %s)" % (table, column, pgtype))
    df = pd.DataFrame({"k": range(len(values)), column: values})
    with pytest.raises(holoflow.DataError, match=message) as info:
        _write(pg, table, df, write_mode="COPY_BULK_LOAD")
    assert info.value.row == 1
    # bulk load: nothing written
    assert sql("SELECT count(*) FROM %s" % table) == [["0"]]


def test_value_error_names_index_label(pg, sql, table):
    sql("CREATE TABLE %s (k smallint)" % table)
    df = pd.DataFrame({"k": [1, 70000]}, index=["first", "second"])
    with pytest.raises(holoflow.DataError, match=r"row 1.*'second'"):
        _write(pg, table, df)


def test_unknown_column_is_named(pg, sql, table):
    sql("CREATE TABLE %s (k int)" % table)
    df = pd.DataFrame({"k": [1], "nope": [2]})
    with pytest.raises(holoflow.ConfigurationError, match="nope"):
        _write(pg, table, df)
