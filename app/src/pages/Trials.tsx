// Clinical trials: a trial's registration, protocol versions, enrolment, adverse events with
// their regulator-report clocks (21 CFR 312.32) and results (late, outcome switched), for
// everyone to see; the sponsor registers, amends, reports SUSARs and posts results; the
// IRB approves protocol versions; investigators enrol and report adverse events;
// participants (or delegates) consent to the current protocol version and withdraw.
// Documents never leave the browser: only their SHA-256 hashes go on chain.
import { useCallback, useEffect, useState } from 'react';
import type { PageProps } from '../main';
import { useTx } from '../tx';
import { Action, Checkboxes, DocumentField, Field, Head, TextField, VariantSelect, ms, when } from '../ui';
import { accountOf, shortAddress } from '../accounts';
import { bitsOf, labelOf, membersOf, spaced, variantName, variantsOf } from '../words';

const DAY = 86_400_000n;
const short = (hash: string) => `${hash.slice(0, 10)}…`;
const addr = (a: unknown) => (a as { address: () => string }).address();

interface TrialView {
  id: number;
  sponsor: string;
  irb: string;
  registeredAt: bigint;
  primaryCompletion: bigint;
  categories: number;
  target: number;
  enrolled: number;
  currentVersion: number;
  latestVersion: number;
  suspended: boolean;
  openSusars: number;
  lateSusars: number;
  results?: { postedAt: bigint; late: boolean; outcomeSwitched: boolean };
  versions: { version: number; protocolHash: string; outcomeChanged: boolean; target: number; proposedAt: bigint; approvedAt?: bigint }[];
  events: {
    id: bigint;
    participant: number;
    seriousness: string;
    suspected: boolean;
    expected: boolean;
    onset: bigint;
    due?: bigint;
    reported?: bigint;
    status: string;
  }[];
  mine: { consented?: number; number?: number };
}

/** Report statuses that need someone's attention, in words. */
const STATUS_WORDS: Record<string, string> = {
  NotDue: 'no expedited report due',
  Pending: 'report due',
  Overdue: 'OVERDUE',
  OnTime: 'reported on time',
  Late: 'reported LATE',
};

