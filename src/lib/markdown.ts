/**
 * The small Markdown staff write in event descriptions and summaries: paragraphs, "- " or
 * "1. " lists, `code`, **strong**, *emphasis* or _emphasis_, and [links](https://...).
 * Parsed into a tree, never into HTML text: the pages render the tree with JSX (which
 * escapes every string), mail and calendars read it back as plain text. Raw HTML is text;
 * a link whose target is not http(s) keeps its words and loses its target.
 */
export type Inline =
  | string
  | { code: string }
  | { strong: Inline[] }
  | { em: Inline[] }
  | { link: string; children: Inline[] };

export type Block = { p: Inline[][] } | { list: "ul" | "ol"; items: Inline[][] };

const ITEM = /^\s{0,3}(?:[-*+]|(\d{1,9})[.)])\s+(.*)$/;

/** Blocks of a text: blank lines end paragraphs and lists; each line keeps its own inlines. */
export function parseMarkdown(text: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    if (!line.trim()) {
      current = null;
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      const kind = item[1] === undefined ? "ul" : "ol";
      if (!current || !("list" in current) || current.list !== kind) {
        current = { list: kind, items: [] };
        blocks.push(current);
      }
      current.items.push(parseInline(item[2]!.trim()));
    } else if (current && "list" in current && /^\s/.test(line)) {
      // An indented line continues the list item above it.
      current.items[current.items.length - 1]!.push(" ", ...parseInline(line.trim()));
    } else {
      if (!current || !("p" in current)) {
        current = { p: [] };
        blocks.push(current);
      }
      current.p.push(parseInline(line.trim()));
    }
  }
  return blocks;
}

/** Only absolute http(s) URLs become links; anything else (javascript:, data:, relative) does not. */
export function safeHref(target: string): string | null {
  try {
    const url = new URL(target);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

const word = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

/**
 * How far a mark looks for its end: emphasis and strong over more than SPAN characters, and
 * link texts longer than SPAN, are plain text (a link's target may be 2,048 more). Without a
 * bound, a line of unclosed marks costs time quadratic in its length (an 18,000 character line
 * of "_x " took 1.1 s, a row of 20,000 "[" 0.46 s; descriptions are up to 20,000 characters).
 */
const SPAN = 300;
const TARGET = 2_048;

/** Inline marks of one line; an unclosed mark is plain text. */
export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let text = "";
  const flush = () => {
    if (text) out.push(text);
    text = "";
  };
  let i = 0;
  // The next "]" at or after i, found once for every "[" before it (i only grows).
  let nextBracket = -1;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === "\\" && i + 1 < s.length && /[\\`*_[\]()#+\-.!]/.test(s[i + 1]!)) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (ch === "`") {
      let j = i;
      while (s[j] === "`") j++;
      const run = s.slice(i, j);
      const end = s.indexOf(run, i + run.length);
      if (end > i) {
        flush();
        out.push({ code: s.slice(i + run.length, end).trim() || s.slice(i + run.length, end) });
        i = end + run.length;
        continue;
      }
      text += run;
      i += run.length;
      continue;
    }
    if (ch === "[") {
      if (nextBracket !== -2 && nextBracket < i)
        nextBracket = s.indexOf("]", i) === -1 ? -2 : s.indexOf("]", i);
      // A target may hold one level of balanced parentheses (Wikipedia links do).
      const near = nextBracket >= 0 && nextBracket - i <= SPAN;
      const m = near
        ? /^\[([^\]]+)\]\(\s*((?:[^\s()]|\([^\s()]*\))+)\s*\)/.exec(s.slice(i, nextBracket + 2 + TARGET))
        : null;
      if (m) {
        flush();
        const href = safeHref(m[2]!);
        const children = parseInline(m[1]!);
        if (href) out.push({ link: href, children });
        else out.push(...children);
        i += m[0].length;
        continue;
      }
    }
    if (ch === "*" || ch === "_") {
      const mark = s.startsWith(ch + ch, i) ? ch + ch : ch;
      const close = findClose(s, i + mark.length, mark);
      // _ inside a word (snake_case) is not emphasis.
      const intraword = ch === "_" && (word(s[i - 1]) || word(s[(close ?? 0) + mark.length]));
      if (close !== null && !intraword) {
        flush();
        const children = parseInline(s.slice(i + mark.length, close));
        out.push(mark.length === 2 ? { strong: children } : { em: children });
        i = close + mark.length;
        continue;
      }
      text += mark;
      i += mark.length;
      continue;
    }
    text += ch;
    i++;
  }
  flush();
  return out;
}

/** Where `mark` closes: not right after the opener, not after a space, not inside `code`. */
function findClose(s: string, from: number, mark: string): number | null {
  if (!s[from] || /\s/.test(s[from]!)) return null;
  const until = Math.min(s.length, from + SPAN);
  for (let j = from + 1; j < until; j++) {
    if (s[j] === "`") {
      const end = s.slice(j + 1, until).indexOf("`"); // within the span, so never a scan to the end
      if (end >= 0) j += end + 1;
      continue;
    }
    if (s[j] !== mark[0]) continue; // the common case, before any string or pattern work
    if (s.startsWith(mark, j) && !/\s/.test(s[j - 1]!)) {
      // "**" closes strong, not emphasis: skip a doubled mark when looking for a single one.
      if (mark.length === 1 && s[j + 1] === mark) {
        j++;
        continue;
      }
      return j;
    }
  }
  return null;
}

const inlineText = (nodes: Inline[], links: boolean): string =>
  nodes
    .map((n) => {
      if (typeof n === "string") return n;
      if ("code" in n) return n.code;
      if ("strong" in n) return inlineText(n.strong, links);
      if ("em" in n) return inlineText(n.em, links);
      const words = inlineText(n.children, links);
      return links && words !== n.link ? `${words} (${n.link})` : words;
    })
    .join("");

/**
 * The same text with the marks taken out, for plain-text mail, calendars, feeds and JSON-LD:
 * lines stay lines, list items become "- " lines, a link's target follows its words.
 */
export function markdownToText(text: string, options: { links?: boolean } = {}): string {
  const links = options.links ?? true;
  return parseMarkdown(text)
    .map((b) =>
      "p" in b
        ? b.p.map((line) => inlineText(line, links)).join("\n")
        : b.items
            .map((item, n) => `${b.list === "ol" ? `${n + 1}.` : "-"} ${inlineText(item, links)}`)
            .join("\n"),
    )
    .join("\n\n");
}
