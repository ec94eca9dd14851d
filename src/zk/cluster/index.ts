// The Cluster feature's ZooKeeper side (no VS Code): probe an ensemble, assess it, send admin commands.
export * from './types';
export { ClusterProbe, DEFAULT_ADMIN_PORT, type AdminPortSetting, type ClusterProbeOptions } from './probe';
export { assessCluster, THRESHOLDS, whitelistLine } from './health';
export { ADMIN_COMMANDS, describeAdminCommand, findAdminCommand, runAdminCommand, type AdminCommandInfo, type AdminCommandResult } from './adminCommands';
export { parseLosslessJson, sessionIdHex, type JsonValue } from './losslessJson';
export { formatEndpoint, type Endpoint } from './transport';
export { METRIC_CHARTS, METRICS_WINDOW_MS, MetricsHistory, MetricsSampler, RingBuffer, capacityFor, metricsCsv, type ChartSpec, type MetricsSample, type SeriesKey, type ServerSample } from './metrics';
export { watchesExpensiveNote, formatWatchers, readWatchTable, watchTableFromJson, watchTableFromText, watchedPaths, whoWatches, type WatchedPathsResult, type WatchersPerServer, type WhoWatchesResult } from './watchers';
export {
  ReconfigRefused,
  applyReconfig,
  describeQuorum,
  describeQuorumText,
  parseEnsembleConfig,
  planReconfig,
  readEnsembleConfig,
  reconfigRefusal,
  type ConfigMember,
  type EnsembleConfig,
  type MemberRole,
  type ReconfigChange,
  type ReconfigPlan,
} from './reconfig';
