const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * The text of `bytes`, or undefined when they are not valid UTF-8. A leading BOM is kept as
 * U+FEFF, so encodeUtf8 gives back exactly the same bytes.
 */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

// Tab, line feed, vertical tab, form feed, carriage return and escape (for ANSI colours) are the
// only controls that turn up in text; any other C0 control, DEL or a C1 control means binary.
// eslint-disable-next-line no-control-regex
const BINARY_CONTROL = /[\u0000-\u0008\u000e-\u001a\u001c-\u001f\u007f-\u009f]/;

/** The text of `bytes` when they are text (see isText), else undefined. */
export function decodeText(bytes: Uint8Array): string | undefined {
  const text = decodeUtf8Strict(bytes);
  return text === undefined || BINARY_CONTROL.test(text) ? undefined : text;
}

/**
 * Valid UTF-8 with no NUL and no control characters other than \t \n \v \f \r and ESC.
 * When true, encodeUtf8(decodeUtf8Strict(bytes)) is byte for byte equal to `bytes`,
 * so such data can be edited as text without changing what is stored.
 */
export function isText(bytes: Uint8Array): boolean {
  return decodeText(bytes) !== undefined;
}
