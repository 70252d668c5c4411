"use strict";
// Turns editor events into activity windows (docs/PROTOCOL.md `activity`). It sees only
// what its adapter hands it — document keys it never sends, language ids, line counts,
// diagnostic counts, focus — so nothing of a file's name, path or content can reach a window.

/** Most keystroke intervals one window carries (the protocol's limit). */
const MAX_INTERVALS = 512;
const MAX_MS = 3600000;

/**
 * The few editor event sources the collector needs. `vscode-adapter.js` builds one from the
 * VS Code API; tests pass fakes. Each `on…` returns a disposable (`{dispose()}`).
 * @typedef {object} EditorEvents
 * @property {(listener: (change: {doc: string, languageId: string, linesAdded: number, linesDeleted: number}) => void) => {dispose(): void}} onTextChange
 *   one user edit of a document (a keystroke, a paste, an undo)
 * @property {(listener: (editor: {doc: string, languageId: string} | null) => void) => {dispose(): void}} onActiveEditorChange
 * @property {(listener: (focused: boolean) => void) => {dispose(): void}} onWindowFocus
 * @property {(listener: (changes: {doc: string, errors: number}[]) => void) => {dispose(): void}} onDiagnostics
 *   the current error count of each document whose diagnostics changed
 * @property {(listener: (doc: string) => void) => {dispose(): void}} onSave
 * @property {() => boolean} isFocused whether the editor window has focus now
 * @property {() => ({doc: string, languageId: string} | null)} activeEditor
 * @property {() => number} now milliseconds (the wall clock in VS Code)
 */

/**
 * One window's counts, as `FlowcoachSession.record` takes them.
 * @typedef {object} CollectedWindow
 * @property {number} at_ms @property {number} window_ms @property {number} keystrokes
 * @property {number[]} keystroke_intervals @property {number} context_switches
 * @property {number} error_events @property {number} focus_ms @property {number} files_modified
 * @property {number} lines_added @property {number} lines_deleted @property {string} [language]
 * @property {boolean} [file_saved]
 */

class ActivityCollector {
  /** @param {EditorEvents} events */
  constructor(events) {
    this.events = events;
    this.disposables = [];
    this.errorsByDoc = new Map();
    this.lastKeyAt = null;
    this.focusedSince = null;
    this.activeDoc = null;
    this.activeLanguage = null;
    this.reset(events.now());
  }

  /** Starts listening. */
  start() {
    const e = this.events;
    const now = e.now();
    this.focusedSince = e.isFocused() ? now : null;
    const active = e.activeEditor();
    this.activeDoc = active ? active.doc : null;
    this.activeLanguage = active ? active.languageId : null;
    this.disposables.push(
      e.onTextChange((change) => this.onTextChange(change)),
      e.onActiveEditorChange((editor) => this.onActiveEditor(editor)),
      e.onWindowFocus((focused) => this.onFocus(focused)),
      e.onDiagnostics((changes) => this.onDiagnostics(changes)),
      e.onSave(() => { this.saved = true; }),
    );
    return this;
  }

  /** Stops listening. */
  dispose() {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  reset(now) {
    this.windowStart = now;
    this.keystrokes = 0;
    this.intervals = [];
    this.contextSwitches = 0;
    this.errorEvents = 0;
    this.focusMs = 0;
    this.docs = new Set();
    this.linesAdded = 0;
    this.linesDeleted = 0;
    this.keysByLanguage = new Map();
    this.saved = false;
  }

  onTextChange(change) {
    const now = this.events.now();
    this.keystrokes += 1;
    if (this.lastKeyAt !== null) {
      this.intervals.push(Math.min(MAX_MS, Math.max(0, now - this.lastKeyAt)));
      // Keep only what a window may carry: the most recent ones.
      if (this.intervals.length > MAX_INTERVALS * 2) this.intervals.splice(0, this.intervals.length - MAX_INTERVALS);
    }
    this.lastKeyAt = now;
    this.docs.add(change.doc);
    this.linesAdded += Math.max(0, change.linesAdded | 0);
    this.linesDeleted += Math.max(0, change.linesDeleted | 0);
    if (change.languageId) {
      this.keysByLanguage.set(change.languageId, (this.keysByLanguage.get(change.languageId) || 0) + 1);
    }
  }

  onActiveEditor(editor) {
    const doc = editor ? editor.doc : null;
    // Moving to another file is a context switch; closing the last editor is not.
    if (doc !== null && this.activeDoc !== null && doc !== this.activeDoc) this.contextSwitches += 1;
    if (doc !== null) {
      this.activeDoc = doc;
      this.activeLanguage = editor.languageId;
    }
  }

  onFocus(focused) {
    const now = this.events.now();
    if (focused && this.focusedSince === null) {
      this.focusedSince = now;
    } else if (!focused && this.focusedSince !== null) {
      this.focusMs += now - Math.max(this.focusedSince, this.windowStart);
      this.focusedSince = null;
      this.contextSwitches += 1; // to another application
    }
  }

  onDiagnostics(changes) {
    for (const { doc, errors } of changes) {
      const before = this.errorsByDoc.get(doc) || 0;
      // Only errors that appeared count; fixed ones are not events.
      if (errors > before) this.errorEvents += errors - before;
      if (errors > 0) this.errorsByDoc.set(doc, errors); else this.errorsByDoc.delete(doc);
    }
  }

  /**
   * Closes the current window and starts the next; returns the window, or null when
   * nothing happened in it (no typing, no focus, no save, no switch, no error).
   * @returns {CollectedWindow | null}
   */
  take() {
    const now = this.events.now();
    let focusMs = this.focusMs;
    if (this.focusedSince !== null) focusMs += now - Math.max(this.focusedSince, this.windowStart);
    const windowMs = Math.max(1, now - this.windowStart);
    const window = {
      at_ms: now,
      window_ms: Math.min(MAX_MS, windowMs),
      keystrokes: this.keystrokes,
      keystroke_intervals: this.intervals.slice(-MAX_INTERVALS),
      context_switches: this.contextSwitches,
      error_events: this.errorEvents,
      focus_ms: Math.min(windowMs, MAX_MS, Math.max(0, focusMs)),
      files_modified: this.docs.size,
      lines_added: this.linesAdded,
      lines_deleted: this.linesDeleted,
    };
    const language = this.topLanguage() || this.activeLanguage;
    if (language) window.language = language;
    if (this.saved) window.file_saved = true;
    const empty = !window.keystrokes && !window.focus_ms && !this.saved && !window.context_switches && !window.error_events;
    this.reset(now);
    return empty ? null : window;
  }

  topLanguage() {
    let best = null;
    let count = 0;
    for (const [language, keys] of this.keysByLanguage) if (keys > count) { best = language; count = keys; }
    return best;
  }
}

module.exports = { ActivityCollector, MAX_INTERVALS };
