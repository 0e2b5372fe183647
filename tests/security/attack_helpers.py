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
        subprocess.run(["gcc", "-static", "-O2", "-Wall", "-o", out,
                        os.path.join(ATTACKERS, name + ".c")], check=True)
        _built[name] = out
    return _built[name]


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

    def intact(self):
        return os.path.exists(self.path) and sha256(self.path) == self.digest

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)
