/**
 * Queries over a synthesized stack's Terraform JSON, shared by the stack tests. Logical ids are
 * cdktf's `<construct path with _>_<8 hex digits>`, so a resource is found by its construct path.
 */

/** Synthesized Terraform JSON (`cdk.tf.json`). */
export type StackJson = Record<string, any>;

/** Resources of a type, by logical id. */
export function resourcesOf(json: StackJson, type: string): Record<string, StackJson> {
  return json.resource?.[type] ?? {};
}

/** The only resource of a type (the test fails when there are several). */
export function onlyResource(json: StackJson, type: string): StackJson {
  const values = Object.values(resourcesOf(json, type));
  expect(values).toHaveLength(1);
  return values[0]!;
}

/** Terraform reference to an attribute of the only resource of a type. */
export function refToOnly(json: StackJson, type: string, attribute: string): string {
  const ids = Object.keys(resourcesOf(json, type));
  expect(ids).toHaveLength(1);
  return `\${${type}.${ids[0]}.${attribute}}`;
}

/** Logical id of the resource at a construct path below the stack, e.g. `LoadBalancer/TestListener`. */
export function logicalIdAt(json: StackJson, type: string, path: string): string {
  const prefix = `${path.replace(/\//g, '_')}_`;
  const ids = Object.keys(resourcesOf(json, type)).filter((id) => id.startsWith(prefix) && /^[0-9A-F]{8}$/.test(id.slice(prefix.length)));
  if (ids.length !== 1) throw new Error(`expected one ${type} at ${path}, found ${JSON.stringify(Object.keys(resourcesOf(json, type)))}`);
  return ids[0]!;
}

/** The resource at a construct path. */
export function resourceAt(json: StackJson, type: string, path: string): StackJson {
  return resourcesOf(json, type)[logicalIdAt(json, type, path)]!;
}

/** Terraform reference to an attribute of the resource at a construct path. */
export function refAt(json: StackJson, type: string, path: string, attribute: string): string {
  return `\${${type}.${logicalIdAt(json, type, path)}.${attribute}}`;
}
