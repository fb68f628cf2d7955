// The payer's worklist: its claims pending review or under appeal, oldest first, from the
// suite's indexer (the contract cannot list them by status without reading every claim).
// Each row opens the claim for a decision below it; no claim id to type.
import { useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Suite } from '../../suite';
import { accountTopic, caughtUp, claimsOfPayer, indexerUrl } from '../../indexer';
import { Head, KnownAccounts, Worklist } from '../../ui';
import { queueRows, TO_REVIEW, type QueueRow } from './queue';
import { ClaimCells } from './ClaimCells';

const PAGE = 20;

export function ReviewQueue({
  suite,
  payer,
  refresh,
  denialWords,
  onReview,
  children,
}: {
  suite: Suite;
  /** The payer whose plans' claims are listed (the signer, or the payer an adjuster works for). */
  payer: string | undefined;
  /** Changed by the page after a decision: the queue is read again. */
  refresh: number;
  denialWords: (carc: string) => string;
  onReview: (claim: number) => void;
  /** Shown under the title (the payer picker). */
  children?: ReactNode;
}) {
  const known = useContext(KnownAccounts);
  const [rows, setRows] = useState<QueueRow[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [source, setSource] = useState('');
  const [loading, setLoading] = useState(false);
  // The newest load wins: an older one answering late changes nothing.
  const latest = useRef(0);

  const load = useCallback(
    async (after?: string) => {
      const ticket = ++latest.current;
      let valid = false;
      try {
        valid = payer !== undefined && accountTopic(payer).length === 66;
      } catch {
        valid = false; // a payer being typed: not an address yet
      }
      if (!valid || payer === undefined) {
        setRows([]);
        setNext(null);
        setSource('Choose the payer account to see its claims to review.');
        return;
      }
      if (!indexerUrl(suite)) {
        setRows([]);
        setSource(
          "The review queue is read from the suite's indexer, which this deployment does not name (scripts/indexer.sh): type a claim id below instead.",
        );
        return;
      }
      setLoading(true);
      try {
        const current = after !== undefined || (await caughtUp(suite));
        const page = await claimsOfPayer(suite, payer, TO_REVIEW, PAGE, after);
        if (ticket !== latest.current) return;
        if (!page) {
          setRows([]);
          setNext(null);
          setSource('The indexer did not answer: type a claim id below, or try again.');
          return;
        }
        const names = new Map(known.map((k) => [k.value, k.label]));
        const found = queueRows(page.items, names, denialWords);
        setRows((shown) => (after ? [...shown, ...found] : found));
        setNext(page.next);
        setSource(
          `From the indexer, complete through block #${page.complete_through_block ?? '?'}` +
            (current ? '' : ' (it has not yet stored the newest block)'),
        );
      } finally {
        if (ticket === latest.current) setLoading(false);
      }
    },
    [payer, suite, known, denialWords],
  );

  useEffect(() => {
    void load();
  }, [load, refresh]);

  return (
    <Worklist
      id="review-queue"
      title="Claims to review"
      source={source}
      empty={rows.length === 0 && source.startsWith('From the indexer') ? 'Nothing to review.' : undefined}
    >
      {children}
      {rows.length > 0 && (
        <table data-testid="review-queue">
          <Head
            columns={['Claim', 'Status', 'Provider', 'Member', 'Services', 'Billed', 'Payer share', 'Member share', 'Since', 'Action']}
          />
          <tbody>
            {rows.map((r) => (
              <tr key={r.claim} data-testid="review-row">
                <td>
                  {r.claim}
                  {r.plan !== null && <span className="muted"> (plan {r.plan})</span>}
                </td>
                <ClaimCells row={r} provider />
                <td>
                  <button type="button" onClick={() => onReview(r.claim)} aria-label={`Review claim ${r.claim}`}>
                    Review
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button className="secondary" disabled={loading} onClick={() => void load(next)}>
          More claims to review
        </button>
      )}
    </Worklist>
  );
}
