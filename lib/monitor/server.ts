/**
 * The monitor's HTTP side on `Deno.serve`: one page (plain HTML, JS and CSS served by the
 * command, nothing from a CDN), `GET /api/state` (JSON) and `GET /events` (Server-Sent Events).
 * A token, when set, is required on every request (header, cookie, or once in the page URL) and
 * checked in constant time; responses carry a strict Content-Security-Policy and are not cached.
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { escapeHtml } from "../reports/html.ts";
import { MONITOR_CSS, MONITOR_HTML, MONITOR_JS } from "./page.ts";

/** Options of {@link serveMonitor}. */
export interface MonitorServerOptions {
  /** Address to bind (default 127.0.0.1). */
  hostname?: string;
  /** Port (default 8765; 0: any free port). */
  port?: number;
  /** Required on every request when set; null: none (loopback only, checked by the caller). */
  token?: string | null;
  /** Title of the page. */
  title?: string;
  /** Called once listening, with the bound address. */
  onListen?: (addr: { hostname: string; port: number }) => void;
}

/** A client's queue beyond this many bytes means it does not read: it is dropped (it reconnects and resyncs). */
const MAX_CLIENT_BACKLOG = 8 << 20;
/** Seconds between keep-alive comments on the event stream. */
const KEEPALIVE_S = 15;

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

/** Fans published states out to event-stream clients; keeps the latest for new ones. */
export class MonitorHub {
  #latest: string | null = null;
  #latestSeq = 0;
  readonly #clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  readonly #encoder = new TextEncoder();
  readonly #keepalive: ReturnType<typeof setInterval>;

  constructor() {
    this.#keepalive = setInterval(() => this.#send(this.#encoder.encode(": keep-alive\n\n")), KEEPALIVE_S * 1000);
    Deno.unrefTimer(this.#keepalive as unknown as number);
  }

  /** The latest state as JSON text (null before the first). */
  get latest(): string | null {
    return this.#latest;
  }

  /** Connected event-stream clients. */
  get clients(): number {
    return this.#clients.size;
  }

  /** Publishes a state (an object with a numeric `seq`) to every client. */
  publish(state: { seq: number }): void {
    this.#latest = JSON.stringify(state);
    this.#latestSeq = state.seq;
    this.#send(this.#frame());
  }

  #frame(): Uint8Array {
    return this.#encoder.encode(`id: ${this.#latestSeq}\nevent: state\ndata: ${this.#latest}\n\n`);
  }

  #send(bytes: Uint8Array): void {
    for (const c of this.#clients) {
      if ((c.desiredSize ?? 0) < -MAX_CLIENT_BACKLOG) {
        this.#clients.delete(c);
        try {
          c.close();
        } catch { /* already closed */ }
        continue;
      }
      try {
        c.enqueue(bytes);
      } catch {
        this.#clients.delete(c);
      }
    }
  }

  /** A new event stream: the retry delay and the latest state first (a reconnecting client resyncs). */
  stream(): ReadableStream<Uint8Array> {
    let me: ReadableStreamDefaultController<Uint8Array>;
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        me = controller;
        controller.enqueue(this.#encoder.encode("retry: 1000\n\n"));
        if (this.#latest !== null) controller.enqueue(this.#frame());
        this.#clients.add(controller);
      },
      cancel: () => {
        this.#clients.delete(me);
      },
    }, { highWaterMark: 0 });
  }

  /** Closes every stream and stops the keep-alive. */
  close(): void {
    clearInterval(this.#keepalive);
    for (const c of this.#clients) {
      try {
        c.close();
      } catch { /* already closed */ }
    }
    this.#clients.clear();
  }
}

/** Whether `host` is a loopback address (a server there needs no token). */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Constant-time comparison of two secrets (their SHA-256 digests, so lengths do not leak). */
export function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(h(a), h(b));
}

/**
 * The tokens a request offers: the Bearer header's; else on the page a `?token=` (it wins over an
 * old cookie: the address just printed after a restart); else every `qb_token` cookie.
 */
function tokensOf(req: Request, url: URL): { tokens: string[]; from: "header" | "cookie" | "query" | null } {
  const auth = req.headers.get("authorization");
  if (auth && /^Bearer\s+/i.test(auth)) return { tokens: [auth.replace(/^Bearer\s+/i, "").trim()], from: "header" };
  const q = url.searchParams.get("token");
  if (q !== null && url.pathname === "/") return { tokens: [q], from: "query" };
  const cookies = [...(req.headers.get("cookie") ?? "").matchAll(/(?:^|;\s*)qb_token=([^;]*)/g)].map((m) => {
    try {
      return decodeURIComponent(m[1]!);
    } catch {
      return ""; // a malformed cookie is a wrong token
    }
  });
  if (cookies.length) return { tokens: cookies, from: "cookie" };
  if (q !== null) return { tokens: [q], from: "query" }; // a token in the address of anything but the page: refused below
  return { tokens: [], from: null };
}

