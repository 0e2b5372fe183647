# SPDX-License-Identifier: GPL-2.0-or-later
"""Resource control on whatever host runs the tests (v1, hybrid or v2): each
linux.resources value is read back from the container's cgroup files, then
update, pause/resume, events, ps, and delete leaving nothing.  v2-only
behaviour is in test_cgroups_v2.py (run in the VM)."""
import json
import os
import subprocess
import time

import pytest

from casing_fixtures import unique_id, wait_for
from cgroup_helpers import run_detached, all_dirs, block_device, controller_dir, hugepage_2mb, is_v2, mode, read

MB = 1024 * 1024


def start(casing, bundle, resources=None, cid=None, args=("sleep", "1000"), **linux):
    bundle.set_args(*args)
    if resources is not None:
        bundle.config["linux"]["resources"].update(resources)
    bundle.config["linux"].update(linux)
    bundle.save()
    cid = cid or unique_id("cg")
    rc, out = run_detached(casing, bundle, cid)
    assert rc == 0, out
    return cid, casing.state(cid).get("pid")


def test_memory_cpu_pids(casing, bundle):
    res = {"memory": {"limit": 64 * MB, "reservation": 32 * MB},
           "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"},
           "pids": {"limit": 42}}
    cid, pid = start(casing, bundle, res)
    assert read(pid, "memory", "memory.limit_in_bytes", "memory.max") == str(64 * MB)
    assert read(pid, "memory", "memory.soft_limit_in_bytes", "memory.low") == str(32 * MB)
    d, v2 = controller_dir(pid, "cpu")
    if v2:
        assert read(pid, "cpu", "", "cpu.weight") == "20"  # 1 + (512-2)*9999/262142
        assert read(pid, "cpu", "", "cpu.max") == "50000 100000"
    else:
        assert read(pid, "cpu", "cpu.shares") == "512"
        assert read(pid, "cpu", "cpu.cfs_quota_us") == "50000"
        assert read(pid, "cpu", "cpu.cfs_period_us") == "100000"
    assert read(pid, "cpuset", "cpuset.cpus") == "0"
    assert read(pid, "cpuset", "cpuset.mems") == "0"
    assert read(pid, "pids", "pids.max") == "42"


@pytest.mark.skipif(is_v2(), reason="v1 memory files")
def test_memory_v1_extras(casing, bundle):
    d = "/sys/fs/cgroup/memory"
    res = {"memory": {"limit": 64 * MB, "swappiness": 10, "disableOOMKiller": True}}
    if os.path.exists(d + "/memory.memsw.limit_in_bytes"):
        res["memory"]["swap"] = 128 * MB
    cid, pid = start(casing, bundle, res)
    assert read(pid, "memory", "memory.swappiness") == "10"
    assert "oom_kill_disable 1" in read(pid, "memory", "memory.oom_control")
    if "swap" in res["memory"]:
        assert read(pid, "memory", "memory.memsw.limit_in_bytes") == str(128 * MB)


def test_kernel_memory_is_a_warning_at_most(casing, bundle):
    cid, pid = start(casing, bundle, {"memory": {"limit": 64 * MB, "kernel": 32 * MB, "kernelTCP": 16 * MB}})
    assert casing.state(cid)["status"] == "running"


def container_dir(controller, cid):
    """The container's directory for `controller`, from our own cgroup (the
    default cgroupsPath is below it), usable after the container stopped."""
    own, v2 = controller_dir(os.getpid(), controller)
    return os.path.join(os.path.dirname(own) if v2 else own, cid)


def test_pids_limit_enforced(casing, bundle):
    # sh + 2 sleeps reach the limit: the next fork fails and sh gives up
    cid, pid = start(casing, bundle, {"pids": {"limit": 3}},
                     args=("sh", "-c", "sleep 1000 & sleep 1000 & sleep 1000 & wait"))
    d = container_dir("pids", cid)
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
    assert int(open(os.path.join(d, "pids.events")).read().split()[1]) >= 1


