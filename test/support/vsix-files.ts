/** What the extension's VSIX may hold, as paths relative to the extension root (shared by the packaging tests). */
const ALLOWED = [/^package\.json$/, /^README\.md$/i, /^readme\.md$/, /^LICENSE(\.txt)?$/, /^media\/[^/]+$/, /^dist\/[\w-]+\.js$/, /^dist\/webview\/[\w.-]+\.(js|css)$/];

export const allowedInVsix = (f: string): boolean => ALLOWED.some((re) => re.test(f));
