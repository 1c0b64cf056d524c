# Type stubs of the holoflow package (python/holoflow/__init__.py): the
# public API with 002_*'s exact keyword names, types, defaults and literal
# values. The parameter docs are in the functions' docstrings.
import builtins
from typing import (Any, Dict, Iterable, List, Literal, Mapping, Optional,
                    Sequence, Union)

import pandas

__version__: str
CHANGE_COLUMN: str

class Error(Exception):
    message: str
    code: str
    row: Optional[int]
    def __init__(self, message: str, code: str = ...,
                 row: Optional[int] = ...) -> None: ...

class ConfigurationError(Error, ValueError): ...
class ConnectionError(Error, builtins.ConnectionError): ...
class DataError(Error): ...
class ServerError(Error): ...

class DataType:
    sql: str
    def __init__(self, sql: str) -> None: ...
    @classmethod
    def boolean(cls) -> DataType: ...
    @classmethod
    def tinyint(cls) -> DataType: ...
    @classmethod
    def smallint(cls) -> DataType: ...
    @classmethod
    def int(cls) -> DataType: ...
    @classmethod
    def bigint(cls) -> DataType: ...
    @classmethod
    def float(cls) -> DataType: ...
    @classmethod
    def double(cls) -> DataType: ...
    @classmethod
    def decimal(cls, precision: builtins.int = ...,
                scale: builtins.int = ...) -> DataType: ...
    @classmethod
    def string(cls) -> DataType: ...
    @classmethod
    def varchar(cls, length: builtins.int) -> DataType: ...
    @classmethod
    def char(cls, length: builtins.int) -> DataType: ...
    @classmethod
    def bytes(cls) -> DataType: ...
    @classmethod
    def date(cls) -> DataType: ...
    @classmethod
    def time(cls, precision: builtins.int = ...) -> DataType: ...
    @classmethod
    def timestamp(cls, precision: builtins.int = ...) -> DataType: ...
    @classmethod
    def timestamp_ltz(cls, precision: builtins.int = ...) -> DataType: ...
    @classmethod
    def array(cls, element: Union[DataType, str]) -> DataType: ...

class WriteResult:
    rows_written: int
    dirty_rows: int
    rows_in: int
    elapsed: float

Row = Union[Sequence[Any], Mapping[str, Any]]
Data = Union[pandas.DataFrame, "DataFrame", Iterable[pandas.DataFrame],
             Iterable["DataFrame"], Iterable[Row]]
Schema = Union[Mapping[str, Union[DataType, str, None]], Sequence[str]]

def write_hologres(
    data: Data,
    endpoint: str,
    *,
    db_name: str,
    table_name: str,
    username: str,
    password: str,
    primary_key: Union[str, List[str], None] = None,
    connection_pool_size: int = 5,
    connection_pool_name: str = 'default',
    connection_fixed: Optional[bool] = None,
    connection_max_idle_ms: int = 60000,
    connection_ssl_mode: Literal['disable', 'require', 'verify-ca',
                                 'verify-full'] = 'disable',
    connection_ssl_root_cert_location: Optional[str] = None,
    retry_count: int = 10,
    retry_sleep_step_ms: int = 5000,
    meta_cache_ttl_ms: int = 600000,
    serverless_computing: bool = False,
    write_mode: Literal['AUTO', 'INSERT', 'COPY_STREAM', 'COPY_BULK_LOAD',
                        'COPY_BULK_LOAD_ON_CONFLICT'] = 'AUTO',
    on_conflict_action: Literal['INSERT_OR_IGNORE', 'INSERT_OR_UPDATE',
                                'INSERT_OR_REPLACE'] = 'INSERT_OR_UPDATE',
    create_missing_partition: bool = True,
    delete_strategy: Literal['IGNORE_DELETE', 'NON_PK_FIELD_TO_NULL',
                             'DELETE_ROW_ON_PK',
                             'CHANGELOG_STANDARD'] = 'CHANGELOG_STANDARD',
    ignore_null_when_update: bool = False,
    ignore_null_when_update_by_expr: bool = False,
    default_for_not_null_column: bool = True,
    remove_u0000_in_text: bool = True,
    partial_insert: bool = False,
    deduplication: bool = True,
    aggressive_flush: bool = False,
    check_and_put_column: Optional[str] = None,
    check_and_put_operator: str = 'GREATER',
    check_and_put_null_as: Optional[str] = None,
    insert_batch_size: int = 512,
    insert_batch_byte_size: int = 2097152,
    insert_flush_interval_ms: int = 10000,
    copy_format: Literal['binary', 'text', 'binaryrow'] = 'binary',
    insert_conflict_update_set: Optional[str] = None,
    insert_conflict_where: Optional[str] = None,
    parallelism: Optional[int] = None,
    extra_options: Optional[Dict[str, Any]] = None,
    schema: Optional[Schema] = None,
) -> WriteResult: ...

