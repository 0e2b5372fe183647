#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-v2-tests.sh [PYTEST ARGS...]: run the cgroup v2 and AppArmor
# integration tests (pytest -m "cgroup2 or apparmor") inside a throw-away
# guest with a pure cgroup2
# hierarchy, and print pytest's summary.  Builds the guest cache on first
# use (prepare.sh: apt-get installs qemu and friends, as root).
#
# Only what needs v2 runs there: processes start ~20x slower under TCG.
# Environment: VM_CACHE, VM_TIMEOUT... as in vm-run.sh; PYTEST_ARGS.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CACHE=${VM_CACHE:-/tmp/vmtest}

if [ "$(id -u)" != 0 ]; then
    echo "run-v2-tests.sh: must run as root" >&2
    exit 2
fi
if [ ! -x "$TOP/src/casing" ]; then
    echo "run-v2-tests.sh: build first (make): $TOP/src/casing is missing" >&2
    exit 2
fi
if [ ! -f "$CACHE/current.env" ]; then
    echo "run-v2-tests.sh: preparing the guest (once)" >&2
    VM_CACHE=$CACHE "$HERE/prepare.sh" >&2 || exit 125
fi

cd "$TOP" || exit 2
# /usr/bin/python3 directly: pyenv shims are very slow under emulation.
# A small scratch disk gives the io.max/io.weight tests a real block device.
exec env VM_CACHE="$CACHE" VM_TIMEOUT="${VM_TIMEOUT:-1500}" VM_DISK="${VM_DISK:-16}" "$HERE/vm-run.sh" \
    "modprobe virtio_blk 2>/dev/null; modprobe bfq 2>/dev/null; echo bfq > /sys/block/vda/queue/scheduler 2>/dev/null; /usr/bin/python3 -m pytest -p no:cacheprovider -q -rs -m \"cgroup2 or apparmor\" ${PYTEST_ARGS:-} $* tests/integration"
