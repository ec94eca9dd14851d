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
    // Cut inside a length, and right after the count.
    assert.throws(() => new JuteReader(body.subarray(0, 4 + 4 + 5 + 2)).strings(), /Truncated ZooKeeper reply/);
    assert.throws(() => new JuteReader(body.subarray(0, 4)).strings(), /Truncated ZooKeeper reply/);
  });

  it('refuses a count the reply cannot hold (each name takes at least its length) before sizing an array for it', () => {
    const body = new JuteWriter().int(0x7fffffff).int(3).toBuffer();
    assert.throws(() => new JuteReader(Buffer.concat([body, Buffer.from('abc')])).strings(), /Truncated ZooKeeper reply/);
  });

  it('refuses a name whose length runs past the reply, even when later bytes would fill it', () => {
    const body = new JuteWriter().int(2).int(5).toBuffer();
    // "ab", then a second entry that is not there: the first length (5) swallows it.
    assert.throws(() => new JuteReader(Buffer.concat([body, Buffer.from('ab'), new JuteWriter().int(1).toBuffer()])).strings(), /Truncated ZooKeeper reply/);
  });

  it('decodes names whose length bytes are not ASCII (128 bytes and more), across stretches, and invalid UTF-8 as utf8 does', () => {
    const long = 'L'.repeat(200); // its length 0x000000c8: a non-ASCII byte inside an all-ASCII stretch
    const names = Array.from({ length: 3000 }, (_, i) => (i % 500 === 7 ? long + i : i % 700 === 3 ? `名字-${i}` : `n-${i}`));
    const body = vectorOf(names);
    assert.deepEqual(new JuteReader(body).strings(), names);
    // Bytes that are no UTF-8 (0xff): U+FFFD, as string() gives them.
    const invalid = Buffer.concat([new JuteWriter().int(2).int(3).toBuffer(), Buffer.from([0x61, 0xff, 0x62]), new JuteWriter().string('ok').toBuffer()]);
    const perEntry = new JuteReader(invalid);
    assert.deepEqual(
      new JuteReader(invalid).strings(),
      perEntry.vector(() => perEntry.string() ?? ''),
    );
    assert.deepEqual(new JuteReader(invalid).strings(), ['a\ufffdb', 'ok']);
  });

  it('reads an empty vector and a null one (count -1) as no names', () => {
    assert.deepEqual(new JuteReader(new JuteWriter().int(0).toBuffer()).strings(), []);
    assert.deepEqual(new JuteReader(new JuteWriter().int(-1).toBuffer()).strings(), []);
  });
});
