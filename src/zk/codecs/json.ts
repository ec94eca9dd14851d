import { t } from '../l10n';
import { CodecError, describeChar, describePosition, positionAt } from './errors';

/** What is wrong where a JSON text stops being JSON (the first problem only). */
export type JsonProblemKind =
  | 'valueExpected'
  | 'unexpectedEnd'
  | 'unterminatedString'
  | 'controlCharacter'
  | 'badEscape'
  | 'badNumber'
  | 'trailingComma'
  | 'propertyNameExpected'
  | 'colonExpected'
  | 'commaOrBraceExpected'
  | 'commaOrBracketExpected'
  | 'textAfterValue';

export interface JsonProblem {
  kind: JsonProblemKind;
  /** UTF-16 offset into the text. */
  offset: number;
}

/** Thrown from deep inside the scan to its top, where it becomes the answer. */
class Stop extends Error {
  constructor(readonly problem: JsonProblem) {
    super(problem.kind);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The first place where `text` is not JSON (RFC 8259, as JSON.parse reads it), or undefined. Written
 * for the save guard's message: V8's own message quotes the text around the error (a password in a
 * configuration node would reach the notification and the logs) and gives no position for several
 * common mistakes (an unquoted value, `{"a": }`). This says what and where, never the text itself.
 */
export function findJsonProblem(text: string): JsonProblem | undefined {
  let i = 0;
  const stop = (kind: JsonProblemKind, offset = i): never => {
    throw new Stop({ kind, offset });
  };
  const space = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const atEnd = (): boolean => i >= text.length;
  const string = (): void => {
    const start = i;
    i++; // the opening quote
    for (;;) {
      if (atEnd()) stop('unterminatedString', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) stop('controlCharacter');
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else stop('badEscape');
      } else i++;
    }
  };
  const number = (): void => {
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) stop('badNumber');
    i += match![0].length;
    // "01", "1.", "1e": JSON.parse refuses what the pattern leaves behind.
    if (!atEnd() && /[0-9.eE+-]/.test(text[i])) stop('badNumber');
  };
  const value = (): void => {
    space();
    if (atEnd()) stop('unexpectedEnd');
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    stop('valueExpected');
  };
  const object = (): void => {
    i++;
    space();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (let first = true; ; first = false) {
      space();
      if (atEnd()) stop('unexpectedEnd');
      if (text[i] !== '"') stop(!first && text[i] === '}' ? 'trailingComma' : 'propertyNameExpected');
      string();
      space();
      if (atEnd()) stop('unexpectedEnd');
      if (text[i] !== ':') stop('colonExpected');
      i++;
      value();
      space();
      if (atEnd()) stop('unexpectedEnd');
      if (text[i] === '}') {
        i++;
        return;
      }
      if (text[i] !== ',') stop('commaOrBraceExpected');
      i++;
    }
  };
  const array = (): void => {
    i++;
    space();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (let first = true; ; first = false) {
      space();
      if (!first && text[i] === ']') stop('trailingComma');
      value();
      space();
      if (atEnd()) stop('unexpectedEnd');
      if (text[i] === ']') {
        i++;
        return;
      }
      if (text[i] !== ',') stop('commaOrBracketExpected');
      i++;
    }
  };
  try {
    value();
    space();
    if (!atEnd()) stop('textAfterValue');
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return error.problem;
    throw error;
  }
}

function describeKind(kind: JsonProblemKind, text: string, offset: number): string {
  switch (kind) {
    case 'valueExpected': {
      const char = text.codePointAt(offset);
      const found = char === undefined ? '' : describeChar(String.fromCodePoint(char));
      // A letter or digit is the start of the user's own words (an unquoted value): not repeated.
      return /^"[\p{L}\p{N}_]"$/u.test(found) || found === ''
        ? t('a value was expected (a string in double quotes, a number, true, false, null, an object or an array)')
        : t('a value was expected (a string in double quotes, a number, true, false, null, an object or an array), not {0}', found);
    }
    case 'unexpectedEnd':
      return t('the text ends before the JSON does');
    case 'unterminatedString':
      return t('a string is not closed with a double quote');
    case 'controlCharacter':
      return t('a string holds a line break or another control character (write it as \\n, \\t or \\u00XX)');
    case 'badEscape':
      return t('a backslash in a string starts no valid escape');
    case 'badNumber':
      return t('a number is not written as JSON writes numbers');
    case 'trailingComma':
      return t('a comma with nothing after it');
    case 'propertyNameExpected':
      return t('a property name in double quotes was expected');
    case 'colonExpected':
      return t('":" was expected after the property name');
    case 'commaOrBraceExpected':
      return t('"," or "}" was expected');
    case 'commaOrBracketExpected':
      return t('"," or "]" was expected');
    case 'textAfterValue':
      return t('there is more text after the JSON value');
  }
}

/**
 * Undefined when `text` parses as JSON; else a CodecError whose message says what is wrong and where
 * (line and column, as editors show them), and never quotes the text.
 */
export function jsonSyntaxError(text: string): CodecError | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    // JSON.parse decides; the scanner only says where (its own message could quote the data).
  }
  const problem = findJsonProblem(text);
  if (!problem) return new CodecError(t('it does not parse as JSON'));
  const position = positionAt(text, problem.offset);
  return new CodecError(`${describeKind(problem.kind, text, problem.offset)}, ${describePosition(position)}`, position);
}
