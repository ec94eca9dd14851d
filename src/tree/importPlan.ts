import { formatAcl } from '../zk/acl';
import { classifyData } from '../zk/codecs/editing';
import type { ImportPlan, PlanChange, PlanEntry } from '../zk/transfer/import';
import { t } from '../zk/l10n';

/**
 * An import plan as a document a person reads before anything is written: one line per node that
 * changes, marked as a diff marks lines (+ create, ~ update, - delete), and under each update the
 * lines of data that differ. Shown in the "diff" language so the editor colours it. Its words go
 * through src/zk's t() seam (this file runs in unit tests, without vscode), so they follow the
 * display language; the export file's own header (src/zk/transfer/exportFormat.ts) is a file format
 * and stays English.
 */

const MAX_DIFF_LINES = 40;
const MAX_LISTED = 5000;

function dataText(data: Buffer): string | undefined {
  const kind = classifyData(data);
  return kind.kind === 'text' ? kind.text : undefined;
}

function describeData(data: Buffer): string {
  if (data.length === 0) return t('empty');
  const text = dataText(data);
  if (text === undefined) return t('{0} bytes, binary', data.length);
  const first = text.split('\n')[0];
  return JSON.stringify(first.length > 60 ? `${first.slice(0, 60)}…` : first) + (text.includes('\n') ? ` ${t('({0} lines)', text.split('\n').length)}` : '');
}

/**
 * The plan's own English words about a node (src/zk/transfer/import.ts: why a node is left out, the
 * notes of an update) in the display language. They stay English in the plan the command returns
 * (callers match on them), so they are translated here, where a person reads them; each is matched
 * whole, and test/unit/tree/importPlan.test.ts fails when import.ts gains one this does not know.
 */
export function planPhrase(english: string): string {
  switch (english) {
    case "ephemeral in the file: it belonged to a session of the source; made here it would belong to this window's session and vanish with it":
      return t("ephemeral in the file: it belonged to a session of the source; made here it would belong to this window's session and vanish with it");
    case '/zookeeper belongs to the server':
      return t('/zookeeper belongs to the server');
    case 'ephemeral here and not in the file: it belongs to a live session, so it is not deleted':
      return t('ephemeral here and not in the file: it belongs to a live session, so it is not deleted');
    case 'its ACL could not be read here, so it is left as it is':
      return t('its ACL could not be read here, so it is left as it is');
    case "the file's ACL was masked by the source server (read without ADMIN), so it is left as it is":
      return t("the file's ACL was masked by the source server (read without ADMIN), so it is left as it is");
    case "it is ephemeral here and persistent in the file; a node's mode cannot change without deleting it, so the mode is left as it is":
      return t("it is ephemeral here and persistent in the file; a node's mode cannot change without deleting it, so the mode is left as it is");
  }
  const kept = /^not deleted: the ephemeral node (.+) lives under it$/.exec(english);
  if (kept) return t('not deleted: the ephemeral node {0} lives under it', kept[1]);
  // The Compare view's copy (src/extension/transfer/copyCommand.ts) adds these two.
  const unreadable = /^not readable on (.+) with its credentials, so not copied$/.exec(english);
  if (unreadable) return t('not readable on {0} with its credentials, so not copied', unreadable[1]);
  const ephemeral = /^ephemeral on (.+): it belongs to a session there, so it is not copied$/.exec(english);
  if (ephemeral) return t('ephemeral on {0}: it belongs to a session there, so it is not copied', ephemeral[1]);
  return english;
}

/** A node's mode as the plan names it (the file's words: persistent, ephemeral, container, ttl). */
function modeText(node: NonNullable<PlanEntry['node']>): string {
  switch (node.mode) {
    case 'ephemeral':
      return t('ephemeral');
    case 'container':
      return t('container');
    case 'ttl':
      return t('ttl {0} ms', node.ttlMs ?? '?');
    default:
      return t('persistent');
  }
}

/** What an update changes, in words: data, ACL, mode. */
function changeText(change: PlanChange): string {
  return change === 'data' ? t('data') : change === 'acl' ? t('acl') : t('mode');
}

/**
 * The lines that differ between two texts: the common start and end are left out, with one line of
 * context each side. Not a minimal diff — for configuration values it is what a reader needs.
 */
