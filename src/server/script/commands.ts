import type { ParsedCommand } from './parser';
import { t } from '../../zk/l10n';

/** What a positional argument holds. */
export type ArgKind = 'path' | 'data' | 'acl' | 'scheme' | 'auth' | 'int' | 'mode';
/** What a flag's value holds: a data version (-1 or ≥ 0), a TTL (positive ms), a positive count, a watch mode. */
export type FlagValueKind = 'version' | 'ttl' | 'count' | 'mode';
/** What must hold for a path argument before the command runs: the node exists, or its parent does. */
export type PathRule = 'exists' | 'parentExists';

export interface FlagSpec {
  readonly flag: string;
  readonly value?: FlagValueKind;
  /** For a flag with a value, what to type: "-t needs <valueDoc>". */
  readonly valueDoc?: string;
  readonly doc: string;
}

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  readonly optional?: boolean;
  readonly pathRule?: PathRule;
}

export interface FlagConflict {
  readonly flags: readonly [string, string];
  readonly message: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly syntax: string;
  readonly doc: string;
  readonly flags: readonly FlagSpec[];
  readonly args: readonly ArgSpec[];
  readonly conflicts: readonly FlagConflict[];
  /** Changes znodes (data, ACLs, the tree); session state (auth, watches) does not count. */
  readonly writes: boolean;
  /** true, false, or the flag that makes the command destructive (setAcl -R). */
  readonly destructive: boolean | string;
}

const STAT = { flag: '-s', doc: 'Also print the stat of the node.' };
const VERSION_DOC = 'a version number (-1 for any version)';
const path = (pathRule?: PathRule): ArgSpec => ({ name: 'path', kind: 'path', pathRule });
const REMOVE_WATCH_CONFLICT = 'Give only one of -c, -d and -a.';

function command(spec: Partial<CommandSpec> & Pick<CommandSpec, 'name' | 'syntax' | 'doc'>): CommandSpec {
  return { flags: [], args: [], conflicts: [], writes: false, destructive: false, ...spec };
}

