import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as ProcessesLib from '../../../scripts/lib/processes';
import { repoRoot, scriptsLib } from '../../support/scriptsLib';

const processes = scriptsLib<typeof ProcessesLib>('processes');

/** Resolves once `check` holds; the deadline is a hang guard only. */
async function until(check: () => boolean, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`still not ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A Node program that tracks a long `sleep` and a temp folder through processes.js, prints both
 * (the positive signal that it is ready), then waits to be signalled. `ownHandler` adds a handler of
 * the program's own, as the sandbox has.
 */
function trackingProgram(ownHandler: boolean) {
  const lib = JSON.stringify(path.join(repoRoot(), 'scripts', 'lib', 'processes.js'));
  const script = `
    const { spawn } = require('node:child_process');
    const p = require(${lib});
    const sleeper = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    sleeper.unref();
    p.trackPid(sleeper.pid);
    const dir = p.makeTempDir('zke-processes-test-');
    ${ownHandler ? "process.on('SIGTERM', () => { console.log('own handler'); process.exit(7); });" : ''}
    console.log(JSON.stringify({ pid: sleeper.pid, dir }));
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  const ready = new Promise<{ pid: number; dir: string }>((resolve) =>
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { pid: number; dir: string });
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, exited, output: () => out };
}

describe('scripts/lib/processes.js', function () {
  this.timeout(60000);

  it('on SIGTERM kills the tracked processes, removes the temp folders and exits 143', async () => {
    const program = trackingProgram(false);
    const { pid, dir } = await program.ready;
    assert.ok(processes.isAlive(pid), 'the tracked sleep runs');
    assert.ok(fs.existsSync(dir), 'the temp folder exists');
    program.child.kill('SIGTERM');
    assert.equal(await program.exited, 143);
    await until(() => !processes.isAlive(pid), 'killed');
    assert.equal(fs.existsSync(dir), false, 'temp folder removed');
  });

  it("leaves the shutdown to a program's own handler, and still cleans up on its exit", async () => {
    const program = trackingProgram(true);
    const { pid, dir } = await program.ready;
    program.child.kill('SIGTERM');
    // Exit code 7 proves the program's handler ran the shutdown, not ours (which exits 143).
    assert.equal(await program.exited, 7);
    assert.match(program.output(), /own handler/);
    await until(() => !processes.isAlive(pid), 'killed');
    assert.equal(fs.existsSync(dir), false, 'temp folder removed');
  });
});
