# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes to /proc and /sys through mounts made to look like them (runc
CVE-2025-52881 and its family): the config (or the image) puts a host file
over a procfs file the runtime writes (oom_score_adj, a sysctl, uid_map,
the LSM exec attribute), or replaces /proc or /sys altogether with a
lookalike (a bound host directory, a tmpfs copied from the image, the
host's own procfs).  The runtime's writes must reach the real kernel
files of the container or be refused; the host files must not change."""
import os
import subprocess

import pytest

from mnt_helpers import (PROFILES, USERNS_HOST_ID, HostFile, apply_profile, bind, gained_mounts,
                         host_mounts, install, run_victim, tree_snapshot)
from isolation_helpers import created

OOM = 321


def with_mounts(bundle, *mounts):
    bundle.config["mounts"].extend(mounts)


def read(path):
    with open(path) as f:
        return f.read()


def proc_lookalike(top):
    """A directory tree with the names the runtime writes below /proc."""
    files = {"self/oom_score_adj": "0\n", "sys/net/ipv4/ip_forward": "0\n",
             "sys/kernel/core_pattern": "core\n", "sysrq-trigger": "", "keys": "keys\n",
             "timer_list": "timers\n", "self/attr/exec": "", "self/uid_map": ""}
    for rel, content in files.items():
        p = os.path.join(top, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(content)
        os.chmod(p, 0o666)
    os.makedirs(os.path.join(top, "acpi"), exist_ok=True)


# ---- a host file over one procfs file the runtime writes ----

@pytest.mark.parametrize("profile", PROFILES)
def test_oom_score_adj_over_host_file(casing, bundle, tmpdir_path, profile):
    """A host file bound over /proc/self/oom_score_adj (pid 1 of the
    container's procfs: the process the runtime sets up), oomScoreAdj set:
    the value must land in the kernel, not in the file."""
    victim = HostFile(os.path.join(tmpdir_path, "host-victim"), b"host-oom\n", 0o666)
    with_mounts(bundle, bind("/proc/self/oom_score_adj", victim.path),
                bind("/proc/1/oom_score_adj", victim.path))
    bundle.config["process"]["oomScoreAdj"] = OOM
    apply_profile(bundle, profile)
    if profile == "userns":
        # The runtime cannot write oom_score_adj from a user namespace on
        # this build (EACCES, reported separately): refused, nothing written.
        r = run_victim(casing, bundle, ["true"])
        assert r.returncode == 0 or "oomScoreAdj" in r.stderr, r
        assert victim.changes() == {}
        return
    with created(casing, bundle, args=("sleep", "30")) as pid:
        assert read("/proc/%d/oom_score_adj" % pid).strip() == str(OOM)
        with open("/proc/%d/mountinfo" % pid) as f:
            assert "/proc/1/oom_score_adj" in f.read()  # the attack mount is in place
    assert victim.changes() == {}


@pytest.mark.parametrize("profile", PROFILES)
def test_sysctl_over_host_file(casing, bundle, tmpdir_path, profile):
    """A host file bound over /proc/sys/net/ipv4/ip_forward, and
    linux.sysctl sets it: the container's network namespace gets it."""
    victim = HostFile(os.path.join(tmpdir_path, "host-victim"), b"0\n", 0o666)
    host_fwd = read("/proc/sys/net/ipv4/ip_forward")
    with_mounts(bundle, bind("/proc/sys/net/ipv4/ip_forward", victim.path))
    bundle.config["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}
    apply_profile(bundle, profile)
    with created(casing, bundle, args=("sleep", "30")) as pid:
        out = subprocess.run(["nsenter", "-t", str(pid), "-n", "cat", "/proc/sys/net/ipv4/ip_forward"],
                             capture_output=True, text=True, check=True).stdout
        assert out.strip() == "1"
    assert victim.changes() == {}
    assert read("/proc/sys/net/ipv4/ip_forward") == host_fwd


def test_uid_map_over_host_files(casing, bundle, tmpdir_path):
    """User namespace: host files bound over /proc/self/{uid_map,gid_map,
    setgroups}.  The runtime writes the maps of the container's process
    from outside; the files stay as they were and the mapping is real.

    A guard against a redesign only: the parent writes the maps from the
    host's mount namespace before the child mounts anything, so no
    weakening of today's code can make these binds take the writes."""
    victims = {n: HostFile(os.path.join(tmpdir_path, "host-" + n), b"", 0o666)
               for n in ("uid_map", "gid_map", "setgroups")}
    for n, v in victims.items():
        with_mounts(bundle, bind("/proc/self/" + n, v.path), bind("/proc/1/" + n, v.path))
    apply_profile(bundle, "userns")
    with created(casing, bundle, args=("sleep", "30")) as pid:
        assert read("/proc/%d/uid_map" % pid).split() == ["0", str(USERNS_HOST_ID), "65536"]
    assert {n: v.changes() for n, v in victims.items()} == {n: {} for n in victims}


def apparmor_enabled():
    try:
        return read("/sys/module/apparmor/parameters/enabled").strip() == "Y"
    except OSError:
        return False


@pytest.mark.apparmor
@pytest.mark.skipif(not apparmor_enabled(), reason="AppArmor is not enabled on this host (runs in the VM)")
@pytest.mark.parametrize("attr", ["/proc/self/attr/exec", "/proc/self/attr/apparmor/exec"])
def test_lsm_exec_attr_over_host_file(casing, bundle, tmpdir_path, attr):
    """CVE-2025-52881 itself: a host file (standing for core_pattern) bound
    over the LSM exec attribute the runtime writes the profile to."""
    if not os.path.exists(attr):
        pytest.skip("%s does not exist on this kernel" % attr)
    victim = HostFile(os.path.join(tmpdir_path, "host-victim"), b"core\n", 0o666)
    with_mounts(bundle, bind(attr, victim.path), bind(attr.replace("self", "1"), victim.path))
    bundle.config["process"]["apparmorProfile"] = "unconfined"
    r = run_victim(casing, bundle, ["true"])
    assert victim.changes() == {}
    assert r.returncode == 0 or "procfs" in r.stderr, r


# ---- /proc or /sys replaced by a lookalike ----

@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("kind", ["host-dir", "tmpfs-copyup"])
def test_proc_lookalike(casing, bundle, tmpdir_path, profile, kind):
    """/proc is a bound host directory, or a tmpfs copied from the image's
    /proc, with the names the runtime writes (oom_score_adj, a sysctl) and
    masks (keys, timer_list, acpi).  The runtime must refuse (its masks
    would only cover a lookalike while the real procfs stays readable) and
    write none of those files."""
    if kind == "host-dir":
        top = os.path.join(tmpdir_path, "fakeproc")
        proc = bind("/proc", top)
    else:
        top = os.path.join(bundle.rootfs, "proc")
        proc = {"destination": "/proc", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]}
    proc_lookalike(top)
    bundle.config["mounts"] = [proc if m["destination"] == "/proc" else m for m in bundle.config["mounts"]]
    bundle.config["process"]["oomScoreAdj"] = OOM
    bundle.config["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}
    apply_profile(bundle, profile)  # (userns: chowns the image, lookalike included)
    snapshot = tree_snapshot(top)
    contents = {rel: read(os.path.join(top, rel)) for rel in snapshot if os.path.isfile(os.path.join(top, rel))}
    before = host_mounts()
    r = run_victim(casing, bundle, ["cat", "/proc/keys"])
    print("proc lookalike (%s, %s): rc=%d %s" % (kind, profile, r.returncode, r.stderr.strip()))
    assert tree_snapshot(top) == snapshot
    assert {rel: read(os.path.join(top, rel)) for rel in contents} == contents
    assert gained_mounts(before, [tmpdir_path]) == []
    assert r.returncode != 0 and "procfs" in r.stderr, r


@pytest.mark.parametrize("profile", PROFILES)
def test_host_procfs_bound_at_proc(casing, bundle, tmpdir_path, profile):
    """/proc is the host's procfs (of the host pid namespace), bound.  The
    masks and read-only paths go on the container's copy of it and never
    reach the host's /proc; oom_score_adj goes to the container's process,
    not to the host process of the same pid."""
    install(bundle, "dev_probe")
    bundle.config["mounts"] = [bind("/proc", "/proc") if m["destination"] == "/proc" else m
                               for m in bundle.config["mounts"]]
    if profile != "userns":  # see test_oom_score_adj_over_host_file
        bundle.config["process"]["oomScoreAdj"] = OOM
    apply_profile(bundle, profile)
    before = host_mounts()
    host_one = read("/proc/1/oom_score_adj")
    masked = [p for p in ("/proc/keys", "/proc/timer_list") if os.path.exists(p)]
    with created(casing, bundle, args=("sleep", "30")) as pid:
        if profile != "userns":
            assert read("/proc/%d/oom_score_adj" % pid).strip() == str(OOM)
        with open("/proc/%d/mountinfo" % pid) as f:
            inside = f.read()
    assert read("/proc/1/oom_score_adj") == host_one
    for p in masked:  # still the kernel's files on the host
        assert os.stat(p).st_rdev == 0 and os.path.getsize(p) >= 0
        assert p in inside  # and masked inside
    assert gained_mounts(before, [tmpdir_path]) == []


@pytest.mark.parametrize("profile", PROFILES)
def test_sysfs_lookalike(casing, bundle, tmpdir_path, profile):
    """/sys is a bound host directory with a `firmware` directory and a
    `kernel` one: masking and read-only binds go on the container's view
    only; the host directory keeps its content and gains no mount."""
    top = os.path.join(tmpdir_path, "fakesys")
    for d in ("firmware", "kernel"):
        os.makedirs(os.path.join(top, d))
        with open(os.path.join(top, d, "secret"), "w") as f:
            f.write("host-%s\n" % d)
        # Writable by anyone: only the read-only bind may stop the write.
        os.chmod(os.path.join(top, d, "secret"), 0o666)
    os.chmod(tmpdir_path, 0o755)
    snapshot = tree_snapshot(top)
    bundle.config["mounts"] = [bind("/sys", top, "rw") if m["destination"] == "/sys" else m
                               for m in bundle.config["mounts"]]
    bundle.config["linux"]["readonlyPaths"].append("/sys/kernel")
    install(bundle, "dev_probe")
    apply_profile(bundle, profile)
    before = host_mounts()
    r = run_victim(casing, bundle, ["sh", "-c", "ls /sys/firmware; cat /sys/kernel/secret; "
                                    "dev_probe write PWNED /sys/kernel/secret /sys/firmware/secret"])
    assert r.returncode == 0, r
    assert "host-kernel" in r.stdout
    assert "/sys/kernel/secret write=EROFS" in r.stdout
    assert "/sys/firmware/secret write=ENOENT" in r.stdout  # masked by an empty tmpfs
    assert tree_snapshot(top) == snapshot
    assert read(os.path.join(top, "kernel", "secret")) == "host-kernel\n"
    assert gained_mounts(before, [tmpdir_path]) == []
