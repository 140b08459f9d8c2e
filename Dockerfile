# Build stage: compile TypeScript with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# Runtime stage: production dependencies and the compiled output only, as a non-root user.
# In a container, DATABASE_URL points at a managed Postgres (the embedded one is for development)
# and INTEGRATION_ENCRYPTION_KEY should be set (without it a key is generated into the data dir).
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=4001
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# tsc compiles only .ts: the dashboard's static page ships beside its compiled router.
COPY src/dashboard/assets ./dist/src/dashboard/assets
COPY schema ./schema
USER node
EXPOSE 4001
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4001)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
