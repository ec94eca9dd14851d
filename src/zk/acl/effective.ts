import { BlockList, isIP } from 'node:net';
import { normalizePerms, validateIpId, type AclEntry } from './model';
import type { SessionIdentities, SessionIdentity } from './identities';

/** Schemes whose ids count as authenticated for the `auth` scheme (the ip provider's do not). */
function isAuthenticated(identity: SessionIdentity): boolean {
  return identity.scheme !== 'ip' && identity.scheme !== 'world';
}

function ipMatches(range: string, address: string): boolean {
  // An id being typed (or otherwise invalid) matches nothing; BlockList would throw on it.
  if (validateIpId(range) !== undefined) return false;
  const [base, prefix] = range.split('/');
  const family = isIP(base);
  const addressFamily = isIP(address);
  if (family === 0 || addressFamily === 0 || family !== addressFamily) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  if (prefix === undefined) list.addAddress(base, type);
  else list.addSubnet(base, Number(prefix), type);
  return list.check(address, type);
}

/**
 * Whether an ACL entry applies to one identity of the session, as the server's providers match:
 * world:anyone everyone, ip by address or range, digest by user (and by hash when the password is
 * known here), super everything, other schemes by exact id. `auth` (only in an ACL about to be
 * written) stands for every authenticated identity.
 */
export function entryMatches(entry: AclEntry, identity: SessionIdentity, digestIds: Readonly<Record<string, string>>): boolean {
  if (identity.scheme === 'super') return true;
  if (entry.scheme === 'world') return entry.id === 'anyone';
  if (entry.scheme === 'auth') return isAuthenticated(identity);
  if (entry.scheme !== identity.scheme) return false;
  if (entry.scheme === 'ip') return ipMatches(entry.id, identity.id);
  if (entry.scheme === 'digest') {
    const user = entry.id.slice(0, entry.id.indexOf(':'));
    if (user !== identity.id) return false;
    const known = digestIds[identity.id];
    // Without the password here (another tool authenticated), the user name is all there is to go by.
    return known === undefined || known === entry.id || entry.id.endsWith(':x');
  }
  return entry.id === identity.id;
}

export interface EffectivePermission {
  /** The identity, or world:anyone for what every session may do. */
  identity: SessionIdentity;
  /** The letters granted (c d r w a), '' for none. */
  perms: string;
  /** The entries that grant them, as written. */
  grantedBy: AclEntry[];
}

/** For each identity of the session (and anyone), what the ACL lets it do. */
export function effectivePermissions(acl: readonly AclEntry[], session: SessionIdentities): EffectivePermission[] {
  const rows: SessionIdentity[] = [{ scheme: 'world', id: 'anyone' }, ...session.identities];
  return rows.map((identity) => {
    const grantedBy = acl.filter((entry) => (identity.scheme === 'world' ? entry.scheme === 'world' && entry.id === 'anyone' : entryMatches(entry, identity, session.digestIds)));
    const letters = identity.scheme === 'super' ? 'cdrwa' : grantedBy.map((e) => e.perms).join('');
    return { identity, perms: normalizePerms(letters), grantedBy };
  });
}

/** What this session as a whole may do under the ACL (the union over its identities). */
export function sessionPerms(acl: readonly AclEntry[], session: SessionIdentities): string {
  return normalizePerms(
    effectivePermissions(acl, session)
      .map((row) => row.perms)
      .join(''),
  );
}

/** The session's authenticated identities (what `auth` expands to); none means `auth` entries fail. */
export function authenticatedIdentities(session: SessionIdentities): SessionIdentity[] {
  return session.identities.filter(isAuthenticated);
}

/**
 * Whether writing `acl` would leave this session without ADMIN on the node: after it, nobody
 * holding only these identities could change the ACL back (only a super user could).
 */
export function locksOut(acl: readonly AclEntry[], session: SessionIdentities): boolean {
  return !sessionPerms(acl, session).includes('a');
}
