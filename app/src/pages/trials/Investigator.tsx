// The investigator: enrols participants, reports adverse events.
import { useState } from 'react';
import { chainNow, type Suite } from '../../suite';
import { useTx } from '../../tx';
import type { Seriousness } from '../../types';
import { accountOf } from '../../accounts';
import { variantsOf } from '../../words';
import { Action, DocumentField, TextField, VariantSelect, ms, useAccountName } from '../../ui';
import { need, type SectionProps } from './section';

export function InvestigatorSection({
  suite,
  view,
  current,
  after,
  participant,
}: Omit<SectionProps, 'account'> & { suite: Suite; participant: string }) {
  const { send } = useTx();
  const name = useAccountName();
  // The trial's participants, offered by number and name in the adverse-event form.
  const enrolled = (view?.participants ?? []).map((p) => ({
    value: String(p.number),
    label: `${name(p.account.address())}${p.withdrawnAt !== undefined ? ' (withdrawn)' : ''}`,
  }));
  const seriousnesses = variantsOf<Seriousness>(suite.metadata.clinical_trials, 'Seriousness');
  const [eventParticipant, setEventParticipant] = useState('');
  const [seriousness, setSeriousness] = useState<Seriousness>(seriousnesses[0]?.name ?? 'NonSerious');
  const [expected, setExpected] = useState(false);
  const [suspected, setSuspected] = useState(true);
  const [onset, setOnset] = useState('');
  const [eventReport, setEventReport] = useState('');
  return (
    <>
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
          return after(
            send(`Adverse event in trial ${id}`, 'clinical_trials', 'reportAdverseEvent', [
              {
                trial: id,
                participant: Number(eventParticipant),
                seriousness,
                expected,
                suspected,
                onset: onset ? ms(new Date(onset)) : await chainNow(suite),
                reportHash: need(eventReport, 'event report'),
              },
            ]),
          );
        }}
      >
        <TextField
          label="Participant (number)"
          name="event-participant"
          hint="Picked from the trial's participants, or typed."
          value={eventParticipant}
          set={setEventParticipant}
          numeric
          options={enrolled}
        />
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
        <TextField
          label="Onset"
          name="onset"
          type="datetime-local"
          hint="Empty: now (the latest block's time)."
          step={1}
          value={onset}
          set={setOnset}
          optional
        />
        <DocumentField label="Event report" name="event-report" hash={eventReport} set={setEventReport} />
      </Action>
    </>
  );
}
