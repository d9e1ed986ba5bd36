/**
 * No silent data loss: with dataProtection (prod) the engine leaves every namespace that holds PVCs, and the
 * studio's data claim, in the cluster on delete (destroy, or the module turned off); without it (dev) nothing
 * is retained and Harbor does not pretend to keep its volumes.
 */
import { at, renderStack, type Recorded, type RegisteredResource } from "../helpers/harness";

const retained = (registered: RegisteredResource[]) => registered.filter((r) => r.retainOnDelete).map((r) => `${r.type} ${r.name}`).sort();
const harborValues = (res: Recorded[]) => res.find((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.inputs.chart === "harbor")?.inputs.values;

describe("data protection", () => {
  test("prod: the data namespaces and the studio's data claim survive delete; Harbor's keep is real", async () => {
    const { registered, resources } = await renderStack("prod");
    expect(retained(registered)).toEqual([
      "kubernetes:core/v1:Namespace context-engine-namespace",
      "kubernetes:core/v1:Namespace llm-stack-namespace",
      "kubernetes:core/v1:Namespace llmctl-harbor-namespace",
      "kubernetes:core/v1:Namespace llmctl-namespace",
      "kubernetes:core/v1:Namespace llmctl-pgadmin-namespace",
      "kubernetes:core/v1:Namespace mlops-namespace",
      "kubernetes:core/v1:Namespace monitoring-namespace",
      "kubernetes:core/v1:PersistentVolumeClaim llmctl-studio-data",
      "kubernetes:core/v1:PersistentVolumeClaim minio-storage",
      "kubernetes:core/v1:PersistentVolumeClaim models-storage",
      "kubernetes:core/v1:PersistentVolumeClaim openwebui-data",
      "kubernetes:core/v1:PersistentVolumeClaim postgresql-storage",
      "kubernetes:core/v1:PersistentVolumeClaim qdrant-data",
      "kubernetes:core/v1:PersistentVolumeClaim qdrant-snapshots",
      "kubernetes:core/v1:PersistentVolumeClaim repos-storage",
    ]);
    expect(at(harborValues(resources) as never, "persistence.resourcePolicy")).toBe("keep");
    // StatefulSets keep their claims when deleted or scaled down.
    for (const s of resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet")) {
      expect(at(s.inputs, "spec.persistentVolumeClaimRetentionPolicy")).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    }
  });

  test("dev: nothing is retained, and Harbor's chart is not told to keep what its namespace would take anyway", async () => {
    const { registered, resources } = await renderStack("dev");
    expect(retained(registered)).toEqual([]);
    expect(at(harborValues(resources) as never, "persistence.resourcePolicy")).toBe("");
  });

  test("without persistence there is nothing to keep", async () => {
    const { registered } = await renderStack("prod", { set: { persistence: false } });
    expect(retained(registered)).toEqual([]);
  });
});
