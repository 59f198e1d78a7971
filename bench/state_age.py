"""A case's saved state and step time as it ages: ``plain_case`` round its
dissatisfied-callback loop (处置 → 回访 不满意) ``--rounds`` times on the persisted engine.

    python bench/state_age.py [--rounds 200] [--postgres URL | --no-postgres]

Prints, at checkpoints, the state size and the median handle + callback step of the ten
rounds before it, on SQLite and (if reachable) PostgreSQL; the last lines read
``STATE_AGE <db> kb_r5=<a> kb_rN=<b> step_ratio=<c>`` (step median near round N over
near round 5). The loop cap (``max_callback_rounds``) is raised through the start data.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_engine", HERE / "engine.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_engine"] = bench
_spec.loader.exec_module(bench)  # puts the project root on sys.path

CHECKPOINTS = (5, 10, 25, 50, 100, 150, 200, 300, 500)


def run(url: str, rounds: int) -> tuple[dict[int, float], dict[int, float]]:
    """State KB and median step ms (handle and callback) at each checkpoint."""
    sizes, steps, window = {}, {}, []
    with bench.persisted_engine(url) as engine:
        driver = bench.PersistedDriver(engine)
        handle, _ = driver.start({"max_callback_rounds": rounds + 5})
        driver.complete(handle, "intake", bench.FORM_DATA["intake"])
        for round_ in range(1, rounds + 1):
            window.append(driver.complete(handle, "handle", bench.FORM_DATA["handle"]))
            window.append(driver.complete(handle, "callback", bench.DISSATISFIED))
            window = window[-20:]
            if round_ in CHECKPOINTS or round_ == rounds:
                sizes[round_] = driver.state_kb(handle)
                steps[round_] = statistics.median(window) * 1000
    return sizes, steps


def report(name: str, sizes: dict[int, float], steps: dict[int, float]) -> str:
    print(f"\n{name}: round, state KB, step ms (median of the last 10 rounds)")
    for round_ in sizes:
        print(f"  {round_:>4}  {sizes[round_]:8.1f}  {steps[round_]:7.2f}")
    last = max(sizes)
    ratio = steps[last] / steps[5]
    figures = f"kb_r5={sizes[5]:.1f} kb_r{last}={sizes[last]:.1f} step_ratio={ratio:.2f}"
    return f"STATE_AGE {name} {figures}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument(
        "--postgres", default=os.environ.get("ZONGZHI_BENCH_DATABASE_URL", bench.DEFAULT_POSTGRES)
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rounds = max(args.rounds, 5)
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        sizes, steps = run(f"sqlite:///{folder}/state_age.db", rounds)
        lines.append(report("sqlite", sizes, steps))
    if not args.no_postgres:
        with bench.postgres_database(args.postgres) as database:
            if database is not None:
                sizes, steps = run(database[0], rounds)
                lines.append(report("postgresql", sizes, steps))
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
