# SPDX-License-Identifier: GPL-2.0-or-later
"""Isolation: the root filesystem, `mounts` and their options, /dev and
linux.devices, maskedPaths/readonlyPaths, overlay layering.  Checked from
inside (mountinfo, stat, failing writes) and from the host."""
import os
import subprocess
import uuid

import pytest

from isolation_helpers import (add_namespace, created, mountinfo, ok_sh, run_sh, set_caps, userns)

NO_OPENAT2 = dict(os.environ, CASING_TEST_NO_OPENAT2="1")


def add_mount(bundle, dest, type_=None, source=None, options=None, **extra):
    m = {"destination": dest}
    if type_:
        m["type"] = type_
    if source:
        m["source"] = source
    if options is not None:
        m["options"] = options
    m.update(extra)
    bundle.config["mounts"].append(m)
    return m


def mi_of(out):
    return mountinfo(out)


# ---- root filesystem ----

def test_rootfs_absolute_path(casing, bundle):
    bundle.config["root"]["path"] = bundle.rootfs
    assert ok_sh(casing, bundle, "echo hi").strip() == "hi"


def test_rootfs_missing_is_an_error(casing, bundle):
    bundle.config["root"]["path"] = "nope"
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0 and "root.path" in r.stderr


def test_rootfs_readonly(casing, bundle):
    bundle.config["root"]["readonly"] = True
    out = ok_sh(casing, bundle, "touch /x 2>&1; cat /proc/self/mountinfo; touch /tmp/y 2>&1 || true")
    assert "Read-only file system" in out
    mi = mi_of(out)
    assert "ro" in mi["/"][0]
    # other mounts keep their own flags
    assert "rw" in mi["/dev/shm"][0]


def test_rootfs_pivot_detaches_old_root(casing, bundle):
    out = ok_sh(casing, bundle, "cat /proc/self/mountinfo")
    mi = mi_of(out)
    assert all(not mp.startswith(bundle.path) for mp in mi)
    assert "/work" not in mi and len(mi) < 30


def test_rootfs_no_pivot(casing, bundle):
    r = run_sh(casing, bundle, "cat /proc/self/mountinfo; ls /", extra=("--no-pivot",))
    assert r.returncode == 0, r
    assert "bin" in r.stdout.split()
    mi = mi_of(r.stdout)
    assert mi["/proc"][2] == "proc"


def test_container_mounts_invisible_on_host(casing, bundle):
    with created(casing, bundle):
        with open("/proc/self/mountinfo") as f:
            assert bundle.rootfs not in f.read()


@pytest.fixture
def shared_bundle(bundle):
    """The bundle on a shared mount of the host, so propagation shows."""
    subprocess.run(["mount", "--bind", bundle.path, bundle.path], check=True)
    subprocess.run(["mount", "--make-shared", bundle.path], check=True)
    yield bundle
    subprocess.run(["umount", "-l", bundle.path])


def root_line(out):
    return [l for l in out.splitlines() if l.split()[4] == "/"][0]


@pytest.mark.parametrize("prop,tag", [("private", None), ("rprivate", None), ("slave", "master:"),
                                      ("rslave", "master:"), ("shared", "shared:"),
                                      ("rshared", "shared:"), ("unbindable", "unbindable"),
                                      ("runbindable", "unbindable")])
def test_rootfs_propagation(casing, shared_bundle, prop, tag):
    bundle = shared_bundle
    bundle.config["linux"]["rootfsPropagation"] = prop
    out = ok_sh(casing, bundle, "cat /proc/self/mountinfo")
    line = root_line(out)
    opt = line.split(" - ")[0].split()[6:]
    if tag is None:
        assert not any(o.startswith(("shared:", "master:")) for o in opt), line
    else:
        assert any(o.startswith(tag) for o in opt), line
    if prop.startswith("r") and tag and tag != "master:":
        proc = [l for l in out.splitlines() if l.split()[4] == "/proc"][0]
        assert tag in proc.split(" - ")[0]


