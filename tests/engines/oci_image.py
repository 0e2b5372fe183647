# SPDX-License-Identifier: GPL-2.0-or-later
"""A local busybox image made from a tarball: an OCI image layout (directory
and tar archive) that Podman, Buildah, containerd and umoci load without a
registry or the network."""
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))

from casing_fixtures import make_rootfs  # noqa: E402

IMAGE_NAME = "localhost/casing-busybox:latest"

# The users the scenarios switch to: a named user with a home, and a user
# whose home is /.
PASSWD = ("root:x:0:0:root:/root:/bin/sh\n"
          "tester:x:1000:1000:tester:/home/tester:/bin/sh\n"
          "nobody:x:65534:65534:nobody:/:/bin/sh\n")
GROUP = "root:x:0:\ntty:x:5:\ntester:x:1000:\nextra:x:2000:tester\nnogroup:x:65534:\n"


def _blob(layout, data, media_type):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(layout, "blobs", "sha256", digest)
    with open(path, "wb") as f:
        f.write(data)
    return {"mediaType": media_type, "digest": "sha256:" + digest, "size": len(data)}


def _rootfs_tar(rootfs):
    """An uncompressed tar of `rootfs` with numeric owners and stable times."""
    buf = io.BytesIO()

    def normalise(ti):
        ti.mtime = 0
        return ti
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(os.listdir(rootfs)):
            tar.add(os.path.join(rootfs, name), arcname=name, filter=normalise)
    return buf.getvalue()


def make_image(dest, extra=None):
    """Write `dest`/rootfs (a tree), `dest`/layout (an OCI layout) and
    `dest`/image.tar (the layout as an oci-archive); returns their paths.
    `extra` maps paths in the image to host files copied there (0755)."""
    rootfs = os.path.join(dest, "rootfs")
    make_rootfs(rootfs)
    os.chmod(rootfs, 0o755)
    for inside, host in (extra or {}).items():
        target = os.path.join(rootfs, inside.lstrip("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(host, target)
        os.chmod(target, 0o755)
    with open(os.path.join(rootfs, "etc", "passwd"), "w") as f:
        f.write(PASSWD)
    with open(os.path.join(rootfs, "etc", "group"), "w") as f:
        f.write(GROUP)
    os.makedirs(os.path.join(rootfs, "home", "tester"), exist_ok=True)
    os.chown(os.path.join(rootfs, "home", "tester"), 1000, 1000)
    layout = os.path.join(dest, "layout")
    os.makedirs(os.path.join(layout, "blobs", "sha256"))
    layer = _rootfs_tar(rootfs)
    layer_desc = _blob(layout, gzip.compress(layer, mtime=0),
                       "application/vnd.oci.image.layer.v1.tar+gzip")
    config = {
        "architecture": "amd64" if os.uname().machine == "x86_64" else os.uname().machine,
        "os": "linux",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                   "Cmd": ["sh"], "WorkingDir": "/"},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]},
        "history": [{"created_by": "casing tests/engines/oci_image.py"}],
    }
    config_desc = _blob(layout, json.dumps(config).encode(),
                        "application/vnd.oci.image.config.v1+json")
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": config_desc, "layers": [layer_desc]}
    manifest_desc = _blob(layout, json.dumps(manifest).encode(),
                          "application/vnd.oci.image.manifest.v1+json")
    manifest_desc["annotations"] = {"org.opencontainers.image.ref.name": "latest",
                                    "io.containerd.image.name": IMAGE_NAME}
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [manifest_desc]}, f)
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    archive = os.path.join(dest, "image.tar")
    subprocess.run(["tar", "-C", layout, "-cf", archive, "."], check=True)
    return rootfs, layout, archive
