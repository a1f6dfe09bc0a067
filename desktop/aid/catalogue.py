"""The aid point's catalogue: aid points, the item catalogue, programmes and their rules."""

from __future__ import annotations

from typing import Any

from desktop import bilingual, reference, text
from desktop.aid import rules as aid_rules
from desktop.aid._common import _count, _raise_all
from desktop.aid.rules import Rule
from desktop.errors import ValidationError
from desktop.i18n import N_, _
from desktop.roles import requires
from desktop.store import Store


# ---- aid points -----------------------------------------------------------------------------------------------
def _points_where(include_inactive: bool) -> str:
    return "deleted = 0" + ("" if include_inactive else " AND active = 1")


@requires("aid.give")
def list_aid_points(
    store: Store, *, include_inactive: bool = False, offset: int = 0, limit: int = -1
) -> list[dict]:
    """The aid points by name; `offset`/`limit` give one page of them (-1: to the end)."""
    return store.rows(
        f"SELECT * FROM aid_points WHERE {_points_where(include_inactive)} ORDER BY name_sort LIMIT ? OFFSET ?",
        (limit, offset),
    )


@requires("aid.give")
def count_aid_points(store: Store, *, include_inactive: bool = False) -> int:
    return int(store.scalar(f"SELECT count(*) FROM aid_points WHERE {_points_where(include_inactive)}"))


def point_label(row: dict, lang: str | None = None, prefix: str = "name") -> str:
    """An aid point's name in the interface language (or `lang`), falling back to the other one; `prefix` names the
    columns of a joined row ("point_name": `point_name`, `point_name_kk`, `point_name_ru`)."""
    return bilingual.display_name(row, lang, prefix)


@requires("records.write")
def save_aid_point(store: Store, values: dict, point_id: str | None = None, **_task) -> str:
    """Creates or updates an aid point: its names in Kazakh and Russian (`name_kk`, `name_ru`: at least one; a
    bare `name` of unknown language is placed by desktop.bilingual), address, hours and contact."""
    values = {k: (text.normalize(v) if isinstance(v, str) else v) for k, v in values.items()}
    values.update(
        bilingual.stored_names(
            values.pop("name_kk", None), values.pop("name_ru", None), "name_kk", values.pop("name", None)
        )
    )
    with store.transaction():
        if point_id:
            store.update("aid_points", point_id, values)
            return point_id
        return store.insert("aid_points", values)


# ---- the item catalogue -------------------------------------------------------------------------------------
def _items_visible_sql(store: Store) -> tuple[str, list]:
    """Central items (no house) and this house's own."""
    return "deleted = 0 AND (house_id IS NULL OR house_id = ?)", [store.house_id or ""]


def _items_where(store: Store, include_inactive: bool) -> tuple[str, list]:
    where, params = _items_visible_sql(store)
    if not include_inactive:
        where += " AND active = 1"
    return where, list(params)


@requires("aid.give")
def list_items(
    store: Store, *, include_inactive: bool = False, offset: int = 0, limit: int = -1
) -> list[dict]:
    """The aid items this house sees, by name; `offset`/`limit` give one page of them (-1: to the end)."""
    where, params = _items_where(store, include_inactive)
    return store.rows(
        f"SELECT * FROM aid_items WHERE {where} ORDER BY name_sort LIMIT ? OFFSET ?", [*params, limit, offset]
    )


@requires("aid.give")
def count_items(store: Store, *, include_inactive: bool = False) -> int:
    where, params = _items_where(store, include_inactive)
    return int(store.scalar(f"SELECT count(*) FROM aid_items WHERE {where}", params))


def item_label(row: dict, lang: str | None = None) -> str:
    return reference.localized(row, lang)


def unit_names(store: Store) -> dict[str, str]:
    return dict(reference.names(store.conn, "units"))


@requires("aid.give")
def search_items(store: Store, query: str, limit: int = 20) -> list[dict]:
    """Items whose kk or ru name contains every typed word (Kazakh letters typed on a Russian keyboard match)."""
    where, params = _items_visible_sql(store)
    where += " AND active = 1"
    for word in text.loose(query).split():
        where += " AND name_loose LIKE ?"
        params.append(f"%{word}%")
    return store.rows(f"SELECT * FROM aid_items WHERE {where} ORDER BY name_sort LIMIT ?", [*params, limit])


@requires("records.write")
def save_item(store: Store, values: dict, item_id: str | None = None, **_task) -> str:
    values = {k: (text.normalize(v) if isinstance(v, str) else v) for k, v in values.items()}
    errors = []
    if not values.get("name_kk") and not values.get("name_ru"):
        errors.append(ValidationError("name_kk", N_("Enter the item's name in Kazakh or Russian.")))
    units = {code for code, _name in reference.names(store.conn, "units")}
    if values.get("unit", "pcs") not in units:
        errors.append(ValidationError("unit", N_("{field}: choose a value from the list.")))
    groups = {code for code, _name in reference.names(store.conn, "item_groups")}
    if values.get("item_group", "other") not in groups:
        errors.append(ValidationError("item_group", N_("{field}: choose a value from the list.")))
    _raise_all(errors)
    with store.transaction():
        if item_id:
            current = store.get("aid_items", item_id)
            if current is None or current["house_id"] is None:
                raise ValidationError("name_kk", N_("Items of the central catalogue are changed centrally."))
            store.update("aid_items", item_id, values)
            return item_id
        return store.insert("aid_items", values)


