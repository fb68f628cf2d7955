// The sender's worklist (a manufacturer's or distributor's shipments in transit): the
// shipments it sent that are still pending (not received, rejected or cancelled), oldest
// first, with product, recipient, units, price and escrow; the sender cancels one from
// its row (every unit comes back, a paid price goes back to the buyer). `Shipped` names
// its sender in its data, not in a topic: the shipments are found through the batches the
// account registered or was shipped (the same events as its stock), each batch's
// `Shipped` events (the batch is a topic) and their `from`; each shipment's state is read
// from the contract.
import { useCallback } from 'react';
import type { Suite } from '../../suite';
import { accountTopic, caughtUp, eventsWithTopic, type IndexedEvent } from '../../indexer';
import { useWorklist } from '../../worklist';
import { useTx } from '../../tx';
import { useAccountName, when, WorklistTable } from '../../ui';
import { useMoney } from '../../money';
import { batchesOfAccount, pendingShipment } from './shipments';

/** How many events naming the account are read to find its batches. */
const RECENT = 200;
/** How many of those batches (the newest) are searched for shipments. */
const BATCHES = 50;
/** How many `Shipped` events of each batch are read: pages of 50, newest first, up to 200. */
const PER_PAGE = 50;
const PAGES_PER_BATCH = 4;

const WORDS = {
  noAccount: 'Choose your account to see the shipments you sent.',
  noIndexer: "The shipments you sent are found through the suite's indexer, which this deployment does not name.",
  failed: 'The indexer did not answer: try again.',
};

/** The topic a `u64` id field of an event carries: its 8 little-endian bytes, padded to 32
 * (ink! 5 pads an encoding of 32 bytes or fewer). */
export function idTopic(id: bigint): `0x${string}` {
  let hex = '';
  for (let i = 0n; i < 8n; i++) hex += ((id >> (8n * i)) & 0xffn).toString(16).padStart(2, '0');
  return `0x${hex.padEnd(64, '0')}`;
}

/** The shipment ids of `events` (`Shipped`) that `sender` sent, each once. */
export function sentBy(events: IndexedEvent[], sender: string): bigint[] {
  const me = accountTopic(sender);
  const ids = new Set<bigint>();
  for (const e of events) {
    const f = e.fields as { from?: unknown; shipment?: unknown } | null;
    if (typeof f?.from !== 'string' || (typeof f.shipment !== 'number' && typeof f.shipment !== 'string')) continue;
    if (accountTopic(f.from) === me) ids.add(BigInt(f.shipment));
  }
  return [...ids];
}

export function InTransit({
  suite,
  account,
  refresh,
  onChanged,
}: {
  suite: Suite;
  account: string | undefined;
  refresh: number;
  onChanged?: () => void;
}) {
  const { send, query } = useTx();
  const money = useMoney();
  const named = useAccountName();
  const read = useCallback(
    async (account: string) => {
      const current = await caughtUp(suite);
      const mine = await batchesOfAccount(suite, account, RECENT);
      if (!mine) return undefined;
      const batches = mine.batches.slice(0, BATCHES);
      // Each batch's shipments, a page at a time, newest first.
      const shippedOf = async (batch: bigint) => {
        const events: IndexedEvent[] = [];
        let before: string | undefined;
        for (let page = 0; page < PAGES_PER_BATCH; page++) {
          const found = await eventsWithTopic(suite, idTopic(batch), { contract: 'drug_provenance', name: 'Shipped' }, PER_PAGE, before);
          if (!found) return undefined;
          events.push(...found.items);
          if (!found.next) return events;
          before = found.next;
        }
        return events;
      };
      const shipped = await Promise.all(batches.map(shippedOf));
      if (shipped.some((p) => p === undefined)) return undefined;
      const ids = sentBy(
        shipped.flatMap((p) => p ?? []),
        account,
      );
      const found = await Promise.all(ids.map((id) => pendingShipment(query, id, 'from', account)));
      return {
        behind: !current,
        rows: found.filter((r) => r !== undefined).sort((a, b) => (a.shippedAt < b.shippedAt ? -1 : a.shippedAt > b.shippedAt ? 1 : 0)),
        source:
          `Pending shipments among the latest ${PER_PAGE * PAGES_PER_BATCH} of each of the ${batches.length === 1 ? 'batch' : `${batches.length} batches`} you most recently registered or were shipped; from the indexer, complete through block #${mine.through ?? '?'}` +
          (current ? '' : ' (it has not yet stored the newest block)') +
          ', each one read from the contract.',
      };
    },
    [suite, query],
  );
  const { rows, source, load, read: listed } = useWorklist(suite, account, WORDS, read, refresh);

  return (
    <WorklistTable
      id="in-transit"
      title="Shipments in transit"
      source={source}
      listed={listed}
      none="Nothing in transit."
      columns={['Shipment', 'Product', 'To', 'Units', 'Price', 'Payment', 'Sent', 'Action']}
      rows={rows}
      row={(r) => {
        const total = r.pricePerUnit === undefined ? undefined : r.pricePerUnit * r.quantity;
        return (
          <tr key={String(r.id)} data-testid="in-transit-row">
            <td>
              {String(r.id)}
              {r.isReturn && <span className="muted"> (a return)</span>}
            </td>
            <td>{r.product}</td>
            <td>{named(r.to)}</td>
            <td>{String(r.quantity)}</td>
            <td>{r.pricePerUnit === undefined ? '—' : `${money.price(r.pricePerUnit)} each, ${money.price(total ?? 0n)}`}</td>
            <td>
              {total === undefined ? 'not priced' : r.escrow === 0n ? 'not yet paid into escrow' : `${money.price(r.escrow)} in escrow`}
            </td>
            <td>{when(r.shippedAt)}</td>
            <td>
              <button
                type="button"
                className="secondary"
                aria-label={`Cancel shipment ${r.id}`}
                onClick={() =>
                  void (async () => {
                    await send(`Cancel shipment ${r.id}: every unit comes back`, 'drug_provenance', 'cancelShipment', [r.id]);
                    // The page reads every list again; alone, this one reads itself.
                    if (onChanged) onChanged();
                    else await load();
                  })()
                }
              >
                Cancel
              </button>
            </td>
          </tr>
        );
      }}
    />
  );
}
