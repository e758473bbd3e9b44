/** Replaced at build time from package.json; tests running from sources see 'dev'. */
declare const __TOOL_VERSION__: string | undefined;
export const TOOL_VERSION: string = typeof __TOOL_VERSION__ === 'string' ? __TOOL_VERSION__ : 'dev';
