import { isIP } from 'node:net';
import type { ZkClient } from '../client';
import { errorMessage, isZkError, ZkError } from '../errors';
import { walkSubtree } from '../subtree';
import { authenticatedIdentities, locksOut } from './effective';
import { formatIdentity, type SessionIdentities } from './identities';
import { formatEntries, isRedactedDigest, normalizePerms, sameAcl, toEntry, toZkAcl, validateAcl, type AclEntry } from './model';
import { t } from '../l10n';

export interface SetAclOptions {
  path: string;
  acl: readonly AclEntry[];
  /**
   * The ACL version that was read (Stat.aversion). The write fails with a conflict naming both ACLs
   * when the node's ACL changed since; without it, the ACL is read here and written with that version.
   */
  aversion?: number;
  /** Also every descendant (each keeps no ACL of its own afterwards: they all get this one). */
  recursive?: boolean;
  /** The caller confirmed that the session may lose ADMIN on the node(s). */
  confirmLockout?: boolean;
  /** Who the session is (see sessionIdentities): for the lock-out check and for `auth`. */
  session: SessionIdentities;
  signal?: AbortSignal;
  /** Counted first (`total`), then each node done; the next node waits for a returned promise. */
  onProgress?: (progress: { done: number; total: number; path: string }) => void | Promise<void>;
}

export interface AclFailure {
  path: string;
  /** NOAUTH, NONODE, BADVERSION, … */
  code: string;
  reason: string;
}

export interface SetAclReport {
  path: string;
  /** The root's ACL version after the write (unchanged when nothing was written). */
  aversion: number;
  /** How many nodes got the new ACL (those that already had it are not written). */
  changed: number;
  /** Nodes whose ACL could not be set, each with the reason: never silent. */
  failed: AclFailure[];
  /** Nodes in the operation (1 unless recursive). */
  total: number;
  /** Cancelled before every node was done; `changed` says how far it got. */
  cancelled: boolean;
}

/** Entries with their letters in zkCli's order, so equal ACLs compare and print equal. */
function normalized(acl: readonly AclEntry[]): AclEntry[] {
  return acl.map((e) => ({ scheme: e.scheme, id: e.id, perms: normalizePerms(e.perms) }));
}

/**
 * Everything that must be refused before anything is sent, as one sentence: an invalid entry, a
 * digest id the server withheld (`user:x`), `auth` on a session with no authenticated identity, and
 * an ACL that takes ADMIN away from this session (unless confirmed).
 */
export function checkAclBeforeWrite(path: string, acl: readonly AclEntry[], session: SessionIdentities, confirmLockout: boolean): void {
  const redacted = acl.find(isRedactedDigest);
  if (redacted) {
    throw new ZkError(
      'ACLREDACTED',
      'set the ACL of',
      path,
      t(
        'Refused to set the ACL of "{0}": digest:{1} is an id the server withheld (it shows "user:x" to a session without ADMIN on the node). An ACL read that way is read-only: writing it back would replace the real id and lock that user out. Authenticate as a user with ADMIN on the node, or give the real digest id.',
        path,
        redacted.id,
      ),
    );
  }
  const problem = validateAcl(acl);
  if (problem) throw new ZkError('INVALIDACL', 'set the ACL of', path, t('Could not set the ACL of "{0}": {1}', path, problem));
  if (acl.some((e) => e.scheme === 'auth') && authenticatedIdentities(session).length === 0) {
    throw new ZkError(
      'INVALIDACL',
      'set the ACL of',
      path,
      t(
        'Could not set the ACL of "{0}": the auth scheme stands for the identities this session authenticated as, and it has none (only {1}), so the server would refuse it. Set digest credentials on the connection first (ZooKeeper: Set Credentials), or use a digest entry instead.',
        path,
        session.identities.map(formatIdentity).join(', ') || t('no identity'),
      ),
    );
  }
  if (!confirmLockout && locksOut(acl, session)) {
    const who = session.identities.length > 0 ? session.identities.map(formatIdentity).join(', ') : t('this session');
    // The question alone in details: a person is asked it (src/extension/acl/apply.ts); API callers read the whole message.
    const question = t(
      "Setting the ACL of \"{0}\" to {1} leaves none of this session's identities ({2}, or anyone) with ADMIN: after it, you could not change this ACL again (only a super user could).",
      path,
      formatEntries(acl),
      who,
    );
    throw new ZkError(
      'ACLLOCKOUT',
      'set the ACL of',
      path,
      `${question} ${t('Confirm to do it anyway (confirmLockout: true).')}`,
      { acl, question },
    );
  }
}

function conflict(path: string, mine: readonly AclEntry[], expected: number, theirs: readonly AclEntry[], current: number): ZkError {
  return new ZkError(
    'ACLCONFLICT',
    'set the ACL of',
    path,
    t(
      'The ACL of "{0}" was changed by someone else since it was read (ACL version {1}, now {2}): theirs is {3}; yours is {4}. Nothing was written. Reload to see theirs, or overwrite it by applying yours with ACL version {2}.',
      path,
      expected,
      current,
      formatEntries(theirs),
      formatEntries(mine),
    ),
    { theirs, mine, expectedAversion: expected, aversion: current },
  );
}

