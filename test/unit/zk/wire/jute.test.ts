import assert from 'node:assert/strict';
import { JuteReader, JuteWriter } from '../../../../src/zk/wire/jute';

/** A reply body as ZooKeeper sends a vector of strings (a count, then each length and its UTF-8 bytes; -1 for null), with `tail` after it. */
function vectorOf(names: readonly (string | null)[], tail: Buffer = Buffer.alloc(0)): Buffer {
  const writer = new JuteWriter().int(names.length);
  for (const name of names) writer.string(name);
  return Buffer.concat([writer.toBuffer(), tail]);
}

describe('wire: JuteReader.strings', () => {
  it('decodes ASCII (one longer than a decoded stretch), non-ASCII, empty and null names in order, and leaves the reader after the vector', () => {
    const names = ['child-00001', 'zoë', '', null, '数据', 'a😀b', 'x'.repeat(40), 'y'.repeat(40000), 'plain'];
    const tail = Buffer.from(new JuteWriter().int(12345).toBuffer());
    const reader = new JuteReader(vectorOf(names, tail));
    assert.deepEqual(
      reader.strings(),
      names.map((n) => n ?? ''),
    );
    assert.equal(reader.int(), 12345);
    assert.equal(reader.remaining, 0);
  });

  it('gives the same names as one string() per entry for 10,000 names (with an offset, as in a frame)', () => {
    const names = Array.from({ length: 10000 }, (_, i) => (i % 97 === 0 ? `nœud-${i}` : `child-${String(i).padStart(5, '0')}`));
    const body = Buffer.concat([Buffer.from([1, 2, 3, 4, 5]), vectorOf(names)]);
    const one = new JuteReader(body, 5);
    const perEntry = new JuteReader(body, 5);
    assert.deepEqual(
      one.strings(),
      perEntry.vector(() => perEntry.string() ?? ''),
    );
    assert.equal(one.remaining, 0);
  });

  it('refuses a truncated vector', () => {
    const body = vectorOf(['alpha', 'beta']);
    assert.throws(() => new JuteReader(body.subarray(0, body.length - 1)).strings(), /Truncated ZooKeeper reply/);
  });

  it('reads an empty vector and a null one (count -1) as no names', () => {
    assert.deepEqual(new JuteReader(new JuteWriter().int(0).toBuffer()).strings(), []);
    assert.deepEqual(new JuteReader(new JuteWriter().int(-1).toBuffer()).strings(), []);
  });
});
