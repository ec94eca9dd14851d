export { EventLog, type EventLogChange, type EventLogFilter, type EventLogOptions, type LoggedWatchEvent } from './eventLog';
export type {
  BaselineNode,
  DataSnapshot,
  WatchBaseline,
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