@requires("aid.give")
def get_item(store: Store, item_id: str) -> dict | None:
    """One catalogue item as stored (also one no longer offered, for a line already on a form)."""
    return store.get("aid_items", item_id)


def _catalogue_item(store: Store, item_id: Any) -> dict | None:
    if not item_id or not isinstance(item_id, str):
        return None
    where, params = _items_visible_sql(store)
    return store.one(f"SELECT * FROM aid_items WHERE id = ? AND active = 1 AND {where}", [item_id, *params])


def _check_point(store: Store, point_id: Any) -> None:
    if not point_id:
        raise ValidationError("aid_point_id", N_("{field}: choose a value from the list."))
    if not store.one("SELECT 1 FROM aid_points WHERE id = ? AND deleted = 0", (point_id,)):
        raise ValidationError("aid_point_id", N_("{field}: choose a value from the list."))


# ---- programmes and their rules ----------------------------------------------------------------------------
def programme_names(store: Store) -> dict[str, str]:
    return dict(reference.names(store.conn, "programmes"))


def _programme_exists(store: Store, code: Any) -> bool:
    return bool(code) and bool(store.scalar("SELECT 1 FROM programmes WHERE code = ?", (code,)))


def programme_rules(store: Store, programme: str) -> list[Rule]:
    rows = store.rows(
        "SELECT * FROM programme_rules WHERE programme = ? AND active = 1 AND deleted = 0 "
        "AND (house_id IS NULL OR house_id = ?)",
        (programme, store.house_id or ""),
    )
    return [Rule.from_row(r) for r in rows]


_RULES_WHERE = "deleted = 0 AND (house_id IS NULL OR house_id = ?)"


@requires("records.read")
def list_rules(store: Store, *, offset: int = 0, limit: int = -1) -> list[dict]:
    """The central rules and this house's, by programme; `offset`/`limit` give one page (-1: to the end)."""
    return store.rows(
        f"SELECT * FROM programme_rules WHERE {_RULES_WHERE} ORDER BY programme, house_id IS NOT NULL, id "
        "LIMIT ? OFFSET ?",
        (store.house_id or "", limit, offset),
    )


@requires("records.read")
def count_rules(store: Store) -> int:
    return int(
        store.scalar(f"SELECT count(*) FROM programme_rules WHERE {_RULES_WHERE}", (store.house_id or "",))
    )


@requires("records.write")
def save_rule(store: Store, values: dict, rule_id: str | None = None, **_task) -> str:
    errors = []
    if not _programme_exists(store, values.get("programme")):
        errors.append(ValidationError("programme", N_("{field}: choose a value from the list.")))
    if values.get("scope") not in aid_rules.SCOPES:
        errors.append(ValidationError("scope", N_("{field}: choose a value from the list.")))
    if values.get("period") not in aid_rules.PERIODS:
        errors.append(ValidationError("period", N_("{field}: choose a value from the list.")))
    try:
        max_count = _count(values.get("max_count"), "max_count")
        if not max_count:
            raise ValidationError("max_count", N_("{field}: must be at least 1."))
        values["max_count"] = max_count
    except ValidationError as exc:
        errors.append(exc)
    if values.get("period") == "days":
        try:
            days = _count(values.get("period_days"), "period_days")
            if not days:
                raise ValidationError("period_days", N_("{field}: must be at least 1."))
            values["period_days"] = days
        except ValidationError as exc:
            errors.append(exc)
    else:
        values["period_days"] = None
    _raise_all(errors)
    with store.transaction():
        if rule_id:
            current = store.get("programme_rules", rule_id)
            if current is None or current["house_id"] is None:
                raise ValidationError("programme", N_("Central rules are changed centrally."))
            store.update("programme_rules", rule_id, values)
            return rule_id
        return store.insert("programme_rules", values)


def rule_text(rule: Rule | dict) -> str:
    """'at most 1 time per person per calendar month' in the interface language."""
    if isinstance(rule, dict):
        rule = Rule.from_row(rule)
    from desktop.i18n import ngettext

    period = _(aid_rules.PERIOD_LABELS[rule.period]).format(days=rule.period_days or 0)
    times = ngettext("at most {count} time", "at most {count} times", rule.max_count).format(
        count=rule.max_count
    )
    return _("{times} {scope}, {period}").format(
        times=times, scope=_(aid_rules.SCOPE_LABELS[rule.scope]), period=period
    )
