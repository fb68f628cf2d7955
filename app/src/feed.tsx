// The activity feed: the suite's contract events, decoded with each contract's metadata,
// newest first. The shared admin events (OwnershipTransferred, Paused, ChangeProposed…)
// have the same signature topic in every contract, so a record is decoded only with the
// metadata of the contract whose address emitted it (dedot's decodeEvents filters so).
import { useContext, useEffect, useMemo, useState } from 'react';
import type { IEventRecord } from 'dedot/types';
import { CONTRACT_NAMES, type ContractName, type Suite } from './suite';
import { shortAddress } from './accounts';
import { recentEvents } from './indexer';
import { KnownAccounts } from './ui';
import { useMoney } from './money';
import { variantsOf } from './words';
import { carcWords } from './pages/Provider';
import { itemLink, normaliseFields, sentence, type Value, type Words } from './feedWords';

export interface FeedEntry {
  key: string;
  block: number;
  contract: ContractName;
  name: string;
  fields: [string, string][];
  /** The fields as the sentences read them. */
  values: Record<string, Value>;
}

/** A decoded value as short text: accounts shortened, byte arrays as text when they are
 * printable (codes such as GTINs and procedure codes), numbers in full. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'bigint' || typeof value === 'number') return value.toString();
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') {
    if (/^0x[0-9a-f]+$/i.test(value) && value.length <= 2 + 2 * 20) {
      const bytes =
        value
          .slice(2)
          .match(/../g)
          ?.map((h) => parseInt(h, 16)) ?? [];
      if (bytes.length && bytes.every((b) => b >= 0x20 && b < 0x7f)) return String.fromCharCode(...bytes);
    }
    if (/^0x[0-9a-f]{64}$/i.test(value)) return `${value.slice(0, 10)}…`;
    return value;
  }
  if (typeof value === 'object' && 'address' in (value as object) && typeof (value as { address: unknown }).address === 'function')
    return shortAddress((value as { address: () => string }).address());
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'object' && 'type' in (value as object)) {
    const v = value as { type: string; value?: unknown };
    return v.value === undefined ? v.type : `${v.type}(${show(v.value)})`;
  }
  return Object.entries(value as object)
    .map(([k, v]) => `${k}: ${show(v)}`)
    .join(', ');
}

/** Fields that hold a time in ms (`at`, `time`, `expiry`, `…At`, `…Until`, `…From`). */
const isTime = (key: string, value: unknown) =>
  typeof value === 'bigint' && /^(at|time|expiry|expiresAt|.+At|.+Until|.+From|from)$/.test(key) && value > 1_000_000_000_000n;

/** A field of an indexed event as short text (times in ms as dates). */
const showIndexed = (key: string, value: unknown) =>
  typeof value === 'number' && /^(at|time|expiry|expires_at|.+_at|.+_until|.+_from|from)$/.test(key) && value > 1_000_000_000_000
    ? new Date(value).toLocaleString()
    : show(value);

export function Feed({ suite }: { suite: Suite }) {
  const known = useContext(KnownAccounts);
  const money = useMoney();
  const carcs = useMemo(() => variantsOf(suite.metadata.claims_adjudication, 'Carc'), [suite]);
  const words: Words = useMemo(() => {
    const names = new Map(known.map((k) => [k.value, k.label]));
    return {
      name: (address) => names.get(address) ?? shortAddress(address),
      price: money.price,
      carc: (carc) => carcWords(carcs, carc),
      date: (ms) => new Date(Number(ms)).toLocaleDateString(undefined, { timeZone: 'UTC' }),
      time: (ms) => new Date(Number(ms)).toLocaleString(),
    };
  }, [known, money.price, carcs]);
  const [entries, setEntries] = useState<FeedEntry[]>([]);
  const [earlier, setEarlier] = useState<{ through: number | null; entries: FeedEntry[] }>();
  // The history before this page opened, from the indexer when the deployment names one
  // (without one, the feed shows what happens from now on).
  useEffect(() => {
    let live = true;
    void recentEvents(suite).then((page) => {
      if (!live || !page) return;
      setEarlier({
        through: page.complete_through_block,
        entries: page.items.map((e) => ({
          key: `indexed-${e.block}-${e.index}`,
          block: e.block,
          contract: e.contract as ContractName,
          name: e.name ?? 'an event the indexer could not read',
          fields: Object.entries(e.fields ?? {}).map(([k, v]) => [k, showIndexed(k, v)]),
          values: normaliseFields(e.fields ?? {}),
        })),
      });
    });
    return () => {
      live = false;
    };
  }, [suite]);
  useEffect(() => {
    const unsubs: Promise<() => Promise<void>>[] = [];
    let block = 0;
    let serial = 0;
    unsubs.push(
      suite.client.query.system.number((n: number) => {
        block = n;
      }),
    );
    unsubs.push(
      suite.client.query.system.events((records: IEventRecord[]) => {
        const fresh: FeedEntry[] = [];
        for (const name of CONTRACT_NAMES) {
          for (const [i, event] of suite.contract(name).decodeEvents(records).entries()) {
            const data = ('data' in event ? (event.data ?? {}) : {}) as Record<string, unknown>;
            fresh.push({
              key: `${serial++}-${name}-${i}`,
              block,
              contract: name,
              name: event.name,
              fields: Object.entries(data).map(([k, v]) => [k, isTime(k, v) ? new Date(Number(v)).toLocaleString() : show(v)]),
              values: normaliseFields(data),
            });
          }
        }
        if (fresh.length) setEntries((old) => [...fresh.reverse(), ...old].slice(0, 100));
      }),
    );
    return () => unsubs.forEach((u) => void u.then((f) => f()));
  }, [suite]);
  return (
    <aside className="feed" aria-labelledby="feed-title">
      <h2 id="feed-title">Activity</h2>
      {entries.length === 0 && <p>No contract events since this page opened.</p>}
      <ol aria-live="polite" aria-label="Contract events, newest first" tabIndex={0}>
        {entries.map((e) => (
          <FeedItem key={e.key} entry={e} words={words} />
        ))}
      </ol>
      {earlier && earlier.entries.length > 0 && (
        <>
          <h3>Before this page opened</h3>
          <p className="muted">From the indexer, complete through block #{earlier.through}.</p>
          <ol aria-label="Earlier contract events from the indexer, newest first" tabIndex={0}>
            {earlier.entries.map((e) => (
              <FeedItem key={e.key} entry={e} words={words} />
            ))}
          </ol>
        </>
      )}
    </aside>
  );
}

function FeedItem({ entry: e, words }: { entry: FeedEntry; words: Words }) {
  const said = sentence(e.contract, e.name, e.values, words);
  const item = itemLink(e.contract, e.values);
  const data = (
    <dl>
      {e.fields.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
  return (
    <li>
      {said && <p className="said">{said}</p>}
      {item && (
        <a className="item-link" href={item.href}>
          {item.label}
        </a>
      )}
      <strong>{e.name}</strong>{' '}
      <span className="muted">
        {e.contract} · #{e.block}
      </span>
      {said ? (
        <details>
          <summary>Data</summary>
          {data}
        </details>
      ) : (
        data
      )}
    </li>
  );
}
