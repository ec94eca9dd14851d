import assert from 'node:assert/strict';
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { diagnose } from '../../../../src/server/script/diagnostics';
import { parseScript } from '../../../../src/server/script/parser';
import { digestId } from '../../../../src/zk/acl';
import { validatePath } from '../../../../src/zk/paths';
import { r } from './support';

/** [message, range, severity] of each diagnostic, the shape most assertions need. */
function problems(text: string): [string, Range, number | undefined][] {
  return diagnose(text).map((d) => [d.message, d.range, d.severity]);
}

function one(text: string): Diagnostic {
  const found = diagnose(text);
  assert.equal(found.length, 1, `one diagnostic for ${JSON.stringify(text)}: ${JSON.stringify(found.map((d) => d.message))}`);
  return found[0];
}

function clean(text: string): void {
  assert.deepEqual(diagnose(text), [], `no diagnostic for ${JSON.stringify(text)}`);
}

const E = 1;
const W = 2;

describe('server/script/diagnostics', () => {
  it('accepts a script that uses every command correctly', () => {
    clean(
      [
        '# connection: local',
        '',
        'create /app',
        'create -s -e /app/lock- "" world:anyone:cdrwa',
        'create -c /app/queue',
        'create -t 60000 /app/ttl data',
        "create /app/cfg '{\"a\": 1}' digest:bob:" + digestId('bob', 'pw').split(':')[1] + ':cdrwa,ip:10.0.0.0/8:r,ip:::1:r,auth::cdrwa,world:anyone:r,sasl:zk:r,x509:CN=x:r',
        'create -s /app/',
        'set -s -v 3 /app "new data"',
        'set /app -v -1 x',
        'get -s -w /app',
        'ls -s -w -R /',
        'stat -w /app',
        'delete -v 0 /app/ttl',
        'deleteall /app/queue -b 100',
        'getAcl -s /app',
        'setAcl -s -v 1 -R /app world:anyone:r',
        'addauth digest bob:pw',
        'addWatch -m PERSISTENT_RECURSIVE /app',
        'addWatch -m persistent /app',
        'addWatch /later',
        'removewatches /app -d -l',
        'sync /app',
        'getEphemerals',
        'getEphemerals /app',
        'getAllChildrenNumber /app',
        'whoami',
        'config -c -w -s',
        'version',
        'set -- /app -starts-with-dash',
      ].join('\n'),
    );
  });

  it('tags diagnostics with their source and a code', () => {
    const d = one('get /a /b');
    assert.equal(d.source, 'zookeeper-script');
    assert.equal(d.code, 'extra-argument');
    assert.equal(d.severity, E);
  });

  describe('unknown commands', () => {
    it('suggests the closest command', () => {
      const d = one('crate /a');
      assert.deepEqual([d.message, d.range, d.code, d.data], ['Unknown command "crate"; did you mean "create"?', r(0, 0, 5), 'unknown-command', { replacement: 'create' }]);
      assert.equal(one('gte /a').message, 'Unknown command "gte"; did you mean "get"?');
      assert.equal(one('deletall /a').message, 'Unknown command "deletall"; did you mean "deleteall"?');
    });

    it('says when only the case is wrong', () => {
      assert.equal(one('getacl /a').message, 'Unknown command "getacl"; did you mean "getAcl"? Command names are case-sensitive.');
      assert.deepEqual(one('  GET /a').range, r(0, 2, 5));
    });

    it('suggests nothing when nothing is close, and nothing else on that line', () => {
      const d = one('frobnicate -x /a/ b c');
      assert.deepEqual([d.message, d.data], ['Unknown command "frobnicate".', undefined]);
    });

    it('explains zkCli commands a script cannot use', () => {
      assert.equal(one('rmr /a').message, '"rmr" is not available in scripts: use deleteall.');
      assert.equal(one('connect localhost:2181').code, 'unsupported-command');
    });

    it('shortens a huge unknown name in the message', () => {
      assert.equal(one('x'.repeat(10_000)).message, `Unknown command "${'x'.repeat(59)}…".`);
    });
  });

  describe('flags', () => {
    it('reports an unknown flag and lists the allowed ones', () => {
      assert.deepEqual(problems('get -x /a'), [['Unknown flag "-x" for get; use -s and -w.', r(0, 4, 6), E]]);
      assert.equal(one('ls -q /').message, 'Unknown flag "-q" for ls; use -s, -w and -R.');
    });

    it('hints at quoting data that starts with "-"', () => {
      assert.equal(one('set /a x -q').message, 'Unknown flag "-q" for set; use -s and -v. To pass data that starts with "-", quote it.');
    });

    it('says when a command takes no flags', () => {
      assert.deepEqual(problems('whoami -s'), [['whoami takes no flags.', r(0, 7, 9), E]]);
    });

    it('suggests writing grouped flags separately', () => {
      assert.equal(one('create -se /a').message, 'Unknown flag "-se" for create; write the flags separately: -s -e.');
      assert.match(one('create -st /a').message, /^Unknown flag "-st" for create; use/);
    });

    it('reports a duplicate flag on its second use', () => {
      assert.deepEqual(problems('get -s -s /a'), [['Flag -s is given twice.', r(0, 7, 9), E]]);
    });

    it('reports conflicting create flags on the later one', () => {
      assert.deepEqual(problems('create -e -c /a'), [['-c (container) cannot be combined with -e (ephemeral).', r(0, 10, 12), E]]);
      assert.deepEqual(problems('create -c -e /a'), [['-c (container) cannot be combined with -e (ephemeral).', r(0, 10, 12), E]]);
      assert.equal(one('create -c -s /a').message, '-c (container) cannot be combined with -s (sequential).');
      assert.deepEqual(problems('create -t 10 -c /a'), [['-c (container) cannot be combined with -t (TTL).', r(0, 13, 15), E]]);
      assert.deepEqual(problems('create -e /a -t 100'), [['-t (TTL) cannot be combined with -e (ephemeral); a TTL node is persistent.', r(0, 13, 15), E]]);
      assert.equal(diagnose('create -e -c -s -t 5 /a').length, 3, 'one diagnostic per conflicting flag');
      clean('create -e -s /a');
      clean('create -s -t 5 /a');
    });

    it('reports exclusive removewatches flags', () => {
      assert.deepEqual(problems('removewatches /a -c -d'), [['Give only one of -c, -d and -a.', r(0, 20, 22), E]]);
      assert.equal(diagnose('removewatches /a -c -d -a').length, 2, 'one diagnostic per extra flag');
    });

    it('reports a flag without its value', () => {
      assert.deepEqual(problems('create /a -t'), [['-t needs a TTL in milliseconds.', r(0, 10, 12), E]]);
      assert.deepEqual(problems('create -t /a'), [['-t needs a TTL in milliseconds.', r(0, 7, 9), E]]);
      assert.equal(one('delete /a -v').message, '-v needs a version number (-1 for any version).');
      assert.equal(one('addWatch -m /a').message, '-m needs a watch mode: PERSISTENT or PERSISTENT_RECURSIVE.');
      assert.equal(one('deleteall /a -b').message, '-b needs a batch size.');
    });

    it('checks TTLs', () => {
      assert.deepEqual(problems('create -t 0 /a'), [['TTL "0" is not valid; use a positive whole number of milliseconds.', r(0, 10, 11), E]]);
      assert.equal(one('create -t abc /a').message, 'TTL "abc" is not valid; use a positive whole number of milliseconds.');
      assert.equal(one('create -t -5 /a').message, 'TTL "-5" is not valid; use a positive whole number of milliseconds.');
      assert.equal(one('create -t 1099511627776 /a').message, "TTL 1099511627776 is over ZooKeeper's maximum of 1099511627775 ms.");
      clean('create -t 1099511627775 /a');
      clean('create -t "1000" /a');
    });

    it('checks versions: -1, or 0 to 2^31-1', () => {
      for (const version of ['-1', '0', '7', '2147483647']) clean(`set -v ${version} /a x`);
      for (const version of ['-2', '2147483648', '1.5', 'x', '99999999999999999999']) {
        const d = one(`delete -v ${version} /a`);
        assert.equal(d.message, `Version "${version}" is not valid; use -1 (any version) or a whole number from 0 to 2147483647.`);
        assert.deepEqual(d.range, r(0, 10, 10 + version.length));
      }
    });

    it('checks batch sizes', () => {
      assert.deepEqual(problems('deleteall /a -b 0'), [['Batch size "0" is not valid; use a whole number from 1 to 2147483647.', r(0, 16, 17), E]]);
    });

    it('checks watch modes, in any case', () => {
      assert.deepEqual(problems('addWatch -m FOO /a'), [['Watch mode "FOO" is not valid; use PERSISTENT or PERSISTENT_RECURSIVE.', r(0, 12, 15), E]]);
      clean('addWatch -m Persistent_Recursive /a');
    });
  });

  describe('arguments', () => {
    it('reports missing arguments on the command, with its syntax', () => {
      assert.deepEqual(problems('create'), [['Missing path for create. Syntax: create [-s] [-e] [-c] [-t ttl] path [data] [acl]', r(0, 0, 6), E]]);
      assert.deepEqual(problems('set -s /a'), [['Missing data for set. Syntax: set [-s] [-v version] path data', r(0, 0, 9), E]]);
      assert.equal(one('set').message, 'Missing path and data for set. Syntax: set [-s] [-v version] path data');
      assert.equal(one('addauth').message, 'Missing scheme and auth for addauth. Syntax: addauth scheme auth');
      assert.equal(one('setAcl /a').message, 'Missing acl for setAcl. Syntax: setAcl [-s] [-v version] [-R] path acl');
    });

    it('reports extra arguments over their whole span', () => {
      assert.deepEqual(problems('get /a /b'), [['Too many arguments for get. Syntax: get [-s] [-w] path', r(0, 7, 9), E]]);
      assert.deepEqual(problems('set /a hello big world'), [['Too many arguments for set. Quote data that contains spaces. Syntax: set [-s] [-v version] path data', r(0, 13, 22), E]]);
      assert.deepEqual(problems('whoami x y'), [['whoami takes no arguments.', r(0, 7, 10), E]]);
    });

    it('reports invalid paths with the validatePath message', () => {
      assert.deepEqual(problems('get a/b'), [['Znode path "a/b" must start with "/".', r(0, 4, 7), E]]);
      assert.deepEqual(problems('ls /a//b'), [[validatePath('/a//b') ?? '', r(0, 3, 8), E]]);
      assert.equal(one('create /a/').message, validatePath('/a/'));
      assert.equal(one('getEphemerals /a/../b').code, 'invalid-path');
      assert.equal(one('get "/a\\u0001"').message, validatePath('/a\u0001'));
    });

    it('allows a sequential create to end with "/"', () => {
      clean('create -s /a/');
      clean('create -s /');
    });

    it('accepts quoted paths with spaces', () => {
      clean('get "/a b"');
    });
  });

  describe('ACLs', () => {
    it('requires scheme:id:perms', () => {
      assert.deepEqual(problems('setAcl /a world:anyone'), [['ACL entry "world:anyone" must be scheme:id:perms, e.g. world:anyone:cdrwa.', r(0, 10, 22), E]]);
    });

    it('points into the entry that is wrong', () => {
      assert.deepEqual(problems('setAcl /a world:anyone:r,foo:bar:r'), [['Unknown ACL scheme "foo"; use world, auth, digest, ip, x509 or sasl.', r(0, 25, 28), E]]);
      assert.deepEqual(problems('setAcl /a world:anyone:rx'), [['Permissions "rx" must be letters from crwda (create, read, write, delete, admin).', r(0, 23, 25), E]]);
      assert.deepEqual(problems('setAcl /a world:anyone:'), [['ACL entry "world:anyone:" has no permissions; add letters from crwda.', r(0, 22, 23), E]]);
      assert.deepEqual(problems('setAcl /a world:bob:r'), [['The world scheme has one id, "anyone".', r(0, 16, 19), E]]);
      assert.deepEqual(problems('setAcl /a world:anyone:r,,auth::cdrwa'), [['Empty ACL entry; remove the extra ",".', r(0, 24, 26), E]]);
    });

    it('checks ip ids, CIDR ranges and IPv6 included', () => {
      clean('setAcl /a ip:10.1.2.3:r,ip:10.0.0.0/8:r,ip:2001:db8::/32:r,ip:::1:cdrwa');
      assert.deepEqual(problems('setAcl /a ip:10.0.0.0/33:r'), [['"10.0.0.0/33" is not an IP address or a CIDR range such as 10.0.0.0/8.', r(0, 13, 24), E]]);
      assert.equal(one('setAcl /a ip:host.example:r').code, 'invalid-acl');
      assert.equal(one('setAcl /a ip:300.1.1.1:r').code, 'invalid-acl');
    });

    it('handles the colon inside a digest id', () => {
      const id = digestId('bob', 'secret');
      clean(`setAcl /a digest:${id}:cdrwa`);
      assert.deepEqual(problems('setAcl /a digest:bob:r'), [['ACL entry "digest:bob:r" must be digest:user:hash:perms, where hash is base64(sha1("user:password")).', r(0, 10, 22), E]]);
    });

    it('warns about a password where the digest hash belongs', () => {
      assert.deepEqual(problems('setAcl /a digest:bob:secret:cdrwa'), [
        ['This does not look like a digest: the id is user:base64(sha1("user:password")), not the password itself.', r(0, 17, 27), W],
      ]);
    });

    it('needs an id for x509 and sasl', () => {
      assert.equal(one('setAcl /a sasl::r').message, 'The sasl scheme needs an id.');
    });

    it('points at the whole token when the ACL is quoted', () => {
      assert.deepEqual(one('setAcl /a "world:anyone:x"').range, r(0, 10, 26));
      assert.equal(one('setAcl /a ""').message, 'The ACL is empty; write scheme:id:perms, e.g. world:anyone:cdrwa.');
    });

    it('checks the optional ACL of create', () => {
      assert.equal(one('create /a data world:anyone:q').code, 'invalid-acl');
    });
  });

  describe('quotes, auth and the directive', () => {
    it('reports an unterminated quote', () => {
      assert.deepEqual(problems('set /a "abc'), [['Unterminated string: add the closing ".', r(0, 7, 11), E]]);
    });

    it('checks digest credentials of addauth', () => {
      assert.deepEqual(problems('addauth digest bob'), [['Digest credentials are user:password.', r(0, 15, 18), E]]);
      clean('addauth sasl anything');
    });

    it('wants a name after "# connection:"', () => {
      assert.deepEqual(problems('# connection:  '), [['Name the connection after "# connection:".', r(0, 0, 15), E]]);
    });

    it('warns about a directive below the first line', () => {
      assert.deepEqual(problems('get /a\n  # connection: prod'), [['The connection directive only counts on the first line.', r(1, 0, 20), W]]);
    });

    it('reports on the right line of a CRLF document', () => {
      assert.deepEqual(problems('get /a\r\n\r\ncrate /b\r\n'), [['Unknown command "crate"; did you mean "create"?', r(2, 0, 5), E]]);
    });

    it('takes a parsed script as well as text', () => {
      assert.deepEqual(diagnose(parseScript('crate /a')), diagnose('crate /a'));
    });
  });
});
