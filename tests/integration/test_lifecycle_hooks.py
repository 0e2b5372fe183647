# SPDX-License-Identifier: GPL-2.0-or-later
"""The six hook kinds: order, the state JSON on stdin, namespaces, args and
env, timeouts, and what a failing hook does to each operation."""
import hashlib
import json
import os
import time

import pytest

from casing_fixtures import CASING, check_state_json, ns_inode, pid_alive, unique_id, wait_for, write_script

KINDS = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart",
         "poststop"]


def recording_hook(tmpdir_path, kind, log):
    """A hook that appends `kind <mnt ns> <its state JSON>` to `log`."""
    script = write_script(os.path.join(tmpdir_path, "hook-" + kind),
                          'echo "$1 $(readlink /proc/self/ns/mnt) $(cat)" >> %s' % log)
    return {"path": script, "args": [script, kind]}


def read_log(log):
    out = []
    for line in open(log).read().splitlines():
        kind, ns, state = line.split(" ", 2)
        out.append((kind, ns, json.loads(state)))
    return out


def test_hooks_order_state_and_namespaces(casing, bundle, tmpdir_path):
    # createContainer/startContainer run inside the container: the log must
    # be reachable there too, so it lives in the rootfs and its host path is
    # used by the runtime-namespace hooks.
    log_in = "/hooks.log"
    log_host = os.path.join(bundle.rootfs, "hooks.log")
    hooks = {}
    for kind in KINDS:
        log = log_in if kind == "startContainer" else log_host
        hooks[kind] = [recording_hook(tmpdir_path, kind, log)]
    # startContainer's path resolves in the container: put the script there
    inside = write_script(os.path.join(bundle.rootfs, "hook-start"),
                          'echo "$1 $(readlink /proc/self/ns/mnt) $(cat)" >> %s' % log_in)
    hooks["startContainer"] = [{"path": "/hook-start", "args": ["/hook-start", "startContainer"]}]
    bundle.config["hooks"] = hooks
    bundle.config["annotations"] = {"a": "b"}
    bundle.set_args("sleep", "100").save()
    cid = unique_id()
    pid_file = os.path.join(tmpdir_path, "pid")
    casing.ok("create", "--bundle", bundle.path, "--pid-file", pid_file, cid)
    pid = int(open(pid_file).read())
    container_mnt = os.readlink("/proc/%d/ns/mnt" % pid)
    host_mnt = os.readlink("/proc/self/ns/mnt")
    assert [k for k, _, _ in read_log(log_host)] == ["prestart", "createRuntime",
                                                      "createContainer"]
    casing.ok("start", cid)
    casing.ok("kill", cid, "KILL")
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
    casing.ok("delete", cid)
    entries = read_log(log_host)
    assert [k for k, _, _ in entries] == KINDS
    ns = {k: n for k, n, _ in entries}
    for k in ("prestart", "createRuntime", "poststart", "poststop"):
        assert ns[k] == host_mnt, k
    for k in ("createContainer", "startContainer"):
        assert ns[k] == container_mnt, k
    for kind, _, st in entries:
        check_state_json(st)
        assert st["id"] == cid and st["bundle"] == bundle.path
        assert st["annotations"] == {"a": "b"}
    states = {k: s for k, _, s in entries}
    assert states["prestart"]["pid"] == pid and states["createRuntime"]["pid"] == pid
    assert states["createContainer"]["pid"] == 1 and states["startContainer"]["pid"] == 1
    assert states["poststart"]["pid"] == pid
    assert states["poststart"]["status"] == "running"
    assert states["poststop"]["status"] == "stopped"


def test_hook_args_and_env(casing, bundle, tmpdir_path):
    out = os.path.join(tmpdir_path, "out")
    script = write_script(os.path.join(tmpdir_path, "h"), 'echo "$0|$1|$2|$FOO|$HOME" > %s' % out)
    bundle.config["hooks"] = {"createRuntime": [
        {"path": script, "args": ["name0", "one", "two"], "env": ["FOO=bar"]}]}
    bundle.set_args("true").save()
    casing.ok("create", "--bundle", bundle.path, unique_id())
    assert open(out).read().strip() == "%s|one|two|bar|" % script


