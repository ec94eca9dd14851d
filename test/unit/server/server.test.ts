import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  createConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type CodeAction,
  type CompletionItem,
  type CompletionList,
  type Connection,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type MarkupContent,
  type Position,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import {
  CHILDREN_REQUEST,
  CONNECTIONS_REQUEST,
  DESCRIBE_REQUEST,
  EXISTS_REQUEST,
  INVALIDATE_NOTIFICATION,
  type ChildrenParams,
  type ChildrenResult,
  type ConnectionsResult,
  type DescribeParams,
  type DescribeResult,
  type ExistsParams,
  type ExistsResult,
  type InvalidateParams,
} from '../../../src/server/protocol';
import { CONFIG_LANGUAGE, SCRIPT_LANGUAGE, startServer } from '../../../src/server/server';
import { matchChildren } from '../../../src/extension/language/matchChildren';
import { sortChildren } from '../../../src/zk/paths';
import { eventually } from '../../support/session';

const CONNECTION = 'prod';
const BIG = 10000;

/**
 * The extension's side of the custom protocol, over a fake in-memory tree of the connection "prod"
 * (also the active connection): answers zookeeper/children, exists, describe and connections, and
 * counts what it was asked.
 */
class FakeExtension {
  readonly tree = new Map<string, string[]>([
    ['/', ['app', 'big', 'zookeeper']],
    ['/app', ['config', 'old', 'queue']],
    ['/app/config', []],
    ['/app/old', []],
    ['/app/queue', []],
    ['/big', Array.from({ length: BIG }, (_, i) => `node-${i}`)],
    ['/zookeeper', []],
  ]);
  readonly children: ChildrenParams[] = [];
  /** zookeeper.scripts.completionLimit; undefined: every child, sorted, no prefix filter (an extension that ignores the prefix). */
  limit: number | undefined;
  readonly exists: ExistsParams[] = [];
  readonly describe: DescribeParams[] = [];
  connectionsAsked = 0;
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly logged: string[] = [];
  /** Existence questions and publications in the order the server sent them (one ordered stream). */
  readonly events: string[] = [];

  constructor(rpc: MessageConnection) {
    const known = (connection: string | undefined): boolean => connection === undefined || connection === CONNECTION;
    rpc.onRequest(CHILDREN_REQUEST, (params: ChildrenParams): ChildrenResult => {
      this.children.push(params);
      if (!known(params.connection)) return { connection: null, children: null };
      const names = this.childrenOf(params.path);
      if (names === undefined) return { connection: CONNECTION, children: null };
      if (this.limit === undefined) return { connection: CONNECTION, children: sortChildren(names) };
      // As the extension answers (src/extension/language/languageClient.ts).
      const matched = matchChildren(names, params.prefix ?? '', this.limit);
      return { connection: CONNECTION, children: matched.names, total: matched.total };
    });
    rpc.onRequest(EXISTS_REQUEST, (params: ExistsParams): ExistsResult => {
      this.exists.push(params);
      for (const p of params.paths) this.events.push(`exists ${p}`);
      return params.paths.map((p) => (known(params.connection) ? this.has(p) : null));
    });
    rpc.onRequest(DESCRIBE_REQUEST, (params: DescribeParams): DescribeResult => {
      this.describe.push(params);
      if (!known(params.connection) || !this.has(params.path)) return null;
      return `**${params.path}** on ${CONNECTION}: ${this.childrenOf(params.path)!.length} children (fake)`;
    });
    rpc.onRequest(CONNECTIONS_REQUEST, (): ConnectionsResult => {
      this.connectionsAsked++;
      return [
        { name: CONNECTION, active: true, readOnly: false },
        { name: 'production-eu', active: false, readOnly: true },
        { name: 'test', active: false, readOnly: false },
      ];
    });
    rpc.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.diagnostics.push(params);
      this.events.push(`published ${params.uri} ${params.diagnostics.map((d) => String(d.code)).join(',')}`);
    });
    rpc.onNotification('window/logMessage', (params: { message: string }) => void this.logged.push(params.message));
  }

  childrenOf(path: string): string[] | undefined {
    return this.tree.get(path) ?? (this.has(path) ? [] : undefined);
  }

  has(path: string): boolean {
    const at = path.lastIndexOf('/');
    return path === '/' || (this.tree.get(path.slice(0, at) || '/')?.includes(path.slice(at + 1)) ?? false);
  }

  add(path: string): void {
    const at = path.lastIndexOf('/');
    this.tree.get(path.slice(0, at) || '/')!.push(path.slice(at + 1));
    this.tree.set(path, []);
  }

  childrenAsked(path: string): number {
    return this.children.filter((c) => c.path === path).length;
  }

  /** The diagnostics published for `uri`, in order. */
  published(uri: string): PublishDiagnosticsParams[] {
    return this.diagnostics.filter((d) => d.uri === uri);
  }
}

