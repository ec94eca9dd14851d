// Asks every server of a connection's ensemble how it is: role, state, version and the figures of
// the monitoring guide. Sources in order: the AdminServer (HTTP JSON) when it answers, else the
// four-letter words over the client port. It only ever contacts the hosts of the connect string and
// the client addresses the ensemble's own configuration names (a member missing from the connect
// string) — never an address from anywhere else.
import { t } from '../l10n';
import * as http from 'node:http';
import { parseConnectString } from '../connectString';
import { assessCluster, type ProbeHistory } from './health';
import type { JsonValue } from './losslessJson';
import { figure, memberKey, membersFromVotingView, parseConf, parseMntr, parseSrvr, zxidDistance, zxidHex, type Member } from './parse';
import { formatEndpoint, getAdminCommand, sendFourLetterWord, type AdminReply, type Endpoint, type JsonObject } from './transport';
import { Limiter } from '../concurrency';
import type { ClusterReport, ServerMetrics, ServerReport, ServerRole } from './types';

export const DEFAULT_ADMIN_PORT = 8080;

/** The AdminServer port of a server: a number, or false when it has none (or it should not be asked). */
export type AdminPortSetting = number | false | ((server: Endpoint) => number | false | undefined);

export interface ClusterProbeOptions {
  connectString: string;
  /** Default 8080 on every server's host. */
  adminPort?: AdminPortSetting;
  /** Bound on each request (connect + answer), ms. Default 3000. */
  timeoutMs?: number;
  /** Requests in flight at once across the ensemble. Default 4. */
  concurrency?: number;
  /** Reads `/zookeeper/config` through the connection's session, when there is one (undefined otherwise). */
  readConfigZnode?: () => Promise<string | undefined>;
  now?: () => number;
}

/** What we learnt about one server beyond its report: its view of the ensemble. */
interface Probed {
  report: ServerReport;
  members: Member[];
}

const ROLES: Record<string, ServerRole> = {
  leader: 'leader',
  leading: 'leader',
  follower: 'follower',
  following: 'follower',
  observer: 'observer',
  observing: 'observer',
  standalone: 'standalone',
  'read-only': 'read-only',
  read_only: 'read-only',
};

function roleOf(state: string | undefined): ServerRole {
  return (state && ROLES[state.toLowerCase()]) || 'unknown';
}

/** The monitoring figures from mntr/monitor keys (same names in both), with srvr's as a fallback. */
function metricsFrom(mntr: Record<string, JsonValue>, srvr: { avgLatency?: number; minLatency?: number; maxLatency?: number; outstanding?: number; connections?: number; nodeCount?: number; received?: number; sent?: number }): ServerMetrics {
  const pick = (key: string): number | undefined => figure(mntr[key]);
  const metrics: ServerMetrics = {
    avgLatency: pick('avg_latency') ?? srvr.avgLatency,
    minLatency: pick('min_latency') ?? srvr.minLatency,
    maxLatency: pick('max_latency') ?? srvr.maxLatency,
    outstandingRequests: pick('outstanding_requests') ?? srvr.outstanding,
    connections: pick('num_alive_connections') ?? srvr.connections,
    znodes: pick('znode_count') ?? srvr.nodeCount,
    watches: pick('watch_count'),
    ephemerals: pick('ephemerals_count'),
    dataSize: pick('approximate_data_size'),
    openFileDescriptors: pick('open_file_descriptor_count'),
    maxFileDescriptors: pick('max_file_descriptor_count'),
    packetsReceived: pick('packets_received') ?? srvr.received,
    packetsSent: pick('packets_sent') ?? srvr.sent,
    uptimeMs: pick('uptime'),
    learners: pick('learners'),
    syncedFollowers: pick('synced_followers'),
    syncedObservers: pick('synced_observers'),
    pendingSyncs: pick('pending_syncs'),
    quorumSize: pick('quorum_size'),
  };
  // Leave out what the server did not say, so the JSON of showCluster lists only real figures.
  for (const key of Object.keys(metrics) as (keyof ServerMetrics)[]) if (metrics[key] === undefined) delete metrics[key];
  return metrics;
}

