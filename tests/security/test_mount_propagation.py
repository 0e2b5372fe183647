# SPDX-License-Identifier: GPL-2.0-or-later
"""Mount propagation from a container back to the host.

On a systemd host every mount is shared ("/" is rshared).  A volume the
runtime binds by cloning its source in the host's mount namespace (an
idmapped mount is made there, before the container's user namespace
exists) joins the source's peer group: then whatever is mounted below that
volume in the container, by the config or by the container itself, is
mounted on the host too.  The suite runs in a namespace whose mounts are
all shared (conftest.host_namespace); the checks read its mount table."""
import os
import subprocess

import pytest

from attack_helpers import ALL_CAPS
from casing_fixtures import unique_id, wait_for
from isolation_helpers import drop_namespace, set_caps, userns
from mnt_helpers import (USERNS_HOST_ID, gained_mounts, host_mounts, host_peer_groups, peer_groups_of,
                         umount_quietly)

# How the volume is bound, and where the runtime clones it:
#  userns-idmap: idmapped with the container's user namespace (cloned in the host's namespace)
#  userns-idmap-rshared: the same, linux.rootfsPropagation "rshared" (the container's mounts
#    are made shared at the end: its own peer groups, slaves of the host's)
#  mount-idmap: idmapped with the mount's own mappings, no user namespace (likewise)
#  no-mountns: a plain rbind, the container sharing the runtime's mount namespace
VARIANTS = ["userns-idmap", "userns-idmap-rshared", "mount-idmap", "no-mountns"]

MARK = "mounted-in-the-container"


@pytest.fixture
def volume(tmpdir_path):
    """A host directory with a submount of its own (rbind clones it too)."""
    vol = os.path.join(tmpdir_path, "vol")
    for d in ("", "sub", "own", "nested"):
        os.makedirs(os.path.join(vol, d), exist_ok=True)
        os.chmod(os.path.join(vol, d), 0o777)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0777", "nested",
                    os.path.join(vol, "nested")], check=True)
    os.makedirs(os.path.join(vol, "nested", "own"))
    os.chmod(os.path.join(vol, "nested", "own"), 0o777)
    try:
        yield vol
    finally:
        # Whatever leaked (a failed run) goes with the submount.
        subprocess.run(["umount", "-R", "-l", vol], stderr=subprocess.DEVNULL)
        umount_quietly(os.path.join(vol, "nested"))


def configure(bundle, variant, vol):
    """The volume at /vol, a tmpfs of the config at /vol/sub, every
    capability (the container mounts too, where it has its own mount
    namespace)."""
    mapping = [{"containerID": 0, "hostID": USERNS_HOST_ID, "size": 65536}]
    vmount = {"destination": "/vol", "type": "bind", "source": vol, "options": ["rbind"]}
    if variant.startswith("userns-idmap"):
        userns(bundle, host_id=USERNS_HOST_ID)
        vmount["options"].append("idmap")
        if variant.endswith("-rshared"):
            bundle.config["linux"]["rootfsPropagation"] = "rshared"
    elif variant == "mount-idmap":
        vmount["options"].append("idmap")
        vmount["uidMappings"] = mapping
        vmount["gidMappings"] = mapping
    else:
        drop_namespace(bundle, "mount")
    set_caps(bundle, *ALL_CAPS)
    bundle.config["process"]["noNewPrivileges"] = False
    bundle.config["mounts"].append(vmount)
    bundle.config["mounts"].append({"destination": "/vol/sub", "type": "tmpfs", "source": "tmpfs",
                                    "options": ["size=64k"]})


@pytest.mark.parametrize("variant", VARIANTS)
def test_volume_mounts_never_propagate_to_host(casing, bundle, tmpdir_path, volume, variant):
    """The container's mounts below its volume (the config's tmpfs at
    /vol/sub; in its own mount namespace, tmpfs it mounts itself at
    /vol/own and /vol/nested/own) never show up on the host, while it runs
    or after, and the volume is in no peer group of the host."""
    configure(bundle, variant, volume)
    groups = host_peer_groups()
    before = host_mounts()
    script = "touch /tmp/ready; exec sleep 60"
    if variant != "no-mountns":
        script = ("for d in /vol/own /vol/nested/own; do mount -t tmpfs -o size=64k own $d && "
                  "touch $d/%s; done; %s" % (MARK, script))
    bundle.set_args("sh", "-c", script).save()
    name = unique_id("prop")
    casing.ok("run", "-d", "-b", bundle.path, name)
    wait_for(lambda: os.path.exists(os.path.join(bundle.rootfs, "tmp", "ready")), timeout=20)
    with open("/proc/%d/mountinfo" % casing.state(name)["pid"]) as f:
        inside = f.read()
    running = gained_mounts(before, [volume])
    casing.run("delete", "--force", name, timeout=30)
    after = gained_mounts(before, [volume])
    leaked = [p for p in (os.path.join(volume, "own", MARK), os.path.join(volume, "nested", "own", MARK))
              if os.path.exists(p)]
    shared_with_host = {mp: peer_groups_of(inside, mp) & groups for mp in ("/vol", "/vol/nested")}
    print("%s: the host gained %r while it ran, %r after; files %r; peer groups shared with the host %r"
          % (variant, running, after, leaked, shared_with_host))
    assert running == [] and after == [], "mounts of the container appeared on the host"
    assert leaked == [], "files written in the container's own tmpfs are on the host"
    assert shared_with_host == {"/vol": set(), "/vol/nested": set()}, inside
