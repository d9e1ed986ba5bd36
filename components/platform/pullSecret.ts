/**
 * Registry credentials for images a suite builds (the in-cluster Harbor's generated admin, or an
 * operator's), and the dockerconfigjson Secret each suite generates from them in its own namespace.
 */
import * as pulumi from "@pulumi/pulumi";
import { GeneratedSecret } from "./generatedSecret";

export interface RegistryAccess {
  /** harbor: the platform's Harbor; operator: imageRegistry with registryUsername/registryPassword. */
  readonly kind: "harbor" | "operator";
  /** Registry host (no scheme, no path). */
  readonly server: string;
  readonly username: pulumi.Input<string>;
  readonly password: pulumi.Output<string>;
}

/** The name of the pull secret a suite generates for `access` (<instance>-harbor-regcred / -registry-regcred). */
export function pullSecretName(instance: string, access: Pick<RegistryAccess, "kind"> | undefined): string | undefined {
  if (!access) return undefined;
  return access.kind === "harbor" ? `${instance}-harbor-regcred` : `${instance}-registry-regcred`;
}

/** Every pull secret the suite's pods use: the operator's existing ones, then the generated one. */
export function podPullSecrets(existing: readonly string[], instance: string, access: Pick<RegistryAccess, "kind"> | undefined): string[] {
  const generated = pullSecretName(instance, access);
  return [...existing, ...(generated ? [generated] : [])];
}

/** A kubernetes.io/dockerconfigjson payload for one registry (a Pulumi secret). */
export function dockerConfigJson(access: Pick<RegistryAccess, "server" | "username" | "password">): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.all([access.username, access.password]).apply(([username, password]) =>
      JSON.stringify({
        auths: { [access.server]: { username, password, auth: Buffer.from(`${username}:${password}`).toString("base64") } },
      }),
    ),
  );
}

/** The generated pull secret in `namespace`, or undefined without registry access. */
export function generatedPullSecret(
  instance: string,
  namespace: pulumi.Input<string>,
  access: RegistryAccess | undefined,
  opts: pulumi.ComponentResourceOptions,
): GeneratedSecret | undefined {
  const name = pullSecretName(instance, access);
  if (!access || !name) return undefined;
  return new GeneratedSecret(
    name,
    { namespace, secretName: name, instance, type: "kubernetes.io/dockerconfigjson", generate: {}, extra: { ".dockerconfigjson": dockerConfigJson(access) } },
    opts,
  );
}
