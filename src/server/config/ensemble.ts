import type { ConfigEntry } from './parser';
import { issueRange, type Related, type Reporter } from './report';
import { javaSplit, parseServerValue, spanOf, type ServerLine } from './serverLine';
import type { Settings } from './settings';
import { parseJavaInteger } from './values';
import { t } from '../../zk/l10n';

export interface ServerEntry {
  readonly entry: ConfigEntry;
  /** Undefined when the part after `server.` is not a number. */
  readonly id?: number;
  readonly line: ServerLine;
}

const FAMILY = /^(server|group|weight)\.(.*)$/;

/** Server, group and weight lines: their own syntax, then what they mean together. */
export function checkEnsemble(settings: Settings, report: Reporter, familyEntries: readonly ConfigEntry[]): ServerEntry[] {
  const multiAddress = settings.flag('multiAddress.enabled');
  const servers: ServerEntry[] = [];
  const groups: ConfigEntry[] = [];
  const weights: ConfigEntry[] = [];
  for (const entry of familyEntries) {
    const [, family, suffix] = FAMILY.exec(entry.key) ?? [];
    const id = checkId(report, entry, family, suffix);
    if (family === 'server') {
      const line = parseServerValue(entry.value, multiAddress);
      for (const issue of line.issues) report.issue(entry, issue);
      servers.push({ entry, id, line });
    } else if (family === 'group') {
      groups.push(entry);
    } else {
      weights.push(entry);
      const weight = parseJavaInteger(entry.value, 'long');
      if (weight === undefined) numberIssue(report, entry, entry.value, 0, t('weight'));
      else if (weight < 0) report.add('warning', 'weight', t('A negative weight makes no sense; use 0 to keep the server from counting.'), issueRange(entry, {}));
    }
  }
  checkIdRanges(settings, report, servers);
  checkDuplicateIds(report, servers);
  if (settings.get('dynamicConfigFile')) {
    for (const entry of familyEntries) {
      report.add('error', 'dynamic-in-static', t('With dynamicConfigFile set, {0} belongs in the dynamic file: ZooKeeper refuses it here.', entry.key), entry.keyRange);
    }
    return servers;
  }
  checkQuorum(settings, report, servers);
  if (groups.length > 0 || weights.length > 0) checkHierarchy(report, servers, groups);
  return servers;
}

function checkId(report: Reporter, entry: ConfigEntry, family: string, suffix: string): number | undefined {
  const id = parseJavaInteger(suffix, 'long');
  if (id === undefined) {
    report.add('error', `${family}-id`, t("'{0}' is not a number: {1} lines are {1}.<number>, and ZooKeeper refuses to start otherwise.", suffix, family), entry.keyRange);
  } else if (id < 0) {
    report.add('warning', `${family}-id`, t('{0} ids are positive numbers.', family), entry.keyRange);
  }
  return id;
}

function checkIdRanges(settings: Settings, report: Reporter, servers: readonly ServerEntry[]): void {
  const extended = settings.flag('extendedTypesEnabled');
  for (const { entry, id } of servers) {
    if (id === undefined || id < 0) continue;
    if (extended && id >= 255) {
      report.add('warning', 'server-id', t('With extendedTypesEnabled=true server ids must be below 255 (this one is {0}).', id), entry.keyRange);
    } else if (id === 0 || id > 255) {
      report.add('warning', 'server-id', t('Server ids (the number in myid) should be between 1 and 255; this one is {0}.', id), entry.keyRange);
    }
  }
}

function checkDuplicateIds(report: Reporter, servers: readonly ServerEntry[]): void {
  const byId = new Map<number, ServerEntry[]>();
  for (const server of servers) {
    if (server.id === undefined) continue;
    byId.set(server.id, [...(byId.get(server.id) ?? []), server]);
  }
  for (const [id, same] of byId) {
    const keys = new Set(same.map((s) => s.entry.key));
    if (keys.size < 2) continue; // the same key twice is reported as a duplicate key
    for (const server of same) {
      const others = same.filter((s) => s !== server);
      report.add(
        'warning',
        'duplicate-server-id',
        t('{0} and {1} are the same server id {2}: only one of them is used.', server.entry.key, others.map((s) => s.entry.key).join(', '), id),
        server.entry.keyRange,
        undefined,
        others.map((s) => ({ range: s.entry.keyRange, message: t('{0} is also server {1}', s.entry.key, id) })),
      );
    }
  }
}

