import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  createConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type Hover,
  type InitializeParams,
  type MarkupContent,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { CHILDREN_REQUEST, CONNECTIONS_REQUEST, DESCRIBE_REQUEST, EXISTS_REQUEST, type ExistsParams, type InitializationOptions } from '../../../src/server/protocol';
import { CONFIG_LANGUAGE, SCRIPT_LANGUAGE, startServer } from '../../../src/server/server';
import { pickBundle, t } from '../../../src/zk/l10n';

const ROOT = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
})();
const ZH_CN = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
/** The keys the client sends the server of the bundle (src/extension/webviewL10n.ts bundleFor('languageServer')). */
const SERVER_KEYS = (JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'consumers.json'), 'utf8')) as { languageServer: string[] }).languageServer;

const CONFIG_URI = 'file:///work/conf/zoo.cfg';
const SCRIPT_URI = 'file:///work/scripts/l10n.zk';

/**
 * The language server started as the client starts it in a Chinese VS Code: locale zh-cn and the
 * server's part of the bundle in initializationOptions (src/extension/language/languageClient.ts):
 * every sentence below must come through that part alone.
 */
describe('server: started with locale zh-cn', function () {
  this.timeout(20000);
  let rpc: MessageConnection;
  let serverConnection: Connection;
  let streams: PassThrough[];
  const published: PublishDiagnosticsParams[] = [];
  let notify: (() => void) | undefined;

  /** The first publication for `uri` that `accept` takes (publications are the positive signal: no sleeps). */
  const diagnosticsOf = (uri: string, accept: (d: readonly Diagnostic[]) => boolean): Promise<Diagnostic[]> =>
    new Promise((resolve) => {
      const look = (): boolean => {
        const found = published.find((p) => p.uri === uri && accept(p.diagnostics));
        if (found) resolve(found.diagnostics);
        return found !== undefined;
      };
      if (look()) return;
      const previous = notify;
      notify = () => {
        previous?.();
        if (look()) notify = previous;
      };
    });

  before(async () => {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    streams = [toServer, toClient];
    serverConnection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(serverConnection);
    rpc = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    // The extension's side, with no connection: nothing exists, nothing has children.
    rpc.onRequest(CONNECTIONS_REQUEST, () => []);
    rpc.onRequest(CHILDREN_REQUEST, () => ({ connection: null, children: null }));
    rpc.onRequest(EXISTS_REQUEST, (params: ExistsParams) => params.paths.map(() => null));
    rpc.onRequest(DESCRIBE_REQUEST, () => null);
    rpc.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      published.push(params);
      notify?.();
    });
    rpc.listen();
    const initializationOptions: InitializationOptions = { locale: 'zh-cn', l10nBundle: pickBundle(ZH_CN, SERVER_KEYS) };
    const init: InitializeParams = { processId: null, rootUri: null, capabilities: {}, workspaceFolders: null, locale: 'zh-cn', initializationOptions };
    await rpc.sendRequest('initialize', init);
    await rpc.sendNotification('initialized', {});
  });

  after(() => {
    rpc.dispose();
    serverConnection.dispose();
    for (const stream of streams) stream.end();
  });

  it('publishes zoo.cfg diagnostics in Chinese, with a Chinese quick fix title', async () => {
    const text = 'ticktime=2000\ndataDir=/var/lib/zookeeper\nclientPort=2181\n';
    await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: CONFIG_URI, languageId: CONFIG_LANGUAGE, version: 1, text } });
    const diagnostics = await diagnosticsOf(CONFIG_URI, (d) => d.some((x) => x.code === 'unknown-key'));
    const unknown = diagnostics.find((d) => d.code === 'unknown-key')!;
    assert.equal(unknown.message, '未知属性“ticktime”。你是否指的是“tickTime”？');
    // A rule across settings (once an English template literal, src/server/config/rules.ts): tickTime is missing here.
    assert.match(diagnostics.find((d) => d.code === 'missing-ticktime')?.message ?? '', /^未设置 tickTime：ZooKeeper 会使用 \d+ 毫秒。请明确设置它/);
    const actions = await rpc.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: CONFIG_URI }, range: unknown.range, context: { diagnostics: [unknown] } });
    assert.deepEqual(
      actions.map((a) => a.title),
      ['改为“tickTime”'],
    );
  });

  it('hovers over a zoo.cfg key with its Chinese description', async () => {
    const hover = await rpc.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: CONFIG_URI }, position: { line: 1, character: 2 } });
    assert.ok(hover);
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /^\*\*dataDir\*\* · 最小配置\n/);
    assert.ok(value.includes('存放内存数据库快照、`myid` 文件的目录'), value);
    assert.ok(value.includes('- 必填'), value);
    assert.ok(!value.includes('Directory holding'), 'no English description left');
  });

  it('publishes script diagnostics and command hovers in Chinese', async () => {
    await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: SCRIPT_URI, languageId: SCRIPT_LANGUAGE, version: 1, text: 'crate /app/x\nget /app\n' } });
    const diagnostics = await diagnosticsOf(SCRIPT_URI, (d) => d.some((x) => x.code === 'unknown-command'));
    assert.equal(diagnostics.find((d) => d.code === 'unknown-command')?.message, '未知命令“crate”；你是否指的是“create”？');
    const hover = await rpc.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: SCRIPT_URI }, position: { line: 1, character: 1 } });
    assert.ok(hover);
    assert.ok((hover.contents as MarkupContent).value.includes('打印节点的数据。'), (hover.contents as MarkupContent).value);
  });

  it('puts English back once the server shuts down (in-process, the localizer must not outlive it)', async () => {
    assert.equal(t('Unknown command "{0}".', 'x'), '未知命令“x”。', 'still Chinese while the server runs');
    await rpc.sendRequest('shutdown');
    assert.equal(t('Unknown command "{0}".', 'x'), 'Unknown command "x".');
  });
});
