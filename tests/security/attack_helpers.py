# SPDX-License-Identifier: GPL-2.0-or-later
"""What the attack tests share: attacker programs built from
tests/security/attackers/*.c (static, so they run in a busybox rootfs),
installed into a bundle, and a private copy of the casing binary for
attacks that try to overwrite it (a successful attack must not destroy the
build)."""
import hashlib
import os
import shutil
import subprocess
import tempfile

from casing_fixtures import CASING

HERE = os.path.dirname(os.path.abspath(__file__))
ATTACKERS = os.path.join(HERE, "attackers")
_built = {}
_build_dir = None


def attacker(name):
    """Path of the static binary built from attackers/NAME.c (built once
    per session)."""
    global _build_dir
    if name not in _built:
        if _build_dir is None:
            _build_dir = tempfile.mkdtemp(prefix="casing-attackers-")
        out = os.path.join(_build_dir, name)
        src = os.path.join(ATTACKERS, name + ".c")
        subprocess.run(["gcc", "-static", "-O2", "-Wall", *_extra_cflags(src), "-o", out, src],
                       check=True)
        _built[name] = out
    return _built[name]


def _extra_cflags(src):
    """Flags a source asks for in its head: `attacker-cflags: ...` (the
    fake ELF interpreter is built without libc)."""
    with open(src) as f:
        for line in f.readlines()[:5]:
            if "attacker-cflags:" in line:
                return line.split("attacker-cflags:", 1)[1].replace("*/", "").split()
    return []


def install_attacker(bundle, name, dest=None):
    """Copy attacker NAME into the bundle's rootfs (default /bin/NAME);
    returns its path inside the container."""
    dest = dest or "/bin/" + name
    host = os.path.join(bundle.rootfs, dest.lstrip("/"))
    os.makedirs(os.path.dirname(host), exist_ok=True)
    shutil.copy2(attacker(name), host)
    os.chmod(host, 0o755)
    return dest


