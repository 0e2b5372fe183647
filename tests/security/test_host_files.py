# SPDX-License-Identifier: GPL-2.0-or-later
"""Files casing makes or opens in directories someone else may write: the
pid file (and its temporary name), the --log file, the console socket.
Another user of that directory plants symlinks there; nothing casing
writes may land in the symlink's target, and the pty master must never
reach a socket the caller did not name."""
import os
import select
import shutil
import socket
import stat
import subprocess
import threading

import pytest

from casing_fixtures import unique_id

VICTIM_DATA = b"precious host data\n"


@pytest.fixture
def victim(tmpdir_path):
    """A host file the attacker wants casing to overwrite."""
    path = os.path.join(tmpdir_path, "victim")
    with open(path, "wb") as f:
        f.write(VICTIM_DATA)
    return path


def victim_intact(path):
    with open(path, "rb") as f:
        return f.read() == VICTIM_DATA


def plant_temp_symlinks(pid_file, target, count=400):
    """Symlinks at every name `PIDFILE.tmp-PID` the next `count` pids would
    use: the pid of the next casing process is predictable."""
    with open("/proc/sys/kernel/ns_last_pid") as f:
        last = int(f.read())
    planted = []
    for pid in range(last + 1, last + 1 + count):
        link = "%s.tmp-%d" % (pid_file, pid)
        os.symlink(target, link)
        planted.append(link)
    return planted


def pid_file_holds(pid_file, pid):
    st = os.lstat(pid_file)
    with open(pid_file) as f:
        return stat.S_ISREG(st.st_mode) and int(f.read()) == pid


def test_create_pid_file_temp_name_symlinks(casing, bundle, tmpdir_path, victim):
    bundle.set_args("sleep", "1000").save()
    cid = unique_id("pf")
    pid_file = os.path.join(tmpdir_path, "shared", "ctr.pid")
    os.mkdir(os.path.dirname(pid_file))
    os.chmod(os.path.dirname(pid_file), 0o1777)  # a directory others write
    plant_temp_symlinks(pid_file, victim)
    casing.ok("create", "--bundle", bundle.path, "--pid-file", pid_file, cid)
    assert victim_intact(victim), open(victim, "rb").read()
    assert pid_file_holds(pid_file, casing.state(cid)["pid"])


def test_create_pid_file_itself_a_symlink(casing, bundle, tmpdir_path, victim):
    bundle.set_args("sleep", "1000").save()
    cid = unique_id("pf")
    pid_file = os.path.join(tmpdir_path, "ctr.pid")
    os.symlink(victim, pid_file)
    casing.ok("create", "--bundle", bundle.path, "--pid-file", pid_file, cid)
    assert victim_intact(victim)
    assert pid_file_holds(pid_file, casing.state(cid)["pid"])


def test_exec_pid_file_symlinks(casing, bundle, tmpdir_path, victim):
    bundle.set_args("sleep", "1000").save()
    cid = unique_id("pf")
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    pid_file = os.path.join(tmpdir_path, "exec.pid")
    plant_temp_symlinks(pid_file, victim)
    casing.ok("exec", "-d", "--pid-file", pid_file, cid, "sleep", "1000")
    assert victim_intact(victim), open(victim, "rb").read()
    with open(pid_file) as f:
        pid = int(f.read())
    assert os.readlink("/proc/%d/exe" % pid).endswith("busybox")
    # and a symlink at the name itself is replaced, not followed
    os.unlink(pid_file)
    os.symlink(victim, pid_file)
    casing.ok("exec", "-d", "--pid-file", pid_file, cid, "sleep", "1000")
    assert victim_intact(victim)
    assert not os.path.islink(pid_file)


