"""Dataset builders: M3 random-manipulator sets and fixed-robot sets, chunked and seeded.

Kinds (paper Table I, shared/SOURCES.md §1):
  conf       18 DH + 6 pose features, label ikExists, balanced draw (297 000 / 3 000)
  conf_dyna  18 DH + 72 dynamic + 6 pose = 96 features, label ikExists   (198 000 / 2 000)
  jacob      96 features, label Je (end-effector frame) j11…j66 row-major (198 000 / 2 000)
  jacob0     96 features, label J0 (world frame)                          (198 000 / 2 000)
Fixed robots (a catalogue name after the colon, e.g. "robot_jacob0:puma560"); features are
the 6 pose features only:
  robot_conf:<name>    poses in a box around the shoulder (`robot_pose_box`), balanced draw,
                       reachable within the robot's joint limits
  robot_jacob0:<name>  q ~ U[q_min, q_max] → pose = FK(q), label J0(q), branch = branch_of(q)
  robot_jacob:<name>   the same with Je

Determinism: a request (kind, split, size, seed) is cut into chunks of CHUNK_SIZE samples;
chunk k draws from `SeedSequence(seed, spawn_key=(crc32(kind), split index)).spawn(n)[k]`, so
the result is the same for any number of worker processes.
"""

from __future__ import annotations

import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from jacobian_rrmc.dataset.manipulators import (
    DH_FEATURE_NAMES,
    DYNA_DISTRIBUTIONS,
    DYNA_FEATURE_NAMES,
    random_dyna_features,
    random_kinematic_arms,
)
from jacobian_rrmc.dataset.poses import POSE_FEATURE_NAMES, POSITION_HALF_WIDTH, pose_features, random_poses
from jacobian_rrmc.dataset.reachability import (
    MANIPULABILITY_CUTOFF,
    NEGATIVE_ACCEPT_THRESHOLD,
    draw_balanced,
    draw_reachable,
)
from jacobian_rrmc.ik import branch_of, is_puma_family
from jacobian_rrmc.kinematics import pose_and_jacobian
from jacobian_rrmc.robots import load_robot

PAPER_SIZES = {
    "conf": (297_000, 3_000),
    "conf_dyna": (198_000, 2_000),
    "jacob": (198_000, 2_000),
    "jacob0": (198_000, 2_000),
}
M3_KINDS = tuple(PAPER_SIZES)
ROBOT_KINDS = ("robot_conf", "robot_jacob0", "robot_jacob")
SPLITS = ("train", "test")
CHUNK_SIZE = 4096
JACOBIAN_LABEL_NAMES = tuple(f"j{row}{col}" for row in range(1, 7) for col in range(1, 7))
REACHABLE_LABEL_NAMES = ("ikExists",)
JACOBIAN_FRAME = {"jacob": "ee", "jacob0": "world", "robot_jacob": "ee", "robot_jacob0": "world"}


@dataclass
class Dataset:
    """One dataset split. Features in M3 column order; labels ikExists (n, 1) or j11…j66 (n, 36).

    branch is the IK branch (0…7, jacobian_rrmc.ik) of q, −1 where the pose is unreachable;
    q (n, 6) is the configuration the label was computed at (rad; 0 where unreachable).
    """

    features: np.ndarray
    feature_names: list[str]
    labels: np.ndarray
    label_names: list[str]
    branch: np.ndarray
    q: np.ndarray
    metadata: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return self.features.shape[0]

    @classmethod
    def concatenate(cls, parts: list[Dataset], metadata: dict) -> Dataset:
        """Rows of `parts` in order, with new metadata."""
        return cls(
            features=np.concatenate([p.features for p in parts]),
            feature_names=list(parts[0].feature_names),
            labels=np.concatenate([p.labels for p in parts]),
            label_names=list(parts[0].label_names),
            branch=np.concatenate([p.branch for p in parts]),
            q=np.concatenate([p.q for p in parts]),
            metadata=metadata,
        )


