/**
 * The NVIDIA GPU Operator: driver (optional), container toolkit with the RuntimeClass the platform's GPU pods
 * use, device plugin, GPU Feature Discovery and NFD (which label the GPU nodes gpuNodeSelector selects), and
 * the DCGM exporter (scraped when the monitoring add-on is on).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ResourceProfile } from "../../lib/resources";
import { allowFlow, type Flow, INTERNET_PORTS, type NetworkConfig, type PodGroup } from "../../platform/flows";
import type { GpuConfig } from "../../platform/gpu";
import type { MonitoringAccess } from "../../platform/metrics";
import type { PlatformApis } from "../../platform/apis";
import { Namespace } from "../../platform/namespace";
import { chartRelease } from "../shared";
import type { GpuOperatorConfig } from "./config";
import { GPU_OPERATOR, gpuOperatorValues } from "./values";

export interface GpuOperatorArgs {
  readonly config: GpuOperatorConfig;
  /** The platform's GPU settings: RuntimeClass name and tolerations come from here. */
  readonly gpu: GpuConfig;
  readonly profile: ResourceProfile;
  readonly network: NetworkConfig;
  /** The monitoring add-on, when on: the DCGM exporter gets a ServiceMonitor and Prometheus may scrape it. */
  readonly monitoring?: MonitoringAccess;
  readonly apis: PlatformApis;
}

export class GpuOperator extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** The RuntimeClass the operator creates. */
  readonly runtimeClassName?: string;
  readonly chartVersion: string;

  constructor(name: string, args: GpuOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm-platform:addons:GpuOperator", name, {}, opts);
    const cfg = args.config;
    const ns = new Namespace(
      `${name}-namespace`,
      {
        name: cfg.namespace,
        instance: name,
        enforce: "privileged",
        enforceReason:
          "the driver, container toolkit, device plugin and DCGM operands are privileged host agents (kernel modules, containerd config, /dev/nvidia*); restricted is still warned and audited",
        allowWithin: true,
      },
      { parent: this },
    );
    this.namespace = ns.name;
    this.runtimeClassName = args.gpu.runtimeClassName;
    this.chartVersion = cfg.chart.version;
    const values = gpuOperatorValues({ config: cfg, gpu: args.gpu, profile: args.profile, monitoring: args.monitoring !== undefined });
    // With monitoring on, the operator (not the chart) creates the DCGM exporter's ServiceMonitor once its CRD exists.
    chartRelease(name, { release: GPU_OPERATOR.release, chart: GPU_OPERATOR.chart, source: cfg.chart, namespace: ns.name, values }, this, { apis: args.apis });

    const pods = (suffix: string, selector: PodGroup["selector"]): PodGroup => ({ name: suffix, namespace: cfg.namespace, own: ns.name, selector });
    const dcgm = pods("nvidia-dcgm-exporter", { matchLabels: GPU_OPERATOR.dcgmPods });
    const flows: Flow[] = [
      {
        name: "gpu-operator-to-api-server",
        from: { pods: pods(name, {}) },
        to: { external: args.network.apiServer },
        ports: args.network.apiServerPorts.map((port) => ({ port })),
        why: "the operator reconciles its ClusterPolicy and operands, NFD's master, worker and gc write node labels and NodeFeatures, the validators read node state",
      },
      // The driver container builds and installs the kernel module from the distribution's package mirrors
      // (and NVIDIA's); nodes that ship the driver (gpuOperatorDriver: false) need no internet at all.
      ...(cfg.driver
        ? [{ name: "gpu-driver-to-internet", from: { pods: pods("nvidia-driver", { matchLabels: GPU_OPERATOR.driverPods }) }, to: { external: args.network.internet }, ports: INTERNET_PORTS, why: "the driver installer downloads kernel headers and driver packages" }]
        : []),
      ...(args.monitoring ? [{ name: "prometheus-to-dcgm-exporter", from: { pods: args.monitoring.prometheus }, to: { pods: dcgm }, ports: [{ port: GPU_OPERATOR.dcgmPort }], why: "Prometheus scrapes GPU metrics from the DCGM exporter" }] : []),
    ];
    for (const f of flows) allowFlow(f, name, { parent: this });
    this.registerOutputs({ namespace: this.namespace, runtimeClassName: this.runtimeClassName });
  }
}
