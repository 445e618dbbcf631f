/** RegisterJobDefinition, DeregisterJobDefinition and DescribeJobDefinitions (paginated). */
import type { JobDefinition, RegisterJobDefinitionRequest } from '@aws-sdk/client-batch';
import type { BatchEngine } from '../core/engine';
import { validateTags } from '../core/tags';
import { ClientException } from '../../edge/errors';
import type { BatchHandlers } from './routes';
import { withContainerLists } from './defaults';
import { asInput, checkShapes, oneOf, optionalInteger, optionalString, requiredString, stringList } from './input';
import { decodeToken, fingerprint, pageOfArray, pageSize } from './pagination';
import { checkResourceValues } from './resource-values';

const LISTS = ['platformCapabilities'];
const OBJECTS = ['parameters', 'containerProperties', 'nodeProperties', 'retryStrategy', 'timeout', 'eksProperties', 'ecsProperties', 'consumableResourceProperties'];

function withTags(engine: BatchEngine, d: JobDefinition): JobDefinition {
  const tags = d.jobDefinitionArn ? engine.tags.get(d.jobDefinitionArn) : undefined;
  return tags ? { ...d, tags } : d;
}

/** As AWS describes a definition: empty `parameters` and container lists are present, not omitted. */
function withDefaults(d: JobDefinition): JobDefinition {
  const out: JobDefinition = { ...d, parameters: d.parameters ?? {} };
  if (d.containerProperties) out.containerProperties = withContainerLists(d.containerProperties);
  return out;
}

export function jobDefinitionHandlers(engine: BatchEngine): BatchHandlers {
  return {
    RegisterJobDefinition(raw) {
      const input = asInput(raw);
      requiredString(input, 'jobDefinitionName');
      oneOf(input, 'type', ['container', 'multinode']);
      requiredString(input, 'type');
      optionalInteger(input, 'schedulingPriority');
      checkShapes(input, LISTS, OBJECTS);
      if (input.tags !== undefined) validateTags(input.tags);
      if (input.propagateTags !== undefined && typeof input.propagateTags !== 'boolean') throw new ClientException('propagateTags must be a boolean');
      checkResourceValues({ containerProperties: input.containerProperties, nodeProperties: input.nodeProperties, ecsProperties: input.ecsProperties });
      return engine.registerJobDefinition(input as unknown as RegisterJobDefinitionRequest);
    },

    DeregisterJobDefinition(raw) {
      engine.deregisterJobDefinition(requiredString(asInput(raw), 'jobDefinition'));
      return {};
    },

    DescribeJobDefinitions(raw) {
      const input = asInput(raw);
      const jobDefinitions = stringList(input, 'jobDefinitions', 100);
      const jobDefinitionName = optionalString(input, 'jobDefinitionName');
      const status = optionalString(input, 'status');
      const size = pageSize(input.maxResults, 100);
      const fp = fingerprint('DescribeJobDefinitions', [jobDefinitions ?? null, jobDefinitionName ?? null, status ?? null]);
      const offset = decodeToken(input.nextToken, fp);
      const all = engine.describeJobDefinitions({ jobDefinitions, jobDefinitionName, status });
      const page = pageOfArray(all, offset, size, fp);
      const out: { jobDefinitions: JobDefinition[]; nextToken?: string } = { jobDefinitions: page.items.map((d) => withDefaults(withTags(engine, d))) };
      if (page.nextToken) out.nextToken = page.nextToken;
      return out;
    },
  };
}
