// The PouchDB side of bench/vs_pouchdb.py: PouchDB clients (LevelDB on disk) driven over stdin/stdout, one JSON
// object a line each way. Each client syncs with a remote database (pouchdb-server behind the bench's byte-counting
// relay) by PouchDB's own one-shot two-way replication, as an app would.
//
//   {"op": "open", "name": "a", "path": "/tmp/…/a", "remote": "http://127.0.0.1:PORT/people"}
//   {"op": "insert", "name": "a", "docs": [{"_id": …, fields…}, …]}    new docs, one bulk write
//   {"op": "edit", "name": "a", "edits": [{"_id": …, fields…}, …]}      each: read the doc, change fields, write
//   {"op": "sync", "name": "a"}                                          → {"seconds": …, "pushed": n, "pulled": n}
//   {"op": "dump", "name": "a"}                                          → {"docs": [doc without _rev, …]}
//   {"op": "quit"}
// Every answer is {"ok": true, …} or {"ok": false, "error": "…"}.
"use strict";

const readline = require("node:readline");
const PouchDB = require("pouchdb");

const dbs = new Map();

function client(name) {
  const db = dbs.get(name);
  if (!db) throw new Error(`no client named ${name}`);
  return db;
}

const ops = {
  async open({ name, path, remote }) {
    dbs.set(name, { local: new PouchDB(path), remote: new PouchDB(remote) });
    return {};
  },
  async insert({ name, docs }) {
    const results = await client(name).local.bulkDocs(docs);
    const failed = results.filter((r) => r.error);
    if (failed.length) throw new Error(`${failed.length} docs not written: ${failed[0].reason || failed[0].error}`);
    return { written: results.length };
  },
  async edit({ name, edits }) {
    const { local } = client(name);
    for (const edit of edits) {
      const doc = await local.get(edit._id);
      await local.put({ ...doc, ...edit });
    }
    return { written: edits.length };
  },
  async sync({ name }) {
    const { local, remote } = client(name);
    const started = process.hrtime.bigint();
    const result = await PouchDB.sync(local, remote);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.push.status !== "complete" || result.pull.status !== "complete") {
      throw new Error(`sync ended ${result.push.status}/${result.pull.status}`);
    }
    return { seconds, pushed: result.push.docs_written, pulled: result.pull.docs_written };
  },
  async dump({ name }) {
    const all = await client(name).local.allDocs({ include_docs: true });
    return { docs: all.rows.map(({ doc }) => { const { _rev, ...rest } = doc; return rest; }) };
  },
  async quit() {
    for (const { local, remote } of dbs.values()) {
      await local.close();
      await remote.close();
    }
    dbs.clear();
    return {};
  },
};

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
let queue = Promise.resolve();

function answer(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

lines.on("line", (line) => {
  queue = queue.then(async () => {
    let msg;
    try {
      msg = JSON.parse(line);
      const handler = ops[msg.op];
      if (!handler) throw new Error(`unknown op ${msg.op}`);
      answer({ ok: true, ...(await handler(msg)) });
    } catch (err) {
      answer({ ok: false, error: String((err && err.stack) || err) });
    }
    if (msg && msg.op === "quit") process.exit(0);
  });
});
lines.on("close", () => {
  queue.then(() => process.exit(0));
});
