"""A URDF (XML text) for a standard-DH `RobotModel`, so robot_state_publisher and RViz show the arm.

Standard DH link i is Rz(θᵢ)·Tz(dᵢ)·Tx(aᵢ)·Rx(αᵢ), while a URDF joint is origin·motion with the
motion last. So joint i is placed where θᵢ turns, on the z axis of DH frame i−1:

    origin of joint i = [Tz(dᵢ₋₁)·Tx(aᵢ₋₁)·Rx(αᵢ₋₁) of the link before] · Rz(theta_offsetᵢ)

and it turns (revolute) or slides (prismatic) about z. A prismatic joint's fixed part d[i] goes
into its origin too (Tz commutes with Rz), leaving Tz(qᵢ) as the motion. The links are

    base_frame ─fixed(base)→ link_0 (DH frame 0) ─joint_1→ link_1 … ─joint_N→ link_N
        ─fixed(Tz·Tx·Rx of link N)→ flange (DH frame N) ─fixed(tool)→ tool_frame

so link_i's frame sits on joint i's axis (not at DH frame i), and base_frame → tool_frame is
exactly the DH forward kinematics. Geometry is cylinders along the DH offsets; masses assume
solid aluminium (plausible, not the real arm's). Effort limits are not in the robot files and
are written as 0 (unknown).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import numpy as np

from jacobian_rrmc import __version__
from jacobian_rrmc.robots import RobotModel
from jacobian_rrmc.spatial import matrix_to_rpy, rot_x, rot_z, transform
from jacobian_rrmc.urdf.geometry import Cylinder, cylinder_between, inertial_of, polyline_cylinders

DENSITY = 2700.0  # kg/m³, solid aluminium
MATERIALS = {
    "dark_grey": "0.25 0.25 0.28 1",
    "orange": "0.95 0.5 0.12 1",
    "light_grey": "0.82 0.82 0.84 1",
}


@dataclass(frozen=True)
class ChainJoint:
    """One URDF joint: `origin` is the child frame's pose in the parent frame at joint value 0."""

    name: str
    kind: str  # "revolute", "prismatic" or "fixed"
    parent: str
    child: str
    origin: np.ndarray
    index: int | None = None  # position in robot.joint_names, for moving joints


@dataclass(frozen=True)
class ChainLink:
    """One URDF link: its cylinders (link frame) and colour; `inertial` False for the root."""

    name: str
    material: str
    cylinders: list[Cylinder] = field(default_factory=list)
    inertial: bool = True


def _tz(length: float) -> np.ndarray:
    return transform(None, [0.0, 0.0, length])


def link_names(robot: RobotModel) -> list[str]:
    """URDF link names, root to tip."""
    names = [robot.base_frame, "link_0"] + [f"link_{i + 1}" for i in range(robot.n_joints)]
    names += ["flange", robot.tool_frame]
    if len(set(names)) != len(names):
        raise ValueError(f"robot {robot.name!r}: base_frame/tool_frame clash with generated link names {names}")
    return names


def dh_joint_chain(robot: RobotModel) -> list[ChainJoint]:
    """The URDF joints of `robot`, root to tip (see the module docstring for the layout)."""
    links = link_names(robot)
    joints = [ChainJoint(f"{links[0]}-link_0", "fixed", links[0], "link_0", robot.base)]
    after_previous = np.eye(4)  # Tz(d)·Tx(a)·Rx(α) still to apply from the previous DH link
    for i in range(robot.n_joints):
        prismatic = bool(robot.prismatic[i])
        origin = after_previous @ transform(rot_z(robot.theta_offset[i]))
        if prismatic:
            origin = origin @ _tz(robot.d[i])
        kind = "prismatic" if prismatic else "revolute"
        joints.append(ChainJoint(robot.joint_names[i], kind, links[i + 1], links[i + 2], origin, i))
        fixed_d = 0.0 if prismatic else robot.d[i]
        after_previous = _tz(fixed_d) @ transform(None, [robot.a[i], 0.0, 0.0]) @ transform(rot_x(robot.alpha[i]))
    joints.append(ChainJoint(f"{links[-3]}-flange", "fixed", links[-3], "flange", after_previous))
    joints.append(ChainJoint(f"flange-{links[-1]}", "fixed", "flange", links[-1], robot.tool))
    return joints


def link_radius(robot: RobotModel) -> float:
    """Cylinder radius (m) for drawing: 2.5 % of the summed DH lengths, within [1, 6] cm."""
    reach = np.abs(robot.a).sum() + np.abs(robot.d).sum() + np.linalg.norm(robot.tool[:3, 3])
    return float(np.clip(0.025 * reach, 0.01, 0.06))


