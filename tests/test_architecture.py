"""No module uses another module's private names (issue 15 §3): what two modules share is made
public, or moved to where both can import it. The import-linter contracts in pyproject.toml
(run by `make test`) keep the layers one way and the packages free of import circles."""

from __future__ import annotations

import ast
from pathlib import Path

from portal.config import ROOT

PORTAL = ROOT / "portal"


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_from(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The absolute name of the module a `from ... import` reads."""
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_uses(path: Path, root: Path = ROOT) -> list[str]:
    """`from X import _name`, and `name._private` where `name` came from another portal module."""
    importer = module_name(path, root)
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    from_portal: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = imported_from(node, importer, path.name == "__init__.py")
            for alias in node.names:
                if is_private(alias.name):
                    found.append(f"{importer}:{node.lineno} imports {source}.{alias.name}")
                if source.split(".")[0] == "portal":
                    from_portal.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "portal":
                    from_portal.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and is_private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in from_portal
        ):
            found.append(f"{importer}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    found = [use for path in sorted(PORTAL.rglob("*.py")) for use in private_uses(path)]
    assert found == []


def test_the_check_finds_private_names(tmp_path):
    package = tmp_path / "portal" / "staff"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    sample = package / "letters.py"
    sample.write_text(
        "from ..journey.summary import _question_row\n"
        "from . import invitations\n"
        "invitations._invitation(1, 2)\n"
        "self._kept = __name__\n"
    )
    assert private_uses(sample, root=tmp_path) == [
        "portal.staff.letters:1 imports portal.journey.summary._question_row",
        "portal.staff.letters:3 uses invitations._invitation",
    ]
