"""Dostyq's sync against PouchDB's, in one run on this machine, over loopback only.

    python bench/vs_pouchdb.py [--rows 2000]

Dostyq: a real uvicorn server (SQLite) and two real clients (SyncClient over a desktop Store each, PCs A and B).
PouchDB: pouchdb-server --in-memory and two PouchDB clients (LevelDB on disk, bench/pouchdb/peer.js), each syncing
by PouchDB.sync (one-shot, both ways). Each server sits behind its own byte-counting TCP relay, which also counts the
HTTP requests on the wire. Both sides get the same people records (~400–500 B of JSON each: Kazakh and Russian
names, IIN, phone, address, notes) and the same edits.

Before anything is measured each client syncs once with nothing to send (Dostyq: its keys and the reference data;
PouchDB: the remote database is made). Then, per system:
  push       A has the new rows and syncs;
  pull       B syncs and receives them;
  settle     A syncs, then B, nothing new anywhere: the first sync after a big push or pull (PouchDB's replication
             walks back over what each client has just sent or received, and checks it with the server);
  nochange   A syncs with nothing new anywhere;
  edit50     25 rows edited on A and 25 others on B; A syncs, then B (B receives A's edits);
  receive50  A syncs and receives B's 25 edits;
  edit1      one row edited on A; A syncs.
At the end B syncs once more and every row must be the same on A and B, in both systems, and the same in Dostyq as
in PouchDB.

Per phase it prints <phase>_seconds_{dostyq,pouchdb} (wall time of the syncs), <phase>_requests_{…} (HTTP requests),
<phase>_bytes_{…} (bytes both ways, headers and bodies), and for each the ratio Dostyq / PouchDB: <phase>_ratio
(time), <phase>_requests_ratio, <phase>_bytes_ratio. Needs node and npm; runs `npm ci` in bench/pouchdb once when
its node_modules is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench.relay import CountingRelay
from desktop.demo.people import make_person
from desktop.schema import SYNCED_TABLES
from desktop.store import Store
from sync.client import SyncClient
from sync.server.store import ServerStore
from tests.sync.conftest import start_server

PEER = ROOT / "bench" / "pouchdb"
HOUSE = "KZ-55-01"
PHASES = ("push", "pull", "settle", "nochange", "edit50", "receive50", "edit1")
PEOPLE_FIELDS = tuple(SYNCED_TABLES["people"].fields)
NOTES = (
    "Ерікті, «Қамқор» бағдарламасы бойынша апта сайын келеді.",
    "Көпбалалы отбасы: төрт бала, екеуі мектепте оқиды.",
    "Зейнеткер, жалғыз тұрады; көршісі арқылы хабарласуға болады.",
    "Достық үйінің хорына қатысады, сейсенбі мен бейсенбіде.",
    "Нуждается в продуктовом наборе ежемесячно, документы в папке №3.",
    "Волонтёр на праздниках Наурыз и 1 мая; говорит по-казахски и по-русски.",
    "Инвалидность II группы, просит звонить заранее перед визитом.",
    "Участвует в ансамбле «Шаңырақ», помогает с костюмами.",
    "Приходит с внучкой; интересуется курсами казахского языка.",
    "Этнокультурное объединение: немецкий центр «Видергебурт».",
)


# ---- the records ---------------------------------------------------------------------------------------------
def record_size(record: dict) -> int:
    return len(json.dumps(record, ensure_ascii=False).encode())


def make_records(rows: int, seed: int = 2026) -> list[dict]:
    """People with every field a house fills in, ~400–500 B of JSON each (UTF-8), the same on every run."""
    rng = random.Random(seed)
    today = dt.date(2026, 11, 20)
    records = []
    for serial in range(rows):
        person = make_person(rng, today, serial)
        latin = rng.choice(("asel", "nurlan", "olga", "serik", "dana", "ivan", "aigul", "marat"))
        person["email"] = f"{latin}.{serial:05d}@mail.kz" if rng.random() < 0.5 else None
        notes: list[str] = []
        person["notes"] = ""
        while record_size(person) < 400 + rng.randint(0, 60):
            notes.append(rng.choice(NOTES))
            person["notes"] = " ".join(notes)
        while record_size(person) > 500:
            person["notes"] = person["notes"][:-8].rstrip() + "…"
        records.append(person)
    return records


def edits_for(rows: int) -> tuple[list[int], list[int], int]:
    """Which rows A edits, which rows B edits (25 each, none in common), and the one edited last."""
    a = [i * rows // 50 for i in range(0, 50, 2)]
    b = [i * rows // 50 for i in range(1, 50, 2)]
    return a, b, rows // 2 + 1


def change(i: int, side: str) -> dict:
    return {"phone": f"+7705{i:07d}", "notes": f"Телефон ауысты ({side}), 2026 жылғы қараша."}


# ---- the wire: bench/relay.py --------------------------------------------------------------------------


@dataclass
class Figure:
    seconds: float = 0.0
    requests: int = 0
    bytes: int = 0

    def add(self, seconds: float, counted: tuple[int, int]) -> None:
        self.seconds += seconds
        self.requests += counted[0]
        self.bytes += counted[1]


# ---- Dostyq --------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def dostyq_server(work: Path) -> Iterator[tuple[ServerStore, CountingRelay]]:
    store = ServerStore(f"sqlite:///{work / 'server.sqlite3'}")
    live = start_server(store)
    relay = CountingRelay(live.port)
    try:
        yield store, relay
    finally:
        relay.close()
        live.stop()
        live.thread.join(10)
        store.close()


def dostyq_rows(store: Store) -> dict[str, dict]:
    rows = {}
    for row in store.rows("SELECT * FROM people WHERE deleted = 0"):
        fields = {f: row[f] for f in PEOPLE_FIELDS}
        fields["languages"] = json.loads(fields["languages"])
        rows[row["id"]] = fields
    return rows


def run_dostyq(records: list[dict], work: Path) -> tuple[dict[str, Figure], dict[str, dict]]:
    figures = {phase: Figure() for phase in PHASES}
    a_edits, b_edits, last = edits_for(len(records))
    with dostyq_server(work) as (server, relay):
        url = f"http://127.0.0.1:{relay.port}"
        pcs = {}
        for name in ("a", "b"):
            store = Store(work / f"{name}.sqlite3")
            SyncClient.enrol(store, url, server.new_enrol_code(HOUSE), label=name)
            client = SyncClient(store)
            client.sync()  # keys and reference data (not measured)
            pcs[name] = (store, client)
        (a, a_client), (b, b_client) = pcs["a"], pcs["b"]
        relay.take()

        def sync(client: SyncClient, phase: str) -> None:
            started = time.perf_counter()
            client.sync()
            figures[phase].add(time.perf_counter() - started, relay.take())

        with a.transaction():
            ids = [a.insert("people", record) for record in records]
        sync(a_client, "push")
        sync(b_client, "pull")
        sync(a_client, "settle")
        sync(b_client, "settle")
        sync(a_client, "nochange")
        for i in a_edits:
            a.update("people", ids[i], change(i, "A"))
        for i in b_edits:
            b.update("people", ids[i], change(i, "B"))
        sync(a_client, "edit50")
        sync(b_client, "edit50")
        sync(a_client, "receive50")
        a.update("people", ids[last], change(last, "A1"))
        sync(a_client, "edit1")
        b_client.sync()
        rows_a, rows_b = dostyq_rows(a), dostyq_rows(b)
        for client in (a_client, b_client):
            client.transport.close()
        a.close()
        b.close()
    if rows_a != rows_b:
        raise SystemExit("Dostyq: A and B differ after the last sync")
    return figures, {ids[i]: rows_a[ids[i]] for i in range(len(ids))}


# ---- PouchDB -------------------------------------------------------------------------------------------------
def node_ready() -> str | None:
    """The reason the PouchDB side cannot run, or None. Runs `npm ci` once when bench/pouchdb has no modules."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        missing = " and ".join(n for n, p in (("node", node), ("npm", npm)) if not p)
        return (
            f"{missing} not found: install Node.js 18 or newer with npm (Debian: apt-get install nodejs npm)"
        )
    if (
        not (PEER / "node_modules" / "pouchdb-server").is_dir()
        or not (PEER / "node_modules" / "pouchdb").is_dir()
    ):
        print("# installing the PouchDB peer: npm ci in bench/pouchdb", file=sys.stderr)
        res = subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=PEER,
            capture_output=True,
            text=True,
            check=False,
        )
        if res.returncode != 0:
            return f"npm ci in {PEER} failed:\n{res.stderr.strip()[-2000:]}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def pouchdb_server(work: Path) -> Iterator[CountingRelay]:
    home = work / "pouchdb-server"
    home.mkdir()
    # Warnings only, as the Dostyq server logs here (no line per request).
    (home / "config.json").write_text(
        json.dumps({"log": {"level": "warning", "file": str(home / "log.txt")}})
    )
    port = free_port()
    binary = PEER / "node_modules" / "pouchdb-server" / "bin" / "pouchdb-server"
    args = ["node", str(binary), "--in-memory", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--no-stdout-logs", "--config", str(home / "config.json"), "--dir", str(home)]
    errors = home / "stderr.txt"
    with errors.open("w") as err:  # a file, not a pipe: nothing can block the server however much it writes
        proc = subprocess.Popen(args, cwd=home, stdout=subprocess.DEVNULL, stderr=err)
    direct = urllib.request.build_opener(
        urllib.request.ProxyHandler({})
    )  # straight to loopback, whatever *_proxy says
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with direct.open(f"http://127.0.0.1:{port}/", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pouchdb-server did not start: {errors.read_text()[-2000:]}")
            time.sleep(0.1)
        relay = CountingRelay(port)
        try:
            yield relay
        finally:
            relay.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Peer:
    """bench/pouchdb/peer.js: PouchDB clients, one JSON line per command and per answer."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            ["node", str(PEER / "peer.js")],
            cwd=PEER,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def __call__(self, op: str, **args: Any) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"op": op, **args}, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the PouchDB peer stopped (exit {self.proc.wait()})")
        answer: dict = json.loads(line)
        if not answer.pop("ok"):
            raise RuntimeError(f"the PouchDB peer failed at {op}: {answer['error']}")
        return answer

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self("quit")
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def run_pouchdb(records: list[dict], ids: list[str], work: Path) -> tuple[dict[str, Figure], dict[str, dict]]:
    figures = {phase: Figure() for phase in PHASES}
    a_edits, b_edits, last = edits_for(len(records))
    with pouchdb_server(work) as relay:
        peer = Peer()
        try:
            remote = f"http://127.0.0.1:{relay.port}/people"
            for name in ("a", "b"):
                peer("open", name=name, path=str(work / f"pouch-{name}"), remote=remote)
                peer("sync", name=name)  # the remote database is made (not measured)
            relay.take()

            def sync(name: str, phase: str) -> None:
                figures[phase].add(peer("sync", name=name)["seconds"], relay.take())

            peer("insert", name="a", docs=[{"_id": i, **r} for i, r in zip(ids, records, strict=True)])
            sync("a", "push")
            sync("b", "pull")
            sync("a", "settle")
            sync("b", "settle")
            sync("a", "nochange")
            peer("edit", name="a", edits=[{"_id": ids[i], **change(i, "A")} for i in a_edits])
            peer("edit", name="b", edits=[{"_id": ids[i], **change(i, "B")} for i in b_edits])
            sync("a", "edit50")
            sync("b", "edit50")
            sync("a", "receive50")
            peer("edit", name="a", edits=[{"_id": ids[last], **change(last, "A1")}])
            sync("a", "edit1")
            peer("sync", name="b")
            docs_a = {d.pop("_id"): d for d in peer("dump", name="a")["docs"]}
            docs_b = {d.pop("_id"): d for d in peer("dump", name="b")["docs"]}
        finally:
            peer.close()
    if docs_a != docs_b:
        raise SystemExit("PouchDB: A and B differ after the last sync")
    return figures, docs_a


# ---- the run -------------------------------------------------------------------------------------------------
def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.3g}" if theirs else "inf"


def report(dostyq: dict[str, Figure], pouchdb: dict[str, Figure], out: Callable[[str], None]) -> None:
    for phase in PHASES:
        d, p = dostyq[phase], pouchdb[phase]
        out(f"{phase}_seconds_dostyq: {d.seconds:.3f} s")
        out(f"{phase}_seconds_pouchdb: {p.seconds:.3f} s")
        out(f"{phase}_ratio: {ratio(d.seconds, p.seconds)} x")
        out(f"{phase}_requests_dostyq: {d.requests}")
        out(f"{phase}_requests_pouchdb: {p.requests}")
        out(f"{phase}_requests_ratio: {ratio(d.requests, p.requests)} x")
        out(f"{phase}_bytes_dostyq: {d.bytes} B")
        out(f"{phase}_bytes_pouchdb: {p.bytes} B")
        out(f"{phase}_bytes_ratio: {ratio(d.bytes, p.bytes)} x")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=2000, help="people records (at least 50)")
    args = ap.parse_args()
    if args.rows < 50:
        ap.error("--rows must be at least 50 (the two-way phase edits 50 different rows)")
    problem = node_ready()
    if problem:
        print(f"vs_pouchdb: {problem}", file=sys.stderr)
        return 2
    records = make_records(args.rows)
    sizes = sorted(record_size(r) for r in records)
    with tempfile.TemporaryDirectory(prefix="dostyq-vs-pouchdb-") as tmp:
        work = Path(tmp)
        (work / "dostyq").mkdir()
        dostyq, rows = run_dostyq(records, work / "dostyq")
        ids = list(rows)
        pouchdb, docs = run_pouchdb(records, ids, work)
    if {i: {f: docs[i].get(f) for f in rows[i]} for i in ids} != rows or set(docs) != set(rows):
        raise SystemExit("Dostyq and PouchDB ended with different rows")
    report(dostyq, pouchdb, print)
    print(
        f"# {args.rows} records of {sizes[0]}–{sizes[-1]} B (median {sizes[len(sizes) // 2]} B); "
        "Dostyq: uvicorn + SQLite; PouchDB: pouchdb-server --in-memory, clients on LevelDB",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
