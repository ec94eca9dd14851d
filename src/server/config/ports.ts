import type { Range } from 'vscode-languageserver-types';
import type { ServerEntry } from './ensemble';
import { issueRange, type Reporter } from './report';
import type { Piece } from './serverLine';
import type { Settings } from './settings';
import { t } from '../../zk/l10n';

interface Endpoint {
  /** Normalized host; `*` for every interface. */
  readonly host: string;
  readonly port: number;
  readonly label: string;
  readonly range: Range;
  /** False for a default port that no line sets. */
  readonly explicit: boolean;
  /** For server lines: the key and address index, so one address's two ports are not compared again. */
  readonly address?: string;
  /** The `;clientPort` of a server line: for the server itself, the same listener as clientPort. */
  readonly client?: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '0:0:0:0:0:0:0:1']);
const WILDCARD = new Set(['', '0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

function normalizeHost(host: string): string {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (WILDCARD.has(h)) return '*';
  return LOOPBACK.has(h) ? 'localhost' : h;
}

const overlap = (a: Endpoint, b: Endpoint): boolean => a.port === b.port && (a.host === b.host || a.host === '*' || b.host === '*');

/** Two listeners on one host:port: among server lines, among this server's own ports, or between the two. */
export function checkPorts(settings: Settings, report: Reporter, servers: readonly ServerEntry[]): void {
  const remote = serverEndpoints(servers);
  for (const a of remote) {
    for (const b of remote) {
      if (a === b || a.port !== b.port || a.host !== b.host || (a.address !== undefined && a.address === b.address)) continue;
      report.add('error', 'port-clash', t('{0}:{1} is also {2}: two listeners cannot share it.', a.host, a.port, b.label), a.range, undefined, [{ range: b.range, message: b.label }]);
    }
  }
  const local = localEndpoints(settings);
  for (let i = 0; i < local.length; i++) {
    for (const b of local.slice(i + 1)) {
      const a = local[i];
      if (!overlap(a, b)) continue;
      const [at, other] = b.explicit ? [b, a] : [a, b];
      report.add('error', 'port-clash', t('{0} and {1} are both port {2}: they cannot both bind.', a.label, b.label, a.port), at.range, undefined, [{ range: other.range, message: other.label }]);
    }
    for (const b of remote) {
      const a = local[i];
      if (b.client || !overlap(a, b)) continue;
      const message = t('{0} (port {1}) is also {2}: on that machine both cannot bind.', a.label, a.port, b.label);
      report.add('error', 'port-clash', message, a.explicit ? a.range : b.range, undefined, [{ range: a.explicit ? b.range : a.range, message: a.explicit ? b.label : a.label }]);
    }
  }
}

function serverEndpoints(servers: readonly ServerEntry[]): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const { entry, line } of servers) {
    const at = (piece: Piece): Range => issueRange(entry, { from: piece.start, to: piece.start + piece.text.length });
    line.addresses.forEach((address, index) => {
      const of = line.addresses.length > 1 ? t('address {0} of {1}', index + 1, entry.key) : entry.key;
      const common = { host: normalizeHost(address.host.text), explicit: true, address: `${entry.key}#${index}` };
      if (address.quorum) endpoints.push({ ...common, port: address.quorum.port, label: t('the quorum port of {0}', of), range: at(address.quorum.piece) });
      if (address.election) endpoints.push({ ...common, port: address.election.port, label: t('the election port of {0}', of), range: at(address.election.piece) });
    });
    const client = line.client;
    if (client?.port) {
      // A client address without a host binds every interface of that server's own machine.
      const own = line.addresses[0]?.host.text ?? '';
      const host = client.host && normalizeHost(client.host.text) !== '*' ? client.host.text : own;
      endpoints.push({ host: normalizeHost(host), port: client.port.port, label: t('the client port of {0}', entry.key), range: at(client.port.piece), explicit: true, client: true });
    }
  }
  return endpoints;
}

function localEndpoints(settings: Settings): Endpoint[] {
  const endpoints: Endpoint[] = [];
  const add = (key: string, hostKey: string | undefined, fallback?: { port: number; label: string }): void => {
    const entry = settings.get(key);
    const port = entry ? settings.int(key) : fallback?.port;
    if (port === undefined || port <= 0 || port > 65535) return;
    const host = normalizeHost((hostKey && settings.value(hostKey)) || '');
    const label = entry ? key : (fallback?.label ?? key);
    endpoints.push({ host, port, label, range: entry ? issueRange(entry, {}) : settings.top(), explicit: entry !== undefined });
  };
  add('clientPort', 'clientPortAddress');
  add('secureClientPort', 'secureClientPortAddress');
  add('observerMasterPort', undefined);
  if (settings.value('admin.enableServer')?.toLowerCase() !== 'false') {
    add('admin.serverPort', 'admin.serverAddress', { port: 8080, label: t('the AdminServer (admin.serverPort defaults to 8080)') });
  }
  if (settings.value('metricsProvider.className')?.endsWith('PrometheusMetricsProvider')) {
    add('metricsProvider.httpPort', 'metricsProvider.httpHost', { port: 7000, label: t('the Prometheus exporter (metricsProvider.httpPort defaults to 7000)') });
  }
  return endpoints;
}
