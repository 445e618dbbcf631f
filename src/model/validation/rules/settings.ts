/** `localbatch.yaml`: local-only settings. */
import type { Reporter } from '../reporter';
import { arr, get, show, str } from './util';

export function checkSettings(doc: unknown, r: Reporter): void {
  const seen = new Map<string, number>();
  arr(get(doc, 'images'))?.forEach((image, i) => {
    const name = str(get(image, 'name'));
    if (name === undefined) return;
    const first = seen.get(name);
    if (first !== undefined) {
      r.error(['images', i, 'name'], 'settings-duplicate-image', `image ${show(name)} is defined twice (also images entry ${first + 1}); each local image name must be unique`);
    } else seen.set(name, i);
  });
  // capacity.vcpus > 0 and capacity.memoryMiB >= 4 are in the JSON Schema.
}
