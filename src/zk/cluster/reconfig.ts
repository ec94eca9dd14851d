// Dynamic reconfiguration (ZooKeeper 3.5+): the ensemble's configuration as /zookeeper/config holds
// it, a change (add a server, remove one, change a role) planned against it with the quorum it
// leaves, and the `reconfig` request (opcode 16, ZkClient.reconfig) sent with the version read, so
// a configuration changed meanwhile is refused rather than overwritten.
import type { ZkClient } from '../client';
import { ZkError } from '../errors';
import { t } from '../l10n';

export type MemberRole = 'participant' | 'observer';

export interface ConfigMember {
  id: number;
  /** host:quorumPort:electionPort */
  peerAddress: string;
  role: MemberRole;
  /** host:port of the client port, when the configuration names it. */
  clientAddress?: string;
  /** The line as the configuration writes it, after `server.N=`. */
  spec: string;
}

export interface EnsembleConfig {
  /** The configuration's version, hex without 0x (as in `version=…`), or undefined when absent. */
  version?: string;
  members: ConfigMember[];
  /** The text as read. */
  text: string;
}

/** `server.N=host:q:e[:role][;[clientHost:]clientPort]` lines and `version=…` of /zookeeper/config. */
export function parseEnsembleConfig(text: string): EnsembleConfig {
  const members: ConfigMember[] = [];
  let version: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const v = /^version=([0-9a-fA-F]+)$/.exec(line);
    if (v) version = v[1].toLowerCase();
    const m = /^server\.(\d+)=(.+)$/.exec(line);
    if (!m) continue;
    const spec = m[2].trim();
    const member = parseServerSpec(Number(m[1]), spec);
    if (member) members.push(member);
  }
  members.sort((a, b) => a.id - b.id);
  return { version, members, text };
}

/** One `server.N=` value; undefined when it is not one. */
export function parseServerSpec(id: number, spec: string): ConfigMember | undefined {
  const [peer, client] = spec.split(';', 2);
  const parts = peer.split(':');
  // host may be an IPv6 literal in brackets: take the role off the end when it is one.
  let role: MemberRole = 'participant';
  if (parts.length >= 4 && /^(participant|observer)$/.test(parts[parts.length - 1])) role = parts.pop() as MemberRole;
  if (parts.length < 3) return undefined;
  const member: ConfigMember = { id, peerAddress: parts.join(':'), role, spec };
  if (client !== undefined && client.trim()) {
    const c = client.trim();
    member.clientAddress = /^\d+$/.test(c) ? `0.0.0.0:${c}` : c;
  }
  return member;
}

/** "server.N=spec" for a reconfig's joining list, from its parts. */
export function serverLine(member: Pick<ConfigMember, 'id' | 'spec'>): string {
  return `server.${member.id}=${member.spec}`;
}

export type ReconfigChange =
  | { kind: 'add'; /** `server.N=host:q:e[:role];host:clientPort` */ server: string }
  | { kind: 'remove'; id: number }
  | { kind: 'setRole'; id: number; role: MemberRole };

export interface ReconfigPlan {
  /** For the request. */
  joining?: string;
  leaving?: string;
  /** The members once applied. */
  after: ConfigMember[];
  /**
   * What it does and the quorum it leaves, in English: stable for automation (zookeeper.reconfigure
   * returns them), so they do not change with the display language.
   */
  summary: string;
  quorum: string;
  /** The same in the display language, for a person (the confirmation dialog). */
  summaryText: string;
  quorumText: string;
}

/** "3 voting members (quorum 2: it keeps serving with 1 of them down)". */
export function describeQuorum(members: readonly ConfigMember[]): string {
  const voters = members.filter((m) => m.role === 'participant').length;
  const observers = members.length - voters;
  const quorum = Math.floor(voters / 2) + 1;
  const tolerated = voters - quorum;
  const obs = observers ? ` and ${observers} observer${observers === 1 ? '' : 's'}` : '';
  return `${voters} voting member${voters === 1 ? '' : 's'}${obs} (quorum ${quorum}: it keeps serving with ${tolerated === 0 ? 'no voting member' : `${tolerated} voting member${tolerated === 1 ? '' : 's'}`} down)`;
}

