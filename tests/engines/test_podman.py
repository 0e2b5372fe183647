# SPDX-License-Identifier: GPL-2.0-or-later
"""Podman 4.3 and conmon from Debian, rootful, with casing as --runtime:
what a user of `podman run` does, each checked on the host or from inside."""
import json
import os
import socket
import stat
import subprocess
import time

import pytest

from engines import cgroup_file, run_in_pty, status_field

pytestmark = pytest.mark.podman

NET = ("--network", "none")


def prun(podman, image, *cmd, opts=(), check=True, **kw):
    """podman run --rm --network none OPTS... IMAGE CMD..."""
    r = podman("run", "--rm", *NET, *opts, image.name, *cmd, **kw)
    if check:
        assert r.returncode == 0, r
    return r


def test_run_and_exit_codes(podman, image):
    r = prun(podman, image, "sh", "-c", "echo out; echo err >&2; hostname >/dev/null; exit 7", check=False)
    assert r.returncode == 7 and r.stdout == "out\n" and "err" in r.stderr, r
    # podman's own codes for what the runtime reports: not found, not executable
    r = prun(podman, image, "no-such-program", check=False)
    assert r.returncode == 127 and "no-such-program" in r.stderr, r
    r = prun(podman, image, "/etc/passwd", check=False)
    assert r.returncode == 126, r
    # runtime_supports_json (contrib/containers.conf): Podman passes
    # --log-format=json --log FILE, reads the error there
    r = podman("run", "--name", "eng-fail", *NET, image.name, "no-such-program")
    assert r.returncode == 127
    cid = podman.ok("inspect", "--format", "{{.Id}}", "eng-fail").stdout.strip()
    with open(os.path.join(podman.runroot, "vfs-containers", cid, "userdata", "oci-log")) as f:
        rec = json.loads(f.read().splitlines()[-1])
    assert rec["level"] == "error" and "executable file not found in $PATH" in rec["msg"], rec
    assert rec["msg"] in r.stderr and "casing: casing:" not in r.stderr, r
    podman.ok("rm", "eng-fail")
    # a process killed by a signal (pid 1 itself cannot be, in its namespace)
    r = prun(podman, image, "sh", "-c", "sh -c 'kill -KILL $$'; exit $?", check=False)
    assert r.returncode == 137, r


def test_run_interactive_tty(podman, image):
    rc, out = run_in_pty(["podman", "run", "--rm", "-it", *NET, image.name, "sh", "-c",
                          "tty; stty size; read line; echo got:$line; exit 5"],
                         env=podman.env, input_bytes=b"hello\r", rows=33, cols=97)
    assert rc == 5, out
    lines = [l for l in out.replace("\r", "").split("\n") if l]
    assert "/dev/pts/0" in lines and "33 97" in lines and "got:hello" in lines, out


def test_detached_exec_stop_rm(podman, image):
    name = "eng-detached"
    podman.ok("run", "-d", "--name", name, *NET, image.name, "sh", "-c",
              "trap 'echo bye > /tmp/bye; exit 3' TERM; echo ready > /tmp/ready; while :; do sleep 0.1; done")
    pid = podman.pid(name)
    assert pid > 0 and os.path.exists("/proc/%d" % pid)
    deadline = time.monotonic() + 10
    while podman("exec", name, "cat", "/tmp/ready").returncode != 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    r = podman.ok("exec", "-e", "FOO=bar", "--user", "1000", "--workdir", "/tmp", name,
                  "sh", "-c", "echo $FOO $(id -u) $(pwd) $HOME; cat /proc/1/cmdline | tr '\\0' ' '")
    assert r.stdout.splitlines()[0] == "bar 1000 /tmp /home/tester", r
    # the exec'd process was in the container's pid namespace: it saw our pid 1
    assert r.stdout.splitlines()[1].startswith("sh -c trap")
    assert podman("exec", name, "sh", "-c", "exit 4").returncode == 4
    podman.ok("stop", "--time", "10", name)
    assert podman.ok("inspect", "--format", "{{.State.ExitCode}}", name).stdout.strip() == "3"
    assert not os.path.exists("/proc/%d" % pid) or status_field(pid, "State").startswith("Z")
    podman.ok("rm", name)
    assert podman("inspect", name).returncode != 0


