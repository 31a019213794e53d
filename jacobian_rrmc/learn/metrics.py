"""The paper's evaluation metrics (Tables VI and VII), computed with scikit-learn.

Regression metrics use targets min-max scaled to [−1, 1] with the training set's ranges, as in the
paper; columns that are constant in the training set (e.g. J0's ωz of joint 1 ≡ 1) are left out,
because their R²/EVS is undefined and every method reproduces them trivially.
"""

from __future__ import annotations

import numpy as np
from sklearn import metrics as sk

THRESHOLDS = (0.25, 0.5, 0.75)


def threshold_metrics(truth: np.ndarray, confidence: np.ndarray) -> dict:
    """{"threshold_0.25": classification_metrics(...), …}: the confidence cut at each of `THRESHOLDS`."""
    return {f"threshold_{t:g}": classification_metrics(truth, confidence >= t) for t in THRESHOLDS}


def classification_metrics(truth: np.ndarray, predicted: np.ndarray) -> dict:
    """JSC, 0-1 loss, precision, recall, MCC for boolean labels.

    JSC is the paper's "Jaccard similarity": scikit-learn's old ``jaccard_similarity_score``, which for
    one binary label per sample is the accuracy (hence JSC = 1 − 0-1 loss in the paper's table).
    """
    truth, predicted = np.asarray(truth, dtype=bool), np.asarray(predicted, dtype=bool)
    return {
        "jsc": float(sk.accuracy_score(truth, predicted)),
        "zero_one_loss": float(sk.zero_one_loss(truth, predicted)),
        "precision": float(sk.precision_score(truth, predicted, zero_division=0)),
        "recall": float(sk.recall_score(truth, predicted, zero_division=0)),
        "mcc": float(sk.matthews_corrcoef(truth, predicted)),
    }


def regression_metrics(truth_si: np.ndarray, predicted_si: np.ndarray, low: np.ndarray, high: np.ndarray) -> dict:
    """MAE, MSE, EVS, R² (uniform average) on [−1, 1]-scaled non-constant columns.

    truth_si, predicted_si: (n, L) world-frame Jacobian rows in SI; low, high: (L,) training-set ranges.
    """
    varying = (high - low) > 1e-9
    scale = lambda values: (2 * (values - low) / np.where(varying, high - low, 1.0) - 1)[:, varying]  # noqa: E731
    truth, predicted = scale(truth_si), scale(predicted_si)
    return {
        "mae": float(sk.mean_absolute_error(truth, predicted)),
        "mse": float(sk.mean_squared_error(truth, predicted)),
        "evs": float(sk.explained_variance_score(truth, predicted)),
        "r2": float(sk.r2_score(truth, predicted)),
        "columns": int(varying.sum()),
    }
