# SPDX-License-Identifier: GPL-2.0-or-later
"""Where a process' cgroup files are, on v1, hybrid and v2 hosts, read the
way the kernel shows them (mountinfo + /proc/PID/cgroup)."""
import os

import pytest


def _mounts():
    """[(mountpoint, root, fstype, controllers)] of the cgroup mounts."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            fields = left.split()
            fstype, _src, opts = right.split()[:3]
            if fstype not in ("cgroup", "cgroup2"):
                continue
            mnt = fields[4].replace("\\040", " ")
            if fstype == "cgroup2":
                try:
                    ctrls = set(open(os.path.join(mnt, "cgroup.controllers")).read().split())
                except OSError:
                    ctrls = set()
            else:
                ctrls = set(o for o in opts.split(",") if o not in ("rw", "ro") and "=" not in o or
                            o.startswith("name="))
            out.append((mnt, fields[3], fstype, ctrls))
    return out


def mode():
    ms = _mounts()
    v1 = any(t == "cgroup" and any(not c.startswith("name=") for c in cs) for _, _, t, cs in ms)
    v2 = any(t == "cgroup2" for _, _, t, _ in ms)
    return "hybrid" if v1 and v2 else ("v1" if v1 else "v2")


def is_v2():
    return mode() == "v2"


needs_v2 = pytest.mark.skipif(not is_v2(), reason="needs a pure cgroup v2 host (tests/vm/run-v2-tests.sh)")


def controller_dir(pid, controller):
    """(directory, is_v2) of `pid`'s cgroup holding `controller`, or (None, None).
    `freezer` and `devices` map to the v2 core when the host has no v1 one."""
    ms = _mounts()
    v1 = [m for m in ms if m[2] == "cgroup" and controller in m[3]]
    v2 = [m for m in ms if m[2] == "cgroup2"]
    with open("/proc/%d/cgroup" % pid) as f:
        lines = [l.rstrip("\n").split(":", 2) for l in f]
    if v1:
        mnt = v1[0][0]
        for _, ctrls, path in lines:
            if controller in ctrls.split(","):
                return mnt + (path if path != "/" else ""), False
    if v2 and (controller in v2[0][3] or controller in ("freezer", "devices", "")):
        for hid, ctrls, path in lines:
            if hid == "0" and ctrls == "":
                return v2[0][0] + (path if path != "/" else ""), True
    return None, None


def read(pid, controller, v1_file, v2_file=None):
    d, v2 = controller_dir(pid, controller)
    assert d, "no %s cgroup for %d" % (controller, pid)
    with open(os.path.join(d, v2_file if v2 else v1_file)) as f:
        return f.read().strip()


def all_dirs(pid):
    """Every cgroup directory of `pid` in every hierarchy (not the roots)."""
    dirs = []
    with open("/proc/%d/cgroup" % pid) as f:
        lines = [l.rstrip("\n").split(":", 2) for l in f]
    for mnt, _root, t, ctrls in _mounts():
        for hid, cs, path in lines:
            if path == "/":
                continue
            if t == "cgroup2" and hid == "0" and cs == "":
                dirs.append(mnt + path)
            elif t == "cgroup" and cs and set(cs.split(",")) <= ctrls:
                dirs.append(mnt + path)
    return sorted(set(dirs))


def block_device():
    """major:minor of a real whole disk, or None (blkio/io.max need one)."""
    try:
        names = sorted(os.listdir("/sys/block"))
    except OSError:
        return None
    for n in names:
        if n.startswith(("loop", "ram", "zram", "nbd")):
            continue
        try:
            return open("/sys/block/%s/dev" % n).read().strip()
        except OSError:
            continue
    return None


def hugepage_2mb():
    return os.path.isdir("/sys/kernel/mm/hugepages/hugepages-2048kB")


def run_detached(casing, bundle, cid, global_args=()):
    """`casing run -d`: the container inherits our stdout/stderr as runc's
    does, so they go to a file, never to a pipe we would wait on forever."""
    import subprocess
    import tempfile
    casing.created.add(cid)
    with tempfile.TemporaryFile(mode="w+") as f:
        r = subprocess.run(casing.argv("run", "-d", "--bundle", bundle.path, cid, global_args=global_args),
                           stdin=subprocess.DEVNULL, stdout=f, stderr=f, timeout=60)
        f.seek(0)
        out = f.read()
    return r.returncode, out
