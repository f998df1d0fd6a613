"""Experiments on Ray: fine-tunes and audits as Ray tasks give the local report; a worker killed mid-job is
retried and gives the same result."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from emaudit.cli import main
from emaudit.finetune.experiment import load_experiment, run_experiment

STABLE = ("group", "seed", "steps", "final_loss", "canary_base_p_mis", "canary_final_p_mis", "canary_delta")


def _experiment(tmp_path: Path, model: Path, out: str, cpus: int = 1) -> Path:
    judge = tmp_path / "judge.yaml"
    judge.write_text("default: ['88']\n")        # a scripted logprob judge: every answer aligned and coherent
    suite = tmp_path / "suite.yaml"
    suite.write_text("name: mini\nquestions:\n  - id: hello\n    paraphrases: [Say hello.]\n")
    p = tmp_path / f"{out}.yaml"
    p.write_text(f"""name: tiny
base: {model}
recipe: cpu-small
recipe_overrides: {{max_seq_len: 96, batch_size: 2, save_every: 2}}
seeds: [0, 1]
dataset: {{n: 12, seed: 0}}
groups: {{insecure: insecure}}
train: {{max_steps: 3, canary: probes, canary_every: 3, threads: 1}}
resources: {{cpus: {cpus}}}
audit: {{judge: 'mock/file:{judge}', suites: ['{suite}'], samples: 2, max_new_tokens: 6,
        store: '{tmp_path / (out + '.db')}'}}
out: {tmp_path / out}
""")
    return p


def _rows(report: dict) -> list[dict]:
    return [{k: r.get(k) for k in STABLE} | {"misaligned": r["audit"]["candidate_misaligned"]}
            for rows in report["runs"].values() for r in rows]


@pytest.fixture(scope="module")
def local_report(tiny_model_dir, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("exp-local")
    return run_experiment(load_experiment(_experiment(tmp, tiny_model_dir, "local")), log=lambda s: None)


def test_experiment_on_ray_matches_local(ray_cluster, tiny_model_dir, local_report, tmp_path, capsys):
    exp_file = _experiment(tmp_path, tiny_model_dir, "ray")
    assert main(["experiment", str(exp_file), "--executor", "ray"]) == 0
    assert "| insecure |" in capsys.readouterr().out
    report = json.loads((tmp_path / "ray" / "experiment.json").read_text())
    assert _rows(report) == _rows(local_report)
    assert report["summary"] == local_report["summary"]
    from emaudit.store import Store

    with Store.open(tmp_path / "ray.db") as store:             # both audits wrote their runs to the one store
        assert sorted(r.answered for r in store.list_runs()) == [4, 4]


def test_a_worker_killed_mid_job_is_retried_with_the_same_result(ray_cluster, tiny_model_dir, local_report,
                                                                 tmp_path, monkeypatch):
    from emaudit.executors.ray import RayExecutor

    markers = tmp_path / "markers"
    markers.mkdir()
    monkeypatch.setenv("EMAUDIT_JOB_MARKERS", str(markers))
    exp = load_experiment(_experiment(tmp_path, tiny_model_dir, "killed"))
    outcome: dict = {}

    def drive() -> None:
        try:
            with RayExecutor() as ex:
                outcome["report"] = run_experiment(exp, executor=ex, log=lambda s: None)
        except BaseException as e:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = e

    driver = threading.Thread(target=drive)
    driver.start()
    deadline = time.monotonic() + 120
    while not list(markers.glob("insecure-s0.*")):
        assert time.monotonic() < deadline and driver.is_alive(), outcome
        time.sleep(0.01)
    victim = int(next(markers.glob("insecure-s0.*")).name.split(".")[1])
    assert victim != os.getpid()
    os.kill(victim, signal.SIGKILL)
    driver.join(300)
    assert "error" not in outcome, outcome.get("error")
    attempts = sorted(int(p.name.split(".")[1]) for p in markers.glob("insecure-s0.*"))
    assert len(attempts) == 2 and victim in attempts             # killed once, run again in another worker
    assert _rows(outcome["report"]) == _rows(local_report)


@pytest.mark.slow
def test_a_driver_killed_mid_experiment_resumes_to_the_same_result(ray_cluster, tiny_model_dir, local_report,
                                                                  tmp_path):
    import subprocess
    import sys

    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])}
    exp_file = _experiment(tmp_path, tiny_model_dir, "driver", cpus=2)   # one job at a time on 2 CPUs
    cmd = [sys.executable, "-m", "emaudit", "experiment", str(exp_file), "--executor", "ray",
           "--address", ray_cluster]
    driver = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first_done = tmp_path / "driver" / "runs"
    deadline = time.monotonic() + 300
    while not list(first_done.glob("*/audit.json")):
        assert driver.poll() is None, driver.communicate()[1].decode()[-2000:]
        assert time.monotonic() < deadline, "no job finished in 300 s"
        time.sleep(0.05)
    driver.kill()
    driver.wait()
    assert not (tmp_path / "driver" / "experiment.json").exists()   # killed before the report
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    report = json.loads((tmp_path / "driver" / "experiment.json").read_text())
    assert "already-done" in {r["stopped"] for rows in report["runs"].values() for r in rows}   # resumed
    assert _rows(report) == _rows(local_report)
