// The example files `npm run sandbox` puts in its workspace: a ZooKeeper script to run against the
// demo world and a zoo.cfg to check. A module of their own so that the extension tier can run the
// very script the sandbox offers (test/extension/language.test.ts runs it twice).
'use strict';

/** The flags of the demo world's /config/features (scripts/demo/world.py), new checkout at 50 %. */
const FEATURES = {
  newCheckout: { enabled: true, rolloutPercent: 50, owner: 'checkout-team' },
  expressShipping: { enabled: true, rolloutPercent: 100, regions: ['eu-west-1', 'us-east-1'] },
  recommendationsV2: { enabled: false, rolloutPercent: 0 },
  fraudScoring: { enabled: true, rolloutPercent: 100, threshold: 0.82 },
  darkMode: { enabled: true, rolloutPercent: 50 },
};

/** File name → lines. */
const EXAMPLES = {
  // Runs again and again: `set` replaces the data whatever its version, where a `create` would fail
  // on the second run (the node exists by then).
  'feature-flags.zk': [
    '# connection: demo',
    '# Roll the new checkout out to half of the users, then look at who serves orders.',
    '# Safe to run again: set replaces the data (create would fail once the node exists).',
    'get /config/features',
    `set /config/features '${JSON.stringify(FEATURES)}'`,
    'get -s /config/features',
    'ls /services/orders',
    'getAllChildrenNumber /services',
  ],
  'zoo.cfg': [
    '# A three-server ensemble (the sandbox itself runs one standalone server).',
    'tickTime=2000',
    'initLimit=10',
    'syncLimit=5',
    'dataDir=/var/lib/zookeeper',
    'clientPort=2181',
    'autopurge.snapRetainCount=3',
    'autopurge.purgeInterval=24',
    'server.1=zk1.example.com:2888:3888',
    'server.2=zk2.example.com:2888:3888',
    'server.3=zk3.example.com:2888:3888',
  ],
};

/**
 * Earlier versions of the examples, replaced when a workspace still has them unedited (the old
 * feature-flags.zk created its nodes, so it failed on its second run).
 */
const SUPERSEDED = {
  'feature-flags.zk': [
    [
      '# connection: demo',
      '# Turn on the new checkout for the orders service, then look at who serves it.',
      'get -s /config/app',
      'create /config/flags ""',
      'create /config/flags/new-checkout "{\\"enabled\\": true, \\"rollout\\": 25}"',
      'ls /services/orders',
      'getAllChildrenNumber /services',
    ],
  ],
};

module.exports = { EXAMPLES, FEATURES, SUPERSEDED };
