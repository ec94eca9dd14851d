import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describeZkError, DisconnectedError, ZK_OPERATIONS, ZkError } from '../../../src/zk/errors';
import { bundleLocalizer, format, pickBundle, placeholders, setLocalizer, t } from '../../../src/zk/l10n';
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

/**
 * Where a string reaches a person: the arguments of a notification, a status bar message, a tooltip's
 * Markdown, an error a user is shown (UserError, CodecError, InvalidPathError, a ZkError's own
 * detail), a tree item's label, and the properties a quick pick, an input box, a dialog, a progress
 * report or a tree item shows. The scanners above only see the messages given to t() and
 * vscode.l10n.t; an English sentence that never went through them — a template literal, a
 * concatenation, a ternary's branch, a button title — is invisible to them, and VS Code shows it in
 * English without a word. This one walks each such expression (through +, ?:, ??, ||, template
 * spans, arrays, .join()) and reports every literal with English words that is not inside a t() call.
 */
const SINK_CALLS = /(^|\.)(showInformationMessage|showWarningMessage|showErrorMessage|setStatusBarMessage|appendMarkdown|appendText)$/;
const SINK_CLASSES = /(^|\.)(UserError|CodecError|InvalidPathError|TreeItem|MarkdownString)$/;
const SINK_PROPERTIES = /^(title|placeHolder|placeholder|prompt|saveLabel|openLabel|label|description|detail|tooltip|message|validationMessage|text)$/;
const TRANSLATORS = /^(vscode\.l10n\.t|l10n\.t|t|L)$/;
/** Calls whose n-th argument is a message for a person: a zoo.cfg diagnostic (Reporter.add) and a server line's problem. */
const SINK_ARGUMENTS: [RegExp, number][] = [
  [/^(report|this)\.add$/, 2],
  [/^error$/, 1],
];
/** A variable holding a message before it is shown (`const message = …; report.add(…, message, …)`). */
const SINK_VARIABLES = /^(message|\w+Message)$/;

/**
 * Whether a literal's text holds English words: three letters in a row, once what is never translated
 * is taken out — codicons ($(sync)), paths, ids, uris and other tokens with . / : _ # @, camelCase
 * identifiers, and the names ZooKeeper and the formats go by.
 */
