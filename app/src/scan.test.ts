import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import bwipjs from 'bwip-js/node';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { packText, READER_OPTIONS } from './scan';
import { parseScan } from './gs1';

// In Node the .wasm is given as bytes (the app serves the bundled file instead).
const require = createRequire(import.meta.url);
prepareZXingModule({
  overrides: { wasmBinary: readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).buffer as ArrayBuffer },
});

/** A PNG of a symbol as a printer would make it (bwip-js: BWIPP). */
const printed = (bcid: string, text: string) =>
  bwipjs.toBuffer({ bcid, text, scale: 4, padding: 8, backgroundcolor: 'FFFFFF' }).then((png) => new Uint8Array(png));

describe('reading a pack', () => {
  it('reads a GS1 DataMatrix as an element string the parser accepts', async () => {
    const text = packText(await readBarcodes(await printed('gs1datamatrix', '(01)09506000134352(17)281231(10)LOT-42'), READER_OPTIONS));
    expect(text).toBe('(01)09506000134352(17)281231(10)LOT-42');
    expect(parseScan(text ?? '')).toMatchObject({ gtin: '09506000134352', lot: 'LOT-42' });
  });

  it('reads the GS1 symbol of a case (GS1-128) and prefers it to another symbol', async () => {
    const found = await readBarcodes(await printed('gs1-128', '(01)09506000134352(10)A1'), READER_OPTIONS);
    expect(packText(found)).toBe('(01)09506000134352(10)A1');
    expect(packText([{ isValid: true, contentType: 'Text', text: 'hello' }, ...found])).toBe('(01)09506000134352(10)A1');
  });

  it('gives the text of a symbol that is not GS1 for the parser to refuse, and nothing without a valid symbol', async () => {
    const blank = await bwipjs.toBuffer({ bcid: 'qrcode', text: 'not a pack', scale: 4, padding: 8, backgroundcolor: 'FFFFFF' });
    const plain = packText(await readBarcodes(new Uint8Array(blank), READER_OPTIONS));
    expect(plain).toBe('not a pack');
    expect(() => parseScan(plain ?? '')).toThrow();
    expect(packText([])).toBeUndefined();
    expect(packText([{ isValid: false, contentType: 'GS1', text: '(01)1' }])).toBeUndefined();
  });
});
