import type { WatchEventRecord } from './types';

export function describeType(record: Pick<WatchEventRecord, 'type' | 'before' | 'after' | 'added' | 'removed'>): string {
  switch (record.type) {
    case 'created':
      return 'created';
    case 'deleted':
      return 'deleted';
    case 'dataChanged': {
      const from = record.before?.version;
      const to = record.after?.version;
      return from !== undefined && to !== undefined ? `data changed (v${from} → v${to})` : 'data changed';
    }
    case 'childrenChanged': {
      const parts = [...(record.added ?? []).map((n) => `+${n}`), ...(record.removed ?? []).map((n) => `−${n}`)];
      return `children changed${parts.length ? ` (${parts.slice(0, 5).join(', ')}${parts.length > 5 ? `, … ${parts.length - 5} more` : ''})` : ''}`;
    }
  }
}

export function describeDetection(detectedBy: WatchEventRecord['detectedBy']): string {
  switch (detectedBy) {
    case 'gap':
      return 'found after re-arming the watch';
    case 'reconnect':
      return 'changed while disconnected';
    case 'session':
      return 'changed while the session was gone';
    default:
      return 'event';
  }
}
