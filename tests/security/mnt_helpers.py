# SPDX-License-Identifier: GPL-2.0-or-later
"""What the mount, /dev and procfs-lookalike attacks share: the three
privilege profiles a victim is created with, a second (attacker) container
sharing a host directory with it, and host-side snapshots (mount table,
file content and mode) to compare after the attack."""
import contextlib
import glob
import os
import signal
import stat
import subprocess
import tempfile
import time

from attack_helpers import ALL_CAPS, install_attacker  # noqa: F401 (ALL_CAPS used by the tests)
from casing_fixtures import Bundle, Result
from isolation_helpers import cid, set_caps, userns

# How the victim container is configured: the attack must fail for each.
PROFILES = ["default", "allcaps", "userns"]

USERNS_HOST_ID = 100000


def apply_profile(bundle, profile):
    """default: `casing spec` capabilities; allcaps: every capability and
    no device restriction in the cgroup (like --privileged); userns: a new
    user namespace, root mapped to an unprivileged host uid."""
    if profile == "allcaps":
        set_caps(bundle, *ALL_CAPS)
        bundle.config["process"]["noNewPrivileges"] = False
        bundle.config["linux"]["resources"]["devices"] = [{"allow": True, "access": "rwm"}]
    elif profile == "userns":
        userns(bundle, host_id=USERNS_HOST_ID)
    elif profile != "default":
        raise ValueError(profile)


def bind(dest, source, *options):
    return {"destination": dest, "type": "bind", "source": source,
            "options": ["rbind"] + list(options)}


def host_mounts():
    """The host's mount table as a multiset of (mount point, fs type, root).
    The host is the suite's own mount namespace, where every mount is
    shared (conftest.host_namespace): this process's."""
    out = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields = left.split()
            out.append((fields[4], right.split()[0], fields[3]))
    return out


def host_peer_groups():
    """The peer groups (shared:N) of the host's mounts; asserts that "/" is
    shared, as the suite's namespace makes it (else a propagation leak
    could not show)."""
    groups, root_shared = set(), False
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.partition(" - ")[0].split()
            tags = [t for t in fields[6:] if t.startswith("shared:")]
            groups.update(int(t.split(":")[1]) for t in tags)
            root_shared = root_shared or (fields[4] == "/" and bool(tags))
    assert root_shared, "the host namespace's / is not shared (conftest.host_namespace)"
    return groups


def peer_groups_of(mountinfo_text, mount_point):
    """The shared:N peer groups of the mounts at MOUNT_POINT in a mountinfo."""
    out = set()
    for line in mountinfo_text.splitlines():
        fields = line.partition(" - ")[0].split()
        if len(fields) > 4 and fields[4] == mount_point:
            out.update(int(t.split(":")[1]) for t in fields[6:] if t.startswith("shared:"))
    return out


def gained_mounts(before, watched):
    """Mounts the host gained since `before` at or below a watched path, or
    anywhere outside the places where parallel tests mount their own things
    (their temp dirs, cgroups)."""
    gained = list(host_mounts())
    for m in before:
        if m in gained:
            gained.remove(m)
    noisy = ("/tmp/", "/run/", "/sys/fs/cgroup", "/var/lib/", "/proc/sys/fs/binfmt_misc")
    bad = []
    for mp, fstype, root in gained:
        if any(mp == w or mp.startswith(w.rstrip("/") + "/") for w in watched):
            bad.append((mp, fstype, root))
        elif not mp.startswith(noisy):
            bad.append((mp, fstype, root))
    return bad


class HostFile:
    """A host file an attack tries to reach: its content, mode and owner
    now, compared with `changes()` afterwards."""

    def __init__(self, path, content=b"host-secret\n", mode=0o600):
        self.path = path
        with open(path, "wb") as f:
            f.write(content)
        os.chmod(path, mode)
        self.snapshot = self._look()

    def chown(self, uid, gid):
        """Give the file to another owner (it becomes the snapshot)."""
        os.chown(self.path, uid, gid)
        self.snapshot = self._look()

    def _look(self):
        st = os.lstat(self.path)
        with open(self.path, "rb") as f:
            data = f.read()
        return (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, data)

    def changes(self):
        now = self._look()
        names = ("type", "mode", "uid", "gid", "content")
        return {n: (a, b) for n, a, b in zip(names, self.snapshot, now) if a != b}


