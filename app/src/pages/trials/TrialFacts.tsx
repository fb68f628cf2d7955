// What everyone sees of a trial: its registration, enrolment, protocol in force, SUSAR
// clocks and results, its protocol versions and its adverse events.
import type { Account } from '../../accounts';
import type { ClinicalTrialsModelReportStatus as ReportStatus } from '../../contracts/clinical_trials/types';
import type { DataCategory } from '../../types';
import { Head, when } from '../../ui';
import { shortAddress } from '../../accounts';
import { labelOf, membersOf, spaced, type Variant } from '../../words';
import type { TrialView } from './useTrial';

const short = (hash: string) => `${hash.slice(0, 10)}…`;

/** Report statuses in words (those that need someone's attention in capitals). */
const STATUS_WORDS: Record<ReportStatus, string> = {
  NotDue: 'no expedited report due',
  Pending: 'report due',
  Overdue: 'OVERDUE',
  OnTime: 'reported on time',
  Late: 'reported LATE',
};

export function TrialFacts({
  view,
  categories,
  account,
  onReport,
}: {
  view: TrialView;
  categories: Variant<DataCategory>[];
  account: Account | undefined;
  /** Puts a SUSAR not yet reported in the sponsor's report form. */
  onReport?: (event: bigint) => void;
}) {
  const t = view.trial;
  return (
    <section aria-labelledby="trial-title">
      <h3 id="trial-title">Trial {view.id}</h3>
      <dl className="facts">
        <dt>Sponsor</dt>
        <dd>{shortAddress(t.sponsor.address())}</dd>
        <dt>IRB of record</dt>
        <dd>{shortAddress(t.irb.address())}</dd>
        <dt>Registered</dt>
        <dd>{when(t.registeredAt)}</dd>
        <dt>Primary completion</dt>
        <dd>{when(t.primaryCompletion)}</dd>
        <dt>Data collected</dt>
        <dd>{membersOf(t.categories, categories).map(labelOf).join(', ')}</dd>
        <dt>Enrolment</dt>
        <dd data-testid="enrolment">
          {t.enrolled} of {t.targetEnrolment}
          {t.suspended ? ' (suspended)' : ''}
        </dd>
        <dt>Protocol in force</dt>
        <dd>{t.currentVersion ? `version ${t.currentVersion}` : 'none approved yet: nobody can be enrolled'}</dd>
        <dt>Serious unexpected reactions (SUSARs)</dt>
        <dd>
          {t.openSusars} not yet reported to the regulators, {t.lateSusars} reported late
        </dd>
        <dt>Results</dt>
        <dd data-testid="results">
          {t.results
            ? `posted ${when(t.results.postedAt)}${t.results.late ? ', LATE (over 12 months after primary completion)' : ', on time'}${
                t.results.outcomeSwitched
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
              <td>{v.targetEnrolment}</td>
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
            {view.events.map(([e, status]) => (
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
                <td className={status === 'Overdue' || status === 'Late' ? 'refused' : undefined}>
                  {STATUS_WORDS[status]}
                  {e.regulatorReport !== undefined ? ` (${when(e.regulatorReport[0])})` : ''}
                  {onReport && (status === 'Pending' || status === 'Overdue') && (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => onReport(e.id)}
                      aria-label={`Report adverse event ${e.id} to the regulators`}
                    >
                      Report…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
