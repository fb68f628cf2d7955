// The patient's home monitoring devices: every pairing (the device, the provider who
// paired it, since when, until when), whether each device may still send data (registered,
// not revoked, its model not recalled), read from remote_monitoring. Readings, alerts and
// days with data are on the remote-monitoring page.
import { useEffect, useRef, useState } from 'react';
import { useTx } from '../../tx';
import { Head, useAccountName, when } from '../../ui';
import type { PatientSectionProps } from './section';

/** The contract's page size: the newest pairings first. */
const PAGE = 50;

interface PairingRow {
  device: string;
  provider: string;
  pairedAt: bigint;
  unpairedAt: bigint | undefined;
  usable: boolean;
}

export function DevicesSection({ subject, data }: PatientSectionProps) {
  const { query } = useTx();
  const name = useAccountName();
  const [rows, setRows] = useState<PairingRow[]>();
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    if (!subject) {
      setRows(undefined);
      return;
    }
    void (async () => {
      const found = await query('remote_monitoring', 'pairingsOf', [subject, 0, PAGE]);
      if (!found.ok) {
        if (ticket === latest.current) setRows(undefined);
        return;
      }
      const usable = await Promise.all(found.value.map((p) => query('remote_monitoring', 'deviceUsable', [p.device])));
      if (ticket !== latest.current) return;
      setRows(
        found.value
          .map((p, i) => ({
            device: String(p.device),
            provider: p.provider.address(),
            pairedAt: p.pairedAt,
            unpairedAt: p.unpairedAt,
            usable: usable[i].ok && usable[i].value,
          }))
          .reverse(),
      );
    })();
  }, [subject, query, data.refreshed]);

  return (
    <section aria-labelledby="devices-title">
      <h3 id="devices-title">Your devices</h3>
      {rows === undefined ? (
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
                <td>{r.unpairedAt !== undefined ? '—' : r.usable ? 'yes' : 'no: revoked or its model recalled'}</td>
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
