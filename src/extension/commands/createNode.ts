import * as vscode from 'vscode';
import { parseBase64 } from '../../zk/codecs';
import { CREATE_MODES, MAX_TTL_MS, type CreateMode } from '../../zk/createModes';
import { joinPath, validateNodeName, validatePath } from '../../zk/paths';
import { toPlainStat, type PlainStat } from '../../zk/stat';
import type { ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';
import type { CommandArgs } from './resolve';

/** The kinds of node, in the display language (so built when asked, not when the module loads); `nodeKind` names the node in a title. */
function modePicks(): { mode: CreateMode; label: string; detail: string; nodeKind: string }[] {
  return [
    { mode: 'persistent', label: vscode.l10n.t('Persistent'), detail: vscode.l10n.t('Stays until deleted.'), nodeKind: vscode.l10n.t('a persistent node') },
    { mode: 'persistentSequential', label: vscode.l10n.t('Persistent sequential'), detail: vscode.l10n.t('ZooKeeper appends a 10-digit counter to the name.'), nodeKind: vscode.l10n.t('a persistent sequential node') },
    { mode: 'ephemeral', label: vscode.l10n.t('Ephemeral'), detail: vscode.l10n.t("Deleted when this VS Code window's ZooKeeper session ends (disconnect, window closed)."), nodeKind: vscode.l10n.t('an ephemeral node') },
    {
      mode: 'ephemeralSequential',
      label: vscode.l10n.t('Ephemeral sequential'),
      detail: vscode.l10n.t("Counter appended; deleted when this VS Code window's session ends — like a lock or service registration."),
      nodeKind: vscode.l10n.t('an ephemeral sequential node'),
    },
    { mode: 'container', label: vscode.l10n.t('Container'), detail: vscode.l10n.t('Deleted by the server once it had children and the last one is gone (ZooKeeper 3.5.3+).'), nodeKind: vscode.l10n.t('a container node') },
    { mode: 'ttl', label: 'TTL', detail: vscode.l10n.t('Deleted once it has had no children and no changes for its time to live (needs extendedTypesEnabled).'), nodeKind: vscode.l10n.t('a TTL node') },
    { mode: 'ttlSequential', label: vscode.l10n.t('TTL sequential'), detail: vscode.l10n.t('TTL node with a counter appended.'), nodeKind: vscode.l10n.t('a TTL sequential node') },
  ];
}

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

/** "a persistent node", "an ephemeral node": the article for the word that follows. */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/** What the user asked for beyond the request itself. */
export interface CreateChoices {
  request: CreateRequest;
  /** Open the new node's data in an editor (for data of several lines, which an input box cannot take). */
  editInEditor: boolean;
}

/** How long typing must pause before the name step asks the server whether the name is taken. */
const NAME_CHECK_DELAY_MS = 250;

/**
 * Asks for mode, name, TTL and initial data. Undefined when cancelled. The name is checked as it
 * is typed — ZooKeeper's rules at once, and whether the node already exists on the server once
 * typing pauses — so that a taken name is refused before any data is typed.
 */
export async function askCreateRequest(connection: ZkConnection, parent: string): Promise<CreateChoices | undefined> {
  const where = `${connection.name}:${parent}`;
  const client = await connection.connect();
  const pick = await vscode.window.showQuickPick(modePicks().map((p) => ({ ...p, description: p.mode })), {
    title: vscode.l10n.t('Create a child of {0} (1/3)', where),
    placeHolder: vscode.l10n.t('Kind of node'),
    matchOnDetail: true,
  });
  if (!pick) return undefined;
  const sequential = isSequential(pick.mode);
  const ttl = pick.mode === 'ttl' || pick.mode === 'ttlSequential';
  // A TTL node has one more step; the others keep their numbers out of "n/3".
  const steps = ttl ? 4 : 3;
  const kind = pick.nodeKind;
  const pathOf = (name: string): string => (parent === '/' ? `/${name}` : `${parent}/${name}`);
  let latest = 0;
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Create {0} under {1} (2/{2})', kind, where, steps),
    prompt: sequential ? vscode.l10n.t('Name prefix; ZooKeeper appends a 10-digit counter (e.g. "lock-" gives lock-0000000007)') : vscode.l10n.t('Name of the new node'),
    validateInput: async (value) => {
      const problem = validateNodeName(value, sequential) ?? validatePath(joinPath(parent, value || 'x'));
      // A sequential name gets a fresh counter from the server: its prefix cannot be taken.
      if (problem || sequential) return problem;
      const ticket = ++latest;
      await new Promise((resolve) => setTimeout(resolve, NAME_CHECK_DELAY_MS));
      // A newer value is being checked: VS Code ignores the answer for this one anyway.
      if (ticket !== latest) return undefined;
      const stat = await client.exists(pathOf(value)).catch(() => undefined);
      return stat ? vscode.l10n.t('{0} already exists on {1}. Choose another name.', pathOf(value), connection.name) : undefined;
    },
  });
  if (name === undefined) return undefined;
  const request: CreateRequest = { path: pathOf(name), data: new Uint8Array(), mode: pick.mode };
  if (ttl) {
    const answer = await vscode.window.showInputBox({
      title: vscode.l10n.t('Time to live of {0} (3/{1})', request.path, steps),
      prompt: vscode.l10n.t('How long the node may stay without children or changes: e.g. 30s, 10m, 2h, 1d, or milliseconds'),
      value: '10m',
      validateInput: (value) => (parseDuration(value) === undefined ? vscode.l10n.t('Enter a duration from 1 ms to {0} ms, like 30s, 10m or 2h.', MAX_TTL_MS) : undefined),
    });
    if (answer === undefined) return undefined;
    request.ttlMs = parseDuration(answer)!;
  }
  const data = await askData(vscode.l10n.t('Initial data of {0} ({1}/{2})', `${request.path}${sequential ? '<counter>' : ''}`, steps, steps));
  if (!data) return undefined;
  request.data = Buffer.from(data.text, 'utf8');
  return { request, editInEditor: data.editInEditor };
}

