"""read_hologres: a Hologres (or PostgreSQL) table into a pandas
DataFrame through holoflow's hologres scan source (the C API's
hf_reader_*).

The flow of one call:

1. The connection keywords become the source's options (the same
   option names as a Flink job's table; ``extra_options`` adds any other
   source option, e.g. ``source.scan.split-count``).
2. ``_native.read`` opens an hf_reader (one REPEATABLE READ snapshot
   shared by the parallel readers, binary COPY, projection and filter
   push-down), reads every batch with the GIL released and appends each
   numeric, boolean and datetime column to one C buffer (values and a
   null mask) and every other column to a list of Python objects.
3. Here the buffers become numpy arrays without a copy
   (``numpy.frombuffer``) and then pandas columns (below); DECIMAL text
   becomes ``decimal.Decimal``, nested values' JSON becomes lists and
   dicts.

Column dtypes, by the Flink type each column is read as (the one that
carries the table column's values exactly, or the one ``schema`` declares,
which the engine checks against the table column as a job's declared
column):

=========================  ============================================
Flink type                 pandas
=========================  ============================================
BOOLEAN                    bool, or "boolean" when a value is NULL
TINYINT..BIGINT            int8..int64, or Int8..Int64 with NULLs
FLOAT, DOUBLE              float32, float64 (NULL is NaN)
DECIMAL                    object: decimal.Decimal (NULL None)
STRING, VARCHAR, CHAR,     object: str (NULL None)
JSON
BYTES                      object: bytes
DATE                       object: datetime.date
TIME                       object: datetime.time
TIMESTAMP                  datetime64[ns] (NULL NaT)
TIMESTAMP_LTZ              datetime64[ns, UTC]
ARRAY, ROW, MAP            object: list, dict, list of [key, value]
=========================  ============================================
"""

import datetime
import decimal
import json

import numpy as np
import pandas as pd

from . import _native
from ._write import _call

__all__ = ["read"]

_EPOCH = datetime.date(1970, 1, 1)

_NP = {
    _native.VEC_BOOL: np.bool_,
    _native.VEC_INT8: np.int8,
    _native.VEC_INT16: np.int16,
    _native.VEC_INT32: np.int32,
    _native.VEC_INT64: np.int64,
    _native.VEC_FLOAT32: np.float32,
    _native.VEC_FLOAT64: np.float64,
    _native.VEC_DATETIME64: np.int64,
    _native.VEC_TIMEDELTA64: np.int64,
}


def _options(endpoint, db_name, table_name, username, password,
             extra_options):
    opts = {"endpoint": endpoint, "dbname": db_name,
            "tablename": table_name, "username": username,
            "password": password}
    for key, value in (extra_options or {}).items():
        if key.lower() in ("connector", "connector.type"):
            raise ValueError("extra_options: 'connector' is reserved")
        if value is None:
            opts.pop(key, None)
        elif isinstance(value, bool):
            opts[key] = "true" if value else "false"
        else:
            opts[key] = str(value)
    for key, value in opts.items():
        if not isinstance(value, str):
            raise TypeError("%s must be a str, not %s"
                            % (key, type(value).__name__))
    return ["%s=%s" % kv for kv in opts.items()]


def _numeric(vec, unit, flink_type, values, nulls):
    dtype = _NP[vec]
    arr = np.frombuffer(values, dtype=dtype)
    mask = np.frombuffer(nulls, dtype=np.bool_)
    has_null = bool(mask.any())
    if vec in (_native.VEC_FLOAT32, _native.VEC_FLOAT64):
        return arr
    if vec == _native.VEC_DATETIME64:
        if flink_type.startswith("DATE"):
            days = arr.astype("datetime64[D]")
            out = days.astype(object)
            if has_null:
                out[mask] = None
            return out
        ts = arr.view("datetime64[us]").astype("datetime64[ns]")
        s = pd.Series(ts)
        if flink_type.startswith("TIMESTAMP_LTZ"):
            s = s.dt.tz_localize("UTC")
        return s
    if vec == _native.VEC_TIMEDELTA64:
        out = np.empty(len(arr), dtype=object)
        for i, us in enumerate(arr.tolist()):
            if mask[i]:
                out[i] = None
            else:
                sec, micro = divmod(us, 1000000)
                mi, se = divmod(sec, 60)
                h, mi = divmod(mi, 60)
                out[i] = datetime.time(h, mi, se, micro)
        return out
    if has_null:
        if dtype is np.bool_:
            return pd.arrays.BooleanArray(arr.copy(), mask.copy())
        return pd.arrays.IntegerArray(arr.copy(), mask.copy())
    return arr


def _objects(flink_type, items):
    # np.fromiter: one pass, no probing of each object for the array
    # protocols (slice assignment of Decimals is 15x slower), and lists
    # stay elements (never a second dimension).
    n = len(items)
    if flink_type.startswith("DECIMAL"):
        dec = decimal.Decimal
        items = (None if v is None else dec(v) for v in items)
    elif flink_type.startswith(("ARRAY", "ROW", "MAP", "MULTISET")):
        parse = json.JSONDecoder(
            parse_float=_float_or_decimal(flink_type)).decode
        items = (None if v is None else parse(v) for v in items)
    return np.fromiter(items, dtype=object, count=n)


def _float_or_decimal(flink_type):
    """Nested DECIMAL elements stay exact; FLOAT/DOUBLE elements are
    floats."""
    if "DECIMAL" in flink_type:
        return decimal.Decimal
    return float


def _columns_arg(columns):
    if columns is None:
        return None
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    for c in columns:
        if not isinstance(c, str):
            raise TypeError("columns must be names (str), not %s"
                            % type(c).__name__)
    return columns


def _schema_types(schema, cols):
    """(columns, types) for the engine from ``columns`` and ``schema``."""
    if schema is None:
        return cols, None
    if isinstance(schema, dict):
        declared = {str(k): (None if v is None else str(v))
                    for k, v in schema.items()}
    else:
        declared = {str(k): None for k in schema}
    for name, t in declared.items():
        if t is not None and not t.strip():
            raise ValueError("schema: empty type for column %r" % name)
    if cols is None:
        cols = list(declared)
    return cols, [declared.get(c) for c in cols]


def read(endpoint, db_name, table_name, username, password, schema=None,
         primary_key=None, columns=None, where=None, extra_options=None):
    """read_hologres's body; returns a pandas DataFrame."""
    if where is not None and not isinstance(where, str):
        raise TypeError("where must be a str (a Flink SQL condition)")
    cols, types = _schema_types(schema, _columns_arg(columns))
    opts = _options(endpoint, db_name, table_name, username, password,
                    extra_options)
    (names, ftypes, vecs, units), data = _call(_native.read, opts, cols,
                                               types, where)
    frame = {}
    for name, flink_type, vec, unit, d in zip(names, ftypes, vecs, units,
                                              data):
        if isinstance(d, tuple):
            frame[name] = _numeric(vec, unit, flink_type, d[0], d[1])
        else:
            frame[name] = _objects(flink_type, d)
    df = pd.DataFrame(frame, copy=False)
    if primary_key:
        pk = [primary_key] if isinstance(primary_key, str) else \
            list(primary_key)
        missing = [k for k in pk if k not in df.columns]
        if missing:
            raise ValueError("primary_key: %s not among the columns read"
                             % ", ".join(missing))
        df = df.sort_values(pk, kind="stable").reset_index(drop=True)
    return df