def read_hologres(
    endpoint: str,
    *,
    db_name: str,
    table_name: str,
    username: str,
    password: str,
    schema: Optional[Schema] = None,
    primary_key: Optional[Union[str, List[str]]] = None,
    columns: Optional[Sequence[str]] = None,
    where: Optional[str] = None,
    extra_options: Optional[Dict[str, Any]] = None,
) -> DataFrame: ...

class DataFrame:
    def __init__(self, data: Any = ..., columns: Any = ...) -> None: ...
    def to_pandas(self) -> pandas.DataFrame: ...
    @property
    def columns(self) -> List[str]: ...
    def __len__(self) -> int: ...
    def write_hologres(
        self,
        endpoint: str,
        *,
        db_name: str,
        table_name: str,
        username: str,
        password: str,
        primary_key: Union[str, List[str], None] = None,
        connection_pool_size: int = 5,
        connection_pool_name: str = 'default',
        connection_fixed: Optional[bool] = None,
        connection_max_idle_ms: int = 60000,
        connection_ssl_mode: Literal['disable', 'require', 'verify-ca',
                                     'verify-full'] = 'disable',
        connection_ssl_root_cert_location: Optional[str] = None,
        retry_count: int = 10,
        retry_sleep_step_ms: int = 5000,
        meta_cache_ttl_ms: int = 600000,
        serverless_computing: bool = False,
        write_mode: Literal['AUTO', 'INSERT', 'COPY_STREAM',
                            'COPY_BULK_LOAD',
                            'COPY_BULK_LOAD_ON_CONFLICT'] = 'AUTO',
        on_conflict_action: Literal['INSERT_OR_IGNORE', 'INSERT_OR_UPDATE',
                                    'INSERT_OR_REPLACE'] = 'INSERT_OR_UPDATE',
        create_missing_partition: bool = True,
        delete_strategy: Literal['IGNORE_DELETE', 'NON_PK_FIELD_TO_NULL',
                                 'DELETE_ROW_ON_PK',
                                 'CHANGELOG_STANDARD'] = 'CHANGELOG_STANDARD',
        ignore_null_when_update: bool = False,
        ignore_null_when_update_by_expr: bool = False,
        default_for_not_null_column: bool = True,
        remove_u0000_in_text: bool = True,
        partial_insert: bool = False,
        deduplication: bool = True,
        aggressive_flush: bool = False,
        check_and_put_column: Optional[str] = None,
        check_and_put_operator: str = 'GREATER',
        check_and_put_null_as: Optional[str] = None,
        insert_batch_size: int = 512,
        insert_batch_byte_size: int = 2097152,
        insert_flush_interval_ms: int = 10000,
        copy_format: Literal['binary', 'text', 'binaryrow'] = 'binary',
        insert_conflict_update_set: Optional[str] = None,
        insert_conflict_where: Optional[str] = None,
        parallelism: Optional[int] = None,
        extra_options: Optional[Dict[str, Any]] = None,
    ) -> WriteResult: ...

def from_pandas(df: pandas.DataFrame) -> DataFrame: ...
