// Runs one parsed zkCli command against a ZkClient and prints what zkCli 3.8 prints. No vscode
// import: the watch commands go through hooks (the extension hands them to its watch service).
import type { ParsedCommand } from '../../server/script';
import type { CreateOptions, ZkClient } from '../../zk/client';
import { parsePerms, type ZkAcl } from '../../zk/acl';
import { ZkError } from '../../zk/errors';
import { deleteTree, walkSubtree } from '../../zk/subtree';
import { formatHex64, type ZnodeStat } from '../../zk/stat';
import { t } from '../../zk/l10n';

export interface ScriptHooks {
  /** addWatch, get -w, ls -w, stat -w: a watch whose events the user can see. */
  watch(path: string, kind: 'data' | 'children' | 'subtree'): Promise<void>;
  /** removewatches; kind undefined: every kind. Returns how many were removed. */
  unwatch(path: string, kind: 'data' | 'children' | undefined): Promise<number>;
  /** The extension's version line for `version`. */
  version: string;
}

export interface CommandOutcome {
  output: string;
  /** Paths whose data or children this command changed (to refresh the tree and open editors). */
  changed: string[];
}

function flagValue(command: ParsedCommand, flag: string): string | undefined {
  return command.flags.find((f) => f.flag === flag)?.value?.value;
}

function has(command: ParsedCommand, flag: string): boolean {
  return command.flags.some((f) => f.flag === flag);
}

function arg(command: ParsedCommand, index: number): string | undefined {
  return command.args[index]?.value;
}

function requirePath(command: ParsedCommand, index = 0): string {
  const path = arg(command, index);
  if (path === undefined) throw new Error(`${command.name} needs a path.`);
  return path;
}

function intValue(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text)) throw new Error(`${what} must be a whole number, not "${text}".`);
  return Number(text);
}

function javaDate(ms: number): string {
  return new Date(ms).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1 $3 $2 $5 UTC $4');
}

/** zkCli's stat block. */
export function formatStat(stat: ZnodeStat): string {
  return [
    `cZxid = ${formatHex64(stat.czxid)}`,
    `ctime = ${javaDate(stat.ctime)}`,
    `mZxid = ${formatHex64(stat.mzxid)}`,
    `mtime = ${javaDate(stat.mtime)}`,
    `pZxid = ${formatHex64(stat.pzxid)}`,
    `cversion = ${stat.cversion}`,
    `dataVersion = ${stat.version}`,
    `aclVersion = ${stat.aversion}`,
    `ephemeralOwner = ${formatHex64(stat.ephemeralOwner)}`,
    `dataLength = ${stat.dataLength}`,
    `numChildren = ${stat.numChildren}`,
  ].join('\n');
}

/** scheme:id:perms[,…]; the id may hold colons (digest user:hash, IPv6). */
export function parseAclList(text: string): ZkAcl[] {
  return text.split(',').map((entry) => {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first <= 0 || last === first) throw new Error(`"${entry}" is not an ACL entry: write scheme:id:perms, e.g. world:anyone:cdrwa.`);
    return { id: { scheme: entry.slice(0, first), id: entry.slice(first + 1, last) }, perms: parsePerms(entry.slice(last + 1)) };
  });
}

function formatAcls(acl: readonly ZkAcl[]): string {
  return acl.map((a) => `'${a.id.scheme},'${a.id.id}\n: ${'cdrwa'.split('').filter((l) => parsePerms(l) & a.perms).join('')}`).join('\n');
}

function dataText(data: Buffer): string {
  return data.length === 0 ? '' : data.toString('utf8');
}

function createOptions(command: ParsedCommand): CreateOptions {
  const sequential = has(command, '-s');
  const ttl = intValue(flagValue(command, '-t'), 'The TTL');
  const options: CreateOptions = {};
  if (has(command, '-c')) options.mode = 'container';
  else if (ttl !== undefined) Object.assign(options, { mode: sequential ? 'ttlSequential' : 'ttl', ttlMs: ttl });
  else if (has(command, '-e')) options.mode = sequential ? 'ephemeralSequential' : 'ephemeral';
  else options.mode = sequential ? 'persistentSequential' : 'persistent';
  const acl = arg(command, 2);
  if (acl !== undefined) options.acl = parseAclList(acl);
  return options;
}

