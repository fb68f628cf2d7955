// Small shared pieces of the pages: an outcome line, byte and time helpers.
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { shortAddress } from './accounts';
import { stringToHex, hexToString } from 'dedot/utils';
import type { Outcome } from './tx';
import { labelOf, type Variant } from './words';

/** ASCII text (a GTIN, a lot, a procedure code) as the bytes the contracts store. */
export const bytes = (text: string): `0x${string}` => stringToHex(text) as `0x${string}`;
/** Bytes the contracts return as text, when they are text. */
export const text = (hex: string): string => hexToString(hex as `0x${string}`);

/** A 32-byte hash in hex (a document's SHA-256, an operation id), checked, as the
 * bindings type it; `what` names it in the error. */
export function hex32(hash: string, what: string): `0x${string}` {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) throw new Error(`The ${what} is not a 32-byte hash in hex.`);
  return hash as `0x${string}`;
}

export const ms = (date: Date): bigint => BigInt(date.getTime());
/** The start of today (local time): the default start of a consent or care relationship,
 * so that it covers today's visit. */
export const startOfToday = (): bigint => {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return BigInt(d.getTime());
};
/** A date field's value (`YYYY-MM-DD`) as the start of that day in the user's time zone
 * (`new Date('2027-01-01')` would be midnight UTC: the evening before, west of Greenwich). */
export const startOfDay = (date: string): bigint => {
  const [y, m, d] = date.split('-').map(Number);
  return BigInt(new Date(y, m - 1, d).getTime());
};
export const when = (time: bigint | number | undefined | null): string =>
  time === undefined || time === null ? '—' : new Date(Number(time)).toLocaleString();

/** A moment that is the start of a day in the user's time zone (a date field's value), as
 * that date in the user's locale. */
export const day = (time: bigint | number | undefined | null): string =>
  time === undefined || time === null ? '—' : new Date(Number(time)).toLocaleDateString();

/** A 32-byte hash of a file or a text, computed in the browser (SHA-256): the only thing
 * that goes on chain for a document. */
export async function sha256(data: string | ArrayBuffer): Promise<`0x${string}`> {
  const buffer = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  return `0x${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function Result({ outcome }: { outcome: Outcome | undefined }) {
  if (!outcome) return null;
  const value = outcome.ok && (typeof outcome.value === 'bigint' || typeof outcome.value === 'number') ? String(outcome.value) : undefined;
  return outcome.ok ? (
    <p className="ok" role="status">
      Done{outcome.block !== undefined ? ` in block #${outcome.block}` : ''}
      {value !== undefined && (
        <>
          : id <output data-testid="returned">{value}</output>
        </>
      )}
      .
    </p>
  ) : (
    <p className="refused" role="alert">
      Refused: {outcome.error}
    </p>
  );
}

/** A form section that runs `action` on submit and shows its outcome. */
export function Action({
  title,
  action,
  children,
  submit,
}: {
  title: string;
  action: () => Promise<Outcome | undefined>;
  children: ReactNode;
  submit: string;
}) {
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const id = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setOutcome(undefined);
          try {
            setOutcome(await action());
          } catch (err) {
            setOutcome({ ok: false, error: err instanceof Error ? err.message : String(err) });
          } finally {
            setBusy(false);
          }
        }}
      >
        {children}
        <button type="submit" disabled={busy}>
          {busy ? 'Working…' : submit}
        </button>
      </form>
      <Result outcome={outcome} />
    </section>
  );
}

export function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      {hint && <small>{hint}</small>}
    </label>
  );
}

/** A value a field offers to pick (typing stays possible). */
export interface Choice {
  value: string;
  label: string;
}

interface TextFieldProps {
  label: string;
  name: string;
  value: string;
  set: (value: string) => void;
  hint?: string;
  numeric?: boolean;
  optional?: boolean;
  type?: string;
  pattern?: string;
  /** Values to pick from (a `<datalist>`): the field still takes any text. */
  options?: Choice[];
  /** A time field's granularity in seconds (the browser's default: 60). */
  step?: number;
}

/** A labelled text input; `numeric` for ids and amounts (digits only). */
export function TextField({
  label,
  name,
  value,
  set,
  hint,
  numeric = false,
  optional = false,
  type,
  pattern,
  options,
  step,
}: TextFieldProps) {
  const list = options && options.length > 0 ? `${name}-choices` : undefined;
  return (
    <Field label={label} hint={hint}>
      <input
        name={name}
        type={type}
        step={step}
        inputMode={numeric ? 'numeric' : undefined}
        pattern={pattern ?? (numeric ? (optional ? '[0-9]*' : '[0-9]+') : undefined)}
        value={value}
        onChange={(e) => set(e.target.value)}
        required={!optional}
        list={list}
        autoComplete={list ? 'off' : undefined}
      />
      {list && (
        <datalist id={list}>
          {options?.map((o) => (
            <option key={o.value} value={o.value} label={o.label} />
          ))}
        </datalist>
      )}
    </Field>
  );
}

