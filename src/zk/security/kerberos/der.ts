/**
 * A small ASN.1 DER codec, only what Kerberos (RFC 4120) needs: definite lengths, low tag numbers,
 * INTEGER, OCTET STRING, BIT STRING (32 flag bits), GeneralString, GeneralizedTime, SEQUENCE (OF),
 * context-specific and APPLICATION tags. Our own rather than an npm library: Kerberos uses a dozen
 * constructs, the code is a page, it is tested against bytes captured from a real MIT KDC, and the
 * bundle stays pure JS with no dependency to audit or keep up to date.
 */

export class DerError extends Error {
  override readonly name = 'DerError';
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  SEQUENCE: 0x30,
  GENERALIZED_TIME: 0x18,
  GENERAL_STRING: 0x1b,
} as const;

export interface Tlv {
  /** The identifier octet (class, constructed bit, tag number < 31). */
  tag: number;
  value: Buffer;
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}

export const sequence = (...items: (Buffer | undefined)[]): Buffer => tlv(TAG.SEQUENCE, Buffer.concat(items.filter((item): item is Buffer => item !== undefined)));
/** [n] EXPLICIT: context-specific, constructed. */
export const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner);
/** [APPLICATION n]: application class, constructed. */
export const application = (n: number, inner: Buffer): Buffer => tlv(0x60 | n, inner);
export const octets = (value: Buffer): Buffer => tlv(TAG.OCTET_STRING, value);
export const generalString = (value: string): Buffer => tlv(TAG.GENERAL_STRING, Buffer.from(value, 'utf8'));

/** INTEGER, minimal two's complement; Kerberos integers fit in 32 bits (signed or unsigned). */
export function integer(value: number): Buffer {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) throw new DerError(`integer out of range: ${value}`);
  const bytes: number[] = [];
  let rest = BigInt(value);
  for (;;) {
    bytes.unshift(Number(rest & 0xffn));
    rest >>= 8n;
    const sign = bytes[0] & 0x80;
    if ((rest === 0n && !sign) || (rest === -1n && sign)) break;
  }
  return tlv(TAG.INTEGER, Buffer.from(bytes));
}

/** KerberosFlags: a BIT STRING of 32 bits (bit 0 is the most significant). */
export function flags(value: number): Buffer {
  const content = Buffer.alloc(5);
  content.writeUInt32BE(value >>> 0, 1);
  return tlv(TAG.BIT_STRING, content);
}

/** KerberosTime: GeneralizedTime "YYYYMMDDHHMMSSZ", no fractions (RFC 4120 5.2.3). */
export function time(epochMs: number): Buffer {
  const iso = new Date(Math.floor(epochMs / 1000) * 1000).toISOString(); // 2026-12-03T12:05:41.000Z
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z', 'ascii'));
}

