import type * as vscode from 'vscode';
import { KeyedQueue } from '../../zk/concurrency';
import { normalizeConnectString } from '../../zk/connectString';

export interface DigestCredentials {
  user: string;
  password: string;
}

/**
 * What may be sent when a connection opens:
 * - `none`: nothing is stored for this name;
 * - `digest`: credentials stored for exactly this server address;
 * - `declined`: the user chose to connect to this address without credentials;
 * - `addressChanged`: credentials exist for this name but for other addresses (`from`): they are
 *   NOT sent to `to`; the user must be asked.
 */
export type CredentialLookup =
  | { kind: 'none' }
  | { kind: 'digest'; digest: DigestCredentials }
  | { kind: 'declined' }
  | { kind: 'addressChanged'; from: string[]; to: string };

/** What is stored for one address: credentials, or `null` for "connect without, don't ask again". */
type Entry = DigestCredentials | null;

/** The stored record of one connection name: entries per normalised server address. */
interface StoredRecord {
  v: 2;
  byAddress: Record<string, Entry>;
}

/** Where credentials stored before they were bound to an address are kept when no user-level definition claims them. */
export const UNKNOWN_ADDRESS = '(an unknown address)';

/** The address key for a connect string (the string itself if it does not parse: it then matches only itself). */
export function addressKey(connectString: string): string {
  return normalizeConnectString(connectString) ?? connectString.trim();
}

function isDigest(value: unknown): value is DigestCredentials {
  const d = value as Partial<DigestCredentials> | null;
  return typeof d === 'object' && d !== null && typeof d.user === 'string' && typeof d.password === 'string';
}

/**
 * Digest credentials in SecretStorage (the OS keychain), never in settings or logs, bound to the
 * connection's name AND its server address. A name alone is not enough: a workspace's
 * .vscode/settings.json can define a connection of the same name pointing at any server, and
 * sending it the user's password would hand the password to whoever wrote the workspace.
 */
export class CredentialStore {
  /**
   * `legacyAddressOf`: the user-level definition's address of a name, where credentials stored before
   * they were bound to an address belong (every read uses it, so no path files them under no address).
   */
  constructor(
    readonly secrets: vscode.SecretStorage,
    private readonly legacyAddressOf: (connection: string) => string | undefined = () => undefined,
  ) {}

  private key(connection: string): string {
    return `zookeeper.digest/${connection}`;
  }

  /**
   * Changes of one name run one at a time: two at once (credentials set for two addresses of a name
   * by automation) each read the record without the other's entry, and the second write lost the first.
   */
  private readonly queue = new KeyedQueue();


