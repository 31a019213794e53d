"""Training-curve and optimiser-comparison figures (matplotlib, Agg backend; PNG files)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot_training_curves(history: list[dict], path: Path, title: str) -> None:
    """Loss per epoch (log scale) for each head; validation median relative error when present."""
    has_error = any("val_median_relative_error" in h for h in history)
    fig, axes = plt.subplots(
        1, 2 if has_error else 1, figsize=(11 if has_error else 6, 4), squeeze=False, layout="constrained"
    )
    ax = axes[0, 0]
    for key, label in (("val_estimation_loss", "validation MSE (scaled J)"),
                       ("val_confidence_loss", "validation BCE (confidence)")):  # fmt: skip
        points = [(h["epoch"], h[key]) for h in history if key in h]
        if points:
            ax.plot(*zip(*points, strict=True), label=label)
    train = {"estimation": [], "confidence": [], "confidence_only": []}
    for h in history:
        train[h["phase"]].append((h["epoch"], h["train_loss"]))
    for phase, points in train.items():
        if points:
            ax.plot(*zip(*points, strict=True), ".", label=f"train loss ({phase} phase)", alpha=0.6)
    ax.set(yscale="log", xlabel="epoch", ylabel="loss", title=title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    if has_error:
        ax = axes[0, 1]
        points = [(h["epoch"], 100 * h["val_median_relative_error"]) for h in history]
        ax.plot(*zip(*points, strict=True))
        ax.axhline(1.0, color="r", linestyle="--", label="1 % target")
        ax.set(yscale="log", xlabel="epoch", ylabel="median ‖Ĵ−J‖F/‖J‖F (%)", title="validation error")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_optimiser_comparison(curves: dict[str, list[float]], path: Path, title: str, ylabel: str) -> None:
    """One validation-loss curve per optimiser."""
    fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
    for name, values in curves.items():
        ax.plot(range(1, len(values) + 1), values, label=name)
    ax.set(yscale="log", xlabel="epoch", ylabel=ylabel, title=title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
