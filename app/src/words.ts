// Words for codes, read from the contracts' metadata (the `///` docs of each enum
// variant), so that the app and the contracts cannot disagree: error variants, purposes
// of use, data categories, credential kinds, CARC codes, verification statuses.
import type { Metadata } from './suite';

/** An enum variant of a contract's metadata; `V`, when given, is the enum's type in the
 * generated bindings (its variant names), so that a chosen variant is passed typed. */
export interface Variant<V extends string = string> {
  index: number;
  name: V;
  docs: string;
}

interface TypeEntry {
  id: number;
  type: {
    path?: string[];
    def: { variant?: { variants?: { name: string; index: number; docs?: string[] }[] } };
  };
}

/** The variants of the enum whose type path ends with `name` (first match), in
 * encoding order. For a contract's own `Error`, pass the contract's crate name as
 * `crate` so that a shared type of the same name is not picked. */
export function variantsOf<V extends string = string>(metadata: Metadata, name: string, crate?: string): Variant<V>[] {
  const types = metadata.types as TypeEntry[];
  const entry = types.find((t) => {
    const path = t.type.path ?? [];
    return path[path.length - 1] === name && (!crate || path[0] === crate) && t.type.def.variant;
  });
  const variants = entry?.type.def.variant?.variants ?? [];
  return variants
    .map((v) => ({ index: v.index, name: v.name as V, docs: (v.docs ?? []).join(' ').trim() }))
    .sort((a, b) => a.index - b.index);
}

/** The name of an enum value as dedot decodes it: a plain string for enums of unit
 * variants, `{ type, value }` otherwise. */
export function variantName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'type' in value) return String((value as { type: unknown }).type);
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

/** "NotAuthorised" → "Not authorised". */
export function spaced(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A contract error in words: its variant name and the docs the contract gives it. */
export function errorInWords(metadata: Metadata, crate: string, error: unknown): string {
  const name = variantName(error);
  const variant = variantsOf(metadata, 'Error', crate).find((v) => v.name === name);
  return variant?.docs ? `${spaced(name)}: ${variant.docs}` : spaced(name);
}

/** The members of a bit set (`PurposeSet`, `DataCategories`, `KindSet`): bit `i` is
 * variant `i` of its enum (`Purpose`, `DataCategory`, `CredentialKind`). */
export function membersOf(bits: number, variants: Variant[]): Variant[] {
  return variants.filter((v) => (bits >>> v.index) & 1);
}

/** The bit set of the given variants. */
export function bitsOf(variants: Variant[]): number {
  return variants.reduce((bits, v) => bits | (1 << v.index), 0) >>> 0;
}

/** The code a variant's docs start with: "1: deductible amount." → "1",
 * "`TREAT`: treatment." → "TREAT". */
export function codeOf(variant: Variant): string | undefined {
  const match = /^`?([A-Z0-9]+)`?:/.exec(variant.docs);
  return match?.[1];
}

/** A variant's docs without the leading code. */
export function meaningOf(variant: Variant): string {
  return variant.docs.replace(/^`?[A-Z0-9]+`?:\s*/, '');
}

/** A variant as a person reads it: its meaning with its code, "Treatment (TREAT)", or
 * its docs, or its name spaced out. */
export function labelOf(variant: Variant): string {
  const code = codeOf(variant);
  const meaning = meaningOf(variant).replace(/\.$/, '');
  const sentence = meaning.charAt(0).toUpperCase() + meaning.slice(1);
  if (code && meaning) return `${sentence} (${code})`;
  return sentence || spaced(variant.name);
}

/** "the most recent shipment" or "the 3 most recent shipments": `n` things, newest first,
 * in words (`one` and `many` are the noun's two forms). */
export function mostRecent(n: number, one: string, many: string): string {
  return n === 1 ? `the most recent ${one}` : `the ${n} most recent ${many}`;
}
