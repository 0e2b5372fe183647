# SPDX-License-Identifier: GPL-2.0-or-later
"""checkpoint and restore with CRIU: a counter that goes on where it
stopped, --leave-running, pre-dump + dump, a terminal, a bind mount and a
tmpfs, a new id, and a failed restore that leaves nothing behind.

criu 3.17 (Debian 12) fails `criu check` on the build hosts' kernel (6.18,
vdso): these run in the VM guest (Debian's 6.1 kernel, marker `criu`) and
skip where `criu check` fails."""
import json
import os
import select
import shutil
import signal
import subprocess
import time

import pytest

from casing_fixtures import Bundle, ConsoleReceiver, cgroup_dirs, pid_alive, unique_id, wait_for, write_script

pytestmark = pytest.mark.criu

CRIU = shutil.which("criu") or next((p for p in ("/usr/sbin/criu", "/sbin/criu") if os.access(p, os.X_OK)), None)
_criu_check = {}

COUNTER = ("i=0; while true; do i=$((i+1)); echo $i >> /tmp/log; echo $i > /tmp/counter; "
           "echo out:$i; sleep 0.1; done")


@pytest.fixture(autouse=True)
def criu_works():
    if CRIU is None:
        pytest.skip("criu is not installed")
    if "ok" not in _criu_check:
        p = subprocess.run([CRIU, "check"], capture_output=True, text=True)
        _criu_check["ok"] = p.returncode == 0
        _criu_check["why"] = (p.stdout + p.stderr).strip().splitlines()[:2]
    if not _criu_check["ok"]:
        pytest.skip("`criu check` fails on this kernel: %s" % " / ".join(_criu_check["why"]))


def counter_bundle(bundle):
    bundle.set_args("sh", "-c", COUNTER).save()
    return bundle


def read_int(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


def log_values(bundle):
    with open(os.path.join(bundle.rootfs, "tmp", "log")) as f:
        return [int(l) for l in f.read().split()]


def out_file(bundle, cid):
    return os.path.join(os.path.dirname(bundle.path), cid + ".out")


def run_detached(casing, bundle, cid, *extra, stdout=None):
    """`run -d`: stdin /dev/null, stdout and stderr a file of ours (or
    stdout a pipe).  A host file as stdio is an external file for CRIU:
    restore must get the same one again (criu checks it is unchanged)."""
    casing.created.add(cid)
    with open(out_file(bundle, cid), "a") as f:
        p = subprocess.run(casing.argv("run", "-d", *extra, "--bundle", bundle.path, cid),
                           stdin=subprocess.DEVNULL, stdout=stdout if stdout is not None else f, stderr=f,
                           timeout=120)
    assert p.returncode == 0, open(out_file(bundle, cid)).read()
    return casing.state(cid)["pid"]


def restore(casing, bundle, cid, images, *extra, stdout=None, out_of=None, check=True):
    """`restore -d` with the stdio the container had: /dev/null, and the
    file of `out_of` (the dumped container, default cid), or stdout a pipe.
    casing's own messages go to --log."""
    casing.created.add(cid)
    log = os.path.join(os.path.dirname(bundle.path), "restore-%s.log" % os.urandom(4).hex())
    args = casing.argv("restore", "-d", "--bundle", bundle.path, "--image-path", images, *extra, cid,
                       global_args=("--log", log))
    with open(out_file(bundle, out_of or cid), "a") as f:
        p = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=stdout if stdout is not None else f, stderr=f,
                           timeout=300)
    err = open(log).read() if os.path.exists(log) else ""
    if check:
        assert p.returncode == 0, err
    return p.returncode, err


def gone(casing, cid, pid, cgroups):
    r = casing.run("state", cid)
    assert r.returncode != 0 and "does not exist" in r.stderr
    assert not os.path.exists(os.path.join(casing.root, cid))
    assert wait_for(lambda: not pid_alive(pid))
    assert not any(os.path.isdir(d) for d in cgroups), cgroups


