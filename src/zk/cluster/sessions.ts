// A server's client sessions (`cons`) and the ephemeral nodes each session owns (`dump`, complete
// on the leader, which tracks every session). Both are documented as possibly expensive for the
// server, so they are read only when a person asks (expands "Sessions"), never by the poll.
import type { JsonValue } from './losslessJson';
import { sessionIdHex } from './losslessJson';
import { figure } from './parse';
import { getAdminCommand, sendFourLetterWord, type Endpoint, type JsonObject } from './transport';
import { whitelistLine } from './health';
import { t } from '../l10n';

export interface ClientSession {
  /** Client address as the server sees it. */
  address: string;
  /** 0x… hex: 64 bits, kept exact. */
  sessionId: string;
  timeoutMs?: number;
  lastOperation?: string;
  lastLatencyMs?: number;
  avgLatencyMs?: number;
  maxLatencyMs?: number;
  packetsReceived?: number;
  packetsSent?: number;
  outstanding?: number;
}

export type SessionsReply = { ok: true; sessions: ClientSession[]; source: 'adminserver' | '4lw' } | { ok: false; error: string };
export type EphemeralsReply = { ok: true; bySession: Map<string, string[]>; source: 'adminserver' | '4lw' } | { ok: false; error: string };

const notAllowed = (word: string): string => t('not allowed: add `{0}` to zoo.cfg (4lw.commands.whitelist), or turn on the AdminServer', whitelistLine([word]));

/** The AdminServer's `connections` reply. Connections without a session yet (id 0) are left out. */
export function sessionsFromJson(json: JsonObject): ClientSession[] {
  const list = [...(Array.isArray(json.connections) ? json.connections : []), ...(Array.isArray(json.secure_connections) ? json.secure_connections : [])];
  const sessions: ClientSession[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
    const id = entry.session_id;
    if ((typeof id !== 'number' && typeof id !== 'string') || BigInt(id) === 0n) continue;
    const session: ClientSession = { address: typeof entry.remote_socket_address === 'string' ? entry.remote_socket_address : '?', sessionId: sessionIdHex(id) };
    const set = (key: keyof ClientSession, value: JsonValue | undefined): void => {
      const n = figure(value);
      if (n !== undefined) (session as unknown as Record<string, number>)[key] = n;
    };
    set('timeoutMs', entry.session_timeout);
    if (typeof entry.last_operation === 'string') session.lastOperation = entry.last_operation;
    set('lastLatencyMs', entry.last_latency);
    set('avgLatencyMs', entry.avg_latency);
    set('maxLatencyMs', entry.max_latency);
    set('packetsReceived', entry.packets_received);
    set('packetsSent', entry.packets_sent);
    set('outstanding', entry.outstanding_requests);
    sessions.push(session);
  }
  return sessions;
}

/** `cons` text: ` /127.0.0.1:40454[1](queued=0,recved=3,sent=3,sid=0x…,lop=CREA,…,to=30000,…,llat=1,minlat=0,avglat=5,maxlat=12)`. */
export function sessionsFromText(text: string): ClientSession[] {
  const sessions: ClientSession[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*\/(\S+?)\[\d+\]\((.*)\)\s*$/.exec(line);
    if (!match) continue;
    const fields = new Map(match[2].split(',').map((pair) => pair.split('=', 2) as [string, string]));
    const sid = fields.get('sid');
    if (!sid || BigInt(sid) === 0n) continue;
    const num = (key: string): number | undefined => (fields.has(key) ? Number(fields.get(key)) : undefined);
    const session: ClientSession = { address: match[1], sessionId: sessionIdHex(sid) };
    const put = (key: keyof ClientSession, value: number | undefined): void => {
      if (value !== undefined && Number.isFinite(value)) (session as unknown as Record<string, number>)[key] = value;
    };
    put('timeoutMs', num('to'));
    if (fields.get('lop')) session.lastOperation = fields.get('lop');
    put('lastLatencyMs', num('llat'));
    put('avgLatencyMs', num('avglat'));
    put('maxLatencyMs', num('maxlat'));
    put('packetsReceived', num('recved'));
    put('packetsSent', num('sent'));
    put('outstanding', num('queued'));
    sessions.push(session);
  }
  return sessions;
}

/** The AdminServer's `dump`: session_id_to_ephemeral_paths, keyed by the hex session id. */
export function ephemeralsFromJson(json: JsonObject): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const bySession = json.session_id_to_ephemeral_paths;
  if (typeof bySession !== 'object' || bySession === null || Array.isArray(bySession)) return map;
  for (const [id, paths] of Object.entries(bySession)) {
    if (Array.isArray(paths)) map.set(sessionIdHex(id), paths.filter((p): p is string => typeof p === 'string').sort());
  }
  return map;
}

/** `dump` text: after "Sessions with Ephemerals (N):", `0x…:` lines each followed by tab-indented paths. */
export function ephemeralsFromText(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  const start = text.indexOf('Sessions with Ephemerals');
  if (start === -1) return map;
  let current: string[] | undefined;
  for (const line of text.slice(start).split('\n').slice(1)) {
    const session = /^(0x[0-9a-f]+):\s*$/i.exec(line);
    if (session) {
      current = [];
      map.set(sessionIdHex(session[1]), current);
    } else if (current && /^\t\//.test(line)) current.push(line.trim());
    else if (!/^\s/.test(line)) break;
  }
  for (const paths of map.values()) paths.sort();
  return map;
}

/** A server's client sessions: AdminServer `connections` when it answers, else the word `cons`. */
export async function readSessions(server: Endpoint, adminAt: Endpoint | undefined, timeoutMs = 5000): Promise<SessionsReply> {
  if (adminAt) {
    const reply = await getAdminCommand(adminAt, 'connections', timeoutMs);
    if (reply.kind === 'ok') return { ok: true, sessions: sessionsFromJson(reply.json), source: 'adminserver' };
    if (reply.kind === 'error') return { ok: false, error: reply.reason };
  }
  const reply = await sendFourLetterWord(server, 'cons', timeoutMs);
  if (reply.kind === 'ok') return { ok: true, sessions: sessionsFromText(reply.text), source: '4lw' };
  if (reply.kind === 'notAllowed') return { ok: false, error: notAllowed('cons') };
  return { ok: false, error: reply.kind === 'notServing' ? t('the server does not serve requests') : reply.reason };
}

/** Ephemeral nodes by session, from `dump` on `server` (ask the leader: it knows every session). */
export async function readEphemerals(server: Endpoint, adminAt: Endpoint | undefined, timeoutMs = 5000): Promise<EphemeralsReply> {
  if (adminAt) {
    const reply = await getAdminCommand(adminAt, 'dump', timeoutMs);
    if (reply.kind === 'ok') return { ok: true, bySession: ephemeralsFromJson(reply.json), source: 'adminserver' };
    if (reply.kind === 'error') return { ok: false, error: reply.reason };
  }
  const reply = await sendFourLetterWord(server, 'dump', timeoutMs);
  if (reply.kind === 'ok') return { ok: true, bySession: ephemeralsFromText(reply.text), source: '4lw' };
  if (reply.kind === 'notAllowed') return { ok: false, error: notAllowed('dump') };
  return { ok: false, error: reply.kind === 'notServing' ? t('the server does not serve requests') : reply.reason };
}
