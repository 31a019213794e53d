"""Learned workspace maps: reachability from the confidence net, manipulability from the estimation net.

The M3-family nets (helper models kind "m3_confidence" and "m3_jacob0", run by
`jacobian_rrmc.learn.runtime`) take raw M3 rows; a catalogue arm is fed through its M3 form
(`m3_equivalent`). What the nets learned is the M3 label: a pose is reachable when closed-form IK
has a solution with manipulability above the 0.03 cutoff, with no joint limits (M3 arms have
none), and the Jacobian is that of the most manipulable branch. Cells whose raw row lies outside
the ranges the nets were trained on are reported separately instead of being guessed.

A pose counts as reachable when the confidence net says so and the estimated manipulability
exceeds the label's cutoff: the label is "IK exists and manipulability > 0.03", and the
estimation net knows the second half better (≈2 % error) than the confidence net does near the
cutoff, where most of its mistakes lie.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from jacobian_rrmc.dataset.reachability import MANIPULABILITY_CUTOFF
from jacobian_rrmc.ik import BRANCHES
from jacobian_rrmc.kinematics import manipulability
from jacobian_rrmc.learn.runtime import JacobianNetRuntime, ModelFileError
from jacobian_rrmc.share import share_path
from jacobian_rrmc.workspace.m3_equivalent import m3_equivalent

CONFIDENCE_KIND = "m3_confidence"
ESTIMATION_KIND = "m3_jacob0"
CONFIDENCE_THRESHOLD = 0.5
_CHUNK = 50_000
# Training ranges are sample minima and maxima: widen them by 1% of their width (a DH length of 0,
# like the Sixi 2's d3, lies a hair below the smallest U[0, 0.5] draw).
_RANGE_MARGIN = 0.01


@dataclass(frozen=True)
class LearnedMap:
    """Learned values per target pose.

    Attributes:
        manipulability: (B,) √det(J·Jᵀ) of the estimated J0 where the confidence net says
            reachable, the estimate exceeds the cutoff and the input is inside the training
            ranges; NaN elsewhere.
        confidence: (B,) confidence-net output in [0, 1] (NaN outside the training ranges).
        inside: (B,) True where the raw M3 row lies inside the confidence net's training ranges
            and, for poses it calls reachable, inside the estimation net's too.
        note: which models made the map, for figure titles.
    """

    manipulability: np.ndarray
    confidence: np.ndarray
    inside: np.ndarray
    note: str


def find_model(kind: str, directory: str | Path | None = None, **expected) -> JacobianNetRuntime:
    """The first .onnx model (by file name) in `directory` (default: the installed models/) of metadata kind
    `kind` (and any further `JacobianNetRuntime` expectations), loaded."""
    directory = share_path("models") if directory is None else Path(directory)
    for path in sorted(Path(directory).glob("*.onnx")):
        try:
            return JacobianNetRuntime(path, kind=kind, **expected)
        except ModelFileError:
            continue
    raise FileNotFoundError(f"no {kind!r} ONNX model in {directory} (train and export the JacobianNet models first)")


class LearnedWorkspace:
    """The confidence and estimation nets, ready to fill workspace maps of one arm.

    Args:
        robot: a catalogue arm with an M3 form (puma560, sixi2, M3 arms).
        models: directory to search for the two ONNX files (default: the installed models/).
        threshold: confidence at or above which a pose counts as reachable.
        cutoff: estimated manipulability a reachable pose must exceed (the M3 label's 0.03).
    """

    def __init__(
        self,
        robot,
        models: str | Path | None = None,
        threshold: float = CONFIDENCE_THRESHOLD,
        cutoff: float = MANIPULABILITY_CUTOFF,
    ):
        self.form = m3_equivalent(robot)
        self.confidence_net = find_model(CONFIDENCE_KIND, models)
        self.estimation_net = find_model(ESTIMATION_KIND, models, n_joints=6)
        self.takes_branch = "branch" in self.estimation_net.input_names
        self.threshold = float(threshold)
        self.cutoff = float(cutoff)

    @property
    def note(self) -> str:
        return (
            f"nets {self.confidence_net.path.name} + {self.estimation_net.path.name}"
            + (" (best of 8 branches)" if self.takes_branch else "")
            + f", confidence ≥ {self.threshold:g} and estimated manipulability > {self.cutoff:g} "
            "(M3 labels: no joint limits)"
        )

    def evaluate(self, poses: np.ndarray, progress: bool = True) -> LearnedMap:
        """Learned manipulability for tool poses (B, 4, 4) in the world frame."""
        raw = self.form.raw_rows(poses)
        count = len(raw)
        inside = self.confidence_net.inside_training_ranges(raw, _RANGE_MARGIN)
        confidence = np.full(count, np.nan)
        value = np.full(count, np.nan)
        rows = np.flatnonzero(inside)
        with tqdm(total=rows.size, desc="learned", unit="pose", disable=not progress, leave=False) as bar:
            for start in range(0, rows.size, _CHUNK):
                chunk = rows[start : start + _CHUNK]
                confidence[chunk] = self.confidence_net.predict(raw[chunk])["confidence"].reshape(-1)
                reachable = chunk[confidence[chunk] >= self.threshold]
                # The estimation net saw only reachable poses, so its ranges can be narrower.
                inside[reachable] = self.estimation_net.inside_training_ranges(raw[reachable], _RANGE_MARGIN)
                confidence[reachable[~inside[reachable]]] = np.nan
                reachable = reachable[inside[reachable]]
                if reachable.size:
                    estimate = self.estimated_manipulability(raw[reachable])
                    value[reachable] = np.where(estimate > self.cutoff, estimate, np.nan)
                bar.update(chunk.size)
        return LearnedMap(value, confidence, inside, self.note)

    def estimated_manipulability(self, raw: np.ndarray, branch: np.ndarray | None = None) -> np.ndarray:
        """Manipulability of the estimation net's J0 for raw M3 rows (B, 24).

        A net that takes the IK branch gets `branch` (B,) when given (the M3 form's branch, e.g. from
        IK for a diagnosis); otherwise the best of its 8 per-branch estimates, because the M3 label is
        the most manipulable branch (M3 arms have no joint limits) and a map must not solve IK.
        """
        if not self.takes_branch or branch is not None:
            return manipulability(self.estimation_net.predict(raw, branch)["jacobian"].astype(np.float64))
        per_branch = [
            manipulability(self.estimation_net.predict(raw, np.full(len(raw), b))["jacobian"].astype(np.float64))
            for b in range(BRANCHES)
        ]
        return np.max(per_branch, axis=0)
