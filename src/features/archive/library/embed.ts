/**
 * How a recording is shown: the embeddable player of a provider, links that open it at a
 * chapter's time, and labels. Pure functions of the stored URL, so the page, the feeds and
 * the tests agree on them.
 */

import { embedUrl, type Provider } from "../recordings/urls.js";

export type { Provider };

/** The hosts the archive entry page may frame (its CSP frame-src). */
export const PLAYER_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"] as const;

export interface Player {
  /** The <iframe src>. */
  embed: string;
  /** A link that opens the recording at `seconds` on the provider's own page. */
  at(seconds: number): string;
}

const whole = (seconds: number) => Math.max(0, Math.floor(seconds));

/**
 * The player for a YouTube or Vimeo URL, from the same canonical shapes the staff API accepts
 * (recordings-urls.ts); null for files and for anything else.
 */
export function playerFor(provider: Provider, url: string): Player | null {
  const embed = embedUrl(provider, url);
  const id = embed?.split("/").at(-1);
  if (!embed || !id) return null;
  return provider === "youtube"
    ? { embed, at: (s) => `https://www.youtube.com/watch?v=${id}&t=${whole(s)}` }
    : { embed, at: (s) => `https://vimeo.com/${id}#t=${whole(s)}s` };
}

/** A link to a moment of any recording: the provider's page, or a media fragment of a file. */
export function linkAt(provider: Provider, url: string, seconds: number): string {
  const player = playerFor(provider, url);
  if (player) return player.at(seconds);
  return `${url.split("#")[0]}#t=${whole(seconds)}`;
}

/** "4:05", "1:02:05": minutes and seconds, hours only when there are any. */
export function clockLabel(seconds: number): string {
  const s = whole(seconds);
  const two = (n: number) => String(n).padStart(2, "0");
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** "1 h 2 min", "45 min": a length for people. */
export function durationLabel(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  const h = Math.floor(minutes / 60);
  return h > 0 ? `${h} h${minutes % 60 ? ` ${minutes % 60} min` : ""}` : `${minutes} min`;
}

const MIME: Record<string, string> = {
  mp4: "video/mp4",
  m4v: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  wav: "audio/wav",
  pdf: "application/pdf",
  txt: "text/plain",
  vtt: "text/vtt",
  html: "text/html",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
};

/** The media type of a file recording, from its extension; octet-stream when unknown. */
export function mimeType(url: string): string {
  const path = url.split(/[?#]/)[0] ?? url;
  const ext = path.split(".").at(-1)?.toLowerCase() ?? "";
  return MIME[ext] ?? "application/octet-stream";
}

export const KIND_LABEL = {
  video: "Video",
  audio: "Audio",
  transcript: "Transcript",
  slides: "Slides",
} as const;
