import { formatAcl } from '../zk/acl';
import { classifyData } from '../zk/codecs/editing';
import type { ImportPlan, PlanEntry } from '../zk/transfer/import';

/**
 * An import plan as a document a person reads before anything is written: one line per node that
 * changes, marked as a diff marks lines (+ create, ~ update, - delete), and under each update the
 * lines of data that differ. Shown in the "diff" language so the editor colours it.
 */

const MAX_DIFF_LINES = 40;
const MAX_LISTED = 5000;

function dataText(data: Buffer): string | undefined {
  const kind = classifyData(data);
  return kind.kind === 'text' ? kind.text : undefined;
}

function describeData(data: Buffer): string {
  if (data.length === 0) return 'empty';
  const text = dataText(data);
  if (text === undefined) return `${data.length} bytes, binary`;
  const first = text.split('\n')[0];
  return JSON.stringify(first.length > 60 ? `${first.slice(0, 60)}…` : first) + (text.includes('\n') ? ` (${text.split('\n').length} lines)` : '');
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
  if (out.length > MAX_DIFF_LINES) return [...out.slice(0, MAX_DIFF_LINES), ` … ${out.length - MAX_DIFF_LINES} more lines`];
  return out;
}

function entryLines(entry: PlanEntry): string[] {
  switch (entry.action) {
    case 'create': {
      const node = entry.node!;
      const mode = node.mode === 'persistent' ? '' : node.mode === 'ttl' ? ` · ttl ${node.ttlMs} ms` : ` · ${node.mode}`;
      const acl = node.acl && !node.aclMasked ? ` · acl ${node.acl.map(formatAcl).join(',')}` : '';
      return [`+ ${entry.path}  (create: ${describeData(node.data)}${mode}${acl})`];
    }
    case 'delete':
      return [`- ${entry.path}  (delete: ${describeData(entry.before ?? Buffer.alloc(0))}; not in the file)`];
    case 'update': {
      const node = entry.node!;
      const lines = [`@@ ${entry.path}  (update: ${(entry.changes ?? []).join(', ')} differ${entry.changes?.includes('mode') ? '; mode is noted, not changed' : ''}) @@`];
      if (entry.changes?.includes('data')) {
        const before = dataText(entry.before ?? Buffer.alloc(0));
        const after = dataText(node.data);
        if (before !== undefined && after !== undefined) lines.push(...lineDiff(before, after));
        else lines.push(`-${describeData(entry.before ?? Buffer.alloc(0))}`, `+${describeData(node.data)}`);
      }
      if (entry.changes?.includes('acl')) {
        lines.push(`-acl ${(entry.beforeAcl ?? []).map(formatAcl).join(',')}`, `+acl ${(node.acl ?? []).map(formatAcl).join(',')}`);
      }
      for (const note of entry.notes ?? []) lines.push(`# ${note}`);
      return lines;
    }
    case 'unchanged':
      return [];
  }
}

export function describePlan(plan: ImportPlan, from: string, connection: string): string {
  const c = plan.counts;
  const lines = [
    `# Import plan: ${from} → ${connection}:${plan.root}`,
    `# ${c.create} to create · ${c.update} to update · ${c.delete} to delete · ${c.unchanged} unchanged${plan.deleteExtra ? '' : ' · nodes the file lacks are kept'}`,
    '# Nothing has been written yet: "Apply" in the notification carries out exactly this plan; a node changed',
    '# by someone else meanwhile stops its batch and is reported.',
    '',
  ];
  let listed = 0;
  for (const entry of plan.entries) {
    if (entry.action === 'unchanged') continue;
    if (++listed > MAX_LISTED) {
      lines.push(`# … and ${c.create + c.update + c.delete - MAX_LISTED} more (see the command's result for all of them).`);
      break;
    }
    lines.push(...entryLines(entry));
  }
  if (plan.skipped.length > 0) {
    lines.push('', `# Left out (${plan.skipped.length}):`);
    for (const skipped of plan.skipped.slice(0, 200)) lines.push(`# ${skipped.path}: ${skipped.reason}`);
  }
  if (plan.unreadable.length > 0) {
    lines.push('', `# Not readable with this connection's credentials, so neither compared nor written (${plan.unreadable.length}):`);
    for (const path of plan.unreadable.slice(0, 200)) lines.push(`# ${path}`);
  }
  return `${lines.join('\n')}\n`;
}
