// Every transaction goes the same way: dry run first (a free call of the same message
// by the same caller), then the cost (weight, storage deposit) or the contract's own
// refusal in words, and only then a request for a signature.
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import { ContractDispatchError, ContractLangError } from 'dedot/contracts';
import type { Account } from './accounts';
import type { ArgsOf, ContractName, QueryName, Suite, TxName, ValueOf } from './suite';
import { errorInWords, spaced } from './words';
import { formatToken } from './money';

export interface Cost {
  refTime: bigint;
  proofSize: bigint;
  deposit: bigint;
  refund: boolean;
}

export type Outcome<T = unknown> = { ok: true; value: T; block?: number } | { ok: false; error: string };

interface Pending {
  label: string;
  cost: Cost;
  resolve: (go: boolean) => void;
}

/** Every call names its contract and message as the generated bindings declare them
 * (`src/contracts/`, `npm run typegen`) and passes the message's own argument types: a
 * renamed message or a changed argument is a compile error, not a run-time refusal. */
interface TxApi {
  /** Dry-runs `message`, asks for confirmation, signs and sends. Resolves with the
   * message's value (from the dry run) or the refusal in words. */
  send<C extends ContractName, M extends TxName<C>>(
    label: string,
    contract: C,
    message: M,
    args: ArgsOf<C, M>,
    value?: bigint,
  ): Promise<Outcome<ValueOf<C, M>>>;
  /** A query in words: its value, or the contract's error. */
  query<C extends ContractName, M extends QueryName<C>>(contract: C, message: M, args: ArgsOf<C, M>): Promise<Outcome<ValueOf<C, M>>>;
}

const TxContext = createContext<TxApi | null>(null);

export function useTx(): TxApi {
  const api = useContext(TxContext);
  if (!api) throw new Error('useTx outside <TxProvider>');
  return api;
}

/** The untyped view of a contract's calls the two bodies below share (their callers
 * are typed by `TxApi`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Calls = Record<string, (...args: any[]) => any>;

/** Unwraps an ink! `Result` as dedot decodes it. */
function unwrap(data: unknown): { ok: true; value: unknown } | { ok: false; err: unknown } {
  if (data && typeof data === 'object' && 'isErr' in data) {
    const r = data as { isErr: boolean; err?: unknown; value?: unknown };
    return r.isErr ? { ok: false, err: r.err } : { ok: true, value: r.value };
  }
  return { ok: true, value: data };
}

function describe(error: unknown): string {
  if (error instanceof ContractDispatchError) {
    const meta = error.moduleError;
    return meta ? `${spaced(meta.name)}: ${meta.docs.join(' ')}` : `The chain refused the call: ${JSON.stringify(error.dispatchError)}`;
  }
  if (error instanceof ContractLangError) return `The contract does not know this message (${String(error.langError)})`;
  return error instanceof Error ? error.message : String(error);
}

export function TxProvider({ suite, account, children }: { suite: Suite; account: Account | undefined; children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const [status, setStatus] = useState<string>('');
  const confirmRef = useRef<HTMLButtonElement>(null);

  const query = useCallback(
    async <T,>(contract: ContractName, message: string, args: readonly unknown[]): Promise<Outcome<T>> => {
      const caller = account?.address ?? suite.deployment.deployer;
      try {
        const q = await (suite.contract(contract).query as unknown as Calls)[message](...args, { caller });
        const r = unwrap(q.data);
        return r.ok ? { ok: true, value: r.value as T } : { ok: false, error: errorInWords(suite.metadata[contract], contract, r.err) };
      } catch (e) {
        return { ok: false, error: describe(e) };
      }
    },
    [suite, account],
  );

  const send = useCallback(
    async <T,>(label: string, contract: ContractName, message: string, args: readonly unknown[], value = 0n): Promise<Outcome<T>> => {
      if (!account) return { ok: false, error: 'Choose an account first.' };
      const c = suite.contract(contract);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      let dry: any;
      try {
        dry = await (c.query as unknown as Calls)[message](...args, { caller: account.address, value });
      } catch (e) {
        const error = describe(e);
        setStatus(`${label}: refused: ${error}`);
        return { ok: false, error };
      }
      const r = unwrap(dry.data);
      if (!r.ok) {
        const error = errorInWords(suite.metadata[contract], contract, r.err);
        setStatus(`${label}: refused: ${error}`);
        return { ok: false, error };
      }
      const deposit = dry.raw.storageDeposit as { type: 'Charge' | 'Refund'; value: bigint };
      const cost: Cost = {
        refTime: dry.raw.gasRequired.refTime,
        proofSize: dry.raw.gasRequired.proofSize,
        deposit: deposit.value,
        refund: deposit.type === 'Refund',
      };
      const go = await new Promise<boolean>((resolve) => {
        setPending({ label, cost, resolve });
        setTimeout(() => confirmRef.current?.focus(), 0);
      });
      setPending(null);
      if (!go) return { ok: false, error: 'Cancelled: nothing was signed.' };
      setStatus(`${label}: signing and sending…`);
      try {
        // A tenth more than the dry run needed: the chain may have moved on a block.
        const margin = (x: bigint) => x + x / 10n;
        const tx = (c.tx as unknown as Calls)[message](...args, {
          value,
          gasLimit: { refTime: margin(cost.refTime), proofSize: margin(cost.proofSize) },
          storageDepositLimit: cost.refund || cost.deposit === 0n ? undefined : margin(cost.deposit),
        });
        const result = await (
          account.pair ? tx.signAndSend(account.pair) : tx.signAndSend(account.address, { signer: account.signer })
        ).untilBestChainBlockIncluded();
        if (result.dispatchError) {
          const meta = suite.client.registry.findErrorMeta(result.dispatchError);
          const error = meta ? `${spaced(meta.name)}: ${meta.docs.join(' ')}` : 'The transaction failed on chain.';
          setStatus(`${label}: ${error}`);
          return { ok: false, error };
        }
        const block = result.status?.value?.blockNumber as number | undefined;
        setStatus(`${label}: done${block !== undefined ? ` in block #${block}` : ''}.`);
        return { ok: true, value: r.value as T, block };
      } catch (e) {
        const error = describe(e);
        setStatus(`${label}: ${error}`);
        return { ok: false, error };
      }
    },
    [suite, account],
  );

  return (
    <TxContext.Provider value={{ send, query } as TxApi}>
      {children}
      <p className="tx-status" role="status" aria-live="polite">
        {status}
      </p>
      {pending && (
        <div className="dialog-backdrop">
          <div
            className="dialog"
            role="dialog"
            aria-modal="true"
            aria-labelledby="tx-title"
            onKeyDown={(e) => {
              if (e.key === 'Escape') pending.resolve(false);
            }}
          >
            <h2 id="tx-title">{pending.label}</h2>
            <p>The dry run succeeded. Signing sends it as a transaction from {account?.name}.</p>
            <dl className="cost">
              <dt>Computation (ref_time)</dt>
              <dd>{pending.cost.refTime.toLocaleString()} ps</dd>
              <dt>Proof size</dt>
              <dd>{pending.cost.proofSize.toLocaleString()} bytes</dd>
              <dt>Storage deposit</dt>
              <dd>
                {pending.cost.refund ? 'refund of ' : ''}
                {formatToken(pending.cost.deposit, suite.token)}
              </dd>
            </dl>
            <div className="actions">
              <button ref={confirmRef} onClick={() => pending.resolve(true)}>
                Sign and send
              </button>
              <button className="secondary" onClick={() => pending.resolve(false)}>
                Cancel
              </button>
            </div>
          </div>
        </div>
      )}
    </TxContext.Provider>
  );
}
