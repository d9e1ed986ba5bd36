/**
 * Credentials live as long as the data they open (issue 23, first part): every Postgres sets its passwords from
 * its Secret at every start (datastores.ts, POSTGRES_PASSWORD_SYNC_SCRIPT, run for real in the software tier), so
 * a new generated password still opens data that was kept.
 */
import { at, containersOf, envOf, renderStack, type JsonObject, type Recorded } from "../helpers/harness";

const postgresSets = (res: Recorded[]) => res.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet" && containersOf(r).some((c) => envOf(c).POSTGRES_PASSWORD_FILE !== undefined));

describe.each(["dev", "prod"] as const)("%s", (stack) => {
  let res: Recorded[];
  beforeAll(async () => {
    ({ resources: res } = await renderStack(stack));
  });

  test("every Postgres runs sync-passwords before the server, on the server's own data, password files and image", () => {
    const sets = postgresSets(res);
    expect(sets.map((s) => `${at(s.inputs, "metadata.namespace")}/${at(s.inputs, "metadata.name")}`).sort()).toEqual(["llm-stack/postgres", "llmctl/llmctl-postgres", "mlops/postgresql"]);
    for (const s of sets) {
      const [server] = containersOf(s);
      const [sync] = containersOf(s, true);
      expect(sync.name).toBe("sync-passwords");
      expect(sync.image).toBe(server.image);
      expect(sync.command).toEqual(["/bin/sh", "-c", expect.stringContaining("postgres --single")]);
      const mount = (c: JsonObject, path: string) => (c.volumeMounts as JsonObject[]).find((m) => m.mountPath === path);
      for (const path of ["/var/lib/postgresql/data", "/etc/postgres-password"]) expect(mount(sync, path)?.name).toBe(mount(server, path)?.name);
      for (const k of ["POSTGRES_USER", "POSTGRES_PASSWORD_FILE", "PGDATA"]) expect(envOf(sync)[k]).toEqual(envOf(server)[k]);
    }
  });

  test("MLflow's role, made by the init script, has its password set from the Secret at every start too", () => {
    const mlops = postgresSets(res).find((s) => at(s.inputs, "metadata.namespace") === "mlops")!;
    const sync = containersOf(mlops, true)[0];
    expect(envOf(sync).SYNC_ROLES).toMatchObject({ value: "mlflow=/etc/postgres-init/mlflow-password" });
    expect((sync.volumeMounts as JsonObject[]).some((m) => m.mountPath === "/etc/postgres-init")).toBe(true);
  });
});
