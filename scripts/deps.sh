#!/usr/bin/env bash
# Installs the Debian packages holoflow needs to build, test, demo and bench.
#
# Usage: scripts/deps.sh [EXTRA_PACKAGE...]
#
# Each package is checked with dpkg-query; only missing ones are installed,
# and `apt-get update` runs only when something is missing. When every
# package is present the script prints one line and exits 0. It never reads
# stdin (CI gives none): apt-get runs with -y and DEBIAN_FRONTEND set to
# noninteractive. As root it calls apt-get directly, otherwise `sudo -n`;
# when neither is possible it prints the exact command to run and exits 1.
# Extra arguments are additional packages (e.g. `scripts/deps.sh pgloader`
# for benches, `scripts/deps.sh clang-format` for `make format`).
set -euo pipefail

packages=(
    build-essential cmake pkg-config
    libpq-dev postgresql-15 postgresql-client-15
    libjson-c-dev zlib1g-dev libzstd-dev libcmocka-dev
    librdkafka-dev libavro-dev libpcre2-dev libssl-dev tzdata
    libcurl4-openssl-dev python3-avro librocksdb-dev libmicrohttpd-dev
    kcat openssl gzip curl
    python3-dev python3-numpy python3-pandas python3-pytest
    python3-setuptools python3-wheel python3-sqlalchemy python3-psycopg2
    python3-prometheus-client chromium
)
packages+=("$@")

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: dpkg-query not found; holoflow's scripts expect Debian 12" \
        "(bookworm). Install these packages by other means:" \
        "${packages[*]}" >&2
    exit 1
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
        missing+=("$p")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "deps: all ${#packages[@]} packages present"
    exit 0
fi

echo "deps: missing: ${missing[*]}"

apt_env=(env DEBIAN_FRONTEND=noninteractive)
install_cmd="DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    runner=("${apt_env[@]}")
elif command -v sudo >/dev/null 2>&1 && sudo -n true </dev/null 2>/dev/null; then
    runner=(sudo -n "${apt_env[@]}")
else
    echo "deps: cannot install packages: not root and 'sudo -n' is not" \
        "available without a password. Run one of these, then retry:" >&2
    echo "  as root:   apt-get update && $install_cmd" >&2
    echo "  with sudo: sudo apt-get update && sudo $install_cmd" >&2
    exit 1
fi

if ! "${runner[@]}" apt-get update -qq </dev/null; then
    echo "deps: 'apt-get update' failed; check network access and" \
        "/etc/apt/sources.list, then retry" >&2
    exit 1
fi
if ! "${runner[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" </dev/null; then
    echo "deps: 'apt-get install ${missing[*]}' failed (see above); on" \
        "Debian 12 these packages are in the main archive" >&2
    exit 1
fi
echo "deps: installed ${missing[*]}"
