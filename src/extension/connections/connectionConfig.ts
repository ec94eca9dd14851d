import * as vscode from 'vscode';
import { parseConnectString } from '../../zk/connectString';

export interface ConnectionConfig {
  name: string;
  connectString: string;
  sessionTimeoutMs?: number;
  readOnly?: boolean;
}

const SECTION = 'zookeeper';
const KEY = 'connections';

export function validateConnectionName(name: string, taken: readonly string[] = []): string | undefined {
  if (!name.trim()) return 'Enter a name for the connection.';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    return 'Use letters, digits, ".", "_" and "-" (starting with a letter or digit): the name becomes part of zk://<name>/ addresses.';
  }
  if (taken.includes(name)) return `A connection named "${name}" already exists.`;
  return undefined;
}

export function validateConnectString(value: string): string | undefined {
  const parsed = parseConnectString(value);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** Reads zookeeper.connections, keeping valid entries and describing invalid ones. */
export function readConnectionConfigs(): { connections: ConnectionConfig[]; problems: string[] } {
  const raw = vscode.workspace.getConfiguration(SECTION).get<unknown[]>(KEY, []);
  const connections: ConnectionConfig[] = [];
  const problems: string[] = [];
  for (const [index, entry] of (Array.isArray(raw) ? raw : []).entries()) {
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`Entry ${index + 1} of zookeeper.connections is not an object.`);
      continue;
    }
    const { name, connectString, sessionTimeoutMs, readOnly } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || typeof connectString !== 'string') {
      problems.push(`Entry ${index + 1} of zookeeper.connections needs "name" and "connectString".`);
      continue;
    }
    const problem =
      validateConnectionName(
        name,
        connections.map((c) => c.name),
      ) ?? validateConnectString(connectString);
    if (problem) {
      problems.push(`Connection "${name}": ${problem}`);
      continue;
    }
    const config: ConnectionConfig = { name, connectString: connectString.trim() };
    if (typeof sessionTimeoutMs === 'number') config.sessionTimeoutMs = sessionTimeoutMs;
    if (readOnly === true) config.readOnly = true;
    connections.push(config);
  }
  return { connections, problems };
}

/** Writes the list back where it is defined (workspace folder, workspace or user settings). */
export async function writeConnectionConfigs(connections: readonly ConnectionConfig[]): Promise<void> {
  const configuration = vscode.workspace.getConfiguration(SECTION);
  const inspected = configuration.inspect<unknown[]>(KEY);
  const target =
    inspected?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await configuration.update(KEY, connections, target);
}

export function affectsConnections(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.${KEY}`);
}
