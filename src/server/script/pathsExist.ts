import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { ancestors, parentPath, validatePath } from '../../zk/paths';
import { Severity } from './lsp';
import { diagnostic } from './diagnostics';
import { toScript, type ScriptInput } from './parser';
import { t } from '../../zk/l10n';

/** True/false when the server says so; undefined when it cannot tell (not connected, no access). */
export type ExistsLookup = (path: string) => Promise<boolean | undefined>;

interface Known {
  exists: boolean;
  line: number;
}

/** What the lines run so far have done to the tree. */
class ScriptTree {
  private readonly known = new Map<string, Known>();
  /** delete and deleteall: the node and anything below it is gone (delete only works on leaves anyway). */
  private readonly removedTrees = new Map<string, number>();

  created(path: string, line: number): void {
    // The create succeeds only if every ancestor exists.
    for (const p of [...ancestors(path), path]) this.known.set(p, { exists: true, line });
  }

  deleted(path: string, line: number): void {
    this.known.set(path, { exists: false, line });
    this.removedTrees.set(path, line);
  }

  /** The latest thing the script did to `path` or to a tree holding it; undefined: ask the server. */
  lookup(path: string): Known | undefined {
    if (path === '/') return { exists: true, line: -1 };
    let result = this.known.get(path);
    for (const ancestor of ancestors(path)) {
      const line = this.removedTrees.get(ancestor);
      if (line !== undefined && (result === undefined || line > result.line)) result = { exists: false, line };
    }
    return result;
  }
}

/** The warning for a path; `line` is the script line that decided, undefined when the server did. */
type Say = (line: number | undefined) => string;

interface Check {
  path: string;
  range: Range;
  say: Say;
  code: string;
  /** Whether the node should exist; the warning is for the opposite answer. */
  expected: boolean;
}

/**
 * Warnings for paths that will not be there (or, for create, already are) when the line runs,
 * taking into account what earlier lines of the script create and delete.
 */
export async function diagnosePathsExist(input: ScriptInput, exists: ExistsLookup): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const checks: Check[] = [];
  const tree = new ScriptTree();
  const warn = (r: Range, message: string, code: string): void => void out.push(diagnostic(r, message, code, Severity.Warning));

  /** Decides now when an earlier line settles it, else queues a question for the server. */
  const expect = (path: string, r: Range, expected: boolean, say: Say, code: string): void => {
    const known = tree.lookup(path);
    if (known === undefined) checks.push({ path, range: r, say, code, expected });
    else if (known.exists !== expected) warn(r, say(known.line < 0 ? undefined : known.line), code);
  };

  for (const command of toScript(input).commands) {
    const arg = command.args.find((a) => a.kind === 'path' && a.spec?.pathRule !== undefined);
    if (arg === undefined || command.spec === undefined) continue;
    const sequential = command.name === 'create' && command.flags.some((f) => f.flag === '-s');
    if (validatePath(arg.value, sequential) !== undefined) continue;
    const path = arg.value;
    const parent = parentPath(path);
    if (arg.spec?.pathRule === 'exists') {
      expect(path, arg.range, true, (line) => (line === undefined ? t('Node "{0}" does not exist.', path) : t('Node "{0}" is deleted by line {1}.', path, line + 1)), 'no-node');
    } else {
      if (parent !== undefined) {
        const say: Say = (line) => (line === undefined ? t('Cannot create "{0}": its parent "{1}" does not exist.', path, parent) : t('Cannot create "{0}": its parent "{1}" is deleted by line {2}.', path, parent, line + 1));
        expect(parent, arg.range, true, say, 'no-parent');
      }
      if (!sequential) expect(path, arg.range, false, (line) => (line === undefined ? t('Node "{0}" already exists; create will fail.', path) : t('Node "{0}" already exists by line {1}; create will fail.', path, line + 1)), 'node-exists');
    }
    if (command.name === 'delete' || command.name === 'deleteall') tree.deleted(path, command.line);
    // A sequential create's own name is the server's choice; only its parent is known to exist.
    else if (command.name === 'create') tree.created(sequential ? (parent ?? '/') : path, command.line);
  }

  const answers = new Map<string, Promise<boolean | undefined>>();
  const ask = (path: string): Promise<boolean | undefined> => {
    let answer = answers.get(path);
    if (answer === undefined) {
      // A lookup that throws, even synchronously, counts as "cannot tell".
      answer = Promise.resolve()
        .then(() => exists(path))
        .catch(() => undefined);
      answers.set(path, answer);
    }
    return answer;
  };
  const results = await Promise.all(checks.map((check) => ask(check.path)));
  checks.forEach((check, i) => {
    if (results[i] === !check.expected) warn(check.range, check.say(undefined), check.code);
  });
  return out;
}
