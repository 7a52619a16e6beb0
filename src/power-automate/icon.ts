// icon.png of the custom connector, drawn here rather than shipped as a binary: the brand colour
// with a white diagonal stripe, as an 8-bit RGB PNG (signature, IHDR, one zlib IDAT, IEND; CRC-32
// per chunk), with node:zlib only. 230 × 230 px: the size the custom-connector wizard shows, and
// square as it requires; a few kilobytes, far under its 1 MB limit.
import { crc32, deflateSync } from 'node:zlib';

export const ICON_SIZE_PX = 230;
/** Background of the icon and apiProperties' iconBrandColor (Stripe's blurple). */
export const ICON_BRAND_COLOR = '#635BFF';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function rgbOf(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

export function renderIcon(size = ICON_SIZE_PX, color = ICON_BRAND_COLOR): Buffer {
  const [r, g, b] = rgbOf(color);
  const rowBytes = 1 + size * 3;
  const pixels = Buffer.alloc(rowBytes * size);
  for (let y = 0; y < size; y += 1) {
    pixels[y * rowBytes] = 0; // filter: none
    for (let x = 0; x < size; x += 1) {
      // A band a fifth of the icon wide, rising from bottom left to top right, inset from the edges.
      const inside = x > size * 0.2 && x < size * 0.8 && y > size * 0.2 && y < size * 0.8;
      const onStripe = inside && Math.abs(x + y - size) < size * 0.1;
      const offset = y * rowBytes + 1 + x * 3;
      pixels[offset] = onStripe ? 255 : r;
      pixels[offset + 1] = onStripe ? 255 : g;
      pixels[offset + 2] = onStripe ? 255 : b;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // colour type: RGB
  header[10] = 0; // compression: deflate
  header[11] = 0; // filter method
  header[12] = 0; // no interlace
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}