/** Reads the ACL and its version (the same shape as zookeeper.showAcl's result). */
export async function readAcl(client: ZkClient, path: string): Promise<{ acl: AclEntry[]; aversion: number }> {
  const { acl, stat } = await client.getACL(path);
  return { acl: acl.map(toEntry), aversion: stat.aversion };
}

/**
 * The server's INVALIDACL says nothing about which entry; an IPv6 ip id is the one a valid-looking
 * ACL can still fail on (ZooKeeper 3.8's ip provider takes IPv4 only: checked against it).
 */
function explainInvalid(error: unknown, path: string, acl: readonly AclEntry[]): unknown {
  const ipv6 = acl.find((e) => e.scheme === 'ip' && isIP(e.id.split('/')[0]) === 6);
  if (!isZkError(error, 'INVALIDACL') || !ipv6) return error;
  return new ZkError(
    'INVALIDACL',
    'set the ACL of',
    path,
    t('The server refused the ACL of "{0}": its ip scheme does not take the IPv6 id {1} (ZooKeeper 3.8 accepts IPv4 addresses and ranges only). Nothing was written to this node; use IPv4 ids.', path, ipv6.id),
  );
}

/** Writes the root's ACL with the expected version; a BADVERSION becomes a conflict that shows both ACLs. */
async function writeRoot(client: ZkClient, path: string, acl: readonly AclEntry[], aversion: number): Promise<number> {
  try {
    const stat = await client.setACL(
      path,
      acl.map((e) => toZkAcl(e)),
      aversion,
    );
    return stat.aversion;
  } catch (error) {
    if (!isZkError(error, 'BADVERSION')) throw explainInvalid(error, path, acl);
    const current = await readAcl(client, path);
    throw conflict(path, acl, aversion, current.acl, current.aversion);
  }
}

/**
 * Sets an ACL on a node, or on a node and all its descendants. Version-checked on the node itself;
 * descendants (whose ACLs the caller never saw) are written unconditionally, because "this ACL on
 * the whole subtree" is the request. A subtree is listed completely first (the count for progress),
 * then written deepest first and the node itself last, so an ACL that takes READ away cannot stop
 * the walk halfway. Nodes refused (NOAUTH, deleted meanwhile, …) are reported, never skipped silently.
 */
export async function setAcl(client: ZkClient, options: SetAclOptions): Promise<SetAclReport> {
  const { path, session } = options;
  // Checked as given: normalizing first would drop letters that are not permissions instead of naming them.
  checkAclBeforeWrite(path, options.acl, session, options.confirmLockout === true);
  const acl = normalized(options.acl);
  const failed: AclFailure[] = [];
  const current = await readAcl(client, path);
  const expected = options.aversion ?? current.aversion;
  if (current.aversion !== expected) throw conflict(path, acl, expected, current.acl, current.aversion);

  const descendants: string[] = [];
  if (options.recursive) {
    const walk = await walkSubtree(client, path, { signal: options.signal });
    descendants.push(...walk.paths.slice(1).reverse());
    for (const { path: unlisted, error } of walk.failures) {
      failed.push({ path: unlisted, code: error.code, reason: t('its children could not be listed, so they were not changed: {0}', error.message) });
    }
  }
  const total = descendants.length + 1;
  let done = 0;
  let changed = 0;
  const report = async (at: string): Promise<void> => {
    await options.onProgress?.({ done, total, path: at });
  };
  await report(path);
  for (const descendant of descendants) {
    if (options.signal?.aborted) return { path, aversion: current.aversion, changed, failed, total, cancelled: true };
    try {
      const { acl: theirs } = await readAcl(client, descendant);
      if (!sameAcl(theirs, acl)) {
        await client.setACL(
          descendant,
          acl.map((e) => toZkAcl(e)),
          -1,
        );
        changed++;
      }
    } catch (error) {
      if (!isZkError(error)) throw error;
      // The same refusal would follow on every node: say it once, for the whole operation.
      if (error.code === 'INVALIDACL') throw explainInvalid(error, descendant, acl);
      if (['CONNECTIONLOSS', 'SESSIONEXPIRED', 'CLOSED', 'OPERATIONTIMEOUT'].includes(error.code)) throw error;
      failed.push({ path: descendant, code: error.code, reason: errorMessage(error) });
    }
    done++;
    await report(descendant);
  }
  if (options.signal?.aborted) return { path, aversion: current.aversion, changed, failed, total, cancelled: true };
  let aversion = current.aversion;
  if (!sameAcl(current.acl, acl)) {
    // Checked by the server too: a change since the read above (while descendants were written) is a conflict.
    aversion = await writeRoot(client, path, acl, expected);
    changed++;
  }
  done++;
  await report(path);
  return { path, aversion, changed, failed, total, cancelled: false };
}
