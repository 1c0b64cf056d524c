"""write_hologres: pandas data into a Hologres (or PostgreSQL) table
through holoflow's hologres sink.

The flow of one call:

1. The parameters are checked (_options.check: 002_*'s ValueError rules)
   and turned into connector options; nothing has connected yet.
2. The data's columns are known from the first DataFrame (or ``schema``).
   hf_writer_describe_target plans the sink exactly as a Flink job's
   ``CREATE TABLE`` would (every option rule of the engine, still without
   connecting), then reads the target table's columns. Each column of the
   data is declared with the type ``schema`` gives it, else with the Flink
   type that carries the table column's values exactly (int4 is INT,
   numeric(38,2) is DECIMAL(38, 2), timestamptz is TIMESTAMP_LTZ(6), ...),
   so values are checked against what the table can hold.
3. A bounded writer opens (a DataFrame write is a batch job: write_mode
   AUTO resolves as for one, and a bulk load is one transaction).
4. Each DataFrame is cut into chunks of CHUNK_ROWS rows; each column of a
   chunk goes to the engine as one typed vector (_columns): numpy buffers
   for numbers, booleans and datetime64 (no per-value Python work),
   object arrays for strings, Decimal, bytes, lists and dicts. The engine
   converts and writes with the GIL released.
5. flush (a bulk load commits), counters, close.

Any exception, KeyboardInterrupt included, aborts the writer: a bulk load
(COPY_BULK_LOAD*, and AUTO when it resolves to one) rolls back and leaves
the table unchanged; INSERT and COPY_STREAM keep what earlier flushes wrote.
"""

import datetime
import functools
import json
import logging
import time

import numpy as np
import pandas as pd

from . import _errors, _native, _options
from ._types import DataType

__all__ = ["write", "WriteResult", "CHUNK_ROWS", "CHANGE_COLUMN"]

CHUNK_ROWS = 65536
CHANGE_COLUMN = "__op"

logger = logging.getLogger("holoflow")

_LEVELS = {0: logging.ERROR, 1: logging.WARNING, 2: logging.INFO,
           3: logging.DEBUG}

_KINDS = {"+I": 0, "-U": 1, "+U": 2, "-D": 3, "INSERT": 0,
          "UPDATE_BEFORE": 1, "UPDATE_AFTER": 2, "DELETE": 3}


class WriteResult:
    """What write_hologres did: ``rows_written`` (rows durably applied,
    deletes included), ``dirty_rows`` (rows skipped as dirty data with
    ``sink.insert.dirty-data-strategy`` SKIP), ``rows_in`` (rows handed to
    the sink), ``elapsed`` (seconds)."""

    __slots__ = ("rows_written", "dirty_rows", "rows_in", "elapsed")

    def __init__(self, rows_written, dirty_rows, rows_in, elapsed):
        self.rows_written = rows_written
        self.dirty_rows = dirty_rows
        self.rows_in = rows_in
        self.elapsed = elapsed

    def __repr__(self):
        return ("WriteResult(rows_written=%d, dirty_rows=%d, rows_in=%d, "
                "elapsed=%.3f)" % (self.rows_written, self.dirty_rows,
                                   self.rows_in, self.elapsed))


# ------------------------------------------------------------ logging

def _engine_level():
    lvl = logger.getEffectiveLevel()
    if lvl <= logging.DEBUG:
        return 3
    if lvl <= logging.INFO:
        return 2
    if lvl <= logging.WARNING:
        return 1
    return 0


def drain_logs():
    """Send the engine's log lines queued so far to the ``holoflow``
    logger."""
    lines, dropped = _native.drain_logs()
    for level, msg in lines:
        logger.log(_LEVELS.get(level, logging.INFO), "%s", msg)
    if dropped:
        logger.warning("%d engine log line(s) dropped (queue full)", dropped)


def _call(fn, *args):
    """Call into the engine; its errors become holoflow.Error."""
    try:
        return fn(*args)
    except _native.EngineError as e:
        raise _errors.from_engine(e) from None
    finally:
        drain_logs()


# ------------------------------------------------------------ data

def _quote(name):
    return "`" + name.replace("`", "``") + "`"


def _columns_sql(names, types, pk):
    parts = ["%s %s" % (_quote(n), types[n]) for n in names]
    if pk:
        parts.append("PRIMARY KEY (%s) NOT ENFORCED"
                     % ", ".join(_quote(c) for c in pk))
    return ", ".join(parts)


def _is_frame(x):
    return isinstance(x, pd.DataFrame) or hasattr(x, "to_pandas")


