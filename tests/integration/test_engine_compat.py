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


PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")


@pytest.fixture(scope="module")
def sd_notify_binary(tmp_path_factory):
    """tests/integration/programs/sd_notify.c, static for the busybox rootfs."""
    out = str(tmp_path_factory.mktemp("programs") / "sd_notify")
    subprocess.run(["gcc", "-static", "-O2", "-Wall", "-o", out, os.path.join(PROGRAMS, "sd_notify.c")],
                   check=True)
    return out


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


# ---- HOME and the environment (runc and crun set HOME from /etc/passwd) ----

PASSWD = ("root:x:0:0:root:/root:/bin/sh\n"
          "tester:x:1000:1000:tester:/home/tester:/bin/sh\n"
          "nobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n")


def no_home_bundle(bundle):
    os.chmod(bundle.rootfs, 0o755)  # other users reach the programs
    with open(os.path.join(bundle.rootfs, "etc", "passwd"), "w") as f:
        f.write(PASSWD)
    env = bundle.config["process"]["env"]
    bundle.config["process"]["env"] = [e for e in env if not e.startswith("HOME=")]
    return bundle


@pytest.mark.parametrize("uid,home", [(0, "/root"), (1000, "/home/tester"),
                                      (65534, "/nonexistent"), (4242, "/")])
def test_home_from_passwd(casing, bundle, uid, home):
    no_home_bundle(bundle)
    bundle.config["process"]["user"] = {"uid": uid, "gid": uid}
    assert ok_sh(casing, bundle, "echo \"$HOME\"").strip() == home


def test_home_in_env_is_kept(casing, bundle):
    no_home_bundle(bundle)
    bundle.config["process"]["env"].append("HOME=/custom")
    assert ok_sh(casing, bundle, "echo $HOME; env | grep -c ^HOME=").split() == ["/custom", "1"]


def test_home_passwd_not_a_regular_file(casing, bundle):
    no_home_bundle(bundle)
    os.unlink(os.path.join(bundle.rootfs, "etc", "passwd"))
    os.mkfifo(os.path.join(bundle.rootfs, "etc", "passwd"))
    assert ok_sh(casing, bundle, "echo $HOME").strip() == "/"


@pytest.fixture
def running_no_home(casing, bundle):
    no_home_bundle(bundle)
    bundle.config["process"]["env"].append("FROMCONFIG=1")
    bundle.set_args("sleep", "1000").save()
    cid = unique_id("home")
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    return cid


def test_exec_home_env_and_user(casing, running_no_home, tmpdir_path):
    cid = running_no_home
    show = ["sh", "-c", "echo $HOME $FROMCONFIG $FOO"]
    assert casing.ok("exec", cid, *show).stdout.split() == ["/root", "1"]
    # --env adds to the container's environment
    assert casing.ok("exec", "--env", "FOO=bar", cid, *show).stdout.split() == ["/root", "1", "bar"]
    # --user: that user's HOME, unless --env gives one
    assert casing.ok("exec", "--user", "1000", cid, *show).stdout.split() == ["/home/tester", "1"]
    assert casing.ok("exec", "--user", "1000", "-e", "HOME=/x", cid, *show).stdout.split() == ["/x", "1"]
    # a process.json without HOME (containerd's exec) gets its user's
    proc = {"args": show, "cwd": "/", "env": ["PATH=/bin"], "user": {"uid": 1000, "gid": 1000}}
    path = os.path.join(tmpdir_path, "process.json")
    with open(path, "w") as f:
        json.dump(proc, f)
    assert casing.ok("exec", "--process", path, cid).stdout.split() == ["/home/tester"]


def test_exec_user_keeps_an_explicit_container_home_only_without_user(casing, bundle):
    # HOME set by the config is the container's: exec as the same user keeps it
    bundle.config["process"]["env"].append("HOME=/custom")
    bundle.set_args("sleep", "1000").save()
    cid = unique_id("home")
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    assert casing.ok("exec", cid, "sh", "-c", "echo $HOME").stdout.strip() == "/custom"


# ---- hooks ----

