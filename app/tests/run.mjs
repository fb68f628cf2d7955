// Browser tests of the dApp, through its pages, against a node with the suite deployed
// (scripts/test.sh starts both and serves the app with scripts/app.sh). Playwright
// (playwright-core) drives Debian's chromium. One flow per role, a refusal in words, the
// FHIR R4 downloads checked by FHIR.js against the R4 definitions, an axe-core check of
// every page, and a screenshot of every page in the folder printed at the end.
//
// Usage: node tests/run.mjs [--url http://127.0.0.1:4173] [--screenshots DIR] [--docs-images DIR]
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import fhirPackage from 'fhir';
import { secp256k1 } from '@noble/curves/secp256k1';
import bwipjs from 'bwip-js/node';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const { Fhir } = fhirPackage;
const here = dirname(fileURLToPath(import.meta.url));
/** The suite's contracts, from the one list (contracts/suite.json). */
const SUITE = JSON.parse(readFileSync(join(here, '..', '..', 'contracts', 'suite.json'), 'utf8')).contracts.map((c) => c.name);
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const url = arg('--url', 'http://127.0.0.1:4173');
const shots = resolve(arg('--screenshots', join(here, '..', 'test-results', 'screenshots')));
mkdirSync(shots, { recursive: true });
// With --docs-images DIR, the role homes' worklists are also captured, each section alone,
// for docs/frontend.md (docs/images).
const docsImages = arg('--docs-images', undefined);
if (docsImages) mkdirSync(resolve(docsImages), { recursive: true });
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

let passed = 0;
let failed = 0;
const failures = [];
async function check(name, body) {
  const started = Date.now();
  try {
    await body();
    passed += 1;
    console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed += 1;
    failures.push(name);
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message.split('\n').slice(0, 6).join('\n     ') : e}`);
  }
}
function expect(condition, message) {
  if (!condition) throw new Error(message);
}

// A GTIN-14 of a company prefix and item reference, with its GS1 check digit.
function gtinOf(prefix, item) {
  const body = `0${prefix}${item}`.padEnd(13, '0').slice(0, 13);
  const sum = body
    .split('')
    .reverse()
    .reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 3 : 1), 0);
  return body + String((10 - (sum % 10)) % 10);
}

const run = Date.now().toString().slice(-6);
const prefix = `7${run}`; // 7 digits, new every run
const gtin = gtinOf(prefix, '0042');
const lot = `L${run}`;

/** A GS1 DataMatrix of `text` as a printer makes it (bwip-js), as a PNG. */
const dataMatrixPng = (text) => bwipjs.toBuffer({ bcid: 'gs1datamatrix', text, scale: 4, padding: 8, backgroundcolor: 'FFFFFF' });
/** A camera's view of a pack's GS1 DataMatrix of `text`, as a Y4M video (one 640×480
 * frame, 4:2:0): Chromium's fake capture device plays it to the page as its camera. */
function dataMatrixY4m(text) {
  const [symbol] = bwipjs.raw('gs1datamatrix', text, '');
  const [width, height, module] = [640, 480, 10];
  const luma = Buffer.alloc(width * height, 235);
  const left = Math.floor((width - symbol.pixx * module) / 2);
  const top = Math.floor((height - symbol.pixy * module) / 2);
  for (let y = 0; y < symbol.pixy; y++)
    for (let x = 0; x < symbol.pixx; x++)
      if (symbol.pixs[y * symbol.pixx + x])
        for (let dy = 0; dy < module; dy++)
          luma.fill(16, (top + y * module + dy) * width + left + x * module, (top + y * module + dy) * width + left + (x + 1) * module);
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F5:1 Ip A1:1 C420jpeg\nFRAME\n`), luma, chroma]);
}
const cameraFile = join(shots, 'camera-pack.y4m');
writeFileSync(cameraFile, dataMatrixY4m(`(01)${gtin}(10)${lot}`));

