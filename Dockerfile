# syntax=docker/dockerfile:1
# One image for every component; the command picks it (compose.yaml):
#   node dist/gateway/main.js | dist/subgraphs/{odoo,crm,writes}/main.js | dist/worker/main.js
#   | dist/sandboxes/{odoo,hubspot}/main.js (demo and staging only).
# Build stage: dependencies from the lockfile (better-sqlite3 compiles if no prebuilt
# binary matches), the TypeScript compiled to dist/, then dev dependencies pruned.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: no compiler, no sources, no dev dependencies; runs as the image's
# unprivileged `node` user and writes only to /data (the SQLite store).
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    STORE_PATH=/data/supergraph.sqlite \
    GATEWAY_HOST=0.0.0.0 \
    SUBGRAPH_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000 4001 4002 4003
# HEALTHCHECK_URL names the component's own /health (the gateway's by default).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["node", "dist/scripts/healthcheck.js"]
CMD ["node", "dist/gateway/main.js"]
