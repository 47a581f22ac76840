/**
 * A grey image as a `data:image/png;base64,…` URL, for the self-contained HTML report. The PNG is
 * stored without compression (deflate "stored" blocks): a 28×28 image is under a kilobyte either
 * way, and this needs neither zlib nor a canvas, so it runs in Node and in browsers alike.
 */

/** `pixels`: height × width grey levels 0–255, row-major. */
export function grayPngDataUrl(pixels: Uint8Array, width: number, height: number): string {
  // Each row: filter type 0 (none), then its bytes.
  const raw = new Uint8Array(height * (width + 1));
  for (let r = 0; r < height; r++) raw.set(pixels.subarray(r * width, (r + 1) * width), r * (width + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit depth, greyscale, deflate, no filter method, no interlace
  const png = concatBytes([
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', header),
    chunk('IDAT', zlibStored(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
  let binary = '';
  for (const b of png) binary += String.fromCharCode(b);
  return `data:image/png;base64,${btoa(binary)}`;
}

/** A zlib stream of uncompressed deflate blocks (at most 65,535 bytes each) and its Adler-32. */
function zlibStored(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x78, 0x01)];
  const blocks = Math.max(1, Math.ceil(data.length / 0xffff));
  for (let i = 0; i < blocks; i++) {
    const block = data.subarray(i * 0xffff, (i + 1) * 0xffff);
    const n = block.length;
    const last = i === blocks - 1 ? 1 : 0;
    // BFINAL and BTYPE=00 (stored), then LEN and its ones' complement, little-endian.
    parts.push(Uint8Array.of(last, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff), block);
  }
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  const adler = new Uint8Array(4);
  new DataView(adler.buffer).setUint32(0, ((b << 16) | a) >>> 0);
  parts.push(adler);
  return concatBytes(parts);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

let crcTable: Uint32Array | null = null;

function crc32(bytes: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
