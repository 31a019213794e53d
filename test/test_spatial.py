"""SO(3)/SE(3) helpers against scipy's Rotation (an independent implementation) and closed forms."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from jacobian_rrmc.spatial import adjoint, rotation_exp, rotation_log, rpy_to_matrix, skew, transform, vex


def random_rotation_vectors(rng, count, low, high):
    axes = rng.normal(size=(count, 3))
    axes /= np.linalg.norm(axes, axis=1, keepdims=True)
    return axes * rng.uniform(low, high, size=(count, 1))


@pytest.mark.parametrize(
    ("low", "high"),
    [(0.0, 1e-9), (1e-9, 1e-4), (1e-4, 0.5), (0.5, np.pi - 0.5), (np.pi - 0.5, np.pi - 1e-6), (np.pi - 1e-6, np.pi)],
)
def test_rotation_exp_and_log_match_scipy_over_all_angles(rng, low, high):
    for w in random_rotation_vectors(rng, 300, low, high):
        reference = Rotation.from_rotvec(w).as_matrix()
        np.testing.assert_allclose(rotation_exp(w), reference, atol=1e-15)
        recovered = rotation_log(reference)
        # At exactly π, w and −w are the same rotation.
        if np.linalg.norm(w) > np.pi - 1e-6 and np.dot(recovered, w) < 0:
            recovered = -recovered
        np.testing.assert_allclose(recovered, w, atol=1e-12 if np.linalg.norm(w) < np.pi - 1e-6 else 1e-7)


def test_rotation_log_of_identity_and_half_turns():
    np.testing.assert_array_equal(rotation_log(np.eye(3)), np.zeros(3))
    for axis in np.eye(3):
        angle = rotation_log(Rotation.from_rotvec(np.pi * axis).as_matrix())
        np.testing.assert_allclose(np.abs(angle), np.pi * axis, atol=1e-12)


def test_skew_vex_and_adjoint_closed_forms(rng):
    w, v = rng.normal(size=3), rng.normal(size=3)
    np.testing.assert_allclose(skew(w) @ v, np.cross(w, v), atol=1e-15)
    np.testing.assert_allclose(vex(skew(w)), w, atol=1e-15)
    pose = transform(rpy_to_matrix(rng.uniform(-np.pi, np.pi, 3)), rng.normal(size=3))
    twist_b = rng.normal(size=6)
    # Twist of frame B at B's origin, seen from A: ω_A = R ω_B, v_A = R v_B + p × (R ω_B).
    rot, pos = pose[:3, :3], pose[:3, 3]
    expected = np.concatenate([rot @ twist_b[:3] + np.cross(pos, rot @ twist_b[3:]), rot @ twist_b[3:]])
    np.testing.assert_allclose(adjoint(pose) @ twist_b, expected, atol=1e-12)


def test_rpy_matches_scipy_extrinsic_xyz(rng):
    rpy = rng.uniform(-np.pi, np.pi, 3)
    np.testing.assert_allclose(rpy_to_matrix(rpy), Rotation.from_euler("xyz", rpy).as_matrix(), atol=1e-15)
