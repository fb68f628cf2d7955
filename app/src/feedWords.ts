// The activity feed in words: each of the suite's main events as a sentence naming its
// parties where the app knows them, money as money and codes as codes ("Claim 35 paid:
// $40.00 to Dr Smith for 99213, patient owes $10.00"). The event's data stays available
// behind a disclosure; an event without a sentence here is shown by its name and data.
//
// Events reach the feed in two shapes, both normalised here first: decoded by dedot from
// the chain (camelCase fields, bigints, account objects, enums as strings or
// `{type, value}`) and as JSON from the indexer (snake_case fields, balances as decimal
// strings, accounts in SS58, enums as `"Name"` or `{"Name": value}`).
import { hexToString } from 'dedot/utils';
import { spaced } from './words';

/** An event's field, normalised: accounts as SS58 text, integers as bigint, enum
 * variants as `{ type, value? }` or their name, bytes as `0x…` text. */
export type Value = string | bigint | boolean | null | undefined | Value[] | { [key: string]: Value };

/** What the sentences need from the app. */
export interface Words {
  /** An account's name where the app knows it, else a short form. */
  name: (address: string) => string;
  /** A price in the suite's currency. */
  price: (planck: bigint) => string;
  /** A claim adjustment reason (a `Carc` variant's name) in words. */
  carc: (variant: string) => string;
  /** A calendar date stored as its midnight UTC (a pack's expiry), as that date. */
  date: (ms: bigint) => string;
  /** A moment in ms, in the reader's time zone. */
  time: (ms: bigint) => string;
}

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A field as the sentences read it, from either shape. */
export function normalise(value: unknown): Value {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : String(value);
  if (typeof value === 'string') return /^\d+$/.test(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.address === 'function') return String((o.address as () => string)());
    if (typeof o.type === 'string') return { type: o.type, value: normalise(o.value) };
    const keys = Object.keys(o);
    // The indexer's enum with data: one key, a variant's name.
    if (keys.length === 1 && /^[A-Z]/.test(keys[0])) return { type: keys[0], value: normalise(o[keys[0]]) };
    return Object.fromEntries(keys.map((k) => [camel(k), normalise(o[k])]));
  }
  return String(value);
}

/** Every field of an event, normalised, by camelCase name. */
export function normaliseFields(fields: Record<string, unknown>): Record<string, Value> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [camel(k), normalise(v)]));
}

/** A variant's name (`Paid`, `{type: 'Paid'}`), or undefined. */
export function variant(value: Value): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value) && typeof value.type === 'string') return value.type;
  return undefined;
}

const big = (value: Value): bigint => (typeof value === 'bigint' ? value : 0n);
const text = (value: Value): string =>
  typeof value === 'string' && /^0x([0-9a-f]{2})*$/i.test(value) ? hexToString(value as `0x${string}`) : String(value ?? '');

/** A claim's procedures from its lines (`99214 ×2, 80053`). */
function procedures(lines: Value): string {
  if (!Array.isArray(lines)) return '';
  return lines
    .map((l) => {
      const line = l && typeof l === 'object' && !Array.isArray(l) ? (l as Record<string, Value>).line : undefined;
      const fields = line && typeof line === 'object' && !Array.isArray(line) ? (line as Record<string, Value>) : {};
      const units = big(fields.units);
      return `${text(fields.procedure)}${units > 1n ? ` ×${units}` : ''}`;
    })
    .join(', ');
}

type Sentence = (f: Record<string, Value>, w: Words) => string | undefined;

const account = (w: Words, value: Value) => (typeof value === 'string' ? w.name(value) : 'someone');

