"""SecantCorrection (Broyden update along the measured motion) against the exact Jacobian, and in the loop."""

import numpy as np
import pytest

from jacobian_rrmc.jacobians import make_jacobian_source
from jacobian_rrmc.jacobians.secant_correction import SecantCorrection
from jacobian_rrmc.kinematics import forward_kinematics, jacobian_world
from jacobian_rrmc.robots import load_robot
from jacobian_rrmc.ros.demo_replica import replica_closed_loop

PUMA = load_robot("puma560")
Q0 = PUMA.configuration("qn")
MIXING = np.random.default_rng(3).normal(size=(6, 6))


def skewed(q):
    """A smooth 1 %-sized error field: J0(q)·(I + 0.01·M), M fixed."""
    return jacobian_world(PUMA, q) @ (np.eye(6) + 0.01 * MIXING)


def path(count, step=1e-3):
    """A curved joint path (count, 6): each joint at its own rate, bending, steps of about `step` rad."""
    t = np.arange(count)[:, None] * step
    rates = np.array([1.0, -0.7, 0.5, 1.3, -0.9, 0.4])
    return Q0 + rates * t + 0.3 * rates[::-1] * t**2


def along(jacobian, q, direction):
    """Relative error of jacobian·direction against the exact J0(q)·direction."""
    exact = jacobian_world(PUMA, q) @ direction
    return np.linalg.norm(jacobian @ direction - exact) / np.linalg.norm(exact)


def test_correction_makes_the_estimate_exact_along_the_motion():
    """Exact at q itself, not half a step behind it (where a plain secant measures J)."""
    correction = SecantCorrection(6)
    qs = path(12)
    for q in qs[:-1]:
        corrected = correction.correct(q, forward_kinematics(PUMA, q), skewed(q))
    q, direction = qs[-2], qs[-1] - qs[-2]  # the next step the loop is about to take
    before = along(skewed(q), q, direction)
    after = along(corrected, q, direction)
    half_step_behind = along(jacobian_world(PUMA, 0.5 * (qs[-3] + qs[-2])), q, direction)
    assert before > 5e-3
    assert after < 1e-3 * before
    assert after < 0.05 * half_step_behind


def test_directions_orthogonal_to_the_step_are_untouched():
    correction = SecantCorrection(6)
    q0, q1 = path(2)
    correction.correct(q0, forward_kinematics(PUMA, q0), skewed(q0))
    corrected = correction.correct(q1, forward_kinematics(PUMA, q1), skewed(q1))
    change = corrected - skewed(q1)
    step = q1 - q0
    orthogonal = np.linalg.svd(step[None, :])[2][1:]  # 5 directions ⟂ step
    assert np.abs(change @ orthogonal.T).max() < 1e-14
    assert np.linalg.norm(change @ step) > 1e-3 * np.linalg.norm(skewed(q1) @ step)


def test_long_steps_leave_the_estimate_alone():
    correction = SecantCorrection(6, max_step=0.02)
    q0, q1 = Q0, Q0 + 0.03  # |step| = 0.073 > max_step
    correction.correct(q0, forward_kinematics(PUMA, q0), skewed(q0))
    assert np.array_equal(correction.correct(q1, forward_kinematics(PUMA, q1), skewed(q1)), skewed(q1))


def test_a_repeated_state_changes_nothing_and_keeps_the_extrapolation():
    qs = path(12)
    once, twice = SecantCorrection(6), SecantCorrection(6)
    for k, q in enumerate(qs):
        expected = once.correct(q, forward_kinematics(PUMA, q), skewed(q))
        got = twice.correct(q, forward_kinematics(PUMA, q), skewed(q))
        if k == 6:  # a timer cycle that found no new joint state
            np.testing.assert_array_equal(twice.correct(q, forward_kinematics(PUMA, q), skewed(q)), got)
        np.testing.assert_array_equal(got, expected)


def test_a_reversal_is_not_made_worse_than_the_estimate():
    """s = −s′: the previous step's measured motion covers all of s (its projection), so nothing is left to the
    estimate's error. What remains is the half-step lag of a plain secant (the path doubles back, so there is
    nothing to extrapolate from), far below the estimate's 2 %."""
    correction = SecantCorrection(6)
    qs = path(8)
    for q in qs:
        correction.correct(q, forward_kinematics(PUMA, q), skewed(q))
    back = qs[-2]  # straight back along the last step
    corrected = correction.correct(back, forward_kinematics(PUMA, back), skewed(back))
    direction = qs[-2] - qs[-1]
    assert along(corrected, back, direction) < 0.05 * along(skewed(back), back, direction)


