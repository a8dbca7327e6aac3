"""Where things are: the repository, its addons, the per-user cache, the logs."""

import ast
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ADDON = "serial_procurement"
ADDON_DIR = REPO / ADDON
VAR = REPO / "var"
LOGS = VAR / "log"
# OCA addons and test tools installed into the bootstrapped (or found) Odoo's python.
TEST_REQUIREMENTS = REPO / "test-requirements.txt"
ADDON_REQUIREMENTS = REPO / "requirements.txt"


def cache_root():
    """The per-user cache shared by every clone: $SP_CACHE_DIR, else XDG's."""
    if os.environ.get("SP_CACHE_DIR"):
        return Path(os.environ["SP_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "serial_procurement"


def repo_addons(root=REPO):
    """The addons of this repository: serial_procurement and its bridges, in order."""
    found = [
        path.name
        for path in sorted(Path(root).iterdir())
        if (path / "__manifest__.py").is_file() and path.name.startswith(ADDON)
    ]
    return sorted(found, key=lambda name: (name != ADDON, name))


def manifest(addon, root=REPO):
    return ast.literal_eval((Path(root) / addon / "__manifest__.py").read_text())


def external_depends(root=REPO):
    """Modules the repository's addons depend on that the repository does not hold."""
    ours = set(repo_addons(root))
    depends = set()
    for addon in ours:
        depends.update(manifest(addon, root).get("depends", []))
    return sorted(depends - ours)


def read_requirements(path):
    """Requirement lines of a pip requirements file (comments and blanks dropped)."""
    path = Path(path)
    if not path.is_file():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]
