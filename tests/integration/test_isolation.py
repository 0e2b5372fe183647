# SPDX-License-Identifier: GPL-2.0-or-later
"""Isolation: namespaces (created, joined, inherited), user namespace
mappings, time offsets, hostname/domainname, sysctl, personality,
netDevices.  Each test looks from inside the container and from the host."""
import os
import subprocess
import uuid

import pytest

from isolation_helpers import (add_namespace, created, drop_namespace, mountinfo, ns_inode, ok_sh,
                               run_sh, userns)

ALL_NS = {"pid": "pid", "network": "net", "mount": "mnt", "ipc": "ipc", "uts": "uts",
          "cgroup": "cgroup", "user": "user", "time": "time"}


# ---- namespaces ----

def test_default_namespaces_created_and_others_inherited(casing, bundle):
    with created(casing, bundle) as pid:
        for t in ("pid", "network", "ipc", "uts", "mount", "cgroup"):
            assert ns_inode(pid, ALL_NS[t]) != ns_inode("self", ALL_NS[t]), t
        # not listed: inherited from the runtime
        assert ns_inode(pid, "user") == ns_inode("self", "user")
        assert ns_inode(pid, "time") == ns_inode("self", "time")


def test_all_eight_namespaces(casing, bundle):
    userns(bundle)
    add_namespace(bundle, "time")
    with created(casing, bundle) as pid:
        for t, name in ALL_NS.items():
            assert ns_inode(pid, name) != ns_inode("self", name), t
    out = ok_sh(casing, bundle, "echo $$; readlink /proc/self/ns/time")
    assert out.split()[0] == "1"


def test_namespace_not_listed_is_inherited(casing, bundle):
    drop_namespace(bundle, "network")
    drop_namespace(bundle, "ipc")
    with created(casing, bundle) as pid:
        assert ns_inode(pid, "net") == ns_inode("self", "net")
        assert ns_inode(pid, "ipc") == ns_inode("self", "ipc")
        assert ns_inode(pid, "uts") != ns_inode("self", "uts")


def host_mounts_under(path):
    """Host mount points at or below `path`, from the runtime's mountinfo."""
    with open("/proc/self/mountinfo") as f:
        points = [line.split()[4] for line in f]
    return [m for m in points if m == path or m.startswith(path + "/")]


def host_root_mount():
    """The host's "/" line of mountinfo minus the mount id: what must not change."""
    with open("/proc/self/mountinfo") as f:
        return [line.split()[1:] for line in f if line.split()[4] == "/"]


@pytest.fixture
def no_mount_ns(bundle):
    """A bundle without a mount namespace; whatever the container mounted
    in the runtime's namespace is detached afterwards."""
    drop_namespace(bundle, "mount")
    rootfs = os.path.realpath(bundle.rootfs)
    try:
        yield rootfs
    finally:
        # Only if a test failed half-way: delete detaches these itself.
        for _ in range(10):
            if not host_mounts_under(rootfs):
                break
            subprocess.run(["umount", "-R", "-l", rootfs], check=False)


@pytest.mark.parametrize("extra", [(), ("--no-pivot",)])
def test_mount_namespace_not_listed_is_inherited(casing, bundle, no_mount_ns, extra):
    """The runtime's mount namespace, as config-linux.md asks and runc does
    (runtime-tools linux_ns_itype): mounts go below the rootfs, the process
    is chrooted there, and neither pivot_root nor --no-pivot's move touches
    the host's "/"."""
    rootfs = no_mount_ns
    bundle.config["root"]["readonly"] = True
    bundle.config["linux"]["rootfsPropagation"] = "private"
    before = host_root_mount()
    with created(casing, bundle, extra=extra) as pid:
        assert ns_inode(pid, "mnt") == ns_inode("self", "mnt")
        assert os.readlink("/proc/%d/root" % pid) == rootfs
        points = host_mounts_under(rootfs)
        for m in ("", "/proc", "/dev", "/dev/pts", "/sys", "/proc/keys", "/proc/sys"):
            assert rootfs + m in points, m
        info = mountinfo(open("/proc/self/mountinfo").read())
        assert "ro" in info[rootfs][0]
        assert not [f for f in info[rootfs][1] if f.startswith(("shared:", "master:"))]
        assert "ro" in info[rootfs + "/proc/sys"][0]
    # delete detached everything the container had mounted in our namespace
    assert not host_mounts_under(rootfs)
    assert host_root_mount() == before
    out = ok_sh(casing, bundle, "readlink /proc/self/ns/mnt; ls /bin/busybox; "
                "stat -c %t:%T /proc/keys; touch /x 2>&1 || echo ro", extra=extra)
    lines = out.split("\n")
    assert lines[0] == os.readlink("/proc/self/ns/mnt")
    assert lines[1] == "/bin/busybox" and lines[2] == "1:3" and lines[-2] == "ro"
    assert host_root_mount() == before
    assert not host_mounts_under(rootfs)


