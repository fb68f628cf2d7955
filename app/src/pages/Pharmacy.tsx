// Pharmacy and distributor: scan-verify a pack, receive or reject incoming shipments,
// dispense, flag suspect product, return, surrender or destroy stock, release a held
// payment; a batch's custody chain as a timeline.
import { useEffect, useState } from 'react';
import type { PageProps } from '../main';
import { parseScan, type Scan } from '../gs1';
import { useTx } from '../tx';
import { Action, CodeSelect, Field, bytes, ms, when, TextField, AccountField } from '../ui';
import { blake2AsHex } from '@polkadot/util-crypto';
import { accountOf, normaliseAddress, shortAddress } from '../accounts';
import { show } from '../feed';
import { chainNow, type Suite } from '../suite';
import { Readings } from '../readings';
import { variantName } from '../words';
import { caughtUp, custodyChain, indexerUrl, type EpcisEvent, type Indexed } from '../indexer';
import { useMoney } from '../money';
import { IncomingShipments } from './pharmacy/Incoming';
import { Stock } from './pharmacy/Stock';
import { InTransit } from './pharmacy/InTransit';

/** Destruction reasons (u16 on chain; the suite's own list). */
export const DESTRUCTION_REASONS: [number, string][] = [
  [1, 'Recalled'],
  [2, 'Expired'],
  [3, 'Damaged or cold chain broken'],
  [4, 'Suspect or illegitimate'],
];

const bytes32 = (text: string) => blake2AsHex(text, 256) as `0x${string}`;

/** What each verification status means to the person holding the pack. */
const VERDICT: Record<string, { word: string; tone: 'good' | 'bad' | 'warn'; advice: string }> = {
  Authentic: { word: 'AUTHENTIC', tone: 'good', advice: 'Registered by a licensed manufacturer, in date, not recalled.' },
  Unknown: {
    word: 'UNKNOWN',
    tone: 'bad',
    advice: 'No batch with this GTIN and lot is registered: do not dispense; quarantine it and report it.',
  },
  Expired: { word: 'EXPIRED', tone: 'bad', advice: 'Past its expiry date: do not dispense.' },
  Recalled: { word: 'RECALLED', tone: 'bad', advice: 'The batch is recalled: do not dispense; return or destroy it.' },
  Quarantined: { word: 'QUARANTINED', tone: 'warn', advice: 'Its cold chain was broken: do not dispense until the quarantine is lifted.' },
  Suspect: { word: 'SUSPECT', tone: 'warn', advice: 'Under investigation as suspect product: do not dispense.' },
  Illegitimate: {
    word: 'ILLEGITIMATE',
    tone: 'bad',
    advice: 'Declared illegitimate by a regulator or its manufacturer: do not dispense; keep it for investigation.',
  },
};

interface Verification {
  status: unknown;
  batch?: bigint;
  manufacturer?: { address: () => string };
  expiry?: bigint;
  excursionMs: bigint;
  sensorsSilent: boolean;
}

interface CustodyEvent {
  [field: string]: unknown;
}

/** An EPCIS business step (and disposition) in words. */
export function stepWords(e: EpcisEvent): string {
  const step = e.bizStep.replace(/^.*[:-]/, '');
  const disposition = e.disposition?.replace(/^.*[:-]/, '');
  if (step === 'receiving') return disposition === 'returned' ? 'Rejected and returned' : 'Received';
  if (step === 'holding') return disposition === 'recalled' ? 'Recalled' : 'Held: not sellable';
  return (
    {
      commissioning: 'Registered by its manufacturer',
      shipping: 'Shipped',
      void_shipping: 'Shipment cancelled',
      dispensing: 'Dispensed',
      destroying: 'Destroyed',
      sensor_reporting: 'Temperature excursion',
      inspecting: disposition === 'non_conformant' ? 'Verified: not conformant' : 'Inspected',
    }[step] ?? step
  );
}

/** A party of an EPCIS event: its PGLN, or the account of an `urn:x-ss58:` URI. */
const party = (uri?: string) => (uri?.startsWith('urn:x-ss58:') ? shortAddress(uri.slice('urn:x-ss58:'.length)) : (uri ?? ''));