@pytest.mark.parametrize("how", ["delete", "run"])
def test_poststop_failures_are_warnings_and_every_hook_runs(casing, bundle, tmpdir_path, how):
    log = os.path.join(tmpdir_path, "ran")
    hooks = [{"path": write_script(os.path.join(tmpdir_path, "fail"), "echo 1 >> %s; exit 6" % log)},
             {"path": write_script(os.path.join(tmpdir_path, "killed"), "kill -KILL $$")},
             {"path": write_script(os.path.join(tmpdir_path, "slow"), "echo 2 >> %s; exec sleep 100" % log),
              "timeout": 1},
             {"path": write_script(os.path.join(tmpdir_path, "last"), "echo 3 >> %s" % log)}]
    bundle.config["hooks"] = {"poststop": hooks}
    bundle.set_args("true").save()
    cid = unique_id()
    if how == "run":
        r = casing.run("run", "--bundle", bundle.path, cid)
    else:
        casing.ok("run", "-d", "--bundle", bundle.path, cid)
        assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
        r = casing.run("delete", cid)
    assert r.returncode == 0, r
    assert r.stderr.count("warning") == 3 and "poststop" in r.stderr, r.stderr
    assert open(log).read().split() == ["1", "2", "3"]
    assert not os.path.exists(os.path.join(casing.root, cid))


def test_create_hooks_see_created(casing, bundle, tmpdir_path):
    # runtime-tools hooks_stdin: the prestart hook's state says "created";
    # createContainer runs before pivot_root, where host paths still resolve
    log = os.path.join(tmpdir_path, "states")
    script = write_script(os.path.join(tmpdir_path, "hook"), "cat >> %s; echo >> %s" % (log, log))
    bundle.config["hooks"] = {k: [{"path": script}]
                              for k in ("prestart", "createRuntime", "createContainer")}
    bundle.set_args("true").save()
    cid = unique_id()
    casing.ok("create", "--bundle", bundle.path, cid)
    states = [json.loads(line) for line in open(log).read().split("\n") if line.strip()]
    assert [s["status"] for s in states] == ["created"] * 3
    assert casing.state(cid)["status"] == "created"


# ---- messages ----

def test_ambient_without_inheritable_is_not_a_warning(casing, bundle, tmpdir_path):
    # The config `runc spec` and Buildah write: ambient, no inheritable.
    caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    bundle.config["process"]["capabilities"]["ambient"] = caps
    r = run_sh(casing, bundle, "grep CapAmb /proc/self/status")
    assert r.returncode == 0 and r.stderr == "", r
    assert r.stdout.split() == ["CapAmb:", "0000000000000000"]
    log = os.path.join(tmpdir_path, "debug.log")
    r = casing.run("run", "-b", bundle.path, unique_id(), global_args=("--log", log))
    assert r.returncode == 0 and r.stderr == "" and open(log).read() == ""


def test_container_setup_logs_to_the_log_file(casing, bundle, tmpdir_path):
    # The init logs its setup to --log (HOME is looked up there), and stops
    # before it waits for start: it then holds no host file.
    no_home_bundle(bundle)
    bundle.set_args("sleep", "100").save()
    log = os.path.join(tmpdir_path, "debug.log")
    cid = unique_id()
    casing.ok("create", "-b", bundle.path, cid, global_args=("--debug", "--log", log))
    assert "HOME not in process.env: /root for uid 0" in open(log).read()
    pid = casing.state(cid)["pid"]
    fds = [os.readlink("/proc/%d/fd/%s" % (pid, fd)) for fd in os.listdir("/proc/%d/fd" % pid)]
    assert log not in fds, fds


def test_unknown_global_option_names_the_program_once(casing):
    r = casing.run("--frobnicate", "list")
    assert r.returncode != 0
    assert r.stderr == "casing: unknown option `--frobnicate` (see `casing --help`)\n", r.stderr


# ---- a config without `process` (runtime-tools start) ----

