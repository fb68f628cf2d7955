// A batch's temperature readings (ReadingRecorded events) as a chart against its allowed
// range.
import { useEffect, useState } from 'react';
import { Line } from 'react-chartjs-2';
import { CategoryScale, Chart, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import type { Suite } from './suite';
import { scanEvents, type PastEvent } from './history';
import { when } from './ui';

Chart.register(CategoryScale, LinearScale, LineElement, PointElement, Tooltip, Legend);

export function Readings({ suite, batch }: { suite: Suite; batch: bigint }) {
  const [readings, setReadings] = useState<PastEvent[]>();
  const [range, setRange] = useState<{ min: number; max: number }>();
  const [error, setError] = useState('');
  useEffect(() => {
    (async () => {
      const b = await suite.contract('drug_provenance').query.batch(batch, { caller: suite.deployment.deployer });
      const stored = b.data as { minTemp: number; maxTemp: number } | undefined;
      if (stored) setRange({ min: stored.minTemp / 100, max: stored.maxTemp / 100 });
      const ofBatch = (e: PastEvent) => e.data.batch === batch;
      setReadings(
        await scanEvents(
          suite,
          'drug_provenance',
          (e) => e.name === 'ReadingRecorded' && ofBatch(e),
          (e) => e.name === 'BatchRegistered' && ofBatch(e),
        ),
      );
    })().catch((e) => setError(e instanceof Error ? e.message : String(e)));
  }, [suite, batch]);
  if (error) return <p role="alert">Readings: {error}</p>;
  if (!readings) return <p>Reading the batch's temperature history…</p>;
  if (!readings.length) return <p>No temperature readings recorded for this batch.</p>;
  const labels = readings.map((r) => when(r.data.time as bigint));
  const values = readings.map((r) => Number(r.data.value) / 100);
  const out = values.filter((v) => range && (v < range.min || v > range.max)).length;
  return (
    <figure className="chart readings">
      <Line
        aria-label={`Temperature readings of batch ${batch}: ${readings.length} readings, ${out} outside the allowed range ${range?.min} to ${range?.max} °C`}
        role="img"
        data={{
          labels,
          datasets: [
            { label: 'Reading (°C)', data: values, borderColor: '#0b5cad', backgroundColor: '#0b5cad' },
            ...(range
              ? [
                  {
                    label: 'Highest allowed',
                    data: values.map(() => range.max),
                    borderColor: '#a1121c',
                    borderDash: [6, 4],
                    pointRadius: 0,
                  },
                  {
                    label: 'Lowest allowed',
                    data: values.map(() => range.min),
                    borderColor: '#a1121c',
                    borderDash: [6, 4],
                    pointRadius: 0,
                  },
                ]
              : []),
          ],
        }}
        options={{ responsive: true, maintainAspectRatio: false }}
      />
      <figcaption>
        {readings.length} readings, {out} outside {range?.min}–{range?.max} °C
      </figcaption>
    </figure>
  );
}
