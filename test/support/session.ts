import { ZkClient } from '../../src/zk/client';
import type { FaultProxy } from './faultProxy';

export interface ExpireOptions {
  /** Where the victim puts its ephemeral marker (in its own view, chroot applied); default "/". */
  under?: string;
  /** Called once the server has expired the session, before the proxy passes again: make changes "while it was gone" here. */
  whileExpired?: () => Promise<void>;
}

/**
 * Expires the session of `client`, which must talk to ZooKeeper through `proxy`, deterministically:
 * the proxy black-holes the connection (the socket stays open, nothing gets through) until the server
 * has expired the session — proved by another client, connected straight to `serverConnectString`,
 * seeing the victim's ephemeral marker vanish — and then passes again, so the victim's next
 * reconnect is told "session expired" and it builds a new session. Resolves once the victim is
 * connected on its new session. Nothing races: the server cannot hear the victim until it is done.
 * Use a small sessionTimeoutMs (the server raises it to at least 2 × tickTime).
 */
export async function expireSession(client: ZkClient, proxy: FaultProxy, serverConnectString: string, options: ExpireOptions = {}): Promise<void> {
  if (!client.serverAddress?.endsWith(`:${proxy.port}`)) {
    throw new Error(`expireSession: the client talks to ${client.serverAddress ?? 'nothing'}, not through the proxy at ${proxy.connectString}`);
  }
  const original = client.sessionId;
  const timeoutMs = client.negotiatedSessionTimeoutMs;
  const under = options.under ?? '/';
  const marker = await client.create(`${under === '/' ? '' : under}/zke-expiry-`, null, { mode: 'ephemeralSequential' });
  const observer = await ZkClient.connect({ connectString: serverConnectString + (client.chroot ?? '') });
  let expired = false;
  const sub = client.onStateChange(({ state }) => {
    if (state === 'expired') expired = true;
  });
  try {
    proxy.blackHole();
    // Hang guard only: the server expires the session within its timeout (plus a tick).
    await eventually(async () => (await observer.exists(marker.path)) === undefined, 3 * timeoutMs + 60000, `the server to expire session ${original.toString(16)}`);
    await options.whileExpired?.();
    proxy.pass();
    await eventually(() => expired && client.sessionId !== original && client.state === 'connected', 3 * timeoutMs + 60000, 'the client to see the expiry and connect on a new session');
  } finally {
    if (proxy.mode === 'blackhole') proxy.pass();
    sub.dispose();
    await observer.close();
  }
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
