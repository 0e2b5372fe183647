# SPDX-License-Identifier: GPL-2.0-or-later
"""Confinement seen from inside the container: capabilities, no_new_privs,
seccomp (errno, kill, notify), the user, rlimits and process attributes,
and the attacks on the runtime (CVE-2019-5736, procfs lookalikes)."""
import hashlib
import json
import os
import socket
import threading

import pytest

from casing_fixtures import CASING
from cgroup_helpers import run_detached

CAP_KILL, CAP_NET_BIND_SERVICE, CAP_AUDIT_WRITE = 5, 10, 29
THREE = (1 << CAP_KILL) | (1 << CAP_NET_BIND_SERVICE) | (1 << CAP_AUDIT_WRITE)


def status(text):
    """Parse /proc/self/status output into a dict."""
    out = {}
    for line in text.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            out[k] = v.strip()
    return out


def unique_id():
    # Container ids name cgroups, which are host-wide: tests running in
    # parallel must not share them.
    return "confine-%d-%s" % (os.getpid(), os.urandom(4).hex())


def run_in(casing, bundle, *args, cid=None, timeout=60):
    # The rootfs copy keeps the 0700 of its temporary directory: a non-root
    # container user could not even look up "/bin".
    os.chmod(bundle.rootfs, 0o755)
    bundle.set_args(*args)
    bundle.save()
    return casing.run("run", "-b", bundle.path, cid or unique_id(), timeout=timeout)


def test_default_caps(casing, bundle):
    r = run_in(casing, bundle, "cat", "/proc/self/status")
    assert r.returncode == 0, r
    st = status(r.stdout)
    assert int(st["CapBnd"], 16) == THREE
    assert int(st["CapPrm"], 16) == THREE
    assert int(st["CapEff"], 16) == THREE
    # Never inheritable capabilities it did not ask for (CVE-2022-27650).
    assert int(st["CapInh"], 16) == 0
    assert int(st["CapAmb"], 16) == 0
    assert st["NoNewPrivs"] == "1"


def test_ambient_caps_for_non_root(casing, bundle):
    p = bundle.config["process"]
    p["user"] = {"uid": 1000, "gid": 1000}
    names = ["CAP_KILL", "CAP_NET_BIND_SERVICE"]
    p["capabilities"] = {k: list(names) for k in
                         ("bounding", "effective", "permitted", "inheritable", "ambient")}
    r = run_in(casing, bundle, "cat", "/proc/self/status")
    assert r.returncode == 0, r
    st = status(r.stdout)
    two = (1 << CAP_KILL) | (1 << CAP_NET_BIND_SERVICE)
    assert st["Uid"].split()[0] == "1000"
    assert int(st["CapAmb"], 16) == two
    assert int(st["CapEff"], 16) == two
    assert int(st["CapInh"], 16) == two
    assert int(st["CapBnd"], 16) == two


def test_unknown_capability_is_a_warning(casing, bundle):
    """config.md: a value that maps to no capability is logged as a
    warning, and the container runs without it (runc and crun skip it)."""
    caps = bundle.config["process"]["capabilities"]
    for s in ("bounding", "effective", "permitted"):
        caps[s] = ["CAP_KILL", "CAP_FOO"]
    caps["ambient"] = caps["inheritable"] = []
    r = run_in(casing, bundle, "grep", "^Cap", "/proc/self/status")
    assert r.returncode == 0, r
    assert 'unknown capability "CAP_FOO"' in r.stderr
    st = status(r.stdout)
    assert int(st["CapBnd"], 16) == 1 << CAP_KILL and int(st["CapEff"], 16) == 1 << CAP_KILL
    r = casing.run("check", "-b", bundle.path)
    assert r.returncode == 0 and "CAP_FOO" in r.stdout + r.stderr, r


def test_no_new_privs_off(casing, bundle):
    bundle.config["process"]["noNewPrivileges"] = False
    r = run_in(casing, bundle, "cat", "/proc/self/status")
    assert r.returncode == 0, r
    assert status(r.stdout)["NoNewPrivs"] == "0"


