// The extension's translation catalogues, checked without VS Code: every sentence given to
// vscode.l10n.t in src/ has a zh-cn entry in l10n/bundle.l10n.zh-cn.json with the same
// placeholders, and every %key% of package.json has an English entry (package.nls.json) and a
// zh-cn one (package.nls.zh-cn.json) with the same placeholders. VS Code falls back to English
// silently for a missing entry, and shows a placeholder nobody fills as it is, so only a test sees
// either. The sentences of src/zk and src/server (their own t() seam, src/zk/l10n.ts) are checked
// by test/unit/zk/l10n.test.ts against the same bundle.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** The repository root: the nearest folder above this file holding package.json (works from test/ and out/test/). */
const ROOT = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
})();

type Catalogue = Record<string, string | { message: string }>;

function readJson<T>(relative: string): T {
  return JSON.parse(fs.readFileSync(path.join(ROOT, relative), 'utf8')) as T;
}

function entryText(catalogue: Catalogue, key: string): string | undefined {
  const entry = Object.hasOwn(catalogue, key) ? catalogue[key] : undefined;
  return typeof entry === 'string' ? entry : entry?.message;
}

/**
 * The placeholders a message uses, sorted and without repeats: {0}-style (vscode.l10n.t's
 * arguments) and {name}-style (its named form). A translation must use exactly the same ones.
 */
export function placeholdersOf(message: string): string[] {
  return [...new Set(Array.from(message.matchAll(/\{(\d+|[A-Za-z_]\w*)\}/g), (m) => m[0]))].sort();
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative] : [];
  });
}

export interface L10nCall {
  where: string;
  /** The English key; undefined when the message is not a string literal (it cannot be looked up). */
  key: string | undefined;
}

/**
 * Every call of `<x>.l10n.t(...)` or `l10n.t(...)` in a source text, found with TypeScript's parser
 * (a regular expression would miss a call split over lines and match one in a comment). The message
 * is the first argument, or the `message` property of an object literal (vscode.l10n.t's other form).
 */
export function l10nCalls(file: string, text: string): L10nCall[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const calls: L10nCall[] = [];
  const literal = (node: ts.Node | undefined): string | undefined =>
    node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
  const visit = (node: ts.Node): void => {
    // The bridge that hands src/zk's t() to vscode.l10n.t (`setLocalizer((m, a) => vscode.l10n.t(m, ...a))`) passes
    // messages through: they are src/zk's literals, which test/unit/zk/l10n.test.ts checks against the same bundle.
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'setLocalizer') return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 't') {
      const target = node.expression.expression;
      const isL10n =
        (ts.isIdentifier(target) && target.text === 'l10n') || (ts.isPropertyAccessExpression(target) && target.name.text === 'l10n');
      if (isL10n) {
        const first = node.arguments[0];
        let key = literal(first);
        if (key === undefined && first && ts.isObjectLiteralExpression(first)) {
          const message = first.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(source) === 'message');
          key = literal(message?.initializer);
        }
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        calls.push({ where: `${file}:${line + 1}`, key });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return calls;
}

/** Problems of a bundle against the calls that use it: a missing entry, other placeholders, a non-literal message. */
export function bundleProblems(calls: readonly L10nCall[], bundle: Catalogue): string[] {
  const problems: string[] = [];
  for (const call of calls) {
    if (call.key === undefined) {
      problems.push(`${call.where}: l10n.t() with a message that is not a string literal cannot be translated`);
      continue;
    }
    const translated = entryText(bundle, call.key);
    if (translated === undefined) problems.push(`${call.where}: no zh-cn translation for ${JSON.stringify(call.key)}`);
    else if (placeholdersOf(translated).join() !== placeholdersOf(call.key).join()) {
      problems.push(`${call.where}: placeholders differ: ${JSON.stringify(call.key)} → ${JSON.stringify(translated)}`);
    }
  }
  for (const key of Object.keys(bundle)) {
    const translated = entryText(bundle, key);
    if (translated === undefined || translated.trim() === '') problems.push(`bundle: an empty translation for ${JSON.stringify(key)}`);
    else if (placeholdersOf(translated).join() !== placeholdersOf(key).join()) problems.push(`bundle: placeholders differ: ${JSON.stringify(key)} → ${JSON.stringify(translated)}`);
  }
  return problems;
}

