"""pytest fixtures of the Python module's tests (tests/python).

The tests run against the private PostgreSQL that `make check` starts
(scripts/pg-private.sh: PGHOST, PGPORT, PGUSER, PGDATABASE exported) and
import holoflow from the build tree (tests/integration/test_python.sh sets
PYTHONPATH=<build>/python). Every check of what was written reads the
table back with psql, an independent client.
"""

import os
import subprocess

import pytest


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.exit("%s is not set: run through make check or "
                    "tests/integration/test_python.sh" % name, returncode=2)
    return value


@pytest.fixture(scope="session")
def pg():
    """Connection settings: endpoint (the engine's "host:port", the host
    being the socket directory), db, user."""
    host, port = _env("PGHOST"), _env("PGPORT")
    return {"endpoint": "%s:%s" % (host, port), "db": _env("PGDATABASE"),
            "user": _env("PGUSER"), "host": host, "port": port}


def psql(sql):
    """Run SQL with psql; returns the rows as lists of strings (NULL as
    None is not distinguishable in -A output, so queries spell NULLs out
    with coalesce where it matters)."""
    out = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "|",
         "-c", sql], check=True, capture_output=True, text=True,
        env=dict(os.environ, PGTZ="UTC")).stdout
    return [line.split("|") for line in out.splitlines() if line != ""]


@pytest.fixture
def sql():
    return psql


@pytest.fixture
def kw(pg):
    """The connection keywords of write_hologres."""
    return {"db_name": pg["db"], "table_name": None, "username": pg["user"],
            "password": "unused-secret-pw"}


@pytest.fixture
def table(request, sql):
    """A fresh table name for the test, dropped first."""
    name = "py_" + request.node.name.replace("[", "_").replace("]", "") \
        .replace("-", "_").lower()[:50]
    sql("SET client_min_messages = warning; DROP TABLE IF EXISTS %s CASCADE"
        % name)
    return name
