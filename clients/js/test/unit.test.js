// The client's queue and retry rules against a scripted fake socket (no server needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { FlowcoachClient, MemoryStore, backoffDelay, MAX_INTERVALS } from "../flowcoach.js";
import { waitFor } from "./harness.js";

/** A WebSocket stand-in: records what is sent; the test plays the server. */
function fakeSocketClass() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url, protocol) {
      this.url = url; this.protocol = protocol; this.readyState = 0; this.sent = [];
      sockets.push(this);
    }
    send(text) { this.sent.push(JSON.parse(text)); }
    close() { this.readyState = 3; }
    open() { this.readyState = 1; this.onopen?.(); }
    say(message) { this.onmessage?.({ data: JSON.stringify(message) }); }
    drop(code = 1006) { this.readyState = 3; this.onclose?.({ code, reason: "" }); }
    last(type) { return [...this.sent].reverse().find((m) => m.type === type); }
  }
  return { FakeWebSocket, sockets };
}

const WELCOME = { type: "welcome", user: { id: "u", name: "ada" }, server_time: new Date().toISOString(), heartbeat_s: 30 };

const open = [];
test.afterEach(() => { for (const client of open.splice(0)) client.close(); });

function setup(store = new MemoryStore()) {
  const { FakeWebSocket, sockets } = fakeSocketClass();
  const client = new FlowcoachClient({ url: "ws://127.0.0.1:9/v1/ws", token: "fc_i_x", store,
    WebSocket: FakeWebSocket, backoff: { initialMs: 1, maxMs: 2 }, random: () => 0.5 });
  open.push(client);
  return { client, sockets, store };
}

/** Opens the newest fake socket, answers hello, returns it. */
function accept(sockets) {
  const ws = sockets.at(-1);
  ws.open();
  assert.equal(ws.sent[0].type, "hello");
  assert.equal(ws.protocol, "flowcoach.v1");
  ws.say({ ...WELCOME, ref: ws.sent[0].id });
  return ws;
}

function startAnswer(ws, last = 0, durable = 0, resumed = false) {
  const start = ws.last("session.start");
  ws.say({ type: "session.started", session: start.session, resumed, last_seq: last, durable_seq: durable, ref: start.id });
  return start;
}

const window = (n) => ({ window_ms: 5000, at_ms: Date.now() - 1000 * (100 - n), keystrokes: n });

test("backoff is full jitter under a capped exponential ceiling", () => {
  assert.equal(backoffDelay(0, { initialMs: 1000, maxMs: 30000 }, () => 0), 0);
  assert.equal(backoffDelay(0, { initialMs: 1000, maxMs: 30000 }, () => 0.999), 999);
  assert.equal(backoffDelay(3, { initialMs: 1000, maxMs: 30000 }, () => 0.5), 4000);
  assert.equal(backoffDelay(40, { initialMs: 1000, maxMs: 30000 }, () => 0.999), 29970);
});

test("one window in flight; rate_limited resends the same seq", async () => {
  const { client, sockets } = setup();
  client.connect();
  await Promise.resolve();
  const ws = accept(sockets);
  const session = client.openSession();
  startAnswer(ws);
  session.record(window(1));
  session.record(window(2));
  const activities = () => ws.sent.filter((m) => m.type === "activity");
  assert.deepEqual(activities().map((m) => m.seq), [1], "the second waits for the first's answer");
  ws.say({ type: "error", code: "rate_limited", message: "slow down", ref: activities()[0].id });
  await waitFor(() => activities().length === 2, 5000, "the window resent");
  assert.deepEqual(activities().map((m) => m.seq), [1, 1]);
  ws.say({ type: "flow", session: session.id, seq: 1, state: "idle", ref: activities()[1].id });
  assert.deepEqual(activities().map((m) => m.seq), [1, 1, 2]);
  client.close();
});