export function hasEnglish(text: string): boolean {
  const kept = text
    .replace(/\$\([\w-]+\)/g, ' ')
    .replace(/\S*[./:_#@=]\S*/g, ' ')
    .replace(/\b[a-z]+[A-Z]\w*\b/g, ' ')
    .replace(/\b(ZooKeeper|ZooNavigator|JSON|YAML|XML|ACL|TLS|SASL|DIGEST-MD5|Kerberos|GSSAPI|zkCli|myid|base64|hex|TTL|UTF|CRLF|LF|CR|NUL|ms|kB|MB|GB|CSV|URI|id)\b/g, ' ');
  return /[A-Za-z]{3,}/.test(kept);
}

/** Every literal with English words that reaches a sink in a file without passing through t(). */
export function untranslatedLiterals(file: string, text: string): { where: string; literal: string }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: { where: string; literal: string }[] = [];
  const seen = new Set<number>(); // a literal can be reached twice (progress.report's argument and its message property)
  const report = (node: ts.Node, literal: string): void => {
    if (seen.has(node.getStart())) return;
    seen.add(node.getStart());
    found.push({ where: `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`, literal });
  };
  const check = (node: ts.Node | undefined): void => {
    if (!node) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (hasEnglish(node.text)) report(node, node.text);
    } else if (ts.isTemplateExpression(node)) {
      const literal = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join('${…}');
      if (hasEnglish(literal.replace(/\$\{…\}/g, ' '))) report(node, literal);
      for (const span of node.templateSpans) check(span.expression);
    } else if (ts.isBinaryExpression(node)) {
      check(node.left);
      check(node.right);
    } else if (ts.isConditionalExpression(node)) {
      check(node.whenTrue);
      check(node.whenFalse);
    } else if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) {
      check(node.expression);
    } else if (ts.isArrayLiteralExpression(node)) {
      node.elements.forEach(check);
    } else if (ts.isObjectLiteralExpression(node)) {
      for (const property of node.properties) if (ts.isPropertyAssignment(property) && SINK_PROPERTIES.test(property.name.getText(source))) check(property.initializer);
    } else if (ts.isCallExpression(node) && !TRANSLATORS.test(node.expression.getText(source))) {
      // Only the calls that keep their input's words: [..].join(' · '), s.trim().
      if (ts.isPropertyAccessExpression(node.expression) && /^(join|concat|trim)$/.test(node.expression.name.text)) {
        check(node.expression.expression);
        node.arguments.forEach(check);
      }
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && TRANSLATORS.test(node.expression.getText(source))) return;
    if (ts.isCallExpression(node) && SINK_CALLS.test(node.expression.getText(source))) node.arguments.forEach(check);
    for (const [callee, index] of SINK_ARGUMENTS) if (ts.isCallExpression(node) && callee.test(node.expression.getText(source))) check(node.arguments[index]);
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && SINK_VARIABLES.test(node.name.text)) check(node.initializer);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'report') node.arguments.forEach(check);
    if (ts.isNewExpression(node) && SINK_CLASSES.test(node.expression.getText(source))) node.arguments?.forEach(check);
    if (ts.isNewExpression(node) && /(^|\.)ZkError$/.test(node.expression.getText(source))) check(node.arguments?.[3]);
    if (ts.isPropertyAssignment(node) && SINK_PROPERTIES.test(node.name.getText(source))) check(node.initializer);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left) && SINK_PROPERTIES.test(node.left.name.text)) {
      check(node.right);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * The literals that reach a sink in English on purpose, by file and the literal's beginning, each
 * group with why. Anything else the scan finds fails the test: translate it, or add it here with a reason.
 */
const ENGLISH_ON_PURPOSE: Record<string, string[]> = {
  // The refusals of a command's *argument object*: only an automation call (a test, a task, another
  // extension) passes one, and it gets the error back instead of a notification (registerCommand). They
  // speak the command API's language — property names, ids, shapes — which stays English, like the ids.
  automation: [
    'src/extension/acl/index.ts: "recursive" must',
    'src/extension/acl/index.ts: "aversion" must',
    'src/extension/acl/index.ts: zookeeper.setAcl takes',
    'src/extension/cluster/index.ts: Sort sessions by one of',
    'src/extension/cluster/index.ts: Unknown admin command',
    'src/extension/cluster/index.ts: Pass server:',
    'src/extension/cluster/index.ts: Pass uri:',
    'src/extension/cluster/reconfigCommands.ts: Pass one change:',
    'src/extension/cluster/watchCommands.ts: Pass the session id:',
    'src/extension/commands/connectionCommands.ts: sessionTimeoutMs must',
    'src/extension/commands/connectionCommands.ts: digest must be',
    'src/extension/commands/connectionCommands.ts: sasl must be',
    'src/extension/commands/connectionCommands.ts: tlsKeyPassphrase must',
    'src/extension/commands/connectionCommands.ts: Pass { connection, digest',
    'src/extension/commands/createNode.ts: Pass the path of the node',
    'src/extension/commands/createNode.ts: "${…}" is not a create mode',
    'src/extension/commands/createNode.ts: data must be a string',
    'src/extension/commands/createNode.ts: ttlMs must be',
    'src/extension/commands/nodeCommands.ts: Pass the filter:',
    'src/extension/commands/resolve.ts: Pass the znode path:',
    'src/extension/commands/watchCommands.ts: Pass the kind of watch:',
    'src/extension/commands/watchCommands.ts: Pass where to write:',
    'src/extension/connections/connectionManager.ts: Name the connection: pass {',
    'src/extension/scripts/runScript.ts: The script deletes or changes ACLs on ${…}',
    'src/extension/scripts/runScript.ts: command',
    'src/extension/search/index.ts: "${…}" must be',
    'src/extension/search/index.ts: "path" must be a string',
    'src/extension/search/index.ts: Pass what to search for:',
    'src/extension/search/index.ts: Pass the connection by name:',
    'src/extension/search/index.ts: Pass a search result:',
    'src/extension/staging/index.ts: Pass a change from the ZooKeeper Changes view, or {',
    'src/extension/transfer/compareCommand.ts: "ignore',
    'src/extension/transfer/compareCommand.ts: "otherConnection" is',
    'src/extension/transfer/compareCommand.ts: Pass the other side:',
    'src/extension/transfer/compareCommand.ts: Pass a difference from the Compare view.',
    'src/extension/transfer/copyCommand.ts: Pass a difference from the Compare view, or {',
    'src/extension/transfer/importCommand.ts: Pass the file to import:',
    'src/extension/transfer/importCommand.ts: "${…}" is not a uri',
    'src/extension/transfer/index.ts: "format" is',
    'src/extension/transfer/index.ts: Pass where to write:',
    'src/extension/transfer/index.ts: "${…}" is not a uri',
    'src/extension/walkthrough/index.ts: zookeeper.startDemo',
  ],
  // Lines for the "ZooKeeper" output channel (English, for bug reports); the notification beside each says it through vscode.l10n.t.
  logs: ['src/extension/language/languageClient.ts: The ZooKeeper language server crashed ${…} times'],
  // Examples of what to type, in the syntax the field reads (globs), not words.
  examples: ['src/extension/search/index.ts: *.json, /config/**/db*'],
  // (Any literal of tableKeys() — the admin commands, the metrics charts, the script commands' conflicts
  // — is translated where it is shown, and checked there.) The session sorts' table: its labels are
  // not shown; sessionSortLabel() says each sort through vscode.l10n.t.
  tables: [
    'src/tree/clusterProvider.ts: Session id',
    'src/tree/clusterProvider.ts: Client address',
    'src/tree/clusterProvider.ts: Average latency',
    'src/tree/clusterProvider.ts: Ephemeral nodes (most first)',
    'src/tree/clusterProvider.ts: Packets received',
  ],
};

/**
 * The source files a module pulls in: its relative imports and require()s, followed to the end
 * (.ts first, then .js), inside the repository only. The language server's bundle is what it runs.
 */
export function reachableFiles(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const specifiers: string[] = [];
    const walk = (node: ts.Node): void => {
      const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly === true : ts.isExportDeclaration(node) && node.isTypeOnly;
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !typeOnly) specifiers.push(node.moduleSpecifier.text);
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) specifiers.push(node.arguments[0].text);
      ts.forEachChild(node, walk);
    };
    walk(source);
    for (const specifier of specifiers.filter((s) => s.startsWith('.'))) {
      const base = path.posix.join(path.posix.dirname(file), specifier);
      const found = [`${base}.ts`, `${base}/index.ts`, `${base}.js`, base].find((candidate) => fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile());
      if (found) visit(found);
    }
  };
  visit(entry);
  return [...seen].sort();
}

