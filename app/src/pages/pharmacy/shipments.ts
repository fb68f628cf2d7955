// What the pharmacy's worklists share: the account's batches (those it registered or was
// shipped, from the indexer), a batch's name and a pending shipment as a row (read from
// the contract).
import type { Suite } from '../../suite';
import type { useTx } from '../../tx';
import { accountTopic, eventsWithTopic, idsIn } from '../../indexer';
import { text } from '../../ui';
import { variantName } from '../../words';

type Query = ReturnType<typeof useTx>['query'];

/** A batch as people name it: its GTIN and lot (read from the contract), else its id. */
export async function productOf(query: Query, batch: bigint): Promise<string> {
  const b = await query('drug_provenance', 'batch', [batch]);
  return b.ok && b.value ? `GTIN ${text(b.value.gtin)} lot ${text(b.value.lot)}` : `batch ${batch}`;
}

/** The batches `account` registered or was shipped, newest first, from the `recent` most
 * recent events of each kind naming it; with how many events were read and how far the
 * indexer is complete. Undefined when the indexer did not answer. */
export async function batchesOfAccount(
  suite: Suite,
  account: string,
  recent: number,
): Promise<{ batches: bigint[]; events: number; through: number | null | undefined } | undefined> {
  const topic = accountTopic(account);
  const [registered, received] = await Promise.all([
    eventsWithTopic(suite, topic, { contract: 'drug_provenance', name: 'BatchRegistered' }, recent),
    eventsWithTopic(suite, topic, { contract: 'drug_provenance', name: 'Shipped' }, recent),
  ]);
  if (!registered || !received) return undefined;
  return {
    batches: idsIn(
      [...registered.items, ...received.items].sort((a, b) => b.block - a.block || b.index - a.index),
      'batch',
    ),
    events: registered.items.length + received.items.length,
    through: received.complete_through_block,
  };
}

/** A pending shipment as the worklists show it. */
export interface ShipmentRow {
  id: bigint;
  batch: bigint;
  product: string;
  from: string;
  to: string;
  quantity: bigint;
  shippedAt: bigint;
  pricePerUnit: bigint | undefined;
  escrow: bigint;
  isReturn: boolean;
}

/** Shipment `id` read from the contract, if it is still pending and `side` of it (its
 * sender or recipient) is `account`. */
export async function pendingShipment(query: Query, id: bigint, side: 'from' | 'to', account: string): Promise<ShipmentRow | undefined> {
  const s = await query('drug_provenance', 'shipment', [id]);
  if (!s.ok || !s.value || variantName(s.value.state) !== 'Pending' || accountTopic(s.value[side].address()) !== accountTopic(account))
    return undefined;
  return {
    id,
    batch: s.value.batch,
    product: await productOf(query, s.value.batch),
    from: s.value.from.address(),
    to: s.value.to.address(),
    quantity: s.value.quantity,
    shippedAt: s.value.shippedAt,
    pricePerUnit: s.value.pricePerUnit,
    escrow: s.value.escrow,
    isReturn: s.value.isReturn,
  };
}
