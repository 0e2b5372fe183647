#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vm-run.sh 'COMMAND' - run COMMAND as root inside a throw-away qemu guest
# (Debian 6.1 kernel, pure cgroup v2 with every controller enabled, AppArmor
# active) and exit with its exit status.  COMMAND's stdout/stderr stream to
# ours.
#
# Guest file system: the host's / read-only (9p) under a tmpfs overlay, so all
# host binaries are there at the same paths and writes are discarded; fresh
# tmpfs on /tmp and /run; the current directory (and any VM_SHARE dirs) is
# shared READ-WRITE at the same path.  No network (loopback only).
#
# Run prepare.sh once first (same VM_CACHE).
#
# Environment knobs:
#   VM_CACHE=/tmp/vmtest  cache built by prepare.sh
#   VM_CPUS=2 VM_MEM=2G   guest size
#   VM_TIMEOUT=1800       seconds before the guest is killed (exit 124)
#   VM_ACCEL=auto|kvm|tcg auto = kvm only if the host CPU has vmx/svm
#   VM_LSM=apparmor|selinux|none   major LSM to boot with (default apparmor)
#   VM_SELINUX=permissive|enforcing|none  with VM_LSM=selinux: load the host's
#                         policy (selinux-policy-default, prepare.sh with
#                         VM_SELINUX=1) and set this mode (default permissive).
#                         Enforcing: the command runs as kernel_t, which may
#                         not write the (unlabeled) 9p shares, only tmpfs
#                         (/tmp); or use setenforce 1/0 around the checks.
#   VM_SELINUX_POLICY=file   binary policy (policy.33) to load instead
#   VM_SHARE="/a /b"      extra host dirs shared read-write at the same path
#   VM_ENV=1              pass our exported environment (default 1)
#   VM_APPEND="..."       extra kernel command-line words
#   VM_CONSOLE=file       keep the guest kernel log there (default: temp,
#                         printed on failure to get an exit status)
#   VM_MACHINE=q35       qemu machine type (q35 probes devices faster than pc)
#   VM_DEBUG=1            show kernel messages (loglevel 7) in the log
#   VM_DISK=MB            attach an empty virtio disk of MB megabytes (a real
#                         block device for io.max tests; `modprobe virtio_blk`)
set -uo pipefail

if [ $# -lt 1 ] || [ -z "$1" ]; then
    echo "usage: $0 'COMMAND'" >&2
    exit 2
fi
CMD="$*"
CACHE=${VM_CACHE:-/tmp/vmtest}
CPUS=${VM_CPUS:-2}
MEM=${VM_MEM:-2G}
TIMEOUT=${VM_TIMEOUT:-1800}
LSM=${VM_LSM:-apparmor}

[ -f "$CACHE/current.env" ] || { echo "vm-run: no cache in $CACHE, run prepare.sh" >&2; exit 125; }
. "$CACHE/current.env"
KDIR=$(readlink -f "$CACHE/current")
KERNEL=${VM_KERNEL:-$KDIR/vmlinux}
INITRD=$KDIR/initramfs.cpio.gz

CWD=$(pwd -P)
[ "$CWD" != / ] || { echo "vm-run: refusing to share / read-write; cd somewhere" >&2; exit 2; }

RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/vm-run.XXXXXX")
QPID=
cleanup() {
    [ -n "$QPID" ] && kill "$QPID" 2>/dev/null
    rm -rf "$RUNDIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- shares: cwd + VM_SHARE, each at the same path in the guest
shares=("$CWD")
for s in ${VM_SHARE:-}; do shares+=("$(readlink -f "$s")"); done
{
    echo "VM_KVER=$KVER"
    echo "VM_KMODDIR=$KDIR/modules"
    echo "VM_NSHARES=${#shares[@]}"
    echo "VM_NPORTS=2"
    for i in "${!shares[@]}"; do printf 'VM_SHARE_%d=%q\n' "$i" "${shares[$i]}"; done
} > "$RUNDIR/config"

printf '%s\n' "$CMD" > "$RUNDIR/cmd"
printf '%s\n' "$CWD" > "$RUNDIR/cwd"
if [ "${VM_ENV:-1}" = 1 ]; then
    # exported variables, minus the ones that describe this shell/host
    export -p | grep -vE '^declare -[a-zA-Z-]* (PWD|OLDPWD|SHLVL|_|HOSTNAME|TMPDIR|BASH[A-Z_]*|SHELLOPTS|EUID|PPID|UID|VM_[A-Z_]*)(=|$)' \
        > "$RUNDIR/env" || true
else
    : > "$RUNDIR/env"
fi
echo 'unset BASH_ENV' >> "$RUNDIR/env"

# ---- stage 2: runs as PID 1 in the guest's real root (host binaries)
cat > "$RUNDIR/stage2.sh" <<'EOF'
# PID 1 after the initramfs has set up mounts (see prepare.sh); run by
# the initramfs' static busybox sh, copied to /run/vm/busybox
R=/run/vmrun
BB=/run/vm/busybox
finish() {
    # SELinux enforcing would stop us writing to the (unlabeled) 9p share
    [ -w /sys/fs/selinux/enforce ] && echo 0 > /sys/fs/selinux/enforce
    echo "${1:-125}" > $R/rc
    $BB sync
    $BB poweroff -f
    echo o > /proc/sysrq-trigger; $BB sleep 10
}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
stdout=/dev/null stderr=/dev/null
[ -f /run/vmports ] && . /run/vmports
cd "$($BB cat $R/cwd)" || finish 125
. $R/lsm.env
if [ -e /sys/fs/selinux/load ] && [ "$SEL_MODE" != none ]; then
    if [ -n "$SEL_POLICY" ]; then   # the root is an overlay: swap the file in
        t=$($BB sed -n 's/^SELINUXTYPE=//p' /etc/selinux/config 2>/dev/null)
        for f in /etc/selinux/${t:-default}/policy/policy.*; do $BB cp "$SEL_POLICY" "$f"; done
    fi
    load_policy -i || echo "vm-run: load_policy failed (install selinux-policy-default)" >&2
    case $SEL_MODE in
        enforcing) echo 1 > /sys/fs/selinux/enforce;;
        *) echo 0 > /sys/fs/selinux/enforce;;
    esac
