/** esbuild loads .css as text (scripts/build.mjs: loader { '.css': 'text' }); the panel injects it at run time. */
declare module '*.css' {
  const text: string;
  export default text;
}
