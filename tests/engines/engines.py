# SPDX-License-Identifier: GPL-2.0-or-later
"""Drivers for the real engines, each in private state directories: Podman
(+ conmon) and Buildah with their own containers.conf and storage.conf,
containerd started by the tests with its own config, socket, root and state,
talked to with ctr and, where ctr has no command, its gRPC API.  casing is
called through a small wrapper that gives it a --root of the test's, so not
even casing's default /run/casing is touched."""
import json
import os
import pty
import re
import resource
import select
import shutil
import signal
import subprocess
import time

# Paths the engines use whatever their configuration says (containers/image's
# blob info cache, the directory of containerd's shim sockets, ...): what
# the tests make there is removed afterwards, what was there stays.
HOST_PATHS = ["/var/lib/containers", "/var/lib/containers/cache",
              "/var/lib/containers/cache/blob-info-cache-v1.boltdb",
              "/run/containerd", "/run/containerd/s", "/run/containerd/fifo",
              "/run/containers", "/run/libpod", "/etc/containers/networks", "/run/casing"]


class HostPaths:
    """Remembers which of HOST_PATHS exist; remove() deletes those that did
    not (deepest first)."""

    def __init__(self):
        self.existed = {p: os.path.lexists(p) for p in HOST_PATHS}

    def remove(self):
        for p in sorted(self.existed, key=len, reverse=True):
            if self.existed[p] or not os.path.lexists(p):
                continue
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p, ignore_errors=True)
            else:
                os.unlink(p)


def unmount_below(top):
    """Unmount everything mounted at or below `top`, deepest first."""
    mounts = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mp = line.split()[4].replace("\\040", " ")
            if mp == top or mp.startswith(top.rstrip("/") + "/"):
                mounts.append(mp)
    for mp in sorted(mounts, key=len, reverse=True):
        subprocess.run(["umount", "-l", mp], capture_output=True)


def kill_processes_mentioning(text):
    """SIGKILL, by pid, the processes whose command line names `text` (a
    path unique to this test run: the shims of our containerd)."""
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                cmd = f.read().decode(errors="replace")
        except OSError:
            continue
        if text in cmd:
            try:
                os.kill(int(d), signal.SIGKILL)
            except ProcessLookupError:
                pass


def kill_processes_of_uid(uid):
    """SIGKILL, by pid, every process of `uid` (a user the test made: its
    rootless Podman leaves a pause process behind)."""
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat("/proc/" + d).st_uid == uid:
                    os.kill(int(d), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass


def casing_wrapper(path, casing, root):
    """A runtime executable for the engines: casing with our --root."""
    with open(path, "w") as f:
        f.write("#!/bin/sh\nexec %s --root %s \"$@\"\n" % (casing, root))
    os.chmod(path, 0o755)
    return path


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr

    def __repr__(self):
        return "Result(rc=%r, stdout=%r, stderr=%r)" % (self.returncode, self.stdout, self.stderr)


def run(argv, env=None, timeout=120, input=None, check=False, **kw):
    p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout,
                       input=input, stdin=None if input is not None else subprocess.DEVNULL, **kw)
    r = Result(p.returncode, p.stdout, p.stderr)
    if check and r.returncode != 0:
        raise AssertionError("%s failed: %r" % (" ".join(argv), r))
    return r


