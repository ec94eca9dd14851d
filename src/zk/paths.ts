import { t } from './l10n';

/**
 * ZooKeeper path rules, after org.apache.zookeeper.common.PathUtils.validatePath.
 *
 * Positions in messages are 0-based offsets into the path, the same numbers ZooKeeper
 * prints after "@" in its own errors.
 */

export class InvalidPathError extends Error {
  override readonly name = 'InvalidPathError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Why a UTF-16 unit is not allowed in a znode name, or undefined when it is.
 * The ranges are the documented ones (inclusive). ZooKeeper's own check compares with
 * strict < and >, so it lets the range ends (U+001F, U+007F, U+009F, U+D800, U+F8FF,
 * U+FFF0, U+FFFF) through; we refuse them too, being the stricter of the two.
 */
function disallowedKind(unit: number): string | undefined {
  if (unit === 0) return 'a null character';
  if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f)) return 'a control character';
  if (unit >= 0xd800 && unit <= 0xdfff) return 'a character outside the Basic Multilingual Plane, like an emoji';
  if (unit >= 0xe000 && unit <= 0xf8ff) return 'a private-use character';
  if (unit >= 0xfff0) return 'a Unicode special character';
  return undefined;
}

function isSurrogatePairAt(text: string, i: number): boolean {
  const hi = text.charCodeAt(i);
  const lo = text.charCodeAt(i + 1);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
}

function hex4(unit: number): string {
  return unit.toString(16).toUpperCase().padStart(4, '0');
}

/** Quotes a path or name for a message, escaping what would not display (control characters, lone surrogates...). */
function quote(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (isSurrogatePairAt(text, i)) {
      out += text.slice(i, i + 2);
      i++;
    } else if (disallowedKind(unit) !== undefined) {
      out += `\\u${hex4(unit)}`;
    } else {
      out += text[i];
    }
  }
  return `"${out}"`;
}

function describeCharAt(text: string, i: number): string {
  const unit = text.charCodeAt(i);
  const codePoint = isSurrogatePairAt(text, i) ? (text.codePointAt(i) ?? unit) : unit;
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')} (${disallowedKind(unit) ?? 'a character'})`;
}

type Problem = { kind: 'empty' } | { kind: 'relative' } | { kind: 'trailing' | 'emptySegment' | 'char'; at: number } | { kind: 'dots'; at: number; dots: string };

/**
 * Scans `path` as ZooKeeper would scan `path + "1"` when `sequential` (the server appends
 * the counter, so "/parent/" and "/parent/." are fine prefixes for a sequential create).
 */
function findPathProblem(path: string, sequential: boolean): Problem | undefined {
  if (path.length === 0) return { kind: 'empty' };
  if (path[0] !== '/') return { kind: 'relative' };
  if (path.length === 1) return undefined;
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (c === '/') {
      if (path[i - 1] === '/') return { kind: 'emptySegment', at: i };
      continue;
    }
    if (disallowedKind(path.charCodeAt(i)) !== undefined) return { kind: 'char', at: i };
    if (path[i - 1] === '/') {
      const end = path.indexOf('/', i);
      const segment = path.slice(i, end === -1 ? undefined : end);
      const last = end === -1;
      if ((segment === '.' || segment === '..') && !(last && sequential)) return { kind: 'dots', at: i, dots: segment };
    }
  }
  if (path.endsWith('/') && !sequential) return { kind: 'trailing', at: path.length - 1 };
  return undefined;
}

function describePathProblem(path: string, problem: Problem): string {
  const q = quote(path);
  switch (problem.kind) {
    case 'empty':
      return t('Znode path is empty; it must start with "/".');
    case 'relative':
      return t('Znode path {0} must start with "/".', q);
    case 'trailing':
      return t('Znode path {0} ends with "/" at character {1}; remove the trailing "/".', q, problem.at);
    case 'emptySegment':
      return t('Znode path {0} has an empty segment at character {1}; remove the extra "/".', q, problem.at);
    case 'dots':
      return t('Znode path {0} has a "{1}" segment at character {2}; ZooKeeper paths cannot be relative.', q, problem.dots, problem.at);
    case 'char':
      return t('Znode path {0} contains {1} at character {2}; ZooKeeper does not allow it.', q, describeCharAt(path, problem.at), problem.at);
  }
}

