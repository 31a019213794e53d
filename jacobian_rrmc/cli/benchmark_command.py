"""`jacobian-rrmc benchmark`: the paper's Tables VI and VII, the per-robot nets, the feature ablation and
the optimiser comparison, written as markdown under benchmarks/results/ (+ JSON, + PNG in docs/)."""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

from tqdm import tqdm

from jacobian_rrmc.cli.main import UsageError
from jacobian_rrmc.cli.parsing import command_line
from jacobian_rrmc.machine import machine_summary

PER_ROBOT = ("puma560", "sixi2")


def register(subparsers) -> None:
    parser = subparsers.add_parser("benchmark", help="JacobianNet vs baselines and exact methods (paper tables)")
    parser.add_argument("--models", default=None, help="directory with the ONNX models (default: the packaged models/)")
    parser.add_argument("--out", default="benchmarks/results", help="directory for the markdown/JSON results")
    parser.add_argument("--docs", default="docs", help="directory for the optimiser-comparison PNG")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train-samples", type=int, default=50000, help="training rows for the baselines")
    parser.add_argument("--robot-samples", type=int, default=20000, help="test configurations per robot net")
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=("tables", "robots", "ablation", "optimisers"),
        help="parts to leave out",
    )
    parser.add_argument("--ablation-samples", type=int, default=60000)
    parser.add_argument("--optimiser-samples", type=int, default=30000)
    parser.add_argument("--optimiser-epochs", type=int, default=15)
    parser.set_defaults(handler=run, parser=parser)


def _fmt(value, digits=4) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.1e}"
    return str(value)


def _seconds(value) -> str:
    return "–" if value is None else f"{value:.1e} s"


def run(args) -> int:
    try:
        import sklearn  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        raise UsageError("the benchmark needs the train extra: pip install 'jacobian_rrmc[train]'") from None
    from jacobian_rrmc.share import share_path

    models = Path(args.models) if args.models else share_path("models")
    out, docs = Path(args.out), Path(args.docs)
    out.mkdir(parents=True, exist_ok=True)
    command = command_line(args)
    header = (
        f"Command: `{command}`  \nMachine: {machine_summary()}, Python "
        f"{platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; seed {args.seed}\n"
    )
    bar = tqdm(desc="benchmark", unit="step")
    step = lambda name: bar.set_postfix_str(name[:40]) or bar.update()  # noqa: E731
    results = {}
    if "tables" not in args.skip:
        results["table_vi"], results["table_vii"] = _tables(models, args, step)
        _write(out / "table_vi_confidence.md", header, _table_vi(results["table_vi"]))
        _write(out / "table_vii_estimation.md", header, _table_vii(results["table_vii"]))
    if "robots" not in args.skip:
        results["robots"] = _robots(models, args, step)
        _write(out / "per_robot_nets.md", header, _robot_table(results["robots"]))
    if "ablation" not in args.skip:
        from jacobian_rrmc.learn.ablation import feature_ablation

        results["ablation"] = feature_ablation(args.ablation_samples, 2000, args.seed, progress=step)
        _write(out / "ablation.md", header, _ablation_table(results["ablation"]))
    if "optimisers" not in args.skip:
        from jacobian_rrmc.learn.ablation import optimiser_comparison
        from jacobian_rrmc.learn.plots import plot_optimiser_comparison

        curves = optimiser_comparison(args.optimiser_samples, args.optimiser_epochs, args.seed, progress=step)
        results["optimisers"] = curves
        for task, label in (("confidence", "validation BCE"), ("estimation", "validation MSE (scaled J0)")):
            plot_optimiser_comparison(
                curves[task], docs / f"optimiser_comparison_{task}.png", f"{task} net: optimiser comparison", label
            )
    bar.close()
    for part, values in results.items():  # one JSON per part, so parts can be re-run separately
        (out / f"benchmark_{part}.json").write_text(
            json.dumps({"command": command, part: values}, indent=1, default=str)
        )
    print(f"wrote {out}/*.md and benchmark_*.json" + ("" if "optimisers" in args.skip else f", {docs}/*.png"))
    return 0


