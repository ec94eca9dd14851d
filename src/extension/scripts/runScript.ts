import * as vscode from 'vscode';
import { SCRIPT_LANGUAGE } from '../../server/protocol';
import { diagnose, isDestructive, parseScript, type ParsedCommand } from '../../server/script';
import { errorMessage } from '../../zk/errors';
import { COMMANDS } from '../commandIds';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';
import { registerCommand } from '../commands/registerCommand';
import { asArgs } from '../commands/resolve';
import type { Logger } from '../logging';
import type { WatchService } from '../watches/watchService';
import { executeCommand, type ScriptHooks } from './execute';


/** What a CodeLens or the editor title passes: a UI run (it may ask), unlike a plain argument object. */
export class ScriptRunRequest {
  constructor(
    readonly uri: vscode.Uri,
    readonly line?: number,
  ) {}
}

export interface CommandResult {
  line: number;
  command: string;
  ok: boolean;
  output: string;
  error?: string;
}

export interface ScriptRunResult {
  connection: string;
  results: CommandResult[];
  /** Commands not run because an earlier one failed (without continueOnError). */
  skipped: number;
  ok: boolean;
}

export interface ScriptDependencies {
  connections: ConnectionManager;
  watches: WatchService;
  /** After a run: the tree and open editors show the server's new state. */
  onChanged(connection: ZkConnection, paths: string[]): void;
  version: string;
}

/** The text of a command line for the transcript, with the secret of `addauth` masked. */
function echo(line: string, command: ParsedCommand): string {
  if (command.spec?.name !== 'addauth') return line.trim();
  // Everything after the scheme may be secret (user:password, quoted or not): mask all of it.
  return line.trim().replace(/^(addauth\s+\S+)(\s+).*$/, '$1$2****');
}

