// The external client of the watch benchmarks, run as a child process (child_process.fork) so that it
// never shares the measured process's event loop. It uses node-zookeeper-client 1.1.3 directly, the
// way any other application would change the nodes. The measuring process drives it with WriterProcess
// (below); the messages over the IPC channel:
//   { cmd: 'connect', connectString }                      → { type: 'connected' }
//   { cmd: 'ping', t0 }                                    → { type: 'pong', t0, t }   (clock calibration)
//   { cmd: 'set', path, data }                             → { type: 'set', version, t } (t: when the reply came)
//   { cmd: 'storm', paths, rate, seconds, dataBytes, maxOutstanding }
//        → { type: 'storm', sent, ok, failed, okPerPath, elapsedMs, cappedMs, firstError }
//   { cmd: 'exit' }
// Times are performance.timeOrigin + performance.now() (ms since the epoch), the clock of the measuring process too.
import { fork, type ChildProcess } from 'node:child_process';

interface RawStat {
  version: number;
}
interface RawClient {
  /** node-zookeeper-client's internals: the socket its requests are written to. */
  connectionManager?: { socket?: { cork(): void; uncork(): void } };
  once(event: 'connected', listener: () => void): void;
  connect(): void;
  close(): void;
  setData(path: string, data: Buffer, version: number, callback: (error: Error | null, stat: RawStat) => void): void;
}

type Command =
  | { cmd: 'connect'; connectString: string }
  | { cmd: 'ping'; t0: number }
  | { cmd: 'set'; path: string; data: string }
  | { cmd: 'storm'; paths: string[]; rate: number; seconds: number; dataBytes: number; maxOutstanding: number }
  | { cmd: 'exit' };

const now = (): number => performance.timeOrigin + performance.now();
let client: RawClient | undefined;

function send(message: object): void {
  process.send?.(message);
}

function connect(connectString: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createClient } = require('node-zookeeper-client') as { createClient: (connectString: string, options?: object) => RawClient };
  client = createClient(connectString, { sessionTimeout: 30000, spinDelay: 100 });
  client.once('connected', () => send({ type: 'connected' }));
  client.connect();
}

function set(path: string, data: string): void {
  client!.setData(path, Buffer.from(data), -1, (error, stat) => {
    const t = now();
    send(error ? { type: 'set', error: String(error), t } : { type: 'set', version: stat.version, t });
  });
}

/** setData at `rate` a second for `seconds`, round robin over `paths`, pipelined (at most maxOutstanding unanswered). */
function storm(paths: string[], rate: number, seconds: number, dataBytes: number, maxOutstanding: number): void {
  const okPerPath = new Array<number>(paths.length).fill(0);
  const payload = Buffer.alloc(dataBytes, 'x');
  let sent = 0;
  let ok = 0;
  let failed = 0;
  let outstanding = 0;
  let next = 0;
  let cappedMs = 0;
  let firstError: string | undefined;
  const start = now();
  const end = start + seconds * 1000;
  let lastTick = start;
  let stopped = false;
  const finish = (): void => {
    if (!stopped || outstanding > 0) return;
    send({ type: 'storm', sent, ok, failed, okPerPath, elapsedMs: now() - start, cappedMs, firstError });
  };
  const tick = (): void => {
    const t = now();
    const target = Math.floor((Math.min(t, end) - start) * (rate / 1000));
    let capped = false;
    // One socket write for the whole tick instead of one per request: keeps the writer itself cheap.
    const socket = client!.connectionManager?.socket;
    socket?.cork();
    while (sent < target) {
      if (outstanding >= maxOutstanding) {
        capped = true;
        break;
      }
      const index = next;
      next = (next + 1) % paths.length;
      payload.writeUInt32BE(sent >>> 0, 0);
      sent++;
      outstanding++;
      client!.setData(paths[index], payload, -1, (error) => {
        outstanding--;
        if (error) {
          failed++;
          firstError ??= String(error);
        } else {
          ok++;
          okPerPath[index]++;
        }
        finish();
      });
    }
    if (socket) process.nextTick(() => socket.uncork());
    if (capped) cappedMs += t - lastTick;
    lastTick = t;
    if (t >= end) {
      clearInterval(timer);
      stopped = true;
      finish();
    }
  };
  const timer = setInterval(tick, 5);
}

function serve(): void {
  process.on('message', (message: Command) => {
    switch (message.cmd) {
      case 'connect':
        connect(message.connectString);
        break;
      case 'ping':
        send({ type: 'pong', t0: message.t0, t: now() });
        break;
      case 'set':
        set(message.path, message.data);
        break;
      case 'storm':
        storm(message.paths, message.rate, message.seconds, message.dataBytes, message.maxOutstanding);
        break;
      case 'exit':
        client?.close();
        process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

// ---- the measuring process's side -----------------------------------------------------------

export interface StormResult {
  sent: number;
  ok: number;
  failed: number;
  okPerPath: number[];
  elapsedMs: number;
  /** Time the writer could not send as fast as asked because maxOutstanding requests were unanswered. */
  cappedMs: number;
  firstError?: string;
}

type Reply = { type: 'connected' } | { type: 'pong'; t0: number; t: number } | { type: 'set'; version?: number; error?: string; t: number } | ({ type: 'storm' } & StormResult);

/** The writer child process, seen from the benchmark. */
export class WriterProcess {
  private readonly waiting = new Map<string, ((reply: Reply) => void)[]>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => this.waiting.get(reply.type)?.shift()?.(reply));
  }

  static async start(connectString: string): Promise<WriterProcess> {
    const writer = new WriterProcess(fork(__filename, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const connected = writer.next('connected');
    writer.child.send({ cmd: 'connect', connectString });
    await Promise.race([connected, new Promise((_, reject) => setTimeout(() => reject(new Error('the writer did not connect within 20 s')), 20000).unref())]);
    return writer;
  }

  private next<T extends Reply['type']>(type: T): Promise<Extract<Reply, { type: T }>> {
    return new Promise((resolve) => {
      const list = this.waiting.get(type) ?? [];
      list.push(resolve as (reply: Reply) => void);
      this.waiting.set(type, list);
    });
  }

  /**
   * The writer's clock minus ours, from the ping with the shortest round trip (its error is at most
   * half of that round trip, printed by the benchmark).
   */
  async clockOffset(samples = 200): Promise<{ offsetMs: number; roundTripMs: number }> {
    let best = { offsetMs: 0, roundTripMs: Infinity };
    for (let i = 0; i < samples; i++) {
      const t0 = now();
      const pong = this.next('pong');
      this.child.send({ cmd: 'ping', t0 });
      const { t } = await pong;
      const t1 = now();
      if (t1 - t0 < best.roundTripMs) best = { offsetMs: t - (t0 + t1) / 2, roundTripMs: t1 - t0 };
    }
    return best;
  }

  /** One setData; resolves with the new version and when its reply reached the writer (writer's clock). */
  async set(path: string, data: string): Promise<{ version: number; t: number }> {
    const reply = this.next('set');
    this.child.send({ cmd: 'set', path, data });
    const result = await reply;
    if (result.version === undefined) throw new Error(`the writer's setData failed: ${result.error ?? '?'}`);
    return { version: result.version, t: result.t };
  }

  async storm(paths: string[], rate: number, seconds: number, dataBytes: number, maxOutstanding: number): Promise<StormResult> {
    const done = this.next('storm');
    this.child.send({ cmd: 'storm', paths, rate, seconds, dataBytes, maxOutstanding });
    return done;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ cmd: 'exit' });
    await exited;
  }
}

if (require.main === module && process.send) serve();