/**
 * describeQuorum in the display language. One whole sentence per case (plural forms, observers or
 * none, how many voting members may be down), not pieced from fragments, so a translation can word
 * each as its language needs; in English it says exactly what describeQuorum says.
 */
export function describeQuorumText(members: readonly ConfigMember[]): string {
  const voters = members.filter((m) => m.role === 'participant').length;
  const observers = members.length - voters;
  const quorum = Math.floor(voters / 2) + 1;
  const tolerated = voters - quorum;
  // One voter: quorum 1 and nothing tolerated, whatever the observers.
  if (voters === 1) {
    if (observers === 0) return t('1 voting member (quorum 1: it keeps serving with no voting member down)');
    if (observers === 1) return t('1 voting member and 1 observer (quorum 1: it keeps serving with no voting member down)');
    return t('1 voting member and {0} observers (quorum 1: it keeps serving with no voting member down)', observers);
  }
  if (tolerated === 0) {
    if (observers === 0) return t('{0} voting members (quorum {1}: it keeps serving with no voting member down)', voters, quorum);
    if (observers === 1) return t('{0} voting members and 1 observer (quorum {1}: it keeps serving with no voting member down)', voters, quorum);
    return t('{0} voting members and {1} observers (quorum {2}: it keeps serving with no voting member down)', voters, observers, quorum);
  }
  if (tolerated === 1) {
    if (observers === 0) return t('{0} voting members (quorum {1}: it keeps serving with 1 voting member down)', voters, quorum);
    if (observers === 1) return t('{0} voting members and 1 observer (quorum {1}: it keeps serving with 1 voting member down)', voters, quorum);
    return t('{0} voting members and {1} observers (quorum {2}: it keeps serving with 1 voting member down)', voters, observers, quorum);
  }
  if (observers === 0) return t('{0} voting members (quorum {1}: it keeps serving with {2} voting members down)', voters, quorum, tolerated);
  if (observers === 1) return t('{0} voting members and 1 observer (quorum {1}: it keeps serving with {2} voting members down)', voters, quorum, tolerated);
  return t('{0} voting members and {1} observers (quorum {2}: it keeps serving with {3} voting members down)', voters, observers, quorum, tolerated);
}

/** Checks a change against the configuration; throws a ZkError-free Error with a sentence when it cannot be done. */
export function planReconfig(config: EnsembleConfig, change: ReconfigChange): ReconfigPlan {
  const members = config.members;
  const find = (id: number): ConfigMember => {
    const member = members.find((m) => m.id === id);
    if (!member) throw new Error(t('Server {0} is not in the configuration (members: {1}).', id, members.map((m) => m.id).join(', ') || t('none')));
    return member;
  };
  let after: ConfigMember[];
  let joining: string | undefined;
  let leaving: string | undefined;
  let what: string;
  /** The whole summary in the display language, given the quorum after and before (already in it). */
  let text: (after: string, before: string) => string;
  if (change.kind === 'add') {
    const m = /^server\.(\d+)=(.+)$/.exec(change.server.trim());
    const member = m ? parseServerSpec(Number(m[1]), m[2].trim()) : undefined;
    if (!member) throw new Error(t('"{0}" is not a server line: write server.N=host:quorumPort:electionPort[:participant|observer];host:clientPort.', change.server));
    if (!member.clientAddress) throw new Error(t('server.{0} names no client port: add ";host:clientPort" so clients can reach it.', member.id));
    if (members.some((x) => x.id === member.id)) throw new Error(t('Server {0} is already a member: change its role instead, or pick another id.', member.id));
    after = [...members, member].sort((a, b) => a.id - b.id);
    joining = serverLine(member);
    what = `add server ${member.id} (${member.peerAddress}, ${member.role}, clients at ${member.clientAddress})`;
    const { id, peerAddress } = member;
    const clientAddress: string = member.clientAddress;
    text =
      member.role === 'participant'
        ? (a, b) => t('add server {0} ({1}, participant, clients at {2}). Afterwards the ensemble has {3}, instead of {4}.', id, peerAddress, clientAddress, a, b)
        : (a, b) => t('add server {0} ({1}, observer, clients at {2}). Afterwards the ensemble has {3}, instead of {4}.', id, peerAddress, clientAddress, a, b);
  } else if (change.kind === 'remove') {
    const member = find(change.id);
    after = members.filter((m) => m.id !== change.id);
    leaving = String(change.id);
    what = `remove server ${member.id} (${member.peerAddress}, ${member.role})`;
    text =
      member.role === 'participant'
        ? (a, b) => t('remove server {0} ({1}, participant). Afterwards the ensemble has {2}, instead of {3}.', member.id, member.peerAddress, a, b)
        : (a, b) => t('remove server {0} ({1}, observer). Afterwards the ensemble has {2}, instead of {3}.', member.id, member.peerAddress, a, b);
  } else {
    const member = find(change.id);
    if (member.role === change.role) throw new Error(member.role === 'participant' ? t('Server {0} is already a participant.', member.id) : t('Server {0} is already an observer.', member.id));
    // A member added again with another role replaces it (ZooKeeper's way to change a role).
    const peer = `${member.peerAddress}:${change.role}${member.clientAddress ? `;${member.clientAddress}` : ''}`;
    const changed: ConfigMember = { ...member, role: change.role, spec: peer };
    after = members.map((m) => (m.id === member.id ? changed : m));
    joining = serverLine(changed);
    what = `make server ${member.id} ${change.role === 'participant' ? 'a voting participant' : 'an observer (no vote)'}`;
    text =
      change.role === 'participant'
        ? (a, b) => t('make server {0} a voting participant. Afterwards the ensemble has {1}, instead of {2}.', member.id, a, b)
        : (a, b) => t('make server {0} an observer (no vote). Afterwards the ensemble has {1}, instead of {2}.', member.id, a, b);
  }
  if (!after.some((m) => m.role === 'participant')) throw new Error(t('That would leave no voting member: an ensemble needs at least one participant.'));
  const quorum = describeQuorum(after);
  const quorumText = describeQuorumText(after);
  return {
    joining,
    leaving,
    after,
    quorum,
    summary: `${what}. Afterwards the ensemble has ${quorum}, instead of ${describeQuorum(members)}.`,
    quorumText,
    summaryText: text(quorumText, describeQuorumText(members)),
  };
}

