/** Compute environment files (`*.computeenv.*`): a CreateComputeEnvironment request. */
import type { Reporter } from '../reporter';
import { checkName, checkTags } from './names';
import { arr, get, has, int, isObj, str, type Obj } from './util';

export const MAX_FARGATE_SUBNETS = 16;

/** M:ComputeResource members documented "isn't applicable to jobs that are running on Fargate resources. Don't specify it." */
const EC2_ONLY_FIELDS = [
  'minvCpus', 'desiredvCpus', 'allocationStrategy', 'instanceTypes', 'imageId', 'ec2KeyPair', 'instanceRole', 'tags',
  'placementGroup', 'bidPercentage', 'spotIamFleetRole', 'launchTemplate', 'ec2Configuration', 'scalingPolicy',
];

export function checkComputeEnvironment(doc: unknown, r: Reporter): void {
  if (!isObj(doc)) return;
  checkName(get(doc, 'computeEnvironmentName'), 'computeEnvironmentName', ['computeEnvironmentName'], r);
  const type = str(get(doc, 'type'));
  const resources = get(doc, 'computeResources');
  // M:CreateComputeEnvironmentRequest.computeResources: "This parameter is required for managed compute environments."
  if (type === 'MANAGED' && !has(doc, 'computeResources')) {
    r.error(['type'], 'ce-compute-resources', 'a MANAGED compute environment needs computeResources (type, maxvCpus, subnets, ...)');
  } else if (type === 'UNMANAGED' && has(doc, 'computeResources')) {
    r.error(['computeResources'], 'ce-compute-resources', 'computeResources is only for MANAGED compute environments; an UNMANAGED one gets its instances from you: remove it or set type to MANAGED', 'key');
  }
  // M:CreateComputeEnvironmentRequest.unmanagedvCpus: "only supported when the type parameter is set to UNMANAGED".
  if (type === 'MANAGED' && has(doc, 'unmanagedvCpus')) {
    r.error(['unmanagedvCpus'], 'ce-unmanaged-vcpus', 'unmanagedvCpus is only supported for UNMANAGED compute environments; remove it', 'key');
  }
  if (isObj(resources)) checkComputeResources(resources, r);
  checkTags(get(doc, 'tags'), ['tags'], r);
}

function checkComputeResources(cr: Obj, r: Reporter): void {
  const base = ['computeResources'];
  const crType = str(get(cr, 'type'));
  const fargate = crType === 'FARGATE' || crType === 'FARGATE_SPOT';
  const min = int(get(cr, 'minvCpus'));
  const max = int(get(cr, 'maxvCpus'));
  const desired = int(get(cr, 'desiredvCpus'));
  const bounds = 'ce-vcpu-bounds';
  for (const [field, n] of [['minvCpus', min], ['maxvCpus', max], ['desiredvCpus', desired]] as const) {
    if (n !== undefined && n < 0) r.error([...base, field], bounds, `${field} is ${n}; vCPU counts cannot be negative`);
  }
  // M:ComputeResource.minvCpus / desiredvCpus: Batch keeps desiredvCpus between the minimum and maximum.
  if (min !== undefined && max !== undefined && min >= 0 && min > max) {
    r.error([...base, 'minvCpus'], bounds, `minvCpus (${min}) is greater than maxvCpus (${max}); the minimum must not exceed the maximum`);
  }
  if (desired !== undefined && desired >= 0) {
    if (min !== undefined && min >= 0 && desired < min) r.error([...base, 'desiredvCpus'], bounds, `desiredvCpus (${desired}) is below minvCpus (${min}); it must lie between minvCpus and maxvCpus`);
    else if (max !== undefined && desired > max) r.error([...base, 'desiredvCpus'], bounds, `desiredvCpus (${desired}) is above maxvCpus (${max}); it must lie between minvCpus and maxvCpus`);
  }
  if (fargate) {
    for (const field of EC2_ONLY_FIELDS) {
      if (has(cr, field)) r.error([...base, field], 'ce-fargate-field', `computeResources.${field} does not apply to ${crType} compute environments; remove it`, 'key');
    }
    // M:ComputeResource.securityGroupIds: "required for jobs that are running on Fargate resources and must contain at least one security group"
    const groups = get(cr, 'securityGroupIds');
    const list = arr(groups);
    if (groups === undefined || (list && list.length === 0)) {
      r.error(groups === undefined ? [...base, 'type'] : [...base, 'securityGroupIds'], 'ce-fargate-security-groups', `a ${crType} compute environment needs at least one security group in computeResources.securityGroupIds`);
    }
    // M:ComputeResource.subnets: "Fargate compute resources can contain up to 16 subnets."
    const subnets = arr(get(cr, 'subnets'));
    if (subnets && subnets.length > MAX_FARGATE_SUBNETS) {
      r.error([...base, 'subnets'], 'ce-fargate-subnets', `computeResources.subnets lists ${subnets.length} subnets; Fargate compute environments can have at most ${MAX_FARGATE_SUBNETS}`, 'key');
    }
    return;
  }
  if (crType !== 'EC2' && crType !== 'SPOT') return;
  // M:ComputeResource.instanceRole: "This parameter is required for Amazon EC2 instances types."
  if (!has(cr, 'instanceRole')) {
    r.error([...base, 'type'], 'ce-instance-role', `a ${crType} compute environment needs computeResources.instanceRole (an ECS instance profile, e.g. ecsInstanceRole)`);
  }
  const strategy = str(get(cr, 'allocationStrategy'));
  // M:ComputeResource.allocationStrategy: SPOT_* strategies are "only available for Spot Instance compute resources".
  if (crType === 'EC2' && (strategy === 'SPOT_CAPACITY_OPTIMIZED' || strategy === 'SPOT_PRICE_CAPACITY_OPTIMIZED')) {
    r.error([...base, 'allocationStrategy'], 'ce-allocation-strategy', `allocationStrategy ${strategy} is only available for SPOT compute environments; use BEST_FIT or BEST_FIT_PROGRESSIVE for EC2`);
  }
  // M:ComputeResource.bidPercentage: a percentage of the On-Demand price (default 100).
  const bid = int(get(cr, 'bidPercentage'));
  if (bid !== undefined && (bid < 0 || bid > 100)) {
    r.error([...base, 'bidPercentage'], 'ce-bid-percentage', `bidPercentage is ${bid}; it is a percentage of the On-Demand price, 0 to 100`);
  }
  if (crType === 'EC2') {
    for (const field of ['bidPercentage', 'spotIamFleetRole']) {
      if (has(cr, field)) r.warning([...base, field], 'ce-spot-field', `computeResources.${field} only applies to SPOT compute environments and is ignored for EC2`, 'key');
    }
  } else if ((strategy === undefined || strategy === 'BEST_FIT') && !has(cr, 'spotIamFleetRole')) {
    // M:ComputeResource.spotIamFleetRole: "required if the allocation strategy set to BEST_FIT or if the allocation strategy isn't specified".
    r.error([...base, 'type'], 'ce-spot-fleet-role', `a SPOT compute environment with the ${strategy ?? 'default BEST_FIT'} allocation strategy needs computeResources.spotIamFleetRole (or use SPOT_PRICE_CAPACITY_OPTIMIZED)`);
  }
}
