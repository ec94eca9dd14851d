/** Splits "text with a | cursor" into the text and the cursor's LSP position. */
export function parseCommandline(textWithCursor: string): { text: string; position: { line: number; character: number } } {
  const offset = textWithCursor.indexOf('|');
  if (offset === -1) throw new Error('no cursor "|" in the text');
  const before = textWithCursor.slice(0, offset);
  const lines = before.split(/\r\n|\r|\n/);
  return { text: before + textWithCursor.slice(offset + 1), position: { line: lines.length - 1, character: lines[lines.length - 1].length } };
}
