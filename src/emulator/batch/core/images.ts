/**
 * Which image an attempt runs. `imageOverrides` in localbatch.yaml map a definition's image (say a
 * private ECR image) to a local one, so the same definition runs here and on AWS; DescribeJobs still
 * shows the definition's image. `app` and `app:latest` name the same image.
 */

function withLatest(image: string): string {
  if (image.includes('@')) return image;
  return image.slice(image.lastIndexOf('/') + 1).includes(':') ? image : `${image}:latest`;
}

export function imageToRun(image: string, overrides: Readonly<Record<string, string>> | undefined): string {
  if (!overrides) return image;
  if (Object.hasOwn(overrides, image)) return overrides[image];
  const tagged = withLatest(image);
  for (const [from, to] of Object.entries(overrides)) if (withLatest(from) === tagged) return to;
  return image;
}
