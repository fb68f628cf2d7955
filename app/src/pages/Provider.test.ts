import { describe, expect, it } from 'vitest';
import { diagnosisCommitment } from './Provider';

describe('diagnosis commitment', () => {
  it("equals claims_adjudication::diagnosis_commitment (BLAKE2-256 of salt ‖ 'E119,I10')", () => {
    // python3 -c "import hashlib; print(hashlib.blake2b(bytes([7]*32) + b'E119,I10', digest_size=32).hexdigest())"
    expect(diagnosisCommitment(new Uint8Array(32).fill(7), [' e11.9', 'I10'])).toBe(
      '0x0c662a417228793cfe78b8d31993304c628dacf315f083c0480e8450d412a29b',
    );
  });
});
