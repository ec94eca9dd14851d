// A TCP proxy that makes network faults on purpose, between a client and a real server: latency, a
// half-open connection (bytes silently dropped), resets, a server that refuses connections, timed
// partitions and a move to another server. Tests produce a fault by calling a method, never by
// winning a race. Only node:net, so it runs in plain Node (unit tier) and in the extension host.
import * as net from 'node:net';

export type ProxyMode = 'pass' | 'blackhole' | 'refuse';

export interface FaultProxy {
  readonly port: number;
  /** "127.0.0.1:<port>": give this to a client instead of the server's address. */
  readonly connectString: string;
  /** How many client connections were accepted so far. */
  readonly accepted: number;
  /** The current mode. */
  readonly mode: ProxyMode;
  /** How many client connections are open now. */
  readonly open: number;
  /** Every byte clients sent through the proxy so far, all connections in order (for "was X ever sent?"). */
  clientBytes(): Buffer;
  /** Forward normally (the default). */
  pass(): void;
  /** Add `ms` latency to every chunk in both directions (0 removes it). */
  delay(ms: number): void;
  /** Half-open: sockets stay open, every byte in both directions is silently dropped; new connections too. */
  blackHole(): void;
  /** Destroy every current connection with a TCP RST (new ones are accepted again). */
  reset(): void;
  /** New connections are closed at once (a server that is down); current ones are reset. */
  refuse(): void;
  /** Black-hole for `ms`, then pass again; resolves when the partition has ended. */
  partition(ms: number): Promise<void>;
  /** Forward new connections to another "host:port". */
  retarget(target: string): void;
  /**
   * Calls `listener` with every chunk a client sends, before the proxy forwards or drops it, with
   * the number of its connection (1 for the first accepted): a listener that calls blackHole() drops
   * that very chunk. For faults at an exact point of a conversation ("once the 20th delete is sent").
   */
  onClientData(listener: (chunk: Buffer, connection: number) => void): { dispose(): void };
  /**
   * How many ZooKeeper requests with this opcode (src/zk/wire/protocol.ts OpCode) clients have sent
   * so far, on all connections, counting from each connection's first byte (the chunk an
   * onClientData listener is given is included).
   */
  requestsSent(opcode: number): number;
  /**
   * Passes every chunk the server sends through `rewrite` before it is forwarded (undefined: as it
   * is), with the number of its connection: a reply corrupted on purpose ("the vector count of the
   * next getChildren reply").
   */
  rewriteServerData(rewrite: ((chunk: Buffer, connection: number) => Buffer) | undefined): void;
  /**
   * From now on (connections accepted later), forwards every request with `opcode` to the server as
   * `asOpcode`. Renamed to an opcode the server does not know, the REAL server answers it with its own
   * UNIMPLEMENTED reply, as a server older than the operation does (whoAmI before 3.7, say).
   */
  renameRequests(opcode: number, asOpcode: number): void;
  close(): Promise<void>;
}

/** How many ZooKeeper requests with `opcode` one connection's bytes hold (frames: a 4-byte length; every frame but the first, the ConnectRequest, starts with xid and opcode). */
function countRequests(stream: Buffer, opcode: number): number {
  let count = 0;
  let first = true;
  for (let at = 0; at + 4 <= stream.length; ) {
    const size = stream.readInt32BE(at);
    if (at + 4 + size > stream.length) break;
    if (!first && size >= 8 && stream.readInt32BE(at + 8) === opcode) count++;
    first = false;
    at += 4 + size;
  }
  return count;
}

/**
 * Renames request opcodes in one connection's client-to-server bytes, frame by frame across chunks
 * (a 4-byte length; every frame but the first, the ConnectRequest, starts with xid and opcode). A frame
 * start whose opcode has not fully arrived is held back until it has, so a rename never misses a split one.
 */
