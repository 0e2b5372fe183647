# SPDX-License-Identifier: GPL-2.0-or-later
"""The systemd cgroup driver (--systemd-cgroup) against a real systemd: the
transient scope, its properties, limits that survive a daemon-reload,
update, pause/resume, exec, delete.  Runs in the VM booted with systemd as
PID 1 (tests/vm/run-vm-tests.sh), on pure v2 and on hybrid v1."""
import json
import os
import subprocess

import pytest

from casing_fixtures import built_with, unique_id, wait_for
from cgroup_helpers import all_dirs, controller_dir, is_v2, read, run_detached

MB = 1024 * 1024
SYSTEMD = ("--systemd-cgroup",)


pytestmark = [
    pytest.mark.systemd,
    pytest.mark.skipif(not os.path.isdir("/run/systemd/system"), reason="systemd is not PID 1 here"),
    pytest.mark.skipif(not built_with("SYSTEMD"), reason="casing built without libsystemd"),
]


def show(unit, *props):
    """systemctl show's values of `unit` as a dict."""
    r = subprocess.run(["systemctl", "show", unit] + ["-p" + p for p in props],
                       capture_output=True, text=True, check=True)
    return dict(l.split("=", 1) for l in r.stdout.splitlines() if "=" in l)


def daemon_reload():
    subprocess.run(["systemctl", "daemon-reload"], check=True, timeout=120)


def start(casing, bundle, resources=None, cid=None, args=("sleep", "1000"), cgroups_path=None):
    bundle.set_args(*args)
    if resources:
        bundle.config["linux"]["resources"].update(resources)
    if cgroups_path is not None:
        bundle.config["linux"]["cgroupsPath"] = cgroups_path
    bundle.save()
    cid = cid or unique_id("sd")
    rc, out = run_detached(casing, bundle, cid, global_args=SYSTEMD)
    assert rc == 0, out
    return cid, casing.state(cid)["pid"]


def own_cgroup(pid):
    """The process' path in the hierarchy systemd tracks it in."""
    lines = open("/proc/%d/cgroup" % pid).read().splitlines()
    for l in lines:
        hid, ctrls, path = l.split(":", 2)
        if hid == "0" or "name=systemd" in ctrls.split(","):
            return path
    raise AssertionError(lines)


def test_scope_is_created_with_delegate(casing, bundle):
    cid, pid = start(casing, bundle)
    unit = "casing-%s.scope" % cid
    p = show(unit, "ActiveState", "Delegate", "Slice", "ControlGroup", "MainPID")
    assert p["ActiveState"] == "active"
    assert p["Delegate"] == "yes"
    assert p["Slice"] == "system.slice"
    assert p["ControlGroup"] == "/system.slice/" + unit
    assert own_cgroup(pid) == "/system.slice/" + unit
    # every hierarchy, also those systemd does not manage on v1 (cpuset,
    # freezer...), holds the container at the scope's path
    for d in all_dirs(pid):
        assert d.endswith("/system.slice/" + unit), d
    assert casing.state(cid)["status"] == "running"


def test_slice_prefix_name(casing, bundle):
    cid = unique_id("sd")
    cid, pid = start(casing, bundle, cid=cid, cgroups_path="machine.slice:tenant:" + cid)
    unit = "tenant-%s.scope" % cid
    assert show(unit, "Slice")["Slice"] == "machine.slice"
    assert own_cgroup(pid) == "/machine.slice/" + unit


def check_limits(pid, mem, pids):
    assert read(pid, "memory", "memory.limit_in_bytes", "memory.max") == str(mem)
    assert read(pid, "pids", "pids.max", "pids.max") == str(pids)


def test_limits_survive_daemon_reload(casing, bundle):
    res = {"memory": {"limit": 64 * MB},
           "cpu": {"shares": 512, "quota": 50000, "period": 100000},
           "pids": {"limit": 42}}
    cid, pid = start(casing, bundle, res)
    unit = "casing-%s.scope" % cid
    check_limits(pid, 64 * MB, 42)
    p = show(unit, "MemoryMax", "MemoryLimit", "TasksMax", "CPUQuotaPerSecUSec")
    assert p["MemoryMax" if is_v2() else "MemoryLimit"] == str(64 * MB)
    assert p["TasksMax"] == "42"
    assert p["CPUQuotaPerSecUSec"] == "500ms"
    # systemd re-applies its own view of the unit: it must match ours
    daemon_reload()
    check_limits(pid, 64 * MB, 42)
    if is_v2():
        assert read(pid, "cpu", "", "cpu.max") == "50000 100000"
        assert read(pid, "cpu", "", "cpu.weight") == "20"
    else:
        assert read(pid, "cpu", "cpu.cfs_quota_us") == "50000"
        assert read(pid, "cpu", "cpu.shares") == "512"


def test_update_is_told_to_systemd(casing, bundle):
    cid, pid = start(casing, bundle, {"memory": {"limit": 64 * MB}, "pids": {"limit": 42}})
    unit = "casing-%s.scope" % cid
    casing.ok("update", "--memory", "128m", "--pids-limit", "50", cid)
    check_limits(pid, 128 * MB, 50)
    p = show(unit, "MemoryMax", "MemoryLimit", "TasksMax")
    assert p["MemoryMax" if is_v2() else "MemoryLimit"] == str(128 * MB)
    assert p["TasksMax"] == "50"
    daemon_reload()
    check_limits(pid, 128 * MB, 50)
    # JSON resources as engines send them
    casing.ok("update", "--resources", "-", cid, input=json.dumps({"pids": {"limit": -1}}))
    assert read(pid, "pids", "pids.max", "pids.max") == "max"
    assert show(unit, "TasksMax")["TasksMax"] == "infinity"


