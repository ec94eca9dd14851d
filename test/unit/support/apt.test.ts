// scripts/lib/apt.js: every apt-get install in scripts/lib goes through one serialized installer, so
// the demo world's parallel kazoo + Curator set-up can no longer race for dpkg's lock. The runner
// below records what apt-get would be asked (nothing is installed); its calls resolve only when the
// test says so, so an overlap would be seen, not guessed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as AptLib from '../../../scripts/lib/apt';
import { repoRoot, scriptsLib } from '../../support/scriptsLib';

/** scripts/lib/apt.js, loaded at run time: a static import would point into out/ once compiled. */
const apt = scriptsLib<typeof AptLib>('apt');

interface Call {
  args: string[];
  finish: (code: number) => void;
}

/** A runner whose calls stay open until finished by the test; `running` counts open calls. */
function recordingRunner() {
  const calls: Call[] = [];
  const waiters: (() => void)[] = [];
  let running = 0;
  let maxRunning = 0;
  const runner: AptLib.AptRunner = (args) =>
    new Promise((resolve) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      calls.push({
        args,
        finish: (code) => {
          running--;
          resolve({ code, output: `exit ${code}` });
        },
      });
      waiters.splice(0).forEach((w) => w());
    });
  /** Resolves once the runner has been called `n` times in all. */
  const called = async (n: number) => {
    while (calls.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { runner, calls, called, maxRunning: () => maxRunning };
}

describe('scripts/lib/apt.js', () => {
  it('runs installs started together one after the other, each waiting for the dpkg lock', async () => {
    const rec = recordingRunner();
    const install = apt.createAptInstaller(rec.runner);
    const both = Promise.all([install(['python3-kazoo']), install(['libcurator-recipes-java'])]);
    await rec.called(1);
    // The second install has been asked for; it must not start while the first is open. The first
    // finishing is the positive signal after which the second must start.
    assert.equal(rec.calls.length, 1);
    assert.deepEqual(rec.calls[0].args.slice(-1), ['python3-kazoo']);
    rec.calls[0].finish(0);
    await rec.called(2);
    assert.deepEqual(rec.calls[1].args.slice(-1), ['libcurator-recipes-java']);
    rec.calls[1].finish(0);
    await both;
    assert.equal(rec.maxRunning(), 1);
    for (const call of rec.calls) {
      assert.deepEqual(call.args.slice(0, 2), ['-o', `DPkg::Lock::Timeout=${apt.LOCK_TIMEOUT_S}`]);
      assert.ok(apt.LOCK_TIMEOUT_S >= 600);
    }
  });

  it('after a failed install, updates and retries before the next install starts; a failure rejects only its own caller', async () => {
    const rec = recordingRunner();
    const install = apt.createAptInstaller(rec.runner);
    const first = install(['zookeeper'], { noInstallRecommends: true });
    const second = install(['chromium']);
    await rec.called(1);
    assert.deepEqual(rec.calls[0].args.slice(2), ['install', '-y', '--no-install-recommends', 'zookeeper']);
    rec.calls[0].finish(100);
    await rec.called(2);
    assert.deepEqual(rec.calls[1].args.slice(2), ['update']);
    rec.calls[1].finish(0);
    await rec.called(3);
    assert.deepEqual(rec.calls[2].args.slice(-1), ['zookeeper']);
    rec.calls[2].finish(100);
    await assert.rejects(first, /apt-get install -y zookeeper failed \(exit 100\)/);
    await rec.called(4);
    assert.deepEqual(rec.calls[3].args.slice(2), ['install', '-y', 'chromium']);
    rec.calls[3].finish(0);
    await second;
    assert.equal(rec.maxRunning(), 1);
  });

  it('is the only apt-get in scripts/lib: the other scripts call it, none spawns apt-get itself', () => {
    const lib = path.join(repoRoot(), 'scripts', 'lib');
    for (const file of fs.readdirSync(lib).filter((f) => f.endsWith('.js') && f !== 'apt.js')) {
      const source = fs.readFileSync(path.join(lib, file), 'utf8');
      assert.doesNotMatch(source, /['"`]apt-get['"`]\s*,/, `${file} runs apt-get itself instead of through scripts/lib/apt.js`);
    }
    for (const file of ['demo.js', 'zookeeper.js', 'vscodeHost.js']) {
      assert.match(fs.readFileSync(path.join(lib, file), 'utf8'), /require\('\.\/apt'\)/, `${file} should install through scripts/lib/apt.js`);
    }
  });
});
