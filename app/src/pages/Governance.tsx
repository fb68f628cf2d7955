// Governance: the consortium's governor (docs/governance.md). The council, the pending
// operations with their approvals and the time left, approve / execute / cancel, a few
// operations proposed from here (pause, lift a pause, appoint a regulator), and the
// governor's history from the events of recent blocks.
import { useCallback, useEffect, useState } from 'react';
import type { PageProps } from '../main';
import { useTx } from '../tx';
import type { CallLike } from '../types';
import type { GovernorModelCall } from '../contracts/governor/types';
import { Action, Field, Head, when, AccountField } from '../ui';
import { accountOf, shortAddress } from '../accounts';
import { show } from '../feed';
import { scanEvents, type PastEvent } from '../history';
import { CONTRACT_NAMES, chainNow, type ContractName, type TxName } from '../suite';

interface Council {
  members: string[];
  threshold: number;
  delay: bigint;
  guardian: string;
}

interface PendingRow {
  id: `0x${string}`;
  calls: string[];
  proposer: string;
  approvals: number;
  readyAt: bigint | undefined;
  expiresAt: bigint;
}

const GOVERNED = CONTRACT_NAMES.filter((n) => n !== 'governor');

/** When an operation may run, in words. */
export function readiness(
  row: { readyAt: bigint | undefined; expiresAt: bigint },
  approvals: number,
  threshold: number,
  now: bigint,
): string {
  if (now >= row.expiresAt) return 'expired: anyone may clear it';
  if (row.readyAt === undefined) return `waiting for approvals (${approvals} of ${threshold})`;
  if (approvals < threshold) return `approvals fell below the threshold (${approvals} of ${threshold})`;
  if (now >= row.readyAt) return 'ready: any member may execute it';
  return `ready in ${((row.readyAt - now + 999n) / 1000n).toString()} s`;
}

