"""Reading setup.py without running it: the console scripts its entry_points declare."""

from __future__ import annotations

import ast
from pathlib import Path


def console_scripts(setup_py: Path) -> list[str]:
    """Names of the console_scripts declared in setup.py's entry_points."""
    for node in ast.walk(ast.parse(setup_py.read_text())):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "console_scripts":
                    return [ast.literal_eval(item).split("=")[0].strip() for item in value.elts]
    raise AssertionError("setup.py declares no console_scripts")