@pytest.mark.parametrize("prop,seen", [("rslave", True), ("rprivate", False), ("shared", True)])
def test_rootfs_propagation_from_host(casing, shared_bundle, prop, seen):
    """slave/shared: a mount made on the host later appears in the container;
    private: it does not.  Never the other way round."""
    bundle = shared_bundle
    bundle.config["linux"]["rootfsPropagation"] = prop
    os.makedirs(os.path.join(bundle.rootfs, "late"))
    with created(casing, bundle) as pid:
        late = os.path.join(bundle.rootfs, "late")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "latefs", late], check=True)
        try:
            with open("/proc/%d/mountinfo" % pid) as f:
                text = f.read()
            assert (" /late " in text) == seen, text
            with open("/proc/self/mountinfo") as f:
                host = f.read()
            # the container's own mounts never show up on the host
            assert os.path.join(bundle.rootfs, "proc") not in host
        finally:
            subprocess.run(["umount", "-l", late])


def test_rootfs_propagation_invalid(casing, bundle):
    bundle.config["linux"]["rootfsPropagation"] = "bogus"
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0 and "rootfsPropagation" in r.stderr


# ---- bind mounts ----

@pytest.fixture
def hostdir(tmpdir_path):
    d = os.path.join(tmpdir_path, "hostdir")
    os.makedirs(os.path.join(d, "sub"))
    with open(os.path.join(d, "file"), "w") as f:
        f.write("content\n")
    return d


def test_bind_ro_is_really_readonly(casing, bundle, hostdir):
    add_mount(bundle, "/data", "bind", hostdir, ["rbind", "ro"])
    out = ok_sh(casing, bundle, "cat /data/file; { echo x > /data/file; } 2>&1; touch /data/new 2>&1; "
                "cat /proc/self/mountinfo")
    assert "content" in out
    assert out.count("Read-only file system") == 2
    assert "ro" in mi_of(out)["/data"][0]
    assert not os.path.exists(os.path.join(hostdir, "new"))


def test_bind_rw_writes_reach_host(casing, bundle, hostdir):
    add_mount(bundle, "/data", None, hostdir, ["bind"])
    ok_sh(casing, bundle, "echo fromctr > /data/new")
    with open(os.path.join(hostdir, "new")) as f:
        assert f.read() == "fromctr\n"


def test_bind_relative_source_and_file(casing, bundle):
    with open(os.path.join(bundle.path, "single"), "w") as f:
        f.write("one\n")
    add_mount(bundle, "/etc/deep/single", "none", "single", ["bind", "ro"])
    out = ok_sh(casing, bundle, "cat /etc/deep/single; stat -c %F /etc/deep/single")
    assert out.split("\n")[:2] == ["one", "regular file"]


def test_rbind_rro_makes_submounts_readonly(casing, bundle, hostdir):
    sub = os.path.join(hostdir, "sub")
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", sub], check=True)
    try:
        add_mount(bundle, "/a", "bind", hostdir, ["rbind", "ro"])
        add_mount(bundle, "/b", "bind", hostdir, ["rbind", "rro"])
        out = ok_sh(casing, bundle, "touch /a/sub/x 2>&1 && echo a-sub-writable; "
                    "touch /b/sub/x 2>&1 || echo b-sub-ro; cat /proc/self/mountinfo")
        assert "a-sub-writable" in out and "b-sub-ro" in out
        mi = mi_of(out)
        assert "ro" in mi["/b/sub"][0] and "rw" in mi["/a/sub"][0]
    finally:
        subprocess.run(["umount", "-l", sub])


def test_bind_flags_and_recursive_attrs(casing, bundle, hostdir):
    add_mount(bundle, "/f", "bind", hostdir,
              ["rbind", "nosuid", "nodev", "noexec", "noatime", "nodiratime", "nosymfollow"])
    add_mount(bundle, "/g", "bind", hostdir, ["rbind", "rnosuid", "rnodev", "rnoexec", "rstrictatime"])
    out = ok_sh(casing, bundle, "cat /proc/self/mountinfo")
    mi = mi_of(out)
    for o in ("nosuid", "nodev", "noexec", "noatime", "nodiratime", "nosymfollow"):
        assert o in mi["/f"][0], o
    for o in ("nosuid", "nodev", "noexec"):
        assert o in mi["/g"][0], o
    assert "relatime" not in mi["/g"][0] and "noatime" not in mi["/g"][0]


