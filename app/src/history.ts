// Past contract events, for what the contracts keep only as events (a batch's temperature
// readings). Without an indexer the app reads the events of recent blocks, newest first,
// in groups of 16 requests, and stops at a block the caller names or after `maxBlocks`
// blocks: enough for a development chain; a production frontend reads an indexer built
// from the same events (docs/frontend.md).
import type { IEventRecord } from 'dedot/types';
import type { ContractName, Suite } from './suite';

export interface PastEvent {
  block: number;
  name: string;
  data: Record<string, unknown>;
}

export async function scanEvents(
  suite: Suite,
  contract: ContractName,
  keep: (event: PastEvent) => boolean,
  stop: (event: PastEvent) => boolean,
  maxBlocks = 2000,
): Promise<PastEvent[]> {
  const head = await suite.client.query.system.number();
  const found: PastEvent[] = [];
  const lowest = Math.max(1, head - maxBlocks);
  for (let top = head; top >= lowest; top -= 16) {
    const numbers = Array.from({ length: Math.min(16, top - lowest + 1) }, (_, i) => top - i);
    const perBlock = await Promise.all(
      numbers.map(async (n) => {
        const hash = await suite.client.rpc.chain_getBlockHash(n);
        if (!hash) return [] as PastEvent[];
        const at = await suite.client.at(hash);
        const records = (await at.query.system.events()) as IEventRecord[];
        return suite
          .contract(contract)
          .decodeEvents(records)
          .map((e) => ({ block: n, name: e.name, data: ('data' in e ? e.data : {}) as Record<string, unknown> }));
      }),
    );
    let done = false;
    for (const events of perBlock) {
      for (const e of [...events].reverse()) {
        if (keep(e)) found.push(e);
        if (stop(e)) done = true;
      }
      if (done) break;
    }
    if (done) break;
  }
  return found.reverse();
}
