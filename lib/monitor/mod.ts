/**
 * Live monitor: follow a growing `queue_log`, rebuild today's stints and agent states with the
 * historical code, and serve a wallboard (HTML page, Server-Sent Events, `GET /api/state`).
 *
 * @module
 */
export { LogTail, type LogTailOptions, type TailLine, type TailRead } from "./tail.ts";
export { type LiveCounts, LiveLog } from "./live_log.ts";
export { type MonitorAgent, type MonitorQueue, monitorSnapshot, type MonitorSnapshot, type MonitorWaiting, type SnapshotOptions } from "./snapshot.ts";
export { dayStartBefore, type InputSummary, LiveMonitor, type LiveMonitorOptions, type MonitorState } from "./monitor.ts";
export { replayLog, type ReplayOptions } from "./replay.ts";
export { isLoopback, MonitorHub, monitorHandler, type MonitorServerOptions, sameSecret, serveMonitor } from "./server.ts";
