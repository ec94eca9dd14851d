// The admin commands a person can send to one server or to all: the AdminServer's JSON when it
// answers, else the four-letter word's text over the client port.
import type { JsonValue } from './losslessJson';
import { getAdminCommand, sendFourLetterWord, formatEndpoint, type Endpoint } from './transport';
import { Limiter } from '../concurrency';
import { whitelistLine } from './health';
import { t } from '../l10n';

export interface AdminCommandInfo {
  /** The four-letter word, or the AdminServer name for commands that have no word. */
  name: string;
  /** The AdminServer's command name. */
  admin: string;
  /** True when the four-letter word exists (a fallback over the client port). */
  word: boolean;
  /** English, and the key of its translation: shown through describeAdminCommand(). */
  description: string;
  /** Documented as possibly expensive for the server: only on request, and say so. */
  expensive?: boolean;
}

export const ADMIN_COMMANDS: readonly AdminCommandInfo[] = [
  { name: 'srvr', admin: 'server_stats', word: true, description: 'Version, role, latency, connections, node count, last zxid' },
  { name: 'mntr', admin: 'monitor', word: true, description: 'Every monitoring figure (latency, znodes, watches, file descriptors, sync state…)' },
  { name: 'stat', admin: 'stats', word: true, description: 'srvr plus the list of client connections' },
  { name: 'conf', admin: 'configuration', word: true, description: "The server's configuration (ports, data dirs, timeouts, members)" },
  { name: 'ruok', admin: 'ruok', word: true, description: 'Is the process up? (imok even when it is not in a quorum)' },
  { name: 'isro', admin: 'is_read_only', word: true, description: 'Is the server in read-only mode?' },
  { name: 'envi', admin: 'environment', word: true, description: 'Java and ZooKeeper environment (versions, paths, OS)' },
  { name: 'dirs', admin: 'dirs', word: true, description: 'Size of the snapshot and transaction-log directories' },
  { name: 'wchs', admin: 'watch_summary', word: true, description: 'How many watches and watched paths' },
  { name: 'cons', admin: 'connections', word: true, description: 'Every client connection with its session, latency and packets', expensive: true },
  { name: 'dump', admin: 'dump', word: true, description: 'Sessions and their ephemeral nodes (complete on the leader)', expensive: true },
  { name: 'wchc', admin: 'watches', word: true, description: 'Watched paths per session', expensive: true },
  { name: 'wchp', admin: 'watches_by_path', word: true, description: 'Sessions watching each path', expensive: true },
  { name: 'crst', admin: 'connection_stat_reset', word: true, description: 'Reset the connection statistics' },
  { name: 'srst', admin: 'stat_reset', word: true, description: 'Reset the server statistics' },
  { name: 'leader', admin: 'leader', word: false, description: 'Is it the leader, and who leads (AdminServer only)' },
  { name: 'voting_view', admin: 'voting_view', word: false, description: "The ensemble's voting members and their addresses (AdminServer only)" },
  { name: 'zabstate', admin: 'zabstate', word: false, description: 'Zab protocol state and last zxid (AdminServer only)' },
  { name: 'sysp', admin: 'system_properties', word: false, description: 'Java system properties (AdminServer only)' },
];

/** What a command does, in the user's language (the table is English: it is built before a localizer is set). */
export function describeAdminCommand(command: AdminCommandInfo): string {
  return t(command.description);
}

export function findAdminCommand(name: string): AdminCommandInfo | undefined {
  const wanted = name.trim().toLowerCase();
  return ADMIN_COMMANDS.find((c) => c.name === wanted || c.admin === wanted);
}

export interface AdminCommandResult {
  server: string;
  ok: boolean;
  /** The AdminServer's reply (64-bit ids as strings). */
  json?: { [key: string]: JsonValue };
  /** The four-letter word's reply. */
  text?: string;
  error?: string;
}

export interface RunAdminCommandOptions {
  /** AdminServer endpoint of a server, or undefined when it has none. */
  adminEndpoint: (server: Endpoint) => Endpoint | undefined;
  timeoutMs?: number;
  concurrency?: number;
}

/** Sends one command to each server (in parallel, bounded) and gives one result per server, in order. */
export async function runAdminCommand(servers: readonly Endpoint[], command: AdminCommandInfo, options: RunAdminCommandOptions): Promise<AdminCommandResult[]> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const limiter = new Limiter(options.concurrency ?? 4);
  return Promise.all(
    servers.map((server) =>
      limiter.run(async (): Promise<AdminCommandResult> => {
        const address = formatEndpoint(server);
        const adminAt = options.adminEndpoint(server);
        let adminWhy: string | undefined;
        if (adminAt) {
          const reply = await getAdminCommand(adminAt, command.admin, timeoutMs);
          if (reply.kind === 'ok') return { server: address, ok: true, json: reply.json };
          if (reply.kind === 'error') return reply.json ? { server: address, ok: false, json: reply.json, error: reply.reason } : { server: address, ok: false, error: reply.reason };
          adminWhy = reply.reason;
        }
        if (!command.word) return { server: address, ok: false, error: t('"{0}" needs the AdminServer, and it did not answer: {1}', command.name, adminWhy ?? t('no AdminServer port for this server')) };
        const reply = await sendFourLetterWord(server, command.name, timeoutMs);
        switch (reply.kind) {
          case 'ok':
            return { server: address, ok: true, text: reply.text };
          case 'notAllowed':
            return { server: address, ok: false, text: reply.text, error: t('not allowed: add `{0}` to zoo.cfg (4lw.commands.whitelist), or turn on the AdminServer', whitelistLine([command.name])) };
          case 'notServing':
            return { server: address, ok: false, text: reply.text, error: t('the server does not serve requests (starting, or no quorum)') };
          default:
            return { server: address, ok: false, error: reply.reason };
        }
      }),
    ),
  );
}
