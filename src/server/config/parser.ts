import type { Position, Range } from 'vscode-languageserver-types';
import { t } from '../../zk/l10n';

/** One `key=value` entry, read the way java.util.Properties reads zoo.cfg. */
export interface ConfigEntry {
  /** Escapes decoded. */
  readonly key: string;
  readonly keyRange: Range;
  /**
   * Escapes decoded, continuation lines joined, leading whitespace dropped. Trailing whitespace is
   * kept, as java.util.Properties keeps it: QuorumPeerConfig trims most values but not server lines.
   */
  readonly value: string;
  /** The raw value text, possibly over several lines; empty just after the separator when there is no value. */
  readonly valueRange: Range;
  /** Zero-based line of the key. */
  readonly line: number;
  /** `=`, `:`, whitespace only (`' '`), or none (`''`) when the line holds only a key. */
  readonly separator: '=' | ':' | ' ' | '';
}

export interface ParseProblem {
  readonly message: string;
  readonly range: Range;
}

export interface ParsedConfig {
  readonly entries: readonly ConfigEntry[];
  /** Text java.util.Properties refuses (a malformed `\uXXXX` escape fails the whole file). */
  readonly problems: readonly ParseProblem[];
  readonly lineStarts: readonly number[];
}

/** Source offsets of each decoded value character, to map a slice of `value` back to the text. */
interface ValueMap {
  readonly starts: number[];
  readonly ends: number[];
  readonly lineStarts: readonly number[];
}

const valueMaps = new WeakMap<ConfigEntry, ValueMap>();

const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\f';
const isEol = (c: string): boolean => c === '\n' || c === '\r';

/** Parses zoo.cfg text. Never throws: anything unreadable becomes a problem or is skipped as Java skips it. */
export function parseConfig(text: string): ParsedConfig {
  const lineStarts = computeLineStarts(text);
  const entries: ConfigEntry[] = [];
  const problems: ParseProblem[] = [];
  const at = (offset: number): Position => positionAt(lineStarts, offset);
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isBlank(text[i])) i++;
    if (i >= n) break;
    if (isEol(text[i])) {
      i = skipEol(text, i);
      continue;
    }
    if (text[i] === '#' || text[i] === '!') {
      while (i < n && !isEol(text[i])) i++;
      continue;
    }
    const logical = readLogicalLine(text, i);
    i = logical.next;
    const entry = splitEntry(logical.chars, logical.offsets, logical.end, at, problems);
    entries.push(entry.entry);
    valueMaps.set(entry.entry, { starts: entry.starts, ends: entry.ends, lineStarts });
  }
  return { entries, problems, lineStarts };
}

/** Joins natural lines ending in an odd number of backslashes, as java.util.Properties' LineReader does. */
function readLogicalLine(text: string, start: number): { chars: string[]; offsets: number[]; end: number; next: number } {
  const chars: string[] = [];
  const offsets: number[] = [];
  let i = start;
  for (;;) {
    let backslashes = 0;
    while (i < text.length && !isEol(text[i])) {
      backslashes = text[i] === '\\' ? backslashes + 1 : 0;
      chars.push(text[i]);
      offsets.push(i);
      i++;
    }
    if (backslashes % 2 === 0) return { chars, offsets, end: i, next: i };
    chars.pop();
    offsets.pop();
    if (i >= text.length) return { chars, offsets, end: i, next: i };
    i = skipEol(text, i);
    while (i < text.length && isBlank(text[i])) i++;
    // A continuation onto an empty line ends the logical line there.
    if (i >= text.length || isEol(text[i])) return { chars, offsets, end: i, next: i };
  }
}

