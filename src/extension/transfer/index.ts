import * as fs from 'node:fs';
import { once } from 'node:events';
import * as vscode from 'vscode';
import { ConnectionItem } from '../../tree/explorerItems';
import { baseName } from '../../zk/paths';
import { exportSubtree, type ExportFormat, type ExportReport } from '../../zk/transfer/export';
import { COMMANDS } from '../commandIds';
import type { CompareProvider } from '../../tree/compareProvider';
import { registerCompare } from './compareCommand';
import { registerCopy } from './copyCommand';
import { registerImport } from './importCommand';
import { isAutomationCall, registerCommand } from '../commands/registerCommand';
import { asArgs, resolveNode } from '../commands/resolve';
import type { ConnectionManager } from '../connections/connectionManager';
import { UserError } from '../errors';
import type { Logger } from '../logging';

export interface ExportCommandResult extends ExportReport {
  connection: string;
  path: string;
  uri: string;
  format: ExportFormat;
}

/**
 * A sink for a target uri. A local file is written as a stream (a large export never sits in memory
 * twice); any other file system gets one write at the end, through vscode.workspace.fs.
 */
function sinkFor(uri: vscode.Uri): { write: (chunk: string) => void | Promise<void>; close: () => Promise<void>; discard: () => Promise<void> } {
  if (uri.scheme === 'file') {
    // Written beside the target and renamed at the end: a failed or cancelled export leaves an
    // earlier file of that name as it was.
    const partial = `${uri.fsPath}.part`;
    const stream = fs.createWriteStream(partial, { encoding: 'utf8' });
    let failure: Error | undefined;
    stream.on('error', (error) => (failure ??= error));
    let draining: Promise<void> | undefined;
    return {
      write: (chunk) => {
        if (failure) throw failure;
        // One wait per drain, however many writes meet the full buffer (not a listener each).
        if (!stream.write(chunk)) return (draining ??= once(stream, 'drain').then(() => (draining = undefined)));
      },
      close: async () => {
        stream.end();
        await once(stream, 'finish');
        if (failure) throw failure;
        await fs.promises.rename(partial, uri.fsPath);
      },
      discard: async () => {
        stream.destroy();
        await fs.promises.rm(partial, { force: true });
      },
    };
  }
  const chunks: string[] = [];
  return {
    write: (chunk) => void chunks.push(chunk),
    close: () => Promise.resolve(vscode.workspace.fs.writeFile(uri, Buffer.from(chunks.join(''), 'utf8'))),
    discard: () => Promise.resolve(),
  };
}

function describeReport(report: ExportReport, path: string, target: string): string {
  const notes = [
    report.skippedEphemeral > 0 ? vscode.l10n.t('{0} ephemeral left out', report.skippedEphemeral) : '',
    report.unreadable.length > 0
      ? vscode.l10n.t("{0} not readable with this session's credentials ({1})", report.unreadable.length, `${report.unreadable.slice(0, 2).join(', ')}${report.unreadable.length > 2 ? ', …' : ''}`)
      : '',
    report.aclMasked.length > 0 ? vscode.l10n.t('{0} with an ACL the server masked (needs ADMIN to read; not restorable)', report.aclMasked.length) : '',
    report.binaryWithoutData > 0 ? vscode.l10n.t('{0} binary written without data (use JSON to keep it)', report.binaryWithoutData) : '',
    report.truncated ? vscode.l10n.t('stopped at the node limit') : '',
  ].filter((n) => n !== '');
  const exported =
    report.exported === 1 ? vscode.l10n.t('Exported 1 node of {0} to {1}', path, target) : vscode.l10n.t('Exported {0} nodes of {1} to {2}', report.exported.toLocaleString('en-US'), path, target);
  return notes.length ? vscode.l10n.t('{0} — {1}.', exported, notes.join(vscode.l10n.t('; '))) : vscode.l10n.t('{0}.', exported);
}

