# SPDX-License-Identifier: GPL-2.0-or-later
"""/dev attacks (runc CVE-2025-31133, CVE-2025-52565, CVE-2026-41579 and a
device-node chmod race): the image or a second container prepares /dev so
that what the runtime binds, creates or chmods there lands on a host file.

Host files that stand for the sensitive targets (core_pattern,
sysrq-trigger) are harmless temp files bind-mounted into the container;
the real core_pattern is only read, before and after, to show it did not
change."""
import os
import pty
import select
import stat
import subprocess
import time

import pytest

from mnt_helpers import (PROFILES, USERNS_HOST_ID, HostFile, apply_profile, attacker_container, bind,
                         gained_mounts, host_mounts, install, new_bundle, run_victim, run_victim_bounded,
                         tree_snapshot)

CORE_PATTERN = "/proc/sys/kernel/core_pattern"
# Masked files this kernel has (others of the default list may be absent).
MASKED_FILES = [p for p in ("/proc/keys", "/proc/timer_list", "/proc/kcore", "/proc/sched_debug")
                if os.path.exists(p)]


def read_core_pattern():
    with open(CORE_PATTERN) as f:
        return f.read()


@pytest.fixture
def core_pattern_guard():
    """The host's core_pattern is never an attack target, but an escape
    through a masked path would reach it: check it is unchanged, and put it
    back if it ever is."""
    before = read_core_pattern()
    yield
    after = read_core_pattern()
    if after != before:
        with open(CORE_PATTERN, "w") as f:
            f.write(before)
    assert after == before, "the host's core_pattern changed: %r -> %r" % (before, after)


def parse_probe(out):
    """dev_probe output: {path: {key: value}}."""
    res = {}
    for line in out.replace("\r", "").splitlines():
        parts = line.split()
        if not parts or not parts[0].startswith("/"):
            continue
        d = res.setdefault(parts[0], {})
        for kv in parts[1:]:
            k, _, v = kv.partition("=")
            d[k] = v
    return res


def image_dev_mount(bundle, how):
    """/dev comes from the image: a bind of the rootfs's own /dev, or a
    tmpfs filled from it (tmpcopyup), instead of a fresh empty tmpfs."""
    mounts = [m for m in bundle.config["mounts"] if m["destination"] != "/dev"]
    if how == "bind":
        dev = bind("/dev", os.path.join(bundle.rootfs, "dev"))
    else:
        dev = {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
               "options": ["nosuid", "mode=755", "size=65536k", "tmpcopyup"]}
    bundle.config["mounts"] = [dev] + mounts[:]
    # /dev/pts and friends must come after /dev.
    bundle.config["mounts"].sort(key=lambda m: m["destination"] != "/dev")


# ---- a device node of linux.devices, chmod'ed through a swapped symlink ----

