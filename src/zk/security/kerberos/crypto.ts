import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Kerberos encryption with Node's crypto only (no native module): the RFC 3962 profile
 * (aes128/aes256-cts-hmac-sha1-96, etypes 17/18, the simplified profile of RFC 3961) and RFC 8009
 * (aes128-cts-hmac-sha256-128 and aes256-cts-hmac-sha384-192, etypes 19/20). Both use AES in CBC
 * mode with ciphertext stealing and a zero IV; they differ in key derivation (DK over AES vs a
 * HMAC-SHA2 KDF) and in what the integrity HMAC covers (plaintext vs IV + ciphertext).
 */

export class KerberosCryptoError extends Error {
  override readonly name = 'KerberosCryptoError';
}

export interface Enctype {
  readonly etype: number;
  readonly name: string;
  /** Key length in bytes. */
  readonly keySize: number;
  /** The checksum type of this etype's keyed checksum (RFC 3961 "required checksum mechanism"). */
  readonly checksumType: number;
  readonly checksumSize: number;
  readonly defaultIterations: number;
  stringToKey(password: string | Buffer, salt: string | Buffer, params?: Buffer): Buffer;
  /** Encrypts `plaintext` for key `usage`; the confounder is random unless given (test vectors). */
  encrypt(key: Buffer, usage: number, plaintext: Buffer, confounder?: Buffer): Buffer;
  /** Decrypts and checks integrity; throws KerberosCryptoError when the HMAC does not match. */
  decrypt(key: Buffer, usage: number, ciphertext: Buffer): Buffer;
  checksum(key: Buffer, usage: number, data: Buffer): Buffer;
  /** Derives a usage key: Kc (0x99), Ke (0xAA) or Ki (0x55). Exposed for the RFC vectors. */
  deriveUsageKey(key: Buffer, usage: number, kind: 0x99 | 0xaa | 0x55): Buffer;
}

const BLOCK = 16;

/** RFC 3961 5.1 n-fold: replicate the input rotated 13 bits each time, add with one's-complement carry. */
export function nfold(input: Buffer, outBytes: number): Buffer {
  const inBytes = input.length;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const lcm = (inBytes * outBytes) / gcd(inBytes, outBytes);
  const out = new Array<number>(outBytes).fill(0);
  let carry = 0;
  // The byte-at-a-time formulation of MIT's n-fold: walk the lcm-long string from its end.
  for (let i = lcm - 1; i >= 0; i--) {
    const msbit = ((inBytes << 3) - 1 + (((inBytes << 3) + 13) * Math.floor(i / inBytes)) + ((inBytes - (i % inBytes)) << 3)) % (inBytes << 3);
    const byte =
      (((input[(inBytes - 1 - (msbit >>> 3)) % inBytes] << 8) | input[(inBytes - (msbit >>> 3)) % inBytes]) >>> ((msbit & 7) + 1)) & 0xff;
    carry += byte + out[i % outBytes];
    out[i % outBytes] = carry & 0xff;
    carry >>>= 8;
  }
  if (carry) {
    for (let i = outBytes - 1; i >= 0; i--) {
      carry += out[i];
      out[i] = carry & 0xff;
      carry >>>= 8;
      if (!carry) break;
    }
  }
  return Buffer.from(out);
}

function aesName(key: Buffer, mode: 'cbc' | 'ecb'): string {
  return `aes-${key.length * 8}-${mode}`;
}

