import type * as net from 'node:net';
import type { Client, ConnectionManager, NzcEvent, Packet, WireRequest } from 'node-zookeeper-client';
import { Emitter } from '../events';
import { JuteReader, JuteWriter } from './jute';
import { EventType, OpCode } from './protocol';
import { readWatcherEvent, type WatcherEvent } from './records';
import { isTransportProblem, plainTcp, type ServerEndpoint, type Transport } from './transport';

/** node-zookeeper-client's ConnectionManager states. */
export const WireState = {
  disconnected: 0,
  connecting: 1,
  connected: 2,
  connectedReadOnly: 3,
  closing: -1,
  closed: -2,
  sessionExpired: -3,
  authFailed: -4,
} as const;

const XID_NOTIFICATION = -1;
const CONNECTION_LOSS = -4;
/** Codes node-zookeeper-client's Exception.create knows; any other code would make it throw inside the socket handler. */
const NZC_KNOWN_CODES = new Set([0, -1, -2, -3, -4, -5, -6, -7, -8, -100, -101, -102, -103, -108, -110, -111, -112, -113, -114, -115]);

export interface WireReply {
  /** 0 on success, else the KeeperException code. */
  err: number;
  body?: JuteReader;
}

export type WireCallback = (reply: WireReply) => void;

interface OwnRequest extends WireRequest {
  own: true;
  reply: WireCallback;
}

export interface WireOptions {
  connectString: string;
  sessionTimeoutMs: number;
  spinDelayMs?: number;
  transport?: Transport;
  sessionId?: Buffer;
  sessionPassword?: Buffer;
  /** The parsed hosts; node-zookeeper-client's own parser cannot read IPv6 addresses. */
  servers?: ServerEndpoint[];
  /**
   * A fresh SASL session for every new TCP connection (see WireConnection's SASL handshake), made
   * for the server about to be connected to. It may be asynchronous (Kerberos gets its service
   * ticket, from the KDC if need be): it is awaited BEFORE the socket opens, so the server never
   * waits on the KDC. A rejection is a login that cannot happen: the authFailed state with its
   * message (a sentence), no reconnect.
   */
  sasl?: (server: ServerEndpoint) => WireSaslSession | Promise<WireSaslSession>;
}

const AUTHFAILED = -115;

/**
 * A SASL session as the wire drives it, one per TCP connection. DIGEST-MD5 and the pure-TypeScript
 * Kerberos provider answer at once; a provider over a native library answers later (a Promise):
 * the exchange waits for it, and nothing else is sent meanwhile.
 */
export interface WireSaslSession {
  initial(): Buffer | Promise<Buffer>;
  step(challenge: Buffer): Buffer | undefined | Promise<Buffer | undefined>;
  readonly complete: boolean;
}

/** A SASL exchange in progress on one socket: the ConnectResponse waits until it is done. */
interface SaslExchange {
  socket: net.Socket;
  session: WireSaslSession;
  connectResponse: Buffer;
  xid: number;
  /** The server has been sent our proof of the password: a close from now on means it refused it. */
  answered: boolean;
}

/**
 * node-zookeeper-client, required on the first connection, not when this module loads: the extension
 * activates without it (scripts/build.mjs puts the library in a bundle of its own, dist/zkClientLibrary.js).
 * Exported so that the extension can load it before a connect and name a failure (src/extension/lazy.ts).
 */
export function loadWireLibrary(): typeof import('node-zookeeper-client') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('node-zookeeper-client') as typeof import('node-zookeeper-client');
}

/**
 * node-zookeeper-client's connection, extended with what it lacks: any request type (the reply is
 * decoded by the caller), notifications of persistent watches, a pluggable transport, and a close
 * that always releases the socket and timers. The wire client stays the pinned 1.1.3; this class
 * wraps instance methods of its ConnectionManager and never changes the package's files.
 */
