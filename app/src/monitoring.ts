// Remote monitoring in the browser: LOINC codes as the contract stores them (8 ASCII
// bytes, zero-padded, mod-10 check digit), device keys, and values in thousandths of the
// quantity's UCUM unit (what an out-of-range summary and a threshold hold).

/** Quantities home devices measure, by LOINC code, with their UCUM unit. */
export const QUANTITIES: { code: string; name: string; unit: string }[] = [
  { code: '8480-6', name: 'Systolic blood pressure', unit: 'mm[Hg]' },
  { code: '8462-4', name: 'Diastolic blood pressure', unit: 'mm[Hg]' },
  { code: '8867-4', name: 'Heart rate', unit: '/min' },
  { code: '59408-5', name: 'Oxygen saturation by pulse oximetry', unit: '%' },
  { code: '2339-0', name: 'Glucose in blood', unit: 'mg/dL' },
  { code: '29463-7', name: 'Body weight', unit: 'kg' },
  { code: '8310-5', name: 'Body temperature', unit: 'Cel' },
];

/** LOINC's mod-10 check digit of the digits before the hyphen (Luhn): from the right,
 * every first, third, … digit doubled (less 9 above 9), the sum brought to a multiple
 * of 10. */
export function loincCheckDigit(digits: string): number {
  let sum = 0;
  [...digits].reverse().forEach((d, i) => {
    const n = Number(d) * (i % 2 === 0 ? 2 : 1);
    sum += n > 9 ? n - 9 : n;
  });
  return (10 - (sum % 10)) % 10;
}

/** True for a LOINC code the contract accepts: 1 to 5 digits, a hyphen, the check digit. */
export function isLoinc(code: string): boolean {
  const m = /^(\d{1,5})-(\d)$/.exec(code);
  return m !== null && loincCheckDigit(m[1]) === Number(m[2]);
}

/** The 8 bytes the contract stores for `code`; throws for a code it would refuse. */
export function loincBytes(code: string): `0x${string}` {
  if (!isLoinc(code)) throw new Error(`"${code}" is not a LOINC code (digits, a hyphen and the check digit, e.g. 8480-6).`);
  const hex = [...code].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  return `0x${hex.padEnd(16, '0')}`;
}

/** The LOINC code in `hex` (8 bytes, zero-padded). */
export function loincText(hex: string): string {
  const body = hex.replace(/^0x/, '');
  let out = '';
  for (let i = 0; i + 1 < body.length; i += 2) {
    const byte = parseInt(body.slice(i, i + 2), 16);
    if (byte === 0) break;
    out += String.fromCharCode(byte);
  }
  return out;
}

/** The name of a known quantity, else its code. */
export function quantityName(code: string): string {
  const known = QUANTITIES.find((q) => q.code === code);
  return known ? `${known.name} (${code})` : code;
}

/** A device's compressed secp256k1 public key: 33 bytes starting 02 or 03, as hex. */
export function deviceKey(text: string): `0x${string}` {
  const hex = text.trim().toLowerCase().replace(/^0x/, '');
  if (!/^0[23][0-9a-f]{64}$/.test(hex))
    throw new Error('A device key is its compressed public key: 33 bytes in hex, starting with 02 or 03.');
  return `0x${hex}`;
}

/** A decimal value in the quantity's unit as thousandths ("120.5" → 120500n). */
export function thousandths(value: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d{1,3}))?$/.exec(value.trim());
  if (!m) throw new Error(`"${value}" is not a number with at most three decimals.`);
  const n = BigInt(m[2]) * 1000n + BigInt((m[3] ?? '').padEnd(3, '0') || '0');
  return m[1] ? -n : n;
}

/** Thousandths as a decimal value (120500n → "120.5"). */
export function fromThousandths(value: bigint | number): string {
  const v = BigInt(value);
  const sign = v < 0n ? '-' : '';
  const abs = v < 0n ? -v : v;
  const fraction = (abs % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  return `${sign}${abs / 1000n}${fraction ? `.${fraction}` : ''}`;
}

/** The first moment of the UTC day `days` days before the day of `now` (ms). */
export function utcDayStart(now: bigint, daysBack: number): bigint {
  const day = 86_400_000n;
  return (now / day - BigInt(daysBack)) * day;
}
