# SPDX-License-Identifier: GPL-2.0-or-later
"""User and group ids the kernel reads as "leave unchanged" or as negative,
and container ids starting with a dot.

setresuid(2) and friends take (uid_t)-1 = 4294967295 as "keep the current
id": a config or exec request with that uid would run the process as root.
Ids above 2^31-1 are refused everywhere the user gives them (config.json,
exec --user/--additional-gids, exec --process), by `check` as well as by
`create`/`exec`."""
import glob
import json
import os

import pytest

from casing_fixtures import unique_id

MAX_ID = 2147483647
BAD_IDS = [4294967295, 2147483648]
FIELDS = ["uid", "gid", "additionalGids"]


def set_id(bundle, field, value):
    user = bundle.config["process"].setdefault("user", {"uid": 0, "gid": 0})
    if field == "additionalGids":
        user["additionalGids"] = [0, value]
        return "process.user.additionalGids[1]"
    user[field] = value
    return "process.user." + field


def cgroup_dirs_named(name):
    """Directories called `name` right under any mounted cgroup hierarchy."""
    return glob.glob("/sys/fs/cgroup/*/" + name) + glob.glob("/sys/fs/cgroup/" + name)


@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize("field", FIELDS)
def test_create_refuses_ids_above_int_max(casing, bundle, field, value):
    bundle.set_args("sh", "-c", "id -u; id -g; id -G")
    path = set_id(bundle, field, value)
    cid = unique_id("ids")
    cgname = "casing-sec-" + cid
    bundle.config["linux"]["cgroupsPath"] = "/" + cgname
    bundle.save()
    # `run` shows what the process would have been: before the fix it ran as
    # root with uid 4294967295 (`id -u` printed 0).
    r = casing.run("run", "--bundle", bundle.path, cid, timeout=60)
    assert r.returncode != 0, "the process ran (id -u, id -g, id -G): %r" % r.stdout
    assert path in r.stderr and str(value) in r.stderr, r.stderr
    r = casing.run("create", "--bundle", bundle.path, cid)
    assert r.returncode != 0
    assert path in r.stderr and str(value) in r.stderr, r.stderr
    # nothing left behind: no state directory, no cgroup
    assert not os.path.lexists(os.path.join(casing.root, cid))
    assert casing.run("state", cid).returncode != 0
    assert cgroup_dirs_named(cgname) == []


@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize("field", FIELDS)
def test_check_reports_ids_above_int_max(casing, bundle, field, value):
    path = set_id(bundle, field, value)
    bundle.save()
    r = casing.run("check", "--bundle", bundle.path, "--format", "json")
    assert r.returncode == 1, r.stdout
    errors = [p for p in json.loads(r.stdout)["problems"] if p["severity"] == "error"]
    assert [p["path"] for p in errors] == [path], r.stdout
    assert str(value) in errors[0]["message"]
    r = casing.run("check", "--bundle", bundle.path)
    assert r.returncode == 1 and path in r.stdout


def test_int_max_itself_is_accepted(casing, bundle):
    user = bundle.config["process"]["user"]
    user.update(uid=MAX_ID, gid=MAX_ID, additionalGids=[MAX_ID])
    os.chmod(bundle.rootfs, 0o755)  # a copy of a mkdtemp dir: 0700, closed to that uid
    bundle.set_args("sh", "-c", "id -u; id -g").save()
    r = casing.run("check", "--bundle", bundle.path, "--format", "json")
    assert r.returncode == 0, r.stdout
    cid = unique_id("ids")
    r = casing.run("run", "--bundle", bundle.path, cid)
    assert r.returncode == 0, r
    assert r.stdout.split() == [str(MAX_ID), str(MAX_ID)]


@pytest.fixture
def running(casing, bundle):
    os.chmod(bundle.rootfs, 0o755)  # a copy of a mkdtemp dir: 0700, closed to other uids
    bundle.set_args("sleep", "1000").save()
    cid = unique_id("ids")
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    return cid


@pytest.mark.parametrize("args, what", [
    (["--user", "4294967295"], "process.user.uid"),
    (["--user", "2147483648"], "process.user.uid"),
    (["--user", "0:4294967295"], "process.user.gid"),
    (["--user", "1000:2147483648"], "process.user.gid"),
    (["--additional-gids", "4294967295"], "process.user.additionalGids[0]"),
    (["--additional-gids", "0,2147483648"], "process.user.additionalGids[1]"),
])
def test_exec_refuses_ids_above_int_max(casing, running, args, what):
    r = casing.run("exec", *args, running, "sh", "-c", "id -u; id -g; id -G")
    assert r.returncode != 0, "the process ran (id -u, id -g, id -G): %r" % r.stdout
    assert what in r.stderr, r.stderr


@pytest.mark.parametrize("field", FIELDS)
def test_exec_process_json_refuses_ids_above_int_max(casing, running, tmpdir_path, field):
    user = {"uid": 0, "gid": 0}
    if field == "additionalGids":
        user[field] = [4294967295]
        what = "process.user.additionalGids[0]"
    else:
        user[field] = 4294967295
        what = "process.user." + field
    process = {"user": user, "args": ["sh", "-c", "id -u; id -g; id -G"], "cwd": "/",
               "env": ["PATH=/bin"]}
    path = os.path.join(tmpdir_path, "process.json")
    with open(path, "w") as f:
        json.dump(process, f)
    r = casing.run("exec", "--process", path, running)
    assert r.returncode != 0, "the process ran (id -u, id -g, id -G): %r" % r.stdout
    assert what in r.stderr, r.stderr


def test_exec_int_max_is_accepted(casing, running):
    r = casing.run("exec", "--user", "%d:%d" % (MAX_ID, MAX_ID), running, "sh", "-c",
                   "id -u; id -g")
    assert r.returncode == 0, r
    assert r.stdout.split() == [str(MAX_ID), str(MAX_ID)]


def test_dot_ids_are_listed(casing, bundle):
    """runc's id rule allows a leading dot; casing keeps nothing but
    container directories in the state root, so such a container is
    listed like any other instead of hiding from `list`."""
    bundle.set_args("sleep", "1000").save()
    hidden = "." + unique_id("dot")
    # The kernel keeps keyring names starting with a dot for itself: the
    # session keyring of such a container is "_ses" + id (runc's prefix).
    casing.ok("create", "--bundle", bundle.path, hidden)
    ids = casing.ok("list", "-q").stdout.split()
    assert hidden in ids
    listed = [c["id"] for c in casing.ok("list", "--format", "json").json()]
    assert hidden in listed
    assert casing.state(hidden)["status"] == "created"
    casing.ok("delete", "--force", hidden)
    assert hidden not in casing.ok("list", "-q").stdout.split()
    for bad in (".", ".."):
        r = casing.run("create", "--bundle", bundle.path, bad)
        assert r.returncode != 0 and "invalid container id" in r.stderr
