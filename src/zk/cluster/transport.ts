// The two ways to ask a ZooKeeper server about itself: a four-letter word over the client port
// (plain TCP, one short connection per word: the server answers and closes) and the AdminServer
// (HTTP, JSON). Both never hang: a connect timeout and an overall deadline, and replies are capped
// so a huge `dump` or `wchp` cannot exhaust memory. Failures come back as values with a sentence,
// never as exceptions, because "server 2 is down" is data for the Cluster view, not an error.
import * as http from 'node:http';
import * as net from 'node:net';
import { parseLosslessJson, type JsonValue } from './losslessJson';
import { t } from '../l10n';

export interface Endpoint {
  host: string;
  port: number;
}

export function formatEndpoint(endpoint: Endpoint): string {
  return endpoint.host.includes(':') ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

export type JsonObject = { [key: string]: JsonValue };

export type WordReply =
  | { kind: 'ok'; text: string }
  /** The server refused the word because of `4lw.commands.whitelist`: a setting, not a failure. */
  | { kind: 'notAllowed'; text: string }
  /** The server accepted the connection but does not serve (still starting, no quorum). */
  | { kind: 'notServing'; text: string }
  | { kind: 'unreachable'; reason: string };

export type AdminReply =
  | { kind: 'ok'; json: JsonObject }
  /** The AdminServer answered, with an error of its own (unknown command, not serving, …). */
  | { kind: 'error'; reason: string; json?: JsonObject }
  | { kind: 'unreachable'; reason: string };

const MAX_REPLY_BYTES = 32 * 1024 * 1024;

/** "not in the whitelist" is how ZooKeeper 3.5–3.9 refuse a word; the sentence is the stable part. */
const NOT_ALLOWED = /is not executed because it is not in the whitelist/;
const NOT_SERVING = /This ZooKeeper instance is not currently serving requests/;

/** A sentence for a socket error, naming the address and what it likely means. */
export function describeNetworkError(error: unknown, where: string, timeoutMs: number): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return t('connection refused at {0}: nothing listens there (the server is stopped or listens elsewhere)', where);
    case 'ETIMEDOUT':
    case 'TIMEOUT':
      return t('no answer from {0} within {1} ms (the server or the network is stuck)', where, timeoutMs);
    case 'ECONNRESET':
    case 'EPIPE':
      return t('{0} closed the connection before answering', where);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return t('{0} cannot be reached (no route to the host)', where);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return t('the host name in {0} does not resolve', where);
    default:
      return `${where}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Sends one four-letter word and reads until the server closes. Resolves (never rejects) with the
 * reply classified; `timeoutMs` bounds the whole exchange, so a server that accepts and never
 * answers (one still starting does that) costs at most that long.
 */
export function sendFourLetterWord(endpoint: Endpoint, word: string, timeoutMs: number): Promise<WordReply> {
  const where = formatEndpoint(endpoint);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = net.connect({ host: endpoint.host, port: endpoint.port });
    const finish = (reply: WordReply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => finish({ kind: 'unreachable', reason: describeNetworkError({ code: 'TIMEOUT' }, where, timeoutMs) }), timeoutMs);
    socket.on('connect', () => socket.end(word));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REPLY_BYTES) finish({ kind: 'unreachable', reason: t('{0} sent more than {1} MB for "{2}"; the reply was dropped', where, MAX_REPLY_BYTES / 1024 / 1024, word) });
      else chunks.push(chunk);
    });
    socket.on('error', (error) => finish({ kind: 'unreachable', reason: describeNetworkError(error, where, timeoutMs) }));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (NOT_ALLOWED.test(text)) finish({ kind: 'notAllowed', text });
      else if (NOT_SERVING.test(text)) finish({ kind: 'notServing', text });
      else finish({ kind: 'ok', text });
    });
  });
}

/**
 * GETs `/commands/<command>` from an AdminServer. Only a JSON object with a `command` field counts
 * as an AdminServer's answer: something else listening on the port (another web server on 8080)
 * is reported as unreachable, so the caller falls back to the four-letter words.
 */
export function getAdminCommand(endpoint: Endpoint, command: string, timeoutMs: number, agent?: http.Agent): Promise<AdminReply> {
  const where = `http://${formatEndpoint(endpoint)}/commands/${command}`;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (reply: AdminReply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(reply);
    };
    const request = http.get(
      { host: endpoint.host, port: endpoint.port, path: `/commands/${encodeURIComponent(command)}`, agent, headers: { accept: 'application/json' } },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_REPLY_BYTES) finish({ kind: 'error', reason: t('{0} sent more than {1} MB; the reply was dropped', where, MAX_REPLY_BYTES / 1024 / 1024) });
          else chunks.push(chunk);
        });
        response.on('error', (error) => finish({ kind: 'unreachable', reason: describeNetworkError(error, where, timeoutMs) }));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          let json: JsonValue;
          try {
            // Only an integer of 16+ digits can be beyond 2^53: other replies (monitor's hundreds of
            // figures, polled every few seconds) take the native parser, which is much cheaper.
            json = /\d{16}/.test(body) ? parseLosslessJson(body) : (JSON.parse(body) as JsonValue);
          } catch {
            finish({ kind: 'unreachable', reason: t("{0} answered HTTP {1} but not with ZooKeeper's JSON (is the AdminServer on another port?)", where, response.statusCode ?? '?') });
            return;
          }
          if (typeof json !== 'object' || json === null || Array.isArray(json) || !('command' in json)) {
            finish({ kind: 'unreachable', reason: t('{0} answered JSON without a "command" field: not a ZooKeeper AdminServer', where) });
            return;
          }
          // ZooKeeper reports a command's failure in "error", still with HTTP 200.
          const error = json.error;
          if (typeof error === 'string' && error) finish({ kind: 'error', reason: error, json });
          else if (response.statusCode !== undefined && response.statusCode >= 400) finish({ kind: 'error', reason: `HTTP ${response.statusCode}`, json });
          else finish({ kind: 'ok', json });
        });
      },
    );
    const timer = setTimeout(() => finish({ kind: 'unreachable', reason: describeNetworkError({ code: 'TIMEOUT' }, where, timeoutMs) }), timeoutMs);
    request.on('error', (error) => finish({ kind: 'unreachable', reason: describeNetworkError(error, where, timeoutMs) }));
  });
}

