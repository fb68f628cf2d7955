// Provider: submit a claim (no diagnosis in clear: a salted commitment), see each line's
// remittance with its CARC codes in words and the money split, appeal a denial, void a
// claim pending review or denied.
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { Bar } from 'react-chartjs-2';
import { BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { blake2AsHex } from '@polkadot/util-crypto';
import type { PageProps } from '../main';
import type { ClaimsAdjudicationModelClaim } from '../contracts/claims_adjudication/types';
import { useTx } from '../tx';
import { Action, Field, bytes, ms, sha256, text, when, TextField, Head, AccountField } from '../ui';
import { accountOf, shortAddress } from '../accounts';
import { codeOf, meaningOf, variantName, variantsOf, type Variant } from '../words';
import { chainNow } from '../suite';
import { caughtUp, claimsOfProvider, indexerUrl } from '../indexer';
import { useMoney } from '../money';
import { usePlans } from '../plans';
import { OpenClaims } from './provider/OpenClaims';

Chart.register(BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/** The contract's diagnosis commitment (claims_adjudication::diagnosis_commitment):
 * BLAKE2-256 of a 32-byte salt followed by the ICD-10-CM codes, upper-case, dots
 * removed, joined by commas. The salt stays with the provider's claim file. */
export function diagnosisCommitment(salt: Uint8Array, codes: string[]): `0x${string}` {
  const joined = codes.map((c) => c.trim().replace(/\./g, '').toUpperCase()).join(',');
  const body = new TextEncoder().encode(joined);
  const input = new Uint8Array(salt.length + body.length);
  input.set(salt);
  input.set(body, salt.length);
  return blake2AsHex(input, 256) as `0x${string}`;
}

type Claim = ClaimsAdjudicationModelClaim;
/** Claims shown at a time. */
const PAGE = 20;

export function carcWords(carcs: Variant[], value: unknown): string {
  const v = carcs.find((c) => c.name === variantName(value));
  return v ? `CARC ${codeOf(v)}: ${meaningOf(v)}` : variantName(value);
}

export function Remittance({
  claim,
  carcs,
  groups,
  actions,
}: {
  claim: Claim;
  carcs: Variant[];
  groups: Variant[];
  /** What its reader can do with the claim (the provider's appeal and void). */
  actions?: ReactNode;
}) {
  const group = (value: unknown) => {
    const v = groups.find((g) => g.name === variantName(value));
    return (v && codeOf(v)) ?? variantName(value);
  };
  const money = useMoney();
  const lines = claim.lines;
  const status = variantName(claim.status);
  // The chart's amounts in whole currency units (a chart needs numbers; the table above
  // it is exact).
  const units = (planck: bigint) => Number(planck / money.currency.perCent) / 100;
  return (
    <article className="remittance" aria-label={`Claim ${claim.id}`}>
      <h4>
        Claim #{String(claim.id)} · <span data-testid="claim-status">{status}</span>
      </h4>
      <p>
        Plan {String(claim.plan)} · member {shortAddress(claim.member.address())} · service {when(claim.serviceDate)} · billed{' '}
        {money.price(claim.billed)}, allowed {money.price(claim.allowed)}, payer {money.price(claim.payerAmount)}, member{' '}
        {money.price(claim.memberAmount)}
        {claim.denial && ` · denied: ${carcWords(carcs, claim.denial)}`}
      </p>
      <table>
        <Head columns={['Line', 'Procedure', 'Billed', 'Allowed', 'Payer', 'Member', 'Adjustments']} />
        <tbody>
          {lines.map((l, i) => (
            <tr key={i}>
              <td>{i + 1}</td>
              <td>{text(l.line.procedure)}</td>
              <td>{money.price(l.line.billed)}</td>
              <td>{money.price(l.allowed)}</td>
              <td>{money.price(l.payerAmount)}</td>
              <td>{money.price(l.memberAmount)}</td>
              <td>
                <ul className="plain">
                  {l.adjustments.map((a, j) => (
                    <li key={j}>
                      {group(a.group)} {money.price(a.amount)} — {carcWords(carcs, a.reason)}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="chart">
        <Bar
          aria-label={`Money split per line of claim ${claim.id}: payer and member shares and adjustments`}
          data={{
            labels: lines.map((l, i) => `${i + 1}: ${text(l.line.procedure)}`),
            datasets: [
              { label: 'Payer', data: lines.map((l) => units(l.payerAmount)), backgroundColor: '#1b6e3a' },
              { label: 'Member', data: lines.map((l) => units(l.memberAmount)), backgroundColor: '#b35c00' },
              {
                label: 'Written off (CO)',
                data: lines.map((l) => units(l.line.billed - l.payerAmount - l.memberAmount)),
                backgroundColor: '#777',
              },
            ],
          }}
          options={{ indexAxis: 'y', responsive: true, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true } } }}
        />
      </div>
      {actions && <div className="actions">{actions}</div>}
    </article>
  );
}

export function ProviderPage({ suite, account }: PageProps) {
  const { send, query } = useTx();
  const money = useMoney();
  const carcs = useMemo(() => variantsOf(suite.metadata.claims_adjudication, 'Carc'), [suite]);
  const groups = useMemo(() => variantsOf(suite.metadata.claims_adjudication, 'Group'), [suite]);
  const denialWords = useCallback((carc: string) => carcWords(carcs, carc), [carcs]);
  // Read again with the remittances, after each submission, appeal or void.
  const [openChanged, setOpenChanged] = useState(0);
  const [plan, setPlan] = useState('0');
  const [member, setMember] = useState('');
  const memberPlans = usePlans(suite, member.trim() || undefined, 'member');
  const [serviceDate, setServiceDate] = useState('');
  const [emergency, setEmergency] = useState(false);
  const [lines, setLines] = useState([{ procedure: '99213', diagnoses: 'E11.9', billed: '150', units: '1' }]);
  const [claims, setClaims] = useState<Claim[]>([]);
  const [appealId, setAppealId] = useState('');
  const [evidence, setEvidence] = useState<File>();
  const [voidId, setVoidId] = useState('');
  const [corrector, setCorrector] = useState('');

  // The provider's claims, newest first: their ids from the indexer when the deployment
  // names one (a page at a time, `more` the next page's cursor), each claim's detail from
  // the contract; without an indexer, the contract's pages read to the newest.
  const [more, setMore] = useState<string | null>(null);
  const [source, setSource] = useState('');
  // The newest load wins: an older one answering late changes nothing.
  const latest = useRef(0);
  const [loading, setLoading] = useState(false);
  const load = async (after?: string) => {
    if (!account) return;
    if (after === undefined) setOpenChanged((n) => n + 1);
    const ticket = ++latest.current;
    setLoading(true);
    try {
      await loadPage(ticket, account.address, after);
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  };
  const loadPage = async (ticket: number, provider: string, after?: string) => {
    if (indexerUrl(suite)) {
      // A later page is read from the same indexer state as the first: no new wait.
      const current = after !== undefined || (await caughtUp(suite));
      const page = await claimsOfProvider(suite, provider, PAGE, after);
      if (page) {
        const found = await Promise.all(page.items.map((c) => query('claims_adjudication', 'claim', [BigInt(c.claim)])));
        const rows = found.flatMap((o) => (o.ok && o.value ? [o.value] : []));
        if (ticket !== latest.current) return;
        setClaims((shown) => (after ? [...shown, ...rows] : rows));
        setMore(page.next);
        setSource(
          `From the indexer, complete through block #${page.complete_through_block ?? '?'}` +
            (current ? '' : ' (it has not yet stored the newest block)'),
        );
        return;
      }
    }
    const all: Claim[] = [];
    for (let offset = 0; ; offset += 50) {
      const o = await query('claims_adjudication', 'claimsOfProvider', [provider, offset, 50]);
      if (!o.ok) break;
      all.push(...o.value);
      if (o.value.length < 50) break;
    }
    if (ticket !== latest.current) return;
    setClaims(all.reverse().slice(0, PAGE));
    setMore(null);
    setSource(all.length > PAGE ? `The newest ${PAGE} of ${all.length}, from the contract` : 'From the contract');
  };

  return (
    <>
      <Action
        title="Submit a claim"
        submit="Submit claim"
        action={async () => {
          if (!account) throw new Error('Choose the provider account first.');
          const m = await accountOf(member, 'Member');
          const salt = crypto.getRandomValues(new Uint8Array(32));
          const request = {
            plan: Number(plan),
            member: m,
            provider: account.address,
            serviceDate: serviceDate ? ms(new Date(serviceDate)) : await chainNow(suite),
            emergency,
            lines: lines.map((l) => ({
              procedure: bytes(l.procedure.trim().toUpperCase()),
              diagnosisCommitment: diagnosisCommitment(salt, l.diagnoses.split(/[ ,]+/).filter(Boolean)),
              billed: money.parse(l.billed),
              units: Number(l.units),
            })),
          };
          const o = await send('Submit claim', 'claims_adjudication', 'submitClaim', [request]);
          await load();
          return o;
        }}
      >
        <AccountField label="Member (account)" name="member" value={member} set={setMember} />
        <TextField
          label="Plan id"
          name="plan"
          value={plan}
          set={setPlan}
          numeric
          options={memberPlans}
          hint="The member's plans are offered once the member is chosen."
        />

        <TextField
          label="Date of service"
          hint="Empty: now, by the chain's clock."
          name="service-date"
          type="datetime-local"
          value={serviceDate}
          set={setServiceDate}
          optional
        />
        <label className="inline">
          <input type="checkbox" name="emergency" checked={emergency} onChange={(e) => setEmergency(e.target.checked)} /> Emergency visit
          (place of service 23)
        </label>
        <fieldset>
          <legend>Service lines</legend>
          {lines.map((l, i) => (
            <div className="line" key={i}>
              {(['procedure', 'diagnoses', 'billed', 'units'] as const).map((k) => (
                <Field
                  key={k}
                  label={
                    {
                      procedure: 'CPT/HCPCS',
                      diagnoses: 'ICD-10-CM codes (hashed, never sent)',
                      billed: `Billed (${money.currency.code})`,
                      units: 'Units',
                    }[k]
                  }
                >
                  <input
                    name={`line-${i}-${k}`}
                    value={l[k]}
                    required
                    onChange={(e) => setLines(lines.map((x, j) => (j === i ? { ...x, [k]: e.target.value } : x)))}
                  />
                </Field>
              ))}
            </div>
          ))}
          <button
            type="button"
            className="secondary"
            onClick={() => setLines([...lines, { procedure: '', diagnoses: '', billed: '', units: '1' }])}
          >
            Add a line
          </button>
        </fieldset>
      </Action>

      <OpenClaims suite={suite} account={account?.address} refresh={openChanged} denialWords={denialWords} />

      <section aria-labelledby="remittances-title">
        <h3 id="remittances-title">Remittances</h3>
        <button className="secondary" disabled={loading} onClick={() => void load()}>
          Show my claims
        </button>
        {source && <p className="hint">{source}</p>}
        {claims.map((c) => (
          <Remittance
            key={String(c.id)}
            claim={c}
            carcs={carcs}
            groups={groups}
            actions={(() => {
              const status = variantName(c.status);
              const pick = (set: (id: string) => void, section: string) => () => {
                set(String(c.id));
                document.getElementById(section)?.scrollIntoView({ block: 'start' });
              };
              const buttons: ReactNode[] = [];
              if (status === 'Denied')
                buttons.push(
                  <button key="appeal" type="button" className="secondary" onClick={pick(setAppealId, 'appeal-a-denial')}>
                    Appeal claim {String(c.id)}
                  </button>,
                );
              if (status === 'Denied' || status === 'PendingReview')
                buttons.push(
                  <button key="void" type="button" className="secondary" onClick={pick(setVoidId, 'void-a-claim')}>
                    Void claim {String(c.id)}
                  </button>,
                );
              return buttons.length ? buttons : undefined;
            })()}
          />
        ))}
        {more && (
          <button className="secondary" disabled={loading} onClick={() => void load(more)}>
            Older claims
          </button>
        )}
      </section>

      <Action
        title="Appeal a denial"
        submit="Appeal"
        action={async () => {
          if (!evidence) throw new Error('Choose the evidence file: only its hash goes on chain.');
          const o = await send(`Appeal claim ${appealId}`, 'claims_adjudication', 'appeal', [
            BigInt(appealId),
            await sha256(await evidence.arrayBuffer()),
          ]);
          await load();
          return o;
        }}
      >
        <TextField label="Claim id" name="appeal-claim" value={appealId} set={setAppealId} numeric />
        <Field label="Evidence file" hint="Hashed in this browser; the file stays with you.">
          <input name="appeal-evidence" type="file" onChange={(e) => setEvidence(e.target.files?.[0])} />
        </Field>
      </Action>

      <Action
        title="Void a claim"
        submit="Void"
        action={async () => {
          const o = await send(`Void claim ${voidId}`, 'claims_adjudication', 'voidClaim', [BigInt(voidId)]);
          await load();
          return o;
        }}
      >
        <TextField
          label="Claim id"
          name="void-claim"
          value={voidId}
          set={setVoidId}
          numeric
          hint="Only a claim pending review or denied: it then pays nothing and cannot be appealed."
        />
      </Action>

      <Action
        title="Let your payer relay and correct your claims"
        submit="Allow"
        action={async () =>
          send(
            `Let ${corrector} submit claims in your name and void or replace those it submitted`,
            'claims_adjudication',
            'setCorrector',
            [corrector, true],
          )
        }
      >
        <AccountField
          label="Payer or clearinghouse account"
          name="corrector"
          value={corrector}
          set={setCorrector}
          hint="It may then submit claims in your name (the 837s it relays) and void or replace those it submitted (frequency 7 and 8), never yours; no one else files claims in your name. Withdraw it with the same account and Withdraw."
        />
      </Action>
      <Action
        title="Withdraw a relay"
        submit="Withdraw"
        action={async () =>
          send(`Stop ${corrector} from submitting, voiding or replacing your claims`, 'claims_adjudication', 'setCorrector', [
            corrector,
            false,
          ])
        }
      >
        <AccountField label="Payer or clearinghouse account" name="corrector-off" value={corrector} set={setCorrector} />
      </Action>
    </>
  );
}