def test_host_root_without_mount_namespace_refused(casing, bundle, no_mount_ns):
    """root.path "/" in the runtime's mount namespace would mount over the
    host's own /proc and /dev."""
    bundle.config["root"]["path"] = "/"
    before = host_mounts_under("/proc")
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "without a `mount` namespace" in r.stderr
    assert host_mounts_under("/proc") == before


def test_user_namespace_without_mount_namespace_explains(casing, bundle, no_mount_ns):
    """Its mounts would be in the host's mount namespace, which a new user
    namespace has no privilege over."""
    userns(bundle)
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "needs a `mount` namespace" in r.stderr
    assert not host_mounts_under(no_mount_ns)


@pytest.fixture
def holder():
    """A process in fresh net, uts and ipc namespaces, to be joined by path."""
    p = subprocess.Popen(["unshare", "--net", "--uts", "--ipc", "sleep", "120"])
    try:
        import time
        for _ in range(200):
            if ns_inode(p.pid, "net") != ns_inode("self", "net"):
                break
            time.sleep(0.01)
        yield p.pid
    finally:
        p.kill()
        p.wait()


def test_join_namespaces_by_path(casing, bundle, holder):
    for t, n in (("network", "net"), ("uts", "uts"), ("ipc", "ipc")):
        add_namespace(bundle, t, "/proc/%d/ns/%s" % (holder, n))
    with created(casing, bundle) as pid:
        for n in ("net", "uts", "ipc"):
            assert ns_inode(pid, n) == ns_inode(holder, n), n
        assert ns_inode(pid, "mnt") != ns_inode(holder, "mnt")


def test_join_pid_namespace_by_path(casing, bundle):
    p = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "sleep", "120"])
    try:
        import time
        child = None
        for _ in range(300):
            kids = open("/proc/%d/task/%d/children" % (p.pid, p.pid)).read().split()
            if kids:
                child = int(kids[0])
                break
            time.sleep(0.01)
        assert child
        add_namespace(bundle, "pid", "/proc/%d/ns/pid" % child)
        with created(casing, bundle) as pid:
            assert ns_inode(pid, "pid") == ns_inode(child, "pid")
    finally:
        p.kill()
        p.wait()


def test_join_wrong_namespace_type_fails(casing, bundle):
    add_namespace(bundle, "network", "/proc/self/ns/uts")
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "not a network namespace" in r.stderr
    assert "linux.namespaces[" in r.stderr


def test_join_missing_namespace_path_fails(casing, bundle):
    add_namespace(bundle, "ipc", "/proc/999999999/ns/ipc")
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "/proc/999999999/ns/ipc" in r.stderr


def test_join_non_namespace_file_fails(casing, bundle):
    add_namespace(bundle, "uts", "/etc/hostname" if os.path.exists("/etc/hostname") else "/etc/passwd")
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "namespace" in r.stderr


# ---- user namespace ----

def test_user_namespace_mappings(casing, bundle):
    userns(bundle, 200000, 65536)
    with created(casing, bundle) as pid:
        with open("/proc/%d/uid_map" % pid) as f:
            assert f.read().split() == ["0", "200000", "65536"]
        with open("/proc/%d/gid_map" % pid) as f:
            assert f.read().split() == ["0", "200000", "65536"]
        with open("/proc/%d/setgroups" % pid) as f:
            assert f.read().strip() == "allow"   # root in the parent: setgroups stays usable
        st = os.stat("/proc/%d" % pid)
        assert st.st_uid == 200000
    out = ok_sh(casing, bundle, "id -u; cat /proc/self/uid_map; touch /tmp/f && stat -c %u /tmp/f")
    lines = out.split("\n")
    assert lines[0] == "0"
    assert lines[1].split() == ["0", "200000", "65536"]
    assert lines[2] == "0"


