import assert from 'node:assert/strict';
import { FOUR_LETTER_WORDS } from '../../../../src/server/config/catalogue/cluster';
import { EXACT_KEYS, PROPERTIES, findByGuideName, findProperty, systemPropertyOf } from '../../../../src/server/config/properties';
import { checkValue } from '../../../../src/server/config/values';

describe('server/config/properties', () => {
  it('has each key once, and each guide name once', () => {
    const keys = PROPERTIES.map((p) => p.key);
    assert.equal(new Set(keys).size, keys.length, keys.filter((k, i) => keys.indexOf(k) !== i).join(', '));
    const guideNames = PROPERTIES.flatMap((p) => (p.guideName ? [p.guideName] : []));
    assert.equal(new Set(guideNames).size, guideNames.length);
    for (const name of guideNames) assert.equal(findProperty(name), undefined, `${name} is also a key`);
  });

  it('covers the settings of the Administrator\'s Guide', () => {
    const expected = [
      'clientPort', 'secureClientPort', 'observerMasterPort', 'dataDir', 'tickTime', 'dataLogDir', 'globalOutstandingLimit',
      'preAllocSize', 'snapCount', 'commitLogCount', 'snapSizeLimitInKb', 'txnLogSizeLimitInKb', 'maxCnxns', 'maxClientCnxns',
      'clientPortAddress', 'minSessionTimeout', 'maxSessionTimeout', 'fsync.warningthresholdms', 'maxResponseCacheSize',
      'maxGetChildrenResponseCacheSize', 'autopurge.snapRetainCount', 'autopurge.purgeInterval', 'syncEnabled',
      'extendedTypesEnabled', 'emulate353TTLNodes', 'serverCnxnFactory', 'enforceQuota', 'clientPortListenBacklog',
      'electionAlg', 'initLimit', 'syncLimit', 'leaderServes', 'cnxTimeout', 'quorumCnxnTimeoutMs', 'standaloneEnabled',
      'reconfigEnabled', '4lw.commands.whitelist', 'tcpKeepAlive', 'quorumListenOnAllIPs', 'multiAddress.enabled',
      'localSessionsEnabled', 'localSessionsUpgradingEnabled', 'dynamicConfigFile', 'skipACL', 'forceSync', 'jute.maxbuffer',
      'sslQuorum', 'portUnification', 'client.portUnification', 'ssl.keyStore.location', 'ssl.quorum.trustStore.password',
      'quorum.auth.enableSasl', 'admin.enableServer', 'admin.serverAddress', 'admin.serverPort', 'admin.idleTimeout',
      'admin.commandURL', 'admin.portUnification', 'admin.needClientAuth', 'metricsProvider.className',
      'metricsProvider.httpPort', 'metricsProvider.httpHost', 'metricsProvider.exportJvmInfo',
    ];
    for (const key of expected) assert.ok(findProperty(key), key);
    for (const key of ['server.1', 'group.1', 'weight.1', 'authProvider.1', 'metricsProvider.anything']) assert.ok(findProperty(key), key);
    assert.equal(findByGuideName('connectionTokenFillTime')?.key, 'connection_throttle_fill_time');
  });

  it('documents every entry in one to three sentences', () => {
    for (const p of PROPERTIES) {
      assert.ok(p.doc.length > 10, p.key);
      const sentences = p.doc.split(/(?<=[.!?])\s+(?=[A-Z`(])/).length;
      assert.ok(sentences <= 3, `${p.key}: ${sentences} sentences`);
      assert.doesNotMatch(p.doc, /\s$/, p.key);
    }
  });

  it('gives defaults that pass their own type check', () => {
    for (const p of PROPERTIES) {
      if (p.default === undefined || /[×(/√]|CPU|initLimit/.test(p.default)) continue;
      assert.deepEqual(checkValue(p, p.key, p.default), [], `${p.key}=${p.default}`);
    }
  });

  it('names the JVM property of JVM-only settings and derives the others', () => {
    for (const p of PROPERTIES.filter((x) => x.readBy === 'jvm')) assert.ok(p.systemProperty, p.key);
    assert.equal(systemPropertyOf(findProperty('snapCount')!), 'zookeeper.snapCount');
    assert.equal(systemPropertyOf(findProperty('tickTime')!), undefined);
    assert.equal(systemPropertyOf(findProperty('jute.maxbuffer')!), 'jute.maxbuffer');
  });

  it('lists exact keys without patterns', () => {
    assert.ok(EXACT_KEYS.includes('tickTime'));
    assert.ok(!EXACT_KEYS.some((k) => k.includes('<')));
    assert.equal(FOUR_LETTER_WORDS.length, 18);
  });
});
