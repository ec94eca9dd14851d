// "Who watches this?": the sessions watching a node (`wchp`) and the paths a session watches
// (`wchc`). A watch lives on the server the session is connected to, so every server is asked.
// Both commands walk the server's whole watch table: ZooKeeper documents them as possibly expensive,
// so they run only when a person asks, never on a timer.
import { whitelistLine } from './health';
import { sessionIdHex } from './losslessJson';
import { formatEndpoint, getAdminCommand, sendFourLetterWord, type Endpoint, type JsonObject } from './transport';
import { Limiter } from '../concurrency';
import { t } from '../l10n';

/** Said wherever the result is shown (a function: in the display language, known only once the extension runs). */
export function watchesExpensiveNote(): string {
  return t(
    'wchp and wchc walk every watch of the server: ZooKeeper documents them as possibly expensive on a busy server, so they are sent only when you ask. They list data watches (getData, exists); ZooKeeper does not report child watches (getChildren) there.',
  );
}

/**
 * The JSON of `watches_by_path` (path_to_session_ids) or `watches` (session_id_to_watched_paths):
 * key → values, session ids as 0x… hex either side.
 */
export function watchTableFromJson(json: JsonObject, field: 'path_to_session_ids' | 'session_id_to_watched_paths'): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const raw = json[field];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return table;
  const bySession = field === 'session_id_to_watched_paths';
  for (const [key, values] of Object.entries(raw)) {
    if (!Array.isArray(values)) continue;
    const list = values.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map((v) => (bySession ? String(v) : sessionIdHex(v)));
    table.set(bySession ? sessionIdHex(key) : key, list.sort());
  }
  return table;
}

/**
 * The text of `wchp` / `wchc`: a key line (a path, or a 0x… session id) followed by tab-indented
 * values (session ids, or paths).
 */
export function watchTableFromText(text: string, bySession: boolean): Map<string, string[]> {
  const table = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    if (/^\s/.test(line)) {
      const value = line.trim();
      if (bySession ? value.startsWith('/') : /^0x[0-9a-f]+$/i.test(value)) current?.push(bySession ? value : sessionIdHex(value));
    } else {
      const key = line.trim();
      if (bySession ? !/^0x[0-9a-f]+$/i.test(key) : !key.startsWith('/')) {
        current = undefined;
        continue;
      }
      current = [];
      table.set(bySession ? sessionIdHex(key) : key, current);
    }
  }
  for (const values of table.values()) values.sort();
  return table;
}

export type WatchTableReply = { ok: true; table: Map<string, string[]>; source: 'adminserver' | '4lw' } | { ok: false; error: string; notAllowed?: boolean };

/** One server's table: the AdminServer when it answers, else the word over the client port. */
export async function readWatchTable(server: Endpoint, adminAt: Endpoint | undefined, kind: 'wchp' | 'wchc', timeoutMs = 10000): Promise<WatchTableReply> {
  const bySession = kind === 'wchc';
  if (adminAt) {
    const reply = await getAdminCommand(adminAt, bySession ? 'watches' : 'watches_by_path', timeoutMs);
    if (reply.kind === 'ok') return { ok: true, table: watchTableFromJson(reply.json, bySession ? 'session_id_to_watched_paths' : 'path_to_session_ids'), source: 'adminserver' };
    if (reply.kind === 'error') return { ok: false, error: reply.reason };
  }
  const reply = await sendFourLetterWord(server, kind, timeoutMs);
  if (reply.kind === 'ok') return { ok: true, table: watchTableFromText(reply.text, bySession), source: '4lw' };
  if (reply.kind === 'notAllowed') return { ok: false, notAllowed: true, error: t('Not allowed: add {0} to its zoo.cfg (4lw.commands.whitelist), or turn on its AdminServer.', `\`${whitelistLine([kind])}\``) };
  return { ok: false, error: reply.kind === 'notServing' ? t('the server does not serve requests') : reply.reason };
}

export interface WatchersPerServer {
  server: string;
  ok: boolean;
  source?: 'adminserver' | '4lw';
  /** Session ids (wchp) or paths (wchc) found on this server. */
  values?: string[];
  error?: string;
  notAllowed?: boolean;
}

export interface WhoWatchesResult {
  path: string;
  /** Every session watching the path, with the server it is connected to. */
  sessions: { sessionId: string; server: string }[];
  servers: WatchersPerServer[];
  note: string;
}

export interface WatchedPathsResult {
  sessionId: string;
  /** Every path the session watches (on whichever server it is connected to). */
  paths: string[];
  servers: WatchersPerServer[];
  note: string;
}

interface AskOptions {
  adminEndpoint: (server: Endpoint) => Endpoint | undefined;
  timeoutMs?: number;
  concurrency?: number;
}

async function ask(servers: readonly Endpoint[], kind: 'wchp' | 'wchc', key: string, options: AskOptions): Promise<WatchersPerServer[]> {
  const limiter = new Limiter(options.concurrency ?? 4);
  return Promise.all(
    servers.map((server) =>
      limiter.run(async (): Promise<WatchersPerServer> => {
        const reply = await readWatchTable(server, options.adminEndpoint(server), kind, options.timeoutMs);
        const address = formatEndpoint(server);
        if (!reply.ok) return { server: address, ok: false, error: reply.error, ...(reply.notAllowed ? { notAllowed: true } : {}) };
        return { server: address, ok: true, source: reply.source, values: reply.table.get(key) ?? [] };
      }),
    ),
  );
}

/** The sessions watching `path` (data or child watches), asked of every server. */
export async function whoWatches(servers: readonly Endpoint[], path: string, options: AskOptions): Promise<WhoWatchesResult> {
  const perServer = await ask(servers, 'wchp', path, options);
  const sessions = perServer.flatMap((s) => (s.values ?? []).map((sessionId) => ({ sessionId, server: s.server })));
  return { path, sessions, servers: perServer, note: watchesExpensiveNote() };
}

/** The paths a session watches, asked of every server (the one it is connected to answers). */
export async function watchedPaths(servers: readonly Endpoint[], sessionId: string, options: AskOptions): Promise<WatchedPathsResult> {
  const id = sessionIdHex(sessionId);
  const perServer = await ask(servers, 'wchc', id, options);
  const paths = [...new Set(perServer.flatMap((s) => s.values ?? []))].sort();
  return { sessionId: id, paths, servers: perServer, note: watchesExpensiveNote() };
}

/** The result as a document a person reads. */
export function formatWatchers(result: WhoWatchesResult | WatchedPathsResult): string {
  const lines: string[] = [];
  if ('path' in result) {
    lines.push(`# ${t('Who watches {0}?', result.path)}`, '', result.sessions.length ? t('{0} session(s) watch it:', result.sessions.length) : t('No session watches it.'));
    for (const s of result.sessions) lines.push(`- ${t('{0} (connected to {1})', s.sessionId, s.server)}`);
  } else {
    lines.push(`# ${t('Paths watched by session {0}', result.sessionId)}`, '', result.paths.length ? t('{0} path(s):', result.paths.length) : t('It watches no path (or it is not connected to any of these servers).'));
    for (const p of result.paths) lines.push(`- ${p}`);
  }
  lines.push('', `## ${t('Servers asked')}`);
  for (const s of result.servers) {
    const found = s.source === 'adminserver' ? t('{0} found (AdminServer)', s.values?.length ?? 0) : t('{0} found (four-letter word)', s.values?.length ?? 0);
    lines.push(`- ${s.server}: ${s.ok ? found : s.error}`);
  }
  lines.push('', `_${result.note}_`, '');
  return lines.join('\n');
}
