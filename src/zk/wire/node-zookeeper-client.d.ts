// The parts of node-zookeeper-client 1.1.3 (pinned) that src/zk/wire builds on, including internals.
declare module 'node-zookeeper-client' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';

  export interface ServerAddress {
    host: string;
    port: number | string;
  }

  export interface WireRequest {
    header: { xid: number; type: number } | null;
    payload: { setChrootPath(path: string | undefined): void } | null;
    toBuffer(): Buffer;
  }

  export interface Packet {
    request: WireRequest;
    callback?: (error: { code: number; name?: string } | null, response?: unknown) => void;
  }

  export interface ConnectionManager extends EventEmitter {
    state: number;
    socket?: Socket;
    servers: ServerAddress[];
    chrootPath?: string;
    pendingQueue: Packet[];
    packetQueue: { shift(): Packet | undefined; queue: Packet[] };
    zxid: Buffer;
    /** The next request's xid. */
    xid: number;
    connectTimeout: number;
    /** The negotiated session timeout once connected (the requested one before). */
    sessionTimeout: number;
    connectTimeoutHandler: NodeJS.Timeout | null;
    setState(state: number): void;
    updateTimeout(sessionTimeoutMs: number): void;
    findNextServer(callback: (server: ServerAddress) => void): void;
    connect(): void;
    onSocketData(buffer: Buffer): void;
    onSocketConnected(): void;
    onSocketDrain(): void;
    onSocketClosed(hadError: boolean): void;
    onSocketError(error: Error): void;
    onSocketConnectTimeout(): void;
    cleanupPendingQueue(code: number): void;
    queue(request: WireRequest, callback?: Packet['callback']): void;
    registerDataWatcher(path: string, watcher: (event: NzcEvent) => void): void;
    registerChildWatcher(path: string, watcher: (event: NzcEvent) => void): void;
    registerExistenceWatcher(path: string, watcher: (event: NzcEvent) => void): void;
    watcherManager: { emit(event: { type: number; path: string }): void };
  }

  export interface NzcEvent {
    type: number;
    name: string;
    path: string;
  }

  export interface Client extends EventEmitter {
    connectionManager: ConnectionManager;
    connect(): void;
    close(): void;
    getSessionId(): Buffer;
    getSessionPassword(): Buffer;
    getSessionTimeout(): number;
    addAuthInfo(scheme: string, auth: Buffer): void;
  }

  export interface ClientOptions {
    sessionTimeout?: number;
    spinDelay?: number;
    retries?: number;
    sessionId?: Buffer;
    sessionPassword?: Buffer;
  }

  export function createClient(connectString: string, options?: ClientOptions): Client;
}