@pytest.mark.parametrize("prop,tag", [("shared", "shared:"), ("rshared", "shared:"),
                                      ("slave", None), ("private", None), ("unbindable", "unbindable")])
def test_bind_propagation_option(casing, bundle, hostdir, prop, tag):
    add_mount(bundle, "/p", "bind", hostdir, ["rbind", prop])
    out = ok_sh(casing, bundle, "cat /proc/self/mountinfo")
    opt = mi_of(out)["/p"][1]
    if tag:
        assert any(o.startswith(tag) for o in opt), opt
    else:
        assert not any(o.startswith("shared:") for o in opt), opt


def test_bind_missing_source(casing, bundle):
    add_mount(bundle, "/x", "bind", "/does/not/exist", ["bind"])
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "mounts[" in r.stderr and "/does/not/exist" in r.stderr


# ---- filesystems ----

def test_tmpfs_options_and_data(casing, bundle):
    add_mount(bundle, "/t", "tmpfs", "tmpfs", ["nosuid", "nodev", "noexec", "size=1m", "mode=700",
                                               "relatime", "sync", "dirsync"])
    out = ok_sh(casing, bundle, "stat -c %a /t; cat /proc/self/mountinfo")
    assert out.split("\n")[0] == "700"
    opts, _, fstype, sopts = mi_of(out)["/t"]
    assert fstype == "tmpfs"
    assert {"nosuid", "nodev", "noexec", "relatime"} <= set(opts)
    assert "size=1024k" in sopts and "mode=700" in sopts and "sync" in sopts and "dirsync" in sopts


def test_proc_sysfs_mqueue_devpts(casing, bundle):
    out = ok_sh(casing, bundle, "cat /proc/self/mountinfo")
    mi = mi_of(out)
    assert mi["/proc"][2] == "proc"
    assert mi["/sys"][2] == "sysfs" and "ro" in mi["/sys"][0]
    assert mi["/dev/mqueue"][2] == "mqueue"
    assert mi["/dev/pts"][2] == "devpts"
    assert "ptmxmode=666" in mi["/dev/pts"][3] and "gid=5" in mi["/dev/pts"][3]


def test_unknown_filesystem_type_error(casing, bundle):
    add_mount(bundle, "/z", "nosuchfs", "none", [])
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "mounts[" in r.stderr and "nosuchfs" in r.stderr


def test_remount_option(casing, bundle):
    add_mount(bundle, "/t", "tmpfs", "tmpfs", ["size=1m"])
    add_mount(bundle, "/t", "tmpfs", "tmpfs", ["remount", "ro", "size=2m"])
    out = ok_sh(casing, bundle, "cat /proc/self/mountinfo")
    opts, _, _, sopts = mi_of(out)["/t"]
    assert "ro" in opts and "size=2048k" in sopts


def test_tmpcopyup(casing, bundle):
    os.makedirs(os.path.join(bundle.rootfs, "etc", "conf.d"))
    with open(os.path.join(bundle.rootfs, "etc", "conf.d", "a.conf"), "w") as f:
        f.write("a=1\n")
    os.symlink("conf.d/a.conf", os.path.join(bundle.rootfs, "etc", "alink"))
    os.chown(os.path.join(bundle.rootfs, "etc", "conf.d"), 1234, 5678)
    add_mount(bundle, "/etc", "tmpfs", "tmpfs", ["tmpcopyup", "mode=755"])
    out = ok_sh(casing, bundle, "cat /etc/alink; stat -c '%u:%g' /etc/conf.d; grep -c root /etc/passwd; "
                "echo new > /etc/new; cat /proc/self/mountinfo")
    lines = out.split("\n")
    assert lines[0] == "a=1" and lines[1] == "1234:5678" and lines[2] == "1"
    assert mi_of(out)["/etc"][2] == "tmpfs"
    assert not os.path.exists(os.path.join(bundle.rootfs, "etc", "new"))


