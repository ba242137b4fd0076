/** Seeded pseudo-random catalogue text for the archive benchmarks: words, names, titles, ids. */
// Most frequent first: the draw below prefers the front of the list.
export const WORDS = (
  "ukraine russia nato security war europe china defense policy military strategy alliance peace " +
  "deterrence nuclear sanctions ceasefire diplomacy iran israel taiwan drones energy budget army " +
  "navy air power talks border congress president election trade pacific korea syria gaza missile " +
  "intelligence allies burden sharing neutrality guarantees escalation restraint withdrawal troops " +
  "arms control treaty summit crisis conflict negotiations occupation reconstruction refugees grain " +
  "black sea baltic poland germany france britain turkey hungary finland sweden arctic kyiv moscow " +
  "beijing tehran washington brussels warsaw production munitions artillery shells tanks fighter jets " +
  "submarines shipping lanes oil gas pipeline inflation deficit aid package supplemental oversight " +
  "counteroffensive attrition mobilization frontline donbas crimea zaporizhzhia kharkiv odesa bakhmut " +
  "houthis hezbollah hamas red sea strait hormuz semiconductors tariffs export controls cyber space " +
  "satellites doctrine readiness recruitment industrial base procurement modernization stockpiles"
).split(/\s+/);
// Prose is mostly generic words; the foreign-policy vocabulary above is the minority a reader
// searches for (about 30% of the words), which keeps common terms in roughly 20-60% of events.
export const FILLER = (
  "the of and to in a for on with as by at from that this is are was be it an or which its their " +
  "how what why who when where will would could should can may must not no more most less new old " +
  "first last next long short high low great small major key main central current recent future " +
  "panel discussion experts event session speakers analysis report view views case question answer " +
  "options choice choices path paths risk risks cost costs price stakes lessons record evidence " +
  "argue argues explain explains examine examines consider considers weigh weighs assess assesses " +
  "year years month months week today now then decade era moment time period phase stage turn " +
  "united states american western eastern northern southern global regional national local " +
  "government leaders officials administration public debate approach framework model plan plans"
).split(/\s+/);
export const TOPICS = [
  "Ukraine-Russia",
  "NATO",
  "China",
  "Iran",
  "Middle East",
  "Nuclear weapons",
  "Alliances",
  "Burden sharing",
  "Europe and Eurasia",
  "Russia",
  "Ukraine",
  "Air power",
  "Diplomacy",
  "Drones",
  "Land power",
  "Military analysis",
  "Israel-Hamas",
  "Syria",
  "North Korea",
  "Defense budget",
];
export const FIRST =
  "Anna Mark Rajan Jennifer Daniel Olena Piotr Sarah Michael Leila Tomas Ines Kenji Amara Pavel Ruth".split(
    " ",
  );
export const LAST =
  "Kowalska Evans Menon Kavanagh Davis Shevchenko Nowak Clarke Brennan Haddad Novak Ferreira Sato Okafor Horvat Lindqvist".split(
    " ",
  );
export const PATTERNS = [
  (w: () => string) => `${cap(w())} and ${w()}: what comes next for ${w()}`,
  (w: () => string) => `The ${w()} question: ${w()}, ${w()} and the ${w()} debate`,
  (w: () => string) => `${cap(w())} after the ${w()} summit`,
  (w: () => string) => `Is ${w()} ${w()} the least poor option?`,
  (w: () => string) => `${cap(w())}, ${w()} and American ${w()}`,
];
export const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** mulberry32: small, fast, seeded. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generator(seed: number) {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  // rand()^1.5 skews towards the front: "ukraine" is common, "stockpiles" rare.
  const term = () => WORDS[Math.floor(rand() ** 1.5 * WORDS.length)]!;
  const word = () => (rand() < 0.3 ? term() : FILLER[Math.floor(rand() * FILLER.length)]!);
  const words = (n: number) => Array.from({ length: n }, word).join(" ");
  const sentence = (n: number) => `${cap(words(n))}.`;
  const title = () => PATTERNS[int(PATTERNS.length)]!(term);
  const one = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const pick = <T>(list: T[], n: number) => {
    const out = new Set<T>();
    while (out.size < Math.min(n, list.length)) out.add(list[int(list.length)]!);
    return [...out];
  };
  return { rand, int, one, word, words, sentence, title, pick };
}

export const slugOf = (text: string, i: number) =>
  `${text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60)}-${i}`;
export const YT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
