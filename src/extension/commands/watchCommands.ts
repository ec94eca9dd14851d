import * as vscode from 'vscode';
import { WatchEventItem, WatchItem, canCompare, type WatchesProvider } from '../../tree/watchesProvider';
import { classifyData, detectLanguage } from '../../zk/codecs';
import type { WatchEventRecord, WatchKind } from '../../zk/watch/types';
import { COMMANDS } from '../commandIds';
import type { ConnectionManager } from '../connections/connectionManager';
import { UserError } from '../errors';
import type { Logger } from '../logging';
import { snapshotUri } from '../watches/snapshotDocuments';
import type { WatchService } from '../watches/watchService';
import { asArgs, resolveNode } from './resolve';
import { registerCommand } from './registerCommand';

const KINDS: WatchKind[] = ['data', 'children', 'subtree'];

/** The kinds of watch as the picker shows them, in the display language. */
function kindPicks(): { watchKind: WatchKind; label: string; detail: string }[] {
  return [
    { watchKind: 'data', label: vscode.l10n.t('Data'), detail: vscode.l10n.t('Its data changes, or it is created or deleted.') },
    { watchKind: 'children', label: vscode.l10n.t('Children'), detail: vscode.l10n.t('A child is added or removed (service instances, lock contenders, queue items).') },
    { watchKind: 'subtree', label: vscode.l10n.t('Subtree'), detail: vscode.l10n.t('Anything below it is created, changed or deleted (persistent recursive watch, ZooKeeper 3.6+).') },
  ];
}
const TYPES: WatchEventRecord['type'][] = ['created', 'deleted', 'dataChanged', 'childrenChanged'];

