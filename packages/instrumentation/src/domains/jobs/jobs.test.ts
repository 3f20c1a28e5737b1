import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestMetrics, histogramOf, valueOf, type TestMetrics } from '../shared/test-reader.js';
import { createJobMetrics } from './index.js';

let test: TestMetrics;
beforeEach(() => {
  test = createTestMetrics();
});
afterEach(() => test.shutdown());

describe('trackJob', () => {
  it('records a successful backup with AI Scholar names, the timestamp in seconds', async () => {
    let now = 1_700_000_000_000;
    const jobs = createJobMetrics({ meter: test.meter, now: () => now });
    const result = await jobs.trackJob(
      'postgresql',
      async () => {
        now += 42_000;
        return { bytes: 1_048_576, verified: true };
      },
      'full',
    );
    expect(result).toEqual({ bytes: 1_048_576, verified: true });
    const got = await test.collect();
    expect(valueOf(got, 'scholar_backup_last_success_timestamp_seconds', { target: 'postgresql' })).toBe(1_700_000_042);
    expect(valueOf(got, 'scholar_backups', { target: 'postgresql', backup_type: 'full', outcome: 'success' })).toBe(1);
    expect(valueOf(got, 'scholar_backup_size_bytes', { target: 'postgresql', backup_type: 'full' })).toBe(1_048_576);
    expect(valueOf(got, 'scholar_backup_verifications', { target: 'postgresql', result: 'passed' })).toBe(1);
    const duration = histogramOf(got, 'scholar_backup_duration_seconds', { target: 'postgresql', backup_type: 'full' });
    expect(duration?.sum).toBe(42);
    expect(duration?.buckets.boundaries).toEqual([10, 30, 60, 300, 900, 1800, 3600, 7200]);
  });

  it('counts a failure, keeps the last success timestamp and rethrows', async () => {
    let now = 1_000_000;
    const jobs = createJobMetrics({ meter: test.meter, now: () => now });
    await jobs.trackJob('redis', () => undefined, 'incremental');
    now += 3_600_000;
    await expect(jobs.trackJob('redis', () => Promise.reject(new Error('disk full')), 'incremental')).rejects.toThrow('disk full');
    jobs.recordVerification('redis', false);
    const got = await test.collect();
    expect(valueOf(got, 'scholar_backup_last_success_timestamp_seconds', { target: 'redis' })).toBe(1_000);
    expect(valueOf(got, 'scholar_backups', { target: 'redis', outcome: 'failure' })).toBe(1);
    expect(valueOf(got, 'scholar_backup_verifications', { target: 'redis', result: 'failed' })).toBe(1);
  });

  it('rejects jobs and kinds outside the catalog', async () => {
    const jobs = createJobMetrics({ meter: test.meter });
    await expect(jobs.trackJob('mysql', () => undefined, 'full')).rejects.toThrow(/target must be one of/);
    await expect(jobs.trackJob('files', () => undefined)).rejects.toThrow(/backup_type must be one of/);
  });
});
