# SPDX-License-Identifier: GPL-2.0-or-later
"""`update` of linux.resources.devices replaces the device rules whole; the
container's own linux.devices must stay usable, as they were at create."""
import json

from casing_fixtures import unique_id
from cgroup_helpers import run_detached


def probe(casing, cid, node):
    # 240-254 are for local use: no driver, so an open the cgroup lets
    # through fails with ENXIO, one it blocks with EPERM.
    r = casing.run("exec", cid, "sh", "-c", "head -c 1 %s; true" % node)
    return r.stdout + r.stderr


def test_update_devices_keeps_linux_devices(casing, bundle):
    for s in ("bounding", "effective", "permitted"):
        bundle.config["process"]["capabilities"][s].append("CAP_MKNOD")
    bundle.config["linux"]["devices"] = [
        {"path": "/dev/x242", "type": "c", "major": 242, "minor": 0, "fileMode": 0o666}]
    bundle.config["linux"]["resources"]["devices"].append(
        {"allow": True, "type": "c", "major": 243, "access": "rw"})
    bundle.set_args("sh", "-c", "mknod /dev/x243 c 243 0; sleep 1000").save()
    cid = unique_id("cgdev")
    rc, out = run_detached(casing, bundle, cid)
    assert rc == 0, out
    assert "No such device or address" in probe(casing, cid, "/dev/x242")
    assert "No such device or address" in probe(casing, cid, "/dev/x243")

    # Take major 243 away again: x242 (a linux.devices entry) must stay open.
    casing.ok("update", "--resources", "-", cid, input=json.dumps({"devices": [
        {"allow": False, "type": "c", "major": 243, "access": "rwm"}]}))
    assert "No such device or address" in probe(casing, cid, "/dev/x242")
    assert "Operation not permitted" in probe(casing, cid, "/dev/x243")
    # and the defaults are still there
    r = casing.run("exec", cid, "sh", "-c", "head -c 1 /dev/zero | wc -c")
    assert r.stdout.strip() == "1", r


def test_update_devices_never_denies_what_stays_allowed(casing, bundle):
    """cgroup v1: `update` must not reset the rules to deny-all and allow
    again, one write at a time: meanwhile the running container's opens of
    /dev/null fail with EPERM.  Only the difference is written (the new
    allows first, then the denies)."""
    for s in ("bounding", "effective", "permitted"):
        bundle.config["process"]["capabilities"][s].append("CAP_MKNOD")
    bundle.config["linux"]["resources"]["devices"].append(
        {"allow": True, "type": "c", "major": 243, "access": "rwm"})
    # `true`, not `:`: a redirection failing on a special builtin ends sh.
    bundle.set_args("sh", "-c", "mknod /dev/x243 c 243 0; "
                    "while :; do true >/dev/null || echo DENIED >>/dev/shm/log; done").save()
    cid = unique_id("cgdev")
    rc, out = run_detached(casing, bundle, cid)
    assert rc == 0, out
    for i in range(40):
        rules = [{"allow": i % 2 == 0, "type": "c", "major": 243, "access": "rw"}]
        casing.ok("update", "--resources", "-", cid, input=json.dumps({"devices": rules}))
        # each update really changed the rules
        assert ("No such device or address" if i % 2 == 0 else "Operation not permitted") in probe(
            casing, cid, "/dev/x243")
    r = casing.run("exec", cid, "sh", "-c", "cat /dev/shm/log 2>/dev/null | wc -l")
    assert r.stdout.strip() == "0", r
