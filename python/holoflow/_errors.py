"""Exceptions of the holoflow package.

Every failure the engine reports becomes a subclass of :class:`Error`
carrying the engine's message (secrets already removed by the engine) and
its error code name in ``code``:

* :class:`ConfigurationError` -- an option, a parameter combination, a
  column or type that does not fit the table (also a ``ValueError``);
* :class:`ConnectionError` -- the server cannot be reached or the
  connection broke for good (also the built-in ``ConnectionError``);
* :class:`DataError` -- a value that cannot be converted to its column's
  type, or rows the server rejected (``row`` is the row index when known);
* :class:`ServerError` -- the server refused a statement for another reason.

Invalid parameter combinations that 002_* lists under "Raises" are plain
``ValueError`` raised before anything connects.
"""

import builtins

from . import _native

__all__ = ["Error", "ConfigurationError", "ConnectionError", "DataError",
           "ServerError"]


class Error(Exception):
    """Base class of holoflow's errors: ``code`` names the engine's error
    code (``"OPTION"``, ``"CONNECT"``, ``"DATA"``, ...)."""

    def __init__(self, message, code="FAIL", row=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.row = row


class ConfigurationError(Error, ValueError):
    """An option, parameter combination, column or type the engine refuses
    (before anything is written)."""


class ConnectionError(Error, builtins.ConnectionError):
    """The server could not be reached, or the connection failed for good
    after the configured retries."""


class DataError(Error):
    """A value that does not convert to its column's type (``row`` is its
    row index in the input), or a row the server rejected."""


class ServerError(Error):
    """The server rejected a statement."""


_CODE_NAMES = {}
for _name in dir(_native):
    if _name.startswith("ERR_"):
        _CODE_NAMES[getattr(_native, _name)] = _name[4:]

_CLASSES = {
    "USAGE": ConfigurationError,
    "SQL": ConfigurationError,
    "OPTION": ConfigurationError,
    "TYPE": ConfigurationError,
    "UNSUPPORTED": ConfigurationError,
    "CONNECT": ConnectionError,
    "IO": ConnectionError,
    "DATA": DataError,
    "SERVER": ServerError,
}


def from_engine(exc):
    """The holoflow.Error for an _native.EngineError."""
    code, message, row = exc.args
    name = _CODE_NAMES.get(code, "FAIL")
    if name == "INTERRUPTED":
        return KeyboardInterrupt(message)
    cls = _CLASSES.get(name, Error)
    return cls(message, name, None if row is None or row < 0 else row)
