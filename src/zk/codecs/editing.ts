import { parseBase64, toBase64 } from './base64';
import { CodecError } from './errors';
import { hexDump, parseHex, toHex } from './hex';
import { decodeText, decodeUtf8Strict, encodeUtf8 } from './utf8';
import { t } from '../l10n';

/**
 * How an editor shows a node's bytes: as they are (text), a read-only `hexdump -C` style dump,
 * or editable hex pairs or base64 that saving parses back into the bytes.
 */
export type DataView = 'text' | 'hexdump' | 'hex' | 'base64';

/**
 * `reason` is English and stable (zookeeper.openNode returns it: other extensions may match on it);
 * `reasonText` is the same words in the display language, for a person. Both are a fragment with the
 * node as its subject ("is not valid UTF-8"), so a sentence can be made around them.
 */
export type DataKind = { kind: 'text'; text: string } | { kind: 'binary'; reason: string; reasonText: string };

function describeView(view: DataView): string {
  switch (view) {
    case 'hexdump':
      return t('a read-only hex dump');
    case 'hex':
      return 'hex';
    case 'base64':
      return 'base64';
    default:
      return t('text');
  }
}

/** The line-ending problem that would make the editor change bytes on save, if any. */
function lineEndingProblem(text: string): { crlf: number; lf: number } | 'loneCr' | undefined {
  let crlf = 0;
  let lf = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) !== 10) return 'loneCr';
      crlf++;
      i++;
    } else if (c === 10) {
      lf++;
    }
  }
  return crlf > 0 && lf > 0 ? { crlf, lf } : undefined;
}

/**
 * Whether data can be edited as text without the editor changing a byte the user did not change:
 * strict UTF-8 with no control characters (isText), and one kind of line break. VS Code keeps one
 * line-break sequence per document, so mixed CRLF/LF or a lone CR would be rewritten on save.
 * A UTF-8 BOM is fine: VS Code reads it as the "UTF-8 with BOM" encoding and writes it back.
 * Each reason is written twice, English and through t(), whole (not pieced together), so that a
 * translation can order its words freely while the English `reason` stays what callers match on;
 * the codec unit test checks that both say the same when no localizer is set.
 */
export function classifyData(bytes: Uint8Array): DataKind {
  const text = decodeText(bytes);
  if (text === undefined) {
    return decodeUtf8Strict(bytes) === undefined
      ? { kind: 'binary', reason: 'is not valid UTF-8', reasonText: t('is not valid UTF-8') }
      : {
          kind: 'binary',
          reason: 'contains control characters (such as NUL) that text does not have',
          reasonText: t('contains control characters (such as NUL) that text does not have'),
        };
  }
  const eol = lineEndingProblem(text);
  if (eol === 'loneCr') {
    return {
      kind: 'binary',
      reason: 'has a carriage return (CR) that does not end a CRLF line break, which the text editor would normalize on save',
      reasonText: t('has a carriage return (CR) that does not end a CRLF line break, which the text editor would normalize on save'),
    };
  }
  if (eol) {
    return {
      kind: 'binary',
      reason: `has mixed line endings (${eol.crlf} CRLF and ${eol.lf} LF), which the text editor would normalize on save`,
      reasonText: t('has mixed line endings ({0} CRLF and {1} LF), which the text editor would normalize on save', eol.crlf, eol.lf),
    };
  }
  return { kind: 'text', text };
}

/** Hex pairs, 16 bytes a line with a wider gap after 8; parseHex reads it back. */
export function formatHexForEditing(bytes: Uint8Array): string {
  const hex = toHex(bytes);
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const pairs = (hex.slice(offset * 2, (offset + 16) * 2).match(/../g) ?? []) as string[];
    lines.push(pairs.slice(0, 8).join(' ') + (pairs.length > 8 ? `  ${pairs.slice(8).join(' ')}` : ''));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Base64 in lines of 76 characters (as MIME does); parseBase64 ignores the line breaks. */
export function formatBase64ForEditing(bytes: Uint8Array): string {
  const text = toBase64(bytes);
  if (text === '') return '';
  return `${text.replace(/.{76}(?!$)/g, '$&\n')}\n`;
}

/** What a view shows for the node's bytes. */
export function renderView(view: DataView, bytes: Uint8Array): Uint8Array {
  switch (view) {
    case 'hexdump':
      return encodeUtf8(`${hexDump(bytes)}\n`);
    case 'hex':
      return encodeUtf8(formatHexForEditing(bytes));
    case 'base64':
      return encodeUtf8(formatBase64ForEditing(bytes));
    default:
      return bytes;
  }
}

/** The node's bytes for what a view's editor saved; throws CodecError (with a position) for bad hex/base64. */
export function parseView(view: DataView, content: Uint8Array): Uint8Array {
  if (view === 'text') return content;
  const text = decodeUtf8Strict(content);
  if (text === undefined) throw new CodecError(t('The {0} text is not valid UTF-8.', describeView(view)));
  const body = text.replace(/^\uFEFF/, '');
  return view === 'base64' ? parseBase64(body) : parseHex(body);
}
