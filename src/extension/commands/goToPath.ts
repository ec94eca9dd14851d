import * as vscode from 'vscode';
import { joinPath, normalizeUserPath, sortChildren, validatePath } from '../../zk/paths';
import type { ZkConnection } from '../connections/zkConnection';

const MAX_SUGGESTIONS = 200;

/** A row of the picker: the path it goes to, or none for a row that only explains (a missing path). */
interface PathItem extends vscode.QuickPickItem {
  path?: string;
}

/** The sentence for a path that is not on the server: nothing to blame, just what to do. */
export function missingPathMessage(connectionName: string, path: string): string {
  return vscode.l10n.t('There is no node {0} on {1}.', path, connectionName);
}

/**
 * A quick pick that completes child names as the user types: "/config/a" lists the children of
 * /config that start with "a". One getChildren per parent, cached while the picker is open.
 *
 * Only matches are listed, so Enter on "/con" goes to the first match (/config), never to a path
 * that does not exist. The typed text itself is a row only when nothing matches, marked as not
 * found; accepting a path that is missing on the server keeps the picker open with the typed text
 * and a sentence in its title, instead of closing on an error.
 */
export async function askPath(connection: ZkConnection, initial = '/'): Promise<string | undefined> {
  const client = await connection.connect();
  const cache = new Map<string, Promise<string[]>>();
  const childrenOf = (parent: string): Promise<string[]> => {
    let pending = cache.get(parent);
    if (!pending) {
      pending = client.getChildren(parent).then(
        ({ children }) => sortChildren(children),
        () => [],
      );
      cache.set(parent, pending);
    }
    return pending;
  };
  const picker = vscode.window.createQuickPick<PathItem>();
  const title = vscode.l10n.t('Go to a znode on {0}', connection.name);
  picker.title = title;
  picker.placeholder = vscode.l10n.t('Type a path: /config/app — child names complete as you type');
  picker.value = initial;
  picker.matchOnDescription = false;
  let generation = 0;
  /** The value the rows on screen were made for: Enter typed faster than the server answers must not take a stale row. */
  let shownFor: string | undefined;
  const update = async (value: string): Promise<void> => {
    const current = ++generation;
    const typed = value.startsWith('/') ? value : `/${value}`;
    const slash = typed.lastIndexOf('/');
    const parent = typed.slice(0, slash) || '/';
    const prefix = typed.slice(slash + 1);
    const problem = validatePath(parent);
    if (problem) {
      picker.items = [{ label: `$(error) ${typed}`, description: problem, alwaysShow: true }];
      shownFor = value;
      return;
    }
    picker.busy = true;
    const children = await childrenOf(parent);
    if (current !== generation) return;
    picker.busy = false;
    const matches = children.filter((name) => name.startsWith(prefix)).slice(0, MAX_SUGGESTIONS);
    const items: PathItem[] = matches.map((name) => ({ label: joinPath(parent, name), path: joinPath(parent, name), alwaysShow: true }));
    const exact = normalizeUserPath(typed);
    // Only when nothing matches, and visibly not a match: VS Code sorts the rows by how well their
    // label matches the typed text, and a plain "/con" would rank above "/config".
    if (matches.length === 0 && prefix && !validatePath(exact)) {
      items.push({ label: `$(circle-slash) ${exact}`, description: vscode.l10n.t('not found among the children of {0}', parent), path: exact, alwaysShow: true });
    }
    picker.items = items;
    shownFor = value;
  };
  return new Promise<string | undefined>((resolve) => {
    let done = false;
    const finish = (value: string | undefined): void => {
      if (done) return;
      done = true;
      resolve(value);
      picker.dispose();
    };
    picker.onDidChangeValue((value) => {
      picker.title = title;
      void update(value);
    });
    picker.onDidAccept(async () => {
      const value = picker.value;
      const fresh = shownFor === value;
      if (!fresh) await update(value);
      if (picker.value !== value) return; // typed on meanwhile: that value's rows decide
      // Rows that came after Enter: the first one, as if it had been there (it would have been active).
      const selected = fresh ? picker.selectedItems[0] : picker.items[0];
      // A row that only explains (an invalid path): nothing to go to; the picker stays as it is.
      if (selected && selected.path === undefined) return;
      const path = selected?.path ?? normalizeUserPath(picker.value);
      if (validatePath(path)) return;
      picker.busy = true;
      const exists = await client.exists(path).then(
        (stat) => stat !== undefined,
        () => false,
      );
      picker.busy = false;
      // The picker stays open with what was typed, and says why in its title (a quick pick has no
      // validation message).
      if (exists) finish(path);
      else picker.title = `${missingPathMessage(connection.name, path)} ${vscode.l10n.t('Pick a suggestion or type another path.')}`;
    });
    picker.onDidHide(() => finish(undefined));
    picker.show();
    void update(initial);
  });
}