/** The tables whose strings t() looks up by value (see DYNAMIC), by the file that defines each. */
function tablesOf(files: readonly string[]): string[] {
  const keys: string[] = [];
  const has = (file: string): boolean => files.includes(file);
  if (has('src/zk/errors.ts')) keys.push(...ZK_OPERATIONS);
  if (has('src/server/config/properties.ts')) keys.push(...PROPERTIES.map((p) => p.doc), ...Object.values(SECTION_TITLES));
  if (has('src/server/script/commands.ts')) {
    for (const spec of COMMANDS) keys.push(spec.doc, ...spec.flags.flatMap((f) => [f.doc, ...(f.valueDoc === undefined ? [] : [f.valueDoc])]), ...spec.conflicts.map((c) => c.message));
    keys.push(...Object.values(UNSUPPORTED));
  }
  if (has('src/zk/cluster/adminCommands.ts')) keys.push(...ADMIN_COMMANDS.map((c) => c.description));
  if (has('src/zk/cluster/metrics.ts')) keys.push(...METRIC_CHARTS.flatMap((c) => [c.title, ...c.series.map((s) => s.label)]));
  return keys;
}

/**
 * What each consumer that cannot call vscode.l10n itself is sent of the bundle (l10n/consumers.json,
 * read by src/extension/webviewL10n.ts): every key its own code says through t() / L(), and the
 * tables it looks strings up in. The metrics panel's charts come from the extension in its messages,
 * so their table is added by hand.
 */
export function consumerKeys(): Record<string, string[]> {
  const keysOf = (files: readonly string[], names?: Set<string>, tables: string[] = []): string[] =>
    [...new Set([...files.flatMap((file) => seamCalls(file, names && new Set(names))).flatMap((use) => (use.key === undefined ? [] : [use.key])), ...tablesOf(files), ...tables])].sort();
  const server = reachableFiles('src/server/server.ts');
  const panel = reachableFiles('media/metrics/panel.js');
  return {
    aclEditor: keysOf(['media/acl/editor.js'], new Set(['L'])),
    metricsPanel: keysOf(panel, new Set(['t']), METRIC_CHARTS.flatMap((c) => [c.title, ...c.series.map((s) => s.label)])),
    languageServer: keysOf(server),
  };
}

