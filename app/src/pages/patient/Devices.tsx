// The patient's home monitoring devices: every pairing (the device, the provider who
// paired it, since when, until when), whether each device may still send data (registered,
// not revoked, its model not recalled), read from remote_monitoring. Readings, alerts and
// days with data are on the remote-monitoring page.
import { useEffect, useRef, useState } from 'react';
import { useTx } from '../../tx';
import { Head, useAccountName, when } from '../../ui';
import type { PatientSectionProps } from './section';

/** The contract's page size (it lists a patient's pairings oldest first). */
const PAGE = 50;
/** The most pages read: 500 pairings. */
const MAX_PAGES = 10;

interface PairingRow {
  device: string;
  provider: string;
  pairedAt: bigint;
  unpairedAt: bigint | undefined;
  /** May still send data; undefined when the node did not say. */
  usable: boolean | undefined;
}

export function DevicesSection({ subject, data }: PatientSectionProps) {
  const { query } = useTx();
  const name = useAccountName();
  const [rows, setRows] = useState<PairingRow[]>();
  const [failed, setFailed] = useState(false);
  const latest = useRef(0);
  // Another patient's devices are never shown, not even while this one's are read.
  const shownFor = useRef('');
  useEffect(() => {
    const ticket = ++latest.current;
    setFailed(false);
    if (shownFor.current !== subject) {
      shownFor.current = subject;
      setRows(undefined);
    }
    if (!subject) return;
    void (async () => {
      // Every page (oldest first) up to the bound, then newest first.
      const pairings = [];
      for (let page = 0; page < MAX_PAGES; page++) {
        const found = await query('remote_monitoring', 'pairingsOf', [subject, page * PAGE, PAGE]);
        if (ticket !== latest.current) return;
        if (!found.ok) {
          setRows(undefined);
          setFailed(true);
          return;
        }
        pairings.push(...found.value);
        if (found.value.length < PAGE) break;
      }
      const usable = await Promise.all(pairings.map((p) => query('remote_monitoring', 'deviceUsable', [p.device])));
      if (ticket !== latest.current) return;
      setRows(
        pairings
          .map((p, i) => ({
            device: String(p.device),
            provider: p.provider.address(),
            pairedAt: p.pairedAt,
            unpairedAt: p.unpairedAt,
            usable: usable[i].ok ? usable[i].value : undefined,
          }))
          .reverse(),
      );
    })();
  }, [subject, query, data.refreshed]);

  return (
    <section aria-labelledby="devices-title">
      <h3 id="devices-title">Your devices</h3>
      {failed ? (
        <p className="refused">The node did not answer: the devices paired with you could not be read.</p>
      ) : rows === undefined ? (
        <p className="hint">Choose an account to see the devices paired with it.</p>
      ) : rows.length === 0 ? (
        <p>No device was paired with you.</p>
      ) : (
        <table data-testid="devices">
          <Head columns={['Device', 'Paired by', 'Since', 'Until', 'Sends data']} />
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.device}-${r.pairedAt}`} data-testid="device-row">
                <td>
                  <code title={r.device}>{r.device.slice(0, 12)}…</code>
                </td>
                <td>{name(r.provider)}</td>
                <td>{when(r.pairedAt)}</td>
                <td>{r.unpairedAt === undefined ? 'paired now' : when(r.unpairedAt)}</td>
                <td>
                  {r.unpairedAt !== undefined
                    ? '—'
                    : r.usable === undefined
                      ? 'unknown'
                      : r.usable
                        ? 'yes'
                        : 'no: revoked or its model recalled'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="hint">
        Readings, alerts and days with data: <a href="#/monitoring">remote monitoring</a>.
      </p>
    </section>
  );
}
