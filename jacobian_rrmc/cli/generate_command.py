"""`jacobian-rrmc generate`: write the M3-style dataset files (paper Table I) to a directory.

For each M3 kind and split: the paper's CSV pair (e.g. jacob0_feature_train.csv and
jacob0_label_train.csv, with M3 column headers) and a compact npz copy (jacob0_train.npz:
features, labels, branch, q, names, metadata) that training reads. Fixed-robot sets
(--robots) are written as npz only: robot_<name>_conf_<split>.npz and
robot_<name>_jacob0_<split>.npz. metadata.json is written last and lists every file with
its SHA-256, the seed, the sizes, the distributions and the exact command.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

from jacobian_rrmc import __version__
from jacobian_rrmc.cli.main import UsageError
from jacobian_rrmc.cli.parsing import command_line
from jacobian_rrmc.dataset import M3_KINDS, PAPER_SIZES, generate_many, parse_kind, save_npz
from jacobian_rrmc.dataset.builders import SPLITS
from jacobian_rrmc.dataset.files import CSV_NUMBER_FORMAT, sha256_of, write_csv, write_json
from jacobian_rrmc.robots import RobotFileError

ROBOT_SUBKINDS = ("robot_conf", "robot_jacob0")
METADATA_NAME = "metadata.json"


def register(subparsers) -> None:
    parser = subparsers.add_parser("generate", help="write the M3-style training/test datasets (CSV + npz)")
    parser.add_argument("--out", required=True, help="output directory (created if missing)")
    parser.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the paper's Table I sizes (default 1.0)")
    parser.add_argument(
        "--sizes",
        default="",
        help="explicit sizes KIND=TRAIN/TEST[,...], e.g. jacob0=1000/100,robot_jacob0=500/50 (override --scale)",
    )
    parser.add_argument("--kinds", default=",".join(M3_KINDS), help=f"M3 kinds to write (default {','.join(M3_KINDS)})")
    parser.add_argument("--robots", default="", help="also write fixed-robot sets, e.g. puma560,sixi2")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--no-csv", action="store_true", help="write only the npz copies and metadata.json")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run, parser=parser)


def plan(args) -> list[tuple[str, dict[str, int]]]:
    """[(kind, {"train": n, "test": m})] for every dataset to write; UsageError on bad input."""
    if not (args.scale >= 0.0 and np.isfinite(args.scale)):
        raise UsageError(f"--scale must be a finite number >= 0, got {args.scale}")
    if args.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {args.seed}")
    if args.workers < 1:
        raise UsageError(f"--workers must be >= 1, got {args.workers}")
    kinds = [k for k in args.kinds.split(",") if k]
    for kind in kinds:
        if kind not in M3_KINDS:
            raise UsageError(f"--kinds: unknown kind {kind!r} (known: {', '.join(M3_KINDS)})")
    robots = [r for r in args.robots.split(",") if r]
    for robot in robots:
        for sub in ROBOT_SUBKINDS:
            try:
                parse_kind(f"{sub}:{robot}")
            except (ValueError, RobotFileError) as error:
                raise UsageError(f"--robots: {error}") from None
    if not kinds and not robots:
        raise UsageError("nothing to generate: give --kinds and/or --robots")
    explicit = _parse_sizes(args.sizes)
    defaults = dict(PAPER_SIZES, robot_conf=PAPER_SIZES["jacob0"], robot_jacob0=PAPER_SIZES["jacob0"])
    for key in explicit:
        if key not in defaults:
            raise UsageError(f"--sizes: unknown kind {key!r} (known: {', '.join(defaults)})")

    def sizes(key):
        train, test = explicit.get(key) or tuple(round(n * args.scale) for n in defaults[key])
        return {"train": train, "test": test}

    return [(k, sizes(k)) for k in kinds] + [(f"{sub}:{r}", sizes(sub)) for r in robots for sub in ROBOT_SUBKINDS]


def _parse_sizes(text: str) -> dict[str, tuple[int, int]]:
    sizes = {}
    for item in filter(None, text.split(",")):
        key, _, value = item.partition("=")
        train, _, test = value.partition("/")
        try:
            pair = (int(train), int(test))
        except ValueError:
            raise UsageError(f"--sizes: expected KIND=TRAIN/TEST with integers, got {item!r}") from None
        if min(pair) < 0:
            raise UsageError(f"--sizes: sizes must be >= 0, got {item!r}")
        sizes[key.strip()] = pair
    return sizes


def prepare_directory(out: Path) -> None:
    """Create `out`, check it is writable, and drop an old metadata.json (it marks a complete set)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        (out / METADATA_NAME).unlink(missing_ok=True)
    except OSError as error:
        raise UsageError(f"--out {out}: cannot write there ({error.strerror})") from None


def file_names(kind: str, split: str) -> tuple[str | None, str | None, str]:
    """(feature CSV, label CSV, npz) names; CSV names are None for fixed-robot sets."""
    base, robot = parse_kind(kind)
    if robot is not None:
        return None, None, f"robot_{robot}_{base.removeprefix('robot_')}_{split}.npz"
    prefix, _, variant = base.partition("_")
    middle = f"_{variant}" if variant else ""
    return f"{prefix}_feature{middle}_{split}.csv", f"{prefix}_label{middle}_{split}.csv", f"{base}_{split}.npz"


def run(args) -> int:
    datasets = plan(args)
    out = Path(args.out)
    prepare_directory(out)
    started = time.perf_counter()
    written = []
    for kind, sizes in datasets:
        requests = [(kind, split, sizes[split]) for split in SPLITS]
        if not args.quiet:
            print(f"{kind}: {sizes['train']} train / {sizes['test']} test", file=sys.stderr)
        for dataset, (_, split, _) in zip(
            generate_many(requests, args.seed, args.workers, progress=not args.quiet), requests, strict=True
        ):
            feature_csv, label_csv, npz = file_names(kind, split)
            if feature_csv and not args.no_csv:
                write_csv(out / feature_csv, dataset.feature_names, dataset.features)
                write_csv(out / label_csv, dataset.label_names, dataset.labels)
                written += [(feature_csv, kind, split, dataset), (label_csv, kind, split, dataset)]
            save_npz(dataset, out / npz)
            written.append((npz, kind, split, dataset))
    files = [
        {"name": name, "kind": kind, "split": split, "rows": len(ds), "sha256": sha256_of(out / name)}
        for name, kind, split, ds in written
    ]
    metadata = {
        "command": command_line(args, exclude=("quiet",)),
        "package_version": __version__,
        "numpy_version": np.__version__,
        "seed": args.seed,
        "sizes": {kind: sizes for kind, sizes in datasets},
        "csv_number_format": CSV_NUMBER_FORMAT,
        "datasets": {f"{kind}/{split}": ds.metadata for name, kind, split, ds in written if name.endswith(".npz")},
        "files": files,
        "seconds": round(time.perf_counter() - started, 2),
        "regenerate": "jacobian-rrmc generate with the same arguments gives byte-identical data files",
    }
    write_json(out / METADATA_NAME, metadata)
    for entry in files:
        print(f"{out / entry['name']}  {entry['rows']} rows")
    print(f"{out / METADATA_NAME}  ({metadata['seconds']} s)")
    return 0
