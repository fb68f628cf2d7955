// Remote monitoring: a patient's paired devices, days with data (CPT 99454), care team and
// alert log; device makers register and recall models and attest the keys they built
// into devices; clinicians register devices (each with the device's own proof of
// possession: its signature over the registration), pair them and set alert thresholds. Readings themselves never come here: devices (or
// their gateways) sign and anchor batches of hashes, and only an out-of-range summary
// (a count, the range applied and a salted commitment to the worst value, never the value)
// is on chain.
import { useCallback, useEffect, useState } from 'react';
import { useLinkedItem } from '../route';
import type { PageProps } from '../main';
import { useTx } from '../tx';
import type { DataCategory } from '../types';
import { Action, Field, Head, TextField, VariantSelect, sha256, when, AccountField } from '../ui';
import { accountOf, shortAddress } from '../accounts';
import { chainNow } from '../suite';
import { variantsOf } from '../words';
import { useDevices, useModels } from '../plans';
import { QUANTITIES, deviceKey, fromThousandths, loincBytes, loincText, quantityName, thousandths, utcDayStart } from '../monitoring';

/** CPT 99454: at least this many days with data in a 30-day period. */
const BILLABLE_DAYS = 16;

interface PairingRow {
  device: `0x${string}`;
  provider: string;
  pairedAt: bigint;
  unpairedAt?: bigint;
}

interface AlertRow {
  id: bigint;
  device: string;
  quantity: string;
  count: number;
  worstCommitment: string;
  low: bigint;
  high: bigint;
  raisedAt: bigint;
  notified: number;
}

interface View {
  patient: string;
  days: number;
  since: bigint;
  pairings: PairingRow[];
  team: string[];
  alerts: AlertRow[];
  alertCount: number;
}

const shortKey = (key: string) => `${key.slice(0, 10)}…${key.slice(-6)}`;
const unitOf = (code: string) => QUANTITIES.find((q) => q.code === code)?.unit ?? '';

