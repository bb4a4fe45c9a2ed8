"""The order of layers (ARCHITECTURE.md): a module imports only from its own app and the apps below it.

cxcenter ← surveys ← feedback ← facilities ← kpi ← reports. A lower layer that must reach a higher one offers a
cxcenter.registry.Registry that the higher app fills in ready(). Services hand work to tasks by name
(cxcenter.queue.enqueue), so a services module never imports a tasks module, which imports the services.
"""

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
LAYERS = ["cxcenter", "surveys", "feedback", "facilities", "kpi", "reports"]


def imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in the file, module-level or inside a function, relative ones resolved."""
    package = list(path.relative_to(root).with_suffix("").parts)[:-1]  # a module's package, or the package itself
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.append((node.lineno, module))
            # `from . import tasks` names a module, not an attribute.
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def layer_violations(root: Path = PROJECT) -> list[str]:
    rank = {app: number for number, app in enumerate(LAYERS)}
    violations = []
    for app in LAYERS:
        for path in sorted((root / app).rglob("*.py")):
            lines = {}
            for line, module in imported_modules(path, root):
                top = module.split(".")[0]
                if top in rank and rank[top] > rank[app]:
                    lines.setdefault(line, module)
            violations += [
                f"{path.relative_to(root)}:{line} imports {module}, a layer above {app}"
                for line, module in lines.items()
            ]
    return violations


def services_importing_tasks(root: Path = PROJECT) -> list[str]:
    found = []
    for app in LAYERS:
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            if "services" not in relative.parts and relative.stem != "services":
                continue
            for line, module in imported_modules(path, root):
                if module.split(".")[-1] == "tasks" or ".tasks." in module:
                    found.append(f"{relative}:{line} imports {module}")
    return found


def test_no_module_imports_an_app_above_its_own():
    assert layer_violations() == []


def test_services_hand_work_to_tasks_by_name_and_never_import_them():
    assert services_importing_tasks() == []


def test_a_layer_violation_added_on_purpose_is_found(tmp_path):
    (tmp_path / "surveys").mkdir()
    (tmp_path / "surveys" / "selectors.py").write_text("from feedback.models import Case\n")
    (tmp_path / "feedback" / "services").mkdir(parents=True)
    (tmp_path / "feedback" / "services" / "cases.py").write_text("from .. import tasks\nfrom surveys import hooks\n")
    assert layer_violations(tmp_path) == ["surveys/selectors.py:1 imports feedback.models, a layer above surveys"]
    assert services_importing_tasks(tmp_path) == ["feedback/services/cases.py:1 imports feedback.tasks"]
