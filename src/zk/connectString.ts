import { validatePath } from './paths';
import { t } from './l10n';

export interface ParsedConnectString {
  servers: { host: string; port: number }[];
  chroot?: string;
}

const DEFAULT_PORT = 2181;

/**
 * Parses `host1:port1,host2:port2/chroot` (IPv6 in brackets allowed). Returns a sentence saying
 * what is wrong instead of throwing, so input boxes can show it as the user types.
 */
export function parseConnectString(input: string): ParsedConnectString | string {
  const text = input.trim();
  if (!text) return t('The connect string is empty. Enter host:port, for example 127.0.0.1:2181.');
  if (/\s/.test(text)) return t('The connect string contains spaces. Separate hosts with commas only, for example zk1:2181,zk2:2181.');
  const slash = text.indexOf('/');
  const hostPart = slash === -1 ? text : text.slice(0, slash);
  let chroot = slash === -1 ? undefined : text.slice(slash);
  if (chroot === '/') chroot = undefined;
  if (chroot !== undefined) {
    const problem = validatePath(chroot);
    if (problem) return t('The chroot "{0}" is not a valid path: {1}', chroot, problem);
  }
  const servers: { host: string; port: number }[] = [];
  for (const entry of hostPart.split(',')) {
    if (!entry) return t('The connect string "{0}" has an empty host entry; remove the extra comma.', text);
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d*))?$/.exec(entry);
    if (!match) return t('"{0}" is not host:port. Write it like zk1.example.com:2181 or [::1]:2181.', entry);
    const host = match[1].replace(/^\[|\]$/g, '');
    const port = match[2] === undefined || match[2] === '' ? DEFAULT_PORT : Number(match[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return t('The port in "{0}" must be a number from 1 to 65535.', entry);
    if (!/^[A-Za-z0-9._:-]+$/.test(host)) return t('"{0}" is not a valid host name or address.', host);
    servers.push({ host, port });
  }
  return chroot === undefined ? { servers } : { servers, chroot };
}

/** The form node-zookeeper-client accepts (it cannot parse IPv6 brackets itself). */
export function formatConnectString(parsed: ParsedConnectString): string {
  return parsed.servers.map((s) => `${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`).join(',') + (parsed.chroot ?? '');
}

/**
 * The server address a connect string names, in one canonical form, so that two spellings of the
 * same cluster compare equal: hosts lower-cased (DNS names are case-insensitive), the default port
 * written out, hosts sorted and deduplicated (the client picks among them at random, so their order
 * means nothing), and the chroot without a trailing slash ("/" is no chroot at all). Credentials are
 * bound to this form: a different string means a different server until the user says otherwise.
 * Returns undefined for a connect string that does not parse.
 */
export function normalizeConnectString(input: string): string | undefined {
  // A trailing slash on the chroot is tolerated here (not by parseConnectString, like ZooKeeper's
  // own parser) so that "zk1/kafka/" and "zk1/kafka" name the same address.
  const parsed = parseConnectString(input.trim().replace(/(.)\/+$/, '$1'));
  if (typeof parsed === 'string') return undefined;
  const servers = [...new Set(parsed.servers.map((s) => formatConnectString({ servers: [{ host: s.host.toLowerCase(), port: s.port }] })))].sort();
  return servers.join(',') + (parsed.chroot ?? '');
}