def _write(path: Path, header: str, body: str) -> None:
    path.write_text(header + "\n" + body)
    print(body)


def _model(models: Path, name: str) -> Path:
    path = models / name
    if not path.is_file():
        raise UsageError(f"model {path} not found (train it first, see models/MODEL_CARD.md)")
    return path


def _tables(models, args, step):
    from jacobian_rrmc.learn.benchmark import confidence_benchmark, estimation_benchmark

    vi = confidence_benchmark(_model(models, "m3_confidence.onnx"), args.train_samples, args.seed, step)
    pose_only = models / "m3_jacob0_pose_only.onnx"
    estimation_models = [_model(models, "m3_jacob0.onnx")] + ([pose_only] if pose_only.is_file() else [])
    vii = estimation_benchmark(estimation_models, args.train_samples, args.seed, step)
    return vi, vii


def _robots(models, args, step):
    from jacobian_rrmc.learn.benchmark import robot_benchmark
    from jacobian_rrmc.robots import load_robot

    rows = []
    for name in PER_ROBOT:
        rows.append(
            robot_benchmark(
                _model(models, f"{name}_jacobian.onnx"), load_robot(name), args.robot_samples, args.seed + 2000
            )
        )
        step(name)
    return rows


def _table_vi(result) -> str:
    large = result["large_test"]
    lines = [
        f"## Table VI — confidence net (reachability), M3 test set of {result['test_samples']} poses "
        f"({100 * result['positive_fraction']:.1f} % reachable)\n",
        "| Method | JSC | 0-1 loss | Prec. | Rec. | MCC | Avg. time (batch) | Batch-1 latency | Train samples |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['method']} | {_fmt(row['jsc'])} | {_fmt(row['zero_one_loss'])} | "
            f"{_fmt(row['precision'], 3)} | {_fmt(row['recall'], 3)} | {_fmt(row['mcc'])} | "
            f"{_seconds(row['seconds_per_sample'])} | {_seconds(row.get('batch1_seconds'))} | "
            f"{_fmt(row.get('train_samples'))} |"
        )
    lines += [
        "",
        "JSC = accuracy (the paper's Jaccard similarity score, see learn/metrics.py). Baselines use the "
        "24 raw M3 columns, standardised; SVM (RBF/sigmoid) trained on 5000 rows and the Gaussian process on "
        "1500 (subsamples, so the benchmark finishes in minutes); the others on the 'Train samples' column.",
        f"Our net on a larger fresh set ({large['samples']} poses, seed {large['seed']}): "
        + ", ".join(f"MCC {large[f'threshold_{t:g}']['mcc']:.4f} at {t:g}" for t in _thresholds(large))
        + " — the 3000-pose table pins the MCC only to about ±0.005. "
        + _misclassified(large["misclassified_best_manipulability"]),
        "Paper (their test set): NN 0.970 MCC at threshold .75; best baseline LightGBM 0.906; "
        "analytic IK (MATLAB ikine6s) 0.0598 s per pose.",
        "",
    ]
    return "\n".join(lines)


def _thresholds(metrics: dict) -> list[float]:
    """The confidence thresholds a result holds metrics for (its "threshold_<t>" keys)."""
    return [float(key.removeprefix("threshold_")) for key in metrics if key.startswith("threshold_")]


def _misclassified(best: list[float]) -> str:
    """Where the net's errors on the large set lie, against the label's manipulability cutoff."""
    from jacobian_rrmc.dataset.reachability import MANIPULABILITY_CUTOFF  # the CLI starts without the dataset code

    reach = [value for value in best if value != float("-inf")]
    if not best:
        return "It misclassifies none of them at 0.5."
    text = f"Its {len(best)} misclassified poses at 0.5 have best-branch manipulability "
    text += f"{min(reach):.4f}–{max(reach):.4f} (label cutoff {MANIPULABILITY_CUTOFF})" if reach else "undefined"
    return text + (f"; {len(best) - len(reach)} are out of reach." if len(reach) < len(best) else ".")


