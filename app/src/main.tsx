import { pageOf } from './route';
import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { connect, deploymentLocation, type Suite } from './suite';
import {
  createFreshAccount,
  devAccounts,
  extensionAccounts,
  freshAccounts,
  isDevChain,
  knownAccounts,
  shortAddress,
  type Account,
} from './accounts';
import { TxProvider } from './tx';
import { KnownAccounts } from './ui';
import { Money, SUITE_CURRENCY, tokenOf } from './money';
import { Feed } from './feed';
import { PatientPage } from './pages/Patient';
import { ClinicianPage } from './pages/Clinician';
import { PharmacyPage } from './pages/Pharmacy';
import { ProviderPage } from './pages/Provider';
import { PayerPage } from './pages/Payer';
import { AuthorityPage } from './pages/Authority';
import { MonitoringPage } from './pages/Monitoring';
import { TrialsPage } from './pages/Trials';
import { GovernancePage } from './pages/Governance';
import './style.css';

export interface PageProps {
  suite: Suite;
  account: Account | undefined;
  accounts: Account[];
}

const PAGES = [
  { id: 'patient', title: 'Patient', Page: PatientPage },
  { id: 'clinician', title: 'Clinician', Page: ClinicianPage },
  { id: 'monitoring', title: 'Remote monitoring', Page: MonitoringPage },
  { id: 'trials', title: 'Clinical trials', Page: TrialsPage },
  { id: 'pharmacy', title: 'Pharmacy & distributor', Page: PharmacyPage },
  { id: 'provider', title: 'Provider', Page: ProviderPage },
  { id: 'payer', title: 'Payer', Page: PayerPage },
  { id: 'authority', title: 'Licensing & regulator', Page: AuthorityPage },
  { id: 'governance', title: 'Governance', Page: GovernancePage },
] as const;

function usePage(): string {
  const read = () => pageOf(window.location.hash) ?? 'patient';
  const [page, setPage] = useState(read);
  useEffect(() => {
    const on = () => setPage(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return page;
}

function Network({ suite }: { suite: Suite }) {
  const [block, setBlock] = useState<number>();
  useEffect(() => {
    const unsub = suite.client.query.system.number((n: number) => setBlock(n));
    return () => void unsub.then((u) => u());
  }, [suite]);
  const d = suite.deployment;
  return (
    <details className="network">
      <summary>
        <span className="badge">{d.network}</span> {d.chain} at {d.url}
        {block !== undefined && <span className="block"> · block #{block}</span>}
      </summary>
      <p>
        Deployment <code>{suite.source}</code> of {new Date(d.deployed_at).toLocaleString()}, by <code>{shortAddress(d.deployer)}</code>;
        governed by {d.consortium.threshold} of {d.consortium.members.length} members, whose changes wait {d.consortium.delay_ms / 1000} s.
      </p>
      <table>
        <caption>Contracts</caption>
        <thead>
          <tr>
            <th scope="col">Contract</th>
            <th scope="col">Address</th>
            <th scope="col">Code hash</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(d.contracts).map(([name, c]) => (
            <tr key={name}>
              <td>{name}</td>
              <td>
                <code>{c.address}</code>
              </td>
              <td>
                <code>{c.code_hash.slice(0, 18)}…</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function AccountPicker({
  suite,
  accounts,
  account,
  choose,
  add,
}: {
  suite: Suite;
  accounts: Account[];
  account: Account | undefined;
  choose: (a: Account | undefined) => void;
  add: (a: Account) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const dev = isDevChain(suite.deployment.chain);
  return (
    <div className="account-picker">
      <label htmlFor="account">Acting as</label>
      <select id="account" value={account?.address ?? ''} onChange={(e) => choose(accounts.find((a) => a.address === e.target.value))}>
        <option value="">— choose an account —</option>
        {accounts.map((a) => (
          <option key={a.address} value={a.address}>
            {a.name} · {shortAddress(a.address)}
          </option>
        ))}
      </select>
      {dev && (
        <button
          className="secondary"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError('');
            try {
              add(await createFreshAccount(suite.client, 1_000_000_000_000_000n));
            } catch (e) {
              setError(e instanceof Error ? e.message : String(e));
            } finally {
              setBusy(false);
            }
          }}
        >
          {busy ? 'Funding…' : 'New funded account'}
        </button>
      )}
      {account && <code className="address">{account.address}</code>}
      {error && <p role="alert">{error}</p>}
    </div>
  );
}

function App() {
  const [suite, setSuite] = useState<Suite>();
  const [failure, setFailure] = useState<string>();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [account, setAccount] = useState<Account>();
  const page = usePage();

  useEffect(() => {
    // StrictMode runs this twice in development: the first connection is closed.
    let cancelled = false;
    let connected: Suite | undefined;
    (async () => {
      const location = await deploymentLocation();
      try {
        const s = await connect(location);
        connected = s;
        if (cancelled) {
          await s.client.disconnect();
          return;
        }
        const list: Account[] = [];
        try {
          list.push(...(await extensionAccounts()));
        } catch {
          // no extension
        }
        if (isDevChain(s.deployment.chain)) list.push(...(await devAccounts()), ...(await freshAccounts()));
        setAccounts(list);
        setSuite(s);
      } catch (e) {
        setFailure(`Could not load ${location}: ${e instanceof Error ? e.message : String(e)}`);
      }
    })();
    return () => {
      cancelled = true;
      void connected?.client.disconnect();
    };
  }, []);

  const add = useCallback((a: Account) => {
    setAccounts((list) => [...list, a]);
    setAccount(a);
  }, []);
  // One list per change of the accounts or the deployment: the lists that read it (a
  // worklist naming its parties) are not read again on every render.
  const known = useMemo(() => (suite ? knownAccounts(accounts, suite.deployment.contracts) : []), [accounts, suite]);
  const money = useMemo(() => ({ currency: SUITE_CURRENCY, token: suite?.token ?? tokenOf(undefined) }), [suite]);

  if (failure)
    return (
      <main className="loading">
        <h1>Healthcare suite</h1>
        <p role="alert">{failure}</p>
        <p>
          Serve the app with <code>scripts/app.sh</code> (it serves the deployment files beside it), or add{' '}
          <code>?deployment=deployments/&lt;network&gt;.json</code> to the address.
        </p>
      </main>
    );
  if (!suite)
    return (
      <main className="loading">
        <h1>Healthcare suite</h1>
        <p role="status">Connecting…</p>
      </main>
    );

  const current = PAGES.find((p) => p.id === page) ?? PAGES[0];
  const Page = current.Page;
  return (
    <TxProvider suite={suite} account={account}>
      <header>
        <h1>Healthcare suite</h1>
        <Network suite={suite} />
        <AccountPicker suite={suite} accounts={accounts} account={account} choose={setAccount} add={add} />
        <nav aria-label="Roles">
          <ul>
            {PAGES.map((p) => (
              <li key={p.id}>
                <a href={`#/${p.id}`} aria-current={p.id === current.id ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <KnownAccounts.Provider value={known}>
        <Money.Provider value={money}>
          <div className="layout">
            <main id="main">
              <h2>{current.title}</h2>
              <Page suite={suite} account={account} accounts={accounts} />
            </main>
            <Feed suite={suite} />
          </div>
        </Money.Provider>
      </KnownAccounts.Provider>
    </TxProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
