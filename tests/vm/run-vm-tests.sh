#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-vm-tests.sh [PYTEST ARGS...]: run the integration tests that need a
# kernel or an init the build host does not have, each kind in its own
# throw-away guest (vm-run.sh), VM_PARALLEL (default 2) at a time:
#
#   shell-criu      busybox init, pure cgroup v2, AppArmor, criu, podman and
#                   containerd:           pytest -m criu
#   shell-v2        busybox init, pure cgroup v2, AppArmor, a 16 MB scratch
#                   disk (io.max):        pytest -m "(cgroup2 or apparmor or
#                                         oldkernel) and not criu"
#   systemd-v2      systemd as PID 1, pure cgroup v2:   pytest -m systemd
#   systemd-hybrid  systemd as PID 1, v1 controllers + cgroup2 at unified:
#                                         pytest -m "systemd or cgroup1_vm"
#   shell-selinux   busybox init, pure cgroup v2, SELinux (Debian's policy +
#                   selinux-svirt.cil, booted permissive; the tests switch
#                   to enforcing themselves):  pytest -m selinux
#
# Each guest but shell-selinux first makes a soft-RoCE device rxe0 (rdma_rxe
# over a dummy netdev) for the rdma controller tests, and keeps it until
# power-off: deleting it after cgroups that limited it were removed oopses
# the 6.1 guest kernel (see README.md).
#
# prints each guest's pytest output, a summary line per guest and, last,
# one combined line "N passed, N failed, N skipped in Ts" (what tests/run.sh
# reads).  Exits non-zero when a test failed or a guest gave no pytest
# summary (did not boot, timed out...).  A guest where no test carries its
# markers (pytest exit 5, "no tests ran"/"deselected") counts as 0 passed.
#
# PYTEST ARGS pass to every guest's pytest (`-k rdma`, `-x`...), after
# $PYTEST_ARGS.  Environment: VM_GUESTS="shell-v2 systemd-hybrid" runs only
# those (default: all five; the longest, shell-criu, starts first);
# VM_PARALLEL guests run at once, each with VM_CPUS=1 (each is mostly one
# busy pytest, and a build host has 2 cores: two guests of 2 vCPUs under
# TCG took 660 s, on a machine busy with other work too, where two of 1
# vCPU took 290 s on a quieter one); their outputs are printed
# whole, in order; VM_CACHE, VM_TIMEOUT (per
# guest, default 1500 s)... as in vm-run.sh.  Runs prepare.sh first (quick
# when the cache is complete; it installs what is missing, as root; with
# VM_SELINUX=1 when shell-selinux is wanted: the policy packages, ~50 s
# once, and the guest's policy, ~7 s once).
#
# Only what needs these runs there: processes start ~20x slower under TCG.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CACHE=${VM_CACHE:-/tmp/vmtest}
ME=run-vm-tests.sh

if [ "$(id -u)" != 0 ]; then
    echo "$ME: must run as root" >&2
    exit 2
fi
if [ ! -x "$TOP/src/casing" ]; then
    echo "$ME: build first (make): $TOP/src/casing is missing" >&2
    exit 2
fi
ALL="shell-criu shell-v2 systemd-v2 systemd-hybrid shell-selinux"
want=${VM_GUESTS:-$ALL}
for w in $want; do
    case " $ALL " in *" $w "*) ;; *) echo "$ME: VM_GUESTS: unknown guest $w ($ALL)" >&2; exit 2;; esac
done
selinux=0
case " $want " in *" shell-selinux "*) selinux=1;; esac
if ! VM_CACHE=$CACHE VM_SELINUX=$selinux "$HERE/prepare.sh" >/dev/null; then
    echo "$ME: prepare.sh failed"
    echo "0 passed, 1 failed"
    exit 125
fi

RXE="{ modprobe rdma_rxe && ip link add vmrdma0 type dummy && ip link set vmrdma0 up && rdma link add rxe0 type rxe netdev vmrdma0; } || echo '$ME: no rxe0 soft-RoCE device' >&2"
# name | VM_INIT | VM_CGROUP | extra vm-run env | marker expression | setup
GUESTS=(
    "shell-criu|shell|v2||criu|"
    "shell-v2|shell|v2|VM_DISK=${VM_DISK:-16}|(cgroup2 or apparmor or oldkernel) and not criu|modprobe virtio_blk 2>/dev/null; modprobe bfq 2>/dev/null; echo bfq > /sys/block/vda/queue/scheduler 2>/dev/null; $RXE"
    "systemd-v2|systemd|v2||systemd|$RXE"
    "systemd-hybrid|systemd|hybrid||systemd or cgroup1_vm|$RXE"
    "shell-selinux|shell|v2|VM_LSM=selinux VM_SELINUX=permissive VM_SELINUX_POLICY=$CACHE/selinux/policy.svirt|selinux|"
)

