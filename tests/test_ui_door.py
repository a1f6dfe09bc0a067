"""The screens reach the core only through ui/ops.py: an AST check over ui/ (docs/DESIGN.md §5.1).

A widget file may not touch the store (`ctx.store`, `.conn`, `.db`, `Store(...)`), run SQL, talk HTTP (`requests`,
`sqlite3`), or start work on the task runner by itself (`ctx.write`, `ctx.runner`): it builds a ReadOp or a WriteOp.
The door itself (ops, tasks, context) and the composition root (app.py) are the only places allowed to; the sync
controller starts the exchange as a `SyncOp`.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOOR = {"ui/ops.py", "ui/tasks.py", "ui/context.py", "ui/app.py"}
FORBIDDEN_ATTRIBUTES = {"store", "conn", "db", "runner", "write"}
FORBIDDEN_MODULES = {"sqlite3", "requests", "sqlite_utils", "httpx", "urllib.request"}
FORBIDDEN_NAMES = {"Store", "ServerStore"}
# The store's own API, called on the store an op hands its function: a widget asks a core service instead.
STORE_API = {
    "get",
    "one",
    "rows",
    "scalar",
    "insert",
    "update",
    "delete",
    "restore",
    "transaction",
    "execute",
}
# The shape of a statement, not a word: a button may say "Delete", a label "Select a month".
SQL = re.compile(
    r"^\s*(SELECT\s.+\sFROM\s|SELECT\s+(count|max|min|sum|1)\b|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s"
    r"|DELETE\s+FROM\s|WITH\s+\w+\s+AS\s*\(|PRAGMA\s|CREATE\s+(TABLE|INDEX|VIEW|TRIGGER)\s|DROP\s|ALTER\s+TABLE\s)",
    re.IGNORECASE | re.DOTALL,
)


def door_breaches(source: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            base = ast.unparse(node.value)
            # `ctx.store`, `self.ctx.store`, `store.conn`, `self.ctx.runner`, `ctx.write(...)`; not `self.write_x`
            if node.attr in {"runner", "write"} and not base.endswith("ctx"):
                continue
            found.append((node.lineno, ast.unparse(node)))
        elif (
            isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "store"
        ):
            # The store an op hands its function goes to a core service whole: a widget reads none of its
            # attributes and calls none of its methods (`store.rows(…)`, `store.house_id`, `store.actor = …`).
            found.append((node.lineno, f"store.{node.attr}" + ("(…)" if node.attr in STORE_API else "")))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, f"import {a.name}") for a in node.names if a.name in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom):
            if node.module in FORBIDDEN_MODULES or node.module == "desktop.store":
                found.append((node.lineno, f"from {node.module} import …"))
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
            found.append((node.lineno, f"SQL {node.value.strip()[:40]!r}"))
    return sorted(set(found))


def _widget_files() -> list[Path]:
    return [p for p in sorted((ROOT / "ui").rglob("*.py")) if str(p.relative_to(ROOT)) not in DOOR]


def test_widgets_reach_the_core_only_through_ops():
    problems = []
    for path in _widget_files():
        name = str(path.relative_to(ROOT))
        problems += [
            f"{name}:{line}: {what}" for line, what in door_breaches(path.read_text(encoding="utf-8"))
        ]
    assert not problems, "use ReadOp/WriteOp/BackgroundOp from ui/ops.py instead:\n" + "\n".join(problems)


def test_the_check_sees_each_way_around_the_door():
    source = textwrap.dedent(
        """
        import sqlite3
        from desktop.store import Store

        class Page:
            def refresh(self):
                rows = self.ctx.store.rows("SELECT * FROM people")
                self.ctx.write(save, tables=("people",))
                self.ctx.runner.run(job)
                Store(path).conn.execute("DELETE FROM x")
                ReadOp(self.ctx, lambda store: store.get("people", pid)).run()
        """
    )
    found = [what for _, what in door_breaches(source)]
    assert "import sqlite3" in found and "self.ctx.store" in found and "self.ctx.write" in found
    assert "self.ctx.runner" in found and "Store" in found and any(w.startswith("SQL") for w in found)
    assert any(w.endswith(".conn") for w in found) and "store.get(…)" in found


def test_the_check_leaves_ops_alone():
    source = textwrap.dedent(
        """
        from ui.ops import ReadOp, WriteOp

        class Page:
            def refresh(self):
                ReadOp(self.ctx, lambda s: people.search(s, "a"), parent=self).success(self.show).run()
                self.write_settings()
                self.label.setText("Selected: 3")
                self.button.setText(_("Delete event"))
                self.hint.setText(_("Select a month, then update the list"))
        """
    )
    assert door_breaches(source) == []
