import { describe, expect, it } from 'vitest';
import { formatPrice, formatToken, parsePrice, SUITE_CURRENCY, tokenOf } from './money';

const DOLLAR = 10_000_000_000n; // 10^8 planck to the cent, the claims tool's default

describe('prices', () => {
  it('are read at the claims tool scale: $1.00 is 10^10 planck', () => {
    expect(formatPrice(120n * DOLLAR, SUITE_CURRENCY, 'en-US')).toBe('$120.00');
    expect(formatPrice(1_234_567n * DOLLAR + 8n * (DOLLAR / 100n), SUITE_CURRENCY, 'en-US')).toBe('$1,234,567.08');
    expect(formatPrice(0n, SUITE_CURRENCY, 'en-US')).toBe('$0.00');
    expect(formatPrice('2880000000000', SUITE_CURRENCY, 'en-US')).toBe('$288.00');
  });

  it('keep a part of a cent rather than round it away', () => {
    expect(formatPrice(12_000n, SUITE_CURRENCY, 'en-US')).toBe('$0.0000012');
    expect(formatPrice(DOLLAR + 1n, SUITE_CURRENCY, 'en-US')).toBe('$1.0000000001');
  });

  it("follow the reader's locale", () => {
    expect(formatPrice(1_234n * DOLLAR + 50n * (DOLLAR / 100n), { code: 'EUR', perCent: SUITE_CURRENCY.perCent }, 'de-DE')).toBe(
      '1.234,50\u00a0€',
    );
    expect(formatPrice(-5n * DOLLAR, SUITE_CURRENCY, 'en-US')).toBe('−$5.00');
  });

  it('typed in dollars and cents become exact planck, and anything else is refused in words', () => {
    expect(parsePrice('120')).toBe(120n * DOLLAR);
    expect(parsePrice('$1,234.5')).toBe(1_234n * DOLLAR + 50n * (DOLLAR / 100n));
    expect(parsePrice(' 0.07 ')).toBe(7n * (DOLLAR / 100n));
    // Beyond what a double holds exactly: still exact.
    expect(parsePrice('90071992547409.93')).toBe(9_007_199_254_740_993n * (DOLLAR / 100n));
    for (const bad of ['', '-5', '1.234', '1e3', 'abc', '12.3.4']) expect(() => parsePrice(bad)).toThrow(/not an amount in USD/);
  });

  it("are read with the reader's separators, and a separator used the other way is refused, never misread", () => {
    expect(parsePrice('2500,50', SUITE_CURRENCY, 'de-DE')).toBe(250_050n * (DOLLAR / 100n));
    expect(parsePrice('1.234,5 €', SUITE_CURRENCY, 'de-DE')).toBe(123_450n * (DOLLAR / 100n));
    expect(parsePrice('1,234,567.08', SUITE_CURRENCY, 'en-US')).toBe(123_456_708n * (DOLLAR / 100n));
    expect(parsePrice('1\u202f234,50', SUITE_CURRENCY, 'fr-FR')).toBe(123_450n * (DOLLAR / 100n));
    // A German decimal comma typed in an American browser: refused, not $250,050.00.
    expect(() => parsePrice('2500,50', SUITE_CURRENCY, 'en-US')).toThrow(/not an amount in USD \(for example 1,234\.56\)/);
    expect(() => parsePrice('2500.50', SUITE_CURRENCY, 'de-DE')).toThrow(/not an amount/);
    expect(() => parsePrice('12,3456', SUITE_CURRENCY, 'en-US')).toThrow(/not an amount/);
  });

  it('parse what they format', () => {
    for (const planck of [0n, 7n * (DOLLAR / 100n), 96n * DOLLAR, 123_456_789n * (DOLLAR / 100n)])
      for (const locale of ['en-US', 'de-DE', 'fr-FR'])
        expect(parsePrice(formatPrice(planck, SUITE_CURRENCY, locale), SUITE_CURRENCY, locale)).toBe(planck);
  });
});

describe("the chain's token", () => {
  it('is read with the decimals and symbol the node announces', () => {
    const token = tokenOf({ tokenDecimals: [10], tokenSymbol: ['DOT'] });
    expect(token).toEqual({ decimals: 10, symbol: 'DOT' });
    expect(formatToken(15_000_000_000n, token, 'en-US')).toBe('1.5 DOT');
  });

  it("defaults to substrate-contracts-node's UNIT of 10^12 when the node announces nothing", () => {
    expect(tokenOf({})).toEqual({ decimals: 12, symbol: 'UNIT' });
    expect(formatToken(100_080_000_000n, tokenOf(undefined), 'en-US')).toBe('0.10008 UNIT');
    expect(formatToken(1_000_000_000_000_000n, tokenOf(undefined), 'en-US')).toBe('1,000 UNIT');
    expect(tokenOf({ tokenDecimals: -1, tokenSymbol: ' ' })).toEqual({ decimals: 12, symbol: 'UNIT' });
  });
});
