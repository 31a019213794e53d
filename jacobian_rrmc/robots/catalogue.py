"""The robot catalogue: one YAML file per arm in ``config/robots/``, validated on load.

File format (see config/robots/puma560.yaml for a commented example)::

    name: puma560
    angle_unit: deg            # deg or rad: alpha, theta_offset, revolute limits and
                               # velocities, base/tool rpy and configurations use it
    base_frame: base_link      # URDF root link
    tool_frame: tool0          # URDF tip link
    base: {xyz: [0, 0, 0], rpy: [0, 0, 0]}   # optional, pose of DH frame 0 in base_frame
    tool: {xyz: [0, 0, 0], rpy: [0, 0, 0]}   # optional, tool pose in DH frame N
    joints:                    # the DH table, one row per joint
      - {name: joint_1, type: revolute, d: 0.67183, a: 0.0, alpha: 90, theta_offset: 0,
         lower: -160, upper: 160, velocity: 115}
    configurations:            # optional named poses, within the limits
      qz: [0, 0, 0, 0, 0, 0]

Lengths are metres. Every error names the file, the field and what is wrong.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import yaml

from jacobian_rrmc.robots.model import RobotModel
from jacobian_rrmc.share import share_path
from jacobian_rrmc.spatial import rpy_to_matrix, transform

JOINT_COLUMNS = ("name", "type", "d", "a", "alpha", "theta_offset", "lower", "upper", "velocity")
JOINT_TYPES = ("revolute", "prismatic")
ANGLE_UNITS = {"deg": math.pi / 180.0, "rad": 1.0}


class RobotFileError(ValueError):
    """A robot description file is missing, unreadable or inconsistent."""


def robots_directory() -> Path:
    """Directory of the built-in robot files."""
    return share_path("config", "robots")


def list_robots() -> list[str]:
    """Names of the built-in robots."""
    return sorted(p.stem for p in robots_directory().glob("*.yaml"))


def load_robot(name_or_path: str | Path) -> RobotModel:
    """Load a built-in robot by name, or any robot file by path."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = robots_directory() / f"{name_or_path}.yaml"
        if not path.is_file():
            known = ", ".join(list_robots())
            raise RobotFileError(f"unknown robot {name_or_path!r} (built in: {known}; or pass a path to a .yaml file)")
    return load_robot_file(path)


