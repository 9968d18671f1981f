/**
 * The "modified CRC-32" of RFC 3961 section 6.1.3 (checksum type 1, used by des-cbc-crc;
 * test vectors in appendix A.5).
 *
 * It is the ISO 3309 / ITU-T V.42 CRC-32 polynomial, processed least-significant bit first, but
 * MIT's implementation (which the RFC documents as normative) starts from 0 instead of
 * 0xFFFFFFFF and does not complement the result; the 4 output bytes are the register in
 * little-endian order. So it is NOT equal to zlib's crc32: crc("foo") is 33 bc 32 73.
 */

// The reflected form of x^32 + x^26 + x^23 + x^22 + x^16 + x^12 + x^11 + x^10 + x^8 + x^7 +
// x^5 + x^4 + x^2 + x + 1.
const POLY_REFLECTED = 0xedb88320;

const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** RFC 3961 modified CRC-32 of `data`, as the 4 bytes Kerberos puts on the wire. */
export function modCrc32(data: Uint8Array, initial = 0): Uint8Array {
  let crc = initial >>> 0;
  for (const byte of data) crc = (TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8)) >>> 0;
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, crc, true);
  return out;
}
