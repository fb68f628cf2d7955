// Payer: its review queue (claims pending review or under appeal, from the indexer), plans,
// fee schedule, members, escrow (funded, owed, reserved, free), the review and appeal
// decisions.
import { useCallback, useMemo, useState } from 'react';
import { useLinkedItem } from '../route';
import type { PageProps } from '../main';
import { useTx } from '../tx';
import type { Carc, Group } from '../types';
import type { ClaimsAdjudicationModelClaim, ClaimsAdjudicationModelPlan } from '../contracts/claims_adjudication/types';
import { Action, Field, bytes, ms, TextField, AccountField } from '../ui';
import { accountOf } from '../accounts';
import { codeOf, meaningOf, variantName, variantsOf } from '../words';
import { carcWords, Remittance } from './Provider';
import { ReviewQueue } from './payer/ReviewQueue';
import { useMoney } from '../money';
import { usePlans } from '../plans';

const DAY = 86_400_000n;

type Plan = ClaimsAdjudicationModelPlan;

export function PayerPage({ suite, account }: PageProps) {
  const { send, query } = useTx();
  const money = useMoney();
  const carcs = useMemo(() => variantsOf<Carc>(suite.metadata.claims_adjudication, 'Carc'), [suite]);
  const denialWords = useCallback((carc: string) => carcWords(carcs, carc), [carcs]);
  // Whose claims the queue lists: the signer's (a payer), or the payer an adjuster
  // works for.
  const [queuePayer, setQueuePayer] = useState('');
  const [refresh, setRefresh] = useState(0);
  const groups = variantsOf<Group>(suite.metadata.claims_adjudication, 'Group');
  const [terms, setTerms] = useState({
    deductible: '500',
    copay: '20',
    coinsuranceBps: '2000',
    oopMax: '3000',
    timelyFilingDays: '90',
    reviewThreshold: '10000',
    maxUnits: '100',
  });
  const [planId, setPlanId] = useState('0');
  // The payer's own plans, offered in the plan field (read again after a plan is created).
  const [plansCreated, setPlansCreated] = useState(0);
  const plans = usePlans(suite, account?.address, 'payer', plansCreated);
  const [plan, setPlan] = useState<Plan>();
  const [fees, setFees] = useState('99213 120\n99214 180');
  const [member, setMember] = useState('');
  const [adjuster, setAdjuster] = useState('');
  const [coverageStart, setCoverageStart] = useState('');
  const [amount, setAmount] = useState('10000');
  const [claimId, setClaimId] = useState('');
  const [claim, setClaim] = useState<ClaimsAdjudicationModelClaim>();
  const [reason, setReason] = useState<Carc>('NotMedicallyNecessary');

  const loadPlan = async (id = planId) => {
    const o = await query('claims_adjudication', 'plan', [Number(id)]);
    setPlan(o.ok ? o.value : undefined);
    return o.ok ? undefined : o;
  };
  const loadClaim = async (id = claimId) => {
    const o = await query('claims_adjudication', 'claim', [BigInt(id)]);
    setClaim(o.ok ? o.value : undefined);
    return o.ok ? undefined : o;
  };
  // A link to a claim (the activity feed's) opens it in "Review and appeals".
  useLinkedItem('claim', (id) => {
    if (!/^\d+$/.test(id)) return;
    setClaimId(id);
    void loadClaim(id).then(() => document.getElementById('review-and-appeals')?.scrollIntoView({ block: 'start' }));
  });
  // Appoints (or removes) the adjuster in the field for the plan in the field.
  const adjusters = async (appoint: boolean) => {
    const a = await accountOf(adjuster, 'Adjuster');
    return appoint
      ? send(`Appoint an adjuster of plan ${planId}`, 'claims_adjudication', 'addAdjuster', [Number(planId), a])
      : send(`Remove an adjuster of plan ${planId}`, 'claims_adjudication', 'removeAdjuster', [Number(planId), a]);
  };
  // After a decision: the claim, its plan's escrow (reserved → paid or freed) and the queue.
  const decided = async () => {
    await loadClaim();
    if (claim) {
      setPlanId(String(claim.plan));
      await loadPlan(String(claim.plan));
    }
    setRefresh((n) => n + 1);
  };
  const free = plan ? BigInt(plan.escrow) - BigInt(plan.owed) - BigInt(plan.reserved) : 0n;

  return (
    <>
      <ReviewQueue
        suite={suite}
        payer={queuePayer || account?.address}
        refresh={refresh}
        denialWords={denialWords}
        onReview={(id) => {
          setClaimId(String(id));
          void loadClaim(String(id)).then(() => document.getElementById('review-and-appeals')?.scrollIntoView({ block: 'start' }));
        }}
      >
        <AccountField
          label="Claims of payer"
          name="queue-payer"
          value={queuePayer}
          set={setQueuePayer}
          optional
          hint="Empty: the signer. An adjuster picks the payer it reviews for."
        />
      </ReviewQueue>

      <Action
        title="Create a plan"
        submit="Create plan"
        action={async () => {
          const o = await send('Create plan', 'claims_adjudication', 'createPlan', [
            {
              deductible: money.parse(terms.deductible),
              copay: money.parse(terms.copay),
              coinsuranceBps: Number(terms.coinsuranceBps),
              oopMax: money.parse(terms.oopMax),
              timelyFiling: BigInt(terms.timelyFilingDays) * DAY,
              reviewThreshold: money.parse(terms.reviewThreshold),
              yearStart: BigInt(Date.now()) - DAY,
              maxUnits: Number(terms.maxUnits),
            },
          ]);
          if (o.ok) {
            setPlanId(String(o.value));
            setPlansCreated((n) => n + 1);
            await loadPlan(String(o.value));
          }
          return o;
        }}
      >
        <p className="muted">Needs a valid payer licence. Plan years start yesterday and last 365 days.</p>
        {(
          [
            ['deductible', `Annual deductible (${money.currency.code})`, true],
            ['copay', `Copay per line (${money.currency.code})`, true],
            ['coinsuranceBps', 'Member coinsurance (basis points)', false],
            ['oopMax', `Annual out-of-pocket maximum (${money.currency.code})`, true],
            ['timelyFilingDays', 'Timely filing (days)', false],
            ['reviewThreshold', `Manual review above this payer share (${money.currency.code})`, true],
            ['maxUnits', 'Most units per line (medically unlikely edit)', false],
          ] as const
        ).map(([k, label, isMoney]) => (
          <Field key={k} label={label}>
            <input
              name={k}
              inputMode={isMoney ? 'decimal' : 'numeric'}
              pattern={isMoney ? '[0-9$, ]+(\\.[0-9]{1,2})?' : '[0-9]+'}
              value={terms[k]}
              onChange={(e) => setTerms({ ...terms, [k]: e.target.value })}
              required
            />
          </Field>
        ))}
      </Action>

      <Action title="Plan and escrow" submit="Show plan" action={() => loadPlan()}>
        <TextField
          label="Plan id"
          name="plan-id"
          value={planId}
          set={setPlanId}
          numeric
          options={plans}
          hint="Your plans are offered; the sections below act on this plan."
        />
        {plan && (
          <dl className="escrow" data-testid="escrow">
            <dt>Funded</dt>
            <dd>{money.price(plan.funded)}</dd>
            <dt>Escrow</dt>
            <dd data-testid="escrow-total">{money.price(plan.escrow)}</dd>
            <dt>Owed</dt>
            <dd>{money.price(plan.owed)}</dd>
            <dt>Reserved</dt>
            <dd data-testid="escrow-reserved">{money.price(plan.reserved)}</dd>
            <dt>Free</dt>
            <dd>{money.price(free)}</dd>
            <dt>Paid to providers</dt>
            <dd data-testid="escrow-paid">{money.price(plan.paid)}</dd>
          </dl>
        )}
      </Action>

      <Action
        title="Fund or withdraw"
        submit="Fund"
        action={async () => {
          const value = money.parse(amount);
          const o = await send(`Fund plan ${planId} with ${money.price(value)}`, 'claims_adjudication', 'fund', [Number(planId)], value);
          await loadPlan();
          return o;
        }}
      >
        <TextField
          label={`Amount (${money.currency.code})`}
          name="fund-amount"
          value={amount}
          set={setAmount}
          hint={(() => {
            try {
              return `Sends ${money.token(money.parse(amount))} from your account (${money.currency.code} 1.00 is ${money.token(money.parse('1'))}).`;
            } catch {
              return 'Dollars and cents, for example 10000 or 2500.50.';
            }
          })()}
        />
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            const value = money.parse(amount);
            await send(`Withdraw ${money.price(value)} from plan ${planId}`, 'claims_adjudication', 'withdraw', [Number(planId), value]);
            await loadPlan();
          }}
        >
          Withdraw instead
        </button>
      </Action>

      <Action
        title="Fee schedule"
        submit="Set fees"
        action={() => {
          const entries = fees
            .split('\n')
            .map((l) => l.trim().split(/\s+/))
            .filter((p) => p[0])
            .map(([code, fee]): [`0x${string}`, bigint | undefined] => [
              bytes(code.toUpperCase()),
              fee === undefined || fee === '-' ? undefined : money.parse(fee),
            ]);
          return send(`Set ${entries.length} fees of plan ${planId}`, 'claims_adjudication', 'setFees', [Number(planId), entries]);
        }}
      >
        <Field label={`One line per procedure: code and allowed amount per unit in ${money.currency.code} (- removes it)`}>
          <textarea name="fees" rows={4} value={fees} onChange={(e) => setFees(e.target.value)} />
        </Field>
      </Action>

      <Action
        title="Enrol a member"
        submit="Enrol"
        action={async () => {
          const m = await accountOf(member);
          return send('Enrol member', 'claims_adjudication', 'enroll', [
            Number(planId),
            m,
            { start: coverageStart ? ms(new Date(coverageStart)) : BigInt(Date.now()) - DAY, end: undefined },
          ]);
        }}
      >
        <AccountField label="Member (account)" name="enroll-member" value={member} set={setMember} />
        <TextField
          label="Coverage from"
          hint="Empty: since yesterday."
          name="coverage-start"
          type="datetime-local"
          value={coverageStart}
          set={setCoverageStart}
          optional
        />
      </Action>

      <Action title="Adjusters" submit="Appoint" action={() => adjusters(true)}>
        <p className="muted">
          Adjusters review the plan's claims above its review threshold and decide appeals; they work from the queue above, choosing this
          payer.
        </p>
        <AccountField label="Adjuster (account)" name="adjuster" value={adjuster} set={setAdjuster} />
        <button type="button" className="secondary" onClick={() => void adjusters(false)}>
          Remove instead
        </button>
      </Action>

      <Action title="Review and appeals" submit="Show claim" action={() => loadClaim()}>
        <TextField
          label="Claim id"
          hint="Picked by Review in the queue above; typing one stays possible."
          name="review-claim"
          value={claimId}
          set={setClaimId}
          numeric
        />
        {claim && <Remittance claim={claim} carcs={carcs} groups={groups} />}
        {claim && variantName(claim.status) === 'PendingReview' && (
          <div className="actions">
            <button
              type="button"
              onClick={async () => {
                await send(`Approve claim ${claimId}`, 'claims_adjudication', 'reviewClaim', [BigInt(claimId), true, reason]);
                await decided();
              }}
            >
              Approve
            </button>
            <label>
              Denial reason{' '}
              <select value={reason} onChange={(e) => setReason(e.target.value as Carc)}>
                {carcs.map((c) => (
                  <option key={c.name} value={c.name}>
                    {codeOf(c)}: {meaningOf(c)}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="secondary"
              onClick={async () => {
                await send(`Deny claim ${claimId}`, 'claims_adjudication', 'reviewClaim', [BigInt(claimId), false, reason]);
                await decided();
              }}
            >
              Deny
            </button>
          </div>
        )}
        {claim && variantName(claim.status) === 'UnderAppeal' && (
          <div className="actions">
            <button
              type="button"
              onClick={async () => {
                await send(`Overturn denial of claim ${claimId}`, 'claims_adjudication', 'decideAppeal', [BigInt(claimId), true]);
                await decided();
              }}
            >
              Overturn
            </button>
            <button
              type="button"
              className="secondary"
              onClick={async () => {
                await send(`Uphold denial of claim ${claimId}`, 'claims_adjudication', 'decideAppeal', [BigInt(claimId), false]);
                await decided();
              }}
            >
              Uphold
            </button>
          </div>
        )}
      </Action>
    </>
  );
}
