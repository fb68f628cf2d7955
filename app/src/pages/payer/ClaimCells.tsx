// The cells a claim list shows of each claim (the payer's review queue, the provider's
// open claims): its status (with the denial an appeal contests), the provider when the
// reader is not the provider, the member, services, amounts and since when.
import { useMoney } from '../../money';
import { when } from '../../ui';
import type { QueueRow } from './queue';

export function ClaimCells({ row: r, provider = false }: { row: QueueRow; provider?: boolean }) {
  const money = useMoney();
  return (
    <>
      <td>
        {r.status}
        {r.denial && <div className="muted">denied: {r.denial}</div>}
      </td>
      {provider && <td>{r.provider}</td>}
      <td>{r.member}</td>
      <td>{r.services}</td>
      <td>{money.price(r.billed)}</td>
      <td>{money.price(r.payerShare)}</td>
      <td>{money.price(r.memberShare)}</td>
      <td>{when(r.since)}</td>
    </>
  );
}