function splitEntry(
  chars: string[],
  offsets: number[],
  end: number,
  at: (offset: number) => Position,
  problems: ParseProblem[],
): { entry: ConfigEntry; starts: number[]; ends: number[] } {
  const limit = chars.length;
  const offsetAfter = (index: number): number => (index < limit ? offsets[index] : end);
  let keyLen = 0;
  let valueStart = limit;
  let separator: ConfigEntry['separator'] = '';
  let escaped = false;
  while (keyLen < limit) {
    const c = chars[keyLen];
    if (!escaped && (c === '=' || c === ':')) {
      separator = c;
      valueStart = keyLen + 1;
      break;
    }
    if (!escaped && isBlank(c)) {
      separator = ' ';
      valueStart = keyLen + 1;
      break;
    }
    escaped = c === '\\' ? !escaped : false;
    keyLen++;
  }
  while (valueStart < limit) {
    const c = chars[valueStart];
    if (!isBlank(c)) {
      if (separator !== ' ' || (c !== '=' && c !== ':')) break;
      separator = c;
    }
    valueStart++;
  }
  const key = decode(chars, offsets, 0, keyLen, at, problems);
  const value = decode(chars, offsets, valueStart, limit, at, problems);
  const keyStart = offsetAfter(0);
  const keyEnd = keyLen > 0 ? offsets[keyLen - 1] + 1 : keyStart;
  const valueFrom = offsetAfter(valueStart);
  const valueTo = limit > valueStart ? offsets[limit - 1] + 1 : valueFrom;
  const keyPos = at(keyStart);
  return {
    entry: {
      key: key.text,
      keyRange: { start: keyPos, end: at(keyEnd) },
      value: value.text,
      valueRange: { start: at(valueFrom), end: at(valueTo) },
      line: keyPos.line,
      separator,
    },
    starts: value.starts,
    ends: value.ends,
  };
}

/** java.util.Properties' loadConvert, keeping the source span of every decoded character. */
function decode(
  chars: string[],
  offsets: number[],
  from: number,
  to: number,
  at: (offset: number) => Position,
  problems: ParseProblem[],
): { text: string; starts: number[]; ends: number[] } {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let i = from;
  while (i < to) {
    const start = offsets[i];
    let c = chars[i++];
    if (c === '\\' && i < to) {
      const next = chars[i++];
      if (next === 'u') {
        const hex = i + 4 <= to ? chars.slice(i, i + 4).join('') : '';
        if (/^[0-9a-fA-F]{4}$/.test(hex)) {
          c = String.fromCharCode(parseInt(hex, 16));
          i += 4;
        } else {
          problems.push({
            message: t('Malformed \\uXXXX escape: java.util.Properties rejects the whole file. Write four hex digits, or \\\\u for a literal backslash-u.'),
            range: { start: at(start), end: at(offsets[Math.min(i + 4, to) - 1] + 1) },
          });
          c = 'u';
        }
      } else {
        c = next === 't' ? '\t' : next === 'n' ? '\n' : next === 'r' ? '\r' : next === 'f' ? '\f' : next;
      }
    }
    text += c;
    starts.push(start);
    ends.push(offsets[i - 1] + 1);
  }
  return { text, starts, ends };
}

/** The text range of `entry.value.slice(from, to)`. */
export function valueSubRange(entry: ConfigEntry, from: number, to: number): Range {
  const map = valueMaps.get(entry);
  if (!map || map.starts.length === 0) return entry.valueRange;
  const last = map.starts.length - 1;
  const a = Math.max(0, Math.min(from, last + 1));
  const b = Math.max(a, Math.min(to, last + 1));
  const start = a <= last ? map.starts[a] : map.ends[last];
  const stop = b > a ? map.ends[b - 1] : start;
  return { start: positionAt(map.lineStarts, start), end: positionAt(map.lineStarts, stop) };
}

/** The range of the value without the whitespace java.util.Properties keeps at its end. */
export function trimmedValueRange(entry: ConfigEntry): Range {
  return valueSubRange(entry, 0, entry.value.trimEnd().length);
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' && text[i + 1] === '\n') i++;
    if (c === '\r' || c === '\n') starts.push(i + 1);
  }
  return starts;
}

export function positionAt(lineStarts: readonly number[], offset: number): Position {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low, character: offset - lineStarts[low] };
}

export function offsetAt(lineStarts: readonly number[], position: Position): number {
  const line = Math.max(0, Math.min(position.line, lineStarts.length - 1));
  return lineStarts[line] + Math.max(0, position.character);
}

function skipEol(text: string, i: number): number {
  return text[i] === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
}
