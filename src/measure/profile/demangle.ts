/**
 * Symbol demangling for Rust (legacy `_ZN…17h<hash>E` and v0 `_R…`) and C++ (Itanium `_Z…`).
 *
 * The work is done by gecko-profiler-demangle, the Firefox Profiler's WebAssembly build of
 * the rustc-demangle and cpp_demangle crates: one well-kept dependency-free package that
 * covers both Rust schemes and C++, where the C++ runtime's abi::__cxa_demangle knows
 * nothing of Rust's v0 scheme. The package is built for bundlers (`import "./x.wasm"`),
 * which Node 20 cannot load, so the module is instantiated here by hand.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface DemanglerGlue {
  demangle_any(name: string): string;
  __wbg_set_wasm(exports: Record<string, unknown>): void;
}
/** The slice of the WebAssembly API used here (the project's TS libs leave out the DOM's typings of it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const require = createRequire(import.meta.url);
// A non-literal specifier: the glue file ships without a declaration file.
const gluePath: string = 'gecko-profiler-demangle/index_bg.js';
const glue = (await import(gluePath)) as DemanglerGlue;
const instance = new wasmApi.Instance(new wasmApi.Module(readFileSync(require.resolve('gecko-profiler-demangle/index_bg.wasm'))), { './index_bg.js': glue });
glue.__wbg_set_wasm(instance.exports);
(instance.exports['__wbindgen_start'] as () => void)();

/** Itanium C++ and Rust legacy (`_Z`, also with macOS's extra underscore) or Rust v0 (`_R`). */
const MANGLED = /^_{1,2}[ZR]/;
/** A suffix the compiler appends to a cloned or split function (`.cold`, `.llvm.123`, `.constprop.0`, `.isra.0`). */
const CLONE_SUFFIX = /((?:\.(?:cold|llvm|constprop|isra|part|lto_priv|localalias)(?:\.\d+)?)+)$/;

/**
 * The readable name of `symbol`: Rust paths without their `::h<hash>` tail, C++ with its
 * parameter list; a name that is not mangled (C, assembly) or that no demangler accepts
 * comes back unchanged. A compiler clone suffix such as `.cold` is kept, after the name.
 */
export function demangle(symbol: string): string {
  if (!MANGLED.test(symbol)) return symbol;
  const suffix = CLONE_SUFFIX.exec(symbol)?.[1] ?? '';
  const base = suffix ? symbol.slice(0, -suffix.length) : symbol;
  let out: string;
  try {
    out = glue.demangle_any(base);
  } catch {
    return symbol;
  }
  // When every demangler refuses, demangle_any retries without the leading underscore and
  // hands back the input minus that underscore: that is a refusal, not a name.
  if (out === base || out === base.slice(1) || out.length === 0) return symbol;
  // `.llvm.<n>` and a bare `.<n>` only number a copy (perf drops them too, so copies add up);
  // `.cold` and the like say what part of the function it is.
  return out.replace(/(\.\d+)+$/, '') + suffix.replace(/\.llvm\.\d+/g, '');
}
