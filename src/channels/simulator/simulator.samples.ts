import { crc32, deflateSync } from 'node:zlib';

/**
 * Sample "screenshots" the simulator serves, so that a person trying the product on a machine
 * with no internet can send an image proof: the bot downloads it from here as it would from the
 * platform's CDN. Each sample is a small PNG with its own colours (so each has its own hash, and
 * sending the same sample twice shows how a duplicate screenshot is flagged).
 */
export const SAMPLE_IMAGE_COUNT = 3;

const COLOURS: readonly (readonly [number, number, number])[] = [
  [46, 125, 50],
  [21, 101, 192],
  [198, 40, 40],
];

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 96×96 PNG: stripes of the sample's colour on white. `n` is 1-based. */
export function sampleImagePng(n: number): Buffer {
  const [r, g, b] = COLOURS[(n - 1) % COLOURS.length]!;
  const size = 96;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // colour type: RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 3); // filter byte 0, then pixels
    for (let x = 0; x < size; x += 1) {
      const stripe = Math.floor((x + y) / (8 + n)) % 2 === 0;
      row.writeUInt8(stripe ? r : 255, 1 + x * 3);
      row.writeUInt8(stripe ? g : 255, 2 + x * 3);
      row.writeUInt8(stripe ? b : 255, 3 + x * 3);
    }
    rows.push(row);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}
