# SPDX-License-Identifier: GPL-2.0-or-later
"""No fd of the runtime reaches the container's processes.  An fd to a
host cgroup directory, the state directory or the runtime's procfs handle
would let the container reach out of its root (openat on a host directory).
The container has resources, so the cgroup manager opened directories
on its behalf; the host checks what the processes really hold."""
import os
import stat
import subprocess

from casing_fixtures import unique_id


def fds_of(pid):
    return {int(fd): os.stat("/proc/%d/fd/%s" % (pid, fd)) for fd in os.listdir("/proc/%d/fd" % pid)}


def targets(pid, fds):
    return {fd: os.readlink("/proc/%d/fd/%d" % (pid, fd)) for fd in fds}


def with_resources(bundle):
    bundle.config["linux"]["resources"].update({
        "memory": {"limit": 256 * 1024 * 1024},
        "pids": {"limit": 64},
        "cpu": {"shares": 512},
    })


def test_container_and_exec_hold_only_stdio_and_preserved_fds(casing, bundle, tmpdir_path):
    with_resources(bundle)
    bundle.set_args("sleep", "100").save()
    cid = unique_id("fds")
    pid_file = os.path.join(tmpdir_path, "pid")
    r, w = os.pipe()
    try:
        def pipe_as_fd_3():
            os.dup2(r, 100)
            os.dup2(100, 3)
        casing.created.add(cid)
        subprocess.run(casing.argv("create", "--preserve-fds", "1", "--bundle", bundle.path,
                                   "--pid-file", pid_file, cid),
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       preexec_fn=pipe_as_fd_3, close_fds=False, check=True, timeout=60)
        pipe_ino = os.fstat(r).st_ino
    finally:
        os.close(r)
        os.close(w)
    casing.ok("start", cid)
    pid = int(open(pid_file).read())
    fds = fds_of(pid)
    assert sorted(fds) == [0, 1, 2, 3], targets(pid, fds)
    assert stat.S_ISFIFO(fds[3].st_mode) and fds[3].st_ino == pipe_ino

    exec_pid_file = os.path.join(tmpdir_path, "exec.pid")
    casing.ok("exec", "--detach", "--pid-file", exec_pid_file, cid, "sleep", "100")
    epid = int(open(exec_pid_file).read())
    efds = fds_of(epid)
    assert sorted(efds) == [0, 1, 2], targets(epid, efds)
    for p, f in ((pid, fds), (epid, efds)):
        assert not [t for t in targets(p, f).values()
                    if t.startswith("/sys/fs/cgroup") or t.startswith(casing.root)]
