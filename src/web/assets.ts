import { Hono } from "hono";
import type { AppEnv } from "../lib/http.js";

/**
 * Our one stylesheet. It is small enough to live in the bundle, which keeps the Worker free of a
 * static-asset binding; the URL carries a content hash so it can be cached for a year.
 * Colours: text #1b1b1b and links #0a4a80 on white are above 9:1; focus is a 3px outline.
 */
export const SITE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:1.0625rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b1b1b;background:#fff}
a{color:#0a4a80;text-underline-offset:.15em}
a:hover{color:#062c4d}
:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
.skip{position:absolute;left:.5rem;top:-3rem;padding:.5rem .75rem;background:#fff;border:2px solid #0a4a80;z-index:10}
.skip:focus{top:.5rem}
.wrap{max-width:46rem;margin:0 auto;padding:0 1rem}
header.site{border-bottom:1px solid #d0d4d9;background:#f5f6f8}
header.site .wrap{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between;padding-top:.75rem;padding-bottom:.75rem}
.brand{font-weight:700;font-size:1.15rem;text-decoration:none;color:#1b1b1b}
nav ul{list-style:none;margin:0;padding:0;display:flex;gap:1rem}
main{padding:1.5rem 0 3rem}
main:focus{outline:none}
footer.site{border-top:1px solid #d0d4d9;color:#444;font-size:.95rem;padding:1rem 0 2rem}
h1{font-size:1.75rem;line-height:1.25;margin:.25rem 0 .75rem}
h2{font-size:1.3rem;margin:2rem 0 .5rem}
.meta{color:#3d3d3d;margin:.25rem 0}
.when{font-weight:600}
.notice{border-left:5px solid #0a4a80;background:#eef4fa;padding:.75rem 1rem;margin:1rem 0}
.notice.warn{border-color:#8a4b00;background:#fdf3e6}
.notice.ok{border-color:#1d6b35;background:#ecf6ee}
ul.events{list-style:none;padding:0;margin:0}
ul.events li{border-bottom:1px solid #e2e5e9;padding:1rem 0}
ul.events h2{margin:0 0 .25rem;font-size:1.2rem}
.tags{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem}
.tags li{background:#eef0f3;border-radius:1rem;padding:.1rem .7rem;font-size:.95rem}
form .field{margin:0 0 1.1rem}
label,legend{display:block;font-weight:600;margin-bottom:.3rem}
.hint{display:block;font-weight:400;color:#444;font-size:.95rem}
input[type=text],input[type=email],textarea{width:100%;max-width:32rem;font:inherit;padding:.55rem .6rem;border:2px solid #5f6b76;border-radius:4px;background:#fff;color:#1b1b1b}
textarea{min-height:7rem}
fieldset{border:0;padding:0;margin:0 0 1.1rem}
.choice{display:flex;gap:.6rem;align-items:flex-start;margin:.35rem 0}
.choice input{width:1.35rem;height:1.35rem;margin:.15rem 0 0;flex:none}
.choice label{font-weight:400;margin:0}
[aria-invalid=true]{border-color:#b00020}
.error{display:block;color:#b00020;font-weight:600;margin:.25rem 0}
.summary{border:3px solid #b00020;padding:.75rem 1rem;margin:0 0 1.5rem}
.summary h2{margin-top:0;font-size:1.15rem}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.6rem 1.2rem;border:2px solid #0a4a80;border-radius:4px;background:#0a4a80;color:#fff;cursor:pointer;text-decoration:none}
button:hover,.button:hover{background:#062c4d;color:#fff}
button.secondary{background:#fff;color:#0a4a80}
button.danger{background:#fff;color:#8f0018;border-color:#8f0018}
.hp{position:absolute!important;left:-10000px;width:1px;height:1px;overflow:hidden}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
.actions{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
.actions form{margin:0}
code.link{word-break:break-all}
ul.cal{padding-left:1.25rem}
ul.cal li{margin:.4rem 0}
input[type=search],select{font:inherit;padding:.5rem .6rem;border:2px solid #5f6b76;border-radius:4px;background:#fff;color:#1b1b1b}
input[type=search]{width:100%;max-width:32rem}
fieldset.filters{display:flex;flex-wrap:wrap;gap:0 1.25rem;align-items:flex-end}
fieldset.filters legend{width:100%}
fieldset.filters .field,fieldset.filters .choice{margin:0 0 .75rem}
ul.events h3{margin:0 0 .25rem;font-size:1.15rem}
ul.briefs{margin:.25rem 0;padding-left:1.25rem}
search{display:block}
mark{background:#fff0a8;color:inherit;padding:0 .1em}
.badge{display:inline-block;margin-left:.6rem;padding:0 .5rem;border:1px solid #1d6b35;border-radius:.75rem;color:#1d6b35;font-size:.9rem;font-weight:600}
h3{font-size:1.1rem;margin:1.25rem 0 .4rem}
ul.events h3{margin:0 0 .25rem;font-size:1.15rem}
.player{position:relative;width:100%;aspect-ratio:16/9;background:#0d0d0d;margin:.5rem 0}
.player iframe{position:absolute;inset:0;width:100%;height:100%;border:0}
.recording{margin:0 0 1.5rem}
.chapters h4{font-size:1rem;margin:.75rem 0 .25rem}
.chapters ol{list-style:none;padding:0;margin:0}
.chapters li{padding:.3rem 0;border-bottom:1px solid #e2e5e9}
.chapters a{text-decoration:none}
.chapters a .t{text-decoration:underline}
.chapters .at{display:inline-block;min-width:3.5rem;font-variant-numeric:tabular-nums;font-weight:600}
ul.people,ul.briefs{padding-left:1.25rem}
ul.people li,ul.briefs li{margin:.35rem 0}
ul.people:has(img){list-style:none;padding-left:0}
ul.people li:has(img){display:flex;align-items:center;gap:.6rem}
.photo{border-radius:50%;object-fit:cover;flex:none;background:#eef0f3}
.person-head{display:flex;align-items:center;gap:1rem;flex-wrap:wrap}
.tags a{text-decoration:none}
.demo{font-size:.95rem}
.lede{font-size:1.15rem;color:#3d3d3d}
ul.plain{list-style:none;padding:0}
@media (max-width:30rem){h1{font-size:1.45rem}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:.5rem}}
`;

// FNV-1a: a synchronous content hash is enough to bust caches (Web Crypto digests are async).
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

const VERSION = fnv1a(SITE_CSS);
export const SITE_CSS_URL = `/assets/site.css?v=${VERSION}`;

// Only the versioned URL is immutable; a bare or stale one may change with the next deploy.
export const assetRoutes = new Hono<AppEnv>()
  .get("/assets/site.css", (c) =>
    c.body(SITE_CSS, 200, {
      "Content-Type": "text/css; charset=utf-8",
      "Cache-Control":
        c.req.query("v") === VERSION ? "public, max-age=31536000, immutable" : "public, max-age=300",
    }),
  )
  // Browsers ask for it on every site; "no icon" beats a 404 in every log.
  .get("/favicon.ico", (c) => c.body(null, 204, { "Cache-Control": "public, max-age=86400" }));
