/**
 * llm-platform: one `pulumi up` per stack. The program is components/program.ts (the tests and scripts run
 * the same function); its result is the stack outputs: `edge` (public URLs, DNS target, TLS, edge auth), the
 * add-ons' (`harbor`, `pgadmin`, `monitoring`, `gpuOperator`, `kserve`; absent when off), `suites` (every
 * enabled suite's outputs by name) and `llmctl` (the studio's, with its add-ons' under it, as before suites
 * were modules). The whole object is the module's export, so an absent output is no key at all.
 */
import { deployPlatform } from "./components/program";

export = deployPlatform();