/** A batch's custody chain: from the indexer's EPCIS 2.0 query across every partner when
 * the deployment names one (and the scan gave GTIN and lot), otherwise the contract's
 * first page of the batch's history. */
export function Custody({ suite, batch, gtin, lot }: { suite: Suite; batch: bigint; gtin?: string; lot?: string }) {
  const { query } = useTx();
  const [events, setEvents] = useState<CustodyEvent[]>();
  const [indexed, setIndexed] = useState<Indexed<EpcisEvent>>();
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    void (async () => {
      if (gtin && lot && indexerUrl(suite)) {
        await caughtUp(suite);
        const chain = await custodyChain(suite, gtin, lot);
        // None yet (its registration not finalized): the contract's own answer.
        if (chain?.items.length && live) return setIndexed(chain);
      }
      const o = await query('drug_provenance', 'history', [batch, 0, 50]);
      if (!live) return;
      if (o.ok) setEvents(o.value);
      else setError(o.error);
    })();
    return () => {
      live = false;
    };
  }, [suite, query, batch, gtin, lot]);
  if (error) return <p role="alert">{error}</p>;
  if (indexed)
    return (
      <>
        <p className="hint">
          EPCIS 2.0 from the indexer, complete through block #{indexed.through ?? '?'}: {indexed.items.length} events
          {indexed.truncated && ' (the first ones only)'}
        </p>
        <ol className="timeline" aria-label={`Custody chain of batch ${batch}`}>
          {indexed.items.map((e, i) => (
            <li key={e.eventID ?? i}>
              <span className="kv">
                <b>{stepWords(e)}</b> {new Date(e.eventTime).toLocaleString()}
              </span>
              {e.quantityList?.[0]?.quantity !== undefined && <span className="kv">{e.quantityList[0].quantity} units</span>}
              {e.sourceList?.[0] && <span className="kv">from {party(e.sourceList[0].source)}</span>}
              {e.destinationList?.[0] && <span className="kv">to {party(e.destinationList[0].destination)}</span>}
              {!e.sourceList && <span className="kv">by {party(e['hc:actor'])}</span>}
              {e['hc:shipment'] !== undefined && <span className="kv">shipment #{e['hc:shipment']}</span>}
            </li>
          ))}
        </ol>
      </>
    );
  if (!events) return <p>Loading the custody chain…</p>;
  return (
    <ol className="timeline" aria-label={`Custody chain of batch ${batch}`}>
      {events.map((e, i) => (
        <li key={i}>
          {Object.entries(e).map(([k, v]) => (
            <span key={k} className="kv">
              <b>{k}</b> {k === 'at' || k === 'time' ? when(v as bigint) : show(v)}
            </span>
          ))}
        </li>
      ))}
    </ol>
  );
}

function Verify({ suite }: PageProps) {
  const { query } = useTx();
  const [input, setInput] = useState('');
  const [scan, setScan] = useState<Scan>();
  const [result, setResult] = useState<Verification>();
  const [error, setError] = useState('');
  return (
    <section aria-labelledby="verify-title">
      <h3 id="verify-title">Scan and verify a pack</h3>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError('');
          setResult(undefined);
          try {
            const s = parseScan(input);
            setScan(s);
            const o = await query('drug_provenance', 'verify', [bytes(s.gtin), bytes(s.lot)]);
            if (o.ok) setResult(o.value);
            else setError(o.error);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          }
        }}
      >
        <Field label="GS1 element string" hint="Type or paste (01)GTIN(17)YYMMDD(10)LOT, or scan the DataMatrix into this field.">
          <input
            name="scan"
            value={input}
            onChange={(e) => setInput(e.target.value)}
            placeholder="(01)00012345678905(17)270131(10)LOT-42"
            autoComplete="off"
            spellCheck={false}
            required
          />
        </Field>
        <button type="submit">Verify</button>
      </form>
      {error && (
        <p className="refused" role="alert">
          {error}
        </p>
      )}
      {result && scan && <Verdict suite={suite} result={result} scan={scan} />}
    </section>
  );
}

