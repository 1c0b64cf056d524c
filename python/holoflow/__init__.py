"""holoflow for Python: pandas DataFrames and row iterables into Hologres
(or PostgreSQL) tables, and tables back into DataFrames, through
holoflow's C engine.

    import holoflow
    holoflow.write_hologres(df, "host:port", db_name="db",
                            table_name="public.events", username="u",
                            password="p", primary_key="event_id")

or, as in 002_* (PyFlink's DataFrame.write_hologres):

    holoflow.from_pandas(df).write_hologres("host:port", db_name=..., ...)
    df.hologres.write("host:port", db_name=..., ...)   # pandas accessor

The keyword parameters, their defaults and the ValueError rules are
exactly 002_*'s; they map onto the hologres sink's options (see
docs/python.md). A write is a bounded job: write_mode AUTO picks a COPY
mode, and a bulk load is all-or-nothing (also on KeyboardInterrupt).
Rows can carry a change kind in a column named ``__op`` (+I, -U, +U, -D)
to update and delete by primary key.

    hdf = holoflow.read_hologres("host:port", db_name="db",
                                 table_name="public.events", username="u",
                                 password="p", columns=["event_id", "ts"],
                                 where="ts >= TIMESTAMP '2024-01-01 00:00:00'")
    df = hdf.to_pandas()

reads a table with the hologres source's parallel binary scan (one
snapshot; ``extra_options={"source.scan.split-count": 4}``). Engine log
lines go to the ``holoflow`` logger.
"""

import pandas as _pd

from . import _doc, _native, _read, _write
from ._errors import (ConfigurationError, ConnectionError, DataError, Error,
                      ServerError)
from ._types import DataType
from ._write import CHANGE_COLUMN, WriteResult

__all__ = ["write_hologres", "read_hologres", "DataFrame", "from_pandas", "DataType",
           "WriteResult", "Error", "ConfigurationError", "ConnectionError",
           "DataError", "ServerError", "CHANGE_COLUMN", "__version__"]

__version__ = _native.version

_PARAM_NAMES = (
    "endpoint", "db_name", "table_name", "username", "password",
    "primary_key", "connection_pool_size", "connection_pool_name",
    "connection_fixed", "connection_max_idle_ms", "connection_ssl_mode",
    "connection_ssl_root_cert_location", "retry_count",
    "retry_sleep_step_ms", "meta_cache_ttl_ms", "serverless_computing",
    "write_mode", "on_conflict_action", "create_missing_partition",
    "delete_strategy", "ignore_null_when_update",
    "ignore_null_when_update_by_expr", "default_for_not_null_column",
    "remove_u0000_in_text", "partial_insert", "deduplication",
    "aggressive_flush", "check_and_put_column", "check_and_put_operator",
    "check_and_put_null_as", "insert_batch_size", "insert_batch_byte_size",
    "insert_flush_interval_ms", "copy_format", "insert_conflict_update_set",
    "insert_conflict_where", "parallelism", "extra_options")


def write_hologres(data, endpoint, *, db_name, table_name, username, password,
                   primary_key=None, connection_pool_size=5,
                   connection_pool_name='default', connection_fixed=None,
                   connection_max_idle_ms=60000,
                   connection_ssl_mode='disable',
                   connection_ssl_root_cert_location=None, retry_count=10,
                   retry_sleep_step_ms=5000, meta_cache_ttl_ms=600000,
                   serverless_computing=False, write_mode='AUTO',
                   on_conflict_action='INSERT_OR_UPDATE',
                   create_missing_partition=True,
                   delete_strategy='CHANGELOG_STANDARD',
                   ignore_null_when_update=False,
                   ignore_null_when_update_by_expr=False,
                   default_for_not_null_column=True,
                   remove_u0000_in_text=True, partial_insert=False,
                   deduplication=True, aggressive_flush=False,
                   check_and_put_column=None,
                   check_and_put_operator='GREATER',
                   check_and_put_null_as=None, insert_batch_size=512,
                   insert_batch_byte_size=2097152,
                   insert_flush_interval_ms=10000, copy_format='binary',
                   insert_conflict_update_set=None,
                   insert_conflict_where=None, parallelism=None,
                   extra_options=None, schema=None):
    params = {k: v for k, v in locals().items() if k in _PARAM_NAMES}
    return _write.write(data, params, schema)


