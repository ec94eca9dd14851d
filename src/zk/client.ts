import type { NzcEvent } from 'node-zookeeper-client';
import { OPEN_ACL_UNSAFE, type ZkAcl } from './acl';
import { formatConnectString, parseConnectString, type ParsedConnectString } from './connectString';
import { couldNot, ZkError } from './errors';
import { Emitter, type Disposable } from './events';
import { decodeMultiResults, encodeMultiOps, type MultiOp, type MultiResult } from './multi';
import { parentPath, validatePath } from './paths';
import { formatHex64, type ZnodeStat } from './stat';
import { WireConnection, WireState, type WireReply } from './wire/connection';
import { JuteReader, JuteWriter } from './wire/jute';
import { AddWatchMode, CreateFlag, DEFAULT_JUTE_MAXBUFFER, ErrorCodeName, EventType, OpCode, WatcherType } from './wire/protocol';
import { readAcl, readStat, writeAcl } from './wire/records';
import { isTransportProblem, type Transport } from './wire/transport';
import { answersPlainText, speaksTls } from './security/detect';
import { digestMd5Session } from './security/digestMd5';
import { GssapiLogin, type GssapiOptions } from './security/gssapi';
import { t } from './l10n';

export type ConnectionState = 'connecting' | 'connected' | 'readOnly' | 'suspended' | 'expired' | 'authFailed' | 'closed';

import { CREATE_MODES, MAX_TTL_MS, type CreateMode } from './createModes';
export { CREATE_MODES, MAX_TTL_MS, type CreateMode };
// The extension loads the wire library before a first connect, to name a failure to load it (src/extension/lazy.ts).
export { loadWireLibrary } from './wire/connection';

export interface CreateOptions {
  mode?: CreateMode;
  /** Required for the TTL modes: how long the node may live without children and without changes. */
  ttlMs?: number;
  acl?: readonly ZkAcl[];
}

export type WatchEventType = 'created' | 'deleted' | 'dataChanged' | 'childrenChanged' | 'watchRemoved';
export interface WatchEvent {
  type: WatchEventType;
  path: string;
}
export type WatchListener = (event: WatchEvent) => void;
export type PersistentWatchMode = 'persistent' | 'persistentRecursive';
export type RemovableWatchType = 'children' | 'data' | 'any';

export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
  sessionId: bigint;
}

export interface SessionRenewal {
  previousSessionId: bigint;
  sessionId: bigint;
}

export interface ZkClientOptions {
  /** host:port[,host:port…][/chroot] */
  connectString: string;
  sessionTimeoutMs?: number;
  /** Digest credentials added to every session this client makes. Kept in memory only. */
  digest?: readonly { user: string; password: string }[];
  transport?: Transport;
  /**
   * SASL login on every new TCP connection (before any other request): DIGEST-MD5 with a user and
   * password (kept in memory only), or GSSAPI (Kerberos: a ticket cache, a keytab or a password).
   */
  sasl?: { mechanism: 'DIGEST-MD5'; user: string; password: string } | GssapiOptions;
  /**
   * A request without a reply after this long fails with OPERATIONTIMEOUT. A function is asked at
   * each request, so a changed setting applies to the next operation without a reconnect.
   */
  operationTimeoutMs?: number | (() => number);
  /** How long ZkClient.connect waits for the first session. */
  connectTimeoutMs?: number;
  /** The servers' jute.maxbuffer: larger requests are refused before they are sent. */
  maxPacketBytes?: number;
  spinDelayMs?: number;
}

/** A persistent watch of this client: survives reconnects and session renewals (re-added each time). */
export interface PersistentWatch {
  readonly path: string;
  readonly mode: PersistentWatchMode;
  /** Stops delivering to this listener; removes the watch on the server when it was the last one. */
  remove(): Promise<void>;
}

/**
 * The persistent watches on one path. The server keeps one mode per path and session, so with
 * listeners of both kinds the path is watched recursively and the plain listeners' childrenChanged
 * events are derived from the created/deleted events of direct children.
 */
interface WatchEntry {
  path: string;
  persistent: Set<WatchListener>;
  recursive: Set<WatchListener>;
}

function serverMode(entry: WatchEntry): PersistentWatchMode | undefined {
  if (entry.recursive.size > 0) return 'persistentRecursive';
  return entry.persistent.size > 0 ? 'persistent' : undefined;
}

