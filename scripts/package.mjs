// npm run package [-- --target linux-x64]: a platform-specific .vsix with the bundles, media,
// and only that platform's ONNX Runtime and sharp binaries (what the e2e test installs).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const arg = process.argv.indexOf('--target');
const target = arg > 0 ? process.argv[arg + 1] : `${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch}`;
const [os, arch] = target.split('-');
const ortOs = { linux: 'linux', darwin: 'darwin', win32: 'win32', alpine: 'linux' }[os];
if (!ortOs || !arch) throw new Error(`unknown target ${target}; e.g. linux-x64, darwin-arm64, win32-x64`);

// .vscodeignore plus: this platform's ONNX Runtime binaries (not the others'), without the
// CUDA/TensorRT provider libraries (they need CUDA installed; the CPU provider always loads).
const base = readFileSync('.vscodeignore', 'utf8');
const extra = [
  `!node_modules/onnxruntime-node/bin/napi-v6/${ortOs}/${arch}/*onnxruntime*`,
  `node_modules/onnxruntime-node/bin/napi-v6/**/*providers_cuda*`,
  `node_modules/onnxruntime-node/bin/napi-v6/**/*providers_tensorrt*`,
  'node_modules/**/*.md',
  'node_modules/**/*.d.ts',
  'node_modules/**/*.map',
];
mkdirSync('.cache', { recursive: true });
const ignoreFile = `.cache/vscodeignore-${target}`;
writeFileSync(ignoreFile, `${base}\n# generated for ${target}\n${extra.join('\n')}\n`);

execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
const { version, name } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = `${name}-${target}-${version}.vsix`;
execFileSync('npx', ['vsce', 'package', '--target', target, '--ignoreFile', ignoreFile, '--out', out, '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links'], { stdio: 'inherit' });
console.log(out);
