# MailKit's production image: one image, two roles.
#   web:    node server.js             (the Next.js standalone server; MAILKIT_ROLE=web, or all for a single box)
#   worker: node --import tsx scripts/worker.ts   (MAILKIT_ROLE=worker: the background loops, no Next.js)
# Built with the same script as the standalone smoke test (npm run build:standalone → tests/standalone).

# ---- dependencies (all of them: the build needs the dev tools) -------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json ./
COPY scripts/prisma-generate.mjs scripts/prisma-generate.mjs
COPY scripts/bin scripts/bin
COPY prisma prisma
COPY prisma.config.ts ./
# `npm install` with the lockfile installs exactly the locked versions (see STACK notes on `npm ci`).
RUN npm install --no-audit --no-fund

# ---- build ---------------------------------------------------------------------------------------------------
FROM deps AS build
COPY . .
RUN npm run build:standalone
# The worker runs from the sources with production dependencies only.
RUN npm prune --omit=dev --no-audit --no-fund

# ---- web: the standalone server --------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS web
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 NEXT_MANUAL_SIG_HANDLE=1 PORT=3000 HOSTNAME=0.0.0.0 \
    MAILKIT_ROLE=web
COPY --from=build --chown=node:node /app/.next/standalone ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM: finishes requests and Resend calls in progress, then exits (at most 15 s; give it stop_grace_period 20s).
CMD ["node", "server.js"]

# ---- worker: the loops in plain Node -------------------------------------------------------------------------
FROM node:20-bookworm-slim AS worker
WORKDIR /app
ENV NODE_ENV=production MAILKIT_ROLE=worker WORKER_HEALTH_PORT=3001
COPY --from=build --chown=node:node /app/package.json /app/tsconfig.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/lib ./lib
COPY --from=build --chown=node:node /app/scripts ./scripts
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/emulators ./emulators
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.WORKER_HEALTH_PORT+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "scripts/worker.ts"]
