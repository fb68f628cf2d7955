// A GS1 element string as a person types or pastes it, `(01)GTIN(17)EXPIRY(10)LOT`,
// or as a scanner sends it (raw, FNC1 as the group separator, with or without the
// symbology identifier): parsed by gs1-barcode-parser-mod, a maintained GS1 parser.
import { parseBarcode } from 'gs1-barcode-parser-mod';

const GS = String.fromCharCode(29);

export interface Scan {
  gtin: string;
  lot: string;
  expiry?: Date;
  serial?: string;
}

/** The human-readable form `(01)…(10)…` as the raw element string the parser reads:
 * each element followed by the group separator (allowed after fixed-length ones too). */
export function toRaw(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('(')) return trimmed.replace(/\\x1d|<GS>/gi, GS);
  const parts = trimmed.split('(').filter(Boolean);
  return parts
    .map((part) => {
      const close = part.indexOf(')');
      if (close < 0) throw new Error(`"(${part}" has no closing bracket after its application identifier`);
      return part.slice(0, close) + part.slice(close + 1);
    })
    .join(GS);
}

/** GS1 check digit (mod 10, weights 3 and 1 from the right) of a GTIN's digits. */
export function checkDigitValid(gtin: string): boolean {
  if (!/^\d{14}$/.test(gtin)) return false;
  const digits = gtin.split('').map(Number);
  const body = digits.slice(0, 13).reverse();
  const sum = body.reduce((s, d, i) => s + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === digits[13];
}

/** Parses a scan; throws an Error in words when it is not a GTIN + lot. */
export function parseScan(text: string): Scan {
  let items;
  try {
    items = parseBarcode(toRaw(text)).parsedCodeItems;
  } catch (e) {
    throw new Error(`Not a GS1 element string: ${e instanceof Error ? e.message : String(e)}`);
  }
  const find = (ai: string) => items.find((i: { ai: string }) => i.ai === ai)?.data;
  const gtin = find('01') as string | undefined;
  const lot = find('10') as string | undefined;
  if (!gtin) throw new Error('The scan has no GTIN (01).');
  if (!checkDigitValid(gtin)) throw new Error(`${gtin} is not a valid GTIN-14 (check digit).`);
  if (!lot) throw new Error('The scan has no batch or lot (10).');
  const expiry = find('17') as Date | undefined;
  const serial = find('21') as string | undefined;
  return { gtin, lot, expiry: expiry instanceof Date ? expiry : undefined, serial };
}