def test_kill_pause_top(podman, image):
    name = "eng-kill"
    podman.ok("run", "-d", "--name", name, *NET, image.name, "sh", "-c",
              "trap 'echo usr1 >> /tmp/sig' USR1; while :; do sleep 0.1; done")
    pid = podman.pid(name)
    podman.ok("kill", "--signal", "USR1", name)
    deadline = time.monotonic() + 10
    while podman("exec", name, "cat", "/tmp/sig").stdout.strip() != "usr1" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert podman.ok("exec", name, "cat", "/tmp/sig").stdout.strip() == "usr1"
    top = podman.ok("top", name, "pid", "args").stdout
    assert "sh -c trap" in top
    podman.ok("pause", name)
    assert podman.ok("inspect", "--format", "{{.State.Status}}", name).stdout.strip() == "paused"
    assert cgroup_file(pid, "freezer", "freezer.state") == "FROZEN" if os.path.isdir(
        "/sys/fs/cgroup/freezer") else True
    assert status_field(pid, "State")[0] in "DS"  # frozen tasks sleep
    podman.ok("unpause", name)
    assert podman.ok("inspect", "--format", "{{.State.Status}}", name).stdout.strip() == "running"
    podman.ok("kill", name)
    podman("wait", name, timeout=30)
    assert podman.ok("inspect", "--format", "{{.State.ExitCode}}", name).stdout.strip() == "137"
    podman.ok("rm", name)


@pytest.mark.parametrize("user,expect", [("1000", "1000 1000 /home/tester"), ("nobody", "65534 65534 /"),
                                         ("1234:5678", "1234 5678 /")])
def test_user(podman, image, user, expect):
    r = prun(podman, image, "sh", "-c", "echo $(id -u) $(id -g) $HOME", opts=("--user", user))
    assert r.stdout.strip() == expect


def test_read_only(podman, image):
    r = prun(podman, image, "sh", "-c", "touch /x 2>&1; touch /tmp/y && echo tmp-ok; grep ' / ' /proc/self/mounts",
             opts=("--read-only",))
    out = r.stdout
    assert "Read-only file system" in out and "tmp-ok" in out
    assert " ro," in out.splitlines()[-1] or " ro " in out.splitlines()[-1]


def test_resources_and_update(podman, image):
    name = "eng-res"
    podman.ok("run", "-d", "--name", name, *NET, "--memory", "64m", "--pids-limit", "77", "--cpu-shares", "512",
              image.name, "sleep", "1000")
    pid = podman.pid(name)
    assert cgroup_file(pid, "memory", "memory.limit_in_bytes") == str(64 << 20)
    assert cgroup_file(pid, "pids", "pids.max") == "77"
    assert cgroup_file(pid, "cpu", "cpu.shares") == "512"
    podman.ok("update", "--memory", "96m", "--cpus", "0.5", "--cpu-shares", "256", name)
    assert cgroup_file(pid, "memory", "memory.limit_in_bytes") == str(96 << 20)
    assert cgroup_file(pid, "cpu", "cpu.cfs_quota_us") == "50000"
    assert cgroup_file(pid, "cpu", "cpu.shares") == "256"
    podman.ok("rm", "--force", "--time", "0", name)


def test_capabilities(podman, image):
    def capeff(*args):
        out = prun(podman, image, "grep", "CapEff", "/proc/self/status", opts=args).stdout
        return int(out.split()[1], 16)
    default = capeff()
    assert default & (1 << 0) and not default & (1 << 21)  # CHOWN yes, SYS_ADMIN no
    assert capeff("--cap-drop", "all", "--cap-add", "NET_ADMIN") == 1 << 12
    assert capeff("--cap-add", "SYS_ADMIN") & (1 << 21)
    assert not capeff("--cap-drop", "CHOWN") & 1