def test_cgroup_mount_hybrid_layout(casing, bundle):
    add_mount(bundle, "/sys/fs/cgroup", "cgroup", "cgroup", ["nosuid", "noexec", "nodev", "relatime", "ro"])
    out = ok_sh(casing, bundle, "ls /sys/fs/cgroup; cat /proc/self/mountinfo; cat /proc/self/cgroup")
    mi = mi_of(out)
    if os.path.isdir("/sys/fs/cgroup/memory"):
        # the same hierarchies (and co-mount symlinks) as the host
        host = {e for e in os.listdir("/sys/fs/cgroup")}
        assert host <= set(out.split()), (host, out)
        assert mi["/sys/fs/cgroup/memory"][2] == "cgroup"
        assert "ro" in mi["/sys/fs/cgroup/memory"][0]
        assert mi["/sys/fs/cgroup"][2] == "tmpfs"
    if os.path.isdir("/sys/fs/cgroup/unified"):
        assert mi["/sys/fs/cgroup/unified"][2] == "cgroup2"
    # with a cgroup namespace the container's cgroup is the root of the view
    assert ":/\n" in out or out.rstrip().endswith(":/")


def test_cgroup_mount_without_cgroupns(casing, bundle):
    bundle.config["linux"]["namespaces"] = [n for n in bundle.config["linux"]["namespaces"]
                                           if n["type"] != "cgroup"]
    add_mount(bundle, "/sys/fs/cgroup", "cgroup", "cgroup", ["ro"])
    out = ok_sh(casing, bundle, "cat /proc/self/mountinfo; ls /sys/fs/cgroup/pids 2>/dev/null | head -3")
    mi = mi_of(out)
    if os.path.isdir("/sys/fs/cgroup/pids"):
        # the container's own cgroup directory is bound, not the host's root
        assert mi["/sys/fs/cgroup/pids"][2] == "cgroup"


def test_overlay_mount_entry(casing, bundle):
    for d in ("l1", "l2", "up", "work"):
        os.makedirs(os.path.join(bundle.path, "ov", d))
    with open(os.path.join(bundle.path, "ov", "l1", "a"), "w") as f:
        f.write("l1\n")
    with open(os.path.join(bundle.path, "ov", "l2", "a"), "w") as f:
        f.write("l2\n")
    ov = os.path.join(bundle.path, "ov")
    add_mount(bundle, "/merged", "overlay", "overlay",
              ["lowerdir=%s/l1:%s/l2" % (ov, ov), "upperdir=%s/up" % ov, "workdir=%s/work" % ov])
    out = ok_sh(casing, bundle, "cat /merged/a; echo c > /merged/c; echo x >> /merged/a; "
                "cat /proc/self/mountinfo")
    assert out.split("\n")[0] == "l1"
    assert mi_of(out)["/merged"][2] == "overlay"
    assert open(os.path.join(ov, "up", "c")).read() == "c\n"
    assert open(os.path.join(ov, "up", "a")).read() == "l1\nx\n"
    assert open(os.path.join(ov, "l1", "a")).read() == "l1\n"


@pytest.fixture
def overlay_rootfs(bundle):
    """An engine-style rootfs: read-only layers stacked by overlayfs."""
    base = os.path.join(bundle.path, "layers")
    lower1, lower2 = os.path.join(base, "base"), os.path.join(base, "app")
    upper, work, merged = (os.path.join(base, n) for n in ("upper", "work", "merged"))
    os.makedirs(base)
    os.rename(bundle.rootfs, lower1)
    for d in (lower2, upper, work, merged):
        os.makedirs(d)
    os.makedirs(os.path.join(lower2, "app"))
    with open(os.path.join(lower2, "app", "version"), "w") as f:
        f.write("2\n")
    with open(os.path.join(lower1, "etc", "motd"), "w") as f:
        f.write("base\n")
    subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                    "lowerdir=%s:%s,upperdir=%s,workdir=%s" % (lower2, lower1, upper, work), merged],
                   check=True)
    bundle.config["root"]["path"] = merged
    yield {"lower1": lower1, "lower2": lower2, "upper": upper, "merged": merged}
    subprocess.run(["umount", "-l", merged])


def snapshot(d):
    out = {}
    for root, dirs, files in os.walk(d):
        for n in files + dirs:
            p = os.path.join(root, n)
            st = os.lstat(p)
            out[os.path.relpath(p, d)] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return out


