import type { Hover, Position, Range } from 'vscode-languageserver-types';
import { validatePath } from '../../zk/paths';
import { commandMarkdown } from './commands';
import { commandAt, toScript, type ScriptInput } from './parser';
import { t } from '../../zk/l10n';

/** Markdown about a node (the caller renders its stat and a data preview); undefined when unknown. */
export type DescribePath = (path: string) => Promise<string | undefined>;

/** Under the cursor, not merely touching its end: hovers point at characters. */
function under(r: Range, position: Position): boolean {
  return r.start.line === position.line && r.start.character <= position.character && position.character < r.end.character;
}

function markdown(value: string, range: Range): Hover {
  return { contents: { kind: 'markdown', value }, range };
}

/** A command's syntax and doc, a flag's doc, or what `describe` says about a path. */
export async function hover(input: ScriptInput, position: Position, describe: DescribePath): Promise<Hover | undefined> {
  const command = commandAt(toScript(input), position.line);
  if (command?.spec === undefined) return undefined;
  if (under(command.nameRange, position)) return markdown(commandMarkdown(command.spec), command.nameRange);
  const flag = command.flags.find((f) => under(f.range, position));
  if (flag?.spec !== undefined) return markdown(`\`${flag.flag}\` ${t(flag.spec.doc)}`, flag.range);
  const arg = command.args.find((a) => under(a.range, position));
  if (arg?.kind !== 'path' || validatePath(arg.value) !== undefined) return undefined;
  const text = await describe(arg.value);
  return text === undefined ? undefined : markdown(text, arg.range);
}