const EVENT_NAMES: Record<number, WatchEventType> = {
  [EventType.nodeCreated]: 'created',
  [EventType.nodeDeleted]: 'deleted',
  [EventType.nodeDataChanged]: 'dataChanged',
  [EventType.nodeChildrenChanged]: 'childrenChanged',
  [EventType.persistentWatchRemoved]: 'watchRemoved',
};

/** KeeperException.Code.NONODE. */
const NONODE = -101;


/**
 * A promise-based ZooKeeper client. One instance keeps one logical connection alive: it reconnects
 * by itself, and after session expiry it starts a new session, re-adds its persistent watches and
 * fires onSessionRenewed so upper layers can re-arm their own watches.
 */
export class ZkClient implements Disposable {
  private wire: WireConnection;
  private current: ConnectionState = 'connecting';
  private everConnected = false;
  private closing = false;
  private readonly parsed: ParsedConnectString;
  private readonly digest: { user: string; password: string }[];
  /** The Kerberos login of a GSSAPI client: one for the client's life, so its tickets outlive reconnects and sessions. */
  private readonly gssapi: GssapiLogin | undefined;
  private readonly watches = new Map<string, WatchEntry>();
  private readonly stateEmitter = new Emitter<StateChange>();
  private readonly renewedEmitter = new Emitter<SessionRenewal>();
  private readonly watchEventEmitter = new Emitter<WatchEvent>();
  readonly onStateChange = this.stateEmitter.event;
  readonly onSessionRenewed = this.renewedEmitter.event;
  /** Every notification the server sends on this client's connection (one-shot and persistent watches). */
  readonly onAnyWatchEvent = this.watchEventEmitter.event;
  readonly sessionTimeoutMs: number;
  readonly maxPacketBytes: number;
  /**
   * The servers (host:port as the socket names them) that answered whoAmI UNIMPLEMENTED. Such a
   * server (before 3.7) also closes the connection after that answer, so asking it again would cost
   * a reconnect each time; a server of the ensemble not in here is still asked (it may be newer).
   */
  private readonly serversWithoutWhoAmI = new Set<string>();

  constructor(private readonly options: ZkClientOptions) {
    const parsed = parseConnectString(options.connectString);
    if (typeof parsed === 'string') throw new ZkError('CONNECTFAILED', 'connect', undefined, parsed);
    this.parsed = parsed;
    this.digest = [...(options.digest ?? [])];
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 30000;
    this.maxPacketBytes = options.maxPacketBytes ?? DEFAULT_JUTE_MAXBUFFER;
    this.gssapi = options.sasl?.mechanism === 'GSSAPI' ? new GssapiLogin(options.sasl) : undefined;
    this.wire = this.createWire();
  }

