import * as assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { digestId, Perm } from '../../../src/zk/acl';
import { ZkClient } from '../../../src/zk/client';
import { describeZkError, isZkError, ZkError, type ClientErrorCode } from '../../../src/zk/errors';
import { ErrorCodeName, errorCodeName } from '../../../src/zk/wire/protocol';
import { sharedZooKeeper, zookeeper, type ZooKeeperServer } from '../../support/zookeeper';

/** Every ClientErrorCode; a Record so that the compiler flags one added to errors.ts but missing here. */
const CLIENT_CODES: Record<ClientErrorCode, true> = { DATATOOLARGE: true, CLOSED: true, CANCELLED: true, INVALIDPATH: true, INVALIDARGUMENT: true, CONNECTFAILED: true };

/** KeeperException names (OK is no error) and the client's own codes. */
const ALL_CODES = [...Object.values(ErrorCodeName).filter((name) => name !== 'OK'), ...Object.keys(CLIENT_CODES)];

/**
 * Codes whose sentence does not meet the rules yet, and why (src/zk/errors.ts). Their tests are
 * reported as pending; once a sentence is fixed its test passes, and the last test below asks for
 * the entry to be removed.
 */
const KNOWN_GAPS: Readonly<Record<string, string>> = {};

const OPERATION = 'read';
const PATH = '/app/config';

