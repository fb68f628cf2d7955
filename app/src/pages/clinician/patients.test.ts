import { describe, expect, it } from 'vitest';
import { encodeAddress, decodeAddress } from 'dedot/utils';
import { patientRows } from './Patients';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const CHARLIE = '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y';
const names: Record<string, string> = { [ALICE]: 'Alice', [BOB]: 'Bob', [CHARLIE]: 'Charlie' };
const name = (a: string) => names[a] ?? a;

describe("the clinician's patients", () => {
  it('lists patients with alerts first, newest alert first, then the others by name', () => {
    const rows = patientRows(
      [
        { patient: CHARLIE, from: 5n },
        { patient: BOB, from: 7n },
      ],
      [ALICE],
      [
        { patient: BOB, at: 100n, quantity: '8480-6' },
        { patient: ALICE, at: 200n, quantity: '8867-4' },
        { patient: BOB, at: 50n, quantity: '8462-4' },
      ],
      name,
    );
    expect(rows.map((r) => name(r.patient))).toEqual(['Alice', 'Bob', 'Charlie']);
    expect(rows[1]).toEqual({ patient: BOB, careSince: 7n, careTeam: false, alerts: 2, lastAlert: { at: 100n, quantity: '8480-6' } });
    expect(rows[0].careTeam && rows[0].careSince === undefined).toBe(true);
    expect(rows[2].alerts).toBe(0);
  });

  it('counts one patient once whatever address format names it, from its oldest live relationship', () => {
    const alsoBob = encodeAddress(decodeAddress(BOB), 42 + 1);
    expect(alsoBob).not.toBe(BOB);
    const rows = patientRows(
      [
        { patient: BOB, from: 9n },
        { patient: alsoBob, from: 3n },
      ],
      [alsoBob],
      [],
      name,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].careSince).toBe(3n);
    expect(rows[0].careTeam).toBe(true);
  });
});
