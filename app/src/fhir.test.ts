// The FHIR R4 exports, validated by FHIR.js against the R4 definitions.
import { describe, expect, it } from 'vitest';
import fhirPackage from 'fhir';
import { auditEventResource, bundle, consentResource, inForce } from './fhir';

const { Fhir } = fhirPackage as unknown as {
  Fhir: new () => { validate(r: unknown): { valid: boolean; messages: { severity: string; location: string; message: string }[] } };
};
const fhir = new Fhir();
const errors = (resource: unknown) => fhir.validate(resource).messages.filter((m) => m.severity === 'error');

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const treatment = { index: 0, name: 'Treatment', docs: '`TREAT`: treatment.' };
const payment = { index: 2, name: 'Payment', docs: '`HPAYMT`: healthcare payment.' };
const billing = { index: 9, name: 'Billing', docs: 'Claims, coverage and billing data.' };
const mental = { index: 10, name: 'MentalHealth', docs: 'Mental-health (psychotherapy) notes: sensitive.' };

describe('FHIR R4 exports', () => {
  it('a permit and a revoked deny are valid Consent resources', () => {
    const permit = consentResource(
      {
        id: 1n,
        patient: ALICE,
        grantee: BOB,
        kind: 'Permit',
        purposes: [payment],
        categories: [billing],
        validFrom: 1_700_000_000_000n,
        recordedAt: 1_700_000_000_000n,
      },
      ALICE,
      1_800_000_000_000n,
    );
    const deny = consentResource(
      {
        id: 2n,
        patient: ALICE,
        grantee: BOB,
        kind: 'Deny',
        purposes: [treatment],
        categories: [mental],
        validFrom: 1n,
        recordedAt: 1n,
        revokedAt: 5n,
      },
      ALICE,
      10n,
    );
    expect(errors(permit)).toEqual([]);
    expect(errors(deny)).toEqual([]);
    expect(permit.status).toBe('active');
    expect(deny.status).toBe('inactive');
    expect(deny.provision?.securityLabel?.[0].code).toBe('PSY');
    expect(permit.provision?.purpose?.[0]).toMatchObject({ code: 'HPAYMT' });
    expect(errors(bundle([permit, deny]))).toEqual([]);
  });

  it('a record access and a break-glass opening are valid AuditEvent resources', () => {
    const access = auditEventResource(
      { index: 0, patient: ALICE, accessor: BOB, at: 1_700_000_000_000n, purpose: treatment, record: 3n },
      ALICE,
    );
    const opened = auditEventResource(
      { index: 1, patient: ALICE, accessor: BOB, at: 1_700_000_000_000n, purpose: treatment, emergency: 4n },
      ALICE,
    );
    expect(errors(access)).toEqual([]);
    expect(errors(opened)).toEqual([]);
    expect(errors(bundle([access, opened]))).toEqual([]);
  });

  it('a consent is in force as the contract decides: a denial from its recording, an end at the first of expiry and revocation', () => {
    const row = {
      id: 3n,
      patient: ALICE,
      grantee: BOB,
      purposes: [treatment],
      categories: [mental],
      validFrom: 1_000n,
      recordedAt: 2_000n,
    };
    expect(inForce({ ...row, kind: 'Permit', validUntil: 9_000n })).toEqual({ start: 1_000n, end: 9_000n });
    expect(inForce({ ...row, kind: 'Deny', validUntil: 9_000n })).toEqual({ start: 2_000n, end: 9_000n });
    // Revoked after it expired: it ended when it expired.
    expect(inForce({ ...row, kind: 'Permit', validUntil: 9_000n, revokedAt: 12_000n }).end).toBe(9_000n);
    // Revoked before it started: it never was in force.
    expect(inForce({ ...row, kind: 'Permit', validFrom: 5_000n, revokedAt: 3_000n })).toEqual({ start: 5_000n, end: 5_000n });
    const late = consentResource({ ...row, kind: 'Permit', validUntil: 9_000n, revokedAt: 12_000n }, ALICE, 10_000n);
    expect(late.provision?.period?.end).toBe(new Date(9_000).toISOString());
    expect(late.status).toBe('inactive');
  });

  it('the validator does catch a broken resource', () => {
    expect(errors({ resourceType: 'Consent', status: 'bogus' }).length).toBeGreaterThan(0);
  });
});
