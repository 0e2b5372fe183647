# SPDX-License-Identifier: GPL-2.0-or-later
"""casing run by an unprivileged user made by the test (with /etc/subuid and
/etc/subgid ranges), and as uid 0 of a user namespace that user made
(`unshare --user --map-root-user`, as rootless Podman and rootlesskit run
the runtime).  What the kernel shows is checked on the host: the maps of the
container's user namespace, the uids of its processes, the cgroups it is in,
the modes of the state files."""
import json
import os
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile
import time

import pytest

from casing_fixtures import CASING, make_rootfs, unique_id, wait_for

USER = "casingrl"
SUBID_START = 600000
SUBID_COUNT = 65536
NEED = ("useradd", "userdel", "newuidmap", "newgidmap", "unshare")


def kill_processes_of(uids):
    """SIGKILL, by pid, every process whose uid is one of `uids`."""
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat("/proc/" + d).st_uid in uids:
                    os.kill(int(d), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass


class User:
    """The unprivileged user and a private directory of theirs: a runtime
    directory (XDG_RUNTIME_DIR) and bundles."""

    def __init__(self, pw, top):
        self.pw = pw
        self.uid, self.gid = pw.pw_uid, pw.pw_gid
        self.top = top
        self.xdg = os.path.join(top, "run")
        self.env = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME": top, "USER": USER,
                    "XDG_RUNTIME_DIR": self.xdg}

    def mkdir(self, *parts):
        path = os.path.join(self.top, *parts)
        os.makedirs(path, exist_ok=True)
        os.chown(path, self.uid, self.gid)
        return path

    def popen(self, argv, env=None, **kw):
        return subprocess.Popen(argv, user=self.uid, group=self.gid, extra_groups=[], env=env or self.env,
                                cwd=self.top, **kw)

    def run(self, argv, env=None, timeout=60):
        """Run argv as the user; stdout and stderr go through files (a
        container process may keep them open after the command is done)."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            p = self.popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            p.wait(timeout=timeout)
            out.seek(0)
            err.seek(0)
            return subprocess.CompletedProcess(argv, p.returncode, out.read().decode(errors="replace"),
                                               err.read().decode(errors="replace"))

    def casing(self, *args, env=None, prefix=(), timeout=60):
        return self.run([*prefix, CASING, *args], env=env, timeout=timeout)

    def ok(self, *args, **kw):
        r = self.casing(*args, **kw)
        assert r.returncode == 0, r
        return r

    def bundle(self, name, args, edit=None):
        """A busybox bundle from `casing spec --rootless` run as the user."""
        path = self.mkdir(name)
        rootfs = os.path.join(path, "rootfs")
        make_rootfs(rootfs)
        subprocess.run(["chown", "-R", "%d:%d" % (self.uid, self.gid), rootfs], check=True)
        self.ok("spec", "--rootless", "--bundle", path)
        with open(os.path.join(path, "config.json")) as f:
            config = json.load(f)
        config["process"]["terminal"] = False
        config["process"]["args"] = list(args)
        if edit:
            edit(config)
        with open(os.path.join(path, "config.json"), "w") as f:
            json.dump(config, f, indent=2)
        return path


@pytest.fixture(scope="module")
def user():
    missing = [p for p in NEED if shutil.which(p) is None]
    if missing:
        pytest.skip("not installed: %s (apt-get install uidmap)" % " ".join(missing))
    if os.geteuid() != 0:
        pytest.skip("makes a user: run as root")
    try:
        pwd.getpwnam(USER)
        pytest.skip("user %s exists already: not ours to use" % USER)
    except KeyError:
        pass
    saved = {f: open(f).read() if os.path.exists(f) else None for f in ("/etc/subuid", "/etc/subgid")}
    top = tempfile.mkdtemp(prefix="casing-rootless-")
    os.chmod(top, 0o755)
    # No automatic subordinate range (useradd's SUB_UID_MIN, 100000): other
    # tests map those ids, and userdel refuses a user whose ranges have
    # processes.  The test writes its own range.
    subprocess.run(["useradd", "--no-create-home", "--home-dir", top, "--shell", "/bin/sh",
                    "-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0", USER], check=True)
    pw = pwd.getpwnam(USER)
    try:
        for f in saved:
            with open(f, "a") as out:
                out.write("%s:%d:%d\n" % (USER, SUBID_START, SUBID_COUNT))
        os.chown(top, pw.pw_uid, pw.pw_gid)
        u = User(pw, top)
        u.mkdir("run")
        os.chmod(u.xdg, 0o700)
        yield u
    finally:
        uids = {pw.pw_uid, *range(SUBID_START, SUBID_START + SUBID_COUNT)}
        kill_processes_of(uids)
        # userdel refuses a user with processes, zombies too: wait for the
        # killed ones to be reaped.
        wait_for(lambda: not processes_of(pw.pw_uid), timeout=10)
        r = subprocess.run(["userdel", USER], capture_output=True, text=True)
        for f, text in saved.items():
            if text is None:
                os.unlink(f)
            else:
                with open(f, "w") as out:
                    out.write(text)
        shutil.rmtree(top, ignore_errors=True)
        assert r.returncode == 0, "userdel %s: %s %s" % (USER, r.stderr, processes_of(pw.pw_uid))


def processes_of(uid):
    """pid -> (state, cmdline) of every process of `uid`."""
    found = {}
    for d in os.listdir("/proc"):
        try:
            if d.isdigit() and os.stat("/proc/" + d).st_uid == uid:
                found[int(d)] = (read("/proc/%s/stat" % d).rsplit(")", 1)[1].split()[0],
                                 read("/proc/%s/cmdline" % d).replace("\0", " "))
        except OSError:
            pass
    return found


def read(path):
    with open(path) as f:
        return f.read()


def map_lines(pid, kind="uid"):
    return [line.split() for line in read("/proc/%d/%s_map" % (pid, kind)).splitlines()]


def status_ids(pid, field):
    for line in read("/proc/%d/status" % pid).splitlines():
        if line.startswith(field + ":"):
            return [int(x) for x in line.split()[1:]]
    raise AssertionError("no %s in /proc/%d/status" % (field, pid))


def create_started(user, bundle, cid, *global_args, env=None, prefix=()):
    pid_file = os.path.join(user.top, cid + ".pid")
    r = user.casing(*global_args, "create", "--bundle", bundle, "--pid-file", pid_file, cid, env=env, prefix=prefix)
    assert r.returncode == 0, r
    pid = int(read(pid_file))
    user.ok(*global_args, "start", cid, env=env, prefix=prefix)
    return pid, r


def test_lifecycle_as_unprivileged_user(user):
    """run/exec/kill/delete/state/list with the default root
    $XDG_RUNTIME_DIR/casing; the container maps only the user's own uid;
    no cgroup is made (cgroupsPath and a pids limit are asked for)."""
    cid = unique_id("rl")

    def edit(c):
        c["linux"]["cgroupsPath"] = "/casing-rl/" + cid
        c["linux"]["resources"] = {"pids": {"limit": 50}}
    bundle = user.bundle("b-" + cid, ["sleep", "1000"], edit)
    pid, created = create_started(user, bundle, cid, "--debug")
    try:
        root = os.path.join(user.xdg, "casing")
        assert "rootless: state root `%s`" % root in created.stderr, created
        assert "not applied" in created.stderr and "rootless" in created.stderr, created
        # The state directory is the user's alone.
        for path, mode in ((root, 0o700), (os.path.join(root, cid), 0o700),
                           (os.path.join(root, cid, "state.json"), 0o600)):
            st = os.lstat(path)
            assert st.st_uid == user.uid and stat.S_IMODE(st.st_mode) == mode, (path, oct(st.st_mode))
        # The kernel: container root is the user, in its own user namespace.
        assert map_lines(pid) == [["0", str(user.uid), "1"]]
        assert map_lines(pid, "gid") == [["0", str(user.gid), "1"]]
        assert read("/proc/%d/setgroups" % pid).strip() == "deny"
        assert status_ids(pid, "Uid")[0] == user.uid
        assert os.readlink("/proc/%d/ns/user" % pid) != os.readlink("/proc/self/ns/user")
        # No cgroup of its own: the container is where the caller was.
        assert read("/proc/%d/cgroup" % pid) == read("/proc/self/cgroup")
        for mnt in ("/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/memory"):
            assert not os.path.exists(os.path.join(mnt, "casing-rl")), mnt
        st = json.loads(user.ok("state", cid).stdout)
        assert st["status"] == "running" and st["pid"] == pid and st["owner"] == USER
        listed = json.loads(user.ok("list", "--format", "json").stdout)
        assert [c["id"] for c in listed] == [cid]
        r = user.ok("exec", cid, "sh", "-c", "id -u; cat /proc/self/uid_map")
        lines = r.stdout.split("\n")
        assert lines[0] == "0" and lines[1].split() == ["0", str(user.uid), "1"], r
        r = user.casing("update", "--pids-limit", "10", cid)
        assert r.returncode != 0 and "no cgroup" in r.stderr and "rootless" in r.stderr, r
        user.ok("kill", cid, "KILL")
        assert wait_for(lambda: json.loads(user.ok("state", cid).stdout)["status"] == "stopped")
    finally:
        user.casing("delete", "--force", cid)
    assert not os.path.exists(os.path.join(user.xdg, "casing", cid))
    assert json.loads(user.ok("list", "--format", "json").stdout) == []


def subid_maps(c):
    c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": c["linux"]["uidMappings"][0]["hostID"], "size": 1},
                                 {"containerID": 1, "hostID": SUBID_START, "size": SUBID_COUNT}]
    c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": c["linux"]["gidMappings"][0]["hostID"], "size": 1},
                                 {"containerID": 1, "hostID": SUBID_START, "size": SUBID_COUNT}]


def test_subordinate_ids_through_newuidmap(user):
    """Maps of more than the user's own id go through newuidmap and
    newgidmap: the kernel shows both ranges, a process user 1000 is host
    uid SUBID_START+999, and setgroups stays allowed (additionalGids)."""
    cid = unique_id("rl")

    def edit(c):
        subid_maps(c)
        c["process"]["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [1001]}
    bundle = user.bundle("b-" + cid, ["sleep", "1000"], edit)
    pid, _ = create_started(user, bundle, cid)
    try:
        expect = [["0", str(user.uid), "1"], ["1", str(SUBID_START), str(SUBID_COUNT)]]
        assert map_lines(pid) == expect
        assert map_lines(pid, "gid") == [["0", str(user.gid), "1"], ["1", str(SUBID_START), str(SUBID_COUNT)]]
        assert read("/proc/%d/setgroups" % pid).strip() == "allow"
        assert status_ids(pid, "Uid") == [SUBID_START + 999] * 4
        assert status_ids(pid, "Gid") == [SUBID_START + 999] * 4
        assert status_ids(pid, "Groups") == [SUBID_START + 1000]
        r = user.ok("exec", cid, "cat", "/proc/self/uid_map")
        assert [line.split() for line in r.stdout.splitlines()] == expect
    finally:
        user.casing("delete", "--force", cid)


def test_subordinate_ids_errors(user):
    """A range /etc/subuid does not grant: newuidmap's refusal is the error;
    no newuidmap in $PATH: `check` and `create` say what to install.
    Nothing is left behind."""
    cid = unique_id("rl")

    def edit(c):
        subid_maps(c)
        c["linux"]["uidMappings"][1]["hostID"] = SUBID_START + SUBID_COUNT  # not granted
    bundle = user.bundle("b-" + cid, ["true"], edit)
    r = user.casing("run", "--bundle", bundle, cid)
    assert r.returncode != 0, r
    assert "linux.uidMappings" in r.stderr and "newuidmap" in r.stderr and "/etc/subuid" in r.stderr, r
    assert not os.path.exists(os.path.join(user.xdg, "casing", cid))
    # (zombies aside: the killed sleepers of other tests wait for an init
    # that reaps them)
    left = {p: v for p, v in processes_of(user.uid).items() if v[0] != "Z"}
    assert not left, left

    bundle = user.bundle("b2-" + cid, ["true"], subid_maps)
    env = dict(user.env, PATH="/nonexistent")
    r = user.casing("check", "--bundle", bundle, env=env)
    assert r.returncode != 0 and "newuidmap" in r.stdout + r.stderr and "uidmap" in r.stdout + r.stderr, r
    r = user.casing("run", "--bundle", bundle, cid, env=env)
    assert r.returncode != 0 and "newuidmap" in r.stderr, r
    assert not os.path.exists(os.path.join(user.xdg, "casing", cid))


def test_no_xdg_runtime_dir(user):
    """Without XDG_RUNTIME_DIR an unprivileged user has no default root:
    a clear error naming --root; commands without state still work."""
    env = {k: v for k, v in user.env.items() if k != "XDG_RUNTIME_DIR"}
    r = user.casing("list", env=env)
    assert r.returncode != 0 and "XDG_RUNTIME_DIR" in r.stderr and "--root" in r.stderr, r
    r = user.casing("features", env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["linux"]["cgroup"]["systemdUser"] is False, r
    root = user.mkdir("explicit-root")
    r = user.casing("--root", root, "list", env=env)
    assert r.returncode == 0, r


def test_root_of_a_user_namespace_is_rootless(user):
    """uid 0 of a user namespace the user made (`unshare --user
    --map-root-user`): detected as rootless (the XDG root, devices bound
    from the host, no cgroup); --rootless false turns that off."""
    cid = unique_id("rl")

    def edit(c):
        # As Podman does: the namespace is already made, the config asks
        # for no other.
        c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "user"]
        c["linux"].pop("uidMappings", None)
        c["linux"].pop("gidMappings", None)
    bundle = user.bundle("b-" + cid, ["sh", "-c", "id -u; cat /proc/self/uid_map; ls -ln /dev/null"], edit)
    unshare = ("unshare", "--user", "--map-root-user")
    r = user.casing("--debug", "run", "--bundle", bundle, cid, prefix=unshare)
    assert r.returncode == 0, r
    assert "rootless: state root `%s/casing`" % user.xdg in r.stderr, r
    lines = r.stdout.splitlines()
    assert lines[0] == "0" and lines[1].split() == ["0", str(user.uid), "1"], r
    # /dev/null is the host's, bound (a mknod would have failed): owned by
    # nobody (overflow uid) seen from the namespace, major 1 minor 3.
    assert lines[2].split()[4:6] == ["1,", "3"], r
    assert not os.path.exists(os.path.join(user.xdg, "casing", cid))
    # Forced off: the system root, which uid 0 of this namespace may not write.
    r = user.casing("--rootless", "false", "--debug", "run", "--bundle", bundle, cid, prefix=unshare)
    assert r.returncode != 0 and "/run/casing" in r.stderr and "rootless: state root" not in r.stderr, r
    r = user.casing("--rootless", "maybe", "list", prefix=unshare)
    assert r.returncode != 0 and "--rootless" in r.stderr, r


def test_exe_protection_as_unprivileged_user(user):
    """CVE-2019-5736 without mount rights: a casing executable the user can
    write is re-executed from a sealed memfd copy (the init of a created
    container runs that, not the file); a root-owned one the user cannot
    write is run as it is.  The user's own copy is untouched."""
    own = os.path.join(user.top, "casing-own")
    shutil.copy2(CASING, own)
    os.chown(own, user.uid, user.gid)
    os.chmod(own, 0o755)
    before = read_bytes(own)
    for binary, expect_memfd in ((own, True), (CASING, False)):
        cid = unique_id("rl")
        bundle = user.bundle("b-" + cid, ["sleep", "1000"])
        pid_file = os.path.join(user.top, cid + ".pid")
        r = user.run([binary, "create", "--bundle", bundle, "--pid-file", pid_file, cid])
        try:
            assert r.returncode == 0, r
            exe = os.readlink("/proc/%d/exe" % int(read(pid_file)))
            if expect_memfd:
                assert exe.startswith("/memfd:casing"), exe
            else:
                assert exe == os.path.realpath(CASING), exe
        finally:
            user.run([binary, "delete", "--force", cid])
    assert read_bytes(own) == before


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def test_full_starter_config_in_own_user_namespace(user):
    """`casing spec` without --rootless (new network and cgroup namespaces,
    a new sysfs, a cgroup mount, devpts with gid=5) plus a user namespace
    mapping only the user: devpts is mounted without the unmapped gid (as
    crun does), sysfs is a new one (its network namespace is the
    container's), the cgroup mount works in the cgroup namespace."""
    cid = unique_id("rl")
    path = user.mkdir("b-" + cid)
    make_rootfs(os.path.join(path, "rootfs"))
    user.ok("spec", "--rootless=false", "--bundle", path)
    with open(os.path.join(path, "config.json")) as f:
        c = json.load(f)
    assert any(m["type"] == "devpts" and "gid=5" in m.get("options", []) for m in c["mounts"])
    c["process"]["terminal"] = False
    c["process"]["args"] = ["sh", "-c", "cat /proc/self/mountinfo; id -u"]
    c["linux"]["namespaces"].append({"type": "user"})
    c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": user.uid, "size": 1}]
    c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": user.gid, "size": 1}]
    with open(os.path.join(path, "config.json"), "w") as f:
        json.dump(c, f)
    r = user.casing("run", "--bundle", path, cid)
    assert r.returncode == 0, r
    mounts = {}
    for line in r.stdout.splitlines()[:-1]:
        pre, post = line.split(" - ")
        mounts[pre.split()[4]] = post.split()
    assert r.stdout.splitlines()[-1] == "0"
    assert mounts["/dev/pts"][0] == "devpts" and "gid=" not in mounts["/dev/pts"][2], mounts["/dev/pts"]
    assert mounts["/sys"][0] == "sysfs"
    assert any(t.startswith("/sys/fs/cgroup/") and v[0].startswith("cgroup") for t, v in mounts.items()), mounts
