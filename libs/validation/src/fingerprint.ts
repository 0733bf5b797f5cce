// A 64-bit fingerprint of a string: two independent 32-bit hashes (FNV-1a and djb2 over the UTF-16
// units), so ids and UIDs are indexed as two integers instead of strings. Two distinct strings are taken
// for one only when both hashes collide: among a million strings the chance that any pair does is about
// n²/2⁶⁵ ≈ 3·10⁻⁸. `isNumber` seeds a JSON number apart from the string of its digits.

/** The last fingerprint computed: [hash a, hash b] (one reused pair, no allocation per string). */
const FINGERPRINT = new Int32Array(2);

export function fingerprint(text: string, isNumber = false): Int32Array {
  let a = isNumber ? 0x050c5d1f : 0x811c9dc5 | 0;
  let b = isNumber ? 7919 : 5381;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    a = Math.imul(a ^ unit, 16777619);
    b = (Math.imul(b, 33) + unit) | 0;
  }
  FINGERPRINT[0] = a;
  FINGERPRINT[1] = b;
  return FINGERPRINT;
}
