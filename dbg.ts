import { createProgram } from "./lib/cli.ts";
await createProgram().parseAsync(["x", "qb", "improve", "--demo-dir", "/tmp/d7", "--replications", "4"]);
