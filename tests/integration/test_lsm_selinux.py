# SPDX-License-Identifier: GPL-2.0-or-later
"""SELinux for real: these run only where SELinux is enabled and casing was
built with libselinux, i.e. inside the SELinux test VM
(tests/vm/run-vm-tests.sh, guest shell-selinux, `-m selinux`).

Debian's policy has no container_t: the container runs as svirt_t (the
domain of libvirt's sVirt guests) and its mounts are labelled svirt_image_t,
which svirt_t may use; MCS categories (s0:c1,c2) keep containers apart.  The
VM loads Debian's policy plus tests/vm/selinux-svirt.cil, the few rules that
let kernel_t (what the guest's commands run as) start a svirt_t process.

The module switches SELinux to enforcing while it runs when the policy lets
our own domain run a container as svirt_t (the .cil is loaded with semodule
when missing, ~1 min under TCG, and removed again), and to permissive
otherwise; the checks that need enforcement then skip.  Everything the tests
write is on the host's /tmp (tmpfs in the VM): the VM's 9p shares are
unlabeled, which kernel_t may not write in enforcing mode.
"""
import ctypes
import json
import os
import shutil
import subprocess
import tempfile
import types

import pytest

from casing_fixtures import CASING, TOP, ConsoleReceiver, unique_id, wait_for

pytestmark = pytest.mark.selinux

SELINUXFS = "/sys/fs/selinux"
LABEL = "system_u:system_r:svirt_t:s0:c1,c2"
OTHER_LABEL = "system_u:system_r:svirt_t:s0:c3,c4"
MOUNT_LABEL = "system_u:object_r:svirt_image_t:s0:c1,c2"
OTHER_FILE_LABEL = "system_u:object_r:svirt_image_t:s0:c3,c4"
SECRET_LABEL = "system_u:object_r:shadow_t:s0"   # never readable by svirt_t
CIL = os.path.join(TOP, "tests", "vm", "selinux-svirt.cil")
CIL_MODULE = "selinux-svirt"


# ---- what the kernel says

def proc_label(path):
    """/proc/PID/attr/current (NUL-terminated)."""
    with open(path, "rb") as f:
        return f.read().rstrip(b"\0\n").decode()


def file_label(path):
    return os.getxattr(path, "security.selinux", follow_symlinks=False).rstrip(b"\0").decode()


def set_file_label(path, label):
    os.setxattr(path, "security.selinux", label.encode(), follow_symlinks=False)


def selinuxfs_transaction(name, request):
    fd = os.open(os.path.join(SELINUXFS, name), os.O_RDWR)
    try:
        os.write(fd, request.encode())
        return os.read(fd, 4096).decode()
    finally:
        os.close(fd)


def context_valid(context):
    try:
        selinuxfs_transaction("context", context)
        return True
    except OSError:
        return False


def policy_allows(scontext, tcontext, tclass, perm):
    """security_compute_av() through selinuxfs: may scontext `perm` tcontext?"""
    d = os.path.join(SELINUXFS, "class", tclass)
    try:
        with open(os.path.join(d, "index")) as f:
            index = int(f.read())
        with open(os.path.join(d, "perms", perm)) as f:
            bit = 1 << (int(f.read()) - 1)
        av = selinuxfs_transaction("access", "%s %s %d" % (scontext, tcontext, index))
    except OSError:
        return False
    return bool(int(av.split()[0], 16) & bit)


def mount_options(mountinfo, mountpoint):
    """The super options of the last mount at mountpoint in a mountinfo text."""
    found = None
    for line in mountinfo.splitlines():
        pre, _, post = line.partition(" - ")
        if pre.split()[4] == mountpoint:
            found = post.split(" ", 2)[2]
    return found


def has_context(options, label):
    return options is not None and ('context="%s"' % label in options or "context=%s," % label in options + ",")


def keyring_label(description):
    """The SELinux label of the keyring called `description` in /proc/keys
    (KEYCTL_GET_SECURITY), or None when no such keyring is visible."""
    serial = None
    with open("/proc/keys") as f:
        for line in f:
            fields = line.split()
            if len(fields) > 8 and fields[7] == "keyring" and fields[8] == description + ":":
                serial = int(fields[0], 16)
    if serial is None:
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(512)
    n = libc.syscall(250, 17, serial, buf, len(buf))   # SYS_keyctl, KEYCTL_GET_SECURITY
    if n < 0:
        raise OSError(ctypes.get_errno(), "KEYCTL_GET_SECURITY %x" % serial)
    return buf.value.decode()


def casing_has_selinux():
    r = subprocess.run([CASING, "--version"], capture_output=True, text=True)
    return "+SELINUX" in r.stdout


def set_enforce(value):
    with open(os.path.join(SELINUXFS, "enforce"), "w") as f:
        f.write(value)


