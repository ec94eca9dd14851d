import { OPEN_ACL_UNSAFE, type ZkAcl } from './acl';
import type { CreateMode } from './client';
import { ZkError } from './errors';
import { errorCodeName, CreateFlag, OpCode } from './wire/protocol';
import { JuteWriter, type JuteReader } from './wire/jute';
import { readStat, writeAcl } from './wire/records';
import type { ZnodeStat } from './stat';
import { t } from './l10n';

export type MultiOp =
  | { type: 'create'; path: string; data?: Uint8Array | null; mode?: CreateMode; ttlMs?: number; acl?: readonly ZkAcl[] }
  | { type: 'delete'; path: string; version?: number }
  | { type: 'set'; path: string; data: Uint8Array; version?: number }
  | { type: 'check'; path: string; version: number };

export interface MultiResult {
  type: MultiOp['type'];
  /** The created path (with its sequence suffix) for a create. */
  path?: string;
  stat?: ZnodeStat;
  /** The error code name of a failed (or rolled-back: RUNTIMEINCONSISTENCY) operation. */
  error?: string;
}

const CREATE_FLAGS: Partial<Record<CreateMode, number>> = {
  persistent: CreateFlag.persistent,
  persistentSequential: CreateFlag.persistentSequential,
  ephemeral: CreateFlag.ephemeral,
  ephemeralSequential: CreateFlag.ephemeralSequential,
  container: CreateFlag.container,
  ttl: CreateFlag.persistentWithTtl,
  ttlSequential: CreateFlag.persistentSequentialWithTtl,
};

function opcodeOf(op: MultiOp): number {
  switch (op.type) {
    case 'create':
      if (op.mode === 'container') return OpCode.createContainer;
      if (op.mode === 'ttl' || op.mode === 'ttlSequential') return OpCode.createTTL;
      return OpCode.create2;
    case 'delete':
      return OpCode.delete;
    case 'set':
      return OpCode.setData;
    case 'check':
      return OpCode.check;
  }
}

/** MultiRequest: (MultiHeader, op record)* then a MultiHeader(-1, done). Versions are sent as given: 0 means 0. */
export function encodeMultiOps(ops: readonly MultiOp[], withChroot: (path: string) => string): JuteWriter {
  const w = new JuteWriter();
  for (const op of ops) {
    const opcode = opcodeOf(op);
    w.int(opcode).bool(false).int(-1);
    w.string(withChroot(op.path));
    switch (op.type) {
      case 'create': {
        const mode = op.mode ?? 'persistent';
        const flags = CREATE_FLAGS[mode];
        if (flags === undefined) throw new ZkError('INVALIDARGUMENT', 'run the batch', op.path, t('"{0}" is not a create mode.', mode));
        if (opcode === OpCode.createTTL && (op.ttlMs === undefined || op.ttlMs < 1)) {
          throw new ZkError('INVALIDARGUMENT', 'run the batch', op.path, t('A TTL create needs its time to live (ttlMs).'));
        }
        w.buffer_(op.data ?? Buffer.alloc(0));
        w.vector(op.acl ?? OPEN_ACL_UNSAFE, (acl) => writeAcl(w, acl));
        w.int(flags);
        if (opcode === OpCode.createTTL) w.long(op.ttlMs!);
        break;
      }
      case 'delete':
        w.int(op.version ?? -1);
        break;
      case 'set':
        w.buffer_(op.data).int(op.version ?? -1);
        break;
      case 'check':
        w.int(op.version);
        break;
    }
  }
  return w.int(-1).bool(true).int(-1);
}

export function decodeMultiResults(r: JuteReader, ops: readonly MultiOp[], withoutChroot: (path: string) => string): MultiResult[] {
  const results: MultiResult[] = [];
  for (let index = 0; ; index++) {
    const type = r.int();
    const done = r.bool();
    r.int(); // the header's err; failures carry theirs in the ErrorResponse
    if (done) break;
    const op = ops[index];
    const base: MultiResult = { type: op?.type ?? 'check' };
    switch (type) {
      case OpCode.create:
        results.push({ ...base, path: withoutChroot(r.string() ?? '') });
        break;
      case OpCode.create2:
      case OpCode.createContainer:
      case OpCode.createTTL:
        results.push({ ...base, path: withoutChroot(r.string() ?? ''), stat: readStat(r) });
        break;
      case OpCode.setData:
        results.push({ ...base, stat: readStat(r) });
        break;
      case OpCode.delete:
      case OpCode.check:
        results.push(base);
        break;
      case OpCode.error: {
        // In a failed batch, operations that would have succeeded report OK: they were rolled back.
        const code = r.int();
        results.push({ ...base, error: code === 0 ? 'RUNTIMEINCONSISTENCY' : errorCodeName(code) });
        break;
      }
      default:
        throw new ZkError('MARSHALLINGERROR', 'run the batch', undefined, t('The server answered a batch with an unknown operation type {0}.', type));
    }
  }
  return results;
}