def _table_vii(result) -> str:
    lines = [
        f"## Table VII — estimation net (world-frame J0), M3 test set of {result['test_samples']} reachable poses\n",
        "| Method | MAE | MSE | EVS | R² | Avg. time (batch) | Batch-1 latency | Train samples |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in result["rows"]:
        lines.append(
            f"| {row['method']} | {_fmt(row.get('mae'))} | {_fmt(row.get('mse'))} | {_fmt(row.get('evs'))} | "
            f"{_fmt(row.get('r2'))} | {_seconds(row['seconds_per_sample'])} | "
            f"{_seconds(row.get('batch1_seconds'))} | {_fmt(row.get('train_samples'))} |"
        )
    net = result["rows"][0]
    lines += [
        "",
        f"Metrics on targets min-max scaled to [−1, 1] with the training ranges, over the "
        f"{net['columns']} entries of J0 that are not constant (sklearn uniform average). Our net's median "
        f"relative Frobenius error ‖Ĵ−J‖/‖J‖ (SI): {100 * net['median_relative_frobenius_error']:.2f} %. "
        "Gaussian process trained on 1500 rows. Paper: NN R² 0.8787, MAE 0.0658.",
        "",
    ]
    return "\n".join(lines)


def _robot_table(rows) -> str:
    lines = [
        "## Per-robot nets (q → J0) on fresh random in-limit configurations\n",
        "| Robot | Test q | Median ‖Ĵ−J‖F/‖J‖F | p95 | Max | Confident (≥ 0.5) | Net batch-1 | Learned source "
        "batch-1 along a path (FK + gate + net + secant correction) | Analytic batch-1 | Central FD batch-1 | "
        "Net batched | Analytic batched | Model size |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['robot']} | {r['test_samples']} | {100 * r['median_relative_frobenius_error']:.3f} % | "
            f"{100 * r['p95_relative_frobenius_error']:.3f} % | {100 * r['max_relative_frobenius_error']:.2f} % | "
            f"{100 * r['fraction_confident']:.1f} % | {1e6 * r['net_batch1_seconds']:.1f} µs | "
            f"{1e6 * r['learned_source_batch1_seconds']:.1f} µs | {1e6 * r['analytic_source_batch1_seconds']:.1f} µs | "
            f"{1e6 * r['finite_difference_batch1_seconds']:.1f} µs | {r['net_batched_samples_per_second']:.3g}/s | "
            f"{r['analytic_batched_samples_per_second']:.3g}/s | {r['model_bytes'] / 1e6:.2f} MB |"
        )
    lines += [
        "",
        "Batch-1 = median of 2000 single calls, onnxruntime with one intra-op and one inter-op thread, "
        "sequential execution; 'net' includes the in-graph feature preparation (sin/cos, standardisation, "
        "de-scaling, joint-1 rotation). Batched = one call on all test configurations.",
        "",
    ]
    return "\n".join(lines)


ABLATION_TABLES = (  # task, heading after the kind, metric columns (header, result key)
    ("estimation", ", same net and epochs per row", (("R²", "r2"), ("MAE", "mae"), ("MSE", "mse"))),
    ("confidence", "", (("Accuracy", "accuracy"), ("MCC", "mcc"))),
)


def _ablation_table(result) -> str:
    lines = []
    for task, note, columns in ABLATION_TABLES:
        part = result[task]
        lines += [
            *([""] if lines else []),
            f"## Feature ablation — {task} ({part['kind']}), {part['train_samples']} training / "
            f"{part['test_samples']} test samples{note}\n",
            "| Variant (cumulative) | Input features | " + " | ".join(header for header, _ in columns) + " |",
            "|---|---|" + "---|" * len(columns),
        ]
        for r in part["rows"]:
            cells = " | ".join(_fmt(r[key]) for _, key in columns)
            lines.append(f"| {r['variant']} | {r['features']} | {cells} |")
    lines += [
        "",
        "(a) IK branch, (b) continuous rotation encoding, (c) dynamics columns dropped — the issue's three "
        "changes; the reach row adds |p|, shoulder distance, forearm length, reach margins and the "
        "position-only factors of |det J| (a2 · elbow term · arm-plane radius).",
        "",
    ]
    return "\n".join(lines)
