import type { CompletionItem, Position, Range } from 'vscode-languageserver-types';
import { sortChildren, validatePath } from '../../zk/paths';
import { ACL_SCHEMES } from './aclSyntax';
import { COMMANDS, commandMarkdown, type CommandSpec, type FlagSpec } from './commands';
import { isComment, lexLine, type ScriptToken } from './lexer';
import { ItemKind, PlainTextFormat, range } from './lsp';
import { buildCommand, toScript, type ScriptInput } from './parser';
import { WATCH_MODES } from './values';
import { t } from '../../zk/l10n';

/** Children of a node that start with a prefix: the first ones in sorted order, and how many match in all. */
export interface ChildrenAnswer {
  /** Sorted (sortChildren) by the extension; sorted again here all the same, at one comparison per name. */
  names: readonly string[];
  /** Above names.length when the list was cut (zookeeper.scripts.completionLimit). */
  total: number;
}

/** The children of a node starting with `prefix` (ignoring case); undefined when they cannot be had (not connected, no node). */
export type ChildrenLookup = (path: string, prefix: string) => Promise<ChildrenAnswer | undefined>;

// Descriptions are functions: the localizer is set after this module loads.
const MODE_DOCS: Readonly<Record<string, () => string>> = {
  PERSISTENT: () => t('Fires for data and child changes of the node itself, and stays.'),
  PERSISTENT_RECURSIVE: () => t('Fires for changes of the node and of every descendant, and stays.'),
};

const AUTH_SCHEMES: readonly [string, () => string][] = [
  ['digest', () => 'user:password'],
  ['sasl', () => t('authenticated through SASL (Kerberos)')],
  ['x509', () => t('authenticated through the TLS client certificate')],
  ['ip', () => t("the client's address; the auth text is ignored")],
];

const ACL_TEMPLATES: readonly [string, () => string][] = [
  ['world:anyone:cdrwa', () => t('Anyone may do anything (the default).')],
  ['world:anyone:r', () => t('Anyone may read.')],
  ['auth::cdrwa', () => t('Whoever this session authenticated as (addauth) may do anything.')],
  ...ACL_SCHEMES.filter((s) => s !== 'world' && s !== 'auth').map((s): [string, () => string] => [`${s}:`, () => t('An ACL entry of the {0} scheme.', s)]),
];

function item(label: string, kind: CompletionItem['kind'], r: Range, detail?: string, newText = label): CompletionItem {
  return { label, kind, detail, textEdit: { range: r, newText }, insertTextFormat: PlainTextFormat };
}

function commandItems(r: Range): CompletionItem[] {
  return COMMANDS.map((spec) => ({ ...item(spec.name, ItemKind.Function, r, spec.syntax), documentation: { kind: 'markdown', value: commandMarkdown(spec) } }));
}

/** Flags not used yet and not in conflict with one that is. */
function flagItems(spec: CommandSpec, used: ReadonlySet<string>, r: Range): CompletionItem[] {
  const allowed = (f: FlagSpec): boolean =>
    !used.has(f.flag) && !spec.conflicts.some((c) => c.flags.includes(f.flag) && c.flags.some((other) => other !== f.flag && used.has(other)));
  return spec.flags.filter(allowed).map((f) => item(f.flag, ItemKind.Property, r, t(f.doc)));
}

function listItems(entries: readonly (readonly [string, () => string])[], kind: CompletionItem['kind'], r: Range): CompletionItem[] {
  return entries.map(([label, doc]) => item(label, kind, r, doc()));
}

/**
 * Children of the partial path's parent whose name starts with the partial last segment (ignoring
 * case), in sequence order; each item replaces only that segment. With nothing typed, "/name".
 */
