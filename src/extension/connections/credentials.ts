import type * as vscode from 'vscode';

export interface DigestCredentials {
  user: string;
  password: string;
}

/** Digest credentials per connection name, in SecretStorage (the OS keychain), never in settings or logs. */
export class CredentialStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  private key(connection: string): string {
    return `zookeeper.digest/${connection}`;
  }

  async get(connection: string): Promise<DigestCredentials | undefined> {
    const stored = await this.secrets.get(this.key(connection));
    if (!stored) return undefined;
    try {
      const parsed = JSON.parse(stored) as Partial<DigestCredentials>;
      return typeof parsed.user === 'string' && typeof parsed.password === 'string' ? { user: parsed.user, password: parsed.password } : undefined;
    } catch {
      return undefined;
    }
  }

  async set(connection: string, credentials: DigestCredentials): Promise<void> {
    await this.secrets.store(this.key(connection), JSON.stringify(credentials));
  }

  async delete(connection: string): Promise<void> {
    await this.secrets.delete(this.key(connection));
  }
}
