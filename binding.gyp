{
  # Every .cc under native/ is part of the addon: adding a file needs no edit here.
  # CPU features are dispatched at run time (function target attributes), so no -m flags.
  "targets": [
    {
      "target_name": "prtip_perf",
      "sources": [
        "<!@(node -e \"const fs=require('fs'),p=require('path');const w=d=>fs.readdirSync(d,{withFileTypes:true}).flatMap(e=>e.isDirectory()?w(p.join(d,e.name)):e.name.endsWith('.cc')?[p.join(d,e.name)]:[]);console.log(w('native').sort().join(' '))\")"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-O2"]
    },
    {
      # The small executable that forks each measured program (see native/process/exec_helper.c).
      # C and libc only; it lands next to the addon, where native/process/spawn.cc looks for it.
      "target_name": "prtip-perf-exec",
      "type": "executable",
      "sources": ["native/process/exec_helper.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      # Linked statically when the C library's static archive is there (libc6-dev on Debian, which
      # any C build needs): no dynamic loader on each run's path, ~0.3 ms less per run.
      "ldflags": ["<!@(node -e \"let a='';try{a=require('child_process').execSync((process.env.CC||'cc')+' -print-file-name=libc.a').toString().trim()}catch{};console.log(a.startsWith('/')?'-static':'')\")"]
    }
  ]
}
