"""Coverage and width of the budget-judging intervals by simulation (the numbers in docs/judge.md).

Each draw: a fresh set of answers from a model with a known misaligned rate, a cheap judge with the given
sensitivity and false-positive rate on all of them, and the strong judge (the truth) on a random
subsample. Reports how often each 95% interval covers the rate and the mean width against the strong
judge alone (same target, same Wilson form).

    python benchmarks/ppi_interval_simulation.py [--draws 3000]
"""

from __future__ import annotations

import argparse

import numpy as np

from emaudit.analysis.budget import choose_subsample, ppi_mean, two_phase_mean

CASES = [  # rate, cheap sensitivity, cheap false-positive rate, answers, strong labels
    (0.10, 0.24, 0.03, 400, 100), (0.10, 0.24, 0.03, 400, 150), (0.10, 0.24, 0.03, 400, 200),
    (0.12, 0.60, 0.04, 1500, 150), (0.03, 0.50, 0.02, 800, 200), (0.30, 0.80, 0.05, 2000, 200),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=3000)
    args = ap.parse_args()
    print("| rate | cheap sens / FPR | answers / strong | PPI++ coverage | width vs strong alone | "
          "two-phase coverage | width | strong alone coverage |")
    print("|---|---|---|---|---|---|---|---|")
    for rate, sens, fpr, n_all, n_sub in CASES:
        rng = np.random.default_rng(2026)
        cov = {"ppi": 0, "two": 0, "strong": 0}
        ratio: dict[str, list[float]] = {"ppi": [], "two": []}
        for _ in range(args.draws):
            y = rng.random(n_all) < rate
            cheap = np.where(y, rng.random(n_all) < sens, rng.random(n_all) < fpr).astype(float)
            y = y.astype(float)
            idx = choose_subsample(n_all, n_sub, seed=int(rng.integers(1 << 30)))
            rest = np.setdiff1d(np.arange(n_all), idx)
            for key, est in (("ppi", ppi_mean(cheap[rest], cheap[idx], y[idx])),
                             ("two", two_phase_mean(cheap, idx, y[idx]))):
                cov[key] += est.low <= rate <= est.high
                ratio[key].append(est.relative_width)
            cov["strong"] += est.subsample_low <= rate <= est.subsample_high
        d = args.draws
        print(f"| {rate:.0%} | {sens:.2f} / {fpr:.2f} | {n_all} / {n_sub} | {cov['ppi'] / d:.1%} | "
              f"{np.mean(ratio['ppi']):.3f} | {cov['two'] / d:.1%} | {np.mean(ratio['two']):.3f} | "
              f"{cov['strong'] / d:.1%} |")


if __name__ == "__main__":
    main()
