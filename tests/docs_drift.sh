#!/usr/bin/env bash
# docs_drift.sh - fails when docs/connectors/*.md or docs/formats/*.md differ
# from what the option tables generate, or docs/functions.md from what the
# function table generates (`make docs` regenerates them), or
# when a failpoint named in src/ is missing from the table in
# docs/decisions.md.
set -euo pipefail
cd "$(dirname "$0")/.."
HOLOFLOW=${HOLOFLOW:-build/holoflow}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$HOLOFLOW" options --write-docs "$tmp"
rc=0
for sub in connectors formats; do
    if ! diff -ru "docs/$sub" "$tmp/$sub"; then
        rc=1
    fi
done
if ! diff -u docs/functions.md "$tmp/functions.md"; then
    rc=1
fi
if [ $rc -ne 0 ]; then
    echo "docs drift: the committed option or function docs differ from the tables; run 'make docs' and commit" >&2
    exit 1
fi
# holoflow options NAME --markdown is the same page.
"$HOLOFLOW" options datagen --markdown | diff -u docs/connectors/datagen.md -
# Every failpoint the code checks is documented.
for fp in $(grep -rhoE '"holo\.[a-z]+\.[a-z-]+"' src | tr -d '"' | sort -u); do
    if ! grep -qF "\`$fp\`" docs/decisions.md; then
        echo "docs drift: failpoint '$fp' is not in docs/decisions.md (section Failpoints)" >&2
        exit 1
    fi
done
echo "docs_drift: ok"