def tree_snapshot(top):
    """Every entry below `top`: relative path -> (type, mode, uid, gid, rdev, symlink target)."""
    out = {}
    for d, dirs, files in os.walk(top):
        for name in dirs + files:
            p = os.path.join(d, name)
            st = os.lstat(p)
            out[os.path.relpath(p, top)] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode),
                                           st.st_uid, st.st_gid, st.st_rdev,
                                           os.readlink(p) if stat.S_ISLNK(st.st_mode) else None)
    return out


def new_bundle(tmpdir_path, name, args=None):
    return Bundle(os.path.join(tmpdir_path, name), args=args)


@contextlib.contextmanager
def attacker_container(casing, bundle, shared, args, stopfile, extra_mounts=()):
    """Run `args` (an attacker program already installed in `bundle`) in a
    detached container that has the host directory `shared` at /shared.
    On exit, STOPFILE is created in `shared` (the attacker polls it) and the
    container is deleted; yields its id."""
    bundle.config["mounts"].append(bind("/shared", shared))
    bundle.config["mounts"].extend(extra_mounts)
    bundle.set_args(*args)
    bundle.save()
    name = cid("mnt-attacker")
    r = casing.run("run", "-d", "-b", bundle.path, name, timeout=30)
    assert r.returncode == 0, r
    try:
        yield name
    finally:
        with open(os.path.join(shared, stopfile), "w"):
            pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            st = casing.run("state", name)
            if st.returncode != 0 or '"stopped"' in st.stdout:
                break
            time.sleep(0.05)
        casing.run("delete", "--force", name, timeout=30)
        casing.created.discard(name)


def run_victim(casing, bundle, args, env=None, timeout=30):
    """One foreground run of the victim; its id is forgotten afterwards (run
    deletes the container itself, and a loop of runs must not leave a long
    list for the fixture's cleanup)."""
    bundle.set_args(*args)
    bundle.save()
    name = cid("mnt-victim")
    r = casing.run("run", "-b", bundle.path, name, env=env, timeout=timeout)
    if r.returncode == 0:
        casing.created.discard(name)
    return r


def _cgroup_pids(name):
    """Pids in the container's cgroups (default cgroup path: its id)."""
    pids = set()
    for d in glob.glob("/sys/fs/cgroup/*/%s" % name) + glob.glob("/sys/fs/cgroup/*/*/*/%s" % name) + \
            glob.glob("/sys/fs/cgroup/%s" % name):
        try:
            with open(os.path.join(d, "cgroup.procs")) as f:
                pids.update(int(x) for x in f.read().split())
        except OSError:
            pass
    return pids


def run_victim_bounded(casing, bundle, args, timeout=20):
    """A foreground run that may hang in the runtime (the attack is a
    denial of service): None when it did not finish in time; the runtime
    and the half-made container are killed then, by pid."""
    bundle.set_args(*args)
    bundle.save()
    name = cid("mnt-victim")
    casing.created.add(name)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(casing.argv("run", "-b", bundle.path, name), stdin=subprocess.DEVNULL,
                             stdout=out, stderr=err)
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            for pid in _cgroup_pids(name):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.2)
            casing.run("delete", "--force", name, timeout=30)
            return None
        out.seek(0)
        err.seek(0)
        return Result(p, out.read().decode(errors="replace"), err.read().decode(errors="replace"))


def install(bundle, *names):
    for n in names:
        install_attacker(bundle, n)


def umount_quietly(path):
    subprocess.run(["umount", "-l", path], stderr=subprocess.DEVNULL)
