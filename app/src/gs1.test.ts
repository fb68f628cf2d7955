import { describe, expect, it } from 'vitest';
import { checkDigitValid, parseScan, toRaw } from './gs1';

const GS = String.fromCharCode(29);

describe('GS1 scans', () => {
  it('reads the human-readable form', () => {
    const scan = parseScan('(01)00012345678905(17)270131(10)LOT-42');
    expect(scan.gtin).toBe('00012345678905');
    expect(scan.lot).toBe('LOT-42');
    expect(scan.expiry?.toISOString().slice(0, 10)).toBe('2027-01-31');
  });

  it('reads what a scanner sends: symbology identifier, FNC1 as group separator', () => {
    expect(parseScan(`]d201000123456789051727013110LOT-42${GS}21SER1`)).toMatchObject({
      gtin: '00012345678905',
      lot: 'LOT-42',
      serial: 'SER1',
    });
    expect(parseScan('010001234567890510L1').lot).toBe('L1');
  });

  it('turns brackets into the raw element string', () => {
    expect(toRaw('(01)00012345678905(10)A')).toBe(`0100012345678905${GS}10A`);
  });

  it('refuses a wrong check digit, a missing lot or GTIN, and garbage, in words', () => {
    expect(() => parseScan('(01)00012345678906(10)A')).toThrow(/check digit/);
    expect(() => parseScan('(01)00012345678905')).toThrow(/no batch or lot/);
    expect(() => parseScan('(10)A')).toThrow(/no GTIN/);
    expect(() => parseScan('01123')).toThrow(/Not a GS1 element string/);
    expect(() => parseScan('(01')).toThrow(/closing bracket/);
  });

  it('checks GS1 check digits', () => {
    expect(checkDigitValid('00012345678905')).toBe(true);
    expect(checkDigitValid('00012345678900')).toBe(false);
    expect(checkDigitValid('0001234567890')).toBe(false);
  });
});