/**
 * Returns undefined when `path` is a valid znode path, else a sentence saying what is wrong and where.
 * With `allowSequentialSuffix`, `path` is the prefix of a sequential create, which may end with "/".
 */
export function validatePath(path: string, allowSequentialSuffix = false): string | undefined {
  const problem = findPathProblem(path, allowSequentialSuffix);
  return problem && describePathProblem(path, problem);
}

/** Throws InvalidPathError unless `path` is valid (see validatePath). */
export function assertValidPath(path: string, allowSequentialSuffix = false): void {
  const message = validatePath(path, allowSequentialSuffix);
  if (message !== undefined) throw new InvalidPathError(path, message);
}

/**
 * Checks a single child name as typed in an input box. With `allowSequentialSuffix` the name is
 * the prefix of a sequential create: it may be empty, ".", or "..", since the server appends digits.
 */
export function validateNodeName(name: string, allowSequentialSuffix = false): string | undefined {
  const q = quote(name);
  if (name.length === 0 && !allowSequentialSuffix) return t('Node name is empty; type a name.');
  for (let i = 0; i < name.length; i++) {
    if (name[i] === '/') return t('Node name {0} contains "/" at character {1}; a name is a single path segment.', q, i);
    if (disallowedKind(name.charCodeAt(i)) !== undefined) {
      return t('Node name {0} contains {1} at character {2}; ZooKeeper does not allow it.', q, describeCharAt(name, i), i);
    }
  }
  if ((name === '.' || name === '..') && !allowSequentialSuffix) return t('Node name {0} is not allowed; ZooKeeper paths cannot be relative.', q);
  return undefined;
}

/** Joins a parent path and one child name (as returned by getChildren). Character rules are not checked. */
export function joinPath(parent: string, child: string): string {
  if (!parent.startsWith('/')) throw new InvalidPathError(parent, t('Parent path {0} must start with "/".', quote(parent)));
  if (child.length === 0 || child.includes('/')) {
    throw new InvalidPathError(child, t('Child name {0} must be a single, non-empty path segment.', quote(child)));
  }
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}

/** The parent of an absolute path; undefined for "/" (and for anything not starting with "/"). */
/**
 * The one rule for nodes that belong to ZooKeeper itself and are never deleted, moved or offered
 * for deletion: the root, and /zookeeper with everything below it (quotas, the dynamic config).
 */
export function isServerOwned(path: string): boolean {
  return path === '/' || path === '/zookeeper' || path.startsWith('/zookeeper/');
}

export function parentPath(path: string): string | undefined {
  const slash = path.lastIndexOf('/');
  if (path === '/' || slash < 0 || !path.startsWith('/')) return undefined;
  return slash === 0 ? '/' : path.slice(0, slash);
}

