import * as assert from 'node:assert/strict';
import { createKerberosProvider, KerberosError, type KerberosProvider } from '../../../../../src/zk/security/kerberos';
import { findEnctype } from '../../../../../src/zk/security/kerberos/crypto';
import { application, explicit, generalString, integer, sequence, time } from '../../../../../src/zk/security/kerberos/der';
import { encodePrincipalName } from '../../../../../src/zk/security/kerberos/messages';
import { frameGssToken, KRB5_MECH_OID, unframeGssToken, unwrap, wrap, type WrapKeys } from '../../../../../src/zk/security/kerberos/gssapi';
import { ALICE, sharedKdc, type Kdc } from '../../../../support/kerberos';
import { acceptApReq, readSaslAnswer, saslOffer } from './acceptor';
import './kdcSupport';

const ZOOKEEPER = { name: 'zookeeper', host: 'localhost' };

describe('Kerberos GSS-API: RFC 4121 Wrap tokens', () => {
  const enctype = findEnctype(18)!;
  const keys: WrapKeys = { key: Buffer.alloc(32, 3), enctype, acceptorSubkey: false };

  it('an integrity-only token has the 0x0504 header, EC = checksum length, RRC 0, and opens on the other side', () => {
    const token = wrap(keys, 42n, Buffer.from('payload'), { fromAcceptor: true });
    assert.equal(token.subarray(0, 4).toString('hex'), '050401ff');
    assert.equal(token.readUInt16BE(4), 12);
    assert.equal(token.readUInt16BE(6), 0);
    assert.equal(token.readBigUInt64BE(8), 42n);
    assert.equal(token.length, 16 + 7 + 12);
    assert.deepEqual(unwrap(keys, token, { fromAcceptor: true }), { payload: Buffer.from('payload'), sequence: 42n });
  });

  it('a sealed token round trips, and a token rotated by RRC (as Windows sends) is un-rotated', () => {
    const sealed = wrap(keys, 7n, Buffer.from('secret payload'), { fromAcceptor: false, seal: true });
    assert.equal(sealed[2], 0x02);
    assert.deepEqual(unwrap(keys, sealed, { fromAcceptor: false }).payload, Buffer.from('secret payload'));
    const plain = wrap(keys, 8n, Buffer.from('rotated'), { fromAcceptor: true });
    const rrc = 5;
    const body = plain.subarray(16);
    const rotated = Buffer.concat([plain.subarray(0, 16), body.subarray(body.length - rrc), body.subarray(0, body.length - rrc)]);
    rotated.writeUInt16BE(rrc, 6);
    assert.deepEqual(unwrap(keys, rotated, { fromAcceptor: true }).payload, Buffer.from('rotated'));
  });

  it('refuses a token with a flipped bit, from the wrong side, with the wrong key, or that ignores the acceptor subkey', () => {
    const token = wrap(keys, 1n, Buffer.from('data'), { fromAcceptor: true });
    const flipped = Buffer.from(token);
    flipped[17] ^= 1;
    assert.throws(() => unwrap(keys, flipped, { fromAcceptor: true }), /checksum of the server's Wrap token is wrong/);
    assert.throws(() => unwrap(keys, token, { fromAcceptor: false }), /not sent by the expected side/);
    assert.throws(() => unwrap({ ...keys, key: Buffer.alloc(32, 4) }, token, { fromAcceptor: true }), /checksum .* is wrong/);
    assert.throws(() => unwrap({ ...keys, acceptorSubkey: true }, token, { fromAcceptor: true }), /ignores the acceptor subkey it sent/);
    assert.throws(() => unwrap(keys, Buffer.from('0404', 'hex'), { fromAcceptor: true }), /not a GSS-API Wrap token/);
  });

  it('frames a context token with the krb5 mechanism OID (1.2.840.113554.1.2.2) and reads it back', () => {
    const framed = frameGssToken(0x0100, Buffer.alloc(300, 1));
    assert.equal(framed[0], 0x60);
    assert.ok(framed.subarray(4, 4 + KRB5_MECH_OID.length).equals(KRB5_MECH_OID));
    const { tokenId, body } = unframeGssToken(framed);
    assert.equal(tokenId, 0x0100);
    assert.equal(body.length, 300);
  });
});

describe('Kerberos GSS-API and SASL GSSAPI with a ticket from a real MIT KDC (test acceptor with the service keytab)', function () {
  this.timeout(120000);
  let kdc: Kdc;
  let provider: KerberosProvider;

  before(async () => {
    kdc = await sharedKdc();
    provider = createKerberosProvider({ krb5Conf: kdc.krb5Conf, keytab: kdc.principals.alice.keytab, principal: 'alice' });
  });
  const keytab = (): string => kdc.principals['zookeeper/localhost'].keytab;

  it('without mutual authentication: AP-REQ with the 0x8003 checksum and an initiator subkey; the offer is answered with "no security layer" and the authzid', async () => {
    const session = provider.session(await provider.acquire(ZOOKEEPER));
    const { context, apRep } = acceptApReq(session.initial(), keytab());
    assert.equal(apRep, undefined);
    assert.equal(context.client, ALICE.principal);
    assert.equal(context.apOptions & (1 << 29), 0, 'mutual-required is not set');
    assert.equal(context.gssFlags & 2, 0, 'GSS_C_MUTUAL_FLAG is not set');
    assert.ok(context.gssFlags & 32, 'GSS_C_INTEG_FLAG');
    assert.ok(context.authenticator.subkey, 'an initiator subkey');
    assert.ok(Math.abs(context.authenticator.ctime - Date.now()) < 60000);
    const answer = session.step(saslOffer(context));
    assert.ok(answer);
    assert.deepEqual(readSaslAnswer(context, answer), { layer: 1, maxBuffer: 0, authzid: ALICE.principal, sequence: BigInt(context.authenticator.seqNumber!) });
    assert.equal(session.complete, false);
    assert.equal(session.step(Buffer.alloc(0)), undefined);
    assert.equal(session.complete, true);
  });

  it('with mutual authentication: the AP-REP is checked and its acceptor subkey keys the Wrap tokens (AcceptorSubkey flag)', async () => {
    const session = provider.session(await provider.acquire(ZOOKEEPER), { mutual: true, authzid: 'someone-else' });
    const { context, apRep } = acceptApReq(session.initial(), keytab(), { acceptorSubkey: true });
    assert.ok(context.apOptions & (1 << 29), 'mutual-required');
    assert.ok(context.gssFlags & 2, 'GSS_C_MUTUAL_FLAG');
    assert.ok(apRep);
    assert.deepEqual(session.step(apRep), Buffer.alloc(0), 'after the AP-REP the client waits for the offer');
    const offer = saslOffer(context);
    const answer = session.step(offer)!;
    assert.equal(answer[2] & 0x04, 0x04, 'AcceptorSubkey flag');
    assert.equal(readSaslAnswer(context, answer).authzid, 'someone-else');
    // Another session that got the same AP-REP flow refuses an offer whose sequence number is not the announced one.
    const strict = provider.session(await provider.acquire(ZOOKEEPER), { mutual: true });
    const second = acceptApReq(strict.initial(), keytab(), { acceptorSubkey: true });
    strict.step(second.apRep!);
    const wrongSequence = saslOffer({ ...second.context, sendSequence: second.context.sendSequence + 1n });
    assert.throws(() => strict.step(wrongSequence), /sequence number 12346 where 12345 was announced/);
  });

  it('each session (one per TCP connection) has a fresh authenticator, subkey and sequence number', async () => {
    const ticket = await provider.acquire(ZOOKEEPER);
    const a = acceptApReq(provider.session(ticket).initial(), keytab()).context.authenticator;
    const b = acceptApReq(provider.session(ticket).initial(), keytab()).context.authenticator;
    assert.notDeepEqual(a.subkey, b.subkey);
    assert.ok(a.seqNumber !== b.seqNumber || a.cusec !== b.cusec);
  });

  it('refuses an AP-REP that is not from the service, a missing AP-REP when mutual, and a server that requires a security layer', async () => {
    const ticket = await provider.acquire(ZOOKEEPER);
    const mutual = provider.session(ticket, { mutual: true });
    const { context } = acceptApReq(mutual.initial(), keytab());
    assert.throws(() => mutual.step(saslOffer(context)), /did not prove its identity \(no AP-REP\)/);

    const forged = provider.session(ticket, { mutual: true });
    const { apRep } = acceptApReq(forged.initial(), keytab());
    // An AP-REP for another authenticator (a replay) does not echo this one's time.
    const replayedTo = provider.session(ticket, { mutual: true });
    replayedTo.initial();
    assert.throws(() => replayedTo.step(apRep!), (error: unknown) => error instanceof KerberosError && /mutual authentication failed/.test(error.message));

    const layered = provider.session(ticket);
    const accepted = acceptApReq(layered.initial(), keytab()).context;
    assert.throws(() => layered.step(saslOffer(accepted, 0x04)), /requires a SASL security layer/);
  });

  it('a KRB-ERROR token from the acceptor is reported as a refusal with its code', async () => {
    const session = provider.session(await provider.acquire(ZOOKEEPER), { mutual: true });
    session.initial();
    // KRB-ERROR { pvno 5, msg-type 30, stime, susec, error-code 41 (KRB_AP_ERR_MODIFIED), realm, sname }
    const krbError = application(
      30,
      sequence(
        explicit(0, integer(5)),
        explicit(1, integer(30)),
        explicit(4, time(Date.now())),
        explicit(5, integer(0)),
        explicit(6, integer(41)),
        explicit(9, generalString('EXAMPLE.TEST')),
        explicit(10, encodePrincipalName({ type: 2, components: ['zookeeper', 'localhost'] })),
      ),
    );
    assert.throws(() => session.step(frameGssToken(0x0300, krbError)), /refused the Kerberos ticket for zookeeper\/localhost@EXAMPLE\.TEST \(Kerberos error 41\)/);
  });
});
