import { CodecError, describeChar, describePosition, positionAt } from './errors';
import { t } from '../l10n';

export { CodecError } from './errors';

const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Lowercase hex, two digits a byte, no separators. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX_PAIRS[byte];
  return out;
}

export interface HexDumpOptions {
  /** Default 16; an extra space separates each group of 8. */
  bytesPerLine?: number;
  /** Show only this many bytes; the last line says how many are not shown. */
  maxBytes?: number;
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer of at least ${min}, not ${value}.`);
}

function plural(count: number): string {
  return `${count} ${count === 1 ? 'byte' : 'bytes'}`;
}

/**
 * `hexdump -C` style:
 *   00000000  48 65 6c 6c 6f 20 77 6f  72 6c 64 0a              |Hello world.|
 *   12 bytes
 * The last line is "N bytes", or "N bytes (M not shown)" when cut short by maxBytes.
 */
export function hexDump(bytes: Uint8Array, options: HexDumpOptions = {}): string {
  const perLine = options.bytesPerLine ?? 16;
  checkCount('bytesPerLine', perLine, 1);
  if (options.maxBytes !== undefined) checkCount('maxBytes', options.maxBytes, 0);
  const shown = Math.min(bytes.length, options.maxBytes ?? bytes.length);
  const width = perLine * 3 - 1 + Math.floor((perLine - 1) / 8);
  const lines: string[] = [];
  for (let offset = 0; offset < shown; offset += perLine) {
    const chunk = bytes.subarray(offset, Math.min(offset + perLine, shown));
    let hex = '';
    let ascii = '';
    chunk.forEach((byte, i) => {
      hex += (i === 0 ? '' : i % 8 === 0 ? '  ' : ' ') + HEX_PAIRS[byte];
      ascii += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
    });
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(width)}  |${ascii}|`);
  }
  const hidden = bytes.length - shown;
  lines.push(hidden > 0 ? `${plural(bytes.length)} (${hidden} not shown)` : plural(bytes.length));
  return lines.join('\n');
}

const DUMP_LINE = /^\s*[0-9a-fA-F]{8}\s[^|]*\|.*\|\s*$/;
const OFFSET = /^\s*[0-9a-fA-F]{8}(?:\s|$)/;
const SUMMARY_LINE = /^\s*(\d+) bytes?(?: \((\d+) not shown\))?\s*$/;
const HEX_DIGIT = /^[0-9a-fA-F]$/;

/**
 * Parses hex: whitespace between digits, "0x" prefixes, and hexDump's own output. Every
 * whitespace-separated token must have an even number of digits.
 * Text with an |ascii| column or a byte count line is read as a dump: a leading 8-digit offset
 * on each line, the |ascii| column and the count line are skipped. A dump that hexDump cut short
 * is refused rather than read as fewer bytes.
 */
export function parseHex(text: string): Uint8Array {
  const bytes: number[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  const isDump = lines.some((line) => DUMP_LINE.test(line) || SUMMARY_LINE.test(line));
  let lineStart = 0;
  for (const line of lines) {
    const summary = SUMMARY_LINE.exec(line);
    const offset = isDump ? OFFSET.exec(line) : null;
    if (summary) {
      const hidden = Number(summary[2] ?? 0);
      if (hidden > 0) {
        const position = positionAt(text, lineStart);
        throw new CodecError(
          hidden === 1
            ? t('The hex dump says at {0} that {1} byte is not shown, so it cannot be read back as the whole value.', describePosition(position), hidden)
            : t('The hex dump says at {0} that {1} bytes are not shown, so it cannot be read back as the whole value.', describePosition(position), hidden),
          position,
        );
      }
    } else if (offset) {
      const hexArea = line.slice(offset[0].length).replace(/\|.*$/, '');
      readTokens(text, lineStart + offset[0].length, hexArea, bytes);
    } else {
      readTokens(text, lineStart, line, bytes);
    }
    lineStart += line.length + lineBreakLength(text, lineStart + line.length);
  }
  return Uint8Array.from(bytes);
}

function lineBreakLength(text: string, at: number): number {
  if (text.startsWith('\r\n', at)) return 2;
  return text[at] === '\n' || text[at] === '\r' ? 1 : 0;
}

/** Appends the bytes of `segment`, which starts at `start` in `text` (for positions). */
function readTokens(text: string, start: number, segment: string, out: number[]): void {
  const fail = (offset: number, sentence: (where: string) => string): never => {
    const position = positionAt(text, start + offset);
    throw new CodecError(sentence(describePosition(position)), position);
  };
  for (const token of segment.matchAll(/\S+/g)) {
    const tokenStart = token.index;
    let digits = token[0];
    let digitsStart = tokenStart;
    if (/^0[xX]/.test(digits)) {
      digits = digits.slice(2);
      digitsStart += 2;
      if (digits === '') fail(tokenStart, (where) => t('"{0}" at {1} has no hex digits after its "0x".', token[0], where));
    }
    for (let i = 0; i < digits.length; i++) {
      if (!HEX_DIGIT.test(digits[i])) {
        const char = String.fromCodePoint(digits.codePointAt(i) ?? 0);
        fail(digitsStart + i, (where) => t('{0} at {1} is not a hex digit.', describeChar(char), where));
      }
    }
    if (digits.length % 2 === 1) {
      fail(tokenStart, (where) => t('"{0}" at {1} has an odd number of hex digits ({2}); each byte needs two.', token[0], where, digits.length));
    }
    for (let i = 0; i < digits.length; i += 2) out.push(parseInt(digits.slice(i, i + 2), 16));
  }
}
