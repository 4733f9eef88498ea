import type { DocumentSelector } from 'vscode-languageclient/node';

/**
 * The documents whose editing the server observes: files, unsaved buffers, and the cells of notebooks (Jupyter in
 * VS Code), where AI completion is used as much as anywhere. The server declares no notebook synchronization, so
 * vscode-languageclient syncs each cell as a text document of its own (scheme `vscode-notebook-cell`); without
 * this entry the server saw nothing while the developer worked in a notebook, took them for idle and unloaded the
 * models they were about to use.
 */
export const documentSelector: DocumentSelector = [
  { scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-notebook-cell' },
];

/** The scheme of the read-only documents that show what a command answered: never observed by the server. */
export const RESULT_SCHEME = 'warmup-result';
