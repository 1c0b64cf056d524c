"""Builds the holoflow Python package (python/holoflow) for `pip install .`
and `python3 -m build`: the extension holoflow._native compiled from
python/holoflow/_native.c together with every C source of the library
(src/**/*.c), against the Debian -dev packages that CMake uses too (found
with pkg-config). Nothing is downloaded: with the build dependencies
installed (scripts/deps.sh) it builds offline. `make` builds the same
package into build/python with CMake instead (docs/python.md)."""

import glob
import os
import shlex
import subprocess

from setuptools import Extension, setup

ROOT = os.path.dirname(os.path.abspath(__file__))
PKGS = ["libpq", "json-c", "zlib", "rdkafka", "avro-c", "libpcre2-8",
        "libcrypto", "libcurl", "rocksdb", "libmicrohttpd"]


def pkg_config(*args):
    try:
        out = subprocess.run(["pkg-config", *args, *PKGS], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit("holoflow: pkg-config cannot find the C libraries "
                         "(%s); install them with scripts/deps.sh" % e)
    return shlex.split(out)


def rel(path):
    return os.path.relpath(path, ROOT)


sources = [rel(os.path.join(ROOT, "python", "holoflow", "_native.c"))]
sources += sorted(rel(p) for p in glob.glob(os.path.join(ROOT, "src", "**",
                                                         "*.c"),
                                            recursive=True))
cflags = pkg_config("--cflags")
libs = pkg_config("--libs")

native = Extension(
    "holoflow._native",
    sources=sources,
    include_dirs=["include", "src"],
    extra_compile_args=["-std=gnu11", "-fvisibility=hidden", "-O2",
                        "-Wno-missing-field-initializers"]
    + [f for f in cflags if not f.startswith("-I")],
    extra_link_args=libs + ["-lpthread", "-lm"],
)
native.include_dirs += [f[2:] for f in cflags if f.startswith("-I")]

setup(
    ext_modules=[native],
    # keep setuptools' build tree out of CMake's build/
    options={"build": {"build_base": "build-pip"}},
)
