/** pgAdmin's config slice. */
import type { Claims } from "../../config/claims";
import { EMAIL } from "../../config/patterns";
import type { PlatformConfig } from "../../config/platform";
import type { ChartConfig, Reader } from "../../config/reader";
import { chartAddonKeys, type KeySpec } from "../../config/schema";
import { addonHost, addonHostClaims } from "../shared";

const group = "Harbor and pgAdmin";

export const PGADMIN_SCHEMA = {
  ...chartAddonKeys("pgadmin", group, {
    enabled: "Install pgAdmin (Helm) into pgadminNamespace, wired to llmctl-postgres.",
    chart: "pgadmin4",
    repo: "https://helm.runix.net",
    version: "1.59.0",
    namespace: "llmctl-pgadmin",
    namespaceWhat: "Namespace of pgAdmin.",
  }),
  pgadminNodePort: { type: "integer", group, default: 30156, description: "pgAdmin HTTP NodePort (exposure=nodePort), 30000-32767." },
  pgadminHost: { type: "string", group, default: "", description: "Public host of pgAdmin (required when exposure is gateway or ingress and pgadminEnabled)." },
  pgadminEmail: { type: "string", group, default: "admin@example.com", description: "pgAdmin login email." },
} as const satisfies Record<string, KeySpec>;

export interface PgAdminConfig {
  readonly enabled: boolean;
  readonly chart: ChartConfig;
  readonly namespace: string;
  readonly nodePort: number;
  readonly host?: string;
  readonly email: string;
}

export function parsePgAdmin(r: Reader<typeof PGADMIN_SCHEMA>, platform: PlatformConfig): { config: PgAdminConfig; claims: Claims } {
  const enabled = r.get("pgadminEnabled");
  const email = r.get("pgadminEmail");
  if (!EMAIL.test(email)) r.problem("pgadminEmail", `must be an email address (got ${JSON.stringify(email)})`);
  const config: PgAdminConfig = {
    enabled,
    chart: r.chart("pgadminChartRepo", "pgadminChartVersion"),
    namespace: r.dnsLabel("pgadminNamespace"),
    nodePort: r.nodePort("pgadminNodePort"),
    host: addonHost(r, "pgadminHost", platform.exposure, enabled),
    email,
  };
  const nodePort = platform.exposure.mode === "nodePort" && enabled;
  return {
    config,
    claims: {
      nodePorts: nodePort ? [{ key: "pgadminNodePort", port: config.nodePort }] : [],
      namespaces: [{ key: "pgadminNamespace", namespace: config.namespace }],
      hosts: addonHostClaims("pgadminHost", config.host, config.namespace, platform.exposure, config.enabled),
    },
  };
}
