#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the libocispec libFuzzer target with clang in a separate directory
# and run it for SECONDS (default 60), seeded with tests/data fixtures (and
# the runtime-spec examples when SPEC_DIR or ../shared/runtime-spec exists).
# Exits non-zero when the fuzzer finds a crash, a leak or a round-trip bug;
# the reproducer is left in $FUZZ_BUILD_DIR/artifacts.
#
# The target is compiled straight from the sources rather than through
# configure, so it works even while the main tree is configured in place
# (automake refuses a VPATH build then).  `./configure --enable-fuzzing
# CC=clang && make tests/fuzz/fuzz_config` builds the same target.
set -eu

seconds=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${FUZZ_BUILD_DIR:-/tmp/casing-fuzz-build}
spec=${SPEC_DIR:-$top/../shared/runtime-spec}
cc=${FUZZ_CC:-clang}

die () { echo "run-fuzz: $*" >&2; exit 2; }

command -v "$cc" >/dev/null 2>&1 || die "$cc not found (apt-get install clang)"

# Debian ships libFuzzer's runtime in libclang-rt-<version>-dev.
probe_fuzzer () {
    printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}\n' \
        > "$build/probe.c"
    "$cc" -fsanitize=fuzzer "$build/probe.c" -o "$build/probe" >/dev/null 2>&1
}
mkdir -p "$build"
if ! probe_fuzzer; then
    version=$("$cc" --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n1)
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ -n "$version" ]; then
        echo "run-fuzz: installing libclang-rt-$version-dev for libFuzzer"
        apt-get install -y "libclang-rt-$version-dev" >/dev/null
    fi
    probe_fuzzer || die "$cc cannot link -fsanitize=fuzzer (install libclang-rt-<version>-dev)"
fi

echo "run-fuzz: building $build/fuzz_config"
# shellcheck disable=SC2046
"$cc" -std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$top/libocispec" \
    "$top/tests/fuzz/fuzz_config.c" $(ls "$top"/libocispec/*.c) \
    -lyajl -o "$build/fuzz_config"

# A fresh working corpus seeded from the fixtures; libFuzzer adds to it.
corpus="$build/corpus"
rm -rf "$corpus" "$build/artifacts"
mkdir -p "$corpus" "$build/artifacts"
find "$top/tests/data" -name '*.json' -exec cp {} "$corpus/" \; 2>/dev/null || true
if [ -d "$spec/schema/test" ]; then
    for f in "$spec"/schema/test/*/*/*.json; do
        cp "$f" "$corpus/spec-$(basename "$(dirname "$(dirname "$f")")")-$(basename "$f")"
    done
fi

# Property names from the fixtures make a dictionary that helps the fuzzer
# reach deep fields quickly.
find "$top/tests/data" -name '*.json' -exec grep -ho '"[A-Za-z0-9_]*"' {} + 2>/dev/null \
    | sort -u | sed 's/"/\\"/g; s/.*/"&"/' > "$build/ocispec.dict"

echo "run-fuzz: fuzzing for $seconds s ($(ls "$corpus" | wc -l) seeds)"
status=0
"$build/fuzz_config" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -dict="$build/ocispec.dict" -artifact_prefix="$build/artifacts/" -print_final_stats=1 \
    "$corpus" || status=$?

if [ "$status" -ne 0 ] || [ -n "$(ls -A "$build/artifacts")" ]; then
    echo "run-fuzz: FAILED (exit $status); reproducers:" >&2
    ls -l "$build/artifacts" >&2
    echo "run-fuzz: replay with $build/fuzz_config <file>" >&2
    exit 1
fi
echo "run-fuzz: no crash in $seconds s"
