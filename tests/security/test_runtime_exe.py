# SPDX-License-Identifier: GPL-2.0-or-later
"""CVE-2019-5736 class: a container gets a handle on the host's casing
binary through /proc/PID/exe and writes to it.

Every container here is driven by a private copy of the binary
(`casing_copy`): the attack, when it works, appends to that copy, and the
host checks that the copy is byte for byte what it was.  The attackers
(attackers/*.c) write what they achieved to /attack/report in the image;
each test prints it."""
import os

import pytest

from attack_helpers import (USERNS_HOST_ID, apply_caps, attack_dir, install_attacker, prepare_attack,
                            report, request_stop, wait_report)
from casing_fixtures import Bundle, unique_id, wait_for, write_script
from isolation_helpers import add_namespace

EXEC_ROUNDS = 100       # exec rounds for the attacker to catch a runtime process
SWAP_EXEC_ROUNDS = 200  # rounds of the check/execve race, for exec
SWAP_RUN_ROUNDS = 100   # ... for run and create+start (a whole container each)
FAKE_INTERP = "/lib64/ld-linux-x86-64.so.2"


def start_attacker(cas, bundle, secret, caps, args, attackers, setup=None, casing_copy=None):
    """Run the attacker container (detached), wait until it watches.  In a
    user namespace, the private copy of the binary goes to the mapped root
    (CasingCopy.give_to): else the file's owner alone keeps the container
    out, whatever casing does."""
    prepare_attack(bundle, secret, *attackers)
    if caps == "userns" and casing_copy:
        casing_copy.give_to(USERNS_HOST_ID)
    if setup:
        setup(bundle)
    apply_caps(bundle, caps)
    bundle.set_args(*args).save()
    cid = unique_id("atk")
    cas.ok("run", "-d", "-b", bundle.path, cid)
    assert "ready" in wait_report(bundle, "ready"), "the attacker did not start"
    return cid


def peer_bundle(tmpdir_path, attacker, pidns_of=None, args=("true",)):
    """A second container on the attacker's rootfs (the same files),
    joining the attacker's pid namespace when PIDNS_OF (a pid) is given,
    and its user namespace too when it has one (as a pod's containers do:
    in another user namespace the kernel alone would keep the attacker
    from tracing or opening anything of the peer)."""
    b = Bundle(os.path.join(tmpdir_path, "peer"))
    b.config["root"]["path"] = attacker.rootfs
    if pidns_of:
        add_namespace(b, "pid", "/proc/%d/ns/pid" % pidns_of)
        if any(ns["type"] == "user" for ns in attacker.config["linux"]["namespaces"]):
            add_namespace(b, "user", "/proc/%d/ns/user" % pidns_of)
    return b.set_args(*args).save()


def assert_intact(casing_copy, bundle):
    text = report(bundle)
    print(text)
    if not casing_copy.intact():
        with open(casing_copy.path, "rb") as f:
            f.seek(-64, os.SEEK_END)
            tail = f.read()
        pytest.fail("the container wrote to the runtime binary (now ends with %r):\n%s" % (tail, text))


# ---- 1a: a runtime process in the container's pid namespace -----------------

def grab_done(bundle):
    request_stop(bundle)
    wait_report(bundle, "exe_grab: done", timeout=25)


@pytest.mark.parametrize("caps", ["default", "all", "userns"])
def test_exec_process_exe(copy_casing, casing_copy, bundle, host_secret, caps):
    """`casing exec` forks into the container's pid namespace: the attacker
    opens /proc/PID/exe of every new pid (O_PATH) and, once the runtime is
    gone, reopens the handle for writing."""
    cid = start_attacker(copy_casing, bundle, host_secret, caps, ["/attack/exe_grab", "25"],
                         ["exe_grab"], casing_copy=casing_copy)
    for _ in range(EXEC_ROUNDS):
        copy_casing.run("exec", cid, "true", timeout=30)
        if "OPENED" in report(bundle):
            break
    grab_done(bundle)
    assert_intact(casing_copy, bundle)


@pytest.mark.parametrize("caps", ["default", "all", "userns"])
def test_run_init_exe(copy_casing, casing_copy, bundle, tmpdir_path, host_secret, caps):
    """`casing run` of a container that joins the attacker's pid namespace:
    its init is the runtime until execve."""
    cid = start_attacker(copy_casing, bundle, host_secret, caps, ["/attack/exe_grab", "25"],
                         ["exe_grab"], casing_copy=casing_copy)
    peer = peer_bundle(tmpdir_path, bundle, copy_casing.state(cid)["pid"])
    for _ in range(5):
        pcid = unique_id("peer")
        copy_casing.ok("run", "-d", "-b", peer.path, pcid)
        # The attacker tries a refused pid again while it lives: let the
        # peer's process run to its end.
        wait_for(lambda: copy_casing.state(pcid)["status"] == "stopped", timeout=10)
        if "OPENED" in report(bundle):
            break
    grab_done(bundle)
    assert_intact(casing_copy, bundle)


@pytest.mark.parametrize("caps", ["default", "all", "userns"])
def test_create_start_init_exe(copy_casing, casing_copy, bundle, tmpdir_path, host_secret, caps):
    """`create` then `start` of a container in the attacker's pid
    namespace: its init waits for `start` as the runtime binary."""
    cid = start_attacker(copy_casing, bundle, host_secret, caps, ["/attack/exe_grab", "25"],
                         ["exe_grab"], casing_copy=casing_copy)
    peer = peer_bundle(tmpdir_path, bundle, copy_casing.state(cid)["pid"])
    pcid = unique_id("peer")
    copy_casing.ok("create", "-b", peer.path, pcid)
    wait_report(bundle, "OPENED", "exe_grab: open /proc", timeout=10)
    copy_casing.ok("start", pcid)
    grab_done(bundle)
    assert_intact(casing_copy, bundle)