describe('l10n: each consumer outside the extension host gets the keys it uses, and only those', () => {
  const file = path.join(ROOT, 'l10n', 'consumers.json');

  it('l10n/consumers.json lists, per consumer, exactly the keys its code uses (set ZKE_WRITE_L10N_CONSUMERS=1 to rewrite it)', () => {
    const computed = consumerKeys();
    const text = `${JSON.stringify(computed, null, 2)}\n`;
    if (process.env.ZKE_WRITE_L10N_CONSUMERS === '1') fs.writeFileSync(file, text);
    assert.ok(computed.languageServer.length > 300, `only ${computed.languageServer.length} keys found for the language server`);
    assert.ok(computed.aclEditor.length > 20 && computed.metricsPanel.length > 10, 'the webview scripts say hardly anything: the scan is broken');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), computed, 'l10n/consumers.json is stale: run ZKE_WRITE_L10N_CONSUMERS=1 ZKE_UNIT_GREP=consumers.json node scripts/test.js unit');
  });

  it('a consumer sent its keys of the zh-cn bundle translates every sentence it uses, and is sent a fraction of the bundle', () => {
    const consumers = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string[]>;
    const whole = JSON.stringify(ZH_CN).length;
    for (const [consumer, keys] of Object.entries(consumers)) {
      const sent = pickBundle(ZH_CN, keys);
      const localize = bundleLocalizer(sent);
      const missing = keys.filter((key) => translation(key) !== undefined && localize(key, []) !== format(translation(key)!, []));
      assert.deepEqual(missing, [], consumer);
      assert.ok(JSON.stringify(sent).length < whole * 0.75, `${consumer} is sent ${JSON.stringify(sent).length} of ${whole} characters`);
    }
    // The language server's own sentences are there (a diagnostic of the script checker, a zoo.cfg property's
    // description from its table); the extension's are not.
    assert.ok(consumers.languageServer.includes('Unknown command "{0}".'));
    assert.ok(consumers.languageServer.includes(PROPERTIES[0].doc));
    assert.ok(!consumers.languageServer.includes('Edit as Hex'), 'an extension-only sentence is sent to the server');
  });
});

describe('l10n: no English sentence reaches the user outside t()', () => {
  // The webviews' scripts too: they say their words through L() / t() over the bundle their host sends.
  const files = [...sourceFiles('src/zk'), ...sourceFiles('src/server'), ...sourceFiles('src/tree'), ...sourceFiles('src/extension'), 'media/acl/editor.js', 'media/metrics/panel.js'];
  const onPurpose = Object.values(ENGLISH_ON_PURPOSE).flat();
  const looksUp = new Set(tableKeys().map((k) => k.key));

  it('finds none in src/zk, src/server, src/tree, src/extension and the webview scripts but those kept English on purpose (each with its reason)', () => {
    const found = files.flatMap((file) => untranslatedLiterals(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));
    const left = found.filter(({ where, literal }) => !looksUp.has(literal) && !onPurpose.some((entry) => `${where.replace(/:\d+$/, '')}: ${literal}`.startsWith(entry)));
    assert.deepEqual(left.map(({ where, literal }) => `${where}: ${literal}`), []);
    // An entry that no longer matches anything is stale: it would excuse the next sentence written there.
    const stale = onPurpose.filter((entry) => !found.some(({ where, literal }) => `${where.replace(/:\d+$/, '')}: ${literal}`.startsWith(entry)));
    assert.deepEqual(stale, []);
  });

  it('catches a template literal, a concatenation, a ternary branch, a button, a diagnostic and a message variable outside t(), and passes what t() says', () => {
    const text = [
      "import * as vscode from 'vscode';",
      "import { t } from '../zk/l10n';",
      'void vscode.window.showInformationMessage(`Exported ${n} nodes`, "Open");',
      "progress.report({ message: n + ' nodes' });",
      "throw new UserError(ok ? vscode.l10n.t('Fine') : 'Not fine at all');",
      "item.description = [t('up {0}', age), 'waiting'].join(' · ');",
      "void vscode.window.showQuickPick([{ label: 'JSON', description: t('every byte') }], { title: `${path} on ${name}` });",
      "const tooltip = new vscode.MarkdownString(`**${path}** (myid ${id})`);",
      "throw new ZkError('NONODE', 'read', path, 'gone for good');",
      "report.add('warning', 'code-word', `${key} is odd here`, range);",
      "const message = ok ? t('Fine') : `Not ${what} at all`;",
    ].join('\n');
    assert.deepEqual(
      untranslatedLiterals('x.ts', text).map(({ where, literal }) => `${where}: ${literal}`),
      [
        'x.ts:3: Exported ${…} nodes',
        'x.ts:3: Open',
        'x.ts:4:  nodes',
        'x.ts:5: Not fine at all',
        'x.ts:6: waiting',
        'x.ts:9: gone for good',
        'x.ts:10: ${…} is odd here',
        'x.ts:11: Not ${…} at all',
      ],
    );
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