args=""
for a in "$@"; do args="$args $(printf '%q' "$a")"; done

LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/run-vm-tests.XXXXXX")
trap 'rm -rf "$LOGDIR"' EXIT

# "3 passed, 1 skipped" -> the number before the word matching $1 (0 when absent)
count() { echo "$2" | grep -oE "[0-9]+ $1\b" | grep -oE '^[0-9]+' | awk '{s+=$1} END {print s+0}'; }

# One guest: its whole output in LOGDIR/NAME.log, its summary line
# ("guest NAME: 3 passed, 0 failed, 1 skipped in 61s") and counts in
# LOGDIR/NAME.sum.
run_guest() {
    local name=$1 init=$2 cgroup=$3 extra=$4 marks=$5 setup=$6
    local log=$LOGDIR/$name.log t0=$SECONDS rc summary pass fail skip xfail why xf secs cmd
    echo "== guest $name: VM_INIT=$init VM_CGROUP=$cgroup, pytest -m \"$marks\"" > "$log"
    # /usr/bin/python3 directly: pyenv shims are very slow under emulation.
    cmd="${setup:+$setup; }/usr/bin/python3 -m pytest -p no:cacheprovider -q -rs -m \"$marks\" ${PYTEST_ARGS:-}$args tests/integration tests/security"
    # shellcheck disable=SC2086
    env VM_CACHE="$CACHE" VM_TIMEOUT="${VM_TIMEOUT:-1500}" VM_CPUS="${VM_CPUS:-1}" VM_INIT="$init" VM_CGROUP="$cgroup" $extra \
        "$HERE/vm-run.sh" "$cmd" >> "$log" 2>&1
    rc=$?
    secs=$((SECONDS - t0))
    summary=$(grep -E '(passed|failed|skipped|deselected|error|errors|xfailed|xpassed|no tests ran).* in [0-9.]+s' "$log" | tail -1 | sed -E 's/^=+ //; s/ =+$//')
    pass=$(count passed "$summary")
    fail=$(( $(count failed "$summary") + $(count 'errors?' "$summary") ))
    skip=$(count skipped "$summary")
    xfail=$(count xfailed "$summary")
    why=""
    if [ -z "$summary" ]; then
        why="no pytest summary (vm-run exit $rc)"
    elif [ "$rc" = 5 ] && [ "$pass" = 0 ] && [ "$fail" = 0 ]; then
        : # no test carries these markers (yet): a pass of 0 tests
    elif [ "$rc" != 0 ] && [ "$fail" = 0 ]; then
        why="pytest exit $rc"
    fi
    [ -n "$why" ] && fail=$((fail + 1))
    xf=""
    [ "$xfail" != 0 ] && xf=", $xfail xfailed"
    echo "guest $name: $pass passed, $fail failed, $skip skipped$xf in ${secs}s${why:+ ($why)}" > "$LOGDIR/$name.sum"
    echo "$pass $fail $skip" >> "$LOGDIR/$name.sum"
}

par=${VM_PARALLEL:-2}
t_all=$SECONDS
cd "$TOP" || exit 2
order=()
for g in "${GUESTS[@]}"; do
    IFS='|' read -r name init cgroup extra marks setup <<<"$g"
    case " $want " in *" $name "*) ;; *) continue;; esac
    while [ "$(jobs -rp | wc -l)" -ge "$par" ]; do wait -n; done
    echo "== starting guest $name"
    run_guest "$name" "$init" "$cgroup" "$extra" "$marks" "$setup" &
    order+=("$name")
done
wait

tot_pass=0 tot_fail=0 tot_skip=0 lines=()
for name in "${order[@]}"; do
    cat "$LOGDIR/$name.log"
    if [ -f "$LOGDIR/$name.sum" ]; then
        line=$(head -1 "$LOGDIR/$name.sum")
        read -r pass fail skip < <(tail -1 "$LOGDIR/$name.sum")
    else
        line="guest $name: 0 passed, 1 failed, 0 skipped (the runner died)"
        pass=0 fail=1 skip=0
    fi
    echo "$line"
    lines+=("$line")
    tot_pass=$((tot_pass + pass)) tot_fail=$((tot_fail + fail)) tot_skip=$((tot_skip + skip))
done

echo "== VM guests"
for l in "${lines[@]}"; do echo "$l"; done
echo "$tot_pass passed, $tot_fail failed, $tot_skip skipped in $((SECONDS - t_all))s"
[ "$tot_fail" = 0 ]