def parse_kind(kind: str) -> tuple[str, str | None]:
    """("jacob0", None) or ("robot_jacob0", "puma560"); ValueError for an unknown kind or robot."""
    base, _, robot = kind.partition(":")
    if base in M3_KINDS and not robot:
        return base, None
    if base in ROBOT_KINDS and robot:
        model = load_robot(robot)
        if not is_puma_family(model):
            raise ValueError(f"robot {robot!r} is not a PUMA-family arm; closed-form IK cannot label it")
        return base, robot
    known = ", ".join(M3_KINDS + tuple(f"{k}:<robot>" for k in ROBOT_KINDS))
    raise ValueError(f"unknown dataset kind {kind!r} (known: {known})")


def robot_pose_box(robot) -> tuple[np.ndarray, float]:
    """(centre (3,), half width) in metres of the position box for a fixed robot's reachability set.

    Centre: the shoulder point (0, 0, d1) in the world frame; half width: the farthest the tool
    point can be from it, √((|a2| + √(a3² + d4²))² + (d2 + d3)²) + |d6| + |a6| + |tool offset|.
    """
    centre = (robot.base @ np.array([0.0, 0.0, robot.d[0], 1.0]))[:3]
    arm = np.hypot(abs(robot.a[1]) + np.hypot(robot.a[2], robot.d[3]), robot.d[1] + robot.d[2])
    hand = abs(robot.d[5]) + abs(robot.a[5]) + float(np.linalg.norm(robot.tool[:3, 3]))
    return centre, float(arm + hand)


def build_chunk(kind: str, count: int, seed: np.random.SeedSequence) -> Dataset:
    """`count` samples of `kind` drawn from a generator seeded with `seed`."""
    rng = np.random.default_rng(seed)
    base, robot_name = parse_kind(kind)
    if robot_name is not None:
        return _robot_chunk(base, load_robot(robot_name), count, rng)
    with_dyna = base != "conf"
    names = list(DH_FEATURE_NAMES) + (list(DYNA_FEATURE_NAMES) if with_dyna else []) + list(POSE_FEATURE_NAMES)
    if base in ("conf", "conf_dyna"):
        arms, dh = random_kinematic_arms(rng, count)
        _, pose_f, reachable, q, branch = draw_balanced(rng, arms, count, random_poses)
        labels, label_names = reachable[:, None].astype(float), list(REACHABLE_LABEL_NAMES)
    else:
        dh, pose_f, q, branch, labels = draw_reachable(
            rng,
            count,
            random_kinematic_arms,
            random_poses,
            lambda arms, q_: pose_and_jacobian(arms, q_, JACOBIAN_FRAME[base])[1].reshape(-1, 36),
        )
        label_names = list(JACOBIAN_LABEL_NAMES)
    # The dynamic columns are independent of everything else, so they are drawn last, for kept samples only.
    dyna = random_dyna_features(rng, count) if with_dyna else np.zeros((count, 0))
    return Dataset(np.concatenate([dh, dyna, pose_f], axis=1), names, labels, label_names, branch, q)


def _robot_chunk(base: str, robot, count: int, rng: np.random.Generator) -> Dataset:
    if base == "robot_conf":
        centre, half_width = robot_pose_box(robot)
        _, pose_f, reachable, q, branch = draw_balanced(
            rng, robot, count, lambda r, n: random_poses(r, n, centre, half_width)
        )
        labels, label_names = reachable[:, None].astype(float), list(REACHABLE_LABEL_NAMES)
    else:
        q = robot.random_configurations(count, rng)
        pose, jacobian = pose_and_jacobian(robot, q, JACOBIAN_FRAME[base])
        pose_f, branch = pose_features(pose), branch_of(robot, q)
        labels, label_names = jacobian.reshape(count, 36), list(JACOBIAN_LABEL_NAMES)
    return Dataset(pose_f, list(POSE_FEATURE_NAMES), labels, label_names, np.asarray(branch), q)


def chunk_seeds(kind: str, split: str, seed: int, n_chunks: int) -> list[np.random.SeedSequence]:
    """Independent seeds of the chunks of one request (see module docstring)."""
    root = np.random.SeedSequence(seed, spawn_key=(zlib.crc32(kind.encode()), SPLITS.index(split)))
    return root.spawn(n_chunks)