function Verdict({ suite, result, scan }: { suite: PageProps['suite']; result: Verification; scan: Scan }) {
  const status = variantName(result.status);
  const verdict = VERDICT[status] ?? { word: status.toUpperCase(), tone: 'bad' as const, advice: '' };
  const printedExpiry = scan.expiry ? scan.expiry.toISOString().slice(0, 10) : undefined;
  return (
    <div className={`verdict ${verdict.tone}`} role="status" aria-live="assertive">
      <p className="word" data-testid="verdict">
        {verdict.word}
      </p>
      <p>{verdict.advice}</p>
      <dl>
        <dt>GTIN / lot</dt>
        <dd>
          {scan.gtin} / {scan.lot}
        </dd>
        {result.batch !== undefined && (
          <>
            <dt>Batch</dt>
            <dd>#{result.batch.toString()}</dd>
          </>
        )}
        {result.manufacturer && (
          <>
            <dt>Manufacturer</dt>
            <dd>{shortAddress(result.manufacturer.address())}</dd>
          </>
        )}
        {result.expiry !== undefined && (
          <>
            <dt>Expiry on chain</dt>
            <dd>
              {when(result.expiry)}
              {printedExpiry && ` (printed: ${printedExpiry})`}
            </dd>
          </>
        )}
        <dt>Time out of the allowed temperature range</dt>
        <dd>{(Number(result.excursionMs) / 60000).toFixed(1)} min</dd>
        {result.sensorsSilent && (
          <>
            <dt>Cold chain</dt>
            <dd>unknown: the sensors have been silent longer than allowed</dd>
          </>
        )}
      </dl>
      {result.batch !== undefined && (
        <>
          <details>
            <summary>Custody chain</summary>
            <Custody suite={suite} batch={result.batch} gtin={scan.gtin} lot={scan.lot} />
          </details>
          <details>
            <summary>Temperature readings</summary>
            <Readings suite={suite} batch={result.batch} />
          </details>
        </>
      )}
    </div>
  );
}

