// Held payments: a seller's payment for a shipment is held when the seller's licence had
// lapsed at receipt (drug_provenance's `PaymentHeld`). The seller sees its own (the events
// naming it) and releases one from the list once licensed again (anyone may); a regulator
// sees every one still held (the newest events of the kind) and picks one to refund to the
// buyer, citing its findings. Each amount still held is read from the contract.
import { useCallback } from 'react';
import type { Suite } from '../../suite';
import { accountTopic, caughtUp, eventsWithTopic, idsIn } from '../../indexer';
import { useWorklist } from '../../worklist';
import { useTx } from '../../tx';
import { useAccountName, when, WorklistTable } from '../../ui';
import { productOf } from './shipments';
import { useMoney } from '../../money';
import { mostRecent } from '../../words';

/** How many `PaymentHeld` events are read for the list. */
const RECENT = 100;

interface Row {
  shipment: bigint;
  amount: bigint;
  seller: string;
  buyer: string;
  product: string;
  shippedAt: bigint;
}

export function HeldPayments({
  suite,
  account,
  view,
  refresh,
  onRefund,
  onChanged,
}: {
  suite: Suite;
  account: string | undefined;
  /** `seller`: the account's own held payments; `regulator`: every one. */
  view: 'seller' | 'regulator';
  refresh: number;
  /** A regulator's pick: the shipment whose held payment to refund. */
  onRefund?: (shipment: bigint) => void;
  onChanged?: () => void;
}) {
  const { send, query } = useTx();
  const money = useMoney();
  const named = useAccountName();
  const words = {
    noAccount: view === 'seller' ? 'Choose your account to see your held payments.' : 'Choose your account to see the held payments.',
    noIndexer: "Held payments are found through the suite's indexer, which this deployment does not name: type the shipment id below.",
    failed: 'The indexer did not answer: type the shipment id below, or try again.',
  };
  const read = useCallback(
    async (account: string) => {
      const current = await caughtUp(suite);
      const topic = view === 'seller' ? accountTopic(account) : undefined;
      const page = await eventsWithTopic(suite, topic, { contract: 'drug_provenance', name: 'PaymentHeld' }, RECENT);
      if (!page) return undefined;
      const found = await Promise.all(
        idsIn(page.items, 'shipment').map(async (shipment): Promise<Row | undefined> => {
          const [held, s] = await Promise.all([
            query('drug_provenance', 'heldPayment', [shipment]),
            query('drug_provenance', 'shipment', [shipment]),
          ]);
          if (!held.ok || held.value === 0n || !s.ok || !s.value) return undefined;
          return {
            shipment,
            amount: held.value,
            seller: s.value.from.address(),
            buyer: s.value.to.address(),
            product: await productOf(query, s.value.batch),
            shippedAt: s.value.shippedAt,
          };
        }),
      );
      return {
        behind: !current,
        rows: found.filter((r): r is Row => r !== undefined),
        source:
          `Still held among ${mostRecent(page.items.length, 'payment', 'payments')} held${view === 'seller' ? ' from you' : ''}; from the indexer, complete through block #${page.complete_through_block ?? '?'}` +
          (current ? '' : ' (it has not yet stored the newest block)') +
          ', each amount read from the contract.',
      };
    },
    [suite, query, view],
  );
  const { rows, source, load, read: listed } = useWorklist(suite, account, words, read, refresh);

  return (
    <WorklistTable
      id={`held-${view}`}
      title={view === 'seller' ? 'Your held payments' : 'Held payments'}
      source={source}
      listed={listed}
      none="No payment is held."
      columns={['Shipment', 'Product', 'Seller', 'Buyer', 'Held', 'Sent', 'Action']}
      rows={rows}
      row={(r) => (
        <tr key={String(r.shipment)} data-testid="held-row">
          <td>{String(r.shipment)}</td>
          <td>{r.product}</td>
          <td>{named(r.seller)}</td>
          <td>{named(r.buyer)}</td>
          <td>{money.price(r.amount)}</td>
          <td>{when(r.shippedAt)}</td>
          <td>
            {view === 'seller' ? (
              <button
                type="button"
                className="secondary"
                aria-label={`Release the held payment of shipment ${r.shipment}`}
                title="Paid to the seller once its licence is valid again."
                onClick={() =>
                  void (async () => {
                    await send(`Release the held payment of shipment ${r.shipment}`, 'drug_provenance', 'releaseHeldPayment', [r.shipment]);
                    // The page reads every list again; alone, this one reads itself.
                    if (onChanged) onChanged();
                    else await load();
                  })()
                }
              >
                Release
              </button>
            ) : (
              <button
                type="button"
                className="secondary"
                aria-label={`Refund the held payment of shipment ${r.shipment}`}
                onClick={() => onRefund?.(r.shipment)}
              >
                Refund…
              </button>
            )}
          </td>
        </tr>
      )}
    />
  );
}
