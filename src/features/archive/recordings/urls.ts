import type { RECORDING_PROVIDERS } from "../../../db/schema.js";
import type { FieldError } from "../../../lib/problem.js";

export type Provider = (typeof RECORDING_PROVIDERS)[number];

// Only the canonical shapes each provider documents for sharing and embedding, so the pages can
// derive an embed URL without fetching anything and nothing else slips into a player iframe.
const YOUTUBE = [
  /^https:\/\/www\.youtube\.com\/watch\?v=([A-Za-z0-9_-]{11})$/,
  /^https:\/\/youtu\.be\/([A-Za-z0-9_-]{11})$/,
  /^https:\/\/www\.youtube\.com\/embed\/([A-Za-z0-9_-]{11})$/,
];
const VIMEO = [/^https:\/\/vimeo\.com\/(\d{1,12})$/, /^https:\/\/player\.vimeo\.com\/video\/(\d{1,12})$/];

const RULES: Record<Provider, string> = {
  youtube:
    "must be https://www.youtube.com/watch?v=ID, https://youtu.be/ID or https://www.youtube.com/embed/ID with an 11-character video id",
  vimeo: "must be https://vimeo.com/NUMBER or https://player.vimeo.com/video/NUMBER",
  file: "must be an https URL",
};

function videoId(provider: Provider, url: string): string | null {
  const patterns = provider === "youtube" ? YOUTUBE : provider === "vimeo" ? VIMEO : [];
  for (const p of patterns) {
    const m = p.exec(url);
    if (m) return m[1]!;
  }
  return null;
}

/** Why `url` is not acceptable for `provider`, or null when it is. */
export function urlProblem(provider: Provider, url: string): string | null {
  if (url.length > 2000) return "must be at most 2000 characters";
  if (provider === "file") {
    try {
      const u = new URL(url);
      return u.protocol === "https:" && u.hostname && !u.username && !u.password ? null : RULES.file;
    } catch {
      return RULES.file;
    }
  }
  return videoId(provider, url) ? null : RULES[provider];
}

/** The player URL for an embedded player (YouTube without cookies), or null for files. */
export function embedUrl(provider: Provider, url: string): string | null {
  const id = videoId(provider, url);
  if (!id) return null;
  return provider === "youtube"
    ? `https://www.youtube-nocookie.com/embed/${id}`
    : `https://player.vimeo.com/video/${id}`;
}

export interface ChapterInput {
  startSeconds: number;
  title: string;
  brief?: string | undefined;
}

/**
 * Chapters are given in order: each starts strictly after the previous one and, when the
 * recording's duration is known, before its end. Errors name "chapters.{i}.startSeconds".
 */
export function chapterErrors(chapters: ChapterInput[], durationSeconds: number | null | undefined) {
  const errors: FieldError[] = [];
  chapters.forEach((c, i) => {
    const field = `chapters.${i}.startSeconds`;
    const previous = chapters[i - 1];
    if (previous && c.startSeconds <= previous.startSeconds) {
      errors.push({
        field,
        message: `must be after the previous chapter's start (${previous.startSeconds})`,
      });
    } else if (durationSeconds != null && c.startSeconds >= durationSeconds) {
      errors.push({ field, message: `must be before the end of the recording (${durationSeconds} s)` });
    }
  });
  return errors;
}
