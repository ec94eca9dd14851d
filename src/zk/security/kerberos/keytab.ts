import type { EncryptionKey } from './messages';

/**
 * MIT keytab files (version 0x0502, and the older 0x0501 with the realm counted among the
 * components), read only. Each entry: principal, timestamp, key version, key.
 */

export interface KeytabEntry {
  principal: string;
  realm: string;
  components: string[];
  nameType: number;
  timestamp: number;
  kvno: number;
  key: EncryptionKey;
}

export class KeytabFormatError extends Error {
  override readonly name = 'KeytabFormatError';
}

class Reader {
  offset = 0;
  constructor(
    private readonly buffer: Buffer,
    private readonly end: number,
  ) {}
  need(count: number): void {
    if (this.offset + count > this.end) throw new KeytabFormatError('the keytab entry is truncated');
  }
  u8(): number {
    this.need(1);
    return this.buffer[this.offset++];
  }
  u16(): number {
    this.need(2);
    const value = this.buffer.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }
  u32(): number {
    this.need(4);
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  bytes(count: number): Buffer {
    this.need(count);
    const value = this.buffer.subarray(this.offset, this.offset + count);
    this.offset += count;
    return value;
  }
  remaining(): number {
    return this.end - this.offset;
  }
}

export function parseKeytab(data: Buffer): KeytabEntry[] {
  if (data.length < 2 || data[0] !== 0x05 || (data[1] !== 0x02 && data[1] !== 0x01)) throw new KeytabFormatError('this is not a keytab (version 0x0502 expected)');
  const v1 = data[1] === 0x01;
  const entries: KeytabEntry[] = [];
  let offset = 2;
  while (offset + 4 <= data.length) {
    const size = data.readInt32BE(offset);
    offset += 4;
    if (size === 0) break;
    if (size < 0) {
      offset += -size; // a hole left by a deleted entry
      continue;
    }
    if (offset + size > data.length) throw new KeytabFormatError('a keytab entry runs past the end of the file');
    const reader = new Reader(data, offset + size);
    reader.offset = offset;
    let count = reader.u16();
    if (v1) count -= 1;
    const realm = reader.bytes(reader.u16()).toString('utf8');
    const components: string[] = [];
    for (let i = 0; i < count; i++) components.push(reader.bytes(reader.u16()).toString('utf8'));
    const nameType = v1 ? 1 : reader.u32();
    const timestamp = reader.u32();
    let kvno = reader.u8();
    const etype = reader.u16();
    const key = Buffer.from(reader.bytes(reader.u16()));
    // A 32-bit key version follows in newer files; when present and non-zero it wins over the 8-bit one.
    if (reader.remaining() >= 4) {
      const kvno32 = reader.u32();
      if (kvno32 !== 0) kvno = kvno32;
    }
    entries.push({ principal: `${components.join('/')}@${realm}`, realm, components, nameType, timestamp, kvno, key: { etype, value: key } });
    offset += size;
  }
  return entries;
}