export function lineDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: string[] = [];
  if (start > 0) out.push(` ${a[start - 1]}`);
  for (const line of a.slice(start, endA)) out.push(`-${line}`);
  for (const line of b.slice(start, endB)) out.push(`+${line}`);
  if (endA < a.length) out.push(` ${a[endA]}`);
  if (out.length > MAX_DIFF_LINES) return [...out.slice(0, MAX_DIFF_LINES), ` ${t('… {0} more lines', out.length - MAX_DIFF_LINES)}`];
  return out;
}

// The markers (+, -, @@, #) and ACL entries (-acl/+acl scheme:id:perms) are the diff language's and
// ZooKeeper's; only the words between them are translated.
function entryLines(entry: PlanEntry): string[] {
  switch (entry.action) {
    case 'create': {
      const node = entry.node!;
      const mode = node.mode === 'persistent' ? '' : ` · ${modeText(node)}`;
      const acl = node.acl && !node.aclMasked ? ` · acl ${node.acl.map(formatAcl).join(',')}` : '';
      return [`+ ${entry.path}  (${t('create: {0}', `${describeData(node.data)}${mode}${acl}`)})`];
    }
    case 'delete':
      return [`- ${entry.path}  (${t('delete: {0}; not in the file', describeData(entry.before ?? Buffer.alloc(0)))})`];
    case 'update': {
      const node = entry.node!;
      const changes = (entry.changes ?? []).map(changeText).join(t(', '));
      const what = entry.changes?.includes('mode') ? t('update: {0} differ; mode is noted, not changed', changes) : t('update: {0} differ', changes);
      const lines = [`@@ ${entry.path}  (${what}) @@`];
      if (entry.changes?.includes('data')) {
        const before = dataText(entry.before ?? Buffer.alloc(0));
        const after = dataText(node.data);
        if (before !== undefined && after !== undefined) lines.push(...lineDiff(before, after));
        else lines.push(`-${describeData(entry.before ?? Buffer.alloc(0))}`, `+${describeData(node.data)}`);
      }
      if (entry.changes?.includes('acl')) {
        lines.push(`-acl ${(entry.beforeAcl ?? []).map(formatAcl).join(',')}`, `+acl ${(node.acl ?? []).map(formatAcl).join(',')}`);
      }
      for (const note of entry.notes ?? []) lines.push(`# ${planPhrase(note)}`);
      return lines;
    }
    case 'unchanged':
      return [];
  }
}

/** The plan document, in the display language (`from`: the file as the user knows it, see importCommand.ts). */
export function describePlan(plan: ImportPlan, from: string, connection: string): string {
  const c = plan.counts;
  const lines = [
    `# ${t('Import plan: {0} → {1}', from, `${connection}:${plan.root}`)}`,
    `# ${t('{0} to create · {1} to update · {2} to delete · {3} unchanged', c.create, c.update, c.delete, c.unchanged)}${plan.deleteExtra ? '' : ` · ${t('nodes the file lacks are kept')}`}`,
    `# ${t('Nothing has been written yet: "Apply" in the notification carries out exactly this plan.')}`,
    `# ${t('A node changed by someone else meanwhile stops its batch and is reported.')}`,
    '',
  ];
  let listed = 0;
  for (const entry of plan.entries) {
    if (entry.action === 'unchanged') continue;
    if (++listed > MAX_LISTED) {
      lines.push(`# ${t("… and {0} more (see the command's result for all of them).", c.create + c.update + c.delete - MAX_LISTED)}`);
      break;
    }
    lines.push(...entryLines(entry));
  }
  if (plan.skipped.length > 0) {
    lines.push('', `# ${t('Left out ({0}):', plan.skipped.length)}`);
    for (const skipped of plan.skipped.slice(0, 200)) lines.push(`# ${skipped.path}: ${planPhrase(skipped.reason)}`);
  }
  if (plan.unreadable.length > 0) {
    lines.push('', `# ${t("Not readable with this connection's credentials, so neither compared nor written ({0}):", plan.unreadable.length)}`);
    for (const path of plan.unreadable.slice(0, 200)) lines.push(`# ${path}`);
  }
  return `${lines.join('\n')}\n`;
}
