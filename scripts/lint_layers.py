"""Project rules a linter does not know (after polar's AST linters). Exit 1 on a breach.

- domain/ imports no I/O or framework library (sqlalchemy, fastapi, httpx, pydantic, ...);
- no float on the money path (domain, store, service, sources): no float(), no float annotation;
- no source file over 400 lines;
- every folder under sources/ is registered in sources/registry.py.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "ledgerbridge"
FORBIDDEN_IN_DOMAIN = {
    "sqlalchemy",
    "fastapi",
    "httpx",
    "pydantic",
    "pydantic_settings",
    "starlette",
    "uvicorn",
    "requests",
    "psycopg",
    "alembic",
    "typer",
    "rich",
    "structlog",
    "prometheus_client",
    "lxml",
    "orjson",
    "socket",
    "urllib",
}
MONEY_PATH = ("domain", "store", "service", "sources")
MAX_LINES = 400


def _imports(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _allowed_float_names(tree: ast.AST) -> set[int]:
    """``float`` inside isinstance (refusing a float) or annotating a timeout is no money."""
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "isinstance"
        ):
            allowed |= {id(n) for arg in node.args[1:] for n in ast.walk(arg)}
        if (
            isinstance(node, ast.arg)
            and node.annotation is not None
            and any(w in node.arg for w in ("timeout", "seconds", "interval", "sleep"))
        ):
            allowed |= {id(n) for n in ast.walk(node.annotation)}
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and any(w in node.target.id for w in ("timeout", "seconds", "interval", "sleep"))
        ):
            allowed |= {id(n) for n in ast.walk(node.annotation)}
    return allowed


def _floats(tree: ast.AST) -> list[int]:
    lines = []
    allowed = _allowed_float_names(tree)
    for node in ast.walk(tree):
        if id(node) in allowed:
            continue
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "float"
        ):
            lines.append(node.lineno)
        if isinstance(node, ast.Name) and node.id == "float" and isinstance(node.ctx, ast.Load):
            lines.append(node.lineno)
    return sorted(set(lines))


def problems(root: Path = ROOT) -> list[str]:
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        text = path.read_text()
        tree = ast.parse(text)
        if len(text.splitlines()) > MAX_LINES:
            found.append(f"{rel}: {len(text.splitlines())} lines (over {MAX_LINES})")
        if rel.parts[0] == "domain":
            bad = _imports(tree) & FORBIDDEN_IN_DOMAIN
            if bad:
                found.append(f"{rel}: the domain imports {', '.join(sorted(bad))}")
        if rel.parts[0] in MONEY_PATH and "simulate" not in rel.name:
            for line in _floats(tree):
                found.append(f"{rel}:{line}: float on the money path")
    registry = (root / "sources" / "registry.py").read_text()
    for folder in sorted(p for p in (root / "sources").iterdir() if p.is_dir()):
        if folder.name != "__pycache__" and f"ledgerbridge.sources.{folder.name}." not in registry:
            found.append(f"sources/{folder.name}: not registered in sources/registry.py")
    return found


if __name__ == "__main__":
    issues = problems()
    for issue in issues:
        print(issue)  # noqa: T201
    sys.exit(1 if issues else 0)
