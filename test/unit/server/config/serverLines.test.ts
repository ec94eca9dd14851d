import assert from 'node:assert/strict';
import { diagnose } from '../../../../src/server/config/diagnostics';
import { parseServerValue } from '../../../../src/server/config/serverLine';
import { summarize } from './helpers';

/** Two good servers, so the line under test (server.3, on the last line) makes a three-server ensemble. */
const BASE = 'tickTime=2000\ndataDir=/data\nclientPort=2181\ninitLimit=10\nsyncLimit=5\nserver.1=zk1:2888:3888\nserver.2=zk2:2888:3888\n';

/** Diagnostics on the tested line only, as `severity code from-to`. */
function lineIssues(line: string, base = BASE): string[] {
  const last = base.split('\n').length - 1;
  return diagnose(base + line)
    .filter((d) => d.range.start.line === last)
    .map((d) => summarize(d).replace(`${last}:`, ''));
}

describe('server/config server lines', () => {
  describe('valid forms', () => {
    const valid = [
      'zk3:2888:3888',
      'zk3:2888:3888:participant',
      'zk3:2888:3888:PARTICIPANT',
      'zk3:2888:3888:participant  ',
      'zk3:2888:3888;2181',
      'zk3:2888:3888;0.0.0.0:2181',
      'zk3:2888:3888:participant;zk3:2181',
      'zk3:2888:3888;',
      'zk3:+2888:3888',
      '10.0.0.3:2888:3888',
      '[::1]:2888:3888',
      '[2001:db8::3]:2888:3888:participant;[2001:db8::3]:2181',
    ];
    for (const value of valid) {
      it(`accepts server.3=${value}`, () => {
        assert.deepEqual(lineIssues(`server.3=${value}`), []);
      });
    }

    it('accepts several addresses with multiAddress.enabled=true', () => {
      assert.deepEqual(lineIssues('server.3=zk3a:2888:3888|zk3b:2889:3889', `multiAddress.enabled=true\n${BASE}`), []);
      assert.deepEqual(lineIssues('server.3=zk3a:2888:3888|zk3b:2889:3889'), ['error multi-address 9-38']);
    });
  });

  describe('malformed lines', () => {
    const cases: [value: string, expected: string[]][] = [
      ['', ['error server-format 0-8']],
      ['zk3', ['error server-format 9-12']],
      ['zk3:2888', ['error server-format 9-17']],
      ['zk3:2888:', ['error server-format 9-18']],
      ['zk3:2888:3888:participant:x', ['error server-format 9-36']],
      ['zk3:abc:3888', ['error server-port 13-16']],
      ['zk3::3888', ['error server-port 13-14']],
      ['zk3:2888:3888 ', ['error trailing-whitespace 22-23']],
      ['zk3:2888:3888;2181\t ', ['error trailing-whitespace 27-29']],
      ['zk3: 2888:3888', ['error server-port 13-18']],
      ['zk3:70000:3888', ['error port-range 13-18']],
      ['zk3:0:3888', ['error port-range 13-14']],
      ['zk3:2888:2888', ['error same-port 18-22']],
      ['zk3:2888:3888:leader', ['error server-role 23-29']],
      ['zk3:2888:3888;a:b:2181', ['error server-format 23-31']],
      ['zk3:2888:3888;zk3:x', ['error server-port 27-28']],
      ['zk3:2888:3888;2181;2182', ['error server-format 9-32']],
      ['2001:db8::3:2888:3888', ['error server-format 9-30']],
      ['[2001:db8::3:2888:3888', ['error server-format 9-31']],
      ['[2001:db8::3]2888:3888', ['error server-format 9-31']],
      ['[2001:db8::3]:', ['error server-format 9-23']],
      ['[::1]', ['error server-format 9-14']],
      ['zk3a:2888:3888|zk3b:2889:3889', ['error multi-address 9-38']],
    ];
    for (const [value, expected] of cases) {
      it(`reports server.3=${JSON.stringify(value)}`, () => {
        assert.deepEqual(lineIssues(`server.3=${value}`), expected);
      });
    }

    it('explains the brackets an IPv6 address needs', () => {
      const [d] = diagnose(`${BASE}server.3=2001:db8::3:2888:3888`).filter((x) => x.code === 'server-format');
      assert.equal(d.message, 'An IPv6 address needs brackets, as in [2001:db8::3]:2888:3888.');
    });

    it('explains that ZooKeeper does not trim server lines', () => {
      const [d] = diagnose(`${BASE}server.3=zk3:2888:3888 `).filter((x) => x.code === 'trailing-whitespace');
      assert.match(d.message, /Trailing whitespace after port 3888: ZooKeeper does not trim server lines/);
      assert.deepEqual(d.data, { fix: { title: 'Remove the trailing whitespace', newText: '' } });
    });

    it('requires one role for all addresses of a server', () => {
      const base = `multiAddress.enabled=true\n${BASE}`;
      const issues = diagnose(`${base}server.3=zk3a:2888:3888:participant|zk3b:2889:3889:observer`).filter((d) => d.code === 'server-role');
      assert.equal(issues.length, 1);
      assert.match(issues[0].message, /same role \(participant and observer\)/);
    });

    it('rejects ids that are not numbers, and warns about ids outside 1–255', () => {
      assert.deepEqual(lineIssues('server.abc=zk3:2888:3888'), ['error server-id 0-10']);
      assert.deepEqual(lineIssues('server.-3=zk3:2888:3888'), ['warning server-id 0-9']);
      assert.deepEqual(lineIssues('server.0=zk3:2888:3888'), ['warning server-id 0-8']);
      assert.deepEqual(lineIssues('server.256=zk3:2888:3888'), ['warning server-id 0-10']);
      assert.deepEqual(lineIssues('server.255=zk3:2888:3888'), []);
      assert.deepEqual(lineIssues('server.255=zk3:2888:3888', `extendedTypesEnabled=true\n${BASE}`), ['warning server-id 0-10']);
    });
  });

  describe('parseServerValue', () => {
    it('splits addresses, ports, role and client address', () => {
      const line = parseServerValue('[::1]:2888:3888:observer;127.0.0.1:2181', false);
      assert.deepEqual(line.issues, []);
      assert.equal(line.role, 'observer');
      assert.deepEqual(
        line.addresses.map((a) => [a.host.text, a.quorum?.port, a.election?.port]),
        [['::1', 2888, 3888]],
      );
      assert.equal(line.client?.host?.text, '127.0.0.1');
      assert.equal(line.client?.port?.port, 2181);
    });

    it('defaults to a participant without a client address', () => {
      const line = parseServerValue('zk1:2888:3888', false);
      assert.equal(line.role, 'participant');
      assert.equal(line.client, undefined);
    });
  });
});
