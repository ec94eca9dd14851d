import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describeZkError, DisconnectedError, ZK_OPERATIONS, ZkError } from '../../../src/zk/errors';
import { bundleLocalizer, format, placeholders, setLocalizer, t } from '../../../src/zk/l10n';
import { PROPERTIES, SECTION_TITLES } from '../../../src/server/config/properties';
import { COMMANDS, UNSUPPORTED } from '../../../src/server/script/commands';
import { METRIC_CHARTS } from '../../../src/zk/cluster/metrics';
import { ADMIN_COMMANDS } from '../../../src/zk/cluster/adminCommands';

/** The repository root: the nearest folder above this file holding package.json (works from test/ and out/test/). */
const ROOT = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
})();

const ZH_CN = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string | { message: string }>;
const translation = (key: string): string | undefined => {
  const entry = Object.hasOwn(ZH_CN, key) ? ZH_CN[key] : undefined;
  return typeof entry === 'string' ? entry : entry?.message;
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });
}

interface Use {
  where: string;
  /** The English key, or undefined when the first argument is not a literal (untranslatable). */
  key: string | undefined;
  /** The first argument as written. */
  argument: string;
}

/**
 * Every call of the seam's t() in a file: found with TypeScript's own parser (not a regular
 * expression), counting only a `t` imported from a module named l10n, so a local `t` is not mistaken.
 * `names` overrides that: the webview scripts' own function names (L in the ACL editor; t, required
 * from src/zk/l10n, in the metrics panel), and vscode.l10n.t in the webview hosts.
 */
function seamCalls(file: string, names = new Set<string>()): Use[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || !/(^|\/)l10n$/.test(statement.moduleSpecifier.text)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) if ((element.propertyName ?? element.name).text === 't') names.add(element.name.text);
  }
  const uses: Use[] = [];
  const visit = (node: ts.Node): void => {
    const callee = ts.isCallExpression(node) ? node.expression.getText(source) : undefined;
    if (ts.isCallExpression(node) && callee !== undefined && names.has(callee)) {
      const first = node.arguments[0];
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      const literal = first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first));
      uses.push({ where: `${file}:${line + 1}`, key: literal ? first.text : undefined, argument: first?.getText() ?? '' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

/**
 * The seam's t() calls whose first argument is deliberately not a literal: keys from a table, each
 * table's strings checked by tableKeys() instead. Any other non-literal argument fails the test.
 */
const DYNAMIC = new Set([
  'src/zk/errors.ts operation',
  'src/server/config/describe.ts info.doc',
  'src/server/config/describe.ts SECTION_TITLES[info.section]',
  'src/server/script/diagnostics.ts why',
  'src/server/script/diagnostics.ts conflict.message',
  'src/server/script/diagnostics.ts flag.spec.valueDoc',
  'src/server/script/commands.ts f.doc',
  'src/server/script/commands.ts spec.doc',
  'src/server/script/hover.ts flag.spec.doc',
  'src/server/script/completion.ts f.doc',
  'media/metrics/panel.js chart.title',
  'media/metrics/panel.js line.label',
  'src/zk/cluster/adminCommands.ts command.description',
]);

/** The strings of the tables those calls look up: zoo.cfg's catalogue, the script commands, the operations. */
function tableKeys(): { where: string; key: string }[] {
  const keys: { where: string; key: string }[] = [];
  for (const op of ZK_OPERATIONS) keys.push({ where: 'ZK_OPERATIONS', key: op });
  for (const info of PROPERTIES) keys.push({ where: `zoo.cfg catalogue ${info.key}`, key: info.doc });
  for (const title of Object.values(SECTION_TITLES)) keys.push({ where: 'SECTION_TITLES', key: title });
  for (const spec of COMMANDS) {
    keys.push({ where: `script command ${spec.name}`, key: spec.doc });
    for (const flag of spec.flags) {
      keys.push({ where: `script command ${spec.name} ${flag.flag}`, key: flag.doc });
      if (flag.valueDoc !== undefined) keys.push({ where: `script command ${spec.name} ${flag.flag} value`, key: flag.valueDoc });
    }
    for (const conflict of spec.conflicts) keys.push({ where: `script command ${spec.name} conflict`, key: conflict.message });
  }
  for (const [name, why] of Object.entries(UNSUPPORTED)) keys.push({ where: `UNSUPPORTED ${name}`, key: why });
  for (const command of ADMIN_COMMANDS) keys.push({ where: `admin command ${command.name}`, key: command.description });
  for (const chart of METRIC_CHARTS) {
    keys.push({ where: `metrics chart ${chart.id}`, key: chart.title });
    for (const series of chart.series) keys.push({ where: `metrics chart ${chart.id} ${series.key}`, key: series.label });
  }
  return keys;
}

function check(where: string, key: string, problems: string[]): void {
  const zh = translation(key);
  if (zh === undefined) problems.push(`${where}: no zh-cn translation for ${JSON.stringify(key)}`);
  else if (placeholders(zh).join() !== placeholders(key).join()) problems.push(`${where}: placeholders differ: ${JSON.stringify(key)} → ${JSON.stringify(zh)}`);
}

describe('l10n seam of src/zk and src/server (zh-cn)', () => {
  // src/tree and src/extension too: a view's text made without vscode (src/tree/statText.ts, loaded by unit tests) uses the seam.
  const files = [...sourceFiles('src/zk'), ...sourceFiles('src/server'), ...sourceFiles('src/tree'), ...sourceFiles('src/extension')];
  const uses = [
    ...files.flatMap((file) => seamCalls(file)),
    // The webviews' scripts and hosts (their strings reach the webview in the bundle, src/extension/webviewL10n.ts).
    ...seamCalls('media/acl/editor.js', new Set(['L'])),
    ...seamCalls('media/metrics/panel.js', new Set(['t'])),
    ...['src/extension/acl/aclEditor.ts', 'src/extension/acl/apply.ts', 'src/extension/cluster/metricsPanel.ts'].flatMap((file) => seamCalls(file, new Set(['vscode.l10n.t']))),
  ];

  it('finds the seam in use (the scan is not vacuous)', () => {
    assert.ok(uses.length > 50, `only ${uses.length} calls of t() found`);
    assert.ok(uses.some((u) => u.where.startsWith('src/server/')), 'no call of t() in src/server');
    for (const script of ['media/acl/editor.js', 'media/metrics/panel.js']) assert.ok(uses.some((u) => u.where.startsWith(script)), `no string looked up in ${script}`);
  });

  it('every string given to t(), and every string of the tables it looks up, has a zh-cn translation using the same placeholders', () => {
    const problems: string[] = [];
    for (const use of uses) {
      if (use.key === undefined) {
        if (!DYNAMIC.has(`${use.where.replace(/:\d+$/, '')} ${use.argument}`)) problems.push(`${use.where}: t(${use.argument}) with a non-literal message cannot be translated`);
        continue;
      }
      check(use.where, use.key, problems);
    }
    for (const { where, key } of tableKeys()) check(where, key, problems);
    assert.deepEqual(problems, []);
  });

  it('no t() runs when a module loads (before activate() sets the localizer, it would stay English)', () => {
    const early: string[] = [];
    for (const file of files) {
      const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node, inFunction: boolean): void => {
        const deferred = inFunction || ts.isFunctionLike(node);
        if (!deferred && ts.isCallExpression(node) && node.expression.getText(source) === 't') early.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
        ts.forEachChild(node, (child) => visit(child, deferred));
      };
      visit(source, false);
    }
    assert.deepEqual(early, []);
  });

  it('every bundle entry keeps the placeholders of its key, and the bundle is sorted by key', () => {
    const problems = Object.keys(ZH_CN).filter((key) => placeholders(translation(key) ?? '').join() !== placeholders(key).join());
    assert.deepEqual(problems, []);
    const keys = Object.keys(ZH_CN);
    assert.deepEqual(keys, [...keys].sort(), 'l10n/bundle.l10n.zh-cn.json is not sorted by key');
  });

  it('every operation a ZkError names in src is in ZK_OPERATIONS (so it is translated)', () => {
    const written = new Set<string>();
    for (const file of sourceFiles('src')) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/new ZkError\(\s*'[A-Z]+',\s*'([^']+)'/g)) written.add(m[1]);
      for (const m of text.matchAll(/\boperation: '([^']+)'/g)) written.add(m[1]);
    }
    for (const m of fs.readFileSync(path.join(ROOT, 'src/zk/client.ts'), 'utf8').matchAll(/\bthis\.call\(\s*'([^']+)'/g)) written.add(m[1]);
    assert.ok(written.size > 10, `only ${written.size} operations found in src`);
    assert.deepEqual([...written].filter((op) => !ZK_OPERATIONS.includes(op)).sort(), []);
  });
});

