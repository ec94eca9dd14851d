import * as assert from 'node:assert/strict';
import { Emitter } from '../../../../src/zk/events';
import { EventLog, type EventLogChange, type LoggedWatchEvent } from '../../../../src/zk/watch/eventLog';
import type { WatchCapture, WatchEventRecord, WatchEventType } from '../../../../src/zk/watch/types';

let seq = 0;
function entry(path: string, type: WatchEventType = 'dataChanged', extra: Partial<LoggedWatchEvent> = {}): LoggedWatchEvent {
  seq++;
  return { seq, time: 1700000000000 + seq, type, path, watch: { path: '/', kind: 'subtree' }, detectedBy: 'event', connection: 'local', ...extra };
}
const bytes = (n: number): Uint8Array => new Uint8Array(n);
const paths = (log: EventLog): string[] => log.entries().map((e) => e.path);
/** Lets the log's coalescing timer run. */
const tick = (ms = 40): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('EventLog', () => {
  const logs: EventLog[] = [];
  const make = (capacity: number, options?: ConstructorParameters<typeof EventLog>[1]): EventLog => {
    const log = new EventLog(capacity, options);
    logs.push(log);
    return log;
  };
  afterEach(() => {
    for (const log of logs.splice(0)) log.dispose();
  });

  it('keeps the newest entries, newest first, and counts what it dropped', () => {
    const log = make(3);
    for (const p of ['/a', '/b', '/c']) log.push(entry(p));
    assert.deepEqual(paths(log), ['/c', '/b', '/a']);
    assert.equal(log.dropped, 0);
    log.push(entry('/d'));
    log.push(entry('/e'));
    assert.deepEqual(paths(log), ['/e', '/d', '/c']);
    assert.deepEqual([log.size, log.capacity, log.dropped, log.received], [3, 3, 2, 5]);
  });

  it('a storm of 100,000 entries holds only its capacity and says how many it dropped', () => {
    const log = make(1000);
    for (let i = 0; i < 100000; i++) log.push(entry(`/storm/n${i % 100}`));
    assert.equal(log.size, 1000);
    assert.equal(log.dropped, 99000);
    assert.equal(log.size + log.dropped, log.received);
    assert.equal(log.entries()[0].seq, seq, 'the newest is first');
    assert.ok(log.bytes < 1000 * 400, `about 300 bytes an entry without data: ${log.bytes}`);
  });

  it('filters by a part of the path and by types, newest first', () => {
    const log = make(10);
    log.push(entry('/app/config', 'dataChanged'));
    log.push(entry('/app/locks', 'childrenChanged', { added: ['l1'], removed: [] }));
    log.push(entry('/other/config', 'deleted'));
    log.push(entry('/app/config', 'created'));
    assert.deepEqual(log.filter({ path: 'config' }).map((e) => `${e.type} ${e.path}`), ['created /app/config', 'deleted /other/config', 'dataChanged /app/config']);
    assert.deepEqual(log.filter({ types: ['childrenChanged', 'deleted'] }).map((e) => e.path), ['/other/config', '/app/locks']);
    assert.deepEqual(log.filter({ path: '/app', types: ['created'] }).map((e) => e.type), ['created']);
    assert.equal(log.filter({}).length, 4);
    assert.equal(log.filter({ path: '', types: [] }).length, 4);
  });

  it('resize keeps the newest and counts the cut ones as dropped; growing keeps everything', () => {
    const log = make(5);
    for (const p of ['/1', '/2', '/3', '/4', '/5']) log.push(entry(p));
    log.resize(2);
    assert.deepEqual(paths(log), ['/5', '/4']);
    assert.equal(log.dropped, 3);
    log.resize(4);
    log.push(entry('/6'));
    log.push(entry('/7'));
    assert.deepEqual(paths(log), ['/7', '/6', '/5', '/4']);
    log.push(entry('/8'));
    assert.deepEqual(paths(log), ['/8', '/7', '/6', '/5']);
    assert.equal(log.dropped, 4);
    log.resize(0);
    assert.equal(log.capacity, 1, 'at least one');
    assert.deepEqual(paths(log), ['/8']);
  });

  it('clear empties the log and resets the counts', () => {
    const log = make(2);
    for (const p of ['/a', '/b', '/c']) log.push(entry(p, 'dataChanged', { after: { version: 1, data: bytes(10) } }));
    log.clear();
    assert.deepEqual([log.size, log.dropped, log.received, log.dataBytes, log.bytes], [0, 0, 0, 0, 0]);
    log.push(entry('/d'));
    assert.deepEqual(paths(log), ['/d']);
  });

  it('notifies once for a burst, with the totals of what happened', async () => {
    const log = make(100);
    const changes: EventLogChange[] = [];
    log.onDidChange((change) => changes.push(change));
    for (let i = 0; i < 10000; i++) log.push(entry(`/n${i}`));
    assert.equal(changes.length, 0, 'not synchronously');
    await tick();
    assert.deepEqual(changes, [{ added: 10000, dropped: 9900, updated: 0, cleared: false }]);
    log.push(entry('/later'));
    log.clear();
    await tick();
    assert.equal(changes.length, 2);
    assert.deepEqual(changes[1], { added: 1, dropped: 1, updated: 0, cleared: true });
    await tick();
    assert.equal(changes.length, 2, 'nothing more without changes');
  });

  it('gives an entry the data captured after it was logged, also found among entries of several connections', async () => {
    const log = make(5);
    const first = entry('/a', 'dataChanged', { before: { version: 0, data: bytes(3) }, after: { version: 1 } });
    log.push(first);
    log.push(entry('/b', 'dataChanged', { connection: 'other' }));
    const changes: EventLogChange[] = [];
    log.onDidChange((change) => changes.push(change));
    assert.ok(log.applyCapture({ seq: first.seq, path: '/a', after: { version: 1, data: bytes(7) } }));
    const logged = log.entries().find((e) => e.seq === first.seq)!;
    assert.equal(logged.after?.data?.length, 7);
    assert.equal(logged.before?.data?.length, 3);
    assert.equal(log.dataBytes, 10);
    assert.equal(log.applyCapture({ seq: 999999, path: '/a', after: { version: 1, data: bytes(1) } }), false, 'not in the log');
    assert.equal(log.applyCapture({ seq: first.seq, path: '/wrong', after: { version: 1, data: bytes(1) } }), false, 'a different path');
    for (let i = 0; i < 5; i++) log.push(entry('/push-out'));
    assert.equal(log.applyCapture({ seq: first.seq, path: '/a', after: { version: 1, data: bytes(1) } }), false, 'dropped meanwhile');
    assert.equal(log.dataBytes, 0);
    await tick();
    assert.equal(changes[0].updated, 1);
  });

  it('keeps captured data within its budget by letting go of the data of the oldest entries first', () => {
    const log = make(100, { maxDataBytes: 1000 });
    for (let i = 0; i < 10; i++) log.push(entry(`/n${i}`, 'dataChanged', { before: { version: i, data: bytes(100) }, after: { version: i + 1, data: bytes(100) } }));
    assert.ok(log.dataBytes <= 1000, `${log.dataBytes}`);
    const newestFirst = log.entries();
    assert.equal(newestFirst.length, 10, 'no entry is dropped for its data');
    assert.ok(newestFirst[0].after?.data, 'the newest keep their data');
    assert.equal(newestFirst[9].after?.data, undefined, 'the oldest lost theirs');
    assert.equal(newestFirst[9].after?.version, 10 - 9, 'but keep their versions');
    assert.equal(log.dataStripped, 5);
    // A capture for an entry whose data was let go stays without data.
    assert.ok(log.applyCapture({ seq: newestFirst[9].seq, path: newestFirst[9].path, after: { version: 1, data: bytes(500) } }));
    assert.equal(log.entries()[9].after?.data, undefined);
    assert.ok(log.dataBytes <= 1000);
  });

  it('counts children names in its memory estimate', () => {
    const log = make(10);
    log.push(entry('/p', 'childrenChanged', { added: [], removed: [] }));
    const small = log.bytes;
    log.push(entry('/p', 'childrenChanged', { added: Array.from({ length: 1000 }, (_, i) => `member-${i}`), removed: [] }));
    assert.ok(log.bytes - small > 1000 * 16, `${log.bytes - small}`);
  });

  it('attach feeds it from a watch manager: events and captures, until disposed', () => {
    const log = make(10);
    const events = new Emitter<WatchEventRecord>();
    const captures = new Emitter<WatchCapture>();
    const attached = log.attach({ onEvent: events.event, onDidCapture: captures.event }, 'prod');
    const record = entry('/x', 'dataChanged', { after: { version: 4 } });
    events.fire(record);
    captures.fire({ seq: record.seq, path: '/x', after: { version: 4, data: bytes(2) } });
    assert.equal(log.entries()[0].connection, 'prod');
    assert.equal(log.entries()[0].after?.data?.length, 2);
    attached.dispose();
    events.fire(entry('/y'));
    assert.equal(log.size, 1);
  });
});