function serverStatsOf(json: JsonObject): { stats: JsonObject; summary: Parameters<typeof metricsFrom>[1] } {
  const stats = (typeof json.server_stats === 'object' && json.server_stats !== null && !Array.isArray(json.server_stats) ? json.server_stats : {});
  return {
    stats,
    summary: {
      avgLatency: figure(stats.avg_latency),
      minLatency: figure(stats.min_latency),
      maxLatency: figure(stats.max_latency),
      outstanding: figure(stats.outstanding_requests),
      connections: figure(stats.num_alive_client_connections),
      nodeCount: figure(json.node_count),
      received: figure(stats.packets_received),
      sent: figure(stats.packets_sent),
    },
  };
}

/** How long a server's identity (myid, membership) is reused while its state stays the same. */
const IDENTITY_TTL_MS = 30_000;

interface Identity {
  state: string | undefined;
  at: number;
  sid?: number;
  members: Member[];
  configVersion?: string;
}

export class ClusterProbe {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  /**
   * Per server address: myid and membership change only with an election or a reconfiguration, so
   * a poll asks for them again only when the server's state changed or after IDENTITY_TTL_MS.
   * Halves the requests of a steady poll.
   */
  private readonly identities = new Map<string, Identity>();
  private readonly history: ProbeHistory = {};
  private readonly timeoutMs: number;
  private readonly limiter: Limiter;
  private readonly now: () => number;

