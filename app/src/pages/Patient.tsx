// Patient (or a delegate acting for one): consents, care relationships, delegates,
// record anchors, the access log with break-glass entries; FHIR R4 downloads.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PageProps } from '../main';
import { useTx } from '../tx';
import { Action, Checkboxes, Field, ms, sha256, startOfToday, when, TextField, VariantSelect, Head } from '../ui';
import { accountOf, shortAddress } from '../accounts';
import { bitsOf, labelOf, membersOf, variantName, variantsOf } from '../words';
import { auditEventResource, bundle, consentResource, download, type AccessRow, type ConsentRow } from '../fhir';

const addr = (a: unknown) => (a && typeof a === 'object' && 'address' in a ? (a as { address: () => string }).address() : String(a));

export function PatientPage({ suite, account }: PageProps) {
  const { send, query } = useTx();
  const meta = suite.metadata.consent_registry;
  const purposes = variantsOf(meta, 'Purpose');
  const categories = variantsOf(meta, 'DataCategory');
  const relationships = variantsOf(meta, 'Relationship');
  const [patient, setPatient] = useState('');
  const subject = patient || account?.address || '';

  const [consents, setConsents] = useState<ConsentRow[]>([]);
  const [care, setCare] = useState<{ id: bigint; provider: string; from: bigint; until?: bigint }[]>([]);
  const [log, setLog] = useState<AccessRow[]>([]);
  const [grants, setGrants] = useState<Record<string, { acknowledged?: bigint; closed?: bigint; expires: bigint }>>({});
  const [refreshed, setRefreshed] = useState(0);
  const [delegates, setDelegates] = useState<{ account: string; relationship: string; expiresAt: bigint }[]>([]);
  const [records, setRecords] = useState<{ id: bigint; category: string; anchoredAt: bigint }[]>([]);

  // Only the newest refresh may show its results (an older one, for another account or
  // before a transaction, may answer later).
  const latest = useRef(0);
  const refresh = useCallback(async () => {
    if (!subject) return;
    const ticket = ++latest.current;
    type Row = Record<string, unknown>;
    // The newest page (at most 50, the contracts' page size) of a list kept oldest first.
    const newest = async (count: string, list: string) => {
      const n = await query<number>('consent_registry', count, [subject]);
      const offset = n.ok ? Math.max(0, Number(n.value) - 50) : 0;
      const page = await query<Row[]>('consent_registry', list, [subject, offset, 50]);
      return { offset, rows: page.ok ? page.value : [] };
    };
    const page = async (list: string) => {
      const o = await query<Row[]>('consent_registry', list, [subject, 0, 50]);
      return o.ok ? o.value : [];
    };
    const consentRows = (await newest('consent_count_of', 'consents_of')).rows;
    const delegateRows = await page('delegates_of');
    const recordRows = await page('records_of');
    const careRows = await page('care_of');
    const log = await newest('access_count_of', 'access_log');
    const logRows = log.rows.map((x, i) => ({
      index: log.offset + i,
      patient: subject,
      accessor: addr(x.accessor),
      at: x.at as bigint,
      purpose: purposes.find((p) => p.name === variantName(x.purpose)) ?? { index: -1, name: variantName(x.purpose), docs: '' },
      record: (x.record ?? undefined) as bigint | undefined,
      emergency: (x.emergency ?? undefined) as bigint | undefined,
    }));
    const states: typeof grants = {};
    for (const id of new Set(logRows.filter((x) => x.emergency !== undefined).map((x) => x.emergency as bigint))) {
      const g = await query<Row | undefined>('consent_registry', 'break_glass', [id]);
      if (g.ok && g.value)
        states[id.toString()] = {
          acknowledged: (g.value.acknowledgedAt ?? undefined) as bigint | undefined,
          closed: (g.value.closedAt ?? undefined) as bigint | undefined,
          expires: g.value.expiresAt as bigint,
        };
    }
    if (ticket !== latest.current) return;
    setConsents(
      consentRows.map((x) => ({
        id: x.id as bigint,
        patient: addr(x.patient),
        grantee: addr(x.grantee),
        kind: variantName(x.kind),
        purposes: membersOf(Number(x.purposes), purposes),
        categories: membersOf(Number(x.categories), categories),
        validFrom: x.validFrom as bigint,
        validUntil: (x.validUntil ?? undefined) as bigint | undefined,
        recordedAt: x.recordedAt as bigint,
        revokedAt: (x.revokedAt ?? undefined) as bigint | undefined,
      })),
    );
    setDelegates(
      delegateRows.map((x) => ({ account: addr(x.account), relationship: variantName(x.relationship), expiresAt: x.expiresAt as bigint })),
    );
    setRecords(recordRows.map((x) => ({ id: x.id as bigint, category: variantName(x.category), anchoredAt: x.anchoredAt as bigint })));
    setCare(
      careRows.map((x) => ({
        id: x.id as bigint,
        provider: addr(x.provider),
        from: x.from as bigint,
        until: (x.endedAt ?? undefined) as bigint | undefined,
      })),
    );
    setLog(logRows);
    setGrants(states);
    setRefreshed(Date.now());
  }, [subject, query]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // grant form
  const [grantee, setGrantee] = useState('');
  const [kind, setKind] = useState('Permit');
  const [chosenPurposes, setChosenPurposes] = useState<Set<string>>(new Set(['Treatment']));
  const [chosenCategories, setChosenCategories] = useState<Set<string>>(new Set());
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  // care, delegate, record
  const [provider, setProvider] = useState('');
  const [careFrom, setCareFrom] = useState('');
  const [delegate, setDelegate] = useState('');
  const [relationship, setRelationship] = useState(relationships[0]?.name ?? 'Guardian');
  const [delegateUntil, setDelegateUntil] = useState('');
  const [recordCategory, setRecordCategory] = useState(categories[0]?.name ?? 'Conditions');
  const [recordFile, setRecordFile] = useState<File>();
  const [locator, setLocator] = useState('');

  const after = async <T,>(p: Promise<T>) => {
    const o = await p;
    await refresh();
    return o;
  };
  const now = BigInt(Date.now());
  const address = async (text: string, what: string) => {
    return accountOf(text, what);
  };

  return (
    <>
      <Field label="Patient" hint="Empty: yourself. A delegate names the patient they act for.">
        <input
          name="patient"
          value={patient}
          onChange={(e) => setPatient(e.target.value)}
          placeholder={account?.address ?? 'choose an account'}
        />
      </Field>

      <Action
        title="Grant or deny consent"
        submit="Record consent"
        action={async () => {
          const request = {
            patient: subject,
            grantee: await address(grantee, 'Grantee'),
            kind,
            purposes: bitsOf(purposes.filter((p) => chosenPurposes.has(p.name))),
            categories: bitsOf(categories.filter((c) => chosenCategories.has(c.name))),
            validFrom: from ? ms(new Date(from)) : startOfToday(),
            validUntil: until ? ms(new Date(until)) : undefined,
          };
          return after(send(`${kind} consent for ${shortAddress(request.grantee)}`, 'consent_registry', 'grant', [request]));
        }}
      >
        <TextField label="Grantee (account)" name="grantee" value={grantee} set={setGrantee} />
        <fieldset className="checks">
          <legend>Permit or deny</legend>
          {['Permit', 'Deny'].map((k) => (
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
              download(
                `consents-${subject.slice(0, 8)}.json`,
                bundle(consents.map((c) => consentResource(c, suite.deployment.contracts.consent_registry.address, now))),
              )
            }
          >
            Download as FHIR R4 Consent bundle
          </button>
        </div>
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
                  <td>{shortAddress(c.grantee)}</td>
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

      <Action
        title="Care relationship"
        submit="Name care provider"
        action={async () => {
          const p = await address(provider, 'Provider');
          return after(
            send(`Name ${shortAddress(p)} as care provider`, 'consent_registry', 'add_care_provider', [
              subject,
              p,
              careFrom ? ms(new Date(careFrom)) : startOfToday(),
            ]),
          );
        }}
      >
        <TextField label="Provider (account)" name="provider" value={provider} set={setProvider} />
        <TextField
          label="First visit"
          hint="Empty: today 00:00. May lie in the past."
          name="care-from"
          type="datetime-local"
          value={careFrom}
          set={setCareFrom}
          optional
        />
        {care.length > 0 && (
          <ul>
            {care.map((c) => (
              <li key={c.id.toString()}>
                {shortAddress(c.provider)}: from {when(c.from)}
                {c.until !== undefined ? ` until ${when(c.until)}` : ' (open) '}
                {c.until === undefined && (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() =>
                      void after(send(`End care with ${shortAddress(c.provider)}`, 'consent_registry', 'end_care', [subject, c.provider]))
                    }
                  >
                    End
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Action>

      <Action
        title="Delegate"
        submit="Appoint delegate"
        action={async () => {
          const d = await address(delegate, 'Delegate');
          return after(
            send(`Appoint ${shortAddress(d)} as ${relationship}`, 'consent_registry', 'appoint_delegate', [
              d,
              relationship,
              ms(new Date(delegateUntil)),
            ]),
          );
        }}
      >
        <TextField label="Delegate (account)" name="delegate" value={delegate} set={setDelegate} />
        <VariantSelect label="Relationship" name="relationship" variants={relationships} value={relationship} set={setRelationship} />
        <TextField label="Until" name="delegate-until" type="datetime-local" value={delegateUntil} set={setDelegateUntil} />
        {delegates.length > 0 && (
          <ul>
            {delegates.map((d) => (
              <li key={d.account}>
                {shortAddress(d.account)}: {d.relationship} until {when(d.expiresAt)}{' '}
                <button
                  type="button"
                  className="secondary"
                  onClick={() =>
                    void after(send(`Remove delegate ${shortAddress(d.account)}`, 'consent_registry', 'remove_delegate', [d.account]))
                  }
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
      </Action>

      <Action
        title="Anchor a record"
        submit="Anchor"
        action={async () => {
          if (!recordFile) throw new Error('Choose the record file: only its hash goes on chain.');
          const content = await sha256(await recordFile.arrayBuffer());
          return after(
            send(`Anchor ${recordFile.name}`, 'consent_registry', 'anchor_record', [
              subject,
              recordCategory,
              content,
              await sha256(locator),
            ]),
          );
        }}
      >
        <Field label="Record file" hint="Hashed in this browser (SHA-256); the file never leaves it.">
          <input name="record-file" type="file" onChange={(e) => setRecordFile(e.target.files?.[0])} />
        </Field>
        <VariantSelect label="Category" name="record-category" variants={categories} value={recordCategory} set={setRecordCategory} />
        <TextField
          label="Where the encrypted record is kept"
          hint="Hashed too: a URL or storage key."
          name="locator"
          value={locator}
          set={setLocator}
        />
        {records.length > 0 && (
          <ul>
            {records.map((r) => (
              <li key={r.id.toString()}>
                Record #{r.id.toString()}:{' '}
                {labelOf(categories.find((c) => c.name === r.category) ?? { index: -1, name: r.category, docs: '' })}, anchored{' '}
                {when(r.anchoredAt)}{' '}
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void after(send(`Forget record ${r.id}`, 'consent_registry', 'remove_record', [r.id]))}
                >
                  Forget
                </button>
              </li>
            ))}
          </ul>
        )}
      </Action>

      <section aria-labelledby="log-title">
        <h3 id="log-title">Access log</h3>
        <div className="actions">
          <button
            className="secondary"
            disabled={!log.length}
            onClick={() =>
              download(
                `access-log-${subject.slice(0, 8)}.json`,
                bundle(log.map((a) => auditEventResource(a, suite.deployment.contracts.consent_registry.address))),
              )
            }
          >
            Download as FHIR R4 AuditEvent bundle
          </button>
        </div>
        {log.length === 0 ? (
          <p>Nobody has accessed these records.</p>
        ) : (
          <table>
            <Head columns={['When', 'Who', 'Purpose', 'Record', 'Break-glass']} />
            <tbody>
              {log.map((a) => {
                const g = a.emergency !== undefined ? grants[a.emergency.toString()] : undefined;
                return (
                  <tr key={a.index} className={a.emergency !== undefined ? 'emergency' : undefined}>
                    <td>{when(a.at)}</td>
                    <td>{shortAddress(a.accessor)}</td>
                    <td>{labelOf(a.purpose)}</td>
                    <td>{a.record === undefined ? 'grant opened' : `#${a.record}`}</td>
                    <td>
                      {a.emergency !== undefined && (
                        <>
                          grant #{a.emergency.toString()} {g?.acknowledged !== undefined ? '· acknowledged' : ''}{' '}
                          {g?.closed !== undefined ? '· closed' : g && g.expires > now ? '· live' : ''}
                          {a.record === undefined && g?.acknowledged === undefined && (
                            <button
                              className="secondary"
                              onClick={() =>
                                void after(
                                  send(`Acknowledge break-glass ${a.emergency}`, 'consent_registry', 'acknowledge_break_glass', [
                                    a.emergency,
                                  ]),
                                )
                              }
                            >
                              Acknowledge
                            </button>
                          )}
                          {a.record === undefined && g && g.closed === undefined && g.expires > now && (
                            <button
                              className="secondary"
                              onClick={() =>
                                void after(send(`Close break-glass ${a.emergency}`, 'consent_registry', 'close_break_glass', [a.emergency]))
                              }
                            >
                              Close now
                            </button>
                          )}
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
