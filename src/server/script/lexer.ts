import type { Range } from 'vscode-languageserver-types';
import { range } from './lsp';
import { t } from '../../zk/l10n';

export interface ScriptToken {
  /** The source text, quotes and escapes included. */
  text: string;
  /** The text without quotes, escapes resolved. */
  value: string;
  quoted: boolean;
  range: Range;
}

export interface ParseError {
  message: string;
  range: Range;
  code: string;
}

export interface LexedLine {
  tokens: ScriptToken[];
  errors: ParseError[];
}

/** zkCli splits on \s (space, tab, vertical tab, form feed); U+00A0 and friends stay part of a word. */
function isSpace(unit: number): boolean {
  return unit === 32 || unit === 9 || unit === 11 || unit === 12;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', '"': '"', "'": "'", '\\': '\\' };

interface Quoted {
  value: string;
  end: number;
  closed: boolean;
}

function readQuoted(text: string, start: number, line: number, errors: ParseError[]): Quoted {
  const quote = text[start];
  let value = '';
  let chunkStart = start + 1;
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === quote) return { value: value + text.slice(chunkStart, i), end: i + 1, closed: true };
    if (c !== '\\' || i + 1 >= text.length) {
      i++;
      continue;
    }
    value += text.slice(chunkStart, i);
    const e = text[i + 1];
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      i += 2;
    } else if (e === 'x' || e === 'u') {
      const width = e === 'x' ? 2 : 4;
      const digits = text.slice(i + 2, i + 2 + width);
      if (digits.length === width && /^[0-9a-fA-F]+$/.test(digits)) {
        value += String.fromCharCode(parseInt(digits, 16));
        i += 2 + width;
      } else {
        const bad = /^[0-9a-fA-F]*/.exec(digits)?.[0].length ?? 0;
        errors.push({ message: t('"{0}" needs {1} hex digits, e.g. {2}.', `\\${e}`, width, e === 'x' ? '\\x41' : '\\u00e9'), range: range(line, i, i + 2 + bad), code: 'bad-escape' });
        value += text.slice(i, i + 2 + bad);
        i += 2 + bad;
      }
    } else {
      errors.push({ message: t('Unknown escape "{0}"; write "\\\\" for a backslash.', `\\${e}`), range: range(line, i, i + 2), code: 'bad-escape' });
      value += `\\${e}`;
      i += 2;
    }
    chunkStart = i;
  }
  errors.push({ message: t('Unterminated string: add the closing {0}.', quote), range: range(line, start, text.length), code: 'unterminated-string' });
  return { value: value + text.slice(chunkStart), end: text.length, closed: false };
}

/** Splits one line into words and quoted strings. Never throws; problems go to `errors`. */
export function lexLine(text: string, line: number): LexedLine {
  const tokens: ScriptToken[] = [];
  const errors: ParseError[] = [];
  // A byte-order mark is not part of the script (VS Code usually strips it already).
  let i = line === 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i >= text.length) break;
    const start = i;
    if (text[i] === '"' || text[i] === "'") {
      const quoted = readQuoted(text, i, line, errors);
      let value = quoted.value;
      i = quoted.end;
      if (i < text.length && !isSpace(text.charCodeAt(i))) {
        const restStart = i;
        while (i < text.length && !isSpace(text.charCodeAt(i))) i++;
        errors.push({ message: t('Text right after a closing quote; put a space before it, or move it inside the quotes.'), range: range(line, restStart, i), code: 'text-after-quote' });
        value += text.slice(restStart, i);
      }
      tokens.push({ text: text.slice(start, i), value, quoted: true, range: range(line, start, i) });
    } else {
      while (i < text.length && !isSpace(text.charCodeAt(i))) i++;
      const word = text.slice(start, i);
      tokens.push({ text: word, value: word, quoted: false, range: range(line, start, i) });
    }
  }
  return { tokens, errors };
}

/** A line whose first non-blank character is "#". */
export function isComment(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (isSpace(unit) || (i === 0 && unit === 0xfeff)) continue;
    return unit === 35;
  }
  return false;
}

/** Splits a document as LSP does: "\r\n", "\n" and "\r" all end a line. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}
