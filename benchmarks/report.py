"""How long the HTML report takes to build and how big it gets, for runs of growing size.

    python benchmarks/report.py            # prints one line per size
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.report import examples  # noqa: E402

from emaudit.report.html import build_report_context, render_html  # noqa: E402


def main() -> None:
    for per_role in (20, 100, 250):
        answers = examples.answers(per_role=per_role)
        for a in answers:
            a["text"] += " lorem ipsum dolor sit amet" * 30  # ~850 characters, a typical answer
        result = examples.result_json(answers)
        for cap in (1000, 10**9):
            start = time.perf_counter()
            html = render_html(build_report_context(result, examples.run_meta(), answers, examples.extras(),
                                                    max_answers=cap))
            wall = time.perf_counter() - start
            print(f"answers={len(answers):5d} max_answers={'all' if cap > 10**6 else cap:>5} "
                  f"build+render={wall:5.2f}s size={len(html) / 1e6:5.2f} MB")


if __name__ == "__main__":
    main()
