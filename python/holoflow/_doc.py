"""The parameter documentation shared by holoflow.write_hologres and
holoflow.DataFrame.write_hologres (their docstrings are built from it)."""

WRITE_HOLOGRES_PARAMS = """
Parameters
----------
endpoint : str
    Hologres service endpoint, ``"host:port"`` (a PostgreSQL server works
    too; ``"/socket/dir:port"`` for a Unix socket).
db_name : str
    Database name. May include a compute-group suffix ("my_db/my_group").
table_name : str
    Target table; ``"schema.tableName"`` for non-public schemas.
username : str
    Account user name (or AccessKey ID).
password : str
    Account password (or AccessKey Secret). Never printed or logged.
primary_key : str | list[str] | None
    Primary key column(s), declared on the sink as
    ``PRIMARY KEY (...) NOT ENFORCED``; should match the table's key.
    Needed for check-and-put and the key-based delete strategies.
connection_pool_size : int = 5
    Connections the sink writes over (connection.pool.size).
connection_pool_name : str = 'default'
    Accepted for compatibility; each write owns its connections.
connection_fixed : bool | None = None
    Fixed (lightweight) connection mode; None leaves it to the connector.
connection_max_idle_ms : int = 60000
    Idle time before a connection is released.
connection_ssl_mode : 'disable' | 'require' | 'verify-ca' | 'verify-full'
    TLS mode; the verify modes need connection_ssl_root_cert_location.
connection_ssl_root_cert_location : str | None
    File with the CA certificate(s).
retry_count : int = 10
    Retries on connection failures.
retry_sleep_step_ms : int = 5000
    Linear back-off step (ms).
meta_cache_ttl_ms : int = 600000
    TTL of the cached table schema (ms).
serverless_computing : bool = False
    Alibaba Cloud only: accepted and noted.
write_mode : 'AUTO' | 'INSERT' | 'COPY_STREAM' | 'COPY_BULK_LOAD' | 'COPY_BULK_LOAD_ON_CONFLICT'
    Write protocol. A DataFrame write is a bounded (batch) job, so AUTO
    picks a COPY mode (INSERT on Hologres before 3.1, or when an
    INSERT-only option such as check-and-put is set).
on_conflict_action : 'INSERT_OR_IGNORE' | 'INSERT_OR_UPDATE' | 'INSERT_OR_REPLACE'
    Primary-key conflict strategy (default INSERT_OR_UPDATE).
create_missing_partition : bool = True
    Create a missing LIST partition child table on first write.
delete_strategy : 'IGNORE_DELETE' | 'NON_PK_FIELD_TO_NULL' | 'DELETE_ROW_ON_PK' | 'CHANGELOG_STANDARD'
    What -U/-D rows (change column ``__op``) do.
ignore_null_when_update : bool = False
    Keep the stored value where the new one is NULL (INSERT mode).
ignore_null_when_update_by_expr : bool = False
    The same, by expression.
default_for_not_null_column : bool = True
    NULL into a NOT NULL column becomes its default.
remove_u0000_in_text : bool = True
    Strip U+0000 from text values.
partial_insert : bool = False
    Write only the DataFrame's columns, leave the others untouched.
deduplication : bool = True
    Fold changes of one key within a batch.
aggressive_flush : bool = False
    Flush as soon as a connection is idle.
check_and_put_column : str | None
    Conditional update: the row changes only when
    ``new.<column> <operator> old.<column>``. INSERT (or AUTO) only.
check_and_put_operator : str = 'GREATER'
    GREATER, GREATER_OR_EQUAL, EQUAL, NOT_EQUAL, LESS, LESS_OR_EQUAL,
    IS_NULL or IS_NOT_NULL.
check_and_put_null_as : str | None
    Value a stored NULL compares as (a SQL literal).
insert_batch_size : int = 512
    Rows per batch.
insert_batch_byte_size : int = 2097152
    Bytes per batch.
insert_flush_interval_ms : int = 10000
    Longest wait before a batch is flushed.
copy_format : 'binary' | 'text' | 'binaryrow'
    COPY wire format; only 'binary' with AUTO or INSERT.
insert_conflict_update_set : str | None
    SET clause used on a key conflict.
insert_conflict_where : str | None
    Condition limiting which conflicting rows are updated.
parallelism : int | None
    Accepted for compatibility (the pool size is the parallelism).
extra_options : dict[str, Any] | None
    More hologres connector options by key; a key naming the same option
    as a parameter (under any spelling) wins over it. ``connector`` is
    reserved.

Returns
-------
WriteResult
    rows_written, dirty_rows, rows_in, elapsed (seconds).

Raises
------
ValueError
    If any enum value is invalid; if copy_format is non-binary with
    write_mode='AUTO' or 'INSERT'; if connection_ssl_mode is 'verify-ca'
    or 'verify-full' without connection_ssl_root_cert_location; if the
    check_and_put_* options are combined with on_conflict_action=
    'INSERT_OR_IGNORE', insert_conflict_where or insert_conflict_update_set;
    if check_and_put_column is combined with an explicit COPY_* write_mode;
    if delete_strategy is 'NON_PK_FIELD_TO_NULL' or 'DELETE_ROW_ON_PK'
    without primary_key; or if extra_options contains a 'connector' key.
    All before anything connects.
holoflow.ConfigurationError
    (also a ValueError) for an option or column the engine refuses.
holoflow.ConnectionError, holoflow.DataError, holoflow.ServerError
    with the engine's message (secrets removed).
"""


