# SPDX-License-Identifier: GPL-2.0-or-later
"""A container that joins the pid namespace of another (a pod sharing its
process namespace): its setup runs outside that namespace and the
container process appears in it already confined (src/container/
joined_pid.c).  What engines see must not change: the pid from `create`
on, start, exec, kill, delete, exit codes, the terminal."""
import os

import pytest

from casing_fixtures import pid_alive, unique_id, wait_for
from isolation_helpers import add_namespace, ns_inode


def status_of(pid):
    with open("/proc/%d/status" % pid) as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def holder(casing, bundle, tmpdir_path):
    """The pod's first container: its pid namespace is joined."""
    from casing_fixtures import Bundle
    b = Bundle(os.path.join(tmpdir_path, "holder"))
    b.set_args("sleep", "120").save()
    cid = unique_id("holder")
    casing.ok("run", "-d", "-b", b.path, cid)
    return casing.state(cid)["pid"]


def joining(bundle, pod_pid, *args):
    add_namespace(bundle, "pid", "/proc/%d/ns/pid" % pod_pid)
    bundle.set_args(*args).save()
    return bundle


@pytest.mark.oldkernel
def test_created_process_is_confined_in_the_pod(casing, bundle, tmpdir_path):
    pod = holder(casing, bundle, tmpdir_path)
    joining(bundle, pod, "sh", "-c", "echo started > /tmp/started; sleep 60")
    cid = unique_id("joined")
    casing.ok("create", "-b", bundle.path, cid)
    st = casing.state(cid)
    pid = st["pid"]
    assert st["status"] == "created"
    assert ns_inode(pid, "pid") == ns_inode(pod, "pid")
    s = status_of(pid)
    # Already what the container process will have: the configured
    # capabilities (default_config: 0x20000420), no_new_privs.
    assert int(s["CapEff"], 16) == 0x20000420 and int(s["CapBnd"], 16) == 0x20000420, s
    assert s["NoNewPrivs"] == "1", s
    # It holds stdio and its one socket to the setup process, nothing else.
    fds = sorted(int(fd) for fd in os.listdir("/proc/%d/fd" % pid))
    assert len(fds) <= 4 and fds[:3] == [0, 1, 2], fds
    casing.ok("start", cid)
    assert wait_for(lambda: os.path.exists(os.path.join(bundle.rootfs, "tmp", "started")))
    assert casing.state(cid)["pid"] == pid and casing.state(cid)["status"] == "running"
    r = casing.ok("exec", cid, "sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '")
    assert r.stdout.startswith("sleep 120"), r
    casing.ok("kill", cid, "KILL")
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
    casing.ok("delete", cid)


def test_delete_of_created_leaves_nothing(casing, bundle, tmpdir_path):
    pod = holder(casing, bundle, tmpdir_path)
    joining(bundle, pod, "true")
    cid = unique_id("joined")
    before = set(os.listdir("/proc"))
    casing.ok("create", "-b", bundle.path, cid)
    pid = casing.state(cid)["pid"]
    setup = [p for p in set(os.listdir("/proc")) - before if p.isdigit() and int(p) != pid]
    casing.ok("delete", "--force", cid)
    assert wait_for(lambda: not pid_alive(pid))
    # The setup process saw its container process go and left too.
    assert wait_for(lambda: not any(pid_alive(int(p)) and "casing" in open("/proc/%s/comm" % p).read()
                                    for p in setup if os.path.exists("/proc/" + p)))


@pytest.mark.oldkernel
def test_run_foreground_exit_code(casing, bundle, tmpdir_path):
    pod = holder(casing, bundle, tmpdir_path)
    joining(bundle, pod, "sh", "-c", "exit 7")
    r = casing.run("run", "-b", bundle.path, unique_id("joined"))
    assert r.returncode == 7, r


def test_missing_program_fails_create(casing, bundle, tmpdir_path):
    pod = holder(casing, bundle, tmpdir_path)
    joining(bundle, pod, "/no/such/program")
    r = casing.run("create", "-b", bundle.path, unique_id("joined"))
    assert r.returncode != 0 and "no such file or directory" in r.stderr, r


def test_start_reports_exec_failure(casing, bundle, tmpdir_path):
    """The program is opened again at start: gone by then, start says so."""
    pod = holder(casing, bundle, tmpdir_path)
    prog = os.path.join(bundle.rootfs, "bin", "vanishing")
    os.symlink("busybox", prog)
    joining(bundle, pod, "/bin/vanishing")
    cid = unique_id("joined")
    casing.ok("create", "-b", bundle.path, cid)
    os.unlink(prog)
    r = casing.run("start", cid)
    assert r.returncode != 0 and "no such file or directory" in r.stderr, r
