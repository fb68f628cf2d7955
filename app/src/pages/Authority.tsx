// Licensing authority and regulator: the credentials it issued that expire soon (renewed
// from the list); issue, renew, suspend, revoke credentials; assign GS1
// company prefixes; recall a batch; declare it illegitimate or clear a suspicion; refund a
// held seller's payment.
import { useState } from 'react';
import { useLinkedItem } from '../route';
import type { PageProps } from '../main';
import type { StaffCredentialsModelCredential } from '../contracts/staff_credentials/types';
import { useTx } from '../tx';
import type { CredentialKind } from '../types';
import {
  Action,
  Field,
  bytes,
  sha256,
  startOfDay,
  startOfToday,
  when,
  TextField,
  VariantSelect,
  CodeSelect,
  Head,
  AccountField,
} from '../ui';
import { accountOf, shortAddress } from '../accounts';
import { OpenInvestigations } from './authority/Investigations';
import { ExpiringCredentials } from './authority/Expiring';
import { parseScan } from '../gs1';
import { HeldPayments } from './pharmacy/HeldPayments';
import { variantName, variantsOf } from '../words';
import { chainNow } from '../suite';

const YEAR = 365 * 86_400_000;

type Credential = StaffCredentialsModelCredential;

/** Suspension and revocation reason codes (u16 on chain; the suite's own list). */
export const CREDENTIAL_REASONS: [number, string][] = [
  [1, 'Disciplinary action'],
  [2, 'Licence lapsed or surrendered'],
  [3, 'Fraud or misrepresentation'],
  [4, 'Under investigation'],
];

/** Recall reasons (u16 on chain): FDA recall classes. */
export const RECALL_REASONS: [number, string][] = [
  [1, 'Class I: reasonable probability of serious harm or death'],
  [2, 'Class II: temporary or reversible harm'],
  [3, 'Class III: unlikely to cause harm'],
];

