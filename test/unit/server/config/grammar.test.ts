import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: the nearest folder above this file holding package.json (works from test/ and out/test/). */
const ROOT = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
})();

interface Capture {
  name?: string;
  patterns?: { include: string }[];
}
interface Rule {
  match: string;
  name?: string;
  captures?: Record<string, Capture>;
}
interface Grammar {
  patterns: Rule[];
  repository: Record<string, { patterns: Rule[] }>;
}

const grammar = JSON.parse(fs.readFileSync(path.join(ROOT, 'syntaxes', 'zookeeper-config.tmLanguage.json'), 'utf8')) as Grammar;

/**
 * The scopes of each piece of a one-line zoo.cfg, by the grammar's own regular expressions (they
 * need nothing of Oniguruma that JavaScript lacks): the first top-level rule that matches the line,
 * its captures, and the rules a capture includes, searched within the capture like TextMate does
 * (the text before the capture is visible to a lookbehind).
 */
function scopesOf(line: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const rule of grammar.patterns) {
    const match = new RegExp(rule.match, 'd').exec(line);
    if (!match) continue;
    if (rule.name) found.set(match[0].trim(), rule.name);
    for (const [group, capture] of Object.entries(rule.captures ?? {})) {
      const span = match.indices?.[Number(group)];
      if (!span) continue;
      const [start, end] = span;
      if (capture.name && end > start) found.set(line.slice(start, end), capture.name);
      for (const include of capture.patterns ?? []) {
        for (const inner of grammar.repository[include.include.slice(1)].patterns) {
          const regex = new RegExp(inner.match, 'g');
          regex.lastIndex = start;
          for (let m = regex.exec(line.slice(0, end)); m && m.index < end; m = regex.exec(line.slice(0, end))) {
            if (m[0].length === 0) break;
            found.set(m[0], inner.name!);
          }
        }
      }
    }
    return found;
  }
  return found;
}

describe('syntaxes/zookeeper-config.tmLanguage.json', () => {
  it('scopes keys as properties and numbers and booleans as constants, never as the scopes Light+ paints red', () => {
    const keys = scopesOf('tickTime=2000');
    assert.equal(keys.get('tickTime'), 'variable.other.property.zookeeper-config');
    assert.equal(keys.get('2000'), 'constant.numeric.zookeeper-config');
    assert.equal(scopesOf('reconfigEnabled = true').get('true'), 'constant.language.boolean.zookeeper-config');
    assert.equal(scopesOf('forceSync: no').get('no'), 'constant.language.boolean.zookeeper-config');
    // Free text keeps the editor's foreground (only the value's meta scope).
    const dir = scopesOf('dataDir=/var/lib/zookeeper');
    assert.equal(dir.get('dataDir'), 'variable.other.property.zookeeper-config');
    assert.equal(dir.get('/var/lib/zookeeper'), 'meta.value.zookeeper-config');
    // Light+ paints support.type.property-name #e50000 and string #a31515: keys and values that look like errors.
    const everyScope = [...JSON.stringify(grammar).matchAll(/"name":"([^"]+)"/g)].map((m) => m[1]);
    assert.ok(everyScope.length > 5);
    for (const scope of everyScope) assert.doesNotMatch(scope, /^support\.type\.property-name|^string\b/, scope);
  });

  it('scopes a server line: key, id, ports and role', () => {
    const server = scopesOf('server.2=zk2.example.com:2888:3888:observer;2181');
    assert.equal(server.get('server'), 'variable.other.property.zookeeper-config');
    assert.equal(server.get('2'), 'constant.numeric.zookeeper-config');
    assert.equal(server.get('2888'), 'constant.numeric.port.zookeeper-config');
    assert.equal(server.get('3888'), 'constant.numeric.port.zookeeper-config');
    assert.equal(server.get('observer'), 'constant.language.role.zookeeper-config');
    assert.equal(server.get('zk2.example.com:2888:3888:observer;2181'), 'meta.value.server.zookeeper-config');
    assert.equal(scopesOf('# a comment=1').get('# a comment=1'), 'comment.line.zookeeper-config');
  });

  it('turns off word-based suggestions in zoo.cfg and scripts, so completion offers only what the language server knows', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configurationDefaults?: Record<string, Record<string, unknown>> } };
    for (const language of ['zookeeper-config', 'zookeeper-script']) {
      assert.equal(pkg.contributes.configurationDefaults?.[`[${language}]`]?.['editor.wordBasedSuggestions'], 'off', language);
    }
  });
});