const browser = await chromium.launch({
  executablePath: chromiumPath,
  // The camera is a fake device playing the pack above, allowed without a prompt.
  args: [
    '--no-sandbox',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${cameraFile}`,
  ],
});
const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
// The app needs nothing from the internet (its barcode reader's .wasm is bundled, not
// fetched from a CDN): any HTTP(S) request to another host than the app's and this
// machine's fails the flow that made it (WebSockets, the node's, are not routed here).
const offline = [];
const local = new Set(['127.0.0.1', 'localhost', '[::1]', new URL(url).hostname]);
await context.route(
  (u) => !local.has(u.hostname),
  (route) => {
    offline.push(route.request().url());
    return route.abort();
  },
);
const page = await context.newPage();
page.setDefaultTimeout(60_000);
const consoleErrors = [];
page.on('pageerror', (e) => consoleErrors.push(e.message));

const TITLES = {
  patient: 'Patient',
  clinician: 'Clinician',
  monitoring: 'Remote monitoring',
  trials: 'Clinical trials',
  pharmacy: 'Pharmacy & distributor',
  provider: 'Provider',
  payer: 'Payer',
  authority: 'Licensing & regulator',
  governance: 'Governance',
};
const go = async (role) => {
  await page.goto(`${url}/#/${role}`);
  await page.getByRole('heading', { level: 2, name: TITLES[role], exact: true }).waitFor();
};
const actAs = async (name) => {
  const value = await page.$eval(
    '#account',
    (select, wanted) => [...select.options].find((o) => o.text.startsWith(`${wanted} ·`))?.value,
    name,
  );
  expect(value, `no account ${name} in the picker`);
  await page.selectOption('#account', value);
};
const section = (title) => page.locator('section', { has: page.getByRole('heading', { name: title, exact: true }) });
// Submits a section's form; a transaction is confirmed in the dialog. Returns the outcome text.
const submit = async (title, button, { sign = true } = {}) => {
  const s = section(title);
  await s.getByRole('button', { name: button, exact: true }).click();
  if (sign) {
    const dialogOrRefusal = await Promise.race([
      page
        .getByRole('dialog')
        .waitFor()
        .then(() => 'dialog'),
      s
        .locator('.refused')
        .waitFor()
        .then(() => 'refused'),
    ]);
    if (dialogOrRefusal === 'dialog') await page.getByRole('button', { name: 'Sign and send' }).click();
  }
  const outcome = s.locator('.ok, .refused').first();
  await outcome.waitFor();
  return outcome.innerText();
};
const fill = async (name, value) => page.locator(`[name="${name}"]`).fill(value);
// An id picked from the list the field offers (a payer's plans or a member's, device
// models), not typed.
const pickId = async (name, id) => {
  await page.locator(`#${name}-choices option[value="${id}"]`).waitFor({ state: 'attached' });
  await fill(name, id);
};
// An account picked by its name from the list the field offers (its datalist), not typed.
const pick = async (name, label) => {
  const offered = page.locator(`#${name}-choices option[label="${label}"]`);
  expect((await offered.count()) === 1, `${name} offers ${label}`);
  await fill(name, await offered.getAttribute('value'));
};
const newAccount = async () => {
  const before = await page.$$eval('#account option', (options) => options.length);
  await page.getByRole('button', { name: 'New funded account' }).click();
  // Funded by Alice in a transaction: the account is added to the picker and chosen.
  await page.waitForFunction((n) => document.querySelectorAll('#account option').length > n, before, { timeout: 60_000 });
  return (await page.locator('.account-picker .address').innerText()).trim();
};
// Confirms the transaction a button started (the signing dialog), or fails with the
// refusal the app showed instead.
const sign = async (what) => {
  const asked = await Promise.race([
    page
      .getByRole('dialog')
      .waitFor()
      .then(() => 'dialog'),
    page
      .locator('.tx-status', { hasText: 'refused' })
      .waitFor()
      .then(() => page.locator('.tx-status').innerText()),
  ]);
  expect(asked === 'dialog', `${what}: ${asked}`);
  await page.getByRole('button', { name: 'Sign and send' }).click();
};
const docShot = async (name, locator) => {
  if (docsImages) await locator.screenshot({ path: join(resolve(docsImages), `app-${name}.png`) });
};
const screenshot = async (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
// A role's home as it opens (the top of its page, the worklists first), for
// docs/frontend.md with --docs-images: JPEG, at most 1 100 px of the page's main column.
const homeShot = async (role) => {
  if (!docsImages) return;
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await page.locator('main#main').boundingBox();
  expect(box, `no main column on the ${role} page`);
  await page.screenshot({
    path: join(resolve(docsImages), `home-${role}.jpg`),
    type: 'jpeg',
    quality: 70,
    fullPage: true,
    clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 1100) },
    // The transaction line floats over the page: not part of the home.
    style: '.tx-status { display: none !important; }',
  });
};
const axe = async (name) => {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(!bad.length, `${name}: ${bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} nodes, ${v.nodes[0]?.target}`).join('; ')}`);
};

const accounts = {};
/** The development chain's Alice: the deployer, and so the suite's regulator. */
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';

await check('the app loads the deployment and shows the network and contracts', async () => {
  await page.goto(url);
  await page.getByText('Acting as').waitFor();
  const summary = await page.locator('.network summary').innerText();
  expect(/local/.test(summary) && /ws:\/\/127\.0\.0\.1/.test(summary), `network line: ${summary}`);
  await page.locator('.network summary').click();
  for (const name of SUITE) expect(await page.getByRole('cell', { name, exact: true }).count(), `${name} not listed`);
});

await check("the activity feed shows the suite's history before the page opened, from the indexer the deployment names", async () => {
  const earlier = page.locator('.feed ol[aria-label^="Earlier contract events"] li');
  await earlier.first().waitFor();
  expect((await earlier.count()) > 0, 'earlier events');
  const through = await page.getByText(/From the indexer, complete through block #\d+/).innerText();
  expect(/#\d+/.test(through), `completeness line: ${through}`);
});

await check('fresh funded accounts for the roles (never a seed phrase asked)', async () => {
  const roles = ['manufacturer', 'pharmacy', 'payer', 'provider', 'patient', 'deviceMaker', 'sponsor', 'irb', 'adjuster'];
  for (const role of roles) accounts[role] = await newAccount();
  expect(new Set(Object.values(accounts)).size === roles.length, 'distinct accounts');
  expect((await page.locator('input[type=password]').count()) === 0, 'a secret field was shown');
});

await check(
  'licensing authority issues credentials and a GS1 prefix; one expiring within 90 days is renewed from its worklist',
  async () => {
    await go('authority');
    await actAs('Alice');
    const issue = async (who, kind, id) => {
      await fill('subject', accounts[who]);
      await page.selectOption('[name="kind"]', kind);
      await fill('identifier', id);
      const out = await submit('Issue a credential', 'Issue');
      expect(/^Done/.test(out), `issue ${kind} to ${who}: ${out}`);
    };
    await issue('manufacturer', 'ManufacturerLicence', `FEI${run}`);
    await issue('pharmacy', 'PharmacyLicence', `PH${run}`);
    await issue('payer', 'PayerLicence', `INS${run}`);
    await issue('provider', 'MedicalLicence', `MD${run}`);
    await issue('deviceMaker', 'DeviceManufacturer', `DM${run}`);
    await issue('sponsor', 'TrialSponsor', `SP${run}`);
    await issue('irb', 'EthicsCommittee', `IRB${run}`);
    // A licence ending within 90 days is on the authority's worklist, renewed from its row.
    const day = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    await fill('valid-until', day(30));
    await issue('provider', 'NursingLicence', `RN${run}`);
    await fill('valid-until', '');
    const expiring = page.getByTestId('expiring-row').filter({ hasText: `RN${run}` });
    await expiring.waitFor();
    expect(/Fresh 4/.test(await expiring.innerText()), `expiring: ${await expiring.innerText()}`);
    await docShot('authority-expiring', page.locator('section[aria-labelledby="expiring-title"]'));
    await expiring.getByRole('button', { name: /^Renew credential \d+$/ }).click();
    expect(/^\d+$/.test(await page.locator('[name="renew-credential"]').inputValue()), 'the credential picked for renewal');
    await fill('renew-until', day(2 * 365));
    await fill('renew-evidence', `State board of nursing verification ${run}`);
    const renewed = await submit('Renew a credential', 'Renew');
    expect(/^Done/.test(renewed), `renew: ${renewed}`);
    await expiring.waitFor({ state: 'detached' });
    expect(/^Among the/.test(await page.getByTestId('expiring-source').innerText()), 'the expiring credentials read again');
    await fill('prefix', prefix);
    await pick('prefix-owner', 'Fresh 1');
    expect((await page.locator('[name="prefix-owner"]').inputValue()) === accounts.manufacturer, 'Fresh 1 is the manufacturer');
    const out = await submit('GS1 company prefix', 'Assign prefix');
    expect(/^Done/.test(out), `assign prefix: ${out}`);
    await screenshot('authority');
    await axe('authority page');
  },
);

let batch;
await check(
  'pharmacy: a registered lot scans AUTHENTIC, an unknown one UNKNOWN; a priced shipment from its worklist is paid and received, the seller paid; a suspicion taken up from the regulator’s list and cleared; a recalled lot scans RECALLED',
  async () => {
    await go('pharmacy');
    await actAs('Fresh 1'); // manufacturer
    await fill('gtin', gtin);
    await fill('lot', lot);
    await fill('expiry', `${new Date().getFullYear() + 2}-01-31`);
    const out = await submit('Manufacturer: register a batch', 'Register batch');
    expect(/^Done/.test(out), `register: ${out}`);
    batch = await section('Manufacturer: register a batch').getByTestId('returned').innerText();
    // Cold chain: the manufacturer appoints itself as the batch's sensor and records a
    // reading in range and one above it (2-8 °C).
    // The new batch is in the manufacturer's stock: *Use* puts it in every form (no id typed).
    await page.getByRole('button', { name: `Use batch ${batch}`, exact: true }).click();
    expect((await page.locator('[name="sensor-batch"]').inputValue()) === batch, 'the batch picked from the stock list');
    await fill('sensor', accounts.manufacturer);
    await section('Cold chain').getByRole('button', { name: 'Appoint sensor' }).click();
    await page.getByRole('button', { name: 'Sign and send' }).click();
    await page.locator('.tx-status', { hasText: `Appoint sensor for batch ${batch}: done` }).waitFor();
    for (const t of ['5', '9']) {
      await fill('temperature', t);
      expect(/^Done/.test(await submit('Cold chain', 'Record reading')), `reading ${t}`);
    }

    await actAs('Fresh 2'); // pharmacy
    const scan = async (text) => {
      await fill('scan', text);
      await section('Scan and verify a pack').getByRole('button', { name: 'Verify' }).click();
      await page.getByTestId('verdict').waitFor();
      return page.getByTestId('verdict').innerText();
    };
    expect((await scan(`(01)${gtin}(17)${String(new Date().getFullYear() + 2).slice(2)}0131(10)${lot}`)) === 'AUTHENTIC', 'registered lot');
    // A photo of the pack's DataMatrix, and the camera (a fake device playing one), read by
    // the app itself: the element string lands in the field and is verified.
    await fill('scan', '');
    await page.locator('[name="scan-image"]').setInputFiles({
      name: 'pack.png',
      mimeType: 'image/png',
      buffer: await dataMatrixPng(`(01)${gtin}(17)${String(new Date().getFullYear() + 2).slice(2)}0131(10)${lot}`),
    });
    // The field holds what the app read (or the page says why it read nothing).
    const readInto = async (want, what) => {
      const read = await page
        .waitForFunction((w) => document.querySelector('[name="scan"]')?.value === w, want, { timeout: 20_000 })
        .then(() => true)
        .catch(() => false);
      expect(read, `${what}: ${(await page.locator('.refused[role=alert]').allInnerTexts()).join(' ') || 'nothing read'}`);
      await page.getByTestId('verdict').filter({ hasText: 'AUTHENTIC' }).waitFor();
    };
    await readInto(`(01)${gtin}(17)${String(new Date().getFullYear() + 2).slice(2)}0131(10)${lot}`, 'the photo');
    await fill('scan', '');
    await section('Scan and verify a pack').getByRole('button', { name: 'Scan with the camera' }).click();
    await readInto(`(01)${gtin}(10)${lot}`, 'the camera');
    expect((await page.getByTestId('camera').count()) === 0, 'the camera stopped after the read');
    await page.locator('.verdict summary', { hasText: 'Custody chain' }).click();
    // The chain across partners, from the indexer's EPCIS 2.0 query, in words.
    await page.getByText(/EPCIS 2\.0 from the indexer, complete through block #\d+: \d+ events/).waitFor();
    const steps = await page.locator('.timeline li').allInnerTexts();
    expect(/^Registered by its manufacturer/.test(steps[0] ?? ''), `custody steps: ${steps.join(' | ')}`);
    await page.locator('.verdict summary', { hasText: 'Temperature readings' }).click();
    await page.getByText('2 readings, 1 outside 2–8 °C').waitFor();
    await screenshot('pharmacy-authentic');
    expect((await scan(`(01)${gtin}(10)NOSUCHLOT`)) === 'UNKNOWN', 'unknown lot');

    // The manufacturer ships 10 units to the pharmacy at $2.50 each, paid on receipt.
    await actAs('Fresh 1');
    await page.getByRole('button', { name: `Use batch ${batch}`, exact: true }).click();
    await pick('ship-to', 'Fresh 2');
    await fill('ship-units', '10');
    await fill('ship-price', '2.50');
    expect(/^Done/.test(await submit('Ship', 'Ship')), 'priced shipment');
    // It is in the sender's shipments in transit until the pharmacy receives it.
    const inTransit = page.getByTestId('in-transit-row').filter({ hasText: `lot ${lot}` });
    await inTransit.first().waitFor();
    const sent = await inTransit.first().innerText();
    expect(/Fresh 2/.test(sent) && /\$25\.00/.test(sent) && /not yet paid into escrow/.test(sent), `in transit: ${sent}`);
    await docShot('pharmacy-in-transit', page.locator('section[aria-labelledby="in-transit-title"]'));
    // The pharmacist finds it in its worklist (no id typed), pays into escrow, receives it;
    // the seller is paid.
    await actAs('Fresh 2');
    const incoming = page.getByTestId('incoming-row').filter({ hasText: `lot ${lot}` });
    await incoming.first().waitFor();
    const offered = await incoming.first().innerText();
    expect(
      /\$2\.50 each, \$25\.00/.test(offered) && /to pay into escrow/.test(offered) && /Fresh 1/.test(offered),
      `worklist row: ${offered}`,
    );
    await screenshot('pharmacy-incoming');
    await homeShot('pharmacy');
    await docShot('pharmacy-incoming', page.locator('section[aria-labelledby="incoming-title"]'));
    await incoming.first().getByRole('button', { name: 'Pay $25.00' }).click();
    await sign('pay into escrow');
    await incoming.first().getByText('$25.00 in escrow').waitFor();
    await incoming.first().getByRole('button', { name: 'Receive all' }).click();
    await sign('receive');
    await page
      .locator('.feed .said', { hasText: /^Shipment \d+: \$25\.00 released to the seller$/ })
      .first()
      .waitFor();
    await page.getByText('Nothing to receive.').waitFor();
    // A pack looks wrong: the pharmacist flags the batch as suspect; the regulator takes the
    // investigation up from its list (no batch id typed) and clears the suspicion.
    // The batch is picked from the pharmacy's stock (10 units held now), not typed.
    const stock = page.getByTestId('stock-row').filter({ hasText: lot });
    await stock.getByTestId('stock-held').filter({ hasText: /^10$/ }).waitFor();
    await docShot('pharmacy-stock', page.locator('section[aria-labelledby="stock-title"]'));
    await stock.getByRole('button', { name: `Use batch ${batch}` }).click();
    expect((await page.locator('[name="flag-batch"]').inputValue()) === batch, 'the batch picked from the stock');
    expect(/^Done/.test(await submit('Flag suspect product', 'Flag as suspect')), 'flag as suspect');
    await go('authority');
    await actAs('Alice');
    const investigation = page.getByTestId('investigation-row').filter({ hasText: `lot ${lot}` });
    await investigation.waitFor();
    const open = await investigation.innerText();
    expect(/Fresh 2/.test(open) && /awaiting the manufacturer/.test(open), `investigation: ${open}`);
    await screenshot('authority-investigations');
    await homeShot('authority');
    await docShot('authority-investigations', page.locator('section[aria-labelledby="investigations-title"]'));
    await investigation.getByRole('button', { name: /^Take up investigation \d+$/ }).click();
    expect((await page.locator('[name="recall-batch"]').inputValue()) === batch, 'the batch taken up');
    await fill('findings', `Inspected ${run}: the packaging is genuine`);
    expect(/^Done/.test(await submit('Clear a suspicion', 'Clear suspicion')), 'clear the suspicion');
    await investigation.waitFor({ state: 'detached' });

    await go('authority');
    await actAs('Alice');
    // The regulator finds the batch from the pack's element string (no batch id typed).
    await fill('recall-batch', '');
    await fill('recall-pack', `(01)${gtin}(10)${lot}`);
    await section('Recall a batch').getByRole('button', { name: 'Find batch' }).click();
    await page.getByText(`GTIN ${gtin} lot ${lot} is batch ${batch}.`).waitFor();
    expect((await page.locator('[name="recall-batch"]').inputValue()) === batch, 'the batch found from the pack');
    const recall = await submit('Recall a batch', 'Recall');
    expect(/^Done/.test(recall), `recall: ${recall}`);
    // The activity feed decodes the recall with drug_provenance's metadata.
    await page.locator('.feed ol[aria-label="Contract events, newest first"] li', { hasText: 'BatchStateChanged' }).first().waitFor();
    await screenshot('activity-feed');

    // Recalled stock leaves circulation: the manufacturer surrenders units to the regulator
    // (the deployer, Alice) and destroys others.
    await go('pharmacy');
    await actAs('Fresh 1');
    await fill('return-batch', batch);
    await pick('return-to', 'Alice');
    expect((await page.locator('[name="return-to"]').inputValue()) === ALICE, 'Alice picked by name');
    await fill('return-units', '5');
    const surrendered = await submit('Return or surrender stock', 'Return');
    expect(/^Done/.test(surrendered), `surrender to the regulator: ${surrendered}`);
    const destroyed = await submit('Destroy stock', 'Destroy');
    expect(/^Done/.test(destroyed), `destroy: ${destroyed}`);

    await actAs('Fresh 2');
    const raw = `01${gtin}10${lot}`; // as a scanner sends it
    expect((await scan(raw)) === 'RECALLED', 'recalled lot');
    await screenshot('pharmacy-recalled');
    await axe('pharmacy page');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot('pharmacy-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  },
);

let plan;
await check(
  "held payment: a shipment received while its seller's licence is suspended holds the payment; the seller sees it held, the regulator refunds it from its list",
  async () => {
    const lot2 = `H${run}`;
    await go('pharmacy');
    await actAs('Fresh 1'); // manufacturer: a new lot, shipped at $1.00 a unit
    await fill('gtin', gtin);
    await fill('lot', lot2);
    await fill('expiry', `${new Date().getFullYear() + 2}-03-31`);
    expect(/^Done/.test(await submit('Manufacturer: register a batch', 'Register batch')), 'register the second lot');
    const batch2 = await section('Manufacturer: register a batch').getByTestId('returned').innerText();
    await page.getByRole('button', { name: `Use batch ${batch2}`, exact: true }).click();
    await pick('ship-to', 'Fresh 2');
    await fill('ship-units', '2');
    await fill('ship-price', '1.00');
    expect(/^Done/.test(await submit('Ship', 'Ship')), 'priced shipment of the second lot');

    await go('authority');
    await actAs('Alice'); // the licensing authority suspends the manufacturer's licence
    await fill('subject', accounts.manufacturer);
    await section('Credentials of an account').getByRole('button', { name: 'Show credentials' }).click();
    const licence = page.locator('tr', { hasText: 'ManufacturerLicence' }).first();
    await licence.getByRole('button', { name: 'Suspend' }).click();
    await sign('suspend');
    await licence.filter({ hasText: 'Suspended' }).waitFor();

    await go('pharmacy');
    await actAs('Fresh 2'); // the pharmacy pays and receives: the seller's payment is held
    const incoming = page.getByTestId('incoming-row').filter({ hasText: `lot ${lot2}` });
    await incoming.getByRole('button', { name: 'Pay $2.00' }).click();
    await sign('pay into escrow');
    await incoming.getByRole('button', { name: 'Receive all' }).click();
    await sign('receive');
    await incoming.waitFor({ state: 'detached' });
    await actAs('Fresh 1');
    const mine = page.getByTestId('held-row').filter({ hasText: `lot ${lot2}` });
    await mine.waitFor();
    expect(/\$2\.00/.test(await mine.innerText()) && /Fresh 2/.test(await mine.innerText()), `held: ${await mine.innerText()}`);

    await go('authority');
    await actAs('Alice'); // the regulator refunds it from its list, citing its findings
    const held = page.getByTestId('held-row').filter({ hasText: `lot ${lot2}` });
    await held.getByRole('button', { name: /^Refund the held payment of shipment \d+$/ }).click();
    expect(/^\d+$/.test(await page.locator('[name="held-refund-shipment"]').inputValue()), 'the shipment picked for the refund');
    await fill('findings', `Licence suspended for cause ${run}`);
    expect(/^Done/.test(await submit('Refund a held payment', 'Refund to the buyer')), 'refund');
    await held.waitFor({ state: 'detached' });
    expect(/^Still held among/.test(await page.getByTestId('held-regulator-source').innerText()), 'the held payments read again');
    // The licence is reinstated for the flows after this one.
    await fill('subject', accounts.manufacturer);
    await section('Credentials of an account').getByRole('button', { name: 'Show credentials' }).click();
    await licence.getByRole('button', { name: 'Reinstate' }).click();
    await sign('reinstate');
    await licence.filter({ hasNotText: 'Suspended' }).waitFor();
  },
);

await check('payer: a plan, fees, a member, escrow', async () => {
  await go('payer');
  await actAs('Fresh 3');
  await fill('deductible', '0');
  await fill('copay', '0');
  // A payer share above 100 waits for a person (the second claim below).
  await fill('reviewThreshold', '100');
  const out = await submit('Create a plan', 'Create plan');
  expect(/^Done/.test(out), `create plan: ${out}`);
  plan = await section('Create a plan').getByTestId('returned').innerText();
  await fill('fees', '99213 120\n99214 180');
  expect(/^Done/.test(await submit('Fee schedule', 'Set fees')), 'set fees');
  await fill('enroll-member', accounts.patient);
  expect(/^Done/.test(await submit('Enrol a member', 'Enrol')), 'enrol');
  // In dollars: $10,000.00, 100 UNIT at the suite's scale (10^8 planck to the cent).
  await fill('fund-amount', '10000');
  expect(/^Done/.test(await submit('Fund or withdraw', 'Fund')), 'fund');
  await pick('adjuster', 'Fresh 9');
  expect(/^Done/.test(await submit('Adjusters', 'Appoint')), 'appoint an adjuster');
  await page.getByTestId('escrow-total').waitFor();
  const funded = await page.getByTestId('escrow-total').innerText();
  expect(funded === '$10,000.00', `escrow after funding: ${funded}`);
});

await check('patient: payment consent to the payer, a care relationship, a record anchor', async () => {
  await go('patient');
  await actAs('Fresh 5');
  await fill('grantee', accounts.payer);
  await page.locator('input[name="Treatment"]').uncheck();
  await page.locator('input[name="Payment"]').check();
  await page.locator('input[name="Billing"]').check();
  const out = await submit('Grant or deny consent', 'Record consent');
  expect(/^Done/.test(out), `grant: ${out}`);
  await fill('provider', accounts.provider);
  expect(/^Done/.test(await submit('Care relationship', 'Name care provider')), 'care');
  await page
    .locator('[name="record-file"]')
    .setInputFiles({ name: 'visit-note.txt', mimeType: 'text/plain', buffer: Buffer.from(`visit ${run}`) });
  await fill('locator', `s3://records/${run}`);
  expect(/^Done/.test(await submit('Anchor a record', 'Anchor')), 'anchor');
});