@pytest.mark.skipif(block_device() is None, reason="no block device")
def test_blkio_throttle(casing, bundle):
    maj, mnr = (int(x) for x in block_device().split(":"))
    res = {"blockIO": {"throttleReadBpsDevice": [{"major": maj, "minor": mnr, "rate": 1048576}],
                       "throttleWriteIOPSDevice": [{"major": maj, "minor": mnr, "rate": 300}]}}
    cid, pid = start(casing, bundle, res)
    d, v2 = controller_dir(pid, "blkio" if not is_v2() else "io")
    if v2:
        line = read(pid, "io", "", "io.max")
        assert "%d:%d rbps=1048576" % (maj, mnr) in line and "wiops=300" in line
    else:
        assert read(pid, "blkio", "blkio.throttle.read_bps_device") == "%d:%d 1048576" % (maj, mnr)
        assert read(pid, "blkio", "blkio.throttle.write_iops_device") == "%d:%d 300" % (maj, mnr)


@pytest.mark.skipif(not hugepage_2mb(), reason="no 2MB huge pages")
def test_hugetlb_where_the_host_has_it(casing, bundle):
    # On a hybrid host hugetlb may live in cgroup2 while the rest is v1.
    cid, pid = start(casing, bundle, {"hugepageLimits": [{"pageSize": "2MB", "limit": 4 * MB}]})
    d, v2 = controller_dir(pid, "hugetlb")
    assert d
    assert read(pid, "hugetlb", "hugetlb.2MB.limit_in_bytes", "hugetlb.2MB.max") == str(4 * MB)
    if v2 and os.path.exists(os.path.join(d, "hugetlb.2MB.rsvd.max")):
        assert read(pid, "hugetlb", "", "hugetlb.2MB.rsvd.max") == str(4 * MB)


@pytest.mark.skipif(mode() != "hybrid", reason="hybrid host only")
def test_unified_on_hybrid_maps_only_v2_controllers(casing, bundle):
    v2_ctrls = open("/sys/fs/cgroup/unified/cgroup.controllers").read().split()
    if "hugetlb" in v2_ctrls and hugepage_2mb():
        cid, pid = start(casing, bundle, {"unified": {"hugetlb.2MB.max": str(2 * MB)}})
        assert read(pid, "hugetlb", "", "hugetlb.2MB.max") == str(2 * MB)
    bundle.config["linux"]["resources"]["unified"] = {"memory.high": "1000000"}
    bundle.set_args("true").save()
    rc, out = run_detached(casing, bundle, unique_id("cgu"))
    assert rc != 0 and "linux.resources.unified.memory.high" in out and "v1 controller" in out, out


def test_update_flags_and_json(casing, bundle):
    cid, pid = start(casing, bundle, {"memory": {"limit": 64 * MB}, "pids": {"limit": 50}})
    casing.ok("update", "--memory", "128m", "--pids-limit", "60", "--cpu-quota", "20000",
              "--cpu-period", "100000", "--cpuset-cpus", "0", cid)
    assert read(pid, "memory", "memory.limit_in_bytes", "memory.max") == str(128 * MB)
    assert read(pid, "pids", "pids.max") == "60"
    assert read(pid, "cpu", "cpu.cfs_quota_us", "cpu.max").split()[0] == "20000"
    # what containerd sends: the linux.resources object on stdin
    casing.ok("update", "--resources", "-", cid,
              input=json.dumps({"memory": {"limit": 96 * MB}, "pids": {"limit": -1},
                                "cpu": {"shares": 1024}}))
    assert read(pid, "memory", "memory.limit_in_bytes", "memory.max") == str(96 * MB)
    assert read(pid, "pids", "pids.max") == "max"
    r = casing.run("update", "--memory", "lots", cid)
    assert r.returncode != 0 and "--memory" in r.stderr
    r = casing.run("update", "--resources", "-", cid, input='{"memory": {"limit": "x"}}')
    assert r.returncode != 0 and "memory" in r.stderr


