// Reading a pack's barcode in the browser: zxing-wasm (ZXing-C++ compiled to WebAssembly,
// its .wasm bundled with the app, never fetched from a CDN) finds a GS1 DataMatrix (or a
// GS1 QR code, GS1-128 or GS1 DataBar) in an image file or a camera frame and gives its
// element string as people read it, "(01)…(17)…(10)…", which `parseScan` (gs1.ts) reads.
import { prepareZXingModule, readBarcodes, type ReaderOptions, type ReadResult } from 'zxing-wasm/reader';
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

let prepared = false;
function prepare(): void {
  if (prepared) return;
  prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) } });
  prepared = true;
}

/** How a pack is read: the symbols a pack or case carries its GS1 data in, the text as
 * people read it (GS1's "human readable interpretation": AIs in parentheses). */
export const READER_OPTIONS: ReaderOptions = {
  formats: ['DataMatrix', 'QRCode', 'Code128', 'DataBarExp'],
  textMode: 'HRI',
  tryHarder: true,
  maxNumberOfSymbols: 4,
};

/** The text to verify among `found`: the first valid GS1 symbol's element string, else
 * the first valid symbol's text (refused by the parser in words if it is not GS1). */
export function packText(found: Pick<ReadResult, 'isValid' | 'contentType' | 'text'>[]): string | undefined {
  const gs1 = found.find((r) => r.isValid && r.contentType === 'GS1') ?? found.find((r) => r.isValid);
  return gs1?.text;
}

/** The text of the pack's barcode in `image` (an image file or a camera frame), or
 * undefined when none is found. */
export async function readPack(image: Blob | ImageData): Promise<string | undefined> {
  prepare();
  return packText(await readBarcodes(image, READER_OPTIONS));
}
