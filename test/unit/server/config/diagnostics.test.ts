import assert from 'node:assert/strict';
import { diagnose } from '../../../../src/server/config/diagnostics';
import { BASE, ENSEMBLE, check, range, summarize, withCode } from './helpers';

describe('server/config/diagnostics', () => {
  it('finds nothing wrong with the minimal standalone configuration', () => {
    assert.deepEqual(check(''), []);
  });

  it('marks every diagnostic with its source and a string code', () => {
    for (const d of diagnose('ticktime=1\nserver.1=x')) {
      assert.equal(d.source, 'zookeeper-config');
      assert.equal(typeof d.code, 'string');
    }
  });

  describe('keys', () => {
    it('suggests the key a case slip or typo was meant to be, and carries it for the quick fix', () => {
      const cases: [string, string][] = [
        ['ticktime', 'tickTime'],
        ['TICKTIME', 'tickTime'],
        ['initLimt', 'initLimit'],
        ['sycnLimit', 'syncLimit'],
        ['maxClientCnxn', 'maxClientCnxns'],
        ['autopurge.purgeIntervall', 'autopurge.purgeInterval'],
        ['4lw.command.whitelist', '4lw.commands.whitelist'],
        ['ssl.keystore.location', 'ssl.keyStore.location'],
        ['sever.4', 'server.4'],
        ['Server.4', 'server.4'],
        ['authprovider.1', 'authProvider.1'],
      ];
      for (const [typed, meant] of cases) {
        const [d] = withCode(`${typed}=1\n`, 'unknown-key');
        assert.ok(d, typed);
        assert.equal(d.message, `Unknown property '${typed}'. Did you mean '${meant}'?`);
        assert.deepEqual(d.data, { suggestion: meant, fix: { title: `Change to '${meant}'`, newText: meant } });
        assert.deepEqual(d.range, range(3, 0, 3, typed.length));
        assert.equal(d.severity, 2);
      }
    });

    it('names an unknown key without a guess when nothing is close', () => {
      const [d] = withCode('log.retention.hours=168\n', 'unknown-key');
      assert.equal(d.message, "Unknown property 'log.retention.hours': ZooKeeper passes it on as the system property zookeeper.log.retention.hours, which may be read by nothing.");
      assert.equal(d.data, undefined);
    });

    it('flags the zookeeper. prefix, which ZooKeeper adds itself', () => {
      const [d] = withCode('zookeeper.ssl.keyStore.location=/ks.jks\n', 'zookeeper-prefix');
      assert.match(d.message, /^Write 'ssl.keyStore.location' here: ZooKeeper adds the 'zookeeper.' prefix itself/);
      assert.equal((d.data as { suggestion: string }).suggestion, 'ssl.keyStore.location');
      assert.equal((withCode('zookeeper.connectionMaxTokens=5\n', 'zookeeper-prefix')[0].data as { suggestion: string }).suggestion, 'connection_throttle_tokens');
    });

    it("flags the Administrator's Guide names that do not reach the server from zoo.cfg", () => {
      const [d] = withCode('connectionMaxTokens=100\n', 'guide-name');
      assert.equal(
        d.message,
        "'connectionMaxTokens' is the Administrator's Guide's name: ZooKeeper passes it on as zookeeper.connectionMaxTokens, but the server reads zookeeper.connection_throttle_tokens. Write 'connection_throttle_tokens'.",
      );
      assert.deepEqual(check('requestThrottleLimit=10\nmaxConcurrentSnapSyncs=4\n'), ['warning guide-name 0:0-20', 'warning guide-name 1:0-22']);
      assert.deepEqual(check('connection_throttle_tokens=100\nrequest_throttle_max_requests=10\n'), []);
    });

    it('flags settings that only work as JVM options', () => {
      assert.deepEqual(check('jute.maxbuffer=4194304\nreadonlymode.enabled=true\nznode.container.checkIntervalMs=1000\n'), [
        'warning jvm-only 0:0-14',
        'warning jvm-only 1:0-20',
        'warning jvm-only 2:0-31',
      ]);
      assert.match(withCode('jute.maxbuffer=4194304\n', 'jvm-only')[0].message, /-Djute\.maxbuffer/);
    });

    it('accepts pattern keys and free metrics provider settings', () => {
      assert.deepEqual(check('authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider\nmetricsProvider.customSetting=x\n'), []);
    });

    it('warns about a line without a key', () => {
      assert.deepEqual(check('=2181\n'), ['warning missing-key 0:1-5']);
    });

    it('points out non-ASCII text, which ZooKeeper reads as ISO-8859-1', () => {
      assert.deepEqual(check('ssl.keyStore.password=pässword\n'), ['information non-ascii 0:0-30']);
    });

    it('reports a malformed \\u escape as an error', () => {
      assert.deepEqual(check('ssl.keyStore.password=\\u00g1\n'), ['error malformed-escape 0:22-28']);
    });
  });

  describe('duplicate keys', () => {
    it('points at every occurrence, says which one wins and offers to remove the overridden ones', () => {
      const ds = diagnose(`${BASE}clientPort=2182\n`, { uri: 'file:///zoo.cfg' }).filter((d) => d.code === 'duplicate-key');
      assert.deepEqual(ds.map(summarize), ['warning duplicate-key 2:0-10', 'warning duplicate-key 3:0-10']);
      assert.equal(ds[0].message, 'clientPort is set again on line 4, which overrides this value.');
      assert.equal(ds[1].message, 'clientPort is also set on line 3; this last value is the one ZooKeeper uses.');
      assert.deepEqual(ds[0].data, { fix: { title: 'Remove this overridden clientPort line', newText: '', range: range(2, 0, 3, 0) } });
      assert.equal(ds[1].data, undefined);
      assert.deepEqual(ds[0].relatedInformation, [{ location: { uri: 'file:///zoo.cfg', range: range(3, 0, 3, 10) }, message: 'clientPort is also set here' }]);
    });

    it('leaves related information out without a URI', () => {
      assert.equal(withCode('clientPort=2182\n', 'duplicate-key')[0].relatedInformation, undefined);
    });

    it('reports two keys that are the same server id', () => {
      assert.deepEqual(withCode('initLimit=5\nsyncLimit=2\nserver.1=a:2888:3888\nserver.01=b:2888:3888\nserver.2=c:2888:3888\n', 'duplicate-server-id').map(summarize), [
        'warning duplicate-server-id 5:0-8',
        'warning duplicate-server-id 6:0-9',
      ]);
    });
  });

  describe('values', () => {
    it('treats a bad number as fatal for keys QuorumPeerConfig parses, and as ignored for system properties', () => {
      assert.deepEqual(check('maxClientCnxns=sixty\nsnapCount=lots\n'), ['error invalid-value 0:15-20', 'warning invalid-value 1:10-14']);
      assert.equal(withCode('maxClientCnxns=sixty\n', 'invalid-value')[0].message, "'sixty' is not a whole number: ZooKeeper refuses to start (maxClientCnxns).");
      assert.equal(withCode('snapCount=lots\n', 'invalid-value')[0].message, "'lots' is not a whole number: the server cannot use it (snapCount).");
    });

    it('explains that zoo.cfg has no end-of-line comments', () => {
      const [d] = withCode('maxClientCnxns=60 # per client\n', 'invalid-value');
      assert.match(d.message, /zoo.cfg has no end-of-line comments/);
    });

    it('checks number ranges, longs and decimals', () => {
      assert.deepEqual(check('maxClientCnxns=3000000000\npreAllocSize=3000000000\nconnection_throttle_drop_increase=0.5\nconnection_throttle_drop_decrease=half\n'), [
        'error invalid-value 0:15-25',
        'warning invalid-value 3:34-38',
      ]);
    });

    it('reads booleans as QuorumPeerConfig and Boolean.parseBoolean do', () => {
      assert.deepEqual(check('standaloneEnabled=TRUE\nreconfigEnabled=yes\nextendedTypesEnabled=1\n'), ['error invalid-value 1:16-19', 'warning invalid-value 2:21-22']);
      assert.equal(withCode('extendedTypesEnabled=1\n', 'invalid-value')[0].message, "extendedTypesEnabled expects true or false; '1' is read as false.");
    });

    it('reads yes/no settings as the server does', () => {
      assert.deepEqual(check('forceSync=no\nskipACL=yes\nleaderServes=no\n'), []);
      assert.equal(withCode('forceSync=false\n', 'invalid-value')[0].message, "forceSync expects yes or no; 'false' is read as yes.");
      assert.equal(withCode('skipACL=true\n', 'invalid-value')[0].message, "skipACL expects yes or no; 'true' is read as no.");
    });

    it('checks enumerations case-insensitively', () => {
      assert.deepEqual(check('ssl.clientAuth=NEED\nssl.keyStore.type=pkcs12\npeerType=Observer\n'), []);
      assert.deepEqual(check('ssl.clientAuth=maybe\n'), ['warning invalid-value 0:15-20']);
      assert.deepEqual(check('peerType=leader\n'), ['error invalid-value 0:9-15']);
    });

    it('accepts only election algorithm 3', () => {
      assert.deepEqual(check('electionAlg=3\n'), []);
      const [d] = withCode('electionAlg=1\n', 'invalid-value');
      assert.equal(d.message, 'Election algorithm 1 no longer exists: only 3 (fast leader election) is supported since ZooKeeper 3.6. Remove the line or set 3.');
      assert.equal(d.severity, 1);
    });

    it('checks ports: 1–65535, and 0 only where it means "not set"', () => {
      assert.deepEqual(check('secureClientPort=0\nobserverMasterPort=0\n'), []);
      assert.deepEqual(check('admin.serverPort=0\n'), ['warning port-range 0:17-18']);
      assert.deepEqual(check('admin.serverPort=65536\n'), ['error port-range 0:17-22']);
      assert.deepEqual(check('admin.serverPort=-1\n'), ['error port-range 0:17-19']);
      assert.deepEqual(check('admin.serverPort=http\n'), ['warning invalid-value 0:17-21']);
      assert.deepEqual(check('metricsProvider.httpPort=x\n'), ['error invalid-value 0:25-26']);
    });

    it('checks class names and four-letter words', () => {
      assert.deepEqual(check('serverCnxnFactory=Netty Factory\n'), ['warning invalid-value 0:18-31']);
      assert.deepEqual(check('4lw.commands.whitelist=srvr, ruok,mntr , conf\n4lw.commands.whitelist=*\n').filter((s) => !s.includes('duplicate')), []);
      assert.deepEqual(check('4lw.commands.whitelist=srvr, status, ruok, stats\n'), ['warning invalid-value 0:29-35', 'warning invalid-value 0:43-48']);
    });

    it('warns about backslashes in paths, which are escapes', () => {
      assert.deepEqual(check('dataLogDir=C:\\zookeeper\\logs\n'), ['warning backslash 0:11-28']);
      assert.match(withCode('dataLogDir=C:\\zookeeper\\logs\n', 'backslash')[0].message, /read as 'C:zookeeperlogs'/);
      assert.deepEqual(check('dataLogDir=C:\\\\zookeeper\\\\logs\ndynamicConfigFile=C:/zk/zoo.cfg.dynamic\n'), []);
    });

    it('notes relative data directories', () => {
      assert.deepEqual(check('dataLogDir=logs\n'), ['information relative-path 0:11-15']);
    });

    it('reports an empty data directory', () => {
      assert.deepEqual(check('', 'tickTime=2000\ndataDir=\nclientPort=2181\n'), ['error empty-value -2:0-7']);
    });
  });

  describe('required settings', () => {
    it('requires dataDir, at the top of the file', () => {
      const ds = diagnose('tickTime=2000\nclientPort=2181\n');
      assert.deepEqual(ds.map(summarize), ['error missing-datadir 0:0-13']);
      assert.equal(ds[0].message, 'dataDir is not set: ZooKeeper refuses to start without a data directory.');
    });

    it('warns that a missing tickTime falls back to 3000 ms', () => {
      const ds = diagnose('dataDir=/data\nclientPort=2181\n');
      assert.deepEqual(ds.map(summarize), ['warning missing-ticktime 0:0-13']);
      assert.match(ds[0].message, /^tickTime is not set: ZooKeeper falls back to 3000 ms\./);
    });

    it('reports an empty file at its first line', () => {
      assert.deepEqual(diagnose('').map(summarize), ['error missing-datadir 0:0-0', 'warning missing-ticktime 0:0-0', 'warning no-client-port 0:0-0']);
    });

    it('rejects tickTime=0 and negative tick times', () => {
      assert.deepEqual(check('', 'tickTime=0\ndataDir=/d\nclientPort=1\n'), ['error ticktime -3:9-10']);
      assert.deepEqual(check('', 'tickTime=-5\ndataDir=/d\nclientPort=1\n'), ['error ticktime -3:9-11']);
    });

    it('warns when no client port is configured at all', () => {
      assert.deepEqual(diagnose('tickTime=2000\ndataDir=/d\n').map(summarize), ['warning no-client-port 0:0-13']);
      assert.deepEqual(diagnose('tickTime=2000\ndataDir=/d\nsecureClientPort=2281\nserverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\n').map(summarize), []);
    });

    it('requires clientPort for clientPortAddress, and secureClientPort for secureClientPortAddress', () => {
      assert.deepEqual(diagnose('tickTime=2000\ndataDir=/d\nsecureClientPort=2281\nserverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\nclientPortAddress=127.0.0.1\n').map(summarize), [
        'error address-without-port 4:0-17',
      ]);
      assert.deepEqual(check('secureClientPortAddress=127.0.0.1\n'), ['error address-without-port 0:0-23']);
    });
  });

  describe('ensemble timing', () => {
    it('requires initLimit and syncLimit in a replicated ensemble', () => {
      const servers = 'server.1=zk1:2888:3888\nserver.2=zk2:2888:3888\nserver.3=zk3:2888:3888\n';
      assert.deepEqual(check(servers), ['error missing-limit 0:0-8', 'error missing-limit 0:0-8']);
      assert.deepEqual(check(`initLimit=0\nsyncLimit=2\n${servers}`), ['error missing-limit 0:10-11']);
      assert.deepEqual(check('initLimit=5\nsyncLimit=2\n'), []);
    });

    it('warns when syncLimit exceeds initLimit', () => {
      const [d] = withCode('initLimit=5\nsyncLimit=10\n', 'sync-limit');
      assert.deepEqual(summarize(d), 'warning sync-limit 4:10-12');
      assert.equal(d.message, 'syncLimit (10 ticks) is larger than initLimit (5 ticks): followers would get longer to keep up than to sync in the first place.');
    });

    it('warns when initLimit × tickTime is under 2 s or over 10 minutes', () => {
      const fast = 'tickTime=500\ndataDir=/d\nclientPort=2181\n';
      assert.deepEqual(check('initLimit=3\n', fast), ['warning init-limit 0:10-11']);
      assert.equal(withCode('initLimit=3\n', 'init-limit', fast)[0].message, 'initLimit × tickTime is only 1500 ms: followers get under 2 seconds to connect and sync with the leader.');
      assert.deepEqual(check('initLimit=1\n'), []);
      assert.deepEqual(check('initLimit=301\n'), ['warning init-limit 0:10-13']);
      assert.equal(withCode('initLimit=400\n', 'init-limit')[0].message, 'initLimit × tickTime is 13.3 min: a follower that cannot sync keeps the ensemble waiting that long.');
      assert.deepEqual(check('initLimit=300\n'), []);
    });
  });

  describe('session timeouts', () => {
    it('accepts timeouts between 2 and 20 ticks', () => {
      assert.deepEqual(check('minSessionTimeout=4000\nmaxSessionTimeout=40000\n'), []);
      assert.deepEqual(check('minSessionTimeout=-1\nmaxSessionTimeout=-1\n'), []);
    });

    it('warns about a minimum under 2 ticks and notes a maximum over 20 ticks', () => {
      assert.deepEqual(check('minSessionTimeout=1000\nmaxSessionTimeout=60000\n'), ['warning session-timeout 0:18-22', 'information session-timeout 1:18-23']);
      assert.equal(
        withCode('maxSessionTimeout=60000\n', 'session-timeout')[0].message,
        "maxSessionTimeout 60000 ms is above the default of 20 ticks (40000 ms): a crashed client's session and ephemeral nodes may linger up to 1 min.",
      );
    });

    it('rejects a minimum above the maximum, including the defaults', () => {
      assert.deepEqual(check('minSessionTimeout=30000\nmaxSessionTimeout=20000\n'), ['error session-timeout 0:18-23', 'error session-timeout 1:18-23']);
      assert.deepEqual(check('maxSessionTimeout=3000\n'), ['error session-timeout 0:18-22']);
      assert.equal(
        withCode('maxSessionTimeout=3000\n', 'session-timeout')[0].message,
        'The minimum session timeout (4000 ms, 2 × tickTime by default) is larger than the maximum (3000 ms): ZooKeeper refuses to start.',
      );
    });
  });

  describe('ports', () => {
    it('reports a secureClientPort equal to clientPort', () => {
      const tls = 'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\n';
      assert.deepEqual(check(`${tls}secureClientPort=2181\n`), ['error port-clash 1:17-21']);
      assert.equal(withCode(`${tls}secureClientPort=2181\n`, 'port-clash')[0].message, 'clientPort and secureClientPort are both port 2181: they cannot both bind.');
    });

    it("reports a clientPort on the AdminServer's default port", () => {
      const ds = diagnose('tickTime=2000\ndataDir=/d\nclientPort=8080\n');
      assert.deepEqual(ds.map(summarize), ['error port-clash 2:11-15']);
      assert.equal(ds[0].message, 'clientPort and the AdminServer (admin.serverPort defaults to 8080) are both port 8080: they cannot both bind.');
      assert.deepEqual(diagnose('tickTime=2000\ndataDir=/d\nclientPort=8080\nadmin.enableServer=false\n').map(summarize), []);
    });

    it('reports a clientPort equal to a quorum or election port', () => {
      const ds = withCode('initLimit=5\nsyncLimit=2\nserver.1=zk1:2181:3888\nserver.2=zk2:2888:3888\nserver.3=zk3:2888:3888\n', 'port-clash');
      assert.deepEqual(ds.map(summarize), ['error port-clash 2:11-15']);
      assert.equal(ds[0].message, 'clientPort (port 2181) is also the quorum port of server.1: on that machine both cannot bind.');
    });

    it('ignores a clientPort bound to another host than the clashing server', () => {
      const lines = 'clientPortAddress=10.0.0.9\ninitLimit=5\nsyncLimit=2\nserver.1=10.0.0.1:2181:3888\nserver.2=10.0.0.2:2888:3888\nserver.3=10.0.0.3:2888:3888\n';
      assert.deepEqual(withCode(lines, 'port-clash'), []);
    });

    it('reports two servers on the same host and port, at both', () => {
      const lines = 'initLimit=5\nsyncLimit=2\nserver.1=localhost:2888:3888\nserver.2=127.0.0.1:2888:3889\nserver.3=localhost:2890:3890\n';
      const ds = withCode(lines, 'port-clash');
      assert.deepEqual(ds.map(summarize), ['error port-clash 5:19-23', 'error port-clash 6:19-23']);
      assert.equal(ds[0].message, 'localhost:2888 is also the quorum port of server.2: two listeners cannot share it.');
    });

    it('accepts the usual one-machine test ensemble with distinct ports', () => {
      const lines = 'initLimit=5\nsyncLimit=2\nserver.1=127.0.0.1:24281:24381\nserver.2=127.0.0.1:24282:24382\nserver.3=127.0.0.1:24283:24383\n';
      assert.deepEqual(check(lines), []);
    });

    it("accepts a server line's client port equal to clientPort: that is the same listener", () => {
      const lines = 'initLimit=5\nsyncLimit=2\nserver.1=zk1:2888:3888;2181\nserver.2=zk2:2888:3888;2181\nserver.3=zk3:2888:3888;2181\n';
      assert.deepEqual(check(lines), []);
    });
  });

  describe('cluster shape', () => {
    it('warns that a single participant runs standalone', () => {
      assert.deepEqual(check('server.1=zk1:2888:3888\n'), ['warning single-server 0:0-8']);
      assert.deepEqual(check('standaloneEnabled=false\ninitLimit=5\nsyncLimit=2\nserver.1=zk1:2888:3888\n'), []);
    });

    it('warns about two participants and notes an even number', () => {
      assert.deepEqual(check('initLimit=5\nsyncLimit=2\nserver.1=zk1:2888:3888\nserver.2=zk2:2888:3888\n'), ['warning quorum-size 2:0-8']);
      const four = 'initLimit=5\nsyncLimit=2\nserver.1=a:2888:3888\nserver.2=b:2888:3888\nserver.3=c:2888:3888\nserver.4=d:2888:3888\n';
      assert.deepEqual(check(four), ['information quorum-size 2:0-8']);
      assert.deepEqual(check(`${four}server.5=e:2888:3888:observer\n`), ['information quorum-size 2:0-8']);
    });

    it('rejects observers without a quorum', () => {
      assert.deepEqual(check('server.1=zk1:2888:3888:observer\n'), ['error observers-only 0:0-8']);
      assert.deepEqual(check('server.1=zk1:2888:3888\nserver.2=zk2:2888:3888:observer\n'), ['error observers-only 0:0-8']);
    });

    it('rejects standaloneEnabled=false without a participant', () => {
      assert.deepEqual(check('standaloneEnabled=false\n'), ['error no-participants 0:0-17']);
    });

    it('wants server, group and weight lines in the dynamic file when there is one', () => {
      assert.deepEqual(check('dynamicConfigFile=/conf/zoo.cfg.dynamic\nserver.1=zk1:2888:3888\n'), ['error dynamic-in-static 1:0-8']);
    });

    it('checks hierarchical quorums: every participant in exactly one group', () => {
      const servers = 'initLimit=5\nsyncLimit=2\nserver.1=a:2888:3888\nserver.2=b:2888:3888\nserver.3=c:2888:3888\n';
      assert.deepEqual(check(`${servers}group.1=1:2\ngroup.2=3\nweight.1=2\n`), []);
      assert.deepEqual(check(`${servers}group.1=1:2\n`), ['error ungrouped-server 4:0-8']);
      assert.deepEqual(check(`${servers}group.1=1:2\ngroup.2=2:3\n`), ['error group-overlap 6:8-9']);
      assert.deepEqual(check(`${servers}group.1=1:2:3:7\n`), ['warning group-member 5:14-15']);
      assert.deepEqual(check(`${servers}group.1=1:2:3 \n`), ['error invalid-value 5:12-14', 'error ungrouped-server 4:0-8']);
      assert.deepEqual(check(`${servers}group.1=1:2:3\nweight.2=heavy\n`), ['error invalid-value 6:9-14']);
      assert.deepEqual(check(`${servers}group.x=1:2:3\n`), ['error group-id 5:0-7']);
    });
  });

  describe('security and connection factory', () => {
    it('checks the quorum SASL switches depend on each other', () => {
      assert.deepEqual(check('quorum.auth.enableSasl=true\nquorum.auth.learnerRequireSasl=true\nquorum.auth.serverRequireSasl=true\n'), []);
      assert.deepEqual(check('quorum.auth.learnerRequireSasl=true\n'), ['error quorum-sasl 0:31-35']);
      assert.deepEqual(check('quorum.auth.enableSasl=true\nquorum.auth.serverRequireSasl=true\n'), ['error quorum-sasl 1:30-34']);
      assert.match(withCode('quorum.auth.enableSasl=true\nquorum.auth.serverRequireSasl=true\n', 'quorum-sasl')[0].message, /needs quorum.auth.learnerRequireSasl=true/);
    });

    it('warns that TLS client connections need the Netty connection factory', () => {
      assert.deepEqual(check('secureClientPort=2281\n'), ['warning tls-factory 0:0-16']);
      assert.deepEqual(check('client.portUnification=true\n'), ['warning tls-factory 0:0-22']);
      assert.deepEqual(check('secureClientPort=2281\nserverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\n'), []);
    });
  });

  describe('directories and purging', () => {
    it('notes a dataLogDir that is just dataDir', () => {
      assert.deepEqual(check('dataLogDir=/var/lib/zookeeper/\n'), ['information same-dirs 0:11-30']);
    });

    it('warns that autopurge.snapRetainCount is raised to 3', () => {
      assert.deepEqual(check('autopurge.snapRetainCount=1\n'), ['warning snap-retain 0:26-27']);
    });
  });

  // The time is printed, not asserted: a busy machine may be slow without anything being wrong. The
  // tier's per-test timeout is the hang guard (a quadratic pass over 20,000 lines would hit it).
  it('diagnoses a huge file (time printed)', () => {
    const lines = [BASE];
    for (let i = 0; i < 20_000; i++) lines.push(i % 2 ? `# comment ${i}` : `unknownSetting${i % 50}=${i}`);
    const started = Date.now();
    const ds = diagnose(lines.join('\n'));
    assert.ok(ds.length > 10_000);
    console.log(`      diagnosed 20,001 lines in ${Date.now() - started} ms`);
  });

  it('never throws on arbitrary text', () => {
    const pieces = ['server.1=', 'group.1=', 'weight.', 'tickTime=', 'clientPort=', ':', '|', ';', '[', ']', '2888', '\\', '\n', ' ', 'x', '=', '#', '-1', '99999999999999999999'];
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 1500; i++) {
      let text = '';
      for (let j = Math.floor(random() * 30); j > 0; j--) text += pieces[Math.floor(random() * pieces.length)];
      diagnose(text);
    }
  });

  it('keeps a realistic ensemble quiet', () => {
    assert.deepEqual(diagnose(ENSEMBLE).map(summarize), []);
  });
});
