// Short names for the generated types the pages use (src/contracts/, `npm run typegen`:
// generated from the contracts' metadata, so that these follow every change of the
// contracts and a change the pages do not follow is a compile error).
export type { HealthcareTraitsCredentialsCredentialKind as CredentialKind } from './contracts/staff_credentials/types';
export type {
  HealthcareTraitsConsentPurpose as Purpose,
  HealthcareTraitsConsentDataCategory as DataCategory,
  ConsentRegistryModelConsentKind as ConsentKind,
  ConsentRegistryModelRelationship as Relationship,
} from './contracts/consent_registry/types';
export type { ClaimsAdjudicationModelCarc as Carc, ClaimsAdjudicationModelGroup as Group } from './contracts/claims_adjudication/types';
export type { ClinicalTrialsModelSeriousness as Seriousness } from './contracts/clinical_trials/types';
export type { GovernorModelCallLike as CallLike, HealthcareTraitsGovernanceActionLike as ActionLike } from './contracts/governor/types';