await check('provider: submits a claim and sees it paid, each line with its CARC codes in words', async () => {
  await go('provider');
  await actAs('Fresh 4');
  await pick('member', 'Fresh 5');
  await pickId('plan', plan);
  const out = await submit('Submit a claim', 'Submit claim');
  expect(/^Done/.test(out), `submit: ${out}`);
  await page.getByRole('button', { name: 'Show my claims' }).click();
  await page.getByTestId('claim-status').first().waitFor();
  expect((await page.getByTestId('claim-status').first().innerText()) === 'Paid', 'claim paid');
  // The activity feed says it in words: the parties by name, the money in dollars.
  await page
    .locator('.feed .said', { hasText: /^Claim \d+ paid: \$96\.00 to Fresh 4 for 99213, patient owes \$24\.00$/ })
    .first()
    .waitFor();
  // The list comes from the indexer (newest first), each claim's detail from the contract.
  await section('Remittances')
    .getByText(/^From the indexer, complete through block #\d+$/)
    .waitFor();
  const adjustments = await page.locator('.remittance').first().innerText();
  expect(/CARC 45: charge exceeds fee schedule/i.test(adjustments), `CARC words: ${adjustments}`);
  // A second visit whose payer share (2 × 180 × 80 % = 288) is above the plan's review
  // threshold: it waits for the payer.
  await fill('line-0-procedure', '99214');
  await fill('line-0-billed', '400');
  await fill('line-0-units', '2');
  expect(/^Done/.test(await submit('Submit a claim', 'Submit claim')), 'second claim');
  await page.getByRole('button', { name: 'Show my claims' }).click();
  await page.getByTestId('claim-status').first().filter({ hasText: 'PendingReview' }).waitFor();
  // It is among the provider's open claims, with what it would be paid.
  await page.getByTestId('open-claim-row').filter({ hasText: 'Pending review' }).filter({ hasText: '$288.00' }).first().waitFor();
  await screenshot('provider');
  await homeShot('provider');
  await axe('provider page');
});

await check('payer: the escrow fell by the payer share', async () => {
  await go('payer');
  await actAs('Fresh 3');
  await pickId('plan-id', plan);
  await section('Plan and escrow').getByRole('button', { name: 'Show plan', exact: true }).click();
  await page.getByTestId('escrow-total').waitFor();
  const escrow = await page.getByTestId('escrow-total').innerText();
  expect(escrow === '$9,904.00', `escrow ${escrow}, expected $9,904.00 (allowed $120.00, 20 % coinsurance)`);
  const reserved = await page.getByTestId('escrow-reserved').innerText();
  expect(reserved === '$288.00', `reserved ${reserved}, expected $288.00 (the claim pending review)`);
});

await check(
  "adjuster: approves the claim at the top of its payer's review queue, without typing its id; escrow moves from reserved to paid",
  async () => {
    await go('payer');
    await actAs('Fresh 9');
    await pick('queue-payer', 'Fresh 3');
    const top = page.getByTestId('review-row').first();
    await top.waitFor();
    const row = await top.innerText();
    expect(/Pending review/.test(row) && /99214 ×2/.test(row) && /\b288\b/.test(row), `top of the queue: ${row}`);
    await screenshot('payer-queue');
    await homeShot('payer');
    await docShot('payer-queue', page.locator('section[aria-labelledby="review-queue-title"]'));
    await top.getByRole('button', { name: /^Review claim \d+$/ }).click();
    const review = section('Review and appeals');
    await review.getByTestId('claim-status').filter({ hasText: 'PendingReview' }).waitFor();
    await review.getByRole('button', { name: 'Approve', exact: true }).click();
    await sign('approve');
    await review.getByTestId('claim-status').filter({ hasText: 'Paid' }).waitFor();
    // The decision shows the claim's plan: nothing reserved any more, the 288 paid.
    await page
      .getByTestId('escrow-reserved')
      .filter({ hasText: /^\$0\.00$/ })
      .waitFor();
    const escrow = await page.getByTestId('escrow-total').innerText();
    const paid = await page.getByTestId('escrow-paid').innerText();
    expect(escrow === '$9,616.00' && paid === '$384.00', `escrow ${escrow}, paid ${paid}`);
    await page
      .locator('.feed .said', { hasText: /^Claim \d+ paid: \$288\.00 to Fresh 4 for 99214 ×2, patient owes \$72\.00$/ })
      .first()
      .waitFor();
    await page.getByText('Nothing to review.').waitFor();
    await screenshot('payer');
    await axe('payer page');
  },
);

await check(
  'patient: revokes the payment consent from its list; the next claim is denied for it, in words in the feed, linked to the claim; the provider voids it from its list',
  async () => {
    await go('patient');
    await actAs('Fresh 5');
    const consents = section('Consents');
    const payment = consents.locator('tr', { hasText: 'Payment' }).filter({ hasText: 'Fresh 3' });
    await payment.getByRole('button', { name: 'Revoke' }).click();
    await sign('revoke');
    await consents
      .locator('tr', { hasText: 'Payment' })
      .filter({ hasText: /revoked/ })
      .waitFor();
    await go('provider');
    await actAs('Fresh 4');
    await pick('member', 'Fresh 5');
    await pickId('plan', plan);
    await fill('line-0-procedure', '99213');
    await fill('line-0-billed', '150');
    await fill('line-0-units', '1');
    expect(/^Done/.test(await submit('Submit a claim', 'Submit claim')), 'claim after the revocation');
    await go('patient');
    await page
      .locator('.feed .said', { hasText: /^Claim \d+ from Fresh 4 for 99213 denied: CARC 197: / })
      .first()
      .waitFor();
    await screenshot('patient-feed');
    await docShot('feed', page.locator('.feed ol[aria-label="Contract events, newest first"]'));
    // The sentence links to its claim: the payer's page opens it, denied.
    const link = page
      .locator('.feed li', { has: page.locator('.said', { hasText: /^Claim \d+ from Fresh 4 for 99213 denied: CARC 197: / }) })
      .first()
      .getByRole('link', { name: /^Open claim \d+$/ });
    const linked = (await link.innerText()).replace('Open claim ', '');
    await link.click();
    await page.getByRole('heading', { level: 2, name: 'Payer', exact: true }).waitFor();
    await section('Review and appeals').getByTestId('claim-status').filter({ hasText: 'Denied' }).waitFor();
    expect((await page.locator('[name="review-claim"]').inputValue()) === linked, `the claim the feed linked: ${linked}`);
    // The provider voids the denied claim from its list of remittances (no id typed).
    await go('provider');
    await actAs('Fresh 4');
    await page.getByRole('button', { name: 'Show my claims' }).click();
    const denied = page.locator('.remittance').first();
    await denied.getByTestId('claim-status').filter({ hasText: 'Denied' }).waitFor();
    await denied.getByRole('button', { name: /^Void claim \d+$/ }).click();
    expect(/^\d+$/.test(await page.locator('[name="void-claim"]').inputValue()), 'the claim picked for voiding');
    expect(/^Done/.test(await submit('Void a claim', 'Void')), 'void');
    await page.locator('.remittance').first().getByTestId('claim-status').filter({ hasText: 'Voided' }).waitFor();
  },
);

await check('a refused action shows the contract error in words', async () => {
  await go('payer');
  await actAs('Fresh 2'); // a pharmacy, not a payer
  const out = await submit('Create a plan', 'Create plan');
  expect(/^Refused: Payer not licensed: .{10,}/.test(out), `refusal: ${out}`);
});

await check(
  'clinician: the patient is picked from its list of patients; refused without consent, break-glass opens access with a reason',
  async () => {
    await go('clinician');
    await actAs('Fresh 4');
    // Fresh 5 named Fresh 4 a care provider: it is on the list, opened without typing it.
    const row = page.getByTestId('patient-row').filter({ hasText: 'Fresh 5' });
    await row.waitFor();
    expect(/since/.test(await row.innerText()), `the care relationship: ${await row.innerText()}`);
    await docShot('clinician-patients', page.locator('section[aria-labelledby="patients-title"]'));
    await row.getByRole('button', { name: 'Open Fresh 5' }).click();
    expect((await page.locator('[name="clinician-patient"]').inputValue()) === accounts.patient, 'the patient opened');
    await section("A patient's records").getByRole('button', { name: 'Show records' }).click();
    await page.getByRole('button', { name: 'Access', exact: true }).first().click();
    const refused = page.getByText(/^Refused: /);
    await refused.waitFor();
    const out = await submit('Break-glass emergency access', 'Open break-glass access');
    expect(/^Done/.test(out), `break-glass: ${out}`);
    await screenshot('clinician');
    await homeShot('clinician');
    await axe('clinician page');
  },
);

await check('patient: the access log shows the break-glass grant to acknowledge; FHIR R4 downloads validate', async () => {
  await go('patient');
  await actAs('Fresh 5');
  await page.getByRole('button', { name: 'Acknowledge' }).first().click();
  await page.getByRole('button', { name: 'Sign and send' }).click();
  await page.getByText('· acknowledged').first().waitFor();
  await screenshot('patient');
  await homeShot('patient');
  await axe('patient page');
  const fhir = new Fhir();
  for (const [button, type] of [
    ['Download as FHIR R4 Consent bundle', 'Consent'],
    ['Download as FHIR R4 AuditEvent bundle', 'AuditEvent'],
  ]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
    const document = JSON.parse(readFileSync(await download.path(), 'utf8'));
    await page.getByText(new RegExp(`^Downloaded \\d+ ${type} resources from the indexer, complete through block #\\d+\\.$`)).waitFor();
    const result = fhir.validate(document);
    const errors = result.messages.filter((m) => m.severity === 'error');
    expect(result.valid && !errors.length, `${type} bundle: ${JSON.stringify(errors.slice(0, 3))}`);
    expect(document.entry.length > 0 && document.entry.every((e) => e.resource.resourceType === type), `${type} entries`);
    for (const entry of document.entry) {
      const one = fhir.validate(entry.resource);
      expect(one.valid, `${type}: ${JSON.stringify(one.messages.slice(0, 3))}`);
    }
    if (type === 'AuditEvent') {
      // The indexer's history has what the contract's log does not: the acknowledgement.
      const subtypes = document.entry.map((e) => e.resource.subtype?.[0]?.display);
      expect(subtypes.includes('break-glass grant acknowledged'), `AuditEvent subtypes: ${subtypes.join(', ')}`);
    }
  }
});

await check(
  "remote monitoring: a device model, its key attested, the device registered with its proof of possession, pairing refused without treatment consent and accepted with it, a threshold; the pairing on the patient's home",
  async () => {
    await go('monitoring');
    await actAs('Fresh 6'); // device maker
    await fill('model-record', `UDI-DI 0884838${run} blood pressure cuff`);
    const registered = await submit('Register a device model', 'Register model');
    expect(/^Done/.test(registered), `register model: ${registered}`);
    const model = await section('Register a device model').getByTestId('returned').innerText();
    // The cuff's secp256k1 key, as its maker built it in; the maker attests it.
    const secret = createHash('sha256').update(`cuff ${run}`).digest();
    const key = Buffer.from(secp256k1.getPublicKey(secret, true)).toString('hex');
    await pickId('attest-model', model);
    await fill('attest-keys', key);
    const attested = await submit('Attest device keys', 'Attest keys');
    expect(/^Done/.test(attested), `attest keys: ${attested}`);
    await actAs('Fresh 4'); // provider, medical licence
    await fill('device-key', key);
    await pickId('device-model', model);
    const prepared = await submit('Prepare a device registration', 'Prepare registration', { sign: false });
    expect(/^Done/.test(prepared), `prepare registration: ${prepared}`);
    const hash = (await page.getByTestId('registration-hash').innerText()).replace(/^0x/, '');
    // The device signs the registration's hash (r, s and the recovery id).
    const sign = (digest) => {
      const signature = secp256k1.sign(digest, secret);
      return `${signature.toCompactHex()}${signature.recovery.toString(16).padStart(2, '0')}`;
    };
    await fill('device-signature', sign(createHash('sha256').update('another message').digest()));
    const forged = await submit('Register a device', 'Register device');
    expect(/Bad signature/i.test(forged), `a signature over something else: ${forged}`);
    await fill('device-signature', sign(Buffer.from(hash, 'hex')));
    const device = await submit('Register a device', 'Register device');
    expect(/^Done/.test(device), `register device: ${device}`);
    await fill('monitoring-patient', accounts.patient);
    const refused = await submit('Pair the device with the patient', 'Pair device');
    expect(/No treatment consent/.test(refused), `pairing without consent: ${refused}`);

    await go('patient');
    await actAs('Fresh 5'); // patient
    await fill('grantee', accounts.provider);
    await page.locator('input[name="Treatment"]').check();
    await page.locator('input[name="Payment"]').uncheck();
    await page.locator('input[name="Billing"]').uncheck();
    await page.locator('input[name="VitalSigns"]').check();
    const consent = await submit('Grant or deny consent', 'Record consent');
    expect(/^Done/.test(consent), `treatment consent for vital signs: ${consent}`);

    await go('monitoring');
    await actAs('Fresh 4');
    await fill('monitoring-patient', accounts.patient);
    // The device is picked from those the clinician registered, not typed.
    await pickId('device-key', `0x${key}`);
    const paired = await submit('Pair the device with the patient', 'Pair device');
    expect(/^Done/.test(paired), `pairing with consent: ${paired}`);
    await fill('low', '90');
    await fill('high', '140');
    const threshold = await submit('Alert threshold', 'Set threshold');
    expect(/^Done/.test(threshold), `threshold: ${threshold}`);

    await actAs('Fresh 5'); // the patient sees their device, care team and days with data
    await fill('monitoring-patient', '');
    await section('Whose monitoring').getByRole('button', { name: 'Show' }).click();
    const days = page.getByTestId('monitored-days');
    await days.waitFor();
    expect(/^0 of 30 days/.test(await days.innerText()), `days: ${await days.innerText()}`);
    expect((await page.getByTitle(`0x${key}`).count()) === 1, 'the paired device is listed');
    await screenshot('monitoring');
    await homeShot('monitoring');
    await axe('monitoring page');
    // The patient's home lists the pairing too: by whom, and that the device may send data.
    await go('patient');
    await actAs('Fresh 5');
    const pairing = page.getByTestId('device-row').filter({ has: page.getByTitle(`0x${key}`) });
    await pairing.waitFor();
    const home = await pairing.innerText();
    expect(/Fresh 4/.test(home) && /paired now/.test(home) && /\byes\b/.test(home), `the pairing on the patient's home: ${home}`);
  },
);

await check(
  'clinical trials: registered, approved by the IRB from its list of trials, enrolment refused without consent and accepted with it; a SUSAR reported on a picked participant, its clock on the sponsor’s list, reported from the events list',
  async () => {
    const doc = (name) => ({ name: `${name}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`${name} ${run}`) });
    await go('trials');
    await actAs('Fresh 7'); // sponsor
    await page.locator('[name="protocol"]').setInputFiles(doc('protocol'));
    await page.locator('[name="registration"]').setInputFiles(doc('registration'));
    await page.locator('[name="primary-outcome"]').setInputFiles(doc('outcome'));
    await fill('target', '10');
    await fill('completion', `${new Date().getFullYear() + 1}-06-30`);
    await fill('irb', accounts.irb);
    const registered = await submit('Register a trial', 'Register trial');
    expect(/^Done/.test(registered), `register trial: ${registered}`);
    const trial = await section('Register a trial').getByTestId('returned').innerText();
    await fill('investigator', accounts.provider);
    const added = await submit('Add an investigator', 'Add investigator');
    expect(/^Done/.test(added), `add investigator: ${added}`);
    await actAs('Fresh 8'); // IRB: the trial awaiting its approval is on its list, opened from there
    const awaiting = page
      .getByTestId('your-trial-row')
      .filter({ has: page.getByRole('button', { name: `Show trial ${trial}`, exact: true }) });
    // Read for the IRB (the sponsor's list before it is never shown for it).
    await awaiting
      .filter({ hasText: 'version 1 awaits the IRB' })
      .filter({ has: page.locator('td:nth-child(2)', { hasText: /^IRB$/ }) })
      .waitFor();
    expect(/^IRB$/.test(await awaiting.locator('td').nth(1).innerText()), `the IRB's role: ${await awaiting.innerText()}`);
    await awaiting.getByRole('button', { name: `Show trial ${trial}`, exact: true }).click();
    expect((await page.locator('[name="trial"]').inputValue()) === trial, 'the trial opened');
    await page.getByRole('heading', { name: `Trial ${trial}`, exact: true }).waitFor();
    const approved = await submit('Approve a protocol version', 'Approve');
    expect(/^Done/.test(approved), `approve: ${approved}`);
    await awaiting.filter({ hasText: 'version 1 in force' }).waitFor();
    await actAs('Fresh 4'); // investigator
    await fill('participant', accounts.patient);
    const refused = await submit('Enrol a participant', 'Enrol');
    expect(/^Refused: (No research consent|Not consented to current version)/.test(refused), `enrol without consent: ${refused}`);

    await go('patient');
    await actAs('Fresh 5'); // patient: research consent to the sponsor for the trial's data
    await fill('grantee', accounts.sponsor);
    await page.locator('input[name="Treatment"]').uncheck();
    await page.locator('input[name="Research"]').check();
    await page.locator('input[name="VitalSigns"]').check();
    const research = await submit('Grant or deny consent', 'Record consent');
    expect(/^Done/.test(research), `research consent: ${research}`);

    // The trial is open to the patient (its sponsor holds its research consent): picked
    // from its list, not typed.
    await go('trials');
    const open = page
      .getByTestId('your-trial-row')
      .filter({ has: page.getByRole('button', { name: `Show trial ${trial}`, exact: true }) })
      .filter({ hasText: 'consent to it to take part' });
    await open.getByRole('button', { name: `Show trial ${trial}`, exact: true }).click();
    await page.getByRole('heading', { name: `Trial ${trial}`, exact: true }).waitFor();
    await page.locator('[name="consent-form"]').setInputFiles(doc('consent-form'));
    const consented = await submit('Consent to the protocol in force', 'Consent');
    expect(/^Done/.test(consented), `consent to version 1: ${consented}`);
    await actAs('Fresh 4');
    await fill('participant', accounts.patient);
    const enrolled = await submit('Enrol a participant', 'Enrol');
    expect(/^Done/.test(enrolled), `enrol with consent: ${enrolled}`);
    await page
      .getByTestId('enrolment')
      .filter({ hasText: /^1 of 10/ })
      .waitFor();
    // The investigator reports a serious, unexpected, suspected reaction of the participant
    // picked from the trial's participants; the sponsor's list shows its report clock, and
    // the sponsor reports it from the trial's list of adverse events.
    await pickId('event-participant', '1');
    await page.selectOption('[name="seriousness"]', 'Hospitalisation');
    await page.locator('[name="event-report"]').setInputFiles(doc('event-report'));
    const reported = await submit('Report an adverse event', 'Report');
    expect(/^Done/.test(reported), `adverse event: ${reported}`);
    await actAs('Fresh 7');
    const clock = page
      .getByTestId('your-trial-row')
      .filter({ has: page.getByRole('button', { name: `Show trial ${trial}`, exact: true }) });
    await clock
      .getByTestId('your-trial-susars')
      .filter({ hasText: /^1 open, next due / })
      .waitFor();
    await docShot('trials-yours', page.locator('section[aria-labelledby="your-trials-title"]'));
    await page
      .getByRole('button', { name: /^Report adverse event \d+ to the regulators$/ })
      .first()
      .click();
    expect(/^\d+$/.test(await page.locator('[name="susar-event"]').inputValue()), 'the adverse event picked for the report');
    await page.locator('[name="susar-report"]').setInputFiles(doc('susar-report'));
    const susar = await submit('Report a SUSAR to the regulators', 'Report SUSAR');
    expect(/^Done/.test(susar), `SUSAR report: ${susar}`);
    await clock.getByTestId('your-trial-susars').filter({ hasText: 'none open' }).waitFor();
    await screenshot('trials');
    await homeShot('trials');
    await axe('trials page');
  },
);

// A button in a pending operation's row: a transaction is confirmed in the dialog, or
// refused in words; returns the Governance page's line on it.
const rowAction = async (row, button) => {
  await row.getByRole('button', { name: button, exact: true }).click();
  const outcome = page.getByTestId('governance-message').filter({ hasText: new RegExp(`^${button}: (done|refused)`) });
  const dialogOrOutcome = await Promise.race([
    page
      .getByRole('dialog')
      .waitFor()
      .then(() => 'dialog'),
    outcome.waitFor().then(() => 'outcome'),
  ]);
  if (dialogOrOutcome === 'dialog') await page.getByRole('button', { name: 'Sign and send' }).click();
  await outcome.waitFor();
  return outcome.innerText();
};

await check('governance: a pause needs two of three members, the lifted pause too', async () => {
  await go('governance');
  await actAs('Alice');
  await page.getByText('You are a member.').waitFor();
  await page.selectOption('[name="governed-contract"]', 'clinical_trials');
  const proposed = await submit('Propose: pause or lift the pause of a contract', 'Propose pausing it');
  expect(/^Done/.test(proposed), `propose: ${proposed}`);
  const row = page.locator('tr[data-operation]').filter({ hasText: 'clinical_trials: Pause' });
  await row.waitFor();
  const alone = await rowAction(row, 'Execute');
  expect(/^Execute: refused: Not enough approvals/.test(alone), `one approval: ${alone}`);
  await actAs('Bob');
  const approved = await rowAction(row, 'Approve');
  expect(/^Approve: done/.test(approved), `approve: ${approved}`);
  const executed = await rowAction(row, 'Execute');
  expect(/^Execute: done/.test(executed), `execute: ${executed}`);
  await page.locator('tr[data-contract="clinical_trials"]').filter({ hasText: 'paused' }).waitFor();
  await screenshot('governance');
  await homeShot('governance');
  await axe('governance page');
  // Lifting the pause is an operation of its own, again two of three.
  await page.selectOption('[name="governed-contract"]', 'clinical_trials');
  await section('Propose: pause or lift the pause of a contract').getByRole('button', { name: 'Propose lifting its pause' }).click();
  await page.getByRole('dialog').waitFor();
  await page.getByRole('button', { name: 'Sign and send' }).click();
  const lift = page.locator('tr[data-operation]').filter({ hasText: 'clinical_trials: Unpause' });
  await lift.waitFor();
  await actAs('Alice');
  expect(/^Approve: done/.test(await rowAction(lift, 'Approve')), 'approve the unpause');
  expect(/^Execute: done/.test(await rowAction(lift, 'Execute')), 'execute the unpause');
  await page.locator('tr[data-contract="clinical_trials"]').filter({ hasText: 'running' }).waitFor();
});

await check('no uncaught errors in the page, no request off this machine', async () => {
  expect(!consoleErrors.length, consoleErrors.join('; '));
  expect(!offline.length, `requests off this machine: ${offline.join(', ')}`);
});

await browser.close();
console.log(`screenshots: ${shots}`);
console.log(`test result: ${failed ? 'FAILED' : 'ok'}. ${passed} passed; ${failed} failed (dApp in chromium)`);
process.exit(failed ? 1 : 0);
