# SPDX-License-Identifier: GPL-2.0-or-later
"""CVE-2024-21626 class: an fd of the runtime that reaches the host
(a directory, a procfs of the host) must never become the container's way
out: neither as process.cwd / `exec --cwd` = /proc/self/fd/N, nor through
/proc/PID/fd of a runtime process that a container process can see.

The host makes a secret only it has (attack_helpers.HostSecret: a file in
/tmp and a host process carrying it in its command line); the attackers
report everything they read, and the host checks that neither the secret,
nor the host's pid 1 command line, nor a write to the host process shows
up.  The runtime binary is a private copy (no attack here targets it, but
a runtime process is exposed to the container)."""
import fcntl
import os
import subprocess

import pytest

from attack_helpers import apply_caps, prepare_attack, request_stop, wait_report
from casing_fixtures import unique_id

FDS = range(3, 41)


def check_probe(secret, n, text):
    """The findings in the report of cwd_probe run with cwd N."""
    found = list(secret.leaks(text))
    for line in text.splitlines():
        if line.startswith("cwd=(unreachable)"):
            found.append("its cwd is outside the container root (%s)" % line)
    return ["/proc/self/fd/%d: %s" % (n, f) for f in found]


def summary(results):
    """One line per cwd the process got; the refused ones counted."""
    ran = ["/proc/self/fd/%d: ran: %s" % (n, " | ".join(r.stdout.splitlines()[:8]))
           for n, r in results if r.returncode == 0]
    return "\n".join(ran + ["refused by the runtime: %d of %d"
                            % (len(results) - len(ran), len(results))])


@pytest.mark.parametrize("caps", ["default", "all", "userns"])
def test_process_cwd_through_runtime_fd(copy_casing, bundle, host_secret, caps):
    """process.cwd = /proc/self/fd/N for every N in 3..40, one container
    each: the probe reports where it landed (getcwd), what of the host it
    reaches from there, and the fds it holds."""
    prepare_attack(bundle, host_secret, "cwd_probe")
    apply_caps(bundle, caps)
    bundle.set_args("/attack/cwd_probe")
    findings, results = [], []
    for n in FDS:
        bundle.config["process"]["cwd"] = "/proc/self/fd/%d" % n
        bundle.save()
        r = copy_casing.run("run", "-b", bundle.path, unique_id("cwd"), timeout=30)
        results.append((n, r))
        if r.returncode == 0:
            findings += check_probe(host_secret, n, r.stdout)
    print(summary(results))
    assert not findings, "\n".join(findings)


@pytest.mark.parametrize("caps", ["default", "all", "userns"])
def test_exec_cwd_through_runtime_fd(copy_casing, bundle, host_secret, caps):
    """`exec --cwd /proc/self/fd/N` for every N in 3..40, into one running
    container."""
    prepare_attack(bundle, host_secret, "cwd_probe")
    apply_caps(bundle, caps)
    bundle.set_args("sleep", "120").save()
    cid = unique_id("cwd")
    copy_casing.ok("run", "-d", "-b", bundle.path, cid)
    findings, results = [], []
    for n in FDS:
        r = copy_casing.run("exec", "--cwd", "/proc/self/fd/%d" % n, cid, "/attack/cwd_probe",
                            timeout=30)
        results.append((n, r))
        if r.returncode == 0:
            findings += check_probe(host_secret, n, r.stdout)
    print(summary(results))
    assert not findings, "\n".join(findings)


@pytest.mark.parametrize("caps", ["ptrace", "all", "userns"])
def test_exec_runtime_fds_seen_from_container(copy_casing, bundle, tmpdir_path, host_secret,
                                              monkeypatch, caps):
    """While `exec` sets up its process in the container's pid namespace, a
    process of the container (with CAP_SYS_PTRACE) lists /proc/PID/fd of
    every new pid and tries to reach the host through each: readlink, open,
    walk up with "..", search a host procfs."""
    monkeypatch.chdir(tmpdir_path)  # the runtime's own cwd: a temp dir
    prepare_attack(bundle, host_secret, "fd_snoop")
    apply_caps(bundle, caps)
    bundle.set_args("/attack/fd_snoop", "25").save()
    cid = unique_id("snoop")
    copy_casing.ok("run", "-d", "-b", bundle.path, cid)
    assert "ready" in wait_report(bundle, "ready"), "the attacker did not start"
    for _ in range(40):
        copy_casing.run("exec", cid, "true", timeout=30)
    request_stop(bundle)
    text = wait_report(bundle, "fd_snoop: done", timeout=25)
    print(text)
    findings = host_secret.leaks(text)
    assert not findings, "\n".join(findings) + "\n" + text


def fd_numbers(pid):
    return sorted(int(f) for f in os.listdir("/proc/%d/fd" % pid))


@pytest.mark.parametrize("verb", ["run", "create_start", "exec"])
def test_final_process_holds_only_stdio(copy_casing, bundle, tmpdir_path, verb):
    """The container's process starts with fds 0, 1 and 2 only: listed on
    the host (/proc/PID/fd of the container process) and inside."""
    prepare_attack(bundle, None, "cwd_probe")
    bundle.set_args("sleep", "120").save()
    cid = unique_id("fds")
    pid_file = os.path.join(tmpdir_path, "exec.pid")
    if verb == "run":
        copy_casing.ok("run", "-d", "-b", bundle.path, cid)
        pid = copy_casing.state(cid)["pid"]
    elif verb == "create_start":
        copy_casing.ok("create", "-b", bundle.path, cid)
        copy_casing.ok("start", cid)
        pid = copy_casing.state(cid)["pid"]
    else:
        copy_casing.ok("run", "-d", "-b", bundle.path, cid)
        copy_casing.ok("exec", "-d", "--pid-file", pid_file, cid, "sleep", "120")
        pid = int(open(pid_file).read())
    assert fd_numbers(pid) == [0, 1, 2], [os.readlink("/proc/%d/fd/%d" % (pid, f))
                                          for f in fd_numbers(pid)]
    r = copy_casing.ok("exec", cid, "/attack/cwd_probe", timeout=30)
    print(r.stdout)
    assert "fds: 0 1 2\n" in r.stdout, r.stdout


def test_exec_preserved_fds_only(copy_casing, bundle, tmpdir_path):
    """`exec --preserve-fds 2`: fds 0..4 and nothing else."""
    prepare_attack(bundle, None, "cwd_probe")
    bundle.set_args("sleep", "120").save()
    cid = unique_id("fds")
    copy_casing.ok("run", "-d", "-b", bundle.path, cid)
    r, w = os.pipe()
    # Numbers clear of 3 and 4; bash makes 3 and 4 copies of them, the
    # originals stay open too and must not reach the container.
    a, b = fcntl.fcntl(r, fcntl.F_DUPFD_CLOEXEC, 20), fcntl.fcntl(w, fcntl.F_DUPFD_CLOEXEC, 20)
    os.close(r)
    os.close(w)
    try:
        p = subprocess.run(
            ["bash", "-c", 'exec 3<&%d 4>&%d; exec "$@"' % (a, b), "bash",
             *copy_casing.argv("exec", "--preserve-fds", "2", cid, "/attack/cwd_probe")],
            pass_fds=(a, b), capture_output=True, text=True, timeout=30)
    finally:
        os.close(a)
        os.close(b)
    print(p.stdout, p.stderr)
    assert p.returncode == 0, p.stderr
    assert "fds: 0 1 2 3 4\n" in p.stdout, p.stdout