def test_overlay_rootfs_layers(casing, bundle, overlay_rootfs):
    before1, before2 = snapshot(overlay_rootfs["lower1"]), snapshot(overlay_rootfs["lower2"])
    out = ok_sh(casing, bundle, "cat /app/version /etc/motd; echo changed > /etc/motd; "
                "echo new > /root/new; rm /app/version; mkdir /var/x; cat /etc/motd")
    assert out.split() == ["2", "base", "changed"]
    up = overlay_rootfs["upper"]
    assert open(os.path.join(up, "etc", "motd")).read() == "changed\n"
    assert open(os.path.join(up, "root", "new")).read() == "new\n"
    assert os.path.isdir(os.path.join(up, "var", "x"))
    # a whiteout for the deleted file
    wh = os.stat(os.path.join(up, "app", "version"))
    assert os.major(wh.st_rdev) == 0 and os.minor(wh.st_rdev) == 0
    assert snapshot(overlay_rootfs["lower1"]) == before1
    assert snapshot(overlay_rootfs["lower2"]) == before2


def test_overlay_rootfs_as_mount_over_root(casing, bundle):
    """An overlay `mounts` entry at "/" built from relative layer paths."""
    for d in ("upper", "work"):
        os.makedirs(os.path.join(bundle.path, d))
    add_mount(bundle, "/", "overlay", "overlay",
              ["lowerdir=rootfs", "upperdir=upper", "workdir=work"])
    # "/" first, so the other mounts land on top of the overlay
    bundle.config["mounts"].insert(0, bundle.config["mounts"].pop())
    out = ok_sh(casing, bundle, "echo hi > /hello; cat /proc/self/mountinfo")
    assert mi_of(out)["/"][2] == "overlay"
    assert open(os.path.join(bundle.path, "upper", "hello")).read() == "hi\n"
    assert not os.path.exists(os.path.join(bundle.rootfs, "hello"))


# ---- path safety ----

@pytest.mark.parametrize("env", [None, NO_OPENAT2], ids=["openat2", "fallback"])
def test_destination_symlink_escape_stays_in_rootfs(casing, bundle, env):
    name = "casing-escape-" + uuid.uuid4().hex[:8]
    os.symlink("../../../../../../../../tmp/" + name, os.path.join(bundle.rootfs, "escape"))
    os.symlink("/tmp/" + name + "-abs", os.path.join(bundle.rootfs, "escape-abs"))
    os.makedirs(os.path.join(bundle.rootfs, "a", "b"))
    os.symlink("../../../..", os.path.join(bundle.rootfs, "a", "b", "up"))
    add_mount(bundle, "/escape", "tmpfs", "tmpfs", ["size=1m"])
    add_mount(bundle, "/escape-abs/deeper", "tmpfs", "tmpfs", ["size=1m"])
    add_mount(bundle, "/a/b/up/tmp/" + name + "-rel", "tmpfs", "tmpfs", ["size=1m"])
    out = ok_sh(casing, bundle, "cat /proc/self/mountinfo", env=env)
    mi = mi_of(out)
    assert mi["/tmp/" + name][2] == "tmpfs"
    assert mi["/tmp/" + name + "-abs/deeper"][2] == "tmpfs"
    assert mi["/tmp/" + name + "-rel"][2] == "tmpfs"
    for suffix in ("", "-abs", "-rel"):
        assert not os.path.exists("/tmp/" + name + suffix)
        assert os.path.isdir(os.path.join(bundle.rootfs, "tmp", name + suffix))


@pytest.mark.parametrize("env", [None, NO_OPENAT2], ids=["openat2", "fallback"])
def test_bind_destination_symlink_escape(casing, bundle, hostdir, env):
    target = "/tmp/casing-bind-escape-" + uuid.uuid4().hex[:8]
    os.symlink(target, os.path.join(bundle.rootfs, "data"))
    add_mount(bundle, "/data/inner", "bind", hostdir, ["rbind", "ro"])
    out = ok_sh(casing, bundle, "cat " + target + "/inner/file", env=env)
    assert out == "content\n"
    assert not os.path.exists(target)


# ---- /dev ----

DEFAULT_DEVICES = {"null": (1, 3), "zero": (1, 5), "full": (1, 7), "random": (1, 8),
                   "urandom": (1, 9), "tty": (5, 0)}


