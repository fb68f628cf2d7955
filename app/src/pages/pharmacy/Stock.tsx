// The account's stock by batch: every batch it registered or was shipped (the indexer's
// `BatchRegistered` and `Shipped` events naming it), with the units it holds now, expiry
// and state read from the contract. *Use* puts the batch in the page's forms (dispense,
// flag, return, ship, cold chain): no batch id to type.
import { useCallback } from 'react';
import type { Suite } from '../../suite';
import { caughtUp } from '../../indexer';
import { batchesOfAccount } from './shipments';
import { useWorklist } from '../../worklist';
import { useTx } from '../../tx';
import { text, WorklistTable } from '../../ui';
import { mostRecent, spaced, variantName } from '../../words';

/** How many events of each kind naming the account are read for the list. */
const RECENT = 200;

const WORDS = {
  noAccount: 'Choose your account to see its stock.',
  noIndexer: "Your stock is found through the suite's indexer, which this deployment does not name: type batch ids below.",
  failed: 'The indexer did not answer: type batch ids below, or try again.',
};

interface Row {
  batch: bigint;
  gtin: string;
  lot: string;
  expiry: bigint;
  state: string;
  held: bigint;
}

export function Stock({
  suite,
  account,
  refresh,
  onUse,
}: {
  suite: Suite;
  account: string | undefined;
  refresh: number;
  onUse: (batch: bigint) => void;
}) {
  const { query } = useTx();
  const read = useCallback(
    async (account: string) => {
      const current = await caughtUp(suite);
      const mine = await batchesOfAccount(suite, account, RECENT);
      if (!mine) return undefined;
      const { batches } = mine;
      const found = await Promise.all(
        batches.map(async (batch): Promise<Row | undefined> => {
          const [held, b] = await Promise.all([
            query('drug_provenance', 'holding', [batch, account]),
            query('drug_provenance', 'batch', [batch]),
          ]);
          if (!held.ok || held.value === 0n || !b.ok || !b.value) return undefined;
          return {
            batch,
            gtin: text(b.value.gtin),
            lot: text(b.value.lot),
            expiry: b.value.expiry,
            state: spaced(variantName(b.value.state)),
            held: held.value,
          };
        }),
      );
      return {
        behind: !current,
        rows: found.filter((r): r is Row => r !== undefined),
        source: `The batches you registered or were shipped (${mostRecent(mine.events, 'event', 'events')} naming you; from the indexer, complete through block #${mine.through ?? '?'}${current ? '' : ', not yet the newest'}), with what you hold now, from the contract.`,
      };
    },
    [suite, query],
  );
  const { rows, source, load, read: listed } = useWorklist(suite, account, WORDS, read, refresh);

  return (
    <WorklistTable
      id="stock"
      title="Your stock"
      source={source}
      listed={listed}
      none="You hold no units."
      columns={['Batch', 'GTIN', 'Lot', 'Expiry', 'State', 'Units held', 'Action']}
      rows={rows}
      row={(r) => (
        <tr key={String(r.batch)} data-testid="stock-row">
          <td>{String(r.batch)}</td>
          <td>{r.gtin}</td>
          <td>{r.lot}</td>
          <td>{new Date(Number(r.expiry)).toLocaleDateString(undefined, { timeZone: 'UTC' })}</td>
          <td>{r.state}</td>
          <td data-testid="stock-held">{String(r.held)}</td>
          <td>
            <button type="button" className="secondary" onClick={() => onUse(r.batch)} aria-label={`Use batch ${r.batch}`}>
              Use
            </button>
          </td>
        </tr>
      )}
    >
      <button type="button" className="secondary" onClick={() => void load()}>
        Refresh stock
      </button>
    </WorklistTable>
  );
}
