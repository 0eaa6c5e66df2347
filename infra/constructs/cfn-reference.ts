/**
 * A resolved CloudFormation value (`{ 'Fn::Join': … }`, `{ Ref }`, `{ 'Fn::GetAtt' }`) as the flat string cdk-nag puts
 * in a finding id, e.g. `<IngestBucket1234.Arn>/articles/*`, so a finding can be acknowledged by its exact id.
 * cdk-nag exports no such helper (its own lives in `cdk-nag/lib/utils/`, an internal path that may move in any
 * release); this follows the same rules, and test/infra proves the ids match, since a mismatch fails synth.
 */
export function flattenCfnReference(reference: unknown): string {
  if (reference === undefined) return '';
  if (typeof reference === 'string') return reference.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = reference as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenCfnReference).join(delimiter);
  }
  if (node['Fn::Sub']) return flattenCfnReference(node['Fn::Sub']);
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
  }
  if (node['Fn::ImportValue']) return flattenCfnReference(node['Fn::ImportValue']);
  if (node.Ref) return `<${flattenCfnReference(node.Ref)}>`;
  return JSON.stringify(reference);
}
