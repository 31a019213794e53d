"""Reachability labels and M3's pose-drawing loops.

Label (M3 `threshold`): a pose is reachable when closed-form IK has a solution AND the
Yoshikawa manipulability at that solution exceeds MANIPULABILITY_CUTOFF. Which solution: of
the branches that are valid and inside the joint limits, the one with the largest
manipulability (ties → the lowest branch index, so wrist flip 0 before 1). M3 used
`ikine6s`'s default branch instead; "best branch" labels a pose reachable whenever some
well-conditioned configuration reaches it, which is what a workspace map asks.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from jacobian_rrmc.dataset.manipulators import select_arms
from jacobian_rrmc.ik import arm_reach, solve_ik

MANIPULABILITY_CUTOFF = 0.03
NEGATIVE_ACCEPT_THRESHOLD = 0.25  # M3: an unreachable draw is kept when U[0, 1] exceeds this
ROUND_HIT_RATE_GUESS = 0.13  # candidates per round = still needed / this (M3 arms: ~14 % of pairs are reachable)
ROUND_MINIMUM = 256


def reachability_labels(model, poses, q_min=None, q_max=None):
    """Label (B, 4, 4) poses (world frame) for a RobotModel or per-sample DHParameters.

    Returns (reachable (B,) bool, q_best (B, 6) rad (0 where unreachable), branch (B,) int,
    −1 where unreachable). Joint limits default to the RobotModel's (none for DHParameters).
    Poses whose wrist centre is out of reach, or whose manipulability bound is below the
    cutoff, skip the full IK (they cannot pass).
    """
    poses = np.asarray(poses, dtype=float)
    count = poses.shape[0]
    reachable = np.zeros(count, dtype=bool)
    q_best = np.zeros((count, 6))
    branch = np.full(count, -1)
    reach, bound = arm_reach(model, poses)
    candidates = np.flatnonzero(reach & (bound > MANIPULABILITY_CUTOFF))
    if candidates.size == 0:
        return reachable, q_best, branch
    target_model = select_arms(model, candidates)
    solutions = solve_ik(target_model, poses[candidates], q_min, q_max)
    best, top = solutions.most_manipulable()
    rows = np.arange(candidates.size)
    passed = top > MANIPULABILITY_CUTOFF
    chosen = candidates[passed]
    reachable[chosen] = True
    q_best[chosen] = solutions.q[rows[passed], best[passed]]
    branch[chosen] = best[passed]
    return reachable, q_best, branch


PoseSampler = Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]
ArmSampler = Callable[[np.random.Generator, int], tuple[object, np.ndarray]]


def draw_balanced(rng: np.random.Generator, model, count: int, sample_poses: PoseSampler):
    """M3's class-balancing draw, vectorised in rounds over the still-unresolved samples.

    Sample i keeps its arm (`model` with one arm per sample, or one shared arm) and redraws
    its pose until the pose is reachable, or until a U[0, 1] draw exceeds 0.25 (then the
    unreachable pose is kept). Each round draws a pose and a uniform for every unresolved
    sample. Returns (poses, pose features, reachable, q, branch) in sample order.
    """
    poses = np.zeros((count, 4, 4))
    features = np.zeros((count, 6))
    reachable = np.zeros(count, dtype=bool)
    q = np.zeros((count, 6))
    branch = np.full(count, -1)
    pending = np.arange(count)
    while pending.size:
        arms = select_arms(model, pending)
        round_poses, round_features = sample_poses(rng, pending.size)
        hit, round_q, round_branch = reachability_labels(arms, round_poses)
        done = hit | (rng.uniform(size=pending.size) > NEGATIVE_ACCEPT_THRESHOLD)
        resolved = pending[done]
        poses[resolved], features[resolved] = round_poses[done], round_features[done]
        reachable[resolved], q[resolved], branch[resolved] = hit[done], round_q[done], round_branch[done]
        pending = pending[~done]
    return poses, features, reachable, q, branch


def draw_reachable(rng: np.random.Generator, count: int, sample_arms: ArmSampler, sample_poses: PoseSampler, label):
    """Rejection sampling of reachable (arm, pose) pairs, for the Jacobian datasets.

    Each round draws candidate pairs — `sample_arms(rng, n)` → (arms with one arm per
    candidate or one shared arm, arm features (n, k)) and `sample_poses(rng, n)` — labels
    them, and keeps the first reachable ones in draw order, so the result follows the joint
    distribution of arm and pose conditioned on reachability (arms with a larger reachable
    set appear more often). `label(arms, q)` → (m, L) labels at the kept configurations.
    Returns (arm features, pose features, q, branch, labels), `count` rows each.
    """
    kept = []
    need = count
    while not kept or need > 0:  # at least one round, so even count = 0 gives arrays of the right width
        n_candidates = max(ROUND_MINIMUM, int(need / ROUND_HIT_RATE_GUESS))
        arms, arm_features = sample_arms(rng, n_candidates)
        poses, pose_f = sample_poses(rng, n_candidates)
        hit, q, branch = reachability_labels(arms, poses)
        take = np.flatnonzero(hit)[:need]
        chosen = select_arms(arms, take)
        kept.append((arm_features[take], pose_f[take], q[take], branch[take], label(chosen, q[take])))
        need -= take.size
    return tuple(np.concatenate(column) for column in zip(*kept, strict=True))