def test_user_namespace_rootfs_and_devices(casing, bundle):
    """In a user namespace devices are bind-mounted from the host and the
    mounts (proc, sysfs with its own netns, tmpfs) still work."""
    userns(bundle)
    out = ok_sh(casing, bundle,
                "stat -c '%t:%T %F' /dev/null /dev/zero; cat /proc/self/mountinfo; "
                "echo x > /dev/null && echo wrote")
    assert out.count("1:3 character special file") == 1
    assert "1:5 character special file" in out
    assert "wrote" in out
    mi = mountinfo(out)
    assert mi["/proc"][2] == "proc"
    assert mi["/sys"][2] == "sysfs"


def test_user_namespace_sysfs_without_netns_binds_host(casing, bundle):
    userns(bundle)
    drop_namespace(bundle, "network")
    out = ok_sh(casing, bundle, "cat /proc/self/mountinfo; ls /sys/kernel >/dev/null && echo sysok")
    assert "sysok" in out
    mi = mountinfo(out)
    assert mi["/sys"][2] == "sysfs"
    assert "ro" in mi["/sys"][0]


# ---- time namespace ----

def test_time_namespace_offsets(casing, bundle):
    add_namespace(bundle, "time")
    bundle.config["linux"]["timeOffsets"] = {"boottime": {"secs": 10 * 86400},
                                             "monotonic": {"secs": 5 * 86400, "nanosecs": 42}}
    with created(casing, bundle) as pid:
        assert ns_inode(pid, "time") != ns_inode("self", "time")
        with open("/proc/%d/timens_offsets" % pid) as f:
            offs = {l.split()[0]: l.split()[1:] for l in f.read().splitlines()}
        assert offs["monotonic"] == ["432000", "42"]
        assert offs["boottime"] == ["864000", "0"]
    with open("/proc/uptime") as f:
        host_uptime = float(f.read().split()[0])
    out = ok_sh(casing, bundle, "cat /proc/uptime")
    assert float(out.split()[0]) >= host_uptime + 10 * 86400 - 5


def test_time_offsets_without_time_namespace_fails(casing, bundle):
    bundle.config["linux"]["timeOffsets"] = {"boottime": {"secs": 1}}
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "timeOffsets" in r.stderr


# ---- uts ----

def test_hostname_and_domainname(casing, bundle):
    bundle.config["hostname"] = "box-" + uuid.uuid4().hex[:6]
    bundle.config["domainname"] = "example.test"
    out = ok_sh(casing, bundle, "hostname; cat /proc/sys/kernel/domainname")
    assert out.split() == [bundle.config["hostname"], "example.test"]
    assert os.uname().nodename != bundle.config["hostname"]


def test_hostname_without_uts_namespace_fails(casing, bundle):
    drop_namespace(bundle, "uts")
    before = os.uname().nodename
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "hostname" in r.stderr and "uts" in r.stderr
    assert os.uname().nodename == before


def test_domainname_without_uts_namespace_fails(casing, bundle):
    drop_namespace(bundle, "uts")
    del bundle.config["hostname"]
    bundle.config["domainname"] = "x.test"
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "domainname" in r.stderr


# ---- sysctl ----

def test_sysctl_namespaced_values(casing, bundle):
    bundle.config["linux"]["sysctl"] = {
        "net.ipv4.ip_forward": "1",
        "net/ipv4/ip_default_ttl": "42",
        "kernel.shmmax": "12345678",
        "kernel.msgmax": "4096",
        "fs.mqueue.msg_max": "11",
        "kernel.domainname": "sys.test",
    }
    with open("/proc/sys/net/ipv4/ip_default_ttl") as f:
        host_ttl = f.read()
    with open("/proc/sys/kernel/shmmax") as f:
        host_shmmax = f.read()
    out = ok_sh(casing, bundle,
                "cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/ip_default_ttl "
                "/proc/sys/kernel/shmmax /proc/sys/kernel/msgmax /proc/sys/fs/mqueue/msg_max "
                "/proc/sys/kernel/domainname")
    assert out.split() == ["1", "42", "12345678", "4096", "11", "sys.test"]
    with open("/proc/sys/net/ipv4/ip_default_ttl") as f:
        assert f.read() == host_ttl
    with open("/proc/sys/kernel/shmmax") as f:
        assert f.read() == host_shmmax


