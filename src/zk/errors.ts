import { errorCodeName } from './wire/protocol';

/** Error codes raised by this client itself, beside KeeperException's names. */
export type ClientErrorCode = 'DATATOOLARGE' | 'CLOSED' | 'CANCELLED' | 'INVALIDPATH' | 'INVALIDARGUMENT' | 'CONNECTFAILED';

/** The one error type of the ZooKeeper layer: what failed (operation, path) and why (code). */
export class ZkError extends Error {
  override readonly name = 'ZkError';

  constructor(
    /** A KeeperException code name (NONODE, BADVERSION, …) or a ClientErrorCode. */
    readonly code: string,
    readonly operation: string,
    readonly path?: string,
    message?: string,
    /** Extra facts for the message: sizes, limits, server version, per-op results. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message ?? describeZkError(code, operation, path, details));
  }

  static fromCode(code: number, operation: string, path?: string, details?: Record<string, unknown>): ZkError {
    return new ZkError(errorCodeName(code), operation, path, undefined, details);
  }
}

export function isZkError(error: unknown, code?: string): error is ZkError {
  return error instanceof ZkError && (code === undefined || error.code === code);
}

/** A detail value as text (details hold strings and numbers). */
function detail(value: unknown, fallback: string): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? String(value) : fallback;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB (${bytes} bytes)`;
}

/**
 * The one translator: every ZooKeeper error becomes a sentence that says what happened and what to do.
 * Never put credentials in `details`: messages end up in logs and notifications.
 */
export function describeZkError(code: string, operation: string, path: string | undefined, details: Readonly<Record<string, unknown>> = {}): string {
  const node = path ? `"${path}"` : 'the node';
  const what = `Could not ${operation}${path ? ` ${node}` : ''}`;
  switch (code) {
    case 'NONODE':
      return operation.startsWith('create')
        ? `${what}: its parent does not exist. Create the parent first.`
        : `${what}: the node does not exist (it may have been deleted by another client). Refresh the tree.`;
    case 'NODEEXISTS':
      return `${what}: a node with that path already exists. Choose another name, or open the existing node.`;
    case 'BADVERSION':
      return `${what}: the node was changed by another client since it was read (expected version ${detail(details.expectedVersion, '?')}). Reload it and apply your change again.`;
    case 'NOTEMPTY':
      return `${what}: it still has children. Delete them first, or delete the whole subtree.`;
    case 'NOAUTH':
      return `${what}: not authorized by the node's ACL. Add credentials that the ACL grants (digest user:password) to the connection, or ask its owner for access.`;
    case 'AUTHFAILED':
      return `${what}: the server rejected this session's credentials (authentication failed). Check the user name and password of the connection.`;
    case 'SESSIONCLOSEDREQUIRESASLAUTH':
      return `${what}: the server requires SASL authentication (enforce.auth.enabled) and closed the session. Configure SASL for this connection.`;
    case 'NEWCONFIGNOQUORUM':
      return `${what}: the new ensemble configuration has no quorum of running servers. Start more of the new servers, then retry.`;
    case 'RECONFIGINPROGRESS':
      return `${what}: another reconfiguration of the ensemble is in progress. Wait for it to finish, then retry.`;
    case 'RECONFIGDISABLED':
      return `${what}: dynamic reconfiguration is disabled on the server (reconfigEnabled=false).`;
    case 'INVALIDCALLBACK':
      return `${what}: the client sent an invalid callback, which is a bug in ZooKeeper Explorer; please report it.`;
    case 'INVALIDPATH':
      return `${what}: the path is not a valid ZooKeeper path (absolute, no empty, "." or ".." segments, no trailing "/").`;
    case 'INVALIDARGUMENT':
      return `${what}: an argument is not valid.`;
    case 'CONNECTIONLOSS':
      return `${what}: the connection to ZooKeeper was lost before the server answered. The client reconnects by itself; check whether the change was applied, then retry.`;
    case 'SESSIONEXPIRED':
      return `${what}: the ZooKeeper session expired (the client was cut off longer than the session timeout), so ephemeral nodes and watches of that session are gone. A new session has been started; retry.`;
    case 'SESSIONMOVED':
      return `${what}: the session moved to another server meanwhile. Retry.`;
    case 'OPERATIONTIMEOUT':
      return `${what}: no answer from ZooKeeper within ${detail(details.timeoutMs, '?')} ms (connection ${detail(details.state, 'unknown')}). Check that the server is reachable; the request may still be applied when it comes back.`;
    case 'REQUESTTIMEOUT':
      return `${what}: the server timed out the request. Check the ensemble's health and retry.`;
    case 'NOCHILDRENFOREPHEMERALS':
      return `${what}: its parent is an ephemeral node, and ephemeral nodes cannot have children. Create it under a persistent node.`;
    case 'INVALIDACL':
      return `${what}: the ACL is invalid (empty, unknown scheme, or an "auth" entry without credentials on the session). Fix the ACL entries (scheme:id:perms).`;
    case 'BADARGUMENTS':
      return details.ttl
        ? `${what}: the TTL is not valid; it must be between 1 ms and about 3.5 years (1099511627775 ms).`
        : `${what}: the server rejected the arguments (bad path, mode or value).`;
    case 'UNIMPLEMENTED':
      if (details.feature === 'ttl') {
        return `${what}: this server does not support TTL nodes. Enable them with extendedTypesEnabled=true in zoo.cfg (ZooKeeper 3.5.3 or newer) and restart the server.`;
      }
      if (details.feature) {
        return `${what}: this server does not support ${detail(details.feature, 'this operation')}; it needs ZooKeeper ${detail(details.minVersion, '3.6')} or newer.`;
      }
      return `${what}: the server does not implement this operation; it may be older than this feature needs.`;
    case 'NOWATCHER':
      return `${what}: there is no such watch on the server (it may have fired or been removed already).`;
    case 'QUOTAEXCEEDED':
      return `${what}: a quota set on this part of the tree is exceeded. Raise the quota or remove data first.`;
    case 'THROTTLEDOP':
      return `${what}: the server is overloaded and throttled the request. Retry in a moment.`;
    case 'RUNTIMEINCONSISTENCY':
      return `${what}: it was rolled back because another operation in the same batch failed.`;
    case 'NOTREADONLY':
      return `${what}: the server is in read-only mode (it lost its quorum). Writes are possible again once the ensemble recovers.`;
    case 'EPHEMERALONLOCALSESSION':
      return `${what}: ephemeral nodes cannot be created on a local session. Use a global session.`;
    case 'UNKNOWNSESSION':
      return `${what}: the server does not know this session. Reconnect.`;
    case 'MARSHALLINGERROR':
      return `${what}: the request or reply could not be encoded; if the data is very large, it may exceed the server's jute.maxbuffer.`;
    case 'DATATOOLARGE':
      return typeof details.size === 'number' && typeof details.limit === 'number'
        ? `${what}: the data is ${formatBytes(details.size)}, over the server's limit of ${formatBytes(details.limit)} per request (jute.maxbuffer). Make the data smaller, or raise jute.maxbuffer on every server and client.`
        : `${what}: the data is over the server's limit per request (jute.maxbuffer, 1 MiB by default). Make the data smaller, or raise jute.maxbuffer on every server and client.`;
    case 'CLOSED':
      return `${what}: the connection is closed. Connect again first.`;
    case 'CANCELLED':
      return `${what}: cancelled.`;
    case 'CONNECTFAILED':
      return detail(details.reason, `${what}: could not connect to ZooKeeper. Check the connect string and that the servers are reachable.`);
    case 'SYSTEMERROR':
    case 'APIERROR':
    case 'DATAINCONSISTENCY':
      return `${what}: the server reported an internal error (${code}). Check the server logs.`;
    default:
      return `${what}: ZooKeeper error ${code}.`;
  }
}

/** Any thrown value as one sentence for a user, for errors that did not come from ZooKeeper too. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A mistake in what the user asked for (unknown connection, read-only connection, bad argument): its message is shown as it is. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/**
 * Something other than the user's own Connect needed a session of a connection the user disconnected.
 * Disconnected means disconnected until the user connects: nothing implicit (an expanded tree
 * refreshing, an editor reading or saving, a watch, a script) opens a new session, which would drop
 * nothing less than the user's intent. The sentence says how to connect.
 */
export class DisconnectedError extends UserError {
  constructor(readonly connection: string) {
    super(`ZooKeeper connection "${connection}" is disconnected: connect it (ZooKeeper: Connect) and try again.`);
  }

  /** The sentence for editors (a save or a read of a zk:// document): what they typed is still there. */
  get forEditors(): string {
    return `${this.connection} is disconnected: connect it (ZooKeeper: Connect) and save again — your changes are kept.`;
  }
}
