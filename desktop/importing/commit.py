"""The import itself: the rows a dry run found importable written in one transaction through the forms' own
core functions (people only through people.save_person), as the acting account, with progress and cancel; and
its undo, which tombstones what the import created while nothing made since refers to it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from desktop import clock, events, groups, people, text, volunteers
from desktop.aid import catalogue, recipients
from desktop.errors import ValidationError, ValidationErrors
from desktop.ids import new_id
from desktop.importing.errors import ImportCancelled, UndoRefused
from desktop.importing.kinds import Row
from desktop.importing.plan import Plan
from desktop.roles import requires
from desktop.schema import SYNCED_TABLES
from desktop.store import Store

_META = "import:"
IMPORTED_FORM_VERSION = "imported"  # the consent form's version is not in a spreadsheet


@dataclass
class ImportResult:
    import_id: str
    created: dict[int, str] = field(default_factory=dict)  # row → id of the record made (person, event, item)
    held: list[int] = field(default_factory=list)  # rows left for a decision on a possible duplicate
    failed: dict[int, list[ValidationError]] = field(default_factory=dict)  # refused when written
    records: int = 0  # rows written in all tables


@requires("records.write")
def commit(
    store: Store,
    plan: Plan,
    *,
    decisions: dict[int, str] | None = None,
    today: dt.date | None = None,
    progress=None,
    cancel=None,
) -> ImportResult:
    """Writes the plan's importable rows, all in one transaction. A row the dry run found may be someone on file
    or another row is left out unless `decisions` says "different" for it (then the people it resembles are
    remembered as different people). `progress(done, total)` may raise to cancel, as may `cancel()` returning
    True: either way nothing is written."""
    today = today or clock.today()
    decisions = decisions or {}
    result = ImportResult(new_id())
    todo = [r for r in plan.rows if r.status == "import"]
    with store.transaction():
        start = store.scalar("SELECT coalesce(max(seq), 0) FROM outbox")
        _write_rows(store, plan, todo, decisions, today, result, progress, cancel)
        made = [
            [r["table_name"], r["row_id"]]
            for r in store.rows(
                "SELECT table_name, row_id FROM outbox WHERE seq > ? AND kind = 'insert' ORDER BY seq",
                (start,),
            )
        ]
        result.records = len(made)
        record = {"at": clock.now().isoformat(), "kind": plan.kind, "rows": made, "undone": False}
        store.set_meta(_META + result.import_id, json.dumps(record))
        store.set_meta(plan.layout.meta_key(plan.kind), json.dumps(plan.layout.mapping, sort_keys=True))
        store.audit(
            "import", details={"import_id": result.import_id, "kind": plan.kind, "records": len(made)}
        )
    return result


def _write_rows(
    store: Store,
    plan: Plan,
    todo: list[Row],
    decisions: dict[int, str],
    today: dt.date,
    result: ImportResult,
    progress,
    cancel,
) -> None:
    # One batch: the outbox and audit entries of every row are written together at its end (Store.batched).
    with store.batched():
        writer = _Writer(store, plan.kind, today, result)
        for done, row in enumerate(todo, start=1):
            if cancel is not None and cancel():
                raise ImportCancelled()
            if row.held and decisions.get(row.row) != "different":
                result.held.append(row.row)
                continue
            different = [d[1] for d in row.duplicates if d[0] == "person"]
            different += [
                result.created[d[1]] for d in row.duplicates if d[0] == "row" and d[1] in result.created
            ]
            try:
                # Each writer runs in its own savepoint: a row refused when written leaves nothing behind.
                with store.transaction():
                    result.created[row.row] = writer.write(row, different)
            except people.DuplicatesFound:
                result.held.append(row.row)
            except ValidationErrors as exc:
                result.failed[row.row] = exc.errors
            except ValidationError as exc:
                result.failed[row.row] = [exc]
            if progress is not None and (done % 50 == 0 or done == len(todo)):
                progress(done, len(todo))


class _Writer:
    def __init__(self, store: Store, kind: str, today: dt.date, result: ImportResult):
        self.store, self.kind, self.today, self.result = store, kind, today, result
        self.groups: dict[str, str] = {}
        # Read once: the codes taken, each new volunteer's added (volunteers.new_kiosk_code).
        self.kiosk_codes = volunteers.kiosk_codes_in_use(store) if kind == "volunteers" else set()

    def write(self, row: Row, different: list[str]) -> str:
        return getattr(self, "_" + self.kind)(row, different)

    def _volunteers(self, row: Row, different: list[str]) -> str:
        person_id, _vid = volunteers.save_volunteer(
            self.store,
            self._person(row),
            row.extra,
            today=self.today,
            different_from=different,
            rng_code=volunteers.new_kiosk_code(self.store, taken=self.kiosk_codes),
        )
        return person_id

    @staticmethod
    def _person(row: Row) -> people.CleanPerson:
        """The person as the dry run validated them (people.validate_person), not parsed again."""
        assert row.person is not None  # a person row the dry run let through was validated
        return row.person

    def _recipients(self, row: Row, different: list[str]) -> str:
        f, x = row.form, row.extra
        data = recipients.RecipientInput(
            consent=True,
            surname=f["surname"],
            name=f["name"],
            patronymic=f["patronymic"],
            birth_date=row.clean.get("birth_date") or "",
            sex=f["sex"],
            iin=f["iin"],
            phone=f["phone"],
            locality=f["locality"],
            address=f["address"],
            categories=x["categories"],
            members_count=x["members_count"],
            children_count=x["children_count"],
            consent_on=x["consent_on"],
            form_version=IMPORTED_FORM_VERSION,
            notes=f["notes"],
            different_from=tuple(different),
        )
        recipient_id = recipients.save_recipient(self.store, data, today=self.today)
        person_id = self.store.scalar("SELECT person_id FROM recipients WHERE id = ?", (recipient_id,))
        return person_id or recipient_id

    def _members(self, row: Row, different: list[str]) -> str:
        x = row.extra
        group_id = self._group(x["group"])
        person_id = people.save_validated_person(
            self.store, self._person(row), today=self.today, different_from=different
        )
        member = groups.MemberInput(
            person_id=person_id,
            role=x["role"],
            joined=x["joined"],
            guardian_name=x["guardian_name"],
            guardian_consent_on=x["guardian_consent_on"],
        )
        groups.add_member(self.store, group_id, member, today=self.today)
        return person_id

    def _group(self, name: str) -> str:
        key = text.loose(name)
        if key not in self.groups:
            # A group named so in either language (or by the one name of an older PC), the oldest first.
            found = next(
                (
                    g["id"]
                    for g in self.store.rows(
                        "SELECT id, name, name_kk, name_ru FROM creative_groups WHERE deleted = 0 "
                        "ORDER BY created_at"
                    )
                    if key in {text.loose(g[k]) for k in ("name", "name_kk", "name_ru") if g[k]}
                ),
                None,
            )
            self.groups[key] = found or groups.save_group(
                self.store, groups.GroupInput(name=name), today=self.today
            )
        return self.groups[key]

    def _events(self, row: Row, different: list[str]) -> str:
        x = row.extra
        data = events.EventInput(
            starts_at=dt.datetime.combine(x["date"], dt.time(0, 0), tzinfo=clock.TZ),
            title_kk=x["title_kk"],
            title_ru=x["title_ru"],
            place=x["place"],
            notes=x["notes"],
            status="held",
            attendance_mode="headcount",
            headcount=events.Headcount(x["total"], x["women"], x["men"], x["children"], x["elderly"]),
        )
        return events.save_event(self.store, data, now=clock.now())

    def _items(self, row: Row, different: list[str]) -> str:
        return catalogue.save_item(self.store, dict(row.extra))


def imports(store: Store) -> list[dict]:
    """The imports recorded on this PC, newest first: id, when, kind, how many records, whether undone."""
    found = []
    for r in store.rows("SELECT key, value FROM meta WHERE key LIKE 'import:%'"):
        record = json.loads(r["value"])
        found.append(
            {
                "import_id": r["key"][len(_META) :],
                "at": record["at"],
                "kind": record["kind"],
                "records": len(record["rows"]),
                "undone": record["undone"],
            }
        )
    return sorted(found, key=lambda i: i["at"], reverse=True)


def _referring(store: Store, made: list[list[str]]) -> int:
    """How many live records not made by the import name one of its records (and people merged into one)."""
    ids = {row_id for _t, row_id in made}
    store.conn.execute("CREATE TEMP TABLE IF NOT EXISTS import_ids (id TEXT PRIMARY KEY)")
    store.conn.execute("DELETE FROM import_ids")
    store.conn.executemany("INSERT OR IGNORE INTO import_ids VALUES (?)", [(i,) for i in ids])
    count = 0
    for name, spec in SYNCED_TABLES.items():
        for column in spec.fields:
            if column.endswith("_id") or column == "merged_into":
                # A person merged into an imported one is a tombstone that still points at it: it counts too.
                live = "" if column == "merged_into" else "deleted = 0 AND "
                count += store.scalar(
                    f'SELECT count(*) FROM "{name}" WHERE {live}"{column}" IN (SELECT id FROM import_ids) '
                    "AND id NOT IN (SELECT id FROM import_ids)"
                )
    store.conn.execute("DELETE FROM import_ids")
    return count


@requires("records.write")
def undo(store: Store, import_id: str, *, progress=None) -> int:
    """Tombstones every record the import created (newest first), in one transaction. Refused, with nothing
    changed, while a record made since refers to one of them. Returns how many were tombstoned."""
    with store.transaction():
        raw = store.get_meta(_META + import_id)
        if raw is None:
            raise UndoRefused("unknown")
        record = json.loads(raw)
        if record["undone"]:
            raise UndoRefused("undone")
        made = record["rows"]
        referring = _referring(store, made)
        if referring:
            raise UndoRefused("referred", count=referring)
        count = 0
        for done, (table, row_id) in enumerate(reversed(made), start=1):
            if not SYNCED_TABLES[table].ledger and store.delete(table, row_id):
                count += 1
            if progress is not None and done % 50 == 0:
                progress(done, len(made))
        record["undone"] = True
        store.set_meta(_META + import_id, json.dumps(record))
        store.audit("import_undo", details={"import_id": import_id, "records": count})
    return count