/** Every "%key%" string anywhere in a manifest (VS Code replaces exactly whole-string %key% values). */
export function nlsKeysOf(manifest: unknown): string[] {
  const keys = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      const m = /^%([^%\s]+)%$/.exec(value);
      if (m) keys.add(m[1]);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest);
  return [...keys].sort();
}

/** Problems of the package.nls files against the manifest's %key%s. */
export function nlsProblems(keys: readonly string[], english: Catalogue, chinese: Catalogue): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    const en = entryText(english, key);
    const zh = entryText(chinese, key);
    if (en === undefined) problems.push(`package.nls.json has no ${key}`);
    if (zh === undefined) problems.push(`package.nls.zh-cn.json has no ${key}`);
    if (en !== undefined && zh !== undefined && placeholdersOf(en).join() !== placeholdersOf(zh).join()) {
      problems.push(`placeholders differ in ${key}: ${JSON.stringify(en)} → ${JSON.stringify(zh)}`);
    }
    // Command links and setting links in Markdown must survive the translation, or a button does nothing.
    const links = (s: string): string[] => Array.from(s.matchAll(/\((command:[^)\s]+)\)|`#([\w.]+)#`/g), (m) => m[1] ?? m[2]).sort();
    if (en !== undefined && zh !== undefined && links(en).join() !== links(zh).join()) problems.push(`command or setting links differ in ${key}`);
  }
  for (const key of Object.keys(chinese)) if (!keys.includes(key)) problems.push(`package.nls.zh-cn.json has ${key}, which package.json does not use`);
  for (const key of Object.keys(english)) if (!keys.includes(key)) problems.push(`package.nls.json has ${key}, which package.json does not use`);
  return problems;
}