def chain_links(robot: RobotModel, joints: list[ChainJoint]) -> list[ChainLink]:
    """The links, each drawn as cylinders along its DH offsets to the next joint's origin."""
    radius = link_radius(robot)
    child_joint = {joint.parent: joint for joint in joints}
    links = []
    for name in link_names(robot):
        path = [np.zeros(3)]
        cylinders = []
        moving = next((j for j in joints if j.child == name and j.index is not None), None)
        if moving is not None:
            i = moving.index
            # The joint housing, then the DH offsets: up d (revolute only), out along a.
            cylinders.append(Cylinder(1.3 * radius, 2.4 * radius, np.eye(4)))
            fixed_d = 0.0 if robot.prismatic[i] else robot.d[i]
            path += [np.array([0.0, 0.0, fixed_d]), np.array([robot.a[i], 0.0, fixed_d])]
        if name in child_joint:
            path.append(child_joint[name].origin[:3, 3])
        if name == robot.base_frame:
            cylinders.append(Cylinder(2.0 * radius, 0.5 * radius, transform(None, [0.0, 0.0, 0.25 * radius])))
        if name == "flange":
            cylinders.append(cylinder_between([0.0, 0.0, -0.3 * radius], [0.0, 0.0, 0.0], 1.1 * radius))
        cylinders += polyline_cylinders(path, radius)
        material = _material(moving)
        links.append(ChainLink(name, material, cylinders, inertial=name != robot.base_frame))
    return links


def _material(moving: ChainJoint | None) -> str:
    if moving is None:
        return "dark_grey"
    return "orange" if moving.index % 2 == 0 else "light_grey"


def _number(value: float) -> str:
    """Fixed-width-free text for a float: 15 significant digits, tiny values as 0.

    15 digits hide last-bit rounding differences between machines, so regenerated files
    stay byte-identical, and still keep poses exact to ~1e-15 relative.
    """
    value = float(value)
    if abs(value) < 1e-12:
        value = 0.0
    return f"{value:.15g}"


def _numbers(values) -> str:
    return " ".join(_number(v) for v in values)


def _origin(parent: ET.Element, pose: np.ndarray) -> None:
    ET.SubElement(parent, "origin", xyz=_numbers(pose[:3, 3]), rpy=_numbers(matrix_to_rpy(pose[:3, :3])))


def _link_element(link: ChainLink) -> ET.Element:
    element = ET.Element("link", name=link.name)
    if link.inertial and link.cylinders:
        mass, centre, inertia = inertial_of(link.cylinders, DENSITY)
        inertial = ET.SubElement(element, "inertial")
        ET.SubElement(inertial, "origin", xyz=_numbers(centre), rpy="0 0 0")
        ET.SubElement(inertial, "mass", value=_number(mass))
        keys = {"ixx": (0, 0), "ixy": (0, 1), "ixz": (0, 2), "iyy": (1, 1), "iyz": (1, 2), "izz": (2, 2)}
        ET.SubElement(inertial, "inertia", {key: _number(inertia[index]) for key, index in keys.items()})
    for tag in ("visual", "collision"):
        for cylinder in link.cylinders:
            shape = ET.SubElement(element, tag)
            _origin(shape, cylinder.origin)
            geometry = ET.SubElement(shape, "geometry")
            ET.SubElement(geometry, "cylinder", radius=_number(cylinder.radius), length=_number(cylinder.length))
            if tag == "visual":
                ET.SubElement(shape, "material", name=link.material)
    return element


def _joint_element(joint: ChainJoint, robot: RobotModel) -> ET.Element:
    element = ET.Element("joint", name=joint.name, type=joint.kind)
    _origin(element, joint.origin)
    ET.SubElement(element, "parent", link=joint.parent)
    ET.SubElement(element, "child", link=joint.child)
    if joint.index is not None:
        i = joint.index
        ET.SubElement(element, "axis", xyz="0 0 1")
        limits = {"lower": robot.q_min[i], "upper": robot.q_max[i], "velocity": robot.qd_max[i], "effort": 0.0}
        ET.SubElement(element, "limit", {key: _number(value) for key, value in limits.items()})
    return element


def _header(robot: RobotModel, source: str, command: str) -> str:
    lines = [
        f"URDF of {robot.description or robot.name}.",
        f"Generated by jacobian_rrmc {__version__} from {source}; do not edit, regenerate:",
        f"  {command}",
        "Joint i sits on the z axis of DH frame i-1 (link_i is on joint i's axis); link_0 is DH",
        "frame 0 and flange is DH frame N. Geometry: cylinders along the DH offsets, masses for",
        "solid aluminium (plausible, not measured). Effort limits unknown, written as 0.",
    ]
    # "--" may not appear inside an XML comment.
    return "\n".join("  " + line.replace("--", "- -") for line in lines)


def robot_to_urdf(robot: RobotModel, *, source: str, command: str) -> str:
    """URDF XML text for `robot`; `source` (robot file) and `command` go into the header comment."""
    joints = dh_joint_chain(robot)
    root = ET.Element("robot", name=robot.name)
    for name, rgba in MATERIALS.items():
        ET.SubElement(ET.SubElement(root, "material", name=name), "color", rgba=rgba)
    for link in chain_links(robot, joints):
        root.append(_link_element(link))
    for joint in joints:
        root.append(_joint_element(joint, robot))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0"?>\n<!--\n{_header(robot, source, command)}\n-->\n{body}\n'
