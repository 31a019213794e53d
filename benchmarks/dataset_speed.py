"""Labelled samples per second for the jacob0 dataset: our vectorised generator vs a per-sample RTB labeller.

Both label the same thing: an M3 arm and a random pose (shared/SOURCES.md §1) are drawn until the
pose is reachable with manipulability > 0.03, and the label is the world-frame Jacobian J0 there.
- ours: `jacobian_rrmc.dataset.generate("jacob0", N)` in one process (closed-form IK, batched).
- RTB: per candidate, build an `rtb.DHRobot`, run `ik_LM` (RTB defaults ilimit=30, slimit=100,
  joint_limits=False, q0 = 0), confirm with `fkine`, then `jacob0` and the Yoshikawa measure.
  Numerical IK labels differently near singularities and can miss solutions; this measures speed.

With --full-run it also times the whole paper-size set (Table I: 16 CSV files + npz copies,
`jacobian-rrmc generate --workers 2`) in a temporary directory, which it deletes afterwards.

Usage:
    PYTHONPATH=. python benchmarks/dataset_speed.py [--samples 200000] [--rtb-samples 100] [--full-run] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import roboticstoolbox as rtb

from jacobian_rrmc.dataset import PAPER_SIZES, generate, generate_many, random_kinematic_arms, random_poses
from jacobian_rrmc.dataset.reachability import MANIPULABILITY_CUTOFF
from jacobian_rrmc.ik import solve_ik
from jacobian_rrmc.machine import cpu_model
from jacobian_rrmc.robots import m3_parameters, random_m3_parameters


def time_ours(samples: int, seed: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) for `samples` jacob0 samples in one process."""
    generate("jacob0", 1000, seed + 1)  # load the compiled kernels first
    start, cpu = time.perf_counter(), time.process_time()
    generate("jacob0", samples, seed)
    return time.perf_counter() - start, time.process_time() - cpu


def time_ours_parallel(samples: int, seed: int, workers: int) -> float:
    start = time.perf_counter()
    generate_many([("jacob0", "train", samples)], seed, workers=workers)
    return time.perf_counter() - start


def time_ik(batch: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    arms = m3_parameters(**random_m3_parameters(rng, batch))
    poses, _ = random_poses(rng, batch)
    solve_ik(arms, poses)  # warm-up
    start = time.perf_counter()
    solve_ik(arms, poses)
    return time.perf_counter() - start


def time_rtb(samples: int, seed: int) -> tuple[float, float, int]:
    """(wall s, CPU s, candidates tried) to label `samples` jacob0 samples one candidate at a time."""
    rng = np.random.default_rng(seed)
    candidates = 0
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(samples):
        while True:
            candidates += 1
            arms, _ = random_kinematic_arms(rng, 1)
            pose = random_poses(rng, 1)[0][0]
            links = zip(arms.d[0], arms.a[0], arms.alpha[0], strict=True)
            robot = rtb.DHRobot([rtb.RevoluteDH(d=d, a=a, alpha=al) for d, a, al in links])
            solution = robot.ik_LM(pose, q0=np.zeros(6), ilimit=30, slimit=100, joint_limits=False)
            if not solution.success or np.abs(robot.fkine(solution.q).A - pose).max() > 2e-3:
                continue
            jacobian = robot.jacob0(solution.q)
            if np.sqrt(max(np.linalg.det(jacobian @ jacobian.T), 0.0)) > MANIPULABILITY_CUTOFF:
                break
    return time.perf_counter() - start, time.process_time() - cpu, candidates


def time_full_run() -> tuple[float, int, str]:
    """(wall seconds, bytes written, command) of the paper-size `generate --workers 2` run."""
    out = Path(tempfile.mkdtemp(prefix="m3_full_"))
    command = [
        sys.executable,
        "-m",
        "jacobian_rrmc.cli.main",
        "generate",
        "--out",
        str(out),
        "--workers",
        "2",
        "--quiet",
    ]
    try:
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        size = sum(f.stat().st_size for f in out.iterdir())
    finally:
        shutil.rmtree(out)
    return seconds, size, "jacobian-rrmc generate --out DIR --workers 2"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200_000, help="jacob0 samples for our generator")
    parser.add_argument("--rtb-samples", type=int, default=100, help="jacob0 samples for the RTB labeller")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--full-run", action="store_true", help="also time the full paper-size CLI run")
    parser.add_argument("--out", type=Path, help="also write the results as Markdown to this file")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    ours, ours_cpu = time_ours(args.samples, args.seed)
    ik_batch = 100_000
    ik = time_ik(ik_batch, args.seed)
    parallel = time_ours_parallel(args.samples, args.seed, workers=2)
    rtb_seconds, rtb_cpu, rtb_candidates = time_rtb(args.rtb_samples, args.seed)
    full = time_full_run() if args.full_run else None
    load_after = os.getloadavg()[0]

    def row(name, samples, wall, cpu):
        cpu_text = f"{samples / cpu:,.1f}" if cpu else "–"
        return (
            f"| {name} | {samples} | {wall:.2f} | {samples / wall:,.1f} | {cpu_text} | {1e6 * wall / samples:,.1f} µs |"
        )

    command = shlex.join(["python", *sys.argv])
    lines = [
        "# jacob0 dataset labelling speed",
        "",
        f"Command: `PYTHONPATH=. {command}`",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, numpy {np.__version__}, roboticstoolbox {rtb.__version__}; "
        f"1-min load average {load_before:.2f} before, {load_after:.2f} after (other jobs share the cores, so "
        "the per-CPU-second rate, from this process's CPU time, is the fairer single-core figure).",
        "",
        "| labeller | samples | wall s | samples/s (wall) | samples per CPU-second | wall per sample |",
        "|---|---|---|---|---|---|",
        row("ours, 1 process (`generate('jacob0')`)", args.samples, ours, ours_cpu),
        row("ours, 2 worker processes", args.samples, parallel, None),
        row("RTB per sample (`ik_LM` + `jacob0`)", args.rtb_samples, rtb_seconds, rtb_cpu),
        "",
        f"Speed-up per CPU-second: {(args.samples / ours_cpu) / (args.rtb_samples / rtb_cpu):,.0f}×. RTB tried "
        f"{rtb_candidates} candidate (arm, pose) pairs for {args.rtb_samples} samples "
        f"({rtb_candidates / args.rtb_samples:.1f} per sample).",
        f"Closed-form IK alone (all 8 branches, one M3 arm per pose): {ik_batch} poses in {ik:.3f} s wall = "
        f"{ik_batch / ik:,.0f} poses/s.",
    ]
    if full:
        seconds, size, full_command = full
        rows = sum(PAPER_SIZES[kind][0] + PAPER_SIZES[kind][1] for kind in PAPER_SIZES)
        lines.append(
            f"Full paper-size set (`{full_command}`: {rows:,} samples, 16 CSV files + 8 npz + metadata, "
            f"{size / 1e9:.2f} GB): {seconds:.1f} s wall."
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
