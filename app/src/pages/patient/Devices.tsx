// The patient's home monitoring devices: every pairing (the device, the provider who
// paired it, since when, until when), whether each device may still send data (registered,
// not revoked, its model not recalled), read from remote_monitoring. Readings, alerts and
// days with data are on the remote-monitoring page.
import { useCallback } from 'react';
import { useTx } from '../../tx';
import { useAccountName, when, WorklistTable } from '../../ui';
import { useWorklist } from '../../worklist';
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

const WORDS = {
  noAccount: 'Choose an account to see the devices paired with it.',
  failed: 'The node did not answer: the devices paired with you could not be read.',
};

export function DevicesSection({ suite, subject, data }: PatientSectionProps) {
  const { query } = useTx();
  const name = useAccountName();
  const read = useCallback(
    async (patient: string) => {
      // Every page (oldest first) up to the bound, then newest first.
      const pairings = [];
      for (let page = 0; page < MAX_PAGES; page++) {
        const found = await query('remote_monitoring', 'pairingsOf', [patient, page * PAGE, PAGE]);
        if (!found.ok) return undefined;
        pairings.push(...found.value);
        if (found.value.length < PAGE) break;
      }
      const usable = await Promise.all(pairings.map((p) => query('remote_monitoring', 'deviceUsable', [p.device])));
      const rows: PairingRow[] = pairings.map((p, i) => ({
        device: String(p.device),
        provider: p.provider.address(),
        pairedAt: p.pairedAt,
        unpairedAt: p.unpairedAt,
        usable: usable[i].ok ? usable[i].value : undefined,
      }));
      return { rows: rows.reverse(), source: '' };
    },
    [query],
  );
  // Read again whenever the patient's data is (after each of its transactions).
  const { rows, source, read: listed } = useWorklist(suite, subject || undefined, WORDS, read, data.refreshed);

  return (
    <WorklistTable
      id="devices"
      title="Your devices"
      source={source}
      listed={listed}
      none="No device was paired with you."
      columns={['Device', 'Paired by', 'Since', 'Until', 'Sends data']}
      rows={rows}
      row={(r) => (
        <tr key={`${r.device}-${r.pairedAt}`} data-testid="device-row">
          <td>
            <code title={r.device}>{r.device.slice(0, 12)}…</code>
          </td>
          <td>{name(r.provider)}</td>
          <td>{when(r.pairedAt)}</td>
          <td>{r.unpairedAt === undefined ? 'paired now' : when(r.unpairedAt)}</td>
          <td>
            {r.unpairedAt !== undefined ? '—' : r.usable === undefined ? 'unknown' : r.usable ? 'yes' : 'no: revoked or its model recalled'}
          </td>
        </tr>
      )}
    >
      <p className="hint">
        Readings, alerts and days with data: <a href="#/monitoring">remote monitoring</a>.
      </p>
    </WorklistTable>
  );
}
