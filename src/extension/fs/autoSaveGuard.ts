import * as vscode from 'vscode';
import type { Logger } from '../logging';
import { ZK_SCHEME } from '../zkUri';

export const AUTO_SAVE_SETTING = 'zookeeper.editor.autoSave';
/** globalState: the explanation with its "turn on" choice was shown once; it is not repeated. */
const EXPLAINED_KEY = 'zookeeper.autoSaveRefusalExplained';

/** The refusal VS Code shows as "Failed to save …", in the display language. */
export function autoSaveRefusal(): string {
  return vscode.l10n.t('Not written to ZooKeeper: zk:// documents are written only when you save them yourself (Ctrl+S / Cmd+S). Auto-save is off for them; the setting {0} turns it on.', AUTO_SAVE_SETTING);
}

/** Only the user's own settings may opt in: a workspace (someone else's repository) must not make edits reach a cluster by themselves. */
export function autoSaveOptedIn(): boolean {
  return vscode.workspace.getConfiguration().inspect<boolean>(AUTO_SAVE_SETTING)?.globalValue === true;
}

/**
 * Keeps VS Code's auto-save (files.autoSave, on by default in the browser VS Code) from writing zk://
 * documents: writing to a shared cluster must be deliberate.
 *
 * VS Code offers no way to turn auto-save off for one scheme, and an onWillSaveTextDocument listener
 * cannot cancel a save. But it tells the reason before writeFile runs, and a text file whose save failed
 * is in "error mode", where VS Code ignores every further auto save (after delay, focus or window
 * change) until the user saves; it stays dirty, nothing is lost. So the first auto save of a document
 * is refused with a sentence (VS Code shows it once, as "Failed to save"), and the document then waits
 * for Ctrl+S. Since auto saves never reach a document in error mode, a second auto-reason save of a
 * refused document is the notification's Retry, which the user clicked: it is honoured.
 * Closing such a dirty editor asks "Do you want to save?" as for any dirty file.
 */
export class AutoSaveGuard implements vscode.Disposable {
  /** Per document uri: why VS Code is saving it right now (set just before writeFile). */
  private readonly reasons = new Map<string, vscode.TextDocumentSaveReason>();
  /** Documents whose auto save was refused and not saved since. */
  private readonly refused = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: Logger,
  ) {
    this.disposables.push(
      vscode.workspace.onWillSaveTextDocument((event) => {
        if (event.document.uri.scheme === ZK_SCHEME) this.reasons.set(event.document.uri.toString(), event.reason);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        const key = document.uri.toString();
        this.reasons.delete(key);
        this.refused.delete(key);
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /**
   * Called by writeFile of a document before anything is parsed or sent: throws when VS Code started this
   * save by itself and the user has not opted in. A write with no save reason (workspace.fs) is deliberate.
   */
  check(uri: vscode.Uri, path: string): void {
    const key = uri.toString();
    const reason = this.reasons.get(key);
    this.reasons.delete(key);
    if (reason === undefined || reason === vscode.TextDocumentSaveReason.Manual || autoSaveOptedIn()) {
      this.refused.delete(key);
      return;
    }
    if (this.refused.delete(key)) {
      this.log.info(`auto-reason save of ${uri.toString()} after a refusal: the notification's Retry, written as asked`);
      return;
    }
    this.refused.add(key);
    this.log.info(`auto save of ${uri.toString()} (${path}) refused: ${AUTO_SAVE_SETTING} is off`);
    this.explainOnce();
    throw new vscode.FileSystemError(autoSaveRefusal());
  }

  private explainOnce(): void {
    if (this.state.get<boolean>(EXPLAINED_KEY)) return;
    void this.state.update(EXPLAINED_KEY, true);
    const turnOn = vscode.l10n.t('Turn On Auto-Save for ZooKeeper');
    void vscode.window
      .showInformationMessage(
        vscode.l10n.t('ZooKeeper Explorer does not auto-save zk:// documents: a change reaches the cluster only when you save it (Ctrl+S / Cmd+S). Your edits stay in the editor, unsaved, until then.'),
        turnOn,
      )
      .then(async (picked) => {
        if (picked === turnOn) await vscode.workspace.getConfiguration().update(AUTO_SAVE_SETTING, true, vscode.ConfigurationTarget.Global);
      });
  }
}
