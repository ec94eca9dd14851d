import assert from 'node:assert/strict';
import { COMMANDS, findCommand, isDestructive } from '../../../../src/server/script/commands';
import { parseScript } from '../../../../src/server/script/parser';
import { editDistance, suggestCommand } from '../../../../src/server/script/suggest';

function parsed(text: string) {
  return parseScript(text).commands[0];
}

describe('server/script/commands', () => {
  it('has zkCli 3.8 commands, each named once', () => {
    const names = COMMANDS.map((c) => c.name);
    assert.deepEqual(names, [
      'create', 'set', 'get', 'ls', 'stat', 'delete', 'deleteall', 'getAcl', 'setAcl', 'addauth',
      'addWatch', 'removewatches', 'sync', 'getEphemerals', 'getAllChildrenNumber', 'whoami', 'config', 'version',
    ]);
  });

  for (const spec of COMMANDS) {
    it(`describes ${spec.name} consistently`, () => {
      assert.ok(spec.syntax.startsWith(spec.name), 'syntax starts with the name');
      for (const flag of spec.flags) {
        assert.ok(spec.syntax.includes(flag.flag), `syntax shows ${flag.flag}`);
        assert.equal(flag.value !== undefined, flag.valueDoc !== undefined, `${flag.flag} documents its value`);
      }
      for (const arg of spec.args) assert.ok(spec.syntax.includes(arg.name), `syntax shows ${arg.name}`);
      for (const conflict of spec.conflicts) for (const f of conflict.flags) assert.ok(spec.flags.some((x) => x.flag === f), `conflict names ${f}`);
      assert.ok(!spec.destructive || spec.writes, 'destructive commands write');
      assert.ok(spec.doc.length > 0);
    });
  }

  it('knows which paths must exist', () => {
    const rules = Object.fromEntries(COMMANDS.map((c) => [c.name, c.args.find((a) => a.kind === 'path')?.pathRule]));
    assert.equal(rules.create, 'parentExists');
    for (const name of ['get', 'set', 'ls', 'stat', 'delete', 'deleteall', 'getAcl', 'setAcl', 'getAllChildrenNumber']) assert.equal(rules[name], 'exists', name);
    for (const name of ['addWatch', 'removewatches', 'sync', 'getEphemerals']) assert.equal(rules[name], undefined, name);
  });

  it('finds commands case-sensitively', () => {
    assert.equal(findCommand('getAcl')?.name, 'getAcl');
    assert.equal(findCommand('getacl'), undefined);
    assert.equal(findCommand('toString'), undefined);
  });

  it('tells destructive commands', () => {
    assert.equal(isDestructive(parsed('delete /a')), true);
    assert.equal(isDestructive(parsed('deleteall /a')), true);
    assert.equal(isDestructive(parsed('setAcl -R /a world:anyone:r')), true);
    assert.equal(isDestructive(parsed('setAcl /a world:anyone:r')), false);
    assert.equal(isDestructive(parsed('set /a x')), false);
    assert.equal(isDestructive(parsed('frob /a')), false);
  });

  describe('suggestions', () => {
    it('measures edits, counting a swap as one', () => {
      assert.equal(editDistance('', ''), 0);
      assert.equal(editDistance('abc', ''), 3);
      assert.equal(editDistance('crate', 'create'), 1);
      assert.equal(editDistance('gte', 'get'), 1);
      assert.equal(editDistance('kitten', 'sitting'), 3);
    });

    const cases: [string, string | undefined][] = [
      ['crate', 'create'],
      ['getacl', 'getAcl'],
      ['GETACL', 'getAcl'],
      ['setacl', 'setAcl'],
      ['gte', 'get'],
      ['lss', 'ls'],
      ['deletall', 'deleteall'],
      ['addwatch', 'addWatch'],
      ['removewatch', 'removewatches'],
      ['getallchildrennumber', 'getAllChildrenNumber'],
      ['xyz', undefined],
      ['banana', undefined],
      ['x'.repeat(100_000), undefined],
    ];
    for (const [typed, expected] of cases) {
      it(`${typed.length > 30 ? 'a huge name' : typed} → ${String(expected)}`, () => assert.equal(suggestCommand(typed), expected));
    }
  });
});