const SCRIPT_URI = 'file:///work/scripts/deploy.zk';
const CONFIG_URI = 'file:///work/conf/zoo.cfg';
const SCRIPT = [
  '# connection: prod', // 0
  'create /app/new data', // 1
  'crate /app/x', // 2
  'set -v abc /app/config value', // 3
  'get /missing/node', // 4
  'ls /big/node-12', // 5
  'get /app/config', // 6
].join('\n');
const CONFIG = 'ticktime=2000\ndataDir=/var/lib/zookeeper\nclientPort=2181\n';

/** The position just after `text` on `line` of SCRIPT (the first occurrence). */
function endOf(line: number, text: string): Position {
  const lineText = SCRIPT.split('\n')[line];
  const at = lineText.indexOf(text);
  assert.ok(at >= 0, `"${text}" on line ${line}`);
  return { line, character: at + text.length };
}

function summarize(d: Diagnostic): string {
  return `${d.range.start.line}:${d.range.start.character}-${d.range.end.character} ${['', 'error', 'warning'][d.severity ?? 0]} ${String(d.code)}: ${d.message}`;
}

/** The server (startServer) and the extension's side, over two in-memory streams. */
interface Harness {
  rpc: MessageConnection;
  ext: FakeExtension;
  initialized: InitializeResult;
  stop(): void;
}

async function startHarness(capabilities: ClientCapabilities = {}): Promise<Harness> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection: Connection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(serverConnection);
  const rpc = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const ext = new FakeExtension(rpc);
  rpc.listen();
  // processId null: no watchdog timer polling a parent process.
  const init: InitializeParams = { processId: null, rootUri: null, capabilities, workspaceFolders: null };
  const initialized = await rpc.sendRequest<InitializeResult>('initialize', init);
  await rpc.sendNotification('initialized', {});
  return {
    rpc,
    ext,
    initialized,
    stop: () => {
      rpc.dispose();
      serverConnection.dispose();
      toServer.end();
      toClient.end();
    },
  };
}

async function completionOf(rpc: MessageConnection, uri: string, position: Position): Promise<CompletionList> {
  const result = await rpc.sendRequest<CompletionList | CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position });
  return Array.isArray(result) ? { isIncomplete: false, items: result } : result;
}

const labels = (list: CompletionList): string[] => list.items.map((i) => i.label);

