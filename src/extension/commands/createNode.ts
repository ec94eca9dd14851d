import * as vscode from 'vscode';
import { parseBase64 } from '../../zk/codecs';
import { CREATE_MODES, MAX_TTL_MS, type CreateMode } from '../../zk/client';
import { joinPath, validateNodeName, validatePath } from '../../zk/paths';
import { toPlainStat, type PlainStat } from '../../zk/stat';
import type { ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';
import type { CommandArgs } from './resolve';

const MODE_PICKS: { mode: CreateMode; label: string; detail: string }[] = [
  { mode: 'persistent', label: 'Persistent', detail: 'Stays until deleted.' },
  { mode: 'persistentSequential', label: 'Persistent sequential', detail: 'ZooKeeper appends a 10-digit counter to the name.' },
  { mode: 'ephemeral', label: 'Ephemeral', detail: "Deleted when this VS Code window's ZooKeeper session ends (disconnect, window closed)." },
  { mode: 'ephemeralSequential', label: 'Ephemeral sequential', detail: "Counter appended; deleted when this VS Code window's session ends — like a lock or service registration." },
  { mode: 'container', label: 'Container', detail: 'Deleted by the server once it had children and the last one is gone (ZooKeeper 3.5.3+).' },
  { mode: 'ttl', label: 'TTL', detail: 'Deleted once it has had no children and no changes for its time to live (needs extendedTypesEnabled).' },
  { mode: 'ttlSequential', label: 'TTL sequential', detail: 'TTL node with a counter appended.' },
];

/** "90s", "10m", "2h", "1d" or plain milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!match) return undefined;
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 'ms').toLowerCase() as 'ms'];
  const value = Math.round(Number(match[1]) * factor);
  return value >= 1 && value <= MAX_TTL_MS ? value : undefined;
}

export interface CreateRequest {
  path: string;
  data: Uint8Array;
  mode: CreateMode;
  ttlMs?: number;
}

const isSequential = (mode: CreateMode): boolean => mode.endsWith('equential');

export function createRequestFromArgs(args: CommandArgs): CreateRequest {
  const path = args.path;
  if (typeof path !== 'string') throw new UserError('Pass the path of the node to create: { connection, path: "/…" }.');
  const mode = (args.mode ?? 'persistent') as CreateMode;
  if (!CREATE_MODES.includes(mode)) throw new UserError(`"${String(args.mode)}" is not a create mode; use one of ${CREATE_MODES.join(', ')}.`);
  const problem = validatePath(path, isSequential(mode));
  if (problem) throw new UserError(problem);
  let data: Uint8Array = new Uint8Array();
  if (typeof args.dataBase64 === 'string') data = parseBase64(args.dataBase64);
  else if (typeof args.data === 'string') data = Buffer.from(args.data, 'utf8');
  else if (args.data !== undefined && args.data !== null) throw new UserError('data must be a string (stored as UTF-8); pass bytes as dataBase64.');
  const request: CreateRequest = { path, data, mode };
  if (args.ttlMs !== undefined) {
    if (typeof args.ttlMs !== 'number') throw new UserError('ttlMs must be a number of milliseconds.');
    request.ttlMs = args.ttlMs;
  }
  return request;
}

/** Asks for mode, name (validated as typed), TTL and initial data. Undefined when cancelled. */
export async function askCreateRequest(connection: ZkConnection, parent: string): Promise<CreateRequest | undefined> {
  const where = `${connection.name}:${parent}`;
  const pick = await vscode.window.showQuickPick(MODE_PICKS.map((p) => ({ ...p, description: p.mode })), {
    title: `Create a child of ${where} (1/3)`,
    placeHolder: 'Kind of node',
    matchOnDetail: true,
  });
  if (!pick) return undefined;
  const sequential = isSequential(pick.mode);
  const name = await vscode.window.showInputBox({
    title: `Create a ${pick.label.toLowerCase()} node under ${where} (2/3)`,
    prompt: sequential ? 'Name prefix; ZooKeeper appends a 10-digit counter (e.g. "lock-" gives lock-0000000007)' : 'Name of the new node',
    validateInput: (value) => validateNodeName(value, sequential) ?? validatePath(joinPath(parent, value || 'x')),
  });
  if (name === undefined) return undefined;
  const request: CreateRequest = { path: parent === '/' ? `/${name}` : `${parent}/${name}`, data: new Uint8Array(), mode: pick.mode };
  if (pick.mode === 'ttl' || pick.mode === 'ttlSequential') {
    const ttl = await vscode.window.showInputBox({
      title: 'Time to live',
      prompt: 'How long the node may stay without children or changes: e.g. 30s, 10m, 2h, 1d, or milliseconds',
      value: '10m',
      validateInput: (value) => (parseDuration(value) === undefined ? `Enter a duration from 1 ms to ${MAX_TTL_MS} ms, like 30s, 10m or 2h.` : undefined),
    });
    if (ttl === undefined) return undefined;
    request.ttlMs = parseDuration(ttl)!;
  }
  const data = await vscode.window.showInputBox({
    title: `Initial data for ${request.path} (3/3)`,
    prompt: 'Text stored as UTF-8; leave empty for no data (you can edit it later in the editor)',
  });
  if (data === undefined) return undefined;
  request.data = Buffer.from(data, 'utf8');
  return request;
}

export async function createNode(connection: ZkConnection, request: CreateRequest): Promise<{ path: string; stat: PlainStat }> {
  if (connection.readOnly) throw new UserError(`The connection "${connection.name}" is read-only: creating nodes is refused.`);
  const client = await connection.connect();
  const created = await client.create(request.path, request.data, { mode: request.mode, ...(request.ttlMs !== undefined ? { ttlMs: request.ttlMs } : {}) });
  return { path: created.path, stat: toPlainStat(created.stat) };
}
