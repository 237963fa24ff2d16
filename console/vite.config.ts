import { defineConfig } from "vite";

// The console is served by archive-api under /console (api/console.cpp) with a Content-Security-Policy that allows
// no inline script, so the build emits only files: one module script, one stylesheet, hashed under assets/.
export default defineConfig({
  base: "/console/",
  build: {
    outDir: process.env.CONSOLE_OUT_DIR ?? "../build/console",
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: "es2022",
  },
});
