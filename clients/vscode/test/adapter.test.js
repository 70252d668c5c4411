// The VS Code adapter with a fake `vscode` API object: events become the collector's plain
// facts; only the focused editor's edits count; line counts come from the changes.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { readFileSync } = require("node:fs");
const path = require("node:path");
const { createEditorEvents, countLines, mementoStore } = require("../src/vscode-adapter");
const { statusView, duration } = require("../src/format");

function fakeVscode() {
  const emitters = {};
  const event = (name) => (listener) => { (emitters[name] ||= []).push(listener); return { dispose() {} }; };
  const fire = (name, value) => (emitters[name] || []).forEach((l) => l(value));
  const doc = (uri, languageId = "typescript", scheme = "file") => ({ uri: { scheme, toString: () => uri }, languageId });
  const api = {
    window: { activeTextEditor: null, state: { focused: true },
      onDidChangeActiveTextEditor: event("editor"), onDidChangeWindowState: event("window") },
    workspace: { onDidChangeTextDocument: event("text"), onDidSaveTextDocument: event("save") },
    languages: { onDidChangeDiagnostics: event("diagnostics"), getDiagnostics: () => [] },
    DiagnosticSeverity: { Error: 0, Warning: 1 },
  };
  return { api, fire, doc };
}

const range = (start, end) => ({ start: { line: start }, end: { line: end } });

test("lines added and deleted from content changes", () => {
  assert.deepEqual(countLines([{ text: "a\nb\n", range: range(3, 3) }, { text: "", range: range(5, 7) }]),
    { linesAdded: 2, linesDeleted: 2 });
});

test("edits of the focused editor become text changes; others are ignored", () => {
  const { api, fire, doc } = fakeVscode();
  const events = createEditorEvents(api);
  const seen = [];
  events.onTextChange((c) => seen.push(c));
  const a = doc("file:///x/a.ts");
  const output = doc("output:log", "log", "output");
  api.window.activeTextEditor = { document: a };
  fire("text", { document: a, contentChanges: [{ text: "x\n", range: range(1, 1) }] });
  fire("text", { document: doc("file:///x/b.ts"), contentChanges: [{ text: "y", range: range(0, 0) }] });
  fire("text", { document: output, contentChanges: [{ text: "log\n", range: range(0, 0) }] });
  fire("text", { document: a, contentChanges: [] });
  assert.deepEqual(seen, [{ doc: "file:///x/a.ts", languageId: "typescript", linesAdded: 1, linesDeleted: 0 }]);
});

test("diagnostics are reported as error counts per document", () => {
  const { api, fire } = fakeVscode();
  api.languages.getDiagnostics = () => [{ severity: 0 }, { severity: 1 }, { severity: 0 }];
  const seen = [];
  createEditorEvents(api).onDiagnostics((c) => seen.push(c));
  fire("diagnostics", { uris: [{ toString: () => "file:///x/a.ts" }] });
  assert.deepEqual(seen, [[{ doc: "file:///x/a.ts", errors: 2 }]]);
});

test("the memento store keeps strings under keys", () => {
  const values = new Map();
  const store = mementoStore({ get: (k) => values.get(k), update: (k, v) => (v === undefined ? values.delete(k) : values.set(k, v)) });
  assert.equal(store.getItem("k"), null);
  store.setItem("k", "v");
  assert.equal(store.getItem("k"), "v");
  store.removeItem("k");
  assert.equal(store.getItem("k"), null);
});

test("status bar texts", () => {
  assert.equal(duration(65 * 60000), "1 h 05 min");
  assert.equal(statusView({ connection: "open", flow: { state: "flow", flow_ms: 720000 }, todayFlowMs: 3900000 }).text,
    "$(flame) In flow 12 min · today 1 h 05 min");
  assert.equal(statusView({ connection: "open", flow: null, todayFlowMs: null }).text, "$(circle-outline) Idle");
  assert.equal(statusView({ connection: "waiting", pending: 3 }).text, "$(cloud-offline) Flowcoach offline");
  assert.equal(statusView({ connection: "refused" }).text, "$(error) Flowcoach: token refused");
  assert.equal(statusView({ connection: "idle", hasToken: false }).text, "$(key) Flowcoach: set token");
  assert.equal(statusView({ connection: "open", paused: true }).text, "$(debug-pause) Flowcoach paused");
});

test("lib/flowcoach.mjs is the same file as clients/js/flowcoach.js (run clients/vscode/sync-client.sh)", () => {
  const copy = readFileSync(path.join(__dirname, "..", "lib", "flowcoach.mjs"), "utf8");
  const source = readFileSync(path.join(__dirname, "..", "..", "js", "flowcoach.js"), "utf8");
  assert.ok(copy === source, "lib/flowcoach.mjs is stale");
});

test("package.json contributes the commands and settings the extension uses", () => {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
  const extension = readFileSync(path.join(__dirname, "..", "extension.js"), "utf8");
  const commands = manifest.contributes.commands.map((c) => c.command);
  for (const command of extension.matchAll(/registerCommand\("([^"]+)"/g)) assert.ok(commands.includes(command[1]), command[1]);
  const settings = Object.keys(manifest.contributes.configuration.properties);
  for (const setting of extension.matchAll(/config\.get\("([^"]+)"/g)) assert.ok(settings.includes(`flowcoach.${setting[1]}`), setting[1]);
  assert.ok(manifest.engines.vscode && manifest.activationEvents.length && manifest.main === "./extension.js");
  assert.deepEqual(manifest.dependencies ?? {}, {}, "no dependencies");
});
