export { EventLog, type EventLogChange, type EventLogFilter, type EventLogOptions, type LoggedWatchEvent } from './eventLog';
export type {
  DataSnapshot,
  WatchCapture,
  WatchEventRecord,
  WatchEventType,
  WatchKind,
  WatchManagerApi,
  WatchManagerOptions,
  WatchNotice,
  WatchSpec,
} from './types';
export { WatchManager } from './watchManager';
