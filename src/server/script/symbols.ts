import type { DocumentSymbol } from 'vscode-languageserver-types';
import { range, show, SymbolKinds } from './lsp';
import { toScript, type ParsedCommand, type ScriptInput } from './parser';

/** "create /a/b", "addauth digest": the name and what it acts on, never data or credentials. */
function symbolName(command: ParsedCommand): string {
  const target = command.args.find((a) => a.kind === 'path' || a.kind === 'scheme');
  return target === undefined ? show(command.name) : `${show(command.name)} ${show(target.text, 200)}`;
}

/**
 * One symbol per command, spanning its line: Event for commands that change znodes, Function for
 * the rest; the connection directive first, as a Namespace.
 */
export function documentSymbols(input: ScriptInput): DocumentSymbol[] {
  const script = toScript(input);
  const symbols: DocumentSymbol[] = [];
  const lineRange = (line: number) => range(line, 0, script.lines[line].length);
  const d = script.directive;
  if (d !== undefined) {
    const selection = d.name === '' ? lineRange(d.line) : d.range;
    symbols.push({ name: `connection: ${show(d.name)}`, kind: SymbolKinds.Namespace, range: lineRange(d.line), selectionRange: selection });
  }
  for (const command of script.commands) {
    const flags = command.flags.map((f) => (f.value ? `${f.flag} ${f.value.text}` : f.flag)).join(' ');
    symbols.push({
      name: symbolName(command),
      detail: flags === '' ? undefined : show(flags),
      kind: command.spec?.writes ? SymbolKinds.Event : SymbolKinds.Function,
      range: lineRange(command.line),
      selectionRange: command.nameRange,
    });
  }
  return symbols;
}
