# syntax=docker/dockerfile:1
# One image for every safer-hub service; the command picks the service, e.g.
#   docker run safer-hub node dist/apps/police/src/main.js
# docker-compose.yml runs each service from it. Docker is not available on the developers'
# machines, so this file is for users who have Docker; the default run there is `npm start`.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install everything, compile, then drop dev dependencies --------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first so the dependency layer is cached until they change.
COPY package.json package-lock.json ./
# --ignore-scripts matches the developers' npm 11 (no package is approved in allowScripts):
# nothing the hub needs has an install step, and it skips @scarf/scarf's telemetry script.
RUN npm ci --ignore-scripts --no-audit --no-fund
# Only what tsconfig.build.json compiles; test/ is excluded from the build anyway.
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
# the build copies the web app's static files into dist/web with a script from here
COPY scripts ./scripts
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime: compiled output and production dependencies only, as the non-root node user
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# HOST=0.0.0.0: services bind 127.0.0.1 by default, which is unreachable from other containers.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    NODE_OPTIONS=--enable-source-maps
# Files stay owned by root (read-only to the app); the process runs as `node` (uid 1000).
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The information-sharing agreements hub-api decides by (ISA_DIR points elsewhere).
COPY deploy/isa ./deploy/isa
COPY deploy/marac ./deploy/marac
COPY deploy/schools ./deploy/schools
COPY deploy/analytics ./deploy/analytics
USER node
# hub-api 3000, police 3001, fire 3002, housing 3003, treatment 3004, youth-justice 3005,
# consolidation 3006 (health and metrics only).
EXPOSE 3000 3001 3002 3003 3004 3005 3006
# No HEALTHCHECK here: the port differs per service, so docker-compose.yml defines one each.
CMD ["node", "dist/apps/hub-api/src/main.js"]