def seccomp_profile(*rules, default="SCMP_ACT_ALLOW"):
    return {"defaultAction": default, "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
            "syscalls": list(rules)}


@pytest.mark.parametrize("nnp", [True, False])
def test_seccomp_errno(casing, bundle, nnp):
    bundle.config["process"]["noNewPrivileges"] = nnp
    bundle.config["linux"]["seccomp"] = seccomp_profile(
        {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42},
        {"names": ["not_a_syscall_at_all"], "action": "SCMP_ACT_KILL"})
    r = run_in(casing, bundle, "sh", "-c", "grep Seccomp: /proc/self/status; mkdir /tmp/x")
    assert r.returncode != 0, r
    assert "Seccomp:\t2" in r.stdout
    assert os.strerror(42) in r.stderr + r.stdout


@pytest.mark.parametrize("nnp", [True, False])
def test_seccomp_refusing_getcwd(casing, bundle, nnp):
    """A filter may refuse getcwd (runtime-tools' linux_seccomp does): the
    check that the cwd is inside the container runs right after the chdir,
    before the filter is loaded, for `run` and `exec` alike."""
    bundle.config["process"]["noNewPrivileges"] = nnp
    bundle.config["process"]["cwd"] = "/tmp"
    bundle.config["linux"]["seccomp"] = seccomp_profile(
        {"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1})
    r = run_in(casing, bundle, "sh", "-c", "grep Seccomp: /proc/self/status; echo ok")
    assert r.returncode == 0, r
    assert "Seccomp:\t2" in r.stdout and "ok" in r.stdout
    bundle.set_args("sleep", "1000").save()
    cid = unique_id()
    rc, out = run_detached(casing, bundle, cid)
    assert rc == 0, out
    r = casing.run("exec", "--cwd", "/etc", cid, "sh", "-c", "ls passwd")
    assert r.returncode == 0 and "passwd" in r.stdout, r


def test_seccomp_args(casing, bundle):
    # umask(022) is allowed, umask(077) fails: an argument rule.
    bundle.config["linux"]["seccomp"] = seccomp_profile(
        {"names": ["umask"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
         "args": [{"index": 0, "value": 0o077, "op": "SCMP_CMP_EQ"}]},
        {"names": ["getpgid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
         "args": [{"index": 0, "value": 0xff, "valueTwo": 0x2a, "op": "SCMP_CMP_MASKED_EQ"}]})
    r = run_in(casing, bundle, "sh", "-c", "umask 022 && echo ok1; umask 077 || echo refused")
    assert r.returncode == 0, r
    assert "ok1" in r.stdout


def test_seccomp_kill(casing, bundle):
    bundle.config["linux"]["seccomp"] = seccomp_profile(
        {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"})
    r = run_in(casing, bundle, "mkdir", "/tmp/x")
    # Killed by SIGSYS: 128 + 31, as runc reports it.
    assert r.returncode == 128 + 31, r


@pytest.mark.parametrize("blocked", ["execve", "execveat"])
@pytest.mark.parametrize("nnp", [True, False])
@pytest.mark.oldkernel
def test_seccomp_blocking_one_exec_syscall_still_starts(casing, bundle, blocked, nnp):
    """casing executes the verified program with execveat; a profile made
    from traces of runc or crun (which use execve) may not allow it: then
    execve, and the other way round."""
    bundle.config["process"]["noNewPrivileges"] = nnp
    bundle.config["linux"]["seccomp"] = seccomp_profile(
        {"names": [blocked], "action": "SCMP_ACT_ERRNO", "errnoRet": 1})
    r = run_in(casing, bundle, "/bin/busybox", "echo", "started")
    assert r.returncode == 0 and r.stdout == "started\n", r
    cid = unique_id()
    bundle.set_args("sleep", "30")
    bundle.save()
    casing.ok("run", "-d", "-b", bundle.path, cid)
    r = casing.run("exec", cid, "/bin/busybox", "echo", "exec'd")
    assert r.returncode == 0 and r.stdout == "exec'd\n", r


@pytest.mark.oldkernel
def test_process_name_is_the_program(casing, bundle):
    """The container process keeps the name it is known by (`ps`, `pgrep`):
    that of the file for a plain program, that of the link for a busybox
    applet, as with an exec by path."""
    r = run_in(casing, bundle, "/bin/busybox", "cat", "/proc/self/comm")
    assert r.returncode == 0 and r.stdout == "busybox\n", r
    r = run_in(casing, bundle, "sh", "-c", "cat /proc/$$/comm; true")
    assert r.returncode == 0 and r.stdout == "sh\n", r


def test_seccomp_blocking_execve_is_a_clear_error(casing, bundle):
    bundle.config["linux"]["seccomp"] = seccomp_profile(
        {"names": ["getpid"], "action": "SCMP_ACT_ALLOW"}, default="SCMP_ACT_ERRNO")
    r = run_in(casing, bundle, "true")
    assert r.returncode != 0
    assert "the seccomp profile blocks execve" in r.stderr


def test_seccomp_notify(casing, bundle, tmpdir_path):
    path = os.path.join(tmpdir_path, "agent.sock")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    got = {}

    def agent():
        conn, _ = srv.accept()
        msg, fds, _, _ = socket.recv_fds(conn, 65536, 4)
        data = msg
        while True:
            more = conn.recv(65536)
            if not more:
                break
            data += more
        got["msg"] = json.loads(data)
        got["fds"] = fds
        # Closing the listener makes the notified syscalls fail (ENOSYS).
        for fd in fds:
            os.close(fd)
        conn.close()

    t = threading.Thread(target=agent, daemon=True)
    t.start()
    bundle.config["linux"]["seccomp"] = dict(
        seccomp_profile({"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}),
        listenerPath=path, listenerMetadata="hello")
    cid = unique_id()
    r = run_in(casing, bundle, "sh", "-c", "sleep 0.5; mkdir /tmp/x; echo done", cid=cid)
    t.join(10)
    srv.close()
    assert "msg" in got, r
    m = got["msg"]
    assert m["fds"] == ["seccompFd"] and len(got["fds"]) == 1
    assert m["metadata"] == "hello"
    assert m["ociVersion"] and m["pid"] > 0
    assert m["state"]["id"] == cid
    assert "done" in r.stdout


def test_user_and_groups(casing, bundle):
    bundle.config["process"]["user"] = {"uid": 1000, "gid": 1001, "additionalGids": [10, 20]}
    r = run_in(casing, bundle, "sh", "-c", "id -u; id -g; id -G; umask")
    assert r.returncode == 0, r
    lines = r.stdout.split()
    assert lines[0] == "1000" and lines[1] == "1001"
    assert "10" in lines and "20" in lines
    assert lines[-1] == "0022"


def test_umask(casing, bundle):
    bundle.config["process"]["user"]["umask"] = 0o077
    r = run_in(casing, bundle, "sh", "-c", "umask")
    assert r.returncode == 0, r
    assert r.stdout.strip() == "0077"


def test_rlimits(casing, bundle):
    bundle.config["process"]["rlimits"] = [
        {"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1000},
        {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]
    r = run_in(casing, bundle, "sh", "-c", "ulimit -n; ulimit -H -n; ulimit -c")
    assert r.returncode == 0, r
    assert r.stdout.split() == ["512", "1000", "0"]


def test_unknown_rlimit(casing, bundle):
    bundle.config["process"]["rlimits"] = [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]
    r = run_in(casing, bundle, "true")
    assert r.returncode != 0
    assert "RLIMIT_FOO" in r.stderr


def test_process_attributes(casing, bundle):
    p = bundle.config["process"]
    p["oomScoreAdj"] = 321
    p["ioPriority"] = {"class": "IOPRIO_CLASS_IDLE", "priority": 4}
    p["scheduler"] = {"policy": "SCHED_BATCH", "nice": 5}
    r = run_in(casing, bundle, "sh", "-c",
               "cat /proc/self/oom_score_adj; cut -d' ' -f19 /proc/self/stat; "
               "grep -o 'policy.*' /proc/self/sched || true")
    assert r.returncode == 0, r
    out = r.stdout.split()
    assert out[0] == "321"
    assert out[1] == "5"


def test_oom_score_adj_in_a_user_namespace(casing, bundle):
    """Set by the container's root of a user namespace, in the init and in
    exec: our /proc/self files are the host root's while non-dumpable."""
    from isolation_helpers import userns
    userns(bundle)
    bundle.config["process"]["oomScoreAdj"] = 321
    r = run_in(casing, bundle, "cat", "/proc/self/oom_score_adj")
    assert r.returncode == 0 and r.stdout == "321\n", r
    cid = unique_id()
    bundle.set_args("sleep", "30")
    bundle.save()
    casing.ok("run", "-d", "-b", bundle.path, cid)
    r = casing.run("exec", cid, "cat", "/proc/self/oom_score_adj")
    assert r.returncode == 0 and r.stdout == "321\n", r


def test_apparmor_profile_without_apparmor(casing, bundle):
    if os.path.exists("/sys/module/apparmor/parameters/enabled"):
        with open("/sys/module/apparmor/parameters/enabled") as f:
            if f.read().strip() == "Y":
                pytest.skip("AppArmor is enabled here")
    bundle.config["process"]["apparmorProfile"] = "acme_secure_profile"
    r = run_in(casing, bundle, "true")
    assert r.returncode != 0
    assert ("AppArmor is not enabled" in r.stderr or "without libapparmor" in r.stderr), r


def test_selinux_label_ignored_without_selinux(casing, bundle):
    if os.path.exists("/sys/fs/selinux/enforce"):
        pytest.skip("SELinux is enabled here")
    bundle.config["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0:c1,c2"
    bundle.config["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0:c1,c2"
    r = run_in(casing, bundle, "true")
    assert r.returncode == 0, r


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_cve_2019_5736_proc_self_exe_entrypoint(casing, bundle):
    before = sha256(CASING)
    r = run_in(casing, bundle, "/proc/self/exe")
    assert r.returncode != 0
    assert "CVE-2019-5736" in r.stderr
    assert sha256(CASING) == before


def test_cve_2019_5736_shebang(casing, bundle):
    """The classic attack: an entry point `#!/proc/self/exe` would make the
    container init the host casing binary, which a peer then reopens for
    writing through /proc/PID/exe."""
    before = sha256(CASING)
    evil = os.path.join(bundle.rootfs, "evil")
    with open(evil, "w") as f:
        f.write("#!/proc/self/exe\n")
    os.chmod(evil, 0o755)
    r = run_in(casing, bundle, "/evil")
    assert r.returncode != 0
    assert "CVE-2019-5736" in r.stderr
    assert sha256(CASING) == before


def test_cve_2019_5736_unreadable_shebang(casing, bundle):
    """An execute-only (0711) script: the container user cannot read its
    #! line, the kernel can; the check runs before privileges are dropped."""
    before = sha256(CASING)
    evil = os.path.join(bundle.rootfs, "bin", "evil")
    with open(evil, "w") as f:
        f.write("#!/proc/self/exe\n")
    os.chmod(evil, 0o711)
    bundle.config["process"]["user"] = {"uid": 1000, "gid": 1000}
    r = run_in(casing, bundle, "evil")
    assert r.returncode != 0
    assert "CVE-2019-5736" in r.stderr, r
    assert sha256(CASING) == before


def test_procfs_lookalike_does_not_redirect_writes(casing, bundle, tmpdir_path):
    """CVE-2025-52565 family: a file of the container's choice mounted over
    the /proc file the runtime writes must not receive the write."""
    decoy = os.path.join(tmpdir_path, "decoy")
    with open(decoy, "w") as f:
        f.write("untouched\n")
    bundle.config["process"]["oomScoreAdj"] = 500
    bundle.config["mounts"].append({"destination": "/proc/self/oom_score_adj", "type": "bind",
                                    "source": decoy, "options": ["bind"]})
    r = run_in(casing, bundle, "true")
    with open(decoy) as f:
        assert f.read() == "untouched\n", r


def start_detached(casing, bundle, *args):
    os.chmod(bundle.rootfs, 0o755)
    bundle.set_args(*args)
    bundle.save()
    cid = unique_id()
    casing.ok("run", "-d", "-b", bundle.path, cid, timeout=60)
    return cid


def test_cve_2019_5736_exec(casing, bundle):
    """`casing exec` of /proc/self/exe or of a #!/proc/self/exe script."""
    before = sha256(CASING)
    evil = os.path.join(bundle.rootfs, "evil")
    with open(evil, "w") as f:
        f.write("#!/proc/self/exe\n")
    os.chmod(evil, 0o755)
    cid = start_detached(casing, bundle, "sleep", "60")
    for target in ("/proc/self/exe", "/evil"):
        r = casing.run("exec", cid, target, timeout=30)
        assert r.returncode != 0, r
        assert "CVE-2019-5736" in r.stderr, r
    assert sha256(CASING) == before


def test_runtime_exe_not_reachable_from_container(casing, bundle):
    """While `casing exec` sets up a process in the container's pid
    namespace, the container's processes scan /proc/*/exe: they must never
    get at the casing binary (we are non-dumpable until execve)."""
    # Bounded, so that a failed test cannot leave a busy loop behind.
    scan = ("i=0; while [ ! -e /tmp/stop ] && [ $i -lt 20000 ]; do i=$((i+1)); "
            "for p in /proc/[0-9]*; do "
            "l=$(readlink $p/exe 2>/dev/null) && case $l in */bin/busybox|'') ;; "
            "*) echo \"$l\" >> /tmp/seen;; esac; done; done")
    cid = start_detached(casing, bundle, "sh", "-c", scan)
    try:
        for _ in range(40):
            casing.run("exec", cid, "true", timeout=30)
    finally:
        open(os.path.join(bundle.rootfs, "tmp", "stop"), "w").close()
    seen = os.path.join(bundle.rootfs, "tmp", "seen")
    found = open(seen).read() if os.path.exists(seen) else ""
    assert "casing" not in found, found


def test_cwd_denied_to_root_is_entered_as_the_user(casing, bundle):
    """A process.cwd root may not enter but the process user may (here: in a
    user namespace, a directory whose owner is not mapped, so root has no
    override, and whose group is the user's): the chdir is tried again as
    the user, inside the confinement, checked to be inside the container,
    before the config's filter (which refuses getcwd here) is loaded."""
    from isolation_helpers import userns
    userns(bundle)
    work = os.path.join(bundle.rootfs, "work")
    os.mkdir(work)
    os.chown(work, 5, 101000)  # owner unmapped; group = container gid 1000
    os.chmod(work, 0o070)
    bundle.config["process"]["user"] = {"uid": 1000, "gid": 1000}
    bundle.config["process"]["cwd"] = "/work"
    bundle.config["linux"]["seccomp"] = seccomp_profile(
        {"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1})
    r = run_in(casing, bundle, "sh", "-c", "id -u; ls -ld .")
    assert r.returncode == 0, r
    lines = r.stdout.splitlines()
    assert lines[0] == "1000" and lines[1].startswith("d---rwx---"), r
    # root itself (the same directory, no user to retry as) is refused
    bundle.config["process"]["user"] = {"uid": 0, "gid": 0}
    r = run_in(casing, bundle, "true")
    assert r.returncode != 0 and "chdir to cwd" in r.stderr and "/work" in r.stderr, r
