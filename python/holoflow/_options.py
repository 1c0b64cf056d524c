"""write_hologres's keyword parameters: their checks and the sink options
they become.

PARAMS is the one table of the named parameters of 002_*'s
``write_hologres``: the parameter, the hologres connector option it sets
and its default (the signature's default, which is also the option's
default in the engine). A parameter left at its default generates no
option, so the engine's own defaults and "set by the job" rules apply
exactly as for a Flink job that does not name the option (e.g. the COPY
modes' larger batch sizes, or COPY_BULK_LOAD refusing an explicit
on-conflict action). ``extra_options`` are added after the named ones and
win over them when they name the same option under any of its spellings;
``connector`` is reserved.

check() raises ValueError for every rule of 002_*'s "Raises" list before
anything connects, naming the parameters.
"""

from . import _native

__all__ = ["PARAMS", "check", "build_options"]

WRITE_MODES = ("AUTO", "INSERT", "COPY_STREAM", "COPY_BULK_LOAD",
               "COPY_BULK_LOAD_ON_CONFLICT")
ON_CONFLICT = ("INSERT_OR_IGNORE", "INSERT_OR_UPDATE", "INSERT_OR_REPLACE")
DELETE_STRATEGIES = ("IGNORE_DELETE", "NON_PK_FIELD_TO_NULL",
                     "DELETE_ROW_ON_PK", "CHANGELOG_STANDARD")
SSL_MODES = ("disable", "require", "verify-ca", "verify-full")
COPY_FORMATS = ("binary", "text", "binaryrow")
CHECK_AND_PUT_OPERATORS = ("GREATER", "GREATER_OR_EQUAL", "EQUAL",
                           "NOT_EQUAL", "LESS", "LESS_OR_EQUAL", "IS_NULL",
                           "IS_NOT_NULL")

# (parameter, option, default, kind); kind: str, int, bool, optbool,
# optstr, optint, enum tuple.
PARAMS = (
    ("connection_pool_size", "connection.pool.size", 5, int),
    ("connection_pool_name", "connection.pool.name", "default", str),
    ("connection_fixed", "connection.fixed.enabled", None, "optbool"),
    ("connection_max_idle_ms", "connection.max-idle-ms", 60000, int),
    ("connection_ssl_mode", "connection.ssl.mode", "disable", SSL_MODES),
    ("connection_ssl_root_cert_location",
     "connection.ssl.root-cert.location", None, "optstr"),
    ("retry_count", "retry-count", 10, int),
    ("retry_sleep_step_ms", "retry-sleep-step-ms", 5000, int),
    ("meta_cache_ttl_ms", "meta-cache-ttl-ms", 600000, int),
    ("serverless_computing", "serverless-computing.enabled", False, bool),
    ("write_mode", "sink.write-mode", "AUTO", WRITE_MODES),
    ("on_conflict_action", "sink.on-conflict-action", "INSERT_OR_UPDATE",
     ON_CONFLICT),
    ("create_missing_partition", "sink.create-missing-partition", True, bool),
    ("delete_strategy", "sink.delete-strategy", "CHANGELOG_STANDARD",
     DELETE_STRATEGIES),
    ("ignore_null_when_update", "sink.ignore-null-when-update.enabled", False,
     bool),
    ("ignore_null_when_update_by_expr",
     "sink.ignore-null-when-update-by-expr.enabled", False, bool),
    ("default_for_not_null_column",
     "sink.default-for-not-null-column.enabled", True, bool),
    ("remove_u0000_in_text", "sink.remove-u0000-in-text.enabled", True, bool),
    ("partial_insert", "sink.partial-insert.enabled", False, bool),
    ("deduplication", "sink.deduplication.enabled", True, bool),
    ("aggressive_flush", "sink.aggressive.enabled", False, bool),
    ("check_and_put_column", "sink.check-and-put.column", None, "optstr"),
    ("check_and_put_operator", "sink.check-and-put.operator", "GREATER",
     CHECK_AND_PUT_OPERATORS),
    ("check_and_put_null_as", "sink.check-and-put.null-as", None, "optstr"),
    ("insert_batch_size", "sink.insert.batch-size", 512, int),
    ("insert_batch_byte_size", "sink.insert.batch-byte-size", 2097152, int),
    ("insert_flush_interval_ms", "sink.insert.flush-interval-ms", 10000, int),
    ("copy_format", "sink.copy.format", "binary", COPY_FORMATS),
    ("insert_conflict_update_set", "sink.insert.conflict-update-set", None,
     "optstr"),
    ("insert_conflict_where", "sink.insert.conflict-where", None, "optstr"),
    ("parallelism", "sink.parallelism", None, "optint"),
)

RESERVED = ("connector", "connector.type")


