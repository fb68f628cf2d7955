// Pharmacy and distributor: scan-verify a pack (pharmacy/Verify.tsx), the worklists
// (shipments to receive, stock, shipments in transit), receive or reject incoming shipments,
// dispense, flag suspect product, return, surrender or destroy stock, release a held
// payment; a batch's custody chain as a timeline.
import { useState } from 'react';
import type { PageProps } from '../main';
import { useTx } from '../tx';
import { Action, CodeSelect, Field, bytes, ms, TextField, AccountField } from '../ui';
import { blake2AsHex } from '@polkadot/util-crypto';
import { accountOf, normaliseAddress, shortAddress } from '../accounts';
import { show } from '../feed';
import { chainNow } from '../suite';
import { useMoney } from '../money';
import { IncomingShipments } from './pharmacy/Incoming';
import { Verify } from './pharmacy/Verify';
import { Stock } from './pharmacy/Stock';
import { InTransit } from './pharmacy/InTransit';
import { HeldPayments } from './pharmacy/HeldPayments';
import { useLinkedItem } from '../route';

/** Destruction reasons (u16 on chain; the suite's own list). */
export const DESTRUCTION_REASONS: [number, string][] = [
  [1, 'Recalled'],
  [2, 'Expired'],
  [3, 'Damaged or cold chain broken'],
  [4, 'Suspect or illegitimate'],
];

const bytes32 = (text: string) => blake2AsHex(text, 256) as `0x${string}`;

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
  // A link to a shipment or a batch (the activity feed's) puts it in the forms.
  useLinkedItem('shipment', (id) => {
    if (!/^\d+$/.test(id)) return;
    setShipment(id);
    document.getElementById('incoming-shipment')?.scrollIntoView({ block: 'start' });
  });
  useLinkedItem('batch', (id) => {
    if (/^\d+$/.test(id)) pickBatch(BigInt(id));
  });
  // A transaction that changes the account's stock or shipments: the lists are read again.
  const changing = async <T,>(p: Promise<T>) => {
    const o = await p;
    setStockChanged((n) => n + 1);
    return o;
  };
  return (
    <>
      <Verify {...props} />
      <IncomingShipments
        suite={props.suite}
        account={props.account?.address}
        refresh={stockChanged}
        onChanged={() => setStockChanged((n) => n + 1)}
      />
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
          return changing(send(`Receive ${units} units of shipment ${id}`, 'drug_provenance', 'receive', [id, units]));
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
        action={() => changing(send(`Reject shipment ${shipment}`, 'drug_provenance', 'reject', [BigInt(shipment || '0')]))}
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
        action={() => changing(send(`Flag batch ${flagBatch} as suspect`, 'drug_provenance', 'flagSuspect', [BigInt(flagBatch)]))}
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
      <HeldPayments
        suite={props.suite}
        account={props.account?.address}
        view="seller"
        refresh={stockChanged}
        onChanged={() => setStockChanged((n) => n + 1)}
      />
      <Action
        title="Held payment"
        submit="Release to the seller"
        action={() =>
          changing(
            send(`Release the held payment of shipment ${heldShipment}`, 'drug_provenance', 'releaseHeldPayment', [BigInt(heldShipment)]),
          )
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