def cleanup_attackers():
    global _build_dir
    if _build_dir:
        shutil.rmtree(_build_dir, ignore_errors=True)
    _build_dir = None
    _built.clear()


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class CasingCopy:
    """A private copy of the casing binary in a temp dir, for attacks that
    target the runtime's own executable; `intact()` tells whether it still
    has the content it had when copied."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="casing-bin-")
        self.path = os.path.join(self.dir, "casing")
        shutil.copy2(CASING, self.path)
        self.digest = sha256(self.path)

    def give_to(self, uid):
        """Make the copy writable by host uid UID (its owner): in a user
        namespace that maps its root to UID, the file's owner is the only
        thing the kernel checks, so that only casing's own defences stand
        between the container and the file."""
        os.chown(self.path, uid, uid)
        os.chmod(self.path, 0o755)

    def intact(self):
        return os.path.exists(self.path) and sha256(self.path) == self.digest

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


# ---- what the attack tests share on the host side ----

# Every capability, by number, as the kernel's header numbers them: an
# oracle of its own, not casing's table (src/confine/caps_names.c).
def _kernel_capabilities(header="/usr/include/linux/capability.h"):
    import re
    caps = {}
    with open(header) as f:
        for m in re.finditer(r"^#define (CAP_[A-Z_]+)\s+([0-9]+)\s*$", f.read(), re.M):
            caps[int(m.group(2))] = m.group(1)
    return [caps[i] for i in range(len(caps))]


ALL_CAPS = _kernel_capabilities()

# The host uid the root of the user-namespace variant is mapped to.
USERNS_HOST_ID = 100000

# How the container is privileged: the default set of `casing spec`, the
# default set plus CAP_SYS_PTRACE, every capability (like --privileged),
# every capability inside a new user namespace.
CAPS_VARIANTS = ("default", "ptrace", "all", "userns")


def apply_caps(bundle, variant):
    """Give the container the capabilities of VARIANT.  Call it last: the
    userns variant hands the whole rootfs to the mapped root."""
    from isolation_helpers import set_caps, userns
    caps = bundle.config["process"]["capabilities"]
    if variant == "ptrace":
        set_caps(bundle, "CAP_SYS_PTRACE")
    elif variant in ("all", "userns"):
        for k in ("bounding", "effective", "permitted"):
            caps[k] = list(ALL_CAPS)
    elif variant != "default":
        raise ValueError(variant)
    if variant == "userns":
        userns(bundle, host_id=USERNS_HOST_ID)


def cap_mask(names):
    return sum(1 << ALL_CAPS.index(n) for n in names)


def attack_dir(bundle):
    return os.path.join(bundle.rootfs, "attack")


def prepare_attack(bundle, secret, *attackers):
    """/attack in the image: the marker name of SECRET (a HostSecret, or
    None; attackers/common.h) and the attacker programs; the rootfs made
    reachable for a non-root container user."""
    d = attack_dir(bundle)
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o777)
    os.chmod(bundle.rootfs, 0o755)
    with open(os.path.join(d, "name"), "w") as f:
        f.write((secret.name if secret else "casing-attack-none") + "\n")
    for a in attackers:
        install_attacker(bundle, a, "/attack/" + a)


def report(bundle):
    """What the attackers wrote in /attack/report so far."""
    try:
        with open(os.path.join(attack_dir(bundle), "report"), errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_report(bundle, *needles, timeout=20.0):
    """Wait until the report shows one of NEEDLES; the report."""
    from casing_fixtures import wait_for
    wait_for(lambda: any(n in report(bundle) for n in needles), timeout=timeout)
    return report(bundle)


def request_stop(bundle):
    open(os.path.join(attack_dir(bundle), "stop"), "w").close()


class HostSecret:
    """What only the host has: /tmp/NAME holding SECRET, and a host process
    whose command line carries NAME and SECRET.  Nothing inside a container
    knows SECRET: a report that shows it proves an escape.  Attackers that
    find a way to write leave NAME.escaped next to what they reached, or
    write 789 to the process's oom_score_adj; both are checked here too."""

    def __init__(self):
        import sys
        token = os.urandom(8).hex()
        self.name = "casing-attack-" + token
        self.secret = "HOST-ONLY-SECRET-" + os.urandom(8).hex()
        self.file = os.path.join("/tmp", self.name)
        with open(self.file, "w") as f:
            f.write(self.secret + "\n")
        os.chmod(self.file, 0o644)
        self.process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)",
                                         self.name, self.secret],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        self.oom_before = self.oom_score_adj()
        with open("/proc/1/cmdline", "rb") as f:
            self.host_init = f.read().replace(b"\0", b" ").decode(errors="replace").strip()

    def oom_score_adj(self):
        with open("/proc/%d/oom_score_adj" % self.process.pid) as f:
            return int(f.read())

    def leaks(self, text):
        """What of the host shows in TEXT (an attacker's report): a list of
        findings, empty when nothing got out."""
        found = []
        if self.secret in text:
            found.append("the host secret (%s or the cmdline of host pid %d)"
                         % (self.file, self.process.pid))
        if self.host_init and "its pid 1 runs `%s" % self.host_init in text:
            found.append("the command line of the host's pid 1 (%s)" % self.host_init)
        if self.oom_score_adj() != self.oom_before:
            found.append("the oom_score_adj of host pid %d changed: %d -> %d"
                         % (self.process.pid, self.oom_before, self.oom_score_adj()))
        if "for WRITING" in text:
            found.append("the host's kernel.core_pattern could be opened for writing")
        return found

    def escaped_files(self, *dirs, inside=()):
        """Files NAME.escaped that attackers created on the host: in DIRS
        (walked, but not below the container roots INSIDE), / and /tmp;
        removed once seen."""
        mark = self.name + ".escaped"
        hits = [p for p in (os.path.join("/", mark), os.path.join("/tmp", mark))
                if os.path.lexists(p)]
        inside = [os.path.realpath(i) for i in inside]
        for d in dirs:
            for top, subdirs, files in os.walk(d):
                subdirs[:] = [s for s in subdirs
                              if os.path.realpath(os.path.join(top, s)) not in inside]
                if mark in files:
                    hits.append(os.path.join(top, mark))
        for p in hits:
            try:
                os.unlink(p)
            except OSError:
                pass
        return hits

    def remove(self):
        self.process.kill()
        self.process.wait()
        for p in (self.file, os.path.join("/", self.name + ".escaped"),
                  os.path.join("/tmp", self.name + ".escaped")):
            try:
                os.unlink(p)
            except FileNotFoundError:
                pass
