"""Closed loop with each Jacobian source: repeated `jacobian-rrmc demo --json` runs per timing × robot × tilt × source.

Runs the ROS 2 demo (simulated arm + rrmc node over DDS, 20 s script: square, vertical line, roll
about the tool z axis, then a tilt about the tool x axis) `--repeats` times per (timing, robot, tilt,
source), each in its own subprocess, interleaving the sources within every repeat so slow drifts of the
machine's load hit all of them alike. Timing `lockstep` (the demo's default) makes a run independent of
the host's scheduling; `free` runs the sim arm and the node on their own timers, jitter included.

Reports per cell the median and the range (min–max over the repeats) of the RMS twist error, the issue's
ratio learned / analytic as a ratio of medians with the range of the per-repeat ratios, and next to it
the same ratio for the finite-difference source: its Jacobian is exact to ~1e-10, so FD / analytic shows
how far two equally exact sources differ by chance alone (the measurement's noise floor). Per-phase
medians say where the learned source loses or keeps up. Tilt 0 is the issue's own script (no tilt); the
default demo tilts by 30°.

    PYTHONPATH=. python benchmarks/closed_loop_sources.py [--timings lockstep,free] [--robots puma560,sixi2]
        [--tilts 0,30] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

from jacobian_rrmc.control import ControllerConfig, read_node_parameters, split_node_parameters  # noqa: E402
from jacobian_rrmc.machine import machine_summary  # noqa: E402

SOURCES = ("analytic", "finite_difference", "learned")
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_OUTPUT = RESULTS / "closed_loop_sources.md"
DEFAULT_PLOT = Path(__file__).resolve().parent.parent / "docs" / "closed_loop_sources.png"


def run_demo(timing: str, robot: str, source: str, duration: float, tilt_deg: float) -> dict:
    command = [sys.executable, "-m", "jacobian_rrmc.cli.main", "demo", "--robot", robot, "--jacobian", source]
    command += ["--duration", str(duration), "--tilt-deg", str(tilt_deg), "--timing", timing, "--json"]
    result = subprocess.run(command, capture_output=True, text=True, check=True, env=os.environ.copy())
    return json.loads(result.stdout.strip().splitlines()[-1])


def spread(values) -> str:
    """'median [min–max]' of a few values, 2 significant digits."""
    values = np.asarray(values, dtype=float)
    return f"{np.median(values):.2e} [{values.min():.1e}–{values.max():.1e}]"


def ratio_cell(runs: dict, source: str, axis: int) -> str:
    """Ratio of medians source / analytic on `axis` (0 linear, 1 angular), with the per-repeat ratios' range."""
    values = np.array([r["twist_error_rms"][axis] for r in runs[source]])
    reference = np.array([r["twist_error_rms"][axis] for r in runs["analytic"]])
    per_repeat = values / reference
    return f"{np.median(values) / np.median(reference):.2f} [{per_repeat.min():.2f}–{per_repeat.max():.2f}]"


def relative_to_speed(runs: list) -> str:
    """Median RMS twist error as a percentage of the commanded linear and angular speeds."""
    shares = [np.median([r["twist_error_rms"][axis] / r["commanded_speed"][axis] for r in runs]) for axis in (0, 1)]
    return f"{100 * shares[0]:.4f} %, {100 * shares[1]:.4f} %"


def tables(cells: dict) -> list[str]:
    """Markdown lines of the three tables from {(timing, robot, tilt): {source: [run summaries]}}."""
    errors = [
        "| timing | robot | tilt | source | RMS linear (m/s) | RMS angular (rad/s) | max linear (m/s) | "
        "max angular (rad/s) | rotation drift (mm) | fallback rate | loop (Hz) | period p99 (ms) | compute p99 (µs) |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ratios = [
        "| timing | robot | tilt | learned / analytic, linear | learned / analytic, angular | FD / analytic, linear | "
        "FD / analytic, angular | learned RMS / commanded speed (linear, angular) |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    phases = [
        "| timing | robot | tilt | phase | analytic linear | learned linear | analytic angular | learned angular |",
        "|---|---|---|---|---:|---:|---:|---:|",
    ]
    for (timing, robot, tilt), runs in cells.items():
        for source in SOURCES:
            rs = runs[source]
            errors.append(
                f"| {timing} | {robot} | {tilt:g}° | {source} | {spread([r['twist_error_rms'][0] for r in rs])} | "
                f"{spread([r['twist_error_rms'][1] for r in rs])} | {spread([r['twist_error_max'][0] for r in rs])} | "
                f"{spread([r['twist_error_max'][1] for r in rs])} | "
                f"{np.median([r['rotation_drift_m'] for r in rs]) * 1e3:.4f} | "
                f"{max(r['fallback_rate'] for r in rs):.3f} | {np.median([r['loop_rate_hz'] for r in rs]):.0f} | "
                f"{np.median([r['loop_period_p99_ms'] for r in rs]):.2f} | "
                f"{np.median([r['compute_p99_us'] for r in rs]):.0f} |"
            )
        ratios.append(
            f"| {timing} | {robot} | {tilt:g}° | {ratio_cell(runs, 'learned', 0)} | {ratio_cell(runs, 'learned', 1)} | "
            f"{ratio_cell(runs, 'finite_difference', 0)} | {ratio_cell(runs, 'finite_difference', 1)} | "
            f"{relative_to_speed(runs['learned'])} |"
        )
        for phase in runs["analytic"][0]["twist_error_rms_by_phase"]:
            if phase == "pause":
                continue
            median = {
                (source, axis): np.median([r["twist_error_rms_by_phase"][phase][axis] for r in runs[source]])
                for source in ("analytic", "learned")
                for axis in (0, 1)
            }
            phases.append(
                f"| {timing} | {robot} | {tilt:g}° | {phase} | {median['analytic', 0]:.1e} | "
                f"{median['learned', 0]:.1e} | {median['analytic', 1]:.1e} | {median['learned', 1]:.1e} |"
            )
    return [
        "RMS and max twist error per cell: median [min–max] over the repeats.",
        "",
        *errors,
        "",
        "RMS twist error relative to the analytic source: ratio of the medians [range of the per-repeat ratios]. "
        "Target for learned: ≤ 2. FD / analytic is the noise floor (two exact Jacobians).",
        "",
        *ratios,
        "",
        "Median RMS twist error per script phase (m/s, rad/s):",
        "",
        *phases,
    ]


