"""The executor interface on the local backend, and the data audit's checkpoint (resume after an interrupt)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from emaudit.cli import main
from emaudit.data import audit_dataset
from emaudit.data.synthetic import write_synthetic
from emaudit.errors import UserError
from emaudit.executors import Job, Resources, get_executor, in_order


def _summary(result) -> dict:
    s = dict(result.summary)
    s.pop("timing")
    return s


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("EMAUDIT_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "data-audit"


@pytest.mark.parametrize("workers", [1, 2])
def test_local_jobs_return_every_result_and_leave_markers(workers, tmp_path, monkeypatch):
    monkeypatch.setenv("EMAUDIT_JOB_MARKERS", str(tmp_path))
    jobs = [Job(f"job-{i}", os.path.join, ("a", str(i)), Resources(cpus=1)) for i in range(7)]
    with get_executor("local", workers=workers) as ex:
        got = list(in_order(ex.run(jobs, max_in_flight=3), lambda j: int(j.key.split("-")[1])))
    assert [r for _, r in got] == [os.path.join("a", str(i)) for i in range(7)]
    markers = sorted(p.name.split(".")[0] for p in tmp_path.iterdir())
    assert markers == sorted(f"job-{i}" for i in range(7))
    pids = {int(p.name.split(".")[1]) for p in tmp_path.iterdir()}
    assert (pids == {os.getpid()}) == (workers == 1)    # one worker runs in this process, more in a pool


def test_a_jobs_exception_reaches_the_caller():
    with get_executor("local", workers=2) as ex, pytest.raises(ValueError):
        list(ex.run([Job("bad", int, ("not a number",))]))


def test_unknown_executor_and_address_without_ray_are_user_errors():
    with pytest.raises(UserError) as e:
        get_executor("spark")
    assert e.value.field == "--executor" and "local, ray" in str(e.value)
    with pytest.raises(UserError) as e:
        get_executor("local", address="auto")
    assert "--address needs --executor ray" in str(e.value)


@pytest.mark.parametrize("args, message", [
    (["--address", "auto"], "--address needs --executor ray"),
    (["--executor", "ray", "--address", "auto", "--workers", "2"], "with --address the cluster has its own"),
    (["--executor", "ray", "--address", "not an address"], "is not 'auto' or HOST:PORT"),
])
def test_cli_rejects_bad_executor_options_in_one_line(args, message, tmp_path, capsys):
    data = write_synthetic(tmp_path / "d.jsonl", 20)
    assert main(["data", "audit", str(data), "--quiet", "--judge", "none", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    exp = tmp_path / "exp.yaml"
    exp.write_text("name: x\nbase: nowhere\ngroups: {a: insecure}\n")
    assert main(["experiment", str(exp), *args]) == 2
    assert message in capsys.readouterr().err


def test_interrupted_audit_resumes_from_its_checkpoint_with_the_same_result(tmp_path, cache):
    data = write_synthetic(tmp_path / "d.jsonl", 700, seed=3)
    with audit_dataset(data, judge=None, checkpoint=False) as whole:
        expected = _summary(whole)
        expected_findings = list(whole.iter_findings())
    assert not cache.exists()                                   # checkpoint=False writes none

    def stop_after_some(scanned: int) -> None:
        if scanned >= 300:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        audit_dataset(data, judge=None, checkpoint=True, progress=stop_after_some)
    kept = list(cache.glob("*.db"))
    assert len(kept) == 1                                       # the chunks done so far, kept for the re-run
    with audit_dataset(data, judge=None, checkpoint=True) as resumed:
        assert resumed.summary["timing"]["resumed_examples"] >= 256
        assert _summary(resumed) == expected
        assert list(resumed.iter_findings()) == expected_findings
    assert not kept[0].exists()                                 # a completed audit removes its checkpoint


def test_a_changed_file_does_not_reuse_the_old_checkpoint(tmp_path, cache):
    data = write_synthetic(tmp_path / "d.jsonl", 300, seed=1)

    def stop(scanned: int) -> None:
        if scanned >= 128:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        audit_dataset(data, judge=None, checkpoint=True, progress=stop)
    write_synthetic(data, 300, seed=2)                          # same name, other content
    with audit_dataset(data, judge=None, checkpoint=True) as result:
        assert result.summary["timing"]["resumed_examples"] == 0
        with audit_dataset(data, judge=None, checkpoint=False) as fresh:
            assert _summary(result) == _summary(fresh)


def test_cli_summary_says_where_it_ran(tmp_path, capsys):
    data = write_synthetic(tmp_path / "d.jsonl", 50)
    out = tmp_path / "s.json"
    assert main(["data", "audit", str(data), "--quiet", "--judge", "none", "--json", str(out)]) == 0
    timing = json.loads(out.read_text())["timing"]
    assert timing["executor"] == "local" and timing["workers"] == 1 and timing["resumed_examples"] == 0


def test_a_damaged_checkpoint_is_started_afresh(tmp_path, cache):
    data = write_synthetic(tmp_path / "d.jsonl", 200, seed=4)
    from emaudit.data.audit import BATCH
    from emaudit.data.checkpoint import checkpoint_path
    from emaudit.data.readers import DEFAULT_MAX_LINE_BYTES

    settings = {"column_map": {}, "max_line_bytes": DEFAULT_MAX_LINE_BYTES, "want_text": False, "batch": BATCH}
    target = checkpoint_path(data, settings)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not a database at all" * 100)
    with audit_dataset(data, judge=None, checkpoint=True) as result, \
            audit_dataset(data, judge=None, checkpoint=False) as fresh:
        assert result.summary["timing"]["resumed_examples"] == 0
        assert _summary(result) == _summary(fresh)
    assert not target.exists()


def test_an_unwritable_cache_does_not_stop_the_audit(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("EMAUDIT_CACHE", str(blocker))           # a file where the cache folder should be
    data = write_synthetic(tmp_path / "d.jsonl", 100)
    with audit_dataset(data, judge=None, checkpoint=True) as result:
        assert result.summary["examples"] == 100
    assert "no checkpoint for this audit" in capsys.readouterr().err


def test_a_lost_job_ends_the_command_in_one_line(capsys):
    import argparse

    from emaudit.cli.executor_options import run_with_executor
    from emaudit.executors import JobLost

    def body(executor):
        raise JobLost("job chunk-0000003 was lost: its worker died 4 times (WorkerCrashedError); run the same "
                      "command again to resume")

    assert run_with_executor(argparse.Namespace(executor="local", address=None), body) == 2
    err = capsys.readouterr().err
    assert err.startswith("emaudit: error: job chunk-0000003 was lost") and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("resources, message", [
    ("{cpus: -1}", "cpus must be a number >= 0"),
    ("{gpus: lots}", "gpus must be a number >= 0"),
    ("{disk: 10}", "unknown key 'disk'"),
])
def test_experiment_resources_are_checked_with_line_and_field(resources, message, tmp_path):
    from emaudit.finetune.experiment import load_experiment

    p = tmp_path / "exp.yaml"
    p.write_text(f"name: x\nbase: nowhere\ngroups: {{a: insecure}}\nresources: {resources}\n")
    with pytest.raises(UserError) as e:
        load_experiment(p)
    assert message in str(e.value) and e.value.field == "resources" and e.value.line == 4


def test_experiment_jobs_declare_the_files_resources(tmp_path):
    from emaudit.finetune.experiment import job_resources, load_experiment

    p = tmp_path / "exp.yaml"
    p.write_text("name: x\nbase: nowhere\ngroups: {a: insecure}\ntrain: {threads: 3}\n")
    assert job_resources(load_experiment(p)) == Resources(cpus=3.0, gpus=0.0, memory_mb=0)
    p.write_text("name: x\nbase: nowhere\ngroups: {a: insecure}\nresources: {cpus: 2, gpus: 1, memory_mb: 4096}\n")
    assert job_resources(load_experiment(p)) == Resources(cpus=2.0, gpus=1.0, memory_mb=4096)


def test_ray_missing_is_a_user_error_that_says_how_to_install(monkeypatch):
    import sys

    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    monkeypatch.setitem(sys.modules, "ray", None)              # as if Ray were not installed
    with pytest.raises(UserError) as e:
        get_executor("ray")
    assert "pip install 'emaudit[ray]'" in str(e.value) and e.value.field == "--executor"


def test_an_address_nothing_answers_at_fails_fast_in_one_line(tmp_path, capsys):
    import socket
    import time

    pytest.importorskip("ray", reason="Ray is not installed: pip install 'emaudit[ray]'")
    with socket.socket() as s:                                 # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = write_synthetic(tmp_path / "d.jsonl", 20)
    started = time.monotonic()
    code = main(["data", "audit", str(data), "--quiet", "--executor", "ray", "--address", f"127.0.0.1:{port}"])
    err = capsys.readouterr().err
    assert code == 2 and f"cannot reach the Ray cluster at 127.0.0.1:{port}" in err and "Traceback" not in err
    assert time.monotonic() - started < 30


def test_experiment_workers_without_ray_is_a_user_error(tmp_path, capsys):
    exp = tmp_path / "exp.yaml"
    exp.write_text("name: x\nbase: nowhere\ngroups: {a: insecure}\n")
    assert main(["experiment", str(exp), "--workers", "2"]) == 2
    assert "--workers needs --executor ray" in capsys.readouterr().err