export function MonitoringPage({ suite, account }: PageProps) {
  const { send, query } = useTx();
  const categories = variantsOf<DataCategory>(suite.metadata.remote_monitoring, 'DataCategory');
  const [patient, setPatient] = useState('');
  // A link to a patient (the activity feed's) puts the patient in the forms.
  useLinkedItem('patient', setPatient);
  const [view, setView] = useState<View>();
  const [member, setMember] = useState('');
  const [modelRecord, setModelRecord] = useState('');
  // Models to pick: every manufacturer's for a device's registration, the signer's own for
  // attesting keys and recalls (read again after a model is registered).
  const [modelsChanged, setModelsChanged] = useState(0);
  const allModels = useModels(suite, undefined, modelsChanged);
  const ownModels = useModels(suite, account?.address ?? '', modelsChanged);
  // The devices the acting clinician registered, offered in the device field (pairing).
  const ownDevices = useDevices(suite, account?.address ?? '', modelsChanged);
  const [category, setCategory] = useState<DataCategory>(categories.find((c) => c.name === 'VitalSigns')?.name ?? 'VitalSigns');
  const [recallModel, setRecallModel] = useState('');
  const [recallNotice, setRecallNotice] = useState('');
  const [key, setKey] = useState('');
  const [model, setModel] = useState('');
  const [issuedAt, setIssuedAt] = useState('');
  const [registrationHash, setRegistrationHash] = useState('');
  const [signature, setSignature] = useState('');
  const [attestModel, setAttestModel] = useState('');
  const [attestKeys, setAttestKeys] = useState('');
  const [quantity, setQuantity] = useState(QUANTITIES[0].code);
  const [thresholdCategory, setThresholdCategory] = useState(category);
  const [low, setLow] = useState('');
  const [high, setHigh] = useState('');
  const subject = patient || account?.address || '';

  const refresh = useCallback(async () => {
    if (!subject) return undefined;
    const who = await accountOf(subject, 'Patient');
    const since = utcDayStart(await chainNow(suite), 29);
    const [days, pairings, team, count] = await Promise.all([
      query('remote_monitoring', 'monitoredDays', [who, undefined, since]),
      query('remote_monitoring', 'pairingsOf', [who, 0, 50]),
      query('remote_monitoring', 'careTeam', [who]),
      query('remote_monitoring', 'alertCountOf', [who]),
    ]);
    if (!days.ok) return days;
    const alertCount = count.ok ? count.value : 0;
    // The newest 50 alerts (the log is kept oldest first).
    const alerts = await query('remote_monitoring', 'alertsOf', [who, Math.max(0, alertCount - 50), 50]);
    setView({
      patient: who,
      days: days.value,
      since,
      pairings: pairings.ok
        ? pairings.value.map((p) => ({
            device: p.device,
            provider: p.provider.address(),
            pairedAt: p.pairedAt,
            unpairedAt: p.unpairedAt,
          }))
        : [],
      team: team.ok ? team.value.map((member) => member.address()) : [],
      alerts: alerts.ok
        ? alerts.value
            .map((a) => {
              const out = a.outOfRange;
              const [lowBound, highBound] = a.threshold;
              return {
                id: a.id,
                device: String(a.device),
                quantity: loincText(String(a.quantity)),
                count: out.count,
                worstCommitment: String(out.worstCommitment),
                low: lowBound,
                high: highBound,
                raisedAt: a.raisedAt,
                notified: a.notified.length,
              };
            })
            .reverse()
        : [],
      alertCount,
    });
    return undefined;
  }, [subject, query, suite]);

  useEffect(() => {
    refresh().catch(() => setView(undefined));
  }, [refresh]);

  const after = async <T,>(p: Promise<T>) => {
    const o = await p;
    await refresh().catch(() => undefined);
    return o;
  };
  const who = async () => accountOf(subject, 'Patient');

  return (
    <>
      <Action title="Whose monitoring" submit="Show" action={refresh}>
        <AccountField
          label="Patient (account)"
          name="monitoring-patient"
          hint="Empty: the account acting. A patient sees their own devices and alerts; their care team uses their address."
          value={patient}
          set={setPatient}
          optional
        />
      </Action>

      {view && (
        <section aria-labelledby="monitoring-title">
          <h3 id="monitoring-title">Monitoring of {shortAddress(view.patient)}</h3>
          <p data-testid="monitored-days">
            <strong>{view.days} of 30 days</strong> with device data since {new Date(Number(view.since)).toISOString().slice(0, 10)} (UTC
            days):{' '}
            {view.days >= BILLABLE_DAYS
              ? 'enough for CPT 99454 (device supply, 16 days or more).'
              : `CPT 99454 needs ${BILLABLE_DAYS}; a claim for it now would be denied (CARC 272).`}
          </p>

          <h4>Paired devices</h4>
          {view.pairings.length === 0 ? (
            <p>No device has been paired with this patient.</p>
          ) : (
            <table>
              <Head columns={['Device key', 'Paired by', 'Paired', 'Unpaired', '']} />
              <tbody>
                {view.pairings.map((p) => (
                  <tr key={`${p.device}-${p.pairedAt}`}>
                    <td>
                      <code title={p.device}>{shortKey(p.device)}</code>
                    </td>
                    <td>{shortAddress(p.provider)}</td>
                    <td>{when(p.pairedAt)}</td>
                    <td>{when(p.unpairedAt)}</td>
                    <td>
                      {p.unpairedAt === undefined && (
                        <button
                          type="button"
                          className="secondary"
                          onClick={() =>
                            void after(send(`Unpair device ${shortKey(p.device)}`, 'remote_monitoring', 'unpairDevice', [p.device]))
                          }
                        >
                          Unpair
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h4>Care team members</h4>
          {view.team.length === 0 ? (
            <p>No care team: alerts reach nobody until the patient names one.</p>
          ) : (
            <ul>
              {view.team.map((m) => (
                <li key={m}>
                  {shortAddress(m)}{' '}
                  <button
                    type="button"
                    className="secondary"
                    onClick={() =>
                      void after(
                        send(`Remove ${shortAddress(m)} from the care team`, 'remote_monitoring', 'removeCareTeamMember', [
                          view.patient,
                          m,
                        ]),
                      )
                    }
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )}

          <h4>Alert log</h4>
          {view.alerts.length === 0 ? (
            <p>No alert.</p>
          ) : (
            <table>
              <Head columns={['#', 'Raised', 'Quantity', 'Out of range', 'Alert range', 'Notified']} />
              <tbody>
                {view.alerts.map((a) => (
                  <tr key={a.id.toString()}>
                    <td>{a.id.toString()}</td>
                    <td>{when(a.raisedAt)}</td>
                    <td>{quantityName(a.quantity)}</td>
                    <td>
                      {a.count} reading{a.count === 1 ? '' : 's'} (worst value committed as{' '}
                      <span title={a.worstCommitment}>{a.worstCommitment.slice(0, 10)}…</span>; checked against the readings off chain)
                    </td>
                    <td>
                      {fromThousandths(a.low)} to {fromThousandths(a.high)} {unitOf(a.quantity)}
                    </td>
                    <td>
                      {a.notified} member{a.notified === 1 ? '' : 's'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {view.alertCount > view.alerts.length && (
            <p className="muted">
              The newest {view.alerts.length} of {view.alertCount} alerts.
            </p>
          )}
        </section>
      )}

      <Action
        title="Care team"
        submit="Add to the care team"
        action={async () => {
          const m = await accountOf(member, 'Member');
          return after(send(`Add ${shortAddress(m)} to the care team`, 'remote_monitoring', 'addCareTeamMember', [await who(), m]));
        }}
      >
        <p className="muted">
          The patient or a delegate names who may be alerted (at most 8). An alert reaches a member only while the patient&apos;s treatment
          consent to them covers the device&apos;s data category.
        </p>
        <AccountField label="Member (account)" name="member" value={member} set={setMember} />
      </Action>

      <Action
        title="Prepare a device registration"
        submit="Prepare registration"
        action={async () => {
          if (!account) throw new Error('Choose the account that registers the device first.');
          const at = await chainNow(suite);
          const registration = { registrant: account.address, key: deviceKey(key), scope: Number(model), issuedAt: at };
          const hash = await query('remote_monitoring', 'registrationHash', [registration]);
          if (hash.ok) {
            setIssuedAt(at.toString());
            setRegistrationHash(String(hash.value));
          }
          return hash.ok ? { ok: true, value: undefined } : hash;
        }}
      >
        <p className="muted">
          A care provider with a medical or nursing licence registers a device by its public key (it signs every batch), under a model whose
          maker attested that key. The device proves it is in your hands: it signs the registration (you, its key, the model, the time),
          within an hour of it.
        </p>
        <TextField
          label="Device key (compressed public key, hex)"
          name="device-key"
          hint="At registration, the key on the device's label; to pair, one of the devices you registered."
          value={key}
          set={setKey}
          options={ownDevices}
        />
        <TextField label="Model (id)" name="device-model" value={model} set={setModel} numeric options={allModels} />
        {registrationHash && (
          <p>
            Have the device sign <output data-testid="registration-hash">{registrationHash}</output> (signed at{' '}
            <output data-testid="registration-issued-at">{issuedAt}</output>).
          </p>
        )}
      </Action>

      <Action
        title="Register a device"
        submit="Register device"
        action={async () => {
          if (!/^(0x)?[0-9a-fA-F]{130}$/.test(signature.trim())) throw new Error('The device signature is 65 bytes in hex (r, s, v).');
          const sig: `0x${string}` = `0x${signature.trim().replace(/^0x/, '')}`;
          return after(
            send('Register device', 'remote_monitoring', 'registerDevice', [
              deviceKey(key),
              Number(model),
              BigInt(issuedAt || '0'),
              sig,
            ]).then((o) => {
              setModelsChanged((n) => n + 1);
              return o;
            }),
          );
        }}
      >
        <p className="muted">Registers the device prepared above with its signature of the registration.</p>
        <TextField label="Signed at (ms since 1970)" name="device-issued-at" value={issuedAt} set={setIssuedAt} numeric />
        <TextField label="Device signature (hex, 65 bytes)" name="device-signature" value={signature} set={setSignature} />
      </Action>

      <Action
        title="Pair the device with the patient"
        submit="Pair device"
        action={async () => {
          const p = await who();
          return after(send(`Pair device with ${shortAddress(p)}`, 'remote_monitoring', 'pairDevice', [deviceKey(key), p]));
        }}
      >
        <p className="muted">
          Pairs the device above with the patient shown above. Needs the patient&apos;s treatment consent to you for the model&apos;s data
          category (asked of the consent registry); you join their care team.
        </p>
      </Action>

      <Action
        title="Alert threshold"
        submit="Set threshold"
        action={async () => {
          const range: [bigint, bigint] = [thousandths(low), thousandths(high)];
          return after(
            send(`Set ${quantity} threshold`, 'remote_monitoring', 'setThreshold', [
              await who(),
              loincBytes(quantity),
              thresholdCategory,
              range,
            ]),
          );
        }}
      >
        <p className="muted">
          A licensed member of the patient&apos;s care team, holding the patient&apos;s treatment consent for the data category now, sets
          the range outside which a batch of that category&apos;s devices raises an alert. Whoever set it before, it changes only under such
          a consent, and every change is logged with the range it replaced.
        </p>
        <VariantSelect
          label="Data category"
          name="threshold-category"
          variants={categories}
          value={thresholdCategory}
          set={setThresholdCategory}
        />
        <Field label="Quantity (LOINC)">
          <select name="quantity" value={quantity} onChange={(e) => setQuantity(e.target.value)}>
            {QUANTITIES.map((q) => (
              <option key={q.code} value={q.code}>
                {q.name} ({q.code}, {q.unit})
              </option>
            ))}
          </select>
        </Field>
        <TextField label="Low" name="low" value={low} set={setLow} pattern="-?[0-9]+(\.[0-9]{1,3})?" />
        <TextField label="High" name="high" value={high} set={setHigh} pattern="-?[0-9]+(\.[0-9]{1,3})?" />
      </Action>

      <Action
        title="Register a device model"
        submit="Register model"
        action={async () => {
          const o = await send('Register device model', 'remote_monitoring', 'registerModel', [await sha256(modelRecord), category]);
          setModelsChanged((n) => n + 1);
          return o;
        }}
      >
        <p className="muted">
          A device manufacturer (device-manufacturer credential) registers a model by the hash of its device record (UDI device identifier,
          FDA listing, labelling), computed here; only the hash goes on chain.
        </p>
        <TextField label="Device record" name="model-record" value={modelRecord} set={setModelRecord} />
        <VariantSelect label="Data category" name="model-category" variants={categories} value={category} set={setCategory} />
      </Action>

      <Action
        title="Attest device keys"
        submit="Attest keys"
        action={async () => {
          const keys = attestKeys
            .split(/[\s,]+/)
            .filter(Boolean)
            .map(deviceKey);
          return send(`Attest ${keys.length} device key(s)`, 'remote_monitoring', 'attestDevices', [Number(attestModel), keys]);
        }}
      >
        <p className="muted">
          The model&apos;s manufacturer records the public keys it built into devices of the model (at most 50 at a time). Only an attested
          key can be registered, so no one can invent a device with a key of their own.
        </p>
        <TextField label="Model (id)" name="attest-model" value={attestModel} set={setAttestModel} numeric options={ownModels} />
        <TextField label="Device keys (hex, separated by spaces or commas)" name="attest-keys" value={attestKeys} set={setAttestKeys} />
      </Action>

      <Action
        title="Recall a device model"
        submit="Recall model"
        action={async () =>
          send(`Recall model ${recallModel}`, 'remote_monitoring', 'recallModel', [Number(recallModel), await sha256(recallNotice)])
        }
      >
        <p className="muted">The model&apos;s manufacturer: every device of the model is revoked from now on and anchors nothing more.</p>
        <TextField label="Model (id)" name="recall-model" value={recallModel} set={setRecallModel} numeric options={ownModels} />
        <TextField label="Recall notice" name="recall-notice" value={recallNotice} set={setRecallNotice} />
      </Action>
    </>
  );
}