@pytest.mark.parametrize("key,value", [("vm.swappiness", "10"), ("kernel.pid_max", "40000"),
                                       ("fs.file-max", "100000")])
def test_sysctl_not_namespaced_refused(casing, bundle, key, value):
    bundle.config["linux"]["sysctl"] = {key: value}
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "linux.sysctl" in r.stderr and key in r.stderr and "not namespaced" in r.stderr


def test_sysctl_net_without_netns_refused(casing, bundle):
    drop_namespace(bundle, "network")
    bundle.config["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}
    with open("/proc/sys/net/ipv4/ip_forward") as f:
        before = f.read()
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "network" in r.stderr and "net.ipv4.ip_forward" in r.stderr
    with open("/proc/sys/net/ipv4/ip_forward") as f:
        assert f.read() == before


def test_sysctl_ipc_without_ipcns_refused(casing, bundle):
    drop_namespace(bundle, "ipc")
    bundle.config["linux"]["sysctl"] = {"kernel.shmmni": "100"}
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "`ipc` namespace" in r.stderr


def test_sysctl_in_user_namespace(casing, bundle):
    userns(bundle)
    bundle.config["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "7777777"}
    out = ok_sh(casing, bundle, "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax")
    assert out.split() == ["1", "7777777"]


# ---- personality ----

def test_personality_linux32(casing, bundle):
    bundle.config["linux"]["personality"] = {"domain": "LINUX32"}
    out = ok_sh(casing, bundle, "uname -m")
    assert out.strip() in ("i686", "i386", "armv8l", "armv7l", "s390", "ppc")


def test_personality_linux(casing, bundle):
    bundle.config["linux"]["personality"] = {"domain": "LINUX"}
    out = ok_sh(casing, bundle, "uname -m")
    assert out.strip() == os.uname().machine


def test_personality_flags_refused(casing, bundle):
    bundle.config["linux"]["personality"] = {"domain": "LINUX", "flags": ["UNKNOWN"]}
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "linux.personality.flags" in r.stderr


# ---- netDevices ----

@pytest.fixture
def dummy_link():
    """A dummy interface (a veth pair where the dummy driver is missing)."""
    name = "cd" + uuid.uuid4().hex[:8]
    peer = "cp" + name[2:]
    if subprocess.run(["ip", "link", "add", name, "type", "dummy"], stderr=subprocess.DEVNULL).returncode:
        subprocess.run(["ip", "link", "add", name, "type", "veth", "peer", "name", peer], check=True)
    subprocess.run(["ip", "addr", "add", "10.231.7.2/24", "dev", name], check=True)
    subprocess.run(["ip", "-6", "addr", "add", "fd00:231::2/64", "dev", name, "nodad"], check=True)
    yield name
    for n in (name, peer):
        subprocess.run(["ip", "link", "del", n], stderr=subprocess.DEVNULL)


def test_netdevices_moved_renamed_up_with_addresses(casing, bundle, dummy_link):
    bundle.config["linux"]["netDevices"] = {dummy_link: {"name": "ctr0"}}
    with created(casing, bundle) as pid:
        r = subprocess.run(["ip", "link", "show", dummy_link], capture_output=True)
        assert r.returncode != 0          # gone from the host
        out = subprocess.run(["nsenter", "-t", str(pid), "-n", "ip", "addr", "show", "ctr0"],
                             capture_output=True, text=True, check=True).stdout
        assert "10.231.7.2/24" in out
        assert "fd00:231::2/64" in out
        assert "UP" in out.split("\n")[0]


def test_netdevices_keep_name(casing, bundle, dummy_link):
    bundle.config["linux"]["netDevices"] = {dummy_link: {}}
    out = ok_sh(casing, bundle, "ip -o link show")
    assert dummy_link in out


def test_netdevices_missing_interface(casing, bundle):
    bundle.config["linux"]["netDevices"] = {"nosuchif0": {}}
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "nosuchif0" in r.stderr


def test_netdevices_require_netns(casing, bundle, dummy_link):
    drop_namespace(bundle, "network")
    bundle.config["linux"]["netDevices"] = {dummy_link: {}}
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "netDevices" in r.stderr


# ---- joining a user namespace by path ----

@pytest.fixture
def userns_holder():
    """A process in its own user (root -> host 100000) and network namespaces."""
    import time
    p = subprocess.Popen(["unshare", "--user", "--net", "sleep", "120"])
    q = None
    try:
        for _ in range(300):
            if ns_inode(p.pid, "user") != ns_inode("self", "user"):
                break
            time.sleep(0.01)
        for f in ("uid_map", "gid_map"):
            with open("/proc/%d/%s" % (p.pid, f), "w") as m:
                m.write("0 100000 65536\n")
        # a pid namespace owned by that user namespace (a pod's shared one)
        q = subprocess.Popen(["nsenter", "-t", str(p.pid), "-U",
                              "unshare", "--pid", "--fork", "sleep", "120"])
        child = None
        for _ in range(300):
            kids = open("/proc/%d/task/%d/children" % (q.pid, q.pid)).read().split()
            if kids:
                child = int(kids[0])
                break
            time.sleep(0.01)
        yield p.pid, child
    finally:
        for x in (q, p):
            if x:
                x.kill()
                x.wait()


def test_join_user_namespace_by_path(casing, bundle, userns_holder):
    """A pod-like container: user, network and pid namespaces joined; mount,
    ipc, uts and cgroup created inside the joined user namespace."""
    holder, pidholder = userns_holder
    userns(bundle)
    del bundle.config["linux"]["uidMappings"]
    del bundle.config["linux"]["gidMappings"]
    add_namespace(bundle, "user", "/proc/%d/ns/user" % holder)
    add_namespace(bundle, "network", "/proc/%d/ns/net" % holder)
    add_namespace(bundle, "pid", "/proc/%d/ns/pid" % pidholder)
    with created(casing, bundle) as pid:
        assert ns_inode(pid, "user") == ns_inode(holder, "user")
        assert ns_inode(pid, "net") == ns_inode(holder, "net")
        assert ns_inode(pid, "pid") == ns_inode(pidholder, "pid")
        for n in ("mnt", "ipc", "uts", "cgroup"):
            assert ns_inode(pid, n) != ns_inode("self", n), n
            assert ns_inode(pid, n) != ns_inode(holder, n), n
    out = ok_sh(casing, bundle, "cat /proc/self/uid_map; hostname; cat /proc/self/mountinfo")
    lines = out.splitlines()
    assert lines[0].split() == ["0", "100000", "65536"]
    assert lines[1] == "casing"
    mi = mountinfo(out)
    assert mi["/proc"][2] == "proc" and mi["/sys"][2] == "sysfs"


def test_join_user_namespace_with_new_pid_namespace_explains(casing, bundle, userns_holder):
    holder, _ = userns_holder
    userns(bundle)
    del bundle.config["linux"]["uidMappings"]
    del bundle.config["linux"]["gidMappings"]
    add_namespace(bundle, "user", "/proc/%d/ns/user" % holder)
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "pid namespace" in r.stderr


def _unused(out):
    lines = out.splitlines()
    assert lines[2] == "casing"
    mi = mountinfo(out)
    assert mi["/proc"][2] == "proc" and mi["/sys"][2] == "sysfs"


def test_join_time_namespace_by_path(casing, bundle):
    import time
    p = subprocess.Popen(["unshare", "--time", "--boottime", "100000", "--fork", "sleep", "120"])
    try:
        child = None
        for _ in range(300):
            kids = open("/proc/%d/task/%d/children" % (p.pid, p.pid)).read().split()
            if kids:
                child = int(kids[0])
                break
            time.sleep(0.01)
        add_namespace(bundle, "time", "/proc/%d/ns/time" % child)
        with created(casing, bundle) as pid:
            assert ns_inode(pid, "time") == ns_inode(child, "time")
        out = ok_sh(casing, bundle, "cat /proc/uptime")
        assert float(out.split()[0]) >= 100000
    finally:
        p.kill()
        p.wait()
