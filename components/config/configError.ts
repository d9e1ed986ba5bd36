import * as pulumi from "@pulumi/pulumi";

/** Bad stack config: every problem at once, each naming its key and what is allowed (a RunError: no stack trace). */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` + problems.map((p) => `  - ${p}`).join("\n"));
    this.name = "ConfigError";
  }
}
