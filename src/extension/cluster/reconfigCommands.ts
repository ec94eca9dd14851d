// Dynamic reconfiguration from VS Code: `zookeeper.showEnsembleConfig` shows the configuration and
// its version; `zookeeper.reconfigure` adds or removes a server or changes a role, after a modal
// confirmation that names the quorum it leaves, and version-checked (a configuration changed since
// it was read is refused, not overwritten). The server's refusals (disabled, no rights) say why.
import * as vscode from 'vscode';
import { ClusterConnectionItem, ClusterServerItem } from '../../tree/clusterProvider';
import { ReconfigRefused, applyReconfig, describeQuorum, describeQuorumText, planReconfig, readEnsembleConfig, type EnsembleConfig, type MemberRole, type ReconfigChange } from '../../zk/cluster';
import { parseConnectString } from '../../zk/connectString';
import { COMMANDS } from '../commandIds';
import { registerCommand } from '../commands/registerCommand';
import { asArgs, resolveConnection } from '../commands/resolve';
import type { ConnectionManager } from '../connections/connectionManager';
import type { ZkConnection } from '../connections/zkConnection';
import { UserError } from '../errors';
import type { Logger } from '../logging';

export interface ConfigSummary {
  version?: string;
  members: { id: number; peerAddress: string; role: MemberRole; clientAddress?: string }[];
  /** English, stable for automation. */
  quorum: string;
  /** The same in VS Code's display language. */
  quorumText: string;
  text: string;
}

function summary(config: EnsembleConfig): ConfigSummary {
  return { version: config.version, members: config.members.map(({ id, peerAddress, role, clientAddress }) => ({ id, peerAddress, role, clientAddress })), quorum: describeQuorum(config.members), quorumText: describeQuorumText(config.members), text: config.text };
}

async function configOf(connection: ZkConnection): Promise<{ client: Awaited<ReturnType<ZkConnection['connect']>>; config: EnsembleConfig }> {
  const parsed = parseConnectString(connection.config.connectString);
  if (typeof parsed !== 'string' && parsed.chroot) {
    throw new UserError(vscode.l10n.t('{0} has a chroot ({1}), which hides /zookeeper/config: use a connection to the same servers without one.', connection.name, parsed.chroot));
  }
  const client = await connection.connect();
  const config = await readEnsembleConfig(client);
  if (config.members.length === 0) throw new UserError(vscode.l10n.t("{0}'s server shows no ensemble configuration in /zookeeper/config (a standalone server, or ZooKeeper before 3.5).", connection.name));
  return { client, config };
}

function connectionOf(connections: ConnectionManager, arg: unknown, placeHolder: string): Promise<ZkConnection> {
  if (arg instanceof ClusterConnectionItem || arg instanceof ClusterServerItem) return Promise.resolve(connections.require(arg.connection));
  return resolveConnection(connections, arg, placeHolder);
}

/** The change from automation's arguments: { add: "server.N=…" } | { remove: N } | { setRole: { id, role } }. */
function changeFromArgs(args: Record<string, unknown>): ReconfigChange {
  if (typeof args.add === 'string') return { kind: 'add', server: args.add };
  if (typeof args.remove === 'number' || (typeof args.remove === 'string' && /^\d+$/.test(args.remove))) return { kind: 'remove', id: Number(args.remove) };
  const role = args.setRole as { id?: unknown; role?: unknown } | undefined;
  if (role && Number.isInteger(Number(role.id)) && (role.role === 'participant' || role.role === 'observer')) return { kind: 'setRole', id: Number(role.id), role: role.role };
  throw new UserError('Pass one change: { add: "server.N=host:q:e:participant;host:clientPort" }, { remove: N } or { setRole: { id: N, role: "participant" | "observer" } }.');
}

