import type { ServerEntry } from './ensemble';
import { issueRange, type Reporter } from './report';
import type { Settings } from './settings';
import { t } from '../../zk/l10n';

const DEFAULT_TICK_TIME = 3000;

/** Rules about settings taken together, mirroring what QuorumPeerConfig refuses or warns about. */
export function checkSettings(settings: Settings, report: Reporter, servers: readonly ServerEntry[]): void {
  if (!settings.get('dataDir')) {
    report.add('error', 'missing-datadir', t('dataDir is not set: ZooKeeper refuses to start without a data directory.'), settings.top());
  }
  const tick = checkTickTime(settings, report);
  if (tick !== undefined) {
    checkLimitTimes(settings, report, tick);
    checkSessionTimeouts(settings, report, tick);
  }
  checkAddressNeedsPort(settings, report, 'clientPortAddress', 'clientPort');
  checkAddressNeedsPort(settings, report, 'secureClientPortAddress', 'secureClientPort');
  checkQuorumSasl(settings, report);
  checkTlsFactory(settings, report);
  checkClientPortPresent(settings, report, servers);
  checkDirectories(settings, report);
  const retain = settings.get('autopurge.snapRetainCount');
  const count = settings.int('autopurge.snapRetainCount');
  if (retain && count !== undefined && count < 3) {
    report.add('warning', 'snap-retain', t('autopurge.snapRetainCount is at least 3: ZooKeeper raises {0} to 3.', count), issueRange(retain, {}));
  }
}

/** The tick length in use, or undefined when the value is unusable (reported elsewhere). */
function checkTickTime(settings: Settings, report: Reporter): number | undefined {
  const entry = settings.get('tickTime');
  if (!entry) {
    report.add(
      'warning',
      'missing-ticktime',
      t('tickTime is not set: ZooKeeper falls back to {0} ms. Set it explicitly (2000 is usual); initLimit, syncLimit and the session timeout bounds are counted in ticks.', DEFAULT_TICK_TIME),
      settings.top(),
    );
    return DEFAULT_TICK_TIME;
  }
  const tick = settings.int('tickTime');
  if (tick === undefined) return undefined;
  if (tick <= 0) {
    const message = tick === 0 ? t('tickTime=0 counts as not set: ZooKeeper refuses to start.') : t('tickTime must be a positive number of milliseconds.');
    report.add('error', 'ticktime', message, issueRange(entry, {}));
    return undefined;
  }
  return tick;
}

function checkLimitTimes(settings: Settings, report: Reporter, tick: number): void {
  const init = settings.int('initLimit');
  const sync = settings.int('syncLimit');
  const initEntry = settings.get('initLimit');
  const syncEntry = settings.get('syncLimit');
  if (initEntry && init !== undefined && init > 0) {
    const ms = init * tick;
    if (ms < 2000) {
      report.add('warning', 'init-limit', t('initLimit × tickTime is only {0} ms: followers get under 2 seconds to connect and sync with the leader.', ms), issueRange(initEntry, {}));
    } else if (ms > 600_000) {
      report.add('warning', 'init-limit', t('initLimit × tickTime is {0}: a follower that cannot sync keeps the ensemble waiting that long.', formatDuration(ms)), issueRange(initEntry, {}));
    }
  }
  if (syncEntry && init !== undefined && sync !== undefined && init > 0 && sync > init) {
    report.add(
      'warning',
      'sync-limit',
      t('syncLimit ({0} ticks) is larger than initLimit ({1} ticks): followers would get longer to keep up than to sync in the first place.', sync, init),
      issueRange(syncEntry, {}),
    );
  }
}

