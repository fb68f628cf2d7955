// The IRB of record approves protocol versions; the IRB or a regulator suspends and
// resumes enrolment.
import { useState } from 'react';
import { useTx } from '../../tx';
import { Action, DocumentField, Field, TextField } from '../../ui';
import { need, type SectionProps } from './section';

export function OversightSection({ view, current, after }: Omit<SectionProps, 'account'>) {
  const { send } = useTx();
  const [version, setVersion] = useState('');
  const [suspension, setSuspension] = useState('');
  return (
    <>
      <h3>IRB and regulators</h3>
      <Action
        title="Approve a protocol version"
        submit="Approve"
        action={async () => {
          const id = current();
          const v = version ? Number(version) : (view?.trial.latestVersion ?? 0);
          return after(send(`Approve trial ${id} version ${v}`, 'clinical_trials', 'approveVersion', [id, v]));
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
            send(`Suspend enrolment in trial ${current()}`, 'clinical_trials', 'suspendEnrolment', [current(), need(suspension, 'reason')]),
          )
        }
      >
        <DocumentField label="Reason" name="suspension" hash={suspension} set={setSuspension} />
        <Field label="Resume">
          <button
            type="button"
            className="secondary"
            onClick={() => void after(send(`Resume enrolment in trial ${current()}`, 'clinical_trials', 'resumeEnrolment', [current()]))}
          >
            Resume enrolment
          </button>
        </Field>
      </Action>
    </>
  );
}
