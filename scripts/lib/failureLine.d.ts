// Types for scripts/lib/failureLine.js: one failed test as one line of the end-of-run summary.

/** `<full title> :: <first line of the error>`, on one line and at most 400 characters. */
export function failureLine(title: string, error: unknown): string;