def load_robot_file(path: str | Path) -> RobotModel:
    """Parse and validate one robot YAML file."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text())
    except OSError as error:
        raise RobotFileError(f"{path}: cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise RobotFileError(f"{path}: not valid YAML: {_one_line(error)}") from None
    return _RobotFileParser(path, document).parse()


def _one_line(error: yaml.YAMLError) -> str:
    """A YAML error as one line with its line/column (PyYAML's own text spans several lines)."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None)
    if mark is None or problem is None:
        return " ".join(str(error).split())
    text = f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark is not None:
        text += f" ({context} at line {context_mark.line + 1})"
    return text


class _RobotFileParser:
    """Turns one parsed YAML document into a RobotModel, naming the field of any error."""

    def __init__(self, path: Path, document) -> None:
        self.path = path
        self.document = document

    def fail(self, field: str, problem: str):
        raise RobotFileError(f"{self.path}: field '{field}': {problem}")

    def number(self, value, field: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(field, f"expected a number, got {value!r}")
        if not math.isfinite(value):
            self.fail(field, f"expected a finite number, got {value!r}")
        return float(value)

    def vector(self, value, length: int, field: str) -> np.ndarray:
        if not isinstance(value, (list, tuple)):
            self.fail(field, f"expected a list of {length} numbers, got {value!r}")
        if len(value) != length:
            self.fail(field, f"expected {length} values, got {len(value)}")
        return np.array([self.number(v, f"{field}[{i}]") for i, v in enumerate(value)])

    def text(self, value, field: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(field, f"expected a non-empty string, got {value!r}")
        return value

    def parse(self) -> RobotModel:
        doc = self.document
        if not isinstance(doc, dict):
            raise RobotFileError(f"{self.path}: expected a mapping at the top level, got {type(doc).__name__}")
        known = {
            "name",
            "description",
            "angle_unit",
            "base_frame",
            "tool_frame",
            "base",
            "tool",
            "joints",
            "configurations",
            "source",
        }
        for key in doc:
            if key not in known:
                self.fail(str(key), f"unknown field (known: {', '.join(sorted(known))})")
        name = self.text(doc.get("name"), "name")
        unit = doc.get("angle_unit", "rad")
        if unit not in ANGLE_UNITS:
            self.fail("angle_unit", f"expected one of {sorted(ANGLE_UNITS)}, got {unit!r}")
        scale = ANGLE_UNITS[unit]
        rows = doc.get("joints")
        if not isinstance(rows, list) or not rows:
            self.fail("joints", "expected a non-empty list of joint rows")
        columns = {column: [] for column in JOINT_COLUMNS}
        for i, row in enumerate(rows):
            self.joint_row(row, i, scale, columns)
        n = len(rows)
        names = tuple(columns["name"])
        if len(set(names)) != n:
            self.fail("joints[*].name", f"joint names must be unique, got {list(names)}")
        prismatic = np.array([t == "prismatic" for t in columns["type"]])
        q_min, q_max = np.array(columns["lower"]), np.array(columns["upper"])
        configurations = {}
        for key, value in (doc.get("configurations") or {}).items():
            field = f"configurations.{key}"
            q = self.vector(value, n, field) * np.where(prismatic, 1.0, scale)
            outside = np.flatnonzero((q < q_min - 1e-12) | (q > q_max + 1e-12))
            if outside.size:
                self.fail(field, f"joint {names[outside[0]]} is outside its limits")
            configurations[str(key)] = q
        return RobotModel(
            name=name,
            d=np.array(columns["d"]),
            a=np.array(columns["a"]),
            alpha=np.array(columns["alpha"]),
            theta_offset=np.array(columns["theta_offset"]),
            prismatic=prismatic,
            base=self.frame(doc.get("base"), "base", scale),
            tool=self.frame(doc.get("tool"), "tool", scale),
            q_min=q_min,
            q_max=q_max,
            qd_max=np.array(columns["velocity"]),
            joint_names=names,
            base_frame=self.text(doc.get("base_frame", "base_link"), "base_frame"),
            tool_frame=self.text(doc.get("tool_frame", "tool0"), "tool_frame"),
            configurations=configurations,
            description=str(doc.get("description", "")),
        )

    def joint_row(self, row, i: int, scale: float, columns: dict) -> None:
        where = f"joints[{i}]"
        if not isinstance(row, dict):
            self.fail(where, f"expected a mapping with keys {', '.join(JOINT_COLUMNS)}")
        for column in JOINT_COLUMNS:
            if column not in row:
                self.fail(f"{where}.{column}", "missing")
        for column in row:
            if column not in JOINT_COLUMNS:
                self.fail(f"{where}.{column}", f"unknown column (known: {', '.join(JOINT_COLUMNS)})")
        columns["name"].append(self.text(row["name"], f"{where}.name"))
        kind = row["type"]
        if kind not in JOINT_TYPES:
            self.fail(f"{where}.type", f"expected one of {', '.join(JOINT_TYPES)}, got {kind!r}")
        columns["type"].append(kind)
        # Joint-variable units: angles for revolute joints, metres for prismatic ones.
        joint_scale = scale if kind == "revolute" else 1.0
        columns["d"].append(self.number(row["d"], f"{where}.d"))
        columns["a"].append(self.number(row["a"], f"{where}.a"))
        columns["alpha"].append(self.number(row["alpha"], f"{where}.alpha") * scale)
        columns["theta_offset"].append(self.number(row["theta_offset"], f"{where}.theta_offset") * scale)
        lower = self.number(row["lower"], f"{where}.lower") * joint_scale
        upper = self.number(row["upper"], f"{where}.upper") * joint_scale
        if not lower < upper:
            self.fail(f"{where}.lower", f"lower limit {row['lower']} must be below upper limit {row['upper']}")
        columns["lower"].append(lower)
        columns["upper"].append(upper)
        velocity = self.number(row["velocity"], f"{where}.velocity") * joint_scale
        if not velocity > 0:
            self.fail(f"{where}.velocity", f"velocity limit must be positive, got {row['velocity']}")
        columns["velocity"].append(velocity)

    def frame(self, spec, field: str, scale: float) -> np.ndarray:
        if spec is None:
            return np.eye(4)
        if not isinstance(spec, dict) or set(spec) - {"xyz", "rpy"}:
            self.fail(field, f"expected a mapping with keys xyz (metres) and rpy (angle_unit), got {spec!r}")
        xyz = self.vector(spec.get("xyz", [0, 0, 0]), 3, f"{field}.xyz")
        rpy = self.vector(spec.get("rpy", [0, 0, 0]), 3, f"{field}.rpy") * scale
        return transform(rpy_to_matrix(rpy), xyz)
