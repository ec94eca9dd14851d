/** A znode's Stat. Zxids and the ephemeral owner are 64-bit values: kept as bigint, never as strings. */
export interface ZnodeStat {
  czxid: bigint;
  mzxid: bigint;
  pzxid: bigint;
  /** Creation time, milliseconds since the epoch. */
  ctime: number;
  /** Last modification time, milliseconds since the epoch. */
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  /** Session id of the owner for an ephemeral node, 0n otherwise (also for TTL and container nodes). */
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
}

export function isEphemeral(stat: ZnodeStat): boolean {
  return stat.ephemeralOwner !== 0n;
}

/** `0x` + 16 hex digits, the way zkCli prints zxids and session ids. */
export function formatHex64(value: bigint): string {
  return '0x' + BigInt.asUintN(64, value).toString(16).padStart(16, '0');
}

/** A JSON-safe copy of a stat, for command results and documents. */
export interface PlainStat {
  czxid: string;
  mzxid: string;
  pzxid: string;
  ctime: string;
  mtime: string;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

export function toPlainStat(stat: ZnodeStat): PlainStat {
  return {
    czxid: formatHex64(stat.czxid),
    mzxid: formatHex64(stat.mzxid),
    pzxid: formatHex64(stat.pzxid),
    ctime: new Date(stat.ctime).toISOString(),
    mtime: new Date(stat.mtime).toISOString(),
    version: stat.version,
    cversion: stat.cversion,
    aversion: stat.aversion,
    ephemeralOwner: formatHex64(stat.ephemeralOwner),
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
  };
}
