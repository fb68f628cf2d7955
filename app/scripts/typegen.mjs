// Generates the typed contract bindings in src/contracts/<name>/ from the metadata that
// `cargo contract build` wrote ($CARGO_TARGET_DIR/ink/<name>/<name>.json, built by
// scripts/build-contracts.sh), with dedot's code generator. The bindings are committed;
// `node scripts/typegen.mjs --check` fails when they differ from the current metadata.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, existsSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = dirname(dirname(fileURLToPath(import.meta.url)));
const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/healthcare-suite/target');
const contracts = [
  'governor',
  'staff_credentials',
  'consent_registry',
  'drug_provenance',
  'remote_monitoring',
  'claims_adjudication',
  'clinical_trials',
];
const check = process.argv.includes('--check');
const dedot = join(app, 'node_modules/.bin/dedot');

const scratch = mkdtempSync(join(tmpdir(), 'typegen-'));
const out = check ? scratch : join(app, 'src/contracts');
let stale = [];
for (const name of contracts) {
  const metadata = join(target, 'ink', name, `${name}.json`);
  if (!existsSync(metadata)) {
    console.error(`${metadata} is missing: run scripts/build-contracts.sh first`);
    process.exit(2);
  }
  const dir = join(out, name);
  rmSync(dir, { recursive: true, force: true });
  // dedot writes into a folder named after the contract (kebab-case): moved to <name>/.
  const generated = join(scratch, 'generated', name);
  execFileSync(dedot, ['typink', '-m', metadata, '-o', generated, '-c', name], { stdio: 'pipe' });
  const [folder] = readdirSync(generated);
  renameSync(join(generated, folder), dir);
  if (check) {
    const committed = join(app, 'src/contracts', name);
    for (const file of readdirSync(dir)) {
      const a = readFileSync(join(dir, file), 'utf8');
      const b = existsSync(join(committed, file)) ? readFileSync(join(committed, file), 'utf8') : '';
      if (a !== b) stale.push(`${name}/${file}`);
    }
  }
}
rmSync(scratch, { recursive: true, force: true });
if (check) {
  if (stale.length) {
    console.error(`app/src/contracts is stale (${stale.join(', ')}): run npm run typegen in app/`);
    process.exit(1);
  }
  console.log("app/src/contracts matches the contracts' metadata");
} else {
  console.log(`wrote ${contracts.map((c) => `src/contracts/${c}`).join(', ')}`);
}