def test_log_symlink_is_not_followed(casing, tmpdir_path, victim):
    log = os.path.join(tmpdir_path, "casing.log")
    os.symlink(victim, log)
    r = casing.run("--log", log, "state", "no-such-container")
    assert r.returncode != 0
    assert victim_intact(victim), open(victim, "rb").read()
    assert "log" in r.stderr and log in r.stderr, r.stderr
    # a dangling symlink must not create its target either
    os.unlink(log)
    target = os.path.join(tmpdir_path, "created-through-link")
    os.symlink(target, log)
    r = casing.run("--log", log, "state", "no-such-container")
    assert r.returncode != 0 and not os.path.lexists(target)


def test_log_must_be_a_regular_file(casing, tmpdir_path):
    fifo = os.path.join(tmpdir_path, "casing.log")
    os.mkfifo(fifo)
    # opening a FIFO for writing blocks until a reader comes: refused instead
    r = casing.run("--log", fifo, "state", "no-such-container", timeout=10)
    assert r.returncode != 0 and "regular file" in r.stderr, r.stderr


def test_log_appends_to_an_existing_file(casing, tmpdir_path):
    log = os.path.join(tmpdir_path, "casing.log")
    with open(log, "w") as f:
        f.write("earlier\n")
    r = casing.run("--log", log, "state", "no-such-container")
    assert r.returncode != 0
    lines = open(log).read().splitlines()
    assert lines[0] == "earlier" and "does not exist" in lines[-1]


class AttackerSocket:
    """A listening socket owned by the attacker; tells whether a pty master
    arrived on it."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(4)

    def received_fds(self, timeout=2.0):
        fds = []
        while select.select([self.sock], [], [], timeout)[0]:
            conn, _ = self.sock.accept()
            with conn:
                conn.settimeout(timeout)
                try:
                    _, got, _, _ = socket.recv_fds(conn, 4096, 4)
                except (OSError, socket.timeout):
                    got = []
            fds += got
            timeout = 0.2
        for fd in fds:
            os.close(fd)
        return fds

    def close(self):
        self.sock.close()


@pytest.fixture
def attacker_socket(tmpdir_path):
    s = AttackerSocket(os.path.join(tmpdir_path, "attacker.sock"))
    yield s
    s.close()


def test_console_socket_symlink_is_refused(casing, bundle, tmpdir_path, attacker_socket):
    bundle.config["process"]["terminal"] = True
    bundle.set_args("sleep", "1000").save()
    link = os.path.join(tmpdir_path, "console.sock")
    os.symlink(os.path.join(tmpdir_path, "attacker.sock"), link)
    cid = unique_id("cs")
    r = casing.run("create", "--bundle", bundle.path, "--console-socket", link, cid)
    got = attacker_socket.received_fds()
    assert got == [], "the attacker's socket received the pty master"
    assert r.returncode != 0 and "console socket" in r.stderr, r
    assert not os.path.exists(os.path.join(casing.root, cid))


def test_exec_console_socket_symlink_is_refused(casing, bundle, tmpdir_path, attacker_socket):
    bundle.set_args("sleep", "1000").save()
    cid = unique_id("cs")
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    link = os.path.join(tmpdir_path, "console.sock")
    os.symlink(os.path.join(tmpdir_path, "attacker.sock"), link)
    r = casing.run("exec", "-d", "-t", "--console-socket", link, cid, "sleep", "1000")
    got = attacker_socket.received_fds()
    assert got == [], "the attacker's socket received the pty master"
    assert r.returncode != 0 and "console socket" in r.stderr, r


class FdCounter:
    """Listening sockets that accept everything, in a thread, and count the
    fds that arrive on each (closing them)."""

    def __init__(self, paths):
        self.socks = {}
        for name, path in paths.items():
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(path)
            s.listen(16)
            self.socks[s] = name
        self.counts = {name: 0 for name in paths}
        self.stopped = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopped:
            for s in select.select(list(self.socks), [], [], 0.1)[0]:
                conn, _ = s.accept()
                with conn:
                    conn.settimeout(2)
                    try:
                        _, fds, _, _ = socket.recv_fds(conn, 4096, 4)
                    except (OSError, socket.timeout):
                        fds = []
                for fd in fds:
                    os.close(fd)
                self.counts[self.socks[s]] += len(fds)

    def close(self):
        self.stopped = True
        self.thread.join(5)
        for s in self.socks:
            s.close()


def test_console_socket_swapped_between_check_and_connect(casing, bundle, tmpdir_path):
    """Another user of the directory where the engine made its console
    socket exchanges that socket, in a tight loop, with a symlink to its
    own socket while containers are created.  A runtime that checks the
    name (not a symlink, a socket) and then connects by name would, now and
    then, connect to the attacker's socket; connected through the fd it
    checked, the pty master only ever reaches the engine's socket."""
    from attack_helpers import attacker
    os.chmod(tmpdir_path, 0o755)
    d = os.path.join(tmpdir_path, "sockets")
    os.mkdir(d)
    os.chmod(d, 0o777)  # writable by the attacker (uid 65534), not sticky
    swap = os.path.join(tmpdir_path, "mnt_swap")
    shutil.copy2(attacker("mnt_swap"), swap)
    os.chmod(swap, 0o755)
    path = os.path.join(d, "console.sock")
    sockets = FdCounter({"engine": path, "attacker": os.path.join(d, "attacker.sock")})
    os.symlink("attacker.sock", os.path.join(d, "console.sock.lnk"))
    bundle.config["process"]["terminal"] = True
    bundle.set_args("true").save()
    swapper = subprocess.Popen([swap, d, "console.sock", "console.sock.lnk", "STOP", "120"],
                               preexec_fn=lambda: (os.setgroups([]), os.setgid(65534), os.setuid(65534)),
                               stdout=subprocess.PIPE, text=True)
    outcomes = {}
    try:
        for _ in range(60):
            cid = unique_id("cs")
            r = casing.run("create", "--bundle", bundle.path, "--console-socket", path, cid, timeout=30)
            key = "created" if r.returncode == 0 else r.stderr.strip()[:80]
            outcomes[key] = outcomes.get(key, 0) + 1
            casing.run("delete", "--force", cid, timeout=30)
            if sockets.counts["attacker"]:
                break
    finally:
        open(os.path.join(d, "STOP"), "w").close()
        out, _ = swapper.communicate(timeout=30)
        sockets.close()
    print("console socket swapped: %r; fds received: %r; swapper: %s" % (outcomes, sockets.counts,
                                                                          out.strip()))
    assert sockets.counts["attacker"] == 0, "the attacker's socket received the pty master"
    assert outcomes.get("created", 0) > 0 and sockets.counts["engine"] > 0, outcomes


