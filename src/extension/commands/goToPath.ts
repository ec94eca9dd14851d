import * as vscode from 'vscode';
import { joinPath, normalizeUserPath, sortChildren, validatePath } from '../../zk/paths';
import type { ZkConnection } from '../connections/zkConnection';

const MAX_SUGGESTIONS = 200;

/**
 * A quick pick that completes child names as the user types: "/config/a" lists the children of
 * /config that start with "a". One getChildren per parent, cached while the picker is open.
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
  const picker = vscode.window.createQuickPick();
  picker.title = `Go to a znode on ${connection.name}`;
  picker.placeholder = 'Type a path: /config/app — child names complete as you type';
  picker.value = initial;
  picker.matchOnDescription = false;
  let generation = 0;
  const update = async (value: string): Promise<void> => {
    const current = ++generation;
    const typed = value.startsWith('/') ? value : `/${value}`;
    const slash = typed.lastIndexOf('/');
    const parent = typed.slice(0, slash) || '/';
    const prefix = typed.slice(slash + 1);
    const problem = validatePath(parent);
    if (problem) {
      picker.items = [{ label: typed, description: problem, alwaysShow: true }];
      return;
    }
    picker.busy = true;
    const children = await childrenOf(parent);
    if (current !== generation) return;
    picker.busy = false;
    const matches = children.filter((name) => name.startsWith(prefix)).slice(0, MAX_SUGGESTIONS);
    const exact = normalizeUserPath(typed);
    const items: vscode.QuickPickItem[] = matches.map((name) => ({ label: joinPath(parent, name), alwaysShow: true }));
    if (!matches.includes(prefix) && !validatePath(exact)) items.unshift({ label: exact, description: prefix ? 'go to this path' : '', alwaysShow: true });
    picker.items = items;
  };
  return new Promise<string | undefined>((resolve) => {
    let done = false;
    const finish = (value: string | undefined): void => {
      if (done) return;
      done = true;
      resolve(value);
      picker.dispose();
    };
    picker.onDidChangeValue((value) => void update(value));
    picker.onDidAccept(() => {
      const chosen = picker.selectedItems[0]?.label ?? picker.value;
      const path = normalizeUserPath(chosen);
      if (validatePath(path)) return;
      finish(path);
    });
    picker.onDidHide(() => finish(undefined));
    picker.show();
    void update(initial);
  });
}