def test_counter_goes_on_after_restore(casing, bundle, tmpdir_path):
    counter_bundle(bundle)
    cid = unique_id("cr")
    r0, w0 = os.pipe()
    pid = run_detached(casing, bundle, cid, stdout=w0)
    os.close(w0)
    counter = os.path.join(bundle.rootfs, "tmp", "counter")
    assert wait_for(lambda: read_int(counter) >= 5, timeout=60)
    assert os.read(r0, 100).startswith(b"out:1\n")
    cgroups = cgroup_dirs(pid)
    images = os.path.join(tmpdir_path, "images")

    casing.ok("checkpoint", "--image-path", images, cid, timeout=300)
    # the dump ended the container: nothing of it is left but the images
    gone(casing, cid, pid, cgroups)
    stopped_at = read_int(counter)
    assert stopped_at >= 5
    assert os.path.exists(os.path.join(images, "inventory.img"))
    assert os.stat(images).st_mode & 0o077 == 0
    time.sleep(1)
    assert read_int(counter) == stopped_at
    os.close(r0)  # the old pipe is gone with its reader: stdout must be the new one

    r, w = os.pipe()
    try:
        restore(casing, bundle, cid, images, stdout=w)
        os.close(w)
        w = -1
        st = casing.state(cid)
        assert st["status"] == "running" and st["pid"] != pid
        assert wait_for(lambda: read_int(counter) > stopped_at + 3, timeout=60)
        # the same process: the values go on from where they stopped
        values = log_values(bundle)
        assert values == list(range(1, len(values) + 1)), values
        # its stdout is now the pipe restore was given
        ready, _, _ = select.select([r], [], [], 30)
        assert ready
        line = os.read(r, 4096).decode().split()[0]
        assert line.startswith("out:") and int(line[4:]) > stopped_at
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)
    # an ordinary container again
    assert casing.ok("exec", cid, "cat", "/tmp/counter").stdout.strip().isdigit()
    new_pid = casing.state(cid)["pid"]
    assert any(cid in d for d in cgroup_dirs(new_pid))
    casing.ok("kill", cid, "KILL")
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
    casing.ok("delete", cid)
    assert not os.path.exists(os.path.join(casing.root, cid))


def test_leave_running(casing, bundle, tmpdir_path):
    counter_bundle(bundle)
    cid = unique_id("cr")
    pid = run_detached(casing, bundle, cid)
    counter = os.path.join(bundle.rootfs, "tmp", "counter")
    assert wait_for(lambda: read_int(counter) >= 3, timeout=60)
    images = os.path.join(tmpdir_path, "images")

    casing.ok("checkpoint", "--leave-running", "--image-path", images, cid, timeout=300)
    st = casing.state(cid)
    assert st["status"] == "running" and st["pid"] == pid
    at = read_int(counter)
    assert wait_for(lambda: read_int(counter) > at, timeout=30)
    assert os.path.exists(os.path.join(images, "inventory.img"))
    assert os.path.exists(os.path.join(images, "descriptors.json"))
    casing.ok("delete", "--force", cid)


def test_paused_container(casing, bundle, tmpdir_path):
    """A paused container is checkpointed as it is: it stays paused with
    --leave-running, and a full dump of it restores running."""
    counter_bundle(bundle)
    cid = unique_id("cr")
    run_detached(casing, bundle, cid)
    counter = os.path.join(bundle.rootfs, "tmp", "counter")
    assert wait_for(lambda: read_int(counter) >= 3, timeout=60)
    casing.ok("pause", cid)
    at = read_int(counter)
    casing.ok("checkpoint", "--leave-running", "--image-path", os.path.join(tmpdir_path, "a"), cid, timeout=300)
    assert casing.state(cid)["status"] == "paused"
    time.sleep(1)
    assert read_int(counter) == at
    images = os.path.join(tmpdir_path, "b")
    casing.ok("checkpoint", "--image-path", images, cid, timeout=300)
    assert casing.run("state", cid).returncode != 0
    restore(casing, bundle, cid, images)
    assert casing.state(cid)["status"] == "running"
    assert wait_for(lambda: read_int(counter) > at, timeout=60)
    casing.ok("delete", "--force", cid)


def page_bytes(images):
    return sum(os.path.getsize(os.path.join(images, f)) for f in os.listdir(images) if f.startswith("pages-"))


def test_pre_dump_then_dump(casing, bundle, tmpdir_path):
    # a process with 8 MB that never change, and a counter
    bundle.set_args("sh", "-c", "x=$(head -c 8000000 /dev/zero | tr '\\0' a); " + COUNTER).save()
    cid = unique_id("cr")
    pid = run_detached(casing, bundle, cid)
    counter = os.path.join(bundle.rootfs, "tmp", "counter")
    assert wait_for(lambda: read_int(counter) >= 3, timeout=120)
    pre = os.path.join(tmpdir_path, "pre")
    final = os.path.join(tmpdir_path, "final")

    casing.ok("checkpoint", "--pre-dump", "--image-path", pre, cid, timeout=300)
    st = casing.state(cid)
    assert st["status"] == "running" and st["pid"] == pid
    casing.ok("checkpoint", "--image-path", final, "--parent-path", "../pre", cid, timeout=300)
    assert os.readlink(os.path.join(final, "parent")) == "../pre"
    # the unchanged 8 MB were written once, by the pre-dump
    assert page_bytes(pre) > 8000000
    assert page_bytes(final) < page_bytes(pre) / 4
    stopped_at = read_int(counter)

    restore(casing, bundle, cid, final)
    assert wait_for(lambda: read_int(counter) > stopped_at + 2, timeout=60)
    values = log_values(bundle)
    assert values == list(range(1, len(values) + 1))
    casing.ok("delete", "--force", cid)


