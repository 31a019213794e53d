"""Locate the package's data files (config/, launch/, urdf/, models/) however it was installed.

Three layouts are searched in order:
1. a colcon/ament install: ``share/jacobian_rrmc`` found through the ament index;
2. a pip install: the copy that setup.py places inside the package as ``jacobian_rrmc/share``;
3. a source checkout or editable install: the repository root next to the package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

PACKAGE = "jacobian_rrmc"
SHARE_DIRS = ("config", "launch", "urdf", "models")


def _ament_share() -> Path | None:
    try:
        from ament_index_python.packages import PackageNotFoundError, get_package_share_directory
    except ImportError:
        return None
    try:
        return Path(get_package_share_directory(PACKAGE))
    except (PackageNotFoundError, LookupError, ValueError, OSError):  # OSError: AMENT_PREFIX_PATH unset
        return None


@lru_cache(maxsize=1)
def share_directory() -> Path:
    """The directory holding config/, launch/, urdf/ and models/ for this installation."""
    package_dir = Path(__file__).resolve().parent
    candidates = [_ament_share(), package_dir / "share", package_dir.parent]
    for candidate in candidates:
        if candidate is not None and (candidate / "config" / "robots").is_dir():
            return candidate
    searched = ", ".join(str(c) for c in candidates if c is not None)
    raise FileNotFoundError(f"{PACKAGE} data files not found (searched {searched}); reinstall the package")


def share_path(*parts: str) -> Path:
    """Path of a data file, e.g. ``share_path("config", "rrmc.yaml")``."""
    return share_directory().joinpath(*parts)