@pytest.mark.parametrize("kind", ["prestart", "createRuntime", "createContainer"])
def test_failing_create_hook_fails_create(casing, bundle, tmpdir_path, kind):
    script = write_script(os.path.join(tmpdir_path, "fail"), "echo nope >&2; exit 3")
    bundle.config["hooks"] = {kind: [{"path": script}]}
    bundle.set_args("sleep", "100").save()
    cid = unique_id()
    r = casing.run("create", "--bundle", bundle.path, cid)
    assert r.returncode != 0
    assert kind in r.stderr and "exit status 3" in r.stderr
    assert not os.path.exists(os.path.join(casing.root, cid))


def test_failing_start_container_hook_fails_start(casing, bundle, tmpdir_path):
    write_script(os.path.join(bundle.rootfs, "fail"), "exit 4")
    bundle.config["hooks"] = {"startContainer": [{"path": "/fail"}]}
    bundle.set_args("sleep", "100").save()
    cid = unique_id()
    pid_file = os.path.join(tmpdir_path, "pid")
    casing.ok("create", "--bundle", bundle.path, "--pid-file", pid_file, cid)
    r = casing.run("start", cid)
    assert r.returncode != 0 and "startContainer" in r.stderr
    pid = int(open(pid_file).read())
    assert wait_for(lambda: not pid_alive(pid))
    assert casing.state(cid)["status"] == "stopped"


def test_failing_poststart_hook_stops_container(casing, bundle, tmpdir_path):
    script = write_script(os.path.join(tmpdir_path, "fail"), "exit 5")
    bundle.config["hooks"] = {"poststart": [{"path": script}]}
    bundle.set_args("sleep", "100").save()
    cid = unique_id()
    casing.ok("create", "--bundle", bundle.path, cid)
    pid = casing.state(cid)["pid"]
    r = casing.run("start", cid)
    assert r.returncode != 0 and "poststart" in r.stderr
    assert wait_for(lambda: not pid_alive(pid))


def test_failing_poststop_hook_is_a_warning(casing, bundle, tmpdir_path):
    log = os.path.join(tmpdir_path, "ran")
    fail = write_script(os.path.join(tmpdir_path, "fail"), "exit 6")
    second = write_script(os.path.join(tmpdir_path, "second"), "touch %s" % log)
    bundle.config["hooks"] = {"poststop": [{"path": fail}, {"path": second}]}
    bundle.set_args("true").save()
    cid = unique_id()
    casing.ok("create", "--bundle", bundle.path, cid)
    r = casing.run("delete", "--force", cid)
    assert r.returncode == 0
    assert "poststop" in r.stderr and "warning" in r.stderr
    assert os.path.exists(log)
    assert not os.path.exists(os.path.join(casing.root, cid))


def test_hook_timeout(casing, bundle, tmpdir_path):
    script = write_script(os.path.join(tmpdir_path, "slow"), "exec sleep 100")
    bundle.config["hooks"] = {"createRuntime": [{"path": script, "timeout": 1}]}
    bundle.set_args("true").save()
    cid = unique_id()
    t = time.monotonic()
    r = casing.run("create", "--bundle", bundle.path, cid)
    assert time.monotonic() - t < 10
    assert r.returncode != 0 and "timed out" in r.stderr
    assert not os.path.exists(os.path.join(casing.root, cid))


def test_hook_missing_binary(casing, bundle, tmpdir_path):
    bundle.config["hooks"] = {"createRuntime": [{"path": "/no/such/hook"}]}
    bundle.set_args("true").save()
    r = casing.run("create", "--bundle", bundle.path, unique_id())
    assert r.returncode != 0 and "/no/such/hook" in r.stderr


def test_run_runs_all_hooks(casing, bundle, tmpdir_path):
    log = os.path.join(bundle.rootfs, "hooks.log")
    hooks = {k: [recording_hook(tmpdir_path, k, log)] for k in KINDS if k != "startContainer"}
    bundle.config["hooks"] = hooks
    bundle.set_args("true").save()
    casing.ok("run", "--bundle", bundle.path, unique_id())
    assert [k for k, _, _ in read_log(log)] == [k for k in KINDS if k != "startContainer"]


# ---- a large state: every hook gets all of it ----

