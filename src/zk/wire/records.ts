import type { ZkAcl } from '../acl';
import type { ZnodeStat } from '../stat';
import type { JuteReader, JuteWriter } from './jute';

export function readStat(r: JuteReader): ZnodeStat {
  return {
    czxid: r.long(),
    mzxid: r.long(),
    ctime: Number(r.long()),
    mtime: Number(r.long()),
    version: r.int(),
    cversion: r.int(),
    aversion: r.int(),
    ephemeralOwner: r.long(),
    dataLength: r.int(),
    numChildren: r.int(),
    pzxid: r.long(),
  };
}

export function writeAcl(w: JuteWriter, acl: ZkAcl): void {
  w.int(acl.perms).string(acl.id.scheme).string(acl.id.id);
}

export function readAcl(r: JuteReader): ZkAcl {
  const perms = r.int();
  return { perms, id: { scheme: r.string() ?? '', id: r.string() ?? '' } };
}

export interface WatcherEvent {
  type: number;
  state: number;
  path: string;
}

export function readWatcherEvent(r: JuteReader): WatcherEvent {
  return { type: r.int(), state: r.int(), path: r.string() ?? '' };
}
