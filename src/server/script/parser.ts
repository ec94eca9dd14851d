import type { Range } from 'vscode-languageserver-types';
import { findCommand, type ArgKind, type ArgSpec, type CommandSpec, type FlagSpec } from './commands';
import { isComment, lexLine, splitLines, type ParseError, type ScriptToken } from './lexer';
import { range } from './lsp';

export interface ParsedFlag {
  /** As written, dash included: "-s". */
  flag: string;
  spec?: FlagSpec;
  value?: ScriptToken;
  range: Range;
}

export interface ParsedArg extends ScriptToken {
  /** From the command's table; undefined for an unknown command or an argument too many. */
  kind?: ArgKind;
  spec?: ArgSpec;
}

export interface ParsedCommand {
  line: number;
  name: string;
  nameRange: Range;
  spec?: CommandSpec;
  flags: ParsedFlag[];
  args: ParsedArg[];
  /** From the name to the end of the last token. */
  range: Range;
}

export interface Directive {
  /** The connection name, trimmed; may be empty while it is being typed. */
  name: string;
  /** Where the name is (empty, after the colon, when there is none). */
  range: Range;
  line: number;
}

export interface ParsedScript {
  lines: string[];
  /** In line order, at most one per line. */
  commands: ParsedCommand[];
  errors: ParseError[];
  directive?: Directive;
}

/** Anything the services take: source text, or a script already parsed from it. */
export type ScriptInput = string | ParsedScript;

/** An unquoted "-x…". "-1" and "-" stay arguments (a version, data); "--" ends the flags. */
export function looksLikeFlag(token: ScriptToken): boolean {
  const second = token.text.charCodeAt(1);
  return !token.quoted && token.text.startsWith('-') && token.text.length >= 2 && !(second >= 48 && second <= 57) && token.text !== '--';
}

/** Whether a flag that takes a value may take this token: not another flag, and never a path. */
function canBeFlagValue(token: ScriptToken): boolean {
  return !looksLikeFlag(token) && (token.quoted || (token.text !== '--' && !token.text.startsWith('/')));
}

/** Builds a command from a line's tokens (the first one is the name). */
export function buildCommand(tokens: readonly ScriptToken[], line: number): ParsedCommand {
  const [head, ...rest] = tokens;
  const spec = head.quoted ? undefined : findCommand(head.text);
  const flags: ParsedFlag[] = [];
  const args: ParsedArg[] = [];
  let flagsEnded = false;
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i];
    if (!flagsEnded && !token.quoted && token.text === '--') {
      flagsEnded = true;
    } else if (!flagsEnded && looksLikeFlag(token)) {
      const flagSpec = spec?.flags.find((f) => f.flag === token.text);
      const flag: ParsedFlag = { flag: token.text, spec: flagSpec, range: token.range };
      const next = rest[i + 1];
      if (flagSpec?.value !== undefined && next !== undefined && canBeFlagValue(next)) {
        flag.value = next;
        i++;
      }
      flags.push(flag);
    } else {
      const argSpec = spec?.args[args.length];
      args.push({ ...token, kind: argSpec?.kind, spec: argSpec });
    }
  }
  const last = tokens[tokens.length - 1];
  return { line, name: head.text, nameRange: head.range, spec, flags, args, range: { start: head.range.start, end: last.range.end } };
}

const DIRECTIVE = /^\uFEFF?[ \t]*#[ \t]*connection[ \t]*:/i;

function directiveOnLine(text: string, line: number): Directive | undefined {
  const match = DIRECTIVE.exec(text);
  if (!match) return undefined;
  let start = match[0].length;
  let end = text.length;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return { name: text.slice(start, end), range: range(line, start, end), line };
}

/** The "# connection: <name>" directive of the first line, if any. */
export function directive(text: string): Directive | undefined {
  const eol = text.search(/\r|\n/);
  return directiveOnLine(eol === -1 ? text : text.slice(0, eol), 0);
}

/** Lines after the first that look like a directive (they do not count; diagnostics say so). */
export function misplacedDirectives(script: ParsedScript): Directive[] {
  const found: Directive[] = [];
  for (let line = 1; line < script.lines.length; line++) {
    const text = script.lines[line];
    if (isComment(text)) {
      const d = directiveOnLine(text, line);
      if (d) found.push(d);
    }
  }
  return found;
}

/** Parses a whole document. Never throws: whatever is wrong ends up in `errors` or in diagnostics. */
export function parseScript(text: string): ParsedScript {
  const lines = splitLines(text);
  const commands: ParsedCommand[] = [];
  const errors: ParseError[] = [];
  lines.forEach((lineText, line) => {
    if (isComment(lineText)) return;
    const lexed = lexLine(lineText, line);
    for (const error of lexed.errors) errors.push(error);
    if (lexed.tokens.length > 0) commands.push(buildCommand(lexed.tokens, line));
  });
  return { lines, commands, errors, directive: directiveOnLine(lines[0], 0) };
}

export function toScript(input: ScriptInput): ParsedScript {
  return typeof input === 'string' ? parseScript(input) : input;
}

/** The command on `line`, by binary search (commands are in line order). */
export function commandAt(script: ParsedScript, line: number): ParsedCommand | undefined {
  let low = 0;
  let high = script.commands.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const found = script.commands[mid];
    if (found.line === line) return found;
    if (found.line < line) low = mid + 1;
    else high = mid - 1;
  }
  return undefined;
}
