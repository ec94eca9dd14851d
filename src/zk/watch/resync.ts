import type { ConnectionState } from '../client';
import { errorMessage } from '../errors';
import { NOOP, type WatchEngine } from './engine';
import type { ActiveWatch } from './nodeState';
import { t } from '../l10n';

/** Paths named in a notice about changes found after a reconnect or a new session. */
const NOTICE_PATHS = 5;

/**
 * After a reconnect and after a new session, every watched node is read again (behind the client's
 * own re-added watches) and differences are reported as 'reconnect' or 'session', with one notice
 * that says how many watched nodes changed meanwhile.
 */
export class Resync {
  private sessionLost = false;

  constructor(private readonly engine: WatchEngine) {}

  onStateChange(state: ConnectionState, previous: ConnectionState): void {
    const { engine } = this;
    if (engine.disposed || engine.watches.size === 0) {
      if (state === 'expired') this.sessionLost = true;
      return;
    }
    if (state === 'suspended' && (previous === 'connected' || previous === 'readOnly')) {
      engine.notice('info', t('Lost the connection to ZooKeeper: watch events pause until it is back. Changes made meanwhile are reported when it returns.'));
    } else if (state === 'expired') {
      this.sessionLost = true;
      engine.notice('warning', t('The ZooKeeper session expired, and with it every watch it held. A new session is being set up; the watches will be set again on it.'), 'session');
    } else if ((state === 'connected' || state === 'readOnly') && previous === 'suspended' && !this.sessionLost) {
      // The client re-adds its persistent watches right after this state change: queue the re-reads behind them.
      queueMicrotask(() => void this.run('reconnect'));
    }
  }

  /** The client re-added its persistent watches on the new session just before telling us: read behind them. */
  onSessionRenewed(): void {
    this.sessionLost = false;
    void this.run('session');
  }

  /** Reads every watched node again and reports what changed while the connection or the session was gone. */
  private async run(reason: 'reconnect' | 'session'): Promise<void> {
    const { engine } = this;
    const watches = [...engine.watches.values()].filter((w) => !w.disposed);
    if (engine.disposed || watches.length === 0) return;
    const changed = new Set<string>();
    engine.changedDuring.set(reason, changed);
    // One-shot watches are set again by the client itself on reconnect (SetWatches with the last zxid it saw):
    // the server answers at once with events for what changed meanwhile. They count as changed meanwhile too.
    const replayed = reason === 'reconnect' && engine.mode.arms;
    if (replayed) engine.changedDuring.set('event', changed);
    const failures: string[] = [];
    try {
      await Promise.all(
        watches.map(async (w) => {
          try {
            await w.ready.catch(NOOP);
            await this.resyncWatch(w, reason);
          } catch (error) {
            failures.push(`${w.root}: ${errorMessage(error)}`);
          }
        }),
      );
    } finally {
      if (engine.changedDuring.get(reason) === changed) engine.changedDuring.delete(reason);
      if (replayed && engine.changedDuring.get('event') === changed) engine.changedDuring.delete('event');
    }
    if (engine.disposed) return;
    const state = engine.client.state;
    if (state !== 'connected' && state !== 'readOnly') return; // gone again: the next reconnect reads again
    const total = engine.watchedNodeCount;
    const paths = [...changed];
    const more = paths.length > NOTICE_PATHS ? t(', and {0} more', paths.length - NOTICE_PATHS) : '';
    const list = paths.length > 0 ? t(': {0}', `${paths.slice(0, NOTICE_PATHS).join(', ')}${more}`) : '';
    const count = total.toLocaleString('en-US');
    const what =
      reason === 'reconnect'
        ? `${t('Reconnected to ZooKeeper ({0}, the same session); the watches are in place again.', engine.client.describeSession())} ` +
          (total === 1
            ? t('{0} of {1} watched node changed while the connection was down{2}.', paths.length, count, list)
            : t('{0} of {1} watched nodes changed while the connection was down{2}.', paths.length, count, list))
        : `${t('A new ZooKeeper session ({0}) replaced the expired one, and every watch is set again on it.', engine.client.describeSession())} ` +
          (total === 1
            ? t('{0} of {1} watched node changed while the session was gone{2}.', paths.length, count, list)
            : t('{0} of {1} watched nodes changed while the session was gone{2}.', paths.length, count, list));
    const failed = failures.length > 0 ? ` ${t('Could not read again: {0}.', failures.join('; '))}` : '';
    // After an expiry the summary is part of it (see WatchNotice.about), unless a watch could not be set again.
    engine.notice(reason === 'session' || failures.length > 0 ? 'warning' : 'info', what + failed, reason === 'session' && failures.length === 0 ? 'session' : undefined);
  }

  private async resyncWatch(w: ActiveWatch, reason: 'reconnect' | 'session'): Promise<void> {
    const { engine } = this;
    if (w.disposed) return;
    if (w.spec.kind === 'subtree') await engine.mode.resyncSubtree(w, reason);
    else await engine.readNode(w, engine.node(w, w.root), reason);
  }
}
