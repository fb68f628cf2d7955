// The patient's consents: granting or denying one, the list with revocation, the FHIR R4
// Consent bundle.
import { useState } from 'react';
import { useTx } from '../../tx';
import type { ConsentKind } from '../../types';
import { Action, Checkboxes, Head, TextField, ms, startOfToday, when, AccountField, useAccountName } from '../../ui';
import { accountOf, shortAddress } from '../../accounts';
import { bitsOf } from '../../words';
import { consentResource, usePatientDownload } from '../../fhir';
import type { PatientSectionProps } from './section';

export function ConsentsSection({ suite, subject, data, after }: PatientSectionProps) {
  const { send } = useTx();
  const { consents, refreshed, refresh, purposes, categories } = data;
  const nameOf = useAccountName();
  const now = BigInt(Date.now());
  const [grantee, setGrantee] = useState('');
  const [kind, setKind] = useState<ConsentKind>('Permit');
  const [chosenPurposes, setChosenPurposes] = useState<Set<string>>(new Set(['Treatment']));
  const [chosenCategories, setChosenCategories] = useState<Set<string>>(new Set());
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const exported = usePatientDownload(suite, 'Consent', subject);
  return (
    <>
      <Action
        title="Grant or deny consent"
        submit="Record consent"
        action={async () => {
          const request = {
            patient: subject,
            grantee: await accountOf(grantee, 'Grantee'),
            kind,
            purposes: bitsOf(purposes.filter((p) => chosenPurposes.has(p.name))),
            categories: bitsOf(categories.filter((c) => chosenCategories.has(c.name))),
            validFrom: from ? ms(new Date(from)) : startOfToday(),
            validUntil: until ? ms(new Date(until)) : undefined,
          };
          return after(send(`${kind} consent for ${shortAddress(request.grantee)}`, 'consent_registry', 'grant', [request]));
        }}
      >
        <AccountField label="Grantee (account)" name="grantee" value={grantee} set={setGrantee} />
        <fieldset className="checks">
          <legend>Permit or deny</legend>
          {(['Permit', 'Deny'] as const).map((k) => (
            <label key={k}>
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {k}
            </label>
          ))}
        </fieldset>
        <Checkboxes legend="Purposes of use" variants={purposes} chosen={chosenPurposes} set={setChosenPurposes} />
        <Checkboxes legend="Data categories" variants={categories} chosen={chosenCategories} set={setChosenCategories} />
        <TextField
          label="From"
          hint="Empty: today 00:00, so that it covers today's visit."
          name="from"
          type="datetime-local"
          value={from}
          set={setFrom}
          optional
        />
        <TextField label="Until" hint="Empty: until revoked." name="until" type="datetime-local" value={until} set={setUntil} optional />
      </Action>

      <section aria-labelledby="consents-title">
        <h3 id="consents-title">Consents</h3>
        <div className="actions">
          <button className="secondary" onClick={() => void refresh()}>
            Refresh
          </button>
          <button
            className="secondary"
            disabled={!consents.length}
            onClick={() =>
              void exported.start(() => consents.map((c) => consentResource(c, suite.deployment.contracts.consent_registry.address, now)))
            }
          >
            Download as FHIR R4 Consent bundle
          </button>
        </div>
        {exported.said && <p role="status">{exported.said}.</p>}
        {consents.length === 0 ? (
          <p>No consents recorded{refreshed ? '' : ' (loading)'}.</p>
        ) : (
          <table>
            <Head columns={['#', 'Kind', 'Grantee', 'Purposes', 'Categories', 'Period', 'Action']} />
            <tbody>
              {consents.map((c) => (
                <tr key={c.id.toString()}>
                  <td>{c.id.toString()}</td>
                  <td>{c.kind}</td>
                  <td>{nameOf(c.grantee)}</td>
                  <td>{c.purposes.map((p) => p.name).join(', ')}</td>
                  <td>{c.categories.map((p) => p.name).join(', ')}</td>
                  <td>
                    {when(c.validFrom)} –{' '}
                    {c.revokedAt !== undefined ? `revoked ${when(c.revokedAt)}` : c.validUntil !== undefined ? when(c.validUntil) : 'open'}
                  </td>
                  <td>
                    {c.revokedAt === undefined && (
                      <button
                        className="secondary"
                        onClick={() => void after(send(`Revoke consent ${c.id}`, 'consent_registry', 'revoke', [c.id]))}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