def test_security_opt(podman, image, workdir):
    out = prun(podman, image, "grep", "-E", "NoNewPrivs|Seccomp:", "/proc/self/status",
               opts=("--security-opt", "no-new-privileges")).stdout
    assert "NoNewPrivs:\t1" in out and "Seccomp:\t2" in out
    out = prun(podman, image, "grep", "Seccomp:", "/proc/self/status",
               opts=("--security-opt", "seccomp=unconfined")).stdout
    assert "Seccomp:\t0" in out
    # a profile of our own: mkdir refused, the rest allowed
    profile = os.path.join(workdir, "no-mkdir.json")
    with open(profile, "w") as f:
        f.write('{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], '
                '"action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}')
    r = prun(podman, image, "sh", "-c", "mkdir /tmp/d 2>&1; touch /tmp/f && echo touched",
             opts=("--security-opt", "seccomp=" + profile))
    assert "Operation not permitted" in r.stdout and "touched" in r.stdout, r
    prun(podman, image, "true", opts=("--security-opt", "label=disable", "--security-opt", "apparmor=unconfined"))


def test_device(podman, image):
    # Podman passes st_mode with the file-type bits as fileMode
    if not os.path.exists("/dev/fuse"):
        pytest.skip("no /dev/fuse on this host")
    st = os.stat("/dev/fuse")
    out = prun(podman, image, "stat", "-c", "%F %t:%T %a", "/dev/fuse", opts=("--device", "/dev/fuse")).stdout
    assert out.strip() == "character special file %x:%x %o" % (os.major(st.st_rdev), os.minor(st.st_rdev),
                                                               stat.S_IMODE(st.st_mode))
    out = prun(podman, image, "stat", "-c", "%t:%T", "/dev/myfuse",
               opts=("--device", "/dev/fuse:/dev/myfuse:r")).stdout
    assert out.splitlines()[0] == "%x:%x" % (os.major(st.st_rdev), os.minor(st.st_rdev))


def test_privileged(podman, image):
    out = prun(podman, image, "sh", "-c", "grep CapEff /proc/self/status; readlink /dev/ptmx; ls /dev | wc -l; "
               "mkdir -p /mnt; mount -t tmpfs t /mnt && echo mounted", opts=("--privileged",)).stdout
    lines = out.split("\n")
    bounding = int(open("/proc/self/status").read().split("CapBnd:")[1].split()[0], 16)
    assert int(lines[0].split()[1], 16) == bounding
    assert lines[1] == "pts/ptmx"
    assert int(lines[2]) > 20  # the host's devices
    assert "mounted" in out


def test_tmpfs(podman, image):
    out = prun(podman, image, "sh", "-c", "stat -c '%n %a' /scratch /data; grep -E ' /(scratch|data) ' /proc/self/mounts",
               opts=("--tmpfs", "/scratch:size=1m,mode=1777", "--tmpfs", "/data:mode=0700,size=2m")).stdout
    lines = out.splitlines()
    assert lines[:2] == ["/scratch 1777", "/data 700"], out
    # Podman orders its --tmpfs mounts as it likes (a map): by mountpoint.
    mounts = {line.split()[1]: line for line in lines[2:]}
    assert "size=1024k" in mounts["/scratch"] and "size=2048k" in mounts["/data"], out
    # --mount type=tmpfs: options without tmpcopyup
    out = prun(podman, image, "sh", "-c", "stat -c %a /t; grep ' /t ' /proc/self/mounts",
               opts=("--mount", "type=tmpfs,destination=/t,tmpfs-size=4m,tmpfs-mode=1770")).stdout
    assert out.splitlines()[0] == "1770" and "size=4096k" in out