async function pathItems(token: ScriptToken | undefined, cursor: Position, children: ChildrenLookup): Promise<CompletionItem[]> {
  const line = cursor.line;
  const start = token?.range.start.character ?? cursor.character;
  const partial = token ? token.text.slice(0, cursor.character - start) : '';
  if (partial !== '' && !partial.startsWith('/')) return [];
  const slash = partial.lastIndexOf('/');
  // "/a/b/" of "/a/b/pre". Checking it with a name after it also refuses "//pre", whose parent is no node.
  const dir = partial.slice(0, slash + 1);
  if (dir !== '' && validatePath(`${dir}x`) !== undefined) return [];
  const parent = dir.length <= 1 ? '/' : dir.slice(0, -1);
  const typed = partial.slice(slash + 1);
  const answer = await children(parent, typed);
  if (answer === undefined) return [];
  const prefix = typed.toLowerCase();
  // The extension filtered and sorted already; an answer for a shorter prefix may hold more. Sorted
  // again all the same (a sorted list costs the sort one comparison per name), so that this order
  // never depends on the lookup.
  const matching = sortChildren(prefix === '' ? answer.names : answer.names.filter((n) => n.length >= prefix.length && n.slice(0, prefix.length).toLowerCase() === prefix));
  const text = token?.text ?? '';
  const nextSlash = text.indexOf('/', cursor.character - start);
  const r = range(line, start + slash + 1, nextSlash === -1 ? start + text.length : start + nextSlash);
  const lead = partial === '' ? '/' : '';
  const more = answer.total - answer.names.length;
  const width = String(matching.length + 1).length;
  // VS Code orders items without a sortText by their label, lowercased: when that is already our
  // order (no sequence suffixes, no names equal but for case), a sortText only adds to the list.
  // A cut list needs them anyway: its last item says how many are left out, and must stay last.
  const needsSortText = more > 0 || !inLowercaseOrder(matching);
  const items: CompletionItem[] = matching.map((name, i) => ({
    label: lead + name,
    kind: ItemKind.Folder,
    ...(needsSortText ? { sortText: String(i).padStart(width, '0') } : {}),
    textEdit: { range: r, newText: lead + name },
    insertTextFormat: PlainTextFormat,
  }));
  if (more > 0) items.push(moreItem(more, typed, items.at(-1)?.label ?? typed, r, String(matching.length).padStart(width, '0')));
  return items;
}

/**
 * The last item of a cut list: it says that more children match and that typing narrows them
 * (the list is incomplete, so VS Code asks again on every keystroke); choosing it inserts nothing
 * and opens the list again. VS Code orders by how well the typed text matches the filter text
 * first, by sortText only among equals: the filter text is the last name's (`after`), so it matches
 * exactly as well as that name and stays after it. (What is typed, as it was, matched best of all:
 * with a prefix typed the row came first, and Enter chose it instead of a name; seen in the e2e test.)
 */
function moreItem(more: number, typed: string, after: string, r: Range, sortText: string): CompletionItem {
  return {
    label: t('… {0} more: type to narrow the list', more.toLocaleString('en-US')),
    kind: ItemKind.Text,
    sortText,
    filterText: after,
    textEdit: { range: r, newText: typed },
    insertTextFormat: PlainTextFormat,
    command: { title: t('Show the completions again'), command: 'editor.action.triggerSuggest' },
  };
}

/** True when the names' lowercase forms strictly increase (VS Code's fallback order is then the same). */
function inLowercaseOrder(names: readonly string[]): boolean {
  let previous: string | undefined;
  for (const name of names) {
    const lower = name.toLowerCase();
    if (previous !== undefined && !(previous < lower)) return false;
    previous = lower;
  }
  return true;
}

/**
 * Completions at `position`: command names first on a line, then the command's flags, flag values
 * (watch modes), and its arguments (paths from `children`, addauth schemes, ACL templates).
 * Nothing in comments, the "# connection:" directive included: the caller completes that one.
 */
export async function complete(input: ScriptInput, position: Position, children: ChildrenLookup): Promise<CompletionItem[]> {
  const lineText = toScript(input).lines[position.line];
  if (lineText === undefined || isComment(lineText)) return [];
  const cursor = { line: position.line, character: Math.min(position.character, lineText.length) };
  const tokens = lexLine(lineText, cursor.line).tokens;
  const current = tokens.find((t) => t.range.start.character <= cursor.character && cursor.character <= t.range.end.character);
  const before = tokens.filter((t) => t.range.end.character < cursor.character && t !== current);
  const r = current?.range ?? range(cursor.line, cursor.character, cursor.character);
  if (before.length === 0) return commandItems(r);

  const command = buildCommand(before, cursor.line);
  const spec = command.spec;
  if (spec === undefined || current?.quoted) return [];
  const lastFlag = command.flags[command.flags.length - 1];
  const last = before[before.length - 1];
  if (lastFlag?.spec?.value !== undefined && lastFlag.value === undefined && lastFlag.range === last.range) {
    return lastFlag.spec.value === 'mode' ? WATCH_MODES.map((mode) => item(mode, ItemKind.EnumMember, r, MODE_DOCS[mode]())) : [];
  }

  const flagsEnded = before.some((t) => !t.quoted && t.text === '--');
  const typed = current?.text ?? '';
  const flags = flagsEnded ? [] : flagItems(spec, new Set(command.flags.map((f) => f.flag)), r);
  if (current !== undefined && !current.quoted && current.text.startsWith('-')) return flags;
  const items = typed === '' ? flags : [];
  switch (spec.args[command.args.length]?.kind) {
    case 'path':
      return items.concat(await pathItems(current, cursor, children));
    case 'scheme':
      return items.concat(listItems(AUTH_SCHEMES, ItemKind.EnumMember, r));
    case 'acl':
      return typed.includes(':') ? items : items.concat(listItems(ACL_TEMPLATES, ItemKind.Value, r));
    default:
      return items;
  }
}
