import type { CompletionItem, Position, Range } from 'vscode-languageserver-types';
import { describeBriefly, describeMarkdown } from './describe';
import { contains } from './hover';
import { parseConfig, type ConfigEntry, type ParsedConfig } from './parser';
import { EXACT_KEYS, findProperty, type PropertyInfo } from './properties';
import { parseJavaInteger } from './values';
import { t } from '../../zk/l10n';

// The numeric values of CompletionItemKind and InsertTextFormat, so no runtime import is needed.
const KIND = { property: 10, value: 12, enumMember: 20, snippet: 15 } as const;
const SNIPPET = 2;

/** Keys at the start of a line, values after the separator of a known key. */
export function complete(text: string, position: Position): CompletionItem[] {
  const parsed = parseConfig(text);
  const lineText = lineAt(parsed, text, position.line);
  const inValue = parsed.entries.find((e) => e.line < position.line && e.valueRange.end.line >= position.line);
  if (inValue) return [];
  const entry = parsed.entries.find((e) => e.line === position.line);
  if (!entry) {
    const before = lineText.slice(0, position.character);
    if (/^\s*[#!]/.test(lineText) || before.trim() !== '') return [];
    return keyItems(parsed, undefined, { start: position, end: position });
  }
  if (contains(entry.keyRange, position)) return keyItems(parsed, entry, entry.keyRange);
  if (entry.separator === '' || entry.valueRange.end.line !== position.line) return [];
  return valueItems(entry, position);
}

function keyItems(parsed: ParsedConfig, current: ConfigEntry | undefined, range: Range): CompletionItem[] {
  const present = new Set(parsed.entries.filter((e) => e !== current).map((e) => e.key));
  const items: CompletionItem[] = [];
  EXACT_KEYS.forEach((key, index) => {
    const info = findProperty(key);
    if (!info || info.readBy === 'jvm' || present.has(key)) return;
    items.push({
      label: key,
      kind: KIND.property,
      detail: describeBriefly(info),
      documentation: { kind: 'markdown', value: describeMarkdown(info) },
      textEdit: { range, newText: `${key}=` },
      sortText: `${sectionRank(info)}-${String(index).padStart(4, '0')}`,
    });
  });
  const serverId = nextId(parsed, 'server.');
  items.push({
    label: `server.${serverId}`,
    kind: KIND.snippet,
    detail: t('next free server id'),
    documentation: { kind: 'markdown', value: describeMarkdown(findProperty('server.1') as PropertyInfo, `server.${serverId}`) },
    textEdit: { range, newText: `server.${serverId}=\${1:host}:\${2:2888}:\${3:3888}` },
    insertTextFormat: SNIPPET,
    sortText: '2-0000',
  });
  const providerId = nextId(parsed, 'authProvider.');
  items.push({
    label: `authProvider.${providerId}`,
    kind: KIND.property,
    detail: t('class name'),
    documentation: { kind: 'markdown', value: describeMarkdown(findProperty('authProvider.1') as PropertyInfo, `authProvider.${providerId}`) },
    textEdit: { range, newText: `authProvider.${providerId}=` },
    sortText: '4-0000',
  });
  return items;
}

/** Basic settings first, then the cluster, then the rest. */
function sectionRank(info: PropertyInfo): number {
  return info.section === 'basic' ? 1 : info.section === 'cluster' ? 2 : info.section === 'advanced' ? 3 : 4;
}

function nextId(parsed: ParsedConfig, prefix: string): number {
  let max = 0;
  for (const entry of parsed.entries) {
    if (!entry.key.startsWith(prefix)) continue;
    const id = parseJavaInteger(entry.key.slice(prefix.length), 'long');
    if (id !== undefined && id > max) max = id;
  }
  return max + 1;
}

function valueItems(entry: ConfigEntry, position: Position): CompletionItem[] {
  const info = findProperty(entry.key);
  if (!info) return [];
  const startChar = entry.valueRange.start.line === position.line ? entry.valueRange.start.character : 0;
  const offset = Math.max(0, position.character - startChar);
  const value = entry.value;
  const type = info.type;
  const at = (from: number, to: number): Range => ({
    start: { line: position.line, character: Math.min(startChar + from, position.character) },
    end: { line: position.line, character: Math.max(startChar + to, position.character) },
  });
  const whole = at(0, value.trimEnd().length);
  switch (type.kind) {
    case 'boolean':
      return choices(['true', 'false'], info, whole);
    case 'yesno':
      return choices(['yes', 'no'], info, whole);
    case 'enum':
      return choices(type.values.filter((v) => v !== ''), info, whole);
    case 'className':
      return choices(type.suggestions ?? [], info, whole);
    case 'list': {
      if (!type.items) return [];
      const from = value.lastIndexOf(',', offset - 1) + 1;
      const comma = value.indexOf(',', offset);
      const raw = value.slice(from, comma < 0 ? value.length : comma);
      const start = from + raw.length - raw.trimStart().length;
      const end = Math.max(start, from + raw.trimEnd().length);
      const used = new Set(value.split(',').map((w) => w.trim()));
      used.delete(raw.trim());
      return choices(type.items.filter((w) => !used.has(w)), info, at(start, end));
    }
    case 'server': {
      const match = /^(.*:\d+:\d+):([A-Za-z]*)$/.exec(value.slice(0, offset));
      if (!match) return [];
      return choices(['participant', 'observer'], info, at(match[1].length + 1, offset));
    }
    default:
      return [];
  }
}

function choices(values: readonly string[], info: PropertyInfo, range: Range): CompletionItem[] {
  return values.map((value, index) => ({
    label: value,
    kind: info.type.kind === 'className' ? KIND.value : KIND.enumMember,
    detail: value === info.default ? t('default') : undefined,
    textEdit: { range, newText: value },
    sortText: String(index).padStart(3, '0'),
  }));
}

function lineAt(parsed: ParsedConfig, text: string, line: number): string {
  const starts = parsed.lineStarts;
  if (line < 0 || line >= starts.length) return '';
  const end = line + 1 < starts.length ? starts[line + 1] : text.length;
  return text.slice(starts[line], end).replace(/[\r\n]+$/, '');
}
