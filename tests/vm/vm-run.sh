#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vm-run.sh 'COMMAND' - run COMMAND as root inside a throw-away qemu guest
# (Debian 6.1 kernel, pure cgroup v2 with every controller enabled, AppArmor
# active) and exit with its exit status.  COMMAND's stdout/stderr stream to
# ours.  The guest's PID 1 is a busybox script by default, or the host's
# systemd (VM_INIT=systemd); its cgroups pure v2 or hybrid (VM_CGROUP).
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
#   VM_SELINUX_POLICY=file   binary policy (policy.33) to load instead (a
#                         host file, copied into the run dir: the guest's
#                         /tmp is its own); prepare.sh with VM_SELINUX=1
#                         builds $VM_CACHE/selinux/policy.svirt, Debian's
#                         policy + selinux-svirt.cil
#   VM_SHARE="/a /b"      extra host dirs shared read-write at the same path
#   VM_ENV=1              pass our exported environment (default 1)
#   VM_APPEND="..."       extra kernel command-line words
#   VM_CONSOLE=file       keep the guest kernel log there (default: temp,
#                         printed on failure to get an exit status)
#   VM_MACHINE=q35       qemu machine type (q35 probes devices faster than pc)
#   VM_DEBUG=1            show kernel messages (loglevel 7) in the log
#   VM_DISK=MB            attach an empty virtio disk of MB megabytes (a real
#                         block device for io.max tests; `modprobe virtio_blk`)
#   VM_INIT=shell|systemd PID 1 of the guest (default shell: a busybox script
#                         runs COMMAND).  systemd: /lib/systemd/systemd (the
#                         host's, `apt-get install systemd dbus`) boots
#                         vmrun.target = dbus.socket + dbus.service +
#                         vmrun.service, nothing else (no generators, no
#                         sysinit.target, no journald); vmrun.service
#                         (Delegate=yes) runs COMMAND once
#                         org.freedesktop.systemd1 is on the system bus, in
#                         its leaf cgroup `cmd` of the cgroup2 hierarchy,
#                         same cwd, environment, stdout/stderr and exit
#                         status as with shell.  Units are in
#                         /run/systemd/system; see systemd-setup.sh below.
#   VM_CGROUP=v2|hybrid   cgroup layout (default v2: one cgroup2 mount, every
#                         controller enabled).  hybrid: each v1 controller at
#                         /sys/fs/cgroup/<name> (cpu,cpuacct and
#                         net_cls,net_prio co-mounted, symlinked by name),
#                         name=systemd at .../systemd and cgroup2 (no
#                         controllers) at .../unified, like Debian 11 hosts
#                         or systemd.unified_cgroup_hierarchy=0.  With
#                         VM_INIT=systemd systemd mounts them itself.
#   VM_SYSTEMD_WANTS="u.service ..."  with systemd: more units to start (and
#                         order) before COMMAND, e.g. systemd-journald.service
#   VM_BOOT_TIMEOUT=s     kill the guest when COMMAND has not started after s
#                         seconds of boot (default 120 with systemd, 0 = off
#                         with shell); exit 125 with the console tail
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
INIT=${VM_INIT:-shell}
CGROUP=${VM_CGROUP:-v2}
case $INIT in shell|systemd) ;; *) echo "vm-run: VM_INIT=$INIT? (shell|systemd)" >&2; exit 2;; esac
case $CGROUP in v2|hybrid) ;; *) echo "vm-run: VM_CGROUP=$CGROUP? (v2|hybrid)" >&2; exit 2;; esac
BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-}
if [ -z "$BOOT_TIMEOUT" ]; then
    BOOT_TIMEOUT=0
    [ "$INIT" = systemd ] && BOOT_TIMEOUT=120
fi

[ -f "$CACHE/current.env" ] || { echo "vm-run: no cache in $CACHE, run prepare.sh" >&2; exit 125; }
. "$CACHE/current.env"
KDIR=$(readlink -f "$CACHE/current")
KERNEL=${VM_KERNEL:-$KDIR/vmlinux}
INITRD=$KDIR/initramfs.cpio.gz

CWD=$(pwd -P)
[ "$CWD" != / ] || { echo "vm-run: refusing to share / read-write; cd somewhere" >&2; exit 2; }

