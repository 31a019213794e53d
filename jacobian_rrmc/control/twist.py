"""Express a commanded twist in the base (world) frame, the frame of J0.

Both frames describe the velocity of the *tool point* (the origin of the tool frame):

- "base": twist = [v, ω] with v the tool point's linear velocity and ω the angular velocity,
  both in base axes. This is exactly what J0·q̇ produces, so it is used as is.
- "tool": twist = [v_t, ω_t], the same two vectors in the tool frame's axes (as `jacobe` gives).
  Its reference point is already the tool point, so only the axes change:
  [v, ω] = [R v_t, R ω_t] with R the tool orientation. The full adjoint
  Ad(T) = [[R, [p]× R], [0, R]] would be wrong here: its lever-arm term [p]× R ω_t moves the
  reference point to the base origin (the spatial twist), which J0 does not use.
"""

from __future__ import annotations

import numpy as np

TWIST_FRAMES = ("base", "tool")


def twist_in_base_frame(twist: np.ndarray, frame: str, pose: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Write the base-frame twist of the tool point into `out` (6,) and return it.

    Args:
        twist: (6,) [vx vy vz ωx ωy ωz], m/s and rad/s, in `frame` axes, about the tool point.
        frame: "base" or "tool".
        pose: (4, 4) tool pose in the base frame (only its rotation is used).
        out: (6,) preallocated result.
    """
    if frame == "base":
        out[:] = twist
    elif frame == "tool":
        rotation = pose[:3, :3]
        np.dot(rotation, twist[:3], out=out[:3])
        np.dot(rotation, twist[3:], out=out[3:])
    else:
        raise ValueError(f"twist frame must be one of {TWIST_FRAMES}, got {frame!r}")
    return out
