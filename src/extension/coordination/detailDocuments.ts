import * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/connectionManager';
import { UserError } from '../errors';
import { loadDetail, renderDetail, type CoordinationDetail } from './coordinationDetail';

export const COORDINATION_SCHEME = 'zk-coordination';
const SUFFIX = ' (Coordination)';

/** zk-coordination://<connection>/<path> (Coordination): the tab reads "inventory (Coordination)". */
export function detailUri(connection: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: COORDINATION_SCHEME, authority: connection, path: `${path}${SUFFIX}` });
}

function parseDetailUri(uri: vscode.Uri): { connection: string; path: string } {
  const path = uri.path.endsWith(SUFFIX) ? uri.path.slice(0, -SUFFIX.length) : uri.path;
  return { connection: uri.authority, path: path || '/' };
}

/** Read-only Markdown documents with a recipe's detail, read again whenever the recipe changes on the server. */
export class CoordinationDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly latest = new Map<string, CoordinationDetail>();

  constructor(
    private readonly connections: ConnectionManager,
    private readonly maxNodes: () => number,
  ) {}

  /** Reads the detail now (the command returns it); the document shows the same reading. */
  async load(connection: string, path: string): Promise<CoordinationDetail> {
    const zk = this.connections.require(connection);
    const client = await zk.connect();
    const detail = await loadDetail(client, zk.name, path, { maxNodes: this.maxNodes() });
    this.latest.set(detailUri(connection, path).toString(), detail);
    return detail;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const known = this.latest.get(uri.toString());
    this.latest.delete(uri.toString());
    const { connection, path } = parseDetailUri(uri);
    try {
      return renderDetail(known ?? (await this.load(connection, path)));
    } catch (error) {
      throw error instanceof UserError ? error : new UserError(`Could not read the coordination detail of ${path} on ${connection}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The recipe at path changed on the server: open detail documents read it again. */
  recipeChanged(connection: string, path: string): void {
    const uri = detailUri(connection, path);
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) this.changeEmitter.fire(uri);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
