import type { NextConfig } from "next";
import path from "node:path";

/**
 * The browser talks to the API directly (NEXT_PUBLIC_API_BASE, read at request time by the root
 * layout so one build serves any backend). `/api/*` is also proxied through Next to
 * API_PROXY_TARGET for same-origin deployments; note that rewrites are fixed at build time.
 */
const proxyTarget = (process.env.API_PROXY_TARGET || process.env.NEXT_PUBLIC_API_BASE || "http://localhost:8000").replace(/\/$/, "");

const nextConfig: NextConfig = {
  output: "standalone",
  outputFileTracingRoot: path.join(__dirname),
  poweredByHeader: false,
  // SSE through the proxy must not be buffered by gzip.
  compress: false,
  reactStrictMode: true,
  // `npm run lint` runs `tsc --noEmit` (strict); skipping the duplicate check keeps builds fast on 2 cores.
  typescript: { ignoreBuildErrors: true },
  async rewrites() {
    return [{ source: "/api/:path*", destination: `${proxyTarget}/api/:path*` }];
  },
};

export default nextConfig;