def _type_check(name, value, kind):
    if isinstance(kind, tuple):
        if not isinstance(value, str):
            raise TypeError("%s must be a str, one of %s, not %r"
                            % (name, ", ".join(repr(v) for v in kind), value))
        if value not in kind:
            raise ValueError("%s=%r is not valid: expected one of %s"
                             % (name, value, ", ".join(repr(v) for v in kind)))
    elif kind is int or kind == "optint":
        if value is None and kind == "optint":
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("%s must be an int, not %r" % (name, value))
    elif kind is bool or kind == "optbool":
        if value is None and kind == "optbool":
            return
        if not isinstance(value, bool):
            raise TypeError("%s must be a bool, not %r" % (name, value))
    elif kind is str or kind == "optstr":
        if value is None and kind == "optstr":
            return
        if not isinstance(value, str):
            raise TypeError("%s must be a str, not %r" % (name, value))


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check(p):
    """Raise TypeError/ValueError for parameters 002_* refuses. `p` maps
    every parameter name of write_hologres (but data) to its value."""
    for name in ("endpoint", "db_name", "table_name", "username", "password"):
        if not isinstance(p[name], str):
            raise TypeError("%s must be a str, not %s"
                            % (name, type(p[name]).__name__))
    pk = p["primary_key"]
    if pk is not None and not isinstance(pk, str) and not (
            isinstance(pk, (list, tuple))
            and all(isinstance(c, str) for c in pk)):
        raise TypeError("primary_key must be a str, a list of str or None")
    for name, _opt, _default, kind in PARAMS:
        _type_check(name, p[name], kind)
    extra = p["extra_options"]
    if extra is not None and not isinstance(extra, dict):
        raise TypeError("extra_options must be a dict or None")

    wm = p["write_mode"]
    if p["copy_format"] != "binary" and wm in ("AUTO", "INSERT"):
        raise ValueError(
            "copy_format=%r needs a COPY_* write_mode: with write_mode=%r "
            "only copy_format='binary' is accepted"
            % (p["copy_format"], wm))
    if (p["connection_ssl_mode"] in ("verify-ca", "verify-full")
            and not p["connection_ssl_root_cert_location"]):
        raise ValueError(
            "connection_ssl_mode=%r needs connection_ssl_root_cert_location "
            "(the CA certificate file)" % p["connection_ssl_mode"])
    cap_given = [n for n in ("check_and_put_column", "check_and_put_null_as")
                 if p[n] is not None]
    if p["check_and_put_operator"] != "GREATER":
        cap_given.append("check_and_put_operator")
    if cap_given:
        if p["on_conflict_action"] == "INSERT_OR_IGNORE":
            raise ValueError(
                "%s cannot be combined with on_conflict_action="
                "'INSERT_OR_IGNORE' (an ignored conflict never updates); use "
                "'INSERT_OR_UPDATE' or 'INSERT_OR_REPLACE'"
                % " and ".join(cap_given))
        if p["insert_conflict_where"] is not None:
            raise ValueError(
                "%s cannot be combined with insert_conflict_where: both "
                "decide whether a conflicting row is updated"
                % " and ".join(cap_given))
        if p["insert_conflict_update_set"] is not None:
            raise ValueError(
                "%s cannot be combined with insert_conflict_update_set"
                % " and ".join(cap_given))
    if p["check_and_put_column"] is not None and wm.startswith("COPY_"):
        raise ValueError(
            "check_and_put_column cannot be combined with write_mode=%r: "
            "check-and-put needs INSERT (set write_mode='INSERT')" % wm)
    if (p["delete_strategy"] in ("NON_PK_FIELD_TO_NULL", "DELETE_ROW_ON_PK")
            and not pk):
        raise ValueError(
            "delete_strategy=%r needs primary_key" % p["delete_strategy"])
    if extra:
        for key in extra:
            if not isinstance(key, str):
                raise TypeError("extra_options keys must be str, not %r"
                                % (key,))
            if key.strip().lower() in RESERVED:
                raise ValueError(
                    "extra_options must not contain %r: the connector is "
                    "always hologres" % key)


def _canonical(key):
    try:
        return _native.option_canonical("hologres", key)
    except _native.EngineError:
        return None


def build_options(p):
    """The connector options ("key=value" strings) for parameters `p`
    (already checked)."""
    opts = {
        "endpoint": p["endpoint"],
        "dbname": p["db_name"],
        "tablename": p["table_name"],
        "username": p["username"],
        "password": p["password"],
    }
    for name, opt, default, _kind in PARAMS:
        value = p[name]
        if value is None or (value == default and type(value) is type(default)):
            continue
        opts[opt] = _text(value)
    extra = p["extra_options"] or {}
    for key, value in extra.items():
        canon = _canonical(key) or key
        # The named parameter's option gives way to the extra option,
        # under whatever spelling the extra option uses.
        for k in list(opts):
            if k == canon or (_canonical(k) or k) == canon:
                del opts[k]
        if value is not None:  # None: leave the option unset
            opts[key] = _text(value)
    return ["%s=%s" % (k, v) for k, v in opts.items()]