@pytest.fixture(scope="module")
def selinux():
    """Enforcing when the policy lets us start svirt_t containers, else
    permissive; the previous mode (and policy) come back afterwards."""
    if not os.path.exists(os.path.join(SELINUXFS, "enforce")):
        pytest.skip("SELinux is not enabled on this host (runs in the SELinux test VM)")
    if not casing_has_selinux():
        pytest.skip("casing was built without libselinux (no +SELINUX in `casing --version`)")
    for context in (LABEL, MOUNT_LABEL):
        if not context_valid(context):
            pytest.skip("the loaded policy has no %s (Debian's and Fedora's have)" % context)
    me = proc_label("/proc/self/attr/current")
    # the rootfs (busybox) is a copy in a temporary directory: its label is
    # what svirt_t must be allowed to enter through
    with tempfile.NamedTemporaryFile() as probe:
        exe = file_label(probe.name)

    def can_run_svirt():
        return (policy_allows(me, LABEL, "process", "transition")
                and policy_allows(me, LABEL, "process2", "nnp_transition")
                and policy_allows(LABEL, exe, "file", "entrypoint"))

    loaded = False
    if not can_run_svirt() and shutil.which("semodule") and os.path.exists(CIL):
        loaded = subprocess.run(["semodule", "-i", CIL], capture_output=True).returncode == 0
    enforcing = can_run_svirt()
    with open(os.path.join(SELINUXFS, "enforce")) as f:
        old = f.read().strip()
    set_enforce("1" if enforcing else "0")
    try:
        yield types.SimpleNamespace(me=me, enforcing=enforcing)
    finally:
        set_enforce(old)
        if loaded:
            subprocess.run(["semodule", "-r", CIL_MODULE], capture_output=True)


@pytest.fixture
def enforcing(selinux):
    if not selinux.enforcing:
        pytest.skip("the policy does not let %s run a container as svirt_t (load %s)"
                    % (selinux.me, CIL))
    return selinux


# ---- containers

def labelled(bundle, *args, label=LABEL, mount_label=MOUNT_LABEL):
    bundle.config["process"]["selinuxLabel"] = label
    if mount_label:
        bundle.config["linux"]["mountLabel"] = mount_label
    else:
        bundle.config["linux"].pop("mountLabel", None)
    bundle.set_args(*args)
    return bundle.save()


def start(casing, bundle, cid):
    casing.ok("run", "-d", "--bundle", bundle.path, cid)
    return casing.state(cid)["pid"]


def text(r):
    return r.stdout.replace("\0", "").strip()


def write_process(path, bundle, args, label=None):
    p = json.loads(json.dumps(bundle.config["process"]))
    p["args"] = list(args)
    p.pop("selinuxLabel", None)
    if label:
        p["selinuxLabel"] = label
    with open(path, "w") as f:
        json.dump(p, f)
    return path


# ---- process.selinuxLabel

def test_container_sees_its_label(casing, bundle, selinux):
    labelled(bundle, "cat", "/proc/self/attr/current")
    r = casing.run("run", "--bundle", bundle.path, unique_id("sel"))
    assert r.returncode == 0, r
    assert text(r) == LABEL


def test_host_sees_the_label_of_init(casing, bundle, selinux):
    labelled(bundle, "sleep", "600")
    cid = unique_id("sel")
    pid = start(casing, bundle, cid)
    assert proc_label("/proc/%d/attr/current" % pid) == LABEL


def test_exec_labels(casing, bundle, tmpdir_path, selinux):
    labelled(bundle, "sleep", "600")
    cid = unique_id("sel")
    start(casing, bundle, cid)
    # the container's own label by default
    assert text(casing.ok("exec", cid, "cat", "/proc/self/attr/current")) == LABEL
    # --process-label, seen from inside and from the host
    assert text(casing.ok("exec", "--process-label", OTHER_LABEL, cid,
                          "cat", "/proc/self/attr/current")) == OTHER_LABEL
    pidfile = os.path.join(tmpdir_path, "exec.pid")
    casing.ok("exec", "-d", "--pid-file", pidfile, "--process-label", OTHER_LABEL, cid, "sleep", "600")
    with open(pidfile) as f:
        assert proc_label("/proc/%d/attr/current" % int(f.read())) == OTHER_LABEL
    # a --process file with its own selinuxLabel
    proc = write_process(os.path.join(tmpdir_path, "p.json"), bundle,
                         ["cat", "/proc/self/attr/current"], label=OTHER_LABEL)
    assert text(casing.ok("exec", "--process", proc, cid)) == OTHER_LABEL


def test_exec_process_file_without_label_keeps_the_containers(casing, bundle, tmpdir_path, selinux):
    labelled(bundle, "sleep", "600")
    cid = unique_id("sel")
    start(casing, bundle, cid)
    proc = write_process(os.path.join(tmpdir_path, "p.json"), bundle, ["cat", "/proc/self/attr/current"])
    assert text(casing.ok("exec", "--process", proc, cid)) == LABEL


# ---- linux.mountLabel

