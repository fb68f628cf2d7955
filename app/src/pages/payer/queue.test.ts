import { describe, expect, it } from 'vitest';
import { queueRows } from './queue';
import type { IndexedClaim } from '../../indexer';

const claim = (over: Partial<IndexedClaim>): IndexedClaim => ({
  claim: 7,
  plan: 2,
  payer: '5Payer',
  provider: '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty',
  member: '5GNJqTPyNqANBkUVMN1LPPrxXnFouWXoe2wNSmmEoLctxiZY',
  status: 'PendingReview',
  denial: null,
  payer_amount: '288',
  member_amount: '72',
  submitted_ms: 1_700_000_000_000,
  updated_ms: null,
  lines: [
    { line: { procedure: '0x3939323134', billed: '400', units: 2 }, allowed: '360' },
    { line: { procedure: '0x3830303533', billed: '40', units: 1 }, allowed: '0' },
  ],
  ...over,
});

describe('the review queue', () => {
  it('names the provider the app knows, sums the lines billed and reads the shares as amounts', () => {
    const names = new Map([['5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty', 'Dr Smith']]);
    const [row] = queueRows([claim({})], names);
    expect(row).toEqual({
      claim: 7,
      status: 'Pending review',
      plan: 2,
      provider: 'Dr Smith',
      member: '5GNJqT…xiZY',
      services: '99214 ×2, 80053',
      billed: 440n,
      payerShare: 288n,
      memberShare: 72n,
      denial: undefined,
      since: 1_700_000_000_000,
    });
  });

  it('gives an appeal the denial it contests in words and the time it was appealed', () => {
    const [row] = queueRows(
      [claim({ status: 'UnderAppeal', denial: 'NotMedicallyNecessary', updated_ms: 1_700_000_500_000 })],
      new Map(),
      (carc) => (carc === 'NotMedicallyNecessary' ? 'CARC 50: not medically necessary' : carc),
    );
    expect([row.status, row.denial, row.since]).toEqual(['Under appeal', 'CARC 50: not medically necessary', 1_700_000_500_000]);
  });

  it('reads missing or malformed amounts and lines as nothing, not as a failure', () => {
    const [row] = queueRows([claim({ payer_amount: null, member_amount: 'x', lines: undefined, provider: null })], new Map());
    expect([row.billed, row.payerShare, row.memberShare, row.services, row.provider]).toEqual([0n, 0n, 0n, '', '—']);
  });
});
