// The pharmacy's (or distributor's) worklist: the shipments sent to it that it has not
// received, rejected or seen cancelled, newest first, each with its batch, sender, units
// and price; paying a priced shipment into escrow, receiving and rejecting are done from
// its row (no shipment id to type). The shipments come from the indexer (the `Shipped`
// events naming the account: the contract cannot list them by recipient); each one's state
// is read from the contract.
import { useCallback } from 'react';
import type { Suite } from '../../suite';
import { accountTopic, caughtUp, eventsWithTopic, idsIn } from '../../indexer';
import { useWorklist } from '../../worklist';
import { useTx } from '../../tx';
import { useAccountName, when, WorklistTable } from '../../ui';
import { useMoney } from '../../money';
import { mostRecent } from '../../words';
import { pendingShipment } from './shipments';

/** How many `Shipped` events naming the account are read for the list. */
const RECENT = 100;

const WORDS = {
  noAccount: 'Choose your account to see the shipments sent to you.',
  noIndexer:
    "The shipments sent to you are read from the suite's indexer, which this deployment does not name (scripts/indexer.sh): type the shipment id below instead.",
  failed: 'The indexer did not answer: type the shipment id below, or try again.',
};

export function IncomingShipments({
  suite,
  account,
  refresh = 0,
  onChanged,
}: {
  suite: Suite;
  account: string | undefined;
  /** Read again when it changes (the page's stock or shipments changed). */
  refresh?: number;
  /** Called after a shipment was paid, received or rejected (the stock changed). */
  onChanged?: () => void;
}) {
  const { send, query } = useTx();
  const money = useMoney();
  const read = useCallback(
    async (account: string) => {
      const current = await caughtUp(suite);
      const page = await eventsWithTopic(suite, accountTopic(account), { contract: 'drug_provenance', name: 'Shipped' }, RECENT);
      if (!page) return undefined;
      const found = await Promise.all(idsIn(page.items, 'shipment').map((id) => pendingShipment(query, id, 'to', account)));
      return {
        behind: !current,
        rows: found.filter((r) => r !== undefined),
        source:
          `Pending shipments among ${mostRecent(page.items.length, 'shipment', 'shipments')} sent to you; from the indexer, complete through block #${page.complete_through_block ?? '?'}` +
          (current ? '' : ' (it has not yet stored the newest block)') +
          ', each one read from the contract.',
      };
    },
    [suite, query],
  );
  const { rows, source, load, read: listed } = useWorklist(suite, account, WORDS, read, refresh);

  const named = useAccountName();
  const after = async (done: Promise<unknown>) => {
    await done;
    // The page reads every list again; alone, this one reads itself.
    if (onChanged) onChanged();
    else await load();
  };

  return (
    <WorklistTable
      id="incoming"
      title="Shipments to receive"
      source={source}
      listed={listed}
      none="Nothing to receive."
      columns={['Shipment', 'Product', 'From', 'Units', 'Price', 'Payment', 'Sent', 'Action']}
      rows={rows}
      row={(r) => {
        const total = r.pricePerUnit === undefined ? undefined : r.pricePerUnit * r.quantity;
        const toPay = total !== undefined && r.escrow === 0n;
        return (
          <tr key={String(r.id)} data-testid="incoming-row">
            <td>
              {String(r.id)}
              {r.isReturn && <span className="muted"> (a return)</span>}
            </td>
            <td>{r.product}</td>
            <td>{named(r.from)}</td>
            <td>{String(r.quantity)}</td>
            <td>{r.pricePerUnit === undefined ? '—' : `${money.price(r.pricePerUnit)} each, ${money.price(total ?? 0n)}`}</td>
            <td>{total === undefined ? 'not priced' : toPay ? 'to pay into escrow' : `${money.price(r.escrow)} in escrow`}</td>
            <td>{when(r.shippedAt)}</td>
            <td>
              <div className="actions">
                {toPay && (
                  <button
                    type="button"
                    onClick={() =>
                      void after(
                        send(
                          `Pay ${money.price(total ?? 0n)} into escrow for shipment ${r.id}`,
                          'drug_provenance',
                          'escrowPayment',
                          [r.id],
                          total,
                        ),
                      )
                    }
                  >
                    Pay {money.price(total ?? 0n)}
                  </button>
                )}
                <button
                  type="button"
                  disabled={toPay}
                  title={toPay ? 'Pay its price into escrow first: it is paid to the sender on receipt.' : undefined}
                  onClick={() =>
                    void after(send(`Receive ${r.quantity} units of shipment ${r.id}`, 'drug_provenance', 'receive', [r.id, r.quantity]))
                  }
                >
                  Receive all
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void after(send(`Reject shipment ${r.id}`, 'drug_provenance', 'reject', [r.id]))}
                >
                  Reject
                </button>
              </div>
            </td>
          </tr>
        );
      }}
    />
  );
}
