import type { CreateRequest } from '../commands/createNode';
import type { ZkConnection } from '../connections/zkConnection';

/**
 * Where saving, creating and deleting ask whether to stage instead of write (staged editing,
 * `zookeeper.stagedEditing`). Each returns undefined when staging is off, and the caller writes as
 * always. Kept to this narrow interface so src/extension/fs and the node commands need one line each.
 */
export interface StagingHook {
  /** A document's save: true when it was staged. `readVersion` is the version the document was read at. */
  stageSave(connection: string, path: string, data: Uint8Array, readVersion: number | undefined): Promise<boolean>;
  /** The staged data of a node, served to editors in place of the server's while it is staged. */
  stagedData(connection: string, path: string): Uint8Array | undefined;
  /** The paths at or under `path` with a staged change (staged or held back), sorted. */
  stagedPathsUnder(connection: string, path: string): string[];
  stageCreate(connection: ZkConnection, request: CreateRequest): Promise<{ staged: true; path: string } | undefined>;
  stageDelete(connection: ZkConnection, path: string, recursive: boolean): Promise<{ staged: true; path: string; nodes: number } | undefined>;
}

/** Set by registerStaging in activate (the composition root); read by the node commands. */
export const stagingHook: { current?: StagingHook } = {};