export class WireConnection {
  readonly client: Client;
  private readonly cm: ConnectionManager;
  private readonly transport: Transport;
  /** Received bytes not yet split into frames. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  private shutDown = false;
  private readonly sasl: WireOptions['sasl'];
  private saslExchange: SaslExchange | undefined;
  /** The session made for the socket being opened, used when its ConnectResponse arrives. */
  private pendingSasl: { socket: net.Socket; session: WireSaslSession } | undefined;
  /** Why the server refused this client's SASL login (set with the authFailed state); never holds a secret. */
  saslFailure: string | undefined;
  /** The error that stopped the login on this side (a KerberosError, say) when there was one: its message is the sentence to show. */
  saslError: Error | undefined;
  /** The last socket error, for messages like "connect ECONNREFUSED 127.0.0.1:2181". */
  lastSocketError: string | undefined;
  private readonly stateEmitter = new Emitter<number>();
  private readonly notificationEmitter = new Emitter<WatcherEvent>();
  private readonly socketErrorEmitter = new Emitter<NodeJS.ErrnoException>();
  private readonly silentCloseEmitter = new Emitter<ServerEndpoint>();
  /** Socket errors (connection refused, host unreachable, …) while connecting or connected; TransportProblems among them. */
  readonly onSocketError = this.socketErrorEmitter.event;
  /**
   * A server closed the connection during the handshake without sending a single byte: what a TLS
   * port does with a plain-text client and a plain port with a TLS client (ZkClient probes which).
   */
  readonly onSilentClose = this.silentCloseEmitter.event;
  readonly onState = this.stateEmitter.event;
  /** Every watch notification (one-shot and persistent), with the chroot already removed from its path. */
  readonly onNotification = this.notificationEmitter.event;

  constructor(options: WireOptions) {
    this.transport = options.transport ?? plainTcp;
    this.sasl = options.sasl;
    const { createClient } = loadWireLibrary();
    this.client = createClient(options.connectString, {
      sessionTimeout: options.sessionTimeoutMs,
      spinDelay: options.spinDelayMs ?? 1000,
      retries: 0,
      sessionId: options.sessionId,
      sessionPassword: options.sessionPassword,
    });
    this.cm = this.client.connectionManager;
    if (options.servers?.length) {
      this.cm.servers = [...options.servers].sort(() => Math.random() - 0.5);
      this.cm.updateTimeout(options.sessionTimeoutMs);
    }
    const originalOnSocketData = this.cm.onSocketData.bind(this.cm);
    const originalOnSocketClosed = this.cm.onSocketClosed.bind(this.cm);
    this.cm.onSocketData = (chunk) => this.onSocketData(chunk, originalOnSocketData);
    this.cm.onSocketClosed = (hadError) => {
      if (this.shutDown) {
        this.failQueued();
        this.cm.setState(WireState.closed);
      } else {
        originalOnSocketClosed(hadError);
      }
    };
    this.cm.connect = () => this.connectSocket();
    this.cm.on('state', (state: number) => this.stateEmitter.fire(state));
  }

  get state(): number {
    return this.cm.state;
  }

  get chroot(): string | undefined {
    return this.cm.chrootPath;
  }

  get sessionId(): bigint {
    return this.client.getSessionId().readBigInt64BE(0);
  }

  get sessionPassword(): Buffer {
    return this.client.getSessionPassword();
  }

  get negotiatedTimeoutMs(): number {
    return this.client.getSessionTimeout();
  }

  get transportName(): string {
    return this.transport.name;
  }

  /** The server the socket currently talks to, as host:port. */
  get remoteAddress(): string | undefined {
    const socket = this.cm.socket;
    return socket?.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : undefined;
  }

  /** This end's address (no port): the id ZooKeeper's ip scheme gives the session. */
  get localAddress(): string | undefined {
    return this.cm.socket?.localAddress ?? undefined;
  }

  connect(): void {
    this.client.connect();
  }

  addAuth(scheme: string, auth: Buffer): void {
    this.client.addAuthInfo(scheme, auth);
  }