const SENTENCES: Record<string, Record<string, Sentence>> = {
  claims_adjudication: {
    PlanCreated: (f, w) => `${account(w, f.payer)} created plan ${f.plan}`,
    MemberEnrolled: (f, w) => `${account(w, f.member)} enrolled in plan ${f.plan}`,
    AdjusterChanged: (f, w) =>
      f.active
        ? `${account(w, f.adjuster)} appointed adjuster of plan ${f.plan}`
        : `${account(w, f.adjuster)} no longer adjuster of plan ${f.plan}`,
    EscrowChanged: (f, w) =>
      big(f.withdrawn) > 0n
        ? `${w.price(big(f.withdrawn))} withdrawn from plan ${f.plan}'s escrow: ${w.price(big(f.escrow))} left`
        : `Plan ${f.plan}'s escrow funded with ${w.price(big(f.funded))}: ${w.price(big(f.escrow))} now`,
    ClaimAdjudicated: (f, w) => {
      const what = procedures(f.lines);
      const by = account(w, f.provider);
      const claim = `Claim ${f.claim}`;
      switch (variant(f.status)) {
        case 'Paid':
          return `${claim} paid: ${w.price(big(f.payerAmount))} to ${by} for ${what}, patient owes ${w.price(big(f.memberAmount))}`;
        case 'ApprovedUnfunded':
          return `${claim} approved: ${w.price(big(f.payerAmount))} owed to ${by} for ${what} once the escrow is funded, patient owes ${w.price(big(f.memberAmount))}`;
        case 'PendingReview':
          return `${claim} from ${by} for ${what} waits for review: ${w.price(big(f.payerAmount))} payer share`;
        case 'Denied':
          return `${claim} from ${by} for ${what} denied${variant(f.denial) ? `: ${w.carc(variant(f.denial) ?? '')}` : ''}`;
        case 'UnderAppeal':
          return `${claim} from ${by} under appeal`;
        case 'PaymentFailed':
          return `${claim}: the payment of ${w.price(big(f.payerAmount))} to ${by} failed and is owed`;
        case 'Voided':
          return `${claim} from ${by} voided`;
        default:
          return undefined;
      }
    },
    ClaimAppealed: (f, w) => `Claim ${f.claim} appealed: ${w.price(big(f.reserved))} reserved until decided`,
    ClaimVoided: (f, w) =>
      `Claim ${f.claim} voided by ${account(w, f.by)}${typeof f.replacedBy === 'bigint' ? `, replaced by claim ${f.replacedBy}` : ''}`,
    CorrectorChanged: (f, w) =>
      f.allowed
        ? `${account(w, f.provider)} let ${account(w, f.corrector)} submit and correct its claims`
        : `${account(w, f.provider)} withdrew ${account(w, f.corrector)}'s relay`,
  },
  drug_provenance: {
    BatchRegistered: (f, w) =>
      `${account(w, f.manufacturer)} registered batch ${f.batch}: GTIN ${text(f.gtin)}, lot ${text(f.lot)}, ${f.quantity} units, expiring ${w.date(big(f.expiry))}`,
    Shipped: (f, w) =>
      `Shipment ${f.shipment}: ${f.quantity} units of batch ${f.batch} from ${account(w, f.from)} to ${account(w, f.to)}` +
      (typeof f.pricePerUnit === 'bigint' ? ` at ${w.price(f.pricePerUnit)} per unit` : '') +
      (f.isReturn ? ' (a return)' : ''),
    ShipmentClosed: (f) => {
      switch (variant(f.state)) {
        case 'Received':
          return `Shipment ${f.shipment} received: ${f.accepted} units accepted`;
        case 'Rejected':
          return `Shipment ${f.shipment} rejected: the units went back to the sender`;
        case 'Cancelled':
          return `Shipment ${f.shipment} cancelled`;
        default:
          return undefined;
      }
    },
    PaymentEscrowed: (f, w) => `${account(w, f.buyer)} paid ${w.price(big(f.amount))} into escrow for shipment ${f.shipment}`,
    PaymentReleased: (f, w) =>
      `Shipment ${f.shipment}: ${w.price(big(f.toSeller))} released to the seller` +
      (big(f.refund) > 0n ? `, ${w.price(big(f.refund))} refunded to the buyer` : ''),
    BatchStateChanged: (f, w) => {
      const state = variant(f.state);
      return state ? `Batch ${f.batch} ${spaced(state).toLowerCase()} by ${account(w, f.by)}` : undefined;
    },
  },
  consent_registry: {
    ConsentRecorded: (f, w) =>
      `${account(w, f.patient)} ${variant(f.kind) === 'Deny' ? 'refused' : 'gave'} ${account(w, f.grantee)} consent #${f.id}`,
    ConsentRevoked: (f, w) => `Consent #${f.id} of ${account(w, f.patient)} revoked by ${account(w, f.revokedBy)}`,
    CareRelationshipStarted: (f, w) => `${account(w, f.patient)} named ${account(w, f.provider)} a care provider`,
    CareRelationshipEnded: (f, w) => `${account(w, f.patient)}'s care by ${account(w, f.provider)} ended`,
    DelegateAppointed: (f, w) =>
      `${account(w, f.patient)} appointed ${account(w, f.delegate)} delegate (${spaced(variant(f.relationship) ?? '?').toLowerCase()}) until ${w.time(big(f.expiresAt))}`,
    DelegateRemoved: (f, w) => `${account(w, f.delegate)} no longer delegate of ${account(w, f.patient)}`,
    RecordAnchored: (f, w) =>
      `A ${spaced(variant(f.category) ?? 'record').toLowerCase()} record of ${account(w, f.patient)} anchored by ${account(w, f.anchoredBy)} (its hash only)`,
    RecordRemoved: (f, w) => `Record #${f.id} of ${account(w, f.patient)} removed`,
    RecordAccessed: (f, w) =>
      `${account(w, f.accessor)} read record #${f.record} of ${account(w, f.patient)} for ${spaced(variant(f.purpose) ?? '?').toLowerCase()}` +
      (f.emergency !== undefined && f.emergency !== null ? ' under break-glass' : ''),
    BreakGlassOpened: (f, w) =>
      `${account(w, f.clinician)} opened break-glass access to ${account(w, f.patient)}'s records until ${w.time(big(f.expiresAt))}`,
    BreakGlassAcknowledged: (f, w) => `Break-glass access #${f.id} to ${account(w, f.patient)}'s records acknowledged`,
    BreakGlassClosed: (f, w) => `Break-glass access #${f.id} to ${account(w, f.patient)}'s records closed by ${account(w, f.by)}`,
  },
  staff_credentials: {
    CredentialIssued: (f, w) =>
      `${account(w, f.issuer)} issued ${spaced(variant(f.kind) ?? 'a credential')} #${f.id} to ${account(w, f.subject)}`,
    CredentialRenewed: (f, w) => `Credential #${f.id} of ${account(w, f.subject)} renewed until ${w.time(big(f.validUntil))}`,
    CredentialSuspended: (f, w) => `Credential #${f.id} of ${account(w, f.subject)} suspended by ${account(w, f.by)}`,
    CredentialReinstated: (f, w) => `Credential #${f.id} of ${account(w, f.subject)} reinstated`,
    CredentialRevoked: (f, w) => `Credential #${f.id} of ${account(w, f.subject)} revoked by ${account(w, f.by)}`,
  },
};

