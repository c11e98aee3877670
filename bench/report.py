"""Markdown tables from bench/results/*.json, for BENCHMARKS.md.

    .venv/bin/python bench/report.py
"""
import json

from common import RESULTS

TARGET_RATIO = 1.5


def load(name):
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def pages_table(db: str, small: int, large: int, middle: int | None = None) -> str:
    runs = {n: load(f"pages_{db}_{n}") for n in (small, middle, large) if n}
    if not runs.get(small) or not runs.get(large):
        return f"(no {db} page runs at {small:,} and {large:,} yet)\n"
    sizes = [n for n in (small, middle, large) if n and runs.get(n)]
    head = " | ".join(f"{n:,}: p50 / p95 ms" for n in sizes)
    lines = [f"| page | {head} | ratio p50 {large:,}/{small:,} | ratio p95 | target ≤{TARGET_RATIO} |",
             "|---|" + "---|" * (len(sizes) + 3)]
    for page, low in runs[small]["pages"].items():
        high = runs[large]["pages"].get(page, {})
        cells = " | ".join(f"{runs[n]['pages'][page].get('p50_ms', '-')} / {runs[n]['pages'][page].get('p95_ms', '-')}"
                           + (f" ({runs[n]['pages'][page]['errors']} errors)" if runs[n]["pages"][page]["errors"]
                              else "") for n in sizes)
        ratio = round(high["p50_ms"] / low["p50_ms"], 2) if high.get("p50_ms") and low.get("p50_ms") else None
        ratio95 = round(high["p95_ms"] / low["p95_ms"], 2) if high.get("p95_ms") and low.get("p95_ms") else None
        verdict = "-" if ratio is None else ("met" if ratio <= TARGET_RATIO else "**missed**")
        lines.append(f"| {page} | {cells} | {ratio} | {ratio95} | {verdict} |")
    return "\n".join(lines) + "\n"


def main():
    for db in ("postgresql", "sqlite"):
        for n in (1000, 10000, 60000, 400000):
            run = load(f"synth_{db}_{n}")
            if run:
                print(f"synth {db} {n:,}: {run['wall_seconds']} s wall (`{run['command']}`)")
    print()
    print(pages_table("postgresql", 1000, 60000, 10000))
    print(pages_table("sqlite", 1000, 60000))
    for n in (1000, 10000, 60000, 400000):
        run = load(f"inprocess_postgresql_{n}")
        if run:
            print(f"in-process {n:,}: " + json.dumps({k: run[k] for k in ("build", "export", "pdf") if k in run}))


if __name__ == "__main__":
    main()
