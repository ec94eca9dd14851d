import { ZkError } from '../errors';
import { t } from '../l10n';

/** How to read a pattern the user typed. */
export interface PatternOptions {
  /** A JavaScript regular expression instead of literal text (data) or a glob (path). */
  regex?: boolean;
  caseSensitive?: boolean;
}

/** One place in a node's data where the data pattern matched. Lines and columns count from 1, as editors show them. */
export interface DataMatch {
  line: number;
  column: number;
  /** Characters matched (for binary data: hex digits). */
  length: number;
  /** The matched line, cut to at most MAX_PREVIEW characters around the match. */
  preview: string;
  /** Where the match starts and ends inside `preview`. */
  previewStart: number;
  previewEnd: number;
}

const MAX_PREVIEW = 160;
/** Matches reported per node: a node of a million "a"s searched for "a" must not make a million results. */
export const MAX_MATCHES_PER_NODE = 100;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(source: string, flags: string, what: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : 'invalid';
    throw new ZkError('INVALIDARGUMENT', 'search', undefined, what === 'path' ? t('The path pattern is not a valid regular expression ({0}). Fix it, or search for it as plain text.', reason) : t('The data pattern is not a valid regular expression ({0}). Fix it, or search for it as plain text.', reason));
  }
}

/**
 * A path glob as a regular expression: `*` is any run of characters within one name, `**` any run
 * across names, `?` one character, `[...]` a class, `{a,b}` alternatives. A glob without `/` is
 * matched against the node's name only (as `find -name` does); with `/` against the whole path.
 */
export function globToRegExp(glob: string, caseSensitive: boolean): { regexp: RegExp; byName: boolean } {
  let source = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // "**/" also matches no directory at all: /a/**/b matches /a/b.
        if (glob[i + 2] === '/') {
          source += '(?:.*/)?';
          i += 2;
        } else {
          source += '.*';
          i++;
        }
      } else source += '[^/]*';
    } else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        source += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      braces++;
      source += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      source += ')';
    } else if (c === ',' && braces > 0) source += '|';
    else source += escapeRegExp(c);
  }
  if (braces > 0) throw new ZkError('INVALIDARGUMENT', 'search', undefined, t('The path pattern "{0}" opens a "{" it never closes.', glob));
  return { regexp: compile(`^${source}$`, caseSensitive ? 'u' : 'iu', 'path'), byName: !glob.includes('/') };
}

/** Whether a path matches the user's path pattern (a glob, or a regular expression searched anywhere in the path). */
export function pathMatcher(pattern: string | undefined, options: PatternOptions): (path: string) => boolean {
  if (pattern === undefined || pattern === '') return () => true;
  if (options.regex) {
    const regexp = compile(pattern, options.caseSensitive ? 'u' : 'iu', 'path');
    return (path) => regexp.test(path);
  }
  const { regexp, byName } = globToRegExp(pattern, options.caseSensitive === true);
  return byName ? (path) => regexp.test(path.slice(path.lastIndexOf('/') + 1)) : (path) => regexp.test(path);
}

function preview(line: string, start: number, end: number): Pick<DataMatch, 'preview' | 'previewStart' | 'previewEnd'> {
  if (line.length <= MAX_PREVIEW) return { preview: line, previewStart: start, previewEnd: end };
  const before = Math.min(start, 40);
  const from = start - before;
  const text = line.slice(from, from + MAX_PREVIEW);
  const prefix = from > 0 ? '…' : '';
  return { preview: prefix + text, previewStart: prefix.length + before, previewEnd: prefix.length + Math.min(end - from, text.length) };
}

/** Finds the data pattern in text, line by line (a match never spans lines, as in VS Code's own search). */
export function textMatcher(pattern: string, options: PatternOptions): (text: string) => DataMatch[] {
  const regexp = compile(options.regex ? pattern : escapeRegExp(pattern), options.caseSensitive ? 'gu' : 'giu', 'data');
  return (text) => {
    const matches: DataMatch[] = [];
    let lineStart = 0;
    let line = 1;
    while (lineStart <= text.length && matches.length < MAX_MATCHES_PER_NODE) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = text.length;
      const content = text.slice(lineStart, lineEnd > lineStart && text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd);
      regexp.lastIndex = 0;
      for (let m = regexp.exec(content); m !== null && matches.length < MAX_MATCHES_PER_NODE; m = regexp.exec(content)) {
        // An empty match (e.g. /x*/) would never advance.
        if (m[0].length === 0) {
          regexp.lastIndex++;
          continue;
        }
        matches.push({ line, column: m.index + 1, length: m[0].length, ...preview(content, m.index, m.index + m[0].length) });
      }
      lineStart = lineEnd + 1;
      line++;
    }
    return matches;
  };
}

/**
 * Finds a pattern in binary data by its hex digits ("ca fe", "0xCAFE" and "CAFE" are the same
 * pattern). Matches fall on byte boundaries; `column` is the byte offset + 1 and the preview is the
 * hex around the match, two digits a byte.
 */
export function hexMatcher(pattern: string): ((data: Uint8Array) => DataMatch[]) | undefined {
  const digits = pattern.replace(/0x/gi, '').replace(/[\s:,-]/g, '').toLowerCase();
  if (digits.length === 0 || digits.length % 2 !== 0 || !/^[0-9a-f]+$/.test(digits)) return undefined;
  const needle = Buffer.from(digits, 'hex');
  return (data) => {
    const haystack = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const matches: DataMatch[] = [];
    for (let at = haystack.indexOf(needle); at >= 0 && matches.length < MAX_MATCHES_PER_NODE; at = haystack.indexOf(needle, at + 1)) {
      const from = Math.max(0, at - 8);
      const to = Math.min(haystack.length, at + needle.length + 24);
      const hex = haystack.subarray(from, to).toString('hex');
      matches.push({ line: 1, column: at + 1, length: needle.length * 2, preview: hex, previewStart: (at - from) * 2, previewEnd: (at - from + needle.length) * 2 });
    }
    return matches;
  };
}
