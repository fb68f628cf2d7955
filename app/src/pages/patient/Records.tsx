// The patient's record anchors: a record's hash and its locator's, never the record.
import { useState } from 'react';
import { useTx } from '../../tx';
import type { DataCategory } from '../../types';
import { Action, Field, TextField, VariantSelect, sha256, when } from '../../ui';
import { labelOf } from '../../words';
import type { PatientSectionProps } from './section';

export function RecordsSection({ subject, data, after }: PatientSectionProps) {
  const { send } = useTx();
  const { records, categories } = data;
  const [recordCategory, setRecordCategory] = useState<DataCategory>(categories[0]?.name ?? 'Conditions');
  const [recordFile, setRecordFile] = useState<File>();
  const [locator, setLocator] = useState('');
  return (
    <>
      <Action
        title="Anchor a record"
        submit="Anchor"
        action={async () => {
          if (!recordFile) throw new Error('Choose the record file: only its hash goes on chain.');
          const content = await sha256(await recordFile.arrayBuffer());
          return after(
            send(`Anchor ${recordFile.name}`, 'consent_registry', 'anchorRecord', [
              subject,
              recordCategory,
              content,
              await sha256(locator),
            ]),
          );
        }}
      >
        <Field label="Record file" hint="Hashed in this browser (SHA-256); the file never leaves it.">
          <input name="record-file" type="file" onChange={(e) => setRecordFile(e.target.files?.[0])} />
        </Field>
        <VariantSelect label="Category" name="record-category" variants={categories} value={recordCategory} set={setRecordCategory} />
        <TextField
          label="Where the encrypted record is kept"
          hint="Hashed too: a URL or storage key."
          name="locator"
          value={locator}
          set={setLocator}
        />
        {records.length > 0 && (
          <ul>
            {records.map((r) => (
              <li key={r.id.toString()}>
                Record #{r.id.toString()}:{' '}
                {labelOf(categories.find((c) => c.name === r.category) ?? { index: -1, name: r.category, docs: '' })}, anchored{' '}
                {when(r.anchoredAt)}{' '}
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void after(send(`Forget record ${r.id}`, 'consent_registry', 'removeRecord', [r.id]))}
                >
                  Forget
                </button>
              </li>
            ))}
          </ul>
        )}
      </Action>
    </>
  );
}
