# SPDX-License-Identifier: GPL-2.0-or-later
"""`run`: exit codes, signal forwarding, --detach/--keep, stdio as given,
--preserve-fds, socket activation, and errors as engines read them."""
import json
import os
import signal
import subprocess
import time

import pytest

from casing_fixtures import pid_alive, unique_id, wait_for


def test_exit_code_propagates(casing, bundle):
    bundle.set_args("sh", "-c", "exit 42").save()
    r = casing.run("run", "--bundle", bundle.path, unique_id())
    assert r.returncode == 42


def without_pid_namespace(bundle):
    # pid 1 of a pid namespace ignores signals it has no handler for
    ns = bundle.config["linux"]["namespaces"]
    bundle.config["linux"]["namespaces"] = [n for n in ns if n["type"] != "pid"]


def test_exit_by_signal_is_128_plus_n(casing, bundle):
    without_pid_namespace(bundle)
    bundle.set_args("sh", "-c", "kill -USR1 $$; sleep 10").save()
    r = casing.run("run", "--bundle", bundle.path, unique_id())
    assert r.returncode == 128 + signal.SIGUSR1


def test_run_removes_the_container(casing, bundle):
    bundle.set_args("true").save()
    cid = unique_id()
    casing.ok("run", "--bundle", bundle.path, cid)
    assert not os.path.exists(os.path.join(casing.root, cid))


def test_run_keep(casing, bundle):
    bundle.set_args("true").save()
    cid = unique_id()
    casing.ok("run", "--keep", "--bundle", bundle.path, cid)
    assert casing.state(cid)["status"] == "stopped"
    casing.ok("delete", cid)


def test_stdio_is_inherited(casing, bundle):
    bundle.set_args("sh", "-c", "read x; echo out:$x; echo err:$x >&2").save()
    r = casing.run("run", "--bundle", bundle.path, unique_id(), input="hello\n")
    assert r.returncode == 0
    assert "out:hello" in r.stdout and "err:hello" in r.stderr


