import * as vscode from 'vscode';
import { RESULT_SCHEME } from './documents';

/**
 * Read-only documents for what a command answered (Show Status, a comparison's details). Unlike an untitled buffer,
 * one is never unsaved (closing it asks nothing), showing it again replaces its text, and the server does not take
 * it for the developer's own editing: its scheme is not among the documents it observes.
 */
export class ResultDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Shows `value` as indented JSON in the read-only document `name` (a name ending in `.json`: JSON's colours). */
  async show(name: string, value: unknown): Promise<void> {
    const uri = vscode.Uri.from({ scheme: RESULT_SCHEME, path: `/${name}` });
    this.texts.set(uri.toString(), `${JSON.stringify(value, null, 2)}\n`);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