describe('server: the language server over an in-memory connection', function () {
  this.timeout(20000);
  let harness: Harness;
  let rpc: MessageConnection;
  let ext: FakeExtension;
  let initialized: InitializeResult;

  const completion = (uri: string, position: Position): Promise<CompletionList> => completionOf(rpc, uri, position);

  before(async () => {
    harness = await startHarness();
    ({ rpc, ext, initialized } = harness);
  });

  after(() => harness.stop());

  it('initialize announces the features', () => {
    const caps = initialized.capabilities;
    assert.equal(initialized.serverInfo?.name, 'zookeeper-language-server');
    assert.equal(caps.textDocumentSync, 2, 'incremental sync');
    assert.deepEqual(caps.completionProvider?.triggerCharacters, ['/', ' ', '-', ':', '.', '=']);
    assert.equal(caps.hoverProvider, true);
    assert.equal(caps.documentSymbolProvider, true);
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix'] });
  });

  it('a script with mistakes: syntax errors at once, then the "does not exist" warning from the extension', async () => {
    await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: SCRIPT_URI, languageId: SCRIPT_LANGUAGE, version: 1, text: SCRIPT } });
    await eventually(() => ext.published(SCRIPT_URI).length >= 2, 10000, 'the two publications of the script diagnostics');
    const [syntax, full] = ext.published(SCRIPT_URI);
    const expectedSyntax = [
      '2:0-5 error unknown-command: Unknown command "crate"; did you mean "create"?',
      '3:7-10 error invalid-flag-value: Version "abc" is not valid; use -1 (any version) or a whole number from 0 to 2147483647.',
    ];
    assert.equal(syntax.version, 1);
    assert.deepEqual(syntax.diagnostics.map(summarize), expectedSyntax);
    assert.equal(full.version, 1);
    assert.deepEqual(full.diagnostics.map(summarize), [...expectedSyntax, '4:4-17 warning no-node: Node "/missing/node" does not exist.']);
    assert.deepEqual(full.diagnostics[0].data, { replacement: 'create' }, 'the suggestion travels with the diagnostic');
    assert.ok(full.diagnostics.every((d) => d.source === 'zookeeper-script'));
    // Every existence question named the script's connection; each path was asked once.
    const asked = ext.exists.flatMap((e) => e.paths);
    assert.ok(ext.exists.every((e) => e.connection === CONNECTION));
    assert.deepEqual([...asked].sort(), ['/app', '/app/config', '/app/new', '/big/node-12', '/missing/node']);
  });

  it('completion of a path lists the children of a 10,000-child node, all of them, in order, from one request', async () => {
    const list = await completion(SCRIPT_URI, endOf(5, 'ls /big/'));
    assert.equal(list.isIncomplete, true, 'typing on must ask again');
    assert.equal(list.items.length, BIG);
    assert.deepEqual(labels(list), sortChildren(ext.childrenOf('/big')!));
    assert.deepEqual(list.items[0].textEdit, { range: { start: { line: 5, character: 8 }, end: { line: 5, character: 15 } }, newText: 'node-0' }, 'replaces the segment being typed');
    assert.deepEqual(
      ext.children.filter((c) => c.path === '/big'),
      [{ connection: CONNECTION, path: '/big' }],
    );
  });

  it('completion at the same node again is filtered by the typed prefix and served from the cache', async () => {
    const list = await completion(SCRIPT_URI, endOf(5, 'ls /big/node-12'));
    const expected = sortChildren(ext.childrenOf('/big')!.filter((n) => n.startsWith('node-12')));
    assert.equal(expected.length, 111);
    assert.deepEqual(labels(list), expected);
    const again = await completion(SCRIPT_URI, endOf(5, 'ls /big/'));
    assert.equal(again.items.length, BIG);
    assert.equal(ext.childrenAsked('/big'), 1, 'the server asked the extension only once');
  });

  it('completion of other positions: another node, the root, flags, commands', async () => {
    assert.deepEqual(labels(await completion(SCRIPT_URI, endOf(1, 'create /app/'))), ['config', 'old', 'queue']);
    assert.deepEqual(labels(await completion(SCRIPT_URI, endOf(6, 'get /'))), ['app', 'big', 'zookeeper']);
    assert.deepEqual(labels(await completion(SCRIPT_URI, endOf(6, 'get /app/c'))), ['config']);
    assert.equal(ext.childrenAsked('/app'), 1);
    assert.equal(ext.childrenAsked('/'), 1);
    assert.deepEqual(labels(await completion(SCRIPT_URI, endOf(3, 'set -'))), ['-s', '-v']);
    const commands = labels(await completion(SCRIPT_URI, endOf(6, 'ge')));
    assert.ok(commands.includes('get') && commands.includes('getAcl') && commands.includes('create'), commands.join(' '));
  });

  it('the connection directive completes the connection names the extension lists', async () => {
    const list = await completion(SCRIPT_URI, endOf(0, '# connection: prod'));
    assert.deepEqual(
      list.items.map((i) => [i.label, i.detail]),
      [
        ['prod', 'active connection'],
        ['production-eu', 'read-only'],
      ],
    );
    assert.equal(ext.connectionsAsked, 1);
  });

  it('hover on a path shows the extension’s description (cached briefly); on a command, its syntax', async () => {
    const hover = await rpc.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: SCRIPT_URI }, position: endOf(6, 'get /app/co') });
    assert.ok(hover);
    assert.deepEqual(hover.contents, { kind: 'markdown', value: `**/app/config** on ${CONNECTION}: 0 children (fake)` });
    assert.deepEqual(hover.range, { start: { line: 6, character: 4 }, end: { line: 6, character: 15 } });
    await rpc.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: SCRIPT_URI }, position: endOf(6, 'get /app/') });
    assert.deepEqual(ext.describe, [{ connection: CONNECTION, path: '/app/config' }], 'the second hover within seconds asks nothing');
    const onName = await rpc.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: SCRIPT_URI }, position: { line: 6, character: 1 } });
    assert.match((onName?.contents as MarkupContent).value, /get \[-s\] \[-w\] path/);
    const missing = await rpc.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: SCRIPT_URI }, position: endOf(4, 'get /mis') });
    assert.equal(missing, null, 'no description, no hover');
  });

  it('documentSymbol: the directive, then one symbol per command', async () => {
    const symbols = await rpc.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: SCRIPT_URI } });
    assert.deepEqual(
      symbols.map((s) => [s.name, s.kind, s.detail]),
      [
        ['connection: prod', 3, undefined],
        ['create /app/new', 24, undefined],
        ['crate', 12, undefined],
        ['set /app/config', 24, '-v abc'],
        ['get /missing/node', 12, undefined],
        ['ls /big/node-12', 12, undefined],
        ['get /app/config', 12, undefined],
      ],
    );
    assert.deepEqual(symbols[3].range, { start: { line: 3, character: 0 }, end: { line: 3, character: 28 } });
  });

  it('codeAction on a script: the misspelt command’s "did you mean" becomes a quick fix', async () => {
    const [unknown] = ext.published(SCRIPT_URI).at(-1)!.diagnostics;
    assert.equal(unknown.code, 'unknown-command');
    const actions = await rpc.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: SCRIPT_URI }, range: unknown.range, context: { diagnostics: [unknown] } });
    assert.deepEqual(
      actions.map((a) => [a.title, a.kind, a.isPreferred, a.edit]),
      [['Change to "create"', 'quickfix', true, { changes: { [SCRIPT_URI]: [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } }, newText: 'create' }] } }]],
    );
    const others = ext.published(SCRIPT_URI).at(-1)!.diagnostics.slice(1);
    const none = await rpc.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: SCRIPT_URI }, range: others[0].range, context: { diagnostics: others } });
    assert.deepEqual(none, [], 'diagnostics without a replacement have no quick fix');
  });

  it('zookeeper/invalidate: the next completion asks again, other nodes stay cached, open scripts are checked again', async () => {
    ext.add('/big/node-12-new');
    ext.add('/missing');
    ext.add('/missing/node');
    const publishedBefore = ext.published(SCRIPT_URI).length;
    await rpc.sendNotification(INVALIDATE_NOTIFICATION, { connection: CONNECTION, path: '/big' } satisfies InvalidateParams);
    const list = await completion(SCRIPT_URI, endOf(5, 'ls /big/node-12'));
    assert.equal(ext.childrenAsked('/big'), 2);
    assert.equal(list.items.length, 112);
    assert.ok(labels(list).includes('node-12-new'));
    await completion(SCRIPT_URI, endOf(1, 'create /app/'));
    assert.equal(ext.childrenAsked('/app'), 1, 'another path of the connection stays cached');
    // The warning goes once the extension says /missing changed: the script is checked again, the
    // existence of /missing/node asked again, and the diagnostics that follow have no warning.
    const mark = ext.events.length;
    await rpc.sendNotification(INVALIDATE_NOTIFICATION, { connection: CONNECTION, path: '/missing' } satisfies InvalidateParams);
    const afterRecheck = (): string[] => {
      const events = ext.events.slice(mark);
      const asked = events.indexOf('exists /missing/node');
      return asked < 0 ? [] : events.slice(asked + 1).filter((e) => e.startsWith(`published ${SCRIPT_URI}`));
    };
    await eventually(() => afterRecheck().length > 0, 10000, 'the script checked again');
    assert.equal(afterRecheck()[0], `published ${SCRIPT_URI} unknown-command,invalid-flag-value`);
    assert.ok(ext.published(SCRIPT_URI).length > publishedBefore);
  });

  it('an invalidation of the whole connection: every path is asked again', async () => {
    const before = ext.children.length;
    await rpc.sendNotification(INVALIDATE_NOTIFICATION, { connection: CONNECTION } satisfies InvalidateParams);
    await completion(SCRIPT_URI, endOf(1, 'create /app/'));
    await completion(SCRIPT_URI, endOf(5, 'ls /big/'));
    assert.deepEqual(
      ext.children.slice(before).map((c) => c.path),
      ['/app', '/big'],
    );
  });

  it('a zoo.cfg with a misspelt key: a "did you mean" warning and its quick fix', async () => {
    await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: CONFIG_URI, languageId: CONFIG_LANGUAGE, version: 1, text: CONFIG } });
    await eventually(() => ext.published(CONFIG_URI).length >= 1, 10000, 'the config diagnostics');
    const [published] = ext.published(CONFIG_URI);
    assert.equal(published.version, 1);
    const typo = published.diagnostics.find((d) => d.code === 'unknown-key');
    assert.ok(typo, published.diagnostics.map(summarize).join('\n'));
    assert.equal(typo.message, "Unknown property 'ticktime'. Did you mean 'tickTime'?");
    assert.deepEqual(typo.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 8 } });
    const actions = await rpc.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: CONFIG_URI },
      range: typo.range,
      context: { diagnostics: [typo] },
    });
    assert.deepEqual(
      actions.map((a) => [a.title, a.kind, a.isPreferred, a.edit]),
      [["Change to 'tickTime'", 'quickfix', true, { changes: { [CONFIG_URI]: [{ range: typo.range, newText: 'tickTime' }] } }]],
    );
    const noActions = await rpc.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: SCRIPT_URI }, range: typo.range, context: { diagnostics: [typo] } });
    assert.deepEqual(noActions, [], 'a zoo.cfg diagnostic brings no quick fix into a script');
    const symbols = await rpc.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: CONFIG_URI } });
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['ticktime', 'dataDir', 'clientPort'],
    );
  });

  it('didChange fixes the typo: the config is checked again, without the warning', async () => {
    await rpc.sendNotification('textDocument/didChange', {
      textDocument: { uri: CONFIG_URI, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 8 } }, text: 'tickTime' }],
    });
    await eventually(() => ext.published(CONFIG_URI).some((p) => p.version === 2), 10000, 'the diagnostics of version 2');
    assert.deepEqual(ext.published(CONFIG_URI).find((p) => p.version === 2)!.diagnostics, []);
  });

  it('didClose clears the diagnostics of the document', async () => {
    for (const uri of [SCRIPT_URI, CONFIG_URI]) {
      const count = ext.published(uri).length;
      await rpc.sendNotification('textDocument/didClose', { textDocument: { uri } });
      await eventually(() => ext.published(uri).length > count, 10000, `the empty diagnostics of ${uri}`);
      assert.deepEqual(ext.published(uri).at(-1)!.diagnostics, []);
    }
    assert.deepEqual(await completion(SCRIPT_URI, { line: 0, character: 0 }), { isIncomplete: false, items: [] }, 'a closed document completes nothing');
    assert.deepEqual(ext.logged.filter((m) => /diagnostics of/.test(m)), [], 'the server logged no failure');
  });

  it('shutdown, then exit with code 0 (process.exit stood in for)', async () => {
    assert.equal(await rpc.sendRequest('shutdown'), null);
    const descriptor = Object.getOwnPropertyDescriptor(process, 'exit')!;
    const codes: (number | string | null | undefined)[] = [];
    Object.defineProperty(process, 'exit', { ...descriptor, value: (code?: number | string | null) => void codes.push(code) });
    try {
      await rpc.sendNotification('exit');
      await eventually(() => codes.length > 0, 5000, 'the server to exit');
    } finally {
      Object.defineProperty(process, 'exit', descriptor);
    }
    assert.deepEqual(codes, [0], 'exit after shutdown is a clean exit');
  });
});

