// Turns what a server says about itself — four-letter-word text or AdminServer JSON — into one
// shape. Both sources name the same figures (mntr keys are the AdminServer's `monitor` keys with a
// `zk_` prefix), so the rest of the code never asks where a number came from.
import type { JsonValue } from './losslessJson';
import type { Endpoint } from './transport';

/** One server line of the ensemble's configuration (`server.N=…` or the AdminServer's voting_view). */
export interface Member {
  sid: number;
  /** host:port of the quorum (follower-to-leader) port. */
  quorum: string;
  /** host:port of the leader-election port. */
  election: string;
  type: 'participant' | 'observer';
  /** The client address when the configuration gives one (`;host:port` or 3.5+'s dynamic config). */
  client?: Endpoint;
}

/** The part of a member that identifies it across servers: what two servers of one ensemble agree on. */
export function memberKey(member: Member): string {
  return `${member.sid}=${member.quorum}:${member.election}:${member.type}`;
}

/** `key\tvalue` lines of `mntr`, keys without the `zk_` prefix (the AdminServer's `monitor` names). */
export function parseMntr(text: string): Record<string, string> {
  const figures: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    figures[line.slice(0, tab).replace(/^zk_/, '')] = line.slice(tab + 1).trim();
  }
  return figures;
}

export interface SrvrText {
  version?: string;
  mode?: string;
  zxid?: string;
  nodeCount?: number;
  minLatency?: number;
  avgLatency?: number;
  maxLatency?: number;
  received?: number;
  sent?: number;
  connections?: number;
  outstanding?: number;
}

/** The text of `srvr` (and `stat`, which adds the client list). */
export function parseSrvr(text: string): SrvrText {
  const line = (name: string): string | undefined => new RegExp(`^${name}: (.*)$`, 'm').exec(text)?.[1]?.trim();
  const number = (name: string): number | undefined => {
    const value = line(name);
    return value === undefined ? undefined : Number(value);
  };
  const latency = line('Latency min/avg/max')?.split('/').map(Number);
  return {
    version: line('Zookeeper version'),
    mode: line('Mode'),
    zxid: line('Zxid'),
    nodeCount: number('Node count'),
    minLatency: latency?.[0],
    avgLatency: latency?.[1],
    maxLatency: latency?.[2],
    received: number('Received'),
    sent: number('Sent'),
    connections: number('Connections'),
    outstanding: number('Outstanding'),
  };
}

/** Parses `host:port` (IPv6 in brackets or bare with the port after the last colon). */
export function parseHostPort(text: string): Endpoint | undefined {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(text.trim());
  if (!match || !match[1]) return undefined;
  const port = Number(match[2]);
  return port > 0 && port < 65536 ? { host: match[1], port } : undefined;
}

/**
 * One `server.N=host:quorumPort:electionPort[:role][;[clientHost:]clientPort]` line. A client
 * address of 0.0.0.0 means "every interface": the quorum host is then the one to reach it on.
 */
export function parseServerLine(key: string, value: string): Member | undefined {
  const sid = /^server\.(\d+)$/.exec(key.trim())?.[1];
  if (sid === undefined) return undefined;
  const [serverPart, clientPart] = value.trim().split(';');
  const parts = /^(\[[^\]]+\]|[^:]+):(\d+):(\d+)(?::(participant|observer))?$/.exec(serverPart.trim());
  if (!parts) return undefined;
  const host = parts[1];
  const member: Member = { sid: Number(sid), quorum: `${host}:${parts[2]}`, election: `${host}:${parts[3]}`, type: parts[4] === 'observer' ? 'observer' : 'participant' };
  const client = clientPart?.trim();
  if (client) {
    const endpoint = /^\d+$/.test(client) ? { host: host.replace(/^\[|\]$/g, ''), port: Number(client) } : parseHostPort(client);
    if (endpoint) member.client = endpoint.host === '0.0.0.0' || endpoint.host === '::' ? { host: host.replace(/^\[|\]$/g, ''), port: endpoint.port } : endpoint;
  }
  return member;
}

export interface ConfText {
  serverId?: number;
  clientPort?: number;
  members: Member[];
  /** The configuration's version (hex), from `version=` in 3.5+. */
  configVersion?: string;
}

/** The text of `conf`, or the data of `/zookeeper/config` (the same `server.N=` and `version=` lines). */
export function parseConf(text: string): ConfText {
  const result: ConfText = { members: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'serverId') result.serverId = Number(value);
    else if (key === 'clientPort') result.clientPort = Number(value);
    else if (key === 'version') result.configVersion = value.trim();
    else if (key.startsWith('server.')) {
      const member = parseServerLine(key, value);
      if (member) result.members.push(member);
    }
  }
  return result;
}

/** The AdminServer's `voting_view`: { current_config: { sid: { server_addresses, election_addresses, client_address, learner_type } } }. */
export function membersFromVotingView(json: { [key: string]: JsonValue }): Member[] {
  const config = json.current_config;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return [];
  const members: Member[] = [];
  for (const [sid, entry] of Object.entries(config)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
    const first = (value: JsonValue | undefined): string => (Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '');
    const member: Member = {
      sid: Number(sid),
      quorum: first(entry.server_addresses),
      election: first(entry.election_addresses),
      type: entry.learner_type === 'observer' ? 'observer' : 'participant',
    };
    const client = typeof entry.client_address === 'string' ? parseHostPort(entry.client_address) : undefined;
    if (client) {
      const quorumHost = parseHostPort(member.quorum)?.host;
      member.client = (client.host === '0.0.0.0' || client.host === '::') && quorumHost ? { host: quorumHost, port: client.port } : client;
    }
    members.push(member);
  }
  return members;
}

/** A zxid as ZooKeeper prints it (0x…), from a number, a decimal string (lossless JSON) or hex text. */
export function zxidHex(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'number' || (typeof value === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(value))) return `0x${BigInt(value).toString(16)}`;
  return undefined;
}

/**
 * How many transactions `behind` trails `ahead`. Across epochs (a follower that has not yet
 * processed anything since the last election) it is at least the leader's count in its epoch.
 */
export function zxidDistance(ahead: string, behind: string): number {
  const a = BigInt(ahead);
  const b = BigInt(behind);
  if (b >= a) return 0;
  if (a >> 32n !== b >> 32n) return Number(a & 0xffffffffn);
  return Number(a - b);
}

/** A figure as a number, whatever the source gave (4lw text, JSON number, or a lossless-JSON string). */
export function figure(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
