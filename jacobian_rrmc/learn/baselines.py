"""scikit-learn (and LightGBM/XGBoost when installed) baselines of the paper's Tables VI and VII.

Baselines see the paper's inputs: the 24 raw M3 columns (18 DH + 6 pose), standardised. Slow
methods train on subsamples (sizes in `CLASSIFIER_SUBSAMPLE` / `REGRESSOR_SUBSAMPLE`, reported in the
tables) so the whole benchmark runs in minutes on two cores.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import AdaBoostClassifier, RandomForestClassifier
from sklearn.gaussian_process import GaussianProcessClassifier, GaussianProcessRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge, RidgeClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from jacobian_rrmc.learn.timing import batch_timing

CLASSIFIER_SUBSAMPLE = {"SVM (RBF)": 5000, "SVM (sigmoid)": 5000, "Gaussian process": 1500}
REGRESSOR_SUBSAMPLE = {"Gaussian process": 1500}
DEFAULT_SUBSAMPLE = 50000


def _classifiers(seed: int) -> dict:
    models = {
        "SVM (RBF)": SVC(kernel="rbf"),
        "SVM (sigmoid)": SVC(kernel="sigmoid"),
        "SVM (linear, L2)": LinearSVC(),
        "Logistic regression": LogisticRegression(max_iter=1000),
        "Ridge (0.5)": RidgeClassifier(alpha=0.5),
        "Naive Bayes": GaussianNB(),
        "Gaussian process": GaussianProcessClassifier(random_state=seed),
        "Decision tree": DecisionTreeClassifier(random_state=seed),
        "Random forest": RandomForestClassifier(n_estimators=100, n_jobs=1, random_state=seed),
        "AdaBoost DT": AdaBoostClassifier(random_state=seed),
    }
    if importlib.util.find_spec("xgboost"):
        from xgboost import XGBClassifier

        models["XGBoost"] = XGBClassifier(n_jobs=1, random_state=seed)
    if importlib.util.find_spec("lightgbm"):
        from lightgbm import LGBMClassifier

        models["LightGBM"] = LGBMClassifier(n_jobs=1, random_state=seed, verbose=-1)
    return models


def _regressors(seed: int) -> dict:
    return {
        "Linear regression": LinearRegression(),
        "Ridge": Ridge(alpha=0.5),
        "Decision tree": DecisionTreeRegressor(random_state=seed),
        "Gaussian process": GaussianProcessRegressor(random_state=seed),
        "k-NN": KNeighborsRegressor(n_neighbors=5),
    }


@dataclass
class BaselineResult:
    name: str
    predictions: np.ndarray
    seconds_per_sample: float
    train_samples: int


def run_baselines(task: str, train_x, train_y, test_x, seed: int, progress=None) -> list[BaselineResult]:
    """Fit every baseline of `task` ("classification" | "regression") and predict the test rows.

    Time per sample = best of three batch predictions over the test set / test rows (the paper's "avg. time").
    """
    models = _classifiers(seed) if task == "classification" else _regressors(seed)
    subsample = CLASSIFIER_SUBSAMPLE if task == "classification" else REGRESSOR_SUBSAMPLE
    rng = np.random.default_rng(seed)
    results = []
    for name, model in models.items():
        count = min(subsample.get(name, DEFAULT_SUBSAMPLE), len(train_x))
        rows = np.sort(rng.choice(len(train_x), count, replace=False))
        pipeline = make_pipeline(StandardScaler(), model).fit(train_x[rows], train_y[rows])
        seconds_per_sample, predicted = batch_timing(lambda p=pipeline: p.predict(test_x), len(test_x))
        results.append(BaselineResult(name, np.asarray(predicted), seconds_per_sample, count))
        if progress is not None:
            progress(name)
    return results
