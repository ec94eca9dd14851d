import type { CompletionItemKind, DiagnosticSeverity, InsertTextFormat, Range, SymbolKind } from 'vscode-languageserver-types';

// The protocol's enum values, written out so that only types come from vscode-languageserver-types
// (only a transitive dependency: these modules must load without it).
export const Severity = { Error: 1, Warning: 2 } as const satisfies Record<string, DiagnosticSeverity>;
export const ItemKind = { Text: 1, Function: 3, Property: 10, Value: 12, Folder: 19, EnumMember: 20 } as const satisfies Record<string, CompletionItemKind>;
export const SymbolKinds = { Namespace: 3, Function: 12, Event: 24 } as const satisfies Record<string, SymbolKind>;
export const PlainTextFormat: InsertTextFormat = 1;

export const SOURCE = 'zookeeper-script';

export function range(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** Shortens text for a message: a runaway token must not make a runaway message. */
export function show(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
