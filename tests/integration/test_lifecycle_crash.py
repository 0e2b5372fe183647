# SPDX-License-Identifier: GPL-2.0-or-later
"""casing SIGKILLed in the middle of `create`: a later `delete --force`
removes everything it had made (state dir, cgroups, processes)."""
import glob
import os
import signal
import subprocess
import time

import pytest

from casing_fixtures import pid_alive, unique_id, wait_for, write_script


def cgroup_leftovers(cid):
    return glob.glob("/sys/fs/cgroup/*/%s" % cid) + glob.glob("/sys/fs/cgroup/*/*/%s" % cid)


def processes_of(cid):
    """Host pids whose cgroup mentions the container id."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            if cid in open("/proc/%s/cgroup" % d).read():
                pids.append(int(d))
        except OSError:
            pass
    return pids


@pytest.mark.parametrize("kind", ["prestart", "createRuntime", "createContainer"])
def test_sigkill_during_create_then_delete_force(casing, bundle, tmpdir_path, kind):
    cid = unique_id("crash")
    ready = os.path.join(tmpdir_path, "ready")
    stop = os.path.join(tmpdir_path, "stop")
    hook = write_script(os.path.join(tmpdir_path, "block"),
                        "cat >/dev/null; touch %s; while [ ! -e %s ]; do sleep 0.05; done"
                        % (ready, stop))
    bundle.config["hooks"] = {kind: [{"path": hook}]}
    bundle.config["linux"]["cgroupsPath"] = "/" + cid
    bundle.set_args("sleep", "100").save()
    casing.created.add(cid)
    p = subprocess.Popen(casing.argv("create", "--bundle", bundle.path, cid),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: os.path.exists(ready), timeout=30)
        assert os.path.isdir(os.path.join(casing.root, cid))
        assert cgroup_leftovers(cid)
        p.send_signal(signal.SIGKILL)
        p.wait()
    finally:
        open(stop, "w").close()
    # the init took itself down with its parent (PR_SET_PDEATHSIG)
    assert wait_for(lambda: not processes_of(cid), timeout=10)
    assert casing.state(cid)["status"] == "stopped"
    casing.ok("delete", "--force", cid)
    assert not os.path.exists(os.path.join(casing.root, cid))
    assert not cgroup_leftovers(cid)


def test_sigkill_before_init_exists(casing, bundle, tmpdir_path):
    """Killed right after the state dir is made: delete --force copes with a
    state that has neither pid nor cgroup recorded."""
    cid = unique_id("crash")
    os.makedirs(os.path.join(casing.root, cid))
    casing.created.add(cid)
    assert casing.state(cid)["status"] == "stopped"
    r = casing.run("delete", cid)
    assert r.returncode == 0, r
    assert not os.path.exists(os.path.join(casing.root, cid))


def test_state_while_creating(casing, bundle, tmpdir_path):
    cid = unique_id("crash")
    ready = os.path.join(tmpdir_path, "ready")
    stop = os.path.join(tmpdir_path, "stop")
    hook = write_script(os.path.join(tmpdir_path, "block"),
                        "touch %s; while [ ! -e %s ]; do sleep 0.05; done" % (ready, stop))
    bundle.config["hooks"] = {"createRuntime": [{"path": hook}]}
    bundle.set_args("sleep", "100").save()
    casing.created.add(cid)
    p = subprocess.Popen(casing.argv("create", "--bundle", bundle.path, cid),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: os.path.exists(ready), timeout=30)
        assert casing.state(cid)["status"] == "creating"
        ids = [c["id"] for c in casing.ok("list", "--format", "json").json()]
        assert cid in ids
    finally:
        open(stop, "w").close()
    assert p.wait(timeout=30) == 0
    assert casing.state(cid)["status"] == "created"
