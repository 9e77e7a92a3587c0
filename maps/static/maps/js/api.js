// Requests to the public API. One channel per kind of request: a new request on a channel aborts the
// one before it (the user chose again), so a stale answer can never be drawn. Every failure is an
// ApiError that says what went wrong: the server is busy (429, retried after its Retry-After), the link
// holds a filter the API refuses (400, with the API's words), or the connection or server failed.
import { words } from "./format.js";

const inFlight = new Map();  // channel -> AbortController
const watchers = [];
let waiting = 0;
const MAX_RETRY_SECONDS = 60;

export class ApiError extends Error {
  constructor(kind, message, { status = 0, retryAfter = 0 } = {}) {
    super(message);
    this.kind = kind;  // "busy", "refused" or "failed"
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

export const isAbort = (error) => error?.name === "AbortError";

// Called with the number of requests in flight whenever it changes (the map's "Loading…" line).
export function onActivity(watcher) { watchers.push(watcher); }
function activity(delta, note) {
  waiting += delta;
  watchers.forEach((watch) => watch(waiting, note));
}
export const idle = () => waiting === 0;

function firstMessage(body) {
  // DRF's 400: {"detail": "..."} or {"district": ["..."]}; the first message is the one to show.
  if (!body || typeof body !== "object") return "";
  const value = body.detail ?? Object.values(body)[0];
  return Array.isArray(value) ? String(value[0]) : String(value ?? "");
}

const sleep = (seconds, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, seconds * 1000);
  signal.addEventListener("abort", () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
});

async function attempt(url, signal) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, signal });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError("failed", words.loadFailed);
  }
  if (response.ok) return response.json();
  if (response.status === 429) {
    const seconds = Math.min(MAX_RETRY_SECONDS, Math.max(1, parseInt(response.headers.get("Retry-After"), 10) || 5));
    throw new ApiError("busy", words.tooManyRequests, { status: 429, retryAfter: seconds });
  }
  if (response.status === 400) {
    const body = await response.json().catch(() => null);
    throw new ApiError("refused", firstMessage(body) || words.badLink, { status: 400 });
  }
  throw new ApiError("failed", words.loadFailed, { status: response.status });
}

export function getJSON(channel, url) {
  inFlight.get(channel)?.abort();
  const controller = new AbortController();
  inFlight.set(channel, controller);
  activity(1);
  const run = async () => {
    for (;;) {
      try {
        return await attempt(url, controller.signal);
      } catch (error) {
        if (!(error instanceof ApiError) || error.kind !== "busy") throw error;
        // Busy is not broken: say so, wait as long as the server asks, and ask again.
        activity(0, error);
        await sleep(error.retryAfter, controller.signal);
      }
    }
  };
  return run().finally(() => {
    if (inFlight.get(channel) === controller) inFlight.delete(channel);
    activity(-1);
  });
}

export function cancel(channel) {
  inFlight.get(channel)?.abort();
  inFlight.delete(channel);
}

// Raw bytes (the vector tiles), with the caller's own signal.
export async function getBytes(url, signal) {
  activity(1);
  try {
    const response = await fetch(url, { signal });
    if (!response.ok) throw new ApiError(response.status === 400 ? "refused" : "failed", words.loadFailed, { status: response.status });
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (isAbort(error) || error instanceof ApiError) throw error;
    throw new ApiError("failed", words.loadFailed);
  } finally {
    activity(-1);
  }
}