/** The last segment of a path; '' for "/". */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** "/a/b" → ['a', 'b']; "/" → []. */
export function pathSegments(path: string): string[] {
  return path === '/' || path === '' ? [] : path.replace(/^\//, '').split('/');
}

/** Proper ancestors, root first: "/a/b/c" → ['/', '/a', '/a/b']; "/" → []. */
export function ancestors(path: string): string[] {
  const result: string[] = [];
  for (let parent = parentPath(path); parent !== undefined; parent = parentPath(parent)) result.unshift(parent);
  return result;
}

/** True when `ancestor` is a proper ancestor of `path` ("/a" of "/a/b", not of "/a" or "/ab"). */
export function isAncestor(ancestor: string, path: string): boolean {
  if (ancestor === path || !path.startsWith('/')) return false;
  return ancestor === '/' || path.startsWith(`${ancestor}/`);
}

/**
 * Tidies typed input: trims whitespace, adds a missing leading "/", drops one trailing "/".
 * Anything else stays, so the result must still go through validatePath ("" becomes "/").
 */
export function normalizeUserPath(input: string): string {
  let path = input.trim();
  if (!path.startsWith('/')) path = `/${path}`;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

export interface SequenceSuffix {
  prefix: string;
  sequence: number;
}

const INT_MAX = 2147483647;

/**
 * Splits off the suffix ZooKeeper appends to sequential nodes: String.format("%010d", counter) of the
 * parent's signed 32-bit cversion. Java counts the sign in the width, so the suffix is one of
 *   10 digits            0 … 2147483647          ("0000000042")
 *   "-" and 9 digits    -1 … -999999999          ("-000000001")
 *   "-" and 10 digits   -1000000000 … -2147483648 ("-2147483648")
 * Only these exact forms count. "x-1500000000" fits both the first and the last form; it is read as
 * the far more common positive counter (prefix "x-"), which is the only way a name can be read
 * without knowing the prefix the creator used.
 */
export function parseSequence(name: string): SequenceSuffix | undefined {
  const sequence = sequenceOf(name);
  if (sequence === undefined) return undefined;
  return { prefix: name.slice(0, sequence === -(INT_MAX + 1) ? -11 : -10), sequence };
}

/** parseSequence's number alone, without allocating: the hot path when sorting large listings. */
export function sequenceOf(name: string): number | undefined {
  const length = name.length;
  if (length < 10) return undefined;
  const negative = name.charCodeAt(length - 10) === 45; // "-" and 9 digits
  let value = 0;
  for (let i = length - (negative ? 9 : 10); i < length; i++) {
    const digit = name.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  if (negative) return value === 0 ? undefined : -value;
  if (value <= INT_MAX) return value;
  if (value === INT_MAX + 1 && name.charCodeAt(length - 11) === 45) return -value;
  return undefined;
}

/** Compares by Unicode code point (JS `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * Names with a sequence suffix come first, in plain numeric order of the suffix whatever the prefix
 * (siblings share the parent's counter). After the counter overflows, negative suffixes therefore
 * sort before the older positive ones: this is numeric order, not creation order. (Curator and kazoo
 * compare the suffix text instead, which also puts "-" first but orders negatives backwards.)
 * Names without a suffix follow, by code point; equal sequences are ordered by name.
 */
export function compareBySequence(a: string, b: string): number {
  const sa = parseSequence(a);
  const sb = parseSequence(b);
  if (sa && sb && sa.sequence !== sb.sequence) return sa.sequence < sb.sequence ? -1 : 1;
  if (sa && !sb) return -1;
  if (!sa && sb) return 1;
  return compareCodePoints(a, b);
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * A sorted copy in the order of compareBySequence. Each name is parsed and checked for surrogate
 * pairs once (not once per comparison), which keeps 50,000 children to a few tens of milliseconds.
 */
export function sortChildren(names: readonly string[]): string[] {
  // Most listings have neither sequence suffixes nor astral characters: then the order is the
  // built-in sort's (UTF-16 units), a third faster than a comparator on 10,000 names.
  if (!names.some((name) => sequenceOf(name) !== undefined || SURROGATE.test(name))) return names.slice().sort();
  // `a < b` compares UTF-16 units: code point order unless a surrogate pair is involved.
  const keyed = names.map((name) => ({ name, sequence: sequenceOf(name), astral: SURROGATE.test(name) }));
  const byName = (a: (typeof keyed)[number], b: (typeof keyed)[number]): number => {
    if (a.name === b.name) return 0;
    return a.astral || b.astral ? compareCodePoints(a.name, b.name) : a.name < b.name ? -1 : 1;
  };
  keyed.sort((a, b) => {
    if (a.sequence !== undefined && b.sequence !== undefined) return a.sequence - b.sequence || byName(a, b);
    if (a.sequence !== undefined) return -1;
    if (b.sequence !== undefined) return 1;
    return byName(a, b);
  });
  return keyed.map((k) => k.name);
}
