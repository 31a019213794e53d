"""Closed-form inverse kinematics."""

from jacobian_rrmc.ik.puma_family import BRANCHES, IKSolutions, arm_reach, branch_of, is_puma_family, solve_ik

__all__ = ["BRANCHES", "IKSolutions", "arm_reach", "branch_of", "is_puma_family", "solve_ik"]
