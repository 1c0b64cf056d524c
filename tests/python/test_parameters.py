"""write_hologres's signature and its ValueError rules (002_*).

The signature must be exactly 002_*'s: names, order, keyword-only-ness and
defaults. Every "Raises: ValueError" rule is raised as ValueError naming
the parameters before anything connects: the endpoint here is a port
nothing listens on, so a connection attempt would raise
holoflow.ConnectionError instead.
"""

import inspect

import pandas as pd
import pytest

import holoflow

SPEC = [  # 002_*: DataFrame.write_hologres(endpoint, *, ...)
    ("endpoint", inspect.Parameter.empty),
    ("db_name", inspect.Parameter.empty),
    ("table_name", inspect.Parameter.empty),
    ("username", inspect.Parameter.empty),
    ("password", inspect.Parameter.empty),
    ("primary_key", None),
    ("connection_pool_size", 5),
    ("connection_pool_name", "default"),
    ("connection_fixed", None),
    ("connection_max_idle_ms", 60000),
    ("connection_ssl_mode", "disable"),
    ("connection_ssl_root_cert_location", None),
    ("retry_count", 10),
    ("retry_sleep_step_ms", 5000),
    ("meta_cache_ttl_ms", 600000),
    ("serverless_computing", False),
    ("write_mode", "AUTO"),
    ("on_conflict_action", "INSERT_OR_UPDATE"),
    ("create_missing_partition", True),
    ("delete_strategy", "CHANGELOG_STANDARD"),
    ("ignore_null_when_update", False),
    ("ignore_null_when_update_by_expr", False),
    ("default_for_not_null_column", True),
    ("remove_u0000_in_text", True),
    ("partial_insert", False),
    ("deduplication", True),
    ("aggressive_flush", False),
    ("check_and_put_column", None),
    ("check_and_put_operator", "GREATER"),
    ("check_and_put_null_as", None),
    ("insert_batch_size", 512),
    ("insert_batch_byte_size", 2097152),
    ("insert_flush_interval_ms", 10000),
    ("copy_format", "binary"),
    ("insert_conflict_update_set", None),
    ("insert_conflict_where", None),
    ("parallelism", None),
    ("extra_options", None),
]


def _check_signature(params):
    assert [(p.name, p.default) for p in params] == SPEC
    assert params[0].kind == inspect.Parameter.POSITIONAL_OR_KEYWORD
    for p in params[1:]:
        assert p.kind == inspect.Parameter.KEYWORD_ONLY, p.name
    # defaults compare equal *and* have the spec's type (True, not 1)
    for p, (_, default) in zip(params, SPEC):
        assert type(p.default) is type(default), p.name


def test_dataframe_method_signature():
    sig = inspect.signature(holoflow.DataFrame.write_hologres)
    params = list(sig.parameters.values())
    assert params[0].name == "self"
    _check_signature(params[1:])


def test_function_signature():
    sig = inspect.signature(holoflow.write_hologres)
    params = list(sig.parameters.values())
    assert params[0].name == "data"
    assert params[-1].name == "schema" and params[-1].default is None
    _check_signature(params[1:-1])


def test_docstrings_name_every_parameter():
    for fn in (holoflow.write_hologres, holoflow.DataFrame.write_hologres):
        for name, _ in SPEC:
            assert name in fn.__doc__, (fn, name)


DF = holoflow.from_pandas(pd.DataFrame({"id": [1], "v": ["x"]}))
BASE = dict(db_name="db", table_name="public.t", username="u",
            password="not-this-secret")
NOWHERE = "127.0.0.1:1"  # nothing listens: connecting would fail


def _raises_value_error(match, **kw):
    args = dict(BASE, **kw)
    with pytest.raises(ValueError, match=match) as info:
        DF.write_hologres(NOWHERE, **args)
    # a plain ValueError from the parameter check, not an engine error
    assert type(info.value) is ValueError
    assert "not-this-secret" not in str(info.value)
    return info.value


@pytest.mark.parametrize("param,value", [
    ("connection_ssl_mode", "allow"),
    ("connection_ssl_mode", "DISABLE"),
    ("write_mode", "UPSERT"),
    ("write_mode", "insert"),
    ("on_conflict_action", "INSERT_OR_NOTHING"),
    ("delete_strategy", "DELETE"),
    ("copy_format", "csv"),
    ("check_and_put_operator", "BIGGER"),
])
def test_invalid_enum(param, value):
    _raises_value_error(param, **{param: value})