async function pickChange(config: EnsembleConfig, preselected?: number): Promise<ReconfigChange> {
  const action = await vscode.window.showQuickPick(
    [
      {
        label: vscode.l10n.t('Add a server…'),
        action: 'add' as const,
        detail: vscode.l10n.t('A server.N=host:quorumPort:electionPort:role;host:clientPort line; start the server first (with the current members and itself in its configuration).'),
      },
      { label: vscode.l10n.t('Remove a server…'), action: 'remove' as const, detail: vscode.l10n.t('It leaves the ensemble; stop it afterwards.') },
      { label: vscode.l10n.t("Change a server's role…"), action: 'setRole' as const, detail: vscode.l10n.t('participant (votes) or observer (serves clients, no vote)') },
    ],
    { placeHolder: vscode.l10n.t('Version {0}: {1}', config.version ?? '?', describeQuorumText(config.members)) },
  );
  if (!action) throw new vscode.CancellationError();
  if (action.action === 'add') {
    const next = Math.max(0, ...config.members.map((m) => m.id)) + 1;
    const line = await vscode.window.showInputBox({
      title: vscode.l10n.t('Add a server'),
      prompt: 'server.N=host:quorumPort:electionPort:participant;host:clientPort',
      value: `server.${next}=`,
      valueSelection: [`server.${next}=`.length, `server.${next}=`.length],
      validateInput: (value) => {
        try {
          planReconfig(config, { kind: 'add', server: value });
          return undefined;
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      },
    });
    if (line === undefined) throw new vscode.CancellationError();
    return { kind: 'add', server: line };
  }
  const member =
    config.members.find((m) => m.id === preselected) ??
    (
      await vscode.window.showQuickPick(
        config.members.map((m) => ({ label: `server.${m.id}`, description: `${m.role} · ${m.peerAddress}${m.clientAddress ? ` · ${vscode.l10n.t('clients {0}', m.clientAddress)}` : ''}`, member: m })),
        { placeHolder: action.action === 'remove' ? vscode.l10n.t('Remove which server?') : vscode.l10n.t('Change the role of which server?') },
      )
    )?.member;
  if (!member) throw new vscode.CancellationError();
  if (action.action === 'remove') return { kind: 'remove', id: member.id };
  return { kind: 'setRole', id: member.id, role: member.role === 'participant' ? 'observer' : 'participant' };
}

export function registerReconfigCommands(subscriptions: vscode.Disposable[], log: Logger, connections: ConnectionManager, open: (connection: string, title: string, text: string) => Promise<void>): void {
  registerCommand(subscriptions, log, COMMANDS.showEnsembleConfig, async (arg?: unknown): Promise<ConfigSummary> => {
    const connection = await connectionOf(connections, arg, vscode.l10n.t('Show the ensemble configuration of which connection?'));
    const { config } = await configOf(connection);
    const result = summary(config);
    if (!asArgs(arg)) {
      const lines = [
        `# ${vscode.l10n.t('{0}: ensemble configuration (/zookeeper/config)', connection.name)}`,
        `# ${vscode.l10n.t('version {0}; {1}', config.version ?? vscode.l10n.t('unknown'), result.quorumText)}`,
        '',
        config.text.trimEnd(),
        '',
      ];
      await open(connection.name, 'ensemble config', lines.join('\n'));
    }
    return result;
  });

  registerCommand(subscriptions, log, COMMANDS.reconfigure, async (arg?: unknown) => {
    const connection = await connectionOf(connections, arg, vscode.l10n.t('Reconfigure the ensemble of which connection?'));
    if (connection.readOnly) throw new UserError(vscode.l10n.t('{0} is read-only: a reconfig changes the ensemble, so it is refused.', connection.name));
    const args = asArgs(arg);
    const { client, config } = await configOf(connection);
    const preselected = arg instanceof ClusterServerItem ? arg.server.sid : undefined;
    const change = args ? changeFromArgs(args) : await pickChange(config, preselected);
    let plan;
    try {
      plan = planReconfig(config, change);
    } catch (error) {
      throw new UserError(error instanceof Error ? error.message : String(error));
    }
    if (!args) {
      const go = 'Reconfigure';
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Reconfigure {0}: {1}', connection.name, plan.summaryText),
        { modal: true, detail: vscode.l10n.t('Applied only if the configuration is still version {0}; a change made meanwhile is refused.', config.version ?? '?') },
        go,
      );
      if (answer !== go) throw new vscode.CancellationError();
    }
    try {
      const after = await applyReconfig(client, config, plan);
      log.info(`reconfig of ${connection.name}: ${plan.summary} (version ${config.version ?? '?'} → ${after.version ?? '?'})`);
      if (!args) void vscode.window.showInformationMessage(vscode.l10n.t('{0} reconfigured: version {1}, {2}.', connection.name, after.version ?? '?', describeQuorumText(after.members)));
      return { summary: plan.summary, quorum: plan.quorum, summaryText: plan.summaryText, quorumText: plan.quorumText, before: config.version, after: summary(after) };
    } catch (error) {
      if (error instanceof ReconfigRefused) throw new UserError(error.message);
      throw error;
    }
  });
}
