import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, Hover, Position } from 'vscode-languageserver-types';
import type { ClusterInfo } from './clusterInfo';
import { complete, diagnose, diagnosePathsExist, documentSymbols, hover, parseScript, type ParsedScript } from './script';
import { diagnoseConnectionDirective } from './script/connectionDirective';
import { t } from '../zk/l10n';

/** The script services bound to the clusters: the connection is the script's `# connection:` or the active one. */
export class ScriptFeatures {
  constructor(private readonly cluster: ClusterInfo) {}

  private static connectionOf(script: ParsedScript): string | undefined {
    return script.directive?.name || undefined;
  }

  /** Syntax problems at once; the "does not exist" warnings need the server and come with them. */
  async diagnostics(text: string): Promise<Diagnostic[]> {
    const script = parseScript(text);
    const syntax = diagnose(script);
    const connection = ScriptFeatures.connectionOf(script);
    if (connection !== undefined) {
      const names = (await this.cluster.connections()).map((c) => c.name);
      const unknown = diagnoseConnectionDirective(script, names);
      // Paths of a connection that does not exist cannot be checked: the directive's problem is the one to fix.
      if (unknown.length > 0) return [...syntax, ...unknown];
    }
    const missing = await diagnosePathsExist(script, (path) => this.cluster.existsOf(connection, path));
    return [...syntax, ...missing];
  }

  syntaxDiagnostics(text: string): Diagnostic[] {
    return diagnose(parseScript(text));
  }

  async completion(text: string, position: Position): Promise<CompletionItem[]> {
    const script = parseScript(text);
    const d = script.directive;
    if (d && position.line === d.line && position.character >= d.range.start.character) {
      const typed = d.name;
      return (await this.cluster.connections())
        .filter((c) => c.name.toLowerCase().startsWith(typed.toLowerCase()))
        .map((c) => ({
          label: c.name,
          kind: 12,
          detail: [c.active ? t('active connection') : undefined, c.readOnly ? t('read-only') : undefined].filter(Boolean).join(', ') || t('connection'),
          textEdit: { range: d.range, newText: c.name },
        }));
    }
    const connection = ScriptFeatures.connectionOf(script);
    let askedForChildren = false;
    this.cluster.lastNotConnected = undefined;
    const items = await complete(script, position, (path, prefix) => {
      askedForChildren = true;
      return this.cluster.childrenOf(connection, path, prefix);
    });
    const notConnected = this.notConnected();
    if (askedForChildren && items.length === 0 && notConnected) {
      // Typing never connects a cluster by itself (the user may have disconnected it on purpose): offer to.
      return [
        {
          label: t('Connect to {0} to complete its znodes', notConnected),
          kind: 23, // Event
          filterText: script.lines[position.line].slice(0, position.character).split(/\s/).pop() ?? '',
          textEdit: { range: { start: position, end: position }, newText: '' },
          command: { title: t('Connect'), command: 'zookeeper.connect', arguments: [{ connection: notConnected }] },
        },
      ];
    }
    return items;
  }

  /** Read through a method: the lookup above sets it, which TypeScript's narrowing cannot see. */
  private notConnected(): string | undefined {
    return this.cluster.lastNotConnected;
  }

  async hover(text: string, position: Position): Promise<Hover | undefined> {
    const script = parseScript(text);
    const connection = ScriptFeatures.connectionOf(script);
    return hover(script, position, (path) => this.cluster.describe(connection, path));
  }

  symbols(text: string): DocumentSymbol[] {
    return documentSymbols(text);
  }

  /** "Did you mean" diagnostics carry their replacement: offer it as the preferred quick fix. */
  codeActions(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
    return diagnostics.flatMap((diagnostic) => {
      const replacement = (diagnostic.data as { replacement?: unknown } | undefined)?.replacement;
      if (typeof replacement !== 'string') return [];
      return [{ title: t('Change to "{0}"', replacement), kind: 'quickfix', isPreferred: true, diagnostics: [diagnostic], edit: { changes: { [uri]: [{ range: diagnostic.range, newText: replacement }] } } }];
    });
  }
}
