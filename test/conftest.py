"""Shared pytest fixtures: a seeded random generator and the repository root."""

from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh generator with a fixed seed, so every test draws the same numbers each run."""
    return np.random.default_rng(20260521)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The source checkout that holds setup.py, config/ and jacobian_rrmc/."""
    return REPO_ROOT