/**
 * The data step: one line in the box, or the title button that creates the node and opens its data
 * in an editor, for data of several lines (an input box holds one line; "\\n" escapes would break
 * JSON that contains them).
 */
function askData(title: string): Promise<{ text: string; editInEditor: boolean } | undefined> {
  const box = vscode.window.createInputBox();
  box.title = title;
  box.prompt = vscode.l10n.t('One line of text stored as UTF-8, or empty for no data. Several lines: the button at the top right creates the node and opens its data in an editor.');
  const editButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: vscode.l10n.t('Create and edit the data in an editor (several lines)') };
  box.buttons = [editButton];
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: { text: string; editInEditor: boolean } | undefined): void => {
      if (done) return;
      done = true;
      resolve(value);
      box.dispose();
    };
    box.onDidAccept(() => finish({ text: box.value, editInEditor: false }));
    box.onDidTriggerButton((button) => {
      if (button === editButton) finish({ text: box.value, editInEditor: true });
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

/** What to tell the user after an interactive create: the name ZooKeeper chose, and how long an ephemeral node lives. */
export function createdMessage(connectionName: string, mode: CreateMode, asked: string, created: string): string | undefined {
  const parts: string[] = [];
  if (isSequential(mode)) parts.push(vscode.l10n.t('Created {0} (ZooKeeper appended the counter to "{1}").', created, asked.slice(asked.lastIndexOf('/') + 1)));
  else if (mode === 'ephemeral') parts.push(vscode.l10n.t('Created {0}.', created));
  if (mode === 'ephemeral' || mode === 'ephemeralSequential') {
    parts.push(vscode.l10n.t("It is ephemeral: it lives as long as this window's session with {0} and goes when you disconnect or close VS Code.", connectionName));
  }
  return parts.length ? parts.join(' ') : undefined;
}

export async function createNode(connection: ZkConnection, request: CreateRequest): Promise<{ path: string; stat: PlainStat }> {
  if (connection.readOnly) throw new UserError(vscode.l10n.t('The connection "{0}" is read-only: creating nodes is refused.', connection.name));
  const client = await connection.connect();
  const created = await client.create(request.path, request.data, { mode: request.mode, ...(request.ttlMs !== undefined ? { ttlMs: request.ttlMs } : {}) });
  return { path: created.path, stat: toPlainStat(created.stat) };
}