describe('server: completion lists for a client that supports itemDefaults', function () {
  this.timeout(20000);
  let harness: Harness;

  before(async () => {
    harness = await startHarness({ textDocument: { completion: { completionList: { itemDefaults: ['editRange', 'insertTextFormat'] } } } });
    await harness.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: SCRIPT_URI, languageId: SCRIPT_LANGUAGE, version: 1, text: SCRIPT } });
    await eventually(() => harness.ext.published(SCRIPT_URI).length >= 2, 10000, 'the script diagnostics');
  });

  after(async () => {
    await harness.rpc.sendNotification('textDocument/didClose', { textDocument: { uri: SCRIPT_URI } });
    await harness.rpc.sendRequest('shutdown');
    harness.stop();
  });

  it('10,000 children: the shared edit range and format move into itemDefaults, each item inserts its label', async () => {
    const list = await completionOf(harness.rpc, SCRIPT_URI, endOf(5, 'ls /big/'));
    assert.equal(list.isIncomplete, true);
    assert.deepEqual(list.itemDefaults, { editRange: { start: { line: 5, character: 8 }, end: { line: 5, character: 15 } }, insertTextFormat: 1 });
    assert.equal(list.items.length, BIG);
    assert.deepEqual(labels(list), sortChildren(harness.ext.childrenOf('/big')!));
    // No textEditText: with a default edit range the client inserts the label (LSP 3.17), said once.
    // No sortText either: VS Code orders by the lowercased label, which is already this order.
    assert.deepEqual(list.items[0], { label: 'node-0', kind: 19 });
    assert.ok(list.items.every((i) => i.textEdit === undefined && i.insertTextFormat === undefined && i.textEditText === undefined));
  });

  it('a single item keeps its own edit (nothing to share)', async () => {
    const list = await completionOf(harness.rpc, SCRIPT_URI, endOf(6, 'get /app/config'));
    assert.equal(list.itemDefaults, undefined, 'one item: nothing to share');
    assert.deepEqual(list.items[0].textEdit, { range: { start: { line: 6, character: 9 }, end: { line: 6, character: 15 } }, newText: 'config' });
  });
});

