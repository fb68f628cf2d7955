// Money in a person's units, one rule for the whole app.
//
// Two kinds of amount live on the chain, both in its smallest unit ("planck"):
// * prices (a fee, a claim's billed and paid amounts, a plan's deductible, an escrow, a
//   shipment's price): read in the suite's currency, at the scale the claims tool uses
//   for the 837's dollars and cents (tools/claims-tool `--per-cent`, default 10^8 planck
//   to the cent: $1.00 is 10^10 planck);
// * the chain's own token (a storage deposit, a transaction's fee): read in the token's
//   unit, with the decimals and symbol the node announces (`system_properties`).
// No field asks for planck: a price is typed in dollars and cents, and converted exactly
// (bigint arithmetic; no floating point touches an amount).
import { createContext, useContext, useMemo } from 'react';

/** The suite's currency and its scale on chain. */
export interface Currency {
  /** ISO 4217 code, for `Intl.NumberFormat`. */
  code: string;
  /** Planck per cent (per hundredth of the currency unit). */
  perCent: bigint;
}

/** The chain's token, as the node announces it. */
export interface Token {
  decimals: number;
  symbol: string;
}

/** The claims tool's default scale: 10^8 planck to the cent. */
export const SUITE_CURRENCY: Currency = { code: 'USD', perCent: 100_000_000n };

/** substrate-contracts-node's token when the node announces none (its development chain
 * spec has no properties; its runtime's `UNIT` is 10^12). */
export const DEFAULT_TOKEN: Token = { decimals: 12, symbol: 'UNIT' };

/** The token from a node's `system_properties` (a single-token chain's first entry), or
 * the default. */
export function tokenOf(properties: { tokenDecimals?: number | number[]; tokenSymbol?: string | string[] } | undefined): Token {
  const decimals = Array.isArray(properties?.tokenDecimals) ? properties.tokenDecimals[0] : properties?.tokenDecimals;
  const symbol = Array.isArray(properties?.tokenSymbol) ? properties.tokenSymbol[0] : properties?.tokenSymbol;
  return {
    decimals:
      typeof decimals === 'number' && Number.isInteger(decimals) && decimals >= 0 && decimals <= 30 ? decimals : DEFAULT_TOKEN.decimals,
    symbol: typeof symbol === 'string' && symbol.trim() ? symbol.trim() : DEFAULT_TOKEN.symbol,
  };
}

/** `value` (≥ 0) as a decimal with `scale` fraction digits, at least `minimum` of them
 * shown, trailing zeros beyond that dropped; the integer part grouped for `locale`. */
function decimal(value: bigint, scale: number, minimum: number, locale?: string): { whole: string; fraction: string } {
  const unit = 10n ** BigInt(scale);
  const whole = (value / unit).toLocaleString(locale);
  let fraction = (value % unit).toString().padStart(scale, '0');
  while (fraction.length > minimum && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return { whole, fraction };
}

/** The decimal separator of `locale`. */
function separator(locale?: string): string {
  return new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
}

/** A price in planck as the currency (`$1,234.56`), exact: a part of a cent, which only
 * an amount not written by a person can have, is shown with its further digits. */
export function formatPrice(planck: bigint | number | string, currency: Currency = SUITE_CURRENCY, locale?: string): string {
  const amount = BigInt(planck);
  const negative = amount < 0n;
  const magnitude = negative ? -amount : amount;
  const cents = magnitude / currency.perCent;
  const parts = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.code }).formatToParts(0);
  const symbol = parts
    .filter((p) => p.type === 'currency' || p.type === 'literal')
    .map((p) => p.value)
    .join('');
  const symbolFirst = parts.findIndex((p) => p.type === 'currency') < parts.findIndex((p) => p.type === 'integer');
  // The digits of a cent's fraction: as many as the scale has.
  const scale = currency.perCent.toString().length - 1;
  const exact = cents * currency.perCent === magnitude;
  const { whole, fraction } = exact ? decimal(cents, 2, 2, locale) : decimal(magnitude, 2 + scale, 2, locale);
  const number = `${whole}${separator(locale)}${fraction}`;
  const text = symbolFirst ? `${symbol}${number}` : `${number}${symbol}`;
  return negative ? `−${text}` : text;
}

/** The group and decimal separators of `locale` (`,` and `.` in en-US, `.` and `,` in
 * de-DE). */
function separators(locale?: string): { group: string; decimal: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  return {
    group: parts.find((p) => p.type === 'group')?.value ?? ',',
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
  };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The planck of a price a person typed in the currency, read with `locale`'s separators
 * ("1234.56", "$1,234.56" in en-US; "1.234,56" or "1234,56" in de-DE): at most two
 * decimals, groups of three digits only, not negative; an error in words otherwise. A
 * separator used the other locale's way ("2500,50" in en-US) is refused, never read as
 * another amount. */
export function parsePrice(text: string, currency: Currency = SUITE_CURRENCY, locale?: string): bigint {
  const { group, decimal } = separators(locale);
  // The currency's sign as the locale writes it ("$", "$US"), its code, spaces (and the
  // no-break spaces some locales group with) and common currency signs go.
  const sign =
    new Intl.NumberFormat(locale, { style: 'currency', currency: currency.code }).formatToParts(0).find((p) => p.type === 'currency')
      ?.value ?? currency.code;
  const cleaned = text
    .split(sign)
    .join('')
    .split(currency.code)
    .join('')
    .replace(/[\s\u00a0\u202f$€£]/g, '');
  const groupSign = /\s/.test(group) ? '' : escape(group);
  const pattern = new RegExp(`^(\\d{1,3}(?:${groupSign || '(?!)'}\\d{3})+|\\d+)(?:${escape(decimal)}(\\d{1,2}))?$`);
  const match = pattern.exec(cleaned);
  const example = (1234.56).toLocaleString(locale, { minimumFractionDigits: 2 });
  if (!match) throw new Error(`"${text}" is not an amount in ${currency.code} (for example ${example})`);
  const whole = groupSign ? match[1].split(group).join('') : match[1];
  const cents = BigInt(whole) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
  return cents * currency.perCent;
}

/** An amount of the chain's token in planck as the token (`0.10008 UNIT`), exact. */
export function formatToken(planck: bigint | number | string, token: Token = DEFAULT_TOKEN, locale?: string): string {
  const amount = BigInt(planck);
  const negative = amount < 0n;
  const { whole, fraction } = decimal(negative ? -amount : amount, token.decimals, 0, locale);
  const number = fraction ? `${whole}${separator(locale)}${fraction}` : whole;
  return `${negative ? '−' : ''}${number} ${token.symbol}`;
}

/** What the pages format money with: the suite's currency and the chain's token. */
export interface MoneyFormat {
  currency: Currency;
  token: Token;
}

export const Money = createContext<MoneyFormat>({ currency: SUITE_CURRENCY, token: DEFAULT_TOKEN });

/** The page's money rule: `price(planck)`, `parse(text)`, `token(planck)`. */
export function useMoney() {
  const { currency, token } = useContext(Money);
  return useMemo(
    () => ({
      price: (planck: bigint | number | string) => formatPrice(planck, currency),
      parse: (text: string) => parsePrice(text, currency),
      token: (planck: bigint | number | string) => formatToken(planck, token),
      currency,
    }),
    [currency, token],
  );
}