def test_mount_label_on_tmpfs_and_devpts(casing, bundle, selinux):
    labelled(bundle, "sh", "-c", "touch /dev/shm/f; exec sleep 600")
    cid = unique_id("sel")
    pid = start(casing, bundle, cid)
    root = "/proc/%d/root" % pid
    with open("/proc/%d/mountinfo" % pid) as f:
        host_view = f.read()
    inside = casing.ok("exec", cid, "cat", "/proc/self/mountinfo").stdout
    for mountinfo in (host_view, inside):
        for mp in ("/dev", "/dev/shm", "/dev/pts"):
            assert has_context(mount_options(mountinfo, mp), MOUNT_LABEL), (mp, mountinfo)
        # proc and sysfs keep their own labels
        for mp in ("/proc", "/sys"):
            assert "context=" not in mount_options(mountinfo, mp), (mp, mountinfo)
    assert file_label(root + "/dev/shm") == MOUNT_LABEL
    assert wait_for(lambda: os.path.exists(root + "/dev/shm/f"))
    assert file_label(root + "/dev/shm/f") == MOUNT_LABEL
    assert file_label(root + "/dev/pts/ptmx") == MOUNT_LABEL
    # what the container itself creates under /dev
    casing.ok("exec", cid, "mkdir", "/dev/d")
    assert file_label(root + "/dev/d") == MOUNT_LABEL


def test_mount_label_on_mqueue(casing, bundle, selinux):
    labelled(bundle, "sleep", "600")
    pid = start(casing, bundle, unique_id("sel"))
    assert file_label("/proc/%d/root/dev/mqueue" % pid) == MOUNT_LABEL


def test_console_pty_carries_the_mount_label(casing, bundle, tmpdir_path, selinux):
    bundle.config["process"]["terminal"] = True
    labelled(bundle, "sleep", "600")
    sock = os.path.join(tmpdir_path, "console.sock")
    rcv = ConsoleReceiver(sock)
    try:
        cid = unique_id("sel")
        casing.ok("run", "-d", "--console-socket", sock, "--bundle", bundle.path, cid)
        assert rcv.wait() is not None
        pid = casing.state(cid)["pid"]
        tty = os.readlink("/proc/%d/fd/0" % pid)
        assert tty.startswith("/dev/pts/"), tty
        assert file_label("/proc/%d/root%s" % (pid, tty)) == MOUNT_LABEL
    finally:
        rcv.close()


# ---- enforcement

def test_enforcing_confines_the_container(casing, bundle, enforcing):
    """svirt_t may not read shadow_t, nor files of other MCS categories; a
    process with our own (unconfined) label may, inside the same container
    (exec) or as the container itself."""
    files = {"secret": SECRET_LABEL, "mine": MOUNT_LABEL, "theirs": OTHER_FILE_LABEL}
    for name, label in files.items():
        path = os.path.join(bundle.rootfs, name)
        with open(path, "w") as f:
            f.write("content of %s\n" % name)
        set_file_label(path, label)
    script = "for f in secret mine theirs; do cat /$f || echo $f denied; done"
    labelled(bundle, "sh", "-c", script)
    r = casing.run("run", "--bundle", bundle.path, unique_id("sel"))
    assert r.returncode == 0, r
    assert "content of mine" in r.stdout
    assert "secret denied" in r.stdout and "theirs denied" in r.stdout, r
    assert r.stderr.count("Permission denied") == 2, r

    # the same container, once confined (init) and once exec'd unconfined
    labelled(bundle, "sleep", "600")
    cid = unique_id("sel")
    start(casing, bundle, cid)
    r = casing.run("exec", cid, "sh", "-c", script)
    assert "secret denied" in r.stdout and "theirs denied" in r.stdout, r
    r = casing.run("exec", "--process-label", enforcing.me, cid, "sh", "-c", script)
    assert "denied" not in r.stdout, r
    assert all("content of %s" % name in r.stdout for name in files), r

    # the container started with our own label is not confined
    labelled(bundle, "sh", "-c", script, label=enforcing.me, mount_label=None)
    r = casing.run("run", "--bundle", bundle.path, unique_id("sel"))
    assert r.returncode == 0, r
    assert "denied" not in r.stdout, r


# ---- failures

BAD = {"process": {"label": "system_u:system_r:casing_no_such_t:s0"},
       "mount": {"mount_label": "system_u:object_r:casing_no_such_t:s0"}}
BAD_FIELD = {"process": "process.selinuxLabel", "mount": "linux.mountLabel"}


@pytest.mark.parametrize("which", ["process", "mount"])
def test_invalid_label_error_names_it(casing, bundle, selinux, which):
    labelled(bundle, "sleep", "600", **BAD[which])
    r = casing.run("create", "--bundle", bundle.path, unique_id("sel"))
    assert r.returncode != 0, r
    bad = list(BAD[which].values())[0]
    assert BAD_FIELD[which] in r.stderr and bad in r.stderr, r


# ---- the session keyring

def test_session_keyring_is_labelled(casing, bundle, selinux):
    labelled(bundle, "sleep", "600")
    cid = unique_id("sel")
    start(casing, bundle, cid)
    label = keyring_label(cid)
    if label is None:
        pytest.skip("the container's session keyring is not visible in /proc/keys")
    assert label == LABEL