def run_in_pty(argv, env=None, timeout=60, input_bytes=b"", rows=33, cols=97):
    """Run argv with a pty as its stdin/stdout/stderr (a terminal, as `podman
    run -it` and `ctr run -t` want it); returns (exit status, output)."""
    import fcntl
    import struct
    import termios
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
                         preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout
    if input_bytes:
        os.write(master, input_bytes)
    try:
        while time.monotonic() < deadline:
            r, _, _ = select.select([master], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            elif p.poll() is not None:
                break
        rc = p.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.close(master)
    return rc, out.decode(errors="replace")


CAP_SYS_RESOURCE = 24


def has_cap(cap):
    return bool(int(status_field(os.getpid(), "CapEff"), 16) & (1 << cap))


def default_ulimits():
    """Podman gives RLIMIT_NOFILE and RLIMIT_NPROC 1048576 by default, which
    a root without CAP_SYS_RESOURCE (a CI inside a container) may not raise
    to: there the limits are what conmon still has (Podman lowers its own
    RLIMIT_NPROC to 32768)."""
    if has_cap(CAP_SYS_RESOURCE):
        return []
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nproc = min(resource.getrlimit(resource.RLIMIT_NPROC)[1], 32768)
    return ["nofile=%d:%d" % (nofile, nofile), "nproc=%d:%d" % (nproc, nproc)]


class Podman:
    """podman (and buildah) with a private containers.conf and storage.conf:
    graphroot, runroot, tmpdir, volumes, network configs, file locks and
    events all under `top`; the runtime is casing with a private --root."""

    def __init__(self, top, casing):
        self.top = top
        self.root = os.path.join(top, "root")
        self.runroot = os.path.join(top, "runroot")
        self.casing_root = os.path.join(top, "casing")
        os.makedirs(self.casing_root)
        self.runtime = casing_wrapper(os.path.join(top, "casing-runtime"), casing, self.casing_root)
        self.conf = os.path.join(top, "containers.conf")
        self.storage_conf = os.path.join(top, "storage.conf")
        self.tmp = os.path.join(top, "tmp")
        os.makedirs(self.tmp)
        ulimits = default_ulimits()
        with open(self.conf, "w") as f:
            f.write(containers_conf(top, self.runtime, ulimits))
        with open(self.storage_conf, "w") as f:
            f.write("[storage]\ndriver = \"vfs\"\ngraphroot = \"%s\"\nrunroot = \"%s\"\n"
                    % (self.root, self.runroot))
        self.env = dict(os.environ, CONTAINERS_CONF=self.conf, CONTAINERS_STORAGE_CONF=self.storage_conf,
                        TMPDIR=self.tmp)
        self.env.pop("NOTIFY_SOCKET", None)

    def __call__(self, *args, timeout=120, check=False, env=None, **kw):
        return run(["podman", *args], env=env or self.env, timeout=timeout, check=check, **kw)

    def ok(self, *args, **kw):
        kw["check"] = True
        return self(*args, **kw)

    def buildah(self, *args, timeout=300, check=False):
        return run(["buildah", *args], env=self.env, timeout=timeout, check=check)

    def pid(self, name):
        return int(self.ok("inspect", "--format", "{{.State.Pid}}", name).stdout)

    def cleanup(self):
        self("rm", "--all", "--force", "--time", "0", timeout=120)
        self.buildah("rm", "--all", timeout=120)
        self("rmi", "--all", "--force", timeout=120)
        unmount_below(self.top)


HERE = os.path.dirname(os.path.abspath(__file__))
CONTRIB = os.path.join(HERE, "..", "..", "contrib")

# Added to contrib/containers.conf (what users install): the private state.
PRIVATE_TABLES = """\
# Private configuration of the engine tests (tests/engines), then
# contrib/containers.conf with the runtime path of the test.
[containers]
log_driver = "k8s-file"
default_ulimits = [ %(ulimits)s ]

[network]
network_config_dir = "%(top)s/networks"

"""

PRIVATE_ENGINE = """\
cgroup_manager = "cgroupfs"
events_logger = "file"
lock_type = "file"
tmp_dir = "%(top)s/tmp"
volume_path = "%(top)s/volumes"
static_dir = "%(top)s/root/libpod"
"""


def containers_conf(top, runtime, ulimits):
    """contrib/containers.conf with our runtime path and private state."""
    with open(os.path.join(CONTRIB, "containers.conf")) as f:
        text = f.read()
    text = re.sub(r"casing = \[[^\]]*\]", 'casing = ["%s"]' % runtime, text)
    assert text.count("[engine]\n") == 1, "contrib/containers.conf: one [engine] table"
    text = text.replace("[engine]\n", "[engine]\n" + PRIVATE_ENGINE % dict(top=top))
    return PRIVATE_TABLES % dict(top=top, ulimits=", ".join('"%s"' % u for u in ulimits)) + text


CONTAINERD_CONFIG = """\
version = 2
root = "%(top)s/root"
state = "%(top)s/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
                    "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
                    "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp",
                    "io.containerd.internal.v1.tracing"]

[grpc]
  address = "%(top)s/containerd.sock"

[ttrpc]
  address = "%(top)s/containerd.sock.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "%(top)s/opt"
"""


class Containerd:
    """A containerd of our own (config, socket, root, state under `top`),
    started now and stopped by stop(); ctr() runs ctr against it in
    NAMESPACE with casing as the runc binary of the runc v2 shim."""

    NAMESPACE = "casing-engines"

    def __init__(self, top, casing):
        self.top = top
        self.sock = os.path.join(top, "containerd.sock")
        self.casing = casing
        self.runc_root = os.path.join(top, "runc")
        self.fifo_dir = os.path.join(top, "fifo")
        os.makedirs(self.fifo_dir)
        self.config = os.path.join(top, "config.toml")
        with open(self.config, "w") as f:
            f.write(CONTAINERD_CONFIG % dict(top=top))
        self.log = open(os.path.join(top, "containerd.log"), "w")
        self.proc = subprocess.Popen(["containerd", "--config", self.config], stdout=self.log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.ctr("version").returncode != 0:
            if self.proc.poll() is not None:
                raise AssertionError("containerd exited: %s" % open(self.log.name).read()[-2000:])
            time.sleep(0.2)

    @property
    def runtime_args(self):
        return ["--runc-binary", self.casing, "--runc-root", self.runc_root, "--fifo-dir", self.fifo_dir]

    def ctr(self, *args, timeout=120, check=False, **kw):
        return run(["ctr", "--address", self.sock, "--namespace", self.NAMESPACE, *args], timeout=timeout,
                   check=check, **kw)

    def ok(self, *args, **kw):
        kw["check"] = True
        return self.ctr(*args, **kw)

    def casing_state(self, cid):
        """The state casing keeps for a task (the shim's runc root)."""
        r = run([self.casing, "--root", os.path.join(self.runc_root, self.NAMESPACE), "state", cid])
        return json.loads(r.stdout) if r.returncode == 0 else None

    def remove_everything(self):
        for line in self.ctr("task", "ls", "-q").stdout.split():
            self.ctr("task", "kill", "-s", "KILL", line)
            self.ctr("task", "delete", "-f", line)
        for line in self.ctr("container", "ls", "-q").stdout.split():
            self.ctr("container", "delete", line)
        for line in self.ctr("image", "ls", "-q").stdout.split():
            self.ctr("image", "rm", line)

    def stop(self):
        try:
            self.remove_everything()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.log.close()
            kill_processes_mentioning(self.top)
            unmount_below(self.top)


class ContainerdAPI:
    """The few calls of containerd's gRPC API ctr 1.6 has no command for
    (create a task without starting it, update it), with the protobuf
    messages written by hand: python3-grpcio passes bytes through."""

    def __init__(self, sock, namespace):
        import grpc
        self.channel = grpc.insecure_channel("unix://" + sock)
        self.md = (("containerd-namespace", namespace),)

    def close(self):
        self.channel.close()

    def call(self, method, request):
        f = self.channel.unary_unary(method, request_serializer=None, response_deserializer=None)
        return f(request, metadata=self.md, timeout=60)

    def rootfs_mounts(self, cid, snapshotter="overlayfs"):
        resp = self.call("/containerd.services.snapshots.v1.Snapshots/Mounts",
                         pb_field(1, snapshotter) + pb_field(2, cid))
        return [v for n, v in pb_parse(resp) if n == 1]

    def create_task(self, cid, binary, root):
        """Tasks.Create with casing as the shim's runc and its root: the task
        is created, not started."""
        options = pb_field(1, "containerd.runc.v1.Options") + pb_field(2, pb_field(6, binary) + pb_field(7, root))
        req = pb_field(1, cid) + b"".join(pb_field(3, m) for m in self.rootfs_mounts(cid)) + pb_field(9, options)
        return dict(pb_parse(self.call("/containerd.services.tasks.v1.Tasks/Create", req)))

    def delete_task(self, cid):
        return dict(pb_parse(self.call("/containerd.services.tasks.v1.Tasks/Delete", pb_field(1, cid))))

    def update_task(self, cid, resources):
        """Tasks.Update with linux.resources (containerd's typeurl sends the
        spec's Go types as JSON)."""
        anyv = pb_field(1, "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources") + \
            pb_field(2, json.dumps(resources).encode())
        return self.call("/containerd.services.tasks.v1.Tasks/Update", pb_field(1, cid) + pb_field(2, anyv))


def _varint(n):
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def pb_field(num, value):
    """One protobuf field: a varint for an int, length-delimited otherwise."""
    if isinstance(value, int):
        return _varint(num << 3) + _varint(value)
    if isinstance(value, str):
        value = value.encode()
    return _varint(num << 3 | 2) + _varint(len(value)) + value


def pb_parse(buf):
    """[(field number, int or bytes)] of a protobuf message."""
    out, i = [], 0

    def varint():
        nonlocal i
        v = s = 0
        while True:
            b = buf[i]
            i += 1
            v |= (b & 0x7F) << s
            s += 7
            if not b & 0x80:
                return v
    while i < len(buf):
        key = varint()
        num, wt = key >> 3, key & 7
        if wt == 0:
            out.append((num, varint()))
        elif wt == 2:
            n = varint()
            out.append((num, bytes(buf[i:i + n])))
            i += n
        else:
            raise ValueError("wire type %d" % wt)
    return out


def cgroup_file(pid, controller, name):
    """A cgroup file of `pid` for a v1 controller (or v2), read on the host."""
    for line in open("/proc/%d/cgroup" % pid):
        _, ctrls, path = line.rstrip("\n").split(":", 2)
        if controller in ctrls.split(","):
            for base in ("/sys/fs/cgroup/" + ctrls, "/sys/fs/cgroup/" + controller):
                if os.path.exists(os.path.join(base + path, name)):
                    return open(os.path.join(base + path, name)).read().strip()
        if ctrls == "" and os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
            p = "/sys/fs/cgroup" + path + "/" + name
            if os.path.exists(p):
                return open(p).read().strip()
    raise AssertionError("no %s/%s for %d" % (controller, name, pid))


def status_field(pid, name):
    for line in open("/proc/%d/status" % pid):
        if line.startswith(name + ":"):
            return line.split(":", 1)[1].strip()
    raise KeyError(name)
