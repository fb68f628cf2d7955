import { describe, expect, it } from 'vitest';
import { batchesOf } from './shipments';
import type { IndexedEvent } from '../../indexer';

const shipped = (batch: unknown, block: number): IndexedEvent => ({
  block,
  index: 0,
  contract: 'drug_provenance',
  name: 'Shipped',
  fields: { batch, shipment: block },
  time_ms: null,
});

describe('the stock list', () => {
  it('lists each batch the events name once, in their order, skipping an event without one', () => {
    expect(batchesOf([shipped(9, 30), shipped(4, 20), shipped(9, 10), shipped(undefined, 5)])).toEqual([9n, 4n]);
  });
});
