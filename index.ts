/**
 * llm-platform: one `pulumi up` per stack. The program is components/program.ts (the tests and scripts run
 * the same function); these are its stack outputs: `edge` (public URLs, DNS target, TLS, edge auth), the add-ons'
 * (`harbor`, `pgadmin`, `monitoring`, `gpuOperator`, `kserve`; absent when off), `suites` (every enabled suite's
 * outputs by name) and `llmctl` (the studio's, with its add-ons' under it, as before suites were modules).
 */
import { deployPlatform } from "./components/program";

export const { edge, harbor, pgadmin, monitoring, gpuOperator, kserve, suites, llmctl } = deployPlatform();
