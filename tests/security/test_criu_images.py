# SPDX-License-Identifier: GPL-2.0-or-later
"""A checkpoint's images decide nothing about privileges.

Images are data: an archive imported from elsewhere, a migration from
another host, or the images of another container.  CRIU restores the
namespaces, capabilities, ids and seccomp filters they describe, so images
of a privileged container restored with the config of an unprivileged one
would run with the privileged one's rights.  Each attack restores images
made for more privilege than the restoring config grants; the restored
process then tries to use it.  The host checks, in the kernel's own view
(/proc/PID/status, /proc/PID/ns, its own network devices), that no process
of the attack runs with more than the config gives and that nothing it did
reached the host.  Marker `criu`: runs in the VM guest (criu 3.17 fails
`criu check` on the build hosts' kernel)."""
import os
import shutil
import subprocess

import pytest

from casing_fixtures import unique_id, wait_for

pytestmark = pytest.mark.criu

CRIU = shutil.which("criu") or next((p for p in ("/usr/sbin/criu", "/sbin/criu") if os.access(p, os.X_OK)), None)
ALL_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_ADMIN", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP"]
CAP_SYS_ADMIN = 1 << 21
CAP_NET_ADMIN = 1 << 12


@pytest.fixture(autouse=True)
def criu_works():
    if CRIU is None or subprocess.run([CRIU, "check"], capture_output=True).returncode != 0:
        pytest.skip("no working criu here (`criu check` fails on this kernel)")


def marked_processes(marker):
    """pid -> /proc/PID/status fields of every process with `marker` in its
    command line, as the host's kernel shows them."""
    found = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                if marker.encode() not in f.read():
                    continue
            with open("/proc/%s/status" % p) as f:
                found[int(p)] = dict(l.split(":", 1) for l in f if ":" in l)
            found[int(p)]["netns"] = os.stat("/proc/%s/ns/net" % p).st_ino
        except OSError:
            pass
    return found


def dump(casing, bundle, tmpdir_path, cid):
    out = os.path.join(tmpdir_path, cid + ".out")
    with open(out, "a") as f:
        p = subprocess.run(casing.argv("run", "-d", "--bundle", bundle.path, cid), stdin=subprocess.DEVNULL,
                           stdout=f, stderr=f)
    casing.created.add(cid)
    assert p.returncode == 0, open(out).read()
    images = os.path.join(tmpdir_path, "images")
    casing.ok("checkpoint", "--image-path", images, cid, timeout=300)
    return images, out


def restore(casing, bundle, cid, images, out):
    casing.created.add(cid)
    log = os.path.join(os.path.dirname(out), "restore.log")
    with open(out, "a") as f:
        p = subprocess.run(casing.argv("restore", "-d", "--bundle", bundle.path, "--image-path", images, cid,
                                       global_args=("--log", log)),
                           stdin=subprocess.DEVNULL, stdout=f, stderr=f, timeout=300)
    return p.returncode, open(log).read() if os.path.exists(log) else ""


def nothing_left(casing, cid, marker):
    assert casing.run("state", cid).returncode != 0
    assert not os.path.exists(os.path.join(casing.root, cid))
    for base, dirs, _ in os.walk("/sys/fs/cgroup"):
        assert not any(cid in d for d in dirs), base


def host_listens(port):
    with open("/proc/net/tcp") as f:
        return any(l.split()[1].endswith(":%04X" % port) and l.split()[3] == "0A" for l in f.readlines()[1:])


def test_images_in_the_hosts_network_namespace(casing, bundle, tmpdir_path):
    """Images of a container that shared the host's network namespace,
    restored with a config asking for a namespace of its own: the process
    would be back in the host's, where it listens on a port."""
    marker = "attack-%s" % os.urandom(4).hex()
    port = 20000 + int.from_bytes(os.urandom(2), "big") % 20000
    bundle.config["linux"]["namespaces"] = [n for n in bundle.config["linux"]["namespaces"]
                                            if n["type"] != "network"]
    bundle.config["process"]["capabilities"] = {k: ALL_CAPS for k in ("bounding", "effective", "permitted")}
    # it waits for the restore (a file in its root), then acts
    bundle.set_args("sh", "-c", "while [ ! -e /go ]; do sleep 0.1; done; nc -l -p %d; "
                    "while true; do sleep 1; done # %s" % (port, marker)).save()
    cid = unique_id("atk")
    images, out = dump(casing, bundle, tmpdir_path, cid)
    host_netns = os.stat("/proc/self/ns/net").st_ino
    assert not host_listens(port)
    # the restoring config: its own network namespace
    bundle.config["linux"]["namespaces"].append({"type": "network"})
    bundle.save()
    open(os.path.join(bundle.rootfs, "go"), "w").close()
    rc, err = restore(casing, bundle, cid, images, out)
    procs = marked_processes(marker)
    wait_for(lambda: host_listens(port), timeout=3)
    print("restore rc=%d: %s; processes: %r" % (rc, err.strip(), {p: v["netns"] for p, v in procs.items()}))
    assert not host_listens(port), "the restored process listens in the host's network namespace"
    assert not any(p["netns"] == host_netns for p in procs.values()), "restored into the host's netns"
    assert rc != 0 and "network namespace" in err
    nothing_left(casing, cid, marker)
    assert marked_processes(marker) == {}