export const COMMANDS: readonly CommandSpec[] = [
  command({
    name: 'create',
    syntax: 'create [-s] [-e] [-c] [-t ttl] path [data] [acl]',
    doc: 'Creates a node, with optional data and ACL (default world:anyone:cdrwa). Its parent must exist.',
    flags: [
      { flag: '-s', doc: 'Sequential: the server appends a 10-digit counter to the name.' },
      { flag: '-e', doc: 'Ephemeral: the node is deleted when this session ends.' },
      { flag: '-c', doc: 'Container: the server deletes the node some time after its last child is gone.' },
      { flag: '-t', value: 'ttl', valueDoc: 'a TTL in milliseconds', doc: 'TTL: the server deletes the node once it has had no children and no change for this many milliseconds (needs extendedTypesEnabled).' },
    ],
    args: [path('parentExists'), { name: 'data', kind: 'data', optional: true }, { name: 'acl', kind: 'acl', optional: true }],
    conflicts: [
      { flags: ['-e', '-c'], message: '-c (container) cannot be combined with -e (ephemeral).' },
      { flags: ['-c', '-s'], message: '-c (container) cannot be combined with -s (sequential).' },
      { flags: ['-c', '-t'], message: '-c (container) cannot be combined with -t (TTL).' },
      { flags: ['-t', '-e'], message: '-t (TTL) cannot be combined with -e (ephemeral); a TTL node is persistent.' },
    ],
    writes: true,
  }),
  command({
    name: 'set',
    syntax: 'set [-s] [-v version] path data',
    doc: 'Replaces the data of a node.',
    flags: [STAT, { flag: '-v', value: 'version', valueDoc: VERSION_DOC, doc: "Only set the data if the node's data version is this one (-1: any)." }],
    args: [path('exists'), { name: 'data', kind: 'data' }],
    writes: true,
  }),
  command({
    name: 'get',
    syntax: 'get [-s] [-w] path',
    doc: 'Prints the data of a node.',
    flags: [STAT, { flag: '-w', doc: 'Leave a data watch on the node.' }],
    args: [path('exists')],
  }),
  command({
    name: 'ls',
    syntax: 'ls [-s] [-w] [-R] path',
    doc: 'Lists the children of a node.',
    flags: [STAT, { flag: '-w', doc: 'Leave a child watch on the node.' }, { flag: '-R', doc: 'List the whole subtree.' }],
    args: [path('exists')],
  }),
  command({
    name: 'stat',
    syntax: 'stat [-w] path',
    doc: 'Prints the stat of a node: versions, times, owner session, sizes.',
    flags: [{ flag: '-w', doc: 'Leave a data watch on the node.' }],
    args: [path('exists')],
  }),
  command({
    name: 'delete',
    syntax: 'delete [-v version] path',
    doc: 'Deletes a node that has no children.',
    flags: [{ flag: '-v', value: 'version', valueDoc: VERSION_DOC, doc: "Only delete if the node's data version is this one (-1: any)." }],
    args: [path('exists')],
    writes: true,
    destructive: true,
  }),
  command({
    name: 'deleteall',
    syntax: 'deleteall path [-b batch size]',
    doc: 'Deletes a node and its whole subtree.',
    flags: [{ flag: '-b', value: 'count', valueDoc: 'a batch size', doc: 'How many deletes to keep in flight at once (zkCli: nodes per batch).' }],
    args: [path('exists')],
    writes: true,
    destructive: true,
  }),
  command({
    name: 'getAcl',
    syntax: 'getAcl [-s] path',
    doc: 'Prints the ACL of a node.',
    flags: [STAT],
    args: [path('exists')],
  }),
  command({
    name: 'setAcl',
    syntax: 'setAcl [-s] [-v version] [-R] path acl',
    doc: 'Replaces the ACL of a node, e.g. setAcl /app digest:alice:<hash>:cdrwa,world:anyone:r',
    flags: [
      STAT,
      { flag: '-v', value: 'version', valueDoc: VERSION_DOC, doc: "Only set the ACL if the node's ACL version is this one (-1: any)." },
      { flag: '-R', doc: 'Apply the ACL to the whole subtree.' },
    ],
    args: [path('exists'), { name: 'acl', kind: 'acl' }],
    writes: true,
    destructive: '-R',
  }),
  command({
    name: 'addauth',
    syntax: 'addauth scheme auth',
    doc: 'Adds credentials to this session, e.g. addauth digest user:password.',
    args: [
      { name: 'scheme', kind: 'scheme' },
      { name: 'auth', kind: 'auth' },
    ],
  }),
  command({
    name: 'addWatch',
    syntax: 'addWatch [-m mode] path',
    doc: 'Adds a persistent watch, which stays after it fires. The node need not exist yet.',
    flags: [{ flag: '-m', value: 'mode', valueDoc: 'a watch mode: PERSISTENT or PERSISTENT_RECURSIVE', doc: 'PERSISTENT watches the node (its data and children); PERSISTENT_RECURSIVE, the default, also every descendant.' }],
    args: [path()],
  }),
  command({
    name: 'removewatches',
    syntax: 'removewatches path [-c|-d|-a] [-l]',
    doc: "Removes this session's watches from a node.",
    flags: [
      { flag: '-c', doc: 'Remove child watches only.' },
      { flag: '-d', doc: 'Remove data watches only.' },
      { flag: '-a', doc: 'Remove all watches (the default).' },
      { flag: '-l', doc: 'Remove them locally even when the server cannot be reached.' },
    ],
    args: [path()],
    conflicts: [
      { flags: ['-c', '-d'], message: REMOVE_WATCH_CONFLICT },
      { flags: ['-c', '-a'], message: REMOVE_WATCH_CONFLICT },
      { flags: ['-d', '-a'], message: REMOVE_WATCH_CONFLICT },
    ],
  }),
  command({
    name: 'sync',
    syntax: 'sync path',
    doc: 'Makes the server of this session catch up with the leader before the next read.',
    args: [path()],
  }),
  command({
    name: 'getEphemerals',
    syntax: 'getEphemerals [path]',
    doc: 'Lists the ephemeral nodes this session owns, all of them or those under a path.',
    args: [{ name: 'path', kind: 'path', optional: true }],
  }),
  command({
    name: 'getAllChildrenNumber',
    syntax: 'getAllChildrenNumber path',
    doc: 'Counts all descendants of a node.',
    args: [path('exists')],
  }),
  command({ name: 'whoami', syntax: 'whoami', doc: 'Prints the identities this session is authenticated as.' }),
  command({
    name: 'config',
    syntax: 'config [-c] [-w] [-s]',
    doc: "Prints the ensemble's configuration (/zookeeper/config).",
    flags: [
      { flag: '-c', doc: 'Print only the client connect string of the ensemble.' },
      { flag: '-w', doc: 'Leave a watch on the configuration.' },
      STAT,
    ],
  }),
  command({ name: 'version', syntax: 'version', doc: 'Prints the version of the client.' }),
];

const BY_NAME = new Map(COMMANDS.map((spec) => [spec.name, spec]));

/** zkCli commands a script cannot use, and why. */
export const UNSUPPORTED: Readonly<Record<string, string>> = {
  connect: 'scripts name their connection with "# connection: <name>" on the first line',
  close: 'the session ends with the script',
  quit: 'the session ends with the script',
  history: 'it is an interactive shell command',
  redo: 'it is an interactive shell command',
  printwatches: 'it is an interactive shell command',
  rmr: 'use deleteall',
  reconfig: 'scripts do not change the ensemble',
  listquota: 'scripts do not support quotas',
  setquota: 'scripts do not support quotas',
  delquota: 'scripts do not support quotas',
};

/** The command named exactly `name` (names are case-sensitive, as in zkCli). */
export function findCommand(name: string): CommandSpec | undefined {
  return BY_NAME.get(name);
}

export function isDestructive(command: Pick<ParsedCommand, 'spec' | 'flags'>): boolean {
  const destructive = command.spec?.destructive ?? false;
  return typeof destructive === 'string' ? command.flags.some((f) => f.flag === destructive) : destructive;
}

/** Syntax in a code block, the doc line, then one line per flag: for hovers and completion items. */
export function commandMarkdown(spec: CommandSpec): string {
  const flags = spec.flags.map((f) => `- \`${f.flag}\` ${t(f.doc)}`).join('\n');
  return ['```zookeeper-script', spec.syntax, '```', '', t(spec.doc), ...(flags ? ['', flags] : [])].join('\n');
}
