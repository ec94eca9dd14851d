import type { Diagnostic, DiagnosticSeverity, Range } from 'vscode-languageserver-types';
import { trimmedValueRange, valueSubRange, type ConfigEntry } from './parser';
import type { Severity, ValueIssue } from './values';
import { t } from '../../zk/l10n';

export const DIAGNOSTIC_SOURCE = 'zookeeper-config';

/** What a diagnostic carries for its quick fix. */
export interface ConfigDiagnosticData {
  /** The key the unknown key was probably meant to be. */
  readonly suggestion?: string;
  /** Replace `range` (the diagnostic's range when absent) with `newText`. */
  readonly fix?: { readonly title: string; readonly newText: string; readonly range?: Range };
}

export interface Related {
  readonly range: Range;
  readonly message: string;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: 1, warning: 2, information: 3 };

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly uri?: string) {}

  add(severity: Severity, code: string, message: string, range: Range, data?: ConfigDiagnosticData, related: readonly Related[] = []): void {
    const diagnostic: Diagnostic = { range, severity: SEVERITY[severity], code, source: DIAGNOSTIC_SOURCE, message };
    if (data) diagnostic.data = data;
    if (this.uri !== undefined && related.length > 0) {
      const uri = this.uri;
      diagnostic.relatedInformation = related.map((r) => ({ location: { uri, range: r.range }, message: r.message }));
    }
    this.diagnostics.push(diagnostic);
  }

  /** Reports a value issue; `from`/`to` index `entry.value`. */
  issue(entry: ConfigEntry, issue: ValueIssue, related: readonly Related[] = []): void {
    const range = issueRange(entry, issue);
    const data: ConfigDiagnosticData | undefined =
      issue.code === 'trailing-whitespace' ? { fix: { title: t('Remove the trailing whitespace'), newText: '' } } : undefined;
    this.add(issue.severity, issue.code, issue.message, range, data, related);
  }
}

export function issueRange(entry: ConfigEntry, issue: { from?: number; to?: number }): Range {
  if (entry.value.trim() === '') return entry.keyRange;
  if (issue.from !== undefined) {
    return valueSubRange(entry, issue.from, issue.to === undefined || issue.to <= issue.from ? issue.from + 1 : issue.to);
  }
  return trimmedValueRange(entry);
}
