import { parseSequence } from '../zk/paths';
import { t } from '../zk/l10n';
import { formatHex64, isEphemeral, type ZnodeStat } from '../zk/stat';

/**
 * What a stat can honestly say about a node's kind. ZooKeeper reports container and TTL nodes with
 * ephemeralOwner 0, exactly like persistent ones (its DataNode hides their markers from clients;
 * a unit test checks this against the real server), so a non-ephemeral node is not called
 * "persistent" outright.
 */
export function znodeKind(name: string, stat: ZnodeStat): string {
  const sequential = parseSequence(name) !== undefined;
  if (isEphemeral(stat)) return sequential ? t('ephemeral sequential') : t('ephemeral');
  return sequential
    ? t('persistent sequential (or container/TTL: the server reports those alike)')
    : t('persistent (or container/TTL: the server reports those alike)');
}

function date(ms: number): string {
  // The root and /zookeeper were never created by a transaction: their times are 0.
  return ms === 0 ? t('never') : new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
}

/**
 * The stat lines of a row's tooltip (two, three for an ephemeral node), so the hover stays small and does not cover the rows
 * around it. Every field is in Show Stat.
 */
export function describeStatBriefly(stat: ZnodeStat): string[] {
  const children = stat.numChildren === 1 ? t('1 child') : t('{0} children', stat.numChildren.toLocaleString('en-US'));
  const lines = [`v${stat.version} · ${stat.dataLength.toLocaleString('en-US')} B · ${children}`, t('modified {0}', date(stat.mtime))];
  if (isEphemeral(stat)) lines.push(t('owner session {0}', formatHex64(stat.ephemeralOwner)));
  return lines;
}
