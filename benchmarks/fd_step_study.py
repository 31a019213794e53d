"""Finite-difference Jacobian error against step size, forward and central, for the PUMA 560 and Sixi 2.

For each step h (log-spaced, radians) and scheme, the error is the largest absolute difference
between the finite-difference and the analytic world-frame Jacobian over random configurations
within the joint limits. Truncation error falls as h (forward) or h² (central) while round-off
grows as ε/h, so each scheme has a best step. Marked on the plot: the Sixi blog's choice
(forward, 0.5°) and our default (central, 1e-5 rad).

    PYTHONPATH=. python benchmarks/fd_step_study.py

prints the table, writes it to benchmarks/results/fd_step_study.txt and the plot to docs/fd_step_study.png.
"""

import argparse
import shlex
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

from jacobian_rrmc.kinematics import finite_difference_jacobian, jacobian_world  # noqa: E402
from jacobian_rrmc.kinematics.finite_difference import DEFAULT_STEP  # noqa: E402
from jacobian_rrmc.robots import load_robot  # noqa: E402

ROBOTS = ("puma560", "sixi2")
SCHEMES = ("forward", "central")
SIXI_STEP = np.deg2rad(0.5)
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "fd_step_study.png"


def step_errors(robot, q: np.ndarray, steps: np.ndarray, scheme: str) -> np.ndarray:
    """Max |J_fd − J| over all configurations and entries, for each step (m/s or rad/s per rad/s)."""
    analytic = jacobian_world(robot, q)
    return np.array(
        [np.abs(finite_difference_jacobian(robot, q, step=h, scheme=scheme)[1] - analytic).max() for h in steps]
    )


def mark_step(axes, step: float, error: float, label: str, colour: str, marker: str, text_at) -> None:
    """A vertical line at `step`, a marker at its error and an annotation arrow from `text_at`."""
    axes.axvline(step, color=colour, lw=0.8, alpha=0.6)
    axes.plot([step], [error], marker, color=colour, ms=8, zorder=5)
    axes.annotate(
        label, xy=(step, error), xytext=text_at, arrowprops={"arrowstyle": "->", "color": colour}, color=colour
    )


def plot(steps, errors, marks, command: str, output: Path) -> None:
    figure, axes = plt.subplots(figsize=(9, 6), dpi=120)
    styles = {"forward": "--", "central": "-"}
    colours = {"puma560": "tab:blue", "sixi2": "tab:orange"}
    for (robot, scheme), error in errors.items():
        axes.loglog(steps, error, styles[scheme], color=colours[robot], label=f"{robot}, {scheme}")
    sixi_error, default_error = marks
    label = f"Sixi blog: forward, h = 0.5° = {SIXI_STEP:.2e} rad\nmax error {sixi_error:.1e}"
    mark_step(axes, SIXI_STEP, sixi_error, label, "tab:red", "o", (1e-9, 3e-2))
    label = f"default: central, h = {DEFAULT_STEP:.0e} rad\nmax error {default_error:.1e}"
    mark_step(axes, DEFAULT_STEP, default_error, label, "tab:green", "s", (1e-11, 1e-11))
    axes.set_ylim(1e-12, 1.0)
    axes.set_xlabel("finite-difference step h (rad)")
    axes.set_ylabel("max |J_fd − J_analytic| (m/s or rad/s per rad/s)")
    axes.set_title("Finite-difference Jacobian error vs step (world frame, PUMA 560 and Sixi 2)")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(loc="lower right")
    figure.text(0.01, 0.01, f"regenerate: {command}", fontsize=7, color="0.4")
    figure.tight_layout(rect=(0, 0.03, 1, 1))
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output)
    plt.close(figure)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=200, help="random configurations per robot")
    parser.add_argument("--points", type=int, default=45, help="step sizes between 1e-12 and 1e-1 rad")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--table", type=Path, default=Path(__file__).resolve().parent / "results" / "fd_step_study.txt")
    args = parser.parse_args(argv)
    options = sys.argv[1:] if argv is None else argv
    command = " ".join(["PYTHONPATH=. python benchmarks/fd_step_study.py", shlex.join(options)]).strip()

    steps = np.logspace(-12, -1, args.points)
    rng = np.random.default_rng(args.seed)
    errors, configurations = {}, {}
    for name in ROBOTS:
        robot = load_robot(name)
        configurations[name] = (robot, robot.random_configurations(args.configs, rng))
    for name, scheme in tqdm([(r, s) for r in ROBOTS for s in SCHEMES], desc="robot × scheme", file=sys.stderr):
        robot, q = configurations[name]
        errors[name, scheme] = step_errors(robot, q, steps, scheme)

    def worst(scheme: str, step: float) -> float:
        return max(float(step_errors(robot, q, np.array([step]), scheme)[0]) for robot, q in configurations.values())

    marks = (worst("forward", SIXI_STEP), worst("central", DEFAULT_STEP))

    header = " ".join(f"{f'{r} {s}':>18}" for r, s in errors)
    lines = [
        f"# FD Jacobian error vs step ({args.configs} random configurations per robot, seed {args.seed})",
        f"# command: {command}",
        f"{'step (rad)':>10} {header}",
        *(f"{h:10.2e} " + " ".join(f"{errors[key][i]:18.3e}" for key in errors) for i, h in enumerate(steps)),
        "",
    ]
    for (name, scheme), error in errors.items():
        best = int(np.argmin(error))
        lines.append(f"best step {name:8} {scheme:8}: h = {steps[best]:.2e} rad, max error {error[best]:.2e}")
    lines.append(f"Sixi choice (forward, 0.5° = {SIXI_STEP:.3e} rad): max error {marks[0]:.2e}")
    lines.append(f"default (central, {DEFAULT_STEP:.0e} rad): max error {marks[1]:.2e}")
    print("\n".join(lines))
    args.table.write_text("\n".join(lines) + "\n")
    plot(steps, errors, marks, command, args.output)
    print(f"table written to {args.table}, plot to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
