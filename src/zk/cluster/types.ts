// The shape of a probed ensemble: what `zookeeper.showCluster` returns and the Cluster view shows.

export type ServerRole = 'leader' | 'follower' | 'observer' | 'standalone' | 'read-only' | 'unknown';
export type ServerState = 'serving' | 'not serving' | 'unreachable';
export type ServerSource = 'adminserver' | '4lw';

/** The figures ZooKeeper's monitoring guide names; absent when the server did not say. */
export interface ServerMetrics {
  avgLatency?: number;
  minLatency?: number;
  maxLatency?: number;
  outstandingRequests?: number;
  connections?: number;
  znodes?: number;
  watches?: number;
  ephemerals?: number;
  /** approximate_data_size, bytes. */
  dataSize?: number;
  openFileDescriptors?: number;
  maxFileDescriptors?: number;
  packetsReceived?: number;
  packetsSent?: number;
  /** How long the server's current role has run, ms: a quorum member restarts it at each election. */
  uptimeMs?: number;
  /** The last zxid it processed, hex (0x…): 64 bits, so a string. */
  lastZxid?: string;
  /** Transactions behind the leader's last zxid (same epoch only); on followers and observers. */
  zxidBehindLeader?: number;
  /** Leader only. */
  learners?: number;
  syncedFollowers?: number;
  syncedObservers?: number;
  pendingSyncs?: number;
  quorumSize?: number;
}

export interface ServerReport {
  /** host:port of the client port. */
  address: string;
  /** The server's myid, when it told us (conf / AdminServer). */
  sid?: number;
  role: ServerRole;
  state: ServerState;
  /** Why it is not serving or unreachable, as a sentence. */
  reason?: string;
  version?: string;
  source: ServerSource;
  metrics: ServerMetrics;
  /** E.g. "not in the connect string: found in the ensemble's configuration". */
  note?: string;
  /** Four-letter words this server refused (4lw.commands.whitelist). */
  notAllowed?: string[];
  /** Zab peer state (mntr `peer_state`), e.g. "following - broadcast". */
  peerState?: string;
  /** Whom it follows (AdminServer `leader`: leader_id), when known. */
  leaderId?: number;
  /** Its view of the ensemble's members (memberKey strings, sorted); empty for a standalone server. */
  membership?: string[];
  /** The configuration version (hex) it reports, 3.5+. */
  configVersion?: string;
}

export interface ClusterWarning {
  /** The server it is about (address), or none for the whole ensemble. */
  server?: string;
  code: WarningCode;
  message: string;
}

export type WarningCode =
  | 'znodeCount'
  | 'watchCount'
  | 'openFileDescriptors'
  | 'avgLatency'
  | 'recentElection'
  | 'followerOutOfSync'
  | 'mixedEnsembles'
  | 'noLeader'
  | 'notAllowed'
  | 'unreachable'
  | 'notServing';

export interface ClusterReport {
  servers: ServerReport[];
  /** Address of the leader, when exactly one server leads. */
  leader?: string;
  warnings: ClusterWarning[];
  /** When the probe finished (ms since the epoch). */
  probedAt: number;
}