/** Export Subtree: `zookeeper.exportSubtree`, from the explorer's context menu, the palette, or automation. */
export function registerTransfer(context: vscode.ExtensionContext, log: Logger, connections: ConnectionManager): { compare: CompareProvider; plans: vscode.TextDocumentContentProvider } {
  const commandLog = log.scoped('transfer');
  const { provider: compare, refresh: refreshCompare } = registerCompare(context, commandLog, connections);
  const plans = registerImport(context, commandLog, connections);
  registerCopy(context, commandLog, connections, plans, refreshCompare);
  registerCommand(context.subscriptions, commandLog, COMMANDS.exportSubtree, async (...argv: unknown[]): Promise<ExportCommandResult | undefined> => {
    const arg = argv[0];
    const args = isAutomationCall(argv) ? asArgs(arg) : undefined;
    const { connection, path } = arg instanceof ConnectionItem ? { connection: arg.connection, path: '/' } : await resolveNode(connections, arg);
    let format: ExportFormat;
    let uri: vscode.Uri;
    let includeEphemeral: boolean;
    if (args) {
      format = args.format === undefined ? 'json' : (args.format as ExportFormat);
      if (format !== 'json' && format !== 'zk') throw new UserError(`"format" is "json" or "zk"; got ${JSON.stringify(args.format)}.`);
      if (typeof args.uri !== 'string') throw new UserError('Pass where to write: { connection, path, uri: "file:///…/config.json" }.');
      try {
        uri = vscode.Uri.parse(args.uri, true);
      } catch {
        throw new UserError(`"${args.uri}" is not a uri; pass one such as file:///home/me/config.json.`);
      }
      includeEphemeral = args.includeEphemeral === true;
    } else {
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'JSON', description: vscode.l10n.t('every byte, ACLs and modes; for Import and backups'), format: 'json' as const },
          { label: vscode.l10n.t('ZooKeeper script (.zk)'), description: vscode.l10n.t('create commands to read, edit and run; binary data cannot be carried'), format: 'zk' as const },
        ],
        { title: vscode.l10n.t('Export {0} on {1}', path, connection.name), placeHolder: vscode.l10n.t('Format') },
      );
      if (!picked) return undefined;
      format = picked.format;
      const name = path === '/' ? connection.name : baseName(path);
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const fileName = `${name}${format === 'json' ? '.zk-export.json' : '.zk'}`;
      const target = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Export {0} on {1}', path, connection.name),
        defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
        filters: format === 'json' ? { [vscode.l10n.t('ZooKeeper export')]: ['json'] } : { [vscode.l10n.t('ZooKeeper script')]: ['zk'] },
        saveLabel: vscode.l10n.t('Export'),
      });
      if (!target) return undefined;
      uri = target;
      includeEphemeral = false;
    }
    const client = await connection.connect();
    const sink = sinkFor(uri);
    let report: ExportReport;
    try {
      report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exporting {0} on {1}', path, connection.name), cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return exportSubtree(client, path, sink.write, {
            format,
            includeEphemeral,
            connection: connection.name,
            signal: abort.signal,
            onProgress: ({ exported }) => progress.report({ message: vscode.l10n.t('{0} nodes', exported.toLocaleString('en-US')) }),
          });
        },
      );
      if (report.cancelled) {
        // A cut export is not valid JSON (and a cut script would recreate half a tree): nothing is written.
        await sink.discard();
      } else await sink.close();
    } catch (error) {
      await sink.discard().catch(() => undefined);
      throw error;
    }
    const where = uri.scheme === 'file' ? uri.fsPath : uri.toString();
    const result: ExportCommandResult = { connection: connection.name, path, uri: uri.toString(), format, ...report };
    if (report.cancelled) {
      if (!args) void vscode.window.showInformationMessage(vscode.l10n.t('Export of {0} cancelled; no file was written.', path));
      return result;
    }
    commandLog.info(describeReport(report, path, where));
    if (!args) {
      const open = vscode.l10n.t('Open');
      void vscode.window.showInformationMessage(describeReport(report, path, baseName(uri.path)), open).then((choice) => {
        if (choice === open) void vscode.window.showTextDocument(uri);
      });
    }
    return result;
  });
  return { compare, plans };
}