def check_default_devices(out):
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith("/dev/"):
            n = parts[0][5:]
            if n in DEFAULT_DEVICES:
                assert (int(parts[1], 16), int(parts[2], 16)) == DEFAULT_DEVICES[n], line


DEV_SCRIPT = ("for d in null zero full random urandom tty; do stat -c '%n %t %T' /dev/$d; done; "
              "for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done; "
              "stat -c '%a' /dev/null; cat /proc/self/mountinfo")


def test_default_devices(casing, bundle):
    out = ok_sh(casing, bundle, DEV_SCRIPT)
    check_default_devices(out)
    for n in DEFAULT_DEVICES:
        assert "/dev/%s " % n in out
    for t in ("pts/ptmx", "/proc/self/fd", "/proc/self/fd/0", "/proc/self/fd/1", "/proc/self/fd/2"):
        assert t + "\n" in out
    assert "\n666\n" in out
    mi = mi_of(out)
    assert mi["/dev"][2] == "tmpfs" and mi["/dev/shm"][2] == "tmpfs" and mi["/dev/pts"][2] == "devpts"


def test_dev_without_dev_mount(casing, bundle):
    bundle.config["mounts"] = [m for m in bundle.config["mounts"] if not m["destination"].startswith("/dev")]
    out = ok_sh(casing, bundle, DEV_SCRIPT)
    check_default_devices(out)
    mi = mi_of(out)
    assert mi["/dev"][2] == "tmpfs" and "nosuid" in mi["/dev"][0]
    assert "/dev/pts" not in mi


def test_dev_bind_mount_gets_no_default_devices(casing, bundle, tmpdir_path):
    devdir = os.path.join(tmpdir_path, "mydev")
    os.makedirs(devdir)
    bundle.config["mounts"] = [m for m in bundle.config["mounts"] if not m["destination"].startswith("/dev")]
    add_mount(bundle, "/dev", "bind", devdir, ["rbind"])
    ok_sh(casing, bundle, "ls /dev")
    assert os.listdir(devdir) == []


def test_linux_devices_mknod(casing, bundle):
    bundle.config["linux"]["devices"] = [
        {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 0o640, "uid": 12, "gid": 34},
        {"path": "/dev/sdz", "type": "b", "major": 8, "minor": 240, "fileMode": 0o600},
        {"path": "/opt/pipe", "type": "p", "fileMode": 0o620},
    ]
    out = ok_sh(casing, bundle, "stat -c '%n %F %t %T %a %u %g' /dev/fuse /dev/sdz /opt/pipe")
    lines = out.splitlines()
    assert lines[0] == "/dev/fuse character special file a e5 640 12 34"
    assert lines[1] == "/dev/sdz block special file 8 f0 600 0 0"
    assert lines[2].startswith("/opt/pipe fifo") and " 620 " in lines[2]


def test_linux_devices_conflicting_file(casing, bundle):
    with open(os.path.join(bundle.rootfs, "notadev"), "w") as f:
        f.write("x")
    bundle.config["linux"]["devices"] = [{"path": "/notadev", "type": "c", "major": 1, "minor": 3}]
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "linux.devices[0]" in r.stderr


def test_linux_devices_in_user_namespace_are_bind_mounted(casing, bundle):
    userns(bundle)
    bundle.config["linux"]["devices"] = [{"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200,
                                          "fileMode": 0o666}]
    out = ok_sh(casing, bundle, "stat -c '%t %T' /dev/net/tun /dev/null; cat /proc/self/mountinfo")
    assert out.splitlines()[:2] == ["a c8", "1 3"]
    mi = mi_of(out)
    assert "/dev/net/tun" in mi and "/dev/null" in mi


# ---- masked and readonly paths ----

def test_masked_paths(casing, bundle):
    bundle.config["linux"]["maskedPaths"] = ["/proc/keys", "/proc/acpi", "/sys/firmware",
                                             "/does/not/exist", "/etc/passwd"]
    out = ok_sh(casing, bundle, "wc -c < /proc/keys; ls -A /proc/acpi | wc -l; ls -A /sys/firmware | wc -l; "
                "wc -c < /etc/passwd; touch /proc/acpi/x 2>&1; echo x > /etc/passwd && echo wrote; "
                "stat -c '%t %T' /proc/keys; cat /proc/self/mountinfo")
    lines = out.splitlines()
    assert [l.strip() for l in lines[:4]] == ["0", "0", "0", "0"]
    assert "Read-only file system" in lines[4]
    assert "wrote" in out                 # /dev/null swallows it
    assert "1 3" in out
    assert os.path.getsize(os.path.join(bundle.rootfs, "etc", "passwd")) > 0
    mi = mi_of(out)
    assert mi["/proc/acpi"][2] == "tmpfs" and "ro" in mi["/proc/acpi"][0]


