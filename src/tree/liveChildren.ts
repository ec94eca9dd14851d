import type * as vscode from 'vscode';
import type { ZkClient } from '../zk/client';

/**
 * Lists children with a one-shot children watch and calls `onChange(key)` (debounced) when the
 * watch fires, for as long as the key is tracked. One-shot watches cannot be withdrawn cheaply,
 * so a forgotten key's watch simply fires into nothing.
 */
export class LiveChildren implements vscode.Disposable {
  private readonly tracked = new Set<string>();
  /** `key path` pairs whose watch is set and has not fired: listing again needs no second watch. */
  private readonly armed = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly onChange: (key: string) => void,
    private readonly debounceMs = 250,
  ) {}

  async list(client: ZkClient, path: string, key: string): Promise<string[]> {
    this.tracked.add(key);
    const pair = `${key} ${path}`;
    if (this.armed.has(pair)) return (await client.getChildren(path)).children;
    this.armed.add(pair);
    try {
      const { children } = await client.getChildren(path, () => this.fired(key, pair));
      return children;
    } catch (error) {
      this.armed.delete(pair);
      throw error;
    }
  }

  private fired(key: string, pair: string): void {
    this.armed.delete(pair);
    if (!this.tracked.has(key) || this.timers.has(key)) return;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (this.tracked.has(key)) this.onChange(key);
      }, this.debounceMs),
    );
  }

  forget(predicate: (key: string) => boolean): void {
    for (const key of [...this.tracked]) {
      if (!predicate(key)) continue;
      this.tracked.delete(key);
      for (const pair of [...this.armed]) if (pair.startsWith(`${key} `)) this.armed.delete(pair);
      clearTimeout(this.timers.get(key));
      this.timers.delete(key);
    }
  }

  dispose(): void {
    this.forget(() => true);
  }
}
