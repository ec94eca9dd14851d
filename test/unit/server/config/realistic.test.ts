import assert from 'node:assert/strict';
import { diagnose } from '../../../../src/server/config/diagnostics';
import { summarize } from './helpers';

/** conf/zoo_sample.cfg as shipped with ZooKeeper 3.8, trailing spaces included. */
const SAMPLE = `# The number of milliseconds of each tick
tickTime=2000
# The number of ticks that the initial 
# synchronization phase can take
initLimit=10
# The number of ticks that can pass between 
# sending a request and getting an acknowledgement
syncLimit=5
# the directory where the snapshot is stored.
# do not use /tmp for storage, /tmp here is just 
# example sakes.
dataDir=/tmp/zookeeper
# the port at which the clients will connect
clientPort=2181
# the maximum number of client connections.
# increase this if you need to handle more clients
#maxClientCnxns=60
#
# Be sure to read the maintenance section of the 
# administrator guide before turning on autopurge.
#
# https://zookeeper.apache.org/doc/current/zookeeperAdmin.html#sc_maintenance
#
# The number of snapshots to retain in dataDir
#autopurge.snapRetainCount=3
# Purge task interval in hours
# Set to "0" to disable auto purge feature
#autopurge.purgeInterval=1

## Metrics Providers
#
# https://prometheus.io Metrics Exporter
#metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
#metricsProvider.httpHost=0.0.0.0
#metricsProvider.httpPort=7000
#metricsProvider.exportJvmInfo=true
`;

/** The standalone server this project's tests start. */
const TEST_SERVER = `tickTime=2000
dataDir=/tmp/zk-test/data
clientPortAddress=127.0.0.1
clientPort=22181
maxClientCnxns=0
4lw.commands.whitelist=*
admin.enableServer=true
admin.serverAddress=127.0.0.1
admin.serverPort=28080
extendedTypesEnabled=true
forceSync=no
`;

/** A production three-server ensemble with the usual extras. */
const ENSEMBLE = `# ZooKeeper ensemble: zk1, zk2, zk3
tickTime=2000
initLimit=10
syncLimit=5
dataDir=/var/lib/zookeeper/data
dataLogDir=/var/lib/zookeeper/txlog
clientPort=2181
maxClientCnxns=60
minSessionTimeout=4000
maxSessionTimeout=40000
autopurge.snapRetainCount=5
autopurge.purgeInterval=24
4lw.commands.whitelist=srvr, ruok, mntr, conf, \\
    stat, isro
admin.serverAddress=127.0.0.1
admin.serverPort=8081
metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
metricsProvider.httpPort=7000
metricsProvider.exportJvmInfo=true
reconfigEnabled=false
quorumListenOnAllIPs=true
electionPortBindRetry=0
snapshot.trust.empty=false

server.1=zk1.example.com:2888:3888;2181
server.2=zk2.example.com:2888:3888;2181
server.3=zk3.example.com:2888:3888;2181
`;

/** The same ensemble with TLS everywhere and SASL between the servers. */
const SECURE_ENSEMBLE = `tickTime = 2000
initLimit = 10
syncLimit = 5
dataDir = /data/zookeeper
secureClientPort = 2281
serverCnxnFactory = org.apache.zookeeper.server.NettyServerCnxnFactory
authProvider.x509 = org.apache.zookeeper.server.auth.X509AuthenticationProvider
ssl.keyStore.location = /etc/zookeeper/tls/keystore.p12
ssl.keyStore.passwordPath = /etc/zookeeper/tls/keystore.pass
ssl.keyStore.type = PKCS12
ssl.trustStore.location = /etc/zookeeper/tls/truststore.p12
ssl.trustStore.password = changeit
ssl.clientAuth = need
sslQuorum = true
ssl.quorum.keyStore.location = /etc/zookeeper/tls/keystore.p12
ssl.quorum.keyStore.password = changeit
ssl.quorum.trustStore.location = /etc/zookeeper/tls/truststore.p12
ssl.quorum.trustStore.password = changeit
ssl.quorum.hostnameVerification = true
learner.closeSocketAsync = true
leader.closeSocketAsync = true
quorum.auth.enableSasl = true
quorum.auth.learnerRequireSasl = true
quorum.auth.serverRequireSasl = true
quorum.auth.kerberos.servicePrincipal = zookeeper/_HOST
admin.enableServer = false
server.1 = [2001:db8::1]:2888:3888
server.2 = [2001:db8::2]:2888:3888
server.3 = [2001:db8::3]:2888:3888
server.4 = [2001:db8::4]:2888:3888:observer
`;

describe('server/config realistic files', () => {
  const files: [string, string][] = [
    ["ZooKeeper's zoo_sample.cfg", SAMPLE],
    ['zoo_sample.cfg with CRLF line endings', SAMPLE.replace(/\n/g, '\r\n')],
    ["this project's test server", TEST_SERVER],
    ['a three-server ensemble', ENSEMBLE],
    ['a three-server ensemble with CRLF line endings', ENSEMBLE.replace(/\n/g, '\r\n')],
    ['a TLS and SASL ensemble over IPv6 with an observer', SECURE_ENSEMBLE],
  ];
  for (const [name, text] of files) {
    it(`finds nothing to report in ${name}`, () => {
      assert.deepEqual(diagnose(text).map((d) => `${summarize(d)} ${d.message}`), []);
    });
  }

  it('finds the classic mistakes when they creep into the ensemble', () => {
    const broken = ENSEMBLE.replace('tickTime=2000', 'ticktime=2000')
      .replace('server.2=zk2.example.com:2888:3888;2181', 'server.2=zk2.example.com:2888:3888;2181 ')
      .replace('maxClientCnxns=60', 'maxClientCnxns=60 # per IP');
    assert.deepEqual(diagnose(broken).map(summarize), [
      'warning unknown-key 1:0-8',
      'error invalid-value 7:15-26',
      'error trailing-whitespace 25:39-40',
      'warning missing-ticktime 0:0-35',
      // With tickTime back at its 3000 ms default, 4000 ms is less than two ticks.
      'warning session-timeout 8:18-22',
    ]);
  });
});
