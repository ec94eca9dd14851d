import { t } from '../l10n';

/** 1-based, as editors show them. */
export interface TextPosition {
  line: number;
  column: number;
}

/** Text that cannot be turned into bytes; the message names the position of the problem. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
  constructor(
    message: string,
    readonly position?: TextPosition,
  ) {
    super(message);
  }
}

/** Line and column of a UTF-16 offset; "\r\n", "\n" and "\r" each end a line. */
export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function describePosition(position: TextPosition): string {
  return t('line {0}, column {1}', position.line, position.column);
}

/** A character as it should appear in a message: quoted when visible, else as U+XXXX. */
export function describeChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const visible = code > 0x20 && code !== 0x7f && !(code >= 0x80 && code <= 0xa0);
  return visible ? `"${char}"` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