function ecbEncryptBlock(key: Buffer, block: Buffer): Buffer {
  const cipher = createCipheriv(aesName(key, 'ecb'), key, null).setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

function ecbDecryptBlock(key: Buffer, block: Buffer): Buffer {
  const decipher = createDecipheriv(aesName(key, 'ecb'), key, null).setAutoPadding(false);
  return Buffer.concat([decipher.update(block), decipher.final()]);
}

const xor = (a: Buffer, b: Buffer): Buffer => {
  const out = Buffer.alloc(Math.min(a.length, b.length));
  for (let i = 0; i < out.length; i++) out[i] = a[i] ^ b[i];
  return out;
};

/** AES-CBC with ciphertext stealing, zero IV, the last two blocks always swapped (RFC 3962 5). */
export function ctsEncrypt(key: Buffer, plaintext: Buffer): Buffer {
  if (plaintext.length < BLOCK) throw new KerberosCryptoError('AES-CTS needs at least one block of input');
  const padded = Buffer.concat([plaintext, Buffer.alloc((BLOCK - (plaintext.length % BLOCK)) % BLOCK)]);
  const cipher = createCipheriv(aesName(key, 'cbc'), key, Buffer.alloc(BLOCK)).setAutoPadding(false);
  const cbc = Buffer.concat([cipher.update(padded), cipher.final()]);
  if (plaintext.length === BLOCK) return cbc;
  const lastLength = plaintext.length % BLOCK || BLOCK;
  const n = cbc.length;
  return Buffer.concat([cbc.subarray(0, n - 2 * BLOCK), cbc.subarray(n - BLOCK), cbc.subarray(n - 2 * BLOCK, n - 2 * BLOCK + lastLength)]);
}

export function ctsDecrypt(key: Buffer, ciphertext: Buffer): Buffer {
  if (ciphertext.length < BLOCK) throw new KerberosCryptoError('AES-CTS needs at least one block of input');
  if (ciphertext.length === BLOCK) return ecbDecryptBlock(key, ciphertext);
  const fullBlocks = Math.ceil(ciphertext.length / BLOCK);
  const lastLength = ciphertext.length - (fullBlocks - 1) * BLOCK;
  const parts: Buffer[] = [];
  let previous: Buffer = Buffer.alloc(BLOCK);
  for (let i = 0; i < fullBlocks - 2; i++) {
    const block = ciphertext.subarray(i * BLOCK, (i + 1) * BLOCK);
    parts.push(xor(ecbDecryptBlock(key, block), previous));
    previous = block;
  }
  const secondLast = ciphertext.subarray((fullBlocks - 2) * BLOCK, (fullBlocks - 1) * BLOCK);
  const last = ciphertext.subarray((fullBlocks - 1) * BLOCK);
  // The second-last block decrypts to (last plaintext XOR last partial ciphertext) + the stolen bytes.
  const decrypted = ecbDecryptBlock(key, secondLast);
  const lastPlain = xor(decrypted.subarray(0, lastLength), last);
  const stolen = decrypted.subarray(lastLength);
  parts.push(xor(ecbDecryptBlock(key, Buffer.concat([last, stolen])), previous));
  parts.push(lastPlain);
  return Buffer.concat(parts);
}

const usageConstant = (usage: number, kind: number): Buffer => {
  const constant = Buffer.alloc(5);
  constant.writeUInt32BE(usage >>> 0, 0);
  constant[4] = kind;
  return constant;
};

/** RFC 3961 5.1 DR/DK for the AES simplified profile (random-to-key is the identity for AES). */
export function dk(baseKey: Buffer, constant: Buffer): Buffer {
  let state = nfold(constant, BLOCK);
  const out: Buffer[] = [];
  let length = 0;
  while (length < baseKey.length) {
    state = ecbEncryptBlock(baseKey, state);
    out.push(state);
    length += state.length;
  }
  return Buffer.concat(out).subarray(0, baseKey.length);
}

const asBuffer = (value: string | Buffer): Buffer => (typeof value === 'string' ? Buffer.from(value, 'utf8') : value);

const constantEqual = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

class AesSha1 implements Enctype {
  readonly checksumSize = 12;
  readonly defaultIterations = 4096;
  constructor(
    readonly etype: number,
    readonly name: string,
    readonly keySize: number,
    readonly checksumType: number,
  ) {}

  stringToKey(password: string | Buffer, salt: string | Buffer, params?: Buffer): Buffer {
    const iterations = params && params.length === 4 ? params.readUInt32BE(0) : this.defaultIterations;
    const tkey = pbkdf2Sync(asBuffer(password), asBuffer(salt), iterations, this.keySize, 'sha1');
    return dk(tkey, Buffer.from('kerberos'));
  }

  deriveUsageKey(key: Buffer, usage: number, kind: 0x99 | 0xaa | 0x55): Buffer {
    return dk(key, usageConstant(usage, kind));
  }

  encrypt(key: Buffer, usage: number, plaintext: Buffer, confounder: Buffer = randomBytes(BLOCK)): Buffer {
    this.checkKey(key);
    const basic = Buffer.concat([confounder, plaintext]);
    const ke = this.deriveUsageKey(key, usage, 0xaa);
    const ki = this.deriveUsageKey(key, usage, 0x55);
    const mac = createHmac('sha1', ki).update(basic).digest().subarray(0, this.checksumSize);
    return Buffer.concat([ctsEncrypt(ke, basic), mac]);
  }

  decrypt(key: Buffer, usage: number, ciphertext: Buffer): Buffer {
    this.checkKey(key);
    if (ciphertext.length < BLOCK + this.checksumSize) throw new KerberosCryptoError('the ciphertext is too short');
    const body = ciphertext.subarray(0, ciphertext.length - this.checksumSize);
    const mac = ciphertext.subarray(ciphertext.length - this.checksumSize);
    const basic = ctsDecrypt(this.deriveUsageKey(key, usage, 0xaa), body);
    const expected = createHmac('sha1', this.deriveUsageKey(key, usage, 0x55)).update(basic).digest().subarray(0, this.checksumSize);
    if (!constantEqual(mac, expected)) throw new KerberosCryptoError(`the integrity check failed (key usage ${usage})`);
    return basic.subarray(BLOCK);
  }

  checksum(key: Buffer, usage: number, data: Buffer): Buffer {
    return createHmac('sha1', this.deriveUsageKey(key, usage, 0x99)).update(data).digest().subarray(0, this.checksumSize);
  }

  private checkKey(key: Buffer): void {
    if (key.length !== this.keySize) throw new KerberosCryptoError(`${this.name} needs a ${this.keySize}-byte key`);
  }
}

class AesSha2 implements Enctype {
  readonly defaultIterations = 32768;
  constructor(
    readonly etype: number,
    readonly name: string,
    readonly keySize: number,
    readonly checksumType: number,
    private readonly hash: 'sha256' | 'sha384',
    /** The truncated HMAC length (RFC 8009: 128 bits for sha256, 192 for sha384). */
    readonly checksumSize: number,
  ) {}

  /** RFC 8009 3: KDF-HMAC-SHA2(key, label, k) = the first k bits of HMAC(key, 00000001 | label | 00 | k). */
  kdf(key: Buffer, label: Buffer, bytes: number): Buffer {
    const k = Buffer.alloc(4);
    k.writeUInt32BE(bytes * 8, 0);
    return createHmac(this.hash, key).update(Buffer.from([0, 0, 0, 1])).update(label).update(Buffer.from([0])).update(k).digest().subarray(0, bytes);
  }

  stringToKey(password: string | Buffer, salt: string | Buffer, params?: Buffer): Buffer {
    const iterations = params && params.length === 4 ? params.readUInt32BE(0) : this.defaultIterations;
    const saltp = Buffer.concat([Buffer.from(this.name), Buffer.from([0]), asBuffer(salt)]);
    const tkey = pbkdf2Sync(asBuffer(password), saltp, iterations, this.keySize, this.hash);
    return this.kdf(tkey, Buffer.from('kerberos'), this.keySize);
  }

  deriveUsageKey(key: Buffer, usage: number, kind: 0x99 | 0xaa | 0x55): Buffer {
    return this.kdf(key, usageConstant(usage, kind), kind === 0xaa ? this.keySize : this.checksumSize);
  }

  encrypt(key: Buffer, usage: number, plaintext: Buffer, confounder: Buffer = randomBytes(BLOCK)): Buffer {
    this.checkKey(key);
    const ke = this.deriveUsageKey(key, usage, 0xaa);
    const ki = this.deriveUsageKey(key, usage, 0x55);
    const c = ctsEncrypt(ke, Buffer.concat([confounder, plaintext]));
    // RFC 8009 5: the HMAC covers the cipher state (a zero IV) and the ciphertext.
    const mac = createHmac(this.hash, ki).update(Buffer.alloc(BLOCK)).update(c).digest().subarray(0, this.checksumSize);
    return Buffer.concat([c, mac]);
  }

  decrypt(key: Buffer, usage: number, ciphertext: Buffer): Buffer {
    this.checkKey(key);
    if (ciphertext.length < BLOCK + this.checksumSize) throw new KerberosCryptoError('the ciphertext is too short');
    const c = ciphertext.subarray(0, ciphertext.length - this.checksumSize);
    const mac = ciphertext.subarray(ciphertext.length - this.checksumSize);
    const expected = createHmac(this.hash, this.deriveUsageKey(key, usage, 0x55)).update(Buffer.alloc(BLOCK)).update(c).digest().subarray(0, this.checksumSize);
    if (!constantEqual(mac, expected)) throw new KerberosCryptoError(`the integrity check failed (key usage ${usage})`);
    return ctsDecrypt(this.deriveUsageKey(key, usage, 0xaa), c).subarray(BLOCK);
  }

  checksum(key: Buffer, usage: number, data: Buffer): Buffer {
    return createHmac(this.hash, this.deriveUsageKey(key, usage, 0x99)).update(data).digest().subarray(0, this.checksumSize);
  }

  private checkKey(key: Buffer): void {
    if (key.length !== this.keySize) throw new KerberosCryptoError(`${this.name} needs a ${this.keySize}-byte key`);
  }
}

export const ETYPE = {
  AES128_CTS_HMAC_SHA1_96: 17,
  AES256_CTS_HMAC_SHA1_96: 18,
  AES128_CTS_HMAC_SHA256_128: 19,
  AES256_CTS_HMAC_SHA384_192: 20,
} as const;

const ENCTYPES = new Map<number, Enctype>([
  [17, new AesSha1(17, 'aes128-cts-hmac-sha1-96', 16, 15)],
  [18, new AesSha1(18, 'aes256-cts-hmac-sha1-96', 32, 16)],
  [19, new AesSha2(19, 'aes128-cts-hmac-sha256-128', 16, 19, 'sha256', 16)],
  [20, new AesSha2(20, 'aes256-cts-hmac-sha384-192', 32, 20, 'sha384', 24)],
]);

/** The etypes this client asks for, most preferred first (what a current MIT KDC issues by default). */
export const SUPPORTED_ETYPES: readonly number[] = [18, 17, 20, 19];

/** Names of etypes we may meet but do not implement, for error sentences. */
const KNOWN_NAMES: Record<number, string> = {
  1: 'des-cbc-crc',
  3: 'des-cbc-md5',
  16: 'des3-cbc-sha1',
  23: 'rc4-hmac',
  24: 'rc4-hmac-exp',
  25: 'camellia128-cts-cmac',
  26: 'camellia256-cts-cmac',
};

export function etypeName(etype: number): string {
  return ENCTYPES.get(etype)?.name ?? KNOWN_NAMES[etype] ?? `etype ${etype}`;
}

export function findEnctype(etype: number): Enctype | undefined {
  return ENCTYPES.get(etype);
}

/** The checksum types of the keyed checksums (for verifying a checksum by its type). */
export function enctypeForChecksum(checksumType: number): Enctype | undefined {
  for (const enctype of ENCTYPES.values()) if (enctype.checksumType === checksumType) return enctype;
  return undefined;
}

export function randomKey(etype: number): Buffer {
  const enctype = ENCTYPES.get(etype);
  if (!enctype) throw new KerberosCryptoError(`unsupported ${etypeName(etype)}`);
  return randomBytes(enctype.keySize);
}
