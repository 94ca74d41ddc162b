/** The monitor's HTTP handler: routes, token checks (header, cookie, page URL once), security headers, the event stream. */
import { describe, expect, it } from "vitest";
import { isLoopback, monitorHandler, MonitorHub, sameSecret } from "../../lib/mod.ts";

const req = (path: string, init: RequestInit = {}) => new Request(`http://127.0.0.1:8765${path}`, init);
const TOKEN = "s3cret-token-of-the-test-1234";

async function readEvents(body: ReadableStream<Uint8Array>, count: number): Promise<string[]> {
  const reader = body.getReader();
  const dec = new TextDecoder();
  let text = "";
  const frames: string[] = [];
  while (frames.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value);
    const parts = text.split("\n\n");
    text = parts.pop()!;
    frames.push(...parts);
  }
  await reader.cancel();
  return frames;
}

describe("monitorHandler without a token (loopback)", () => {
  const hub = new MonitorHub();
  const handle = monitorHandler(hub, { title: "<script>alert(1)</script> & co" });

  it("serves the page with its script as a file, a strict CSP, no caching, and the title escaped", async () => {
    const r = handle(req("/"));
    expect(r.status).toBe(200);
    const csp = r.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await r.text();
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co");
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script body
    expect(html).toContain('<script src="/app.js" defer></script>');
    expect((await handle(req("/app.js")).text())).toContain("new EventSource(\"/events\")");
    expect(handle(req("/app.css")).headers.get("content-type")).toContain("text/css");
  });

  it("refuses a request addressed to another host (DNS rebinding) when it has no token", () => {
    const r = handle(new Request("http://attacker.example:8765/api/state", { headers: { origin: "http://attacker.example:8765" } }));
    expect(r.status).toBe(403);
    expect(handle(req("/")).status).toBe(200);
    expect(handle(new Request("http://localhost:8765/")).status).toBe(200);
  });

  it("answers 503 before the first state, then the latest state; 404 and 405 elsewhere", async () => {
    expect(handle(req("/api/state")).status).toBe(503);
    hub.publish({ seq: 1, as_of: "x", queues: [] } as never);
    const r = handle(req("/api/state"));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ seq: 1, as_of: "x", queues: [] });
    expect(handle(req("/nope")).status).toBe(404);
    expect(handle(req("/api/state", { method: "POST" })).status).toBe(405);
  });

  it("streams the latest state first (a reconnecting client resyncs), then every publication with its number", async () => {
    const r = handle(req("/events"));
    expect(r.headers.get("content-type")).toContain("text/event-stream");
    const reading = readEvents(r.body!, 3);
    await new Promise((ok) => setTimeout(ok, 20));
    hub.publish({ seq: 2, as_of: "y" } as never);
    const frames = await reading;
    expect(frames[0]).toBe("retry: 1000");
    expect(frames[1]).toBe('id: 1\nevent: state\ndata: {"seq":1,"as_of":"x","queues":[]}');
    expect(frames[2]).toBe('id: 2\nevent: state\ndata: {"seq":2,"as_of":"y"}');
    await new Promise((ok) => setTimeout(ok, 20));
    expect(hub.clients).toBe(0); // the cancelled stream is gone
  });
});

describe("monitorHandler with a token", () => {
  const hub = new MonitorHub();
  hub.publish({ seq: 1 } as never);
  const handle = monitorHandler(hub, { token: TOKEN });

  it("refuses every route without the token or with a wrong one (401), the event stream included", () => {
    for (const path of ["/", "/app.js", "/api/state", "/events"]) {
      expect(handle(req(path)).status).toBe(401);
      expect(handle(req(path, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      expect(handle(req(path, { headers: { cookie: "qb_token=wrong" } })).status).toBe(401);
    }
    expect(handle(req("/api/state")).headers.get("www-authenticate")).toContain("Bearer");
    // A malformed cookie is a wrong token (not a 500); any method is asked for the token first.
    expect(handle(req("/api/state", { headers: { cookie: "qb_token=%E0%A4%A" } })).status).toBe(401);
    expect(handle(req("/", { method: "POST" })).status).toBe(401);
    expect(handle(req(`/?token=${TOKEN}x`)).status).toBe(401);
    // The token in a URL is accepted for the page only (it would end up in logs and histories elsewhere).
    expect(handle(req(`/api/state?token=${TOKEN}`)).status).toBe(401);
  });

  it("says whether the token is missing or wrong, and where the wrong one came from; answers the icon with 204", async () => {
    expect(await handle(req("/api/state")).text()).toMatch(/^401: this monitor needs its token/);
    expect(await handle(req("/api/state", { headers: { authorization: "Bearer wrong" } })).text()).toMatch(/^401: the token given \(by the Authorization header\) is wrong/);
    expect(await handle(req("/", { headers: { cookie: "qb_token=old" } })).text()).toMatch(/^401: the token given \(by the qb_token cookie, from an earlier visit\?\) is wrong/);
    // A fresh ?token= on the page wins over a cookie left by an earlier run; any qb_token cookie that matches is accepted.
    expect(handle(req(`/?token=${TOKEN}`, { headers: { cookie: "qb_token=from-yesterday" } })).status).toBe(303);
    expect(handle(req("/api/state", { headers: { cookie: `qb_token=wrong; qb_token=${encodeURIComponent(TOKEN)}` } })).status).toBe(200);
    const icon = handle(req("/favicon.ico"));
    expect(icon.status).toBe(204);
    expect(await icon.text()).toBe("");
  });

  it("accepts the bearer header and the cookie, and turns the page URL's token into a cookie", async () => {
    expect(handle(req("/api/state", { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect(handle(req("/events", { headers: { cookie: `other=1; qb_token=${encodeURIComponent(TOKEN)}` } })).status).toBe(200);
    const r = handle(req(`/?token=${TOKEN}`));
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/");
    expect(r.headers.get("set-cookie")).toBe(`qb_token=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`);
  });

  it("compares secrets in constant time over digests; knows loopback addresses", () => {
    expect(sameSecret(TOKEN, TOKEN)).toBe(true);
    expect(sameSecret(TOKEN, TOKEN + "x")).toBe(false);
    expect(sameSecret("", TOKEN)).toBe(false);
    expect(["127.0.0.1", "127.3.2.1", "::1", "localhost"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "192.168.1.10", "::", "example.com"].some(isLoopback)).toBe(false);
  });
});
