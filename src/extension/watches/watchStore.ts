import type * as vscode from 'vscode';
import type { WatchKind, WatchSpec } from '../../zk/watch/types';

const KEY = 'zookeeper.watches';
const KINDS: readonly WatchKind[] = ['data', 'children', 'subtree'];

/** The watches of each connection, kept in the workspace state so they survive restarts of VS Code. */
export class WatchStore {
  constructor(private readonly state: vscode.Memento) {}

  private all(): Record<string, WatchSpec[]> {
    const raw = this.state.get<Record<string, unknown>>(KEY, {});
    const result: Record<string, WatchSpec[]> = {};
    for (const [connection, specs] of Object.entries(raw ?? {})) {
      if (!Array.isArray(specs)) continue;
      result[connection] = specs.filter(
        (s): s is WatchSpec => typeof s === 'object' && s !== null && typeof (s as WatchSpec).path === 'string' && KINDS.includes((s as WatchSpec).kind),
      );
    }
    return result;
  }

  get(connection: string): WatchSpec[] {
    return this.all()[connection] ?? [];
  }

  async add(connection: string, spec: WatchSpec): Promise<boolean> {
    const all = this.all();
    const specs = all[connection] ?? [];
    if (specs.some((s) => s.path === spec.path && s.kind === spec.kind)) return false;
    all[connection] = [...specs, { path: spec.path, kind: spec.kind }];
    await this.state.update(KEY, all);
    return true;
  }

  async remove(connection: string, spec: WatchSpec): Promise<boolean> {
    const all = this.all();
    const specs = all[connection] ?? [];
    const rest = specs.filter((s) => !(s.path === spec.path && s.kind === spec.kind));
    if (rest.length === specs.length) return false;
    if (rest.length) all[connection] = rest;
    else delete all[connection];
    await this.state.update(KEY, all);
    return true;
  }

  async rename(from: string, to: string): Promise<void> {
    const all = this.all();
    if (!all[from]) return;
    all[to] = [...(all[to] ?? []), ...all[from]];
    delete all[from];
    await this.state.update(KEY, all);
  }
}