export function PharmacyPage(props: PageProps) {
  const { send, query } = useTx();
  const money = useMoney();
  const [shipment, setShipment] = useState('');
  const [accepted, setAccepted] = useState('');
  const [details, setDetails] = useState<string>();
  const [batch, setBatch] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [flagBatch, setFlagBatch] = useState('');
  const [returnBatch, setReturnBatch] = useState('');
  const [returnTo, setReturnTo] = useState('');
  const [returnUnits, setReturnUnits] = useState('1');
  const [destroyReason, setDestroyReason] = useState(DESTRUCTION_REASONS[0][0]);
  const [heldShipment, setHeldShipment] = useState('');
  const [held, setHeld] = useState<string>();
  const [gtin, setGtin] = useState('00012345678905');
  const [lot, setLot] = useState('');
  const [expiry, setExpiry] = useState('');
  const [units, setUnits] = useState('100');
  const [range, setRange] = useState({ min: '200', max: '800' });
  const [shipBatch, setShipBatch] = useState('');
  const [sensorBatch, setSensorBatch] = useState('');
  const [temperature, setTemperature] = useState('5');
  const [sensor, setSensor] = useState('');
  const [shipTo, setShipTo] = useState('');
  const [shipUnits, setShipUnits] = useState('10');
  const [shipPrice, setShipPrice] = useState('');
  const [stockChanged, setStockChanged] = useState(0);
  // A batch picked from the stock list goes into every form that takes one.
  const pickBatch = (b: bigint) => {
    for (const set of [setBatch, setFlagBatch, setReturnBatch, setShipBatch, setSensorBatch]) set(String(b));
  };
  // A transaction that changes the account's stock or shipments: the lists are read again.
  const changing = async <T,>(p: Promise<T>) => {
    const o = await p;
    setStockChanged((n) => n + 1);
    return o;
  };
  return (
    <>
      <Verify {...props} />
      <IncomingShipments suite={props.suite} account={props.account?.address} onChanged={() => setStockChanged((n) => n + 1)} />
      <Stock suite={props.suite} account={props.account?.address} refresh={stockChanged} onUse={pickBatch} />
      <InTransit
        suite={props.suite}
        account={props.account?.address}
        refresh={stockChanged}
        onChanged={() => setStockChanged((n) => n + 1)}
      />
      <Action
        title="Incoming shipment"
        submit="Receive"
        action={async () => {
          const id = BigInt(shipment);
          const s = await query('drug_provenance', 'shipment', [id]);
          setDetails(s.ok ? show(s.value) : s.error);
          const units = accepted ? BigInt(accepted) : (s.ok && s.value?.quantity) || 0n;
          return send(`Receive ${units} units of shipment ${id}`, 'drug_provenance', 'receive', [id, units]);
        }}
      >
        <TextField
          label="Shipment id"
          hint="Shipments sent to you are listed above; typing an id stays possible (a partial receipt, say)."
          name="shipment"
          value={shipment}
          set={setShipment}
          numeric
        />
        <TextField
          label="Units accepted"
          hint="Empty: all of them. Fewer for a shortage or damage; the rest goes back."
          name="accepted"
          value={accepted}
          set={setAccepted}
          numeric
          optional
        />
        {details && <p className="muted">Shipment: {details}</p>}
      </Action>
      <Action
        title="Reject a shipment"
        submit="Reject"
        action={() => send(`Reject shipment ${shipment}`, 'drug_provenance', 'reject', [BigInt(shipment || '0')])}
      >
        <p className="muted">Every unit of the shipment in the field above goes back to the sender.</p>
      </Action>
      <Action
        title="Dispense"
        submit="Dispense"
        action={() =>
          changing(
            send(`Dispense ${quantity} of batch ${batch}`, 'drug_provenance', 'dispense', [BigInt(batch), BigInt(quantity), undefined]),
          )
        }
      >
        <TextField label="Batch id" name="dispense-batch" value={batch} set={setBatch} numeric />
        <TextField label="Units" name="dispense-units" value={quantity} set={setQuantity} numeric />
      </Action>
      <Action
        title="Flag suspect product"
        submit="Flag as suspect"
        action={() => send(`Flag batch ${flagBatch} as suspect`, 'drug_provenance', 'flagSuspect', [BigInt(flagBatch)])}
      >
        <TextField
          label="Batch id"
          hint="Your units are quarantined and the manufacturer must answer within 24 hours."
          name="flag-batch"
          value={flagBatch}
          set={setFlagBatch}
          numeric
        />
      </Action>
      <Action
        title="Return or surrender stock"
        submit="Return"
        action={async () => {
          const to = await accountOf(returnTo);
          return changing(
            send(`Return ${returnUnits} of batch ${returnBatch} to ${shortAddress(to)}`, 'drug_provenance', 'returnGoods', [
              BigInt(returnBatch),
              to,
              BigInt(returnUnits),
            ]),
          );
        }}
      >
        <p className="muted">
          To the manufacturer, to the partner that supplied you, or to a regulator; allowed for recalled, expired, quarantined or
          illegitimate stock, and while the suite is paused. Suspect units go to a regulator only (or are destroyed) until the investigation
          clears them.
        </p>
        <TextField label="Batch id" name="return-batch" value={returnBatch} set={setReturnBatch} numeric />
        <AccountField label="To (account)" name="return-to" value={returnTo} set={setReturnTo} />
        <TextField label="Units" name="return-units" value={returnUnits} set={setReturnUnits} numeric />
      </Action>
      <Action
        title="Destroy stock"
        submit="Destroy"
        action={() =>
          changing(
            send(`Destroy ${returnUnits} of batch ${returnBatch}`, 'drug_provenance', 'destroy', [
              BigInt(returnBatch),
              BigInt(returnUnits),
              destroyReason,
            ]),
          )
        }
      >
        <p className="muted">The batch and units of the form above leave circulation for good (any state, also while paused).</p>
        <CodeSelect label="Reason" name="destroy-reason" codes={DESTRUCTION_REASONS} value={destroyReason} set={setDestroyReason} />
      </Action>
      <Action
        title="Held payment"
        submit="Release to the seller"
        action={() =>
          send(`Release the held payment of shipment ${heldShipment}`, 'drug_provenance', 'releaseHeldPayment', [BigInt(heldShipment)])
        }
      >
        <p className="muted">
          A seller whose licence had lapsed when its shipment was received is paid once it is licensed again (anyone may release it); a
          regulator may refund it to the buyer instead.
        </p>
        <TextField label="Shipment id" name="held-shipment" value={heldShipment} set={setHeldShipment} numeric />
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            const o = await query('drug_provenance', 'heldPayment', [BigInt(heldShipment || '0')]);
            setHeld(o.ok ? `${money.price(o.value)} held` : o.error);
          }}
        >
          Show held amount
        </button>
        {held && <p data-testid="held-amount">{held}</p>}
      </Action>
      <Action
        title="Ship"
        submit="Ship"
        action={async () => {
          const to = await accountOf(shipTo);
          const price = shipPrice.trim() ? money.parse(shipPrice) : undefined;
          return changing(
            send(
              `Ship ${shipUnits} of batch ${shipBatch}${price === undefined ? '' : ` at ${money.price(price)} each`}`,
              'drug_provenance',
              'ship',
              [BigInt(shipBatch), to, BigInt(shipUnits), price],
            ),
          );
        }}
      >
        <p className="muted">A licensed holder ships to a licensed distributor or pharmacy; the recipient receives it above.</p>
        <TextField label="Batch id" name="ship-batch" value={shipBatch} set={setShipBatch} numeric />
        <AccountField label="To (account)" name="ship-to" value={shipTo} set={setShipTo} />
        <TextField label="Units" name="ship-units" value={shipUnits} set={setShipUnits} numeric />
        <TextField
          label={`Price per unit (${money.currency.code})`}
          name="ship-price"
          value={shipPrice}
          set={setShipPrice}
          optional
          hint="Empty: not sold through the contract. Priced: the recipient pays it into escrow before receiving, and it is paid to you on receipt for the units accepted."
        />
      </Action>
      <Action
        title="Cold chain"
        submit="Record reading"
        action={async () =>
          send(`Reading ${temperature} °C for batch ${sensorBatch}`, 'drug_provenance', 'submitReading', [
            BigInt(sensorBatch),
            await chainNow(props.suite),
            Math.round(Number(temperature) * 100),
          ])
        }
      >
        <p className="muted">A sensor the manufacturer appointed records readings; the manufacturer appoints sensors here too.</p>
        <TextField label="Batch id" name="sensor-batch" value={sensorBatch} set={setSensorBatch} numeric />
        <TextField label="Temperature (°C)" name="temperature" value={temperature} set={setTemperature} pattern="-?[0-9]+(\.[0-9]+)?" />
        <AccountField label="Sensor to appoint (account)" name="sensor" value={sensor} set={setSensor} optional />
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            const a = await normaliseAddress(sensor);
            if (a) await send(`Appoint sensor for batch ${sensorBatch}`, 'drug_provenance', 'addSensor', [BigInt(sensorBatch), a]);
          }}
        >
          Appoint sensor
        </button>
      </Action>
      <Action
        title="Manufacturer: register a batch"
        submit="Register batch"
        action={async () =>
          changing(
            send(`Register lot ${lot}`, 'drug_provenance', 'registerBatch', [
              {
                gtin: bytes(gtin),
                lot: bytes(lot),
                expiry: ms(new Date(expiry)),
                quantity: BigInt(units),
                manufacturedAt: await chainNow(props.suite),
                metadataHash: bytes32(`${gtin}/${lot}`),
                minTemp: Number(range.min),
                maxTemp: Number(range.max),
                excursionBudgetSecs: 3600,
                maxSensorGapSecs: 0,
              },
            ]),
          )
        }
      >
        <p className="muted">Needs a valid manufacturer licence and the GTIN's company prefix.</p>
        <Field label="GTIN-14">
          <input name="gtin" inputMode="numeric" pattern="[0-9]{14}" value={gtin} onChange={(e) => setGtin(e.target.value)} required />
        </Field>
        <Field label="Lot">
          <input name="lot" value={lot} maxLength={20} onChange={(e) => setLot(e.target.value)} required />
        </Field>
        <TextField label="Expiry" name="expiry" type="date" value={expiry} set={setExpiry} />
        <TextField label="Units" name="units" value={units} set={setUnits} numeric />
        <Field label="Allowed temperature, lowest (0.01 °C)">
          <input
            name="min-temp"
            inputMode="numeric"
            value={range.min}
            onChange={(e) => setRange({ ...range, min: e.target.value })}
            required
          />
        </Field>
        <Field label="Allowed temperature, highest (0.01 °C)">
          <input
            name="max-temp"
            inputMode="numeric"
            value={range.max}
            onChange={(e) => setRange({ ...range, max: e.target.value })}
            required
          />
        </Field>
      </Action>
    </>
  );
}
