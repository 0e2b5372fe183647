#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the opencontainers runtime-tools validation programs against casing.
#
#   tests/oci-validation/run.sh RUNTIME_TOOLS_DIR [TEST...]
#
# RUNTIME_TOOLS_DIR is a runtime-tools checkout that you built yourself
# (`make runtimetest validation-executables`); nothing of it is shipped here.
# Without TEST names every validation/*/*.t is run.  RUNTIME (default: the
# casing binary of this tree) can point at another runtime to compare.
# Prints one line per test program with its TAP counts, then a total.
set -uo pipefail
tools=${1:?usage: run.sh RUNTIME_TOOLS_DIR [TEST...]}
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
export RUNTIME=${RUNTIME:-$top/src/casing}
cd "$tools" || exit 2
if [ $# = 0 ]; then
    set -- $(ls -d validation/*/ | xargs -n1 basename | grep -v '^util$')
fi
logdir=${OCI_VALIDATION_LOGS:-/tmp/casing-oci-validation}
mkdir -p "$logdir"
total_ok=0 total_fail=0 total_skip=0
for t in "$@"; do
    exe=validation/$t/$t.t
    [ -x "$exe" ] || { echo "$t: not built"; continue; }
    timeout 120 "$exe" > "$logdir/$t.tap" 2>&1
    rc=$?
    ok=$(grep -cE '^ok ' "$logdir/$t.tap")
    skip=$(grep -cE '^ok .*# SKIP' "$logdir/$t.tap")
    fail=$(grep -cE '^not ok ' "$logdir/$t.tap")
    plan=$(grep -oE '^1\.\.[0-9]+.*' "$logdir/$t.tap" | tail -1)
    # A program that dies (util.Fatal, a timeout) after printing only ok
    # lines failed: a *_fail program prints the container's TAP when the
    # runtime wrongly accepted its config, then exits 1.
    if [ $rc != 0 ] && [ $fail = 0 ]; then
        fail=1; plan="${plan:-no plan} (exit $rc)"
    elif [ $((ok + fail)) = 0 ]; then
        # No test point: the lifecycle programs print "1..0" and report a
        # failure only as a YAML "error:" diagnostic, still exiting 0; the
        # *_fail programs print no TAP and exit 0 when the runtime refused.
        if grep -qE '^ +"error": ' "$logdir/$t.tap"; then
            fail=1; plan="${plan:-no plan}, YAML error"
        elif [[ $plan == *'# SKIP'* ]]; then
            ok=1; skip=1
        else
            ok=1; plan="${plan:-no TAP}, exit 0"
        fi
    fi
    printf '%-36s %4d ok (%d skipped) %3d not ok  %s\n' "$t" "$ok" "$skip" "$fail" "$plan"
    total_ok=$((total_ok + ok)); total_fail=$((total_fail + fail)); total_skip=$((total_skip + skip))
done
echo "total: $total_ok ok ($total_skip skipped), $total_fail not ok; logs in $logdir"
[ "$total_fail" = 0 ]
