import { isIP } from 'node:net';
import { formatPerms, parsePerms, type ZkAcl } from '../acl';
import { t } from '../l10n';

/** One ACL entry as people and automation write it: perms in zkCli's letters ("cdrwa"). */
export interface AclEntry {
  scheme: string;
  id: string;
  perms: string;
}

/** The schemes ZooKeeper ships with; any other name is a custom authentication provider's. */
export const KNOWN_SCHEMES = ['world', 'auth', 'digest', 'ip', 'sasl', 'x509'] as const;

/** A digest id's hash: base64 of a 20-byte SHA-1, so 27 characters and one '='. */
const DIGEST_HASH = /^[A-Za-z0-9+/]{27}=$/;

export function toEntry(acl: ZkAcl): AclEntry {
  return { scheme: acl.id.scheme, id: acl.id.id, perms: formatPerms(acl.perms) };
}

/** The entry as the wire carries it; the letters must have been validated (parsePerms throws otherwise). */
export function toZkAcl(entry: AclEntry): ZkAcl {
  return { perms: parsePerms(entry.perms), id: { scheme: entry.scheme, id: entry.id } };
}

export function formatEntry(entry: AclEntry): string {
  return `${entry.scheme}:${entry.id}:${normalizePerms(entry.perms)}`;
}

/** A list of entries as one line, for messages ("world:anyone:r, digest:bob:…:cdrwa"). */
export function formatEntries(entries: readonly AclEntry[]): string {
  return entries.length === 0 ? '(no entries)' : entries.map(formatEntry).join(', ');
}

/** The letters in zkCli's order (c d r w a), without repeats. */
export function normalizePerms(letters: string): string {
  return [...'cdrwa'].filter((l) => letters.includes(l)).join('');
}

/**
 * A digest id as the server returns it to a session without ADMIN on the node: `user:x`. The real
 * hash is withheld, so writing the entry back would store the id of a password nobody has.
 */
export function isRedactedDigest(entry: AclEntry): boolean {
  return entry.scheme === 'digest' && /:x$/.test(entry.id);
}

/** Entries that say the same regardless of order, case of the letters' order and repeats. */
export function sameAcl(a: readonly AclEntry[], b: readonly AclEntry[]): boolean {
  const key = (list: readonly AclEntry[]): string =>
    list
      .map((e) => `${e.scheme}\u0000${e.id}\u0000${normalizePerms(e.perms)}`)
      .sort()
      .join('\u0001');
  return key(a) === key(b);
}

/** An ip id: an IPv4 or IPv6 address, optionally with a prefix length (`10.0.0.0/8`, `fd00::/8`). Undefined when valid. */
export function validateIpId(id: string): string | undefined {
  const [address, prefix, extra] = id.split('/');
  if (extra !== undefined) return `"${id}" has more than one "/": write an address or a range like 10.0.0.0/8.`;
  const family = isIP(address);
  if (family === 0) return `"${address}" is not an IPv4 or IPv6 address: write one like 10.1.2.3 or fd00::1, or a range like 10.0.0.0/8.`;
  if (prefix === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `"/${prefix}" is not a prefix length for ${family === 4 ? 'IPv4' : 'IPv6'}: use a whole number from 0 to ${max}.`;
  return undefined;
}

/** What is wrong with one entry, as a sentence; undefined when the server would take it. */
export function validateEntry(entry: AclEntry): string | undefined {
  const scheme = entry.scheme.trim();
  if (!scheme) return t('Choose a scheme (world, auth, digest, ip, sasl, x509, or a custom provider’s name).');
  if (!/^[A-Za-z0-9_.-]+$/.test(scheme)) return t('"{0}" is not a scheme name: use letters, digits, "_", "." or "-".', scheme);
  if (!entry.perms) return t('{0} gives no permission: tick at least one of c, d, r, w, a, or remove the entry.', `${scheme}:${entry.id}`);
  const bad = [...entry.perms].find((l) => !'cdrwa'.includes(l));
  if (bad !== undefined) return t('"{0}" is not a ZooKeeper permission: use the letters c, d, r, w and a.', bad);
  switch (scheme) {
    case 'world':
      return entry.id === 'anyone' ? undefined : t('The world scheme has one id, "anyone" (not "{0}").', entry.id);
    case 'auth':
      // The server ignores the id and puts every authenticated id of the session there.
      return entry.id === '' ? undefined : t('The auth scheme takes no id (it stands for every identity this session authenticated as): leave the id empty.');
    case 'digest': {
      if (isRedactedDigest(entry)) {
        return t('{0} is a digest id with its hash withheld: the server shows "user:x" to a session without ADMIN on the node. Writing it back would lock that user out; use the real id (generate it from the user and password).', entry.id);
      }
      const colon = entry.id.indexOf(':');
      if (colon <= 0 || !DIGEST_HASH.test(entry.id.slice(colon + 1))) {
        return t('"{0}" is not a digest id: it is user:base64(sha1(user:password)), e.g. made by the digest generator — never the password itself.', entry.id);
      }
      return undefined;
    }
    case 'ip':
      return validateIpId(entry.id);
    default:
      return entry.id ? undefined : t('The {0} scheme needs an id.', scheme);
  }
}

/** The first problem of a whole ACL, named by entry; undefined when valid. */
export function validateAcl(entries: readonly AclEntry[]): string | undefined {
  if (entries.length === 0) return t('An ACL needs at least one entry: ZooKeeper refuses an empty one.');
  for (const [index, entry] of entries.entries()) {
    const problem = validateEntry(entry);
    if (problem) return t('Entry {0} ({1}): {2}', index + 1, `${entry.scheme || '?'}:${entry.id}`, problem);
  }
  return undefined;
}

/** Anything automation passes as an ACL, checked for shape (not for meaning: see validateAcl). */
export function parseEntries(value: unknown): AclEntry[] | string {
  if (!Array.isArray(value)) return t('Pass acl as a list of { scheme, id, perms } entries, perms in zkCli letters such as "cdrwa".');
  const entries: AclEntry[] = [];
  for (const [index, item] of (value as unknown[]).entries()) {
    const { scheme, id, perms } = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof scheme !== 'string' || typeof perms !== 'string' || (id !== undefined && typeof id !== 'string')) {
      return `acl entry ${index + 1} must be { scheme: string, id: string, perms: "cdrwa" letters }.`;
    }
    entries.push({ scheme: scheme.trim(), id: typeof id === 'string' ? id.trim() : '', perms });
  }
  return entries;
}
