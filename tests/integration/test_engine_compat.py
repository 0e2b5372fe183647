# SPDX-License-Identifier: GPL-2.0-or-later
"""What Podman, conmon, containerd's runc shim and Buildah pass and expect,
checked on casing alone (tests/engines runs the engines themselves): device
modes with the file-type bits, tmpfs options, every host device listed, the
process's HOME, hooks, sd_notify, the command line."""
import json
import os
import socket
import stat
import subprocess

import pytest

from casing_fixtures import unique_id, wait_for, write_script
from isolation_helpers import ok_sh, run_sh


def add_mount(bundle, dest, type_, source, options):
    bundle.config["mounts"].append({"destination": dest, "type": type_, "source": source,
                                    "options": options})


def proc_mount_options(out, dest):
    """The options /proc/self/mounts shows for `dest`."""
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 4 and f[1] == dest:
            return set(f[3].split(","))
    raise AssertionError("%s not mounted: %s" % (dest, out))


# ---- linux.devices as engines write them ----

def test_device_file_mode_with_type_bits(casing, bundle):
    # Podman writes st_mode: S_IFCHR|0600 (8576) for `--device /dev/fuse`.
    bundle.config["linux"]["devices"] = [
        {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229,
         "fileMode": stat.S_IFCHR | 0o640, "uid": 0, "gid": 0},
        {"path": "/dev/sdz", "type": "b", "major": 8, "minor": 240, "fileMode": stat.S_IFBLK | 0o600},
    ]
    out = ok_sh(casing, bundle, "stat -c '%n %F %a' /dev/fuse /dev/sdz")
    assert out.splitlines() == ["/dev/fuse character special file 640",
                                "/dev/sdz block special file 600"]


def host_devices():
    """Every character and block device of the host's /dev, as
    containerd's `WithHostDevices` (ctr run --privileged) lists them."""
    out = []
    for name in sorted(os.listdir("/dev")):
        path = os.path.join("/dev", name)
        st = os.lstat(path)
        if name == "console" or not (stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)):
            continue
        out.append({"path": path, "type": "c" if stat.S_ISCHR(st.st_mode) else "b",
                    "major": os.major(st.st_rdev), "minor": os.minor(st.st_rdev),
                    "fileMode": st.st_mode & 0o777, "uid": st.st_uid, "gid": st.st_gid})
    return out


def test_every_host_device_listed_ptmx_stays_the_pts_link(casing, bundle):
    devs = host_devices()
    assert any(d["path"] == "/dev/ptmx" for d in devs)
    bundle.config["linux"]["devices"] = devs
    bundle.config["linux"]["resources"]["devices"] = [{"allow": True, "access": "rwm"}]
    out = ok_sh(casing, bundle, "readlink /dev/ptmx; stat -c '%t:%T' /dev/null /dev/zero; ls /dev | wc -l")
    lines = out.splitlines()
    assert lines[0] == "pts/ptmx"
    assert lines[1:3] == ["1:3", "1:5"]
    assert int(lines[3]) >= len(devs)


# ---- tmpfs options (Podman --tmpfs, --mount type=tmpfs; ctr --mount) ----

def test_tmpfs_options_on_a_new_directory_with_tmpcopyup(casing, bundle):
    # `podman run --tmpfs /scratch:size=1m,mode=1777,...` as Podman writes it
    add_mount(bundle, "/scratch", "tmpfs", "tmpfs",
              ["size=1m", "mode=1770", "uid=1000", "gid=2000", "nr_inodes=100", "rw", "rprivate",
               "nosuid", "nodev", "tmpcopyup"])
    out = ok_sh(casing, bundle, "stat -c '%a %u %g' /scratch; cat /proc/self/mounts")
    assert out.splitlines()[0] == "1770 1000 2000"
    opts = proc_mount_options(out, "/scratch")
    assert {"size=1024k", "nr_inodes=100", "mode=1770", "uid=1000", "gid=2000"} <= opts, opts


def test_tmpfs_tmpcopyup_new_directory_keeps_the_tmpfs_default(casing, bundle):
    add_mount(bundle, "/scratch", "tmpfs", "tmpfs", ["rw", "nosuid", "nodev", "tmpcopyup"])
    assert ok_sh(casing, bundle, "stat -c '%a %u %g' /scratch").strip() == "1777 0 0"


def test_tmpfs_tmpcopyup_existing_directory(casing, bundle):
    d = os.path.join(bundle.rootfs, "data")
    os.makedirs(d)
    with open(os.path.join(d, "f"), "w") as f:
        f.write("x")
    os.chmod(d, 0o705)
    os.chown(d, 12, 34)
    # without options the mount point looks like the directory it covers
    add_mount(bundle, "/data", "tmpfs", "tmpfs", ["tmpcopyup"])
    assert ok_sh(casing, bundle, "stat -c '%a %u %g' /data; cat /data/f").splitlines() == ["705 12 34", "x"]
    # what the options say wins, the rest still comes from the directory
    bundle.config["mounts"][-1]["options"] = ["tmpcopyup", "mode=1777", "gid=56"]
    assert ok_sh(casing, bundle, "stat -c '%a %u %g' /data; cat /data/f").splitlines() == ["1777 12 56", "x"]


def test_tmpfs_options_without_tmpcopyup(casing, bundle):
    # containerd: --mount type=tmpfs,...,options=size=1m:mode=1770:...
    add_mount(bundle, "/t", "tmpfs", "tmpfs", ["size=2m", "mode=1770", "uid=5", "gid=6", "nr_inodes=50"])
    out = ok_sh(casing, bundle, "stat -c '%a %u %g' /t; cat /proc/self/mounts")
    assert out.splitlines()[0] == "1770 5 6"
    assert {"size=2048k", "nr_inodes=50", "mode=1770", "uid=5", "gid=6"} <= proc_mount_options(out, "/t")