def test_readonly_paths(casing, bundle):
    bundle.config["linux"]["readonlyPaths"] = ["/proc/sys", "/proc/sysrq-trigger", "/tmp", "/nope"]
    set_caps(bundle, "CAP_SYS_ADMIN")
    out = ok_sh(casing, bundle, "{ echo foo > /proc/sys/kernel/hostname; } 2>&1; touch /tmp/x 2>&1; "
                "cat /proc/sys/kernel/ostype; cat /proc/self/mountinfo")
    assert out.count("Read-only file system") == 2
    assert "Linux" in out
    mi = mi_of(out)
    assert "ro" in mi["/proc/sys"][0] and "ro" in mi["/tmp"][0]


def test_masked_paths_with_fake_dev_null(casing, bundle, tmpdir_path):
    """A /dev where `null` is a regular file the image controls: masking
    still uses the real null device (cloned from the host before the pivot)."""
    devdir = os.path.join(tmpdir_path, "fakedev")
    os.makedirs(devdir)
    with open(os.path.join(devdir, "null"), "w") as f:
        f.write("I am not /dev/null\n")
    bundle.config["mounts"] = [m for m in bundle.config["mounts"] if not m["destination"].startswith("/dev")]
    add_mount(bundle, "/dev", "bind", devdir, ["rbind"])
    bundle.config["linux"]["maskedPaths"] = ["/proc/keys", "/etc/passwd"]
    out = ok_sh(casing, bundle, "wc -c < /proc/keys; wc -c < /etc/passwd; stat -c '%F %t %T' /etc/passwd")
    lines = out.splitlines()
    assert [lines[0].strip(), lines[1].strip()] == ["0", "0"]
    assert lines[2] == "character special file 1 3"


def test_masked_paths_without_dev_null_in_container(casing, bundle, tmpdir_path):
    devdir = os.path.join(tmpdir_path, "emptydev")
    os.makedirs(devdir)
    bundle.config["mounts"] = [m for m in bundle.config["mounts"] if not m["destination"].startswith("/dev")]
    add_mount(bundle, "/dev", "bind", devdir, ["rbind"])
    bundle.config["linux"]["maskedPaths"] = ["/proc/keys"]
    out = ok_sh(casing, bundle, "wc -c < /proc/keys")
    assert out.strip() == "0"


def test_masked_proc_target_must_be_procfs(casing, bundle, tmpdir_path):
    """/proc/keys replaced by a bind of a regular file: masking must refuse."""
    fake = os.path.join(tmpdir_path, "fakekeys")
    with open(fake, "w") as f:
        f.write("secret\n")
    add_mount(bundle, "/proc/keys", "bind", fake, ["bind"])
    bundle.config["linux"]["maskedPaths"] = ["/proc/keys"]
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "procfs" in r.stderr


# ---- idmapped mounts ----

def test_idmap_mount_with_own_mappings(casing, bundle, hostdir):
    os.chown(os.path.join(hostdir, "file"), 1000, 1000)
    add_mount(bundle, "/idm", "bind", hostdir, ["rbind", "idmap"],
              uidMappings=[{"containerID": 1000, "hostID": 5000, "size": 10}],
              gidMappings=[{"containerID": 1000, "hostID": 6000, "size": 10}])
    out = ok_sh(casing, bundle, "stat -c '%u %g' /idm/file; cat /proc/self/mountinfo")
    assert out.splitlines()[0] == "5000 6000"
    assert "idmapped" in mi_of(out)["/idm"][0]
    assert os.stat(os.path.join(hostdir, "file")).st_uid == 1000


