import type { CodeAction, Diagnostic } from 'vscode-languageserver-types';
import { DIAGNOSTIC_SOURCE, type ConfigDiagnosticData } from './report';

/**
 * Quick fixes for the diagnostics of `diagnose` that carry one in their data: a misspelt or
 * misnamed key, trailing whitespace in a server line, an overridden duplicate line.
 */
export function codeActions(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    const fix = fixOf(diagnostic.data);
    if (!fix) continue;
    actions.push({
      title: fix.title,
      kind: 'quickfix',
      diagnostics: [diagnostic],
      isPreferred: diagnostic.code !== 'duplicate-key',
      edit: { changes: { [uri]: [{ range: fix.range ?? diagnostic.range, newText: fix.newText }] } },
    });
  }
  return actions;
}

/** The fix in a diagnostic's data, which arrives back from the client as plain JSON. */
function fixOf(data: unknown): ConfigDiagnosticData['fix'] {
  if (typeof data !== 'object' || data === null) return undefined;
  const fix = (data as ConfigDiagnosticData).fix;
  if (typeof fix !== 'object' || fix === null || typeof fix.title !== 'string' || typeof fix.newText !== 'string') return undefined;
  return fix;
}
