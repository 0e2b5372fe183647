# SPDX-License-Identifier: GPL-2.0-or-later
"""create / start / state / kill / delete / list / ps: the happy path and
the errors engines rely on, checked against what the kernel shows."""
import json
import os
import signal
import stat
import subprocess
import tempfile
import time

import pytest

from casing_fixtures import (check_state_json, cgroup_dirs, ns_inode, pid_alive, unique_id,
                             wait_for)


def read_pid(path):
    with open(path) as f:
        return int(f.read())


def create_sleeper(casing, bundle, tmpdir_path, cid=None, args=("sleep", "1000")):
    bundle.set_args(*args).save()
    cid = cid or unique_id()
    pid_file = os.path.join(tmpdir_path, cid + ".pid")
    casing.ok("create", "--bundle", bundle.path, "--pid-file", pid_file, cid)
    return cid, read_pid(pid_file)


def test_create_start_kill_delete(casing, bundle, tmpdir_path):
    cid, pid = create_sleeper(casing, bundle, tmpdir_path)
    st = casing.state(cid)
    check_state_json(st)
    assert st["status"] == "created"
    assert st["pid"] == pid
    assert st["bundle"] == bundle.path
    assert st["rootfs"] == bundle.rootfs
    assert st["owner"] == "root" and st["created"]
    # the init is blocked before exec: it still runs our binary, in new namespaces
    assert pid_alive(pid)
    for ns in ("pid", "net", "ipc", "uts", "mnt"):
        assert ns_inode(pid, ns) != ns_inode(os.getpid(), ns), ns
    assert "sleep" not in open("/proc/%d/cmdline" % pid).read()

    casing.ok("start", cid)
    assert casing.state(cid)["status"] == "running"
    assert open("/proc/%d/cmdline" % pid).read().split("\0")[0] == "sleep"
    cgroups = cgroup_dirs(pid)
    assert cgroups

    casing.ok("kill", cid, "KILL")
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
    st = casing.state(cid)
    check_state_json(st)
    assert "pid" not in st
    casing.ok("delete", cid)
    assert not os.path.exists(os.path.join(casing.root, cid))
    assert not any(os.path.isdir(d) for d in cgroups)
    r = casing.run("state", cid)
    assert r.returncode != 0 and "does not exist" in r.stderr


def test_pid_file_is_host_pid_and_atomic(casing, bundle, tmpdir_path):
    cid, pid = create_sleeper(casing, bundle, tmpdir_path)
    # host view: the pid is ours to see, and pid 1 inside its namespace
    with open("/proc/%d/status" % pid) as f:
        nspid = [l for l in f if l.startswith("NSpid:")][0].split()
    assert int(nspid[1]) == pid and nspid[-1] == "1"
    assert not [f for f in os.listdir(tmpdir_path) if ".tmp" in f]


def test_options_with_equals(casing, bundle, tmpdir_path):
    bundle.set_args("true").save()
    cid = unique_id()
    pid_file = os.path.join(tmpdir_path, "p")
    casing.ok("create", "--bundle=" + bundle.path, "--pid-file=" + pid_file, cid)
    assert read_pid(pid_file) > 0
    casing.ok("delete", "--force=true", cid)


def test_short_bundle_option(casing, bundle):
    bundle.set_args("true").save()
    cid = unique_id()
    casing.ok("create", "-b", bundle.path, cid)
    assert casing.state(cid)["status"] == "created"


def test_start_errors(casing, bundle, tmpdir_path):
    r = casing.run("start", "nope-" + unique_id())
    assert r.returncode != 0 and "does not exist" in r.stderr
    cid, pid = create_sleeper(casing, bundle, tmpdir_path)
    casing.ok("start", cid)
    r = casing.run("start", cid)
    assert r.returncode != 0 and "not created" in r.stderr
    assert casing.state(cid)["status"] == "running" and pid_alive(pid)
    casing.ok("kill", cid, "9")
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
    r = casing.run("start", cid)
    assert r.returncode != 0


def test_delete_running_needs_force(casing, bundle, tmpdir_path):
    cid, pid = create_sleeper(casing, bundle, tmpdir_path)
    casing.ok("start", cid)
    r = casing.run("delete", cid)
    assert r.returncode != 0 and "not stopped" in r.stderr
    assert casing.state(cid)["status"] == "running" and pid_alive(pid)
    cgroups = cgroup_dirs(pid)
    casing.ok("delete", "--force", cid)
    assert wait_for(lambda: not pid_alive(pid))
    assert not os.path.exists(os.path.join(casing.root, cid))
    assert not any(os.path.isdir(d) for d in cgroups)