  constructor(private readonly options: ClusterProbeOptions) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.limiter = new Limiter(options.concurrency ?? 4);
    this.now = options.now ?? Date.now;
  }

  /** The servers of the connect string (host:port), in its order, without duplicates. */
  seeds(): Endpoint[] {
    const parsed = parseConnectString(this.options.connectString);
    if (typeof parsed === 'string') throw new Error(parsed);
    const seen = new Set<string>();
    return parsed.servers.filter((s) => {
      const key = formatEndpoint(s).toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** Probes every server once and assesses the ensemble. Never rejects for a server's failure: that is part of the report. */
  async probe(): Promise<ClusterReport> {
    const seeds = this.seeds();
    const [probed, configZnode] = await Promise.all([
      Promise.all(seeds.map((s) => this.probeServer(s))),
      this.options.readConfigZnode?.().catch(() => undefined) ?? Promise.resolve(undefined),
    ]);

    // Complete the connect string from the ensemble's own configuration: a member whose myid no
    // probed server has, with a client address, is probed too. Only when every server of the
    // connect string told us its myid, or an unidentified one could be that very member.
    const members = configZnode ? parseConf(configZnode).members : (probed.find((p) => p.members.length > 0)?.members ?? []);
    if (members.length > 0 && probed.every((p) => p.report.sid !== undefined)) {
      const known = new Set(probed.map((p) => p.report.sid));
      const seedKeys = new Set(seeds.map((s) => formatEndpoint(s).toLowerCase()));
      const missing = members.filter((m) => !known.has(m.sid));
      const extra = await Promise.all(
        missing.map(async (m): Promise<Probed> => {
          if (m.client && !seedKeys.has(formatEndpoint(m.client).toLowerCase())) {
            const found = await this.probeServer(m.client);
            found.report.note = t("not in the connect string: server.{0} of the ensemble's configuration", m.sid);
            found.report.sid ??= m.sid;
            return found;
          }
          return {
            members: [],
            report: {
              address: `server.${m.sid} (${m.quorum.replace(/:\d+$/, '')})`,
              sid: m.sid,
              role: m.type === 'observer' ? 'observer' : 'unknown',
              state: 'unreachable',
              reason: t("it is not in the connect string and the ensemble's configuration gives no client address for it (a server line ending in ;host:port would)"),
              source: '4lw',
              metrics: {},
              note: t("not in the connect string: server.{0} of the ensemble's configuration", m.sid),
            },
          };
        }),
      );
      probed.push(...extra);
    }

    const servers = probed.map((p) => p.report);
    const leaders = servers.filter((s) => s.role === 'leader' && s.state === 'serving');
    const leader = leaders.length === 1 ? leaders[0] : undefined;
    if (leader?.metrics.lastZxid) {
      for (const s of servers) {
        if (s !== leader && s.metrics.lastZxid && (s.role === 'follower' || s.role === 'observer')) {
          s.metrics.zxidBehindLeader = zxidDistance(leader.metrics.lastZxid, s.metrics.lastZxid);
        }
      }
    }
    const probedAt = this.now();
    const warnings = assessCluster(servers, this.history, probedAt);
    return leader ? { servers, leader: leader.address, warnings, probedAt } : { servers, warnings, probedAt };
  }

  private adminEndpoint(server: Endpoint): Endpoint | undefined {
    const setting = this.options.adminPort ?? DEFAULT_ADMIN_PORT;
    const port = typeof setting === 'function' ? (setting(server) ?? DEFAULT_ADMIN_PORT) : setting;
    return port === false ? undefined : { host: server.host, port };
  }

  private admin(endpoint: Endpoint, command: string): Promise<AdminReply> {
    return this.limiter.run(() => getAdminCommand(endpoint, command, this.timeoutMs, this.agent));
  }

  private word(server: Endpoint, word: string): ReturnType<typeof sendFourLetterWord> {
    return this.limiter.run(() => sendFourLetterWord(server, word, this.timeoutMs));
  }

  /** One server: the AdminServer if it answers, else the four-letter words. */
  async probeServer(server: Endpoint): Promise<Probed> {
    const adminAt = this.adminEndpoint(server);
    if (adminAt) {
      const srvr = await this.admin(adminAt, 'srvr');
      if (srvr.kind !== 'unreachable') return this.fromAdminServer(server, adminAt, srvr);
    }
    return this.fromFourLetterWords(server);
  }

  private async fromAdminServer(server: Endpoint, adminAt: Endpoint, srvr: Exclude<AdminReply, { kind: 'unreachable' }>): Promise<Probed> {
    const srvrJson = srvr.kind === 'ok' ? srvr.json : {};
    const { stats, summary } = serverStatsOf(srvrJson);
    const address = formatEndpoint(server);
    const known = this.identity(address, typeof stats.server_state === 'string' ? stats.server_state : undefined);
    const [monitor, leader, conf, voting] = await Promise.all([
      this.admin(adminAt, 'monitor'),
      this.admin(adminAt, 'leader'),
      known ? undefined : this.admin(adminAt, 'configuration'),
      known ? undefined : this.admin(adminAt, 'voting_view'),
    ]);
    const mntr = monitor.kind === 'ok' ? monitor.json : {};
    const serverState = typeof mntr.server_state === 'string' ? mntr.server_state : typeof stats.server_state === 'string' ? stats.server_state : undefined;
    let role = roleOf(serverState);
    if (srvrJson.read_only === true) role = 'read-only';
    const version = typeof srvrJson.version === 'string' ? srvrJson.version : typeof mntr.version === 'string' ? mntr.version : undefined;
    const report: ServerReport = {
      address: formatEndpoint(server),
      role,
      state: srvr.kind === 'ok' && role !== 'unknown' ? 'serving' : 'not serving',
      source: 'adminserver',
      metrics: metricsFrom(mntr, summary),
    };
    if (report.state === 'not serving') {
      report.reason =
        serverState === 'looking'
          ? t('it is looking for a leader (an election is running, or there is no quorum)')
          : srvr.kind === 'error'
            ? srvr.reason
            : t('its state is {0}', serverState ?? 'unknown');
    }
    if (version) report.version = version;
    const zxid = zxidHex(stats.last_processed_zxid);
    if (zxid) report.metrics.lastZxid = zxid;
    if (typeof mntr.peer_state === 'string') report.peerState = mntr.peer_state;
    const sid = known ? known.sid : conf?.kind === 'ok' ? figure(conf.json.server_id) : undefined;
    if (sid !== undefined) report.sid = sid;
    if (leader.kind === 'ok') {
      const id = figure(leader.json.leader_id);
      if (id !== undefined && id >= 0) report.leaderId = id;
    }
    const members = known ? known.members : voting?.kind === 'ok' ? membersFromVotingView(voting.json) : [];
    if (!known && conf?.kind === 'ok' && voting?.kind === 'ok') this.remember(address, typeof stats.server_state === 'string' ? stats.server_state : undefined, { sid, members });
    // A standalone server's voting_view is empty (or lists only itself): it has no membership.
    report.membership = role === 'standalone' ? [] : members.map(memberKey).sort();
    return { report, members: role === 'standalone' ? [] : members };
  }

  private async fromFourLetterWords(server: Endpoint): Promise<Probed> {
    const address = formatEndpoint(server);
    const srvr = await this.word(server, 'srvr');
    if (srvr.kind === 'unreachable') return { members: [], report: { address, role: 'unknown', state: 'unreachable', reason: srvr.reason, source: '4lw', metrics: {} } };
    const notAllowed: string[] = [];
    const mode = srvr.kind === 'ok' ? parseSrvr(srvr.text).mode : srvr.kind;
    const known = this.identity(address, mode);
    const [mntr, conf] = await Promise.all([this.word(server, 'mntr'), known ? undefined : this.word(server, 'conf')]);
    for (const [word, reply] of [['srvr', srvr], ['mntr', mntr], ['conf', conf]] as const) if (reply?.kind === 'notAllowed') notAllowed.push(word);

    const srvrText = srvr.kind === 'ok' ? parseSrvr(srvr.text) : {};
    const figures: Record<string, JsonValue> = mntr.kind === 'ok' ? parseMntr(mntr.text) : {};
    const serverState = typeof figures.server_state === 'string' ? figures.server_state : srvrText.mode;
    const role = roleOf(serverState);
    const report: ServerReport = {
      address,
      role,
      state: srvr.kind === 'ok' && role !== 'unknown' ? 'serving' : 'not serving',
      source: '4lw',
      metrics: metricsFrom(figures, srvrText),
    };
    if (report.state === 'not serving') {
      report.reason =
        srvr.kind === 'notServing'
          ? t('it accepts connections but does not serve requests (starting, looking for a leader, or without a quorum)')
          : srvr.kind === 'notAllowed'
            ? t('it does not allow srvr, so its state is unknown')
            : t('its state is {0}', serverState ?? 'unknown');
    }
    const version = srvrText.version ?? (typeof figures.version === 'string' ? figures.version : undefined);
    if (version) report.version = version;
    const zxid = srvrText.zxid ? zxidHex(srvrText.zxid) : undefined;
    if (zxid) report.metrics.lastZxid = zxid;
    if (typeof figures.peer_state === 'string') report.peerState = figures.peer_state;
    if (notAllowed.length > 0) report.notAllowed = notAllowed;
    let members: Member[] = [];
    let identity: Omit<Identity, 'state' | 'at'> | undefined = known;
    if (conf?.kind === 'ok') {
      const parsed = parseConf(conf.text);
      identity = { members: role === 'standalone' ? [] : parsed.members };
      if (parsed.serverId !== undefined && Number.isFinite(parsed.serverId)) identity.sid = parsed.serverId;
      if (parsed.configVersion) identity.configVersion = parsed.configVersion;
      this.remember(address, mode, identity);
    }
    if (identity) {
      if (identity.sid !== undefined) report.sid = identity.sid;
      if (identity.configVersion) report.configVersion = identity.configVersion;
      members = identity.members;
      report.membership = members.map(memberKey).sort();
    }
    return { report, members };
  }

  /** The identity remembered for a server still in `state`, unless it is too old. */
  private identity(address: string, state: string | undefined): Identity | undefined {
    const known = this.identities.get(address);
    return known && known.state === state && this.now() - known.at < IDENTITY_TTL_MS ? known : undefined;
  }

  private remember(address: string, state: string | undefined, identity: Omit<Identity, 'state' | 'at'>): void {
    this.identities.set(address, { ...identity, state, at: this.now() });
  }

  dispose(): void {
    this.agent.destroy();
  }
}
