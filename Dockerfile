# syntax=docker/dockerfile:1
# Vùng Xanh: one image for every role (ROLE=all | api | worker).
#
# Why `npm ci --ignore-scripts`: package.json's `allowScripts` (which turns off botbuilder-dialogs'
# failing `npx rimraf` postinstall) is read by npm 11 only; this image's npm 10 ignores it and would
# run every install script. `npm query ':attr(scripts, [install]), :attr(scripts, [postinstall])'`
# lists the packages that have one, and none of them is needed here:
#   - botbuilder-dialogs (postinstall): only deletes duplicate nested recognizers-text copies;
#     choice recognition was measured to be the same without it.
#   - esbuild (postinstall, under tsx): only checks its platform binary, which npm installs anyway
#     as the optional @esbuild/linux-* package from the lockfile.
#   - msgpackr-extract (install, under bullmq): a native speed-up with prebuilt @msgpackr-extract/*
#     packages; msgpackr falls back to plain JS without it.
#   - @swc/core, @parcel/watcher: dev tools (tests, lint), not used by `npm run build` (tsc).
#   - argon2 (install: node-gyp-build): ships prebuilt binaries (prebuilds/linux-x64, glibc and musl),
#     which node-gyp-build loads at run time; the script would only compile when none fits.
# A package added later that truly needs its script (one without prebuilt binaries) must be rebuilt
# here explicitly with `npm rebuild <name>`.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The TypeScript sources stay too, so `npm run migrate`, `npm run seed:example` and the other
# one-job scripts (run with tsx, a production dependency) work inside the container.
COPY tsconfig.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
USER node
ENV PORT=3000
EXPOSE 3000
# A worker-only container (ROLE=worker) serves no HTTP: its check passes while the process lives.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "if (process.env.ROLE === 'worker') process.exit(0); fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself (it drains within 10 s; see stop_grace_period).
# The node options are npm start's (package.json), for memory at a broadcast's 1,000 sends/s:
# - a young generation of 2 x 32 MB (default 16): the objects of the sends in flight outlived the
#   default one's collections and were promoted to the old space as garbage;
# - the old space grows by half its live size between full collections (V8 picks up to 4x: after
#   start-up it let 50 MB live grow to 205 MB before collecting).
# Broadcast to 100,000 (bench 2026-11-29): peak RSS 317-353 MB without either, 233-341 MB with the
# first alone (the 341 when the broadcast began right after start-up), 231 MB with both, at the limit.
CMD ["node", "--max-semi-space-size=32", "--heap-growing-percent=50", "dist/src/main/all.js"]
