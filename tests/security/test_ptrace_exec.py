# SPDX-License-Identifier: GPL-2.0-or-later
"""A container with CAP_SYS_PTRACE traces the runtime processes that
enter it: `exec` joining its pid namespace, or the init of a container
that joins its pid namespace, before their final execve.

The attacker (attackers/ptrace_spy.c) PTRACE_SEIZEs every new pid and,
with the process stopped, reports its capabilities and the directories
and fds it holds, and uses them for real: it reads the host's secret file
through them and leaves a NAME.escaped file next to what it reached.  The
host checks its secret, its files and the capabilities the attacker got
hold of.  The runtime binary is a private copy."""
import os
import re

import pytest

from attack_helpers import (apply_caps, cap_mask, prepare_attack, request_stop, wait_report)
from casing_fixtures import Bundle, unique_id
from isolation_helpers import add_namespace

SEIZED = re.compile(r"SEIZED pid (\d+) exe=(\S*) Name=(\S*) CapEff=([0-9a-f]+) "
                    r"CapPrm=([0-9a-f]+) CapBnd=([0-9a-f]+)")


def start_spy(cas, bundle, secret, caps):
    prepare_attack(bundle, secret, "ptrace_spy")
    apply_caps(bundle, caps)
    bundle.set_args("/attack/ptrace_spy", "25").save()
    cid = unique_id("spy")
    cas.ok("run", "-d", "-b", bundle.path, cid)
    assert "ready" in wait_report(bundle, "ready"), "the attacker did not start"
    return cid


def findings(bundle, secret, tmpdir_path):
    """Everything that got out, as seen on the host."""
    request_stop(bundle)
    text = wait_report(bundle, "ptrace_spy: done", timeout=25)
    print(text)
    found = list(secret.leaks(text))
    for path in secret.escaped_files(tmpdir_path, inside=[bundle.rootfs]):
        found.append("a file the container created on the host: %s" % path)
    bound = cap_mask(bundle.config["process"]["capabilities"]["bounding"])
    beyond = {}
    for pid, exe, name, eff, prm, bnd in SEIZED.findall(text):
        extra = (int(eff, 16) | int(prm, 16)) & ~bound
        if extra:
            beyond.setdefault((name, exe, eff, prm, bnd, extra), []).append(pid)
    for (name, exe, eff, prm, bnd, extra), pids in beyond.items():
        found.append("%d traced processes (%s, exe %s; pids %s) held capabilities 0x%x beyond "
                     "the attacker's bounding set 0x%x (CapEff=%s CapPrm=%s CapBnd=%s)"
                     % (len(pids), name, exe, ",".join(pids[:5]), extra, bound, eff, prm, bnd))
    return found, text


@pytest.mark.parametrize("caps", ["ptrace", "all", "userns"])
def test_ptrace_exec(copy_casing, bundle, tmpdir_path, host_secret, monkeypatch, caps):
    """`casing exec` 40 times into a container whose init traces every new
    pid."""
    monkeypatch.chdir(tmpdir_path)  # the runtime's cwd: a temp dir
    cid = start_spy(copy_casing, bundle, host_secret, caps)
    for _ in range(40):
        copy_casing.run("exec", cid, "true", timeout=30)
    found, text = findings(bundle, host_secret, tmpdir_path)
    assert not found, "\n".join(found) + "\n\n" + text


@pytest.mark.parametrize("caps", ["ptrace", "all", "userns"])
def test_ptrace_container_init(copy_casing, bundle, tmpdir_path, host_secret, monkeypatch, caps):
    """Containers that join the spy's pid namespace (default capabilities):
    their init is the runtime until execve, set up in a mount namespace
    that starts as a copy of the host's.  With a user namespace, the peers
    join the spy's too (as a pod's containers do): in another one the
    kernel alone would keep the spy out, whatever casing does."""
    monkeypatch.chdir(tmpdir_path)
    cid = start_spy(copy_casing, bundle, host_secret, caps)
    spy_pid = copy_casing.state(cid)["pid"]
    peer = Bundle(os.path.join(tmpdir_path, "peer"))
    peer.config["root"]["path"] = bundle.rootfs
    add_namespace(peer, "pid", "/proc/%d/ns/pid" % spy_pid)
    if caps == "userns":
        add_namespace(peer, "user", "/proc/%d/ns/user" % spy_pid)
    peer.set_args("true").save()
    ran = 0
    for _ in range(5):
        ran += copy_casing.run("run", "-d", "-b", peer.path, unique_id("peer"), timeout=30).returncode == 0
    found, text = findings(bundle, host_secret, tmpdir_path)
    assert ran > 0, "no peer container ran"
    assert not found, "\n".join(found) + "\n\n" + text
