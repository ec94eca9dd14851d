import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, Hover, Position } from 'vscode-languageserver-types';
import { codeActions, complete, diagnose, hover, parseConfig } from './config';

/** The zoo.cfg services as the server uses them (no cluster needed). */
export class ConfigFeatures {
  diagnostics(text: string): Diagnostic[] {
    return diagnose(text);
  }

  completion(text: string, position: Position): CompletionItem[] {
    return complete(text, position);
  }

  hover(text: string, position: Position): Hover | undefined {
    return hover(text, position) ?? undefined;
  }

  codeActions(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
    return codeActions(uri, diagnostics);
  }

  /** One symbol per property, so the outline and "Go to Symbol" list the keys. */
  symbols(text: string): DocumentSymbol[] {
    return parseConfig(text).entries.map((entry) => ({
      name: entry.key,
      detail: entry.value,
      kind: 7, // Property
      range: { start: { line: entry.keyRange.start.line, character: 0 }, end: entry.valueRange.end },
      selectionRange: entry.keyRange,
    }));
  }
}
