import { describe, expect, it } from 'vitest';
import { bitsOf, codeOf, errorInWords, labelOf, membersOf, mostRecent, spaced, variantName, variantsOf } from './words';

// The shape of ink! 5 metadata's type registry, cut down to what the helpers read.
const metadata = {
  types: [
    {
      id: 0,
      type: {
        path: ['healthcare_traits', 'consent', 'Purpose'],
        def: {
          variant: {
            variants: [
              { name: 'Treatment', index: 0, docs: ['`TREAT`: treatment.'] },
              { name: 'EmergencyTreatment', index: 1, docs: ['`ETREAT`: emergency treatment (break-glass).'] },
              { name: 'Payment', index: 2, docs: ['`HPAYMT`: healthcare payment.'] },
            ],
          },
        },
      },
    },
    {
      id: 1,
      type: {
        path: ['healthcare_traits', 'admin', 'Error'],
        def: { variant: { variants: [{ name: 'NotOwner', index: 0, docs: ['Shared.'] }] } },
      },
    },
    {
      id: 2,
      type: {
        path: ['claims_adjudication', 'model', 'Error'],
        def: {
          variant: {
            variants: [
              { name: 'NotOwner', index: 0, docs: ['The caller is not the owner.'] },
              { name: 'PayerNotLicensed', index: 1, docs: ['The caller holds no valid payer licence.'] },
            ],
          },
        },
      },
    },
    {
      id: 3,
      type: {
        path: ['claims_adjudication', 'model', 'Carc'],
        def: {
          variant: { variants: [{ name: 'ExceedsFeeSchedule', index: 8, docs: ['45: charge exceeds fee schedule / maximum allowable.'] }] },
        },
      },
    },
  ],
};

describe('words from the metadata', () => {
  it('reads an enum in encoding order', () => {
    expect(variantsOf(metadata, 'Purpose').map((v) => v.name)).toEqual(['Treatment', 'EmergencyTreatment', 'Payment']);
  });

  it("takes a contract's own Error, not a shared type of the same name", () => {
    expect(errorInWords(metadata, 'claims_adjudication', 'PayerNotLicensed')).toBe(
      'Payer not licensed: The caller holds no valid payer licence.',
    );
    expect(errorInWords(metadata, 'claims_adjudication', { type: 'NotOwner' })).toBe('Not owner: The caller is not the owner.');
    expect(errorInWords(metadata, 'claims_adjudication', 'Unheard')).toBe('Unheard');
  });

  it('maps bit sets to variants and back (bit i is variant i)', () => {
    const purposes = variantsOf(metadata, 'Purpose');
    expect(membersOf(0b101, purposes).map((v) => v.name)).toEqual(['Treatment', 'Payment']);
    expect(bitsOf(membersOf(0b110, purposes))).toBe(0b110);
  });

  it('reads codes and labels from the docs', () => {
    const [treatment] = variantsOf(metadata, 'Purpose');
    const [carc] = variantsOf(metadata, 'Carc');
    expect(codeOf(treatment)).toBe('TREAT');
    expect(labelOf(treatment)).toBe('Treatment (TREAT)');
    expect(codeOf(carc)).toBe('45');
    expect(spaced('ApprovedUnfunded')).toBe('Approved unfunded');
    expect(variantName({ type: 'Recalled' })).toBe('Recalled');
  });
});

describe('counts in words', () => {
  it('says one thing in the singular and several with their number', () => {
    expect(mostRecent(1, 'shipment', 'shipments')).toBe('the most recent shipment');
    expect(mostRecent(3, 'shipment', 'shipments')).toBe('the 3 most recent shipments');
    expect(mostRecent(0, 'shipment', 'shipments')).toBe('the 0 most recent shipments');
  });
});
