import { createHash } from 'node:crypto';

export const Perm = { read: 1, write: 2, create: 4, delete: 8, admin: 16, all: 31 } as const;

export interface ZkId {
  scheme: string;
  id: string;
}

export interface ZkAcl {
  perms: number;
  id: ZkId;
}

export const OPEN_ACL_UNSAFE: readonly ZkAcl[] = [{ perms: Perm.all, id: { scheme: 'world', id: 'anyone' } }];
export const READ_ACL_UNSAFE: readonly ZkAcl[] = [{ perms: Perm.read, id: { scheme: 'world', id: 'anyone' } }];
/** All permissions for whoever authenticated on this session (the `auth` scheme). */
export const CREATOR_ALL_ACL: readonly ZkAcl[] = [{ perms: Perm.all, id: { scheme: 'auth', id: '' } }];

/** zkCli's letters: c d r w a. */
export function formatPerms(perms: number): string {
  return (
    (perms & Perm.create ? 'c' : '') +
    (perms & Perm.delete ? 'd' : '') +
    (perms & Perm.read ? 'r' : '') +
    (perms & Perm.write ? 'w' : '') +
    (perms & Perm.admin ? 'a' : '')
  );
}

export function parsePerms(letters: string): number {
  let perms = 0;
  for (const letter of letters) {
    const bit = { c: Perm.create, d: Perm.delete, r: Perm.read, w: Perm.write, a: Perm.admin }[letter];
    if (bit === undefined) throw new Error(`"${letter}" is not a ZooKeeper permission; use the letters c, d, r, w and a.`);
    perms |= bit;
  }
  return perms;
}

export function formatAcl(acl: ZkAcl): string {
  return `${acl.id.scheme}:${acl.id.id}:${formatPerms(acl.perms)}`;
}

/** The id the digest scheme stores for `user:password`: `user:base64(sha1("user:password"))`. */
export function digestId(user: string, password: string): string {
  return `${user}:${createHash('sha1').update(`${user}:${password}`).digest('base64')}`;
}
