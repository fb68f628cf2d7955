// Who accessed the patient's records, for what purpose, with the break-glass grants
// among them (acknowledge, close); the FHIR R4 AuditEvent bundle.
import { useTx } from '../../tx';
import { Head, when } from '../../ui';
import { shortAddress } from '../../accounts';
import { labelOf } from '../../words';
import { auditEventResource, usePatientDownload } from '../../fhir';
import type { PatientSectionProps } from './section';

export function AccessLogSection({ suite, subject, data, after }: PatientSectionProps) {
  const { send } = useTx();
  const { log, grants } = data;
  const now = BigInt(Date.now());
  const exported = usePatientDownload(suite, 'AuditEvent', subject);
  return (
    <>
      <section aria-labelledby="log-title">
        <h3 id="log-title">Access log</h3>
        <div className="actions">
          <button
            className="secondary"
            disabled={!log.length}
            onClick={() =>
              void exported.start(() => log.map((a) => auditEventResource(a, suite.deployment.contracts.consent_registry.address)))
            }
          >
            Download as FHIR R4 AuditEvent bundle
          </button>
        </div>
        {exported.said && <p role="status">{exported.said}.</p>}
        {log.length === 0 ? (
          <p>Nobody has accessed these records.</p>
        ) : (
          <table>
            <Head columns={['When', 'Who', 'Purpose', 'Record', 'Break-glass']} />
            <tbody>
              {log.map((a) => {
                const emergency = a.emergency;
                const g = emergency !== undefined ? grants[emergency.toString()] : undefined;
                return (
                  <tr key={a.index} className={a.emergency !== undefined ? 'emergency' : undefined}>
                    <td>{when(a.at)}</td>
                    <td>{shortAddress(a.accessor)}</td>
                    <td>{labelOf(a.purpose)}</td>
                    <td>{a.record === undefined ? 'grant opened' : `#${a.record}`}</td>
                    <td>
                      {emergency !== undefined && (
                        <>
                          grant #{emergency.toString()} {g?.acknowledged !== undefined ? '· acknowledged' : ''}{' '}
                          {g?.closed !== undefined ? '· closed' : g && g.expires > now ? '· live' : ''}
                          {a.record === undefined && g?.acknowledged === undefined && (
                            <button
                              className="secondary"
                              onClick={() =>
                                void after(
                                  send(`Acknowledge break-glass ${emergency}`, 'consent_registry', 'acknowledgeBreakGlass', [emergency]),
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
                                void after(send(`Close break-glass ${emergency}`, 'consent_registry', 'closeBreakGlass', [emergency]))
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
