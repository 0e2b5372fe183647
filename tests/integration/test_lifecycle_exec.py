# SPDX-License-Identifier: GPL-2.0-or-later
"""`exec`: every namespace and the cgroup of the container, exit codes,
--process, the per-process options, and errors."""
import json
import os

import pytest

from casing_fixtures import ConsoleReceiver, pid_alive, unique_id, wait_for

NAMESPACES = ("pid", "net", "ipc", "uts", "mnt", "cgroup")


@pytest.fixture
def running(casing, bundle, tmpdir_path):
    os.chmod(bundle.rootfs, 0o755)
    bundle.set_args("sleep", "1000").save()
    cid = unique_id("ex")
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    return cid, casing.state(cid)["pid"]


def test_exec_joins_every_namespace_and_cgroup(casing, running, tmpdir_path):
    cid, init = running
    pid_file = os.path.join(tmpdir_path, "exec.pid")
    casing.ok("exec", "--detach", "--pid-file", pid_file, cid, "sleep", "100")
    pid = int(open(pid_file).read())
    for ns in NAMESPACES:
        assert os.stat("/proc/%d/ns/%s" % (pid, ns)).st_ino == \
            os.stat("/proc/%d/ns/%s" % (init, ns)).st_ino, ns
    assert open("/proc/%d/cgroup" % pid).read() == open("/proc/%d/cgroup" % init).read()
    assert open("/proc/%d/root/etc/passwd" % pid).read() == \
        open("/proc/%d/root/etc/passwd" % init).read()
    ps = casing.ok("ps", "--format", "json", cid).json()
    assert pid in ps and init in ps


def test_exec_foreground_output_and_exit_code(casing, running):
    cid, _ = running
    r = casing.run("exec", cid, "sh", "-c", "echo $$ $(hostname); exit 9")
    assert r.returncode == 9
    pid, host = r.stdout.split()
    assert host == "casing" and int(pid) > 1


def test_exec_signal_exit_code(casing, running):
    cid, _ = running
    r = casing.run("exec", cid, "sh", "-c", "kill -TERM $$")
    assert r.returncode == 128 + 15


def test_exec_options(casing, running):
    cid, _ = running
    r = casing.run("exec", "--env", "FOO=bar", "-e", "TERM=dumb", "--cwd", "/tmp", "--user",
                   "1000:1001", "--additional-gids", "2000", cid,
                   "sh", "-c", "echo $FOO $TERM; pwd; id -u; id -g; id -G")
    assert r.returncode == 0, r
    lines = r.stdout.splitlines()
    assert lines[0] == "bar dumb"
    assert lines[1] == "/tmp"
    assert lines[2:4] == ["1000", "1001"]
    assert "2000" in lines[4].split()


def test_exec_keeps_confinement(casing, running):
    cid, init = running
    r = casing.run("exec", cid, "sh", "-c", "grep -E 'CapBnd|NoNewPrivs' /proc/self/status")
    assert r.returncode == 0
    mine = dict(l.split(":\t") for l in r.stdout.splitlines())
    with open("/proc/%d/status" % init) as f:
        theirs = dict(l.rstrip("\n").split(":\t", 1) for l in f if ":\t" in l)
    assert mine["CapBnd"].strip() == theirs["CapBnd"].strip()
    assert mine["NoNewPrivs"].strip() == "1"


def test_exec_cap_option(casing, running):
    cid, _ = running
    r = casing.run("exec", "--cap", "CAP_SYS_ADMIN", cid, "grep", "CapEff", "/proc/self/status")
    base = casing.run("exec", cid, "grep", "CapEff", "/proc/self/status")
    assert int(r.stdout.split()[1], 16) & (1 << 21)
    assert not int(base.stdout.split()[1], 16) & (1 << 21)


def test_exec_process_file(casing, running, tmpdir_path):
    cid, _ = running
    proc = {"args": ["sh", "-c", "echo $X; pwd"], "env": ["X=from-file", "PATH=/bin"],
            "cwd": "/etc", "user": {"uid": 0, "gid": 0}, "terminal": False}
    path = os.path.join(tmpdir_path, "process.json")
    json.dump(proc, open(path, "w"))
    r = casing.run("exec", "--process", path, cid)
    assert r.returncode == 0, r
    assert r.stdout.splitlines() == ["from-file", "/etc"]
    r = casing.run("exec", "--process=" + path, cid)
    assert r.returncode == 0


