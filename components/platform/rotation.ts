/**
 * Credential rotation as reviewed config: `credentialRotation` lists `<secret>/<KEY>=<token>` entries; the token
 * becomes the generated value's `keepers` (random.RandomPassword), so a new token replaces that one value (the
 * engine makes a new password) and nothing else. The Secret's checksum then rolls every pod that reads it, and each
 * store sets its password from the Secret at its next start (docs/operations.md, "Credentials"). A rotation is
 * therefore a one-line change a pull request shows in preview and Pulumi Deployments applies like any other.
 *
 * The map is the program's (one stack per evaluation): deployPlatform sets it first and checks at the end that
 * every entry named a generated credential, so a typo fails preview instead of rotating nothing.
 */
import { ConfigError } from "../config/configError";
import { PROJECT } from "../config/reader";

const KEY = `${PROJECT}:credentialRotation`;

let requested = new Map<string, string>();
const generated = new Map<string, string | undefined>();

/** Called once per evaluation, before any GeneratedSecret: the stack's credentialRotation entries (already parsed). */
export function configureRotation(entries: ReadonlyMap<string, string>): void {
  requested = new Map(entries);
  generated.clear();
}

/**
 * The keepers of one generated value: `{ rotation: <token> }` when the stack asks to rotate it, none otherwise (so
 * a stack that never rotates keeps every value it has). `refuse`: why this value cannot be rotated by config.
 */
export function rotationKeepers(secretName: string, key: string, refuse?: string): Record<string, string> | undefined {
  const id = `${secretName}/${key}`;
  generated.set(id, refuse);
  const token = requested.get(id);
  // A refused entry changes nothing here; checkRotations fails the whole evaluation at its end.
  if (token === undefined || refuse) return undefined;
  return { rotation: token };
}

/**
 * After every GeneratedSecret: entries that named nothing, or a value only its application can change, fail (at
 * the end of the program, so no evaluation stops half-way: preview fails before `up` applies anything).
 */
export function checkRotations(): void {
  const problems: string[] = [];
  const known = [...generated].filter(([, refuse]) => !refuse).map(([id]) => id).sort();
  for (const id of requested.keys()) {
    if (!generated.has(id)) problems.push(`${KEY}: ${id} is not a credential this stack generates; rotatable: ${known.join(", ")}`);
    else if (generated.get(id)) problems.push(`${KEY}: ${id} cannot be rotated by config: ${generated.get(id)}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/** Every generated credential of the last evaluation, and why it cannot be rotated by config when it cannot. */
export function generatedCredentials(): ReadonlyMap<string, string | undefined> {
  return new Map(generated);
}
