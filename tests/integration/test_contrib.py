# SPDX-License-Identifier: GPL-2.0-or-later
"""contrib/: the bash completion against the real binary.  (The
containers.conf snippet is what tests/engines runs Podman with; the
containerd snippet is checked there too.)"""
import os
import subprocess

from casing_fixtures import CASING, TOP, unique_id

COMPLETION = os.path.join(TOP, "contrib", "casing.bash-completion")


def complete(*words):
    """What the completion offers for the last word of `casing WORDS...`."""
    script = 'source %s; PATH=%s:$PATH; COMP_WORDS=(casing %s); COMP_CWORD=%d; _casing; ' \
             'printf "%%s\\n" "${COMPREPLY[@]}"' % (COMPLETION, os.path.dirname(CASING),
                                                   " ".join("'%s'" % w for w in words), len(words))
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r
    return sorted(l for l in r.stdout.splitlines() if l)


def test_completion_commands_and_options():
    assert complete("st") == ["start", "state"]
    assert complete("--cgroup-m") == ["--cgroup-manager"]
    assert complete("--cgroup-manager", "") == ["cgroupfs", "disabled", "systemd"]
    # options come from the binary's --help: they match it
    assert "--ignore-paused" in complete("exec", "--")
    assert complete("update", "--cpu-sh") == ["--cpu-share", "--cpu-shares"]
    assert complete("run", "--no-s") == ["--no-subreaper"]


def test_completion_container_ids(casing, bundle):
    bundle.set_args("sleep", "100").save()
    cid = unique_id("compl")
    casing.ok("create", "-b", bundle.path, cid)
    assert complete("--root", casing.root, "delete", cid[:6]) == [cid]
    assert complete("--root=" + casing.root, "kill", "") == [cid]