def test_idmap_mount_with_container_userns(casing, bundle, hostdir):
    userns(bundle, 100000, 65536)
    os.chmod(os.path.dirname(hostdir), 0o755)
    os.chown(os.path.join(hostdir, "file"), 0, 0)
    add_mount(bundle, "/idm", "bind", hostdir, ["rbind", "idmap"])
    out = ok_sh(casing, bundle, "stat -c '%u %g' /idm/file; echo more >> /idm/file && echo wrote; "
                "cat /proc/self/mountinfo")
    assert out.splitlines()[0] == "0 0"   # host root appears as container root
    assert "wrote" in out
    assert os.stat(os.path.join(hostdir, "file")).st_uid == 0


def test_idmap_without_mappings_or_userns_fails(casing, bundle, hostdir):
    add_mount(bundle, "/idm", "bind", hostdir, ["rbind", "idmap"])
    r = run_sh(casing, bundle, "true")
    assert r.returncode != 0
    assert "idmap" in r.stderr


# ---- /dev/console ----

def test_dev_console_is_the_pty(casing, bundle, tmpdir_path):
    from casing_fixtures import ConsoleReceiver
    sock = os.path.join(tmpdir_path, "console.sock")
    rx = ConsoleReceiver(sock)
    try:
        bundle.config["process"]["terminal"] = True
        bundle.set_args("sh", "-c", "stat -c 'CONSOLE %t %F' /dev/console; "
                        "grep ' /dev/console ' /proc/self/mountinfo | cut -d' ' -f4-5; echo END")
        bundle.save()
        name = "iso-con-" + uuid.uuid4().hex[:8]
        casing.created.add(name)
        p = subprocess.run(casing.argv("create", "-b", bundle.path, "--console-socket", sock, name),
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 0, p.stderr
        assert rx.wait() is not None
        casing.ok("start", name)
        out = rx.read_until(b"END").decode(errors="replace")
        assert "CONSOLE 88 character special file" in out   # major 136 = 0x88: a pty
        assert "/dev/console" in out                          # bound, not a device node
    finally:
        rx.close()


def test_mount_label_without_selinux_is_ignored(casing, bundle):
    """mountLabel becomes a context= option only where SELinux is enabled."""
    bundle.config["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0:c1,c2"
    out = ok_sh(casing, bundle, "cat /proc/self/mountinfo")
    selinux = os.path.exists("/sys/fs/selinux/enforce")
    assert ("context=" in mi_of(out)["/dev/shm"][3][-1] or any("context" in o for o in mi_of(out)["/dev/shm"][3])) == selinux


def test_bind_then_remount_readonly(casing, bundle, hostdir):
    add_mount(bundle, "/data", "bind", hostdir, ["bind"])
    add_mount(bundle, "/data", "bind", hostdir, ["bind", "remount", "ro", "nosuid"])
    out = ok_sh(casing, bundle, "touch /data/x 2>&1; cat /proc/self/mountinfo")
    assert "Read-only file system" in out
    opts = mi_of(out)["/data"][0]
    assert "ro" in opts and "nosuid" in opts


def test_no_pivot_readonly_root_and_masks(casing, bundle):
    bundle.config["root"]["readonly"] = True
    r = run_sh(casing, bundle, "touch /x 2>&1; wc -c < /proc/keys; cat /proc/self/mountinfo",
               extra=("--no-pivot",))
    assert r.returncode == 0, r
    assert "Read-only file system" in r.stdout
    assert r.stdout.splitlines()[1].strip() == "0"
    assert "ro" in mi_of(r.stdout)["/"][0]


def test_cgroup_mount_in_user_namespace(casing, bundle):
    userns(bundle)
    add_mount(bundle, "/sys/fs/cgroup", "cgroup", "cgroup", ["nosuid", "noexec", "nodev", "ro"])
    out = ok_sh(casing, bundle, "cat /proc/self/cgroup; cat /proc/self/mountinfo")
    mi = mi_of(out)
    assert "/sys/fs/cgroup" in mi
    if os.path.isdir("/sys/fs/cgroup/memory"):
        assert mi["/sys/fs/cgroup/memory"][2] == "cgroup"
    for line in out.splitlines():
        if line[:1].isdigit() and line.count(":") >= 2 and " " not in line:
            assert line.split(":", 2)[2] == "/", line
