"use strict";
// The Flowcoach VS Code extension: one coaching session per window, activity windows from
// editor events, flow state and today's flow time in the status bar, break reminders as
// notifications. Plain JavaScript, no build step, no dependencies: the protocol client is
// lib/flowcoach.mjs, a byte-identical copy of clients/js/flowcoach.js.
const vscode = require("vscode");
const path = require("node:path");
const crypto = require("node:crypto");
const { pathToFileURL } = require("node:url");
const { ActivityCollector } = require("./src/collector");
const { createEditorEvents, mementoStore } = require("./src/vscode-adapter");
const { statusView, duration } = require("./src/format");

const TOKEN_KEY = "flowcoach.token";
const SESSION_KEY = "flowcoach.sessionId";
const PAUSED_KEY = "flowcoach.paused";
const VERSION = require("./package.json").version;

/** Everything of one running connection; rebuilt when the settings change. */
let running = null;

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 100);
  item.command = "flowcoach.showStatus";
  item.show();
  const { FlowcoachClient } = await import(pathToFileURL(path.join(__dirname, "lib", "flowcoach.mjs")).href);
  const view = { connection: "idle", flow: null, todayFlowMs: null, pending: 0, hasToken: true, paused: false };
  const render = () => Object.assign(item, statusView(view));

  const start = async () => {
    stopRunning();
    view.paused = Boolean(context.globalState.get(PAUSED_KEY));
    view.hasToken = Boolean(await context.secrets.get(TOKEN_KEY));
    render();
    if (view.paused) return;
    if (typeof globalThis.WebSocket !== "function") {
      vscode.window.showErrorMessage("Flowcoach needs a VS Code whose extension host has a global WebSocket (Node 22; VS Code 1.101 or later).");
      return;
    }
    const config = vscode.workspace.getConfiguration("flowcoach");
    const client = new FlowcoachClient({
      url: config.get("serverUrl", "ws://127.0.0.1:8080/v1/ws"),
      token: () => context.secrets.get(TOKEN_KEY),
      store: mementoStore(context.workspaceState),
      clientInfo: { name: "flowcoach-vscode", version: VERSION },
      device: "vscode",
    });
    // Stable across reloads of this window: a reload resumes the same session.
    let sessionId = context.workspaceState.get(SESSION_KEY);
    if (!sessionId) {
      sessionId = crypto.randomUUID();
      await context.workspaceState.update(SESSION_KEY, sessionId);
    }
    const project = config.get("projectName", "");
    const session = client.openSession({ id: sessionId, ...(project ? { project } : {}) });
    const collector = new ActivityCollector(createEditorEvents(vscode)).start();
    const seconds = Math.min(30, Math.max(5, config.get("windowSeconds", 10)));
    const timer = setInterval(() => {
      const window = collector.take();
      if (window) session.record(window);
      view.pending = session.pendingCount;
      render();
    }, seconds * 1000);
    running = { client, session, collector, timer };

    client.on("state", ({ state, reason }) => {
      view.connection = state;
      if (state === "idle" && reason === "no token") view.hasToken = false;
      render();
    });
    client.on("welcome", () => { client.subscribe("stats:me").catch(() => {}); });
    client.on("session.replaced", ({ to }) => context.workspaceState.update(SESSION_KEY, to));
    client.on("flow", (flow) => {
      if (flow.session !== session.id || flow.duplicate) return;
      view.flow = flow;
      render();
    });
    client.on("event", ({ channel, data }) => {
      if (channel !== "stats:me" || !data || !data.today) return;
      view.todayFlowMs = data.today.flow_ms;
      render();
    });
    client.on("break", (reminder) => showBreak(client, reminder));
    client.connect();
  };

  context.subscriptions.push(
    item,
    { dispose: stopRunning },
    vscode.commands.registerCommand("flowcoach.setToken", async () => {
      const token = await vscode.window.showInputBox({
        prompt: "Flowcoach ingest token (flowcoach token create USER --scope ingest)",
        placeHolder: "fc_i_…", password: true, ignoreFocusOut: true,
        validateInput: (v) => (/^fc_[ir]_/.test(v.trim()) ? null : "A Flowcoach token starts with fc_i_ (or fc_r_)"),
      });
      if (!token) return;
      await context.secrets.store(TOKEN_KEY, token.trim());
      await start();
    }),
    vscode.commands.registerCommand("flowcoach.clearToken", async () => {
      await context.secrets.delete(TOKEN_KEY);
      await start();
    }),
    vscode.commands.registerCommand("flowcoach.toggle", async () => {
      await context.globalState.update(PAUSED_KEY, !context.globalState.get(PAUSED_KEY));
      await start();
    }),
    vscode.commands.registerCommand("flowcoach.showStatus", () => {
      const lines = [`Connection: ${view.paused ? "paused" : view.connection}`];
      if (view.flow) lines.push(`State: ${view.flow.state}, session flow time ${duration(view.flow.session_flow_ms)}`);
      if (typeof view.todayFlowMs === "number") lines.push(`Flow time today: ${duration(view.todayFlowMs)}`);
      if (running) lines.push(`Windows kept until stored: ${running.session.pendingCount}`);
      for (const tip of (view.flow && view.flow.recommendations) || []) lines.push(tip);
      vscode.window.showInformationMessage(lines.join(" · "));
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("flowcoach")) start();
    }),
  );
  await start();
}

/** A break reminder as a notification; the answer goes back as `break.ack`. */
async function showBreak(client, reminder) {
  const choice = await vscode.window.showInformationMessage(
    `Flowcoach: ${reminder.reason}`, "Take a break", "Snooze", "Dismiss");
  const action = { "Take a break": "taken", Snooze: "snoozed", Dismiss: "dismissed" }[choice];
  // Closing the notification answers nothing: the server repeats the reminder later.
  if (!action) return;
  try {
    await client.ackBreak(reminder.reminder, action);
  } catch (error) {
    vscode.window.showWarningMessage(`Flowcoach: the answer was not delivered (${error.code || error.message}).`);
  }
}

/** Stops collecting and closes the connection; the last partial window is queued (and
 * stored) so the next start sends it. */
function stopRunning() {
  if (!running) return;
  const { client, session, collector, timer } = running;
  running = null;
  clearInterval(timer);
  const last = collector.take();
  if (last) { try { session.record(last); } catch { /* the session is ending */ } }
  collector.dispose();
  client.close();
}

function deactivate() {
  // Not ended: a reload resumes the session; a closed window's session is ended by the
  // server after its resume window.
  stopRunning();
}

module.exports = { activate, deactivate };