export function registerScripts(subscriptions: vscode.Disposable[], log: Logger, deps: ScriptDependencies): void {
  const output = vscode.window.createOutputChannel('ZooKeeper Script');
  subscriptions.push(output);

  const run = async (arg?: unknown): Promise<ScriptRunResult | undefined> => {
    const args = asArgs(arg);
    const request = arg instanceof ScriptRunRequest ? arg : undefined;
    const uriArg = request?.uri ?? (args && typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args?.uri instanceof vscode.Uri ? args.uri : arg instanceof vscode.Uri ? arg : undefined);
    const uri = uriArg ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) throw new UserError(vscode.l10n.t('Open a ZooKeeper script (.zk) first, or pass { uri }.'));
    if (!vscode.workspace.isTrusted) {
      // A script is code from the workspace acting on the user's clusters: Restricted Mode runs none.
      throw new UserError(vscode.l10n.t('Scripts do not run in Restricted Mode: trust this workspace first (Manage Workspace Trust) to run ZooKeeper scripts.'));
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const script = parseScript(document.getText());
    const onlyLine = request?.line ?? (args && typeof args.line === 'number' ? args.line : undefined);
    const commands = onlyLine === undefined ? script.commands : script.commands.filter((c) => c.line === onlyLine);
    if (commands.length === 0) throw new UserError(onlyLine === undefined ? vscode.l10n.t('The script has no commands.') : vscode.l10n.t('Line {0} holds no command.', onlyLine + 1));

    const errors = diagnose(script).filter((d) => d.severity === 1 && commands.some((c) => c.line === d.range.start.line));
    if (errors.length > 0) {
      const first = errors[0];
      throw new UserError(
        errors.length === 1
          ? vscode.l10n.t('Line {0}: {1} Nothing was run; fix the script first (1 problem).', first.range.start.line + 1, first.message)
          : vscode.l10n.t('Line {0}: {1} Nothing was run; fix the script first ({2} problems).', first.range.start.line + 1, first.message, errors.length),
      );
    }

    const name = (args && typeof args.connection === 'string' ? args.connection : undefined) ?? (script.directive?.name || undefined);
    const connection = name ? deps.connections.require(name) : deps.connections.active;
    if (!connection) throw new UserError(vscode.l10n.t('No connection to run the script on: add "# connection: <name>" as its first line, or connect to a cluster first.'));

    const writes = commands.filter((c) => c.spec?.writes);
    if (connection.readOnly && writes.length > 0) {
      throw new UserError(vscode.l10n.t('{0} is read-only: the script writes (line {1}). Nothing was run.', connection.name, writes.map((c) => c.line + 1).join(', ')));
    }
    const destructive = commands.filter((c) => isDestructive(c));
    // Only the user's own settings may waive the confirmation: a workspace (a cloned repository)
    // listing a connection here would let its scripts delete on the user's clusters unasked.
    const sandboxed = vscode.workspace.getConfiguration('zookeeper.scripts').inspect<unknown>('sandboxConnections')?.globalValue;
    const sandbox = Array.isArray(sandboxed) && sandboxed.includes(connection.name);
    if (destructive.length > 0 && !sandbox) {
      const list = destructive.map((c) => `line ${c.line + 1}: ${echo(script.lines[c.line], c)}`).join('\n');
      if (args) {
        if (args.confirmDestructive !== true) throw new UserError(`The script deletes or changes ACLs on ${connection.name} (${destructive.length} ${destructive.length === 1 ? 'command' : 'commands'}). Pass confirmDestructive: true, or list the connection in zookeeper.scripts.sandboxConnections.`);
      } else {
        const runLabel = vscode.l10n.t('Run');
        const answer = await vscode.window.showWarningMessage(
          vscode.l10n.t('Run destructive commands on {0}?', connection.name),
          { modal: true, detail: `${list}\n\n${vscode.l10n.t('{0} is not in zookeeper.scripts.sandboxConnections.', connection.name)}` },
          runLabel,
        );
        if (answer !== runLabel) return undefined;
      }
    }

    const client = await connection.connect();
    const continueOnError = args?.continueOnError === true;
    const hooks: ScriptHooks = {
      version: deps.version,
      watch: async (path, kind) => {
        await deps.watches.watch(connection, { path, kind });
      },
      unwatch: async (path, kind) => (await deps.watches.unwatch(connection.name, path, kind)).length,
    };
    const results: CommandResult[] = [];
    const changed = new Set<string>();
    let skipped = 0;
    output.appendLine(`# ${new Date().toISOString()} ${vscode.workspace.asRelativePath(uri)} on ${connection.name}`);
    for (let i = 0; i < commands.length; i++) {
      const command = commands[i];
      const text = echo(script.lines[command.line], command);
      output.appendLine(`[zk: ${connection.name}(${connection.status.toUpperCase()})] ${text}`);
      try {
        const outcome = await executeCommand(client, command, hooks);
        for (const p of outcome.changed) changed.add(p);
        if (outcome.output) output.appendLine(outcome.output);
        results.push({ line: command.line, command: text, ok: true, output: outcome.output });
      } catch (error) {
        const message = errorMessage(error);
        output.appendLine(vscode.l10n.t('Error: {0}', message));
        results.push({ line: command.line, command: text, ok: false, output: '', error: message });
        if (!continueOnError) {
          skipped = commands.length - i - 1;
          if (skipped > 0) output.appendLine(skipped === 1 ? vscode.l10n.t('Stopped at line {0}; 1 command not run.', command.line + 1) : vscode.l10n.t('Stopped at line {0}; {1} commands not run.', command.line + 1, skipped));
          break;
        }
      }
    }
    output.appendLine('');
    if (changed.size > 0) deps.onChanged(connection, [...changed]);
    const failed = results.filter((r) => !r.ok);
    log.info(`script ${uri.toString()} on ${connection.name}: ${results.length - failed.length} ok, ${failed.length} failed, ${skipped} skipped`);
    if (!args) {
      output.show(true);
      if (failed.length > 0) {
        const said = vscode.l10n.t('Line {0}: {1}', failed[0].line + 1, failed[0].error ?? '');
        void vscode.window.showErrorMessage(skipped ? `${said} ${vscode.l10n.t('The rest of the script ({0}) was not run.', skipped)}` : said);
      } else {
        vscode.window.setStatusBarMessage(results.length === 1 ? vscode.l10n.t('Ran 1 command on {0}.', connection.name) : vscode.l10n.t('Ran {0} commands on {1}.', results.length, connection.name), 5000);
      }
    }
    return { connection: connection.name, results, skipped, ok: failed.length === 0 };
  };
  registerCommand(subscriptions, log, COMMANDS.runScript, run);

  subscriptions.push(vscode.languages.registerCodeLensProvider({ language: SCRIPT_LANGUAGE }, new ScriptCodeLenses(deps.connections)));
}

/** "Run script on <connection>" above the first command, and "Run" on each command. */
class ScriptCodeLenses implements vscode.CodeLensProvider {
  constructor(private readonly connections: ConnectionManager) {}

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const script = parseScript(document.getText());
    if (script.commands.length === 0) return [];
    const target = script.directive?.name || this.connections.active?.name;
    const top = new vscode.Range(script.commands[0].line, 0, script.commands[0].line, 0);
    const lenses = [
      new vscode.CodeLens(top, {
        title: `$(play) ${target ? vscode.l10n.t('Run script on {0}', target) : vscode.l10n.t('Run script (no connection yet)')}`,
        command: COMMANDS.runScript,
        arguments: [new ScriptRunRequest(document.uri)],
      }),
    ];
    for (const command of script.commands) {
      if (!command.spec) continue;
      lenses.push(new vscode.CodeLens(new vscode.Range(command.line, 0, command.line, 0), { title: `$(play) ${vscode.l10n.t('Run')}`, command: COMMANDS.runScript, arguments: [new ScriptRunRequest(document.uri, command.line)] }));
    }
    return lenses;
  }
}
