// src/zk/codecs/json.ts: where a JSON text stops being JSON, for the save guard's message. JSON.parse
// is the verdict; the scanner must agree with it on every text, and its message must never quote the
// text (V8's does: a password next to the mistake reached the notification).
import * as assert from 'node:assert/strict';
import { findJsonProblem, jsonSyntaxError, type JsonProblemKind } from '../../../../src/zk/codecs';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('codecs: JSON syntax problems', () => {
  const cases: [string, JsonProblemKind, number, number][] = [
    // text, kind, line, column
    ['{"user":"a", "password": secret123 }', 'valueExpected', 1, 26],
    ['{"a": }', 'valueExpected', 1, 7],
    ['{"a":tru}', 'valueExpected', 1, 6],
    ['{"a": 1,\n}', 'trailingComma', 2, 1],
    ['[1, 2, ]', 'trailingComma', 1, 8],
    ['{"a": 1}  x', 'textAfterValue', 1, 11],
    ['{"a": 1', 'unexpectedEnd', 1, 8],
    ['{"a": "b', 'unterminatedString', 1, 7],
    ['{"a": "line\nbreak"}', 'controlCharacter', 1, 12],
    ['{"a": "\\x"}', 'badEscape', 1, 8],
    ['{"a": "\\u12g4"}', 'badEscape', 1, 8],
    ['{"a": 01}', 'badNumber', 1, 8],
    ['{"a": 1.}', 'badNumber', 1, 8],
    ['{"a": -}', 'badNumber', 1, 7],
    ["{'a': 1}", 'propertyNameExpected', 1, 2],
    ['{a: 1}', 'propertyNameExpected', 1, 2],
    ['{"a" 1}', 'colonExpected', 1, 6],
    ['{"a": 1 "b": 2}', 'commaOrBraceExpected', 1, 9],
    ['[1 2]', 'commaOrBracketExpected', 1, 4],
    ['{"a": 1 // note\n}', 'commaOrBraceExpected', 1, 9],
    ['', 'unexpectedEnd', 1, 1],
    ['{\r\n  "a": [1,\r\n  ]\r\n}', 'trailingComma', 3, 3],
  ];
  for (const [text, kind, line, column] of cases) {
    it(`${JSON.stringify(text)}: ${kind} at line ${line}, column ${column}`, () => {
      assert.equal(parses(text), false, 'JSON.parse refuses it too');
      const problem = findJsonProblem(text);
      assert.equal(problem?.kind, kind);
      const error = jsonSyntaxError(text);
      assert.deepEqual(error?.position, { line, column });
      assert.match(error.message, new RegExp(`line ${line}, column ${column}$`));
    });
  }

  it('never quotes the text: not the unquoted word, not the text around the mistake', () => {
    const error = jsonSyntaxError('{"user":"admin", "password": hunter2hunter2, "x": 1}');
    assert.ok(error);
    assert.equal(/hunter2|admin|password/.test(error.message), false, error.message);
    // A punctuation character is named: it tells what to fix (single quotes, say) and is no secret.
    assert.match(jsonSyntaxError('{"a": \'b\'}')!.message, /not "'"/);
  });

  it('valid JSON, with any whitespace, escapes and numbers, has no problem', () => {
    for (const text of ['{}', '[]', ' null ', '"\\u00e9\\n\\/"', '-0.5e+10', '{"a":[1,{"b":[true,false,null]}],"c":"é"}', '\t[\r\n1\r\n]\n']) {
      assert.equal(findJsonProblem(text), undefined, text);
      assert.equal(jsonSyntaxError(text), undefined, text);
    }
  });

  it('agrees with JSON.parse on every text made by mutating valid JSON (5,000 texts, seeded)', () => {
    const seeds = ['{"a":[1,2.5e-3,{"b":"x\\"y"}],"c":null,"d":true}', '[ "é", -0, {"k" : false} ]', '{"n":{"m":{"o":[[],{}]}}}'];
    const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', '1', '-', '.', 'e', 't', 'n', ' ', '\n', '\t', "'", 'x', '\u0001', '0'];
    let state = 42;
    const random = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % n;
    };
    for (let round = 0; round < 5000; round++) {
      let text = seeds[random(seeds.length)];
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(text.length + 1);
        const op = random(3);
        if (op === 0) text = text.slice(0, at) + pieces[random(pieces.length)] + text.slice(at);
        else if (op === 1) text = text.slice(0, at) + text.slice(at + 1);
        else text = text.slice(0, at) + pieces[random(pieces.length)] + text.slice(at + 1);
      }
      const problem = findJsonProblem(text);
      assert.equal(problem === undefined, parses(text), `${JSON.stringify(text)}: scanner ${problem?.kind ?? 'ok'}, JSON.parse ${parses(text) ? 'ok' : 'refuses'}`);
      if (problem) assert.ok(problem.offset >= 0 && problem.offset <= text.length, JSON.stringify(text));
    }
  });
});
