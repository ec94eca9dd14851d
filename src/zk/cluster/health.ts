// The alert rules of ZooKeeper's monitoring guide, each turned into a sentence an operator can act
// on. Pure: the probe gives the reports and a small memory of earlier probes (to see an election
// happen between two polls), the rules give warnings.
import type { ClusterWarning, ServerReport } from './types';
import { t } from '../l10n';

export const THRESHOLDS = {
  znodes: 1_000_000,
  watches: 10_000,
  openFileDescriptors: 300,
  avgLatencyMs: 100,
  /** An election within this long counts as recent. */
  recentElectionMs: 5 * 60_000,
  /** A follower further behind the leader than this many transactions is out of sync. */
  zxidLag: 1000,
} as const;

/** What the probe remembers between polls. */
export interface ProbeHistory {
  leader?: string;
  /** When a change of leader was last seen between two probes. */
  leaderChangedAt?: number;
  previousLeader?: string;
}

const count = (n: number): string => n.toLocaleString('en-US');

function ago(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 120 ? t('{0} s', seconds) : t('{0} min', Math.round(seconds / 60));
}

/** The line for zoo.cfg that allows the words the probe needs, keeping srvr (ZooKeeper's default). */
export function whitelistLine(words: readonly string[]): string {
  return `4lw.commands.whitelist=${[...new Set(['srvr', 'mntr', 'conf', ...words])].join(',')}`;
}

