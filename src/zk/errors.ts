import { t } from './l10n';
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
  if (bytes < 1024) return t('{0} bytes', bytes);
  if (bytes < 1024 * 1024) return t('{0} KiB ({1} bytes)', (bytes / 1024).toFixed(1), bytes);
  return t('{0} MiB ({1} bytes)', (bytes / 1024 / 1024).toFixed(2), bytes);
}

/**
 * The operations ZkErrors name ("Could not <operation> <path>"), translated as phrases of their own:
 * errors carry the English operation (callers and logs compare it), the sentence shows the user's.
 * An operation missing here still reads, in English; the l10n test checks that every operation
 * written in src is listed and translated.
 */
export const ZK_OPERATIONS: readonly string[] = [
  'ask the server who this session is',
  'check',
  'compare',
  'connect',
  'copy',
  'count the descendants of',
  'create',
  'delete',
  'edit the data of',
  'export',
  'import',
  'list the children of',
  'list the ephemeral nodes under',
  'list the subtree of',
  'plan the import',
  'read',
  'read TLS settings',
  'read the ACL of',
  'read the stat of',
  'reconfigure the ensemble',
  'remove the watches of',
  'run the batch',
  'run the batch at',
  'save',
  'scan',
  'search',
  'set the ACL of',
  'show the stat of',
  'sync',
  'wait for the connection',
  'watch',
];
const KNOWN_OPERATIONS = new Set(ZK_OPERATIONS);

/** "Could not <operation> "<path>"" in the user's language. */
export function couldNot(operation: string, path: string | undefined): string {
  // A listed operation is a literal key of the bundle; any other (made at run time) stays as written.
  const phrase = KNOWN_OPERATIONS.has(operation) ? t(operation) : operation;
  return path ? t('Could not {0} "{1}"', phrase, path) : t('Could not {0}', phrase);
}

/**
 * The one translator: every ZooKeeper error becomes a sentence that says what happened and what to do.
 * Never put credentials in `details`: messages end up in logs and notifications.
 */
