import * as assert from 'node:assert/strict';
import { ZkError } from '../../../../src/zk/errors';
import { globToRegExp, hexMatcher, MAX_MATCHES_PER_NODE, pathMatcher, textMatcher } from '../../../../src/zk/search/matcher';

describe('zk/search/matcher', () => {
  describe('path patterns', () => {
    it('a glob without "/" matches the node name only, as find -name does', () => {
      const match = pathMatcher('*.json', {});
      assert.equal(match('/config/app.json'), true);
      assert.equal(match('/config.json/app'), false);
      assert.equal(match('/APP.JSON'), true, 'case-insensitive unless asked');
      assert.equal(pathMatcher('*.json', { caseSensitive: true })('/APP.JSON'), false);
    });

    it('a glob with "/" matches the whole path: * stays within a name, ** crosses names and may be empty', () => {
      assert.equal(pathMatcher('/config/*', {})('/config/app'), true);
      assert.equal(pathMatcher('/config/*', {})('/config/app/db'), false);
      assert.equal(pathMatcher('/config/**', {})('/config/app/db'), true);
      assert.equal(pathMatcher('/config/**/db*', {})('/config/db1'), true);
      assert.equal(pathMatcher('/config/**/db*', {})('/config/a/b/db-main'), true);
      assert.equal(pathMatcher('/config/**/db*', {})('/other/db'), false);
    });

    it('?, [classes], [!negated] and {alternatives}', () => {
      const m = pathMatcher('node-[0-9]?{.json,.yaml}', {});
      assert.equal(m('/x/node-1a.json'), true);
      assert.equal(m('/x/node-1a.yaml'), true);
      assert.equal(m('/x/node-ab.json'), false);
      assert.equal(pathMatcher('[!a]*', {})('/b'), true);
      assert.equal(pathMatcher('[!a]*', {})('/a'), false);
    });

    it('regular characters of a glob are literal, regex characters included', () => {
      assert.equal(pathMatcher('a.b(c)+', {})('/a.b(c)+'), true);
      assert.equal(pathMatcher('a.b(c)+', {})('/axb(c)+'), false);
      assert.equal(globToRegExp('x', true).byName, true);
    });

    it('a regular expression is searched anywhere in the path', () => {
      assert.equal(pathMatcher('brokers/ids/\\d+$', { regex: true })('/kafka/brokers/ids/12'), true);
      assert.equal(pathMatcher('brokers/ids/\\d+$', { regex: true })('/kafka/brokers/ids/12/x'), false);
    });

    it('a bad pattern is a sentence that says which pattern and what to do', () => {
      assert.throws(() => pathMatcher('(', { regex: true }), (e: unknown) => e instanceof ZkError && e.code === 'INVALIDARGUMENT' && /path pattern is not a valid regular expression/.test(e.message));
      assert.throws(() => pathMatcher('{a,b', {}), /opens a "\{" it never closes/);
      assert.throws(() => textMatcher('[', { regex: true }), /data pattern is not a valid regular expression .*plain text/);
    });

    it('an empty pattern matches every path', () => {
      assert.equal(pathMatcher('', {})('/anything'), true);
      assert.equal(pathMatcher(undefined, {})('/'), true);
    });
  });

  describe('data patterns', () => {
    it('reports line and column from 1, per line, with CRLF line ends', () => {
      const find = textMatcher('host', {});
      const matches = find('{\r\n  "host": "db1",\r\n  "backupHost": "db2"\r\n}');
      assert.deepEqual(
        matches.map((m) => [m.line, m.column, m.length, m.preview.slice(m.previewStart, m.previewEnd)]),
        [
          [2, 4, 4, 'host'],
          [3, 10, 4, 'Host'],
        ],
      );
      assert.equal(matches[0].preview, '  "host": "db1",', 'the preview is the line without its \\r');
    });

    it('literal text is literal; case-sensitive on request; a regex may match empty without looping', () => {
      assert.equal(textMatcher('a.b', {})('axb a.b').length, 1);
      assert.equal(textMatcher('Host', { caseSensitive: true })('host Host').length, 1);
      assert.deepEqual(
        textMatcher('x*', { regex: true })('axxb x').map((m) => m.column),
        [2, 6],
      );
    });

    it('cuts a long line around the match and caps matches per node', () => {
      const line = `${'a'.repeat(500)}NEEDLE${'b'.repeat(500)}`;
      const [m] = textMatcher('needle', {})(line);
      assert.equal(m.column, 501);
      assert.ok(m.preview.length <= 161);
      assert.equal(m.preview.slice(m.previewStart, m.previewEnd), 'NEEDLE');
      assert.ok(m.preview.startsWith('…'));
      assert.equal(textMatcher('a', {})('a'.repeat(10000)).length, MAX_MATCHES_PER_NODE);
    });

    it('finds hex digits in binary data on byte boundaries, in any spelling', () => {
      const data = Uint8Array.from([0x00, 0xca, 0xfe, 0x01, 0xca, 0xfe]);
      for (const pattern of ['cafe', 'CA FE', '0xCAFE', 'ca:fe']) {
        assert.deepEqual(
          hexMatcher(pattern)!(data).map((m) => [m.column, m.preview.slice(m.previewStart, m.previewEnd)]),
          [
            [2, 'cafe'],
            [5, 'cafe'],
          ],
          pattern,
        );
      }
      assert.equal(hexMatcher('afe0')!(Uint8Array.from([0x0a, 0xfe, 0x00])).length, 0, 'never across a byte boundary');
      assert.equal(hexMatcher('xyz'), undefined);
      assert.equal(hexMatcher('abc'), undefined, 'an odd number of digits is no byte sequence');
    });
  });
});
