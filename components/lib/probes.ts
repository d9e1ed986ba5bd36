import type * as k8s from "@pulumi/kubernetes";

type Probe = k8s.types.input.core.v1.Probe;

export interface ProbePair {
  readonly readinessProbe: Probe;
  readonly livenessProbe: Probe;
}

const timing = { readiness: { periodSeconds: 10, failureThreshold: 3 }, liveness: { periodSeconds: 20, failureThreshold: 6 } };

/** Readiness and liveness on an HTTP path. Liveness starts later so slow boots are not killed. */
export function httpProbes(port: number | string, path: string, initialDelaySeconds = 5): ProbePair {
  const httpGet = { path, port };
  return {
    readinessProbe: { httpGet, initialDelaySeconds, timeoutSeconds: 3, ...timing.readiness },
    livenessProbe: { httpGet, initialDelaySeconds: initialDelaySeconds + 25, timeoutSeconds: 5, ...timing.liveness },
  };
}

/** Readiness and liveness on a TCP port, for servers without an HTTP health endpoint. */
export function tcpProbes(port: number | string, initialDelaySeconds = 5): ProbePair {
  const tcpSocket = { port };
  return {
    readinessProbe: { tcpSocket, initialDelaySeconds, timeoutSeconds: 3, ...timing.readiness },
    livenessProbe: { tcpSocket, initialDelaySeconds: initialDelaySeconds + 25, timeoutSeconds: 5, ...timing.liveness },
  };
}

/** Readiness and liveness from a command (exit 0 = healthy). */
export function execProbes(command: string[], initialDelaySeconds = 5, timeoutSeconds = 5): ProbePair {
  const exec = { command };
  return {
    readinessProbe: { exec, initialDelaySeconds, timeoutSeconds, ...timing.readiness },
    livenessProbe: { exec, initialDelaySeconds: initialDelaySeconds + 25, timeoutSeconds, ...timing.liveness },
  };
}