export function describeZkError(code: string, operation: string, path: string | undefined, details: Readonly<Record<string, unknown>> = {}): string {
  const what = couldNot(operation, path);
  switch (code) {
    case 'NONODE':
      return operation.startsWith('create')
        ? t('{0}: its parent does not exist. Create the parent first.', what)
        : t('{0}: the node does not exist (it may have been deleted by another client). Refresh the tree.', what);
    case 'NODEEXISTS':
      return t('{0}: a node with that path already exists. Choose another name, or open the existing node.', what);
    case 'BADVERSION':
      return t('{0}: the node was changed by another client since it was read (expected version {1}). Reload it and apply your change again.', what, detail(details.expectedVersion, '?'));
    case 'NOTEMPTY':
      return t('{0}: it still has children. Delete them first, or delete the whole subtree.', what);
    case 'NOAUTH':
      return t("{0}: not authorized by the node's ACL. Add credentials that the ACL grants (digest user:password) to the connection, or ask its owner for access.", what);
    case 'AUTHFAILED':
      return t("{0}: the server rejected this session's credentials (authentication failed). Check the user name and password of the connection.", what);
    case 'SESSIONCLOSEDREQUIRESASLAUTH':
      return t('{0}: the server requires SASL authentication (enforce.auth.enabled) and closed the session. Configure SASL for this connection.', what);
    case 'NEWCONFIGNOQUORUM':
      return t('{0}: the new ensemble configuration has no quorum of running servers. Start more of the new servers, then retry.', what);
    case 'RECONFIGINPROGRESS':
      return t('{0}: another reconfiguration of the ensemble is in progress. Wait for it to finish, then retry.', what);
    case 'RECONFIGDISABLED':
      return t('{0}: dynamic reconfiguration is disabled on the server (reconfigEnabled=false).', what);
    case 'INVALIDCALLBACK':
      return t('{0}: the client sent an invalid callback, which is a bug in ZooKeeper Explorer; please report it.', what);
    case 'INVALIDPATH':
      return t('{0}: the path is not a valid ZooKeeper path (absolute, no empty, "." or ".." segments, no trailing "/").', what);
    case 'INVALIDARGUMENT':
      return t('{0}: an argument is not valid.', what);
    case 'CONNECTIONLOSS':
      return t('{0}: the connection to ZooKeeper was lost before the server answered. The client reconnects by itself; check whether the change was applied, then retry.', what);
    case 'SESSIONEXPIRED':
      return t('{0}: the ZooKeeper session expired (the client was cut off longer than the session timeout), so ephemeral nodes and watches of that session are gone. A new session has been started; retry.', what);
    case 'SESSIONMOVED':
      return t('{0}: the session moved to another server meanwhile. Retry.', what);
    case 'OPERATIONTIMEOUT':
      return t('{0}: no answer from ZooKeeper within {1} ms (connection {2}). Check that the server is reachable; the request may still be applied when it comes back.', what, detail(details.timeoutMs, '?'), detail(details.state, t('unknown')));
    case 'REQUESTTIMEOUT':
      return t("{0}: the server timed out the request. Check the ensemble's health and retry.", what);
    case 'NOCHILDRENFOREPHEMERALS':
      return t('{0}: its parent is an ephemeral node, and ephemeral nodes cannot have children. Create it under a persistent node.', what);
    case 'INVALIDACL':
      return t('{0}: the ACL is invalid (empty, unknown scheme, or an "auth" entry without credentials on the session). Fix the ACL entries (scheme:id:perms).', what);
    case 'BADARGUMENTS':
      return details.ttl
        ? t('{0}: the TTL is not valid; it must be between 1 ms and about 3.5 years (1099511627775 ms).', what)
        : t('{0}: the server rejected the arguments (bad path, mode or value).', what);
    case 'UNIMPLEMENTED':
      if (details.feature === 'ttl') {
        return t('{0}: this server does not support TTL nodes. Enable them with extendedTypesEnabled=true in zoo.cfg (ZooKeeper 3.5.3 or newer) and restart the server.', what);
      }
      if (details.feature) {
        return t('{0}: this server does not support {1}; it needs ZooKeeper {2} or newer.', what, detail(details.feature, t('this operation')), detail(details.minVersion, '3.6'));
      }
      return t('{0}: the server does not implement this operation; it may be older than this feature needs.', what);
    case 'NOWATCHER':
      return t('{0}: there is no such watch on the server (it may have fired or been removed already).', what);
    case 'QUOTAEXCEEDED':
      return t('{0}: a quota set on this part of the tree is exceeded. Raise the quota or remove data first.', what);
    case 'THROTTLEDOP':
      return t('{0}: the server is overloaded and throttled the request. Retry in a moment.', what);
    case 'RUNTIMEINCONSISTENCY':
      return t('{0}: it was rolled back because another operation in the same batch failed.', what);
    case 'NOTREADONLY':
      return t('{0}: the server is in read-only mode (it lost its quorum). Writes are possible again once the ensemble recovers.', what);
    case 'EPHEMERALONLOCALSESSION':
      return t('{0}: ephemeral nodes cannot be created on a local session. Use a global session.', what);
    case 'UNKNOWNSESSION':
      return t('{0}: the server does not know this session. Reconnect.', what);
    case 'MARSHALLINGERROR':
      return t("{0}: the request or reply could not be encoded; if the data is very large, it may exceed the server's jute.maxbuffer.", what);
    case 'DATATOOLARGE':
      return typeof details.size === 'number' && typeof details.limit === 'number'
        ? t("{0}: the data is {1}, over the server's limit of {2} per request (jute.maxbuffer). Make the data smaller, or raise jute.maxbuffer on every server and client.", what, formatBytes(details.size), formatBytes(details.limit))
        : t("{0}: the data is over the server's limit per request (jute.maxbuffer, 1 MiB by default). Make the data smaller, or raise jute.maxbuffer on every server and client.", what);
    case 'CLOSED':
      return t('{0}: the connection is closed. Connect again first.', what);
    case 'CANCELLED':
      return t('{0}: cancelled.', what);
    case 'CONNECTFAILED':
      return detail(details.reason, t('{0}: could not connect to ZooKeeper. Check the connect string and that the servers are reachable.', what));
    case 'SYSTEMERROR':
    case 'APIERROR':
    case 'DATAINCONSISTENCY':
      return t('{0}: the server reported an internal error ({1}). Check the server logs.', what, code);
    default:
      return t('{0}: ZooKeeper error {1}.', what, code);
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
    super(t('ZooKeeper connection "{0}" is disconnected: connect it (ZooKeeper: Connect) and try again.', connection));
  }

  /** The sentence for editors (a save or a read of a zk:// document): what they typed is still there. */
  get forEditors(): string {
    return t('{0} is disconnected: connect it (ZooKeeper: Connect) and save again — your changes are kept.', this.connection);
  }
}
