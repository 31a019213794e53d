"""Where a shipped model's batch-1 time goes: graph operations (feature preparation vs dense net) and latency.

onnxruntime runs a graph operation by operation, and at batch size 1 each costs a roughly fixed
overhead, so the operation count after onnxruntime's own graph optimisation sets most of the latency.
For each model in models/ this counts the operations of the optimised graph, split into the dense net
(`/inner/net/…` nodes of the export) and everything else (feature preparation, frame rotation, sigmoid), and
times single calls (median of 5000, one thread, sequential; inputs inside the training ranges), in
three rounds over all models, reporting each model's best round (a process's first timings run slow).

    PYTHONPATH=. python benchmarks/onnx_graph_cost.py [--out benchmarks/results/onnx_graph_cost.md]
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort

from jacobian_rrmc.learn.runtime import JacobianNetRuntime
from jacobian_rrmc.learn.timing import median_call_seconds
from jacobian_rrmc.machine import machine_summary

ROOT = Path(__file__).resolve().parent.parent
MODELS = ("m3_confidence", "m3_jacob0", "m3_jacob0_pose_only", "puma560_jacobian", "sixi2_jacobian")
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "onnx_graph_cost.md"


def optimised_graph(path: Path) -> onnx.GraphProto:
    """The graph after onnxruntime's extended optimisations (fusions, constant folding, common subexpressions).

    `JacobianNetRuntime` enables all levels; the last one adds only hardware-specific layout changes and
    cannot be saved portably."""
    with tempfile.TemporaryDirectory() as directory:
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = str(Path(directory) / "optimised.onnx")
        ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        return onnx.load(options.optimized_model_filepath).graph


ROUNDS = 3


def measure(name: str) -> dict:
    """Operation counts of a model and a zero-argument call that runs it once (timed by `main`)."""
    path = ROOT / "models" / f"{name}.onnx"
    runtime = JacobianNetRuntime(path)
    graph = optimised_graph(path)
    net = [node for node in graph.node if node.name.startswith("/inner/net/")]
    rest = Counter(node.op_type for node in graph.node if not node.name.startswith("/inner/net/"))
    middle = (runtime.input_low + runtime.input_high) / 2
    feed = {runtime.input_names[0]: middle[None].astype(np.float32)}
    if "branch" in runtime.input_names:
        feed["branch"] = np.zeros(1, dtype=np.int64)
    return {
        "name": name, "exported": len(onnx.load(str(path)).graph.node), "optimised": len(graph.node),
        "net": len(net), "rest": sum(rest.values()), "rest_kinds": rest,
        "call": lambda: runtime.session.run(runtime.output_names, feed), "latency_us": np.inf,
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    host = machine_summary()
    results = [measure(name) for name in MODELS]
    for _ in range(ROUNDS):
        for result in results:
            result["latency_us"] = min(result["latency_us"], 1e6 * median_call_seconds(result["call"], 5000, 500))
    lines = [
        "# ONNX graph cost of the shipped models",
        "",
        "- command: `PYTHONPATH=. python benchmarks/onnx_graph_cost.py`",
        f"- machine: {host}; onnxruntime {ort.__version__}, one thread, sequential",
        "",
        "| model | operations exported | after onnxruntime optimisation | dense net | features, frame, sigmoid | "
        "batch-1 latency (µs) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['exported']} | {r['optimised']} | {r['net']} | {r['rest']} | {r['latency_us']:.1f} |"
        )
    lines += ["", "Operations outside the dense net, by type:", ""]
    for r in results:
        kinds = ", ".join(f"{op} {count}" for op, count in r["rest_kinds"].most_common())
        lines.append(f"- {r['name']}: {kinds}")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
