// The one formatter of `<PREFIX>_FAILED: <line>` (scripts/lib/failureLine.js), for the suites compiled
// to out/test (the in-VS-Code suites and the e2e runner); the unit tier's reporter uses it directly.
import type * as FailureLineLib from '../../scripts/lib/failureLine';
import { scriptsLib } from './scriptsLib';

const shared = scriptsLib<typeof FailureLineLib>('failureLine');

/** `<full title> :: <first line of the error>`, one line, at most 400 characters. */
export function failureLine(title: string, error: unknown): string {
  return shared.failureLine(title, error);
}
