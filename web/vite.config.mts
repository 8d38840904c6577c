import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const protocolSrc = fileURLToPath(new URL('../packages/protocol/src/index.ts', import.meta.url));
const entitiesShim = fileURLToPath(new URL('./src/lib/html-entities.ts', import.meta.url));

// `npm run dev -w @converge/web`: hot reload on :5173, API paths proxied as the Ingress routes them.
const userTarget = process.env.USER_SERVICE_URL ?? 'http://127.0.0.1:3000';
const chatTarget = process.env.CHAT_SERVICE_URL ?? 'http://127.0.0.1:3002';

export default defineConfig({
  plugins: [solid()],
  resolve: {
    // The protocol package is CommonJS compiled to dist/; the browser bundle takes its ESM source.
    // The SPA imports only its types, so zod stays out of the bundle.
    alias: {
      '@converge/protocol': protocolSrc,
      // markdown-it's entity decoder: the browser's own table instead of a 20 KB gz copy (see the shim).
      entities: entitiesShim,
    },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    assetsInlineLimit: 0,
  },
  server: {
    port: Number(process.env.VITE_PORT ?? 5173),
    host: '127.0.0.1',
    proxy: {
      '/auth': userTarget,
      '/users': userTarget,
      '/.well-known': userTarget,
      '/user/graphql': userTarget,
      '/rooms': chatTarget,
      '/graphql': { target: chatTarget, ws: true },
      '/chat/graphql': { target: chatTarget, ws: true },
      '/socket.io': { target: chatTarget, ws: true },
    },
  },
});
