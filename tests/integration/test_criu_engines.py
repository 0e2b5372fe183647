# SPDX-License-Identifier: GPL-2.0-or-later
"""Podman's `container checkpoint`/`restore` (through conmon) and
containerd's checkpoint and restore (through containerd-shim-runc-v2), with
casing as their runtime, in the VM guest (marker `criu`).  No network: the
image is made here from the busybox rootfs of the other tests."""
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import tarfile
import time

import pytest

from casing_fixtures import CASING, make_rootfs, wait_for

pytestmark = pytest.mark.criu

CRIU = shutil.which("criu") or next((p for p in ("/usr/sbin/criu", "/sbin/criu") if os.access(p, os.X_OK)), None)
LOOP = "i=0; while true; do i=$((i+1)); echo $i; echo $i >> /tmp/log; sleep 0.2; done"


@pytest.fixture(autouse=True)
def criu_works():
    if CRIU is None or subprocess.run([CRIU, "check"], capture_output=True).returncode != 0:
        pytest.skip("no working criu here (`criu check` fails on this kernel)")


def contiguous(values):
    return values == list(range(1, len(values) + 1))


def run(args, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 300)
    return subprocess.run(args, **kw)


def test_podman_checkpoint_restore(tmpdir_path):
    if not (shutil.which("podman") and shutil.which("conmon")):
        pytest.skip("podman or conmon is not installed")
    rootfs = os.path.join(tmpdir_path, "rootfs")
    make_rootfs(rootfs)
    tar = os.path.join(tmpdir_path, "rootfs.tar")
    with tarfile.open(tar, "w") as t:
        t.add(rootfs, arcname=".")
    podman = ["podman", "--root", os.path.join(tmpdir_path, "storage"), "--runroot", os.path.join(tmpdir_path, "run"),
              "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file",
              "--tmpdir", os.path.join(tmpdir_path, "libpod"), "--runtime", CASING]
    name = "casing-cr-%s" % os.urandom(3).hex()
    try:
        assert run(podman + ["import", tar, "localhost/casing-bb"]).returncode == 0
        r = run(podman + ["run", "-d", "--name", name, "--network", "none", "localhost/casing-bb", "sh", "-c", LOOP])
        assert r.returncode == 0, r.stderr

        def logged():
            out = run(podman + ["logs", name]).stdout.split()
            return [int(x) for x in out if x.isdigit()]
        assert wait_for(lambda: len(logged()) >= 5, timeout=60)
        r = run(podman + ["container", "checkpoint", name])
        assert r.returncode == 0, r.stderr
        inspect = json.loads(run(podman + ["inspect", name]).stdout)[0]
        assert inspect["State"]["Status"] == "exited" and inspect["State"]["Checkpointed"]
        stopped = len(logged())
        time.sleep(1)
        assert len(logged()) == stopped

        r = run(podman + ["container", "restore", name])
        assert r.returncode == 0, r.stderr
        assert json.loads(run(podman + ["inspect", name]).stdout)[0]["State"]["Status"] == "running"
        # the same process: its log goes on from where it stopped
        assert wait_for(lambda: len(logged()) > stopped + 3, timeout=60)
        assert contiguous(logged())
        out = run(podman + ["exec", name, "cat", "/tmp/log"]).stdout.split()
        assert contiguous([int(x) for x in out]) and len(out) > stopped

        # migration: an archive, the container gone, then imported again
        export = os.path.join(tmpdir_path, "cp.tar.gz")
        r = run(podman + ["container", "checkpoint", "--export", export, name])
        assert r.returncode == 0, r.stderr
        assert run(podman + ["rm", name]).returncode == 0
        r = run(podman + ["container", "restore", "--import", export])
        assert r.returncode == 0, r.stderr
        before = len(run(podman + ["exec", name, "cat", "/tmp/log"]).stdout.split())
        assert wait_for(lambda: len(run(podman + ["exec", name, "cat", "/tmp/log"]).stdout.split()) > before + 2,
                        timeout=60)
        assert contiguous([int(x) for x in run(podman + ["exec", name, "cat", "/tmp/log"]).stdout.split()])
    finally:
        run(podman + ["rm", "-f", "-a"])
        run(podman + ["system", "reset", "-f"])


