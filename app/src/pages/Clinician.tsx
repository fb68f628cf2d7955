// Clinician: its patients (care relationships, care teams, alerts; picked, not typed), a
// patient's record anchors, access under a declared purpose (logged in the patient's
// access log), break-glass with a reason.
import { useState } from 'react';
import type { PageProps } from '../main';
import { useTx } from '../tx';
import type { Purpose } from '../types';
import { Action, Field, when, CodeSelect, Head, AccountField } from '../ui';
import { accountOf, shortAddress } from '../accounts';
import { labelOf, variantName, variantsOf } from '../words';
import { Patients } from './clinician/Patients';

interface RecordRow {
  id: bigint;
  category: string;
  contentHash: string;
  anchoredBy: string;
  anchoredAt: bigint;
}

/** Break-glass reason codes the clinician picks from (u16 on chain). */
export const BREAK_GLASS_REASONS: [number, string][] = [
  [1, 'Patient unconscious or unable to consent'],
  [2, 'Life-threatening emergency'],
  [3, 'Urgent treatment, delegate unreachable'],
];

export function ClinicianPage({ suite, account }: PageProps) {
  const { send, query } = useTx();
  const meta = suite.metadata.consent_registry;
  const purposes = variantsOf<Purpose>(meta, 'Purpose');
  const categories = variantsOf(meta, 'DataCategory');
  const [patient, setPatient] = useState('');
  const [records, setRecords] = useState<RecordRow[]>();
  const [purpose, setPurpose] = useState<Purpose>('Treatment');
  const [reason, setReason] = useState(1);
  const [message, setMessage] = useState('');

  const resolve = async () => {
    return accountOf(patient);
  };

  return (
    <>
      <Patients
        suite={suite}
        account={account?.address}
        onOpen={(p) => {
          setPatient(p);
          setRecords(undefined);
          document.getElementById('a-patient-s-records')?.scrollIntoView({ block: 'start' });
        }}
      />
      <Action
        title="A patient's records"
        submit="Show records"
        action={async () => {
          const p = await resolve();
          const r = await query('consent_registry', 'recordsOf', [p, 0, 50]);
          if (!r.ok) return r;
          setRecords(
            r.value.map((x) => ({
              id: x.id,
              category: variantName(x.category),
              contentHash: x.contentHash,
              anchoredBy: x.anchoredBy.address(),
              anchoredAt: x.anchoredAt,
            })),
          );
          return undefined;
        }}
      >
        <AccountField label="Patient (account)" name="clinician-patient" value={patient} set={setPatient} />
        <Field label="Purpose of use" hint="Declared with every access and written to the patient's access log.">
          <select name="purpose" value={purpose} onChange={(e) => setPurpose(e.target.value as Purpose)}>
            {purposes.map((p) => (
              <option key={p.name} value={p.name}>
                {labelOf(p)}
              </option>
            ))}
          </select>
        </Field>
      </Action>
      {records && (
        <section aria-labelledby="records-title">
          <h3 id="records-title">Records</h3>
          {records.length === 0 ? (
            <p>No record anchors.</p>
          ) : (
            <table>
              <Head columns={['#', 'Category', 'Content hash', 'Anchored', 'Access']} />
              <tbody>
                {records.map((r) => (
                  <tr key={r.id.toString()}>
                    <td>{r.id.toString()}</td>
                    <td>{labelOf(categories.find((c) => c.name === r.category) ?? { index: -1, name: r.category, docs: '' })}</td>
                    <td>
                      <code>{r.contentHash.slice(0, 18)}…</code>
                    </td>
                    <td>
                      {when(r.anchoredAt)} by {shortAddress(r.anchoredBy)}
                    </td>
                    <td>
                      <button
                        className="secondary"
                        onClick={async () => {
                          const o = await send(`Access record ${r.id} for ${purpose}`, 'consent_registry', 'accessRecord', [
                            await resolve(),
                            r.id,
                            purpose,
                          ]);
                          setMessage(
                            o.ok
                              ? `Access to record ${r.id} granted and logged (entry ${String(o.value)}). Fetch it from where it is kept and check its hash: ${r.contentHash}`
                              : `Refused: ${o.error}`,
                          );
                        }}
                      >
                        Access
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {message && <p role="status">{message}</p>}
        </section>
      )}
      <Action
        title="Break-glass emergency access"
        submit="Open break-glass access"
        action={async () =>
          send(`Break-glass for ${shortAddress(await resolve())}`, 'consent_registry', 'openBreakGlass', [await resolve(), reason])
        }
      >
        <p className="muted">
          Needs a valid medical or nursing licence now. Opens emergency access to the patient above for the configured window, written to
          their access log for them to acknowledge; rate-limited.
        </p>
        <CodeSelect label="Reason" name="reason" codes={BREAK_GLASS_REASONS} value={reason} set={setReason} />
      </Action>
    </>
  );
}
