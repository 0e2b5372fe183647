# SPDX-License-Identifier: GPL-2.0-or-later
"""The controllers the build host lacks: net_cls (linux.resources.network.
classID), net_prio (network.priorities) and rdma (linux.resources.rdma), at
create and with `update`, each value read back from the container's cgroup
files.  Runs in the hybrid VM (tests/vm/run-vm-tests.sh, VM_CGROUP=hybrid),
with the cgroupfs driver and, as systemd is PID 1 there, the systemd one.
rdma is a v2 controller too: those tests also run in the pure v2 VM.  The
rdma device is the soft-RoCE rxe0 (rdma_rxe over a dummy netdev) the runner
makes in each guest.  The tests never make or delete one: deleting an rdma
device after cgroups that limited it were removed oopses the guests' 6.1
kernel (list_del corruption in free_cg_rpool_locked; tests/vm/README.md).
Every test skips where its controller or device is missing."""
import json
import os
import subprocess

import pytest

from casing_fixtures import built_with, unique_id
from cgroup_helpers import _mounts, controller_dir, read, run_detached

pytestmark = pytest.mark.cgroup1_vm


def has_controller(name, v1_only=False):
    for _mnt, _root, fstype, ctrls in _mounts():
        if name in ctrls and (fstype == "cgroup" or not v1_only):
            return True
    return False


needs_net_cls = pytest.mark.skipif(not has_controller("net_cls", v1_only=True),
                                   reason="no v1 net_cls hierarchy here (tests/vm/run-vm-tests.sh: hybrid VM)")
needs_net_prio = pytest.mark.skipif(not has_controller("net_prio", v1_only=True),
                                    reason="no v1 net_prio hierarchy here (tests/vm/run-vm-tests.sh: hybrid VM)")
needs_rdma = pytest.mark.skipif(not has_controller("rdma"),
                                reason="no rdma cgroup controller here (tests/vm/run-vm-tests.sh)")
SYSTEMD_DRIVER = pytest.param(
    "systemd", id="systemd",
    marks=[pytest.mark.systemd,
           pytest.mark.skipif(not os.path.isdir("/run/systemd/system"), reason="systemd is not PID 1 here"),
           pytest.mark.skipif(not built_with("SYSTEMD"), reason="casing built without libsystemd")])
DRIVERS = ["cgroupfs", SYSTEMD_DRIVER]


def start(casing, bundle, resources, driver="cgroupfs", args=("sleep", "1000")):
    bundle.set_args(*args)
    bundle.config["linux"]["resources"].update(resources)
    bundle.save()
    cid = unique_id("v1vm")
    rc, out = run_detached(casing, bundle, cid, global_args=("--systemd-cgroup",) if driver == "systemd" else ())
    assert rc == 0, out
    return cid, casing.state(cid)["pid"]


def refused(casing, bundle, resources, what):
    """Create fails naming `what`, and leaves no cgroup behind."""
    bundle.set_args("true")
    bundle.config["linux"]["resources"].update(resources)
    bundle.save()
    cid = unique_id("v1vm")
    rc, out = run_detached(casing, bundle, cid)
    assert rc != 0 and what in out, out
    found = subprocess.run(["find", "/sys/fs/cgroup", "-maxdepth", "5", "-name", cid],
                           capture_output=True, text=True).stdout
    assert found == ""
    return out


def ifpriomap(pid):
    """net_prio.ifpriomap as {interface: priority}."""
    text = read(pid, "net_prio", "net_prio.ifpriomap")
    return dict((l.split()[0], int(l.split()[1])) for l in text.splitlines() if l.strip())


def rdma_max(pid):
    """rdma.max as {device: {"hca_handle": v, "hca_object": v}}."""
    out = {}
    for line in read(pid, "rdma", "rdma.max", "rdma.max").splitlines():
        dev, *kvs = line.split()
        out[dev] = dict(kv.split("=", 1) for kv in kvs)
    return out


def _ip(*args):
    return subprocess.run(["ip", *args], capture_output=True, text=True).returncode == 0


@pytest.fixture(scope="module")
def netdev():
    """A second interface for ifpriomap: a dummy one, or None."""
    name = "cgprio%d" % (os.getpid() % 1000)
    if not (_ip("link", "add", name, "type", "dummy") or
            (subprocess.run(["modprobe", "dummy"], capture_output=True).returncode == 0 and
             _ip("link", "add", name, "type", "dummy"))):
        yield None
        return
    yield name
    _ip("link", "del", name)