def test_delete_created_kills_it(casing, bundle, tmpdir_path):
    # As runc: containerd's shim deletes a created, never started task with
    # a plain `delete` (README: a deviation from the spec).
    cid, pid = create_sleeper(casing, bundle, tmpdir_path)
    cgroups = cgroup_dirs(pid)
    casing.ok("delete", cid)
    assert wait_for(lambda: not pid_alive(pid))
    assert not os.path.exists(os.path.join(casing.root, cid))
    assert not any(os.path.isdir(d) for d in cgroups)
    cid, pid = create_sleeper(casing, bundle, tmpdir_path)
    casing.ok("delete", "-f", cid)
    assert wait_for(lambda: not pid_alive(pid))


def test_delete_unknown_and_double_delete(casing, bundle, tmpdir_path):
    cid = unique_id()
    r = casing.run("delete", cid)
    assert r.returncode != 0 and "does not exist" in r.stderr
    # containerd's shim calls this right after a successful delete
    casing.ok("delete", "--force", cid)
    cid, pid = create_sleeper(casing, bundle, tmpdir_path, args=("true",))
    casing.ok("start", cid)
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
    casing.ok("delete", cid)
    r = casing.run("delete", cid)
    assert r.returncode != 0 and "does not exist" in r.stderr
    casing.ok("delete", "--force", cid)


def test_duplicate_id(casing, bundle, tmpdir_path):
    cid, pid = create_sleeper(casing, bundle, tmpdir_path)
    r = casing.run("create", "--bundle", bundle.path, cid)
    assert r.returncode != 0 and "already exists" in r.stderr
    assert casing.state(cid)["pid"] == pid and pid_alive(pid)


def test_concurrent_creates_one_wins(casing, bundle):
    bundle.set_args("sleep", "100").save()
    cid = unique_id()
    casing.created.add(cid)
    errs = [tempfile.TemporaryFile() for _ in range(3)]
    # stdio goes to files: the winner's container keeps it open
    procs = [subprocess.Popen(casing.argv("create", "--bundle", bundle.path, cid),
                              stdout=subprocess.DEVNULL, stderr=e) for e in errs]
    codes = [p.wait(timeout=60) for p in procs]
    assert sorted(c == 0 for c in codes) == [False, False, True]
    for c, e in zip(codes, errs):
        e.seek(0)
        if c != 0:
            assert b"already exists" in e.read()
    assert casing.state(cid)["status"] == "created"


@pytest.mark.parametrize("bad", ["a/b", "..", ".", "", "x" * 1025, "with space", "../escape"])
def test_invalid_ids(casing, bundle, bad):
    bundle.save()
    r = casing.run("create", "--bundle", bundle.path, bad)
    assert r.returncode != 0 and "invalid container id" in r.stderr
    assert not os.path.exists(casing.root) or os.listdir(casing.root) == []


@pytest.mark.parametrize("sig,expect", [("TERM", signal.SIGTERM), ("SIGUSR1", signal.SIGUSR1),
                                        ("10", signal.SIGUSR1), ("sighup", signal.SIGHUP)])
def test_kill_signal_forms(casing, bundle, tmpdir_path, sig, expect):
    # the shell reports which signal it trapped
    out = os.path.join(bundle.rootfs, "tmp", "got")
    script = ("for s in HUP USR1 TERM; do trap \"echo $s > /tmp/got; exit 0\" $s; done; "
              "while :; do sleep 0.1; done")
    cid, pid = create_sleeper(casing, bundle, tmpdir_path, args=("sh", "-c", script))
    casing.ok("start", cid)
    casing.ok("kill", cid, sig)
    assert wait_for(lambda: os.path.exists(out) and open(out).read().strip())
    assert open(out).read().strip() == expect.name[3:]


def test_kill_default_is_sigterm(casing, bundle, tmpdir_path):
    out = os.path.join(bundle.rootfs, "tmp", "got")
    cid, pid = create_sleeper(casing, bundle, tmpdir_path, args=(
        "sh", "-c", "trap 'echo TERM > /tmp/got; exit 0' TERM; while :; do sleep 0.1; done"))
    casing.ok("start", cid)
    casing.ok("kill", cid)
    assert wait_for(lambda: os.path.exists(out))


