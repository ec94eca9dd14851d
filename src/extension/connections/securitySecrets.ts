import type * as vscode from 'vscode';
import { KeyedQueue } from '../../zk/concurrency';
import { addressKey } from './credentials';

/** What is kept for one server address of a connection. */
interface AddressSecrets {
  sasl?: { user: string; password: string };
  tlsKeyPassphrase?: string;
}

interface StoredSecurity {
  v: 1;
  byAddress: Record<string, AddressSecrets>;
}

/**
 * The SASL password and the TLS key's passphrase of each connection, in SecretStorage (the OS
 * keychain), never in settings or logs. Bound to the connection's name AND its normalised server
 * address, like digest credentials (credentials.ts): a workspace that defines a connection of the
 * same name with another address is never sent them. A SASL password is also bound to its user.
 */
export class SecuritySecrets {
  /** Changes of one name run one at a time: each writes the name's whole record (see KeyedQueue). */
  private readonly queue = new KeyedQueue();

  constructor(private readonly secrets: vscode.SecretStorage) {}

  private key(connection: string): string {
    return `zookeeper.security/${connection}`;
  }

  private async read(connection: string): Promise<StoredSecurity> {
    const stored = await this.secrets.get(this.key(connection));
    try {
      const parsed = stored ? (JSON.parse(stored) as Partial<StoredSecurity>) : undefined;
      if (parsed?.v === 1 && typeof parsed.byAddress === 'object' && parsed.byAddress !== null) return { v: 1, byAddress: parsed.byAddress };
    } catch {
      // unreadable: treated as nothing stored
    }
    return { v: 1, byAddress: {} };
  }

  private async write(connection: string, record: StoredSecurity): Promise<void> {
    for (const [address, entry] of Object.entries(record.byAddress)) {
      if (!entry.sasl && entry.tlsKeyPassphrase === undefined) delete record.byAddress[address];
    }
    if (Object.keys(record.byAddress).length === 0) await this.secrets.delete(this.key(connection));
    else await this.secrets.store(this.key(connection), JSON.stringify(record));
  }

  /** The SASL password stored for this address and user, if any. */
  async saslPassword(connection: string, connectString: string, user: string): Promise<string | undefined> {
    const entry = (await this.read(connection)).byAddress[addressKey(connectString)];
    return entry?.sasl?.user === user ? entry.sasl.password : undefined;
  }

  async setSasl(connection: string, connectString: string, sasl: { user: string; password: string } | null): Promise<void> {
    return this.queue.run([connection], async () => {
      const record = await this.read(connection);
      const address = addressKey(connectString);
      const entry = (record.byAddress[address] ??= {});
      if (sasl) entry.sasl = { user: sasl.user, password: sasl.password };
      else delete entry.sasl;
      await this.write(connection, record);
    });
  }

  async keyPassphrase(connection: string, connectString: string): Promise<string | undefined> {
    return (await this.read(connection)).byAddress[addressKey(connectString)]?.tlsKeyPassphrase;
  }

  async setKeyPassphrase(connection: string, connectString: string, passphrase: string | null): Promise<void> {
    return this.queue.run([connection], async () => {
      const record = await this.read(connection);
      const address = addressKey(connectString);
      const entry = (record.byAddress[address] ??= {});
      if (passphrase === null) delete entry.tlsKeyPassphrase;
      else entry.tlsKeyPassphrase = passphrase;
      await this.write(connection, record);
    });
  }

  /** The connection was renamed: its secrets move with it. */
  async rename(from: string, to: string): Promise<void> {
    return this.queue.run([from, to], async () => {
      if (from === to) return;
      const record = await this.read(from);
      if (Object.keys(record.byAddress).length === 0) return;
      await this.write(to, record);
      await this.secrets.delete(this.key(from));
    });
  }

  async delete(connection: string): Promise<void> {
    return this.queue.run([connection], async () => {
      await this.secrets.delete(this.key(connection));
    });
  }
}
