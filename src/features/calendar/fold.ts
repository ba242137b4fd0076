/**
 * RFC 5545 §3.1 line folding: at most 75 octets a line, continued after CRLF and one space,
 * never inside a UTF-8 character. ical-generator 10.2 folds correctly but encodes every
 * character with a new TextEncoder (about 1 µs a character, most of a feed's render time), so
 * the builder folds with this instead: same rule, UTF-8 lengths counted from the code units.
 */
export function foldLines(text: string): string {
  return text.split("\r\n").map(foldLine).join("\r\n");
}

function foldLine(line: string): string {
  if (line.length <= 25) return line; // 25 UTF-16 units are at most 75 octets
  let out = "";
  let start = 0;
  let octets = 0;
  let limit = 75;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    let size = 3; // BMP beyond U+07FF, and lone surrogates (written as U+FFFD)
    let pair = false;
    if (c < 0x80) size = 1;
    else if (c < 0x800) size = 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = line.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        size = 4;
        pair = true;
      }
    }
    if (octets + size > limit) {
      out += `${line.slice(start, i)}\r\n `;
      start = i;
      octets = 0;
      limit = 74; // the leading space is the 75th octet
    }
    octets += size;
    if (pair) i++;
  }
  return out + line.slice(start);
}