def test_no_process_create_then_start_fails(casing, bundle):
    del bundle.config["process"]
    bundle.save()
    cid = unique_id()
    r = casing.run("create", "-b", bundle.path, cid)
    assert r.returncode == 0, r
    st = casing.state(cid)
    assert st["status"] == "created"
    pid = st["pid"]
    r = casing.run("start", cid)
    assert r.returncode != 0 and "no process to start" in r.stderr, r
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
    assert not os.path.exists("/proc/%d" % pid) or open("/proc/%d/stat" % pid).read().split()[2] == "Z"
    casing.ok("delete", cid)
    r = casing.run("check", "--bundle", bundle.path)
    assert r.returncode == 0 and "process" in r.stdout + r.stderr


# ---- sd_notify (Podman --sdnotify=container, systemd units) ----

@pytest.mark.parametrize("where", ["tmp", "new-dir-read-only-root"])
def test_sd_notify_ready_reaches_the_callers_socket(casing, bundle, tmpdir_path, sd_notify_binary, where):
    import shutil
    shutil.copy2(sd_notify_binary, os.path.join(bundle.rootfs, "bin", "sd_notify"))
    sock_dir = os.path.join(tmpdir_path, "notify" if where == "tmp" else "not/in/the/image")
    os.makedirs(sock_dir)
    path = os.path.join(sock_dir, "notify.sock")
    if where != "tmp":
        bundle.config["root"]["readonly"] = True
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(path)
    listener.settimeout(10)
    try:
        r = run_sh(casing, bundle, 'echo "$NOTIFY_SOCKET"; sd_notify READY=1 STATUS=up',
                   env=dict(os.environ, NOTIFY_SOCKET=path))
        assert r.returncode == 0 and r.stdout.strip() == path, r
        assert listener.recv(4096) == b"READY=1\nSTATUS=up"
    finally:
        listener.close()


# ---- options of runc and crun ----

@pytest.fixture
def sleeper(casing, bundle):
    os.chmod(bundle.rootfs, 0o755)
    bundle.set_args("sleep", "1000").save()
    cid = unique_id("opt")
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    return cid, casing.state(cid)["pid"]


def cgroup_of(pid):
    """{hierarchy (controllers or "") : path} from /proc/PID/cgroup."""
    out = {}
    for line in open("/proc/%d/cgroup" % pid):
        _, ctrls, path = line.rstrip("\n").split(":", 2)
        out[ctrls] = path
    return out


def test_exec_cgroup_sub_cgroups(casing, sleeper, tmpdir_path):
    from casing_fixtures import cgroup_dirs
    cid, init = sleeper
    dirs = cgroup_dirs(init)
    assert dirs
    for d in dirs:
        os.mkdir(os.path.join(d, "sub"))
        if os.path.exists(os.path.join(d, "cpuset.cpus")):  # v1 cpuset starts empty
            for f in ("cpuset.cpus", "cpuset.mems"):
                with open(os.path.join(d, "sub", f), "w") as out:
                    out.write(open(os.path.join(d, f)).read())
    memory = [d for d in dirs if "/memory/" in d]
    if memory:
        os.mkdir(os.path.join(memory[0], "only"))
    pid_file = os.path.join(tmpdir_path, "pid")
    casing.ok("exec", "-d", "--pid-file", pid_file, "--cgroup", "sub", cid, "sleep", "100")
    pid = int(open(pid_file).read())
    mine, theirs = cgroup_of(pid), cgroup_of(init)
    for k, path in theirs.items():
        if path != "/":
            assert mine[k] == path.rstrip("/") + "/sub", (k, mine, theirs)
    if memory:
        os.unlink(pid_file)
        casing.ok("exec", "-d", "--pid-file", pid_file, "--cgroup", "/sub", "--cgroup", "memory:only", cid,
                  "sleep", "100")
        mine = cgroup_of(int(open(pid_file).read()))
        assert mine["memory"] == theirs["memory"] + "/only"
        assert mine["pids"] == theirs["pids"] + "/sub"
    for bad, why in (("../x", "below the container"), ("nope", "No such file"),
                     ("frobctl:sub", "no hierarchy")):
        r = casing.run("exec", "--cgroup", bad, cid, "true")
        assert r.returncode != 0 and why in r.stderr, (bad, r)
    casing.ok("kill", "--all", cid, "KILL")
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
    casing.ok("delete", cid)
    assert not any(os.path.exists(d) for d in dirs)


