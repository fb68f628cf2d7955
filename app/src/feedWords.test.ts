import { describe, expect, it } from 'vitest';
import { itemLink, normaliseFields, sentence, type Words } from './feedWords';

const DOLLAR = 10_000_000_000n;
const words: Words = {
  name: (address) => ({ '5Smith': 'Dr Smith', '5Pharm': 'Corner pharmacy' })[address] ?? `${address.slice(0, 4)}…`,
  price: (planck) => `$${(Number(planck / (DOLLAR / 100n)) / 100).toFixed(2)}`,
  carc: (carc) => (carc === 'Duplicate' ? 'CARC 18: exact duplicate claim/service' : carc),
  date: (ms) => new Date(Number(ms)).toISOString().slice(0, 10),
  time: (ms) => new Date(Number(ms)).toISOString(),
};
// '99213' and '99214' as the contracts store them.
const P99213 = '0x3939323133';
const P99214 = '0x3939323134';

describe('the activity feed in words', () => {
  it('says who was paid what for which service, from the chain (dedot) shape', () => {
    const fields = normaliseFields({
      claim: 35n,
      plan: 2,
      provider: { address: () => '5Smith' },
      member: { address: () => '5Member' },
      reference: undefined,
      status: 'Paid',
      denial: undefined,
      payerAmount: 40n * DOLLAR,
      memberAmount: 10n * DOLLAR,
      lines: [{ line: { procedure: P99213, billed: 60n * DOLLAR, units: 1 }, allowed: 50n * DOLLAR }],
    });
    expect(sentence('claims_adjudication', 'ClaimAdjudicated', fields, words)).toBe(
      'Claim 35 paid: $40.00 to Dr Smith for 99213, patient owes $10.00',
    );
  });

  it('reads the indexer (JSON) shape the same way: snake_case, decimal strings, enums as names or objects', () => {
    const fields = normaliseFields({
      claim: 36,
      provider: '5Smith',
      status: 'Denied',
      denial: 'Duplicate',
      payer_amount: '0',
      member_amount: '0',
      lines: [{ line: { procedure: P99214, billed: '4000000000000', units: 2 } }],
    });
    expect(sentence('claims_adjudication', 'ClaimAdjudicated', fields, words)).toBe(
      'Claim 36 from Dr Smith for 99214 ×2 denied: CARC 18: exact duplicate claim/service',
    );
    const closed = normaliseFields({ shipment: 2, batch: 1, state: { Received: null }, accepted: 40 });
    expect(sentence('drug_provenance', 'ShipmentClosed', closed, words)).toBe('Shipment 2 received: 40 units accepted');
  });

  it('names parties it knows and shortens the others; prices a shipment per unit', () => {
    const fields = normaliseFields({
      shipment: 2n,
      batch: 1n,
      to: '5Pharm',
      from: '5Wholesaler',
      quantity: 40n,
      is_return: false,
      price_per_unit: String(DOLLAR),
    });
    expect(sentence('drug_provenance', 'Shipped', fields, words)).toBe(
      'Shipment 2: 40 units of batch 1 from 5Who… to Corner pharmacy at $1.00 per unit',
    );
  });

  it('leaves an event it has no sentence for to be shown by its name and data', () => {
    expect(sentence('governor', 'OperationQueued', {}, words)).toBeUndefined();
    expect(sentence('claims_adjudication', 'ClaimAdjudicated', normaliseFields({ claim: 1, status: 'Unheard' }), words)).toBeUndefined();
  });
});

describe("a feed entry's link to its item", () => {
  const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
  it('links a claim, a shipment before its batch, a batch, a trial and a patient to the page that opens them', () => {
    expect(itemLink('claims_adjudication', normaliseFields({ claim: 35, plan: 2 }))).toEqual({
      href: '#/payer?claim=35',
      label: 'Open claim 35',
    });
    expect(itemLink('drug_provenance', normaliseFields({ shipment: '7', batch: 3 }))?.href).toBe('#/pharmacy?shipment=7');
    expect(itemLink('drug_provenance', normaliseFields({ batch: 3n }))?.href).toBe('#/pharmacy?batch=3');
    expect(itemLink('clinical_trials', normaliseFields({ trial: 4 }))?.href).toBe('#/trials?trial=4');
    expect(itemLink('consent_registry', normaliseFields({ patient: ALICE, id: 1 }))?.href).toBe(`#/patient?patient=${ALICE}`);
    expect(itemLink('remote_monitoring', normaliseFields({ patient: ALICE }))?.href).toBe(`#/monitoring?patient=${ALICE}`);
    expect(itemLink('staff_credentials', normaliseFields({ subject: ALICE, id: 9 }))?.href).toBe(`#/authority?holder=${ALICE}`);
  });

  it('links nothing for an event about no item, or a field that is not an id or an account', () => {
    expect(itemLink('governor', normaliseFields({ operation: 1 }))).toBeUndefined();
    expect(itemLink('claims_adjudication', normaliseFields({ plan: 2 }))).toBeUndefined();
    expect(itemLink('consent_registry', normaliseFields({ patient: '0x1234' }))).toBeUndefined();
  });
});
