// The provider's open items: its claims pending review, under appeal, approved but not yet
// funded, or whose payment failed (owed), oldest first, with what each would pay it, from
// the indexer's `GET /v1/claims/open` (the contract lists a provider's claims, not by
// status).
import { useCallback, useContext } from 'react';
import type { Suite } from '../../suite';
import { caughtUp, openClaimsOfProvider } from '../../indexer';
import { KnownAccounts, WorklistTable } from '../../ui';
import { useWorklist } from '../../worklist';
import { queueRows, type QueueRow } from '../payer/queue';
import { ClaimCells } from '../payer/ClaimCells';

const WORDS = {
  noAccount: 'Choose your account to see your open claims.',
  noIndexer: "Your open claims are read from the suite's indexer, which this deployment does not name: see your remittances below.",
  failed: 'The indexer did not answer: see your remittances below, or try again.',
};

export function OpenClaims({
  suite,
  account,
  refresh,
  denialWords,
}: {
  suite: Suite;
  account: string | undefined;
  refresh: number;
  denialWords: (carc: string) => string;
}) {
  const known = useContext(KnownAccounts);
  const read = useCallback(
    async (provider: string) => {
      const current = await caughtUp(suite);
      const page = await openClaimsOfProvider(suite, provider);
      if (!page) return undefined;
      const names = new Map(known.map((k) => [k.value, k.label]));
      return {
        behind: !current,
        rows: queueRows(page.items, names, denialWords),
        source:
          `From the indexer, complete through block #${page.complete_through_block ?? '?'}` +
          (current ? '' : ' (it has not yet stored the newest block)') +
          (page.next ? '; the oldest 50' : ''),
      };
    },
    [suite, known, denialWords],
  );
  const { rows, source, read: listed } = useWorklist<QueueRow>(suite, account, WORDS, read, refresh);
  return (
    <WorklistTable
      id="open-claims"
      title="Your open claims"
      source={source}
      listed={listed}
      none="Nothing open: every claim is paid or closed."
      columns={['Claim', 'Status', 'Member', 'Services', 'Billed', 'To be paid to you', 'Patient owes', 'Since']}
      rows={rows}
      row={(r) => (
        <tr key={r.claim} data-testid="open-claim-row">
          <td>{r.claim}</td>
          <ClaimCells row={r} />
        </tr>
      )}
    />
  );
}