def test_exec_ignore_paused(casing, sleeper):
    cid, _ = sleeper
    casing.ok("pause", cid)
    r = casing.run("exec", cid, "true")
    assert r.returncode != 0 and "paused" in r.stderr and "--ignore-paused" in r.stderr
    p = subprocess.Popen(casing.argv("exec", "--ignore-paused", cid, "sh", "-c", "echo ran"),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # frozen with the container until it is resumed
        with pytest.raises(subprocess.TimeoutExpired):
            p.wait(timeout=1)
        casing.ok("resume", cid)
        out, err = p.communicate(timeout=30)
    finally:
        p.kill()
    assert p.returncode == 0 and out == "ran\n", (out, err)


def test_update_cpu_share_spelling(casing, sleeper):
    from casing_fixtures import cgroup_dirs
    cid, init = sleeper
    casing.ok("update", "--cpu-share", "512", cid)
    files = [os.path.join(d, "cpu.shares") for d in cgroup_dirs(init)
             if os.path.exists(os.path.join(d, "cpu.shares"))]
    if files:
        assert open(files[0]).read().strip() == "512"
    else:  # v2: shares become cpu.weight
        weights = [os.path.join(d, "cpu.weight") for d in cgroup_dirs(init)
                   if os.path.exists(os.path.join(d, "cpu.weight"))]
        assert weights and open(weights[0]).read().strip() != "100"


@pytest.mark.parametrize("subreaper", [True, False])
def test_run_no_subreaper(casing, bundle, tmpdir_path, subreaper):
    # A container in the host's pid namespace: its orphan goes to the
    # nearest subreaper, `run` itself unless --no-subreaper.
    bundle.config["linux"]["namespaces"] = [n for n in bundle.config["linux"]["namespaces"]
                                            if n["type"] != "pid"]
    bundle.config["mounts"] = [m for m in bundle.config["mounts"] if m["type"] != "proc"] + \
        [{"destination": "/proc", "type": "bind", "source": "/proc", "options": ["rbind"]}]
    orphan_file = os.path.join(bundle.rootfs, "orphan")
    bundle.set_args("sh", "-c", "(sleep 100 & echo $! > /orphan); sleep 3").save()
    args = ["run", "-b", bundle.path] + ([] if subreaper else ["--no-subreaper"]) + [unique_id()]
    p = subprocess.Popen(casing.argv(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    orphan = None
    try:
        assert wait_for(lambda: os.path.exists(orphan_file) and open(orphan_file).read().strip(), timeout=10)
        orphan = int(open(orphan_file).read())
        ppid = int([l for l in open("/proc/%d/status" % orphan) if l.startswith("PPid:")][0].split()[1])
        assert (ppid == p.pid) == subreaper, (ppid, p.pid)
    finally:
        if orphan:
            os.kill(orphan, 9)
        p.communicate(timeout=30)


def test_delete_force_removes_populated_sub_cgroups(casing, sleeper):
    # A container that made cgroups of its own below its cgroup (systemd in
    # a container, nested engines): kill walks them, and so must delete.
    from casing_fixtures import cgroup_dirs
    cid, init = sleeper
    dirs = cgroup_dirs(init)
    for d in dirs:
        sub = os.path.join(d, "inner", "deeper")
        os.makedirs(sub)
        if os.path.exists(os.path.join(d, "cpuset.cpus")):
            for part in ("inner", "inner/deeper"):
                for f in ("cpuset.cpus", "cpuset.mems"):
                    with open(os.path.join(d, part, f), "w") as out:
                        out.write(open(os.path.join(d, f)).read())
        with open(os.path.join(sub, "cgroup.procs"), "w") as f:
            f.write(str(init))
    casing.ok("delete", "--force", cid)
    assert not any(os.path.exists(d) for d in dirs)


# ---- --log journald: and syslog: (crun's targets) ----

def log_to_sockets(*args):
    listener = os.path.join(PROGRAMS, "log_listener.py")
    r = subprocess.run(["unshare", "-m", "/usr/bin/python3", listener, *args],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r
    return json.loads(r.stdout)


def test_log_journald(casing):
    got = log_to_sockets(casing.binary, "--root", casing.root, "--log", "journald:mytag", "state", "nope")
    assert got["rc"] != 0 and "does not exist" in got["stderr"]
    assert len(got["journal"]) == 1 and got["syslog"] == []
    rec = got["journal"][0]
    assert rec.startswith("PRIORITY=3\nSYSLOG_IDENTIFIER=mytag\nMESSAGE\n")
    msg = "container `nope` does not exist"
    size = int.from_bytes(rec[len("PRIORITY=3\nSYSLOG_IDENTIFIER=mytag\nMESSAGE\n"):][:8].encode("latin-1"), "little")
    assert size == len(msg) and rec.endswith(msg + "\n")


def test_log_syslog(casing):
    got = log_to_sockets(casing.binary, "--root", casing.root, "--log", "syslog:", "state", "nope")
    assert got["rc"] != 0 and got["journal"] == [] and len(got["syslog"]) == 1
    line = got["syslog"][0]
    assert line.startswith("<11>") and " casing[" in line
    assert line.endswith("]: container `nope` does not exist")


def test_log_target_without_listener_is_refused(casing, tmpdir_path):
    # before: "journald:foo" silently became a file of that name in the cwd
    r = subprocess.run(["unshare", "-m", "sh", "-c",
                        "mount --make-rprivate / && mount -t tmpfs tmpfs /run/systemd && cd %s && "
                        "%s --root %s --log journald:foo list" % (tmpdir_path, casing.binary, casing.root)],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "nothing listens" in r.stderr, r
    assert not os.path.exists(os.path.join(tmpdir_path, "journald:foo"))
    r = casing.run("--log", "journald:bad id", "list")
    assert r.returncode != 0 and "identifier" in r.stderr
    log = os.path.join(tmpdir_path, "f.log")
    casing.run("--log", "file:" + log, "state", "nope")
    assert "does not exist" in open(log).read()


# ---- no cgroup: --cgroup-manager disabled (Podman --cgroups=disabled) ----

def own_cgroups():
    return open("/proc/self/cgroup").read()


@pytest.mark.parametrize("how", ["--cgroup-manager=disabled", "no-cgroupsPath-no-resources"])
def test_no_cgroup(casing, bundle, how):
    os.chmod(bundle.rootfs, 0o755)
    gargs = ()
    if how.startswith("--"):
        gargs = (how,)
        bundle.config["linux"]["cgroupsPath"] = "/should/not/exist-" + unique_id()
    else:
        del bundle.config["linux"]["resources"]
    bundle.set_args("sh", "-c", "sleep 1000 & sleep 1000").save()
    cid = unique_id("nocg")
    casing.ok("run", "-d", "-b", bundle.path, cid, global_args=gargs)
    init = casing.state(cid)["pid"]
    # the container is where casing was: no cgroup was made for it
    mine = {l.split(":", 2)[1]: l.split(":", 2)[2] for l in own_cgroups().splitlines()}
    theirs = {l.split(":", 2)[1]: l.split(":", 2)[2] for l in open("/proc/%d/cgroup" % init).read().splitlines()}
    assert theirs == mine
    assert not any(cid in p or "should" in p for p in theirs.values())
    # ps and kill --all from the pid namespace; exec works; pause/update say why not
    pids = casing.ok("ps", "--format", "json", cid).json()
    assert init in pids and len(pids) == 2, pids  # sh execs the last sleep
    assert casing.ok("exec", cid, "echo", "hi").stdout == "hi\n"
    for args in (("pause", cid), ("update", "--memory", "64m", cid)):
        r = casing.run(*args)
        assert r.returncode != 0 and "has no cgroup" in r.stderr, r
    assert casing.state(cid)["status"] == "running"
    casing.ok("kill", "--all", cid, "KILL")
    assert wait_for(lambda: casing.state(cid)["status"] == "stopped")
    casing.ok("delete", cid)
    assert not any(os.path.exists("/proc/%d" % p) and open("/proc/%d/stat" % p).read().split()[2] != "Z"
                   for p in pids)


def test_cgroup_manager_option(casing, bundle):
    r = casing.run("--cgroup-manager", "frob", "list")
    assert r.returncode != 0 and "cgroupfs, systemd or disabled" in r.stderr
    bundle.set_args("true").save()
    casing.ok("run", "-b", bundle.path, unique_id(), global_args=("--cgroup-manager", "cgroupfs"))


# ---- annotations ----

@pytest.mark.parametrize("value,kept", [("1", True), (None, False), ("0", False)])
def test_keep_original_groups(casing, bundle, value, kept):
    # Podman --group-add keep-groups: the process keeps the groups of who
    # ran the runtime (crun's run.oci.keep_original_groups).
    if value is not None:
        bundle.config["annotations"] = {"run.oci.keep_original_groups": value}
    bundle.config["process"]["user"] = {"uid": 0, "gid": 0, "additionalGids": [44]}
    bundle.set_args("sh", "-c", "grep Groups /proc/self/status").save()
    r = subprocess.run(casing.argv("run", "-b", bundle.path, unique_id()), capture_output=True, text=True,
                       extra_groups=[2000, 3000], stdin=subprocess.DEVNULL, timeout=60)
    assert r.returncode == 0, r
    groups = sorted(int(g) for g in r.stdout.split()[1:])
    assert groups == ([2000, 3000] if kept else [44]), r.stdout


def test_keep_original_groups_for_exec(casing, sleeper):
    cid, _ = sleeper
    r = subprocess.run(casing.argv("exec", cid, "grep", "Groups", "/proc/self/status"), capture_output=True,
                       text=True, extra_groups=[2000], timeout=60)
    assert r.returncode == 0 and r.stdout.split()[1:] == [], r


def test_features_lists_the_annotations_casing_acts_on(casing):
    f = casing.ok("features").json()
    assert f["potentiallyUnsafeConfigAnnotations"] == ["run.oci.keep_original_groups", "org.systemd.property."]


@pytest.mark.systemd
@pytest.mark.skipif(not os.path.isdir("/run/systemd/system"), reason="systemd is not PID 1 here")
def test_systemd_property_annotations(casing, bundle):
    # runc's org.systemd.property.*: unit properties of the scope
    bundle.config["annotations"] = {"org.systemd.property.TimeoutStopSec": "90s",
                                    "org.systemd.property.CollectMode": "'inactive-or-failed'"}
    bundle.set_args("sleep", "1000").save()
    cid = unique_id("sdp")
    r = casing.run("run", "-d", "-b", bundle.path, cid, global_args=("--systemd-cgroup",))
    assert r.returncode == 0, r
    out = subprocess.run(["systemctl", "show", "casing-%s.scope" % cid, "-pTimeoutStopUSec", "-pCollectMode"],
                         capture_output=True, text=True, check=True).stdout
    assert "TimeoutStopUSec=1min 30s" in out and "CollectMode=inactive-or-failed" in out, out
    casing.ok("delete", "--force", cid, global_args=("--systemd-cgroup",))
    bundle.config["annotations"] = {"org.systemd.property.TimeoutStopSec": "soon"}
    bundle.save()
    r = casing.run("run", "-d", "-b", bundle.path, unique_id("sdp"), global_args=("--systemd-cgroup",))
    assert r.returncode != 0 and "annotations.org.systemd.property.TimeoutStopSec" in r.stderr, r


def test_error_of_a_bad_global_option_reaches_the_log(casing, tmpdir_path):
    # Podman reads the runtime's errors from --log (runtime_supports_json):
    # an option casing does not know must be reported there too.
    log = os.path.join(tmpdir_path, "oci-log")
    r = casing.run("--log-format=json", "--log", log, "--frob", "disabled", "create", "x")
    assert r.returncode != 0
    rec = json.loads(open(log).read().splitlines()[-1])
    assert rec["level"] == "error" and rec["msg"] == "unknown option `--frob` (see `casing --help`)"