/** Every warning for one probe of an ensemble. Updates `history` with this probe's leader. */
export function assessCluster(servers: readonly ServerReport[], history: ProbeHistory, now: number): ClusterWarning[] {
  const warnings: ClusterWarning[] = [];
  const serving = servers.filter((s) => s.state === 'serving');

  for (const s of servers) {
    const m = s.metrics;
    if (s.state === 'unreachable') {
      warnings.push({ server: s.address, code: 'unreachable', message: t('{0} is unreachable: {1}.', s.address, s.reason ?? t('no answer')) });
      continue;
    }
    if (s.state === 'not serving') {
      warnings.push({ server: s.address, code: 'notServing', message: t('{0} does not serve clients: {1}. Its clients move to other servers.', s.address, s.reason ?? t('unknown why')) });
    }
    if (s.notAllowed?.length) {
      warnings.push({
        server: s.address,
        code: 'notAllowed',
        message:
          s.notAllowed.length > 1
            ? t('{0} does not allow the four-letter words {1} (not an error: ZooKeeper allows only srvr by default), so some figures are missing. Not allowed: add {2} to its zoo.cfg, or turn on its AdminServer.', s.address, s.notAllowed.join(', '), `\`${whitelistLine(s.notAllowed)}\``)
            : t('{0} does not allow the four-letter word {1} (not an error: ZooKeeper allows only srvr by default), so some figures are missing. Not allowed: add {2} to its zoo.cfg, or turn on its AdminServer.', s.address, s.notAllowed.join(', '), `\`${whitelistLine(s.notAllowed)}\``),
      });
    }
    if (m.znodes !== undefined && m.znodes > THRESHOLDS.znodes) {
      warnings.push({
        server: s.address,
        code: 'znodeCount',
        message: t("{0} holds {1} znodes, over the {2} the monitoring guide warns at: every znode lives in every server's memory and in every snapshot; look for nodes a client creates and never deletes.", s.address, count(m.znodes), count(THRESHOLDS.znodes)),
      });
    }
    if (m.watches !== undefined && m.watches > THRESHOLDS.watches) {
      warnings.push({
        server: s.address,
        code: 'watchCount',
        message: t('{0} holds {1} watches, over {2}: each change is sent to every watcher, so one write can flood the clients; a client may set a watch on every read.', s.address, count(m.watches), count(THRESHOLDS.watches)),
      });
    }
    if (m.openFileDescriptors !== undefined && m.openFileDescriptors > THRESHOLDS.openFileDescriptors) {
      warnings.push({
        server: s.address,
        code: 'openFileDescriptors',
        message: t(
          '{0} has {1} open file descriptors, over {2}{3}: every client connection holds one; a client may be leaking connections, and at the limit new clients are refused.',
          s.address,
          count(m.openFileDescriptors),
          THRESHOLDS.openFileDescriptors,
          m.maxFileDescriptors ? ` ${t('(its limit is {0})', count(m.maxFileDescriptors))}` : '',
        ),
      });
    }
    if (m.avgLatency !== undefined && m.avgLatency > THRESHOLDS.avgLatencyMs) {
      warnings.push({
        server: s.address,
        code: 'avgLatency',
        message: t('{0} answers in {1} ms on average, over {2} ms: clients wait and sessions may time out; a slow disk (fsync), swapping or long garbage-collection pauses are the usual causes.', s.address, m.avgLatency, THRESHOLDS.avgLatencyMs),
      });
    }
    if ((s.role === 'follower' || s.role === 'observer') && s.state === 'serving') {
      const syncing = s.peerState !== undefined && !/broadcast/.test(s.peerState);
      const behind = m.zxidBehindLeader !== undefined && m.zxidBehindLeader > THRESHOLDS.zxidLag;
      if (syncing || behind) {
        warnings.push({
          server: s.address,
          code: 'followerOutOfSync',
          message: t('{0} is out of sync with the leader ({1}): its clients read older data until it catches up.', s.address, syncing ? t('Zab state "{0}"', s.peerState ?? '') : t('{0} transactions behind', count(m.zxidBehindLeader ?? 0))),
        });
      }
    }
    if (s.role === 'leader' && s.state === 'serving') {
      const voters = s.membership?.filter((k) => k.endsWith(':participant')).length;
      const followers = voters !== undefined && voters > 0 ? voters - 1 : undefined;
      if (followers !== undefined && m.syncedFollowers !== undefined && m.syncedFollowers < followers) {
        warnings.push({
          server: s.address,
          code: 'followerOutOfSync',
          message: t('The leader {0} has {1} of {2} followers in sync: the others are down or still catching up, so the ensemble can lose fewer servers before it stops.', s.address, m.syncedFollowers, followers),
        });
      }
    }
  }

  // Two ensembles mixed in one connect string: several leaders, several standalone servers, a
  // standalone server next to an ensemble, servers that name different leaders or members.
  const mixed = (message: string): void => {
    warnings.push({ code: 'mixedEnsembles', message });
  };
  const leaders = serving.filter((s) => s.role === 'leader');
  const standalone = serving.filter((s) => s.role === 'standalone');
  const ensembleMembers = serving.filter((s) => s.role !== 'standalone');
  if (leaders.length > 1) {
    mixed(t('{0} each say they lead: the connect string mixes servers of {1} ensembles, and a client sees a different tree depending on the server it lands on. Fix the connect string.', leaders.map((s) => s.address).join(t(' and ')), leaders.length));
  } else if (standalone.length > 1) {
    mixed(t('{0} are separate standalone servers, each with its own data: the connect string mixes them, and a client sees a different tree depending on the server it lands on. Fix the connect string.', standalone.map((s) => s.address).join(t(' and '))));
  } else if (standalone.length === 1 && ensembleMembers.length > 0) {
    mixed(t('{0} is a standalone server, but {1} belongs to an ensemble: the connect string mixes them, and a client sees a different tree depending on the server it lands on.', standalone[0].address, ensembleMembers[0].address));
  } else {
    const views = new Map<string, string[]>();
    for (const s of serving) {
      if (!s.membership || s.membership.length === 0) continue;
      const key = s.membership.join(',');
      views.set(key, [...(views.get(key) ?? []), s.address]);
    }
    const leaderIds = new Set(serving.filter((s) => s.leaderId !== undefined).map((s) => s.leaderId));
    if (views.size > 1) {
      const groups = [...views.values()].map((g) => g.join(', '));
      mixed(t("The servers disagree on the ensemble's members ({0}): the connect string spans two ensembles, or a reconfiguration has not reached every server.", groups.map((g) => `{${g}}`).join(' vs ')));
    } else if (leaderIds.size > 1) {
      mixed(t('The servers name different leaders (myid {0}): the connect string spans two ensembles, or an election is settling.', [...leaderIds].join(t(' and '))));
    }
  }

  const memberCount = servers.filter((s) => s.role !== 'standalone').length;
  if (leaders.length === 0 && standalone.length === 0 && memberCount > 0 && servers.some((s) => s.state !== 'unreachable')) {
    warnings.push({ code: 'noLeader', message: t('No server says it leads: the ensemble has no quorum or an election is running, and no client can write.') });
  }

  // A quorum member restarts its server (and its uptime) when it joins a new leader, so a short
  // uptime dates the last election: one warning for the ensemble, on the leader's row when known.
  const leader = leaders.length === 1 ? leaders[0].address : undefined;
  const joined = serving.filter((s) => (s.role === 'leader' || s.role === 'follower' || s.role === 'observer') && s.metrics.uptimeMs !== undefined);
  const newest = Math.min(...joined.map((s) => s.metrics.uptimeMs!));
  if (joined.length > 0 && newest < THRESHOLDS.recentElectionMs) {
    const leaderUptime = leaders.length === 1 ? leaders[0].metrics.uptimeMs : undefined;
    warnings.push({
      ...(leader ? { server: leader } : {}),
      code: 'recentElection',
      message:
        leaderUptime !== undefined && leaderUptime < THRESHOLDS.recentElectionMs
          ? t('A leader election happened in the last 5 minutes (the leader has led for {0}). Elections stop writes while they run; frequent ones mean servers lose contact (network, GC pauses, a slow disk).', ago(leaderUptime))
          : // A follower's uptime alone cannot tell an election from that follower restarting.
            t('A server (re)joined its leader {0} ago: a leader election in the last 5 minutes, or that server restarted. Frequent elections mean servers lose contact (network, GC pauses, a slow disk).', ago(newest)),
    });
  }

  // An election seen between two probes (the leader changed) counts too, even if uptimes are long.
  if (leader && history.leader && leader !== history.leader) {
    history.leaderChangedAt = now;
    history.previousLeader = history.leader;
  }
  if (leader) history.leader = leader;
  if (history.leaderChangedAt !== undefined && now - history.leaderChangedAt < THRESHOLDS.recentElectionMs && !warnings.some((w) => w.code === 'recentElection')) {
    warnings.push({
      server: leader,
      code: 'recentElection',
      message: t('The leader changed from {0} to {1} {2} ago: a leader election happened in the last 5 minutes.', history.previousLeader ?? '?', leader ?? t('none'), ago(now - history.leaderChangedAt)),
    });
  }
  return warnings;
}
