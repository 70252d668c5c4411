"use strict";
// The texts the extension shows: status bar item, its tooltip, the status report.

const STATE_LABELS = {
  idle: "Idle", warming_up: "Warming up", flow: "In flow", interrupted: "Interrupted", recovering: "Recovering",
};
const STATE_ICONS = {
  idle: "$(circle-outline)", warming_up: "$(pulse)", flow: "$(flame)", interrupted: "$(debug-pause)", recovering: "$(pulse)",
};

/** A duration as the status bar shows it: `45 s`, `12 min`, `1 h 05 min`. @param {number} ms */
function duration(ms) {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) return "0 min";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/**
 * The status bar item's text and tooltip.
 * @param {{paused?: boolean, hasToken?: boolean, connection: string, flow?: {state: string, flow_ms?: number} | null, todayFlowMs?: number | null, pending?: number}} view
 * @returns {{text: string, tooltip: string}}
 */
function statusView(view) {
  if (view.paused) return { text: "$(debug-pause) Flowcoach paused", tooltip: "Flowcoach is paused: nothing is sent. Run “Flowcoach: Toggle” to resume." };
  if (view.hasToken === false) return { text: "$(key) Flowcoach: set token", tooltip: "Run “Flowcoach: Set Token” with an ingest token (fc_i_…)." };
  if (view.connection === "refused") return { text: "$(error) Flowcoach: token refused", tooltip: "The server refused the token. Run “Flowcoach: Set Token” with a valid ingest token." };
  const today = typeof view.todayFlowMs === "number" ? ` · today ${duration(view.todayFlowMs)}` : "";
  const queued = view.pending ? `; ${view.pending} window${view.pending === 1 ? "" : "s"} kept until stored` : "";
  if (view.connection !== "open") {
    return { text: `$(cloud-offline) Flowcoach offline${today}`, tooltip: `Not connected; reconnecting${queued}.` };
  }
  const state = view.flow ? view.flow.state : "idle";
  const label = STATE_LABELS[state] || state;
  const current = state === "flow" && view.flow.flow_ms ? ` ${duration(view.flow.flow_ms)}` : "";
  return {
    text: `${STATE_ICONS[state] || "$(pulse)"} ${label}${current}${today}`,
    tooltip: `Flowcoach: ${label.toLowerCase()}${today ? `, flow time${today.replace(" ·", "")}` : ""}${queued}.`,
  };
}

module.exports = { duration, statusView, STATE_LABELS };
