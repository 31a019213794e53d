"""M3-style dataset generation: samplers, reachability labels, builders and file writers."""

from jacobian_rrmc.dataset.builders import (
    M3_KINDS,
    PAPER_SIZES,
    ROBOT_KINDS,
    Dataset,
    generate,
    generate_many,
    parse_kind,
)
from jacobian_rrmc.dataset.files import load_npz, save_npz
from jacobian_rrmc.dataset.manipulators import DH_FEATURE_NAMES, DYNA_FEATURE_NAMES, random_kinematic_arms
from jacobian_rrmc.dataset.poses import POSE_FEATURE_NAMES, pose_features, poses_from_features, random_poses
from jacobian_rrmc.dataset.reachability import MANIPULABILITY_CUTOFF, reachability_labels

__all__ = [
    "DH_FEATURE_NAMES",
    "DYNA_FEATURE_NAMES",
    "M3_KINDS",
    "MANIPULABILITY_CUTOFF",
    "PAPER_SIZES",
    "POSE_FEATURE_NAMES",
    "ROBOT_KINDS",
    "Dataset",
    "generate",
    "generate_many",
    "load_npz",
    "parse_kind",
    "pose_features",
    "poses_from_features",
    "random_kinematic_arms",
    "random_poses",
    "reachability_labels",
    "save_npz",
]