  /**
   * Queues a request. Requests are pipelined: nothing waits for an earlier reply. While the
   * connection is down they wait in node-zookeeper-client's queue and are sent on reconnect.
   */
  send(opcode: number, body: JuteWriter | null, callback: WireCallback): void {
    let done = false;
    const reply = (result: WireReply): void => {
      if (done) return;
      done = true;
      callback(result);
    };
    const request: OwnRequest = {
      own: true,
      reply,
      header: { xid: 0, type: opcode },
      // Paths in the body already carry the chroot (see withChroot).
      payload: body ? { setChrootPath: () => undefined } : null,
      toBuffer: () => {
        const payload = body ? body.toBuffer() : Buffer.alloc(0);
        const frame = Buffer.alloc(12 + payload.length);
        frame.writeInt32BE(8 + payload.length, 0);
        frame.writeInt32BE(request.header!.xid, 4);
        frame.writeInt32BE(opcode, 8);
        payload.copy(frame, 12);
        return frame;
      },
    };
    // node-zookeeper-client calls this callback only for errors it raises itself (connection
    // loss, expiry, closed); replies from the server are dispatched in onFrame.
    this.cm.queue(request, (error) => reply({ err: error ? error.code : CONNECTION_LOSS }));
  }

  /** The path as the server sees it. */
  withChroot(path: string): string {
    const chroot = this.cm.chrootPath;
    if (!chroot) return path;
    return path === '/' ? chroot : chroot + path;
  }

  /** The path as the user sees it. */
  withoutChroot(path: string): string {
    const chroot = this.cm.chrootPath;
    if (!chroot || !path.startsWith(chroot)) return path;
    const rest = path.slice(chroot.length);
    return rest === '' ? '/' : rest.startsWith('/') ? rest : path;
  }

  registerWatcher(kind: 'data' | 'child' | 'exists', path: string, watcher: (event: NzcEvent) => void): void {
    if (kind === 'data') this.cm.registerDataWatcher(path, watcher);
    else if (kind === 'child') this.cm.registerChildWatcher(path, watcher);
    else this.cm.registerExistenceWatcher(path, watcher);
  }

  /**
   * Calls this path's one-shot children watchers with a children-changed event and forgets them, as
   * the server's event would: for when the server dropped their watch without telling (see ZkClient).
   */
  releaseChildWatchers(path: string): void {
    this.cm.watcherManager.emit({ type: EventType.nodeChildrenChanged, path });
  }

