import assert from 'node:assert/strict';
import { describeLoadedInside, ownFigure, parseStartupPerformance, vscodeFigure } from '../../../bench/startupPerformance';

// Excerpts in the shape of code-server 1.139's "Developer: Startup Performance" document (its stats
// table and the extension host's raw marks), with the times of a reloaded bench window: our
// activation started in the same tick as github-authentication's and emmet's, queued after them.
const STATS = (loadCode: number, callActivate: number): string => `## Extension Activation Stats

| Extension                             | Eager | Load Code | Call Activate | Finish Activate | Event                          | By                                    |
| ------------------------------------- | ----- | --------- | ------------- | --------------- | ------------------------------ | ------------------------------------- |
| vscode.emmet                          | false | 45        | 5             | 0               | onLanguage                     | vscode.emmet                          |
| vscode.github-authentication          | false | 33        | 2             | 9               | onAuthenticationRequest:github | vscode.github-authentication          |
| zookeeper-explorer.zookeeper-explorer | false | ${loadCode}        | ${callActivate}            | 0               | onView:zookeeper.explorer      | zookeeper-explorer.zookeeper-explorer |
`;

const MARKS = `## Raw Perf Marks: remoteExtHost

\`\`\`
Name	Timestamp	Delta	Total
code/extHost/didInitProxyResolver	1796322677251	1	7676.96
code/extHost/willLoadExtensionCode/vscode.github-authentication	1796322677266	15	7691.96
code/extHost/didLoadExtensionCode/vscode.github-authentication	1796322677288	22	7713.96
code/extHost/willLoadExtensionCode/vscode.emmet	1796322677288	0	7713.96
code/extHost/didLoadExtensionCode/vscode.emmet	1796322677299	11	7724.96
code/extHost/willLoadExtensionCode/zookeeper-explorer.zookeeper-explorer	1796322677299	0	7724.96
code/extHost/didLoadExtensionCode/zookeeper-explorer.zookeeper-explorer	1796322677300	1	7725.96
code/extHost/willLoadExtensionCode/vscode.git-base	1796322677477	177	7902.96
code/extHost/didLoadExtensionCode/vscode.git-base	1796322677481	4	7906.96
\`\`\`
`;

describe('bench: Developer: Startup Performance', () => {
  it('separates our require() from the other extensions required inside our Load Code clock', () => {
    const f = parseStartupPerformance(`${STATS(34, 14)}\n${MARKS}`);
    assert.ok(f);
    assert.equal(f.loadCode, 34);
    assert.equal(f.callActivate, 14);
    assert.equal(f.event, 'onView:zookeeper.explorer');
    assert.equal(f.ownLoad, 1);
    // Both were required between our clock's start (did - 34) and our require; git-base came later.
    assert.deepEqual(f.loadedInside, [
      { id: 'vscode.github-authentication', ms: 22 },
      { id: 'vscode.emmet', ms: 11 },
    ]);
    assert.equal(vscodeFigure(f), 48);
    assert.equal(ownFigure(f), 15);
    assert.equal(describeLoadedInside(f), 'github-authentication 22 ms, emmet 11 ms');
  });

  it('names nobody when our Load Code clock covered only our own require()', () => {
    const f = parseStartupPerformance(`${STATS(1, 20)}\n${MARKS}`);
    assert.ok(f);
    assert.deepEqual(f.loadedInside, []);
    assert.equal(ownFigure(f), 21);
    assert.equal(describeLoadedInside(f), 'none');
  });

  it('is undefined without our row; without marks (an activation after startup) our own share is unknown, not guessed', () => {
    assert.equal(parseStartupPerformance(MARKS), undefined, 'no row of ours');
    assert.equal(parseStartupPerformance(''), undefined);
    const f = parseStartupPerformance(STATS(34, 14));
    assert.ok(f);
    assert.equal(vscodeFigure(f), 48);
    assert.equal(f.ownLoad, undefined);
    assert.equal(ownFigure(f), undefined);
    assert.deepEqual(f.loadedInside, []);
  });
});
