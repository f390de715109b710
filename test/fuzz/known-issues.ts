// Findings the fuzz suite is expected to make until tracked fixes land. Each entry names the issue item it
// belongs to; the quick run in `npm test` reports matching findings without failing, and the long run lists
// them apart from new ones. Remove an entry once its fix is merged, so the fuzzer guards against a relapse.
import type { Finding } from './oracle.js';

interface KnownIssue {
  ref: string;
  matches: (finding: Finding) => boolean;
}

/** The server's default body cap (config.ts `maxBodyBytes`). */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

export const knownIssues: readonly KnownIssue[] = [
  // Catastrophic backtracking (CompanyWebsiteUrl and siblings): a pattern-stressing string stalls the event loop.
  { ref: 'issue 5 item 1', matches: (f) => f.kind === 'stalled' && f.request.kind.includes('pattern-stress') },
  // Error lists are not capped: a huge list of invalid entries answers an error many times the request's size.
  { ref: 'issue 5 item 4', matches: (f) => f.kind === 'oversized-error' },
  // A client still uploading more than the body cap sees a broken pipe instead of the 413.
  { ref: 'issue 5 item 8', matches: (f) => f.kind === 'transport-error' && f.request.body.length > MAX_BODY_BYTES },
  // A lone surrogate in a string member is stored as invalid UTF-8.
  { ref: 'issue 5 item 10', matches: (f) => f.kind === 'invalid-utf8-stored' && f.request.kind.includes('lone-surrogate') },
];

export function knownIssueOf(finding: Finding): string | undefined {
  return knownIssues.find((k) => k.matches(finding))?.ref;
}