def test_kill_errors(casing, bundle, tmpdir_path):
    cid, pid = create_sleeper(casing, bundle, tmpdir_path)
    r = casing.run("kill", cid, "NOTASIGNAL")
    assert r.returncode != 0 and "invalid signal" in r.stderr
    r = casing.run("kill", cid, "0x")
    assert r.returncode != 0
    assert pid_alive(pid)
    r = casing.run("kill", "nope-" + unique_id(), "KILL")
    assert r.returncode != 0 and "does not exist" in r.stderr
    casing.ok("kill", cid, "KILL")
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
    r = casing.run("kill", cid, "KILL")
    assert r.returncode != 0 and "container not running" in r.stderr


def test_kill_all(casing, bundle, tmpdir_path):
    cid, pid = create_sleeper(casing, bundle, tmpdir_path, args=(
        "sh", "-c", "sleep 1000 & sleep 1000 & wait"))
    casing.ok("start", cid)
    assert wait_for(lambda: len(casing.ok("ps", "--format", "json", cid).json()) == 3)
    pids = casing.ok("ps", "--format", "json", cid).json()
    casing.ok("kill", "--all", cid, "KILL")
    assert wait_for(lambda: not any(pid_alive(p) for p in pids))


def test_state_status_comes_from_the_kernel(casing, bundle, tmpdir_path):
    cid, pid = create_sleeper(casing, bundle, tmpdir_path)
    casing.ok("start", cid)
    os.kill(pid, signal.SIGKILL)
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")


def test_list_formats(casing, bundle, tmpdir_path):
    cid1, pid1 = create_sleeper(casing, bundle, tmpdir_path)
    cid2, pid2 = create_sleeper(casing, bundle, tmpdir_path)
    casing.ok("start", cid2)
    items = casing.ok("list", "--format", "json").json()
    assert isinstance(items, list)
    by_id = {i["id"]: i for i in items}
    assert by_id[cid1]["status"] == "created" and by_id[cid1]["pid"] == pid1
    assert by_id[cid2]["status"] == "running" and by_id[cid2]["pid"] == pid2
    for i in items:
        check_state_json(i)
        assert i["bundle"] == bundle.path and "created" in i and "rootfs" in i
    quiet = casing.ok("list", "-q").stdout.split()
    assert sorted(quiet) == sorted([cid1, cid2])
    table = casing.ok("list").stdout.splitlines()
    assert table[0].split()[:3] == ["ID", "PID", "STATUS"]
    assert any(l.split()[:3] == [cid2, str(pid2), "running"] for l in table[1:])
    assert casing.ok("list", "--format=json").json()


def test_list_empty_root(casing):
    assert casing.ok("list", "--format", "json").json() == []
    assert casing.ok("list", "-q").stdout == ""


def test_ps(casing, bundle, tmpdir_path):
    cid, pid = create_sleeper(casing, bundle, tmpdir_path, args=(
        "sh", "-c", "sleep 1000 & wait"))
    casing.ok("start", cid)
    assert wait_for(lambda: len(casing.ok("ps", "--format", "json", cid).json()) == 2)
    pids = casing.ok("ps", "--format", "json", cid).json()
    assert pid in pids and all(isinstance(p, int) for p in pids)
    table = casing.ok("ps", cid).stdout.splitlines()
    assert table[0].split() == ["PID", "CMD"]
    assert any("sleep 1000" in l for l in table)
    casing.ok("kill", cid, "KILL")
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
    r = casing.run("ps", cid)
    assert r.returncode != 0


def test_state_errors(casing):
    r = casing.run("state")
    assert r.returncode != 0
    r = casing.run("state", "nope-" + unique_id())
    assert r.returncode != 0 and "does not exist" in r.stderr


def test_annotations_in_state(casing, bundle, tmpdir_path):
    bundle.config["annotations"] = {"org.example.key": "value"}
    cid, pid = create_sleeper(casing, bundle, tmpdir_path)
    st = casing.state(cid)
    assert st["annotations"] == {"org.example.key": "value"}
    check_state_json(st)


def test_config_changes_after_create_have_no_effect(casing, bundle, tmpdir_path):
    cid, pid = create_sleeper(casing, bundle, tmpdir_path, args=("sh", "-c", "echo one > /tmp/o"))
    bundle.set_args("sh", "-c", "echo two > /tmp/o").save()
    casing.ok("start", cid)
    out = os.path.join(bundle.rootfs, "tmp", "o")
    assert wait_for(lambda: os.path.exists(out) and open(out).read())
    assert open(out).read().strip() == "one"