/** The accounts the app knows by name (the signer's list, the deployment's contracts):
 * what an account field offers. */
export const KnownAccounts = createContext<Choice[]>([]);

/** An account's name where the app knows it (the signer's list, the deployment's
 * contracts), else its short form. */
export function useAccountName(): (address: string) => string {
  const known = useContext(KnownAccounts);
  return useMemo(() => {
    const names = new Map(known.map((k) => [k.value, k.label]));
    return (address: string) => names.get(address) ?? shortAddress(address);
  }, [known]);
}

/** A labelled account input offering every account the app knows by name; any SS58
 * address can still be typed or pasted. */
export function AccountField(props: Omit<TextFieldProps, 'options'>) {
  const known = useContext(KnownAccounts);
  return <TextField {...props} options={known} />;
}

/** A labelled choice among an enum's variants (from the metadata). */
export function VariantSelect<V extends string>({
  label,
  name,
  variants,
  value,
  set,
}: {
  label: string;
  name: string;
  variants: Variant<V>[];
  value: V;
  set: (value: V) => void;
}) {
  return (
    <Field label={label}>
      <select name={name} value={value} onChange={(e) => set(e.target.value as V)}>
        {variants.map((v) => (
          <option key={v.name} value={v.name}>
            {labelOf(v)}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A labelled choice among numeric codes with their words (reason codes). */
export function CodeSelect({
  label,
  name,
  codes,
  value,
  set,
}: {
  label: string;
  name: string;
  codes: [number, string][];
  value: number;
  set: (value: number) => void;
}) {
  return (
    <Field label={label}>
      <select name={name} value={value} onChange={(e) => set(Number(e.target.value))}>
        {codes.map(([code, words]) => (
          <option key={code} value={code}>
            {words}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A worklist's frame: its title, where its items come from (or why there are none to
 * show), a line when it is empty, then the list itself. */
export function Worklist({
  id,
  title,
  source,
  empty,
  children,
}: {
  id: string;
  title: string;
  /** Where the list comes from, complete through which block; or why it cannot be read. */
  source: string;
  /** Shown when the list was read and holds nothing (undefined: not read, or not empty). */
  empty?: string;
  children?: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      {source && (
        <p className="hint" data-testid={`${id}-source`}>
          {source}
        </p>
      )}
      {empty && <p>{empty}</p>}
      {children}
    </section>
  );
}

/** A worklist of rows as a table (its test id is the list's `id`): `none` is said when
 * the list was read (`listed`) and holds nothing. */
export function WorklistTable<R>({
  id,
  title,
  source,
  listed,
  none,
  columns,
  rows,
  row,
  children,
}: {
  id: string;
  title: string;
  source: string;
  listed: boolean;
  none: string;
  columns: string[];
  rows: R[];
  row: (r: R) => ReactNode;
  /** Shown above the table (a control of the list). */
  children?: ReactNode;
}) {
  return (
    <Worklist id={id} title={title} source={source} empty={rows.length === 0 && listed ? none : undefined}>
      {children}
      {rows.length > 0 && (
        <table data-testid={id}>
          <Head columns={columns} />
          <tbody>{rows.map(row)}</tbody>
        </table>
      )}
    </Worklist>
  );
}

/** A table's header row. */
export function Head({ columns }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** A labelled set of checkboxes, one per enum variant (named by the variant). */
export function Checkboxes({
  legend,
  variants,
  chosen,
  set,
}: {
  legend: string;
  variants: Variant[];
  chosen: Set<string>;
  set: (s: Set<string>) => void;
}) {
  return (
    <fieldset className="checks">
      <legend>{legend}</legend>
      {variants.map((v) => (
        <label key={v.name}>
          <input
            type="checkbox"
            name={v.name}
            checked={chosen.has(v.name)}
            onChange={(e) => {
              const next = new Set(chosen);
              if (e.target.checked) next.add(v.name);
              else next.delete(v.name);
              set(next);
            }}
          />
          {labelOf(v)}
        </label>
      ))}
    </fieldset>
  );
}

/** A document chosen from disk, of which only the SHA-256 hash (computed here) is kept:
 * what goes on chain for a protocol, a consent form or a report. */
export function DocumentField({
  label,
  name,
  hash,
  set,
  hint,
}: {
  label: string;
  name: string;
  hash: string;
  set: (hash: string) => void;
  hint?: string;
}) {
  return (
    <Field label={label} hint={hint ?? 'Only its SHA-256 hash, computed in this browser, goes on chain.'}>
      <input
        name={name}
        type="file"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          set(file ? await sha256(await file.arrayBuffer()) : '');
        }}
      />
      {hash && <code className="muted">{hash.slice(0, 18)}…</code>}
    </Field>
  );
}