@pytest.mark.parametrize("profile", PROFILES)
def test_device_node_chmod_race(casing, tmpdir_path, profile):
    """linux.devices puts a node in a volume shared with another container,
    which swaps it (RENAME_EXCHANGE) with a symlink to a host file.  The
    runtime, still in the host's root when it creates devices, must never
    chmod or chown through that symlink.

    userns: mknod is not allowed there, so the runtime binds the host's
    node of the same path.  The volume is at the same path in the victim
    as on the host, so that path is the attacker's node (or its symlink)
    on both sides; the host file belongs to the mapped root (host uid
    100000), which could write it.  The host's node must be checked to be
    the device before it is bound (else the container gets the host file
    at the device's path: it writes there after each create), and the
    target must be the node, never what a symlink names."""
    shared = os.path.join(tmpdir_path, "shared")
    d = os.path.join(shared, "d")
    os.makedirs(d)
    os.chmod(shared, 0o777)
    os.chmod(d, 0o777)
    victim = HostFile(os.path.join(tmpdir_path, "host-victim"))
    # The attacker prepared its volume earlier: a null device node (its
    # cgroup would refuse mknod now) and a symlink to the host file.
    os.mknod(os.path.join(d, "node"), 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    os.symlink(victim.path, os.path.join(d, "node.lnk"))
    attacker = new_bundle(tmpdir_path, "attacker")
    install(attacker, "mnt_swap")
    vb = new_bundle(tmpdir_path, "victim")
    dest = shared if profile == "userns" else "/shared"
    vb.config["mounts"].append(bind(dest, shared))
    vb.config["linux"]["devices"] = [{"path": dest + "/d/node", "type": "c", "major": 1, "minor": 3,
                                      "fileMode": 0o666, "uid": 0, "gid": 0}]
    apply_profile(vb, profile)
    if profile == "userns":
        victim.chown(USERNS_HOST_ID, USERNS_HOST_ID)
    before = host_mounts()
    created = refused = 0
    with attacker_container(casing, attacker, shared,
                            ["/bin/mnt_swap", "/shared/d", "node", "node.lnk", "../STOP", "60"], "STOP"):
        # Without the fix the host file was chmod'ed within ~20 creates.
        for _ in range(40 if profile == "userns" else 100):
            r = run_victim(casing, vb, ["sh", "-c", "echo PWNED 2>/dev/null > %s/d/node; true" % dest])
            if r.returncode == 0:
                created += 1
            else:
                refused += 1
            if victim.changes():
                break
    print("device race (%s): %d created, %d refused" % (profile, created, refused))
    assert victim.changes() == {}, "the host file was changed through the swapped symlink"
    assert created > 0  # the race ran
    assert gained_mounts(before, [tmpdir_path]) == []


# ---- maskedPaths with the image's (or another container's) /dev/null ----

# The image's /dev (bound, or copied to a tmpfs) and its null, per
# profile.  Not run, as no attack: a null missing from a /dev copied to a
# tmpfs (the runtime puts its own 1:3 node there), and in a user namespace
# any copied /dev (the runtime binds the host's node over the image's file
# and refuses its symlink, both before masking).
IMAGE_NULLS = [(profile, dev, null) for profile in PROFILES for dev in ("bind", "tmpcopyup")
               for null in ("symlink", "file", "missing")
               if dev == "bind" or (null != "missing" and profile != "userns")]


@pytest.mark.parametrize("profile,dev,null", IMAGE_NULLS)
def test_masked_paths_ignore_image_dev_null(casing, bundle, tmpdir_path, core_pattern_guard, profile, dev,
                                            null):
    """CVE-2025-31133: the image's /dev/null is a symlink to a file that
    stands for core_pattern (a host file bound at /hostfile), a plain file,
    or missing.  A runtime that binds the container's /dev/null over the
    masked paths would make /proc/keys the host file (written below), or
    leave them unmasked.  Every masked file must be the real 1:3 device."""
    victim = HostFile(os.path.join(tmpdir_path, "host-victim"), mode=0o666)
    install(bundle, "dev_probe")
    devnull = os.path.join(bundle.rootfs, "dev", "null")
    if null == "symlink":
        os.symlink("/hostfile", devnull)
    elif null == "file":
        with open(devnull, "w") as f:
            f.write("not a device\n")
    image_dev_mount(bundle, dev)
    bundle.config["mounts"].append(bind("/hostfile", victim.path))
    apply_profile(bundle, profile)
    r = run_victim(casing, bundle, ["/bin/sh", "-c",
                                    "dev_probe stat %s; dev_probe write PWNED %s"
                                    % (" ".join(MASKED_FILES), " ".join(MASKED_FILES))])
    assert victim.changes() == {}
    if r.returncode != 0:
        print("refused:", r.stderr.strip())
        # Refusing is fine (a user namespace cannot bind over a symlink),
        # as long as it says why and nothing got out.
        assert "casing" in r.stderr or "dev" in r.stderr, r
        return
    res = parse_probe(r.stdout)
    for p in MASKED_FILES:
        assert res[p]["stat"] == "c:1:3", (p, r.stdout)
        assert res[p]["write"] == "ok"  # written into the null device


def test_masked_paths_with_dev_null_swapped_by_other_container(casing, tmpdir_path, core_pattern_guard):
    """The victim's /dev is a volume shared with an attacker container that
    keeps exchanging `null` (a real null device) and a symlink to the
    stand-in host file while the victim is created again and again."""
    shared = os.path.join(tmpdir_path, "shared")
    os.makedirs(shared)
    os.chmod(shared, 0o777)
    victim = HostFile(os.path.join(tmpdir_path, "host-victim"), mode=0o666)
    os.mknod(os.path.join(shared, "null"), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    os.symlink("/hostfile", os.path.join(shared, "null.lnk"))
    attacker = new_bundle(tmpdir_path, "attacker")
    install(attacker, "mnt_swap")
    vb = new_bundle(tmpdir_path, "victim")
    install(vb, "dev_probe")
    vb.config["mounts"] = [bind("/dev", shared)] + [m for m in vb.config["mounts"] if m["destination"] != "/dev"]
    vb.config["mounts"].append(bind("/hostfile", victim.path))
    bad = []
    with attacker_container(casing, attacker, shared,
                            ["/bin/mnt_swap", "/shared", "null", "null.lnk", "STOP", "60"], "STOP"):
        for _ in range(40):
            r = run_victim(casing, vb, ["/bin/sh", "-c", "dev_probe stat %s; dev_probe write PWNED %s"
                                        % (" ".join(MASKED_FILES), " ".join(MASKED_FILES))])
            assert r.returncode == 0, r
            res = parse_probe(r.stdout)
            bad += [(p, res[p]) for p in MASKED_FILES if res[p]["stat"] != "c:1:3"]
    assert victim.changes() == {}
    assert bad == []


# ---- /dev/console (CVE-2025-52565) ----

def run_on_terminal(casing, bundle, args, timeout=20):
    """Run in the foreground with process.terminal on our own pty; returns
    (exit status, everything the container printed)."""
    bundle.config["process"]["terminal"] = True
    bundle.set_args(*args)
    bundle.save()
    name = "dev-tty-%s" % os.urandom(4).hex()
    casing.created.add(name)
    master, slave = pty.openpty()
    p = subprocess.Popen(casing.argv("run", "-b", bundle.path, name), stdin=slave, stdout=slave,
                         stderr=slave, close_fds=True)
    os.close(slave)
    buf = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
        elif p.poll() is not None:
            break
    rc = p.wait(timeout=timeout)
    os.close(master)
    return rc, buf.decode(errors="replace")


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("target", ["/hostfile", "/proc/sys/kernel/core_pattern"])
def test_console_symlink_in_image(casing, bundle, tmpdir_path, core_pattern_guard, profile, target):
    """The image's /dev/console is a symlink to a bound host file (standing
    for /proc/sysrq-trigger) or to core_pattern.  The pty is bound on
    whatever the symlink names inside the container, never the other way
    round: writing to /dev/console must reach the pty, not the file, and
    core_pattern must stay the real (read-only) procfs file or the pty."""
    victim = HostFile(os.path.join(tmpdir_path, "host-victim"), mode=0o666)
    install(bundle, "dev_probe")
    os.symlink(target, os.path.join(bundle.rootfs, "dev", "console"))
    os.symlink("pts/ptmx", os.path.join(bundle.rootfs, "dev", "ptmx"))
    image_dev_mount(bundle, "bind")
    bundle.config["mounts"].append(bind("/hostfile", victim.path))
    apply_profile(bundle, profile)
    script = "dev_probe stat /dev/console %s" % target
    if target == "/hostfile":
        script += "; dev_probe write PWNED /dev/console"
    rc, out = run_on_terminal(casing, bundle, ["/bin/sh", "-c", script])
    assert victim.changes() == {}
    if rc != 0:
        print("refused:", out.strip())
        assert "console" in out or "casing" in out, out
        return
    res = parse_probe(out)
    assert res["/dev/console"]["stat"].startswith("c:136:"), out  # the pty
    if target == "/hostfile":
        # The data shows up on our side of the pty, just before the line
        # that says the write worked: it went to the console, not the file.
        assert "PWNED/dev/console write=ok" in out, out


@pytest.mark.parametrize("profile", ["default", "userns"])
def test_console_pts_swapped_by_other_container(casing, tmpdir_path, profile):
    """CVE-2025-52565 itself: the victim's /dev is a volume another
    container shares, and that container keeps exchanging `pts` with a
    symlink to /hostdir while the victim (process.terminal on) is created
    again and again.  /hostdir is a bound host directory, read-only
    (readonlyPaths), whose files are named as the ptys are (standing for
    /proc/sys/kernel/core_pattern).  A runtime that binds the pty by its
    name (/dev/pts/N) binds /hostdir/N on /dev/console, rw, before the
    read-only paths are applied: the container then writes to the host
    file through /dev/console.  Bound from the pty's fd, /dev/console is
    always the pty."""
    shared = os.path.join(tmpdir_path, "shared")
    hostdir = os.path.join(tmpdir_path, "hostdir")
    for d in (shared, os.path.join(shared, "pts"), hostdir):
        os.makedirs(d)
        os.chmod(d, 0o777)
    os.symlink("/hostdir", os.path.join(shared, "pts.lnk"))
    os.symlink("pts/ptmx", os.path.join(shared, "ptmx"))
    os.mknod(os.path.join(shared, "null"), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    for n in range(256):
        with open(os.path.join(hostdir, str(n)), "w") as f:
            f.write("host file %d\n" % n)
        os.chmod(os.path.join(hostdir, str(n)), 0o600)
    attacker = new_bundle(tmpdir_path, "attacker")
    install(attacker, "mnt_swap")
    vb = new_bundle(tmpdir_path, "victim")
    install(vb, "dev_probe")
    vb.config["mounts"] = [bind("/dev", shared)] + [m for m in vb.config["mounts"]
                                                    if m["destination"] != "/dev"]
    vb.config["mounts"].append(bind("/hostdir", hostdir))
    vb.config["linux"]["readonlyPaths"].append("/hostdir")
    apply_profile(vb, profile)
    if profile == "userns":  # the container's root could write them through a rw bind
        subprocess.run(["chown", "-R", "%d:%d" % (USERNS_HOST_ID, USERNS_HOST_ID), hostdir], check=True)
    before_tree = tree_snapshot(hostdir)
    before_data = {n: open(os.path.join(hostdir, n)).read() for n in os.listdir(hostdir)}
    outcomes, reasons = {}, set()
    with attacker_container(casing, attacker, shared,
                            ["/bin/mnt_swap", "/shared", "pts", "pts.lnk", "STOP", "120"], "STOP"):
        for _ in range(40):
            rc, out = run_on_terminal(casing, vb, ["/bin/sh", "-c", "dev_probe stat /dev/console; "
                                                   "dev_probe write PWNED /dev/console"])
            console = parse_probe(out).get("/dev/console", {}).get("stat", "?") if rc == 0 else "refused"
            kind = "pty" if console.startswith("c:136:") else console
            outcomes[kind] = outcomes.get(kind, 0) + 1
            if kind == "refused":
                reasons.add(out.strip()[:100])
            elif kind != "pty":
                print(out)
                break
    print("console with pts swapped (%s): %r; refused: %r" % (profile, outcomes, reasons))
    data = {n: open(os.path.join(hostdir, n)).read() for n in os.listdir(hostdir)}
    written = [n for n in data if data[n] != before_data.get(n)]
    assert written == [], "host files written through /dev/console: %r" % written
    assert tree_snapshot(hostdir) == before_tree
    assert set(outcomes) <= {"pty", "refused"}, outcomes
    assert outcomes.get("pty", 0) > 0, outcomes  # the victim did run


# ---- the image's /dev is a symlink to a host directory (CVE-2026-41579) ----

@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("dev_mount", ["tmpfs", "none"])
@pytest.mark.parametrize("link", ["absolute", "relative"])
def test_image_dev_symlink_to_host_dir(casing, bundle, tmpdir_path, profile, dev_mount, link):
    """/dev in the image is a symlink to a host directory holding a `ptmx`
    and a marker: the runtime's /dev work (mount, device nodes, the
    fd/stdin/ptmx symlinks) must stay in the container's root."""
    hostdev = os.path.join(tmpdir_path, "hostdev")
    os.makedirs(hostdev)
    with open(os.path.join(hostdev, "ptmx"), "w") as f:
        f.write("host ptmx stand-in\n")
    with open(os.path.join(hostdev, "marker"), "w") as f:
        f.write("host\n")
    before_tree = tree_snapshot(hostdev)
    os.rmdir(os.path.join(bundle.rootfs, "dev"))
    target = hostdev if link == "absolute" else "../" * 12 + hostdev.lstrip("/")
    os.symlink(target, os.path.join(bundle.rootfs, "dev"))
    install(bundle, "dev_probe")
    if dev_mount == "none":
        bundle.config["mounts"] = [m for m in bundle.config["mounts"] if not m["destination"].startswith("/dev")]
    apply_profile(bundle, profile)
    before = host_mounts()
    r = run_victim(casing, bundle, ["/bin/sh", "-c", "dev_probe stat /dev/null /dev/ptmx; ls /dev"])
    assert tree_snapshot(hostdev) == before_tree
    assert gained_mounts(before, [tmpdir_path]) == []
    assert r.returncode == 0, r
    res = parse_probe(r.stdout)
    assert res["/dev/null"]["stat"] == "c:1:3"
    assert "marker" not in r.stdout.split()


# ---- a FIFO where a device goes (user namespace: host node bound over it) ----

def test_image_dev_fifo_does_not_hang_userns(casing, bundle, tmpdir_path):
    """With a user namespace the default devices are host nodes bound over
    a file the runtime creates in /dev.  An image whose /dev (copied up)
    has a FIFO named `null` must not make the runtime open that FIFO and
    wait forever for a reader."""
    os.mkfifo(os.path.join(bundle.rootfs, "dev", "null"))
    image_dev_mount(bundle, "tmpcopyup")
    install(bundle, "dev_probe")
    apply_profile(bundle, "userns")
    r = run_victim_bounded(casing, bundle, ["dev_probe", "stat", "/dev/null"], timeout=15)
    assert r is not None, "the runtime hung on the image's FIFO /dev/null"
    if r.returncode == 0:
        assert parse_probe(r.stdout)["/dev/null"]["stat"] == "c:1:3"
    else:
        assert "null" in r.stderr, r
