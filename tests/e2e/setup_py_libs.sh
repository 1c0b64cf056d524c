#!/usr/bin/env bash
# setup_py_libs.sh - the pip build (setup.py) links the same libraries as
# the CMake build. setup.py compiles every src/**/*.c into the Python
# extension, so a pkg-config module that CMakeLists.txt requires but
# setup.py's PKGS lacks gives a module that builds and then fails at import
# with an undefined symbol (it happened with rocksdb). This compares the two
# lists of pkg-config module names.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/e2e/lib.sh

sed -n 's/^pkg_check_modules([A-Z0-9_]* REQUIRED IMPORTED_TARGET \([^ )]*\)).*/\1/p' \
    CMakeLists.txt | sort -u >"$T/cmake"
python3 - <<'PY' | sort -u >"$T/setup"
import ast
tree = ast.parse(open("setup.py").read())
for node in ast.walk(tree):
    if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "PKGS" for t in node.targets):
        for elt in node.value.elts:
            print(elt.value)
PY
[ -s "$T/cmake" ] || fail "no pkg_check_modules found in CMakeLists.txt"
[ -s "$T/setup" ] || fail "no PKGS list found in setup.py"
# python3's own module is linked by the extension machinery, not PKGS
grep -v '^python3' "$T/cmake" >"$T/cmake.lib" || true
expect_same "$T/cmake.lib" "$T/setup" "setup.py PKGS vs CMakeLists.txt pkg_check_modules"
finish
