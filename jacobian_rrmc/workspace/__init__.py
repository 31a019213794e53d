"""Workspace maps: joint sweeps with concave boundaries, constant-orientation slices and
orientation maps, filled exactly (closed-form IK) or by the learned JacobianNet models."""