def test_devices_survive_daemon_reload(casing, bundle):
    for s in ("bounding", "effective", "permitted"):
        bundle.config["process"]["capabilities"][s].append("CAP_MKNOD")
    # an exact rule: systemd can be told it as /dev/char/241:0 (a whole
    # major without a name in /proc/devices can only be rounded, see
    # systemd_props.h)
    bundle.config["linux"]["resources"]["devices"].append(
        {"allow": True, "type": "c", "major": 241, "minor": 0, "access": "rw"})
    cid, pid = start(casing, bundle, args=(
        "sh", "-c", "mknod /dev/x240 c 240 0; mknod /dev/x241 c 241 0; sleep 1000"))
    unit = "casing-%s.scope" % cid
    assert show(unit, "DevicePolicy")["DevicePolicy"] == "strict"

    def probe():
        # no driver behind 240/241: ENXIO when the cgroup lets the open
        # through, EPERM when it blocks it
        r = casing.run("exec", cid, "sh", "-c",
                       "head -c 1 /dev/x240; head -c 1 /dev/x241; head -c 1 /dev/zero | wc -c")
        return r.stdout.strip(), r.stderr

    for _ in range(2):
        zero, err = probe()
        assert "/dev/x240: Operation not permitted" in err, err
        assert "/dev/x241: No such device or address" in err, err
        assert zero == "1", (zero, err)
        daemon_reload()


def test_pause_resume_exec_ps(casing, bundle):
    cid, pid = start(casing, bundle)
    casing.ok("pause", cid)
    assert casing.state(cid)["status"] == "paused"
    casing.ok("resume", cid)
    assert casing.state(cid)["status"] == "running"
    r = casing.ok("exec", cid, "cat", "/proc/self/cgroup")
    # the exec'd process is in the container's cgroups (a cgroup namespace
    # shows them as /)
    assert r.stdout.strip()
    ps = casing.ok("ps", "--format", "json", cid).json()
    assert pid in ps


def test_delete_stops_the_unit_and_cleans_up(casing, bundle):
    cid, pid = start(casing, bundle)
    unit = "casing-%s.scope" % cid
    dirs = all_dirs(pid)
    assert dirs
    casing.ok("delete", "--force", cid)
    assert show(unit, "LoadState")["LoadState"] == "not-found"
    for d in dirs:
        assert not os.path.exists(d), d
    # the name is free again at once
    cid2, pid2 = start(casing, bundle, cid=cid)
    assert show(unit, "ActiveState")["ActiveState"] == "active"


def test_container_that_exits(casing, bundle):
    bundle.set_args("sh", "-c", "exit 3").save()
    cid = unique_id("sd")
    r = casing.run("run", "--bundle", bundle.path, cid, global_args=SYSTEMD)
    assert r.returncode == 3, r
    assert show("casing-%s.scope" % cid, "LoadState")["LoadState"] == "not-found"
    assert casing.run("state", cid).returncode != 0


def test_unit_name_in_use(casing, bundle, tmp_path):
    cid, pid = start(casing, bundle)
    # a second container asking for the same scope
    other = unique_id("sd")
    bundle.config["linux"]["cgroupsPath"] = "system.slice:casing:" + cid
    bundle.save()
    rc, out = run_detached(casing, bundle, other, global_args=SYSTEMD)
    assert rc != 0
    assert "already exists" in out, out
    assert casing.run("state", other).returncode != 0
    assert show("casing-%s.scope" % cid, "ActiveState")["ActiveState"] == "active"


def test_failed_create_leaves_no_unit(casing, bundle):
    bundle.config["linux"]["resources"]["cpu"] = {"cpus": "4095"}  # no such CPU
    bundle.set_args("true").save()
    cid = unique_id("sd")
    rc, out = run_detached(casing, bundle, cid, global_args=SYSTEMD)
    assert rc != 0, out
    assert "cpus" in out, out
    assert show("casing-%s.scope" % cid, "LoadState")["LoadState"] == "not-found"
    assert casing.run("state", cid).returncode != 0


@pytest.mark.skipif(is_v2(), reason="v1 hierarchies systemd does not manage")
def test_hybrid_unmanaged_hierarchies_are_joined_and_removed(casing, bundle):
    cid, pid = start(casing, bundle, {"cpu": {"cpus": "0", "mems": "0"}})
    unit = "casing-%s.scope" % cid
    d, _ = controller_dir(pid, "cpuset")
    assert d.endswith("/system.slice/" + unit)
    assert read(pid, "cpuset", "cpuset.cpus") == "0"
    casing.ok("pause", cid)
    f, _ = controller_dir(pid, "freezer")
    assert f.endswith("/system.slice/" + unit)
    assert open(os.path.join(f, "freezer.state")).read().strip() == "FROZEN"
    casing.ok("resume", cid)
    casing.ok("delete", "--force", cid)
    assert not os.path.exists(d) and not os.path.exists(f)


def test_stats_from_the_scope(casing, bundle):
    cid, pid = start(casing, bundle, {"memory": {"limit": 64 * MB}})
    ev = json.loads(casing.ok("events", "--stats", cid).stdout)
    assert ev["type"] == "stats"
    assert ev["data"]["memory"]["usage"]["limit"] == 64 * MB
    assert ev["data"]["pids"]["current"] >= 1
    assert wait_for(lambda: casing.state(cid)["status"] == "running")
