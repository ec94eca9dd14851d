import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ZkClient } from '../../../src/zk/client';
import { deleteTree } from '../../../src/zk/subtree';
import { bundleLocalizer, setLocalizer, type L10nBundle } from '../../../src/zk/l10n';
import { planImport } from '../../../src/zk/transfer/import';
import type { ImportNode } from '../../../src/zk/transfer/importFormat';
import { describePlan, planPhrase } from '../../../src/tree/importPlan';
import { sharedZooKeeper } from '../../support/zookeeper';

/** The repository root: the nearest folder above this file holding package.json (works from test/ and out/test/). */
const ROOT = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
})();
const ZH_CN = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as L10nBundle;

function inChinese<T>(run: () => T): T {
  const registration = setLocalizer(bundleLocalizer(ZH_CN));
  try {
    return run();
  } finally {
    registration.dispose();
  }
}

const node = (rel: string, data: string, mode: ImportNode['mode'] = 'persistent'): ImportNode => ({ path: rel, data: Buffer.from(data), mode });

describe('tree/importPlan: the plan document in the display language', function () {
  this.timeout(60000);
  let client: ZkClient;
  const base = `/t-importPlan-${Date.now()}`;

  before(async () => {
    const server = await sharedZooKeeper();
    client = await ZkClient.connect({ connectString: server.connectString });
    await client.create(base);
    await client.create(`${base}/keep`, Buffer.from('a=1\nb=2\n'));
    await client.create(`${base}/extra`, Buffer.from('gone'));
  });

  after(async () => {
    await deleteTree(client, base);
    await client.close();
  });

  it('a plan read from a real ZooKeeper reads in Chinese: header, counts, create, update with its diff, delete, left out', async () => {
    const plan = await planImport(
      client,
      base,
      { format: 'zookeeper-explorer', source: { connection: 'prod', path: '/app' }, nodes: [node('', ''), node('keep', 'a=1\nb=3\n'), node('new', 'x'), node('session', 'e', 'ephemeral')] },
      { deleteExtra: true },
    );
    const text = inChinese(() => describePlan(plan, 'app.zk-export.json', 'dev'));
    const lines = text.split('\n');
    assert.equal(lines[0], `# 导入计划：app.zk-export.json → dev:${base}`);
    assert.equal(lines[1], '# 创建 1 个 · 更新 1 个 · 删除 1 个 · 1 个不变');
    assert.ok(lines.includes(`+ ${base}/new  (创建："x")`), text);
    assert.ok(lines.includes(`@@ ${base}/keep  (更新：数据不同) @@`), text);
    assert.ok(lines.includes('-b=2') && lines.includes('+b=3'), text);
    assert.ok(lines.includes(`- ${base}/extra  (删除："gone"；文件中没有)`), text);
    assert.ok(lines.includes('# 已略过（1 个）：'), text);
    assert.ok(lines.some((l) => l.startsWith(`# ${base}/session: 在文件中是临时节点`)), text);
    // The same plan in English (no localizer): the words are the source, and the plan's own reasons stay English for callers.
    assert.equal(describePlan(plan, 'app.zk-export.json', 'dev').split('\n')[1], '# 1 to create · 1 to update · 1 to delete · 1 unchanged');
    assert.ok(plan.skipped[0].reason.startsWith('ephemeral in the file'));
  });

  it('knows every reason and note import.ts and the Compare view\'s copy write (a new one would stay English in the plan)', () => {
    const source = ['src/zk/transfer/import.ts', 'src/extension/transfer/copyCommand.ts'].map((file) => fs.readFileSync(path.join(ROOT, file), 'utf8')).join('\n');
    const written = [
      ...Array.from(source.matchAll(/\breason: (['"`])((?:\\.|(?!\1).)*)\1 \}/g), (m) => m[2]),
      ...Array.from(source.matchAll(/notes\.push\((['"`])((?:\\.|(?!\1).)*)\1\)/g), (m) => m[2]),
    ].map((s) => s.replace(/\\'/g, "'").replace(/\$\{[\w.]+\}/g, '/x'));
    assert.ok(written.length >= 9, `only ${written.length} reasons and notes found in import.ts: ${JSON.stringify(written)}`);
    const untranslated = written.filter((english) => inChinese(() => planPhrase(english)) === english);
    assert.deepEqual(untranslated, []);
  });
});
