// The activity collector driven through its adapter interface with fake event sources
// and a fake clock (no VS Code needed).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { ActivityCollector, MAX_INTERVALS } = require("../src/collector");

/** Fake EditorEvents: `fire.<source>(…)` plays an event; `clock.ms` is the time. */
function fakeEvents({ focused = true, active = { doc: "doc-a", languageId: "javascript" } } = {}) {
  const listeners = {};
  const source = (name) => (listener) => {
    (listeners[name] ||= []).push(listener);
    return { dispose: () => { listeners[name] = listeners[name].filter((l) => l !== listener); } };
  };
  const clock = { ms: 1_800_000_000_000 };
  const events = {
    onTextChange: source("text"), onActiveEditorChange: source("editor"), onWindowFocus: source("focus"),
    onDiagnostics: source("diagnostics"), onSave: source("save"),
    isFocused: () => focused, activeEditor: () => active, now: () => clock.ms,
  };
  const fire = new Proxy({}, { get: (_, name) => (value) => (listeners[name] || []).forEach((l) => l(value)) });
  return { events, fire, clock, listeners };
}

const typeAt = (env, ms, change = {}) => {
  env.clock.ms += ms;
  env.fire.text({ doc: "doc-a", languageId: "javascript", linesAdded: 0, linesDeleted: 0, ...change });
};

test("keystrokes, intervals, lines and files of one window", () => {
  const env = fakeEvents();
  const collector = new ActivityCollector(env.events).start();
  typeAt(env, 100);
  typeAt(env, 150, { linesAdded: 2 });
  typeAt(env, 130, { doc: "doc-b", languageId: "python", linesDeleted: 1 });
  typeAt(env, 120);
  env.clock.ms += 500;
  const window = collector.take();
  assert.equal(window.keystrokes, 4);
  assert.deepEqual(window.keystroke_intervals, [150, 130, 120]);
  assert.equal(window.lines_added, 2);
  assert.equal(window.lines_deleted, 1);
  assert.equal(window.files_modified, 2);
  assert.equal(window.language, "javascript", "the language typed most");
  assert.equal(window.window_ms, 1000);
  assert.equal(window.focus_ms, 1000);
  assert.equal(window.at_ms, env.clock.ms);
  // The next window starts empty; intervals continue from the last keystroke.
  typeAt(env, 200);
  const next = collector.take();
  assert.equal(next.keystrokes, 1);
  assert.deepEqual(next.keystroke_intervals, [700], "500 ms idle + 200 ms");
});

test("only the most recent 512 intervals are sent", () => {
  const env = fakeEvents();
  const collector = new ActivityCollector(env.events).start();
  for (let i = 0; i < 1500; i++) typeAt(env, 100 + (i % 50));
  const window = collector.take();
  assert.equal(window.keystrokes, 1500);
  assert.equal(window.keystroke_intervals.length, MAX_INTERVALS);
  assert.equal(window.keystroke_intervals.at(-1), 100 + (1499 % 50));
});

test("focus time and context switches from window focus and editor changes", () => {
  const env = fakeEvents();
  const collector = new ActivityCollector(env.events).start();
  env.clock.ms += 3000;
  env.fire.focus(false);                       // to another application: a switch
  env.clock.ms += 5000;
  env.fire.focus(true);
  env.clock.ms += 2000;
  env.fire.editor({ doc: "doc-b", languageId: "go" }); // another file: a switch
  env.fire.editor({ doc: "doc-b", languageId: "go" }); // the same file again: none
  env.fire.editor(null);                       // no editor (a panel): none
  env.fire.editor({ doc: "doc-b", languageId: "go" });
  const window = collector.take();
  assert.equal(window.window_ms, 10000);
  assert.equal(window.focus_ms, 5000);
  assert.equal(window.context_switches, 2);
  assert.equal(window.keystrokes, 0);
  assert.equal(window.language, "go", "without typing: the active editor's language");
});

test("error_events counts diagnostics that appeared, not those that stayed or went", () => {
  const env = fakeEvents();
  const collector = new ActivityCollector(env.events).start();
  env.fire.diagnostics([{ doc: "doc-a", errors: 2 }, { doc: "doc-b", errors: 1 }]);
  env.fire.diagnostics([{ doc: "doc-a", errors: 2 }]);
  env.fire.diagnostics([{ doc: "doc-a", errors: 3 }]);
  env.fire.diagnostics([{ doc: "doc-b", errors: 0 }]);
  env.fire.diagnostics([{ doc: "doc-b", errors: 1 }]);
  env.clock.ms += 1000;
  assert.equal(collector.take().error_events, 5);
});

test("saves are reported; an unfocused window with nothing happening is skipped", () => {
  const env = fakeEvents({ focused: false });
  const collector = new ActivityCollector(env.events).start();
  env.clock.ms += 10000;
  assert.equal(collector.take(), null);
  env.fire.save("doc-a");
  env.clock.ms += 10000;
  const window = collector.take();
  assert.equal(window.file_saved, true);
  assert.equal(window.focus_ms, 0);
});

test("dispose removes every listener", () => {
  const env = fakeEvents();
  const collector = new ActivityCollector(env.events).start();
  collector.dispose();
  for (const name of Object.keys(env.listeners)) assert.equal(env.listeners[name].length, 0, name);
});

test("a window carries counts only: no document keys or text", () => {
  const env = fakeEvents();
  const collector = new ActivityCollector(env.events).start();
  typeAt(env, 10, { doc: "file:///home/ada/secret-plans.txt" });
  env.fire.save("file:///home/ada/secret-plans.txt");
  const text = JSON.stringify(collector.take());
  assert.ok(!text.includes("secret") && !text.includes("file:"), text);
});
