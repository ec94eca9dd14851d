import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { checkEnsemble } from './ensemble';
import { offsetAt, parseConfig, type ConfigEntry } from './parser';
import { checkPorts } from './ports';
import { findByGuideName, findProperty, type PropertyInfo } from './properties';
import { Reporter, issueRange } from './report';
import { checkSettings } from './rules';
import { Settings } from './settings';
import { suggestKey } from './suggest';
import { checkValue } from './values';
import { t } from '../../zk/l10n';

export { DIAGNOSTIC_SOURCE, type ConfigDiagnosticData } from './report';

export interface DiagnoseOptions {
  /** The document's URI, to point related information at the other occurrence of a duplicate or clash. */
  readonly uri?: string;
}

const FAMILY = /^(server|group|weight)\./;

/** Everything wrong, risky or surprising in a zoo.cfg text. Never throws. */
export function diagnose(text: string, options: DiagnoseOptions = {}): Diagnostic[] {
  const parsed = parseConfig(text);
  const settings = new Settings(parsed, text);
  const report = new Reporter(options.uri);
  for (const problem of parsed.problems) report.add('error', 'malformed-escape', problem.message, problem.range);
  const family: ConfigEntry[] = [];
  for (const entry of parsed.entries) {
    if (FAMILY.test(entry.key)) family.push(entry);
    else checkEntry(settings, report, entry);
  }
  checkDuplicates(settings, report);
  const servers = checkEnsemble(settings, report, family);
  checkPorts(settings, report, servers);
  checkSettings(settings, report, servers);
  return report.diagnostics;
}

function checkEntry(settings: Settings, report: Reporter, entry: ConfigEntry): void {
  if (entry.key === '') {
    report.add('warning', 'missing-key', t('This line has a value but no key.'), entry.valueRange);
    return;
  }
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(entry.key + entry.value)) {
    report.add(
      'information',
      'non-ascii',
      t('ZooKeeper reads zoo.cfg as ISO-8859-1: saved as UTF-8, non-ASCII characters arrive garbled. Use \\uXXXX escapes.'),
      { start: entry.keyRange.start, end: entry.valueRange.end },
    );
  }
  const info = findProperty(entry.key);
  if (!info) {
    unknownKey(report, entry);
    return;
  }
  if (info.readBy === 'jvm') {
    report.add(
      'warning',
      'jvm-only',
      t('{0} has no effect in zoo.cfg: ZooKeeper passes it on as zookeeper.{0}, but the server reads the JVM option -D{1}. Set it in SERVER_JVMFLAGS instead.', entry.key, info.systemProperty ?? entry.key),
      entry.keyRange,
    );
  }
  const value = entry.value.trim();
  for (const issue of checkValue(info, entry.key, value)) report.issue(entry, issue);
  if (info.type.kind === 'path' && value !== '') checkPath(settings, report, entry, info);
}

function unknownKey(report: Reporter, entry: ConfigEntry): void {
  const key = entry.key;
  const replace = (suggestion: string): { suggestion: string; fix: { title: string; newText: string } } => ({
    suggestion,
    fix: { title: t("Change to '{0}'", suggestion), newText: suggestion },
  });
  if (key.startsWith('zookeeper.')) {
    const rest = key.slice('zookeeper.'.length);
    const target = findProperty(rest) ?? findByGuideName(rest);
    if (target) {
      const right = findProperty(rest) ? rest : target.key;
      report.add('warning', 'zookeeper-prefix', t("Write '{0}' here: ZooKeeper adds the 'zookeeper.' prefix itself, so this line becomes the unused system property zookeeper.{1}.", right, key), entry.keyRange, replace(right));
      return;
    }
  }
  const guide = findByGuideName(key);
  if (guide) {
    report.add(
      'warning',
      'guide-name',
      t("'{0}' is the Administrator's Guide's name: ZooKeeper passes it on as zookeeper.{0}, but the server reads zookeeper.{1}. Write '{1}'.", key, guide.key),
      entry.keyRange,
      replace(guide.key),
    );
    return;
  }
  const suggestion = suggestKey(key);
  const message = suggestion
    ? t("Unknown property '{0}'. Did you mean '{1}'?", key, suggestion)
    : t("Unknown property '{0}': ZooKeeper passes it on as the system property zookeeper.{0}, which may be read by nothing.", key);
  report.add('warning', 'unknown-key', message, entry.keyRange, suggestion ? replace(suggestion) : undefined);
}

function checkPath(settings: Settings, report: Reporter, entry: ConfigEntry, info: PropertyInfo): void {
  const raw = settings.text
    .slice(offsetAt(settings.parsed.lineStarts, entry.valueRange.start), offsetAt(settings.parsed.lineStarts, entry.valueRange.end))
    .replace(/\\(\r\n|\r|\n)[ \t\f]*/g, '');
  const escaped = /\\(?![\\u])/.test(raw.replace(/\\\\/g, ''));
  if (escaped) {
    report.add(
      'warning',
      'backslash',
      t("Backslashes are escape characters in zoo.cfg: this path is read as '{0}'. Use forward slashes (C:/zookeeper/data) or double each backslash.", entry.value.trim()),
      issueRange(entry, {}),
    );
  }
  const value = entry.value.trim();
  const absolute = /^([/\\]|[A-Za-z]:[/\\])/.test(value);
  if (!absolute && !escaped && info.readBy === 'config' && (info.key === 'dataDir' || info.key === 'dataLogDir')) {
    report.add('information', 'relative-path', t('Relative path: it is resolved against the directory the server is started from.'), issueRange(entry, {}));
  }
}

function checkDuplicates(settings: Settings, report: Reporter): void {
  const byKey = new Map<string, ConfigEntry[]>();
  for (const entry of settings.parsed.entries) {
    if (entry.key !== '') byKey.set(entry.key, [...(byKey.get(entry.key) ?? []), entry]);
  }
  for (const [key, same] of byKey) {
    if (same.length < 2) continue;
    const last = same[same.length - 1];
    for (const entry of same) {
      const others = same.filter((e) => e !== entry);
      const lines = others.map((e) => e.line + 1).join(', ');
      const related = others.map((e) => ({ range: e.keyRange, message: t('{0} is also set here', key) }));
      if (entry === last) {
        report.add('warning', 'duplicate-key', t('{0} is also set on line {1}; this last value is the one ZooKeeper uses.', key, lines), entry.keyRange, undefined, related);
      } else {
        report.add('warning', 'duplicate-key', t('{0} is set again on line {1}, which overrides this value.', key, last.line + 1), entry.keyRange, {
          fix: { title: t('Remove this overridden {0} line', key), newText: '', range: wholeLines(settings, entry) },
        }, related);
      }
    }
  }
}

/** The lines an entry spans, with their line break. */
function wholeLines(settings: Settings, entry: ConfigEntry): Range {
  const lastLine = Math.max(entry.keyRange.end.line, entry.valueRange.end.line);
  const starts = settings.parsed.lineStarts;
  if (lastLine + 1 < starts.length) return { start: { line: entry.line, character: 0 }, end: { line: lastLine + 1, character: 0 } };
  const lastLength = settings.text.length - starts[lastLine];
  return { start: { line: entry.line, character: 0 }, end: { line: lastLine, character: lastLength } };
}