export function registerWatchCommands(subscriptions: vscode.Disposable[], log: Logger, connections: ConnectionManager, service: WatchService, panel: WatchesProvider): void {
  registerCommand(subscriptions, log, COMMANDS.watch, async (arg?: unknown) => {
    const { connection, path } = await resolveNode(connections, arg);
    const args = asArgs(arg);
    let kind: WatchKind;
    if (args) {
      if (!KINDS.some((k) => k === args.kind)) throw new UserError('Pass the kind of watch: { connection, path, kind: "data" | "children" | "subtree" }.');
      kind = args.kind as WatchKind;
    } else {
      const watched = service.kindsOf(connection.name, path);
      const pick = await vscode.window.showQuickPick(
        kindPicks().map((k) => ({ ...k, description: watched.includes(k.watchKind) ? vscode.l10n.t('already watched') : '' })),
        { title: vscode.l10n.t('Watch {0} on {1}', path, connection.name), placeHolder: vscode.l10n.t('Tell me when…') },
      );
      if (!pick) return undefined;
      kind = pick.watchKind;
    }
    const watch = await service.watch(connection, { path, kind });
    if (!args) {
      vscode.window.setStatusBarMessage(vscode.l10n.t('Watching {0} ({1}) on {2}.', path, kind, connection.name), 4000);
      if (watch.mode === 'one-shot') {
        void vscode.window.showInformationMessage(
          vscode.l10n.t('Watching {0} ({1}). The server is older than 3.6, so one-shot watches are re-armed after each event; changes in between are found by comparing versions.', path, kind),
        );
      }
    }
    return { connection: connection.name, path, kind, mode: watch.mode };
  });

  registerCommand(subscriptions, log, COMMANDS.unwatch, async (arg?: unknown) => {
    if (arg instanceof WatchItem) {
      const removed = await service.unwatch(arg.watch.connection, arg.watch.spec.path, arg.watch.spec.kind);
      return { removed: removed.length };
    }
    const { connection, path } = await resolveNode(connections, arg);
    const args = asArgs(arg);
    const kind = args && typeof args.kind === 'string' ? (args.kind as WatchKind) : undefined;
    const removed = await service.unwatch(connection.name, path, kind);
    if (removed.length === 0 && args) throw new UserError(kind ? vscode.l10n.t('{0} on {1} is not watched for {2}.', path, connection.name, kind) : vscode.l10n.t('{0} on {1} is not watched.', path, connection.name));
    return { connection: connection.name, path, removed: removed.map((s) => s.kind) };
  });

  registerCommand(subscriptions, log, COMMANDS.clearWatchEvents, () => {
    const count = service.log.entries().length;
    service.log.clear();
    return { cleared: count };
  });

  registerCommand(subscriptions, log, COMMANDS.filterWatchEvents, async (arg?: unknown) => {
    const args = asArgs(arg);
    let filter: { path?: string; types?: WatchEventRecord['type'][] };
    if (args) {
      const types = Array.isArray(args.types) ? (args.types as unknown[]).filter((t): t is WatchEventRecord['type'] => TYPES.includes(t as WatchEventRecord['type'])) : undefined;
      filter = { ...(typeof args.path === 'string' && args.path ? { path: args.path } : {}), ...(types?.length ? { types } : {}) };
    } else {
      const path = await vscode.window.showInputBox({
        title: vscode.l10n.t('Filter watch events (1/2)'),
        prompt: vscode.l10n.t('Part of the path to show (empty: every path)'),
        value: panel.currentFilter.path ?? '',
      });
      if (path === undefined) return undefined;
      const picks = await vscode.window.showQuickPick(
        TYPES.map((type) => ({ label: type, picked: !panel.currentFilter.types || panel.currentFilter.types.includes(type) })),
        { title: vscode.l10n.t('Filter watch events (2/2)'), placeHolder: vscode.l10n.t('Event types to show'), canPickMany: true },
      );
      if (!picks) return undefined;
      const types = picks.map((p) => p.label);
      filter = { ...(path ? { path } : {}), ...(types.length && types.length < TYPES.length ? { types } : {}) };
    }
    panel.setFilter(filter);
    return { filter, shown: panel.shownEvents().length };
  });

  registerCommand(subscriptions, log, COMMANDS.exportWatchEvents, async (arg?: unknown) => {
    const args = asArgs(arg);
    let target: vscode.Uri | undefined;
    if (args) {
      if (typeof args.uri !== 'string' && !(args.uri instanceof vscode.Uri)) throw new UserError('Pass where to write: { uri: "file:///…/events.json" }.');
      target = typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri;
    } else {
      target = await vscode.window.showSaveDialog({ title: vscode.l10n.t('Export the watch events'), filters: { JSON: ['json'] }, saveLabel: vscode.l10n.t('Export') });
      if (!target) return undefined;
    }
    const events = panel.shownEvents().map((e) => ({
      time: new Date(e.time).toISOString(),
      connection: e.connection,
      type: e.type,
      path: e.path,
      watch: e.watch,
      detectedBy: e.detectedBy,
      ...(e.before ? { before: { version: e.before.version, ...(e.before.data ? { dataBase64: Buffer.from(e.before.data).toString('base64') } : {}) } } : {}),
      ...(e.after ? { after: { version: e.after.version, ...(e.after.data ? { dataBase64: Buffer.from(e.after.data).toString('base64') } : {}) } } : {}),
      ...(e.added ? { added: e.added } : {}),
      ...(e.removed ? { removed: e.removed } : {}),
    }));
    const body = JSON.stringify({ exported: new Date().toISOString(), dropped: service.log.dropped, events }, null, 2);
    await vscode.workspace.fs.writeFile(target, Buffer.from(body + '\n', 'utf8'));
    if (!args) vscode.window.setStatusBarMessage(vscode.l10n.t('Exported {0} watch events to {1}', events.length, target.fsPath), 5000);
    return { uri: target.toString(), count: events.length };
  });

  registerCommand(subscriptions, log, COMMANDS.compareWatchEvent, async (arg?: unknown) => {
    if (!(arg instanceof WatchEventItem)) throw new UserError(vscode.l10n.t('Compare works on a data change in the ZooKeeper Watches panel.'));
    const { event } = arg;
    if (!canCompare(event)) throw new UserError(vscode.l10n.t('The data of this change was not captured, so there is nothing to compare.'));
    const before = snapshotUri(event.connection, event, 'before');
    const after = snapshotUri(event.connection, event, 'after');
    // The snapshots have no file extension: without this the diff opens as Plain Text. Both sides get the
    // language of the newer text (JSON, YAML, …), the one the node's own editor would get.
    const language = languageOf(event.after?.data) ?? languageOf(event.before?.data);
    if (language && (await vscode.languages.getLanguages()).includes(language)) {
      for (const side of [before, after]) {
        const document = await vscode.workspace.openTextDocument(side);
        if (document.languageId !== language) await vscode.languages.setTextDocumentLanguage(document, language);
      }
    }
    await vscode.commands.executeCommand(
      'vscode.diff',
      before,
      after,
      `${event.path} v${event.before?.version ?? '?'} ↔ v${event.after?.version ?? '?'} (${event.connection})`,
    );
    return { path: event.path, language: language ?? 'plaintext' };
  });
}

/** The editor language of captured data when it is text (what Open gives the node), else undefined. */
function languageOf(data: Uint8Array | undefined): string | undefined {
  if (!data) return undefined;
  const verdict = classifyData(data);
  if (verdict.kind !== 'text') return undefined;
  const language = detectLanguage(verdict.text);
  return language === 'plaintext' ? undefined : language;
}
