import * as net from 'node:net';

export interface ServerEndpoint {
  host: string;
  port: number;
}

/**
 * Opens the socket to one server of the ensemble. The connection layer only ever talks to this
 * seam, so TLS (src/zk/security/tls.ts) plugs in without touching the protocol code. `readyEvent`
 * is the socket event after which the ZooKeeper handshake may be written: 'connect' for plain TCP,
 * 'verified' for TLS (emitted once the server's certificate has passed our own checks).
 * A socket the transport gives up on is destroyed with a `TransportProblem`.
 */
export interface Transport {
  readonly name: 'tcp' | 'tls';
  open(server: ServerEndpoint): { socket: net.Socket; readyEvent: 'connect' | 'verified' };
  /** A socket error as a sentence, when the transport knows what it means (a TLS alert from the server). */
  explain?(error: Error, server: ServerEndpoint): TransportProblem | undefined;
}

/**
 * A failure no retry can fix (an untrusted certificate, a host name the certificate does not name,
 * a missing client certificate): its message is the sentence for the user, and ZkClient.connect
 * gives up on the first one instead of timing out.
 */
export class TransportProblem extends Error {
  readonly fatal = true;
  constructor(
    message: string,
    readonly kind: string,
    /** host:port of the server it concerns. */
    readonly server?: string,
  ) {
    super(message);
    this.name = 'TransportProblem';
  }
}

export function isTransportProblem(error: unknown): error is TransportProblem {
  return error instanceof Error && (error as Partial<TransportProblem>).fatal === true && typeof (error as Partial<TransportProblem>).kind === 'string';
}

export const plainTcp: Transport = {
  name: 'tcp',
  open: (server) => ({ socket: net.connect({ host: server.host, port: server.port }), readyEvent: 'connect' }),
};
