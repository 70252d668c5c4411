// Flowcoach protocol v1 client (docs/PROTOCOL.md): one ES module without dependencies, for
// browsers and Node >= 22 (Node 20 needs --experimental-websocket for the global WebSocket).
//
// It is one file on purpose: the dashboard page inlines it as a single module script, and
// the VS Code extension carries a byte-identical copy. Sections: errors, backoff, stores,
// sessions (the replay queue), the client.
//
// The durability contract it implements: every activity window is kept, in order and with
// its seq, until a `durable` covering that seq arrives; after any reconnect each live
// session is resumed with `session.start` (same id) and the kept windows above the
// server's `durable_seq` are sent again. The server deduplicates by (session, seq).

/** The subprotocol every connection offers. */
export const SUBPROTOCOL = "flowcoach.v1";
/** Version of this client, sent in `hello`. */
export const CLIENT_VERSION = "1.0.0";
/** Most keystroke intervals one `activity` may carry; the most recent ones are kept. */
export const MAX_INTERVALS = 512;

// -- errors -------------------------------------------------------------------------------

/**
 * An error with a machine-readable `code`: one of the server's error codes (`bad_json`,
 * `unknown_type`, `invalid_field`, `unauthorized`, `forbidden`, `rate_limited`,
 * `too_large`, `unknown_session`, `internal`) or one of the client's own:
 * `disconnected` (the request was cut off by a lost connection), `not_connected`,
 * `refused` (the token was refused; the client will not retry with it), `closed`
 * (the client was closed), `timeout`, `window_rejected` (an activity window the server
 * will never accept was dropped), `session_failed`, `storage`.
 */
export class FlowcoachError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {object} [details] what the error is about (request, session, seq, …)
   */
  constructor(code, message, details = {}) {
    super(message);
    this.name = "FlowcoachError";
    /** @type {string} */
    this.code = code;
    /** @type {object} */
    this.details = details;
  }
}

// -- backoff ------------------------------------------------------------------------------

/**
 * Reconnect delay with "full jitter": uniformly random in [0, min(maxMs, initialMs·2^attempt)).
 * Full jitter spreads the reconnects of many clients after a server restart.
 * @param {number} attempt 0 for the first retry
 * @param {{initialMs?: number, maxMs?: number}} [limits]
 * @param {() => number} [random] a source of numbers in [0, 1)
 * @returns {number} milliseconds
 */
export function backoffDelay(attempt, limits = {}, random = Math.random) {
  const initialMs = limits.initialMs ?? 1000;
  const maxMs = limits.maxMs ?? 30000;
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.floor(random() * ceiling);
}

// -- stores -------------------------------------------------------------------------------

/**
 * Where un-durable windows are kept. The `Storage` subset (`localStorage` fits as is;
 * VS Code's `Memento` needs a three-line adapter). Values are JSON strings.
 * @typedef {object} KeyValueStore
 * @property {(key: string) => (string | null | undefined)} getItem
 * @property {(key: string, value: string) => void} setItem
 * @property {(key: string) => void} removeItem
 */