def test_console_socket_must_be_a_socket(casing, bundle, tmpdir_path):
    bundle.config["process"]["terminal"] = True
    bundle.set_args("sleep", "1000").save()
    path = os.path.join(tmpdir_path, "not-a-socket")
    open(path, "w").close()
    r = casing.run("create", "--bundle", bundle.path, "--console-socket", path, unique_id("cs"))
    assert r.returncode != 0 and "not a socket" in r.stderr, r


def test_console_socket_long_path_still_works(casing, bundle, tmpdir_path):
    """The path is reached through an fd, so a path longer than sun_path
    (108 bytes) keeps working."""
    from casing_fixtures import ConsoleReceiver
    bundle.config["process"]["terminal"] = True
    bundle.set_args("sh", "-c", "echo hello-from-tty; sleep 1000").save()
    d = os.path.join(tmpdir_path, "x" * 60, "y" * 60)
    os.makedirs(d)
    dfd = os.open(d, os.O_PATH | os.O_DIRECTORY)
    try:
        recv = ConsoleReceiver("/proc/self/fd/%d/console.sock" % dfd)  # too long to bind
    finally:
        os.close(dfd)
    try:
        cid = unique_id("cs")
        path = os.path.join(d, "console.sock")
        casing.ok("create", "--bundle", bundle.path, "--console-socket", path, cid)
        assert recv.wait() is not None
        casing.ok("start", cid)
        assert b"hello-from-tty" in recv.read_until(b"hello-from-tty")
    finally:
        recv.close()
