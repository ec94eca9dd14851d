// The sandbox's demo-tls and demo-sasl connections (scripts/lib/demo.js sandboxSecurity) against a
// real server started with the sandbox's own TLS and SASL options.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as DemoLib from '../../../scripts/lib/demo';
import { ZkClient } from '../../../src/zk/client';
import { tlsTransport } from '../../../src/zk/security/tls';
import { loadTlsSettings, type TlsConfig } from '../../../src/zk/security/tlsFiles';
import { zookeeper } from '../../support/zookeeper';
import { scriptsLib } from '../../support/scriptsLib';

const demo = scriptsLib<typeof DemoLib>('demo');

describe('sandbox: the demo-tls and demo-sasl connections', function () {
  this.timeout(90000);

  it('both connect to the sandbox server and list /; demo-tls is granted its x509 subject, demo-sasl sasl:demo; the certificates are reused from the cache', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zke-sandbox-certs-'));
    try {
      const security = demo.sandboxSecurity({ cacheDir });
      const made = fs.statSync(security.certs.ca).mtimeMs;
      assert.equal(fs.statSync(demo.sandboxSecurity({ cacheDir }).certs.ca).mtimeMs, made, 'a second start reuses the cached certificates');
      const server = await zookeeper.startZooKeeper({ install: true, ...security.serverOptions });
      try {
        const [tlsEntry, saslEntry] = security.connections({ connectString: server.connectString, secureConnectString: server.secureConnectString! }) as [
          { name: string; connectString: string; tls: TlsConfig },
          { name: string; connectString: string; sasl: { mechanism: 'DIGEST-MD5'; user: string } },
        ];
        assert.deepEqual([tlsEntry.name, saslEntry.name], ['demo-tls', 'demo-sasl']);
        const overTls = await ZkClient.connect({ connectString: tlsEntry.connectString, transport: tlsTransport(loadTlsSettings(tlsEntry.tls)) });
        const withSasl = await ZkClient.connect({ connectString: saslEntry.connectString, sasl: { ...saslEntry.sasl, password: security.saslPassword } });
        try {
          assert.ok((await overTls.getChildren('/')).children.includes('zookeeper'));
          assert.ok((await withSasl.getChildren('/')).children.includes('zookeeper'));
          assert.ok((await overTls.whoAmI()).some((id) => id.scheme === 'x509' && id.user === security.certs.clientDn));
          assert.ok((await withSasl.whoAmI()).some((id) => id.scheme === 'sasl' && id.user === security.saslUser));
        } finally {
          await Promise.all([overTls.close(), withSasl.close()]);
        }
      } finally {
        await server.stop();
      }
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