/** What is wrong with the sentence for `code`; empty when it meets every rule. */
function sentenceProblems(code: string, operation: string, path: string | undefined): string[] {
  const message = describeZkError(code, operation, path, {});
  const problems: string[] = [];
  if (!message.includes(operation)) problems.push(`does not name the operation "${operation}"`);
  if (path !== undefined && !message.includes(`"${path}"`)) problems.push(`does not name the path "${path}"`);
  if (!message.endsWith('.')) problems.push('does not end with a period');
  if (!/^[A-Z]/.test(message)) problems.push('does not start with a capital letter');
  const explanation = message
    .replace(`Could not ${operation}${path ? ` "${path}"` : ''}:`, '')
    .replace(code, '')
    .replace(/ZooKeeper error\s*\.?/, '')
    .trim();
  // The fallback "ZooKeeper error CODE." explains nothing; a word like "cancelled." is enough.
  if (!/[a-z]/.test(explanation)) problems.push('is just the code');
  if (/\b(NaN|undefined|null)\b|\[object /.test(message)) problems.push('shows a missing value');
  return problems.map((p) => `${p}: ${message}`);
}

describe('zk/errors', () => {
  describe('describeZkError: one sentence for every code', () => {
    it('covers every KeeperException code name of the wire protocol and every client code', () => {
      assert.ok(ALL_CODES.length >= 37, `${ALL_CODES.length} codes`);
      assert.equal(new Set(ALL_CODES).size, ALL_CODES.length, 'no code listed twice');
    });

    for (const code of ALL_CODES) {
      it(`${code}: names the operation and path, explains more than the code, ends with a period`, function () {
        const problems = sentenceProblems(code, OPERATION, PATH);
        if (problems.length > 0 && KNOWN_GAPS[code]) this.skip();
        assert.deepEqual(problems, []);
      });
    }

    it('without a path the sentence still names the operation and ends with a period', () => {
      for (const code of ALL_CODES) {
        if (KNOWN_GAPS[code]) continue;
        assert.deepEqual(sentenceProblems(code, 'run the batch', undefined), [], code);
        assert.doesNotMatch(describeZkError(code, 'run the batch', undefined), /""/, code);
      }
    });

    it('an unknown numeric code becomes UNKNOWN(n) and still a sentence', () => {
      const error = ZkError.fromCode(-999, 'read', '/x');
      assert.equal(error.code, 'UNKNOWN(-999)');
      assert.equal(errorCodeName(-999), 'UNKNOWN(-999)');
      assert.equal(error.message, 'Could not read "/x": ZooKeeper error UNKNOWN(-999).');
    });

    it('fromCode maps every wire code to its name, and the message is describeZkError\'s', () => {
      for (const [number, name] of Object.entries(ErrorCodeName)) {
        if (name === 'OK') continue;
        const details = { dataLength: 12, expectedVersion: 3 };
        const error = ZkError.fromCode(Number(number), 'save', '/app/config', details);
        assert.equal(error.code, name);
        assert.equal(error.name, 'ZkError');
        assert.equal(error.operation, 'save');
        assert.equal(error.path, '/app/config');
        assert.deepEqual(error.details, details);
        assert.equal(error.message, describeZkError(name, 'save', '/app/config', details));
        assert.ok(isZkError(error, name) && isZkError(error) && !isZkError(error, 'SOMETHINGELSE'));
      }
    });

    it('the known gaps are still gaps (remove an entry from KNOWN_GAPS once its sentence is fixed)', () => {
      const fixed = Object.keys(KNOWN_GAPS).filter((code) => sentenceProblems(code, OPERATION, PATH).length === 0);
      assert.deepEqual(fixed, []);
    });
  });

  describe('exact messages', () => {
    const cases: [code: string, operation: string, path: string | undefined, details: Record<string, unknown>, message: string][] = [
      ['NONODE', 'read', '/app/config', {}, 'Could not read "/app/config": the node does not exist (it may have been deleted by another client). Refresh the tree.'],
      ['NONODE', 'create', '/app/a/b', {}, 'Could not create "/app/a/b": its parent does not exist. Create the parent first.'],
      ['NODEEXISTS', 'create', '/app', {}, 'Could not create "/app": a node with that path already exists. Choose another name, or open the existing node.'],
      ['BADVERSION', 'save', '/app/config', { expectedVersion: 3 }, 'Could not save "/app/config": the node was changed by another client since it was read (expected version 3). Reload it and apply your change again.'],
      ['NOTEMPTY', 'delete', '/app', {}, 'Could not delete "/app": it still has children. Delete them first, or delete the whole subtree.'],
      [
        'DATATOOLARGE',
        'save',
        '/big',
        { size: 5000, limit: 4096 },
        "Could not save \"/big\": the data is 4.9 KiB (5000 bytes), over the server's limit of 4.0 KiB (4096 bytes) per request (jute.maxbuffer). Make the data smaller, or raise jute.maxbuffer on every server and client.",
      ],
      [
        'OPERATIONTIMEOUT',
        'read',
        '/',
        { timeoutMs: 800, state: 'suspended' },
        'Could not read "/": no answer from ZooKeeper within 800 ms (connection suspended). Check that the server is reachable; the request may still be applied when it comes back.',
      ],
      [
        'UNIMPLEMENTED',
        'create',
        '/ttl',
        { feature: 'ttl', ttl: 1000 },
        'Could not create "/ttl": this server does not support TTL nodes. Enable them with extendedTypesEnabled=true in zoo.cfg (ZooKeeper 3.5.3 or newer) and restart the server.',
      ],
      [
        'UNIMPLEMENTED',
        'ask the server who this session is',
        undefined,
        { feature: 'whoAmI', minVersion: '3.7' },
        'Could not ask the server who this session is: this server does not support whoAmI; it needs ZooKeeper 3.7 or newer.',
      ],
      ['CANCELLED', 'list the subtree of', '/big', {}, 'Could not list the subtree of "/big": cancelled.'],
      ['CLOSED', 'read', '/a', {}, 'Could not read "/a": the connection is closed. Connect again first.'],
      ['CONNECTFAILED', 'connect', undefined, { reason: 'No server answered.' }, 'No server answered.'],
    ];
    for (const [code, operation, path, details, message] of cases) {
      it(`${code} ${operation} ${path ?? '(no path)'}`, () => {
        assert.equal(describeZkError(code, operation, path, details), message);
        assert.equal(new ZkError(code, operation, path, undefined, details).message, message);
      });
    }

    it('an explicit message wins over the translation', () => {
      const error = new ZkError('INVALIDPATH', 'create', 'x', 'Znode path "x" must start with "/".');
      assert.equal(error.message, 'Znode path "x" must start with "/".');
      assert.equal(error.code, 'INVALIDPATH');
    });
  });

  describe('credentials never appear in errors (real ZooKeeper)', function () {
    this.timeout(60000);
    const user = 'alice';
    const password = 'Pa55-w0rd-never-shown';
    const hash = digestId(user, password).slice(user.length + 1);
    const secretData = 'TOP-SECRET-PAYLOAD';
    let server: ZooKeeperServer;
    let owner: ZkClient;
    let stranger: ZkClient;
    let base: string;

    /** Everything a log line or a notification could show of an error. */
    const everything = (error: unknown): string => {
      assert.ok(error instanceof ZkError, String(error));
      return [error.message, error.stack ?? '', inspect(error, { depth: 10 }), inspect(error.details, { depth: 10 }), String(error)].join('\n');
    };
    const assertClean = (error: unknown): void => {
      const text = everything(error);
      assert.ok(!text.includes(password), `the password appears in: ${text}`);
      assert.ok(!text.includes(hash), `the digest hash appears in: ${text}`);
      assert.ok(!text.includes(secretData), `the data appears in: ${text}`);
    };
    const failure = async (promise: Promise<unknown>): Promise<ZkError> => {
      try {
        await promise;
      } catch (error) {
        assert.ok(error instanceof ZkError, String(error));
        return error;
      }
      assert.fail('expected an error');
    };

    before(async () => {
      server = await sharedZooKeeper();
      base = `/errors-credentials-${Date.now()}`;
      owner = await ZkClient.connect({ connectString: server.connectString, digest: [{ user, password }] });
      stranger = await ZkClient.connect({ connectString: server.connectString, digest: [{ user: 'mallory', password }] });
      await owner.create(base);
      await owner.create(`${base}/guarded`, Buffer.from(secretData), { acl: [{ perms: Perm.all, id: { scheme: 'digest', id: digestId(user, password) } }] });
    });

    after(async () => {
      await owner.setACL(`${base}/guarded`, [{ perms: Perm.all, id: { scheme: 'world', id: 'anyone' } }]);
      await Promise.all([owner.close(), stranger.close()]);
    });

    it('NOAUTH on every kind of request of a client with other digest credentials', async () => {
      const path = `${base}/guarded`;
      const errors = [
        await failure(stranger.get(path)),
        await failure(stranger.set(path, Buffer.from(secretData))),
        await failure(stranger.set(path, Buffer.from(secretData), 0)),
        await failure(stranger.getChildren(path)),
        await failure(stranger.getACL(path)),
        await failure(stranger.setACL(path, [{ perms: Perm.all, id: { scheme: 'digest', id: digestId(user, password) } }])),
        await failure(stranger.create(`${path}/child`, Buffer.from(secretData))),
        await failure(stranger.multi([{ type: 'set', path, data: Buffer.from(secretData) }])),
      ];
      for (const error of errors) {
        assert.equal(error.code, 'NOAUTH', error.message);
        assert.match(error.message, /not authorized by the node's ACL/);
        assertClean(error);
      }
    });

    it('other failures of a client holding the credentials', async () => {
      const path = `${base}/guarded`;
      const errors = [
        await failure(owner.set(path, Buffer.from(secretData), 42)),
        await failure(owner.setACL(path, [{ perms: Perm.all, id: { scheme: 'digest', id: digestId(user, password) } }], 42)),
        await failure(owner.create(path, Buffer.from(secretData), { acl: [{ perms: Perm.all, id: { scheme: 'digest', id: digestId(user, password) } }] })),
        await failure(owner.set(path, Buffer.alloc(2 * 1024 * 1024, secretData))),
        await failure(
          owner.multi([
            { type: 'set', path, data: Buffer.from(secretData) },
            { type: 'check', path, version: 42 },
          ]),
        ),
      ];
      assert.deepEqual(
        errors.map((e) => e.code),
        ['BADVERSION', 'BADVERSION', 'NODEEXISTS', 'DATATOOLARGE', 'BADVERSION'],
      );
      for (const error of errors) assertClean(error);
    });

    it('a connection that fails, and one that was closed', async () => {
      const port = await zookeeper.freePort();
      const connectError = await failure(ZkClient.connect({ connectString: `127.0.0.1:${port}`, digest: [{ user, password }], connectTimeoutMs: 1000 }));
      assert.equal(connectError.code, 'CONNECTFAILED');
      assertClean(connectError);

      const closed = await ZkClient.connect({ connectString: server.connectString, digest: [{ user, password }] });
      await closed.close();
      const closedError = await failure(closed.get(`${base}/guarded`));
      assert.equal(closedError.code, 'CLOSED');
      assertClean(closedError);
    });
  });
});