def test_a_non_finite_state_resets_instead_of_poisoning_the_correction():
    correction = SecantCorrection(6)
    for q in path(5):
        correction.correct(q, forward_kinematics(PUMA, q), skewed(q))
    bad = np.full(6, np.nan)
    np.testing.assert_array_equal(correction.correct(bad, np.eye(4), skewed(Q0)), skewed(Q0))
    assert not correction.correction.any()


def test_correction_fades_with_the_distance_travelled():
    correction = SecantCorrection(6, length=0.1, max_step=0.02)
    for q in path(5):
        correction.correct(q, forward_kinematics(PUMA, q), skewed(q))
    learned = correction.correction.copy()
    assert np.linalg.norm(learned) > 0
    jump = path(5)[-1] + np.full(6, 0.05)  # too long to update from: only the fading applies
    correction.correct(jump, forward_kinematics(PUMA, jump), skewed(jump))
    np.testing.assert_allclose(correction.correction, learned * np.exp(-np.linalg.norm(np.full(6, 0.05)) / 0.1))


def test_a_disagreement_beyond_the_bound_is_dropped_not_trusted():
    correction = SecantCorrection(6, max_relative=0.02)
    wrong = lambda q: 1.1 * jacobian_world(PUMA, q)  # noqa: E731  10 % off: beyond what the net claims
    q0, q1 = path(2)
    correction.correct(q0, forward_kinematics(PUMA, q0), wrong(q0))
    assert np.array_equal(correction.correct(q1, forward_kinematics(PUMA, q1), wrong(q1)), wrong(q1))
    assert not correction.correction.any()


@pytest.mark.parametrize("options", [{"length": 0.0}, {"max_step": 0.0}, {"max_relative": -1.0}])
def test_bad_parameters_are_rejected(options):
    with pytest.raises(ValueError, match="need length"):
        SecantCorrection(6, **options)


def test_learned_source_corrects_along_the_path_and_a_fallback_resets_it():
    corrected = make_jacobian_source("learned", PUMA, confidence_threshold=0.0)
    net_alone = make_jacobian_source("learned", PUMA, confidence_threshold=0.0, secant_correction=False)
    qs = path(12)
    for q in qs[:-1]:
        estimate = corrected.evaluate(q)
    q, direction = qs[-2], qs[-1] - qs[-2]
    net_error = along(net_alone.evaluate(q).jacobian_world, q, direction)
    assert along(estimate.jacobian_world, q, direction) < 0.1 * net_error
    corrected.confidence_threshold = 1.0  # this cycle falls back to finite differences
    assert corrected.evaluate(qs[-1]).fell_back
    corrected.confidence_threshold = 0.0
    after_fallback = corrected.evaluate(qs[-1] + 1e-3)
    np.testing.assert_array_equal(after_fallback.jacobian_world, net_alone.evaluate(qs[-1] + 1e-3).jacobian_world)


def test_probe_uses_the_correction_without_learning_from_the_probed_configuration():
    """The singularity guard's look-ahead: the probe is not a state of the arm, so it must not update C."""
    source = make_jacobian_source("learned", PUMA, confidence_threshold=0.0)
    untouched = make_jacobian_source("learned", PUMA, confidence_threshold=0.0)
    qs = path(10)
    for q in qs[:-1]:
        source.evaluate(q)
        untouched.evaluate(q)
    ahead = qs[-2] + 1e-3 * np.ones(6)
    probed = source.probe(ahead)
    net_alone = make_jacobian_source("learned", PUMA, confidence_threshold=0.0, secant_correction=False)
    np.testing.assert_allclose(probed, net_alone.evaluate(ahead).jacobian_world + untouched._secant.correction)
    np.testing.assert_array_equal(source.evaluate(qs[-1]).jacobian_world, untouched.evaluate(qs[-1]).jacobian_world)


def test_closed_loop_learned_source_tracks_within_twice_the_analytic_error():
    """The issue's closed-loop yardstick in the deterministic demo replica (8 s script, no tilt): the net
    alone misses it, the net with the secant correction meets it."""
    errors = {}
    for label, kind, options in [
        ("analytic", "analytic", {}),
        ("net", "learned", {"secant_correction": False}),
        ("secant", "learned", {}),
    ]:
        tracking, fell_back = replica_closed_loop(PUMA, make_jacobian_source(kind, PUMA, **options), 0.0, duration=8.0)
        errors[label] = np.array(tracking.error_rms)
        assert fell_back == 0.0
    assert np.all(errors["secant"] <= 2.0 * errors["analytic"])
    assert np.any(errors["net"] > 2.0 * errors["analytic"])