  /** Connects and resolves once the first session is established, or rejects with a sentence saying why not. */
  static async connect(options: ZkClientOptions): Promise<ZkClient> {
    const client = new ZkClient(options);
    try {
      await client.start(options.connectTimeoutMs ?? 10000);
      return client;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** How long the next request waits for its reply before failing with OPERATIONTIMEOUT. */
  get operationTimeoutMs(): number {
    const option = this.options.operationTimeoutMs;
    return (typeof option === 'function' ? option() : option) ?? 30000;
  }

  get connectString(): string {
    return formatConnectString(this.parsed);
  }

  get chroot(): string | undefined {
    return this.parsed.chroot;
  }

  get sessionId(): bigint {
    return this.wire.sessionId;
  }

  /** For forcing a session's expiry in tests; never log it. */
  get sessionPassword(): Buffer {
    return this.wire.sessionPassword;
  }

  get negotiatedSessionTimeoutMs(): number {
    return this.wire.negotiatedTimeoutMs;
  }

  get serverAddress(): string | undefined {
    return this.wire.remoteAddress;
  }

  /** This end's address as the server sees it (the `ip` identity), when the socket is open. */
  get localAddress(): string | undefined {
    return this.wire.localAddress;
  }

  describeSession(): string {
    return `session ${formatHex64(this.sessionId)} on ${this.serverAddress ?? this.connectString}`;
  }

  /**
   * Starts connecting and waits for the first session. Gives up early when every server has refused
   * the connection twice (nothing listens there), and when every server failed in a way no retry
   * fixes (an untrusted certificate, a plain-text client on a TLS port and the reverse): waiting
   * longer would only delay the answer.
   */
  async start(timeoutMs: number): Promise<void> {
    let refused = 0;
    const servers = this.parsed.servers.length;
    /** Per server: the sentence that says why it cannot be used. */
    const problems = new Map<string, string>();
    const probed = new Set<string>();
    let giveUp: () => void = () => undefined;
    const hopeless = new Promise<void>((resolve) => (giveUp = resolve));
    const noteProblem = (server: string, sentence: string): void => {
      problems.set(server, sentence);
      if (problems.size >= servers) giveUp();
    };
    const tlsClient = this.options.transport?.name === 'tls';
    const subs = [
      this.wire.onSocketError((error) => {
        if (error.code === 'ECONNREFUSED' && ++refused >= servers * 2) giveUp();
        if (isTransportProblem(error)) noteProblem(error.server ?? error.message, error.message);
      }),
      this.wire.onSilentClose((server) => {
        // The same spelling as TransportProblem.server, so one server never counts twice.
        const at = server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
        if (probed.has(at)) return;
        probed.add(at);
        void (tlsClient ? answersPlainText(server) : speaksTls(server)).then((other) => {
          if (!other) return;
          noteProblem(
            at,
            tlsClient
              ? `ZooKeeper at ${at} does not speak TLS on this port (it answers in plain text): use the server's TLS port (secureClientPort), or remove "tls" from the connection.`
              : `ZooKeeper at ${at} speaks TLS on this port, and the connection has no TLS settings: add "tls" to the connection (at least "tls.ca", the CA that signed the server's certificate), or use the server's plain-text port.`,
          );
        });
      }),
    ];
    this.wire.connect();
    try {
      await Promise.race([this.waitFor((s) => s === 'connected' || s === 'readOnly', timeoutMs), hopeless.then(() => Promise.reject(new Error('hopeless')))]);
    } catch {
      const reason =
        this.current === 'authFailed'
          ? this.describeAuthFailure()
          : problems.size >= servers
            ? [...new Set(problems.values())].join(' ')
            : refused >= servers * 2
              ? t('Could not connect to ZooKeeper at {0}: the connection was refused ({1}). Nothing listens on that port: check the host and port, and that the server runs.', this.connectString, this.wire.lastSocketError ?? 'ECONNREFUSED')
              : this.wire.lastSocketError
                ? t('Could not connect to ZooKeeper at {0} within {1} s ({2}). Check that the hosts and ports are right, that the server runs, and that it is reachable from this machine.', this.connectString, Math.round(timeoutMs / 1000), this.wire.lastSocketError)
                : t('Could not connect to ZooKeeper at {0} within {1} s: no server answered. Check that the hosts and ports are right, that the server runs, and that it is reachable from this machine.', this.connectString, Math.round(timeoutMs / 1000));
      throw new ZkError('CONNECTFAILED', 'connect', undefined, reason);
    } finally {
      for (const sub of subs) sub.dispose();
    }
  }

  /** The error that stopped the SASL login on this side (a KerberosError, say), if one did: tests and callers check its kind. */
  get saslError(): Error | undefined {
    return this.wire.saslError;
  }

  /** The Kerberos principal of a GSSAPI client's last login (from its ticket), for logs and tooltips. */
  get kerberosClient(): string | undefined {
    return this.gssapi?.lastTicket?.client;
  }

  /** Why the server refused this client's credentials, as a sentence (never with a password). */
  describeAuthFailure(): string {
    const sasl = this.options.sasl;
    if (this.gssapi && this.wire.saslFailure !== undefined) return this.gssapi.describeFailure(this.connectString, this.wire.saslFailure, this.wire.saslError);
    if (sasl?.mechanism === 'DIGEST-MD5' && this.wire.saslFailure !== undefined) {
      return t(
        'ZooKeeper at {0} refused the SASL login of user "{1}" ({2}: {3}). The password is wrong, or the server does not know this user: set the password again (ZooKeeper: Set Digest Credentials…).',
        this.connectString,
        sasl.user,
        sasl.mechanism,
        this.wire.saslFailure,
      );
    }
    return t('ZooKeeper at {0} rejected the credentials. Check the user name and password.', this.connectString);
  }

  /** Resolves when the state satisfies `predicate`; rejects after `timeoutMs` or when the client closes. */
  waitFor(predicate: (state: ConnectionState) => boolean, timeoutMs: number): Promise<ConnectionState> {
    if (predicate(this.current)) return Promise.resolve(this.current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new ZkError('OPERATIONTIMEOUT', 'wait for the connection', undefined, undefined, { timeoutMs, state: this.current }));
      }, timeoutMs);
      const sub = this.onStateChange(({ state }) => {
        if (predicate(state) || state === 'closed' || state === 'authFailed') {
          clearTimeout(timer);
          sub.dispose();
          if (predicate(state)) resolve(state);
          else reject(new ZkError(state === 'closed' ? 'CLOSED' : 'AUTHFAILED', 'wait for the connection'));
        }
      });
    });
  }

  /** Adds digest credentials to this session and every later one. */
  addDigest(user: string, password: string): void {
    this.digest.push({ user, password });
    this.wire.addAuth('digest', Buffer.from(`${user}:${password}`));
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.wire.close();
    this.setState('closed');
    this.stateEmitter.dispose();
    this.renewedEmitter.dispose();
    this.watchEventEmitter.dispose();
    this.watches.clear();
  }

  dispose(): void {
    void this.close();
  }

  // ---- operations -------------------------------------------------------------------------

  async exists(path: string, watch?: WatchListener): Promise<ZnodeStat | undefined> {
    this.checkPath('check', path);
    const body = new JuteWriter().string(this.wire.withChroot(path)).bool(!!watch);
    const onReply = watch
      ? (err: number): void => {
          if (err === 0) this.registerOneShot('data', path, watch);
          else if (err === NONODE) this.registerOneShot('exists', path, watch);
        }
      : undefined;
    const pending = this.call('check', path, OpCode.exists, body, readStat, {}, onReply);
    if (watch) this.keepPersistentMode(path, 'data');
    try {
      return await pending;
    } catch (error) {
      if (error instanceof ZkError && error.code === 'NONODE') return undefined;
      throw error;
    }
  }

  async get(path: string, watch?: WatchListener): Promise<{ data: Buffer; stat: ZnodeStat }> {
    this.checkPath('read', path);
    const body = new JuteWriter().string(this.wire.withChroot(path)).bool(!!watch);
    const onReply = watch ? (err: number): void => (err === 0 ? this.registerOneShot('data', path, watch) : undefined) : undefined;
    const pending = this.call('read', path, OpCode.getData, body, (r) => ({ data: r.buffer_() ?? Buffer.alloc(0), stat: readStat(r) }), {}, onReply);
    if (watch) this.keepPersistentMode(path, 'data');
    return pending;
  }

  /** Writes data; with a version other than -1 the write fails with BADVERSION if the node changed since. */
  async set(path: string, data: Uint8Array, version = -1): Promise<ZnodeStat> {
    this.checkPath('save', path);
    const body = new JuteWriter().string(this.wire.withChroot(path)).buffer_(data).int(version);
    return this.call('save', path, OpCode.setData, body, readStat, { dataLength: data.length, expectedVersion: version });
  }

  async create(path: string, data: Uint8Array | null = null, options: CreateOptions = {}): Promise<{ path: string; stat: ZnodeStat }> {
    const mode = options.mode ?? 'persistent';
    const sequential = mode.endsWith('equential');
    const problem = validatePath(path, sequential);
    if (problem) throw new ZkError('INVALIDPATH', 'create', path, t('Could not create "{0}": {1}', path, problem));
    const { opcode, flags } = createOpcode(mode, options.ttlMs, path);
    const body = new JuteWriter();
    body.string(this.wire.withChroot(path)).buffer_(data ?? Buffer.alloc(0));
    body.vector(options.acl ?? OPEN_ACL_UNSAFE, (acl) => writeAcl(body, acl)).int(flags);
    if (opcode === OpCode.createTTL) body.long(options.ttlMs!);
    const details = { dataLength: data?.length ?? 0, ...(opcode === OpCode.createTTL ? { feature: 'ttl', ttl: options.ttlMs } : {}) };
    return this.call('create', path, opcode, body, (r) => ({ path: this.wire.withoutChroot(r.string() ?? path), stat: readStat(r) }), details);
  }

  async delete(path: string, version = -1): Promise<void> {
    this.checkPath('delete', path);
    const body = new JuteWriter().string(this.wire.withChroot(path)).int(version);
    await this.call('delete', path, OpCode.delete, body, () => undefined, { expectedVersion: version });
  }

  /** The children's names (unsorted, as the server sends them) and the parent's stat. */
  async getChildren(path: string, watch?: WatchListener): Promise<{ children: string[]; stat: ZnodeStat }> {
    this.checkPath('list the children of', path);
    const body = new JuteWriter().string(this.wire.withChroot(path)).bool(!!watch);
    const onReply = watch ? (err: number): void => (err === 0 ? this.registerOneShot('child', path, watch) : undefined) : undefined;
    const pending = this.call(
      'list the children of',
      path,
      OpCode.getChildren2,
      body,
      (r) => ({
        children: r.strings(),
        stat: readStat(r),
      }),
      {},
      onReply,
    );
    if (watch) this.keepPersistentMode(path, 'child');
    return pending;
  }

  async getACL(path: string): Promise<{ acl: ZkAcl[]; stat: ZnodeStat }> {
    this.checkPath('read the ACL of', path);
    const body = new JuteWriter().string(this.wire.withChroot(path));
    return this.call('read the ACL of', path, OpCode.getACL, body, (r) => ({ acl: r.vector(() => readAcl(r)), stat: readStat(r) }));
  }

  async setACL(path: string, acl: readonly ZkAcl[], version = -1): Promise<ZnodeStat> {
    this.checkPath('set the ACL of', path);
    if (acl.length === 0) throw new ZkError('INVALIDACL', 'set the ACL of', path);
    const body = new JuteWriter().string(this.wire.withChroot(path));
    body.vector(acl, (entry) => writeAcl(body, entry)).int(version);
    return this.call('set the ACL of', path, OpCode.setACL, body, readStat, { expectedVersion: version });
  }

  /** Makes the connected server catch up with the leader for this path before later reads. */
  async sync(path = '/'): Promise<void> {
    this.checkPath('sync', path);
    await this.call('sync', path, OpCode.sync, new JuteWriter().string(this.wire.withChroot(path)), () => undefined);
  }

  /** Runs the operations atomically: all are applied or none. */
  async multi(ops: readonly MultiOp[]): Promise<MultiResult[]> {
    if (ops.length === 0) return [];
    for (const op of ops) {
      const problem = validatePath(op.path, op.type === 'create' && (op.mode ?? 'persistent').endsWith('equential'));
      if (problem) throw new ZkError('INVALIDPATH', 'run the batch at', op.path, t('Could not run the batch: "{0}": {1}', op.path, problem));
    }
    const body = encodeMultiOps(ops, (p) => this.wire.withChroot(p));
    const dataLength = ops.reduce((sum, op) => sum + ('data' in op && op.data ? op.data.length : 0), 0);
    const results = await this.call('run the batch', undefined, OpCode.multi, body, (r) => decodeMultiResults(r, ops, (p) => this.wire.withoutChroot(p)), { dataLength });
    const failed = results.findIndex((result) => result.error && result.error !== 'RUNTIMEINCONSISTENCY');
    if (failed >= 0) {
      const op = ops[failed];
      throw new ZkError(results[failed].error!, `run the batch: nothing was applied, because operation ${failed + 1} (${op.type})`, op.path, undefined, { results });
    }
    return results;
  }

  /** Paths of the ephemeral nodes this session owns, under `prefix` (ZooKeeper 3.6+). */
  async getEphemerals(prefix = '/'): Promise<string[]> {
    this.checkPath('list the ephemeral nodes under', prefix);
    const body = new JuteWriter().string(this.wire.withChroot(prefix));
    const paths = await this.call('list the ephemeral nodes under', prefix, OpCode.getEphemerals, body, (r) => r.vector(() => r.string() ?? ''), {
      feature: 'getEphemerals',
    });
    return paths.map((p) => this.wire.withoutChroot(p)).filter((p) => !this.parsed.chroot || p.startsWith('/'));
  }

  /** The number of all descendants of `path`, counted by the server (ZooKeeper 3.6+). */
  async getAllChildrenNumber(path: string): Promise<number> {
    this.checkPath('count the descendants of', path);
    const body = new JuteWriter().string(this.wire.withChroot(path));
    return this.call('count the descendants of', path, OpCode.getAllChildrenNumber, body, (r) => r.int(), { feature: 'getAllChildrenNumber' });
  }

  /**
   * Dynamic reconfiguration (opcode 16, ZooKeeper 3.5+; node-zookeeper-client lacks it): servers
   * joining and leaving (comma-separated `server.N=…` specs / ids), or a whole new member list,
   * applied only while the configuration's version is still `fromConfig` (-1: whatever it is).
   * Needs reconfigEnabled=true and super or an ACL on /zookeeper/config. Resolves with the new
   * configuration (the data of /zookeeper/config) and its stat.
   */
  async reconfig(change: { joining?: string; leaving?: string; newMembers?: string; fromConfig?: bigint }): Promise<{ data: Buffer; stat: ZnodeStat }> {
    const body = new JuteWriter()
      .string(change.joining ?? null)
      .string(change.leaving ?? null)
      .string(change.newMembers ?? null)
      .long(change.fromConfig ?? -1n);
    return this.call('reconfigure the ensemble', '/zookeeper/config', OpCode.reconfig, body, (r) => ({ data: r.buffer_() ?? Buffer.alloc(0), stat: readStat(r) }), {
      feature: 'reconfig',
      minVersion: '3.5',
    });
  }

  /** The identities the server associates with this session (ZooKeeper 3.7+). */
  async whoAmI(): Promise<{ scheme: string; user: string }[]> {
    const operation = 'ask the server who this session is';
    const details = { feature: 'whoAmI', minVersion: '3.7' };
    const server = this.serverAddress;
    if (server !== undefined && this.serversWithoutWhoAmI.has(server)) throw new ZkError('UNIMPLEMENTED', operation, undefined, undefined, details);
    const read = (r: JuteReader): { scheme: string; user: string }[] => r.vector(() => ({ scheme: r.string() ?? '', user: r.string() ?? '' }));
    return this.call(operation, undefined, OpCode.whoAmI, null, read, details, (err) => {
      // Noted while the answer is read, so on the socket that carried it: the server that refused
      // (a request sent while disconnected goes to whichever server comes next), before it closes.
      const refusedBy = this.serverAddress;
      if (ErrorCodeName[err] === 'UNIMPLEMENTED' && refusedBy !== undefined) this.serversWithoutWhoAmI.add(refusedBy);
    });
  }

  /**
   * Adds a persistent (or persistent recursive) watch: it keeps firing until removed, and this client
   * re-adds it after every reconnect and session renewal. Recursive watches report created, deleted
   * and dataChanged for the node and every descendant, never childrenChanged.
   */
  async addWatch(path: string, mode: PersistentWatchMode, listener: WatchListener): Promise<PersistentWatch> {
    this.checkPath('watch', path);
    const entry = this.watches.get(path) ?? { path, persistent: new Set<WatchListener>(), recursive: new Set<WatchListener>() };
    const before = serverMode(entry);
    const listeners = mode === 'persistent' ? entry.persistent : entry.recursive;
    const probe = new Set(listeners).add(listener);
    const after = serverMode(mode === 'persistent' ? { ...entry, persistent: probe } : { ...entry, recursive: probe });
    const register = (): void => {
      listeners.add(listener);
      this.watches.set(path, entry);
    };
    // Registered the moment the reply is read, so a notification in the same chunk reaches the listener.
    if (after !== before) await this.sendAddWatch(path, after!, register);
    register();
    return {
      path,
      mode,
      remove: async () => {
        const previous = serverMode(entry);
        if (!listeners.delete(listener)) return;
        const next = serverMode(entry);
        if (next === previous || this.closing) return;
        if (next === undefined) this.watches.delete(path);
        if (this.current !== 'connected' && this.current !== 'readOnly') return; // re-adding after reconnect skips it
        if (next === undefined) {
          // ZooKeeper 3.8 refuses the persistent WatcherTypes (4, 5) in removeWatches; "any" removes them.
          await this.removeWatches(path, 'any').catch((error: unknown) => {
            if (!(error instanceof ZkError && (error.code === 'NOWATCHER' || error.code === 'CLOSED'))) throw error;
          });
          // "any" also removed the one-shot children watches others set on this path (the explorer's
          // live listing): tell them, so they list again and so set their watch anew.
          this.wire.releaseChildWatchers(path);
        } else {
          await this.sendAddWatch(path, next);
        }
      },
    };
  }

  /** Removes this session's watches of a kind on the server (ZooKeeper 3.5+; persistent kinds 3.6+). */
  async removeWatches(path: string, type: RemovableWatchType): Promise<void> {
    this.checkPath('remove the watches of', path);
    const body = new JuteWriter().string(this.wire.withChroot(path)).int(WatcherType[type]);
    await this.call('remove the watches of', path, OpCode.removeWatches, body, () => undefined, { feature: 'removing watches', minVersion: '3.6' });
  }

  /** The persistent watches this client keeps, as path and mode. */
  listPersistentWatches(): { path: string; mode: PersistentWatchMode }[] {
    const list: { path: string; mode: PersistentWatchMode }[] = [];
    for (const entry of this.watches.values()) {
      if (entry.persistent.size > 0) list.push({ path: entry.path, mode: 'persistent' });
      if (entry.recursive.size > 0) list.push({ path: entry.path, mode: 'persistentRecursive' });
    }
    return list;
  }

  // ---- internals --------------------------------------------------------------------------

  private createWire(): WireConnection {
    const sasl = this.options.sasl;
    const gssapi = this.gssapi;
    const wire = new WireConnection({
      connectString: formatConnectString({ servers: [{ host: '127.0.0.1', port: 1 }], ...(this.parsed.chroot ? { chroot: this.parsed.chroot } : {}) }),
      servers: this.parsed.servers,
      sessionTimeoutMs: this.sessionTimeoutMs,
      ...(this.options.spinDelayMs !== undefined ? { spinDelayMs: this.options.spinDelayMs } : {}),
      ...(this.options.transport ? { transport: this.options.transport } : {}),
      ...(gssapi ? { sasl: (server) => gssapi.session(server) } : {}),
      ...(sasl?.mechanism === 'DIGEST-MD5' ? { sasl: () => digestMd5Session(sasl.user, sasl.password) } : {}),
    });
    for (const { user, password } of this.digest) wire.addAuth('digest', Buffer.from(`${user}:${password}`));
    wire.onState((state) => this.onWireState(wire, state));
    wire.onNotification((event) => this.onNotification(event.type, event.path));
    return wire;
  }

  private onWireState(wire: WireConnection, state: number): void {
    if (wire !== this.wire || this.closing) return;
    switch (state) {
      case WireState.connected:
      case WireState.connectedReadOnly: {
        const wasSuspended = this.current === 'suspended';
        this.everConnected = true;
        this.setState(state === WireState.connected ? 'connected' : 'readOnly');
        if (wasSuspended) this.readdWatches();
        break;
      }
      case WireState.connecting:
      case WireState.disconnected:
        // After a refused login the wire closes without retrying: the state stays authFailed.
        if (this.current === 'authFailed') break;
        this.setState(this.everConnected ? 'suspended' : 'connecting');
        break;
      case WireState.sessionExpired:
        this.renewSession(wire);
        break;
      case WireState.authFailed:
        this.setState('authFailed');
        break;
      default:
        break;
    }
  }

  private renewSession(expired: WireConnection): void {
    const previousSessionId = expired.sessionId;
    this.setState('expired');
    this.wire = this.createWire();
    this.everConnected = false;
    void expired.close();
    const sub = this.onStateChange(({ state }) => {
      if (state === 'connected' || state === 'readOnly') {
        sub.dispose();
        this.readdWatches();
        this.renewedEmitter.fire({ previousSessionId, sessionId: this.wire.sessionId });
      } else if (state === 'closed' || state === 'expired') {
        sub.dispose();
      }
    });
    this.wire.connect();
  }

  private readdWatches(): void {
    for (const entry of this.watches.values()) {
      const mode = serverMode(entry);
      if (!mode) continue;
      this.sendAddWatch(entry.path, mode).catch(() => {
        // The connection dropped again; the next reconnect re-adds it.
      });
    }
  }

  private sendAddWatch(path: string, mode: PersistentWatchMode, onAdded?: () => void): Promise<void> {
    const body = new JuteWriter().string(this.wire.withChroot(path)).int(AddWatchMode[mode]);
    const onReply = (err: number): void => {
      if (err !== 0) return;
      onAdded?.();
      // ZooKeeper 3.6–3.8 (ZOOKEEPER-4466): a recursive watch takes over the path's one-shot children
      // watch, which then never fires (recursive watches send no childrenChanged). Its owners (the
      // explorer's live listing) are told now, list again, and their new watch is one-shot again.
      if (mode === 'persistentRecursive') this.wire.releaseChildWatchers(path);
    };
    return this.call('watch', path, OpCode.addWatch, body, () => undefined, { feature: 'persistent watches' }, onReply);
  }

  /**
   * ZooKeeper 3.6–3.8 keep one watch mode per path and connection (ZOOKEEPER-4466): a one-shot watch
   * set on a path that has a persistent watch silently turns that watch into a one-shot one (a data
   * watch even ends a recursive watch). Re-adding the persistent mode right behind the request that set
   * the one-shot watch restores it; the one-shot listener still fires on the next matching event,
   * which the persistent watch delivers. A children watch does not touch a recursive watch.
   */
  private keepPersistentMode(path: string, table: 'data' | 'child'): void {
    const entry = this.watches.get(path);
    const mode = entry && serverMode(entry);
    if (!mode || (table === 'child' && mode === 'persistentRecursive')) return;
    this.sendAddWatch(path, mode).catch(() => {
      // The connection dropped; the persistent watch is re-added on reconnect anyway.
    });
  }

  private onNotification(type: number, path: string): void {
    const name = EVENT_NAMES[type];
    if (!name) return;
    const event: WatchEvent = { type: name, path };
    this.watchEventEmitter.fire(event);
    const parent = parentPath(path);
    for (const entry of this.watches.values()) {
      const recursiveHit = entry.path === path || entry.path === '/' || path.startsWith(entry.path + '/');
      if (recursiveHit && name !== 'childrenChanged') for (const listener of [...entry.recursive]) listener(event);
      if (entry.persistent.size === 0) continue;
      let plain: WatchEvent | undefined;
      if (entry.path === path) plain = event;
      else if (entry.recursive.size > 0 && parent === entry.path && (name === 'created' || name === 'deleted')) {
        plain = { type: 'childrenChanged', path: entry.path };
      }
      if (plain) for (const listener of [...entry.persistent]) listener(plain);
    }
  }

  private registerOneShot(kind: 'data' | 'child' | 'exists', path: string, watch: WatchListener): void {
    this.wire.registerWatcher(kind, path, (event: NzcEvent) => watch({ type: EVENT_NAMES[event.type] ?? 'dataChanged', path: event.path }));
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    const previous = this.current;
    this.current = state;
    this.stateEmitter.fire({ state, previous, sessionId: this.wire.sessionId });
  }

  private checkPath(operation: string, path: string): void {
    const problem = validatePath(path);
    if (problem) throw new ZkError('INVALIDPATH', operation, path, t('{0}: {1}', couldNot(operation, path), problem));
  }

  private call<T>(
    operation: string,
    path: string | undefined,
    opcode: number,
    body: JuteWriter | null,
    read: (reader: JuteReader) => T,
    details: Record<string, unknown> = {},
    /** Runs synchronously when the reply (or the client's own error) is read, before any later frame. */
    onReply?: (err: number) => void,
  ): Promise<T> {
    if (this.closing) return Promise.reject(new ZkError('CLOSED', operation, path));
    const packetBytes = 8 + (body?.length ?? 0);
    if (packetBytes > this.maxPacketBytes) {
      const dataLength = Number(details.dataLength ?? packetBytes);
      const limit = this.maxPacketBytes - (packetBytes - dataLength);
      return Promise.reject(new ZkError('DATATOOLARGE', operation, path, undefined, { size: dataLength, limit }));
    }
    const timeoutMs = this.operationTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new ZkError('OPERATIONTIMEOUT', operation, path, undefined, { timeoutMs, state: this.current }));
      }, timeoutMs);
      this.wire.send(opcode, body, (reply: WireReply) => {
        clearTimeout(timer);
        onReply?.(reply.err);
        if (reply.err !== 0) {
          reject(ZkError.fromCode(reply.err, operation, path, details));
          return;
        }
        try {
          resolve(read(reply.body ?? new JuteReader(Buffer.alloc(0))));
        } catch (error) {
          // A reply that does not decode (truncated, a count it cannot hold) is the server's or the
          // network's fault, not a bug to crash on: one ZkError the translator knows, the reason kept.
          reject(new ZkError('MARSHALLINGERROR', operation, path, undefined, { ...details, reason: error instanceof Error ? error.message : String(error) }));
        }
      });
    });
  }
}

