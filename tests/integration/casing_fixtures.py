# SPDX-License-Identifier: GPL-2.0-or-later
"""Small fixture library for the integration tests.

A test gets a `Bundle` (a busybox-static rootfs plus a config.json it can edit
as a dict) and a `Casing` driver that runs the real binary with a private
--root.  Everything a test makes is removed afterwards, containers included.
"""
import copy
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASING = os.environ.get("CASING", os.path.join(TOP, "src", "casing"))
BUSYBOX = shutil.which("busybox") or "/bin/busybox"

_rootfs_cache = {}


def built_with(feature):
    """Whether `casing --version` lists +FEATURE (SYSTEMD, SELINUX...)."""
    try:
        out = subprocess.run([CASING, "--version"], capture_output=True, text=True).stdout
    except OSError:
        return False
    return "+" + feature in out.split()


def default_config(args=None):
    """A config like `casing spec` writes: busybox, root, default namespaces."""
    caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    return {
        "ociVersion": "1.3.0",
        "process": {
            "terminal": False,
            "user": {"uid": 0, "gid": 0},
            "args": args or ["sh"],
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "TERM=xterm"],
            "cwd": "/",
            "capabilities": {"bounding": list(caps), "effective": list(caps),
                             "permitted": list(caps)},
            "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
            "noNewPrivileges": True,
        },
        "root": {"path": "rootfs", "readonly": False},
        "hostname": "casing",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
             "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
             "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev", "ro"]},
        ],
        "linux": {
            "resources": {"devices": [{"allow": False, "access": "rwm"}]},
            "namespaces": [{"type": t} for t in ("pid", "network", "ipc", "uts", "mount", "cgroup")],
            "maskedPaths": ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                            "/sys/firmware", "/proc/scsi"],
            "readonlyPaths": ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq",
                              "/proc/sys", "/proc/sysrq-trigger"],
        },
    }