function checkQuorum(settings: Settings, report: Reporter, servers: readonly ServerEntry[]): void {
  const standalone = settings.value('standaloneEnabled')?.toLowerCase() !== 'false';
  const participants = servers.filter((s) => s.line.role === 'participant');
  const observers = servers.filter((s) => s.line.role === 'observer');
  if (participants.length === 0) {
    for (const s of observers) report.add('error', 'observers-only', t('Observers need participants: ZooKeeper refuses a configuration with only observers.'), s.entry.keyRange);
    const flag = settings.get('standaloneEnabled');
    if (!standalone && flag) {
      report.add('error', 'no-participants', t('standaloneEnabled=false needs at least one participant server line: ZooKeeper refuses to start.'), flag.keyRange);
    }
  } else if (participants.length === 1 && standalone) {
    const only = participants[0].entry;
    if (observers.length > 0) {
      report.add('error', 'observers-only', t('Observers need a quorum, but there is only one participant: ZooKeeper refuses this configuration (or set standaloneEnabled=false).'), only.keyRange);
    } else {
      report.add('warning', 'single-server', t('Only one participant: ZooKeeper ignores the server lines and runs standalone. Set standaloneEnabled=false to run a one-member ensemble.'), only.keyRange);
    }
  } else if (participants.length === 2) {
    report.add('warning', 'quorum-size', t('Two participants tolerate no failure (both are needed for a majority): use three.'), participants[0].entry.keyRange);
  } else if (participants.length > 2 && participants.length % 2 === 0) {
    report.add('information', 'quorum-size', t('{0} participants tolerate no more failures than {1}: an odd number is the usual choice.', participants.length, participants.length - 1), participants[0].entry.keyRange);
  }
  const distributed = participants.length > 1 || (!standalone && participants.length > 0);
  if (distributed) checkLimits(settings, report, participants[0].entry);
}

function checkLimits(settings: Settings, report: Reporter, anchor: ConfigEntry): void {
  for (const key of ['initLimit', 'syncLimit']) {
    const entry = settings.get(key);
    if (!entry) {
      report.add('error', 'missing-limit', t('{0} is not set: a replicated ensemble needs it, and ZooKeeper refuses to start without it.', key), anchor.keyRange);
    } else if (settings.int(key) === 0) {
      report.add('error', 'missing-limit', t('{0}=0 counts as not set: ZooKeeper refuses to start. Give it a number of ticks.', key), issueRange(entry, {}));
    }
  }
}

function checkHierarchy(report: Reporter, servers: readonly ServerEntry[], groups: readonly ConfigEntry[]): void {
  const serverIds = new Set(servers.map((s) => s.id));
  const grouped = new Map<number, ConfigEntry>();
  for (const entry of groups) {
    for (const piece of javaSplit({ text: entry.value, start: 0 }, ':')) {
      const sid = parseJavaInteger(piece.text, 'long');
      if (sid === undefined) {
        numberIssue(report, entry, piece.text, piece.start, t('group member'));
        continue;
      }
      const earlier = grouped.get(sid);
      const range = issueRange(entry, spanOf(piece));
      if (earlier) {
        const related: Related[] = [{ range: earlier.keyRange, message: t('{0} also lists server {1}', earlier.key, sid) }];
        report.add('error', 'group-overlap', t('Server {0} is already in {1}: groups must be disjoint, and ZooKeeper refuses to start.', sid, earlier.key), range, undefined, related);
      } else {
        grouped.set(sid, entry);
        if (!serverIds.has(sid)) report.add('warning', 'group-member', t('Server {0} has no server.{0} line.', sid), range);
      }
    }
  }
  for (const { entry, id, line } of servers) {
    if (id !== undefined && line.role === 'participant' && !grouped.has(id)) {
      report.add('error', 'ungrouped-server', t('With group.x lines, every participant needs a group: {0} is in none, and ZooKeeper refuses to start.', entry.key), entry.keyRange);
    }
  }
}

function numberIssue(report: Reporter, entry: ConfigEntry, text: string, start: number, what: string): void {
  const trimmed = text.trim();
  const message =
    parseJavaInteger(trimmed, 'long') !== undefined
      ? t('Whitespace around {0} {1}: ZooKeeper does not trim this line, so the number does not parse.', what, trimmed)
      : t("'{0}' is not a {1} number: ZooKeeper refuses to start.", text, what);
  report.add('error', 'invalid-value', message, issueRange(entry, { from: start, to: start + text.length }));
}
