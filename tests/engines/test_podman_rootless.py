# SPDX-License-Identifier: GPL-2.0-or-later
"""Rootless Podman on casing: an unprivileged user made by the test, with
/etc/subuid and /etc/subgid ranges (newuidmap from `uidmap`), the vfs
storage driver and no network.  Podman runs the runtime as uid 0 of a user
namespace it made."""
import os
import pwd
import shutil
import subprocess
import time

import pytest

import engines

pytestmark = pytest.mark.podman

USER = "casingeng"
SUBID_START = 500000

ROOTLESS_CONF = """\
[containers]
log_driver = "k8s-file"

[engine]
runtime = "casing"
cgroup_manager = "cgroupfs"
events_logger = "file"
lock_type = "file"
tmp_dir = "%(top)s/tmp"
volume_path = "%(top)s/volumes"
static_dir = "%(top)s/storage/libpod"
runtime_supports_json = ["casing"]
runtime_supports_nocgroup = ["casing"]

[engine.runtimes]
casing = ["%(runtime)s"]
"""


@pytest.fixture(scope="module")
def rootless(workdir, casing_bin, image):
    engines_need = [p for p in ("podman", "newuidmap", "newgidmap", "useradd") if shutil.which(p) is None]
    if engines_need:
        pytest.skip("not installed: %s" % " ".join(engines_need))
    try:
        pwd.getpwnam(USER)
        pytest.skip("user %s exists already: not ours to use" % USER)
    except KeyError:
        pass
    saved = {f: open(f).read() if os.path.exists(f) else None for f in ("/etc/subuid", "/etc/subgid")}
    top = os.path.join(workdir, "rootless")
    # No automatic subordinate range (useradd's SUB_UID_MIN, 100000): other
    # tests map those ids, and userdel refuses a user whose ranges have
    # processes.  Ours is SUBID_START below.
    subprocess.run(["useradd", "--no-create-home", "--home-dir", top, "--shell", "/bin/sh",
                    "-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0", USER], check=True)
    uid = pwd.getpwnam(USER).pw_uid
    try:
        for f in saved:
            with open(f, "a") as out:
                out.write("%s:%d:65536\n" % (USER, SUBID_START))
        pw = pwd.getpwnam(USER)
        runtime_dir = os.path.join(workdir, "rootless-run")
        for d in (top, runtime_dir):
            os.makedirs(d, mode=0o700)
            os.chown(d, pw.pw_uid, pw.pw_gid)
        casing_root = os.path.join(top, "casing")
        conf = os.path.join(top, "containers.conf")
        storage = os.path.join(top, "storage.conf")
        runtime = engines.casing_wrapper(os.path.join(top, "casing-runtime"), casing_bin, casing_root)
        with open(conf, "w") as f:
            f.write(ROOTLESS_CONF % dict(top=top, runtime=runtime))
        with open(storage, "w") as f:
            f.write("[storage]\ndriver = \"vfs\"\ngraphroot = \"%s/storage\"\nrunroot = \"%s/runroot\"\n"
                    % (top, top))
        for path in (conf, storage, runtime):
            os.chown(path, pw.pw_uid, pw.pw_gid)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": top, "USER": USER, "LOGNAME": USER,
               "XDG_RUNTIME_DIR": runtime_dir, "CONTAINERS_CONF": conf, "CONTAINERS_STORAGE_CONF": storage,
               "TMPDIR": top}

        def podman(*args, timeout=180):
            return engines.run(["podman", *args], env=env, timeout=timeout, user=pw.pw_uid, group=pw.pw_gid,
                               extra_groups=[], cwd=top)
        shutil.copy2(image.archive, os.path.join(top, "image.tar"))
        os.chown(os.path.join(top, "image.tar"), pw.pw_uid, pw.pw_gid)
        r = podman("load", "--input", os.path.join(top, "image.tar"))
        assert r.returncode == 0, r
        yield podman
        podman("rm", "--all", "--force", "--time", "0")
        podman("rmi", "--all", "--force")
        # the user's podman pause process holds its namespaces
        podman("system", "migrate")
    finally:
        engines.kill_processes_of_uid(uid)
        engines.kill_processes_mentioning(top)
        engines.unmount_below(top)
        # userdel refuses a user with processes, zombies too: wait for the
        # killed ones to be reaped, and say so when it still refuses.
        for _ in range(100):
            r = subprocess.run(["userdel", USER], capture_output=True, text=True)
            if r.returncode == 0:
                break
            engines.kill_processes_of_uid(uid)
            time.sleep(0.1)
        else:
            print("userdel %s failed: %s" % (USER, r.stderr))
        for f, text in saved.items():
            if text is None:
                os.unlink(f)
            else:
                with open(f, "w") as out:
                    out.write(text)


def test_rootless_run(rootless, image):
    r = rootless("run", "--rm", "--network", "none", image.name, "sh", "-c",
                 "id -u; cat /proc/self/uid_map; echo $HOME; exit 3")
    assert r.returncode == 3, r
    lines = r.stdout.split("\n")
    assert lines[0] == "0"
    first = lines[1].split()
    assert first[0] == "0" and first[1] == str(pwd.getpwnam(USER).pw_uid)


def test_rootless_detached_exec_stop(rootless, image):
    r = rootless("run", "-d", "--name", "rl", "--network", "none", image.name, "sleep", "1000")
    assert r.returncode == 0, r
    try:
        r = rootless("exec", "rl", "sh", "-c", "echo in; id -u")
        assert r.returncode == 0 and r.stdout.split() == ["in", "0"], r
        r = rootless("stop", "--time", "1", "rl")
        assert r.returncode == 0, r
    finally:
        rootless("rm", "--force", "--time", "0", "rl")


def test_rootless_userns_keep_id(rootless, image):
    r = rootless("run", "--rm", "--network", "none", "--userns=keep-id", image.name, "id", "-u")
    assert r.returncode == 0 and r.stdout.strip() == str(pwd.getpwnam(USER).pw_uid), r