def _as_pandas(x):
    if isinstance(x, pd.DataFrame):
        return x
    return x.to_pandas()


def _schema_names(schema):
    if schema is None:
        return None, {}
    if isinstance(schema, dict):
        types = {}
        for name, t in schema.items():
            if t is None:
                continue
            if not isinstance(t, (DataType, str)):
                raise TypeError("schema[%r] must be a holoflow.DataType, a "
                                "Flink type string or None" % name)
            types[name] = str(t)
        return list(schema), types
    if isinstance(schema, (list, tuple)) and all(
            isinstance(n, str) for n in schema):
        return list(schema), {}
    raise TypeError("schema must be a dict of column name to DataType, or "
                    "a list of column names")


def _frames(data, schema):
    """(first frame, iterator of the rest, column names, declared types)."""
    names, types = _schema_names(schema)
    if _is_frame(data):
        df = _as_pandas(data)
        if names is not None:
            df = df[[n for n in names if n in df.columns]
                    + ([CHANGE_COLUMN] if CHANGE_COLUMN in df.columns
                       else [])]
        return df, iter(()), types
    if isinstance(data, (str, bytes, dict)) or not hasattr(data, "__iter__"):
        raise TypeError("data must be a pandas DataFrame, a holoflow "
                        "DataFrame, an iterable of DataFrames, or an iterable "
                        "of rows (tuples or dicts) with schema=")
    it = iter(data)
    first = next(it, None)
    if first is None:
        if names is None:
            raise ValueError("data is empty and no schema names its columns")
        return pd.DataFrame(columns=names), iter(()), types
    if _is_frame(first):
        def rest_frames():
            for f in it:
                if not _is_frame(f):
                    raise TypeError("an iterable of DataFrames yielded %s"
                                    % type(f).__name__)
                yield _as_pandas(f)
        df = _as_pandas(first)
        if names is not None:
            df = df[names]
        return df, rest_frames(), types
    # Rows: tuples (schema names the columns) or dicts.
    if names is None:
        if isinstance(first, dict):
            names = list(first)
        else:
            raise ValueError("rows given as tuples need schema= to name "
                             "their columns")

    def row_frames():
        chunk = [first]
        for row in it:
            chunk.append(row)
            if len(chunk) == CHUNK_ROWS:
                yield _rows_frame(chunk, names)
                chunk = []
        if chunk:
            yield _rows_frame(chunk, names)
    frames = row_frames()
    return next(frames), frames, types


def _rows_frame(rows, names):
    if isinstance(rows[0], dict):
        cols = {n: [r.get(n) for r in rows] for n in names}
        extra = [n for n in rows[0] if n == CHANGE_COLUMN]
        for n in extra:
            cols[n] = [r.get(n) for r in rows]
        return pd.DataFrame({n: pd.Series(v, dtype=object)
                             for n, v in cols.items()})
    width = len(names)
    for i, r in enumerate(rows):
        if len(r) != width and len(r) != width + 1:
            raise ValueError("row %d has %d values; schema names %d columns"
                             % (i, len(r), width))
    cols = list(zip(*rows))
    frame = {n: pd.Series(cols[k], dtype=object) for k, n in enumerate(names)}
    if len(cols) > width:
        frame[CHANGE_COLUMN] = pd.Series(cols[width], dtype=object)
    return pd.DataFrame(frame)


# ------------------------------------------------------------ types

def _family(flink_type):
    t = flink_type.strip().upper()
    if t.startswith("ARRAY"):
        return "array"
    if t.startswith("TIMESTAMP_LTZ") or "LOCAL TIME ZONE" in t:
        return "ltz"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    if t.startswith("DATE"):
        return "date"
    if t.startswith("TIME"):
        return "time"
    if t.startswith(("BYTES", "VARBINARY", "BINARY")):
        return "bytes"
    if t.startswith(("STRING", "VARCHAR", "CHAR", "JSON")):
        return "string"
    if t.startswith("BOOLEAN"):
        return "boolean"
    if t.startswith("DECIMAL") or t.startswith("NUMERIC"):
        return "decimal"
    return "number"


_INT_VEC = {(1, "i"): _native.VEC_INT8, (2, "i"): _native.VEC_INT16,
            (4, "i"): _native.VEC_INT32, (8, "i"): _native.VEC_INT64,
            (1, "u"): _native.VEC_UINT8, (2, "u"): _native.VEC_UINT16,
            (4, "u"): _native.VEC_UINT32, (8, "u"): _native.VEC_UINT64,
            (4, "f"): _native.VEC_FLOAT32, (8, "f"): _native.VEC_FLOAT64}

