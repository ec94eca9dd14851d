import type { Hover, Position, Range } from 'vscode-languageserver-types';
import { describeMarkdown } from './describe';
import { parseConfig, type ParsedConfig } from './parser';
import { findByGuideName, findProperty, type PropertyInfo } from './properties';
import { t } from '../../zk/l10n';

/** Documentation of the key under the cursor, or null anywhere else. */
export function hover(text: string | ParsedConfig, position: Position): Hover | null {
  const parsed = typeof text === 'string' ? parseConfig(text) : text;
  const entry = parsed.entries.find((e) => e.key !== '' && contains(e.keyRange, position));
  if (!entry) return null;
  const found = lookUp(entry.key);
  if (!found) return null;
  const note = found.note ? `\n\n---\n${found.note}` : '';
  return { contents: { kind: 'markdown', value: describeMarkdown(found.info, found.key) + note }, range: entry.keyRange };
}

function lookUp(key: string): { info: PropertyInfo; key: string; note?: string } | undefined {
  const info = findProperty(key);
  if (info) return { info, key };
  const guide = findByGuideName(key);
  if (guide) return { info: guide, key: guide.key, note: t('In zoo.cfg write {0}: {1} does not reach the server.', `\`${guide.key}\``, `\`${key}\``) };
  if (key.startsWith('zookeeper.')) {
    const rest = key.slice('zookeeper.'.length);
    const target = findProperty(rest);
    if (target) return { info: target, key: rest, note: t('In zoo.cfg write {0}: ZooKeeper adds the {1} prefix itself.', `\`${rest}\``, '`zookeeper.`') };
  }
  return undefined;
}

export function contains(range: Range, position: Position): boolean {
  const after = position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const before = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return after && before;
}
