#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The one test command: on a fresh Debian machine (as root) install the build
# and test dependencies, build, and run every test: C unit tests (make
# check), the integration tests (pytest, real containers), the tests that
# need a cgroup v2 / LSM (AppArmor, SELinux) / systemd / v1-controller guest
# inside throw-away VMs (tests/vm/run-vm-tests.sh), and a bounded fuzzing run.
# Ends with one summary line "N passed, N failed"; exits non-zero on any
# failure.
#
# Environment:
#   CASING_SKIP_DEPS=1   do not apt-get install
#   CASING_SKIP_ENGINES=1  skip the engine tests (Podman, containerd, Buildah, umoci)
#   CASING_SKIP_VM=1     skip the VM tests (cgroup v2, AppArmor, systemd, v1, SELinux)
#   CASING_FUZZ_SECONDS  fuzzing time (default 60, 0 to skip)
#   CASING_DISTCHECK=1   also run `make distcheck`
set -uo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)

if [ "$(id -u)" != 0 ]; then
    echo "tests/run.sh: must run as root (the tests create real containers)" >&2
    exit 2
fi

deps=(build-essential autoconf automake libtool pkg-config
      libyajl-dev libcap-dev libseccomp-dev libselinux1-dev libapparmor-dev libsystemd-dev
      busybox-static python3 python3-pytest python3-jsonschema
      iproute2 util-linux procps kmod git clang libclang-rt-14-dev)

if [ "${CASING_SKIP_DEPS:-0}" != 1 ]; then
    echo "== installing dependencies"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null || { echo "apt-get update failed" >&2; exit 1; }
    apt-get install -y -q --no-install-recommends "${deps[@]}" >/dev/null ||
        { echo "apt-get install failed" >&2; exit 1; }
fi

# Debian's pytest lives with the system python, not with a pyenv one.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

total_pass=0
total_fail=0
count() { total_pass=$((total_pass + $1)); total_fail=$((total_fail + $2)); }

echo "== building"
if ! { ./autogen.sh && ./configure --quiet && make -j"$(nproc)"; } > build.log 2>&1; then
    tail -50 build.log
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi
if grep -E "warning:" build.log; then
    echo "the build has warnings"
    count 0 1
fi

echo "== unit tests (make check)"
make -j"$(nproc)" check > check.log 2>&1
unit_rc=$?
# One result a test function (TAP, tests/unit/unit_test.h): the summary
# of the test suite counts them.
unit_pass=$(grep -hE '^# PASS:' check.log | awk '{s+=$3} END {print s+0}')
unit_fail=$(grep -hE '^# (FAIL|ERROR|XPASS):' check.log | awk '{s+=$3} END {print s+0}')
unit_skip=$(grep -hE '^# SKIP:' check.log | awk '{s+=$3} END {print s+0}')
if [ $unit_rc != 0 ] && [ "$unit_fail" = 0 ]; then unit_fail=1; fi
grep -E '^(FAIL|ERROR|SKIP|XPASS):' check.log
[ "$unit_fail" = 0 ] || { find . -name 'test-suite.log' -exec cat {} \; | tail -100; }
echo "unit: $unit_pass passed, $unit_fail failed, $unit_skip skipped"
count "$unit_pass" "$unit_fail"

if [ "${CASING_DISTCHECK:-0}" = 1 ]; then
    echo "== make distcheck"
    if make distcheck > distcheck.log 2>&1; then count 1 0; else tail -40 distcheck.log; count 0 1; fi
fi

# Add the counts of pytest's summary line (the last line of LOG matching
# "N passed"/"N failed"); no summary at all counts as a failure.
count_pytest() {
    local summary pass fail
    summary=$(grep -E '[0-9]+ (passed|failed)' "$1" | tail -1)
    pass=$(echo "$summary" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)
    fail=$(echo "$summary" | grep -oE '[0-9]+ (failed|error|errors)' | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
    [ -n "$pass" ] || pass=0
    [ -n "$summary" ] || fail=$((fail + 1))
    count "$pass" "$fail"
}

echo "== integration tests (pytest)"
$PY -m pytest -q -p no:cacheprovider tests/integration 2>&1 | tee pytest.log
count_pytest pytest.log

# The attack suite: each test attacks from inside a real container (attacker
# programs in tests/security/attackers) and checks on the host that nothing
# got out (SECURITY.md).
echo "== attack suite (tests/security)"
$PY -m pytest -q -p no:cacheprovider tests/security 2>&1 | tee pytest-security.log
count_pytest pytest-security.log

# The engines themselves on casing (tests/engines): Podman and conmon,
# containerd and its runc shim, Buildah and umoci from Debian, each in
# private state directories, on a busybox image made from a tarball.  The
# packages are installed without starting their services (policy-rc.d):
# the tests start their own containerd and never use the host's.
if [ "${CASING_SKIP_ENGINES:-0}" != 1 ]; then
    echo "== engines (tests/engines)"
    engine_deps=(podman conmon containerd buildah umoci uidmap catatonit golang-github-containers-common
                 python3-grpcio)
    engines_ok=1
    if [ "${CASING_SKIP_DEPS:-0}" != 1 ]; then
        made_policy=0
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${engine_deps[@]}" \
            >/dev/null || engines_ok=0
        [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
    fi
    if [ "$engines_ok" = 1 ]; then
        $PY -m pytest -q -p no:cacheprovider -rxs tests/engines 2>&1 | tee pytest-engines.log
        count_pytest pytest-engines.log
    else
        echo "apt-get install of the engines failed"
        count 0 1
    fi
fi

# The same tests of path resolution, mounts, procfs and exec again with
# openat2 failing as on a kernel before 5.6: every fallback walk runs.
echo "== integration tests without openat2 (fallbacks)"
CASING_TEST_NO_OPENAT2=1 $PY -m pytest -q -p no:cacheprovider tests/integration/test_isolation.py \
    tests/integration/test_isolation_mounts.py tests/integration/test_confine.py \
    tests/integration/test_lifecycle_exec.py 2>&1 | tee pytest-no-openat2.log
count_pytest pytest-no-openat2.log

if [ "${CASING_SKIP_VM:-0}" != 1 ] && [ -x tests/vm/run-vm-tests.sh ]; then
    echo "== cgroup v2, LSM, systemd and v1-controller tests in VMs"
    tests/vm/run-vm-tests.sh 2>&1 | tee vm.log
    count_pytest vm.log
fi

fuzz_seconds=${CASING_FUZZ_SECONDS:-60}
if [ "$fuzz_seconds" != 0 ] && [ -x tests/fuzz/run-fuzz.sh ]; then
    echo "== fuzzing the config parser for ${fuzz_seconds}s"
    if tests/fuzz/run-fuzz.sh "$fuzz_seconds" > fuzz.log 2>&1; then
        tail -3 fuzz.log; count 1 0
    else
        tail -40 fuzz.log; count 0 1
    fi
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
