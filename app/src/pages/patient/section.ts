// What every section of the Patient page is given by the page.
import type { Suite } from '../../suite';
import type { PatientData } from './usePatient';

export interface PatientSectionProps {
  suite: Suite;
  /** The patient shown: the account acting, or the patient a delegate names. */
  subject: string;
  data: PatientData;
  /** Awaits a transaction, then reloads the patient's data; resolves with its outcome. */
  after: <T>(p: Promise<T>) => Promise<T>;
}
