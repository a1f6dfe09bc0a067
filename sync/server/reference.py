"""Reference data kept by the server: the default lists, houses and central catalogue rows (aid items,
programme rules, skills), written with house_id '' so every device receives them and none may change them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from desktop import reference, schema
from desktop.hlc import Stamp
from sync.server.db import StoreBase, to_json
from sync.server.schema import CENTRAL, records, server_meta


class ReferenceMixin(StoreBase):
    def seed_reference(self) -> None:
        """Loads the default reference lists and central catalogue rows once (server → devices only)."""
        with self._write() as conn:
            if conn.execute(sa.select(server_meta.c.value).where(server_meta.c.key == "seeded")).first():
                return
            for table, rows in reference.REFERENCE_DATA.items():
                for i, (code, kk, ru) in enumerate(rows):
                    self._put_reference(
                        conn, table, {"code": code, "name_kk": kk, "name_ru": ru, "sort": i, "active": 1}
                    )
            for i, (code, kk, ru, region) in enumerate(reference.HOUSES):
                self._put_reference(
                    conn,
                    "houses",
                    {
                        "code": code,
                        "name_kk": kk,
                        "name_ru": ru,
                        "sort": i,
                        "active": 1,
                        "region_code": region,
                        "address": None,
                    },
                )
            for item_id, kk, ru, unit, group in reference.AID_ITEMS:
                self._put_central(
                    conn,
                    "aid_items",
                    item_id,
                    {"name_kk": kk, "name_ru": ru, "unit": unit, "item_group": group, "active": 1},
                )
            for rule_id, programme, scope, period, days, max_count in reference.PROGRAMME_RULES:
                self._put_central(
                    conn,
                    "programme_rules",
                    rule_id,
                    {
                        "programme": programme,
                        "scope": scope,
                        "period": period,
                        "period_days": days,
                        "max_count": max_count,
                        "active": 1,
                    },
                )
            for skill_id, kk, ru in reference.SKILLS:
                self._put_central(conn, "skills", skill_id, {"name_kk": kk, "name_ru": ru})
            conn.execute(server_meta.insert().values(key="seeded", value=self.now_iso()))

    def _put_reference(self, conn: Connection, table: str, values: dict) -> None:
        columns = schema.REFERENCE_TABLES[table]
        stamp = self._central_stamp()
        data = {c: values.get(c) for c in columns if c != "hlc"}
        data["hlc"] = stamp
        self._upsert_record(
            conn, table, values["code"], CENTRAL, data, {}, {}, stamp, 0, self.now_iso(), "central"
        )

    def _put_central(self, conn: Connection, table: str, row_id: str, values: dict) -> None:
        stamp = reference.CENTRAL_HLC
        fields = schema.SYNCED_TABLES[table].fields
        data = {f: values.get(f) for f in fields}
        self._upsert_record(
            conn,
            table,
            row_id,
            CENTRAL,
            data,
            {f: stamp for f in fields},
            {},
            stamp,
            0,
            "2026-01-01T00:00:00.000+00:00",
            "central",
        )

    def _central_stamp(self) -> str:
        return str(Stamp(self.now_ms(), 0, "central"))

    def _upsert_record(
        self,
        conn: Connection,
        table: str,
        row_id: str,
        house: str,
        data: dict,
        field_hlc: dict,
        field_seq: dict,
        stamp: str,
        deleted: int,
        when: str,
        by: str,
    ) -> int:
        seq = self._next_seq(conn)
        values = {
            "house_id": house,
            "server_seq": seq,
            "deleted": deleted,
            "hlc": stamp,
            "data": to_json(data),
            "field_hlc": to_json(field_hlc),
            "field_seq": to_json(field_seq),
            "updated_at": when,
            "updated_by": by,
        }
        found = conn.execute(
            sa.select(records.c.id).where(records.c.table_name == table, records.c.id == row_id)
        )
        if found.first():
            conn.execute(
                records.update().where(records.c.table_name == table, records.c.id == row_id).values(**values)
            )
        else:
            conn.execute(records.insert().values(table_name=table, id=row_id, created_at=when, **values))
        return seq

    def add_house(
        self, code: str, name_kk: str, name_ru: str, region_code: str, address: str | None = None
    ) -> None:
        if not code or len(code) > 80:
            raise ValueError("bad house code")
        with self._write() as conn:
            if not self._reference_row(conn, "regions", region_code):
                raise ValueError(f"unknown region {region_code}")
            sort = conn.execute(
                sa.select(sa.func.count()).select_from(records).where(records.c.table_name == "houses")
            ).scalar_one()
            self._put_reference(
                conn,
                "houses",
                {
                    "code": code,
                    "name_kk": name_kk,
                    "name_ru": name_ru,
                    "sort": sort,
                    "active": 1,
                    "region_code": region_code,
                    "address": address,
                },
            )

    def house(self, code: str) -> dict | None:
        with self.engine.connect() as conn:
            return self._reference_row(conn, "houses", code)