/** The event as a sentence, or undefined when the feed has none for it (it is then shown
 * by its name and data). */
export function sentence(contract: string, event: string, fields: Record<string, Value>, words: Words): string | undefined {
  return SENTENCES[contract]?.[event]?.(fields, words);
}

/** Where an event's item is opened: the page and the parameter it reads (route.ts). */
export interface ItemLink {
  href: string;
  label: string;
}

const id = (value: Value): bigint | undefined => (typeof value === 'bigint' ? value : undefined);
const address = (value: Value): string | undefined => (typeof value === 'string' && !value.startsWith('0x') ? value : undefined);

/** The link from an event to the item it concerns (a claim, a shipment or a batch, a
 * trial, a patient's records or monitoring, a credential holder's credentials), or
 * undefined for an event about none of them. */
export function itemLink(contract: string, fields: Record<string, Value>): ItemLink | undefined {
  const link = (page: string, name: string, value: bigint | string, label: string) => ({
    href: `#/${page}?${new URLSearchParams({ [name]: String(value) })}`,
    label,
  });
  switch (contract) {
    case 'claims_adjudication': {
      const claim = id(fields.claim);
      return claim === undefined ? undefined : link('payer', 'claim', claim, `Open claim ${claim}`);
    }
    case 'drug_provenance': {
      const shipment = id(fields.shipment);
      if (shipment !== undefined) return link('pharmacy', 'shipment', shipment, `Open shipment ${shipment}`);
      const batch = id(fields.batch);
      return batch === undefined ? undefined : link('pharmacy', 'batch', batch, `Open batch ${batch}`);
    }
    case 'clinical_trials': {
      const trial = id(fields.trial);
      return trial === undefined ? undefined : link('trials', 'trial', trial, `Open trial ${trial}`);
    }
    case 'consent_registry': {
      const patient = address(fields.patient);
      return patient === undefined ? undefined : link('patient', 'patient', patient, "Open the patient's records");
    }
    case 'remote_monitoring': {
      const patient = address(fields.patient);
      return patient === undefined ? undefined : link('monitoring', 'patient', patient, "Open the patient's monitoring");
    }
    case 'staff_credentials': {
      const holder = address(fields.subject);
      return holder === undefined ? undefined : link('authority', 'holder', holder, "Open the holder's credentials");
    }
    default:
      return undefined;
  }
}
