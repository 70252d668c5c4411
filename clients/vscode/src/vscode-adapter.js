"use strict";
// Builds the collector's EditorEvents from the VS Code API. The document's URI string is
// used as an in-memory identity (to count files and new diagnostics per file); it is
// never put into a window, and text is only counted (line breaks), never kept.

/** Documents a person edits; output panels, settings views and the like are not typing. */
const TRACKED_SCHEMES = new Set(["file", "untitled", "vscode-notebook-cell", "vscode-remote", "vscode-vfs"]);

/**
 * Lines added and deleted by one `TextDocumentChangeEvent`'s content changes.
 * @param {readonly {text: string, range: {start: {line: number}, end: {line: number}}}[]} changes
 */
function countLines(changes) {
  let linesAdded = 0;
  let linesDeleted = 0;
  for (const change of changes) {
    for (let i = change.text.indexOf("\n"); i !== -1; i = change.text.indexOf("\n", i + 1)) linesAdded += 1;
    linesDeleted += change.range.end.line - change.range.start.line;
  }
  return { linesAdded, linesDeleted };
}

/**
 * @param {typeof import("vscode")} vscode the API object
 * @returns {import("./collector").EditorEvents}
 */
function createEditorEvents(vscode) {
  const tracked = (doc) => Boolean(doc) && TRACKED_SCHEMES.has(doc.uri.scheme);
  const key = (doc) => doc.uri.toString();
  const editorView = (editor) => (editor && tracked(editor.document)
    ? { doc: key(editor.document), languageId: editor.document.languageId } : null);
  return {
    onTextChange: (listener) => vscode.workspace.onDidChangeTextDocument((event) => {
      const doc = event.document;
      if (!event.contentChanges.length || !tracked(doc)) return;
      // Edits in the editor the user is typing in; background changes (a branch switch,
      // a tool rewriting files) are not keystrokes.
      const active = vscode.window.activeTextEditor;
      if (!active || active.document !== doc) return;
      listener({ doc: key(doc), languageId: doc.languageId, ...countLines(event.contentChanges) });
    }),
    onActiveEditorChange: (listener) => vscode.window.onDidChangeActiveTextEditor((editor) => listener(editorView(editor))),
    onWindowFocus: (listener) => vscode.window.onDidChangeWindowState((state) => listener(Boolean(state.focused))),
    onDiagnostics: (listener) => vscode.languages.onDidChangeDiagnostics((event) => {
      listener(event.uris.map((uri) => ({
        doc: uri.toString(),
        errors: vscode.languages.getDiagnostics(uri)
          .filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length,
      })));
    }),
    onSave: (listener) => vscode.workspace.onDidSaveTextDocument((doc) => { if (tracked(doc)) listener(key(doc)); }),
    isFocused: () => Boolean(vscode.window.state && vscode.window.state.focused),
    activeEditor: () => editorView(vscode.window.activeTextEditor),
    now: () => Date.now(),
  };
}

/**
 * The client's key-value store on a VS Code Memento (workspaceState: one queue per window).
 * @param {{get(key: string): any, update(key: string, value: any): Thenable<void>}} memento
 */
function mementoStore(memento) {
  return {
    getItem: (key) => memento.get(key) ?? null,
    setItem: (key, value) => { memento.update(key, value); },
    removeItem: (key) => { memento.update(key, undefined); },
  };
}

module.exports = { createEditorEvents, countLines, mementoStore, TRACKED_SCHEMES };
