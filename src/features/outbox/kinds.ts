import type { Config } from "../../config.js";
import type { Deps, MailMessage } from "../../deps.js";
import { sha256Hex } from "../../lib/tokens.js";

/** What the dispatcher needs of an outbox row to render it. */
export interface OutboxMessageRow {
  id: string;
  template: string;
  params: Record<string, unknown>;
  dedupeKey: string;
}

/** A claimed row: the claim id and lease it is held under. */
export interface ClaimedRow extends OutboxMessageRow {
  claimId: string;
  attempts: number;
  claimedUntil: number;
  /** When the row was queued (epoch ms). */
  createdAt: number;
}

/** What a courier did with one row: delivered, nothing to deliver, or failed (`final`: no retry). */
export type CourierResult = { ok: true } | { skip: string } | { error: string; final?: boolean };

/**
 * A channel that is not mail (webhooks): it delivers a claimed row itself, while the outbox keeps
 * what makes delivery exactly-once per dedupe key (the claim, the lease, the conditional mark)
 * and the retries. Given at composition, like message kinds, so the outbox imports no feature.
 */
export interface Courier {
  channel: "webhook";
  /** Sends in flight at once (a dispatch of this channel runs beside the mail's, not in it). */
  concurrency: number;
  /** Attempts before the row is dead. */
  maxAttempts: number;
  /** The wait after failed attempt number `attempts` (1 = the first). */
  backoffMs(attempts: number): number;
  /** Delivers one row; never throws for a receiver's failure (it returns it). */
  send(deps: Deps, row: ClaimedRow): Promise<CourierResult>;
  /** After a row went dead (retries exhausted or a final failure), once. */
  onDead?(deps: Deps, row: ClaimedRow, error: string): Promise<void>;
}

export interface DispatchReport {
  claimed: number;
  sent: number;
  skipped: number;
  failed: number;
  dead: number;
  released: number;
}

/** A message to send, or the reason there is nothing to send (the row is then closed as sent). */
export type Rendered = { message: MailMessage } | { skip: string };

export type RenderDeps = Pick<Deps, "db" | "tokens" | "clock" | "config">;

/** A row to render with the Message-ID the outbox gives it. */
export interface RenderItem {
  row: OutboxMessageRow;
  messageId: string;
}

/**
 * A kind of message: the templates it renders and how. The outbox is a plain queue that knows
 * no feature; each feature that sends mail describes its messages this way, and the composition
 * root (src/composition.ts) hands the list to the dispatcher. Rendering happens at send time, so
 * a message always says what is true when it leaves.
 */
export interface MessageKind {
  name: string;
  templates: readonly string[];
  render(deps: RenderDeps, item: RenderItem): Promise<Rendered>;
  /**
   * Renders many rows of this kind at once (one batch for all their tokens and facts), for
   * kinds that fan out to thousands at one moment. Results are in the order of `items`; an
   * Error in a slot fails that row alone.
   */
  renderMany?(deps: RenderDeps, items: RenderItem[]): Promise<(Rendered | Error)[]>;
}

/** The registry of message kinds by template; an unknown template fails its row (and, in time, is dead). */
export class MessageKinds {
  private readonly byTemplate = new Map<string, MessageKind>();

  constructor(kinds: MessageKind[]) {
    for (const kind of kinds) {
      for (const t of kind.templates) {
        const other = this.byTemplate.get(t);
        if (other) throw new Error(`template ${t} is claimed by ${other.name} and ${kind.name}`);
        this.byTemplate.set(t, kind);
      }
    }
  }

  kindOf(template: string): MessageKind | undefined {
    return this.byTemplate.get(template);
  }

  /** Renders one row by its kind. */
  async render(deps: RenderDeps, row: OutboxMessageRow): Promise<Rendered> {
    const kind = this.kindOf(row.template);
    if (!kind) throw new Error(`unknown template ${row.template}`);
    return kind.render(deps, { row, messageId: await messageIdFor(row.dedupeKey, deps.config.PUBLIC_URL) });
  }
}

/**
 * The Message-ID of an outbox message: a hash of its dedupe key at the public host. Every send
 * of one row carries the same id, so a re-send after a crash is recognisably the same message.
 */
export async function messageIdFor(dedupeKey: string, publicUrl: Config["PUBLIC_URL"]): Promise<string> {
  return `<${(await sha256Hex(dedupeKey)).slice(0, 32)}@${hostOf(publicUrl)}>`;
}

// The host of the last public URL seen: parsing a URL per message was a tenth of rendering a
// queued chunk of reminders in workerd's profile, and the URL is the same for every message.
let lastHost: { url: string; host: string } | undefined;
function hostOf(publicUrl: string): string {
  if (lastHost?.url !== publicUrl)
    lastHost = { url: publicUrl, host: new URL(publicUrl).hostname || "localhost" };
  return lastHost.host;
}