/** Reads one TLV at `offset`; returns it and the offset after it. */
export function readTlv(buffer: Buffer, offset = 0): { tlv: Tlv; end: number } {
  if (offset + 2 > buffer.length) throw new DerError('truncated DER value');
  const tag = buffer[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used by Kerberos');
  let length = buffer[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError('unsupported DER length');
    if (start + count > buffer.length) throw new DerError('truncated DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buffer[start + i];
    start += count;
  }
  const end = start + length;
  if (end > buffer.length) throw new DerError('truncated DER value');
  return { tlv: { tag, value: buffer.subarray(start, end) }, end };
}

/** Decodes exactly one TLV (trailing bytes are an error) and checks its tag. */
export function decode(buffer: Buffer, expectedTag?: number): Tlv {
  const { tlv: value, end } = readTlv(buffer);
  if (end !== buffer.length) throw new DerError('trailing bytes after a DER value');
  if (expectedTag !== undefined && value.tag !== expectedTag) throw new DerError(`expected tag 0x${expectedTag.toString(16)}, got 0x${value.tag.toString(16)}`);
  return value;
}

/** The TLVs inside a constructed value. */
export function children(value: Buffer): Tlv[] {
  const items: Tlv[] = [];
  for (let offset = 0; offset < value.length; ) {
    const { tlv: item, end } = readTlv(value, offset);
    items.push(item);
    offset = end;
  }
  return items;
}

/** The fields of a SEQUENCE of [n] EXPLICIT members: n → the inner TLV. */
export class Fields {
  private readonly map = new Map<number, Tlv>();
  private readonly rawMap = new Map<number, Buffer>();
  constructor(sequenceTlv: Tlv, readonly what: string) {
    if (sequenceTlv.tag !== TAG.SEQUENCE) throw new DerError(`${what}: expected a SEQUENCE`);
    for (const item of children(sequenceTlv.value)) {
      if ((item.tag & 0xe0) !== 0xa0) throw new DerError(`${what}: expected context tags`);
      this.map.set(item.tag & 0x1f, decode(item.value));
      this.rawMap.set(item.tag & 0x1f, item.value);
    }
  }
  /** The encoding of field [n]'s inner value, byte for byte as received (a Ticket is sent back unchanged). */
  raw(n: number): Buffer {
    const value = this.rawMap.get(n);
    if (!value) throw new DerError(`${this.what}: field [${n}] is missing`);
    return value;
  }
  has(n: number): boolean {
    return this.map.has(n);
  }
  optional(n: number): Tlv | undefined {
    return this.map.get(n);
  }
  get(n: number): Tlv {
    const value = this.map.get(n);
    if (!value) throw new DerError(`${this.what}: field [${n}] is missing`);
    return value;
  }
  int(n: number): number {
    return readInteger(this.get(n));
  }
  optionalInt(n: number): number | undefined {
    const value = this.optional(n);
    return value ? readInteger(value) : undefined;
  }
  octets(n: number): Buffer {
    return expectTag(this.get(n), TAG.OCTET_STRING, this.what).value;
  }
  string(n: number): string {
    return readString(this.get(n));
  }
  optionalString(n: number): string | undefined {
    const value = this.optional(n);
    return value ? readString(value) : undefined;
  }
  time(n: number): number {
    return readTime(this.get(n));
  }
  optionalTime(n: number): number | undefined {
    const value = this.optional(n);
    return value ? readTime(value) : undefined;
  }
  fields(n: number, what: string): Fields {
    return new Fields(this.get(n), what);
  }
}

export function expectTag(value: Tlv, tag: number, what: string): Tlv {
  if (value.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${value.tag.toString(16)}`);
  return value;
}

export function readInteger(value: Tlv): number {
  expectTag(value, TAG.INTEGER, 'INTEGER');
  if (value.value.length === 0 || value.value.length > 5) throw new DerError('unsupported INTEGER size');
  let result = BigInt.asIntN(8, BigInt(value.value[0]));
  for (let i = 1; i < value.value.length; i++) result = (result << 8n) | BigInt(value.value[i]);
  return Number(result);
}

/** GeneralString, UTF8String, PrintableString, IA5String. */
const STRING_TAGS: readonly number[] = [TAG.GENERAL_STRING, 0x0c, 0x13, 0x16];

/** GeneralString/KerberosString, or any of the string types a KDC might use (read as UTF-8). */
export function readString(value: Tlv): string {
  if (!STRING_TAGS.includes(value.tag)) throw new DerError(`expected a string, got tag 0x${value.tag.toString(16)}`);
  return value.value.toString('utf8');
}

export function readTime(value: Tlv): number {
  expectTag(value, TAG.GENERALIZED_TIME, 'KerberosTime');
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(value.value.toString('ascii'));
  if (!match) throw new DerError(`malformed KerberosTime ${JSON.stringify(value.value.toString('ascii'))}`);
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

export function readFlags(value: Tlv): number {
  expectTag(value, TAG.BIT_STRING, 'KerberosFlags');
  const bits = Buffer.alloc(4);
  value.value.copy(bits, 0, 1, Math.min(5, value.value.length));
  return bits.readUInt32BE(0);
}

export function sequenceOf(value: Tlv, what: string): Tlv[] {
  return children(expectTag(value, TAG.SEQUENCE, what).value);
}