def test_terminal(casing, bundle, tmpdir_path):
    bundle.config["process"]["terminal"] = True
    bundle.set_args("sh", "-c", "while read l; do echo got:$l:$(tty); done").save()
    cid = unique_id("cr")
    sock1 = os.path.join(tmpdir_path, "c1.sock")
    rx = ConsoleReceiver(sock1)
    try:
        run_detached(casing, bundle, cid, "--console-socket", sock1)
        assert rx.wait() is not None
        os.write(rx.fd, b"one\n")
        assert b"got:one:/dev/pts/" in rx.read_until(b"got:one:/dev/pts/", timeout=30)
        images = os.path.join(tmpdir_path, "images")
        casing.ok("checkpoint", "--image-path", images, cid, timeout=300)
    finally:
        rx.close()
    # no console socket for a checkpoint with a terminal: refused, nothing made
    rc, err = restore(casing, bundle, cid, os.path.join(tmpdir_path, "images"), check=False)
    assert rc != 0 and "console-socket" in err
    assert not os.path.exists(os.path.join(casing.root, cid))

    sock2 = os.path.join(tmpdir_path, "c2.sock")
    rx = ConsoleReceiver(sock2)
    try:
        restore(casing, bundle, cid, os.path.join(tmpdir_path, "images"), "--console-socket", sock2)
        assert rx.wait() is not None and rx.name.startswith("/dev/pts/")
        os.write(rx.fd, b"two\n")
        out = rx.read_until(b"got:two:", timeout=30)
        assert b"got:two:/dev/pts/" in out, out
        # the shell is still the session leader of its terminal
        pid = casing.state(cid)["pid"]
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        assert int(fields[4]) != 0  # tty_nr
    finally:
        rx.close()
    casing.ok("delete", "--force", cid)


