import * as vscode from 'vscode';
import { decodeText, hexDump } from '../../zk/codecs';
import type { EventLog } from '../../zk/watch/eventLog';
import type { WatchEventRecord } from '../../zk/watch/types';

export const SNAPSHOT_SCHEME = 'zk-watch';

/** zk-watch:/<connection>/<seq>/<before|after><path>: the data a watch event saw, for Compare. */
export function snapshotUri(connection: string, event: WatchEventRecord, side: 'before' | 'after'): vscode.Uri {
  const version = side === 'before' ? event.before?.version : event.after?.version;
  return vscode.Uri.from({
    scheme: SNAPSHOT_SCHEME,
    path: `/${encodeURIComponent(connection)}/${event.seq}/${side}${event.path}`,
    query: `version=${version ?? ''}`,
  });
}

/** Read-only documents with the data before and after a watch event (from the event log). */
export class SnapshotDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly log: EventLog) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, connection, seq, side] = uri.path.split('/');
    const event = this.log.entries().find((e) => e.connection === decodeURIComponent(connection ?? '') && String(e.seq) === seq);
    if (!event) return `${vscode.l10n.t('This watch event is no longer in the log: it keeps the newest zookeeper.watches.logSize events, and a new or reloaded window starts with an empty one. Compare a newer event from the ZooKeeper Watches panel.')}\n`;
    const snapshot = side === 'before' ? event.before : event.after;
    if (!snapshot?.data) return `${vscode.l10n.t('The data of this version was not captured (too large, or too many events at once).')}\n`;
    return decodeText(snapshot.data) ?? `${hexDump(snapshot.data)}\n`;
  }
}
