import type { Child } from "hono/jsx";
import { type Inline, parseInline, parseMarkdown } from "../lib/markdown.js";

/**
 * Staff-written Markdown (src/lib/markdown.ts) as page markup. Built as JSX from the parsed
 * tree, so every piece of text goes through JSX escaping: no string of HTML is ever made.
 */
function Inlines(p: { nodes: Inline[] }): Child {
  return (
    <>
      {p.nodes.map((n) => {
        if (typeof n === "string") return n;
        if ("code" in n) return <code>{n.code}</code>;
        if ("strong" in n) return <strong>{Inlines({ nodes: n.strong })}</strong>;
        if ("em" in n) return <em>{Inlines({ nodes: n.em })}</em>;
        // Staff links lead off the site: no referrer, no claim on this window.
        return (
          <a href={n.link} rel="nofollow noopener noreferrer">
            {Inlines({ nodes: n.children })}
          </a>
        );
      })}
    </>
  );
}

/** Paragraphs and lists of a description (blank lines separate them). */
export function Markdown(p: { text: string | null | undefined }) {
  return (
    <>
      {parseMarkdown(p.text ?? "").map((b) => {
        if ("p" in b) {
          return <p>{b.p.map((line, i) => [i > 0 ? "\n" : "", Inlines({ nodes: line })])}</p>;
        }
        const items = b.items.map((item) => <li>{Inlines({ nodes: item })}</li>);
        return b.list === "ol" ? <ol>{items}</ol> : <ul>{items}</ul>;
      })}
    </>
  );
}

/** A one-paragraph summary: its inline marks, inside the caller's element. */
export function InlineMarkdown(p: { text: string }) {
  return Inlines({ nodes: parseInline(p.text.replace(/\s+/g, " ").trim()) });
}
