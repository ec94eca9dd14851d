// A JSON parser that keeps integers beyond 2^53 exact. ZooKeeper's session ids are
// `(ms << 24 >>> 8) | (myid << 56)`, so in an ensemble they are ≥ 2^56 and `JSON.parse` silently
// rounds them (the AdminServer's `cons`, `dump`, `wchp`, `wchc` replies): a rounded id names
// another session. Integers that a double cannot hold exactly come back as decimal strings;
// every other value is what `JSON.parse` gives.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Parses JSON text; integers outside ±(2^53 − 1) become decimal strings instead of being rounded. */
export function parseLosslessJson(text: string): JsonValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(what, i);
  };
  const skipSpace = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const expect = (literal: string): void => {
    if (!text.startsWith(literal, i)) fail(`expected ${literal}`);
    i += literal.length;
  };

  const parseString = (): string => {
    // Find the closing quote, then let JSON.parse decode the escapes of just this string: strings
    // have no precision problem, and its decoder is exact and fast.
    const start = i;
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) i += 2;
      else if (c < 0x20) fail('control character in string');
      else i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };

  const parseNumber = (): number | string => {
    const match = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) return fail('invalid number');
    const literal = match[0];
    i += literal.length;
    const value = Number(literal);
    const isInteger = match[1] === undefined && match[2] === undefined;
    if (isInteger && !Number.isSafeInteger(value)) return BigInt(literal).toString();
    return value;
  };

  const parseValue = (depth: number): JsonValue => {
    if (depth > 512) fail('nesting too deep');
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      const object: { [key: string]: JsonValue } = {};
      skipSpace();
      if (text[i] === '}') {
        i++;
        return object;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail('expected a string key');
        const key = parseString();
        skipSpace();
        expect(':');
        // defineProperty: a key "__proto__" must stay an ordinary key, not change the prototype.
        Object.defineProperty(object, key, { value: parseValue(depth + 1), enumerable: true, writable: true, configurable: true });
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect('}');
        return object;
      }
    }
    if (c === '[') {
      i++;
      const array: JsonValue[] = [];
      skipSpace();
      if (text[i] === ']') {
        i++;
        return array;
      }
      for (;;) {
        array.push(parseValue(depth + 1));
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect(']');
        return array;
      }
    }
    if (c === '"') return parseString();
    if (c === 't') {
      expect('true');
      return true;
    }
    if (c === 'f') {
      expect('false');
      return false;
    }
    if (c === 'n') {
      expect('null');
      return null;
    }
    return parseNumber();
  };

  const value = parseValue(0);
  skipSpace();
  if (i !== text.length) fail('unexpected text after the value');
  return value;
}

/** A session id (a number, a decimal string, or "0x…") as ZooKeeper prints it: 0x plus lower-case hex. */
export function sessionIdHex(id: number | string | bigint): string {
  // BigInt() reads decimal and 0x-prefixed text alike; asUintN shows a negative long as ZooKeeper does.
  return `0x${BigInt.asUintN(64, BigInt(id)).toString(16)}`;
}