def test_update_check_before_update(casing, bundle):
    cid, pid = start(casing, bundle, {"memory": {"limit": 64 * MB}},
                     args=("sh", "-c", "head -c 8m /dev/zero | tail -c 1 >/dev/null; "
                           "x=$(head -c 4000000 /dev/zero | tr '\\0' a); sleep 1000"))
    assert wait_for(lambda: int(read(pid, "memory", "memory.usage_in_bytes", "memory.current")) > 3 * MB), \
        read(pid, "memory", "memory.usage_in_bytes", "memory.current")
    r = casing.run("update", "--resources", "-", cid,
                   input=json.dumps({"memory": {"limit": 1 * MB, "checkBeforeUpdate": True}}))
    assert r.returncode != 0 and "memory" in r.stderr
    assert read(pid, "memory", "memory.limit_in_bytes", "memory.max") == str(64 * MB)


def test_pause_resume(casing, bundle):
    cid, pid = start(casing, bundle)
    casing.ok("pause", cid)
    assert casing.state(cid)["status"] == "paused"
    d, v2 = controller_dir(pid, "freezer")
    if v2:
        assert open(os.path.join(d, "cgroup.freeze")).read().strip() == "1"
    else:
        assert open(os.path.join(d, "freezer.state")).read().strip() == "FROZEN"
    assert open("/proc/%d/stat" % pid).read().split(") ")[1][0] in "SDt"
    r = casing.run("pause", cid)
    assert r.returncode != 0 and "paused" in r.stderr
    casing.ok("resume", cid)
    assert casing.state(cid)["status"] == "running"
    r = casing.run("resume", cid)
    assert r.returncode != 0 and "not paused" in r.stderr
    # a paused container can still be killed and deleted
    casing.ok("pause", cid)
    casing.ok("delete", "--force", cid)
    assert wait_for(lambda: not os.path.exists("/proc/%d" % pid) or
                    open("/proc/%d/stat" % pid).read().split(") ")[1][0] == "Z", timeout=5)