def oci_archive(rootfs, out, name):
    """An OCI image archive (one layer) of `rootfs`, for `ctr image import`."""
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w") as t:
        t.add(rootfs, arcname=".")
    blobs = {}

    def blob(data, media):
        d = hashlib.sha256(data).hexdigest()
        blobs[d] = data
        return {"mediaType": media, "digest": "sha256:" + d, "size": len(data)}
    lay = blob(layer.getvalue(), "application/vnd.oci.image.layer.v1.tar")
    cfg = blob(json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["sh"]},
                           "rootfs": {"type": "layers", "diff_ids": [lay["digest"]]}}).encode(),
               "application/vnd.oci.image.config.v1+json")
    man = blob(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": cfg, "layers": [lay]}).encode(), "application/vnd.oci.image.manifest.v1+json")
    man["annotations"] = {"org.opencontainers.image.ref.name": name}
    with tarfile.open(out, "w") as t:
        def add(n, data):
            ti = tarfile.TarInfo(n)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
        add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add("index.json", json.dumps({"schemaVersion": 2, "manifests": [man]}).encode())
        for d, data in blobs.items():
            add("blobs/sha256/" + d, data)


def test_containerd_checkpoint_restore(tmpdir_path):
    if not (shutil.which("containerd") and shutil.which("ctr") and shutil.which("containerd-shim-runc-v2")):
        pytest.skip("containerd is not installed")
    top = os.path.join(tmpdir_path, "ctrd")
    os.makedirs(top)
    sock = os.path.join(top, "sock")
    with open(os.path.join(top, "config.toml"), "w") as f:
        f.write('version = 2\nroot = "%s/root"\nstate = "%s/state"\n'
                'disabled_plugins = ["io.containerd.grpc.v1.cri"]\n[grpc]\n  address = "%s"\n' % (top, top, sock))
    log = open(os.path.join(top, "containerd.log"), "w")
    daemon = subprocess.Popen(["containerd", "--config", os.path.join(top, "config.toml")], stdout=log, stderr=log)
    ctr = ["ctr", "--address", sock]
    try:
        assert wait_for(lambda: os.path.exists(sock), timeout=60)
        rootfs = os.path.join(tmpdir_path, "rootfs")
        make_rootfs(rootfs)
        oci_archive(rootfs, os.path.join(top, "bb.tar"), "localhost/casing-bb:latest")
        r = run(ctr + ["image", "import", "--snapshotter", "native", os.path.join(top, "bb.tar")])
        assert r.returncode == 0, r.stderr
        r = run(ctr + ["run", "-d", "--snapshotter", "native", "--runc-binary", CASING, "localhost/casing-bb:latest",
                       "c1", "sh", "-c", LOOP])
        assert r.returncode == 0, r.stderr

        def logged():
            out = run(ctr + ["task", "exec", "--exec-id", "e%s" % os.urandom(3).hex(), "c1", "cat", "/tmp/log"])
            return [int(x) for x in out.stdout.split()]
        assert wait_for(lambda: len(logged()) >= 5, timeout=60, interval=1)
        # the task's memory and the rw layer into a checkpoint image
        r = run(ctr + ["containers", "checkpoint", "--task", "--rw", "c1", "localhost/c1-checkpoint:1"])
        assert r.returncode == 0, r.stderr
        assert "localhost/c1-checkpoint:1" in run(ctr + ["image", "ls", "-q"]).stdout
        stopped = len(logged())
        run(ctr + ["task", "kill", "-s", "KILL", "c1"])
        assert wait_for(lambda: run(ctr + ["task", "rm", "c1"]).returncode == 0, timeout=60, interval=1)
        assert run(ctr + ["containers", "rm", "c1"]).returncode == 0

        # `ctr c restore --live` waits for the task: in the background
        restore = subprocess.Popen(ctr + ["containers", "restore", "--live", "--rw", "c1", "localhost/c1-checkpoint:1"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert wait_for(lambda: "RUNNING" in run(ctr + ["task", "ls"]).stdout or restore.poll() not in (None, 0),
                        timeout=240, interval=1)
        assert "RUNNING" in run(ctr + ["task", "ls"]).stdout, restore.stdout.read() if restore.poll() else ""
        values = logged()
        assert wait_for(lambda: len(logged()) > len(values) + 2, timeout=60, interval=1)
        values = logged()
        # it went on from where it was when the checkpoint was made
        assert contiguous(values) and len(values) > stopped
        run(ctr + ["task", "kill", "-s", "KILL", "c1"])
        wait_for(lambda: run(ctr + ["task", "rm", "c1"]).returncode == 0, timeout=60, interval=1)
        run(ctr + ["containers", "rm", "c1"])
        if restore.poll() is None:
            restore.kill()
    finally:
        for t in run(ctr + ["task", "ls", "-q"]).stdout.split():
            run(ctr + ["task", "kill", "-s", "KILL", t])
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
        log.close()
        subprocess.run(["umount", "-R", os.path.join(top, "state")], stderr=subprocess.DEVNULL)