class RequestRenamer {
  private first = true;
  /** Bytes of the current frame still to pass before the next frame starts. */
  private skip = 0;
  private held: Buffer = Buffer.alloc(0);

  constructor(private readonly renames: ReadonlyMap<number, number>) {}

  /** The bytes to forward now for `chunk` (a copy with renamed opcodes, minus a held-back frame start). */
  apply(chunk: Buffer): Buffer {
    const data = Buffer.concat([this.held, chunk]);
    for (let at = 0; at < data.length; ) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      if (data.length - at < 4) return this.hold(data, at);
      const size = data.readInt32BE(at);
      if (!this.first && size >= 8) {
        if (data.length - at < 12) return this.hold(data, at);
        const renamed = this.renames.get(data.readInt32BE(at + 8));
        if (renamed !== undefined) data.writeInt32BE(renamed, at + 8);
      }
      this.first = false;
      this.skip = size;
      at += 4;
    }
    this.held = Buffer.alloc(0);
    return data;
  }

  private hold(data: Buffer, at: number): Buffer {
    this.held = Buffer.from(data.subarray(at));
    return data.subarray(0, at);
  }
}

/** One direction of one connection: chunks wait here until their delay has passed, in order. */
class Pipe {
  private readonly queue: { due: number; chunk: Buffer | null }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly to: net.Socket) {}

  /** `null` ends the stream (after the chunks before it). */
  push(chunk: Buffer | null, delayMs: number): void {
    if (delayMs <= 0 && this.queue.length === 0) {
      this.write(chunk);
      return;
    }
    // A chunk never overtakes an earlier one, even when the delay was lowered in between.
    const last = this.queue.length > 0 ? this.queue[this.queue.length - 1].due : 0;
    this.queue.push({ due: Math.max(Date.now() + delayMs, last), chunk });
    this.schedule();
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      while (this.queue.length > 0 && this.queue[0].due <= now) this.write(this.queue.shift()!.chunk);
      this.schedule();
    }, Math.max(0, this.queue[0].due - Date.now()));
  }

  private write(chunk: Buffer | null): void {
    if (this.to.destroyed) return;
    if (chunk === null) this.to.end();
    else this.to.write(chunk);
  }
}

interface Link {
  client: net.Socket;
  upstream: net.Socket;
  toServer: Pipe;
  toClient: Pipe;
  /**
   * Set once a byte of this connection was dropped. Its stream has a hole that no later byte can
   * mend (the peer would read the rest of one frame as the start of the next), so, like a real
   * half-open connection, it stays silent for good after the black hole ends: only the client's
   * own timeout gets it out, which is exactly what the tests want to see working.
   */
  broken: boolean;
}

function parseTarget(target: string): { host: string; port: number } {
  const colon = target.lastIndexOf(':');
  const port = Number(target.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`fault proxy: "${target}" is not host:port`);
  return { host: target.slice(0, colon).replace(/^\[|\]$/g, ''), port };
}

/** Kills a socket with a TCP RST where Node can (18.3+), else closes it. */
function rst(socket: net.Socket): void {
  if (socket.destroyed) return;
  if (typeof socket.resetAndDestroy === 'function' && !socket.connecting) socket.resetAndDestroy();
  else socket.destroy();
}

