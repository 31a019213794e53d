"""Random M3 manipulators (`randKine` and `randDyna`) and their feature columns.

Kinematic features: the 18 DH columns d1…d6, a1…a6, alpha1…alpha6 (m, rad) of the M3
family (jacobian_rrmc.robots.m3_family). Dynamic features (the paper's "dyna" files): 12 per
link, 72 in all, grouped by quantity like the DH columns (m1…m6, then rx1…rx6, …):

  m     mass ~ U[0, 10] kg            rx, ry, rz  centre of mass ~ U[-0.05, 0.05] m (link frame)
  Ixx, Iyy, Izz  inertia diagonal ~ U[0, 1] kg·m²   B  viscous friction ~ U[0, 0.005] N·m·s/rad
  Tc_pos ~ U[0, 0.5], Tc_neg ~ -U[0, 0.5] N·m (Coulomb friction, + and - direction)
  G     gear ratio ~ U[-50, 50]       Jm  motor inertia ~ U[0, 5e-4] kg·m²

18 + 72 + 6 pose features = the paper's 96. The dynamic columns do not affect the Jacobian.
The names are ours (M3's own headers for these columns are not in our sources).
"""

from __future__ import annotations

import numpy as np

from jacobian_rrmc.kinematics import DHParameters
from jacobian_rrmc.kinematics.forward import dh_parameters
from jacobian_rrmc.robots import m3_parameters, random_m3_parameters

N_JOINTS = 6
DH_FEATURE_NAMES = tuple(f"{column}{i}" for column in ("d", "a", "alpha") for i in range(1, N_JOINTS + 1))
# quantity: (low, high, sign) of the uniform draw; sign -1 stores -U[low, high].
DYNA_DISTRIBUTIONS = {
    "m": (0.0, 10.0, 1.0),
    "rx": (-0.05, 0.05, 1.0),
    "ry": (-0.05, 0.05, 1.0),
    "rz": (-0.05, 0.05, 1.0),
    "Ixx": (0.0, 1.0, 1.0),
    "Iyy": (0.0, 1.0, 1.0),
    "Izz": (0.0, 1.0, 1.0),
    "B": (0.0, 0.005, 1.0),
    "Tc_pos": (0.0, 0.5, 1.0),
    "Tc_neg": (0.0, 0.5, -1.0),
    "G": (-50.0, 50.0, 1.0),
    "Jm": (0.0, 5e-4, 1.0),
}
DYNA_FEATURE_NAMES = tuple(f"{quantity}{i}" for quantity in DYNA_DISTRIBUTIONS for i in range(1, N_JOINTS + 1))


def random_kinematic_arms(rng: np.random.Generator, count: int) -> tuple[DHParameters, np.ndarray]:
    """`count` M3 arms: (DHParameters with one arm per sample, features (count, 18))."""
    params = m3_parameters(**random_m3_parameters(rng, count))
    return params, dh_features(params)


def dh_features(params: DHParameters) -> np.ndarray:
    """The 18 DH feature columns (P, 18) = [d, a, alpha] of a DHParameters."""
    return np.concatenate([params.d, params.a, params.alpha], axis=1)


def random_dyna_features(rng: np.random.Generator, count: int) -> np.ndarray:
    """(count, 72) dynamic parameters in DYNA_FEATURE_NAMES order."""
    columns = [sign * rng.uniform(low, high, size=(count, N_JOINTS)) for low, high, sign in DYNA_DISTRIBUTIONS.values()]
    return np.concatenate(columns, axis=1)


def select_arms(model, index: np.ndarray):
    """The arms of samples `index`: `model` itself when it is one arm (a RobotModel keeps its joint limits),
    else its per-sample DHParameters indexed (`DHParameters.select`)."""
    params = dh_parameters(model)
    return model if params.n_arms == 1 else params.select(index)
