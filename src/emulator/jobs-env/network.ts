/**
 * The Docker network jobs with credentials run on. The AWS SDKs take container credentials over
 * plain HTTP only from a loopback address or the ECS/EKS link-local hosts (169.254.170.2,
 * 169.254.170.23): the default bridge's gateway (172.17.0.1) is refused by the JS SDK v3 and
 * botocore alike. So localbatch keeps a bridge network `localbatch-ecs` on 169.254.170.0/24 whose
 * gateway, the host's own address on it, is 169.254.170.2, ECS's credentials host: the emulator
 * listens there (and only there, besides 127.0.0.1), and the SDKs' unmodified default chain in
 * the container accepts it. The network is shared by every emulator on this machine and kept.
 */
import type Docker from 'dockerode';
import { MANAGED_LABEL, MANAGED_LABEL_VALUE } from '../runtime/docker-spec';

export const CONTAINER_NETWORK = 'localbatch-ecs';
export const CONTAINER_SUBNET = '169.254.170.0/24';
/** ECS's container credentials host; the host side of the network. */
export const CONTAINER_GATEWAY = '169.254.170.2';

/** Makes sure the network exists with the expected gateway; rejects with a readable reason otherwise. */
export async function ensureContainerNetwork(docker: Docker): Promise<{ name: string; gateway: string }> {
  const inspect = async () => (await docker.getNetwork(CONTAINER_NETWORK).inspect()) as { IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> } };
  let info;
  try {
    info = await inspect();
  } catch {
    try {
      await docker.createNetwork({
        Name: CONTAINER_NETWORK,
        Driver: 'bridge',
        CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: CONTAINER_SUBNET, Gateway: CONTAINER_GATEWAY }] },
        Labels: { [MANAGED_LABEL]: MANAGED_LABEL_VALUE },
      });
    } catch (err) {
      // Another emulator may have created it meanwhile; anything else is reported below.
      info = await inspect().catch(() => {
        throw new Error(`could not create the Docker network ${CONTAINER_NETWORK} (${CONTAINER_SUBNET}): ${(err as Error).message}`);
      });
    }
    info ??= await inspect();
  }
  const gateway = info.IPAM?.Config?.find((c) => c.Subnet === CONTAINER_SUBNET)?.Gateway;
  if (gateway !== CONTAINER_GATEWAY) {
    throw new Error(`the Docker network ${CONTAINER_NETWORK} exists with another address range; remove it (docker network rm ${CONTAINER_NETWORK}) and start again`);
  }
  return { name: CONTAINER_NETWORK, gateway };
}