describe('l10n catalogues of the extension (zh-cn)', () => {
  const bundle = readJson<Catalogue>('l10n/bundle.l10n.zh-cn.json');
  const manifest = readJson<Record<string, unknown>>('package.json');
  const calls = sourceFiles('src').flatMap((file) => l10nCalls(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));

  it('package.json points VS Code at l10n/ for its bundles', () => {
    assert.equal(manifest.l10n, './l10n');
  });

  it('finds vscode.l10n.t in use in src/extension and src/tree (the scan is not vacuous)', () => {
    assert.ok(calls.length > 100, `only ${calls.length} calls of l10n.t found`);
    assert.ok(calls.some((c) => c.where.startsWith('src/tree/')), 'no call of l10n.t in src/tree');
  });

  it('every vscode.l10n.t message in src is a literal with a zh-cn translation that keeps its placeholders', () => {
    assert.deepEqual(bundleProblems(calls, bundle), []);
  });

  it('l10n/bundle.l10n.zh-cn.json is sorted by key (two helpers write to it; sorted, their merge is easy)', () => {
    const keys = Object.keys(bundle);
    assert.deepEqual(keys, [...keys].sort());
  });

  it('every %key% in package.json has an English and a zh-cn entry with the same placeholders and links', () => {
    const keys = nlsKeysOf(manifest);
    assert.ok(keys.length > 100, `only ${keys.length} %key% strings in package.json`);
    const english = readJson<Catalogue>('package.nls.json');
    const chinese = readJson<Catalogue>('package.nls.zh-cn.json');
    assert.deepEqual(nlsProblems(keys, english, chinese), []);
  });

  it('no command title, view name or setting description in package.json is left untranslated (written in English)', () => {
    const c = manifest.contributes as {
      commands: { title: string; category?: string }[];
      views: Record<string, { name: string }[]>;
      walkthroughs: { title: string; steps: { title: string; description: string }[] }[];
    };
    const literal = (s: string | undefined): boolean => s !== undefined && !/^%[^%\s]+%$/.test(s);
    const left = [
      ...c.commands.flatMap((x) => [x.title, x.category]),
      ...Object.values(c.views).flat().map((v) => v.name),
      ...c.walkthroughs.flatMap((w) => [w.title, ...w.steps.flatMap((s) => [s.title, s.description])]),
    ].filter(literal);
    assert.deepEqual(left, []);
    // Every description a person reads in the Settings UI or a hover, however deep in a setting's schema
    // (a `oneOf` of connection kinds once hid eleven English descriptions from the list above).
    const readable = /^(description|markdownDescription|deprecationMessage|markdownDeprecationMessage|enumDescriptions|markdownEnumDescriptions|title|name|label|contextualTitle|altText)$/;
    const english: string[] = [];
    const walk = (value: unknown, where: string): void => {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${where}[${i}]`));
      else if (value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          const at = `${where}.${key}`;
          if (at.startsWith('contributes.resourceLabelFormatters')) continue; // a label *format*, not words
          if (readable.test(key) && typeof child === 'string' && literal(child)) english.push(at);
          else if (readable.test(key) && Array.isArray(child) && child.every((x) => typeof x === 'string')) english.push(...child.filter(literal).map((_, i) => `${at}[${i}]`));
          else walk(child, at);
        }
      }
    };
    walk(manifest.contributes, 'contributes');
    assert.deepEqual(english, []);
  });

  describe('the checks catch what they are for', () => {
    it('a call without a translation, with other placeholders, or with a non-literal message', () => {
      const text = [
        "import * as vscode from 'vscode';",
        "vscode.l10n.t('Known {0}', a);",
        "vscode.l10n.t('Unknown');",
        "vscode.l10n.t('Swapped {0}', a);",
        "vscode.l10n.t(message);",
        'vscode.l10n.t(`Made ${a}`);',
        "vscode.l10n.t({ message: 'Named {who}', args: { who: a }, comment: 'x' });",
        '// vscode.l10n.t("in a comment")',
        'setLocalizer((m, a) => vscode.l10n.t(m, ...a));',
      ].join('\n');
      const found = l10nCalls('x.ts', text);
      assert.deepEqual(
        found.map((c) => c.key),
        ['Known {0}', 'Unknown', 'Swapped {0}', undefined, undefined, 'Named {who}'],
      );
      const problems = bundleProblems(found, { 'Known {0}': '已知 {0}', 'Swapped {0}': '交换 {1}', 'Named {who}': '名为 {whom}' });
      assert.deepEqual(problems, [
        'x.ts:3: no zh-cn translation for "Unknown"',
        'x.ts:4: placeholders differ: "Swapped {0}" → "交换 {1}"',
        'x.ts:5: l10n.t() with a message that is not a string literal cannot be translated',
        'x.ts:6: l10n.t() with a message that is not a string literal cannot be translated',
        'x.ts:7: placeholders differ: "Named {who}" → "名为 {whom}"',
        'bundle: placeholders differ: "Swapped {0}" → "交换 {1}"',
        'bundle: placeholders differ: "Named {who}" → "名为 {whom}"',
      ]);
    });

    it('a %key% without an English or a Chinese entry, or whose placeholders or command links differ', () => {
      const keys = nlsKeysOf({ a: '%one%', b: ['%two%', { c: '%three%' }], d: 'not a key', e: '%four%' });
      assert.deepEqual(keys, ['four', 'one', 'three', 'two']);
      const problems = nlsProblems(
        keys,
        { one: 'One {0}', two: 'Two', three: '[Go](command:x.go)', four: 'Four' },
        { one: '一 {1}', three: '[去](command:x.went)', four: '四', five: '五' },
      );
      assert.deepEqual(problems, [
        'placeholders differ in one: "One {0}" → "一 {1}"',
        'command or setting links differ in three',
        'package.nls.zh-cn.json has no two',
        'package.nls.zh-cn.json has five, which package.json does not use',
      ]);
    });
  });
});
