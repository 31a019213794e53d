"""The demo's PNG: tool path (commanded vs actual, top and side views) and joint velocities over time."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display needed; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_demo(path, title: str, actual, commanded, command_times, joint_velocity, joint_names) -> None:
    """Write the figure to `path`.

    Args:
        actual, commanded: (K, 3) tool positions during the script, metres, base frame.
        command_times: (M,) s; joint_velocity: (M, N) rad/s commanded by the controller.
    """
    figure = plt.figure(figsize=(13, 4.6), layout="constrained")
    top, side, joints = figure.subplots(1, 3, width_ratios=(1, 1, 1.6))
    for axis, (i, j), view in ((top, (0, 1), "top view"), (side, (0, 2), "side view")):
        axis.plot(1e3 * commanded[:, i], 1e3 * commanded[:, j], "--", color="0.4", lw=1.5, label="commanded")
        axis.plot(1e3 * actual[:, i], 1e3 * actual[:, j], color="tab:blue", lw=1.0, label="actual (FK of joint_states)")
        axis.plot(1e3 * actual[0, i], 1e3 * actual[0, j], "o", color="tab:green", label="start")
        axis.set_xlabel(f"{'xyz'[i]} [mm]")
        axis.set_ylabel(f"{'xyz'[j]} [mm]")
        axis.set_title(f"tool point, {view} (base frame)")
        axis.set_aspect("equal", adjustable="datalim")
        axis.grid(alpha=0.3)
    top.legend(loc="best", fontsize=8)
    for k, name in enumerate(joint_names):
        joints.plot(command_times, np.asarray(joint_velocity)[:, k], lw=1.0, label=name)
    joints.set_xlabel("time since script start [s]")
    joints.set_ylabel("commanded joint velocity [rad/s]")
    joints.set_title("controller output")
    joints.grid(alpha=0.3)
    low, high = joints.get_ylim()
    joints.set_ylim(low, high + 0.35 * (high - low))  # headroom for the legend
    joints.legend(loc="upper center", fontsize=8, ncols=3)
    figure.suptitle(title)
    figure.savefig(path, dpi=110)
    plt.close(figure)