@pytest.mark.parametrize("mode", ["AUTO", "INSERT"])
@pytest.mark.parametrize("fmt", ["text", "binaryrow"])
def test_copy_format_needs_copy_mode(mode, fmt):
    e = _raises_value_error("copy_format", write_mode=mode, copy_format=fmt)
    assert "write_mode" in str(e)


@pytest.mark.parametrize("mode", ["verify-ca", "verify-full"])
def test_ssl_verify_needs_root_cert(mode):
    _raises_value_error("connection_ssl_root_cert_location",
                        connection_ssl_mode=mode)


@pytest.mark.parametrize("cap", [
    {"check_and_put_column": "v"},
    {"check_and_put_column": "v", "check_and_put_null_as": "0"},
    {"check_and_put_null_as": "0"},
    {"check_and_put_operator": "LESS"},
])
def test_check_and_put_with_insert_or_ignore(cap):
    e = _raises_value_error("INSERT_OR_IGNORE", primary_key="id",
                            on_conflict_action="INSERT_OR_IGNORE", **cap)
    assert "check_and_put" in str(e) and "on_conflict_action" in str(e)


def test_check_and_put_with_conflict_where():
    e = _raises_value_error("insert_conflict_where", primary_key="id",
                            check_and_put_column="v",
                            insert_conflict_where="old.v < excluded.v")
    assert "check_and_put_column" in str(e)


@pytest.mark.parametrize("mode", ["COPY_STREAM", "COPY_BULK_LOAD",
                                  "COPY_BULK_LOAD_ON_CONFLICT"])
def test_check_and_put_with_copy_mode(mode):
    e = _raises_value_error("check_and_put_column", primary_key="id",
                            check_and_put_column="v", write_mode=mode)
    assert "write_mode" in str(e)


@pytest.mark.parametrize("strategy", ["NON_PK_FIELD_TO_NULL",
                                      "DELETE_ROW_ON_PK"])
def test_key_delete_strategy_needs_primary_key(strategy):
    e = _raises_value_error("primary_key", delete_strategy=strategy)
    assert "delete_strategy" in str(e)


@pytest.mark.parametrize("key", ["connector", "CONNECTOR", "connector.type"])
def test_extra_options_connector_is_reserved(key):
    e = _raises_value_error("extra_options", extra_options={key: "hologres"})
    assert key in str(e)


def test_valid_combinations_reach_the_connection():
    # The same parameters without the offending part pass the checks and
    # fail only at connecting: proof that the checks above are not
    # blanket refusals.
    for kw in ({"write_mode": "COPY_STREAM", "copy_format": "text"},
               {"connection_ssl_mode": "require"},
               {"primary_key": "id", "check_and_put_column": "v"},
               {"primary_key": "id", "delete_strategy": "DELETE_ROW_ON_PK"},
               {"extra_options": {"connection.max-alive-ms": 1000}}):
        with pytest.raises(holoflow.ConnectionError) as info:
            DF.write_hologres(NOWHERE, **dict(BASE, retry_count=0, **kw))
        assert "not-this-secret" not in str(info.value)


def test_engine_option_errors_are_configuration_errors():
    # Rules of the engine beyond 002_*'s list: still before connecting,
    # a holoflow.ConfigurationError (also a ValueError).
    with pytest.raises(holoflow.ConfigurationError) as info:
        DF.write_hologres(NOWHERE, **dict(
            BASE, extra_options={"sink.insert.batch-sise": "1"}))
    assert isinstance(info.value, ValueError)
    assert "sink.insert.batch-sise" in str(info.value)
    assert "sink.insert.batch-size" in str(info.value)  # did you mean


def test_type_errors():
    with pytest.raises(TypeError, match="connection_pool_size"):
        DF.write_hologres(NOWHERE, **dict(BASE, connection_pool_size="5"))
    with pytest.raises(TypeError, match="partial_insert"):
        DF.write_hologres(NOWHERE, **dict(BASE, partial_insert=1))
    with pytest.raises(TypeError, match="primary_key"):
        DF.write_hologres(NOWHERE, **dict(BASE, primary_key=7))
