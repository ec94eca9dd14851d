import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { validatePath } from '../../zk/paths';
import { checkAclList } from './aclSyntax';
import { UNSUPPORTED, type CommandSpec } from './commands';
import type { ScriptToken } from './lexer';
import { range, Severity, show, SOURCE } from './lsp';
import { misplacedDirectives, toScript, type ParsedArg, type ParsedCommand, type ScriptInput } from './parser';
import { suggestCommand } from './suggest';
import { checkFlagValue } from './values';
import { t } from '../../zk/l10n';

export function diagnostic(r: Range, message: string, code: string, severity: 1 | 2 = Severity.Error, data?: unknown): Diagnostic {
  return { range: r, severity, source: SOURCE, code, message, ...(data === undefined ? {} : { data }) };
}

/** A range inside a token's value; only an unquoted token maps offsets one to one. */
function within(token: ScriptToken, start: number, end: number): Range {
  if (token.quoted) return token.range;
  const at = token.range.start.character;
  return range(token.range.start.line, at + start, at + end);
}

function joinAnd(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : t('{0} and {1}', words.slice(0, -1).join(', '), words[words.length - 1]);
}

/** "Did you mean" data is `{ replacement }`, for a quick fix. */
function unknownCommand(command: ParsedCommand): Diagnostic {
  const name = show(command.name);
  const why = UNSUPPORTED[command.name];
  if (why !== undefined) return diagnostic(command.nameRange, t('"{0}" is not available in scripts: {1}.', name, t(why)), 'unsupported-command');
  const suggestion = suggestCommand(command.name);
  if (suggestion === undefined) return diagnostic(command.nameRange, t('Unknown command "{0}".', name), 'unknown-command');
  const caseOnly = suggestion.toLowerCase() === command.name.toLowerCase() ? ` ${t('Command names are case-sensitive.')}` : '';
  return diagnostic(command.nameRange, t('Unknown command "{0}"; did you mean "{1}"?{2}', name, suggestion, caseOnly), 'unknown-command', Severity.Error, { replacement: suggestion });
}

function unknownFlag(spec: CommandSpec, flag: string): string {
  if (spec.flags.length === 0) return t('{0} takes no flags.', spec.name);
  const known = spec.flags.map((f) => f.flag);
  const letters = [...flag.slice(1)].map((letter) => `-${letter}`);
  if (letters.length > 1 && letters.every((l) => spec.flags.some((f) => f.flag === l && f.value === undefined))) {
    return t('Unknown flag "{0}" for {1}; write the flags separately: {2}.', flag, spec.name, letters.join(' '));
  }
  const dataHint = spec.args.some((a) => a.kind === 'data') ? ` ${t('To pass data that starts with "-", quote it.')}` : '';
  return t('Unknown flag "{0}" for {1}; use {2}.{3}', show(flag), spec.name, joinAnd(known), dataHint);
}

function diagnoseFlags(command: ParsedCommand, spec: CommandSpec, out: Diagnostic[]): void {
  const seen = new Set<string>();
  for (const flag of command.flags) {
    if (flag.spec === undefined) {
      out.push(diagnostic(flag.range, unknownFlag(spec, flag.flag), 'unknown-flag'));
      continue;
    }
    if (seen.has(flag.flag)) out.push(diagnostic(flag.range, t('Flag {0} is given twice.', flag.flag), 'duplicate-flag'));
    const conflict = spec.conflicts.find((c) => c.flags.includes(flag.flag) && c.flags.some((other) => other !== flag.flag && seen.has(other)));
    if (conflict !== undefined) out.push(diagnostic(flag.range, t(conflict.message), 'conflicting-flags'));
    seen.add(flag.flag);
    const kind = flag.spec.value;
    if (kind === undefined) continue;
    if (flag.value === undefined) {
      out.push(diagnostic(flag.range, t('{0} needs {1}.', flag.flag, flag.spec.valueDoc === undefined ? t('a value') : t(flag.spec.valueDoc)), 'missing-flag-value'));
    } else {
      const problem = checkFlagValue(kind, flag.value.value);
      if (problem !== undefined) out.push(diagnostic(flag.value.range, problem, 'invalid-flag-value'));
    }
  }
}

function diagnoseArgCount(command: ParsedCommand, spec: CommandSpec, out: Diagnostic[]): void {
  const missing = spec.args.slice(command.args.length).filter((a) => !a.optional);
  if (missing.length > 0) {
    const names = joinAnd(missing.map((a) => a.name));
    out.push(diagnostic(command.range, t('Missing {0} for {1}. Syntax: {2}', names, spec.name, spec.syntax), 'missing-argument'));
  }
  const extra = command.args.slice(spec.args.length);
  if (extra.length > 0) {
    const r = { start: extra[0].range.start, end: extra[extra.length - 1].range.end };
    const quoteHint = spec.args.some((a) => a.kind === 'data') ? ` ${t('Quote data that contains spaces.')}` : '';
    const message = spec.args.length === 0 ? t('{0} takes no arguments.', spec.name) : t('Too many arguments for {0}.{1} Syntax: {2}', spec.name, quoteHint, spec.syntax);
    out.push(diagnostic(r, message, 'extra-argument'));
  }
}

function diagnoseArg(command: ParsedCommand, arg: ParsedArg, out: Diagnostic[]): void {
  switch (arg.kind) {
    case 'path': {
      const sequential = command.name === 'create' && command.flags.some((f) => f.flag === '-s');
      const problem = validatePath(arg.value, sequential);
      if (problem !== undefined) out.push(diagnostic(arg.range, problem, 'invalid-path'));
      break;
    }
    case 'acl':
      for (const p of checkAclList(arg.value)) {
        out.push(diagnostic(within(arg, p.start, p.end), p.message, 'invalid-acl', p.warning ? Severity.Warning : Severity.Error));
      }
      break;
    case 'scheme':
      if (arg.value === '') out.push(diagnostic(arg.range, t('The scheme is empty; use digest, for example.'), 'invalid-scheme'));
      break;
    case 'auth': {
      const scheme = command.args[0]?.value;
      if (scheme === 'digest' && !arg.value.includes(':')) out.push(diagnostic(arg.range, t('Digest credentials are user:password.'), 'invalid-auth'));
      break;
    }
    default:
      break;
  }
}

export function diagnoseCommand(command: ParsedCommand): Diagnostic[] {
  const spec = command.spec;
  if (spec === undefined) return [unknownCommand(command)];
  const out: Diagnostic[] = [];
  diagnoseFlags(command, spec, out);
  diagnoseArgCount(command, spec, out);
  for (const arg of command.args) diagnoseArg(command, arg, out);
  return out;
}

/** Everything that can be told without a server: parse errors, then each command's problems. */
export function diagnose(input: ScriptInput): Diagnostic[] {
  const script = toScript(input);
  const out = script.errors.map((e) => diagnostic(e.range, e.message, e.code));
  for (const command of script.commands) {
    for (const d of diagnoseCommand(command)) out.push(d);
  }
  const wholeLine = (line: number): Range => range(line, 0, script.lines[line].length);
  if (script.directive?.name === '') out.push(diagnostic(wholeLine(0), t('Name the connection after "# connection:".'), 'empty-directive'));
  for (const d of misplacedDirectives(script)) {
    out.push(diagnostic(wholeLine(d.line), t('The connection directive only counts on the first line.'), 'misplaced-directive', Severity.Warning));
  }
  return out;
}