test("windows stay until durable; a new client on the same store resumes and replays", async () => {
  const store = new MemoryStore();
  const first = setup(store);
  first.client.connect();
  await Promise.resolve();
  let ws = accept(first.sockets);
  const session = first.client.openSession({ project: "p" });
  startAnswer(ws);
  for (let n = 1; n <= 3; n++) {
    session.record(window(n));
    const sent = ws.last("activity");
    ws.say({ type: "flow", session: session.id, seq: sent.seq, state: "idle", ref: sent.id });
  }
  ws.say({ type: "durable", session: session.id, seq: 2 });
  assert.deepEqual(session.pending.map((w) => w.seq), [3]);
  const id = session.id;
  first.client.close();

  // The host restarts: same store, same session id.
  const second = setup(store);
  second.client.connect();
  await Promise.resolve();
  ws = accept(second.sockets);
  const again = second.client.openSession({ id });
  assert.equal(again.nextSeq, 4);
  const start = startAnswer(ws, 2, 2, true);
  assert.equal(start.session, id);
  assert.equal(start.project, "p");
  assert.deepEqual(ws.sent.filter((m) => m.type === "activity").map((m) => m.seq), [3], "replays what is not durable");
  second.client.close();
});

test("after a reconnect, windows above durable_seq are replayed in order and the end follows them", async () => {
  const { client, sockets } = setup();
  client.connect();
  await Promise.resolve();
  let ws = accept(sockets);
  const session = client.openSession();
  startAnswer(ws);
  for (let n = 1; n <= 4; n++) {
    session.record(window(n));
    const sent = ws.last("activity");
    ws.say({ type: "flow", session: session.id, seq: sent.seq, state: "idle", ref: sent.id });
  }
  ws.say({ type: "durable", session: session.id, seq: 1 });
  ws.drop(1012);
  assert.equal(client.state, "waiting");
  const ended = session.end({ atMs: Date.now() });
  await waitFor(() => sockets.length === 2, 5000, "a new socket");
  ws = accept(sockets);
  startAnswer(ws, 4, 2, true);
  for (let expected = 3; expected <= 4; expected++) {
    const sent = ws.last("activity");
    assert.equal(sent.seq, expected);
    ws.say({ type: "flow", session: session.id, seq: sent.seq, state: "idle", duplicate: true, ref: sent.id });
  }
  const end = ws.last("session.end");
  assert.equal(end.seq, 4);
  ws.say({ type: "session.summary", session: session.id, keystrokes: 10, ref: end.id });
  assert.equal((await ended).keystrokes, 10);
  ws.say({ type: "durable", session: session.id, seq: 4 });
  assert.equal(client.sessions.length, 0);
  client.close();
});

test("a session the server no longer resumes moves its queue to a new session", async () => {
  const { client, sockets } = setup();
  client.connect();
  await Promise.resolve();
  const ws = accept(sockets);
  const session = client.openSession({ id: "6F1C2A3E-8D4B-4F7A-9B2E-1C0D5E6F7A8B" });
  assert.equal(session.id, "6f1c2a3e-8d4b-4f7a-9b2e-1c0d5e6f7a8b");
  const replaced = [];
  client.on("session.replaced", (r) => replaced.push(r));
  session.nextSeq = 8;
  session.pending.push({ seq: 6, ...window(6) }, { seq: 7, ...window(7) });
  const first = ws.last("session.start");
  ws.say({ type: "error", code: "invalid_field", message: "ended", ref: first.id });
  assert.equal(replaced.length, 1);
  assert.notEqual(session.id, first.session);
  const second = ws.last("session.start");
  assert.equal(second.session, session.id);
  assert.deepEqual(session.pending.map((w) => w.seq), [1, 2]);
  assert.ok(second.at_ms <= session.pending[0].at_ms);
  client.close();
});

test("windows are clamped to the protocol's limits", async () => {
  const { client, sockets } = setup();
  client.connect();
  await Promise.resolve();
  const ws = accept(sockets);
  const session = client.openSession();
  startAnswer(ws);
  session.record({ window_ms: 0, keystrokes: -3, keystroke_intervals: Array.from({ length: 600 }, (_, i) => i), focus_ms: 9e9 });
  const sent = ws.last("activity");
  assert.equal(sent.window_ms, 1);
  assert.equal(sent.keystrokes, 0);
  assert.equal(sent.focus_ms, 3600000);
  assert.equal(sent.keystroke_intervals.length, MAX_INTERVALS);
  assert.equal(sent.keystroke_intervals[0], 600 - MAX_INTERVALS, "the most recent are kept");
  client.close();
});
