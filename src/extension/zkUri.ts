import * as vscode from 'vscode';
import { validatePath } from '../zk/paths';
import { UserError } from './errors';

export const ZK_SCHEME = 'zk';

/** zk://<connection name>/<znode path>: the one way a znode is named outside src/zk. */
export class ZkUri {
  private constructor(
    readonly connection: string,
    readonly path: string,
  ) {}

  static create(connection: string, path: string): ZkUri {
    if (!connection) throw new UserError(vscode.l10n.t('A zk:// address needs a connection name: zk://<connection>/<path>.'));
    const problem = validatePath(path);
    if (problem) throw new UserError(problem);
    return new ZkUri(connection, path);
  }

  static parse(uri: vscode.Uri): ZkUri {
    if (uri.scheme !== ZK_SCHEME) throw new UserError(vscode.l10n.t('"{0}" is not a zk:// address.', uri.toString()));
    return ZkUri.create(uri.authority, uri.path === '' ? '/' : uri.path);
  }

  with(change: { connection?: string; path?: string }): ZkUri {
    return ZkUri.create(change.connection ?? this.connection, change.path ?? this.path);
  }

  toUri(): vscode.Uri {
    return vscode.Uri.from({ scheme: ZK_SCHEME, authority: this.connection, path: this.path });
  }

  toString(): string {
    return this.toUri().toString();
  }
}