/** The configuration as the connection's session reads it (the server's /zookeeper/config). */
export async function readEnsembleConfig(client: ZkClient): Promise<EnsembleConfig> {
  const { data } = await client.get('/zookeeper/config');
  return parseEnsembleConfig(data.toString('utf8'));
}

/** A refusal by the server as a sentence that says why and what to do. */
export function reconfigRefusal(error: unknown, version: string | undefined): string | undefined {
  if (!(error instanceof ZkError)) return undefined;
  switch (error.code) {
    case 'RECONFIGDISABLED':
      return t("Refused: dynamic reconfiguration is disabled on the server. Set reconfigEnabled=true in every server's zoo.cfg (ZooKeeper 3.5.3+) and restart them.");
    case 'NOAUTH':
      return t('Refused: you lack the rights. A reconfig needs the super user (zookeeper.DigestAuthenticationProvider.superDigest) or an ACL on /zookeeper/config that lets you write; set digest credentials for this connection (ZooKeeper: Set Digest Credentials…).');
    case 'BADVERSION':
      return t('Refused: the configuration changed since it was read (version {0}). Read it again and retry.', version ?? t('unknown'));
    case 'UNIMPLEMENTED':
      return t('Refused: this server does not know reconfig (ZooKeeper before 3.5).');
    default:
      return undefined;
  }
}

/** Sends the change, version-checked against `config`; resolves with the new configuration. */
export async function applyReconfig(client: ZkClient, config: EnsembleConfig, plan: ReconfigPlan): Promise<EnsembleConfig> {
  try {
    const { data } = await client.reconfig({ joining: plan.joining, leaving: plan.leaving, fromConfig: config.version ? BigInt(`0x${config.version}`) : -1n });
    return parseEnsembleConfig(data.toString('utf8'));
  } catch (error) {
    const sentence = reconfigRefusal(error, config.version);
    if (sentence) throw new ReconfigRefused(sentence, error instanceof ZkError ? error.code : 'UNKNOWN');
    throw error;
  }
}

/** The server refused the reconfig; `message` says why and what to do. */
export class ReconfigRefused extends Error {
  override readonly name = 'ReconfigRefused';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}