_UNIT_NS = {"ns": 1, "us": 1000, "ms": 1000000, "s": 1000000000,
            "m": 60000000000, "h": 3600000000000, "D": 86400000000000}


def _numeric(arr, nulls=None, nan_is_null=True):
    arr = np.ascontiguousarray(arr)
    if arr.dtype.kind == "b":
        return [_native.VEC_BOOL, arr.view(np.uint8), nulls, 0, False]
    vt = _INT_VEC.get((arr.dtype.itemsize, arr.dtype.kind))
    if vt is None:
        raise TypeError("unsupported numeric dtype %s" % arr.dtype)
    return [vt, arr, nulls, 0, nan_is_null]


def _ticks(arr, vec):
    arr = np.ascontiguousarray(arr)
    unit, count = np.datetime_data(arr.dtype)
    if unit not in _UNIT_NS:
        raise TypeError("unsupported datetime64 unit %r" % unit)
    return [vec, arr.view(np.int64), None, _UNIT_NS[unit] * count, False]


def _mask(series):
    m = series.isna().to_numpy()
    if not m.any():
        return None
    return np.ascontiguousarray(m.view(np.uint8))


def _first_valid(values):
    for v in values:
        if v is not None and not (isinstance(v, float) and v != v) \
                and v is not pd.NaT and v is not pd.NA:
            return v
    return None


_native.set_json_dumps(functools.partial(json.dumps, ensure_ascii=False,
                                         default=str))


def _datetime_series(series, family):
    """Object values (datetime, date, Timestamp, str) of a date/time column
    as datetime64, or None when pandas cannot convert them as a whole."""
    try:
        if family == "ltz":
            return pd.to_datetime(series, utc=True)
        conv = pd.to_datetime(series)
        if isinstance(conv.dtype, pd.DatetimeTZDtype):
            conv = conv.dt.tz_localize(None)
        return conv
    except (ValueError, TypeError, OverflowError):
        return None


def _column(series, flink_type):
    """The engine vector spec [vec_type, data, nulls, unit_ns, nan_is_null]
    for one whole column."""
    family = _family(flink_type)
    dt = series.dtype
    if isinstance(dt, pd.CategoricalDtype):
        series = series.astype(object)
        dt = series.dtype
    if isinstance(dt, pd.DatetimeTZDtype):
        if family == "timestamp" or family == "date":
            # wall clock of the values' own zone
            series = series.dt.tz_localize(None)
            return _ticks(series.to_numpy(), _native.VEC_DATETIME64)
        # UTC instants
        return [_native.VEC_DATETIME64,
                np.ascontiguousarray(series.array.asi8), None, 1, False]
    if pd.api.types.is_extension_array_dtype(dt):
        arr = series.array
        if hasattr(arr, "_data") and hasattr(arr, "_mask") and \
                isinstance(arr._data, np.ndarray):
            mask = np.ascontiguousarray(arr._mask).view(np.uint8)
            return _numeric(arr._data, mask if arr._mask.any() else None,
                            nan_is_null=False)
        series = pd.Series(series.to_numpy(dtype=object, na_value=None),
                           index=series.index, dtype=object)
        dt = series.dtype
    kind = dt.kind
    if kind in "iufb":
        return _numeric(series.to_numpy())
    if kind == "M":
        return _ticks(series.to_numpy(), _native.VEC_DATETIME64)
    if kind == "m":
        return _ticks(series.to_numpy(), _native.VEC_TIMEDELTA64)
    # Objects.
    values = series.to_numpy(dtype=object)
    sample = _first_valid(values)
    if family in ("date", "timestamp", "ltz") and isinstance(
            sample, (datetime.date, datetime.datetime, pd.Timestamp)):
        conv = _datetime_series(series, family)
        if conv is not None:
            return _column(conv, flink_type)
    if family == "time" and isinstance(sample, datetime.time):
        values = np.array([None if v is None or v is pd.NaT else v.isoformat()
                           for v in values], dtype=object)
    nulls = _mask(series)
    if family == "array":
        return [_native.VEC_LIST, values, nulls, 0, False]
    if family == "string":
        # dicts and lists become JSON text in C (set_json_dumps)
        return [_native.VEC_BINARY, values, nulls, 0, False]
    if family == "bytes":
        return [_native.VEC_BINARY, values, nulls, 0, False]
    if family == "decimal" and isinstance(sample, float):
        # floats in an object column: as a float vector (shortest text,
        # HALF_UP, as for a float64 column)
        try:
            return _numeric(np.array(values, dtype=np.float64))
        except (TypeError, ValueError):
            pass
    return [_native.VEC_TEXT, values, nulls, 0, False]


