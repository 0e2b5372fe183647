# SPDX-License-Identifier: GPL-2.0-or-later
"""AppArmor for real: these run only where AppArmor is enabled, i.e. inside
the test VM (tests/vm/run-v2-tests.sh runs `-m apparmor`).  A profile is
loaded with apparmor_parser; the container process (and an `exec`ed one)
must run confined by it, as /proc/self/attr/current shows, and what the
profile denies must fail."""
import json
import os
import shutil
import subprocess

import pytest

from casing_fixtures import unique_id

pytestmark = pytest.mark.apparmor

PROFILE = "casing-test-profile"


def apparmor_enabled():
    try:
        with open("/sys/module/apparmor/parameters/enabled") as f:
            return f.read().strip() == "Y"
    except OSError:
        return False


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    if not apparmor_enabled() or shutil.which("apparmor_parser") is None:
        pytest.skip("AppArmor is not enabled on this host (runs in the test VM)")
    path = tmp_path_factory.mktemp("aa") / PROFILE
    path.write_text("""
profile %s flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  ptrace,
  mount,
  umount,
  pivot_root,
  deny /tmp/denied/** w,
  deny /tmp/denied w,
}
""" % PROFILE)
    subprocess.run(["apparmor_parser", "-r", "-W", str(path)], check=True)
    yield PROFILE
    subprocess.run(["apparmor_parser", "-R", str(path)], check=False)


def test_container_runs_under_the_profile(casing, bundle, profile):
    os.makedirs(os.path.join(bundle.rootfs, "tmp", "denied"), exist_ok=True)
    bundle.config["process"]["apparmorProfile"] = profile
    bundle.set_args("sh", "-c",
                    "cat /proc/self/attr/current; touch /tmp/denied/x && echo WROTE || echo DENIED")
    bundle.save()
    r = casing.run("run", "--bundle", bundle.path, unique_id("aa"))
    assert r.returncode == 0, r
    lines = r.stdout.split("\n")
    assert lines[0] == "%s (enforce)" % profile
    assert "DENIED" in r.stdout and "WROTE" not in r.stdout


def test_exec_gets_the_profile_and_apparmor_option(casing, bundle, profile):
    bundle.config["process"]["apparmorProfile"] = profile
    bundle.set_args("sleep", "60")
    bundle.save()
    cid = unique_id("aa")
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    r = casing.ok("exec", cid, "cat", "/proc/self/attr/current")
    assert r.stdout.strip() == "%s (enforce)" % profile
    r = casing.ok("exec", "--apparmor", "unconfined", cid, "cat", "/proc/self/attr/current")
    assert r.stdout.strip() == "unconfined"


def test_exec_process_file_without_profile_keeps_the_containers(casing, bundle, profile, tmp_path):
    # A process.json that does not name a profile must not leave the
    # container's confinement (runc keeps the container's too).
    bundle.config["process"]["apparmorProfile"] = profile
    bundle.set_args("sleep", "60")
    bundle.save()
    cid = unique_id("aa")
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    p = json.loads(json.dumps(bundle.config["process"]))
    p.pop("apparmorProfile")
    p["args"] = ["cat", "/proc/self/attr/current"]
    (tmp_path / "p.json").write_text(json.dumps(p))
    r = casing.ok("exec", "--process", str(tmp_path / "p.json"), cid)
    assert r.stdout.strip() == "%s (enforce)" % profile
    p["apparmorProfile"] = "unconfined"
    (tmp_path / "p.json").write_text(json.dumps(p))
    r = casing.ok("exec", "--process", str(tmp_path / "p.json"), cid)
    assert r.stdout.strip() == "unconfined"


def test_unknown_profile_fails_clearly(casing, bundle, profile):
    bundle.config["process"]["apparmorProfile"] = "no-such-profile-loaded"
    bundle.save()
    r = casing.run("run", "--bundle", bundle.path, unique_id("aa"))
    assert r.returncode != 0
    assert "no-such-profile-loaded" in r.stderr, r
