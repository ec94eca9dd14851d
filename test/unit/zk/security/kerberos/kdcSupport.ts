import * as assert from 'node:assert/strict';
import { KerberosError, type KerberosErrorKind } from '../../../../../src/zk/security/kerberos';
import { stopSharedKdc } from '../../../../support/kerberos';

// The KDC the Kerberos unit tests share (sharedKdc) is stopped once every test has run: a root
// hook, registered once by whichever test file loads this module first.
after(async () => {
  await stopSharedKdc();
});

/** Awaits `promise`, which must reject with a KerberosError of `kind` whose message matches every pattern. */
export async function rejectsKerberos(promise: Promise<unknown>, kind: KerberosErrorKind, ...patterns: RegExp[]): Promise<KerberosError> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  assert.ok(error instanceof KerberosError, `expected a KerberosError (${kind}), got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  assert.equal(error.kind, kind, `kind of: ${error.message}`);
  for (const pattern of patterns) assert.match(error.message, pattern);
  assertSentence(error.message);
  return error;
}

/** A full English sentence: a capital first, a colon between what happened and what to do, a full stop last. */
export function assertSentence(message: string): void {
  assert.match(message, /^[A-Z]/, `starts with a capital: ${message}`);
  assert.match(message, /[.]$/, `ends with a full stop: ${message}`);
  assert.match(message, /: /, `says what to do after a colon: ${message}`);
}

/** Secrets that must never appear in a message. */
export function assertNoSecret(message: string, ...secrets: string[]): void {
  for (const secret of secrets) assert.ok(!message.includes(secret), `the message must not contain a secret: ${message}`);
}
