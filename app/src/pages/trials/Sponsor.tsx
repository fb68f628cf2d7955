// The sponsor: registers a trial before anyone is enrolled, adds investigators, proposes
// amendments, reports SUSARs to the regulators and posts results.
import { useState } from 'react';
import { useTx } from '../../tx';
import type { DataCategory } from '../../types';
import { accountOf, shortAddress } from '../../accounts';
import { bitsOf, type Variant } from '../../words';
import { Action, Checkboxes, DocumentField, TextField, hex32, startOfDay, AccountField } from '../../ui';
import { need, type SectionProps } from './section';

const DAY = 86_400_000n;

export function SponsorSection({
  current,
  after,
  categories,
  setTrialId,
  susarEvent,
  setSusarEvent,
}: Omit<SectionProps, 'view' | 'account'> & {
  categories: Variant<DataCategory>[];
  setTrialId: (id: string) => void;
  /** The adverse event to report as a SUSAR (picked from the trial's list of events). */
  susarEvent: string;
  setSusarEvent: (id: string) => void;
}) {
  const { send } = useTx();
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
  const [investigator, setInvestigator] = useState('');
  // Amendment.
  const [amendedProtocol, setAmendedProtocol] = useState('');
  const [reason, setReason] = useState('');
  const [newOutcome, setNewOutcome] = useState('');
  const [newTarget, setNewTarget] = useState('');
  // Safety reports and results.
  const [susarReport, setSusarReport] = useState('');
  const [results, setResults] = useState('');
  const [reportedOutcome, setReportedOutcome] = useState('');
  return (
    <>
      <h3>Sponsor</h3>
      <Action
        title="Register a trial"
        submit="Register trial"
        action={async () => {
          const chosenCategories = categories.filter((c) => chosen.has(c.name));
          if (!completion) throw new Error('Give the planned primary completion date.');
          const o = await send('Register trial', 'clinical_trials', 'registerTrial', [
            {
              protocolHash: need(protocol, 'protocol'),
              registrationHash: need(registration, 'registration record'),
              primaryOutcomeHash: need(outcome, 'primary outcome'),
              targetEnrolment: Number(target),
              primaryCompletion: startOfDay(completion),
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
        <AccountField label="IRB of record (account)" name="irb" value={irb} set={setIrb} />
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
          return after(send(`Add investigator ${shortAddress(who)}`, 'clinical_trials', 'addInvestigator', [id, who]));
        }}
      >
        <AccountField label="Investigator (account)" name="investigator" value={investigator} set={setInvestigator} />
      </Action>
      <Action
        title="Propose an amendment"
        submit="Propose amendment"
        action={async () => {
          const id = current();
          return after(
            send(`Amend trial ${id}`, 'clinical_trials', 'proposeAmendment', [
              id,
              {
                protocolHash: need(amendedProtocol, 'amended protocol'),
                reasonHash: need(reason, 'reason'),
                primaryOutcomeHash: newOutcome ? hex32(newOutcome, 'new primary outcome') : undefined,
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
            send(`Report SUSAR ${susarEvent}`, 'clinical_trials', 'reportSusar', [
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
            send(`Post results of trial ${id}`, 'clinical_trials', 'postResults', [
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
    </>
  );
}