READ_HOLOGRES = """Read a Hologres (or PostgreSQL) table into a holoflow.DataFrame.

The engine's hologres source reads it, exactly as a batch Flink SQL job
reading the table would: one consistent REPEATABLE READ snapshot shared by
``source.scan.split-count`` parallel readers (binary COPY, the table cut
by child partition and page range), only the columns asked for, and the
``where`` condition pushed to the server with its constants as
parameters. The values are converted to pandas columns in C (numpy
buffers for numbers, booleans and timestamps).

Parameters
----------
endpoint : str
    ``"host:port"`` (``"/socket/dir:port"`` for a Unix socket).
db_name, table_name, username, password : str
    As for write_hologres; ``table_name`` may be ``"schema.table"`` and may
    name a partitioned parent (all its children are read). The password
    is never printed or logged.
schema : dict[str, DataType | str | None] | list[str] | None
    Columns to read with the Flink type to read each as
    (``{"id": holoflow.DataType.bigint(), "name": None}``; None: the type
    that carries the table column's values exactly). The engine checks a
    declared type against the table column as a job's declared column
    (ConfigurationError when values might not fit, e.g. bigint as INT).
    Without ``columns``, its keys are the columns read, in its order.
primary_key : str | list[str] | None
    Sort the rows by these columns (a parallel scan delivers them in
    split order).
columns : list[str] | None
    Columns to read, in this order (default: every column of a type
    holoflow reads, in the table's order).
where : str | None
    A Flink SQL condition over the table's columns, parsed by holoflow
    and never sent to the server as text: comparisons (=, <>, <, <=, >,
    >=, BETWEEN), IN lists, IS [NOT] NULL, IS [NOT] TRUE/FALSE, boolean
    columns and AND/OR/NOT of those, over columns and constants
    (``"id >= 10 AND region IN ('eu', 'us')"``, ``"ts < TIMESTAMP
    '2024-01-01 00:00:00'"``). Each constant reaches the server as a
    parameter, so a string constant is only ever a value. Anything else
    (functions, LIKE, arithmetic) raises ConfigurationError; filter those
    in pandas.
extra_options : dict[str, Any] | None
    Further options of the hologres source, under any of their names:
    ``source.scan.split-count`` (parallel readers), ``source.scan.fetch-size``,
    ``source.scan.timeout-seconds``, ``connection.ssl.mode``, ...

Returns
-------
holoflow.DataFrame, whose ``to_pandas()`` has one column per column read:
bool/int8..int64/float32/float64 numpy columns (pandas' nullable
``boolean``/``Int8``..``Int64`` when a value is NULL; NULL floats are
NaN), ``datetime64[ns]`` for TIMESTAMP and ``datetime64[ns, UTC]`` for
TIMESTAMP_LTZ (NaT for NULL), and objects for the rest: str, bytes,
decimal.Decimal (every digit of DECIMAL(38, s)), datetime.date,
datetime.time, lists (ARRAY), dicts (ROW), None for NULL.

Raises
------
ConfigurationError, ConnectionError, DataError, ServerError
    (holoflow.Error) with the engine's message: an unknown column, a
    condition the source cannot apply, a bad option, the server.
"""
