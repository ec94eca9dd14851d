import type { Diagnostic } from 'vscode-languageserver-types';
import { diagnostic } from './diagnostics';
import { Severity } from './lsp';
import type { ParsedScript } from './parser';
import { editDistance } from './suggest';
import { t } from '../../zk/l10n';

/** The configured name a mistyped one most likely meant: case aside, then the closest by edit distance. */
export function suggestConnection(typed: string, names: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  const sameCase = names.find((n) => n.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const limit = lower.length <= 3 ? 1 : lower.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of names) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * `# connection: <name>` naming a connection that is not configured: said as the name is typed,
 * not only when Run fails. `names` are the configured connections; none known (the extension did
 * not answer) says nothing rather than flag every name.
 */
export function diagnoseConnectionDirective(script: ParsedScript, names: readonly string[]): Diagnostic[] {
  const d = script.directive;
  if (!d || d.name === '' || names.length === 0 || names.includes(d.name)) return [];
  const suggestion = suggestConnection(d.name, names);
  const known = names.length <= 5 ? ` The configured connections: ${names.join(', ')}.` : '';
  if (suggestion) {
    const caseOnly = suggestion.toLowerCase() === d.name.toLowerCase() ? ' Connection names are case-sensitive.' : '';
    return [diagnostic(d.range, t('No connection is named "{0}"; did you mean "{1}"?{2}', d.name, suggestion, caseOnly), 'unknown-connection', Severity.Error, { replacement: suggestion })];
  }
  return [diagnostic(d.range, t('No connection is named "{0}".{1} Add it in the ZooKeeper view, or name one of them.', d.name, known), 'unknown-connection')];
}