  /**
   * The record of a name. Records stored before credentials were bound to an address are plain
   * `{ user, password }`: they are bound to `legacyAddress` (the user-level definition of the name,
   * the only place such credentials could have been meant for), or, without one, to no address.
   */
  private async read(connection: string, legacyAddress = this.legacyAddressOf(connection)): Promise<StoredRecord | undefined> {
    const stored = await this.secrets.get(this.key(connection));
    if (!stored) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(stored);
    } catch {
      return undefined;
    }
    const record = parsed as Partial<StoredRecord>;
    if (record.v === 2 && typeof record.byAddress === 'object' && record.byAddress !== null) {
      const byAddress: Record<string, Entry> = {};
      for (const [address, entry] of Object.entries(record.byAddress)) {
        if (entry === null || isDigest(entry)) byAddress[address] = entry === null ? null : { user: entry.user, password: entry.password };
      }
      return { v: 2, byAddress };
    }
    if (isDigest(parsed)) {
      const migrated: StoredRecord = { v: 2, byAddress: legacyAddress ? { [addressKey(legacyAddress)]: { user: parsed.user, password: parsed.password } } : { [UNKNOWN_ADDRESS]: { user: parsed.user, password: parsed.password } } };
      if (legacyAddress) await this.write(connection, migrated);
      return migrated;
    }
    return undefined;
  }

  private async write(connection: string, record: StoredRecord): Promise<void> {
    // A record holding only "connect without" markers protects nothing: drop it entirely.
    if (!Object.values(record.byAddress).some((entry) => entry !== null)) {
      await this.secrets.delete(this.key(connection));
      return;
    }
    await this.secrets.store(this.key(connection), JSON.stringify(record));
  }

  /** What may be sent to `connectString` for `connection` (see CredentialLookup). */
  async lookup(connection: string, connectString: string, legacyAddress?: string): Promise<CredentialLookup> {
    const record = await this.read(connection, legacyAddress);
    if (!record) return { kind: 'none' };
    const address = addressKey(connectString);
    const entry = record.byAddress[address];
    if (entry === null) return { kind: 'declined' };
    if (entry) return { kind: 'digest', digest: entry };
    const from = Object.entries(record.byAddress)
      .filter(([, e]) => e !== null)
      .map(([a]) => a);
    return from.length === 0 ? { kind: 'none' } : { kind: 'addressChanged', from, to: address };
  }

  /** The credentials stored for exactly this address, if any. */
  async get(connection: string, connectString: string, legacyAddress?: string): Promise<DigestCredentials | undefined> {
    const result = await this.lookup(connection, connectString, legacyAddress);
    return result.kind === 'digest' ? result.digest : undefined;
  }

  /** What is stored for a name, without passwords: per address, the user (or null for "connect without"). */
  async describe(connection: string): Promise<{ address: string; user: string | null }[]> {
    const record = await this.read(connection);
    return record ? Object.entries(record.byAddress).map(([address, entry]) => ({ address, user: entry?.user ?? null })) : [];
  }

  async set(connection: string, connectString: string, credentials: DigestCredentials): Promise<void> {
    return this.queue.run([connection], async () => {
      const record = (await this.read(connection)) ?? { v: 2, byAddress: {} };
      record.byAddress[addressKey(connectString)] = { user: credentials.user, password: credentials.password };
      await this.write(connection, record);
    });
  }

  /**
   * Nothing is sent to this address any more. Credentials kept for other addresses of the name stay
   * (a workspace's definition must not be able to erase the user's own), so this address gets a
   * "connect without" marker; without any, the record is deleted from SecretStorage.
   */
  async revoke(connection: string, connectString: string): Promise<void> {
    return this.queue.run([connection], async () => {
      const record = await this.read(connection);
      if (!record) return;
      record.byAddress[addressKey(connectString)] = null;
      await this.write(connection, record);
    });
  }

  /**
   * The connection was renamed: what is stored moves with it, except the entry of `keepAddress` (the
   * user's own definition of the old name, which stays when a workspace's definition is renamed).
   */
  async rename(from: string, to: string, keepAddress?: string): Promise<void> {
    return this.queue.run([from, to], async () => {
      if (from === to) return;
      const record = await this.read(from);
      if (!record) return;
      const keep = keepAddress === undefined ? undefined : addressKey(keepAddress);
      const moved: StoredRecord = { v: 2, byAddress: {} };
      const stays: StoredRecord = { v: 2, byAddress: {} };
      for (const [address, entry] of Object.entries(record.byAddress)) (address === keep ? stays : moved).byAddress[address] = entry;
      await this.write(to, moved);
      await this.write(from, stays);
    });
  }

  /**
   * The user confirmed that the credentials of `fromAddress` are meant for `toAddress` too (an edit of
   * the address). With `keepFrom` (the user's own definition still uses `fromAddress`) they are copied.
   */
  async carryOver(connection: string, fromAddress: string, toAddress: string, keepFrom = false): Promise<boolean> {
    return this.queue.run([connection], async () => {
      const record = await this.read(connection);
      const entry = record?.byAddress[addressKey(fromAddress)];
      if (!record || !entry) return false;
      record.byAddress[addressKey(toAddress)] = entry;
      if (!keepFrom) delete record.byAddress[addressKey(fromAddress)];
      await this.write(connection, record);
      return true;
    });
  }

  /** Deletes everything stored for a name, except what `keepAddress` (another definition of the name that stays) needs. */
  async delete(connection: string, keepAddress?: string): Promise<void> {
    return this.queue.run([connection], async () => {
      if (keepAddress !== undefined) {
        const key = addressKey(keepAddress);
        const kept = (await this.read(connection, keepAddress))?.byAddress[key];
        if (kept) {
          await this.write(connection, { v: 2, byAddress: { [key]: kept } });
          return;
        }
      }
      await this.secrets.delete(this.key(connection));
    });
  }
}
