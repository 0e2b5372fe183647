# SPDX-License-Identifier: GPL-2.0-or-later
"""cgroup v2 only: the v2 spellings and conversions, the device eBPF
program, cgroup.freeze, memory.events OOM, unified, and the library tests
again on a pure v2 kernel.  Run in the VM by tests/vm/run-v2-tests.sh; each
test skips on a host that is not pure v2."""
import json
import os
import subprocess

import pytest

from casing_fixtures import TOP, unique_id, wait_for
from cgroup_helpers import run_detached, all_dirs, block_device, controller_dir, hugepage_2mb, needs_v2, read

MB = 1024 * 1024
pytestmark = [pytest.mark.cgroup2, needs_v2]


def start(casing, bundle, resources=None, args=("sleep", "1000"), **linux):
    bundle.set_args(*args)
    if resources is not None:
        bundle.config["linux"]["resources"].update(resources)
    bundle.config["linux"].update(linux)
    bundle.save()
    cid = unique_id("cg2")
    rc, out = run_detached(casing, bundle, cid)
    assert rc == 0, out
    return cid, casing.state(cid).get("pid")


def cgfile(pid, name):
    d, v2 = controller_dir(pid, "")
    assert v2
    with open(os.path.join(d, name)) as f:
        return f.read().strip()


