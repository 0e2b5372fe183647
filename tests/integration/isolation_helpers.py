# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers shared by the isolation integration tests."""
import contextlib
import os
import subprocess
import tempfile
import uuid

from casing_fixtures import wait_for


def cid(prefix="iso"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def run_sh(casing, bundle, script, env=None, extra=()):
    """Run `sh -c script` in the container, in the foreground; Result."""
    bundle.set_args("sh", "-c", script)
    bundle.save()
    return casing.run("run", "-b", bundle.path, *extra, cid(), env=env, timeout=60)


def ok_sh(casing, bundle, script, **kw):
    r = run_sh(casing, bundle, script, **kw)
    assert r.returncode == 0, r
    return r.stdout


@contextlib.contextmanager
def created(casing, bundle, args=("sleep", "60"), extra=(), env=None):
    """A created (not started) container: yields its host pid."""
    bundle.set_args(*args)
    bundle.save()
    name = cid()
    casing.created.add(name)
    # The container's stdio are create's: no pipe, or reading it never ends.
    with tempfile.TemporaryFile() as err:
        p = subprocess.run(casing.argv("create", "-b", bundle.path, *extra, name),
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                           env=env, timeout=60)
        err.seek(0)
        assert p.returncode == 0, err.read().decode()
    try:
        pid = casing.state(name)["pid"]
        yield pid
    finally:
        casing.run("delete", "--force", name, timeout=30)


def ns_inode(pid, ns):
    return os.stat("/proc/%s/ns/%s" % (pid, ns)).st_ino


def mountinfo(text):
    """Parse mountinfo text: {mountpoint: (mount_options, optional_fields, fstype, super_options)};
    the last mount on a mount point wins."""
    out = {}
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        if not sep or not right.split():
            continue
        f = left.split()
        if len(f) < 6:
            continue
        r = right.split()
        out[f[4]] = (f[5].split(","), f[6:], r[0], r[2].split(",") if len(r) > 2 else [])
    return out


def set_caps(bundle, *caps):
    c = bundle.config["process"]["capabilities"]
    for k in ("bounding", "effective", "permitted"):
        c[k] = sorted(set(c[k]) | set(caps))


def drop_namespace(bundle, t):
    bundle.config["linux"]["namespaces"] = [n for n in bundle.config["linux"]["namespaces"]
                                           if n["type"] != t]


def add_namespace(bundle, t, path=None):
    drop_namespace(bundle, t)
    ns = {"type": t}
    if path:
        ns["path"] = path
    bundle.config["linux"]["namespaces"].append(ns)


def userns(bundle, host_id=100000, size=65536):
    """A new user namespace mapping root to host_id.  As with runc, the
    rootfs must be reachable by that uid: open up the test directory and
    give the image to the mapped root (as engines do)."""
    add_namespace(bundle, "user")
    os.chmod(os.path.dirname(bundle.path), 0o755)
    os.chmod(bundle.path, 0o755)
    subprocess.run(["chown", "-R", "-h", "%d:%d" % (host_id, host_id), bundle.rootfs], check=True)
    bundle.config["linux"]["uidMappings"] = [{"containerID": 0, "hostID": host_id, "size": size}]
    bundle.config["linux"]["gidMappings"] = [{"containerID": 0, "hostID": host_id, "size": size}]


__all__ = ["cid", "run_sh", "ok_sh", "created", "ns_inode", "mountinfo", "set_caps",
           "drop_namespace", "add_namespace", "userns", "wait_for"]
