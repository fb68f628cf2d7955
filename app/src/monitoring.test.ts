import { describe, expect, it } from 'vitest';
import { deviceKey, fromThousandths, isLoinc, loincBytes, loincText, QUANTITIES, thousandths, utcDayStart } from './monitoring';

describe('LOINC codes as the contract stores them', () => {
  it('accepts the listed quantities and refuses a wrong check digit', () => {
    for (const q of QUANTITIES) expect(isLoinc(q.code), q.code).toBe(true);
    expect(isLoinc('8480-5')).toBe(false);
    expect(isLoinc('123456-7')).toBe(false);
    expect(isLoinc('8480')).toBe(false);
  });
  it('encodes as 8 zero-padded ASCII bytes and back', () => {
    expect(loincBytes('8480-6')).toBe('0x383438302d360000');
    expect(loincText('0x383438302d360000')).toBe('8480-6');
    expect(loincText(loincBytes('59408-5'))).toBe('59408-5');
    expect(() => loincBytes('8480-5')).toThrow(/not a LOINC code/);
  });
});

describe('device keys and values', () => {
  it('takes a compressed public key only', () => {
    const key = `02${'ab'.repeat(32)}`;
    expect(deviceKey(`0x${key}`)).toBe(`0x${key}`);
    expect(deviceKey(key.toUpperCase())).toBe(`0x${key}`);
    expect(() => deviceKey(`04${'ab'.repeat(32)}`)).toThrow(/compressed/);
    expect(() => deviceKey('02ab')).toThrow(/33 bytes/);
  });
  it('converts values to thousandths of the unit and back', () => {
    expect(thousandths('120')).toBe(120_000n);
    expect(thousandths('120.5')).toBe(120_500n);
    expect(thousandths('-0.25')).toBe(-250n);
    expect(() => thousandths('1.2345')).toThrow();
    expect(fromThousandths(120_500n)).toBe('120.5');
    expect(fromThousandths(-250n)).toBe('-0.25');
    expect(fromThousandths(90_000)).toBe('90');
  });
  it('finds the start of a UTC day', () => {
    const now = BigInt(Date.UTC(2026, 11, 3, 10, 30));
    expect(utcDayStart(now, 0)).toBe(BigInt(Date.UTC(2026, 11, 3)));
    expect(utcDayStart(now, 29)).toBe(BigInt(Date.UTC(2026, 10, 4)));
  });
});
