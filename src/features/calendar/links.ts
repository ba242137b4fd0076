import type { Config } from "../../config.js";
import type { EventRow } from "../events/index.js";
import { eventPageUrl } from "./content.js";
import { webcalUrl } from "./feed-tokens.js";

/**
 * "Add to calendar" targets for the event and manage pages. Times go out as UTC instants
 * (with the event's zone as a display hint for Google), so no app can shift them.
 */
export interface CalendarLinks {
  ics: string;
  webcal: string;
  google: string;
  outlook: string;
  office365: string;
  /** webcal:// subscription to the public calendar of all published events (/calendar.ics). */
  subscribeAll: string;
}

const compact = (d: Date) =>
  d
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
const isoZ = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export const publicCalendarUrl = (config: Pick<Config, "PUBLIC_URL">) => `${config.PUBLIC_URL}/calendar.ics`;

type LinkEvent = Pick<
  EventRow,
  "slug" | "title" | "summary" | "startsAt" | "endsAt" | "timeZone" | "format" | "venue"
>;

export function calendarLinks(row: LinkEvent, config: Pick<Config, "PUBLIC_URL">): CalendarLinks {
  const page = eventPageUrl(config, row.slug);
  const ics = `${page}.ics`;
  const details = [row.summary, page].filter(Boolean).join("\n\n");
  const location = row.format !== "virtual" && row.venue ? row.venue : page;
  const google = new URL("https://calendar.google.com/calendar/render");
  google.search = new URLSearchParams({
    action: "TEMPLATE",
    text: row.title,
    dates: `${compact(row.startsAt)}/${compact(row.endsAt)}`,
    ctz: row.timeZone,
    details,
    location,
  }).toString();
  const outlookQuery = new URLSearchParams({
    path: "/calendar/action/compose",
    rru: "addevent",
    subject: row.title,
    startdt: isoZ(row.startsAt),
    enddt: isoZ(row.endsAt),
    body: details,
    location,
  }).toString();
  return {
    ics,
    webcal: webcalUrl(ics),
    google: google.toString(),
    outlook: `https://outlook.live.com/calendar/0/deeplink/compose?${outlookQuery}`,
    office365: `https://outlook.office.com/calendar/0/deeplink/compose?${outlookQuery}`,
    subscribeAll: webcalUrl(publicCalendarUrl(config)),
  };
}
