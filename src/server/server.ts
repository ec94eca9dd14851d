// The ZooKeeper language server: ZooKeeper scripts (.zk) and zoo.cfg, over IPC from the extension
// (src/extension/language). A thin layer: the services in ./script and ./config do the work.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ClusterInfo } from './clusterInfo';
import { compactCompletions } from './compactCompletions';
import { ConfigFeatures } from './configFeatures';
import { CONFIG_LANGUAGE, INVALIDATE_NOTIFICATION, SCRIPT_LANGUAGE, SERVER_INFO_REQUEST, type InitializationOptions, type InvalidateParams, type ServerInfoResult } from './protocol';
import { ScriptFeatures } from './scriptFeatures';
import { bundleLocalizer, setLocalizer } from '../zk/l10n';

export { CONFIG_LANGUAGE, SCRIPT_LANGUAGE } from './protocol';
const DIAGNOSTICS_DELAY_MS = 250;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const cluster = new ClusterInfo((method, params) => connection.sendRequest(method, params));
  const scripts = new ScriptFeatures(cluster);
  const configs = new ConfigFeatures();
  const timers = new Map<string, NodeJS.Timeout>();

  const validate = async (document: TextDocument): Promise<void> => {
    const text = document.getText();
    const version = document.version;
    if (document.languageId === SCRIPT_LANGUAGE) {
      // Syntax at once, then again with the existence warnings once the extension answered.
      await connection.sendDiagnostics({ uri: document.uri, version, diagnostics: scripts.syntaxDiagnostics(text) });
      const full = await scripts.diagnostics(text);
      if (documents.get(document.uri)?.version === version) await connection.sendDiagnostics({ uri: document.uri, version, diagnostics: full });
    } else if (document.languageId === CONFIG_LANGUAGE) {
      await connection.sendDiagnostics({ uri: document.uri, version, diagnostics: configs.diagnostics(text) });
    }
  };
  const schedule = (document: TextDocument, delay = DIAGNOSTICS_DELAY_MS): void => {
    clearTimeout(timers.get(document.uri));
    timers.set(
      document.uri,
      setTimeout(() => {
        timers.delete(document.uri);
        validate(document).catch((error: unknown) => connection.console.error(`diagnostics of ${document.uri}: ${String(error)}`));
      }, delay),
    );
  };

  let defaults = { editRange: false, insertTextFormat: false };
  let localization: { dispose(): void } | undefined;
  connection.onInitialize((params) => {
    // The display language's bundle comes from the client (src/extension/language): the server
    // cannot ask vscode.l10n itself, and the client already holds the bundle of the right locale.
    const options = params.initializationOptions as InitializationOptions | undefined;
    if (options?.l10nBundle && typeof options.l10nBundle === 'object') localization = setLocalizer(bundleLocalizer(options.l10nBundle));
    const supported = params.capabilities.textDocument?.completion?.completionList?.itemDefaults ?? [];
    defaults = { editRange: supported.includes('editRange'), insertTextFormat: supported.includes('insertTextFormat') };
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['/', ' ', '-', ':', '.', '='] },
        hoverProvider: true,
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
      },
      serverInfo: { name: 'zookeeper-language-server' },
    };
  });

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCompletion(async ({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    if (!document) return [];
    // Incomplete: a path's children are filtered by what is typed, so deleting characters must ask again.
    if (document.languageId === SCRIPT_LANGUAGE) return compactCompletions(await scripts.completion(document.getText(), position), defaults, true);
    if (document.languageId === CONFIG_LANGUAGE) return configs.completion(document.getText(), position);
    return [];
  });
  connection.onHover(async ({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    if (!document) return null;
    if (document.languageId === SCRIPT_LANGUAGE) return (await scripts.hover(document.getText(), position)) ?? null;
    if (document.languageId === CONFIG_LANGUAGE) return configs.hover(document.getText(), position) ?? null;
    return null;
  });
  connection.onDocumentSymbol(({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    return document?.languageId === SCRIPT_LANGUAGE ? scripts.symbols(document.getText()) : document?.languageId === CONFIG_LANGUAGE ? configs.symbols(document.getText()) : [];
  });
  connection.onCodeAction(({ textDocument, context }) => {
    const document = documents.get(textDocument.uri);
    if (document?.languageId === SCRIPT_LANGUAGE) return scripts.codeActions(textDocument.uri, context.diagnostics);
    if (document?.languageId === CONFIG_LANGUAGE) return configs.codeActions(textDocument.uri, context.diagnostics);
    return [];
  });
  connection.onNotification(INVALIDATE_NOTIFICATION, (params: InvalidateParams) => {
    cluster.invalidate(params);
    // Existence warnings may have changed: check the open scripts again.
    for (const document of documents.all()) if (document.languageId === SCRIPT_LANGUAGE) schedule(document, 500);
  });

  // In its own process the localizer dies with the server; in-process (tests) it must not outlive it.
  connection.onShutdown(() => localization?.dispose());

  connection.onRequest(SERVER_INFO_REQUEST, (): ServerInfoResult => ({ pid: process.pid }));

  documents.listen(connection);
  connection.listen();
}

if (require.main === module) startServer(createConnection(ProposedFeatures.all));