RUNDIR=$(mktemp -d "${TMPDIR:-/tmp}/vm-run.XXXXXX")
QPID=
WPID=
cleanup() {
    [ -n "$QPID" ] && kill "$QPID" 2>/dev/null
    [ -n "$WPID" ] && kill "$WPID" 2>/dev/null
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
    echo "VM_INIT=$INIT"
    echo "VM_CGROUP=$CGROUP"
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
# PID 1 after the initramfs has set up mounts (see prepare.sh), or
# vmrun.service under systemd (VM_INIT=systemd); run by the initramfs'
# static busybox sh, copied to /run/vm/busybox
R=/run/vmrun
BB=/run/vm/busybox
: > $R/started
. $R/config
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
# an initramfs older than VM_INIT/VM_CGROUP runs us as PID 1 with v2
if { [ "$VM_INIT" = systemd ] && [ $$ = 1 ]; } ||
   { [ "$VM_CGROUP" = hybrid ] && [ -f /sys/fs/cgroup/cgroup.controllers ]; }; then
    echo "vm-run: the cached initramfs predates VM_INIT/VM_CGROUP: run tests/vm/prepare.sh" >"$stderr"
    finish 125
fi
if [ "$VM_INIT" = systemd ]; then
    # Leave vmrun.service's own cgroup (Delegate=yes) for a leaf, so that a
    # runtime's cgroups next to ours may get controllers (v2: no processes
    # in inner nodes).  v1 hierarchies have no such rule: stay.
    for u in /sys/fs/cgroup /sys/fs/cgroup/unified; do
        [ -f $u/cgroup.controllers ] || continue
        own=$($BB sed -n 's/^0:://p' /proc/self/cgroup)
        $BB mkdir -p "$u$own/cmd" && echo $$ > "$u$own/cmd/cgroup.procs" ||
            echo "vm-run: cannot move into $u$own/cmd" >"$stderr"
        break
    done
    # PID 1 takes org.freedesktop.systemd1 once dbus.service is up
    i=0
    until [ -S /run/dbus/system_bus_socket ] &&
          busctl --system --timeout=10 call org.freedesktop.DBus /org/freedesktop/DBus \
              org.freedesktop.DBus NameHasOwner s org.freedesktop.systemd1 2>/dev/null | $BB grep -q true; do
        i=$((i + 1))
        if [ $i -ge 300 ]; then
            { echo "vm-run: systemd is not on the system bus after 30 s"
              systemctl --no-pager status dbus.socket dbus.service vmrun.service; } >"$stderr" 2>&1
            finish 125
        fi
        $BB usleep 100000
    done
fi
. $R/lsm.env
if [ -e /sys/fs/selinux/load ] && [ "$SEL_MODE" != none ]; then
    if [ -n "$SEL_POLICY" ]; then   # the root is an overlay: swap the file in
        t=$($BB sed -n 's/^SELINUXTYPE=//p' /etc/selinux/config 2>/dev/null)
        for f in /etc/selinux/${t:-default}/policy/policy.*; do $BB cp "$SEL_POLICY" "$f"; done
    fi
    load_policy -i || echo "vm-run: load_policy failed (install selinux-policy-default)" >&2
    # device nodes made before the policy was loaded carry a wrong type
    # (/dev/null as event_device_t): label them as a booted system would
    restorecon -R /dev 2>/dev/null
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

# ---- VM_INIT=systemd: sourced by the initramfs (busybox sh, new root at
# $N) right before it execs /lib/systemd/systemd.  Everything it writes is in
# the guest's tmpfs /run or its overlay.
if [ "$INIT" = systemd ]; then
    wants="dbus.socket dbus.service ${VM_SYSTEMD_WANTS:-}"
    cat > "$RUNDIR/systemd-setup.sh" <<EOF
S=\$N/run/systemd
mkdir -p \$S/system \$S/system-generators \$S/system-environment-generators
# No generator runs: fstab, getty, gpt-auto, sysv, rc-local... would bring
# the host's own setup in and cost a fork+exec each under TCG.
for k in system-generators system-environment-generators; do
    for g in \$N/usr/lib/systemd/\$k/* \$N/lib/systemd/\$k/* \$N/usr/local/lib/systemd/\$k/* \$N/etc/systemd/\$k/*; do
        [ -e "\$g" ] && ln -sf /dev/null "\$S/\$k/\${g##*/}"
    done
