import { CodecError, describeChar, describePosition, positionAt } from './errors';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648 alphabet, "=" padding). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Strict standard base64: whitespace may appear anywhere, padding is required, and the bits
 * left over before the padding must be zero, so that toBase64 gives back the same characters.
 */
export function parseBase64(text: string): Uint8Array {
  const fail = (offset: number, sentence: (where: string) => string): never => {
    const position = positionAt(text, offset);
    throw new CodecError(sentence(describePosition(position)), position);
  };
  let clean = '';
  let padding = 0;
  let lastDataAt = -1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (/\s/.test(char)) continue;
    if (char === '=') {
      if (padding === 2 || clean.length % 4 < 2) fail(i, (where) => `The padding "=" at ${where} is misplaced; "=" may only fill the last one or two characters of a 4-character group.`);
      padding++;
    } else if (ALPHABET.includes(char)) {
      if (padding > 0) fail(i, (where) => `${describeChar(char)} at ${where} comes after the "=" padding, which must end the base64 text.`);
      lastDataAt = i;
    } else {
      const hint = char === '-' || char === '_' ? ` (that is base64url; use "${char === '-' ? '+' : '/'}" instead)` : '';
      const shown = String.fromCodePoint(text.codePointAt(i) ?? 0);
      fail(i, (where) => `${describeChar(shown)} at ${where} is not a base64 character${hint}.`);
    }
    clean += char;
  }
  if (clean.length % 4 !== 0) {
    const missing = 4 - (clean.length % 4);
    fail(text.length, (where) =>
      missing === 3
        ? `The base64 text ends at ${where} with a single character in its last 4-character group, which cannot encode a byte.`
        : `The base64 text ends at ${where} without its padding; add "${'='.repeat(missing)}".`,
    );
  }
  const bytes = Buffer.from(clean, 'base64');
  // Bits the padding drops must be zero ("QR==" would decode like "QQ==" but not round-trip).
  if (padding > 0 && lastDataAt >= 0) {
    const canonical = toBase64(bytes).at(-1 - padding) ?? '';
    if (canonical !== text[lastDataAt]) {
      fail(lastDataAt, (where) => `"${text[lastDataAt]}" at ${where} has bits set that no byte uses; the canonical character there is "${canonical}".`);
    }
  }
  return new Uint8Array(bytes);
}
