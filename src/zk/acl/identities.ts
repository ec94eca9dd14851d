import { digestId } from '../acl';
import type { ZkClient } from '../client';
import { isZkError } from '../errors';
import { t } from '../l10n';

/** One identity the server granted this session: `ip:127.0.0.1`, `digest:alice`, `sasl:bob`, `x509:CN=…`, `super:…`. */
export interface SessionIdentity {
  scheme: string;
  id: string;
}

export interface SessionIdentities {
  identities: SessionIdentity[];
  /** 'server': the server's own answer (whoAmI); 'derived': the server is older than 3.7, so this is what the client knows it sent. */
  source: 'server' | 'derived';
  /** Why the list is derived, as a sentence (only when source is 'derived'). */
  note?: string;
  /**
   * Full digest ids (`user:hash`) of the credentials this client sent, by user. whoAmI names digest
   * identities by user only; the hash tells two passwords of one user apart when matching ACLs.
   */
  digestIds: Record<string, string>;
}

/** An IPv4 address a dual-stack socket reports as `::ffff:a.b.c.d`, as ZooKeeper names it. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

/**
 * Who the server thinks this session is. whoAmI (opcode 107) exists from ZooKeeper 3.7; an older
 * server answers UNIMPLEMENTED (its submitRequest hands unknown types to UnimplementedRequestProcessor),
 * and then the list is what the client can know for itself: the ip of its socket and the digest users it added.
 */
export async function sessionIdentities(client: ZkClient, digest: readonly { user: string; password: string }[] = []): Promise<SessionIdentities> {
  const digestIds: Record<string, string> = {};
  for (const { user, password } of digest) digestIds[user] = digestId(user, password);
  try {
    const granted = await client.whoAmI();
    return { identities: granted.map(({ scheme, user }) => ({ scheme, id: user })), source: 'server', digestIds };
  } catch (error) {
    if (!isZkError(error, 'UNIMPLEMENTED')) throw error;
    const identities: SessionIdentity[] = [];
    const local = client.localAddress;
    if (local) identities.push({ scheme: 'ip', id: plainAddress(local) });
    for (const { user } of digest) identities.push({ scheme: 'digest', id: user });
    return {
      identities,
      source: 'derived',
      note: t('This server does not answer whoAmI (it needs ZooKeeper 3.7 or newer): these are the identities this client sent, not a list the server confirmed.'),
      digestIds,
    };
  }
}

export function formatIdentity(identity: SessionIdentity): string {
  return `${identity.scheme}:${identity.id}`;
}