def test_bind_mount_and_tmpfs(casing, bundle, tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    moved = os.path.join(tmpdir_path, "moved")
    os.makedirs(data)
    os.makedirs(moved)
    bundle.config["mounts"] += [
        {"destination": "/data", "type": "bind", "source": data, "options": ["rbind", "rw"]},
        {"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]},
    ]
    bundle.set_args("sh", "-c", "echo kept > /scratch/note; i=0; while true; do i=$((i+1)); "
                    "echo $i > /data/counter; sleep 0.1; done").save()
    cid = unique_id("cr")
    run_detached(casing, bundle, cid)
    assert wait_for(lambda: read_int(os.path.join(data, "counter")) >= 3, timeout=60)
    images = os.path.join(tmpdir_path, "images")
    casing.ok("checkpoint", "--image-path", images, cid, timeout=300)
    stopped_at = read_int(os.path.join(data, "counter"))

    # the volume is elsewhere now (a migration): the restore binds the new source
    bundle.config["mounts"][-2]["source"] = moved
    bundle.save()
    restore(casing, bundle, cid, images)
    assert wait_for(lambda: read_int(os.path.join(moved, "counter")) > stopped_at, timeout=60)
    assert read_int(os.path.join(data, "counter")) == stopped_at
    # the tmpfs and its content came back from the images
    assert casing.ok("exec", cid, "cat", "/scratch/note").stdout.strip() == "kept"
    mounts = casing.ok("exec", cid, "cat", "/proc/self/mountinfo").stdout
    assert any(l.split()[4] == "/scratch" and " tmpfs " in l for l in mounts.splitlines())
    # masked files are still the host's /dev/null
    assert casing.ok("exec", cid, "cat", "/proc/kcore").stdout == ""
    casing.ok("delete", "--force", cid)


def test_restore_into_a_new_id(casing, bundle, tmpdir_path):
    counter_bundle(bundle)
    cid = unique_id("cr")
    run_detached(casing, bundle, cid)
    counter = os.path.join(bundle.rootfs, "tmp", "counter")
    assert wait_for(lambda: read_int(counter) >= 3, timeout=60)
    images = os.path.join(tmpdir_path, "images")
    casing.ok("checkpoint", "--image-path", images, cid, timeout=300)
    stopped_at = read_int(counter)

    new = unique_id("cr2")
    pid_file = os.path.join(tmpdir_path, "pid")
    # the hooks the runtime runs around a restore: prestart and createRuntime
    # once the namespaces exist, poststart once it runs
    hook = write_script(os.path.join(tmpdir_path, "hook"), "cat > %s/hook-$1.json" % tmpdir_path)
    bundle.config["hooks"] = {k: [{"path": hook, "args": ["hook", k]}]
                              for k in ("prestart", "createRuntime", "poststart")}
    bundle.save()
    restore(casing, bundle, new, images, "--pid-file", pid_file, out_of=cid)
    st = casing.state(new)
    for k in ("prestart", "createRuntime", "poststart"):
        with open(os.path.join(tmpdir_path, "hook-%s.json" % k)) as f:
            h = json.load(f)
        assert h["id"] == new and h["pid"] == st["pid"], (k, h)
        assert h["status"] == ("running" if k == "poststart" else "creating"), (k, h)
    assert st["status"] == "running" and st["id"] == new
    assert int(open(pid_file).read()) == st["pid"]
    assert casing.run("state", cid).returncode != 0
    assert wait_for(lambda: read_int(counter) > stopped_at, timeout=60)
    # its cgroup is the new id's
    assert any(new in d for d in cgroup_dirs(st["pid"]))
    assert not any(cid in d and new not in d for d in cgroup_dirs(st["pid"]))
    ids = [l.split()[0] for l in casing.ok("list").stdout.splitlines()[1:]]
    assert ids == [new]
    ps = casing.ok("ps", new).stdout
    assert "sh -c" in ps
    casing.ok("kill", new, "KILL")
    assert wait_for(lambda: casing.state(new)["status"] == "stopped", timeout=30)
    casing.ok("delete", new)


def test_restore_in_the_foreground(casing, bundle, tmpdir_path):
    """Without -d restore waits for the container, as `run` does: its exit
    status is casing's, and the container is deleted."""
    bundle.set_args("sh", "-c", "i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo $i >> /tmp/log; sleep 0.1; done; "
                    "exit 7").save()
    cid = unique_id("cr")
    run_detached(casing, bundle, cid)
    assert wait_for(lambda: len(log_values(bundle)) >= 3 if os.path.exists(
        os.path.join(bundle.rootfs, "tmp", "log")) else False, timeout=60)
    images = os.path.join(tmpdir_path, "images")
    casing.ok("checkpoint", "--image-path", images, cid, timeout=300)
    assert len(log_values(bundle)) < 40
    with open(out_file(bundle, cid), "a") as f:
        p = subprocess.run(casing.argv("restore", "--bundle", bundle.path, "--image-path", images, cid),
                           stdin=subprocess.DEVNULL, stdout=f, stderr=f, timeout=300)
    assert p.returncode == 7, open(out_file(bundle, cid)).read()
    assert log_values(bundle) == list(range(1, 41))
    assert casing.run("state", cid).returncode != 0
    assert not os.path.exists(os.path.join(casing.root, cid))


def test_restore_into_a_fresh_rootfs(casing, bundle, tmpdir_path):
    """A migration: the restoring bundle has a fresh copy of the image,
    without the mountpoints `create` made (a file bound on a file)."""
    note = os.path.join(tmpdir_path, "note")
    with open(note, "w") as f:
        f.write("from the host\n")
    bundle.config["mounts"].append({"destination": "/etc/casing-note", "type": "bind", "source": note,
                                    "options": ["bind", "ro"]})
    counter_bundle(bundle)
    cid = unique_id("cr")
    run_detached(casing, bundle, cid)
    counter = os.path.join(bundle.rootfs, "tmp", "counter")
    assert wait_for(lambda: read_int(counter) >= 3, timeout=60)
    images = os.path.join(tmpdir_path, "images")
    casing.ok("checkpoint", "--image-path", images, cid, timeout=300)
    stopped_at = read_int(counter)

    fresh = Bundle(os.path.join(tmpdir_path, "fresh"))
    fresh.config = bundle.config
    fresh.save()
    assert not os.path.exists(os.path.join(fresh.rootfs, "etc", "casing-note"))
    shutil.copy(os.path.join(bundle.rootfs, "tmp", "log"), os.path.join(fresh.rootfs, "tmp", "log"))
    restore(casing, fresh, cid, images)
    fresh_counter = os.path.join(fresh.rootfs, "tmp", "counter")
    assert wait_for(lambda: read_int(fresh_counter) > stopped_at, timeout=60)
    assert read_int(counter) == stopped_at
    assert casing.ok("exec", cid, "cat", "/etc/casing-note").stdout == "from the host\n"
    assert casing.state(cid)["bundle"] == fresh.path
    casing.ok("delete", "--force", cid)


def test_confinement_survives_restore(casing, bundle, tmpdir_path):
    """Seccomp, capabilities and no_new_privs come back through CRIU (and
    no_new_privs through casing: criu 3.17 does not restore it)."""
    bundle.config["linux"]["seccomp"] = {
        "defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
    bundle.set_args("sh", "-c", "i=0; while true; do i=$((i+1)); if mkdir /tmp/d$i 2>/dev/null; "
                    "then echo made >> /tmp/mk; else echo refused >> /tmp/mk; fi; sleep 0.1; done").save()
    cid = unique_id("cr")
    pid = run_detached(casing, bundle, cid)
    mk = os.path.join(bundle.rootfs, "tmp", "mk")
    assert wait_for(lambda: os.path.exists(mk) and len(open(mk).read().split()) >= 3, timeout=60)
    before = {k: v for k, v in (l.split(":", 1) for l in open("/proc/%d/status" % pid))
              if k in ("CapBnd", "CapEff", "CapPrm", "NoNewPrivs", "Seccomp")}
    assert before["Seccomp"].strip() == "2" and before["NoNewPrivs"].strip() == "1"
    images = os.path.join(tmpdir_path, "images")
    casing.ok("checkpoint", "--image-path", images, cid, timeout=300)
    n = len(open(mk).read().split())

    restore(casing, bundle, cid, images)
    pid = casing.state(cid)["pid"]
    after = {k: v for k, v in (l.split(":", 1) for l in open("/proc/%d/status" % pid))
             if k in before}
    assert after == before
    assert wait_for(lambda: len(open(mk).read().split()) > n + 2, timeout=60)
    # the filter still works in the restored process
    assert set(open(mk).read().split()) == {"refused"}
    assert not any(f.startswith("d") for f in os.listdir(os.path.join(bundle.rootfs, "tmp")))
    casing.ok("delete", "--force", cid)


def test_cgroup_limits_applied_again(casing, bundle, tmpdir_path):
    """The config of the restoring bundle decides the limits, whatever CRIU
    wrote back from the images (--manage-cgroups-mode full)."""
    bundle.config["linux"]["resources"]["memory"] = {"limit": 64 << 20}
    bundle.config["linux"]["resources"]["pids"] = {"limit": 50}
    counter_bundle(bundle)
    cid = unique_id("cr")
    pid = run_detached(casing, bundle, cid)
    counter = os.path.join(bundle.rootfs, "tmp", "counter")
    assert wait_for(lambda: read_int(counter) >= 3, timeout=60)
    images = os.path.join(tmpdir_path, "images")
    casing.ok("checkpoint", "--manage-cgroups-mode", "full", "--image-path", images, cid, timeout=300)

    bundle.config["linux"]["resources"]["memory"] = {"limit": 96 << 20}
    bundle.save()
    restore(casing, bundle, cid, images, "--manage-cgroups-mode", "full")
    pid = casing.state(cid)["pid"]
    dirs = cgroup_dirs(pid)
    mem = [d for d in dirs if os.path.exists(os.path.join(d, "memory.max"))
           or os.path.exists(os.path.join(d, "memory.limit_in_bytes"))][0]
    limit = open(os.path.join(mem, "memory.max") if os.path.exists(os.path.join(mem, "memory.max"))
                 else os.path.join(mem, "memory.limit_in_bytes")).read().strip()
    assert int(limit) == 96 << 20
    pids = [d for d in dirs if os.path.exists(os.path.join(d, "pids.max"))][0]
    assert open(os.path.join(pids, "pids.max")).read().strip() == "50"
    assert wait_for(lambda: read_int(counter) > 5, timeout=60)
    casing.ok("delete", "--force", cid)


def test_joined_network_namespace_is_external(casing, bundle, tmpdir_path):
    """A network namespace joined by path (a pod's) is not dumped: the
    restored process is put back in that very namespace, which kept its
    own state meanwhile."""
    ns = "crtest-%s" % os.urandom(3).hex()
    if subprocess.run(["ip", "netns", "add", ns]).returncode != 0:
        pytest.skip("ip netns add failed")
    path = "/run/netns/" + ns
    try:
        subprocess.run(["ip", "-n", ns, "link", "add", "pod0", "type", "dummy"], check=True)
        for n in bundle.config["linux"]["namespaces"]:
            if n["type"] == "network":
                n["path"] = path
        counter_bundle(bundle)
        cid = unique_id("cr")
        pid = run_detached(casing, bundle, cid)
        assert os.stat("/proc/%d/ns/net" % pid).st_ino == os.stat(path).st_ino
        counter = os.path.join(bundle.rootfs, "tmp", "counter")
        assert wait_for(lambda: read_int(counter) >= 3, timeout=60)
        images = os.path.join(tmpdir_path, "images")
        casing.ok("checkpoint", "--image-path", images, cid, timeout=300)
        # not in the images: no netdev image, and the namespace is untouched
        assert not any(f.startswith("netdev-") for f in os.listdir(images))
        subprocess.run(["ip", "-n", ns, "link", "add", "pod1", "type", "dummy"], check=True)

        restore(casing, bundle, cid, images)
        pid = casing.state(cid)["pid"]
        assert os.stat("/proc/%d/ns/net" % pid).st_ino == os.stat(path).st_ino
        links = casing.ok("exec", cid, "cat", "/proc/net/dev").stdout
        assert "pod0" in links and "pod1" in links
        casing.ok("delete", "--force", cid)
    finally:
        subprocess.run(["ip", "netns", "del", ns])


def test_page_server(casing, bundle, tmpdir_path):
    """--page-server: the memory goes to a `criu page-server`."""
    counter_bundle(bundle)
    cid = unique_id("cr")
    run_detached(casing, bundle, cid)
    counter = os.path.join(bundle.rootfs, "tmp", "counter")
    assert wait_for(lambda: read_int(counter) >= 3, timeout=60)
    images = os.path.join(tmpdir_path, "images")
    pages = os.path.join(tmpdir_path, "pages")
    os.makedirs(pages)
    port = 27000 + os.getpid() % 1000
    server = subprocess.Popen([CRIU, "page-server", "-D", pages, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: b":%x" % port in open("/proc/net/tcp", "rb").read().upper()
                        or b":%X" % port in open("/proc/net/tcp", "rb").read(), timeout=30)
        casing.ok("checkpoint", "--page-server", "127.0.0.1:%d" % port, "--image-path", images, cid, timeout=300)
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert not any(f.startswith("pages-") for f in os.listdir(images))
    assert any(f.startswith("pages-") for f in os.listdir(pages))
    stopped_at = read_int(counter)
    for f in os.listdir(pages):
        if f.startswith("pages-") or f.startswith("pagemap-"):
            shutil.copy(os.path.join(pages, f), images)
    restore(casing, bundle, cid, images)
    assert wait_for(lambda: read_int(counter) > stopped_at, timeout=60)
    casing.ok("delete", "--force", cid)


def test_lazy_pages(casing, bundle, tmpdir_path):
    """--lazy-pages: the dump serves the memory, `criu lazy-pages` fetches
    it for the restored process on demand (userfaultfd)."""
    counter_bundle(bundle)
    cid = unique_id("cr")
    run_detached(casing, bundle, cid)
    counter = os.path.join(bundle.rootfs, "tmp", "counter")
    assert wait_for(lambda: read_int(counter) >= 3, timeout=60)
    images = os.path.join(tmpdir_path, "images")
    port = 28000 + os.getpid() % 1000
    status_r, status_w = os.pipe()
    dump = subprocess.Popen(casing.argv("checkpoint", "--lazy-pages", "--page-server", "127.0.0.1:%d" % port,
                                        "--status-fd", str(status_w), "--image-path", images, cid),
                            pass_fds=(status_w,), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.close(status_w)
    ready, _, _ = select.select([status_r], [], [], 240)
    if not ready or os.read(status_r, 1) != b"\0":
        out, err = dump.communicate(timeout=60)
        if "lazy pages" in err:
            pytest.skip(err.strip())
        pytest.fail("no lazy-pages server: %s" % err)
    os.close(status_r)
    stopped_at = read_int(counter)
    lazy = subprocess.Popen([CRIU, "lazy-pages", "--page-server", "--address", "127.0.0.1", "--port", str(port),
                             "-D", images], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        new = unique_id("lazy")
        restore(casing, bundle, new, images, "--lazy-pages", out_of=cid)
        assert wait_for(lambda: read_int(counter) > stopped_at + 2, timeout=60)
        assert dump.wait(timeout=120) == 0, dump.stderr.read()
        assert lazy.wait(timeout=60) == 0
    finally:
        for p in (dump, lazy):
            if p.poll() is None:
                p.kill()
    assert casing.run("state", cid).returncode != 0
    casing.ok("delete", "--force", new)


def host_mounts():
    with open("/proc/self/mountinfo") as f:
        return sorted(l.split()[4] for l in f)


def processes_running(needle):
    found = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/cmdline" % p, "rb") as f:
                    if needle in f.read():
                        found.append(int(p))
            except OSError:
                pass
    return found


def test_failed_restore_leaves_nothing(casing, bundle, tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    os.makedirs(data)
    bundle.config["mounts"].append({"destination": "/data", "type": "bind", "source": data,
                                    "options": ["rbind", "rw"]})
    marker = "marker-%s" % os.urandom(4).hex()
    bundle.set_args("sh", "-c", "while true; do echo %s > /data/x; sleep 0.2; done" % marker).save()
    cid = unique_id("cr")
    run_detached(casing, bundle, cid)
    assert wait_for(lambda: os.path.exists(os.path.join(data, "x")), timeout=60)
    images = os.path.join(tmpdir_path, "images")
    casing.ok("checkpoint", "--image-path", images, cid, timeout=300)
    assert not processes_running(marker.encode())
    before = host_mounts()

    def nothing_left():
        assert not os.path.exists(os.path.join(casing.root, cid))
        assert casing.run("state", cid).returncode != 0
        assert casing.ok("list").stdout.splitlines()[1:] == []
        assert not processes_running(marker.encode())
        assert host_mounts() == before
        # no cgroup of that id anywhere
        for base, dirs, _ in os.walk("/sys/fs/cgroup"):
            assert not any(cid in d for d in dirs), base

    # the volume is gone: refused by the validation, before anything is made
    shutil.rmtree(data)
    rc, err = restore(casing, bundle, cid, images, check=False)
    assert rc != 0 and "mounts[" in err and "does not exist" in err, err
    nothing_left()
    # the memory is gone: criu fails half-way, after the state, the cgroup
    # and criu itself were made
    os.makedirs(data)
    pages = [f for f in os.listdir(images) if f.startswith("pages-")]
    assert pages, os.listdir(images)
    for f in pages:
        os.rename(os.path.join(images, f), os.path.join(images, f + ".away"))
    rc, err = restore(casing, bundle, cid, images, check=False)
    assert rc != 0 and "criu restore failed" in err and "restore.log" in err, err
    nothing_left()
    # the images are untouched: with the memory back the restore works
    for f in pages:
        os.rename(os.path.join(images, f + ".away"), os.path.join(images, f))
    restore(casing, bundle, cid, images)
    assert wait_for(lambda: os.path.exists(os.path.join(data, "x")), timeout=60)
    casing.ok("delete", "--force", cid)


def test_commands_without_criu(casing, bundle, tmpdir_path):
    """--criu naming nothing: a clear error, nothing made."""
    counter_bundle(bundle)
    cid = unique_id("cr")
    run_detached(casing, bundle, cid)
    missing = os.path.join(tmpdir_path, "no-criu")
    r = casing.run("checkpoint", "--image-path", os.path.join(tmpdir_path, "i"), cid, global_args=("--criu", missing))
    assert r.returncode != 0 and "--criu" in r.stderr and "not an executable" in r.stderr
    assert casing.state(cid)["status"] == "running"
    r = casing.run("restore", "-d", "--bundle", bundle.path, "--image-path", tmpdir_path, unique_id("x"),
                   global_args=("--criu", missing))
    assert r.returncode != 0 and "not an executable" in r.stderr
    casing.ok("delete", "--force", cid)


@pytest.mark.systemd
@pytest.mark.skipif(not os.path.isdir("/run/systemd/system"), reason="systemd is not PID 1 here")
def test_systemd_cgroup_driver(casing, bundle, tmpdir_path):
    """--systemd-cgroup: criu runs in the container's transient scope, which
    the restored process keeps; delete stops it.  (Runs in the systemd
    guests, which select `systemd`.)"""
    cid = unique_id("crsd")
    bundle.config["linux"]["cgroupsPath"] = "system.slice:casing:%s" % cid
    bundle.config["linux"]["resources"]["pids"] = {"limit": 60}
    counter_bundle(bundle)
    casing.created.add(cid)
    with open(out_file(bundle, cid), "a") as f:
        p = subprocess.run(casing.argv("run", "-d", "--bundle", bundle.path, cid, global_args=("--systemd-cgroup",)),
                           stdin=subprocess.DEVNULL, stdout=f, stderr=f, timeout=120)
    assert p.returncode == 0, open(out_file(bundle, cid)).read()
    counter = os.path.join(bundle.rootfs, "tmp", "counter")
    assert wait_for(lambda: read_int(counter) >= 3, timeout=60)
    images = os.path.join(tmpdir_path, "images")
    casing.ok("checkpoint", "--image-path", images, cid, timeout=300, global_args=("--systemd-cgroup",))
    unit = "casing-%s.scope" % cid
    assert wait_for(lambda: subprocess.run(["systemctl", "is-active", unit], capture_output=True,
                                           text=True).stdout.strip() != "active", timeout=30)
    stopped_at = read_int(counter)

    with open(out_file(bundle, cid), "a") as f:
        p = subprocess.run(casing.argv("restore", "-d", "--bundle", bundle.path, "--image-path", images, cid,
                                       global_args=("--systemd-cgroup",)),
                           stdin=subprocess.DEVNULL, stdout=f, stderr=f, timeout=300)
    assert p.returncode == 0, open(out_file(bundle, cid)).read()
    pid = casing.state(cid)["pid"]
    assert wait_for(lambda: read_int(counter) > stopped_at, timeout=60)
    assert subprocess.run(["systemctl", "is-active", unit], capture_output=True, text=True).stdout.strip() == "active"
    assert any(unit in l for l in open("/proc/%d/cgroup" % pid).read().splitlines())
    assert any(open(os.path.join(d, "pids.max")).read().strip() == "60"
               for d in cgroup_dirs(pid) if os.path.exists(os.path.join(d, "pids.max")))
    casing.ok("delete", "--force", cid, global_args=("--systemd-cgroup",))
    assert wait_for(lambda: subprocess.run(["systemctl", "is-active", unit], capture_output=True,
                                           text=True).stdout.strip() != "active", timeout=30)


def test_apparmor_profile_kept(casing, bundle, tmpdir_path):
    """The AppArmor profile of the config is the restored process's (the
    config's label is given to criu, whatever the images hold)."""
    try:
        enabled = open("/sys/module/apparmor/parameters/enabled").read().strip() == "Y"
    except OSError:
        enabled = False
    if not enabled or shutil.which("apparmor_parser") is None:
        pytest.skip("AppArmor is not enabled here")
    profile = "casing-criu-%s" % os.urandom(3).hex()
    path = os.path.join(tmpdir_path, profile)
    with open(path, "w") as f:
        f.write("profile %s flags=(attach_disconnected,mediate_deleted) {\n  file,\n  capability,\n  network,\n"
                "  signal,\n  ptrace,\n  mount,\n  umount,\n  pivot_root,\n  deny /tmp/denied w,\n}\n" % profile)
    subprocess.run(["apparmor_parser", "-r", "-W", path], check=True)
    try:
        bundle.config["process"]["apparmorProfile"] = profile
        bundle.set_args("sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/counter; "
                        "touch /tmp/denied 2>/dev/null && echo wrote >> /tmp/aa || echo denied >> /tmp/aa; "
                        "sleep 0.2; done").save()
        cid = unique_id("cr")
        pid = run_detached(casing, bundle, cid)
        assert open("/proc/%d/attr/current" % pid).read().startswith(profile)
        counter = os.path.join(bundle.rootfs, "tmp", "counter")
        assert wait_for(lambda: read_int(counter) >= 3, timeout=60)
        images = os.path.join(tmpdir_path, "images")
        casing.ok("checkpoint", "--image-path", images, cid, timeout=300)
        stopped_at = read_int(counter)
        restore(casing, bundle, cid, images)
        pid = casing.state(cid)["pid"]
        assert open("/proc/%d/attr/current" % pid).read().strip() == profile + " (enforce)"
        assert wait_for(lambda: read_int(counter) > stopped_at + 2, timeout=60)
        assert set(open(os.path.join(bundle.rootfs, "tmp", "aa")).read().split()) == {"denied"}
        casing.ok("delete", "--force", cid)
    finally:
        subprocess.run(["apparmor_parser", "-R", path])


def root_propagation(pid):
    """The optional fields (shared:N, master:N) of the container's "/"."""
    for l in open("/proc/%d/mountinfo" % pid):
        f = l.split()
        if f[4] == "/":
            return sorted(x.split(":")[0] for x in f[6:f.index("-")])
    raise AssertionError("no root mount")


@pytest.mark.parametrize("propagation", ["rslave", "rshared", "rprivate"])
def test_rootfs_propagation(casing, bundle, tmpdir_path, propagation):
    """linux.rootfsPropagation survives: a slave of the host's mounts stays
    one (criu is told the masters are outside), shared stays shared."""
    bundle.config["linux"]["rootfsPropagation"] = propagation
    counter_bundle(bundle)
    cid = unique_id("cr")
    pid = run_detached(casing, bundle, cid)
    before = root_propagation(pid)
    assert {"rslave": "master", "rshared": "shared"}.get(propagation, "none") in before + ["none"], before
    counter = os.path.join(bundle.rootfs, "tmp", "counter")
    assert wait_for(lambda: read_int(counter) >= 3, timeout=60)
    images = os.path.join(tmpdir_path, "images")
    casing.ok("checkpoint", "--image-path", images, cid, timeout=300)
    stopped_at = read_int(counter)
    restore(casing, bundle, cid, images)
    pid = casing.state(cid)["pid"]
    assert root_propagation(pid) == before, (propagation, before)
    assert wait_for(lambda: read_int(counter) > stopped_at, timeout=60)
    casing.ok("delete", "--force", cid)
