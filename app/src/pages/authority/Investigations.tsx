// The regulator's worklist: the open suspect-product investigations (the contract's own
// paged list, read 50 at a time), the ones read sorted oldest first, each with its product, who flagged it and when, and the
// manufacturer's answer or whether it is overdue (24 hours). *Take up* puts its batch in
// the regulator's forms below (declare illegitimate, clear the suspicion): no batch id to
// type.
import { useCallback, useEffect, useState } from 'react';
import type { Suite } from '../../suite';
import { useTx } from '../../tx';
import { Head, useAccountName, when, Worklist } from '../../ui';
import { productOf } from '../pharmacy/shipments';

const PAGE = 20;
/** The most the contract's `open_investigations` answers at once. */
const CONTRACT_PAGE = 50;

interface Row {
  id: bigint;
  batch: bigint;
  product: string;
  openedBy: string;
  openedAt: bigint;
  respondBy: bigint;
  answer: string;
  overdue: boolean;
}

/** The manufacturer's answer to an investigation in words. */
export function answerWords(authentic: boolean | undefined, overdue: boolean): string {
  if (authentic === true) return 'the manufacturer says authentic';
  if (authentic === false) return 'the manufacturer says not its product';
  return overdue ? 'no answer: overdue' : 'awaiting the manufacturer';
}

export function OpenInvestigations({ suite, refresh, onTakeUp }: { suite: Suite; refresh: number; onTakeUp: (batch: bigint) => void }) {
  const { query } = useTx();
  const named = useAccountName();
  const [rows, setRows] = useState<Row[]>([]);
  const [total, setTotal] = useState<number>();
  const [shown, setShown] = useState(PAGE);

  const load = useCallback(async () => {
    const count = await query('drug_provenance', 'openInvestigationCount', []);
    if (!count.ok) return;
    setTotal(count.value);
    // The contract pages by at most 50: read pages until `shown` are read or none is left.
    const open: Awaited<ReturnType<typeof readPage>> = [];
    async function readPage(offset: number) {
      const page = await query('drug_provenance', 'openInvestigations', [offset, CONTRACT_PAGE]);
      return page.ok ? page.value : [];
    }
    for (let offset = 0; offset < Math.min(shown, count.value); offset += CONTRACT_PAGE) {
      const page = await readPage(offset);
      open.push(...page);
      if (page.length < CONTRACT_PAGE) break;
    }
    const found = await Promise.all(
      open.slice(0, shown).map(async ([inv, overdue]): Promise<Row> => {
        return {
          id: inv.id,
          batch: inv.batch,
          product: await productOf(query, inv.batch),
          openedBy: inv.openedBy.address(),
          openedAt: inv.openedAt,
          respondBy: inv.respondBy,
          answer: answerWords(inv.authentic, overdue),
          overdue,
        };
      }),
    );
    // The contract keeps no order (closing one moves the last into its place): oldest
    // opened first.
    setRows(found.sort((a, b) => (a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : 0)));
  }, [query, shown]);

  useEffect(() => {
    void load();
  }, [load, refresh, suite]);

  return (
    <Worklist
      id="investigations"
      title="Open suspect-product investigations"
      source=""
      empty={total === 0 ? 'No open investigation.' : undefined}
    >
      {rows.length > 0 && (
        <table data-testid="investigations">
          <Head columns={['#', 'Product', 'Flagged by', 'Since', 'Manufacturer', 'Action']} />
          <tbody>
            {rows.map((r) => (
              <tr key={String(r.id)} data-testid="investigation-row" className={r.overdue ? 'overdue' : undefined}>
                <td>{String(r.id)}</td>
                <td>
                  {r.product} <span className="muted">(batch {String(r.batch)})</span>
                </td>
                <td>{named(r.openedBy)}</td>
                <td>{when(r.openedAt)}</td>
                <td>
                  {r.answer}
                  {!r.overdue && r.answer === 'awaiting the manufacturer' && <div className="muted">due {when(r.respondBy)}</div>}
                </td>
                <td>
                  <button type="button" onClick={() => onTakeUp(r.batch)} aria-label={`Take up investigation ${r.id}`}>
                    Take up
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total !== undefined && total > rows.length && (
        <button className="secondary" onClick={() => setShown((n) => n + PAGE)}>
          More investigations ({total - rows.length} not shown)
        </button>
      )}
    </Worklist>
  );
}
