// Scanning and verifying a pack: its GS1 element string typed, pasted, sent by a
// keyboard-wedge scanner, read from a photo of the pack or from the camera (scan.ts); the
// verdict in words, the batch's temperature readings and its custody chain across
// partners (the indexer's EPCIS 2.0 events) as a timeline.
import { useEffect, useRef, useState } from 'react';
import type { PageProps } from '../../main';
import { parseScan, type Scan } from '../../gs1';
import { readPack } from '../../scan';
import { useTx } from '../../tx';
import { Field, bytes, when } from '../../ui';
import { shortAddress } from '../../accounts';
import { show } from '../../feed';
import { type Suite } from '../../suite';
import { Readings } from '../../readings';
import { variantName } from '../../words';
import { caughtUp, custodyChain, indexerUrl, type EpcisEvent, type Indexed } from '../../indexer';

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

export function Verify({ suite }: PageProps) {
  const { query } = useTx();
  const [input, setInput] = useState('');
  const [scan, setScan] = useState<Scan>();
  const [result, setResult] = useState<Verification>();
  const [error, setError] = useState('');
  const [reading, setReading] = useState('');
  // Only the newest check may show its verdict: a pack's verdict is never shown beside
  // another pack's GTIN and lot, nor left on screen when a newer scan fails.
  const latest = useRef(0);
  const clear = () => {
    ++latest.current;
    setError('');
    setResult(undefined);
    setScan(undefined);
  };
  const verify = async (text: string) => {
    clear();
    const ticket = latest.current;
    try {
      const s = parseScan(text);
      const o = await query('drug_provenance', 'verify', [bytes(s.gtin), bytes(s.lot)]);
      if (ticket !== latest.current) return;
      setScan(s);
      if (o.ok) setResult(o.value);
      else setError(o.error);
    } catch (err) {
      if (ticket === latest.current) setError(err instanceof Error ? err.message : String(err));
    }
  };
  // A barcode read from an image or the camera goes into the field and is verified.
  const scanned = async (text: string | undefined, where: string) => {
    setReading('');
    if (text === undefined) {
      clear();
      setInput('');
      setError(`No barcode found in ${where}: hold the pack's DataMatrix flat, lit and in focus, or type its element string.`);
      return;
    }
    setInput(text);
    await verify(text);
  };
  return (
    <section aria-labelledby="verify-title">
      <h3 id="verify-title">Scan and verify a pack</h3>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          await verify(input);
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
      <div className="actions">
        <label className="button secondary">
          Read a photo of the pack
          <input
            type="file"
            name="scan-image"
            accept="image/*"
            capture="environment"
            className="visually-hidden"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              clear();
              setReading(`Reading ${file.name}…`);
              try {
                await scanned(await readPack(file), file.name);
              } catch (err) {
                setReading('');
                setInput('');
                setError(`${file.name} could not be read as an image: ${err instanceof Error ? err.message : String(err)}`);
              }
            }}
          />
        </label>
        <CameraScan onFound={(text) => void scanned(text, 'the camera')} onError={setError} />
      </div>
      {reading && <p role="status">{reading}</p>}
      {error && (
        <p className="refused" role="alert">
          {error}
        </p>
      )}
      {result && scan && <Verdict suite={suite} result={result} scan={scan} />}
    </section>
  );
}

/** How often a camera frame is read, in ms. */
const FRAME_MS = 250;

/** A live camera preview that reads each frame until a barcode is found, then stops. */
function CameraScan({ onFound, onError }: { onFound: (text: string) => void; onError: (why: string) => void }) {
  const [on, setOn] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  // The callbacks as they are now, without restarting the camera when they change.
  const found = useRef(onFound);
  const failed = useRef(onError);
  useEffect(() => {
    found.current = onFound;
    failed.current = onError;
  });
  useEffect(() => {
    if (!on) return;
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const canvas = document.createElement('canvas');
    const stop = () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
      if (video.current) video.current.srcObject = null;
    };
    const fail = (why: string) => {
      if (stopped) return;
      stop();
      setOn(false);
      failed.current(`${why}. Read a photo of the pack or type its element string.`);
    };
    const frame = async () => {
      const v = video.current;
      if (stopped || !v) return;
      try {
        if (v.videoWidth > 0) {
          // At most 1 280 pixels wide: a pack fills enough of the frame, and the reader
          // runs on the page's thread.
          const scale = Math.min(1, 1280 / v.videoWidth);
          canvas.width = Math.round(v.videoWidth * scale);
          canvas.height = Math.round(v.videoHeight * scale);
          const context = canvas.getContext('2d', { willReadFrequently: true });
          if (!context) return fail('The camera frames could not be read');
          context.drawImage(v, 0, 0, canvas.width, canvas.height);
          const text = await readPack(context.getImageData(0, 0, canvas.width, canvas.height));
          if (stopped) return;
          if (text !== undefined) {
            stop();
            setOn(false);
            found.current(text);
            return;
          }
        }
      } catch (err) {
        return fail(`The barcode reader failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      timer = setTimeout(() => void frame(), FRAME_MS);
    };
    void (async () => {
      try {
        if (!navigator.mediaDevices?.getUserMedia)
          throw new Error('this browser offers no camera to the page (it needs https or localhost)');
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
        if (stopped) return stop();
        if (video.current) {
          video.current.srcObject = stream;
          await video.current.play();
        }
        void frame();
      } catch (err) {
        fail(`The camera could not be used: ${err instanceof Error ? err.message : String(err)}`);
      }
    })();
    return stop;
  }, [on]);
  return (
    <>
      <button type="button" className="secondary" onClick={() => setOn((o) => !o)}>
        {on ? 'Stop the camera' : 'Scan with the camera'}
      </button>
      {on && (
        <video
          ref={video}
          className="camera"
          muted
          playsInline
          aria-label="Camera preview: hold the pack's DataMatrix in view"
          data-testid="camera"
        />
      )}
    </>
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