def big_annotations(total=2 * 1024 * 1024, each=64 * 1024):
    """About `total` bytes of annotations, in values of `each` bytes."""
    return {"org.test.big.%03d" % i: os.urandom(each // 2).hex() for i in range(total // each)}


def hashing_hook(tmpdir_path, kind, delay="0.3"):
    """A hook that starts reading late (so the pipe fills), keeps what it
    read in OUT.kind and its sha256 in OUT.kind.sha."""
    out = os.path.join(tmpdir_path, "stdin." + kind)
    script = write_script(os.path.join(tmpdir_path, "hash-" + kind),
                          "sleep %s; tee %s | sha256sum | cut -c1-64 > %s.sha" % (delay, out, out))
    return {"path": script}, out


def received_state(out):
    data = open(out, "rb").read()
    assert hashlib.sha256(data).hexdigest() == open(out + ".sha").read().strip()
    return json.loads(data)


@pytest.fixture(params=["root", "no-cap-sys-resource"])
def any_casing(request, casing, tmpdir_path):
    """casing as root, and without CAP_SYS_RESOURCE (as a rootless or
    nested runtime is): then no pipe can be made larger than
    fs.pipe-max-size, so the state cannot be left in the pipe in one go."""
    if request.param == "root":
        return casing
    wrapper = write_script(os.path.join(tmpdir_path, "casing-nores"),
                           'exec setpriv --inh-caps=-sys_resource --bounding-set=-sys_resource %s "$@"'
                           % CASING)
    casing.binary = wrapper
    return casing


def test_create_hooks_get_a_large_state_whole(any_casing, bundle, tmpdir_path):
    casing = any_casing
    hooks, outs = {}, {}
    for kind in ("prestart", "createRuntime"):
        hook, outs[kind] = hashing_hook(tmpdir_path, kind)
        hooks[kind] = [hook]
    bundle.config["hooks"] = hooks
    bundle.config["annotations"] = big_annotations()
    bundle.set_args("true").save()
    cid = unique_id()
    r = casing.run("create", "--bundle", bundle.path, cid)
    for kind, out in outs.items():
        st = received_state(out)
        assert os.path.getsize(out) > 2 * 1024 * 1024, kind
        assert st["id"] == cid and st["annotations"] == bundle.config["annotations"], kind
    assert r.returncode == 0, r


@pytest.mark.parametrize("size", [192 * 1024, 2 * 1024 * 1024])
def test_poststop_hook_gets_a_large_state_whole(any_casing, bundle, tmpdir_path, size):
    casing = any_casing
    hook, out = hashing_hook(tmpdir_path, "poststop")
    bundle.config["hooks"] = {"poststop": [hook]}
    bundle.config["annotations"] = big_annotations(size)
    bundle.set_args("true").save()
    cid = unique_id()
    casing.ok("create", "--bundle", bundle.path, cid)
    r = casing.run("delete", "--force", cid)
    assert r.returncode == 0 and "warning" not in r.stderr, r
    st = received_state(out)
    assert os.path.getsize(out) > size
    assert st["id"] == cid and st["status"] == "stopped"
    assert st["annotations"] == bundle.config["annotations"]


def test_hook_that_never_reads_a_large_state(any_casing, bundle, tmpdir_path):
    """The spec gives hooks the state on stdin; one that exits without
    reading it, or leaves a process behind holding its stdin, neither hangs
    nor fails the operation."""
    casing = any_casing
    ran = os.path.join(tmpdir_path, "ran")
    bg = os.path.join(tmpdir_path, "bg.pid")
    quiet = write_script(os.path.join(tmpdir_path, "quiet"), "echo $1 >> %s; exit 0" % ran)
    # The background sleep holds the hook's stdin open after the hook exits.
    holder = write_script(os.path.join(tmpdir_path, "holder"),
                          "exec 3<&0; sleep 60 <&3 3<&- & echo $! > %s; echo holder >> %s; exit 0"
                          % (bg, ran))
    bundle.config["hooks"] = {"prestart": [{"path": quiet, "args": [quiet, "prestart"]}],
                              "createRuntime": [{"path": holder}],
                              "poststop": [{"path": quiet, "args": [quiet, "poststop"]}]}
    bundle.config["annotations"] = big_annotations(192 * 1024)
    bundle.set_args("true").save()
    cid = unique_id()
    try:
        t = time.monotonic()
        casing.ok("create", "--bundle", bundle.path, cid, timeout=30)
        r = casing.run("delete", "--force", cid, timeout=30)
        assert r.returncode == 0 and "warning" not in r.stderr, r
        assert time.monotonic() - t < 20
        assert open(ran).read().split() == ["prestart", "holder", "poststop"]
    finally:
        if os.path.exists(bg):
            try:
                os.kill(int(open(bg).read()), 9)
            except (ProcessLookupError, ValueError):
                pass