@pytest.mark.parametrize("unit", ["test_cgroups_manager", "test_cgroups_devices"])
def test_library_on_v2(unit):
    r = subprocess.run([os.path.join(TOP, "tests", "unit", unit)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_v2_resources(casing, bundle):
    res = {"memory": {"limit": 64 * MB, "reservation": 16 * MB, "swap": 96 * MB},
           "cpu": {"shares": 2048, "quota": 30000, "period": 60000, "burst": 10000, "cpus": "0", "idle": 0},
           "pids": {"limit": 0x20},
           "unified": {"memory.high": "50000000", "pids.max": "33"}}
    if hugepage_2mb():
        res["hugepageLimits"] = [{"pageSize": "2MB", "limit": 2 * MB}]
    cid, pid = start(casing, bundle, res)
    assert cgfile(pid, "memory.max") == str(64 * MB)
    assert cgfile(pid, "memory.low") == str(16 * MB)
    if os.path.exists(os.path.join(controller_dir(pid, "")[0], "memory.swap.max")):
        assert cgfile(pid, "memory.swap.max") == str(32 * MB)  # swap - limit
    assert cgfile(pid, "cpu.weight") == "79"  # 1 + (2048-2)*9999/262142
    assert cgfile(pid, "cpu.max") == "30000 60000"
    assert cgfile(pid, "cpu.max.burst") == "10000"
    assert cgfile(pid, "cpuset.cpus") == "0"
    assert cgfile(pid, "memory.high") == "49999872"  # page aligned by the kernel
    assert cgfile(pid, "pids.max") == "33"  # unified wins
    if hugepage_2mb():
        assert cgfile(pid, "hugetlb.2MB.max") == str(2 * MB)
        assert cgfile(pid, "hugetlb.2MB.rsvd.max") == str(2 * MB)
    # the controllers were delegated down to the container's cgroup
    parent = os.path.dirname(controller_dir(pid, "")[0])
    enabled = open(os.path.join(parent, "cgroup.subtree_control")).read().split()
    assert {"cpu", "memory", "pids", "cpuset"} <= set(enabled)


@pytest.mark.skipif(block_device() is None, reason="no block device in the guest")
def test_v2_io(casing, bundle):
    maj, mnr = (int(x) for x in block_device().split(":"))
    cid, pid = start(casing, bundle, {"blockIO": {
        "weight": 500,
        "weightDevice": [{"major": maj, "minor": mnr, "weight": 300}],
        "throttleReadBpsDevice": [{"major": maj, "minor": mnr, "rate": 2 * MB}],
        "throttleWriteIOPSDevice": [{"major": maj, "minor": mnr, "rate": 100}]}})
    line = cgfile(pid, "io.max")
    assert "%d:%d rbps=%d" % (maj, mnr, 2 * MB) in line and "wiops=100" in line
    d = controller_dir(pid, "")[0]
    if os.path.exists(os.path.join(d, "io.bfq.weight")):
        # BFQ takes the blkio scale as is
        w = cgfile(pid, "io.bfq.weight")
        assert "default 500" in w and "%d:%d 300" % (maj, mnr) in w, w
    else:
        w = cgfile(pid, "io.weight")
        assert "default 4950" in w, w  # 1 + (500-10)*9999/990


def test_v2_swap_without_limit_is_an_error(casing, bundle):
    bundle.config["linux"]["resources"]["memory"] = {"swap": 64 * MB}
    bundle.set_args("true").save()
    cid = unique_id("cg2")
    r = casing.run("run", "--bundle", bundle.path, cid)
    assert r.returncode != 0 and "linux.resources.memory.swap" in r.stderr


def test_v2_unified_checks_the_controller(casing, bundle):
    bundle.config["linux"]["resources"]["unified"] = {"nosuch.max": "1"}
    bundle.set_args("true").save()
    r = casing.run("run", "--bundle", bundle.path, unique_id("cg2"))
    assert r.returncode != 0 and "linux.resources.unified.nosuch.max" in r.stderr
    bundle.config["linux"]["resources"]["unified"] = {"../x": "1"}
    bundle.save()
    r = casing.run("run", "--bundle", bundle.path, unique_id("cg2"))
    assert r.returncode != 0 and "unified" in r.stderr


def test_v2_update(casing, bundle):
    cid, pid = start(casing, bundle, {"memory": {"limit": 64 * MB}, "cpu": {"quota": 20000, "period": 100000}})
    casing.ok("update", "--memory", "100m", "--memory-swap", "150m", "--cpu-period", "50000",
              "--cpu-shares", "1024", cid)
    assert cgfile(pid, "memory.max") == str(100 * MB)
    if os.path.exists(os.path.join(controller_dir(pid, "")[0], "memory.swap.max")):
        assert cgfile(pid, "memory.swap.max") == str(50 * MB)
    assert cgfile(pid, "cpu.max") == "20000 50000"  # the quota stays
    assert cgfile(pid, "cpu.weight") == "39"
    casing.ok("update", "--resources", "-", cid, input=json.dumps({"unified": {"memory.high": "max"}}))
    assert cgfile(pid, "memory.high") == "max"


def test_v2_freeze(casing, bundle):
    cid, pid = start(casing, bundle)
    casing.ok("pause", cid)
    assert cgfile(pid, "cgroup.freeze") == "1"
    assert "frozen 1" in cgfile(pid, "cgroup.events")
    assert casing.state(cid)["status"] == "paused"
    casing.ok("resume", cid)
    assert "frozen 0" in cgfile(pid, "cgroup.events")
    assert casing.state(cid)["status"] == "running"


def test_v2_devices_bpf(casing, bundle, tmpdir_path):
    for k in ("bounding", "effective", "permitted"):
        bundle.config["process"]["capabilities"][k].append("CAP_MKNOD")
    bundle.config["mounts"].append({"destination": "/out", "type": "bind", "source": tmpdir_path,
                                    "options": ["rbind"]})
    # 240-254 are for local use: no driver, so an open the program lets
    # through fails with ENXIO, one it blocks with EPERM.
    bundle.config["linux"]["resources"]["devices"].append(
        {"allow": True, "type": "c", "major": 241, "minor": 0, "access": "r"})
    script = ("mknod /dev/x240 c 240 0; mknod /dev/x241 c 241 0; "
              "head -c 1 /dev/x240; head -c 1 /dev/x241; echo w > /dev/x241; "
              "echo x > /dev/null && echo null-ok; echo done")
    cid, pid = start(casing, bundle, args=("sh", "-c", "{ " + script + "; } > /out/out 2>&1; sleep 1000"))
    out = os.path.join(tmpdir_path, "out")
    assert wait_for(lambda: os.path.exists(out) and "done" in open(out).read(), timeout=20)
    text = open(out).read()
    assert "/dev/x240: Operation not permitted" in text, text
    assert "/dev/x241: No such device or address" in text, text
    assert "null-ok" in text, text
    # write access was not granted: the shell's open for writing is refused
    assert text.count("Operation not permitted") == 2, text
    # update replaces the program: now 240 is readable, 241 no longer
    casing.ok("update", "--resources", "-", cid, input=json.dumps({"devices": [
        {"allow": False, "access": "rwm"}, {"allow": True, "type": "c", "major": 240, "access": "r"}]}))
    r = casing.run("exec", cid, "sh", "-c", "head -c 1 /dev/x240; head -c 1 /dev/x241")
    assert "/dev/x240: No such device or address" in r.stderr, r.stderr
    assert "/dev/x241: Operation not permitted" in r.stderr, r.stderr


def test_v2_oom_event_and_stats(casing, bundle):
    cid, pid = start(casing, bundle, {"memory": {"limit": 16 * MB, "swap": 16 * MB}},
                     args=("sh", "-c", "sleep 2; tail /dev/zero; sleep 1000"))
    ev = json.loads(casing.ok("events", "--stats", cid).stdout)
    assert ev["data"]["memory"]["usage"]["limit"] == 16 * MB
    assert ev["data"]["cpu"]["usage"]["total"] > 0
    p = subprocess.Popen(casing.argv("events", "--interval", "30s", cid), stdout=subprocess.PIPE, text=True)
    try:
        assert json.loads(p.stdout.readline()) == {"type": "oom", "id": cid}
    finally:
        p.kill()
        p.wait()


def test_v2_cgroupns_and_delete(casing, bundle, tmpdir_path):
    bundle.config["mounts"].append({"destination": "/out", "type": "bind", "source": tmpdir_path,
                                    "options": ["rbind"]})
    cid, pid = start(casing, bundle, args=("sh", "-c", "cat /proc/self/cgroup > /out/out; sleep 1000"))
    out = os.path.join(tmpdir_path, "out")
    assert wait_for(lambda: os.path.exists(out) and open(out).read(), timeout=20)
    assert open(out).read().strip() == "0::/"
    dirs = all_dirs(pid)
    assert len(dirs) == 1 and dirs[0].endswith("/" + cid)
    os.mkdir(os.path.join(dirs[0], "child"))
    casing.ok("delete", "--force", cid)
    assert not os.path.exists(dirs[0])


def test_v2_cgroup_mount_shows_only_its_subtree(casing, bundle, tmpdir_path):
    """A `cgroup` mount in a container with a cgroup namespace is the
    unified hierarchy rooted at the container's own cgroup, read-only."""
    bundle.config["mounts"].append({"destination": "/sys/fs/cgroup", "type": "cgroup",
                                    "source": "cgroup",
                                    "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]})
    bundle.config["mounts"].append({"destination": "/out", "type": "bind", "source": tmpdir_path,
                                    "options": ["rbind"]})
    script = ("{ stat -f -c %t /sys/fs/cgroup; cat /sys/fs/cgroup/cgroup.procs | tr '\\n' ' '; echo;"
              " ls /sys/fs/cgroup | tr '\\n' ' '; echo; touch /sys/fs/cgroup/x 2>/dev/null && echo rw"
              " || echo ro; } > /out/tmp; mv /out/tmp /out/out; sleep 1000")
    cid, pid = start(casing, bundle, args=("sh", "-c", script))
    out = os.path.join(tmpdir_path, "out")
    assert wait_for(lambda: os.path.exists(out), timeout=30)
    fstype, procs, entries, mode = open(out).read().split("\n")[:4]
    assert fstype == "63677270"  # CGROUP2_SUPER_MAGIC
    assert "1" in procs.split()  # our pid namespace's init is in there
    assert cid not in entries.split() and "cgroup.controllers" in entries.split()
    assert mode == "ro"
    casing.ok("delete", "--force", cid)