def plot(cells: dict, path: Path, title: str) -> None:
    """RMS twist error per cell and source (bar = median, whisker = min–max over the repeats), log scale;
    one row of panels per timing."""
    timings = list(dict.fromkeys(timing for timing, _, _ in cells))
    figure, axes = plt.subplots(len(timings), 2, figsize=(12, 4.2 * len(timings)), constrained_layout=True,
                                squeeze=False)  # fmt: skip
    width = 0.8 / len(SOURCES)
    for row, timing in zip(axes, timings, strict=True):
        chosen = {(robot, tilt): runs for (t, robot, tilt), runs in cells.items() if t == timing}
        labels = [f"{robot}\ntilt {tilt:g}°" for robot, tilt in chosen]
        for axis, (ax, unit) in enumerate(zip(row, ("linear (m/s)", "angular (rad/s)"), strict=True)):
            for i, source in enumerate(SOURCES):
                values = [np.array([r["twist_error_rms"][axis] for r in runs[source]]) for runs in chosen.values()]
                medians = np.array([np.median(v) for v in values])
                whiskers = np.array([[m - v.min() for m, v in zip(medians, values, strict=True)],
                                     [v.max() - m for m, v in zip(medians, values, strict=True)]])  # fmt: skip
                x = np.arange(len(chosen)) + (i - (len(SOURCES) - 1) / 2) * width
                ax.bar(x, medians, width, yerr=whiskers, capsize=3, label=source)
            ax.set_yscale("log")
            ax.set_xticks(np.arange(len(chosen)), labels)
            ax.set_ylabel(f"RMS twist error, {unit}")
            ax.set_title(f"{timing} timing", fontsize=9)
            ax.grid(axis="y", which="both", alpha=0.3)
    axes[0][0].legend()
    figure.suptitle(title, fontsize=9)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timings", default="lockstep,free", help="demo timings (lockstep, free)")
    parser.add_argument("--robots", default="puma560,sixi2")
    parser.add_argument("--tilts", default="0,30", help="tilt angles about tool x in degrees (0 = no tilt)")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--repeats", type=int, default=3, help="demo runs per (timing, robot, tilt, source)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--plot", type=Path, default=DEFAULT_PLOT)
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    load_before = machine_summary()
    controller_parameters, node_parameters = split_node_parameters(read_node_parameters())
    config = ControllerConfig.from_mapping(controller_parameters)
    combos = [
        (timing, robot, float(tilt))
        for timing in args.timings.split(",")
        for robot in args.robots.split(",")
        for tilt in args.tilts.split(",")
    ]
    cells = {combo: {source: [] for source in SOURCES} for combo in combos}
    started = time.monotonic()
    with tqdm(total=args.repeats * len(combos) * len(SOURCES), unit="run", desc="demo runs") as bar:
        for _ in range(args.repeats):
            for timing, robot, tilt in combos:
                for source in SOURCES:
                    cells[timing, robot, tilt][source].append(run_demo(timing, robot, source, args.duration, tilt))
                    bar.update()
    minutes = (time.monotonic() - started) / 60.0
    command = shlex.join(["python", *sys.argv])
    lines = [
        "# Closed loop with each Jacobian source (`jacobian-rrmc demo`)",
        "",
        f"- command: `PYTHONPATH=. {command}` ({minutes:.1f} min)",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- machine at the start: {load_before}",
        f"- machine at the end: {machine_summary()}",
        f"- each run: `jacobian-rrmc demo --robot ROBOT --jacobian SOURCE --duration {args.duration:g} --tilt-deg TILT "
        f"--timing TIMING --json`, {args.repeats} runs per cell, sources interleaved; controller from config/rrmc.yaml "
        f"({config.control_rate:g} Hz, drift_gain {config.drift_gain:g} 1/s; learned source with "
        f"secant_correction {str(node_parameters['secant_correction']).lower()})",
        "- twist error: finite difference of FK over consecutive sim joint_states over their header stamps (the "
        "twist the sim arm executed) vs the script's commanded twist, 0.1 s after each commanded step excluded; "
        "drift = largest tool-point displacement during the pure rotations",
        "",
        *tables(cells),
        "",
    ]
    args.out.write_text("\n".join(lines))
    raw = args.out.with_suffix(".json")
    raw.write_text(json.dumps({f"{timing} {robot} {tilt:g}": runs for (timing, robot, tilt), runs in cells.items()},
                              indent=1))  # fmt: skip
    plot(cells, args.plot, f"Closed-loop RMS twist error per Jacobian source, median and range of {args.repeats} runs "
         f"— made by: PYTHONPATH=. {command}")  # fmt: skip
    print("\n".join(lines))
    print(f"written to {args.out}, {raw} and {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
