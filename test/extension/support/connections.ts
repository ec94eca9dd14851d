// What the extension-tier suites that add their own connections share: the extension's API, the
// command runner, names that occur nowhere by chance, connections removed after the suite, and the
// log files of this VS Code (to prove a secret never reached them).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ZooKeeperExplorerApi } from '../../../src/extension/extension';
import { COMMANDS } from '../../../src/extension/commandIds';

const EXTENSION_ID = 'zookeeper-explorer.zookeeper-explorer';

/** Activates the extension (a no-op once active) and returns its test API. */
export function activateExtension(): Promise<ZooKeeperExplorerApi> {
  return Promise.resolve(vscode.extensions.getExtension<ZooKeeperExplorerApi>(EXTENSION_ID)!.activate());
}

/** Runs a command the way a script or keybinding would, with one argument object. */
export function run<T>(command: string, args: Record<string, unknown>): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(command, args));
}

/** The message of the error `command` fails with; fails the test when it succeeds. */
export async function failure(command: string, args: Record<string, unknown>): Promise<string> {
  try {
    await run(command, args);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  assert.fail(`${command} succeeded`);
}

/** A string that occurs nowhere by chance: finding it in bytes or logs means it was sent or written. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Every *.log file below `dir`. */
function logFilesIn(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? logFilesIn(path.join(dir, e.name)) : e.name.endsWith('.log') ? [path.join(dir, e.name)] : []));
}

/**
 * The log files of this VS Code: the runner (scripts/lib/vscodeHost.js) starts the server with
 * `--logsPath <temp>/logs` and opens the folder `<temp>/workspace-…`; the output channels of the
 * extension host (our "ZooKeeper" LogOutputChannel among them) are files below it.
 */
export function vscodeLogFiles(): string[] {
  const roots = new Set<string>();
  if (process.env.VSCODE_LOGS) roots.add(process.env.VSCODE_LOGS);
  for (const folder of vscode.workspace.workspaceFolders ?? []) roots.add(path.join(path.dirname(folder.uri.fsPath), 'logs'));
  return [...roots].flatMap(logFilesIn);
}

/**
 * Connections a suite adds (user-level, through zookeeper.addConnection) and removes again in
 * `removeAll()` (its after hook), whether or not a failed test got to remove them.
 */
export function suiteConnections(api: () => ZooKeeperExplorerApi) {
  const added: string[] = [];
  return {
    add: async (args: Record<string, unknown>): Promise<string> => {
      const name = args.name as string;
      added.push(name);
      await run(COMMANDS.addConnection, args);
      return name;
    },
    /** A name a test gives a connection later (a rename): removed too. */
    track: (name: string): void => {
      added.push(name);
    },
    removeAll: async (): Promise<void> => {
      for (const name of added) {
        if (api().connections.get(name)) await run(COMMANDS.removeConnection, { connection: name }).catch(() => undefined);
      }
    },
  };
}