function createOpcode(mode: CreateMode, ttlMs: number | undefined, path: string): { opcode: number; flags: number } {
  const isTtl = mode === 'ttl' || mode === 'ttlSequential';
  if (isTtl) {
    if (ttlMs === undefined || !Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) {
      throw new ZkError('INVALIDARGUMENT', 'create', path, t('Could not create "{0}": a TTL node needs a time to live in whole milliseconds from 1 to {1}; got {2}.', path, MAX_TTL_MS, String(ttlMs)));
    }
    return { opcode: OpCode.createTTL, flags: mode === 'ttl' ? CreateFlag.persistentWithTtl : CreateFlag.persistentSequentialWithTtl };
  }
  if (ttlMs !== undefined) {
    throw new ZkError('INVALIDARGUMENT', 'create', path, t('Could not create "{0}": a time to live applies only to the TTL modes, not to "{1}".', path, mode));
  }
  switch (mode) {
    case 'persistent':
      return { opcode: OpCode.create2, flags: CreateFlag.persistent };
    case 'persistentSequential':
      return { opcode: OpCode.create2, flags: CreateFlag.persistentSequential };
    case 'ephemeral':
      return { opcode: OpCode.create2, flags: CreateFlag.ephemeral };
    case 'ephemeralSequential':
      return { opcode: OpCode.create2, flags: CreateFlag.ephemeralSequential };
    case 'container':
      return { opcode: OpCode.createContainer, flags: CreateFlag.container };
    default:
      throw new ZkError('INVALIDARGUMENT', 'create', path, t('Could not create "{0}": "{1}" is not a create mode; use one of {2}.', path, String(mode), CREATE_MODES.join(', ')));
  }
}

