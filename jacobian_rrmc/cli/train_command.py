"""`jacobian-rrmc train`: train a JacobianNet, export it to ONNX, plot its training curves.

Kinds: ``robot:<name>`` (per-robot net, q → J0; data generated from the robot's kinematics),
``m3_confidence`` (reachability of a pose for an M3 arm) and ``m3_jacob0`` (world-frame Jacobian
at an M3 pose + IK branch). Data comes from ``--generate N`` (seeded by --seed) or ``--data DIR``
(a `jacobian-rrmc generate` output directory; M3 kinds only).
"""

from __future__ import annotations

import json
from pathlib import Path

from jacobian_rrmc.cli.main import UsageError
from jacobian_rrmc.cli.parsing import command_line

M3_KINDS = ("m3_confidence", "m3_jacob0")


def register(subparsers) -> None:
    parser = subparsers.add_parser("train", help="train a JacobianNet and export it to ONNX (needs torch)")
    parser.add_argument("--kind", required=True, help="robot:<name> | m3_confidence | m3_jacob0")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--generate", type=int, metavar="N", help="generate N training samples (seeded)")
    source.add_argument("--data", metavar="DIR", help="dataset directory from `jacobian-rrmc generate` (M3 kinds)")
    parser.add_argument("--out", required=True, help="output .onnx path (a .json sidecar goes next to it)")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--pretrain", type=int, default=None, help="encoder+estimation epochs before the cycles")
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--lr", type=float, default=2e-3, help="initial learning rate (cosine-annealed)")
    parser.add_argument("--optimiser", default="adam", help="adam|adamax|rmsprop|sgd|nadam|adagrad")
    parser.add_argument("--encoder", default="128,128,128", help="encoder widths, comma-separated")
    parser.add_argument("--estimation-head", default="128", help="estimation head widths")
    parser.add_argument("--confidence-head", default="32", help="confidence head widths")
    parser.add_argument("--batch-norm", action="store_true", help="batch normalisation after each dense layer")
    parser.add_argument("--dropout", type=float, default=0.0)
    parser.add_argument("--activation", default="prelu", help="prelu (the paper) or silu (smooth)")
    parser.add_argument(
        "--tolerance", type=float, default=0.01, help="robot kinds: confidence label = rel. error < this"
    )
    parser.add_argument("--validation-split", type=float, default=0.2)
    parser.add_argument("--patience", type=int, default=10, help="early stopping: epochs without improvement")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument(
        "--test-samples", type=int, default=20000, help="fresh test samples for the metrics (--data: its test split)"
    )
    parser.add_argument("--pose-only", action="store_true", help="m3_jacob0 without the IK-branch input")
    parser.add_argument("--plot", help="training-curve PNG (default: <out stem>_training.png next to the model)")
    parser.add_argument("--checkpoint", help="checkpoint path (default: <out>.ckpt)")
    parser.add_argument("--resume", action="store_true", help="continue from the checkpoint if it exists")
    parser.add_argument("--no-progress", action="store_true", help="no tqdm bar")
    parser.set_defaults(handler=run, parser=parser)


def _widths(text: str, name: str) -> tuple[int, ...]:
    try:
        widths = tuple(int(w) for w in text.split(",") if w.strip())
    except ValueError:
        raise UsageError(f"--{name} must be comma-separated integers, got {text!r}") from None
    if not widths or min(widths) < 1:
        raise UsageError(f"--{name} needs at least one positive width, got {text!r}")
    return widths


def training_config(args):
    from jacobian_rrmc.learn.model import ACTIVATIONS, NetSizes
    from jacobian_rrmc.learn.training import OPTIMISERS, TrainingConfig

    if args.optimiser.lower() not in OPTIMISERS:
        raise UsageError(f"--optimiser must be one of {', '.join(OPTIMISERS)}")
    if args.activation not in ACTIVATIONS:
        raise UsageError(f"--activation must be one of {', '.join(ACTIVATIONS)}")
    if args.epochs < 1 or args.batch_size < 2 or not 0 < args.validation_split < 1:
        raise UsageError("--epochs ≥ 1, --batch-size ≥ 2 and 0 < --validation-split < 1 are required")
    sizes = NetSizes(
        encoder=_widths(args.encoder, "encoder"), confidence=_widths(args.confidence_head, "confidence-head"),
        estimation=_widths(args.estimation_head, "estimation-head"), batch_norm=args.batch_norm, dropout=args.dropout,
        activation=args.activation,
    )  # fmt: skip
    pretrain = args.pretrain if args.pretrain is not None else max(args.epochs * 3 // 4, 1)
    return TrainingConfig(
        epochs=args.epochs, pretrain=pretrain, batch_size=args.batch_size, learning_rate=args.lr,
        optimiser=args.optimiser.lower(), validation_split=args.validation_split, patience=args.patience,
        seed=args.seed, threads=args.threads, error_tolerance=args.tolerance, sizes=sizes,
    )  # fmt: skip


def run(args) -> int:
    try:
        import torch  # noqa: F401
    except ImportError:
        raise UsageError("training needs torch: pip install 'jacobian_rrmc[train]' (torch==2.13.0)") from None
    from jacobian_rrmc.learn.plots import plot_training_curves

    config = training_config(args)
    out = Path(args.out)
    if out.suffix != ".onnx":
        raise UsageError(f"--out must end in .onnx, got {out}")
    checkpoint = Path(args.checkpoint) if args.checkpoint else out.with_suffix(".ckpt")
    command = command_line(args)
    provenance = {"command": command, "seed": args.seed}
    progress = not args.no_progress
    try:
        if args.kind.startswith("robot:"):
            metadata, history = _train_robot(args, config, out, checkpoint, provenance, progress)
        elif args.kind in M3_KINDS:
            from jacobian_rrmc.learn.m3_task import load_or_generate, train_m3

            data = load_or_generate(args.kind, args.data, args.generate, args.seed)
            test = load_or_generate(args.kind, args.data, None, args.seed, split="test") if args.data else None
            metadata, history = train_m3(args.kind, data, config, out, checkpoint, args.resume, progress,
                                         provenance, args.test_samples, branch=not args.pose_only,
                                         test=test)  # fmt: skip
        else:
            raise UsageError(f"--kind must be robot:<name>, {' or '.join(M3_KINDS)}; got {args.kind!r}")
    except (FileNotFoundError, ValueError) as error:  # missing --data files, checkpoint from another config
        raise UsageError(str(error)) from None
    plot = Path(args.plot) if args.plot else out.with_name(out.stem + "_training.png")
    plot_training_curves(history, plot, f"{args.kind} ({config.optimiser})")
    print(json.dumps({"model": str(out), "plot": str(plot), "metrics": metadata["metrics"]}, indent=2))
    return 0


def _train_robot(args, config, out, checkpoint, provenance, progress):
    from jacobian_rrmc.cli.parsing import robot_argument
    from jacobian_rrmc.learn.export import write_metadata
    from jacobian_rrmc.learn.robot_task import TEST_SEED_OFFSET, export_robot, measure_robot_model, train_robot

    if args.data:
        raise UsageError("robot kinds generate their data: use --generate N")
    if args.generate < 100:
        raise UsageError("--generate must be at least 100")
    robot = robot_argument(args.kind.split(":", 1)[1])
    result = train_robot(robot, args.generate, config, checkpoint, args.resume, progress)
    metadata = export_robot(robot, result, out, {**provenance, "training_samples": args.generate})
    metrics = measure_robot_model(out, robot, args.test_samples, args.seed + TEST_SEED_OFFSET)
    return write_metadata(out, {**metadata, "metrics": metrics}), result.history
