/** Jute (ZooKeeper's record serialization) primitives: big-endian ints, length-prefixed buffers and strings. */
import * as nodeBuffer from 'node:buffer';

export class JuteWriter {
  private buffer = Buffer.alloc(256);
  private offset = 0;

  private ensure(extra: number): void {
    if (this.offset + extra <= this.buffer.length) return;
    const next = Buffer.alloc(Math.max(this.buffer.length * 2, this.offset + extra));
    this.buffer.copy(next, 0, 0, this.offset);
    this.buffer = next;
  }

  int(value: number): this {
    this.ensure(4);
    this.buffer.writeInt32BE(value, this.offset);
    this.offset += 4;
    return this;
  }

  long(value: bigint | number): this {
    this.ensure(8);
    this.buffer.writeBigInt64BE(BigInt(value), this.offset);
    this.offset += 8;
    return this;
  }

  bool(value: boolean): this {
    this.ensure(1);
    this.buffer.writeUInt8(value ? 1 : 0, this.offset);
    this.offset += 1;
    return this;
  }

  /** A null buffer is written as length -1, which the server reads as null. */
  buffer_(value: Uint8Array | null | undefined): this {
    if (value == null) return this.int(-1);
    this.int(value.length);
    this.ensure(value.length);
    this.buffer.set(value, this.offset);
    this.offset += value.length;
    return this;
  }

  string(value: string | null | undefined): this {
    return this.buffer_(value == null ? null : Buffer.from(value, 'utf8'));
  }

  vector<T>(items: readonly T[] | null | undefined, write: (item: T) => void): this {
    if (items == null) return this.int(-1);
    this.int(items.length);
    for (const item of items) write(item);
    return this;
  }

  get length(): number {
    return this.offset;
  }

  toBuffer(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }
}

/** The bytes JuteReader.strings decodes at once: well below V8's large-object size (128 KB). */
const SEGMENT_BYTES = 16 * 1024;

/** Native where Node has it (18.15 and later); the loop is only for older ones. */
const nativeIsAscii: ((input: Uint8Array) => boolean) | undefined = (nodeBuffer as { isAscii?: (input: Uint8Array) => boolean }).isAscii;

function isAscii(buffer: Buffer, start: number, end: number): boolean {
  if (nativeIsAscii) return nativeIsAscii(buffer.subarray(start, end));
  for (let k = start; k < end; k++) if (buffer[k] > 0x7f) return false;
  return true;
}

export class JuteReader {
  constructor(
    private readonly buffer: Buffer,
    private offset = 0,
  ) {}

  private need(bytes: number): void {
    if (this.offset + bytes > this.buffer.length) {
      throw new RangeError(`Truncated ZooKeeper reply: needed ${bytes} bytes at offset ${this.offset} of ${this.buffer.length}.`);
    }
  }

  int(): number {
    this.need(4);
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  long(): bigint {
    this.need(8);
    const value = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  bool(): boolean {
    this.need(1);
    return this.buffer.readUInt8(this.offset++) !== 0;
  }

  buffer_(): Buffer | null {
    const length = this.int();
    if (length < 0) return null;
    this.need(length);
    const value = Buffer.from(this.buffer.subarray(this.offset, this.offset + length));
    this.offset += length;
    return value;
  }

  string(): string | null {
    const length = this.int();
    if (length < 0) return null;
    this.need(length);
    // Decoded straight from the reply: a listing of 50,000 names would otherwise copy each one first.
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /**
   * A vector of strings (null entries as ''), e.g. a listing's names. Plain ASCII names are cut
   * from one latin1 decode of a stretch of the vector (byte offsets are then character offsets)
   * instead of one native utf8 decode per name: 10,000 names decode in a third of the time. The
   * stretches are kept small (SEGMENT_BYTES), so they stay young-generation strings that die young,
   * as per-name strings do. Whether a stretch is ASCII is asked natively (buffer.isAscii), not byte
   * by byte in JS: a per-byte loop is fast only once optimized, and the first listing of a session
   * (or the first after V8 dropped the optimized code) ran it in the interpreter, 150 KB of it for
   * 10,000 names: several milliseconds, slower than per-name decoding. A stretch that is not all
   * ASCII (a non-ASCII name, or a length of 128 bytes or more) is decoded name by name as utf8.
   * The lengths are checked first, so a truncated reply throws before anything is decoded.
   */
  strings(): string[] {
    const count = this.int();
    if (count <= 0) return [];
    const buffer = this.buffer;
    const first = this.offset;
    // Each entry is at least its 4-byte length: a count beyond that is a malformed reply, refused
    // before it sizes an array.
    if (count > (buffer.length - first) / 4) this.need(count * 4);
    for (let i = 0; i < count; i++) {
      const length = this.int();
      if (length > 0) {
        this.need(length);
        this.offset += length;
      }
    }
    const vectorEnd = this.offset;
    const items = new Array<string>(count);
    let segment = '';
    let segmentStart = 0;
    let segmentEnd = first;
    let ascii = false;
    let offset = first;
    for (let i = 0; i < count; i++) {
      const length = buffer.readInt32BE(offset);
      const start = offset + 4;
      if (length <= 0) {
        items[i] = '';
        offset = start;
        continue;
      }
      const end = start + length;
      if (end > segmentEnd) {
        segmentStart = start;
        segmentEnd = Math.min(vectorEnd, Math.max(end, start + SEGMENT_BYTES));
        ascii = isAscii(buffer, segmentStart, segmentEnd);
        segment = ascii ? buffer.toString('latin1', segmentStart, segmentEnd) : '';
      }
      items[i] = ascii ? segment.substring(start - segmentStart, end - segmentStart) : buffer.toString('utf8', start, end);
      offset = end;
    }
    return items;
  }

  vector<T>(read: () => T): T[] {
    const count = this.int();
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(read());
    return items;
  }

  get remaining(): number {
    return this.buffer.length - this.offset;
  }
}