def test_events_stats(casing, bundle):
    cid, pid = start(casing, bundle, {"memory": {"limit": 64 * MB}, "pids": {"limit": 20}})
    ev = json.loads(casing.ok("events", "--stats", cid).stdout)
    assert ev["type"] == "stats" and ev["id"] == cid
    data = ev["data"]
    assert data["cpu"]["usage"]["total"] > 0
    assert data["memory"]["usage"]["limit"] == 64 * MB
    assert data["memory"]["usage"]["usage"] > 0
    assert "swap" in data["memory"] and "raw" in data["memory"]
    assert data["pids"] == {"current": 1, "limit": 20}
    # the streaming form prints stats every interval
    p = subprocess.Popen(casing.argv("events", "--interval", "100ms", cid), stdout=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline()
        assert json.loads(line)["type"] == "stats"
    finally:
        p.kill()
        p.wait()


# runc's types.CPUSet, in its order; the flags are v1 files, 0 on v2
CPUSET_FIELDS = ["cpus", "cpu_exclusive", "mems", "mem_hardwall", "mem_exclusive", "memory_migrate",
                 "memory_spread_page", "memory_spread_slab", "memory_pressure", "sched_load_balance",
                 "sched_relax_domain_level"]


def cpu_list(text):
    """[0, 1, 2, 3, 5] from the kernel's "0-3,5"."""
    out = []
    for part in filter(None, text.strip().split(",")):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def stats_cpuset(casing, cid):
    return json.loads(casing.ok("events", "--stats", cid).stdout)["data"]["cpuset"]


def cpuset_lists(pid):
    """(cpus, mems) as the container's cpuset files say (the effective ones on v2)."""
    return (cpu_list(read(pid, "cpuset", "cpuset.cpus", "cpuset.cpus.effective")),
            cpu_list(read(pid, "cpuset", "cpuset.mems", "cpuset.mems.effective")))


def test_events_stats_cpuset(casing, bundle):
    cid, pid = start(casing, bundle, {"cpu": {"cpus": "0", "mems": "0"}})
    cs = stats_cpuset(casing, cid)
    assert list(cs) == CPUSET_FIELDS, cs
    assert cs["cpus"] == [0] and cs["mems"] == [0]
    assert (cs["cpus"], cs["mems"]) == cpuset_lists(pid)
    d, v2 = controller_dir(pid, "cpuset")
    for flag in [f for f in CPUSET_FIELDS if f not in ("cpus", "mems")]:
        want = 0 if v2 else int(open(os.path.join(d, "cpuset." + flag)).read())
        assert cs[flag] == want, flag
    if not v2:
        assert cs["sched_load_balance"] == 1  # the kernel's default for a new cpuset


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs more than one CPU")
def test_events_stats_cpuset_follows_update(casing, bundle):
    cid, pid = start(casing, bundle, {"cpu": {"cpus": "0", "mems": "0"}})
    d, v2 = controller_dir(pid, "cpuset")
    allowed = cpu_list(open(os.path.join(os.path.dirname(d),
                                         "cpuset.cpus.effective" if v2 else "cpuset.cpus")).read())
    if len(allowed) < 2:
        pytest.skip("the parent cpuset allows one CPU only")
    casing.ok("update", "--cpuset-cpus", str(allowed[1]), cid)
    cs = stats_cpuset(casing, cid)
    assert cs["cpus"] == [allowed[1]] and cs["cpus"] == cpuset_lists(pid)[0]
    casing.ok("update", "--cpuset-cpus", ",".join(map(str, allowed)), cid)
    cs = stats_cpuset(casing, cid)
    assert cs["cpus"] == allowed and cs["cpus"] == cpuset_lists(pid)[0]
    assert cs["mems"] == [0]


def _watching(pid):
    """Whether `casing events` (pid) holds its OOM fd: a v1 eventfd or a v2
    inotify."""
    try:
        links = [os.readlink("/proc/%d/fd/%s" % (pid, fd)) for fd in os.listdir("/proc/%d/fd" % pid)]
    except OSError:
        return False
    return any(l in ("anon_inode:[eventfd]", "anon_inode:inotify") for l in links)


def test_oom_event(casing, bundle):
    # The container waits for /tmp/go, so the OOM comes only once `events`
    # listens (an OOM before it started is not reported, as with runc).
    cid, pid = start(casing, bundle, {"memory": {"limit": 16 * MB, "swap": 16 * MB}
                                      if not is_v2() and os.path.exists(
                                          "/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes")
                                      else {"limit": 16 * MB}},
                     args=("sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.02; done; tail /dev/zero; sleep 1000"))
    p = subprocess.Popen(casing.argv("events", "--interval", "30s", cid), stdout=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: _watching(p.pid))
        casing.ok("exec", cid, "touch", "/tmp/go")
        # `tail /dev/zero` buffers until the OOM killer ends it
        line = p.stdout.readline()
        assert json.loads(line) == {"type": "oom", "id": cid}
    finally:
        p.kill()
        p.wait()


def test_ps_and_kill_all(casing, bundle):
    cid, pid = start(casing, bundle, args=("sh", "-c", "sleep 1000 & sleep 1000 & wait"))
    assert wait_for(lambda: len(json.loads(casing.ok("ps", "--format", "json", cid).stdout)) == 3)
    pids = json.loads(casing.ok("ps", "--format", "json", cid).stdout)
    assert pid in pids
    casing.ok("kill", "--all", cid, "KILL")
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")


def test_delete_removes_every_cgroup(casing, bundle):
    cid, pid = start(casing, bundle, {"memory": {"limit": 64 * MB}},
                     args=("sh", "-c", "sleep 1000 & wait"))
    dirs = all_dirs(pid)
    expected = 1 if is_v2() else 2
    assert len(dirs) >= expected
    assert all(cid in d for d in dirs)
    # a child cgroup made below the container's one goes too
    sub = os.path.join(controller_dir(pid, "pids")[0], "sub")
    os.mkdir(sub)
    casing.ok("delete", "--force", cid)
    left = [d for d in dirs if os.path.exists(d)]
    assert left == []


def test_failed_create_leaves_nothing(casing, bundle):
    cid = unique_id("cgf")
    bundle.config["linux"]["resources"]["memory"] = {"limit": 64 * MB, "swap": 32 * MB}
    bundle.config["linux"]["resources"]["pids"] = {"limit": 10}
    if not is_v2():
        bundle.config["linux"]["resources"]["unified"] = {"memory.high": "1000000"}
    bundle.save()
    rc, out = run_detached(casing, bundle, cid)
    assert rc != 0
    assert "linux.resources" in out
    found = subprocess.run(["find", "/sys/fs/cgroup", "-maxdepth", "4", "-name", cid],
                           capture_output=True, text=True).stdout
    assert found == ""


def test_cgroups_path_absolute_and_relative(casing, bundle):
    cid = unique_id("cgp")
    cid2, pid = start(casing, bundle, cid=cid, cgroupsPath="/casing-test-%s/inner" % cid)
    with open("/proc/%d/cgroup" % pid) as f:
        lines = f.read().splitlines()
    assert all(l.endswith("/casing-test-%s/inner" % cid) for l in lines if l.split(":")[1] in ("", "pids"))
    casing.ok("delete", "--force", cid)
    # the parent we created is gone too
    assert subprocess.run(["find", "/sys/fs/cgroup", "-maxdepth", "3", "-name", "casing-test-" + cid],
                          capture_output=True, text=True).stdout == ""


def test_default_path_is_below_our_own_cgroup(casing, bundle):
    cid, pid = start(casing, bundle)
    own = dict((l.split(":")[1], l.split(":", 2)[2]) for l in open("/proc/self/cgroup").read().splitlines())
    for l in open("/proc/%d/cgroup" % pid).read().splitlines():
        _, ctrls, path = l.split(":", 2)
        assert path.endswith("/" + cid)
        if ctrls and ctrls in own:
            parent = own[ctrls].rstrip("/")
            assert path == parent + "/" + cid


def test_cgroup_namespace_is_rooted_at_the_container(casing, bundle, tmpdir_path):
    out = os.path.join(tmpdir_path, "out")
    bundle.config["mounts"].append({"destination": "/out", "type": "bind", "source": tmpdir_path,
                                    "options": ["rbind"]})
    cid, pid = start(casing, bundle, args=("sh", "-c", "cat /proc/self/cgroup > /out/out; sleep 1000"))
    assert wait_for(lambda: os.path.exists(out) and open(out).read())
    for l in open(out).read().splitlines():
        assert l.split(":", 2)[2] == "/", l


def test_devices_default_deny(casing, bundle, tmpdir_path):
    bundle.config["process"]["capabilities"]["bounding"].append("CAP_MKNOD")
    bundle.config["process"]["capabilities"]["effective"].append("CAP_MKNOD")
    bundle.config["process"]["capabilities"]["permitted"].append("CAP_MKNOD")
    out = os.path.join(tmpdir_path, "out")
    bundle.config["mounts"].append({"destination": "/out", "type": "bind", "source": tmpdir_path,
                                    "options": ["rbind"]})
    # 240-254 are for local use: no driver, so an open the cgroup lets through
    # fails with ENXIO, one it blocks with EPERM.
    bundle.config["linux"]["resources"]["devices"].append(
        {"allow": True, "type": "c", "major": 241, "access": "rw"})
    script = ("mknod /dev/x240 c 240 0 && mknod /dev/x241 c 241 0 && echo mknod-ok; "
              "head -c 1 /dev/x240; head -c 1 /dev/x241; "
              "head -c 1 /dev/zero >/dev/null && echo zero-ok; echo done")
    cid, pid = start(casing, bundle, args=("sh", "-c", "{ " + script + "; } > /out/out 2>&1; sleep 1000"))
    assert wait_for(lambda: os.path.exists(out) and "done" in open(out).read())
    text = open(out).read()
    assert "mknod-ok" in text and "zero-ok" in text, text
    assert "/dev/x240: Operation not permitted" in text, text
    assert "/dev/x241: No such device or address" in text, text


def test_systemd_driver_refuses_without_systemd(casing, bundle):
    if os.path.isdir("/run/systemd/system"):
        pytest.skip("systemd is running")
    bundle.set_args("true").save()
    cid = unique_id("cgs")
    r = casing.run("run", "--bundle", bundle.path, cid, global_args=("--systemd-cgroup",))
    assert r.returncode != 0 and "systemd" in r.stderr


def test_host_mode_is_detected():
    assert mode() in ("v1", "hybrid", "v2")
