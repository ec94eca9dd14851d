import { createClient } from 'node-zookeeper-client';
import type { ZkClient } from '../../src/zk/client';

/**
 * Forces the expiry of `client`'s session the way ZooKeeper's own tests do: a second connection
 * takes over the session (same id and password) and closes it. The victim reconnects at once and
 * may win the session back before the close arrives (the close then fails with SESSIONMOVED), so
 * this repeats until the victim has seen its session expire.
 */
export async function expireSession(client: ZkClient, connectString: string): Promise<void> {
  const original = client.sessionId;
  let expired = false;
  const sub = client.onStateChange(({ state }) => {
    if (state === 'expired') expired = true;
  });
  try {
    for (let attempt = 0; attempt < 10 && !expired && client.sessionId === original; attempt++) {
      await takeOverAndClose(client, connectString);
      const deadline = Date.now() + 2000;
      while (!expired && client.sessionId === original && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    sub.dispose();
  }
  if (!expired && client.sessionId === original) throw new Error('could not force the session to expire');
}

async function takeOverAndClose(client: ZkClient, connectString: string): Promise<void> {
  const sessionId = Buffer.alloc(8);
  sessionId.writeBigInt64BE(client.sessionId);
  const thief = createClient(connectString, { sessionId, sessionPassword: client.sessionPassword, sessionTimeout: client.negotiatedSessionTimeoutMs });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      thief.close();
      reject(new Error('the second client could not take over the session within 30 s'));
    }, 30000);
    const done = (): void => {
      clearTimeout(timer);
      thief.close();
      resolve();
    };
    thief.once('connected', done);
    // The session is already gone (an earlier attempt closed it before the victim noticed): done too.
    thief.once('expired', done);
    thief.connect();
  });
}

/** Polls `check` until it returns true (no fixed sleeps); fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