function checkSessionTimeouts(settings: Settings, report: Reporter, tick: number): void {
  const minEntry = settings.get('minSessionTimeout');
  const maxEntry = settings.get('maxSessionTimeout');
  const min = settings.int('minSessionTimeout');
  const max = settings.int('maxSessionTimeout');
  // An unreadable value is reported by its type check; -1 means "use the default".
  if ((minEntry && min === undefined) || (maxEntry && max === undefined)) return;
  const explicitMin = min === undefined || min === -1 ? undefined : min;
  const explicitMax = max === undefined || max === -1 ? undefined : max;
  const effectiveMin = explicitMin ?? 2 * tick;
  const effectiveMax = explicitMax ?? 20 * tick;
  if (effectiveMin > effectiveMax) {
    const minText = explicitMin !== undefined ? t('{0} ms', effectiveMin) : t('{0} ms, 2 × tickTime by default', effectiveMin);
    const maxText = explicitMax !== undefined ? t('{0} ms', effectiveMax) : t('{0} ms, 20 × tickTime by default', effectiveMax);
    const message = t('The minimum session timeout ({0}) is larger than the maximum ({1}): ZooKeeper refuses to start.', minText, maxText);
    for (const entry of [minEntry, maxEntry]) if (entry) report.add('error', 'session-timeout', message, issueRange(entry, {}));
    return;
  }
  if (minEntry && explicitMin !== undefined && explicitMin < 2 * tick) {
    report.add('warning', 'session-timeout', t('minSessionTimeout {0} ms is below 2 ticks ({1} ms): a session could expire between two heartbeats.', explicitMin, 2 * tick), issueRange(minEntry, {}));
  }
  if (maxEntry && explicitMax !== undefined && explicitMax > 20 * tick) {
    report.add(
      'information',
      'session-timeout',
      t("maxSessionTimeout {0} ms is above the default of 20 ticks ({1} ms): a crashed client's session and ephemeral nodes may linger up to {2}.", explicitMax, 20 * tick, formatDuration(explicitMax)),
      issueRange(maxEntry, {}),
    );
  }
}

function checkAddressNeedsPort(settings: Settings, report: Reporter, addressKey: string, portKey: string): void {
  const address = settings.get(addressKey);
  if (address && !(settings.int(portKey) ?? 0)) {
    report.add('error', 'address-without-port', t('{0} is set but {1} is not: ZooKeeper refuses to start.', addressKey, portKey), address.keyRange);
  }
}

function checkQuorumSasl(settings: Settings, report: Reporter): void {
  const enabled = settings.flag('quorum.auth.enableSasl');
  const learner = settings.flag('quorum.auth.learnerRequireSasl');
  const server = settings.flag('quorum.auth.serverRequireSasl');
  const at = (key: string): void => {
    const entry = settings.get(key);
    if (entry) report.add('error', 'quorum-sasl', t('{0}=true needs {1}: ZooKeeper refuses to start.', key, needs(key)), issueRange(entry, {}));
  };
  const needs = (key: string): string =>
    key === 'quorum.auth.serverRequireSasl' && enabled ? 'quorum.auth.learnerRequireSasl=true' : 'quorum.auth.enableSasl=true';
  if (learner && !enabled) at('quorum.auth.learnerRequireSasl');
  if (server && (!enabled || !learner)) at('quorum.auth.serverRequireSasl');
}

function checkTlsFactory(settings: Settings, report: Reporter): void {
  if (settings.value('serverCnxnFactory')?.endsWith('NettyServerCnxnFactory')) return;
  const secure = settings.get('secureClientPort');
  const unified = settings.get('client.portUnification');
  const at = secure && (settings.int('secureClientPort') ?? 0) > 0 ? secure : unified && settings.flag('client.portUnification') ? unified : undefined;
  if (at) {
    report.add(
      'warning',
      'tls-factory',
      t('TLS client connections need serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory: the default NIO factory cannot serve TLS.'),
      at.keyRange,
    );
  }
}

function checkClientPortPresent(settings: Settings, report: Reporter, servers: readonly ServerEntry[]): void {
  if (settings.get('dynamicConfigFile')) return;
  if ((settings.int('clientPort') ?? 0) > 0 || (settings.int('secureClientPort') ?? 0) > 0) return;
  if (servers.some((s) => s.line.client)) return;
  if (settings.get('clientPort') && settings.int('clientPort') === undefined) return;
  report.add('warning', 'no-client-port', t('No client port is configured (clientPort, secureClientPort or ;port on the server lines): clients cannot connect.'), settings.top());
}

function checkDirectories(settings: Settings, report: Reporter): void {
  const dataDir = settings.value('dataDir');
  const logEntry = settings.get('dataLogDir');
  if (!logEntry || !dataDir) return;
  const same = (path: string): string => path.replace(/[/\\]+$/, '');
  if (same(logEntry.value.trim()) === same(dataDir)) {
    report.add('information', 'same-dirs', t('dataLogDir is the same as dataDir, which is the default anyway: put the transaction log on a dedicated device for steady latency, or drop the line.'), issueRange(logEntry, {}));
  }
}

function formatDuration(ms: number): string {
  if (ms < 60_000) return t('{0} s', ms / 1000);
  const minutes = ms / 60_000;
  return t('{0} min', Number.isInteger(minutes) ? minutes : minutes.toFixed(1));
}