write_hologres.__doc__ = """Write `data` to a Hologres table.

`data` is a pandas DataFrame, a holoflow.DataFrame, an iterable of
DataFrames (a generator, for data larger than memory), or an iterable of
rows: tuples in the order of `schema`'s columns, or dicts.

schema : dict[str, DataType | str | None] | list[str] | None
    Not in 002_*'s DataFrame method (a DataFrame carries its columns):
    names the columns of tuple rows, and may declare a column's Flink type
    (``holoflow.DataType.bigint()``); undeclared columns take the type of
    the table column they write.
""" + _doc.WRITE_HOLOGRES_PARAMS


def read_hologres(endpoint, *, db_name, table_name, username, password,
                  schema=None, primary_key=None, columns=None, where=None,
                  extra_options=None):
    return DataFrame(_read.read(endpoint, db_name, table_name, username,
                                password, schema=schema,
                                primary_key=primary_key, columns=columns,
                                where=where, extra_options=extra_options))


read_hologres.__doc__ = _doc.READ_HOLOGRES


class DataFrame:
    """A thin wrapper of a pandas DataFrame with 002_*'s DataFrame API:
    ``holoflow.DataFrame(pandas_df)`` or ``holoflow.from_pandas(df)``,
    then ``.write_hologres(endpoint, db_name=..., ...)``."""

    __slots__ = ("_df",)

    def __init__(self, data=None, columns=None):
        if isinstance(data, DataFrame):
            data = data._df
        if isinstance(data, _pd.DataFrame) and columns is None:
            self._df = data
        else:
            self._df = _pd.DataFrame(data, columns=columns)

    def to_pandas(self):
        """The wrapped pandas DataFrame (not a copy)."""
        return self._df

    @property
    def columns(self):
        """The column names."""
        return [str(c) for c in self._df.columns]

    def __len__(self):
        return len(self._df)

    def __repr__(self):
        return "holoflow.DataFrame(%d rows: %s)" % (
            len(self._df), ", ".join(self.columns))

    def write_hologres(self, endpoint, *, db_name, table_name, username,
                       password, primary_key=None, connection_pool_size=5,
                       connection_pool_name='default', connection_fixed=None,
                       connection_max_idle_ms=60000,
                       connection_ssl_mode='disable',
                       connection_ssl_root_cert_location=None, retry_count=10,
                       retry_sleep_step_ms=5000, meta_cache_ttl_ms=600000,
                       serverless_computing=False, write_mode='AUTO',
                       on_conflict_action='INSERT_OR_UPDATE',
                       create_missing_partition=True,
                       delete_strategy='CHANGELOG_STANDARD',
                       ignore_null_when_update=False,
                       ignore_null_when_update_by_expr=False,
                       default_for_not_null_column=True,
                       remove_u0000_in_text=True, partial_insert=False,
                       deduplication=True, aggressive_flush=False,
                       check_and_put_column=None,
                       check_and_put_operator='GREATER',
                       check_and_put_null_as=None, insert_batch_size=512,
                       insert_batch_byte_size=2097152,
                       insert_flush_interval_ms=10000, copy_format='binary',
                       insert_conflict_update_set=None,
                       insert_conflict_where=None, parallelism=None,
                       extra_options=None):
        params = {k: v for k, v in locals().items() if k in _PARAM_NAMES}
        return _write.write(self._df, params)

    write_hologres.__doc__ = ("Write the DataFrame to a Hologres table "
                              "(002_*'s DataFrame.write_hologres).\n"
                              + _doc.WRITE_HOLOGRES_PARAMS)


def from_pandas(df):
    """Wrap a pandas DataFrame as a holoflow.DataFrame (no copy)."""
    if not isinstance(df, _pd.DataFrame):
        raise TypeError("from_pandas expects a pandas DataFrame, not %s"
                        % type(df).__name__)
    return DataFrame(df)


@_pd.api.extensions.register_dataframe_accessor("hologres")
class _HologresAccessor:
    """``df.hologres.write(endpoint, db_name=..., ...)``: write_hologres
    for a pandas DataFrame."""

    def __init__(self, df):
        self._df = df

    def write(self, endpoint, **kwargs):
        """holoflow.write_hologres(df, endpoint, **kwargs)."""
        return write_hologres(self._df, endpoint, **kwargs)
