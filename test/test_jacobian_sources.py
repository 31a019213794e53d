"""Jacobian sources against roboticstoolbox-python (independent reference) and against each other."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from jacobian_rrmc.jacobians import (
    JACOBIAN_SOURCES,
    AnalyticJacobian,
    FiniteDifferenceJacobian,
    LearnedJacobian,
    LearnedModelError,
    make_jacobian_source,
)


def test_factory_builds_each_kind(puma):
    assert isinstance(make_jacobian_source("analytic", puma), AnalyticJacobian)
    assert isinstance(make_jacobian_source("finite_difference", puma, fd_step=2e-5), FiniteDifferenceJacobian)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the missing model's warning is tested below
        learned = make_jacobian_source("learned", puma, model_path="/nonexistent.onnx", on_model_error="fallback")
    assert isinstance(learned, LearnedJacobian)
    # Every advertised kind (the rrmc_node parameter's choices) builds a source that reports that name.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for kind in JACOBIAN_SOURCES:
            source = make_jacobian_source(kind, puma, model_path="/nonexistent.onnx", on_model_error="fallback")
            assert source.name == kind


@pytest.mark.parametrize(
    ("kind", "options", "match"),
    [
        ("numeric", {}, "jacobian_source"),
        ("finite_difference", {"fd_step": 0.0}, "fd_step"),
        ("finite_difference", {"fd_step": float("nan")}, "fd_step"),
        ("learned", {"on_model_error": "ignore"}, "on_model_error"),
        ("learned", {"on_model_error": "fallback", "confidence_threshold": 1.5}, "confidence_threshold"),
    ],
)
def test_factory_rejects_bad_options(puma, kind, options, match):
    with pytest.raises(ValueError, match=match):
        make_jacobian_source(kind, puma, **options)


@pytest.mark.parametrize("kind", ["analytic", "finite_difference"])
def test_sources_match_rtb(puma, rtb_puma, rng, kind):
    source = make_jacobian_source(kind, puma)
    tolerance = 1e-12 if kind == "analytic" else 1e-8
    for q in puma.random_configurations(50, rng):
        estimate = source.evaluate(q)
        assert estimate.jacobian_world.shape == (6, 6)
        np.testing.assert_allclose(estimate.jacobian_world, rtb_puma.jacob0(q), atol=tolerance)
        np.testing.assert_allclose(estimate.pose, rtb_puma.fkine(q).A, atol=1e-12)
        assert not estimate.fell_back and np.isnan(estimate.confidence)


def test_finite_difference_step_is_used(puma, rtb_puma):
    """Central-difference error grows as step²: a 1e-2 step is clearly worse than 1e-5."""
    q = puma.configuration("qn")
    reference = rtb_puma.jacob0(q)
    fine = np.abs(make_jacobian_source("finite_difference", puma, fd_step=1e-5).evaluate(q).jacobian_world - reference)
    coarse = np.abs(
        make_jacobian_source("finite_difference", puma, fd_step=1e-2).evaluate(q).jacobian_world - reference
    )
    assert fine.max() < 1e-8
    assert 1e-6 < coarse.max() < 1e-3


def test_learned_without_model_fails_by_default(puma, tmp_path):
    with pytest.raises(LearnedModelError, match="on_model_error: fallback"):
        make_jacobian_source("learned", puma, model_path=str(tmp_path / "missing.onnx"))


def test_learned_without_model_falls_back_with_one_warning(puma, rtb_puma, tmp_path):
    """Interface contract: a missing model with on_model_error=fallback warns once, sets `status`, and
    every cycle reports fell_back with a finite-difference Jacobian."""
    q = puma.configuration("qn")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        source = make_jacobian_source(
            "learned", puma, model_path=str(tmp_path / "missing.onnx"), on_model_error="fallback"
        )
        estimates = [source.evaluate(q) for _ in range(3)]
    assert len([w for w in caught if issubclass(w.category, RuntimeWarning)]) == 1
    assert source.status != "ok" and "finite differences" in source.status
    for estimate in estimates:
        assert estimate.fell_back
        np.testing.assert_allclose(estimate.jacobian_world, rtb_puma.jacob0(q), atol=1e-8)
