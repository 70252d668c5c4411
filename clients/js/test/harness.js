// Starts a real `flowcoach serve` for the client tests, the way Tests/Interop/conftest.py
// does: a temp SQLite store, users and tokens made with the admin CLI, a free port on
// 127.0.0.1 reported through --port-file. Every wait is bounded and waits for a condition.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
/** The server binary under test: $FLOWCOACH_BIN or the debug build of this checkout. */
export const BIN = process.env.FLOWCOACH_BIN || join(ROOT, ".build", "debug", "flowcoach");

/** Short intervals so durability and resume are observable within a test. */
const TEST_ENV = {
  FLOWCOACH_SESSIONS_CHECKPOINT_INTERVAL_MS: "300",
  FLOWCOACH_SESSIONS_RESUME_WINDOW_MS: "60000",
};

/** Polls `predicate` every 25 ms until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor(predicate, timeoutMs = 10000, what = "condition") {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The next `type` event of `target` whose detail matches `predicate`; rejects after
 * `timeoutMs`. `on` must be the client's `on(type, listener) → off`.
 */
export function nextEvent(client, type, predicate = () => true, timeoutMs = 10000) {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`no ${type} event within ${timeoutMs} ms`)); }, timeoutMs);
    const off = client.on(type, (detail) => {
      if (!predicate(detail)) return;
      clearTimeout(timer);
      off();
      resolvePromise(detail);
    });
  });
}

/** A store, users with tokens, and a server on it that can be killed and started again. */
export class World {
  /** @param {{users?: string[], env?: object}} [options] */
  constructor({ users = ["alice"], env = {} } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), "flowcoach-js-"));
    this.database = join(this.dir, "flowcoach.sqlite");
    this.env = { ...process.env, ...TEST_ENV, ...env };
    this.tokens = {};
    for (const user of users) {
      this.admin("user", "add", user);
      for (const scope of ["ingest", "read"]) {
        this.tokens[`${user}:${scope}`] = this.admin("token", "create", user, "--scope", scope).trim();
      }
    }
    this.process = null;
    this.port = 0;
    this.starts = 0;
  }

  admin(...args) {
    return execFileSync(BIN, [...args, "--database", this.database], { encoding: "utf8", timeout: 60000,
      stdio: ["ignore", "pipe", "pipe"] });
  }

  token(user, scope = "ingest") { return this.tokens[`${user}:${scope}`]; }

  get url() { return `ws://127.0.0.1:${this.port}/v1/ws`; }

  /** Starts the server (on the previous port after the first start) and waits for it to listen. */
  async start() {
    this.starts += 1;
    const portFile = join(this.dir, `port-${this.starts}`);
    this.logPath = join(this.dir, `server-${this.starts}.log`);
    const log = openSync(this.logPath, "w");
    const args = ["serve", "--host", "127.0.0.1", "--port", String(this.port), "--loops", "2",
      "--port-file", portFile, "--log-level", "debug", "--database", this.database];
    const child = spawn(BIN, args, { env: this.env, stdio: ["ignore", log, log] });
    closeSync(log);
    this.process = child;
    child.exited = new Promise((r) => child.once("exit", (code, signal) => r({ code, signal })));
    await waitFor(() => {
      if (child.exitCode !== null) throw new Error(`server exited early: ${readFileSync(this.logPath, "utf8")}`);
      return existsSync(portFile) && readFileSync(portFile, "utf8").trim();
    }, 20000, "server listening");
    this.port = Number(readFileSync(portFile, "utf8").trim().split(/\s+/)[0]);
    return this;
  }

  /** A crash: SIGKILL, then wait until the process is gone. */
  async kill9() {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGKILL");
    await child.exited;
  }

  /** A graceful stop (SIGTERM: sessions checkpointed, sockets closed with 1001). */
  async stop(graceMs = 15000) {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return null;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    const result = await child.exited;
    clearTimeout(timer);
    return result;
  }

  /** Stops the server in every case and removes the store. */
  async dispose() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Kills servers left running if the test process exits abruptly. */
export function guard(world) {
  const kill = () => { try { world.process?.kill("SIGKILL"); } catch { /* gone */ } };
  process.once("exit", kill);
  return world;
}

/** A small window with typing, `seconds` long, ending at `atMs`. */
export function smallWindow(atMs, seq, seconds = 5, keystrokes = 20 + (seq % 9)) {
  return {
    at_ms: atMs, window_ms: seconds * 1000, keystrokes,
    keystroke_intervals: Array.from({ length: Math.min(keystrokes, 512) }, (_, i) => 120 + ((i * 7 + seq) % 40)),
    context_switches: 0, error_events: 0, focus_ms: seconds * 1000, files_modified: 1,
    lines_added: seq % 5 + 1, lines_deleted: seq % 3,
  };
}

/** The exact totals a summary must show for `windows`. */
export function totals(windows) {
  const sum = (field) => windows.reduce((acc, w) => acc + w[field], 0);
  return { keystrokes: sum("keystrokes"), lines_added: sum("lines_added"),
    lines_deleted: sum("lines_deleted"), active_ms: sum("window_ms") };
}
