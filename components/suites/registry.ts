/**
 * The one list of suites. Adding a suite: its folder, one line here, one export line in index.ts
 * (see components/suites/README.md).
 */
import { codeExecutor } from "./codeExecutor";
import { contextEngine } from "./contextEngine";
import { llmctl } from "./llmctl";
import { llmStack } from "./llmStack";
import { mlops } from "./mlops";
import type { RegisteredSuite } from "./types";

export const SUITES: readonly RegisteredSuite[] = [llmctl, llmStack, codeExecutor, contextEngine, mlops];

/** Suites of the design that are not built yet: naming one fails preview with "planned", not "unknown". */
export const PLANNED_SUITES: readonly string[] = [];