export function AuthorityPage({ suite, account }: PageProps) {
  const { send, query } = useTx();
  const kinds = variantsOf<CredentialKind>(suite.metadata.staff_credentials, 'CredentialKind');
  const [subject, setSubject] = useState('');
  const [kind, setKind] = useState<CredentialKind>(kinds[0]?.name ?? 'MedicalLicence');
  const [jurisdiction, setJurisdiction] = useState('CA');
  const [identifier, setIdentifier] = useState('');
  const [evidence, setEvidence] = useState('');
  const [heldShipment, setHeldShipment] = useState('');
  const [validFrom, setValidFrom] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const [renewId, setRenewId] = useState('');
  const [renewUntil, setRenewUntil] = useState('');
  const [renewEvidence, setRenewEvidence] = useState('');
  const [credentialsChanged, setCredentialsChanged] = useState(0);
  const [heldChanged, setHeldChanged] = useState(0);
  const [credentials, setCredentials] = useState<Credential[]>();
  const [reason, setReason] = useState(1);
  const [prefix, setPrefix] = useState('0001234');
  const [prefixOwner, setPrefixOwner] = useState('');
  const [batch, setBatch] = useState('');
  const [recallReason, setRecallReason] = useState(1);
  const [findings, setFindings] = useState('');
  const [pack, setPack] = useState('');
  const [packFound, setPackFound] = useState('');
  const [investigationsChanged, setInvestigationsChanged] = useState(0);

  const who = async (text: string) => {
    return accountOf(text);
  };
  const list = async () => {
    const o = await query('staff_credentials', 'credentialsOf', [await who(subject), 0, 50]);
    if (o.ok) setCredentials(o.value);
    return o.ok ? undefined : o;
  };

  // A link to a credential holder (the activity feed's) puts it in the forms.
  useLinkedItem('holder', setSubject);

  const renew = (id: bigint) => {
    setRenewId(String(id));
    document.getElementById('renew-a-credential')?.scrollIntoView({ block: 'start' });
  };

  return (
    <>
      <ExpiringCredentials suite={suite} account={account?.address} refresh={credentialsChanged} onRenew={(c) => renew(c.id)} />
      <Action
        title="Issue a credential"
        submit="Issue"
        action={async () => {
          const now = Date.now();
          const o = await send(`Issue ${kind}`, 'staff_credentials', 'issue', [
            {
              subject: await who(subject),
              kind,
              jurisdiction: bytes(jurisdiction.toUpperCase()),
              specialty: undefined,
              identifier: bytes(identifier),
              validFrom: validFrom ? startOfDay(validFrom) : startOfToday(),
              validUntil: validUntil ? startOfDay(validUntil) : BigInt(now + 2 * YEAR),
              evidenceHash: await sha256(evidence || identifier),
              verifiedAt: await chainNow(suite),
            },
          ]);
          setCredentialsChanged((n) => n + 1);
          await list();
          return o;
        }}
      >
        <AccountField label="Holder (account)" name="subject" value={subject} set={setSubject} />
        <VariantSelect label="Kind" name="kind" variants={kinds} value={kind} set={setKind} />
        <Field label="Jurisdiction" hint="Two-letter state or country code.">
          <input
            name="jurisdiction"
            value={jurisdiction}
            maxLength={2}
            minLength={2}
            onChange={(e) => setJurisdiction(e.target.value)}
            required
          />
        </Field>
        <TextField label="Licence or registration number" name="identifier" value={identifier} set={setIdentifier} />
        <TextField
          label="Valid from"
          hint="Empty: today 00:00."
          name="valid-from"
          type="date"
          value={validFrom}
          set={setValidFrom}
          optional
        />
        <TextField
          label="Valid until"
          hint="The start of that day. Empty: two years from now."
          name="valid-until"
          type="date"
          value={validUntil}
          set={setValidUntil}
          optional
        />
        <TextField
          label="Primary-source evidence"
          hint="Its SHA-256 goes on chain, not the text."
          name="evidence"
          value={evidence}
          set={setEvidence}
          optional
        />
      </Action>

      <Action title="Credentials of an account" submit="Show credentials" action={list}>
        <p className="muted">For the holder above.</p>
        {credentials && (
          <table>
            <Head columns={['#', 'Kind', 'Valid', 'Status', 'Action']} />
            <tbody>
              {credentials.map((c) => (
                <tr key={String(c.id)}>
                  <td>{String(c.id)}</td>
                  <td>{variantName(c.kind)}</td>
                  <td>
                    {when(c.validFrom)} – {when(c.validUntil)}
                  </td>
                  <td>{variantName(c.history.at(-1)?.status ?? 'Active')}</td>
                  <td>
                    {variantName(c.history.at(-1)?.status ?? 'Active') !== 'Revoked' && (
                      <button type="button" className="secondary" onClick={() => renew(c.id)} aria-label={`Renew credential ${c.id}`}>
                        Renew
                      </button>
                    )}
                    <button
                      type="button"
                      className="secondary"
                      onClick={async () => {
                        await send(`Suspend credential ${c.id}`, 'staff_credentials', 'suspend', [c.id, reason]);
                        setCredentialsChanged((n) => n + 1);
                        await list();
                      }}
                    >
                      Suspend
                    </button>
                    {variantName(c.history.at(-1)?.status ?? 'Active') === 'Suspended' && (
                      <button
                        type="button"
                        className="secondary"
                        onClick={async () => {
                          await send(`Reinstate credential ${c.id}`, 'staff_credentials', 'reinstate', [c.id]);
                          setCredentialsChanged((n) => n + 1);
                          await list();
                        }}
                      >
                        Reinstate
                      </button>
                    )}
                    <button
                      type="button"
                      className="secondary"
                      onClick={async () => {
                        await send(`Revoke credential ${c.id}`, 'staff_credentials', 'revoke', [c.id, reason]);
                        setCredentialsChanged((n) => n + 1);
                        await list();
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <CodeSelect
          label="Reason for a suspension or revocation"
          name="credential-reason"
          codes={CREDENTIAL_REASONS}
          value={reason}
          set={setReason}
        />
      </Action>

      <Action
        title="Renew a credential"
        submit="Renew"
        action={async () => {
          if (!renewUntil) throw new Error('Choose the date the renewed credential is valid until.');
          const o = await send(`Renew credential ${renewId}`, 'staff_credentials', 'renew', [
            BigInt(renewId),
            startOfDay(renewUntil),
            await sha256(renewEvidence),
            await chainNow(suite),
          ]);
          setCredentialsChanged((n) => n + 1);
          if (credentials) await list();
          return o;
        }}
      >
        <p className="muted">
          Only the credential&apos;s issuer renews it, while it is live (not expired, not revoked), after a new primary-source verification.
        </p>
        <TextField label="Credential id" name="renew-credential" value={renewId} set={setRenewId} numeric />
        <TextField
          label="Valid until"
          hint="The start of that day; later than its current end."
          name="renew-until"
          type="date"
          value={renewUntil}
          set={setRenewUntil}
        />
        <TextField
          label="Primary-source evidence"
          hint="Of the new verification; its SHA-256 goes on chain, not the text."
          name="renew-evidence"
          value={renewEvidence}
          set={setRenewEvidence}
        />
      </Action>

      <Action
        title="GS1 company prefix"
        submit="Assign prefix"
        action={async () =>
          send(`Assign prefix ${prefix} to ${shortAddress(await who(prefixOwner))}`, 'drug_provenance', 'assignPrefix', [
            bytes(prefix),
            await who(prefixOwner),
          ])
        }
      >
        <Field label="Company prefix" hint="6 to 12 digits.">
          <input
            name="prefix"
            inputMode="numeric"
            pattern="[0-9]{6,12}"
            value={prefix}
            onChange={(e) => setPrefix(e.target.value)}
            required
          />
        </Field>
        <AccountField label="Owner (manufacturer account)" name="prefix-owner" value={prefixOwner} set={setPrefixOwner} />
      </Action>

      <OpenInvestigations
        suite={suite}
        refresh={investigationsChanged}
        onTakeUp={(b) => {
          setBatch(String(b));
          document.getElementById('declare-a-batch-illegitimate')?.scrollIntoView({ block: 'start' });
        }}
      />

      <Action
        title="Recall a batch"
        submit="Recall"
        action={() => send(`Recall batch ${batch}`, 'drug_provenance', 'recall', [BigInt(batch), recallReason])}
      >
        <TextField label="Batch id" name="recall-batch" value={batch} set={setBatch} numeric />
        <Field label="Or the pack" hint="Its GS1 element string, (01)GTIN…(10)LOT, as scanned or printed: finds the batch.">
          <input name="recall-pack" value={pack} onChange={(e) => setPack(e.target.value)} autoComplete="off" spellCheck={false} />
        </Field>
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            try {
              const s = parseScan(pack);
              const o = await query('drug_provenance', 'verify', [bytes(s.gtin), bytes(s.lot)]);
              if (!o.ok) return setPackFound(o.error);
              if (o.value.batch === undefined) return setPackFound(`No batch is registered for GTIN ${s.gtin} lot ${s.lot}.`);
              setBatch(String(o.value.batch));
              setPackFound(`GTIN ${s.gtin} lot ${s.lot} is batch ${o.value.batch}.`);
            } catch (err) {
              setPackFound(err instanceof Error ? err.message : String(err));
            }
          }}
        >
          Find batch
        </button>
        {packFound && <p role="status">{packFound}</p>}
        <CodeSelect label="Class" name="recall-reason" codes={RECALL_REASONS} value={recallReason} set={setRecallReason} />
      </Action>

      <Action
        title="Declare a batch illegitimate"
        submit="Declare illegitimate"
        action={async () => {
          const o = await send(`Declare batch ${batch} illegitimate`, 'drug_provenance', 'declareIllegitimate', [
            BigInt(batch),
            await sha256(findings),
          ]);
          setInvestigationsChanged((n) => n + 1);
          return o;
        }}
      >
        <Field label="Findings" hint="For the batch above; its SHA-256 goes on chain.">
          <textarea name="findings" rows={2} value={findings} onChange={(e) => setFindings(e.target.value)} required />
        </Field>
      </Action>
      <Action
        title="Clear a suspicion"
        submit="Clear suspicion"
        action={async () => {
          if (!findings.trim()) throw new Error('Write the findings above first: their hash is the evidence.');
          const o = await send(`Clear the suspicion on batch ${batch}`, 'drug_provenance', 'clearSuspicion', [
            BigInt(batch),
            await sha256(findings),
          ]);
          setInvestigationsChanged((n) => n + 1);
          return o;
        }}
      >
        <p className="muted">
          For the batch above, with the findings above (their SHA-256 goes on chain): the suspect units, wherever they were surrendered, are
          sellable again.
        </p>
      </Action>

      <HeldPayments
        suite={suite}
        account={account?.address}
        view="regulator"
        refresh={heldChanged}
        onRefund={(s) => {
          setHeldShipment(String(s));
          document.getElementById('refund-a-held-payment')?.scrollIntoView({ block: 'start' });
        }}
      />
      <Action
        title="Refund a held payment"
        submit="Refund to the buyer"
        action={async () => {
          if (!findings.trim()) throw new Error('Write the findings above first: their hash is the evidence.');
          const o = await send(`Refund the held payment of shipment ${heldShipment}`, 'drug_provenance', 'refundHeldPayment', [
            BigInt(heldShipment),
            await sha256(findings),
          ]);
          setHeldChanged((n) => n + 1);
          return o;
        }}
      >
        <p className="muted">
          A seller&apos;s payment held because its licence had lapsed at receipt goes back to the buyer, citing the findings above.
        </p>
        <TextField label="Shipment id" name="held-refund-shipment" value={heldShipment} set={setHeldShipment} numeric />
      </Action>
      <p className="muted">Manufacturers register batches and ship them on the pharmacy &amp; distributor page.</p>
    </>
  );
}
