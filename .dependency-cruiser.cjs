/**
 * The layers of src/ and who may import whom (issue 22). Each layer imports only the
 * layers before it in this order:
 *
 *   core → model → measure → analyse → judge → report → cli
 *
 * src/index.ts is the library's face (everything but the CLI); bench/ holds the suites and
 * the entry points that wire them to the CLI. Checked by `npm run check:layers` and by
 * test/layers.test.ts, so an import against the order fails the build.
 */
const LAYERS = ['core', 'model', 'measure', 'analyse', 'judge', 'report', 'cli'];

/** One rule per layer: nothing in it imports a layer after it. */
const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `${layer}-imports-down-only`,
  comment: `src/${layer} may import only ${LAYERS.slice(0, i + 1).join(', ')} (the order is ${LAYERS.join(' → ')})`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'layers-never-import-the-face',
      comment: 'src/index.ts re-exports the layers; a layer importing it would import itself',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/index\\.ts$' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'library-never-imports-cli',
      comment: 'the library (src/index.ts) is usable without the command line',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'src-never-imports-bench',
      comment: 'the library never imports its own suites; bench/cli.ts wires them together',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^bench/' },
    },
    {
      name: 'suites-only-measure',
      comment: 'a suite measures; judging, reporting and the CLI happen once, after every suite',
      severity: 'error',
      from: { path: '^bench/suites/' },
      to: { path: '^src/(judge|report|cli)/' },
    },
    {
      name: 'no-circular',
      comment: 'a cycle makes two modules one: split the shared part out',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment: 'an import that resolves to nothing is a typo or a moved file',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    // The sources import './x.js' for './x.ts' (NodeNext): resolve those as TypeScript does.
    // An absolute path: TypeScript finds no inputs from a relative one.
    tsConfig: { fileName: require('node:path').join(__dirname, 'src', 'tsconfig.json') },
    exclude: { path: '^(dist|node_modules|build)/' },
  },
};