export function TrialsPage({ suite, account }: PageProps) {
  const { send, query } = useTx();
  const meta = suite.metadata.clinical_trials;
  // DataCategories is a bit set in this contract's metadata: the variants come from
  // consent_registry's (the same enum, the suite's ABI).
  const categories = variantsOf(suite.metadata.consent_registry, 'DataCategory');
  const seriousnesses = variantsOf(meta, 'Seriousness');
  const [trialId, setTrialId] = useState('');
  const [view, setView] = useState<TrialView>();
  const [missing, setMissing] = useState('');
  // Registration.
  const [protocol, setProtocol] = useState('');
  const [registration, setRegistration] = useState('');
  const [outcome, setOutcome] = useState('');
  const [target, setTarget] = useState('');
  const [completion, setCompletion] = useState('');
  const [irb, setIrb] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set(['VitalSigns']));
  const [signalThreshold, setSignalThreshold] = useState('3');
  const [signalDays, setSignalDays] = useState('30');
  // Amendment, approval, oversight.
  const [amendedProtocol, setAmendedProtocol] = useState('');
  const [reason, setReason] = useState('');
  const [newOutcome, setNewOutcome] = useState('');
  const [newTarget, setNewTarget] = useState('');
  const [version, setVersion] = useState('');
  const [suspension, setSuspension] = useState('');
  // People.
  const [investigator, setInvestigator] = useState('');
  const [participant, setParticipant] = useState('');
  const [consentForm, setConsentForm] = useState('');
  // Safety and results.
  const [eventParticipant, setEventParticipant] = useState('');
  const [seriousness, setSeriousness] = useState(seriousnesses[0]?.name ?? 'NonSerious');
  const [expected, setExpected] = useState(false);
  const [suspected, setSuspected] = useState(true);
  const [onset, setOnset] = useState('');
  const [eventReport, setEventReport] = useState('');
  const [susarEvent, setSusarEvent] = useState('');
  const [susarReport, setSusarReport] = useState('');
  const [results, setResults] = useState('');
  const [reportedOutcome, setReportedOutcome] = useState('');

  const refresh = useCallback(async () => {
    let id = Number(trialId);
    if (!trialId) {
      const count = await query<number>('clinical_trials', 'trial_count', []);
      if (!count.ok) return count;
      id = count.value;
    }
    if (!id) {
      setView(undefined);
      setMissing('No trial is registered yet.');
      return undefined;
    }
    const t = await query<Record<string, unknown> | undefined>('clinical_trials', 'trial', [id]);
    if (!t.ok) return t;
    if (!t.value) {
      setView(undefined);
      setMissing(`No trial ${id}.`);
      return undefined;
    }
    const trial = t.value;
    const me = account?.address;
    const [versions, events, consent, number] = await Promise.all([
      query<Record<string, unknown>[]>('clinical_trials', 'protocol_versions', [id, 0, 20]),
      query<[Record<string, unknown>, unknown][]>('clinical_trials', 'adverse_events_of', [id, 0, 50]),
      me ? query<Record<string, unknown> | undefined>('clinical_trials', 'version_consent', [id, me]) : undefined,
      me ? query<number | undefined>('clinical_trials', 'participant_number', [id, me]) : undefined,
    ]);
    const posted = trial.results as Record<string, unknown> | undefined;
    setMissing('');
    setView({
      id,
      sponsor: addr(trial.sponsor),
      irb: addr(trial.irb),
      registeredAt: trial.registeredAt as bigint,
      primaryCompletion: trial.primaryCompletion as bigint,
      categories: trial.categories as number,
      target: trial.targetEnrolment as number,
      enrolled: trial.enrolled as number,
      currentVersion: trial.currentVersion as number,
      latestVersion: trial.latestVersion as number,
      suspended: trial.suspended as boolean,
      openSusars: trial.openSusars as number,
      lateSusars: trial.lateSusars as number,
      results: posted && {
        postedAt: posted.postedAt as bigint,
        late: posted.late as boolean,
        outcomeSwitched: posted.outcomeSwitched as boolean,
      },
      versions: versions.ok
        ? versions.value.map((v) => ({
            version: v.version as number,
            protocolHash: String(v.protocolHash),
            outcomeChanged: v.outcomeChanged as boolean,
            target: v.targetEnrolment as number,
            proposedAt: v.proposedAt as bigint,
            approvedAt: v.approvedAt as bigint | undefined,
          }))
        : [],
      events: events.ok
        ? events.value.map(([e, status]) => ({
            id: e.id as bigint,
            participant: e.participant as number,
            seriousness: variantName(e.seriousness),
            suspected: e.suspected as boolean,
            expected: e.expected as boolean,
            onset: e.onset as bigint,
            due: e.due as bigint | undefined,
            reported: (e.regulatorReport as [bigint, string] | undefined)?.[0],
            status: variantName(status),
          }))
        : [],
      mine: {
        consented: consent?.ok ? (consent.value?.version as number | undefined) : undefined,
        number: number?.ok ? number.value : undefined,
      },
    });
    return undefined;
  }, [trialId, query, account]);

  useEffect(() => {
    refresh().catch(() => setView(undefined));
  }, [refresh]);

  const after = async <T,>(p: Promise<T>) => {
    const o = await p;
    await refresh().catch(() => undefined);
    return o;
  };
  const current = () => {
    if (!view) throw new Error('Choose a trial first (none is shown).');
    return view.id;
  };
  const need = (hash: string, what: string) => {
    if (!hash) throw new Error(`Choose the ${what} file.`);
    return hash;
  };
  // The participant named, else the account acting.
  const self = async (text: string) => accountOf(text || account?.address || '', 'Participant');

  return (
    <>
      <Action title="Which trial" submit="Show" action={refresh}>
        <TextField label="Trial (id)" name="trial" hint="Empty: the latest registered." value={trialId} set={setTrialId} numeric optional />
      </Action>
      {missing && <p>{missing}</p>}

      {view && (
        <section aria-labelledby="trial-title">
          <h3 id="trial-title">Trial {view.id}</h3>
          <dl className="facts">
            <dt>Sponsor</dt>
            <dd>{shortAddress(view.sponsor)}</dd>
            <dt>IRB of record</dt>
            <dd>{shortAddress(view.irb)}</dd>
            <dt>Registered</dt>
            <dd>{when(view.registeredAt)}</dd>
            <dt>Primary completion</dt>
            <dd>{when(view.primaryCompletion)}</dd>
            <dt>Data collected</dt>
            <dd>{membersOf(view.categories, categories).map(labelOf).join(', ')}</dd>
            <dt>Enrolment</dt>
            <dd data-testid="enrolment">
              {view.enrolled} of {view.target}
              {view.suspended ? ' (suspended)' : ''}
            </dd>
            <dt>Protocol in force</dt>
            <dd>{view.currentVersion ? `version ${view.currentVersion}` : 'none approved yet: nobody can be enrolled'}</dd>
            <dt>Serious unexpected reactions (SUSARs)</dt>
            <dd>
              {view.openSusars} not yet reported to the regulators, {view.lateSusars} reported late
            </dd>
            <dt>Results</dt>
            <dd data-testid="results">
              {view.results
                ? `posted ${when(view.results.postedAt)}${view.results.late ? ', LATE (over 12 months after primary completion)' : ', on time'}${
                    view.results.outcomeSwitched
                      ? ', OUTCOME SWITCHED: the reported primary outcome is not a registered one'
                      : ', primary outcome as registered'
                  }`
                : 'not posted'}
            </dd>
            {account && (
              <>
                <dt>You</dt>
                <dd data-testid="you">
                  {view.mine.consented ? `consented to version ${view.mine.consented}` : 'no consent to this trial'}
                  {view.mine.number !== undefined ? `; enrolled as participant ${view.mine.number}` : ''}
                </dd>
              </>
            )}
          </dl>

          <h4>Protocol versions</h4>
          <table>
            <Head columns={['Version', 'Protocol hash', 'Target', 'Proposed', 'Approved by the IRB']} />
            <tbody>
              {view.versions.map((v) => (
                <tr key={v.version}>
                  <td>
                    {v.version}
                    {v.outcomeChanged ? ' (primary outcome changed)' : ''}
                  </td>
                  <td>
                    <code title={v.protocolHash}>{short(v.protocolHash)}</code>
                  </td>
                  <td>{v.target}</td>
                  <td>{when(v.proposedAt)}</td>
                  <td>{v.approvedAt === undefined ? 'awaiting approval' : when(v.approvedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>

          <h4>Adverse events</h4>
          {view.events.length === 0 ? (
            <p>None reported.</p>
          ) : (
            <table>
              <Head columns={['#', 'Participant', 'Seriousness', 'Onset', 'Regulator report due', 'Status']} />
              <tbody>
                {view.events.map((e) => (
                  <tr key={e.id.toString()}>
                    <td>{e.id.toString()}</td>
                    <td>{e.participant}</td>
                    <td>
                      {spaced(e.seriousness)}
                      {e.suspected ? ', suspected' : ''}
                      {e.expected ? ', expected' : ', unexpected'}
                    </td>
                    <td>{when(e.onset)}</td>
                    <td>{when(e.due)}</td>
                    <td className={e.status === 'Overdue' || e.status === 'Late' ? 'refused' : undefined}>
                      {STATUS_WORDS[e.status] ?? e.status}
                      {e.reported !== undefined ? ` (${when(e.reported)})` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}

      <h3>Participant</h3>
      <Action
        title="Consent to the protocol in force"
        submit="Consent"
        action={async () => {
          const id = current();
          const who = await self(participant);
          return after(
            send(`Consent to trial ${id} version ${view?.currentVersion}`, 'clinical_trials', 'consent_to_version', [
              id,
              who,
              view?.currentVersion ?? 0,
              need(consentForm, 'signed consent form'),
            ]),
          );
        }}
      >
        <p className="muted">
          Consent to the trial&apos;s current protocol version (again after each approved amendment). Enrolment also needs your research
          consent to the sponsor for the trial&apos;s data categories, given on the Patient page.
        </p>
        <TextField
          label="Participant (account)"
          name="participant"
          hint="Empty: the account acting. A delegate names the participant."
          value={participant}
          set={setParticipant}
          optional
        />
        <DocumentField label="Signed consent form" name="consent-form" hash={consentForm} set={setConsentForm} />
      </Action>
      <Action
        title="Withdraw from the trial"
        submit="Withdraw"
        action={async () => {
          const id = current();
          const who = await self(participant);
          return after(send(`Withdraw from trial ${id}`, 'clinical_trials', 'withdraw', [id, who]));
        }}
      >
        <p className="muted">At any time, by the participant or a delegate: no data for later periods is accepted.</p>
      </Action>

      <h3>Investigator</h3>
      <Action
        title="Enrol a participant"
        submit="Enrol"
        action={async () => {
          const id = current();
          return after(send(`Enrol in trial ${id}`, 'clinical_trials', 'enrol', [id, await accountOf(participant, 'Participant')]));
        }}
      >
        <p className="muted">
          An investigator of the trial with a valid medical licence enrols the participant named above, who consented to the protocol in
          force and to the sponsor for research. Returns the participant number.
        </p>
      </Action>
      <Action
        title="Report an adverse event"
        submit="Report"
        action={async () => {
          const id = current();
          if (!onset) throw new Error('Give the onset time.');
          return after(
            send(`Adverse event in trial ${id}`, 'clinical_trials', 'report_adverse_event', [
              {
                trial: id,
                participant: Number(eventParticipant),
                seriousness,
                expected,
                suspected,
                onset: ms(new Date(onset)),
                reportHash: need(eventReport, 'event report'),
              },
            ]),
          );
        }}
      >
        <TextField label="Participant (number)" name="event-participant" value={eventParticipant} set={setEventParticipant} numeric />
        <VariantSelect label="Seriousness" name="seriousness" variants={seriousnesses} value={seriousness} set={setSeriousness} />
        <fieldset className="checks">
          <legend>Assessment</legend>
          <label>
            <input type="checkbox" name="suspected" checked={suspected} onChange={(e) => setSuspected(e.target.checked)} /> Suspected
            reaction to the product
          </label>
          <label>
            <input type="checkbox" name="expected" checked={expected} onChange={(e) => setExpected(e.target.checked)} /> Expected (listed in
            the investigator&apos;s brochure)
          </label>
        </fieldset>
        <TextField label="Onset" name="onset" type="datetime-local" value={onset} set={setOnset} />
        <DocumentField label="Event report" name="event-report" hash={eventReport} set={setEventReport} />
      </Action>

      <h3>Sponsor</h3>
      <Action
        title="Register a trial"
        submit="Register trial"
        action={async () => {
          const chosenCategories = categories.filter((c) => chosen.has(c.name));
          if (!completion) throw new Error('Give the planned primary completion date.');
          const o = await send('Register trial', 'clinical_trials', 'register_trial', [
            {
              protocolHash: need(protocol, 'protocol'),
              registrationHash: need(registration, 'registration record'),
              primaryOutcomeHash: need(outcome, 'primary outcome'),
              targetEnrolment: Number(target),
              primaryCompletion: ms(new Date(completion)),
              irb: await accountOf(irb, 'IRB'),
              categories: bitsOf(chosenCategories),
              signalThreshold: Number(signalThreshold),
              signalWindow: BigInt(signalDays) * DAY,
            },
          ]);
          if (o.ok) setTrialId(String(o.value));
          return o;
        }}
      >
        <p className="muted">
          A sponsor with a trial-sponsor credential registers before anyone is enrolled: the protocol, the registration record (WHO trial
          registration data set) and the pre-specified primary outcome, by hash. Version 1 awaits the IRB&apos;s approval.
        </p>
        <DocumentField label="Protocol" name="protocol" hash={protocol} set={setProtocol} />
        <DocumentField label="Registration record" name="registration" hash={registration} set={setRegistration} />
        <DocumentField label="Primary outcome" name="primary-outcome" hash={outcome} set={setOutcome} />
        <TextField label="Target enrolment" name="target" value={target} set={setTarget} numeric />
        <TextField label="Primary completion" name="completion" type="date" value={completion} set={setCompletion} />
        <TextField label="IRB of record (account)" name="irb" value={irb} set={setIrb} />
        <Checkboxes legend="Data categories collected" variants={categories} chosen={chosen} set={setChosen} />
        <TextField
          label="Safety signal: serious events"
          name="signal-threshold"
          hint="This many serious adverse events in one window raise a safety signal."
          value={signalThreshold}
          set={setSignalThreshold}
          numeric
        />
        <TextField label="Safety signal window (days)" name="signal-days" value={signalDays} set={setSignalDays} numeric />
      </Action>
      <Action
        title="Add an investigator"
        submit="Add investigator"
        action={async () => {
          const id = current();
          const who = await accountOf(investigator, 'Investigator');
          return after(send(`Add investigator ${shortAddress(who)}`, 'clinical_trials', 'add_investigator', [id, who]));
        }}
      >
        <TextField label="Investigator (account)" name="investigator" value={investigator} set={setInvestigator} />
      </Action>
      <Action
        title="Propose an amendment"
        submit="Propose amendment"
        action={async () => {
          const id = current();
          return after(
            send(`Amend trial ${id}`, 'clinical_trials', 'propose_amendment', [
              id,
              {
                protocolHash: need(amendedProtocol, 'amended protocol'),
                reasonHash: need(reason, 'reason'),
                primaryOutcomeHash: newOutcome || undefined,
                targetEnrolment: newTarget ? Number(newTarget) : undefined,
              },
            ]),
          );
        }}
      >
        <p className="muted">
          Takes effect when the IRB approves it; then every participant consents again before more of their data is accepted. A changed
          primary outcome is recorded as such.
        </p>
        <DocumentField label="Amended protocol" name="amended-protocol" hash={amendedProtocol} set={setAmendedProtocol} />
        <DocumentField label="Reason for the amendment" name="reason" hash={reason} set={setReason} />
        <DocumentField
          label="New primary outcome (optional)"
          name="new-outcome"
          hint="Only if the amendment changes the primary outcome."
          hash={newOutcome}
          set={setNewOutcome}
        />
        <TextField label="New target enrolment (optional)" name="new-target" value={newTarget} set={setNewTarget} numeric optional />
      </Action>
      <Action
        title="Report a SUSAR to the regulators"
        submit="Report SUSAR"
        action={async () =>
          after(
            send(`Report SUSAR ${susarEvent}`, 'clinical_trials', 'report_susar', [
              BigInt(susarEvent),
              need(susarReport, 'regulator report'),
            ]),
          )
        }
      >
        <p className="muted">
          Due within 7 days of the investigator&apos;s report if fatal or life-threatening, 15 days otherwise (21 CFR 312.32).
        </p>
        <TextField label="Adverse event (id)" name="susar-event" value={susarEvent} set={setSusarEvent} numeric />
        <DocumentField label="Report to the regulators" name="susar-report" hash={susarReport} set={setSusarReport} />
      </Action>
      <Action
        title="Post results"
        submit="Post results"
        action={async () => {
          const id = current();
          return after(
            send(`Post results of trial ${id}`, 'clinical_trials', 'post_results', [
              id,
              need(results, 'results'),
              need(reportedOutcome, 'reported primary outcome'),
            ]),
          );
        }}
      >
        <p className="muted">
          Late if more than 12 months after primary completion; &ldquo;outcome switched&rdquo; if the reported primary outcome is neither
          the registered one nor that of an approved amendment. Both are visible to everyone.
        </p>
        <DocumentField label="Results" name="results" hash={results} set={setResults} />
        <DocumentField label="Reported primary outcome" name="reported-outcome" hash={reportedOutcome} set={setReportedOutcome} />
      </Action>

      <h3>IRB and regulators</h3>
      <Action
        title="Approve a protocol version"
        submit="Approve"
        action={async () => {
          const id = current();
          const v = version ? Number(version) : (view?.latestVersion ?? 0);
          return after(send(`Approve trial ${id} version ${v}`, 'clinical_trials', 'approve_version', [id, v]));
        }}
      >
        <p className="muted">The trial&apos;s IRB of record, with a valid ethics-committee credential: the version takes effect now.</p>
        <TextField label="Version" name="version" hint="Empty: the latest proposed." value={version} set={setVersion} numeric optional />
      </Action>
      <Action
        title="Suspend or resume enrolment"
        submit="Suspend enrolment"
        action={async () =>
          after(
            send(`Suspend enrolment in trial ${current()}`, 'clinical_trials', 'suspend_enrolment', [
              current(),
              need(suspension, 'reason'),
            ]),
          )
        }
      >
        <DocumentField label="Reason" name="suspension" hash={suspension} set={setSuspension} />
        <Field label="Resume">
          <button
            type="button"
            className="secondary"
            onClick={() => void after(send(`Resume enrolment in trial ${current()}`, 'clinical_trials', 'resume_enrolment', [current()]))}
          >
            Resume enrolment
          </button>
        </Field>
      </Action>
    </>
  );
}