/** Starts a proxy on 127.0.0.1 (a free port) forwarding to `target` ("host:port"); mode 'pass'. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let destination = parseTarget(target);
  let mode: ProxyMode = 'pass';
  let latency = 0;
  let accepted = 0;
  let closed = false;
  const received: Buffer[] = [];
  /** The same bytes, per connection. */
  const streams: Buffer[][] = [];
  const dataListeners = new Set<(chunk: Buffer, connection: number) => void>();
  let serverRewrite: ((chunk: Buffer, connection: number) => Buffer) | undefined;
  const renames = new Map<number, number>();
  const links = new Set<Link>();
  /** Running partitions: their timers and how to end them early (close()). */
  const partitions = new Map<NodeJS.Timeout, () => void>();

  const drop = (link: Link): void => {
    links.delete(link);
    link.toServer.clear();
    link.toClient.clear();
    rst(link.client);
    rst(link.upstream);
  };

  const server = net.createServer((client) => {
    const number = ++accepted;
    const stream: Buffer[] = [];
    streams.push(stream);
    client.on('error', () => undefined);
    if (mode === 'refuse' || closed) {
      rst(client);
      return;
    }
    const upstream = net.connect(destination);
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    upstream.on('error', () => undefined);
    const link: Link = { client, upstream, toServer: new Pipe(upstream), toClient: new Pipe(client), broken: mode === 'blackhole' };
    links.add(link);
    const renamer = renames.size > 0 ? new RequestRenamer(new Map(renames)) : undefined;
    client.on('data', (chunk: Buffer) => {
      received.push(Buffer.from(chunk));
      stream.push(Buffer.from(chunk));
      for (const listener of [...dataListeners]) listener(chunk, number);
      if (mode === 'blackhole' || link.broken) link.broken = true;
      else {
        const forward = renamer ? renamer.apply(chunk) : chunk;
        if (forward.length > 0) link.toServer.push(forward, latency);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (mode === 'blackhole' || link.broken) link.broken = true;
      else link.toClient.push(serverRewrite ? serverRewrite(chunk, number) : chunk, latency);
    });
    // An orderly close is passed on (after the delayed data); a black hole swallows it too.
    client.on('end', () => (link.broken ? undefined : link.toServer.push(null, latency)));
    upstream.on('end', () => (link.broken ? undefined : link.toClient.push(null, latency)));
    // A failed or reset side resets the other, as a server going away would. Across a black hole
    // nothing is passed on, not even a close: the other side stays open and hears nothing.
    const onClose = (other: net.Socket, otherEnded: () => boolean): void => {
      if (!links.has(link)) return;
      if (link.broken) {
        if (other.destroyed) links.delete(link);
      } else if (otherEnded()) links.delete(link);
      else drop(link);
    };
    client.on('close', () => onClose(upstream, () => !upstream.destroyed && upstream.writableEnded));
    upstream.on('close', () => onClose(client, () => !client.destroyed && client.writableEnded));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;

  const proxy: FaultProxy = {
    port,
    connectString: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    get mode() {
      return mode;
    },
    get open() {
      return links.size;
    },
    clientBytes: () => Buffer.concat(received),
    rewriteServerData(rewrite) {
      serverRewrite = rewrite;
    },
    pass() {
      mode = 'pass';
    },
    delay(ms: number) {
      if (!(ms >= 0)) throw new Error(`fault proxy: delay must be 0 or more, got ${ms}`);
      latency = ms;
    },
    blackHole() {
      mode = 'blackhole';
    },
    reset() {
      for (const link of [...links]) drop(link);
    },
    refuse() {
      mode = 'refuse';
      for (const link of [...links]) drop(link);
    },
    partition(ms: number) {
      mode = 'blackhole';
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          partitions.delete(timer);
          if (mode === 'blackhole') mode = 'pass';
          resolve();
        }, ms);
        partitions.set(timer, resolve);
      });
    },
    retarget(next: string) {
      destination = parseTarget(next);
    },
    requestsSent: (opcode: number) => streams.reduce((sum, stream) => sum + countRequests(Buffer.concat(stream), opcode), 0),
    renameRequests(opcode: number, asOpcode: number) {
      renames.set(opcode, asOpcode);
    },
    onClientData(listener) {
      dataListeners.add(listener);
      return { dispose: () => dataListeners.delete(listener) };
    },
    async close() {
      if (closed) return;
      dataListeners.clear();
      closed = true;
      for (const [timer, resolve] of partitions) {
        clearTimeout(timer);
        resolve();
      }
      partitions.clear();
      for (const link of [...links]) drop(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