def cpus_allowed(pid):
    with open("/proc/%d/status" % pid) as f:
        return [l.split(":", 1)[1].strip() for l in f if l.startswith("Cpus_allowed_list:")][0]


@pytest.mark.skipif(os.cpu_count() < 2, reason="needs two CPUs")
def test_exec_cpu_affinity_is_for_exec_only(casing, bundle, tmpdir_path):
    # config.md: execCPUAffinity "is not applicable to the container's init
    # process"; `final` is what the exec'ed process runs with.
    os.chmod(bundle.rootfs, 0o755)
    host = cpus_allowed(os.getpid())
    bundle.config["process"]["execCPUAffinity"] = {"initial": "0", "final": "1"}
    bundle.set_args("sleep", "1000").save()
    cid = unique_id("aff")
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    assert cpus_allowed(casing.state(cid)["pid"]) == host
    proc = dict(bundle.config["process"], args=["grep", "Cpus_allowed_list", "/proc/self/status"])
    path = os.path.join(tmpdir_path, "process.json")
    json.dump(proc, open(path, "w"))
    r = casing.run("exec", "--process", path, cid)
    assert r.returncode == 0, r
    assert r.stdout.split(":")[1].strip() == "1"


def test_exec_errors(casing, running, bundle):
    cid, init = running
    r = casing.run("exec", cid, "no-such-cmd")
    assert r.returncode != 0 and "executable file not found in $PATH" in r.stderr
    r = casing.run("exec", "nope-" + unique_id(), "true")
    assert r.returncode != 0 and "does not exist" in r.stderr
    r = casing.run("exec", cid)
    assert r.returncode != 0
    casing.ok("kill", cid, "KILL")
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
    r = casing.run("exec", cid, "true")
    assert r.returncode != 0 and "not running" in r.stderr


def test_exec_stdin(casing, running):
    cid, _ = running
    r = casing.run("exec", cid, "cat", input="through stdin\n")
    assert r.stdout == "through stdin\n"


def test_exec_tty_console_socket(casing, running, tmpdir_path):
    cid, _ = running
    sock = os.path.join(tmpdir_path, "console.sock")
    rx = ConsoleReceiver(sock)
    try:
        casing.ok("exec", "--tty", "--detach", "--console-socket", sock, cid,
                  "sh", "-c", "tty; echo done; sleep 1")
        assert rx.wait() is not None
        assert rx.name.startswith("/dev/pts/")
        out = rx.read_until(b"done")
        assert b"/dev/pts/" in out and b"done" in out
    finally:
        rx.close()


def test_exec_preserve_fds(casing, running, tmpdir_path):
    cid, _ = running
    path = os.path.join(tmpdir_path, "passed")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.dup2(fd, 3, inheritable=True)
        r = casing.run("exec", "--preserve-fds", "1", cid, "sh", "-c", "echo via3 >&3",
                       pass_fds=(3,))
        r2 = casing.run("exec", cid, "ls", "/proc/self/fd", pass_fds=(3,))
    finally:
        os.close(fd)
    assert r.returncode == 0, r
    assert open(path).read().strip() == "via3"
    assert sorted(int(x) for x in r2.stdout.split()) == [0, 1, 2, 3]


def test_exec_into_user_namespace(casing, bundle, tmpdir_path):
    # the container's root (an unprivileged host uid) must reach the rootfs
    for d in (tmpdir_path, bundle.path, bundle.rootfs):
        os.chmod(d, 0o755)
    cfg = bundle.config["linux"]
    cfg["namespaces"].append({"type": "user"})
    cfg["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    cfg["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
    bundle.set_args("sleep", "1000").save()
    cid = unique_id("ex")
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    init = casing.state(cid)["pid"]
    pid_file = os.path.join(tmpdir_path, "exec.pid")
    casing.ok("exec", "-d", "--pid-file", pid_file, cid, "sleep", "100")
    pid = int(open(pid_file).read())
    for ns in NAMESPACES + ("user",):
        assert os.stat("/proc/%d/ns/%s" % (pid, ns)).st_ino == \
            os.stat("/proc/%d/ns/%s" % (init, ns)).st_ino, ns
    assert open("/proc/%d/uid_map" % pid).read().split() == ["0", "200000", "65536"]
    r = casing.run("exec", cid, "id", "-u")
    assert r.stdout.strip() == "0"