@pytest.fixture(scope="module")
def rdma_device():
    """An RDMA device the rdma controller knows (the first one there is)."""
    if not has_controller("rdma"):
        pytest.skip("no rdma cgroup controller here")
    try:
        devs = sorted(os.listdir("/sys/class/infiniband"))
    except OSError:
        devs = []
    if not devs:
        pytest.skip("no RDMA device (tests/vm/run-vm-tests.sh makes one: modprobe rdma_rxe; "
                    "rdma link add rxe0 type rxe netdev DUMMY)")
    return devs[0]


# ---- net_cls


@needs_net_cls
@pytest.mark.parametrize("driver", DRIVERS)
def test_net_cls_classid(casing, bundle, driver):
    cid, pid = start(casing, bundle, {"network": {"classID": 0x100001}}, driver)
    assert read(pid, "net_cls", "net_cls.classid") == str(0x100001)
    d, v2 = controller_dir(pid, "net_cls")
    assert not v2 and cid in os.path.basename(d), d


@needs_net_cls
@needs_net_prio
def test_network_update(casing, bundle, netdev):
    cid, pid = start(casing, bundle, {"network": {"classID": 0x10001, "priorities": [{"name": "lo", "priority": 1}]}})
    prios = [{"name": "lo", "priority": 9}]
    if netdev:
        prios.append({"name": netdev, "priority": 4})
    casing.ok("update", "--resources", "-", cid,
              input=json.dumps({"network": {"classID": 0x20002, "priorities": prios}}))
    assert read(pid, "net_cls", "net_cls.classid") == str(0x20002)
    m = ifpriomap(pid)
    assert m["lo"] == 9
    if netdev:
        assert m[netdev] == 4


# ---- net_prio


@needs_net_prio
@pytest.mark.parametrize("driver", DRIVERS)
def test_net_prio_ifpriomap(casing, bundle, netdev, driver):
    prios = [{"name": "lo", "priority": 5}]
    if netdev:
        prios.append({"name": netdev, "priority": 7})
    cid, pid = start(casing, bundle, {"network": {"priorities": prios}}, driver)
    m = ifpriomap(pid)
    assert m["lo"] == 5, m
    if netdev:
        assert m[netdev] == 7, m
    # the kernel lists every interface; the others keep priority 0
    assert all(v == 0 for k, v in m.items() if k not in ("lo", netdev)), m


@needs_net_prio
def test_net_prio_unknown_interface_is_refused(casing, bundle):
    refused(casing, bundle, {"network": {"priorities": [{"name": "nosuchif0", "priority": 3}]}},
            "linux.resources.network.priorities[0]")


# ---- rdma


@needs_rdma
@pytest.mark.cgroup2
@pytest.mark.parametrize("driver", DRIVERS)
def test_rdma_limits(casing, bundle, rdma_device, driver):
    cid, pid = start(casing, bundle, {"rdma": {rdma_device: {"hcaHandles": 2, "hcaObjects": 3}}}, driver)
    assert rdma_max(pid)[rdma_device] == {"hca_handle": "2", "hca_object": "3"}


@needs_rdma
@pytest.mark.cgroup2
def test_rdma_update(casing, bundle, rdma_device):
    cid, pid = start(casing, bundle, {"rdma": {rdma_device: {"hcaHandles": 2, "hcaObjects": 3}}})
    casing.ok("update", "--resources", "-", cid,
              input=json.dumps({"rdma": {rdma_device: {"hcaHandles": 5, "hcaObjects": 7}}}))
    assert rdma_max(pid)[rdma_device] == {"hca_handle": "5", "hca_object": "7"}


@needs_rdma
@pytest.mark.cgroup2
def test_rdma_update_of_one_field_keeps_the_other(casing, bundle, rdma_device):
    # What runc does, and what the kernel does with "DEV hca_handle=N" alone:
    # a field the update does not name keeps its limit.
    cid, pid = start(casing, bundle, {"rdma": {rdma_device: {"hcaHandles": 2, "hcaObjects": 3}}})
    casing.ok("update", "--resources", "-", cid, input=json.dumps({"rdma": {rdma_device: {"hcaHandles": 4}}}))
    assert rdma_max(pid)[rdma_device] == {"hca_handle": "4", "hca_object": "3"}


@needs_rdma
@pytest.mark.cgroup2
def test_rdma_unknown_device_is_refused(casing, bundle):
    refused(casing, bundle, {"rdma": {"nosuchrdma0": {"hcaHandles": 1}}}, "linux.resources.rdma.nosuchrdma0")
