import * as vscode from 'vscode';
import type { ZnodeStat } from '../../zk/stat';
import type { ZkConnection } from '../connections/zkConnection';
import type { DocumentAddress } from './documentAddress';

export interface SnapshotData {
  bytes: Uint8Array;
  stat: ZnodeStat;
}

const MAX_SNAPSHOTS = 50;

/** The server's data captured at save conflicts, served read-only at …&snapshot=<version> for Compare. */
export class ConflictSnapshots {
  private readonly snapshots = new Map<string, SnapshotData>();

  store(address: DocumentAddress, node: { data: Buffer; stat: ZnodeStat }): void {
    const key = this.key(address, node.stat.version);
    this.snapshots.delete(key);
    this.snapshots.set(key, { bytes: new Uint8Array(node.data), stat: node.stat });
    while (this.snapshots.size > MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
  }

  /** The snapshot the address names; read from the server when it still has that version, else FileNotFound. */
  async get(address: DocumentAddress, connection: ZkConnection): Promise<SnapshotData> {
    const version = address.snapshot!;
    const kept = this.snapshots.get(this.key(address, version));
    if (kept) return kept;
    const client = await connection.connect();
    const current = await client.get(address.path);
    if (current.stat.version !== version) {
      throw vscode.FileSystemError.FileNotFound(
        vscode.l10n.t('The server\'s data of "{0}" at version {1} is no longer available (the node is at version {2} now). Open the node again.', address.path, version, current.stat.version),
      );
    }
    this.store(address, current);
    return { bytes: current.data, stat: current.stat };
  }

  private key(address: DocumentAddress, version: number): string {
    return `${address.connection}\u0000${address.path}\u0000${version}`;
  }
}