fi
(
    # env holds bash 'declare -x' lines; BASH_ENV sources it (and it
    # unsets BASH_ENV again so nested bash scripts are not affected)
    BASH_ENV=$R/env exec /bin/bash -c "$($BB cat $R/cmd)"
) </dev/null >"$stdout" 2>"$stderr"
finish $?
EOF

# ---- qemu
ACCEL=${VM_ACCEL:-auto}
if [ "$ACCEL" = auto ]; then
    ACCEL=tcg
    # KVM needs real VMX/SVM; a PVM-only /dev/kvm (nested PVM hosts) cannot
    # run an unmodified kernel, so don't trust /dev/kvm alone.
    if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then ACCEL=kvm; fi
fi
tcg=tcg,thread=multi
case $ACCEL in
    kvm) accel=(-accel kvm -cpu host);;
    *)   accel=(-accel "$tcg" -cpu max);;
esac

case $LSM in
    apparmor) lsm="apparmor=1 security=apparmor lsm=landlock,lockdown,yama,integrity,apparmor,bpf";;
    selinux)  lsm="selinux=1 security=selinux lsm=landlock,lockdown,yama,integrity,selinux,bpf";;
    none)     lsm="lsm=landlock,lockdown,yama,integrity,bpf";;
    *) echo "vm-run: VM_LSM=$LSM?" >&2; exit 2;;
esac
{
    printf 'SEL_MODE=%q\n' "${VM_SELINUX:-permissive}"
    printf 'SEL_POLICY=%q\n' "${VM_SELINUX_POLICY:-}"
} > "$RUNDIR/lsm.env"
loglevel=quiet; [ "${VM_DEBUG:-0}" = 1 ] && loglevel="loglevel=7 vmrun.debug"
APPEND="console=ttyS0 panic=-1 $loglevel cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1 $lsm mitigations=off cryptomgr.notests ${VM_APPEND:-}"

CONSOLE=${VM_CONSOLE:-$RUNDIR/console.log}

# stdout/stderr chardevs.  A regular file is handed over as an fd set so
# qemu writes through our own file description (same offset); a pipe or tty
# is reopened via /proc; anything else goes to a file printed at the end.
addfd=()
chr() { # fd name set
    local p=/proc/$$/fd/$1 flags
    if [ -f "$p" ]; then
        flags=$(awk '/^flags:/{print $2}' "/proc/$$/fdinfo/$1")
        if [ $((8#$flags & 3)) = 1 ]; then
            addfd+=(-add-fd "fd=$3,set=$3")
            CHR="file,id=$2,path=/dev/fdset/$3,append=on"
            return
        fi
    elif [ -p "$p" ] || [ -c "$p" ]; then
        CHR="file,id=$2,path=$p,append=on"
        return
    fi
    touch "$RUNDIR/$2.out"
    CHR="file,id=$2,path=$RUNDIR/$2.out"
}
chr 1 stdout 3; CHR_OUT=$CHR
chr 2 stderr 4; CHR_ERR=$CHR

fsdev=(
    -fsdev "local,id=fsroot,path=/,security_model=none,readonly=on,multidevs=remap"
    -device "virtio-9p-pci,fsdev=fsroot,mount_tag=hostroot"
    -fsdev "local,id=fsrun,path=$RUNDIR,security_model=none"
    -device "virtio-9p-pci,fsdev=fsrun,mount_tag=vmrun"
)
for i in "${!shares[@]}"; do
    fsdev+=(-fsdev "local,id=fs$i,path=${shares[$i]},security_model=passthrough,multidevs=remap"
            -device "virtio-9p-pci,fsdev=fs$i,mount_tag=share$i")
done

disk=()
if [ -n "${VM_DISK:-}" ]; then
    truncate -s "${VM_DISK}M" "$RUNDIR/disk.img"
    disk=(-drive "file=$RUNDIR/disk.img,if=virtio,format=raw,cache=unsafe")
fi

timeout -k 5 "$TIMEOUT" qemu-system-x86_64 \
    -nodefaults -no-user-config -display none -no-reboot \
    -machine "${VM_MACHINE:-q35}" "${accel[@]}" -smp "$CPUS" -m "$MEM" \
    -kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND" \
    -serial "file:$CONSOLE" \
    -device virtio-rng-pci \
    -device virtio-serial-pci \
    "${addfd[@]}" \
    -chardev "$CHR_OUT" -device virtserialport,chardev=stdout,name=stdout \
    -chardev "$CHR_ERR" -device virtserialport,chardev=stderr,name=stderr \
    "${fsdev[@]}" "${disk[@]}" </dev/null 3>&1 4>&2 &
QPID=$!
wait $QPID
qrc=$?
QPID=

[ -f "$RUNDIR/stdout.out" ] && cat "$RUNDIR/stdout.out"
[ -f "$RUNDIR/stderr.out" ] && cat "$RUNDIR/stderr.out" >&2

if [ -f "$RUNDIR/rc" ]; then
    rc=$(cat "$RUNDIR/rc")
    exit "${rc:-125}"
fi
echo "vm-run: guest gave no exit status (qemu rc=$qrc); console tail:" >&2
tail -n 40 "$CONSOLE" >&2
[ "$qrc" = 124 ] && exit 124
exit 125