def make_rootfs(path):
    """A minimal busybox-static root filesystem at `path`."""
    for d in ("bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "tmp", "root",
              "var", "run", "home"):
        os.makedirs(os.path.join(path, d), exist_ok=True)
    os.chmod(os.path.join(path, "tmp"), 0o1777)
    shutil.copy2(BUSYBOX, os.path.join(path, "bin", "busybox"))
    applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True,
                             check=True).stdout.split()
    for a in applets:
        link = os.path.join(path, "bin", a)
        if not os.path.lexists(link):
            os.symlink("busybox", link)
    with open(os.path.join(path, "etc", "passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n")
    with open(os.path.join(path, "etc", "group"), "w") as f:
        f.write("root:x:0:\ntty:x:5:\nnogroup:x:65534:\n")


def cached_rootfs_copy(dest):
    """Copy a rootfs made once per test session (cp -a is much cheaper than
    recreating 270 symlinks each time)."""
    if "base" not in _rootfs_cache:
        base = tempfile.mkdtemp(prefix="casing-rootfs-")
        make_rootfs(base)
        _rootfs_cache["base"] = base
    subprocess.run(["cp", "-a", _rootfs_cache["base"], dest], check=True)


def cleanup_rootfs_cache():
    base = _rootfs_cache.pop("base", None)
    if base:
        shutil.rmtree(base, ignore_errors=True)


class Bundle:
    """A bundle directory: `rootfs/` and a `config` dict written on save()."""

    def __init__(self, path, args=None):
        self.path = path
        self.rootfs = os.path.join(path, "rootfs")
        os.makedirs(path, exist_ok=True)
        cached_rootfs_copy(self.rootfs)
        self.config = default_config(args)

    @property
    def config_path(self):
        return os.path.join(self.path, "config.json")

    def save(self):
        with open(self.config_path, "w") as f:
            json.dump(self.config, f, indent=2)
        return self

    def set_args(self, *args):
        self.config["process"]["args"] = list(args)
        return self


class Result:
    def __init__(self, proc, stdout, stderr):
        self.returncode = proc.returncode
        self.stdout = stdout
        self.stderr = stderr

    def json(self):
        return json.loads(self.stdout)

    def __repr__(self):
        return "Result(rc=%r, stdout=%r, stderr=%r)" % (self.returncode, self.stdout, self.stderr)


class Casing:
    """Runs the casing binary with a private state directory."""

    def __init__(self, root, binary=None):
        self.root = root
        self.binary = binary or CASING
        self.created = set()

    def argv(self, *args, global_args=()):
        return [self.binary, "--root", self.root, *global_args, *args]

    def run(self, *args, input=None, timeout=60, check=False, global_args=(), stdin=None,
            env=None, pass_fds=()):
        """Run a casing command; returns Result with text stdout/stderr."""
        if args and args[0] in ("create", "run") and len(args) > 1:
            self.created.add(args[-1])
        if args and (args[0] == "create" or (args[0] in ("run", "exec")
                                             and any(a == "-d" or a.startswith("--detach") for a in args))):
            # The container inherits our stdio and outlives the command: pipes
            # would never reach EOF, so collect the command's output in files.
            return self._run_detaching(args, global_args, stdin, env, pass_fds, timeout, check)
        p = subprocess.Popen(self.argv(*args, global_args=global_args),
                             stdin=subprocess.PIPE if input is not None else (stdin or subprocess.DEVNULL),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                             pass_fds=pass_fds)
        try:
            out, err = p.communicate(input=input, timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            raise
        r = Result(p, out, err)
        if check and r.returncode != 0:
            raise AssertionError("casing %s failed: %r" % (" ".join(args), r))
        return r

    def _run_detaching(self, args, global_args, stdin, env, pass_fds, timeout, check):
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            p = subprocess.Popen(self.argv(*args, global_args=global_args),
                                 stdin=stdin or subprocess.DEVNULL, stdout=out, stderr=err,
                                 env=env, pass_fds=pass_fds)
            try:
                p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                raise
            out.seek(0)
            err.seek(0)
            r = Result(p, out.read().decode(errors="replace"), err.read().decode(errors="replace"))
        if check and r.returncode != 0:
            raise AssertionError("casing %s failed: %r" % (" ".join(args), r))
        return r

    def ok(self, *args, **kw):
        kw["check"] = True
        return self.run(*args, **kw)

    def state(self, cid):
        return self.ok("state", cid).json()

    def cleanup(self):
        for cid in list(self.created):
            self.run("delete", "--force", cid, timeout=30)
        self.created.clear()


def wait_for(predicate, timeout=10.0, interval=0.01):
    """Poll a condition in tests only (the runtime itself never polls)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = predicate()
        if v:
            return v
        time.sleep(interval)
    return predicate()


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


# ---- helpers for the lifecycle tests ----

SPEC_DIR = os.environ.get("SPEC_DIR", os.path.join(TOP, "..", "shared", "runtime-spec"))


def unique_id(prefix="lc"):
    """A container id no other test (or helper) uses: cgroup paths derive from it."""
    return "%s-%d-%s" % (prefix, os.getpid(), os.urandom(4).hex())


def state_validator():
    """A jsonschema validator for state-schema.json, or None when the spec is absent."""
    try:
        import jsonschema
    except ImportError:
        return None
    path = os.path.join(SPEC_DIR, "schema", "state-schema.json")
    if not os.path.exists(path):
        return None
    base = "file://" + os.path.abspath(os.path.join(SPEC_DIR, "schema")) + "/"
    with open(path) as f:
        schema = json.load(f)
    return jsonschema.Draft4Validator(schema, resolver=jsonschema.RefResolver(base, schema))


def check_state_json(state):
    """Validate an OCI state object (schema when available, else required keys)."""
    v = state_validator()
    if v is not None:
        v.validate(state)
    for key in ("ociVersion", "id", "status", "bundle"):
        assert key in state, state


def write_script(path, body):
    """An executable /bin/sh script (hooks, helpers)."""
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body + "\n")
    os.chmod(path, 0o755)
    return path


def cgroup_dirs(pid):
    """Host directories of every v1/v2 cgroup `pid` is in, except the root."""
    dirs = []
    with open("/proc/%d/cgroup" % pid) as f:
        for line in f:
            _, ctrls, path = line.rstrip("\n").split(":", 2)
            if path == "/":
                continue
            if ctrls == "":
                base = "/sys/fs/cgroup/unified" if os.path.isdir("/sys/fs/cgroup/unified") \
                    else "/sys/fs/cgroup"
            else:
                name = ctrls.split(",")[0].replace("name=", "")
                base = "/sys/fs/cgroup/" + ctrls
                if not os.path.isdir(base):
                    base = "/sys/fs/cgroup/" + name
            d = base + path
            if os.path.isdir(d):
                dirs.append(d)
    return dirs


def ns_inode(pid, kind):
    return os.stat("/proc/%d/ns/%s" % (pid, kind)).st_ino


class ConsoleReceiver:
    """A --console-socket listener: accept one connection, take the pty
    master with SCM_RIGHTS (payload: the pty name)."""

    def __init__(self, path):
        import socket
        import threading
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(1)
        self.name = None
        self.fd = None
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        import socket
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return  # closed by a test that expected no connection
        with conn:
            msg, fds, _, _ = socket.recv_fds(conn, 4096, 4)
            self.name = msg.decode()
            self.fd = fds[0] if fds else None

    def wait(self, timeout=10):
        self.thread.join(timeout)
        return self.fd

    def read_until(self, needle, timeout=10):
        """Read the pty master until `needle` (bytes) shows up."""
        import select
        buf = b""
        deadline = time.monotonic() + timeout
        while needle not in buf and time.monotonic() < deadline:
            r, _, _ = select.select([self.fd], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                buf += chunk
        return buf

    def close(self):
        self.sock.close()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
