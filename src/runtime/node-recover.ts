import { hostname } from "node:os";
import type { Config } from "../config.js";
import type { Deps } from "../deps.js";
import { claimants, releaseClaims } from "../features/outbox/index.js";
import { removeDeadTemporaries, running } from "../mail/eml.js";

/** This process, as its outbox claims name it (Deps.instance): host, pid, start time. */
export const processInstance = `${hostname()}/${process.pid}/${Date.now()}`;

/** Whether a claimant is a process of this host that is gone (another host's: unknown, so no). */
export function deadClaimant(claimant: string, self = processInstance): boolean {
  const parts = claimant.split("/");
  if (parts.length < 3 || claimant === self) return false;
  const pid = Number(parts.at(-2));
  const host = parts.slice(0, -2).join("/");
  if (host !== hostname() || !Number.isInteger(pid)) return false;
  return !running(pid);
}

/**
 * At start, before the scheduler: the outbox rows a dead process of this host had claimed go
 * back to 'pending' (sent within the first run, not after the 10-minute lease), and the mail
 * directory loses the temporary files such a process left.
 */
export async function recoverFromCrash(deps: Deps, config: Config) {
  const dead = (await claimants(deps.db)).filter((c) => deadClaimant(c, deps.instance));
  const released = await releaseClaims(deps.db, dead, deps.clock.now());
  const temporaries =
    config.SMTP_URL || config.EMAIL_API_KEY ? 0 : await removeDeadTemporaries(config.MAIL_DIR);
  if (released || temporaries) {
    deps.log("warn", "recovered after a crash", { claimants: dead.length, released, temporaries });
  }
  return { released, temporaries };
}
