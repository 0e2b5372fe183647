# SPDX-License-Identifier: GPL-2.0-or-later
"""checkpoint and restore where criu is missing or does not work: clear
errors, nothing made or lost; `features` says checkpoint is off.  (The
checkpoints themselves are in test_criu.py, which runs in the VM guest.)"""
import json
import os

from casing_fixtures import unique_id


def test_features_reports_checkpoint_only_with_a_working_criu(casing, tmpdir_path):
    r = casing.run("features", global_args=("--criu", os.path.join(tmpdir_path, "none")))
    assert r.returncode == 0, r.stderr
    annotations = json.loads(r.stdout)["annotations"]
    assert annotations["run.casing.checkpoint.enabled"] == "false"
    assert "run.casing.criu.version" not in annotations
    # a "criu" that runs but whose check fails
    fake = os.path.join(tmpdir_path, "criu")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\n[ \"$1\" = --version ] && echo 'Version: 9.9' && exit 0\nexit 1\n")
    os.chmod(fake, 0o755)
    annotations = json.loads(casing.ok("features", global_args=("--criu", fake)).stdout)["annotations"]
    assert annotations["run.casing.checkpoint.enabled"] == "false"
    assert annotations["run.casing.criu.version"] == "9.9"
    # and one whose check passes
    with open(fake, "w") as f:
        f.write("#!/bin/sh\n[ \"$1\" = --version ] && echo 'Version: 9.9' && exit 0\n[ \"$1\" = check ]\n")
    annotations = json.loads(casing.ok("features", global_args=("--criu", fake)).stdout)["annotations"]
    assert annotations["run.casing.checkpoint.enabled"] == "true"


def test_without_criu_a_clear_error_and_nothing_lost(casing, bundle, tmpdir_path):
    bundle.set_args("sleep", "1000").save()
    cid = unique_id("nocriu")
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    pid = casing.state(cid)["pid"]
    env = dict(os.environ, PATH=tmpdir_path)  # no criu in $PATH...
    images = os.path.join(tmpdir_path, "images")
    r = casing.run("checkpoint", "--image-path", images, cid, global_args=("--criu", os.path.join(tmpdir_path, "x")))
    assert r.returncode != 0 and "--criu" in r.stderr and "not an executable file" in r.stderr
    st = casing.state(cid)
    assert st["status"] == "running" and st["pid"] == pid
    if not any(os.access(os.path.join(d, "criu"), os.X_OK) for d in ("/usr/local/sbin", "/usr/sbin", "/sbin")):
        r = casing.run("checkpoint", "--image-path", images, cid, env=env)
        assert r.returncode != 0 and "need CRIU" in r.stderr and "criu" in r.stderr
    new = unique_id("nocriu")
    r = casing.run("restore", "-d", "--bundle", bundle.path, "--image-path", tmpdir_path, new,
                   global_args=("--criu", os.path.join(tmpdir_path, "x")))
    assert r.returncode != 0 and "not an executable file" in r.stderr
    assert not os.path.exists(os.path.join(casing.root, new))
    casing.ok("delete", "--force", cid)


def test_checkpoint_needs_a_running_container(casing, bundle, tmpdir_path):
    bundle.set_args("true").save()
    cid = unique_id("nocriu")
    casing.ok("create", "--bundle", bundle.path, cid)
    r = casing.run("checkpoint", "--image-path", os.path.join(tmpdir_path, "i"), cid)
    assert r.returncode != 0 and "created, not running" in r.stderr
    r = casing.run("checkpoint", unique_id("none"))
    assert r.returncode != 0 and "does not exist" in r.stderr


def test_restore_refuses_what_criu_cannot_do(casing, bundle, tmpdir_path):
    """A config without a mount namespace of its own is refused before
    anything is made (the images are not even read)."""
    bundle.config["linux"]["namespaces"] = [n for n in bundle.config["linux"]["namespaces"] if n["type"] != "mount"]
    bundle.save()
    cid = unique_id("nocriu")
    r = casing.run("restore", "-d", "--bundle", bundle.path, "--image-path", tmpdir_path, cid)
    assert r.returncode != 0 and "mount namespace" in r.stderr
    assert not os.path.exists(os.path.join(casing.root, cid))


def test_help_documents_the_options(casing):
    out = casing.ok("checkpoint", "--help").stdout
    for opt in ("--image-path", "--work-path", "--leave-running", "--tcp-established", "--ext-unix-sk",
                "--shell-job", "--file-locks", "--pre-dump", "--parent-path", "--manage-cgroups-mode",
                "--lazy-pages", "--page-server", "--status-fd", "--empty-ns", "--auto-dedup"):
        assert opt in out, opt
    out = casing.ok("restore", "--help").stdout
    for opt in ("--detach", "--pid-file", "--console-socket", "--bundle", "--no-pivot", "--image-path",
                "--work-path", "--manage-cgroups-mode", "--lazy-pages", "--lsm-profile", "--no-subreaper"):
        assert opt in out, opt
    out = casing.ok("--help").stdout
    assert "checkpoint" in out and "restore" in out
    r = casing.run("checkpoint", "--manage-cgroups-mode", "sometimes", "x")
    assert r.returncode != 0 and "soft, full, strict or ignore" in r.stderr
    r = casing.run("checkpoint", "--empty-ns", "ipc", "x")
    assert r.returncode != 0 and "only `network`" in r.stderr