def describe(kind: str, split: str, size: int, seed: int) -> dict:
    """Metadata of one request: how it was drawn, enough to regenerate it."""
    base, robot = parse_kind(kind)
    info = {
        "kind": kind,
        "split": split,
        "size": size,
        "seed": seed,
        "chunk_size": CHUNK_SIZE,
        "seeding": "SeedSequence(seed, spawn_key=(crc32(kind), split index)).spawn(n_chunks), one per chunk",
        "reachability": {
            "rule": "closed-form IK valid and within limits AND manipulability > cutoff on the best branch",
            "manipulability_cutoff": MANIPULABILITY_CUTOFF,
            "branch_choice": "largest manipulability among valid in-limit branches (ties: lowest index)",
        },
    }
    if robot is None:
        info["manipulators"] = (
            "M3 randKine spherical: d3, d4, a2, a3 ~ U[0, 0.5] m, alpha = [pi/2, 0, -pi/2, pi/2, -pi/2, 0]"
        )
        if base != "conf":
            info["dynamics"] = {name: list(bounds) for name, bounds in DYNA_DISTRIBUTIONS.items()}
        info["poses"] = (
            f"p ~ U[-{POSITION_HALF_WIDTH}, {POSITION_HALF_WIDTH}]^3 m, o ~ U[0, 2pi)^3, T = transl(p) Rx Ry Rz"
        )
    else:
        info["robot"] = robot
        if base == "robot_conf":
            centre, half_width = robot_pose_box(load_robot(robot))
            info["poses"] = f"p ~ U[centre +- {half_width:.6f}]^3 m, centre {centre.tolist()}, o ~ U[0, 2pi)^3"
        else:
            info["configurations"] = "q ~ U[q_min, q_max] of the robot; pose = FK(q)"
    if base in ("conf", "conf_dyna", "robot_conf"):
        info["draw"] = f"redraw the pose until reachable or U[0,1] > {NEGATIVE_ACCEPT_THRESHOLD} (M3 balancing)"
    elif robot is None:
        info["draw"] = "rejection sampling of (arm, pose) pairs: the M3 distributions conditioned on reachability"
    if base in JACOBIAN_FRAME:
        info["jacobian_frame"] = JACOBIAN_FRAME[base]
    return info


def generate_many(requests, seed: int, workers: int = 1, progress: bool = False) -> list[Dataset]:
    """Build several (kind, split, size) requests, sharing one process pool and one progress bar."""
    tasks, owners = [], []
    for index, (kind, split, size) in enumerate(requests):
        parse_kind(kind)
        if size < 0:
            raise ValueError(f"size of {kind} {split} must be >= 0, got {size}")
        n_chunks = max(1, -(-size // CHUNK_SIZE))
        counts = [min(CHUNK_SIZE, size - k * CHUNK_SIZE) for k in range(n_chunks)]
        for count, chunk_seed in zip(counts, chunk_seeds(kind, split, seed, n_chunks), strict=True):
            tasks.append((kind, count, chunk_seed))
            owners.append(index)
    bar = tqdm(total=sum(t[1] for t in tasks), unit="sample", desc="generate", disable=not progress)
    parts: list[list[Dataset]] = [[] for _ in requests]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            for owner, part in zip(owners, pool.map(_build_task, tasks), strict=True):
                parts[owner].append(part)
                bar.update(len(part))
    else:
        for owner, task in zip(owners, tasks, strict=True):
            parts[owner].append(_build_task(task))
            bar.update(task[1])
    bar.close()
    return [
        Dataset.concatenate(parts[i], describe(kind, split, size, seed))
        for i, (kind, split, size) in enumerate(requests)
    ]


def generate(kind: str, size: int, seed: int, split: str = "train", workers: int = 1, progress: bool = False):
    """One dataset of `size` samples of `kind` (see module docstring)."""
    return generate_many([(kind, split, size)], seed, workers, progress)[0]


def _build_task(task) -> Dataset:
    return build_chunk(*task)