describe('server: a completion list cut by the extension (zookeeper.scripts.completionLimit)', function () {
  this.timeout(20000);
  const URI = 'file:///work/scripts/big.zk';
  const LINES = ['# connection: prod', 'ls /big/', 'ls /big/node-99', 'ls /big/node-999', 'ls /big/node-9999', 'ls /big/NODE-9999'];
  let harness: Harness;
  const at = (line: number): Position => ({ line, character: LINES[line].length });

  before(async () => {
    harness = await startHarness({ textDocument: { completion: { completionList: { itemDefaults: ['editRange', 'insertTextFormat'] } } } });
    harness.ext.limit = 100;
    await harness.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: SCRIPT_LANGUAGE, version: 1, text: LINES.join('\n') } });
    await eventually(() => harness.ext.published(URI).length >= 2, 10000, 'the script diagnostics');
  });

  after(async () => {
    await harness.rpc.sendNotification('textDocument/didClose', { textDocument: { uri: URI } });
    await harness.rpc.sendRequest('shutdown');
    harness.stop();
  });

  const prefixesAsked = (): (string | undefined)[] => harness.ext.children.filter((c) => c.path === '/big').map((c) => c.prefix);

  it('nothing typed: the first 100 children in order, then "… 9,900 more", the list incomplete and kept in that order by sortText', async () => {
    const list = await completionOf(harness.rpc, URI, at(1));
    assert.equal(list.isIncomplete, true);
    const sorted = sortChildren(harness.ext.childrenOf('/big')!);
    assert.deepEqual(labels(list), [...sorted.slice(0, 100), '… 9,900 more: type to narrow the list']);
    const sortTexts = list.items.map((i) => i.sortText ?? '');
    assert.deepEqual([...sortTexts].sort(), sortTexts, 'sortText keeps the order, "… more" last');
    assert.equal(new Set(sortTexts).size, sortTexts.length);
    assert.deepEqual(prefixesAsked(), [undefined]);
  });

  it('typing narrows: each longer prefix of a cut list is asked again, until the exact child (the 10,000th) is offered', async () => {
    const cut = await completionOf(harness.rpc, URI, at(2));
    // node-99, node-990…node-999, node-9900…node-9999: 111 match.
    assert.equal(cut.items.length, 101);
    assert.equal(cut.items[100].label, '… 11 more: type to narrow the list');
    assert.deepEqual(labels(cut).slice(0, 3), ['node-99', 'node-990', 'node-9900']);
    const whole = await completionOf(harness.rpc, URI, at(3));
    assert.deepEqual(labels(whole), ['node-999', ...Array.from({ length: 10 }, (_, i) => `node-999${i}`)], 'under the limit: all 11, no "… more"');
    const last = await completionOf(harness.rpc, URI, at(4));
    assert.deepEqual(labels(last), ['node-9999']);
    assert.equal(last.items[0].label, sortChildren(harness.ext.childrenOf('/big')!)[BIG - 1], 'the last child in the order');
    const otherCase = await completionOf(harness.rpc, URI, at(5));
    assert.deepEqual(labels(otherCase), ['node-9999'], 'the prefix ignores case');
    assert.deepEqual(prefixesAsked(), [undefined, 'node-99', 'node-999'], 'an answer that was not cut serves the longer prefixes');
  });
});
