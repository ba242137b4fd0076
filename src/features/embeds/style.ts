/**
 * The embeds' one inline stylesheet, in three variants: following the reader's colour scheme
 * (the default), or held light or dark for a host page that has its own. Inline because a
 * block in another site's page should need one request; the CSP allows exactly these texts by
 * their hashes (headers.ts), so no other inline style can run. Contrast: text and links are
 * above 7:1 on both backgrounds.
 */

export type Theme = "auto" | "light" | "dark";

const LIGHT = "--bg:#fff;--fg:#1b1b1b;--muted:#4a4f55;--link:#0a4a80;--line:#d9dde2;--flag:#8a4b00";
const DARK = "--bg:#16191d;--fg:#eceff3;--muted:#b9c1ca;--link:#9ccbff;--line:#3a414a;--flag:#ffb867";

const BASE = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;padding:.75rem;font:.9375rem/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
a{color:var(--link);text-underline-offset:.15em}
:focus-visible{outline:3px solid var(--flag);outline-offset:2px}
h1{font-size:1.05rem;margin:0 0 .5rem}
h2{font-size:.95rem;margin:1rem 0 .4rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
ul{list-style:none;margin:0;padding:0}
.item{padding:.6rem 0;border-top:1px solid var(--line)}
.item:first-child{border-top:0;padding-top:0}
.title{font-weight:600;font-size:1rem}
.when,.meta{margin:.2rem 0 0;color:var(--muted);font-size:.875rem}
.flag{margin:.2rem 0 0;color:var(--flag);font-weight:600;font-size:.875rem}
.people{display:flex;flex-wrap:wrap;gap:.35rem .9rem;margin-top:.4rem}
.people li{display:flex;align-items:center;gap:.4rem;font-size:.875rem}
.photo{border-radius:50%;object-fit:cover;flex:none;background:var(--line)}
.summary{margin:.35rem 0 0}
.more{margin:.75rem 0 0;font-size:.875rem}
.empty{margin:0;color:var(--muted)}
`;

export const EMBED_CSS: Record<Theme, string> = {
  auto: `:root{${LIGHT};color-scheme:light dark}@media (prefers-color-scheme:dark){:root{${DARK}}}${BASE}`,
  light: `:root{${LIGHT};color-scheme:light}${BASE}`,
  dark: `:root{${DARK};color-scheme:dark}${BASE}`,
};
