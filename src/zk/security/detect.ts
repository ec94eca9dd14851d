import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ServerEndpoint } from '../wire/transport';

/**
 * Probes that tell a wrong port kind from a dead server: ZooKeeper's TLS port closes a plain-text
 * client without a byte, and its plain port does the same to a TLS client (the ClientHello reads
 * as an impossible length), so without them both mistakes would look like a server that never
 * answers. Each resolves false on any error and after `timeoutMs`, never hangs.
 */
function probe(open: () => net.Socket, readyEvent: string, onReady: (socket: net.Socket, done: (result: boolean) => void) => void, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = open();
    let settled = false;
    const done = (result: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once(readyEvent, () => onReady(socket, done));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/** True when the server completes a TLS handshake on this port (its certificate is not judged here). */
export function speaksTls(server: ServerEndpoint, timeoutMs = 3000): Promise<boolean> {
  return probe(
    () => tls.connect({ host: server.host, port: server.port, rejectUnauthorized: false }),
    'secureConnect',
    (_socket, done) => done(true),
    timeoutMs,
  );
}

/**
 * True when the port answers a four-letter word in plain text: ZooKeeper answers `srvr` with its
 * status, or, when the word is not whitelisted, with a sentence saying so — either way, plain text.
 */
export function answersPlainText(server: ServerEndpoint, timeoutMs = 3000): Promise<boolean> {
  return probe(
    () => net.connect({ host: server.host, port: server.port }),
    'connect',
    (socket, done) => {
      socket.once('data', (chunk: Buffer) => done(chunk.length > 0 && chunk[0] !== 0x15 && chunk[0] !== 0x16));
      socket.write('srvr');
    },
    timeoutMs,
  );
}
