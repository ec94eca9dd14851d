import type * as vscode from 'vscode';
import type { ConnectionState, ZkClient } from '../zk/client';
import type { EventLog } from '../zk/watch/eventLog';
import type { WatchSpec } from '../zk/watch/types';

/**
 * What the views need of one connection: its state for the row, its client for reads. The views
 * depend on these narrow interfaces, not on src/extension (a lint rule keeps it so); the
 * composition root (activate) hands them the real ZkConnection and ConnectionManager.
 */
export interface ConnectionSource {
  readonly name: string;
  readonly status: 'disconnected' | 'failed' | ConnectionState;
  readonly statusText: string;
  readonly isOpen: boolean;
  readonly readOnly: boolean;
  /** Where the definition lives: a workspace's own connections are marked as such. */
  readonly origin: 'user' | 'workspace' | 'folder';
  readonly config: { readonly connectString: string };
  readonly lastError: string | undefined;
  /** The open session's client, or undefined: reading it never connects. */
  readonly activeClient: ZkClient | undefined;
  /** Connects when needed (expanding a row of a disconnected connection does). */
  connect(): Promise<ZkClient>;
  describeSession(): string | undefined;
  /** The digest users the open session authenticated as (names only: never a password). */
  readonly sessionUsers: readonly string[];
  /** Who the server says the open session is (whoAmI), once read. */
  readonly identities?: { identities: readonly { scheme: string; id: string }[]; source: 'server' | 'derived'; note?: string };
}

/** The connections, and when they change. */
export interface ConnectionsSource<C extends ConnectionSource = ConnectionSource> {
  list(): readonly C[];
  get(name: string): C | undefined;
  /** The list changed (added, removed, edited). */
  readonly onDidChangeConnections: vscode.Event<void>;
  /** One connection's state changed. */
  readonly onDidChangeConnection: vscode.Event<C>;
  /** A connection's session expired and a new one replaced it. */
  readonly onDidRenewSession: vscode.Event<C>;
}

/** One watch as the Watches panel lists it. */
export interface WatchSource {
  readonly connection: string;
  readonly spec: WatchSpec;
  /** How the server keeps it: persistent (addWatch) or re-armed one-shot watches; unknown while disconnected. */
  readonly mode: 'persistent' | 'one-shot' | 'unknown';
  readonly connected: boolean;
}

/** What the Watches panel needs: the watches, the event log, and when the watches change. */
export interface WatchesSource {
  readonly log: EventLog;
  list(): readonly WatchSource[];
  readonly onDidChangeWatches: vscode.Event<unknown>;
}
