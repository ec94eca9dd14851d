export type DataLanguage = 'json' | 'yaml' | 'xml' | 'properties' | 'plaintext';

/**
 * Guesses the language of znode data for syntax highlighting. It prefers "plaintext" when unsure:
 * a single `key: value` or `key=value` line, a `host:port` list or a URL stay plain text.
 */
export function detectLanguage(text: string): DataLanguage {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '') return 'plaintext';
  if (isJson(body)) return 'json';
  if (isXml(body)) return 'xml';
  const lines = body.split(/\r\n|\n|\r/);
  if (/^(---|%YAML)(\s|$)/.test(lines[0])) return 'yaml';
  if (isProperties(lines)) return 'properties';
  if (isYaml(lines)) return 'yaml';
  return 'plaintext';
}

function isJson(body: string): boolean {
  if (body[0] !== '{' && body[0] !== '[') return false;
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

const XML_PROLOG_ITEM = /^(<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>)\s*/i;

/** An XML declaration, or (after comments and a doctype) a root element that closes at the end. */
function isXml(body: string): boolean {
  if (body.startsWith('<?xml')) return true;
  let rest = body;
  for (let match = XML_PROLOG_ITEM.exec(rest); match; match = XML_PROLOG_ITEM.exec(rest)) rest = rest.slice(match[0].length);
  const root = /^<([A-Za-z_][\w.:-]*)(\s[^<>]*?)?(\/?)>/.exec(rest);
  if (!root) return false;
  if (root[3] === '/') return root[0].length === rest.length;
  return new RegExp(`</${root[1].replace(/\./g, '\\.')}\\s*>$`).test(rest);
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** An odd number of trailing backslashes continues a properties entry on the next line. */
function endsWithContinuation(line: string): boolean {
  return /(^|[^\\])(\\\\)*\\$/.test(line);
}

/**
 * Properties: unindented `key=value` entries (`key: value` ones may be mixed in), `#`/`!` comments
 * and backslash continuations. At least one `=` entry, and two entries or an entry and a comment.
 */
function isProperties(lines: string[]): boolean {
  let equalsEntries = 0;
  let entries = 0;
  let comments = 0;
  let continued = false;
  for (const line of lines) {
    const trimmed = line.trim();
    if (continued) {
      continued = endsWithContinuation(line);
      continue;
    }
    if (trimmed === '') continue;
    if (/^[#!]/.test(trimmed)) {
      comments++;
      continue;
    }
    // Indented entries are YAML's nesting (a zoo.cfg inside a ConfigMap), not properties.
    if (trimmed !== line.trimEnd()) return false;
    continued = endsWithContinuation(line);
    const separator = /^((?:[^\s=:\\]|\\.)+)\s*([=:])/.exec(trimmed);
    if (!separator) return false;
    entries++;
    if (separator[2] === '=') equalsEntries++;
  }
  return equalsEntries > 0 && (entries >= 2 || comments > 0);
}

// A plain key starts with a letter, "_" or "$" and has no ":" or "#"; quoted keys are accepted too.
const YAML_KEY = /^(?:[A-Za-z_$][^:#]*?|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]+(.*))?$/;
const BLOCK_SCALAR = /^[|>][-+1-9]*\s*(#.*)?$/;

/**
 * Block YAML: every line is `key: value`, `key:`, `- item` or a comment, with spaces (never tabs)
 * for indentation, deeper only under `key:` or `- `, and back only to an enclosing level.
 * Block scalars (`key: |`) may hold anything. Needs two or more keys or items.
 */
function isYaml(lines: string[]): boolean {
  const levels = [0];
  let items = 0;
  let opensBlock = false;
  let scalarIndent: number | undefined;
  for (const line of lines) {
    const trimmed = line.trim();
    const indent = indentOf(line);
    if (scalarIndent !== undefined) {
      if (trimmed === '' || indent > scalarIndent) continue;
      scalarIndent = undefined;
    }
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (/^ *\t/.test(line)) return false;
    if (indent > levels[levels.length - 1]) {
      if (!opensBlock) return false;
      levels.push(indent);
    } else {
      while (indent < levels[levels.length - 1]) levels.pop();
      if (indent !== levels[levels.length - 1]) return false;
    }
    // "- key: value" opens a mapping two columns further in.
    const item = /^(-(?:[ \t]+|$))(.*)$/.exec(trimmed);
    const content = item ? item[2] : trimmed;
    const key = YAML_KEY.exec(content);
    if (item) {
      items++;
      if (content === '') {
        opensBlock = true;
        continue;
      }
      if (key) levels.push(indent + item[1].length);
    }
    if (key) {
      items++;
      const value = (key[1] ?? '').trim();
      opensBlock = value === '' || value.startsWith('#');
      if (BLOCK_SCALAR.test(value)) scalarIndent = indent;
    } else if (item) {
      opensBlock = false;
    } else {
      return false;
    }
  }
  return items >= 2;
}
