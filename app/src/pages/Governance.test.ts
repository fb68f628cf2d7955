import { describe, expect, it } from 'vitest';
import { readiness } from './Governance';

describe('readiness of a governor operation', () => {
  const row = (readyAt: bigint | undefined, expiresAt = 1_000_000n) => ({ readyAt, expiresAt });
  it('waits for approvals until queued', () => {
    expect(readiness(row(undefined), 1, 2, 10n)).toBe('waiting for approvals (1 of 2)');
  });
  it('counts down to the ready time, then is ready', () => {
    expect(readiness(row(5_000n), 2, 2, 1_000n)).toBe('ready in 4 s');
    expect(readiness(row(5_000n), 2, 2, 5_000n)).toBe('ready: any member may execute it');
  });
  it('says when approvals fell below a raised threshold or a removed member', () => {
    expect(readiness(row(5_000n), 1, 2, 6_000n)).toBe('approvals fell below the threshold (1 of 2)');
  });
  it('is expired from its expiry on', () => {
    expect(readiness(row(5_000n, 9_000n), 2, 2, 9_000n)).toBe('expired: anyone may clear it');
  });
});