  /** Ends the session when possible, then releases the socket and every timer, whatever the state. */
  async close(graceMs = 2000): Promise<void> {
    if (this.shutDown) return;
    const connected = this.cm.state === WireState.connected || this.cm.state === WireState.connectedReadOnly;
    if (connected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        const sub = this.onState((state) => {
          if (state === WireState.closed || state === WireState.disconnected) {
            clearTimeout(timer);
            sub.dispose();
            resolve();
          }
        });
        this.client.close();
      });
    }
    this.shutDown = true;
    if (this.cm.connectTimeoutHandler) clearTimeout(this.cm.connectTimeoutHandler);
    this.cm.connectTimeoutHandler = null;
    const socket = this.cm.socket;
    if (socket && !socket.destroyed) socket.destroy();
    this.failQueued();
    this.cm.setState(WireState.closed);
    this.stateEmitter.dispose();
    this.notificationEmitter.dispose();
    this.socketErrorEmitter.dispose();
    this.silentCloseEmitter.dispose();
  }

  private failQueued(): void {
    this.cm.cleanupPendingQueue(CONNECTION_LOSS);
    let packet: Packet | undefined;
    while ((packet = this.cm.packetQueue.shift()) !== undefined) {
      packet.callback?.({ code: CONNECTION_LOSS });
    }
  }

  private connectSocket(): void {
    if (this.shutDown) return;
    const cm = this.cm;
    cm.setState(WireState.connecting);
    cm.findNextServer((server) => {
      if (this.shutDown) return;
      const endpoint = { host: server.host, port: Number(server.port) };
      if (!this.sasl) {
        this.openSocket(endpoint);
        return;
      }
      // The SASL session (a Kerberos ticket, maybe from the KDC) first, then the socket: a session
      // of its own for every TCP connection, reconnects included (SASL is per connection).
      let made: WireSaslSession | Promise<WireSaslSession>;
      try {
        made = this.sasl(endpoint);
      } catch (error) {
        this.failSaslBeforeConnect(error);
        return;
      }
      Promise.resolve(made).then(
        (session) => {
          if (this.shutDown || cm.state !== WireState.connecting) return;
          const socket = this.openSocket(endpoint);
          this.pendingSasl = { socket, session };
        },
        (error: unknown) => {
          if (!this.shutDown) this.failSaslBeforeConnect(error);
        },
      );
    });
  }

  /** Opens the transport to `endpoint` as the connection's socket and wires its events. */
  private openSocket(endpoint: ServerEndpoint): net.Socket {
    const cm = this.cm;
    this.chunks = [];
    this.buffered = 0;
    const { socket, readyEvent } = this.transport.open(endpoint);
    cm.socket = socket;
    cm.connectTimeoutHandler = setTimeout(() => cm.onSocketConnectTimeout(), cm.connectTimeout);
    socket.setNoDelay(true);
    socket.on(readyEvent, () => {
      const before = new Set(cm.packetQueue.queue);
      cm.onSocketConnected();
      // onSocketConnected queues the handshake's auth and SetWatches packets, sent only once the
      // session is established. When this socket closes before that, they would stay queued and go
      // out with the next attempt's own copies: a SetWatches sent twice makes the server send every
      // watch event since the last zxid twice. Drop what this attempt queued and never sent.
      const handshake = cm.packetQueue.queue.filter((packet) => !before.has(packet));
      if (handshake.length > 0) {
        socket.once('close', () => {
          const unsent = new Set(handshake);
          cm.packetQueue.queue = cm.packetQueue.queue.filter((packet) => !unsent.has(packet));
        });
      }
      // A server that accepts but never answers the handshake (one still starting, say) would
      // otherwise hold this attempt forever: give up on it after the connect timeout and try again.
      const handshakeTimer = setTimeout(() => {
        if (cm.socket === socket && cm.state === WireState.connecting) socket.destroy();
      }, cm.connectTimeout);
      socket.once('close', () => clearTimeout(handshakeTimer));
      const sub = this.onState((state) => {
        if (state !== WireState.connecting) {
          clearTimeout(handshakeTimer);
          sub.dispose();
        }
      });
    });
    // node-zookeeper-client only pings; it never notices that nothing comes back (its socket idle
    // timer is reset by its own pings). A half-open connection (a dead peer, a partition that drops
    // packets) would hold the client "connected" forever while the server expires the session.
    // As ZooKeeper's Java client does, give the connection up after 2/3 of the negotiated session
    // timeout without a byte from the server: pings go out every 1/3, so a live server has
    // answered twice by then, and there is time left to reconnect before the session expires.
    let silence: NodeJS.Timeout | undefined;
    const stopSilence = (): void => {
      if (silence) clearTimeout(silence);
      silence = undefined;
    };
    const silenceSub = this.onState((state) => {
      if ((state === WireState.connected || state === WireState.connectedReadOnly) && cm.socket === socket && !silence) {
        const readTimeoutMs = Math.max(1, Math.floor((cm.sessionTimeout * 2) / 3));
        const giveUp = (): void => {
          if (cm.socket !== socket || socket.destroyed) return;
          // Timers run before pending socket reads: after the event loop stalled (a busy machine),
          // the server's reply may already be buffered. Decide only after the poll phase has read it.
          const bytesBefore = socket.bytesRead;
          setImmediate(() => {
            if (cm.socket !== socket || socket.destroyed) return;
            if (socket.bytesRead !== bytesBefore) {
              silence?.refresh();
              return;
            }
            this.lastSocketError = `no reply from the server for ${readTimeoutMs} ms`;
            socket.destroy();
          });
        };
        silence = setTimeout(giveUp, readTimeoutMs);
      }
    });
    socket.once('close', () => {
      stopSilence();
      silenceSub.dispose();
    });
    socket.on('data', (data: Buffer) => {
      silence?.refresh();
      cm.onSocketData(data);
    });
    socket.on('drain', () => cm.onSocketDrain());
    let problem = false;
    socket.on('close', (hadError: boolean) => {
      if (this.saslExchange?.socket === socket) {
        const { answered } = this.saslExchange;
        this.saslExchange = undefined;
        // The server closes the connection on a login it refuses: that is an answer, not a network fault to retry.
        if (answered && cm.state === WireState.connecting && !this.shutDown) this.failSasl('the server closed the connection after the password was sent');
      }
      const silent = socket.bytesRead === 0 && !problem && cm.state === WireState.connecting && !this.shutDown;
      // A socket replaced by a newer one must not tear down its successor's state.
      if (cm.socket === socket) cm.onSocketClosed(hadError);
      if (silent) this.silentCloseEmitter.fire(endpoint);
    });
    socket.on('error', (raw: Error) => {
      const error = isTransportProblem(raw) ? raw : (this.transport.explain?.(raw, endpoint) ?? raw);
      problem ||= isTransportProblem(error);
      this.lastSocketError = error.message;
      this.socketErrorEmitter.fire(error);
      cm.onSocketError(error);
    });
    return socket;
  }

  /** The SASL session could not be made (no ticket, KDC unreachable, …): authFailed with its sentence, no socket, no retry. */
  private failSaslBeforeConnect(error: unknown): void {
    this.saslError = error instanceof Error ? error : new Error(String(error));
    this.failSasl(this.saslError.message);
  }

  /**
   * Splits the stream into frames; frames this class owns are handled here, the rest go to
   * node-zookeeper-client. Chunks of a large reply are kept until the frame is complete and joined
   * once, instead of being copied again with every chunk.
   */
  private onSocketData(chunk: Buffer, original: (frame: Buffer) => void): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 4) return;
      if (this.chunks[0].length < 4) this.joinChunks();
      const size = this.chunks[0].readInt32BE(0);
      if (this.buffered < size + 4) return;
      if (this.chunks[0].length < size + 4) this.joinChunks();
      const head = this.chunks[0];
      const frame = head.subarray(0, size + 4);
      const rest = head.subarray(size + 4);
      if (rest.length > 0) this.chunks[0] = rest;
      else this.chunks.shift();
      this.buffered -= size + 4;
      if (!this.onSaslFrame(frame, original) && !this.onFrame(frame)) original(frame);
      if (this.cm.socket?.destroyed) return;
    }
  }

  /**
   * SASL on every new TCP connection, before anything else: the server's ConnectResponse is held
   * back from node-zookeeper-client (which would then send the auth packets, SetWatches and every
   * queued request) until the SetSASL exchange (opcode 102, normal xids) has succeeded. A refused
   * login ends in the authFailed state, which node-zookeeper-client never retries: one clear
   * error instead of a reconnect loop. Returns true when the frame was handled here.
   */
  private onSaslFrame(frame: Buffer, original: (frame: Buffer) => void): boolean {
    const socket = this.cm.socket;
    const exchange = this.saslExchange;
    if (!exchange) {
      if (!this.sasl || this.cm.state !== WireState.connecting || !socket) return false;
      // ConnectResponse: protocolVersion, timeOut, … A timeOut of 0 means the session expired: let it through.
      if (frame.length < 12 || frame.readInt32BE(8) <= 0) return false;
      const pending = this.pendingSasl;
      this.pendingSasl = undefined;
      if (pending?.socket !== socket) {
        this.failSasl('no SASL session was made for this connection');
        return true;
      }
      const session = pending.session;
      const started: SaslExchange = { socket, session, connectResponse: Buffer.from(frame), xid: 0, answered: false };
      this.saslExchange = started;
      this.settleSasl(started, () => session.initial(), (initial) => this.sendSasl(started, initial));
      return true;
    }
    if (exchange.socket !== socket) return false;
    const reader = new JuteReader(frame, 4);
    const xid = reader.int();
    reader.long();
    const err = reader.int();
    if (xid !== exchange.xid) {
      this.saslExchange = undefined;
      this.failSasl(`the server answered request ${xid} during the SASL exchange`);
      return true;
    }
    if (err !== 0) {
      this.saslExchange = undefined;
      this.failSasl(err === AUTHFAILED ? 'the server refused the login' : `the server answered error ${err}`);
      return true;
    }
    const challenge = Buffer.from(reader.buffer_() ?? Buffer.alloc(0));
    this.settleSasl(
      exchange,
      () => exchange.session.step(challenge),
      (next) => {
        if (next) {
          exchange.answered = true;
          this.sendSasl(exchange, next);
          return;
        }
        this.saslExchange = undefined;
        if (exchange.session.complete) original(exchange.connectResponse);
        else this.failSasl('the SASL exchange ended before it was complete');
      },
    );
    return true;
  }

  /**
   * Runs one step of the session and hands its result to `use`, at once or when its Promise
   * settles; a result that comes after the exchange was replaced (the socket closed meanwhile) is
   * dropped. A failure ends the login: authFailed with the error's sentence.
   */
  private settleSasl<T>(exchange: SaslExchange, produce: () => T | Promise<T>, use: (value: T) => void): void {
    const fail = (error: unknown): void => {
      if (this.saslExchange !== exchange) return;
      this.saslExchange = undefined;
      this.failSaslBeforeConnect(error);
    };
    let result: T | Promise<T>;
    try {
      result = produce();
    } catch (error) {
      fail(error);
      return;
    }
    if (!(result instanceof Promise)) {
      use(result);
      return;
    }
    result.then((value) => {
      if (this.saslExchange === exchange && this.cm.socket === exchange.socket && !exchange.socket.destroyed) use(value);
    }, fail);
  }

  private sendSasl(exchange: SaslExchange, token: Buffer): void {
    exchange.xid = this.cm.xid++;
    const body = new JuteWriter().buffer_(token).toBuffer();
    const frame = Buffer.alloc(12 + body.length);
    frame.writeInt32BE(8 + body.length, 0);
    frame.writeInt32BE(exchange.xid, 4);
    frame.writeInt32BE(OpCode.sasl, 8);
    body.copy(frame, 12);
    exchange.socket.write(frame);
  }

  private failSasl(reason: string): void {
    this.saslFailure = reason;
    this.cm.setState(WireState.authFailed);
    const socket = this.cm.socket;
    if (socket && !socket.destroyed) socket.destroy();
  }

  private joinChunks(): void {
    this.chunks = [Buffer.concat(this.chunks, this.buffered)];
  }

  /** Returns true when the frame was fully handled here. */
  private onFrame(frame: Buffer): boolean {
    if (this.cm.state === WireState.connecting) return false; // the ConnectResponse
    const reader = new JuteReader(frame, 4);
    const xid = reader.int();
    const zxid = frame.subarray(8, 16);
    reader.long();
    const err = reader.int();
    if (xid === XID_NOTIFICATION) {
      const event = readWatcherEvent(reader);
      event.path = this.withoutChroot(event.path);
      this.notificationEmitter.fire(event);
      // node-zookeeper-client throws on event types it does not know (watch-removed events).
      return !(event.type >= EventType.nodeCreated && event.type <= EventType.nodeChildrenChanged);
    }
    if (xid < 0) return false; // ping, auth
    const packet = this.cm.pendingQueue[0];
    const own = packet && (packet.request as Partial<OwnRequest>).own === true;
    if (!own && NZC_KNOWN_CODES.has(err)) return false;
    this.cm.pendingQueue.shift();
    if (!packet || packet.request.header?.xid !== xid) {
      this.cm.socket?.destroy(); // out of order: reconnect, as node-zookeeper-client does
      return true;
    }
    if (zxid.readBigInt64BE(0) > 0n) this.cm.zxid = Buffer.from(zxid);
    if (own) {
      (packet.request as OwnRequest).reply({ err, body: err === 0 ? reader : undefined });
    } else {
      packet.callback?.({ code: err });
    }
    return true;
  }
}
