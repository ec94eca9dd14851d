/** Every command the extension registers; a test checks this list against package.json both ways. */
export const COMMANDS = {
  addConnection: 'zookeeper.addConnection',
  editConnection: 'zookeeper.editConnection',
  removeConnection: 'zookeeper.removeConnection',
  connect: 'zookeeper.connect',
  disconnect: 'zookeeper.disconnect',
  setCredentials: 'zookeeper.setCredentials',
  switchConnection: 'zookeeper.switchConnection',
  refresh: 'zookeeper.refresh',
  copyPath: 'zookeeper.copyPath',
  goToPath: 'zookeeper.goToPath',
  openNode: 'zookeeper.openNode',
  createNode: 'zookeeper.createNode',
  deleteNode: 'zookeeper.deleteNode',
  moveNode: 'zookeeper.moveNode',
  copyNode: 'zookeeper.copyNode',
  showStat: 'zookeeper.showStat',
  showAcl: 'zookeeper.showAcl',
  setAcl: 'zookeeper.setAcl',
  editAcl: 'zookeeper.editAcl',
  filterChildren: 'zookeeper.filterChildren',
  clearFilter: 'zookeeper.clearFilter',
  editAsHex: 'zookeeper.editAsHex',
  editAsBase64: 'zookeeper.editAsBase64',
  watch: 'zookeeper.watch',
  unwatch: 'zookeeper.unwatch',
  filterWatchEvents: 'zookeeper.filterWatchEvents',
  clearWatchEvents: 'zookeeper.clearWatchEvents',
  exportWatchEvents: 'zookeeper.exportWatchEvents',
  compareWatchEvent: 'zookeeper.compareWatchEvent',
  scanCoordination: 'zookeeper.scanCoordination',
  cancelCoordinationScan: 'zookeeper.cancelCoordinationScan',
  showCoordination: 'zookeeper.showCoordination',
  refreshServices: 'zookeeper.refreshServices',
  runScript: 'zookeeper.runScript',
  restartLanguageServer: 'zookeeper.restartLanguageServer',
  search: 'zookeeper.search',
  searchAgain: 'zookeeper.searchAgain',
  cancelSearch: 'zookeeper.cancelSearch',
  clearSearch: 'zookeeper.clearSearch',
  openSearchResult: 'zookeeper.openSearchResult',
  exportSubtree: 'zookeeper.exportSubtree',
  compare: 'zookeeper.compare',
  openCompareResult: 'zookeeper.openCompareResult',
  clearCompare: 'zookeeper.clearCompare',
  importSubtree: 'zookeeper.importSubtree',
  copyToOtherSide: 'zookeeper.copyToOtherSide',
  copyNodeToOtherSide: 'zookeeper.copyNodeToOtherSide',
  commitStaged: 'zookeeper.commitStaged',
  openStagedChange: 'zookeeper.openStagedChange',
  stageChange: 'zookeeper.stageChange',
  unstageChange: 'zookeeper.unstageChange',
  discardChange: 'zookeeper.discardChange',
  refreshStagedChange: 'zookeeper.refreshStagedChange',
  listStaged: 'zookeeper.listStaged',
  explorerKey: 'zookeeper.explorerKey',
  showCluster: 'zookeeper.showCluster',
  refreshCluster: 'zookeeper.refreshCluster',
  runAdminCommand: 'zookeeper.runAdminCommand',
  sortClusterSessions: 'zookeeper.sortClusterSessions',
  openWalkthrough: 'zookeeper.openWalkthrough',
  startDemo: 'zookeeper.startDemo',
  stopDemo: 'zookeeper.stopDemo',
  newScript: 'zookeeper.newScript',
  showMetrics: 'zookeeper.showMetrics',
  exportMetrics: 'zookeeper.exportMetrics',
  whoWatches: 'zookeeper.whoWatches',
  watchedPaths: 'zookeeper.watchedPaths',
  showEnsembleConfig: 'zookeeper.showEnsembleConfig',
  reconfigure: 'zookeeper.reconfigure',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export const VIEW_EXPLORER = 'zookeeper.explorer';
export const VIEW_WATCHES = 'zookeeper.watches';
export const VIEW_COORDINATION = 'zookeeper.coordination';
export const VIEW_SERVICES = 'zookeeper.services';
export const VIEW_SEARCH = 'zookeeper.searchResults';
export const VIEW_COMPARE = 'zookeeper.compareResults';
export const CONTEXT_COMPARE_SHOWN = 'zookeeper.compareShown';
export const CONTEXT_SEARCH_SHOWN = 'zookeeper.searchShown';
export const CONTEXT_SEARCH_RUNNING = 'zookeeper.searchRunning';
export const VIEW_CLUSTER = 'zookeeper.cluster';
export const CONTEXT_CONNECTION_COUNT = 'zookeeper.connectionCount';