function respond(body: BodyInit | null, status: number, type: string | null, extra: Record<string, string> = {}): Response {
  const headers = new Headers({ ...SECURITY_HEADERS, ...extra });
  if (type) headers.set("content-type", type);
  return new Response(body, { status, headers });
}

/**
 * A request handler for the monitor (exported for tests; {@link serveMonitor} serves it).
 *
 * Routes: `GET /` the page, `/app.js`, `/app.css`, `GET /api/state` the latest state as JSON
 * (503 before the first), `GET /events` the event stream, `/favicon.ico` 204 (no icon, no data). With a token, a request without it or
 * with a wrong one gets 401; the page accepts it once as `?token=` and answers with a cookie
 * (HttpOnly, SameSite=Strict) and a redirect that drops it from the address bar.
 */
export function monitorHandler(hub: MonitorHub, options: { token?: string | null; title?: string } = {}): (req: Request) => Response {
  const token = options.token ?? null;
  const page = MONITOR_HTML.replaceAll("{{TITLE}}", escapeHtml(options.title ?? "queuebook monitor"));
  return (req: Request): Response => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return respond("400: bad request (the Host header is not a host name)\n", 400, "text/plain; charset=utf-8");
    }
    // Browsers ask for an icon on their own: none, without a 404 in the console (and no data in it).
    if (url.pathname === "/favicon.ico") return respond(null, 204, null);
    // Without a token the server is for this machine only: a Host naming anything else is a
    // browser tricked by DNS rebinding into reading the board for another site.
    if (token === null && !isLoopback(url.hostname)) {
      return respond("403: this monitor answers requests addressed to 127.0.0.1 or localhost only\n", 403, "text/plain; charset=utf-8");
    }
    if (token !== null) {
      const given = tokensOf(req, url);
      // Every offered token is compared (in constant time), so the result does not depend on which matched.
      const ok = given.tokens.map((t) => sameSecret(t, token)).some((m) => m);
      if (!ok || (given.from === "query" && url.pathname !== "/")) {
        const why = given.tokens.length === 0 || given.from === "query" && url.pathname !== "/"
          ? "this monitor needs its token: open the address qb monitor printed (…/?token=…), or send 'Authorization: Bearer <token>'"
          : `the token given (by ${given.from === "header" ? "the Authorization header" : given.from === "cookie" ? "the qb_token cookie, from an earlier visit?" : "?token="}) is wrong: ` +
            "use the one qb monitor printed or read from its --token-file";
        return respond(`401: ${why}\n`, 401, "text/plain; charset=utf-8", { "www-authenticate": 'Bearer realm="queuebook monitor"' });
      }
      if (given.from === "query") {
        return respond(null, 303, null, { location: "/", "set-cookie": `qb_token=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/` });
      }
    }
    if (req.method !== "GET" && req.method !== "HEAD") return respond("method not allowed\n", 405, "text/plain; charset=utf-8", { allow: "GET, HEAD" });
    switch (url.pathname) {
      case "/":
        return respond(page, 200, "text/html; charset=utf-8");
      case "/app.js":
        return respond(MONITOR_JS, 200, "text/javascript; charset=utf-8");
      case "/app.css":
        return respond(MONITOR_CSS, 200, "text/css; charset=utf-8");
      case "/api/state":
        return hub.latest === null
          ? respond('{"error":"no state yet: the log is being read"}\n', 503, "application/json; charset=utf-8", { "retry-after": "1" })
          : respond(hub.latest, 200, "application/json; charset=utf-8");
      case "/events":
        return respond(hub.stream(), 200, "text/event-stream; charset=utf-8", { connection: "keep-alive", "x-accel-buffering": "no" });
      default:
        return respond("not found\n", 404, "text/plain; charset=utf-8");
    }
  };
}

/**
 * Serves the monitor until the returned server is shut down.
 *
 * @throws {Error} when the address cannot be bound (in use, not allowed)
 */
export function serveMonitor(hub: MonitorHub, options: MonitorServerOptions = {}): Deno.HttpServer {
  const handler = monitorHandler(hub, options);
  return Deno.serve({
    hostname: options.hostname ?? "127.0.0.1", port: options.port ?? 8765,
    onListen: (addr) => options.onListen?.(addr as { hostname: string; port: number }),
    onError: () => respond("internal error\n", 500, "text/plain; charset=utf-8"),
  }, handler);
}
