import { describe, expect, it } from 'vitest';
import { accountTopic, batchUri, idsIn, type IndexedEvent } from './indexer';
import { stepWords } from './pages/pharmacy/Verify';

describe('the indexer client', () => {
  it("writes a batch's Digital Link URI as tools/epcis-export does", () => {
    expect(batchUri('00012345678905', 'LOT-42')).toBe('https://id.gs1.org/01/00012345678905/10/LOT-42');
    // Everything but letters, digits and -._~ percent-encoded, bytes of UTF-8, upper-case.
    expect(batchUri('00012345678905', "A B/1!*'é")).toBe('https://id.gs1.org/01/00012345678905/10/A%20B%2F1%21%2A%27%C3%A9');
  });

  it('says each custody step of an EPCIS event in words', () => {
    const event = (bizStep: string, disposition?: string) => ({
      type: 'ObjectEvent',
      eventTime: '',
      action: 'OBSERVE',
      bizStep,
      disposition,
    });
    expect(stepWords(event('commissioning', 'active'))).toBe('Registered by its manufacturer');
    expect(stepWords(event('urn:epcglobal:cbv:bizstep:receiving', 'urn:epcglobal:cbv:disp:in_progress'))).toBe('Received');
    expect(stepWords(event('receiving', 'returned'))).toBe('Rejected and returned');
    expect(stepWords(event('https://ref.gs1.org/cbv/BizStep-holding', 'recalled'))).toBe('Recalled');
    expect(stepWords(event('inspecting', 'non_conformant'))).toBe('Verified: not conformant');
    expect(stepWords(event('repackaging'))).toBe('repackaging');
  });
});

describe('an account as an event topic', () => {
  it('is its 32 bytes (the topic of an AccountId field)', () => {
    // Alice's public key.
    expect(accountTopic('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY')).toBe(
      '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d',
    );
  });
});

const shipped = (batch: unknown, block: number): IndexedEvent => ({
  block,
  index: 0,
  contract: 'drug_provenance',
  name: 'Shipped',
  fields: { batch, shipment: block },
  time_ms: null,
});

describe('the ids events carry', () => {
  it('lists each id a field names once, in the events order, skipping an event without one', () => {
    expect(idsIn([shipped(9, 30), shipped(4, 20), shipped(9, 10), shipped(undefined, 5)], 'batch')).toEqual([9n, 4n]);
  });

  it('reads an id sent as a decimal string, and skips one that is not a whole number', () => {
    expect(idsIn([shipped('12', 3), shipped('x1', 2), shipped(-1, 1)], 'batch')).toEqual([12n]);
  });
});
