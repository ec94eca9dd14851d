import * as net from 'node:net';

export interface ServerEndpoint {
  host: string;
  port: number;
}

/**
 * Opens the socket to one server of the ensemble. The connection layer only ever talks to this
 * seam, so a TLS socket (tls.connect with CA, client certificate and host name check) can be
 * plugged in without touching the protocol code: it then names 'secureConnect' as its ready event.
 */
export interface Transport {
  readonly name: string;
  open(server: ServerEndpoint): { socket: net.Socket; readyEvent: 'connect' | 'secureConnect' };
}

export const plainTcp: Transport = {
  name: 'tcp',
  open: (server) => ({ socket: net.connect({ host: server.host, port: server.port }), readyEvent: 'connect' }),
};
