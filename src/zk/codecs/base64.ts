import { CodecError, describeChar, describePosition, positionAt } from './errors';
import { t } from '../l10n';

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
      if (padding === 2 || clean.length % 4 < 2) fail(i, (where) => t('The padding "=" at {0} is misplaced; "=" may only fill the last one or two characters of a 4-character group.', where));
      padding++;
    } else if (ALPHABET.includes(char)) {
      if (padding > 0) fail(i, (where) => t('{0} at {1} comes after the "=" padding, which must end the base64 text.', describeChar(char), where));
      lastDataAt = i;
    } else {
      const shown = String.fromCodePoint(text.codePointAt(i) ?? 0);
      fail(i, (where) =>
        char === '-' || char === '_'
          ? t('{0} at {1} is not a base64 character (that is base64url; use "{2}" instead).', describeChar(shown), where, char === '-' ? '+' : '/')
          : t('{0} at {1} is not a base64 character.', describeChar(shown), where),
      );
    }
    clean += char;
  }
  if (clean.length % 4 !== 0) {
    const missing = 4 - (clean.length % 4);
    fail(text.length, (where) =>
      missing === 3
        ? t('The base64 text ends at {0} with a single character in its last 4-character group, which cannot encode a byte.', where)
        : t('The base64 text ends at {0} without its padding; add "{1}".', where, '='.repeat(missing)),
    );
  }
  const bytes = Buffer.from(clean, 'base64');
  // Bits the padding drops must be zero ("QR==" would decode like "QQ==" but not round-trip).
  if (padding > 0 && lastDataAt >= 0) {
    const canonical = toBase64(bytes).at(-1 - padding) ?? '';
    if (canonical !== text[lastDataAt]) {
      fail(lastDataAt, (where) => t('"{0}" at {1} has bits set that no byte uses; the canonical character there is "{2}".', text[lastDataAt], where, canonical));
    }
  }
  return new Uint8Array(bytes);
}