function parent(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/** Runs one command; throws a ZkError (or an Error with a sentence) when it fails. */
export async function executeCommand(client: ZkClient, command: ParsedCommand, hooks: ScriptHooks): Promise<CommandOutcome> {
  const none = (output = '', changed: string[] = []): CommandOutcome => ({ output, changed });
  switch (command.spec?.name) {
    case 'create': {
      const path = requirePath(command);
      const created = await client.create(path, Buffer.from(arg(command, 1) ?? '', 'utf8'), createOptions(command));
      return none(`Created ${created.path}`, [parent(created.path)]);
    }
    case 'set': {
      const path = requirePath(command);
      const data = arg(command, 1);
      if (data === undefined) throw new Error('set needs the data to write.');
      const stat = await client.set(path, Buffer.from(data, 'utf8'), intValue(flagValue(command, '-v'), 'The version') ?? -1);
      return none(has(command, '-s') ? formatStat(stat) : '', [path]);
    }
    case 'get': {
      const path = requirePath(command);
      const { data, stat } = await client.get(path);
      if (has(command, '-w')) await hooks.watch(path, 'data');
      return none([dataText(data), ...(has(command, '-s') ? [formatStat(stat)] : [])].join('\n'));
    }
    case 'ls': {
      const path = requirePath(command);
      if (has(command, '-R')) {
        const walk = await walkSubtree(client, path);
        if (walk.failures.length > 0) throw walk.failures[0].error; // as zkCli: not a silently partial listing
        // zkCli prints depth first, each node right before its descendants.
        const depthFirst = walk.paths.slice().sort((a, b) => {
          const x = a.split('/');
          const y = b.split('/');
          for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
          return x.length - y.length;
        });
        return none(depthFirst.join('\n'));
      }
      const { children, stat } = await client.getChildren(path);
      if (has(command, '-w')) await hooks.watch(path, 'children');
      return none([`[${[...children].sort().join(', ')}]`, ...(has(command, '-s') ? [formatStat(stat)] : [])].join('\n'));
    }
    case 'stat': {
      const path = requirePath(command);
      const stat = await client.exists(path);
      if (has(command, '-w')) await hooks.watch(path, 'data');
      if (!stat) throw new ZkError('NONODE', 'read the stat of', path);
      return none(formatStat(stat));
    }
    case 'delete': {
      const path = requirePath(command);
      await client.delete(path, intValue(flagValue(command, '-v'), 'The version') ?? -1);
      return none('', [parent(path), path]);
    }
    case 'deleteall': {
      const path = requirePath(command);
      const report = await deleteTree(client, path, { concurrency: intValue(flagValue(command, '-b'), 'The batch size') ?? 32 });
      if (report.total === 0 && report.failed[0]?.code === 'NONODE') throw new ZkError('NONODE', 'delete', path); // the root is missing
      if (report.failed.length > 0) {
        const first = report.failed[0];
        throw new Error(`deleteall ${path}: ${report.deleted} of ${report.total} nodes deleted; ${report.failed.length} could not be (${first.path}: ${first.message}).`);
      }
      return none('', [parent(path), path]);
    }
    case 'getAcl': {
      const path = requirePath(command);
      const { acl, stat } = await client.getACL(path);
      return none([formatAcls(acl), ...(has(command, '-s') ? [formatStat(stat)] : [])].join('\n'));
    }
    case 'setAcl': {
      const path = requirePath(command);
      const acl = parseAclList(arg(command, 1) ?? '');
      const version = intValue(flagValue(command, '-v'), 'The version') ?? -1;
      if (has(command, '-R')) {
        const { paths, failures } = await walkSubtree(client, path);
        if (failures.length > 0) throw failures[0].error; // as zkCli: not a silently partial -R
        for (const p of paths) await client.setACL(p, acl, p === path ? version : -1);
        return none('', []);
      }
      const stat = await client.setACL(path, acl, version);
      return none(has(command, '-s') ? formatStat(stat) : '');
    }
    case 'addauth': {
      const scheme = arg(command, 0);
      const auth = arg(command, 1) ?? '';
      const colon = auth.indexOf(':');
      if (scheme !== 'digest' || colon <= 0) throw new Error('Only digest credentials can be added from a script: addauth digest user:password.');
      client.addDigest(auth.slice(0, colon), auth.slice(colon + 1));
      return none();
    }
    case 'addWatch': {
      const path = requirePath(command);
      const mode = (flagValue(command, '-m') ?? 'PERSISTENT_RECURSIVE').toUpperCase(); // zkCli ignores the case
      if (mode === 'PERSISTENT_RECURSIVE') await hooks.watch(path, 'subtree');
      else {
        await hooks.watch(path, 'data');
        await hooks.watch(path, 'children');
      }
      // zkCli's own answers (Created …, Sync is OK) stay as zkCli spells them; this one is ours.
      return none(t('Watching {0} ({1}); the events appear in the ZooKeeper Watches panel.', path, mode));
    }
    case 'removewatches': {
      const path = requirePath(command);
      const kind = has(command, '-c') ? 'children' : has(command, '-d') ? 'data' : undefined;
      const removed = await hooks.unwatch(path, kind);
      if (removed === 0) throw new ZkError('NOWATCHER', 'remove the watches of', path);
      return none();
    }
    case 'sync': {
      await client.sync(requirePath(command));
      return none('Sync is OK');
    }
    case 'getEphemerals':
      return none(`[${(await client.getEphemerals(arg(command, 0) ?? '/')).sort().join(', ')}]`);
    case 'getAllChildrenNumber':
      return none(String(await client.getAllChildrenNumber(requirePath(command))));
    case 'whoami':
      return none(['Auth scheme: User', ...(await client.whoAmI()).map((a) => `${a.scheme}: ${a.user}`)].join('\n'));
    case 'config': {
      const { data, stat } = await client.get('/zookeeper/config');
      let text = dataText(data);
      if (has(command, '-c')) {
        text = text
          .split('\n')
          .map((l) => /^server\.\d+=([^:;]+)[^;]*;(?:([^:]+):)?(\d+)/.exec(l.trim()))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => `${m[2] && m[2] !== '0.0.0.0' ? m[2] : m[1]}:${m[3]}`)
          .join(',');
      }
      return none([text, ...(has(command, '-s') ? [formatStat(stat)] : [])].join('\n'));
    }
    case 'version':
      return none(hooks.version);
    default:
      throw new Error(`"${command.name}" is not a command this runner knows.`);
  }
}
