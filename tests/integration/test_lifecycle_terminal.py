# SPDX-License-Identifier: GPL-2.0-or-later
"""process.terminal: the pty master over --console-socket (SCM_RIGHTS, the
pty name as payload), the slave as controlling terminal and /dev/console,
consoleSize, and `run` proxying the terminal in the foreground."""
import os
import pty
import select
import subprocess
import time

from casing_fixtures import ConsoleReceiver, unique_id, wait_for


def test_console_socket(casing, bundle, tmpdir_path):
    bundle.config["process"]["terminal"] = True
    bundle.config["process"]["consoleSize"] = {"height": 25, "width": 91}
    bundle.set_args("sh", "-c", "tty; stty size; readlink /proc/self/fd/0; "
                    "ls -l /dev/console | cut -c1; echo done; sleep 2").save()
    sock = os.path.join(tmpdir_path, "console.sock")
    rx = ConsoleReceiver(sock)
    cid = unique_id("tty")
    try:
        casing.ok("create", "--console-socket", sock, "--bundle", bundle.path, cid)
        assert rx.wait() is not None
        assert rx.name.startswith("/dev/pts/")
        casing.ok("start", cid)
        out = rx.read_until(b"done").decode()
        lines = [l.strip() for l in out.splitlines()]
        assert lines[0] == rx.name
        assert lines[1] == "25 91"
        assert lines[2] == rx.name
        assert lines[3] == "c"
    finally:
        rx.close()


def test_console_socket_equals_form_and_session(casing, bundle, tmpdir_path):
    bundle.config["process"]["terminal"] = True
    # the pty is the controlling terminal: the shell is a session leader with it
    bundle.set_args("sh", "-c", "ps -o pid,sid,tty 2>/dev/null | head -3; "
                    "cat /proc/self/stat | cut -d' ' -f7; echo done; sleep 2").save()
    sock = os.path.join(tmpdir_path, "console.sock")
    rx = ConsoleReceiver(sock)
    cid = unique_id("tty")
    try:
        casing.ok("run", "-d", "--console-socket=" + sock, "--bundle", bundle.path, cid)
        assert rx.wait() is not None
        out = rx.read_until(b"done").decode().splitlines()
        tty_nr = int([l for l in out if l.strip().isdigit()][-1])
        assert tty_nr != 0
    finally:
        rx.close()


def test_console_socket_without_terminal_is_an_error(casing, bundle, tmpdir_path):
    bundle.set_args("true").save()
    sock = os.path.join(tmpdir_path, "console.sock")
    rx = ConsoleReceiver(sock)
    cid = unique_id("tty")
    try:
        r = casing.run("create", "--console-socket", sock, "--bundle", bundle.path, cid)
        assert r.returncode != 0 and "terminal" in r.stderr
        assert not os.path.exists(os.path.join(casing.root, cid))
    finally:
        rx.close()


def test_console_socket_missing(casing, bundle, tmpdir_path):
    bundle.config["process"]["terminal"] = True
    bundle.set_args("true").save()
    cid = unique_id("tty")
    r = casing.run("create", "--console-socket", os.path.join(tmpdir_path, "none"),
                   "--bundle", bundle.path, cid)
    assert r.returncode != 0 and "console socket" in r.stderr
    assert not os.path.exists(os.path.join(casing.root, cid))


def test_run_foreground_proxies_the_terminal(casing, bundle):
    bundle.config["process"]["terminal"] = True
    bundle.set_args("sh", "-c", "read x; echo got:$x; tty; exit 3").save()
    cid = unique_id("tty")
    casing.created.add(cid)
    master, slave = pty.openpty()
    p = subprocess.Popen(casing.argv("run", "--bundle", bundle.path, cid), stdin=slave,
                         stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    os.write(master, b"hello\r")
    buf = b""
    deadline = time.monotonic() + 20
    while b"/dev/pts/" not in buf and time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                buf += os.read(master, 4096)
            except OSError:
                break
    assert p.wait(timeout=20) == 3
    os.close(master)
    assert b"got:hello" in buf and b"/dev/pts/" in buf


def test_exec_foreground_tty_without_socket(casing, bundle, tmpdir_path):
    """As CRI-O runs it: exec --process with terminal: true in the foreground."""
    import json
    bundle.set_args("sleep", "100").save()
    cid = unique_id("tty")
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    proc = {"args": ["sh", "-c", "tty; exit 4"], "env": ["PATH=/bin"], "cwd": "/",
            "terminal": True, "user": {"uid": 0, "gid": 0}}
    path = os.path.join(tmpdir_path, "p.json")
    json.dump(proc, open(path, "w"))
    master, slave = pty.openpty()
    p = subprocess.Popen(casing.argv("exec", "--process", path, cid), stdin=slave, stdout=slave,
                         stderr=slave, close_fds=True)
    os.close(slave)
    buf = b""
    deadline = time.monotonic() + 20
    while b"/dev/pts/" not in buf and time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                buf += os.read(master, 4096)
            except OSError:
                break
    assert p.wait(timeout=20) == 4
    os.close(master)
    assert b"/dev/pts/" in buf
