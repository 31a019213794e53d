"""Input standardisation and target min-max scaling (the paper's recipe), fitted on the training split."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Scaling:
    """features → (features − mean)/std; targets → [−1, 1] by per-column min-max.

    Constant columns get std 1 / range 2 so they pass through unchanged (offset only).
    """

    feature_mean: np.ndarray
    feature_std: np.ndarray
    target_min: np.ndarray
    target_max: np.ndarray

    @classmethod
    def fit(cls, features: np.ndarray, targets: np.ndarray | None) -> Scaling:
        std = features.std(axis=0)
        if targets is None:
            low, high = np.zeros(0), np.zeros(0)
        else:
            low, high = targets.min(axis=0), targets.max(axis=0)
        return cls(features.mean(axis=0), np.where(std > 1e-9, std, 1.0), low, high)

    @property
    def target_half_range(self) -> np.ndarray:
        half = 0.5 * (self.target_max - self.target_min)
        return np.where(half > 1e-9, half, 1.0)

    @property
    def target_output_gain(self) -> np.ndarray:
        """Half range for de-scaling, 0 for constant columns so they come out exactly as the constant."""
        half = 0.5 * (self.target_max - self.target_min)
        return np.where(half > 1e-9, half, 0.0)

    @property
    def target_centre(self) -> np.ndarray:
        return 0.5 * (self.target_max + self.target_min)

    def features(self, features: np.ndarray) -> np.ndarray:
        return (features - self.feature_mean) / self.feature_std

    def scale_targets(self, targets: np.ndarray) -> np.ndarray:
        return (targets - self.target_centre) / self.target_half_range

    def unscale_targets(self, scaled: np.ndarray) -> np.ndarray:
        return scaled * self.target_output_gain + self.target_centre
