import * as vscode from 'vscode';
import type { ConnectionManager } from '../connections/connectionManager';
import { UserError } from '../errors';
import type { ZkClient } from '../../zk/client';
import { loadDetail, renderDetail, walkForEphemerals, type CoordinationDetail } from './coordinationDetail';

export const COORDINATION_SCHEME = 'zk-coordination';
const SUFFIX = ' (Coordination)';
/** How long another session's ephemeral nodes, found by a walk, are reused for a live detail. */
const EPHEMERALS_TTL_MS = 30_000;

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
  private readonly loading = new Map<string, Promise<CoordinationDetail>>();
  /** Other sessions' ephemerals by `connection::session`: a walk of the tree is not repeated for every change of a busy lock. */
  private readonly ephemerals = new Map<string, { paths: string[]; complete: boolean; at: number }>();

  constructor(
    private readonly connections: ConnectionManager,
    private readonly maxNodes: () => number,
  ) {}

  /** Reads the detail now (the command returns it); an open document shows the same reading. */
  load(connection: string, path: string, notifyOpen = true): Promise<CoordinationDetail> {
    const uri = detailUri(connection, path).toString();
    const pending = this.loading.get(uri);
    if (pending) return pending;
    const loaded = (async () => {
      const zk = this.connections.require(connection);
      const client = await zk.connect();
      const detail = await loadDetail(client, zk.name, path, (c, ids) => this.ephemeralsOf(zk.name, c, ids));
      this.latest.set(uri, detail);
      if (notifyOpen && this.isOpen(uri)) this.changeEmitter.fire(vscode.Uri.parse(uri));
      return detail;
    })().finally(() => this.loading.delete(uri));
    this.loading.set(uri, loaded);
    return loaded;
  }

  private async ephemeralsOf(connection: string, client: ZkClient, ids: bigint[]): Promise<Map<bigint, { paths: string[]; complete: boolean }>> {
    const now = Date.now();
    const result = new Map<bigint, { paths: string[]; complete: boolean }>();
    const missing: bigint[] = [];
    for (const id of ids) {
      const cached = this.ephemerals.get(`${connection}::${id}`);
      if (cached && now - cached.at < EPHEMERALS_TTL_MS) result.set(id, cached);
      else missing.push(id);
    }
    if (missing.length > 0) {
      for (const [id, entry] of await walkForEphemerals(this.maxNodes())(client, missing)) {
        result.set(id, entry);
        this.ephemerals.set(`${connection}::${id}`, { ...entry, at: now });
      }
    }
    for (const [k, v] of this.ephemerals) if (now - v.at >= EPHEMERALS_TTL_MS) this.ephemerals.delete(k);
    return result;
  }

  private isOpen(uri: string): boolean {
    return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const known = this.latest.get(uri.toString());
    this.latest.delete(uri.toString());
    const { connection, path } = parseDetailUri(uri);
    try {
      return renderDetail(known ?? (await this.load(connection, path, false)));
    } catch (error) {
      throw error instanceof UserError ? error : new UserError(vscode.l10n.t('Could not read the coordination detail of {0} on {1}: {2}', path, connection, error instanceof Error ? error.message : String(error)));
    }
  }

  /** The recipe at path changed on the server: open detail documents read it again. */
  recipeChanged(connection: string, path: string): void {
    const uri = detailUri(connection, path);
    this.latest.delete(uri.toString());
    if (this.isOpen(uri.toString())) this.changeEmitter.fire(uri);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
