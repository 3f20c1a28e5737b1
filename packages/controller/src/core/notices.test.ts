import { describe, expect, it } from 'vitest';
import { canaryNotice, isPostedNotice, type CanaryOutcome } from './notices.js';

describe('notices', () => {
  it('posts every canary decision that changes or protects production, and every revert that needs a person', () => {
    const posted: CanaryOutcome[] = ['promoted', 'rolled-back', 'early-stopped', 'aborted', 'action-failed', 'query-errors', 'recovered'];
    expect(posted.map(canaryNotice).filter((n) => !isPostedNotice(n))).toEqual([]);
    expect(isPostedNotice(canaryNotice('not-improved'))).toBe(false);
    // An inconclusive canary reaches a person through its policy's notice, not the outcome's.
    expect(isPostedNotice('canary-needs-review')).toBe(true);
  });
  it('names each outcome once', () => {
    const all: CanaryOutcome[] = ['promoted', 'not-improved', 'rolled-back', 'early-stopped', 'canary-inconclusive', 'recovered', 'aborted', 'action-failed', 'query-errors'];
    expect(new Set(all.map(canaryNotice)).size).toBe(all.length);
  });
});
