import type { Deps } from "../../deps.js";
import { notFound } from "../../lib/problem.js";
import { type EventRow, type EventStatus, findEvent, findEventWithRelations } from "./queries.js";
import type { EventView } from "./schemas.js";
import { eventView } from "./view.js";

const PUBLIC_STATUSES: EventStatus[] = ["published", "cancelled"];

/** Reads one event; the public sees published and cancelled ones only (drafts are 404). */
export async function getEventView(deps: Deps, idOrSlug: string, staff: boolean): Promise<EventView> {
  const found = await findEventWithRelations(deps.db, idOrSlug);
  if (!found || (!staff && !PUBLIC_STATUSES.includes(found.row.status))) throw notFound(`Event ${idOrSlug}`);
  return eventView(found.row, found.rel, deps.config, staff);
}

export async function requireEvent(deps: Deps, idOrSlug: string): Promise<EventRow> {
  const row = await findEvent(deps.db, idOrSlug);
  if (!row) throw notFound(`Event ${idOrSlug}`);
  return row;
}
