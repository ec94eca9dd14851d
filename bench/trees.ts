import type { ZkClient } from '../src/zk/client';
import { forEachLimit } from '../src/zk/concurrency';
import type { MultiOp } from '../src/zk/multi';

const MODULES_PER_APP = 10;
const ITEMS_PER_MODULE = 100;

/**
 * A configuration-like tree of about `nodes` znodes: root/app-NNN/module-NN/item-NNN, each item
 * with two lines of text; one item in `needleEvery` says "marker=needle" (returned). Pipelined multi
 * creates, 1,000 a batch.
 */
export async function buildConfigTree(client: ZkClient, root: string, nodes: number, needleEvery: number): Promise<Set<string>> {
  const ops: MultiOp[] = [{ type: 'create', path: root }];
  const planted = new Set<string>();
  const apps = Math.max(1, Math.round(nodes / (1 + MODULES_PER_APP * (1 + ITEMS_PER_MODULE))));
  let items = 0;
  for (let a = 0; a < apps; a++) {
    const app = `${root}/app-${String(a).padStart(3, '0')}`;
    ops.push({ type: 'create', path: app });
    for (let m = 0; m < MODULES_PER_APP; m++) {
      const module = `${app}/module-${String(m).padStart(2, '0')}`;
      ops.push({ type: 'create', path: module, data: Buffer.from('{"owner":"team-a","tier":"gold"}') });
      for (let i = 0; i < ITEMS_PER_MODULE; i++, items++) {
        const path = `${module}/item-${String(i).padStart(3, '0')}`;
        const needle = items % needleEvery === needleEvery - 1;
        if (needle) planted.add(path);
        ops.push({ type: 'create', path, data: Buffer.from(`value=${i} region=eu-west-1 replicas=3\n${needle ? 'marker=needle' : 'marker=hay'} updated=2026-12-03`) });
      }
    }
  }
  const batches: MultiOp[][] = [];
  for (let i = 0; i < ops.length; i += 1000) batches.push(ops.slice(i, i + 1000));
  // One session applies its requests in order: a parent is always created before its children.
  await forEachLimit(batches, 4, async (batch) => {
    await client.multi(batch);
  });
  return planted;
}

