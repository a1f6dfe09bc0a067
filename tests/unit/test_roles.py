"""Permissions live in the core: every operation × every role is allowed or refused by the operation itself."""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
from pathlib import Path

import pytest

import desktop
from desktop import aid, people, roles
from desktop.errors import ValidationErrors
from desktop.roles import PermissionDenied

ROOT = Path(__file__).resolve().parents[2]


def clock_today():
    from desktop import clock

    return clock.today()


def _import_all() -> None:
    for module in pkgutil.walk_packages(desktop.__path__, "desktop."):
        importlib.import_module(module.name)


_import_all()
ACTORS = {role: roles.actor_for(f"acc-{role}", role.title(), role) for role in roles.ROLES}


def test_the_roles_hold_what_the_house_agreed():
    volunteer = roles.ROLE_PERMISSIONS[roles.VOLUNTEER]
    assert volunteer == {"kiosk", "aid.give", "recipients.find"}
    staff = roles.ROLE_PERMISSIONS[roles.STAFF]
    assert {"records.write", "exports"} <= staff and not staff & {"accounts", "server", "backups", "settings"}
    # An override of an aid warning (double aid, short stock, the programme's ages) is the staff's, never a
    # volunteer's.
    assert "aid.override" in staff and "aid.override" not in volunteer
    coordinator = roles.ROLE_PERMISSIONS[roles.COORDINATOR]
    assert {"reports", "reports.submit", "rollup"} <= coordinator and "accounts" not in coordinator
    assert roles.ROLE_PERMISSIONS[roles.ADMIN] == set(roles.PERMISSIONS)


@pytest.mark.parametrize("role", roles.ROLES)
def test_every_operation_checks_the_acting_role(store, clock, role):
    """Each declared operation is called as each role: refused exactly when the role lacks its permission. The
    arguments are left out, so an allowed call fails later (on them), never with PermissionDenied."""
    assert len(roles.OPERATIONS) >= 60
    store.actor = ACTORS[role]
    wrong = []
    for name, (op, permission) in sorted(roles.OPERATIONS.items()):
        allowed = permission in roles.ROLE_PERMISSIONS[role]
        try:
            with store.transaction():
                op(store)
                raise _RolledBack
        except PermissionDenied:
            refused = True
        except Exception:  # noqa: BLE001 — anything but a refusal means the check let the call through
            refused = False
        if refused == allowed:
            wrong.append((name, permission, "refused" if refused else "let through"))
    assert wrong == []


class _RolledBack(Exception):
    pass


def test_nobody_signed_in_may_do_nothing(store):
    store.actor = roles.NOBODY
    for op, _permission in roles.OPERATIONS.values():
        with pytest.raises(PermissionDenied):
            op(store)


def test_a_volunteer_is_refused_in_the_core_with_a_translated_message(store, clock, lang):
    store.actor = ACTORS[roles.VOLUNTEER]
    with pytest.raises(PermissionDenied) as caught:
        people.save_person(store, {"surname": "Ли", "name": "Ирина"}, today=clock_today())
    assert "change the house's records" in caught.value.message
    lang("ru")
    assert "Ваша учётная запись не может" in caught.value.message
    assert store.scalar("SELECT count(*) FROM people") == 0


def test_a_volunteer_sees_only_the_last_four_digits(store, clock):
    rid = aid.save_recipient(
        store,
        aid.RecipientInput(
            consent=True,
            consent_on="2026-11-01",
            form_version="2026-1",
            surname="Қасымова",
            name="Айгүл",
            birth_date="1990-01-01",
            sex="f",
            iin="900101400013",
            phone="+7 701 123 45 67",
            address="Абай к-сі, 5",
        ),
    )
    store.actor = ACTORS[roles.VOLUNTEER]
    [found] = aid.search_recipients(store, "Қасымова")
    assert found["iin"] == "••••••••0013" and found["phone"].endswith("4567") and "123" not in found["phone"]
    card = aid.recipient_card(store, rid)
    assert card["recipient"]["iin"] == "••••••••0013" and card["recipient"]["address"] == "•••"
    person = people.get_person(store, card["recipient"]["person_id"])
    assert person["iin"] == "••••••••0013"
    store.actor = ACTORS[roles.STAFF]
    assert aid.search_recipients(store, "Қасымова")[0]["iin"] == "900101400013"


def test_a_masked_value_is_never_saved_back(store, clock):
    with pytest.raises(ValidationErrors) as caught:
        people.save_person(store, {"surname": "Ли", "name": "Ирина", "address": "•••"}, today=clock_today())
    assert [e.field for e in caught.value.errors] == ["address"]


# Writers that run before anyone can be asked (the first administrator, a sign-in) or that are parts of a declared
# operation, with the reason.
UNDECLARED = {
    "desktop/accounts.py:create_first_administrator": "the house has no account yet",
    "desktop/accounts.py:sign_in": "it is how an account starts acting",
    "desktop/backup.py:record_result": "the PC's own note of its daily backup",
    "desktop/audit.py:forget_row_values": "a part of erasure.erase_person, which checks people.erase",
}


def test_every_public_core_function_that_writes_is_a_declared_operation():
    writes = {"insert", "update", "delete", "transaction", "audit"}
    missing = []
    for path in sorted((ROOT / "desktop").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/demo/" in rel or rel in ("desktop/store.py",):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            if not node.args.args or node.args.args[0].arg != "store":
                continue
            writing = any(
                isinstance(n, ast.Attribute)
                and n.attr in writes
                and isinstance(n.value, ast.Name)
                and n.value.id == "store"
                for n in ast.walk(node)
            )
            declared = any("requires" in ast.unparse(d) for d in node.decorator_list)
            if writing and not declared and f"{rel}:{node.name}" not in UNDECLARED:
                missing.append(f"{rel}:{node.lineno} {node.name}")
    assert missing == []


def test_a_volunteer_makes_no_export_and_prints_a_person_on_file_masked(store, clock, tmp_path):
    import shutil
    import subprocess

    from desktop.consent_form import save_consent_form
    from desktop.letters import render_letter
    from desktop.reports.summary import build_summary

    rid = aid.save_recipient(
        store,
        aid.RecipientInput(
            consent=True,
            consent_on="2026-11-01",
            form_version="2026-1",
            surname="Қасымова",
            name="Айгүл",
            birth_date="1990-01-01",
            sex="f",
            iin="900101400013",
            phone="+7 701 123 45 67",
        ),
    )
    person_id = store.get("recipients", rid)["person_id"]
    store.actor = ACTORS[roles.VOLUNTEER]
    with pytest.raises(PermissionDenied):
        build_summary(store, "2026-11")
    with pytest.raises(PermissionDenied):
        render_letter(store, "any", tmp_path / "letter.pdf", start=clock_today(), end=clock_today())
    # The consent form for a person on file carries what the volunteer may see, whatever the form held.
    typed = aid.RecipientInput(person_id=person_id, surname="Қасымова", name="Айгүл", iin="900101400013")
    path = save_consent_form(store, "ru", typed, folder=tmp_path)
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("pdftotext is missing: scripts/dostyq.sh installs poppler-utils")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "0013" in text and "900101400013" not in text and "1234567" not in text.replace(" ", "")
