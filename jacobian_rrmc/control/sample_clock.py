"""Joint-state sample times on the controller's clock: arrival times refined by the sender's stamps.

The drift reference (`drift.py`) is aligned with the instant the joint positions were sampled. A
message's arrival time carries the transport and executor delay, which jitters (about 0.1 ms typically
in the demo, 2 ms when the executor runs a callback late); the sender's stamp (a JointState header) is
the sample instant itself, but on the sender's clock. Differences of consecutive sender stamps are
exact, so a sample time here is the previous sample time plus the sender-stamp step: the controller's
clock with the sender's precision. A missing, repeated or backward sender stamp, or one that would put
the sample time more than `max_offset` s away from the arrival time (a sender clock jump or a different
time base), falls back to the arrival time: a sender without usable stamps costs precision, never safety.
"""

from __future__ import annotations


class SampleClock:
    """Sample times (s, controller clock) of successive joint states."""

    def __init__(self, max_offset: float) -> None:
        self.max_offset = max_offset
        self._sample_time: float | None = None
        self._sender_stamp: float | None = None

    def update(self, arrival: float, sender_stamp: float | None = None) -> float:
        """Sample time of a joint state that arrived at `arrival` (s, controller clock) carrying `sender_stamp`
        (s, sender's clock; None when it has none)."""
        previous_sample, previous_stamp = self._sample_time, self._sender_stamp
        self._sender_stamp = sender_stamp
        sample = arrival
        if sender_stamp is not None and previous_stamp is not None and previous_sample is not None:
            step = sender_stamp - previous_stamp
            if step > 0.0 and abs(previous_sample + step - arrival) <= self.max_offset:
                sample = previous_sample + step
        self._sample_time = sample
        return sample
