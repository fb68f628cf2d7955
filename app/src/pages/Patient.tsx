// Patient (or a delegate acting for one): consents, care relationships, delegates,
// paired home devices, record anchors, the access log with break-glass entries; FHIR R4 downloads.
//
// The page holds the patient shown and their data (patient/usePatient.ts) and gives them
// to one section per concern (patient/*.tsx), each holding its own form state.
import { useState } from 'react';
import { useLinkedItem } from '../route';
import type { PageProps } from '../main';
import { Field } from '../ui';
import { usePatient } from './patient/usePatient';
import { ConsentsSection } from './patient/Consents';
import { CareSection } from './patient/Care';
import { DelegatesSection } from './patient/Delegates';
import { RecordsSection } from './patient/Records';
import { AccessLogSection } from './patient/AccessLog';
import { DevicesSection } from './patient/Devices';

export function PatientPage({ suite, account }: PageProps) {
  const [patient, setPatient] = useState('');
  // A link to a patient (the activity feed's) shows that patient's records.
  useLinkedItem('patient', setPatient);
  const subject = patient || account?.address || '';
  const data = usePatient(suite, subject);
  const after = async <T,>(p: Promise<T>) => {
    const o = await p;
    await data.refresh();
    return o;
  };
  const sections = { suite, subject, data, after };

  return (
    <>
      <Field label="Patient" hint="Empty: yourself. A delegate names the patient they act for.">
        <input
          name="patient"
          value={patient}
          onChange={(e) => setPatient(e.target.value)}
          placeholder={account?.address ?? 'choose an account'}
        />
      </Field>
      <ConsentsSection {...sections} />
      <CareSection {...sections} />
      <DelegatesSection {...sections} />
      <DevicesSection {...sections} />
      <RecordsSection {...sections} />
      <AccessLogSection {...sections} />
    </>
  );
}