export function GovernancePage({ suite, account }: PageProps) {
  const { send, query } = useTx();
  const [council, setCouncil] = useState<Council>();
  const [pending, setPending] = useState<PendingRow[]>([]);
  const [now, setNow] = useState<bigint>(0n);
  const [history, setHistory] = useState<PastEvent[]>();
  const [message, setMessage] = useState('');
  const [target, setTarget] = useState<ContractName>('drug_provenance');
  const [regulator, setRegulator] = useState('');
  const [paused, setPaused] = useState<Partial<Record<ContractName, boolean>>>({});

  const nameOf = useCallback((address: string) => suite.nameOf(address) ?? shortAddress(address), [suite]);
  const describe = useCallback(
    (call: GovernorModelCall): string =>
      call.type === 'Apply' ? `${nameOf(call.value[0].address())}: ${show(call.value[1])}` : `governor: ${show(call.value)}`,
    [nameOf],
  );

  // Everything the page shows, in three rounds of parallel queries (the council, the
  // chain's time, the contracts' pause flags and the pending ids; then each pending
  // operation and its approvals).
  const refresh = useCallback(async () => {
    const [c, chainTime, flags, ids] = await Promise.all([
      query('governor', 'council', []),
      chainNow(suite),
      Promise.all(GOVERNED.map((name) => query(name, 'paused', []))),
      query('governor', 'pending', [0, 50]),
    ]);
    if (!c.ok) return setMessage(c.error);
    setCouncil({
      members: c.value.members.map((m) => m.account.address()),
      threshold: c.value.threshold,
      delay: c.value.delay,
      guardian: c.value.guardian.address(),
    });
    setNow(chainTime);
    const paused: Partial<Record<ContractName, boolean>> = {};
    GOVERNED.forEach((name, i) => {
      const p = flags[i];
      if (p.ok) paused[name] = p.value;
    });
    setPaused(paused);
    if (!ids.ok) return setMessage(ids.error);
    const operations = await Promise.all(
      ids.value.map((id) =>
        Promise.all([query('governor', 'operation', [id]), query('governor', 'approvals', [id]), query('governor', 'expiresAt', [id])]),
      ),
    );
    const rows: PendingRow[] = [];
    ids.value.forEach((id, i) => {
      const [op, approvals, expiry] = operations[i];
      if (!op.ok || !op.value || !approvals.ok || !expiry.ok || expiry.value === undefined) return;
      const readyAt = op.value.readyAt;
      rows.push({
        id,
        calls: op.value.calls.map(describe),
        proposer: op.value.proposer.address(),
        approvals: approvals.value,
        readyAt,
        // The governor's own answer (its approval window and grace period).
        expiresAt: expiry.value,
      });
    });
    setPending(rows);
  }, [query, suite, describe]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const act = async (label: string, message: TxName<'governor'>, id: `0x${string}`) => {
    setMessage('');
    const o = await send(label, 'governor', message, [id]);
    setMessage(o.ok ? `${label}: done.` : `${label}: refused: ${o.error}`);
    await refresh();
  };

  const propose = async (label: string, calls: CallLike[]) => {
    const salt: `0x${string}` = `0x${BigInt(Date.now()).toString(16).padStart(64, '0')}`;
    const o = await send(label, 'governor', 'propose', [calls, salt]);
    await refresh();
    return o.ok ? { ok: true as const, value: `operation ${String(o.value).slice(0, 12)}… proposed` } : o;
  };

  const me = account?.address;
  const isMember = !!me && !!council?.members.includes(me);
  const isGuardian = !!me && council?.guardian === me;
  const address = (name: ContractName) => suite.deployment.contracts[name].address;

  return (
    <>
      <section aria-labelledby="council-title">
        <h2 id="council-title">The consortium</h2>
        {council ? (
          <>
            <p>
              <strong>
                {council.threshold} of {council.members.length}
              </strong>{' '}
              members approve an operation; changes that widen a role, move money or change code wait{' '}
              <strong>{(council.delay / 1000n).toString()} s</strong> once approved (pausing, lifting a pause, removing or narrowing a role
              run as soon as they are approved). Guardian: <code>{shortAddress(council.guardian)}</code> (cancels operations, pauses a
              contract at once; never proposes, approves or executes).
            </p>
            <p className="muted">
              Members: {council.members.map((m) => shortAddress(m)).join(', ')}.{' '}
              {isMember ? 'You are a member.' : isGuardian ? 'You are the guardian.' : 'You are neither a member nor the guardian.'}
            </p>
            <table aria-label="Governed contracts">
              <Head columns={['Contract', 'State']} />
              <tbody>
                {GOVERNED.map((n) => (
                  <tr key={n} data-contract={n}>
                    <td>{n}</td>
                    <td>{paused[n] === undefined ? '?' : paused[n] ? 'paused' : 'running'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p role="status">Loading the council…</p>
        )}
      </section>
      <section aria-labelledby="pending-title">
        <h2 id="pending-title">Pending operations</h2>
        <button className="secondary" onClick={() => void refresh()}>
          Refresh
        </button>
        {pending.length === 0 ? (
          <p>No pending operation.</p>
        ) : (
          <table>
            <Head columns={['Operation', 'Calls', 'Proposed by', 'Approvals', 'When', '']} />
            <tbody>
              {pending.map((row) => (
                <tr key={row.id} data-operation={row.id}>
                  <td>
                    <code>{row.id.slice(0, 12)}…</code>
                  </td>
                  <td>{row.calls.join('; ')}</td>
                  <td>{shortAddress(row.proposer)}</td>
                  <td>
                    {row.approvals} of {council?.threshold ?? '?'}
                  </td>
                  <td>{readiness(row, row.approvals, council?.threshold ?? 0, now)}</td>
                  <td>
                    <button className="secondary" onClick={() => void act('Approve', 'approve', row.id)}>
                      Approve
                    </button>{' '}
                    <button className="secondary" onClick={() => void act('Execute', 'execute', row.id)}>
                      Execute
                    </button>{' '}
                    <button className="secondary" onClick={() => void act('Cancel', 'cancel', row.id)}>
                      Cancel
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {message && (
          <p role="status" data-testid="governance-message">
            {message}
          </p>
        )}
      </section>
      <Action
        title="Propose: pause or lift the pause of a contract"
        submit="Propose pausing it"
        action={() => propose(`Propose pausing ${target}`, [{ type: 'Apply', value: [address(target), { type: 'Pause' }] }])}
      >
        <Field
          label="Contract"
          hint="A pause stops new business; exits and safety actions keep working. The guardian pauses at once with the governor's pause."
        >
          <select name="governed-contract" value={target} onChange={(e) => setTarget(e.target.value as ContractName)}>
            {GOVERNED.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </Field>
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            const o = await propose(`Propose lifting the pause of ${target}`, [
              { type: 'Apply', value: [address(target), { type: 'Unpause' }] },
            ]);
            setMessage(o.ok ? o.value : `Refused: ${o.error}`);
          }}
        >
          Propose lifting its pause
        </button>
      </Action>
      <Action
        title="Propose: appoint a regulator"
        submit="Propose the appointment"
        action={async () =>
          propose('Propose a regulator', [
            { type: 'Apply', value: [address('drug_provenance'), { type: 'Regulator', value: await accountOf(regulator) }] },
          ])
        }
      >
        <AccountField
          label="Regulator (account)"
          name="governance-regulator"
          value={regulator}
          set={setRegulator}
          hint="Of drug_provenance; it waits the delay once approved."
        />
      </Action>
      <Action
        title="History"
        submit="Show the governor's events"
        action={async () => {
          const found = await scanEvents(
            suite,
            'governor',
            () => true,
            () => false,
            500,
          );
          setHistory(found.reverse());
          return undefined;
        }}
      >
        <p className="muted">The governor's events of the last 500 blocks, newest first.</p>
      </Action>
      {history && (
        <table aria-label="Governor history">
          <Head columns={['Block', 'Event', 'Details']} />
          <tbody>
            {history.map((e, i) => (
              <tr key={`${e.block}-${i}`}>
                <td>{e.block}</td>
                <td>{e.name}</td>
                <td>
                  {Object.entries(e.data)
                    .map(([k, v]) => `${k}: ${typeof v === 'bigint' && /At$/.test(k) ? when(v) : show(v)}`)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
