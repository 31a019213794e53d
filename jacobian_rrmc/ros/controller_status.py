"""Bookkeeping of controller states for diagnostics and the demo: time per state, fallback rate, severity."""

from __future__ import annotations

from jacobian_rrmc.control import ControllerState

# Diagnostic severity per state (diagnostic_msgs/DiagnosticStatus levels: 0 OK, 1 WARN, 2 ERROR).
OK, WARN, ERROR = 0, 1, 2
SEVERITY = {
    ControllerState.OK: OK,
    ControllerState.IDLE: OK,
    ControllerState.STALE_TWIST: OK,  # no operator input is the normal resting condition
    ControllerState.DECELERATING_SINGULARITY: WARN,
    ControllerState.JOINT_LIMIT: WARN,
    ControllerState.HALTED_SINGULARITY: ERROR,
    ControllerState.STALE_JOINT_STATE: ERROR,
    ControllerState.INVALID_INPUT: ERROR,
}


class StateStatistics:
    """Seconds spent in each controller state and the fraction of cycles that used the fallback Jacobian."""

    def __init__(self):
        self.state_time = {state.value: 0.0 for state in ControllerState}
        self.cycles = 0
        self.fallback_cycles = 0
        self.worst_since_report = OK

    def record(self, state: ControllerState, fell_back: bool, period: float) -> None:
        """One cycle in `state` lasting `period` s (the time since the previous cycle)."""
        self.state_time[state.value] += period
        self.cycles += 1
        self.fallback_cycles += bool(fell_back)
        self.worst_since_report = max(self.worst_since_report, SEVERITY[state], WARN if fell_back else OK)

    @property
    def fallback_rate(self) -> float:
        """Fraction of cycles whose Jacobian came from the fallback (0 before any cycle)."""
        return self.fallback_cycles / self.cycles if self.cycles else 0.0

    def take_worst(self) -> int:
        """Worst severity since the previous call (so a brief halt between two reports is not missed)."""
        worst, self.worst_since_report = self.worst_since_report, OK
        return worst