def test_volume(podman, image, workdir):
    vol = os.path.join(workdir, "vol")
    os.makedirs(vol, exist_ok=True)
    with open(os.path.join(vol, "in"), "w") as f:
        f.write("from host\n")
    out = prun(podman, image, "sh", "-c", "cat /vol/in; echo from container > /vol/out; touch /ro/x 2>&1",
               opts=("-v", "%s:/vol" % vol, "-v", "%s:/ro:ro" % vol), check=False).stdout
    assert "from host" in out and "Read-only file system" in out
    assert open(os.path.join(vol, "out")).read() == "from container\n"
    assert not os.path.exists(os.path.join(vol, "x"))


def test_init(podman, image):
    out = prun(podman, image, "sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; echo; echo $$",
               opts=("--init",)).stdout
    lines = out.splitlines()
    assert "init" in lines[0] and lines[1] != "1", out  # catatonit is pid 1, sh is not


def test_userns_auto(podman, image, subids):
    out = prun(podman, image, "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; stat -c %u /home/tester; id -u",
               opts=("--userns=auto",)).stdout
    maps = [l.split() for l in out.splitlines()[:2]]
    assert maps[0][0] == "0" and int(maps[0][1]) >= subids and maps[1][0] == "0", out
    assert out.splitlines()[2:] == ["1000", "0"]


def test_userns_keep_id(podman, image):
    r = prun(podman, image, "id", "-u", opts=("--userns=keep-id",), check=False)
    if r.returncode != 0 and "only supported in rootless" in r.stderr:
        pytest.skip("Podman 4.3 has --userns=keep-id for rootless only (test_podman_rootless.py)")
    assert r.returncode == 0 and r.stdout.strip() == "0", r


def test_cgroups_disabled(podman, image):
    name = "eng-nocg"
    podman.ok("run", "-d", "--name", name, *NET, "--cgroups=disabled", image.name, "sleep", "1000")
    pid = podman.pid(name)
    # the container stays in conmon's cgroups: nothing made for it
    mine = open("/proc/%d/cgroup" % pid).read()
    assert "libpod-" not in mine, mine
    conmon = int(podman.ok("inspect", "--format", "{{.State.ConmonPid}}", name).stdout)
    assert open("/proc/%d/cgroup" % conmon).read() == mine
    # (podman top refuses a container without a cgroup; exec works)
    assert podman.ok("exec", name, "echo", "in").stdout == "in\n"
    podman.ok("rm", "--force", "--time", "0", name)
    assert not os.path.exists("/proc/%d" % pid) or status_field(pid, "State").startswith("Z")


def test_sdnotify_container(podman, image, workdir):
    sock_path = os.path.join(workdir, "notify.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(sock_path)
    listener.settimeout(30)
    env = dict(podman.env, NOTIFY_SOCKET=sock_path)
    name = "eng-sdnotify"
    try:
        p = subprocess.Popen(["podman", "run", "-d", "--name", name, *NET, "--sdnotify=container", image.name,
                              "sh", "-c", "sleep 1; sd_notify READY=1 STATUS=serving; exec sleep 1000"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        got = []
        while not any("READY=1" in m for m in got):
            got.append(listener.recv(4096).decode())
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        assert any(m.startswith("MAINPID=") for m in got), got
        assert any("READY=1" in m for m in got), got
    finally:
        listener.close()
        podman("rm", "--force", "--time", "0", name)


def test_group_add_keep_groups(podman, image):
    # the runtime runs with our supplementary groups; the container keeps them
    r = subprocess.run(["podman", "run", "--rm", *NET, "--group-add", "keep-groups", image.name,
                        "grep", "Groups", "/proc/self/status"], env=podman.env, capture_output=True, text=True,
                       extra_groups=[2000, 3000], timeout=120)
    assert r.returncode == 0, r
    assert sorted(r.stdout.split()[1:]) == ["2000", "3000"], r