describe('l10n seam: t() and setLocalizer', () => {
  it('is English, with placeholders filled, while no localizer is set', () => {
    assert.equal(t('Could not {0} "{1}"', 'delete', '/a'), 'Could not delete "/a"');
    assert.equal(format('{0} and {1}, not {2}', ['a', 1]), 'a and 1, not {2}');
  });

  it('a ZkError sentence comes out in Chinese with the zh-cn bundle as localizer, and English again once it is disposed', () => {
    const registration = setLocalizer(bundleLocalizer(ZH_CN));
    let chinese: string;
    let disconnected: string;
    try {
      chinese = new ZkError('NONODE', 'read the stat of', '/app/config').message;
      disconnected = new DisconnectedError('prod').message;
    } finally {
      registration.dispose();
    }
    assert.equal(chinese, '无法读取节点状态“/app/config”：节点不存在（可能已被其他客户端删除）。请刷新树。');
    assert.equal(disconnected, 'ZooKeeper 连接“prod”已断开连接：请连接它（ZooKeeper: 连接）后重试。');
    assert.equal(new ZkError('NONODE', 'read the stat of', '/app/config').message, 'Could not read the stat of "/app/config": the node does not exist (it may have been deleted by another client). Refresh the tree.');
  });

  it('a localizer is called with the English key and the arguments (what vscode.l10n.t receives)', () => {
    const calls: unknown[] = [];
    const registration = setLocalizer((message, args) => {
      calls.push([message, ...args]);
      return format(message, args);
    });
    try {
      describeZkError('BADVERSION', 'save', '/a', { expectedVersion: 3 });
    } finally {
      registration.dispose();
    }
    assert.deepEqual(calls, [
      ['save'],
      ['Could not {0} "{1}"', 'save', '/a'],
      ['{0}: the node was changed by another client since it was read (expected version {1}). Reload it and apply your change again.', 'Could not save "/a"', '3'],
    ]);
  });
});
