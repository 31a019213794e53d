"""Jacobian speed on one core: our analytic and finite-difference Jacobians against roboticstoolbox.

Measures, in one run on this machine, for the PUMA 560:
- per-call latency (median and p99 over many single-configuration calls, µs) of our analytic
  `jacobian_world`, our central finite-difference Jacobian, RTB `DHRobot.jacob0`
  (`rtb.models.DH.Puma560`) and RTB `ERobot.jacob0` (`rtb.models.URDF.Puma560`, C-backed);
- batched throughput (Jacobians/s at a batch of 1e5, best of several runs) of analytic and FD;
and prints PASS/MISS for the targets: single-call analytic ≤ 10 µs, batched ≥ 2 M Jacobians/s.

The process is pinned to one core and every thread pool to one thread, so the numbers are
single-core numbers. Run from the repository root:

    PYTHONPATH=. python benchmarks/jacobian_speed.py

The markdown table is printed and written to benchmarks/results/jacobian_speed.md.
"""

import os

# Thread pools read these when numpy/numba load, so they are set before the imports below.
for _variable in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numba  # noqa: E402
import numpy as np  # noqa: E402
import roboticstoolbox as rtb  # noqa: E402
from tqdm import tqdm  # noqa: E402

from jacobian_rrmc.kinematics import finite_difference_jacobian, jacobian_world  # noqa: E402
from jacobian_rrmc.machine import machine_summary  # noqa: E402
from jacobian_rrmc.robots import load_robot  # noqa: E402

SINGLE_CALL_TARGET_US = 10.0
BATCH_TARGET_PER_S = 2e6
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results" / "jacobian_speed.md"


def latency_us(function, configurations: np.ndarray, calls: int) -> tuple[float, float]:
    """Median and 99th percentile of the wall time of single calls, cycling through configurations."""
    for q in configurations[:20]:
        function(q)  # warm up: JIT compilation, caches
    times = np.empty(calls)
    count = len(configurations)
    clock = time.perf_counter_ns
    for i in range(calls):
        q = configurations[i % count]
        start = clock()
        function(q)
        times[i] = clock() - start
    return float(np.median(times)) / 1e3, float(np.percentile(times, 99)) / 1e3


def throughput_per_s(function, batch: np.ndarray, repeats: int) -> float:
    """Jacobians per second of one batched call, best of `repeats` runs."""
    function(batch[:10])
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        function(batch)
        best = min(best, time.perf_counter() - start)
    return len(batch) / best


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--core", type=int, default=0, help="CPU core to pin to (default 0)")
    parser.add_argument("--calls", type=int, default=20000, help="timed single calls of the fast methods")
    parser.add_argument("--slow-calls", type=int, default=2000, help="timed single calls of RTB DHRobot.jacob0")
    parser.add_argument("--batch", type=int, default=100_000, help="batch size for throughput")
    parser.add_argument("--repeats", type=int, default=7, help="batched runs; the best is reported")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    os.sched_setaffinity(0, {args.core})
    robot = load_robot("puma560")
    rng = np.random.default_rng(args.seed)
    configurations = robot.random_configurations(1000, rng)
    batch = robot.random_configurations(args.batch, rng)
    dh_puma = rtb.models.DH.Puma560()
    urdf_puma = rtb.models.URDF.Puma560()

    latency_cases = [
        ("jacobian_rrmc analytic `jacobian_world`", lambda q: jacobian_world(robot, q), args.calls),
        ("jacobian_rrmc central FD (h = 1e-5)", lambda q: finite_difference_jacobian(robot, q)[1], args.calls),
        ("RTB `DHRobot.jacob0` (models.DH.Puma560)", dh_puma.jacob0, args.slow_calls),
        ("RTB `ERobot.jacob0` (models.URDF.Puma560, C)", urdf_puma.jacob0, args.calls),
    ]
    batch_cases = [
        ("jacobian_rrmc analytic, batched", lambda q: jacobian_world(robot, q)),
        ("jacobian_rrmc central FD, batched", lambda q: finite_difference_jacobian(robot, q)[1]),
    ]
    latencies, throughputs = {}, {}
    with tqdm(total=len(latency_cases) + len(batch_cases), desc="benchmarks", file=sys.stderr) as progress:
        for name, function, calls in latency_cases:
            progress.set_postfix_str(name)
            latencies[name] = (*latency_us(function, configurations, calls), calls)
            progress.update()
        for name, function in batch_cases:
            progress.set_postfix_str(name)
            throughputs[name] = throughput_per_s(function, batch, args.repeats)
            progress.update()

    analytic_median = latencies[latency_cases[0][0]][0]
    analytic_batched = throughputs[batch_cases[0][0]]
    options = sys.argv[1:] if argv is None else argv
    command = " ".join(["PYTHONPATH=. python benchmarks/jacobian_speed.py", shlex.join(options)]).strip()
    lines = [
        "# Jacobian speed (PUMA 560, 6 joints)",
        "",
        f"- command: `{command}`",
        f"- date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {machine_summary()}; pinned to core {args.core}, NUMBA/OMP/OPENBLAS/MKL threads = 1",
        f"- software: Python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
        f"roboticstoolbox-python {rtb.__version__}",
        "",
        "## Single-configuration latency",
        "",
        "| method | median (µs) | p99 (µs) | timed calls |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {name} | {median:.2f} | {p99:.2f} | {calls} |" for name, (median, p99, calls) in latencies.items()]
    lines += [
        "",
        f"## Batched throughput (batch {args.batch}, best of {args.repeats})",
        "",
        "| method | Jacobians/s | µs per Jacobian |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {rate:,.0f} | {1e6 / rate:.3f} |" for name, rate in throughputs.items()]
    lines += [
        "",
        "## Targets",
        "",
        f"- single-call analytic median ≤ {SINGLE_CALL_TARGET_US:.0f} µs: {analytic_median:.2f} µs → "
        f"**{verdict(analytic_median <= SINGLE_CALL_TARGET_US)}**",
        f"- batched analytic ≥ {BATCH_TARGET_PER_S / 1e6:.0f} M Jacobians/s: {analytic_batched / 1e6:.2f} M/s → "
        f"**{verdict(analytic_batched >= BATCH_TARGET_PER_S)}**",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(f"written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
