import { describe, expect, it } from 'vitest';
import { expiringRows, AHEAD, BEHIND } from './Expiring';
import type { StaffCredentialsModelCredential } from '../../contracts/staff_credentials/types';

const NOW = 1_800_000_000_000n;
const credential = (id: bigint, validUntil: bigint, status?: 'Active' | 'Suspended' | 'Revoked') =>
  ({
    id,
    subject: { address: () => '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty' },
    kind: 'MedicalLicence',
    identifier: '0x4d443132',
    validUntil,
    history: status ? [{ at: 0n, status, reason: 0 }] : [],
  }) as unknown as StaffCredentialsModelCredential;

describe('the credentials expiring within 90 days', () => {
  it('lists the unrevoked ones ending within 90 days ahead or 30 behind, soonest first', () => {
    const rows = expiringRows(
      [
        credential(1n, NOW + AHEAD), // the last moment of the window: in
        credential(2n, NOW + AHEAD + 1n), // later: out
        credential(3n, NOW + 1000n, 'Suspended'), // in, said suspended
        credential(4n, NOW + 10n, 'Revoked'), // revoked: out
        credential(5n, NOW - BEHIND + 1n), // expired 30 days ago less a moment: in
        credential(6n, NOW - BEHIND), // longer ago: out
        credential(7n, NOW + 500n, 'Active'), // reinstated: in
      ],
      NOW,
    );
    expect(rows.map((r) => r.id)).toEqual([5n, 7n, 3n, 1n]);
    expect(rows.find((r) => r.id === 3n)?.suspended).toBe(true);
    expect(rows[0]).toMatchObject({ kind: 'Medical licence', identifier: 'MD12', expired: true });
    expect(rows.filter((r) => r.expired).map((r) => r.id)).toEqual([5n]);
  });
});
