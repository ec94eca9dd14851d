import type { PropertyInfo, PropertyType } from './properties';
import { t } from '../../zk/l10n';

export type Severity = 'error' | 'warning' | 'information';

/** A problem with a value; `from`/`to` index the value, the whole trimmed value when absent. */
export interface ValueIssue {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly from?: number;
  readonly to?: number;
}

const INT = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const LONG = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** Integer.parseInt / Long.parseLong: an optional sign and ASCII digits, in range; no whitespace. */
export function parseJavaInteger(text: string, kind: 'int' | 'long' = 'int'): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  const bounds = kind === 'int' ? INT : LONG;
  return value < bounds.min || value > bounds.max ? undefined : Number(value);
}

/** Double.parseDouble, which also trims and accepts a trailing d/f. */
export function isJavaDouble(text: string): boolean {
  return /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/.test(text.trim());
}

export const isJavaIdentifierChain = (text: string): boolean => /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(text);

/** What a bad value does, by who reads it. */
function consequence(info: PropertyInfo, lenient: boolean): { severity: Severity; effect: string } {
  if (info.readBy === 'config' || (info.readBy === 'provider' && !lenient)) {
    return { severity: 'error', effect: t('ZooKeeper refuses to start') };
  }
  return { severity: 'warning', effect: t('the server cannot use it') };
}

/** Type checks for one trimmed value (server, group and weight lines are checked elsewhere). */
export function checkValue(info: PropertyInfo, key: string, value: string): ValueIssue[] {
  const type = info.type;
  switch (type.kind) {
    case 'int':
    case 'long':
      return checkNumber(info, key, value, type.kind);
    case 'double':
      return isJavaDouble(value) ? [] : [invalid(info, key, value, t('a decimal number'), false)];
    case 'boolean':
      return checkBoolean(info, key, value);
    case 'yesno':
      return value === 'yes' || value === 'no'
        ? []
        : [{ code: 'invalid-value', severity: 'warning', message: t("{0} expects yes or no; '{1}' is read as {2}.", key, value, key === 'skipACL' ? 'no' : 'yes') }];
    case 'enum':
      return checkEnum(info, key, value, type.values);
    case 'port':
      return checkPort(info, key, value, type);
    case 'host':
      if (value === '') return [{ code: 'empty-value', severity: 'warning', message: t('{0} is empty.', key) }];
      return /\s/.test(value) ? [{ code: 'invalid-value', severity: 'warning', message: t("'{0}' is not a host name or address.", value) }] : [];
    case 'path':
      return value === '' ? [{ code: 'empty-value', severity: info.required ? 'error' : 'warning', message: t('{0} is empty.', key) }] : [];
    case 'className':
      return value === '' || isJavaIdentifierChain(value)
        ? []
        : [{ code: 'invalid-value', severity: 'warning', message: t("'{0}' is not a fully qualified Java class name.", value) }];
    case 'list':
      return type.items ? checkList(key, value, type.items) : [];
    default:
      return [];
  }
}

function invalid(info: PropertyInfo, key: string, value: string, expected: string, lenient: boolean): ValueIssue {
  const { severity, effect } = consequence(info, lenient);
  const shown = value === '' ? t('An empty value') : `'${value}'`;
  const comment = /\s[#!]/.test(value) ? ` ${t('zoo.cfg has no end-of-line comments: put the comment on a line of its own.')}` : '';
  return { code: 'invalid-value', severity, message: t('{0} is not {1}: {2} ({3}).{4}', shown, expected, effect, key, comment) };
}

function checkNumber(info: PropertyInfo, key: string, value: string, kind: 'int' | 'long'): ValueIssue[] {
  if (parseJavaInteger(value, kind) !== undefined) return [];
  const what = /^[+-]?\d+$/.test(value) ? t('within the range of a Java {0}', kind) : t('a whole number');
  return [invalid(info, key, value, what, false)];
}

function checkBoolean(info: PropertyInfo, key: string, value: string): ValueIssue[] {
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'false') return [];
  if (info.readBy === 'config') return [invalid(info, key, value, t('true or false'), false)];
  return [{ code: 'invalid-value', severity: 'warning', message: t("{0} expects true or false; '{1}' is read as false.", key, value) }];
}

function checkEnum(info: PropertyInfo, key: string, value: string, values: readonly string[]): ValueIssue[] {
  if (key === 'electionAlg') {
    const n = parseJavaInteger(value);
    if (n === 3) return [];
    const message = n === undefined ? t("'{0}' is not a number", value) : t('Election algorithm {0} no longer exists', n);
    return [{ code: 'invalid-value', severity: 'error', message: t('{0}: only 3 (fast leader election) is supported since ZooKeeper 3.6. Remove the line or set 3.', message) }];
  }
  if (values.some((v) => v.toLowerCase() === value.toLowerCase())) return [];
  const shown = values.map((v) => (v === '' ? '(empty)' : v)).join(', ');
  return [invalid(info, key, value, t('one of {0}', shown), false)];
}

function checkPort(info: PropertyInfo, key: string, value: string, type: Extract<PropertyType, { kind: 'port' }>): ValueIssue[] {
  const port = parseJavaInteger(value);
  if (port === undefined) return [invalid(info, key, value, t('a port number'), false)];
  if (port < 0 || port > 65535) {
    return [{ code: 'port-range', severity: 'error', message: t('Port {0} is out of range: ports are 1–65535.', port) }];
  }
  if (port === 0 && !type.zeroMeansUnset) {
    return [{ code: 'port-range', severity: 'warning', message: t('{0}=0 makes the operating system pick a random free port.', key) }];
  }
  return [];
}

function checkList(key: string, value: string, items: readonly string[]): ValueIssue[] {
  const issues: ValueIssue[] = [];
  const re = /[^,]+/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const word = m[0].trim();
    if (word === '' || items.includes(word)) continue;
    const from = m.index + m[0].indexOf(word);
    issues.push({ code: 'invalid-value', severity: 'warning', message: t("'{0}' is not a known value for {1}; the server ignores it.", word, key), from, to: from + word.length });
  }
  return issues;
}