def test_no_fd_leaks_into_container(casing, bundle, tmpdir_path):
    cid, pid = create_sleeper(casing, bundle, tmpdir_path, args=(
        "sh", "-c", "ls /proc/self/fd > /tmp/fds"))
    casing.ok("start", cid)
    out = os.path.join(bundle.rootfs, "tmp", "fds")
    assert wait_for(lambda: os.path.exists(out) and open(out).read())
    # 0-2 plus the fd `ls` opens for the directory
    assert sorted(int(x) for x in open(out).read().split()) == [0, 1, 2, 3]


def test_created_init_holds_no_host_fds(casing, bundle, tmpdir_path):
    """CVE-2024-21626 class: nothing of ours stays open in the waiting init."""
    log = os.path.join(tmpdir_path, "log")
    bundle.set_args("sleep", "100").save()
    cid = unique_id()
    pid_file = os.path.join(tmpdir_path, "pid")
    casing.ok("create", "--bundle", bundle.path, "--pid-file", pid_file, cid,
              global_args=("--log", log))
    pid = read_pid(pid_file)
    targets = [os.readlink("/proc/%d/fd/%s" % (pid, fd)) for fd in os.listdir("/proc/%d/fd" % pid)
               if int(fd) > 2]
    assert not [t for t in targets if t.startswith(casing.root) or t == log], targets
    assert not [t for t in targets if t.startswith(tmpdir_path) and t != bundle.rootfs], targets


def test_created_init_keeps_only_what_it_needs(casing, bundle, tmpdir_path):
    """While it waits for `start`, the init holds stdio, the preserved fds, the
    start socket and its own procfs handle: not the new root, nor the
    cgroup directories, nor the other fds of whoever ran create."""
    bundle.set_args("sleep", "100").save()
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    try:
        cid = unique_id()
        pid_file = os.path.join(tmpdir_path, "pid")
        casing.created.add(cid)

        def fds_3_and_4():
            # r1 is fd 3 of casing (preserved), r2 fd 4 (not preserved)
            os.dup2(r1, 100)
            os.dup2(r2, 101)
            os.dup2(100, 3)
            os.dup2(101, 4)
        subprocess.run(casing.argv("create", "--preserve-fds", "1", "--bundle", bundle.path,
                                   "--pid-file", pid_file, cid),
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, preexec_fn=fds_3_and_4, close_fds=False,
                       check=True, timeout=60)
    finally:
        for fd in (r1, w1, r2, w2):
            os.close(fd)
    pid = read_pid(pid_file)
    fds = {}
    for fd in os.listdir("/proc/%d/fd" % pid):
        fds[int(fd)] = os.stat("/proc/%d/fd/%s" % (pid, fd))
    rest = {fd: st for fd, st in fds.items() if fd > 2}
    # the preserved caller fd is kept: it must be one of the two pipes
    pipes = [fd for fd, st in rest.items() if stat.S_ISFIFO(st.st_mode)]
    assert len(pipes) == 1, fds
    for fd, st in rest.items():
        if stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode):
            continue
        # the procfs handle is the root of a procfs instance (inode 1)
        assert stat.S_ISDIR(st.st_mode) and st.st_ino == 1, (fd, os.readlink(
            "/proc/%d/fd/%d" % (pid, fd)))
    assert not [t for t in (os.readlink("/proc/%d/fd/%d" % (pid, fd)) for fd in rest)
                if t.startswith("/sys/fs/cgroup")]
    casing.ok("start", cid)


def test_paused_status_and_delete_force(casing, bundle, tmpdir_path):
    """paused comes from the freezer; delete --force thaws before killing."""
    cid, pid = create_sleeper(casing, bundle, tmpdir_path)
    casing.ok("start", cid)
    freezer = [d for d in cgroup_dirs(pid) if "/freezer/" in d]
    if not freezer:
        pytest.skip("no cgroup v1 freezer on this host")
    with open(os.path.join(freezer[0], "freezer.state"), "w") as f:
        f.write("FROZEN")
    assert wait_for(lambda: casing.state(cid)["status"] == "paused")
    casing.run("delete", "--force", cid, timeout=20, check=True)
    assert wait_for(lambda: not pid_alive(pid))
    assert not os.path.isdir(freezer[0])
