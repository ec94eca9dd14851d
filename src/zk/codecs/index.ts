export { CodecError, type TextPosition } from './errors';
export { decodeText, decodeUtf8Strict, encodeUtf8, isText } from './utf8';
export { detectLanguage, type DataLanguage } from './language';
export { hexDump, parseHex, toHex, type HexDumpOptions } from './hex';
export { parseBase64, toBase64 } from './base64';
export { classifyData, formatBase64ForEditing, formatHexForEditing, parseView, renderView, type DataKind, type DataView } from './editing';
export { findJsonProblem, jsonSyntaxError, type JsonProblem, type JsonProblemKind } from './json';