done
# A failing boot must power off (systemd.crash_reboot), never wait for a
# login on the console.
for u in rescue.target emergency.target rescue.service emergency.service; do
    ln -sf /dev/null \$S/system/\$u
done
# dbus without sysinit.target/basic.target and all they pull in
for u in dbus.socket dbus.service; do
    mkdir -p \$S/system/\$u.d
    printf '[Unit]\\nDefaultDependencies=no\\n' > \$S/system/\$u.d/zz-vmrun.conf
done
cat > \$S/system/vmrun.target <<'UNIT'
[Unit]
Description=vm-run: COMMAND and the system bus, nothing else
DefaultDependencies=no
AllowIsolate=yes
Wants=vmrun.service
UNIT
cat > \$S/system/vmrun.service <<'UNIT'
[Unit]
Description=vm-run COMMAND
DefaultDependencies=no
Wants=$wants
After=$wants
# stage2.sh powers off itself; this is for when it cannot run at all
FailureAction=poweroff-immediate

[Service]
Type=simple
# the environment shell mode gives PID 1 (the kernel's), see stage2.sh
ExecStart=/run/vm/busybox env -i HOME=/ PATH=/bin PWD=/ SHLVL=1 TERM=linux /run/vm/busybox sh /run/vmrun/stage2.sh
StandardInput=null
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/console
TTYReset=no
TTYVHangup=no
IgnoreSIGPIPE=no
Delegate=yes
UNIT
# The host may be a container: its /.dockerenv would make systemd believe
# it is one too (and ignore the kernel command line).
rm -f \$N/.dockerenv \$N/run/.containerenv
# a host without one would make this a first boot (presets, firstboot)
[ -s \$N/etc/machine-id ] || tr -d - < \$N/proc/sys/kernel/random/uuid > \$N/etc/machine-id
EOF
fi

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
sel_policy=
if [ -n "${VM_SELINUX_POLICY:-}" ]; then
    cp "$VM_SELINUX_POLICY" "$RUNDIR/selinux-policy" || { echo "vm-run: cannot read VM_SELINUX_POLICY=$VM_SELINUX_POLICY" >&2; exit 2; }
    sel_policy=/run/vmrun/selinux-policy
fi
{
    printf 'SEL_MODE=%q\n' "${VM_SELINUX:-permissive}"
    printf 'SEL_POLICY=%q\n' "$sel_policy"
} > "$RUNDIR/lsm.env"
loglevel=quiet; [ "${VM_DEBUG:-0}" = 1 ] && loglevel="loglevel=7 vmrun.debug"
case $CGROUP in
    v2)     cg="cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1";;
    hybrid) cg="systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=0";;
esac
init=
if [ "$INIT" = systemd ]; then
    init=" systemd.unit=vmrun.target systemd.hostname=vm-run systemd.crash_reboot=1 systemd.crash_shell=0"
    [ "${VM_DEBUG:-0}" = 1 ] && init="$init systemd.show_status=1"
fi
APPEND="console=ttyS0 panic=-1 $loglevel $cg $lsm mitigations=off cryptomgr.notests$init ${VM_APPEND:-}"

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
if [ "$BOOT_TIMEOUT" -gt 0 ]; then
    # stage2.sh creates $RUNDIR/started: until then the guest is booting
    (
        t=0
        while [ $t -lt "$BOOT_TIMEOUT" ]; do
            [ -e "$RUNDIR/started" ] && exit 0
            kill -0 $QPID 2>/dev/null || exit 0
            sleep 1 </dev/null >/dev/null 2>&1   # not holding a caller's pipe
            t=$((t + 1))
        done
        echo "vm-run: COMMAND not started after ${BOOT_TIMEOUT}s of boot (VM_BOOT_TIMEOUT), killing the guest" >&2
        kill $QPID 2>/dev/null
    ) &
    WPID=$!
fi
wait $QPID
qrc=$?
QPID=
if [ -n "$WPID" ]; then
    kill $WPID 2>/dev/null
    wait $WPID 2>/dev/null
    WPID=
fi

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
