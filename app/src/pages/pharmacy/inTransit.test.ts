import { describe, expect, it } from 'vitest';
import { idTopic, sentBy } from './InTransit';
import type { IndexedEvent } from '../../indexer';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const shipped = (shipment: unknown, from: unknown): IndexedEvent => ({
  block: 1,
  index: 0,
  contract: 'drug_provenance',
  name: 'Shipped',
  fields: { shipment, from, batch: 1 },
  time_ms: null,
});

describe('the shipments in transit', () => {
  it('finds a batch by its u64 topic: 8 little-endian bytes padded to 32', () => {
    expect(idTopic(1n)).toBe(`0x01${'0'.repeat(62)}`);
    expect(idTopic(0x0102n)).toBe(`0x0201${'0'.repeat(60)}`);
    expect(idTopic(2n ** 64n - 1n)).toBe(`0x${'ff'.repeat(8)}${'0'.repeat(48)}`);
  });

  it("keeps the sender's shipments, each once, and skips events without a sender or shipment", () => {
    const events = [
      shipped(7, ALICE),
      shipped(8, BOB),
      shipped('9', ALICE),
      shipped(7, ALICE),
      shipped(10, undefined),
      shipped(undefined, ALICE),
    ];
    expect(sentBy(events, ALICE)).toEqual([7n, 9n]);
  });
});