def _slice(spec, start, stop):
    vt, data, nulls, unit, nan = spec
    return (vt, data[start:stop], None if nulls is None else nulls[start:stop],
            unit, nan)


def _kinds(series):
    """The row kinds of a change column (+I -U +U -D, the RowKind names,
    or 0..3) as uint8."""
    if series.dtype.kind in "iu":
        k = series.to_numpy()
        bad = np.flatnonzero((k < 0) | (k > 3))
    else:
        mapped = series.map(lambda v: _KINDS.get(v.upper() if isinstance(
            v, str) else v, -1) if not isinstance(v, (int, np.integer)) or
            isinstance(v, bool) else (int(v) if 0 <= v <= 3 else -1))
        k = mapped.to_numpy(dtype=np.int64)
        bad = np.flatnonzero(k < 0)
    if len(bad):
        i = int(bad[0])
        raise ValueError("column %r, row %d: %r is not a row kind (+I, -U, "
                         "+U, -D)" % (CHANGE_COLUMN, i, series.iloc[i]))
    return np.ascontiguousarray(k.astype(np.uint8))


# ------------------------------------------------------------ target

def _match(name, target):
    for col in target:
        if col[0] == name:
            return col
    low = [c for c in target if c[0].lower() == name.lower()]
    return low[0] if len(low) == 1 else None


def _column_types(names, declared, target):
    types = {}
    for n in names:
        if n in declared:
            types[n] = declared[n]
            continue
        col = _match(n, target)
        # A column the table lacks (or of a type no Flink type carries)
        # is declared STRING: the engine's check then names it.
        types[n] = col[1] if col is not None and col[1] else "STRING"
    return types


# ------------------------------------------------------------ write

def write(data, params, schema=None):
    """write_hologres's body: `params` maps each keyword of 002_*'s
    signature (and endpoint) to its value."""
    _options.check(params)
    options = _options.build_options(params)
    pk = params["primary_key"]
    pk = [pk] if isinstance(pk, str) else list(pk or [])

    _native.set_log_level(_engine_level())
    started = time.monotonic()
    first, rest, declared = _frames(data, schema)
    names = [str(c) for c in first.columns if c != CHANGE_COLUMN]
    if len(set(names)) != len(names):
        raise ValueError("the data has duplicate column names")
    provisional = {n: declared.get(n, "STRING") for n in names}
    target = _call(_native.describe_target,
                   _columns_sql(names, provisional, pk), options)
    types = _column_types(names, declared, target)
    columns = _columns_sql(names, types, pk)
    writer = _call(_native.Writer, columns, options, True)
    rows_in = 0
    try:
        frame = first
        while frame is not None:
            _put_frame(writer, frame, names, types, rows_in)
            rows_in += len(frame)
            frame = next(rest, None)
        _call(writer.flush)
        written, dirty = writer.counters()
        _call(writer.close)
    except BaseException:
        try:
            writer.abort()
        finally:
            drain_logs()
        raise
    return WriteResult(written, dirty, rows_in, time.monotonic() - started)


def _put_frame(writer, frame, names, types, offset):
    frame_names = [str(c) for c in frame.columns if c != CHANGE_COLUMN]
    if frame_names != names:
        raise ValueError("a DataFrame of the input has columns %s; the first "
                         "had %s" % (frame_names, names))
    n = len(frame)
    if n == 0:
        return
    kinds = None
    if CHANGE_COLUMN in frame.columns:
        kinds = _kinds(frame[CHANGE_COLUMN])
    specs = []
    data_cols = [c for c in frame.columns if c != CHANGE_COLUMN]
    for k, name in enumerate(names):
        try:
            specs.append(_column(frame[data_cols[k]], types[name]))
        except TypeError as e:
            raise _errors.DataError("column '%s': %s" % (name, e), "DATA")
    for start in range(0, n, CHUNK_ROWS):
        stop = min(n, start + CHUNK_ROWS)
        try:
            _call(writer.put_columns,
                  [_slice(s, start, stop) for s in specs], stop - start,
                  None if kinds is None else kinds[start:stop],
                  offset + start)
        except _errors.DataError as e:
            if e.row is not None and not isinstance(frame.index,
                                                    pd.RangeIndex):
                label = frame.index[e.row - offset]
                e.args = ("%s (index label %r)" % (e.message, label),)
            raise
        except TypeError as e:
            raise _errors.DataError(str(e), "DATA") from None