def test_signal_forwarding(casing, bundle, tmpdir_path):
    bundle.set_args("sh", "-c",
                    "trap 'echo got-usr1; exit 7' USR1; echo ready; while :; do sleep 0.1; done"
                    ).save()
    cid = unique_id()
    casing.created.add(cid)
    p = subprocess.Popen(casing.argv("run", "--bundle", bundle.path, cid),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    p.send_signal(signal.SIGUSR1)
    out, err = p.communicate(timeout=30)
    assert "got-usr1" in out
    assert p.returncode == 7


def test_sigterm_to_run_reaches_the_container(casing, bundle):
    without_pid_namespace(bundle)
    bundle.set_args("sh", "-c", "echo ready; exec sleep 100").save()
    cid = unique_id()
    casing.created.add(cid)
    p = subprocess.Popen(casing.argv("run", "--bundle", bundle.path, cid),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    pid = casing.state(cid)["pid"]
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=30)
    assert p.returncode == 128 + signal.SIGTERM
    assert not pid_alive(pid)


def test_run_detach(casing, bundle, tmpdir_path):
    bundle.set_args("sleep", "100").save()
    cid = unique_id()
    pid_file = os.path.join(tmpdir_path, "pid")
    casing.ok("run", "-d", "--pid-file", pid_file, "--bundle", bundle.path, cid)
    st = casing.state(cid)
    assert st["status"] == "running"
    assert int(open(pid_file).read()) == st["pid"]
    casing.ok("delete", "--force", cid)
    assert wait_for(lambda: not pid_alive(st["pid"]))


def test_run_detach_equals_form(casing, bundle):
    bundle.set_args("sleep", "100").save()
    cid = unique_id()
    casing.ok("run", "--detach=true", "--bundle=" + bundle.path, cid)
    assert casing.state(cid)["status"] == "running"


def test_preserve_fds(casing, bundle, tmpdir_path):
    path = os.path.join(tmpdir_path, "passed")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.dup2(fd, 3, inheritable=True)
        bundle.set_args("sh", "-c", "echo via-fd3 >&3; ls /proc/self/fd").save()
        r = casing.run("run", "--preserve-fds", "1", "--bundle", bundle.path, unique_id(),
                       pass_fds=(3,))
    finally:
        os.close(fd)
    assert r.returncode == 0, r
    assert open(path).read().strip() == "via-fd3"
    assert sorted(int(x) for x in r.stdout.split()) == [0, 1, 2, 3, 4]


def test_fds_are_not_leaked_without_preserve(casing, bundle, tmpdir_path):
    path = os.path.join(tmpdir_path, "passed")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.dup2(fd, 3, inheritable=True)
        bundle.set_args("ls", "/proc/self/fd").save()
        r = casing.run("run", "--bundle", bundle.path, unique_id(), pass_fds=(3,))
    finally:
        os.close(fd)
    assert sorted(int(x) for x in r.stdout.split()) == [0, 1, 2, 3]


def test_listen_fds(casing, bundle, tmpdir_path):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    os.dup2(s.fileno(), 3, inheritable=True)
    env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
    bundle.set_args("sh", "-c", "echo $LISTEN_FDS $LISTEN_PID; ls /proc/self/fd/3 >/dev/null && "
                    "echo has3").save()
    r = casing.run("run", "--bundle", bundle.path, unique_id(), env=env, pass_fds=(3,))
    s.close()
    assert r.returncode == 0, r
    lines = r.stdout.split("\n")
    assert lines[0] == "1 1"
    assert "has3" in r.stdout


def test_executable_not_found(casing, bundle):
    bundle.set_args("no-such-program").save()
    cid = unique_id()
    r = casing.run("create", "--bundle", bundle.path, cid)
    assert r.returncode != 0
    assert "executable file not found in $PATH" in r.stderr
    assert not os.path.exists(os.path.join(casing.root, cid))


def test_absolute_path_missing(casing, bundle):
    bundle.set_args("/no/such").save()
    r = casing.run("run", "--bundle", bundle.path, unique_id())
    assert r.returncode != 0 and "no such file or directory" in r.stderr


def test_not_executable(casing, bundle):
    with open(os.path.join(bundle.rootfs, "notexec"), "w") as f:
        f.write("#!/bin/sh\n")
    bundle.set_args("/notexec").save()
    r = casing.run("run", "--bundle", bundle.path, unique_id())
    assert r.returncode != 0 and "permission denied" in r.stderr


def test_error_in_json_log(casing, bundle, tmpdir_path):
    bundle.set_args("no-such-program").save()
    log = os.path.join(tmpdir_path, "log.json")
    r = casing.run("create", "--bundle", bundle.path, unique_id(),
                   global_args=("--log", log, "--log-format", "json"))
    assert r.returncode != 0
    last = json.loads(open(log).read().splitlines()[-1])
    assert last["level"] == "error"
    assert "executable file not found in $PATH" in last["msg"]


def test_cwd_is_created_and_used(casing, bundle):
    bundle.config["process"]["cwd"] = "/work/dir"
    bundle.set_args("pwd").save()
    r = casing.run("run", "--bundle", bundle.path, unique_id())
    assert r.returncode == 0 and r.stdout.strip() == "/work/dir"
    assert os.path.isdir(os.path.join(bundle.rootfs, "work", "dir"))


def test_process_attributes(casing, bundle):
    os.chmod(bundle.rootfs, 0o755)
    p = bundle.config["process"]
    p["env"].append("FOO=bar baz")
    p["user"] = {"uid": 1000, "gid": 1001, "additionalGids": [2000], "umask": 0o027}
    p["rlimits"] = [{"type": "RLIMIT_NOFILE", "hard": 512, "soft": 256}]
    p["oomScoreAdj"] = 123
    bundle.set_args("sh", "-c", "echo $FOO; id -u; id -g; id -G; ulimit -n; ulimit -Hn; "
                    "cat /proc/self/oom_score_adj; umask").save()
    r = casing.run("run", "--bundle", bundle.path, unique_id())
    assert r.returncode == 0, r
    lines = r.stdout.splitlines()
    assert lines[0] == "bar baz"
    assert lines[1:3] == ["1000", "1001"]
    assert "2000" in lines[3].split()
    assert lines[4:6] == ["256", "512"]
    assert lines[6] == "123"
    assert lines[7] == "0027"


def test_no_pivot(casing, bundle):
    bundle.set_args("sh", "-c", "ls /").save()
    r = casing.run("run", "--no-pivot", "--bundle", bundle.path, unique_id())
    assert r.returncode == 0, r
    assert "bin" in r.stdout.split()


def test_impossible_config_leaves_nothing(casing, bundle):
    bundle.config["mounts"].append({"destination": "/x", "type": "nosuchfs", "source": "none"})
    bundle.set_args("true").save()
    cid = unique_id()
    before = set(os.listdir("/sys/fs/cgroup/pids"))
    r = casing.run("create", "--bundle", bundle.path, cid)
    assert r.returncode != 0 and r.stderr.strip()
    assert not os.path.exists(os.path.join(casing.root, cid))
    assert not [d for d in os.listdir("/sys/fs/cgroup/pids") if cid in d]
    assert subprocess.run(["pgrep", "-f", cid], capture_output=True).returncode != 0


def test_terminal_without_console_socket_fails_on_create(casing, bundle):
    bundle.config["process"]["terminal"] = True
    bundle.save()
    cid = unique_id()
    r = casing.run("create", "--bundle", bundle.path, cid)
    assert r.returncode != 0 and "console-socket" in r.stderr
    assert not os.path.exists(os.path.join(casing.root, cid))


def test_notify_socket_reaches_the_host_socket(casing, bundle, tmpdir_path):
    import socket
    path = os.path.join(tmpdir_path, "notify.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    env = dict(os.environ, NOTIFY_SOCKET=path)
    bundle.set_args("sh", "-c", "echo $NOTIFY_SOCKET; [ -S $NOTIFY_SOCKET ] && echo is-socket"
                    ).save()
    r = casing.run("run", "--bundle", bundle.path, unique_id(), env=env)
    s.close()
    assert r.returncode == 0, r
    assert r.stdout.split() == [path, "is-socket"]


def test_notify_socket_abstract(casing, bundle):
    """An abstract NOTIFY_SOCKET is passed on when the container shares our
    network namespace, where its name resolves to the host's socket; with
    a network namespace of its own it cannot be reached: not passed."""
    import socket
    name = "@casing-notify-%s" % unique_id()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0" + name[1:])
    env = dict(os.environ, NOTIFY_SOCKET=name)
    script = "echo ${NOTIFY_SOCKET:-unset}; grep -c '%s$' /proc/net/unix || true" % name
    try:
        bundle.set_args("sh", "-c", script)
        bundle.save()
        r = casing.run("run", "--bundle", bundle.path, unique_id(), env=env)
        assert r.returncode == 0, r
        assert r.stdout.split() == ["unset", "0"]
        assert "not forwarded" in r.stderr
        ns = bundle.config["linux"]["namespaces"]
        bundle.config["linux"]["namespaces"] = [n for n in ns if n["type"] != "network"]
        bundle.save()
        r = casing.run("run", "--bundle", bundle.path, unique_id(), env=env)
        assert r.returncode == 0, r
        # the container sees the host's listening socket under that name
        assert r.stdout.split() == [name, "1"]
    finally:
        s.close()


def test_init_is_reparented_to_a_subreaper_caller(casing, bundle, tmpdir_path):
    """Engines (containerd-shim, conmon) are subreapers: after `create` the
    init becomes their child."""
    bundle.set_args("sleep", "100").save()
    cid = unique_id()
    casing.created.add(cid)
    pid_file = os.path.join(tmpdir_path, "pid")
    code = ("import ctypes, os, subprocess, sys\n"
            "ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)\n"
            "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, "
            "stderr=subprocess.DEVNULL)\n"
            "pid = int(open(%r).read())\n"
            "st = open('/proc/%%d/stat' %% pid).read().rsplit(')', 1)[1].split()\n"
            "print(int(st[1]) == os.getpid())\n" % pid_file)
    r = subprocess.run(["python3", "-c", code] + casing.argv("create", "--bundle", bundle.path,
                                                             "--pid-file", pid_file, cid),
                       capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "True", r


def test_no_new_keyring_option(casing, bundle):
    bundle.set_args("true").save()
    r = casing.run("run", "--no-new-keyring", "--bundle", bundle.path, unique_id())
    assert r.returncode == 0, r


@pytest.mark.parametrize("cmd", ["create", "start", "run", "state", "kill", "delete", "list",
                                 "ps", "exec"])
def test_command_help(casing, cmd):
    r = casing.run(cmd, "--help")
    assert r.returncode == 0 and "casing " + cmd in r.stdout


def test_unknown_option_is_an_error(casing, bundle):
    r = casing.run("create", "--no-such-option", "x")
    assert r.returncode != 0 and "unknown option" in r.stderr