/** A store in memory: the default, and for tests. */
export class MemoryStore {
  #items = new Map();
  /** @param {string} key */
  getItem(key) { return this.#items.has(key) ? this.#items.get(key) : null; }
  /** @param {string} key @param {string} value */
  setItem(key, value) { this.#items.set(key, String(value)); }
  /** @param {string} key */
  removeItem(key) { this.#items.delete(key); }
  /** @returns {string[]} */
  keys() { return [...this.#items.keys()]; }
}

/**
 * The browser's `localStorage`, or null where it is unavailable (private modes, Node).
 * @returns {KeyValueStore | null}
 */
export function browserStore() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

// -- sessions -----------------------------------------------------------------------------

/**
 * The counts of one activity window, as `activity` carries them (docs/PROTOCOL.md).
 * `at_ms` (the end of the window) defaults to now on the server's clock.
 * @typedef {object} ActivityWindow
 * @property {number} window_ms
 * @property {number} [at_ms]
 * @property {number} [keystrokes]
 * @property {number[]} [keystroke_intervals]
 * @property {number} [context_switches]
 * @property {number} [error_events]
 * @property {number} [focus_ms]
 * @property {number} [files_modified]
 * @property {number} [lines_added]
 * @property {number} [lines_deleted]
 * @property {string} [language]
 * @property {boolean} [file_saved]
 * @property {boolean} [commit]
 */

const COUNT_FIELDS = ["keystrokes", "context_switches", "error_events", "focus_ms",
  "files_modified", "lines_added", "lines_deleted"];

function clampInt(value, min, max) {
  const number = Math.round(Number(value));
  if (!Number.isFinite(number)) return min;
  return Math.min(max, Math.max(min, number));
}

/** The wire body of a window (without `type`, `session`, `id`), in the server's ranges. */
function normalizeWindow(window, atMs) {
  const body = { at_ms: clampInt(window.at_ms ?? atMs, 1577836800001, 8.64e15),
    window_ms: clampInt(window.window_ms, 1, 3600000) };
  for (const field of COUNT_FIELDS) {
    body[field] = clampInt(window[field] ?? 0, 0, field === "focus_ms" ? 3600000 : 10000000);
  }
  const intervals = Array.isArray(window.keystroke_intervals) ? window.keystroke_intervals : [];
  body.keystroke_intervals = intervals.slice(-MAX_INTERVALS).map((v) => clampInt(v, 0, 3600000));
  if (typeof window.language === "string" && window.language) body.language = window.language.slice(0, 64);
  if (window.file_saved) body.file_saved = true;
  if (window.commit) body.commit = true;
  return body;
}

function newUUID() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * One coaching session: its replay queue and its place on the current connection. Made by
 * {@link FlowcoachClient#openSession}; survives reconnects (and, through the store,
 * restarts of the host).
 */
export class FlowcoachSession {
  /** @param {FlowcoachClient} client @param {object} saved */
  constructor(client, saved) {
    this.#client = client;
    /** The session id (a UUID). Changes only when the server no longer knows the session
     * (see the `session.replaced` event). @type {string} */
    this.id = saved.id;
    this.project = saved.project ?? null;
    this.language = saved.language ?? null;
    this.startedAtMs = saved.startedAtMs;
    /** The seq the next window gets. */
    this.nextSeq = saved.nextSeq ?? 1;
    /** Highest seq the server reported stored. */
    this.durableSeq = saved.durableSeq ?? 0;
    /** Windows not yet durable, in seq order: `{seq, ...body}`. @type {object[]} */
    this.pending = saved.pending ?? [];
    /** `{atMs}` once `end()` was called. */
    this.ending = saved.ending ?? null;
    /** True once a `session.summary` arrived. */
    this.summarized = saved.summarized ?? false;
    this.ready = false;          // session.started seen on this connection
    this.answeredThrough = 0;    // highest seq answered by `flow` on this connection
    this.inFlight = null;        // {id, seq} of the one window awaiting its `flow`
    this.endSent = false;
    this.startRef = null;
    this.endRef = null;
    this.replacedOnThisConnection = false;
    this.blocked = false;        // a start failed for good on this connection
    this.endWaiters = [];
  }

  #client;

  /** The persisted form. */
  toJSON() {
    return { v: 1, id: this.id, project: this.project, language: this.language,
      startedAtMs: this.startedAtMs, nextSeq: this.nextSeq, durableSeq: this.durableSeq,
      pending: this.pending, ending: this.ending, summarized: this.summarized };
  }

  /**
   * Queues one activity window and sends it when the session is live on a connection.
   * It is kept (and persisted) until the server reports it durable.
   * @param {ActivityWindow} window
   * @returns {number} the window's seq
   */
  record(window) {
    if (this.ending) throw new FlowcoachError("session_failed", "the session is ending; open a new one");
    const seq = this.nextSeq++;
    this.pending.push({ seq, ...normalizeWindow(window, this.#client.serverNow()) });
    const limit = this.#client.maxPendingWindows;
    // Bounded: past the limit the oldest go; the server accepts gaps.
    if (this.pending.length > limit) this.pending.splice(0, this.pending.length - limit);
    this.#client._persist(this);
    this.#client._pump(this);
    return seq;
  }

  /**
   * Ends the session after every queued window was sent; resolves with `session.summary`.
   * Waits across reconnects.
   * @param {{atMs?: number}} [options] the end time (default now)
   * @returns {Promise<object>}
   */
  end(options = {}) {
    if (!this.ending) {
      this.ending = { atMs: Math.round(options.atMs ?? this.#client.serverNow()) };
      this.#client._persist(this);
    }
    const promise = new Promise((resolve, reject) => this.endWaiters.push({ resolve, reject }));
    this.#client._pump(this);
    return promise;
  }

  /** Windows kept because they are not durable yet. */
  get pendingCount() { return this.pending.length; }
}

// -- the client ---------------------------------------------------------------------------

/**
 * @typedef {"idle" | "connecting" | "open" | "waiting" | "refused" | "closed"} ConnectionState
 * `idle`: not started or no token; `connecting`: socket opening or `hello` sent;
 * `open`: `welcome` received; `waiting`: disconnected, a retry is scheduled;
 * `refused`: the token was refused (no retry with it); `closed`: `close()` was called.
 */

/**
 * The events a {@link FlowcoachClient} dispatches: each a `CustomEvent` whose `detail` is
 * given here. Server messages are passed through as parsed JSON (unknown fields kept).
 * @typedef {object} FlowcoachEventMap
 * @property {{state: ConnectionState, previous: ConnectionState, code?: number, retryInMs?: number, reason?: string}} state
 * @property {{user: {id: string, name: string}, server_time: string, heartbeat_s: number}} welcome
 * @property {{session: string, resumed: boolean, last_seq: number, durable_seq: number}} session.started
 * @property {{from: string, to: string}} session.replaced
 * @property {{session: string, seq: number, state: string, in_flow: boolean, flow_ms: number, session_flow_ms: number, recommendations: string[], duplicate?: boolean}} flow
 * @property {{session: string, seq: number}} durable
 * @property {{reminder: string, kind: string, reason: string, active_ms: number}} break
 * @property {object} session.summary
 * @property {{channel: string, data: object}} event
 * @property {{channel: string}} subscribed
 * @property {FlowcoachError} error
 * @property {object} message every server message, before it is handled
 */

/**
 * @typedef {object} ClientOptions
 * @property {string} url `ws://host:port/v1/ws` or `wss://…`
 * @property {string} [routeKey] the same key for all of a user's clients (e.g. their user name), sent as `?route=` so a balancer in front of several nodes sends them to one node
 * @property {string | (() => (string | null | Promise<string | null>))} token a token, or a function asked at every connect
 * @property {{name: string, version: string}} [clientInfo] sent in `hello`
 * @property {string} [device] sent in `hello`
 * @property {KeyValueStore} [store] where un-durable windows survive restarts (default: memory)
 * @property {string} [storePrefix] key prefix in the store (default `flowcoach.`)
 * @property {{initialMs?: number, maxMs?: number}} [backoff] reconnect delays (default 1 s … 30 s)
 * @property {number} [heartbeatMs] application ping interval (default: the server's `heartbeat_s`)
 * @property {number} [helloTimeoutMs] time to wait for `welcome` (default 15 s)
 * @property {number} [requestTimeoutMs] time to wait for a request's answer (default 30 s)
 * @property {number} [maxPendingWindows] per session (default 20000)
 * @property {typeof WebSocket} [WebSocket] the WebSocket class (default the global one)
 * @property {() => number} [random] for the jitter
 */

/**
 * A protocol-v1 connection that stays up: it authenticates with `hello`, reconnects with
 * jittered backoff, resumes sessions and replays their un-durable windows, re-subscribes
 * channels. Listen with {@link FlowcoachClient#on} or `addEventListener`.
 */
export class FlowcoachClient extends EventTarget {
  /** @param {ClientOptions} options */
  constructor(options) {
    super();
    if (!options || typeof options.url !== "string") throw new TypeError("options.url is required");
    const route = options.routeKey ? `${options.url.includes("?") ? "&" : "?"}route=${encodeURIComponent(options.routeKey)}` : "";
    this.url = options.url + route;
    this.#token = options.token ?? null;
    this.#clientInfo = options.clientInfo ?? { name: "flowcoach-js", version: CLIENT_VERSION };
    this.#device = options.device ?? null;
    this.#store = options.store ?? new MemoryStore();
    this.#prefix = options.storePrefix ?? "flowcoach.";
    this.#backoff = options.backoff ?? {};
    this.#heartbeatMs = options.heartbeatMs ?? null;
    this.#helloTimeoutMs = options.helloTimeoutMs ?? 15000;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30000;
    this.maxPendingWindows = options.maxPendingWindows ?? 20000;
    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this.#random = options.random ?? Math.random;
    if (typeof this.#WebSocket !== "function") {
      throw new FlowcoachError("not_connected", "no WebSocket class: use Node >= 22, or Node 20 with --experimental-websocket");
    }
  }

  #token; #clientInfo; #device; #store; #prefix; #backoff; #heartbeatMs; #helloTimeoutMs;
  #requestTimeoutMs; #WebSocket; #random;
  /** @type {WebSocket | null} */ #ws = null;
  /** @type {ConnectionState} */ #state = "idle";
  #user = null;
  #attempt = 0;
  #retryTimer = null;
  #helloTimer = null;
  #heartbeatTimer = null;
  #lastHeardAt = 0;
  #refusedToken = null;
  #sentToken = null;
  #unauthorized = false;
  #clockOffsetMs = 0;
  #counter = 0;
  /** id → {resolve, reject, answer, timer} */ #requests = new Map();
  /** @type {Map<string, FlowcoachSession>} */ #sessions = new Map();
  /** channel → waiters for its next `subscribed` */ #channels = new Map();
  #snapshots = new Map();
  /** subscribe request id → channel (answers and errors name the request) */ #subscribeRefs = new Map();

  /** The connection state. @returns {ConnectionState} */
  get state() { return this.#state; }
  /** `welcome.user` of the current connection, or null. */
  get user() { return this.#user; }
  /** The live sessions of this client. @returns {FlowcoachSession[]} */
  get sessions() { return [...this.#sessions.values()]; }

  /**
   * Listens to one event type; the listener gets the event's `detail`.
   * @template {keyof FlowcoachEventMap} K
   * @param {K} type
   * @param {(detail: FlowcoachEventMap[K]) => void} listener
   * @returns {() => void} removes the listener
   */
  on(type, listener) {
    const wrapped = (event) => listener(/** @type {CustomEvent} */ (event).detail);
    this.addEventListener(type, wrapped);
    return () => this.removeEventListener(type, wrapped);
  }

  /** Now on the server's clock (as estimated from `welcome.server_time`), in ms. */
  serverNow() { return Date.now() + this.#clockOffsetMs; }

  /** Starts connecting (and keeps reconnecting) until {@link close}. */
  connect() {
    if (this.#state === "open" || this.#state === "connecting") return;
    this.#clearRetry();
    this.#open();
  }

  /**
   * Replaces the token and reconnects with it (the way out of `refused`).
   * @param {ClientOptions["token"]} token
   */
  setToken(token) {
    this.#token = token;
    this.#refusedToken = null;
    this.#attempt = 0;
    this.#dropSocket();
    if (this.#state !== "closed") this.#setState("idle");
    this.connect();
  }

  /** Closes the connection for good (sessions stay in the store for a later resume). */
  close() {
    this.#clearRetry();
    this.#dropSocket(1000);
    this.#setState("closed");
  }

  /**
   * Opens (or resumes) a session. Without `id` a new UUID is chosen; with the id of a
   * session kept in the store, its queue and seq numbering continue. The session is
   * started on the current connection, or on the next one.
   * @param {{id?: string, project?: string, language?: string, atMs?: number}} [options]
   * @returns {FlowcoachSession}
   */
  openSession(options = {}) {
    // The server answers with the lowercase form; keep ours the same so answers match.
    const id = (options.id ?? newUUID()).toLowerCase();
    const existing = this.#sessions.get(id);
    if (existing) return existing;
    const saved = this.#load(id) ?? { id, startedAtMs: Math.round(options.atMs ?? this.serverNow()) };
    if (options.project !== undefined) saved.project = options.project;
    if (options.language !== undefined) saved.language = options.language;
    const session = new FlowcoachSession(this, saved);
    this.#sessions.set(session.id, session);
    this._persist(session);
    if (this.#state === "open") this.#sendStart(session);
    return session;
  }

  /**
   * Subscribes to a channel now and after every reconnect; resolves at its `subscribed`.
   * Snapshots arrive as `event` events (and in {@link snapshot}).
   * @param {string} channel e.g. `stats:me`, `leaderboard:day:flow_time`
   * @returns {Promise<void>}
   */
  subscribe(channel) {
    if (!this.#channels.has(channel)) this.#channels.set(channel, []);
    const promise = new Promise((resolve, reject) => this.#channels.get(channel).push({ resolve, reject }));
    if (this.#state === "open") this.#sendSubscribe(channel);
    return promise;
  }

  /**
   * Stops a subscription (and its resubscription after reconnects).
   * @param {string} channel
   */
  unsubscribe(channel) {
    const waiters = this.#channels.get(channel) ?? [];
    this.#channels.delete(channel);
    this.#snapshots.delete(channel);
    for (const waiter of waiters) waiter.reject(new FlowcoachError("closed", `unsubscribed from ${channel}`));
    if (this.#state === "open") this.#send({ type: "unsubscribe", id: this.#nextId("u"), channel });
  }

  /**
   * The latest `data` of a subscribed channel, or undefined.
   * @param {string} channel
   */
  snapshot(channel) { return this.#snapshots.get(channel); }

  /**
   * Answers a `break` reminder.
   * @param {string} reminder the reminder id from the `break` event
   * @param {"taken" | "snoozed" | "dismissed"} action
   * @returns {Promise<object>} the `ack`
   */
  ackBreak(reminder, action) {
    return this.request({ type: "break.ack", reminder, action }, "ack");
  }

  /**
   * Changes the user's privacy settings.
   * @param {{leaderboard_visible?: boolean, share_project_names?: boolean}} settings
   * @returns {Promise<object>} the `ack`
   */
  setPrivacy(settings) {
    return this.request({ type: "privacy.set", ...settings }, "ack");
  }

  /**
   * Sets the user's goal (`target_ms` 0 removes it); a `goal` event follows when it is reached.
   * @param {{period: "day" | "week", metric: "active" | "flow", target_ms: number}} goal
   * @returns {Promise<object>} the `ack`
   */
  setGoal(goal) {
    return this.request({ type: "goal.set", ...goal }, "ack");
  }

  /**
   * Sends one request on the open connection; resolves with its answer of type `answer`,
   * rejects with a {@link FlowcoachError} (the server's `error`, `not_connected`,
   * `disconnected`, `timeout`).
   * @param {object} message without `id`
   * @param {string} answer the answer's `type`
   * @returns {Promise<object>}
   */
  request(message, answer) {
    if (this.#state !== "open") {
      return Promise.reject(new FlowcoachError("not_connected", `${message.type}: not connected`));
    }
    const id = this.#nextId("r");
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#requests.delete(id);
        reject(new FlowcoachError("timeout", `${message.type}: no answer in ${this.#requestTimeoutMs} ms`));
      }, this.#requestTimeoutMs);
      this.#requests.set(id, { resolve, reject, answer, timer });
      this.#send({ ...message, id });
    });
  }

  // -- connection -------------------------------------------------------------------

  async #open() {
    this.#setState("connecting");
    let token;
    try {
      token = typeof this.#token === "function" ? await this.#token() : this.#token;
    } catch (error) {
      this.#emitError(new FlowcoachError("refused", `the token could not be read: ${error?.message ?? error}`));
      token = null;
    }
    if (this.#state !== "connecting") return; // closed meanwhile
    if (!token) { this.#setState("idle", { reason: "no token" }); return; }
    if (token === this.#refusedToken) { this.#setState("refused", { reason: "token refused" }); return; }
    let ws;
    try {
      ws = new this.#WebSocket(this.url, SUBPROTOCOL);
    } catch (error) {
      this.#emitError(new FlowcoachError("not_connected", `cannot open ${this.url}: ${error?.message ?? error}`));
      this.#scheduleRetry(undefined);
      return;
    }
    this.#ws = ws;
    this.#sentToken = token;
    this.#unauthorized = false;
    ws.onopen = () => {
      if (ws !== this.#ws) return;
      // Browsers cannot set headers on a WebSocket: authenticate with `hello`.
      const hello = { type: "hello", id: this.#nextId("h"), token, client: this.#clientInfo };
      if (this.#device) hello.device = this.#device;
      this.#send(hello);
    };
    ws.onmessage = (event) => { if (ws === this.#ws) this.#onText(event.data); };
    ws.onclose = (event) => { if (ws === this.#ws) this.#onClosed(event.code, event.reason); };
    ws.onerror = () => {
      // A close event should follow, but Node 20's WebSocket fires only `error` when the
      // connection cannot be made: without a close by the next task, treat it as closed.
      setTimeout(() => {
        if (ws === this.#ws && ws.readyState !== 1) this.#onClosed(1006, "connection failed", true);
      }, 0);
    };
    this.#helloTimer = setTimeout(() => {
      if (ws === this.#ws && this.#state === "connecting") this.#onClosed(4000, "no welcome in time", true);
    }, this.#helloTimeoutMs);
  }

  /** Forgets the socket (without waiting for its closing handshake). */
  #dropSocket(code = 4000) {
    const ws = this.#ws;
    this.#ws = null;
    this.#endConnection();
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(code === 1000 ? 1000 : 4000); } catch { /* already closing */ }
    }
  }

  /** Per-connection state goes; sessions and subscriptions stay for the next connection. */
  #endConnection() {
    clearTimeout(this.#helloTimer);
    clearInterval(this.#heartbeatTimer);
    this.#helloTimer = this.#heartbeatTimer = null;
    this.#user = null;
    for (const [id, request] of this.#requests) {
      clearTimeout(request.timer);
      request.reject(new FlowcoachError("disconnected", "the connection was lost before the answer", { id }));
    }
    this.#requests.clear();
    this.#subscribeRefs.clear();
    for (const session of this.#sessions.values()) {
      session.ready = false;
      session.inFlight = null;
      session.endSent = false;
      session.startRef = session.endRef = null;
      session.replacedOnThisConnection = false;
      session.blocked = false;
      clearTimeout(session.retryTimer);
    }
  }

  #onClosed(code, reason, dropNow = false) {
    if (dropNow) this.#dropSocket(); else { this.#ws = null; this.#endConnection(); }
    if (this.#state === "closed") return;
    // 1008 is a policy refusal (bad token, no hello, too many connections): retrying with
    // the same token would only be refused again.
    if (code === 1008 || this.#unauthorized) {
      this.#refusedToken = this.#sentToken;
      this.#setState("refused", { code, reason: reason || "token refused" });
      return;
    }
    // 1001 (going away), 1012 (restart), 1013 (try again later) and lost connections:
    // reconnect and resume.
    this.#scheduleRetry(code);
  }

  #scheduleRetry(code) {
    let delay = backoffDelay(this.#attempt++, this.#backoff, this.#random);
    if (code === 1001 || code === 1012 || code === 1013) {
      // The server is going away or restarting: an immediate retry would reach the
      // stopping process, so wait at least half an initial delay (still jittered).
      const initial = this.#backoff.initialMs ?? 1000;
      delay = Math.max(delay, Math.floor(initial * (0.5 + this.#random() / 2)));
    }
    this.#setState("waiting", { code, retryInMs: delay });
    this.#retryTimer = setTimeout(() => { this.#retryTimer = null; this.#open(); }, delay);
  }

  #clearRetry() {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #startHeartbeat(intervalMs) {
    this.#lastHeardAt = Date.now();
    this.#heartbeatTimer = setInterval(() => {
      // Two silent intervals: the path is dead even if the socket has not noticed.
      if (Date.now() - this.#lastHeardAt > 2 * intervalMs) {
        this.#onClosed(4000, "heartbeat lost", true);
        return;
      }
      this.#send({ type: "ping", id: this.#nextId("k") });
    }, intervalMs);
  }

  // -- receiving ----------------------------------------------------------------------

  #onText(text) {
    if (typeof text !== "string") return; // the protocol is text frames only
    let message;
    try { message = JSON.parse(text); } catch { return; }
    if (!message || typeof message.type !== "string") return;
    this.#lastHeardAt = Date.now();
    this.#emit("message", message);
    switch (message.type) {
      case "welcome": return this.#onWelcome(message);
      case "session.started": return this.#onStarted(message);
      case "flow": return this.#onFlow(message);
      case "durable": return this.#onDurable(message);
      case "session.summary": return this.#onSummary(message);
      case "subscribed": return this.#onSubscribed(message);
      case "event":
        this.#snapshots.set(message.channel, message.data);
        return this.#emit("event", message);
      case "break": return this.#emit("break", message);
      case "goal": return this.#emit("goal", message);
      case "error": return this.#onError(message);
      default: return this.#answer(message);
    }
  }

  #onWelcome(message) {
    if (this.#state === "open") return; // a repeated hello's answer
    clearTimeout(this.#helloTimer);
    this.#attempt = 0;
    this.#user = message.user ?? null;
    const serverTime = Date.parse(message.server_time);
    // Only a clock that is off by minutes is corrected (PROTOCOL.md: at_ms is checked).
    const offset = Number.isFinite(serverTime) ? serverTime - Date.now() : 0;
    this.#clockOffsetMs = Math.abs(offset) > 60000 ? offset : 0;
    this.#setState("open");
    this.#emit("welcome", message);
    this.#startHeartbeat(this.#heartbeatMs ?? Math.max(1, message.heartbeat_s ?? 30) * 1000);
    for (const session of this.#sessions.values()) this.#sendStart(session);
    for (const channel of this.#channels.keys()) this.#sendSubscribe(channel);
  }

  #sessionByRef(field, ref) {
    for (const session of this.#sessions.values()) if (session[field] === ref) return session;
    return null;
  }

  #onStarted(message) {
    const session = this.#sessionByRef("startRef", message.ref);
    if (!session) return this.#answer(message);
    session.startRef = null;
    session.ready = true;
    const durable = message.durable_seq ?? 0;
    const last = message.last_seq ?? 0;
    if (session.summarized && message.resumed) {
      session.summarized = false; // the server lost the end (a crash): end it again
    }
    if (session.nextSeq <= last) {
      // Our numbering is behind the server's (the store was lost): windows numbered at
      // or below last_seq would be taken for duplicates, so renumber what is queued.
      let seq = last + 1;
      for (const window of session.pending) window.seq = seq++;
      session.nextSeq = seq;
    }
    session.durableSeq = Math.max(session.durableSeq, durable);
    session.pending = session.pending.filter((window) => window.seq > durable);
    session.answeredThrough = durable;
    this._persist(session);
    this.#emit("session.started", message);
    this._pump(session);
  }

  #onFlow(message) {
    const session = this.#sessions.get(message.session);
    if (session && session.inFlight && message.ref === session.inFlight.id) {
      session.answeredThrough = Math.max(session.answeredThrough, session.inFlight.seq);
      session.inFlight = null;
      this._pump(session);
    }
    this.#emit("flow", message);
  }

  #onDurable(message) {
    const session = this.#sessions.get(message.session);
    if (session && typeof message.seq === "number") {
      session.durableSeq = Math.max(session.durableSeq, message.seq);
      session.pending = session.pending.filter((window) => window.seq > message.seq);
      this.#forgetIfDone(session) || this._persist(session);
    }
    this.#emit("durable", message);
  }

  #onSummary(message) {
    const session = this.#sessionByRef("endRef", message.ref);
    if (session) {
      session.endRef = null;
      session.summarized = true;
      this.#forgetIfDone(session) || this._persist(session);
      for (const waiter of session.endWaiters.splice(0)) waiter.resolve(message);
    }
    this.#emit("session.summary", message);
  }

  /** An ended session is forgotten once everything it sent is durable. */
  #forgetIfDone(session) {
    if (!session.summarized || session.pending.length) return false;
    this.#sessions.delete(session.id);
    this.#store.removeItem(this.#key(session.id));
    return true;
  }

  #onSubscribed(message) {
    if (message.ref) this.#subscribeRefs.delete(message.ref);
    for (const waiter of (this.#channels.get(message.channel) ?? []).splice(0)) waiter.resolve();
    this.#answer(message);
    this.#emit("subscribed", message);
  }

  #answer(message) {
    const request = message.ref ? this.#requests.get(message.ref) : null;
    if (!request) return;
    this.#requests.delete(message.ref);
    clearTimeout(request.timer);
    if (message.type === "error") {
      request.reject(new FlowcoachError(message.code, message.message ?? message.code, { ref: message.ref }));
    } else {
      request.resolve(message);
    }
  }

  #onError(message) {
    const error = new FlowcoachError(String(message.code ?? "internal"), String(message.message ?? ""), { ref: message.ref });
    if (message.code === "unauthorized") this.#unauthorized = true;
    const ref = message.ref;
    const started = ref ? this.#sessionByRef("startRef", ref) : null;
    if (started) return this.#onStartFailed(started, error);
    const ended = ref ? this.#sessionByRef("endRef", ref) : null;
    if (ended) return this.#onEndFailed(ended, error);
    for (const session of this.#sessions.values()) {
      if (ref && session.inFlight?.id === ref) return this.#onWindowFailed(session, error);
    }
    const channel = ref ? this.#subscribeRefs.get(ref) : undefined;
    if (channel !== undefined) {
      this.#subscribeRefs.delete(ref);
      const waiters = this.#channels.get(channel);
      if (waiters && error.code !== "rate_limited" && error.code !== "internal") {
        this.#channels.delete(channel);
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    if (ref && this.#requests.has(ref)) return this.#answer(message);
    this.#emitError(error);
  }

  #onStartFailed(session, error) {
    session.startRef = null;
    error.details.session = session.id;
    if (error.code === "rate_limited" || error.code === "internal") {
      return this.#retryLater(session, () => this.#sendStart(session));
    }
    if (session.summarized) {
      // Ended and summarised earlier: the server has it all.
      this.#sessions.delete(session.id);
      this.#store.removeItem(this.#key(session.id));
      return;
    }
    if (error.code === "invalid_field" && !session.replacedOnThisConnection) {
      // The server no longer resumes this id (ended after the resume window, or the id is
      // taken): carry the queued windows over to a fresh session rather than lose them.
      return this.#replace(session);
    }
    session.blocked = true;
    this.#emitError(new FlowcoachError("session_failed", `session ${session.id} cannot be started: ${error.message}`,
      { session: session.id, cause: error.code }));
  }

  #replace(session) {
    const from = session.id;
    this.#store.removeItem(this.#key(from));
    this.#sessions.delete(from);
    session.id = newUUID();
    session.replacedOnThisConnection = true;
    let seq = 1;
    for (const window of session.pending) window.seq = seq++;
    session.nextSeq = seq;
    session.durableSeq = 0;
    const first = session.pending[0];
    session.startedAtMs = first ? first.at_ms - first.window_ms : Math.round(this.serverNow());
    if (session.ending && session.ending.atMs < session.startedAtMs) session.ending.atMs = session.startedAtMs;
    this.#sessions.set(session.id, session);
    this._persist(session);
    this.#emit("session.replaced", { from, to: session.id });
    this.#sendStart(session);
  }

  #onEndFailed(session, error) {
    session.endRef = null;
    session.endSent = false;
    if (error.code === "rate_limited" || error.code === "internal") return this.#retryLater(session, () => this._pump(session));
    if (error.code === "unknown_session") { session.ready = false; return this.#sendStart(session); }
    for (const waiter of session.endWaiters.splice(0)) waiter.reject(error);
    this.#emitError(error);
  }

  #onWindowFailed(session, error) {
    const { seq } = session.inFlight;
    session.inFlight = null;
    error.details.session = session.id;
    error.details.seq = seq;
    if (error.code === "rate_limited" || error.code === "internal") {
      // Dropped, not processed: the same window goes again after a pause. Only one window
      // is ever in flight, so nothing after it was processed and it cannot be mistaken
      // for a duplicate.
      return this.#retryLater(session, () => this._pump(session));
    }
    if (error.code === "unknown_session") {
      session.ready = false;
      return this.#sendStart(session);
    }
    if (error.code === "forbidden") {
      session.blocked = true;
      return this.#emitError(error);
    }
    // The server will never take this window (out of range, too large): drop it so the
    // queue behind it moves on.
    session.pending = session.pending.filter((window) => window.seq !== seq);
    session.answeredThrough = Math.max(session.answeredThrough, seq);
    this._persist(session);
    this.#emitError(new FlowcoachError("window_rejected", error.message, { ...error.details, cause: error.code }));
    this._pump(session);
  }

  #retryLater(session, action) {
    clearTimeout(session.retryTimer);
    session.retryAttempt = (session.retryAttempt ?? 0) + 1;
    const delay = 200 + backoffDelay(session.retryAttempt, { initialMs: 250, maxMs: 10000 }, this.#random);
    const ws = this.#ws;
    session.retryTimer = setTimeout(() => { if (ws === this.#ws) action(); }, delay);
  }

  // -- sending --------------------------------------------------------------------------

  #sendStart(session) {
    if (this.#state !== "open" || session.startRef || session.ready) return;
    session.startRef = this.#nextId("s");
    const start = { type: "session.start", id: session.startRef, session: session.id, at_ms: session.startedAtMs };
    if (session.project) start.project = session.project;
    if (session.language) start.language = session.language;
    this.#send(start);
  }

  #sendSubscribe(channel) {
    const id = this.#nextId("c");
    this.#subscribeRefs.set(id, channel);
    this.#send({ type: "subscribe", id, channel });
  }

  /** Sends the next queued window of `session`, or its end. One window is in flight at a time. @internal */
  _pump(session) {
    if (this.#state !== "open" || !session.ready || session.blocked || session.inFlight || session.endRef) return;
    const next = session.pending.find((window) => window.seq > session.answeredThrough);
    if (next) {
      const id = this.#nextId("a");
      session.inFlight = { id, seq: next.seq };
      this.#send({ type: "activity", id, session: session.id, ...next });
      return;
    }
    if (session.ending && !session.endSent && !session.summarized) {
      session.endSent = true;
      session.endRef = this.#nextId("e");
      this.#send({ type: "session.end", id: session.endRef, session: session.id,
        seq: session.nextSeq - 1, at_ms: session.ending.atMs });
    }
  }

  #send(message) {
    const ws = this.#ws;
    if (!ws || ws.readyState !== 1) return false;
    try {
      ws.send(JSON.stringify(message));
      return true;
    } catch {
      return false; // the close event follows and the queue is replayed then
    }
  }

  // -- storage and events ---------------------------------------------------------------

  #key(id) { return `${this.#prefix}session.${id}`; }

  #load(id) {
    try {
      const text = this.#store.getItem(this.#key(id));
      const saved = text ? JSON.parse(text) : null;
      return saved && saved.v === 1 && saved.id === id ? saved : null;
    } catch {
      return null;
    }
  }

  /** Writes a session's queue to the store. @internal */
  _persist(session) {
    try {
      this.#store.setItem(this.#key(session.id), JSON.stringify(session));
    } catch (error) {
      this.#emitError(new FlowcoachError("storage", `the replay queue could not be stored: ${error?.message ?? error}`,
        { session: session.id }));
    }
  }

  #nextId(prefix) { return `${prefix}${++this.#counter}`; }

  #setState(state, extra = {}) {
    const previous = this.#state;
    this.#state = state;
    this.#emit("state", { state, previous, ...extra });
  }

  #emitError(error) { this.#emit("error", error); }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
