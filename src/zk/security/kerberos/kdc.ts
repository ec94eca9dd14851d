import * as net from 'node:net';
import type { KdcAddress } from './krb5conf';

/**
 * Kerberos over TCP (RFC 4120 7.2.2): each message is preceded by its length as a 4-byte
 * big-endian integer, one request and one reply per connection. The KDCs of a realm are tried in
 * order; an unreachable one (refused, no answer within the timeout) moves on to the next.
 */

export interface KdcTimeouts {
  /** Per KDC: connecting. A hang guard, not a performance limit. */
  connectMs: number;
  /** Per KDC: from connected to the whole reply. */
  replyMs: number;
}

export const DEFAULT_TIMEOUTS: KdcTimeouts = { connectMs: 5_000, replyMs: 15_000 };

export class KdcTransportError extends Error {
  override readonly name = 'KdcTransportError';
  constructor(
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${address} ${reason}`);
  }
}

export const formatAddress = (address: KdcAddress): string => (address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`);

/** One request to one KDC; resolves with the reply message (without its length prefix). */
export function exchangeTcp(address: KdcAddress, request: Buffer, timeouts: KdcTimeouts = DEFAULT_TIMEOUTS): Promise<Buffer> {
  const where = formatAddress(address);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address.host, port: address.port });
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (error: KdcTransportError | undefined, reply?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply as Buffer);
    };
    let timer = setTimeout(() => finish(new KdcTransportError(where, `did not accept a connection within ${timeouts.connectMs / 1000} s`)), timeouts.connectMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(new KdcTransportError(where, `did not answer within ${timeouts.replyMs / 1000} s`)), timeouts.replyMs);
      const prefix = Buffer.alloc(4);
      prefix.writeUInt32BE(request.length, 0);
      socket.write(Buffer.concat([prefix, request]));
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < 4) return;
      const all = Buffer.concat(chunks);
      const length = all.readUInt32BE(0);
      if (length & 0x80000000) {
        finish(new KdcTransportError(where, 'answered with a reserved length bit (not a KDC?)'));
        return;
      }
      if (all.length >= 4 + length) finish(undefined, all.subarray(4, 4 + length));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      finish(new KdcTransportError(where, error.code === 'ECONNREFUSED' ? 'refused the connection' : error.code === 'ENOTFOUND' ? 'is an unknown host name' : `failed (${error.code ?? error.message})`));
    });
    socket.once('close', () => finish(new KdcTransportError(where, 'closed the connection without an answer')));
  });
}

/**
 * Sends `request` to each KDC in turn until one answers. Resolves with the reply and the KDC that
 * gave it; rejects with every attempt's reason when none did.
 */
export async function sendToKdcs(addresses: KdcAddress[], request: Buffer, timeouts: KdcTimeouts = DEFAULT_TIMEOUTS): Promise<{ reply: Buffer; kdc: string }> {
  const failures: KdcTransportError[] = [];
  for (const address of addresses) {
    try {
      return { reply: await exchangeTcp(address, request, timeouts), kdc: formatAddress(address) };
    } catch (error) {
      if (!(error instanceof KdcTransportError)) throw error;
      failures.push(error);
    }
  }
  throw new AggregateKdcError(failures);
}

export class AggregateKdcError extends Error {
  override readonly name = 'AggregateKdcError';
  constructor(readonly failures: KdcTransportError[]) {
    super(failures.map((failure) => failure.message).join('; '));
  }
}