# ---- 1b: the runtime binary executed inside the container -------------------

def prepare_swap(bundle):
    """/attack/run-me (harmless) and /attack/run-me.swap (#!/proc/self/exe),
    and the image's own ELF interpreter: the fake ld.so."""
    d = attack_dir(bundle)
    write_script(os.path.join(d, "run-me"), "exit 0")
    with open(os.path.join(d, "run-me.swap"), "w") as f:
        f.write("#!/proc/self/exe\n")
    os.chmod(os.path.join(d, "run-me.swap"), 0o755)
    install_attacker(bundle, "fake_ldso", FAKE_INTERP)


SWAPPER = ["/attack/swapper", "/attack/run-me", "/attack/run-me.swap", "30"]


def won(bundle):
    return "fake_ldso: RUNNING" in report(bundle)


def finish_swap(bundle):
    """Once the fake interpreter ran, let its writer finish; stop the
    swapper."""
    if won(bundle):
        wait_report(bundle, "exe_writer: done", "exe_writer failed", timeout=25)
    request_stop(bundle)
    wait_report(bundle, "swapper: done", timeout=10)


@pytest.mark.parametrize("caps", ["default", "all", "userns"])
def test_exec_swap_race(copy_casing, casing_copy, bundle, host_secret, caps):
    """No CAP_SYS_PTRACE needed: the container swaps the script that `exec`
    runs with a #!/proc/self/exe one between the runtime's check and its
    execve.  The kernel then executes the casing binary in the container,
    with the image's ELF interpreter: attacker code whose /proc/self/exe is
    the host binary."""
    cid = start_attacker(copy_casing, bundle, host_secret, caps, SWAPPER,
                         ["swapper", "exe_writer"], setup=prepare_swap, casing_copy=casing_copy)
    refused = 0
    for i in range(SWAP_EXEC_ROUNDS):
        r = copy_casing.run("exec", cid, "/attack/run-me", timeout=30)
        refused += "CVE-2019-5736" in r.stderr
        if won(bundle):
            break
    print("exec rounds: %d, refused by the check: %d" % (i + 1, refused))
    finish_swap(bundle)
    assert_intact(casing_copy, bundle)


@pytest.mark.parametrize("verb", ["run", "create_start"])
def test_init_swap_race(copy_casing, casing_copy, bundle, tmpdir_path, host_secret, verb):
    """The same race on a container's entry point: a second container on
    the swapper's rootfs runs /attack/run-me, once per round."""
    start_attacker(copy_casing, bundle, host_secret, "default", SWAPPER, ["swapper", "exe_writer"],
                   setup=prepare_swap)
    peer = peer_bundle(tmpdir_path, bundle, args=("/attack/run-me",))
    refused = 0
    for i in range(SWAP_RUN_ROUNDS):
        pcid = unique_id("peer")
        if verb == "run":
            r = copy_casing.run("run", "-d", "-b", peer.path, pcid)
        else:
            r = copy_casing.run("create", "-b", peer.path, pcid)
            if r.returncode == 0:
                r = copy_casing.run("start", pcid)
        refused += "CVE-2019-5736" in r.stderr
        if won(bundle):
            break
        copy_casing.run("delete", "--force", pcid)
    print("%s rounds: %d, refused by the check: %d" % (verb, i + 1, refused))
    finish_swap(bundle)
    assert_intact(casing_copy, bundle)


@pytest.mark.parametrize("entry", ["/proc/self/exe", "shebang"])
@pytest.mark.parametrize("verb", ["run", "create_start", "exec"])
def test_self_exe_entrypoint(copy_casing, casing_copy, bundle, host_secret, verb, entry):
    """No race: the entry point is /proc/self/exe itself, or a
    #!/proc/self/exe script, with the fake ELF interpreter in the image.
    Whatever the runtime does with it (refuse, or run something that is not
    the host file), the host binary stays intact."""
    prepare_attack(bundle, host_secret, "exe_writer")
    install_attacker(bundle, "fake_ldso", FAKE_INTERP)
    with open(os.path.join(attack_dir(bundle), "evil"), "w") as f:
        f.write("#!/proc/self/exe\n")
    os.chmod(os.path.join(attack_dir(bundle), "evil"), 0o755)
    args = ["/proc/self/exe"] if entry == "/proc/self/exe" else ["/attack/evil"]
    cid = unique_id("self")
    if verb == "exec":
        bundle.set_args("sleep", "60").save()
        copy_casing.ok("run", "-d", "-b", bundle.path, cid)
        r = copy_casing.run("exec", cid, *args, timeout=30)
    else:
        bundle.set_args(*args).save()
        if verb == "run":
            r = copy_casing.run("run", "-d", "-b", bundle.path, cid)
        else:
            r = copy_casing.run("create", "-b", bundle.path, cid)
            if r.returncode == 0:
                r = copy_casing.run("start", cid)
    print(r)
    if won(bundle):
        wait_report(bundle, "exe_writer: done", "exe_writer failed", timeout=25)
    assert_intact(casing_copy, bundle)