def test_images_with_more_capabilities(casing, bundle, tmpdir_path):
    """Images of a container with every capability, restored with a config
    granting three: the process would keep CAP_SYS_ADMIN and CAP_NET_ADMIN."""
    marker = "attack-%s" % os.urandom(4).hex()
    bundle.config["process"]["capabilities"] = {k: ALL_CAPS for k in ("bounding", "effective", "permitted")}
    bundle.config["process"]["noNewPrivileges"] = False
    bundle.set_args("sh", "-c", "while [ ! -e /go ]; do sleep 0.1; done; mkdir -p /m; "
                    "mount -t tmpfs none /m && echo mounted > /report; while true; do sleep 1; done # %s"
                    % marker).save()
    cid = unique_id("atk")
    images, out = dump(casing, bundle, tmpdir_path, cid)

    caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    bundle.config["process"]["capabilities"] = {k: caps for k in ("bounding", "effective", "permitted")}
    bundle.save()
    open(os.path.join(bundle.rootfs, "go"), "w").close()
    rc, err = restore(casing, bundle, cid, images, out)
    procs = marked_processes(marker)
    print("restore rc=%d: %s; processes: %r" % (rc, err.strip(), {p: v.get("CapEff") for p, v in procs.items()}))
    for p in procs.values():
        eff = int(p["CapEff"].strip(), 16) | int(p["CapPrm"].strip(), 16) | int(p["CapBnd"].strip(), 16)
        assert not eff & (CAP_SYS_ADMIN | CAP_NET_ADMIN), "restored with capabilities the config does not give"
    wait_for(lambda: os.path.exists(os.path.join(bundle.rootfs, "report")), timeout=3)
    assert not os.path.exists(os.path.join(bundle.rootfs, "report")), "the restored process mounted"
    assert rc != 0 and "capabilities the config does not give" in err
    nothing_left(casing, cid, marker)
    assert marked_processes(marker) == {}


def test_images_binding_a_host_directory(casing, bundle, tmpdir_path):
    """Images whose mount tree binds a host directory the restoring config
    does not give (here one the first container had from the engine's
    NOTIFY_SOCKET, recorded in the images by its host path): criu binds it
    again unless the restore refuses, and the process reads a host file."""
    marker = "attack-%s" % os.urandom(4).hex()
    secret = os.urandom(8).hex()
    hostdir = os.path.join(tmpdir_path, "hostdir")
    os.makedirs(hostdir)
    with open(os.path.join(hostdir, "secret"), "w") as f:
        f.write(secret)
    bundle.set_args("sh", "-c", "while [ ! -e /go ]; do sleep 0.1; done; cat %s/secret > /report 2>&1; "
                    "while true; do sleep 1; done # %s" % (hostdir, marker)).save()
    cid = unique_id("atk")
    out = os.path.join(tmpdir_path, cid + ".out")
    with open(out, "a") as f:
        p = subprocess.run(casing.argv("run", "-d", "--bundle", bundle.path, cid), stdin=subprocess.DEVNULL,
                           stdout=f, stderr=f, env=dict(os.environ, NOTIFY_SOCKET=hostdir))
    casing.created.add(cid)
    assert p.returncode == 0, open(out).read()
    assert casing.ok("exec", cid, "cat", hostdir + "/secret").stdout == secret
    images = os.path.join(tmpdir_path, "images")
    casing.ok("checkpoint", "--image-path", images, cid, timeout=300)

    env = {k: v for k, v in os.environ.items() if k != "NOTIFY_SOCKET"}
    open(os.path.join(bundle.rootfs, "go"), "w").close()
    log = os.path.join(tmpdir_path, "restore.log")
    with open(out, "a") as f:
        p = subprocess.run(casing.argv("restore", "-d", "--bundle", bundle.path, "--image-path", images, cid,
                                       global_args=("--log", log, "--debug")),
                           stdin=subprocess.DEVNULL, stdout=f, stderr=f, env=env, timeout=300)
    err = open(log).read() if os.path.exists(log) else ""
    report = os.path.join(bundle.rootfs, "report")
    wait_for(lambda: os.path.exists(report) and os.path.getsize(report) > 0, timeout=3)
    print("restore rc=%d: %s; report: %r" % (p.returncode, err.strip(),
                                             open(report).read() if os.path.exists(report) else None))
    assert not (os.path.exists(report) and secret in open(report).read()), "a host file was read"
    assert p.returncode != 0 and "restored mount" in err
    nothing_left(casing, cid, marker)
    assert marked_processes(marker) == {}
