/**
 * llm-platform: wiring only. Load the typed stack config, build each enabled suite, export what a person
 * needs after `pulumi up`.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./components/config";
import { resolveAllImages } from "./components/lib/images";
import { LlmctlSuite } from "./components/suites/llmctl";

const config = loadStackConfig();
const images = resolveAllImages(config.images);

// An explicit provider when a kube context is named; otherwise the ambient kubeconfig context.
const opts: pulumi.ComponentResourceOptions = config.kubeContext
  ? { providers: { kubernetes: new k8s.Provider("k8s", { context: config.kubeContext }) } }
  : {};

const llmctlSuite = config.suites.includes("llmctl")
  ? new LlmctlSuite(
      "llmctl",
      {
        config: config.llmctl,
        exposure: config.exposure,
        gpu: config.gpu,
        persistence: config.persistence,
        storageClass: config.storageClass,
        profile: config.resourceProfile,
        podDisruptionBudgets: config.podDisruptionBudgets,
        images,
        imagePullSecrets: config.images.pullSecrets,
        harbor: config.harbor,
        pgadmin: config.pgadmin,
        pullCredentials: config.pullCredentials,
      },
      opts,
    )
  : undefined;

export const llmctl = llmctlSuite && {
  namespace: llmctlSuite.namespace,
  frontendUrl: llmctlSuite.frontend.url,
  backendUrl: llmctlSuite.backend.url,
  portForward: { frontend: llmctlSuite.frontend.portForward, backend: llmctlSuite.backend.portForward },
  secrets: llmctlSuite.secrets,
  mcpEndpoints: llmctlSuite.mcpEndpoints,
  mcpPublicEndpoints: llmctlSuite.mcpPublicEndpoints,
  nodeIpHint: config.exposure.mode === "nodePort" && !config.exposure.nodePortHost ? "minikube -p llmctl ip" : undefined,
  imagePullSecrets: llmctlSuite.imagePullSecrets,
  harbor: llmctlSuite.harbor && {
    url: llmctlSuite.harbor.url,
    adminUsername: llmctlSuite.harbor.adminUsername,
    // A secret output: `pulumi stack output --show-secrets llmctl` reveals it.
    adminPassword: llmctlSuite.harbor.adminPassword,
    imagePrefix: llmctlSuite.harbor.imagePrefix,
    chartVersion: llmctlSuite.harbor.chartVersion,
  },
  pgadmin: llmctlSuite.pgadmin && {
    url: llmctlSuite.pgadmin.url,
    email: llmctlSuite.pgadmin.email,
    password: llmctlSuite.pgadmin.password,
  },
};
